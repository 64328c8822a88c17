//! sign's settings step: [`SignArgs`] turned once into typed [`Settings`], with the secrets read
//! and checked against the scheme (one usage error, before the body is read); the signing reads
//! only `Settings`.

use std::path::PathBuf;

use crate::cli::SignArgs;
use crate::exit::CliError;
use crate::output::Output;
use crate::secret::{Secret, as_keys};
use crate::signature::{self, Keys, Scheme};

pub struct Settings {
    pub scheme: Scheme,
    /// None for `--scheme none`, else at least one (given, or the development secret); for a
    /// key-pair scheme, its private key.
    pub secrets: Vec<Secret>,
    /// Unix seconds: `--timestamp`, else now.
    pub timestamp: i64,
    /// `--id`, else a fresh `msg_…` id.
    pub id: String,
    pub hex_header: String,
    /// `--url`: required by the schemes that sign the URL.
    pub url: Option<String>,
    /// `--method`, upper case.
    pub method: String,
    /// The body's file; `None` or `-` for stdin.
    pub file: Option<PathBuf>,
}

impl Settings {
    pub fn from_args(
        args: SignArgs,
        out: &Output,
        now: i64,
        rng: &mut impl rand::Rng,
    ) -> anyhow::Result<Settings> {
        let secrets = crate::commands::resolve_signing_keys(
            args.scheme,
            &args.secrets,
            &args.private_key,
            out,
        )?;
        let url = crate::commands::request_url(args.scheme, args.url)?;
        let method = crate::commands::request_method(&args.method)?;
        let settings = Settings {
            url,
            method,
            scheme: args.scheme,
            secrets,
            timestamp: args.timestamp.unwrap_or(now),
            id: args
                .id
                .unwrap_or_else(|| crate::ids::prefixed_id("msg", rng)),
            hex_header: args.signature_header,
            file: args.file,
        };
        // Signing nothing checks the secrets against the scheme with signing's own errors.
        settings.sign(b"")?;
        Ok(settings)
    }

    /// The headers that sign `body`, and the body to send when the scheme writes into it.
    pub fn sign(&self, body: &[u8]) -> anyhow::Result<signature::Signed> {
        let keys = as_keys(&self.secrets);
        signature::sign(
            self.scheme,
            Keys::new(&keys)
                .with_private_keys(&keys)
                .with_hex_header(&self.hex_header),
            &signature::SignedRequest {
                method: &self.method,
                url: self.url.as_deref(),
                headers: &[],
                body,
            },
            self.timestamp,
            &self.id,
        )
        .map_err(|e| CliError::usage(e.to_string()).into())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn settings(flags: &[&str]) -> anyhow::Result<Settings> {
        let argv = ["hooky", "--quiet", "sign"];
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let out = cli.global.output();
        let Command::Sign(args) = cli.command else {
            panic!("not a sign command");
        };
        Settings::from_args(args, &out, 1_700_000_000, &mut rand::thread_rng())
    }

    #[test]
    fn a_secret_that_does_not_fit_the_scheme_is_refused_before_the_body_is_read() {
        let error = settings(&["--scheme", "standard", "--secret", "not base64!"])
            .err()
            .expect("refused");
        let cli = error.downcast_ref::<CliError>().expect("a usage error");
        assert_eq!(cli.code, crate::exit::USAGE);
        assert!(cli.message.contains("standard"), "{}", cli.message);
    }

    #[test]
    fn a_url_signing_scheme_needs_the_url() {
        let error = settings(&["--scheme", "twilio", "--secret", "s"])
            .err()
            .expect("refused");
        let cli = error.downcast_ref::<CliError>().expect("a usage error");
        assert_eq!(cli.code, crate::exit::USAGE);
        assert!(cli.message.contains("twilio"), "{}", cli.message);
        assert!(cli.hint.as_deref().unwrap_or("").contains("--url"));
        let s = settings(&[
            "--scheme",
            "hubspot",
            "--secret",
            "s",
            "--url",
            "https://h.test/x",
            "--method",
            "put",
        ])
        .unwrap();
        assert_eq!(
            (s.url.as_deref(), s.method.as_str()),
            (Some("https://h.test/x"), "PUT")
        );
        assert!(settings(&["--scheme", "square", "--secret", "s", "--url", "h.test/x"]).is_err());
    }

    #[test]
    fn defaults_are_filled_in_once() {
        let s = settings(&["--scheme", "stripe", "--secret", "s"]).unwrap();
        assert_eq!(s.timestamp, 1_700_000_000);
        assert!(s.id.starts_with("msg_"));
        assert_eq!(s.sign(b"{}").unwrap().headers.len(), 1);
        let s = settings(&["--scheme", "none", "--timestamp", "5", "--id", "x"]).unwrap();
        assert!(s.secrets.is_empty());
        assert_eq!((s.timestamp, s.id.as_str()), (5, "x"));
        assert_eq!(s.sign(b"{}").unwrap(), signature::Signed::default());
    }
}
