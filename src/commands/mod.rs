//! One module per subcommand; each does its own IO and returns an exit code (or an error that
//! `exit` turns into one). Helpers here are the IO bits several commands share.

pub mod completions;
pub mod fixture;
pub mod listen;
pub mod poll;
pub mod replay;
pub mod send;
pub mod sign;
pub mod verify;

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::Context;

use crate::exit::CliError;

/// Reads a body from a file, or from stdin for `-` or no file. Refuses to wait on a terminal.
pub fn read_input(file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    match file {
        Some(path) if path != Path::new("-") => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        }
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(CliError::usage("no body to read: stdin is a terminal")
                    .with_hint("give a FILE, or pipe the body in: echo -n '{}' | hooky …")
                    .into());
            }
            let mut body = Vec::new();
            stdin
                .lock()
                .read_to_end(&mut body)
                .context("cannot read the body from stdin")?;
            Ok(body)
        }
    }
}

/// Ctrl-C, listened for from the moment this is called: tokio's `ctrl_c()` starts listening only
/// when first polled, and a signal that comes before that kills the process instead.
pub fn interrupt_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
        Ok(async move {
            interrupt.recv().await;
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// The current time in unix seconds: the only clock the signature core ever sees.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}
