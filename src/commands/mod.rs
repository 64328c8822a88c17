//! One module per subcommand; each does its own IO and returns an exit code (or an error that
//! `exit` turns into one). Helpers here are the IO bits several commands share.

pub mod completions;
pub mod fixture;
pub mod keygen;
pub mod listen;
pub mod poll;
pub mod replay;
pub mod secret;
pub mod send;
pub mod sign;
pub mod verify;

#[cfg(test)]
mod schemas;

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::Context;

use crate::cli::{PrivateKeyArgs, PublicKeyArgs, SecretArgs};
use crate::exit::CliError;
use crate::output::Output;
use crate::secret::{Origin, Secret, Secrets};
use crate::signature::{KeyKind, Scheme};

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

/// The keys `scheme` signs with: for a key-pair scheme its private key (`--private-key`, else the
/// development key of `hooky keygen`), for `none` nothing, else the secrets ([`resolve_secrets`]).
pub fn resolve_signing_keys(
    scheme: Scheme,
    secrets: &SecretArgs,
    private_key: &PrivateKeyArgs,
    out: &Output,
) -> anyhow::Result<Vec<Secret>> {
    let key_pair = scheme.provider().key == KeyKind::KeyPair;
    if private_key.private_key.is_some() && !key_pair {
        return Err(CliError::usage(format!(
            "--private-key is for the key-pair schemes, and {scheme} signs with a secret"
        ))
        .with_hint("drop --private-key, or pass --scheme discord or sendgrid")
        .into());
    }
    if scheme == Scheme::NONE {
        return Ok(Vec::new());
    }
    if key_pair {
        return resolve_private_key(scheme, private_key).map(|key| vec![key]);
    }
    Ok(resolve_secrets(secrets, out, DevUse::Sign)?.list)
}

/// The private key of a key-pair scheme: `--private-key FILE`, else the development key.
pub fn resolve_private_key(scheme: Scheme, args: &PrivateKeyArgs) -> anyhow::Result<Secret> {
    if let Some(path) = &args.private_key {
        return crate::dev_keys::read_private_file(path);
    }
    crate::dev_keys::private_key(scheme)?.ok_or_else(|| {
        CliError::usage(format!(
            "the {scheme} scheme signs with a private key, and there is none"
        ))
        .with_hint(format!(
            "run `hooky keygen --scheme {scheme}` for a development key pair, or pass --private-key FILE"
        ))
        .into()
    })
}

/// The public keys to verify the key-pair schemes with: `--public-key` values, else the
/// development ones (none is fine: a key-pair request then gets a verdict saying so). The flag
/// is true when the user gave them.
pub fn resolve_public_keys(args: &PublicKeyArgs) -> anyhow::Result<(Vec<Secret>, bool)> {
    if args.public_keys.is_empty() {
        return Ok((crate::dev_keys::public_keys()?, false));
    }
    let keys = args
        .public_keys
        .iter()
        .map(|spec| crate::dev_keys::read_public_spec(spec))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((keys, true))
}

/// Reads a `TEXT|@FILE` value of `flag`: the file's bytes after `@`, else the text itself.
pub fn read_text_or_file(flag: &str, spec: &str) -> anyhow::Result<Vec<u8>> {
    match spec.strip_prefix('@') {
        Some(path) => std::fs::read(path)
            .map_err(|e| CliError::usage(format!("cannot read {flag} file {path}: {e}")).into()),
        None => Ok(spec.as_bytes().to_vec()),
    }
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

/// What asked hooky to stop: Ctrl-C (SIGINT), or SIGTERM, which CI runners, `timeout`, Docker
/// and systemd send. Both stop a command the same graceful way; only the exit code differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
}

impl Signal {
    /// 130 for Ctrl-C, 143 for SIGTERM (128 + the signal's number, as shells report them).
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => crate::exit::INTERRUPTED,
            Signal::Terminate => crate::exit::TERMINATED,
        }
    }

    /// The `reason` of a `--json` done record.
    pub fn reason(self) -> &'static str {
        match self {
            Signal::Interrupt => "interrupted",
            Signal::Terminate => "terminated",
        }
    }
}

/// SIGINT and SIGTERM, listened for from the moment this is made: tokio's `ctrl_c()` starts
/// listening only when first polled, and a signal that comes before that kills the process.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn new() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
                terminate: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// The next signal; each call waits for a new one (a second Ctrl-C, say).
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Signal::Interrupt,
                _ = self.terminate.recv() => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Interrupt
        }
    }
}

/// The first SIGINT or SIGTERM, listened for from the moment this is called.
pub fn interrupt_signal() -> anyhow::Result<impl std::future::Future<Output = Signal>> {
    let mut signals = Signals::new()?;
    Ok(async move { signals.recv().await })
}

/// The current time in unix seconds: the only clock the signature core ever sees.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `--url` of `sign` and `verify`, kept exactly as typed (the URL-signing schemes sign its text):
/// an http(s) URL, required when `scheme` signs the URL.
pub fn request_url(
    scheme: crate::signature::Scheme,
    url: Option<String>,
) -> Result<Option<String>, crate::exit::CliError> {
    match url {
        Some(url) => {
            crate::outbound::delivery::http_url(&url, "--url")?;
            Ok(Some(url))
        }
        None if scheme.signs_url() => Err(crate::exit::CliError::usage(format!(
            "the {scheme} scheme signs the URL the request is sent to, and no --url was given"
        ))
        .with_hint(
            "pass the full URL the sender addresses, such as --url https://example.com/webhooks",
        )),
        None => Ok(None),
    }
}

/// `--method` of `sign` and `verify`, upper case; an HTTP method token.
pub fn request_method(method: &str) -> Result<String, crate::exit::CliError> {
    reqwest::Method::from_bytes(method.as_bytes())
        .map(|m| m.as_str().to_ascii_uppercase())
        .map_err(|_| {
            crate::exit::CliError::usage(format!("--method {method:?} is not an HTTP method"))
                .with_hint("such as POST, PUT or GET")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_or_file_reads_after_an_at_sign() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("body.txt");
        std::fs::write(&path, "from the file").unwrap();
        let spec = format!("@{}", path.display());
        assert_eq!(read_text_or_file("--x", &spec).unwrap(), b"from the file");
        assert_eq!(read_text_or_file("--x", "inline").unwrap(), b"inline");
        let missing = format!("@{}", dir.path().join("nope").display());
        let error = read_text_or_file("--x", &missing).unwrap_err();
        assert!(
            error.to_string().starts_with("cannot read --x file "),
            "{error}"
        );
        assert_eq!(
            error.downcast_ref::<CliError>().unwrap().code,
            crate::exit::USAGE
        );
    }
}
