//! verify's settings step: [`VerifyArgs`] turned once into typed [`Settings`], with the secrets
//! read (none for `--scheme none`); the verification reads only `Settings`.

use std::path::PathBuf;

use crate::cli::{SchemeSelection, VerifyArgs};
use crate::headers::Header;
use crate::output::Output;
use crate::secret::{Secret, as_keys};
use crate::signature::{self, Keys, Scheme, SignedRequest, Verdict};

pub struct Settings {
    pub scheme: SchemeSelection,
    pub secrets: Vec<Secret>,
    /// `--public-key`s, else the development ones, for the key-pair schemes.
    pub public_keys: Vec<Secret>,
    pub headers: Vec<Header>,
    /// `None`: the provider's.
    pub tolerance_secs: Option<u64>,
    /// Unix seconds: `--now`, else now.
    pub now: i64,
    pub hex_header: String,
    /// `--url`: required by the schemes that sign the URL.
    pub url: Option<String>,
    /// `--method`, upper case.
    pub method: String,
    /// The body's file; `None` or `-` for stdin.
    pub file: Option<PathBuf>,
}

impl Settings {
    pub fn from_args(args: VerifyArgs, out: &Output, now: i64) -> anyhow::Result<Settings> {
        let secrets = if args.scheme == SchemeSelection::Fixed(Scheme::NONE) {
            Vec::new()
        } else {
            crate::commands::resolve_secrets(&args.secrets, out, crate::commands::DevUse::Verify)?
                .list
        };
        let public_keys = crate::commands::resolve_public_keys(&args.public_keys)?.0;
        // With auto, the scheme the headers show decides whether a URL is needed.
        let scheme = match args.scheme {
            SchemeSelection::Fixed(scheme) => Some(scheme),
            SchemeSelection::Auto => {
                signature::detect_headers(&args.headers, &args.signature_header)
            }
        };
        let url = match scheme {
            Some(scheme) => crate::commands::request_url(scheme, args.url)?,
            None => args.url,
        };
        let method = crate::commands::request_method(&args.method)?;
        Ok(Settings {
            url,
            method,
            scheme: args.scheme,
            secrets,
            public_keys,
            headers: args.headers,
            tolerance_secs: args.tolerance.map(|t| t.as_secs()),
            now: args.now.unwrap_or(now),
            hex_header: args.signature_header,
            file: args.file,
        })
    }

    /// The verdict on `body` with the headers given.
    pub fn verify(&self, body: &[u8]) -> Verdict {
        let keys = as_keys(&self.secrets);
        let public_keys = as_keys(&self.public_keys);
        let keys = Keys::new(&keys)
            .with_public_keys(&public_keys)
            .with_hex_header(&self.hex_header);
        let (now, tolerance) = (self.now, self.tolerance_secs);
        let request = SignedRequest {
            method: &self.method,
            url: self.url.as_deref(),
            headers: &self.headers,
            body,
        };
        match self.scheme {
            SchemeSelection::Auto => signature::verify_auto(keys, &request, now, tolerance),
            SchemeSelection::Fixed(scheme) => {
                signature::verify(scheme, keys, &request, now, tolerance)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn try_settings(flags: &[&str]) -> anyhow::Result<Settings> {
        let argv = ["hooky", "--quiet", "verify"];
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let out = cli.global.output();
        let Command::Verify(args) = cli.command else {
            panic!("not a verify command");
        };
        Settings::from_args(args, &out, 1_700_000_000)
    }

    #[test]
    fn a_url_signed_request_needs_the_url_even_when_detected() {
        let twilio = ["--secret", "s", "-H", "X-Twilio-Signature: AAAA"];
        let error = try_settings(&twilio).err().expect("refused");
        let cli = error
            .downcast_ref::<crate::exit::CliError>()
            .expect("a usage error");
        assert!(cli.message.contains("twilio"), "{}", cli.message);
        let with_url = [&twilio[..], &["--url", "https://h.test/sms"]].concat();
        let s = try_settings(&with_url).unwrap();
        assert_eq!(s.url.as_deref(), Some("https://h.test/sms"));
        assert!(try_settings(&["--scheme", "square", "--secret", "s"]).is_err());
    }

    fn settings(flags: &[&str]) -> Settings {
        let argv = ["hooky", "--quiet", "verify"];
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let out = cli.global.output();
        let Command::Verify(args) = cli.command else {
            panic!("not a verify command");
        };
        Settings::from_args(args, &out, 1_700_000_000).expect("valid flags")
    }

    #[test]
    fn flags_become_typed_settings() {
        let s = settings(&["--secret", "s", "--tolerance", "2m", "-H", "X-A: b"]);
        assert_eq!((s.now, s.tolerance_secs), (1_700_000_000, Some(120)));
        assert_eq!(s.headers, vec![("X-A".to_string(), "b".to_string())]);
        assert_eq!(s.secrets.len(), 1);
        let s = settings(&["--scheme", "none", "--now", "7"]);
        assert!(s.secrets.is_empty());
        assert_eq!(s.now, 7);
    }

    #[test]
    fn what_sign_signs_verifies() {
        let body = br#"{"id":1}"#;
        let secret = [b"s".as_slice()];
        let signed = signature::sign(
            Scheme::GITHUB,
            Keys::new(&secret),
            &SignedRequest::post(&[], body),
            0,
            "",
        )
        .unwrap()
        .headers;
        let header = format!("{}: {}", signed[0].0, signed[0].1);
        let s = settings(&["--secret", "s", "-H", &header]);
        assert!(s.verify(body).is_valid());
        assert!(!s.verify(b"{}").is_valid());
    }
}
