//! Output conventions, in one place: data to stdout (human lines or one JSON object per line),
//! diagnostics to stderr, colors only on a terminal and never with `NO_COLOR` or `--color never`,
//! and text from the network escaped before it reaches a terminal.

mod clip;
pub mod error;
pub mod picker;
mod sanitize;
mod style;

use std::io::{IsTerminal, Write};

pub use clip::{clip_body, clipped_note};
pub use sanitize::{ellipsize, sanitize, sanitize_line};
pub use style::Paint;

/// The fields of the one `--json` error record of every command: `{"type":"error","error":…,
/// "hint":…}`, `hint` only when there is one. Each command's `Record::Error` flattens it and may
/// add its own fields (`seq`, `time`, `retrying`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ErrorRecord {
    /// The message, with its causes.
    pub error: String,
    /// How to fix it, when hooky knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl ErrorRecord {
    pub fn new(error: impl Into<String>, hint: Option<&str>) -> Self {
        ErrorRecord {
            error: error.into(),
            hint: hint.map(str::to_string),
        }
    }
}

/// How a command writes: decided once from the global flags and the environment.
#[derive(Clone, Debug)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// `--max-print`: the most of one body human mode prints.
    pub max_print: usize,
    /// Styles for stdout and for stderr: each stream gets colors only when it is a terminal.
    pub paint: Paint,
    pub paint_err: Paint,
    stderr_is_terminal: bool,
}

/// What the global flags ask of the output (the command line's `GlobalArgs` makes one).
pub struct Choices {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub max_print: u64,
    /// `--color always` / `never`; `None` for auto: only on a terminal, and not with `NO_COLOR`.
    pub colors: Option<bool>,
}

impl Output {
    pub fn new(global: &Choices) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_terminal: bool| global.colors.unwrap_or(is_terminal && !no_color);
        let stderr_is_terminal = std::io::stderr().is_terminal();
        Output {
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
            max_print: usize::try_from(global.max_print).unwrap_or(usize::MAX),
            paint: Paint::new(decide(std::io::stdout().is_terminal())),
            paint_err: Paint::new(decide(stderr_is_terminal)),
            stderr_is_terminal,
        }
    }

    /// Writes one record (a command's typed `Record`) as one line of stdout, flushed so a reader
    /// sees it at once.
    pub fn json(&self, record: &impl serde::Serialize) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).expect("a record always serialises");
        line.push(b'\n');
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&line)?;
        stdout.flush()
    }

    /// Writes a line that is already one JSON object (newline included) to stdout, flushed.
    pub fn json_line(&self, line: &str) -> std::io::Result<()> {
        debug_assert!(line.ends_with('\n'));
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(line.as_bytes())?;
        stdout.flush()
    }

    /// Writes human-readable data to stdout (a newline is added), flushed.
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.write_all(b"\n")?;
        stdout.flush()
    }

    /// Writes bytes to stdout as they are (a body), flushed.
    pub fn data_bytes(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()
    }

    /// A progress or status note for people, on stderr; silent with `--quiet`.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A warning on stderr, even with `--quiet`.
    pub fn warn(&self, text: &str) {
        eprintln!(
            "{} {}",
            self.paint_err.warn("hooky: warning:"),
            sanitize_line(text)
        );
    }

    /// Whether progress bars and spinners may be drawn: only on a terminal, never in quiet or JSON mode.
    pub fn show_progress(&self) -> bool {
        self.stderr_is_terminal && !self.quiet && !self.json
    }
}

/// A progress bar style whose `{rate}` reads `2,909/s`, not indicatif's `2909.2606/s`.
pub fn progress_style(template: &str) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", crate::units::format_rate(state.per_sec()));
            },
        )
}

/// Whether hooky may ask the user a question: only when stdin and stderr are terminals.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
