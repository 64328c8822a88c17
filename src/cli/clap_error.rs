//! clap's own errors (unknown flag, missing value, bad choice) in hooky's format.

use crate::exit;
use crate::output::sanitize_line;

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
            exit::USAGE
        } else {
            exit::OK
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
    exit::USAGE
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
        format!("hooky: error: {}", sanitize_line(&message)),
        format!("hint: {}", sanitize_line(&hints.join("; "))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
