//! How an error is shown: `hooky: error: …` and `hint: …` lines on stderr, or the one `--json`
//! error record. The code and hint come from [`crate::exit`].

use crate::exit;

/// The exit code for an error, and the lines to print for it (none for a broken pipe).
pub fn describe(error: &anyhow::Error) -> (u8, Vec<String>) {
    if exit::is_broken_pipe(error) {
        return (exit::OK, Vec::new());
    }
    let mut lines = vec![format!("hooky: error: {error:#}")];
    if let Some(hint) = exit::hint(error) {
        lines.push(format!("hint: {hint}"));
    }
    // One line per message: a cause chain from the network may carry newlines.
    let lines = lines.iter().map(|l| super::sanitize_line(l)).collect();
    (exit::code(error), lines)
}

/// `error` as the fields of the `--json` error record (see [`super::ErrorRecord`]): its message
/// with the causes, and its hint when it has one.
pub fn error_record_of(error: &anyhow::Error) -> super::ErrorRecord {
    super::ErrorRecord::new(format!("{error:#}"), exit::hint(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{CliError, DEADLINE, FAILURE, OK, USAGE};
    use anyhow::Context;

    #[test]
    fn one_json_error_shape() {
        let error = anyhow::Error::new(CliError::usage("bad --port").with_hint("use a number"));
        assert_eq!(
            serde_json::to_value(error_record_of(&error)).unwrap(),
            serde_json::json!({"error": "bad --port", "hint": "use a number"})
        );
        let error = anyhow::anyhow!("boom").context("while sending");
        assert_eq!(
            serde_json::to_value(error_record_of(&error)).unwrap(),
            serde_json::json!({"error": "while sending: boom"})
        );
    }

    #[test]
    fn codes_and_hints() {
        let error = anyhow::Error::new(CliError::usage("bad --port").with_hint("use a number"));
        assert_eq!(
            describe(&error),
            (
                USAGE,
                vec![
                    "hooky: error: bad --port".into(),
                    "hint: use a number".into()
                ]
            )
        );
        let error = anyhow::anyhow!("boom\nsecond line").context("while sending");
        let (code, lines) = describe(&error);
        assert_eq!(code, FAILURE);
        assert_eq!(
            lines,
            vec!["hooky: error: while sending: boom\\nsecond line".to_string()]
        );
    }

    #[test]
    fn context_keeps_the_code() {
        let error: anyhow::Result<()> = Err(CliError::deadline("too slow").into());
        let error = error.context("while waiting").unwrap_err();
        assert_eq!(describe(&error).0, DEADLINE);
    }

    #[test]
    fn broken_pipe_is_silent_success() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = anyhow::Error::new(io).context("writing output");
        assert_eq!(describe(&error), (OK, vec![]));
    }
}
