//! Exit codes, in one table, and the error that carries its code and hint. A leaf: the message
//! is printed by `output::error`, clap's own errors are reformatted by `cli::clap_error`.
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

/// The exit code for an error: its own when it is a [`CliError`] (also under context), else 1; 0
/// for a broken pipe.
pub fn code(error: &anyhow::Error) -> u8 {
    if is_broken_pipe(error) {
        return OK;
    }
    error.downcast_ref::<CliError>().map_or(FAILURE, |e| e.code)
}

/// The hint of an error, when it is a [`CliError`] with one.
pub fn hint(error: &anyhow::Error) -> Option<&str> {
    error
        .downcast_ref::<CliError>()
        .and_then(|e| e.hint.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn context_keeps_the_code() {
        let error: anyhow::Result<()> = Err(CliError::deadline("too slow").into());
        let error = error.context("while waiting").unwrap_err();
        assert_eq!(code(&error), DEADLINE);
        assert_eq!(code(&anyhow::anyhow!("boom")), FAILURE);
    }

    #[test]
    fn broken_pipe_is_silent_success() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = anyhow::Error::new(io).context("writing output");
        assert_eq!(code(&error), OK);
    }
}
