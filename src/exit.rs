//! Exit codes, in one table, and the one place errors become a message and a code.
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | success |
//! | 1    | failure: a runtime error, a receiver that did not answer 2xx, retries exhausted |
//! | 2    | usage: bad flags or input (clap's own errors use it too) |
//! | 3    | verification failed (`hooky verify`: invalid or unsigned) |
//! | 4    | an expectation was not met (`send --expect-status`/`--expect-body`), or a `send --attack` check failed |
//! | 124  | deadline reached (`--timeout`), as coreutils' `timeout` |
//! | 130  | interrupted (Ctrl-C), or a picker left with Esc or Ctrl-C |
//! | 143  | terminated (SIGTERM) |
//!
//! SIGTERM stops a command as gracefully as Ctrl-C does (requests in flight finish, the capture is
//! flushed, the summary printed). A command with a goal (`listen --count`, `poll --until/--count`,
//! `send --count`, `replay`) exits 0 only when the goal was met; `listen` without a goal exits 0.
//! `hooky send --attack` exits 4 when any check fails.

use std::fmt;

pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const VERIFY_FAILED: u8 = 3;
pub const EXPECTATION_FAILED: u8 = 4;
pub const DEADLINE: u8 = 124;
pub const INTERRUPTED: u8 = 130;
pub const TERMINATED: u8 = 143;

/// An error that knows its exit code and may carry a hint on how to fix it.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// Bad flags or input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(USAGE, message)
    }

    /// A runtime failure: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        CliError::new(FAILURE, message)
    }

    /// The deadline passed: exit 124.
    pub fn deadline(message: impl Into<String>) -> Self {
        CliError::new(DEADLINE, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// Whether the error comes from writing to a closed pipe (`hooky … | head`): not an error.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The exit code for an error, and the lines to print for it (none for a broken pipe).
pub fn describe(error: &anyhow::Error) -> (u8, Vec<String>) {
    if is_broken_pipe(error) {
        return (OK, Vec::new());
    }
    let mut lines = vec![format!("hooky: error: {error:#}")];
    let code = match error.downcast_ref::<CliError>() {
        Some(cli) => {
            if let Some(hint) = &cli.hint {
                lines.push(format!("hint: {hint}"));
            }
            cli.code
        }
        None => FAILURE,
    };
    // One line per message: a cause chain from the network may carry newlines.
    let lines = lines
        .into_iter()
        .map(|l| crate::output::sanitize_line(&l))
        .collect();
    (code, lines)
}

/// `error` as the fields of the `--json` error record (see [`crate::output::ErrorRecord`]): its
/// message with the causes, and its hint when it is a [`CliError`] with one.
pub fn error_record(error: &anyhow::Error) -> crate::output::ErrorRecord {
    let hint = error
        .downcast_ref::<CliError>()
        .and_then(|e| e.hint.as_deref());
    crate::output::ErrorRecord::new(format!("{error:#}"), hint)
}

/// Turns clap's own error (unknown flag, missing value, bad choice) into hooky's format: one
/// `hooky: error:` line, then a `hint:` with clap's tips and where the help is. Help and version
/// requests are printed as clap prints them. Returns the exit code.
pub fn report_clap_error(error: &clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            USAGE
        } else {
            OK
        };
    }
    // The subcommand, for the hint to name its help (clap's message does not always say).
    let names: Vec<String> = <crate::Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let subcommand = std::env::args()
        .skip(1)
        .find(|arg| names.contains(arg))
        .map_or("hooky".to_string(), |name| format!("hooky {name}"));
    for line in clap_error_lines(&error.render().to_string(), &subcommand) {
        eprintln!("{line}");
    }
    USAGE
}

/// The lines of [`report_clap_error`] from clap's plain rendering.
fn clap_error_lines(rendered: &str, command: &str) -> Vec<String> {
    let mut message = String::new();
    let mut hints: Vec<String> = Vec::new();
    for line in rendered.lines() {
        let trimmed = line.trim();
        if let Some(text) = line.strip_prefix("error: ") {
            message = text.to_string();
        } else if let Some(tip) = trimmed.strip_prefix("tip: ") {
            // "to pass '--x' as a value, use '-- --x'" misleads more than it helps for a typo.
            if !tip.starts_with("to pass '") {
                hints.push(tip.to_string());
            }
        } else if let Some(values) = trimmed
            .strip_prefix("[possible values: ")
            .and_then(|v| v.strip_suffix(']'))
        {
            hints.push(format!("possible values: {values}"));
        } else if trimmed.starts_with("Usage: ") || trimmed.starts_with("For more information") {
            // Replaced by the hint's pointer to --help.
        } else if message.is_empty() && !trimmed.is_empty() {
            message = trimmed.to_string();
        }
    }
    hints.push(format!("{command} --help shows every flag"));
    vec![
        format!("hooky: error: {}", crate::output::sanitize_line(&message)),
        format!("hint: {}", crate::output::sanitize_line(&hints.join("; "))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn one_json_error_shape() {
        let error = anyhow::Error::new(CliError::usage("bad --port").with_hint("use a number"));
        assert_eq!(
            serde_json::to_value(error_record(&error)).unwrap(),
            serde_json::json!({"error": "bad --port", "hint": "use a number"})
        );
        let error = anyhow::anyhow!("boom").context("while sending");
        assert_eq!(
            serde_json::to_value(error_record(&error)).unwrap(),
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
    fn clap_errors_become_one_error_line_and_a_hint() {
        let rendered = "error: unexpected argument '--tx' found\n\n  tip: a similar argument exists: '--to'\n\nUsage: hooky send --to <URL> [EVENT]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            clap_error_lines(rendered, "hooky send"),
            [
                "hooky: error: unexpected argument '--tx' found",
                "hint: a similar argument exists: '--to'; hooky send --help shows every flag"
            ]
        );
        let rendered = "error: invalid value 'x' for '--color <WHEN>'\n  [possible values: auto, always, never]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            clap_error_lines(rendered, "hooky"),
            [
                "hooky: error: invalid value 'x' for '--color <WHEN>'",
                "hint: possible values: auto, always, never; hooky --help shows every flag"
            ]
        );
    }

    #[test]
    fn broken_pipe_is_silent_success() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = anyhow::Error::new(io).context("writing output");
        assert_eq!(describe(&error), (OK, vec![]));
    }
}
