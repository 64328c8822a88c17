//! One module per subcommand; each does its own IO and returns an exit code (or an error that
//! `exit` turns into one). Helpers here are the IO bits several commands share.

pub mod completions;
pub mod fixture;
pub mod listen;
pub mod poll;
pub mod replay;
pub mod secret;
pub mod send;
pub mod sign;
pub mod verify;

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::Context;

use crate::cli::SecretArgs;
use crate::exit::CliError;
use crate::output::Output;
use crate::secret::{Origin, Secrets};

/// What a command does with the development secrets when the user gave none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevUse {
    /// Signs with the current one.
    Sign,
    /// Verifies with all of them (the old ones stay accepted during a rotation).
    Verify,
}

/// The secrets the user gave, else the project's development secret (created if there is none).
/// A secret on the command line gets a note: other users see it in `ps`.
pub fn resolve_secrets(
    args: &SecretArgs,
    out: &Output,
    dev_use: DevUse,
) -> anyhow::Result<Secrets> {
    if let Some(given) = args.given()? {
        if given.on_command_line {
            out.info(
                "note: --secret is visible to other users of this machine (ps); \
                 prefer HOOKY_SECRET=… or --secret-file",
            );
        }
        return Ok(Secrets {
            list: given.secrets,
            origin: Origin::Given(given.source),
        });
    }
    let dev = crate::dev_secret::find_or_create()?;
    if dev.created {
        out.info(&format!(
            "created a development secret in {} (`hooky secret` prints it)",
            dev.shown_path()
        ));
    }
    let path = dev.shown_path();
    let mut list = dev.secrets;
    if dev_use == DevUse::Sign {
        list.truncate(1);
    }
    Ok(Secrets {
        list,
        origin: Origin::Development(path),
    })
}

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
