//! listen's settings step: [`ListenArgs`] turned once into validated, typed [`Settings`]. Every
//! flag check happens here, with one error each (an `--expect` that can never hold, secrets that
//! do not fit the scheme, an unreadable `--response-body`, a `--forward-to` that is not an http(s)
//! URL); the rest of `listen` reads only
//! `Settings`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use hyper::body::Bytes;

use super::expect::{self, Expectation};
use super::request_view::Detail;
use super::respond::Plan;
use super::verification::Verifier;
use crate::cli::{ListenArgs, SchemeSelection, VerifyMode};
use crate::exit::CliError;
use crate::headers::Header;
use crate::output::Output;
use crate::secret::Origin;
use crate::signature::Scheme;

/// How this listener runs, fixed at start-up.
pub struct Settings {
    pub host: IpAddr,
    pub port: u16,
    pub ready_file: Option<PathBuf>,
    pub verifier: Verifier,
    /// Where the secrets came from; `None` when nothing is verified.
    pub origin: Option<Origin>,
    /// Whether an unsigned or invalid request is answered 401: a secret the user gave, or
    /// `--verify-mode enforce` with the development secret.
    pub enforce: bool,
    /// `--status`, `--respond-seq`, `--respond-seq-per-event` and `--fail-rate` as one plan.
    pub plan: Plan,
    pub seed: Option<u64>,
    /// `--response-body` read once, with its content type.
    pub response_body: Option<(Bytes, &'static str)>,
    pub response_headers: Vec<Header>,
    pub delay: Option<Duration>,
    pub forward_to: Option<String>,
    pub forward_timeout: Duration,
    pub max_response: u64,
    pub max_body: u64,
    pub client_timeout: Duration,
    /// The capture file, unless `--no-capture`.
    pub capture: Option<PathBuf>,
    /// The web view is served (not `--no-ui`).
    pub ui: bool,
    pub ui_public: bool,
    pub open: bool,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    pub expectations: Vec<Expectation>,
    /// What human mode shows under each request's line.
    pub detail: Detail,
    /// `--public-url`, checked, without a trailing `/`.
    pub public_url: Option<String>,
    /// Providers' verification handshakes are answered (not `--no-handshake`).
    pub handshakes: bool,
    /// `--verify-token`, for Meta's handshake.
    pub verify_token: Option<crate::secret::Secret>,
}

impl Settings {
    /// Checks the flags and reads what they point at (the secrets, `--response-body`). Creates the
    /// development secret when verifying without a secret given.
    pub fn from_args(args: ListenArgs, out: &Output) -> anyhow::Result<Settings> {
        let (verifier, origin, keys_given) = verification(&args, out)?;
        let response_body = response_body(&args)?;
        let public_url = args.public_url.as_deref().map(public_url).transpose()?;
        if let Some(url) = &args.forward_to {
            crate::outbound::delivery::http_url(url, "--forward-to")?;
        }
        // A secret the user gave is enforced; the development secret only inspects, since a
        // sender that never saw it (a provider, a curl) must not be refused, unless
        // --verify-mode enforce. A public key the user gave is enforced too.
        let enforce = verifier.has_secrets()
            && match args.verify_mode {
                Some(mode) => mode == VerifyMode::Enforce,
                None => matches!(origin, Some(Origin::Given(_))) || keys_given,
            };
        Ok(Settings {
            host: args.host,
            port: args.port,
            ready_file: args.ready_file,
            verifier,
            origin,
            enforce,
            plan: Plan {
                status: args.status,
                sequence: args.respond_seq.map(|s| s.0).unwrap_or_default(),
                per_event: args.respond_seq_per_event,
                fail_rate: args.fail_rate,
            },
            seed: args.seed,
            response_body,
            response_headers: args.response_headers,
            delay: args.delay,
            forward_to: args.forward_to,
            forward_timeout: args.forward_timeout,
            max_response: args.max_response,
            max_body: args.max_body,
            client_timeout: args.client_timeout,
            capture: (!args.no_capture).then_some(args.capture),
            ui: !args.no_ui,
            ui_public: args.ui_public,
            open: args.open,
            count: args.count,
            timeout: args.timeout,
            expectations: args.expectations,
            detail: Detail {
                verbose: out.verbose,
                body: args.body,
            },
            public_url,
            handshakes: !args.no_handshake,
            verify_token: args.verify_token.filter(|t| !t.expose().is_empty()),
        })
    }

    /// Whether some `--expect json:…` needs each body parsed.
    pub fn expectations_read_json(&self) -> bool {
        self.expectations
            .iter()
            .any(|e| matches!(e, Expectation::Json(..)))
    }
}

/// `--public-url` as a base the received path and query are appended to: an http(s) URL with no
/// query or fragment, its trailing `/` dropped.
fn public_url(url: &str) -> anyhow::Result<String> {
    let parsed = crate::outbound::delivery::http_url(url, "--public-url")?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(CliError::usage(format!(
            "--public-url {url:?} has a query or fragment; it is the base the received path and \
             query are appended to"
        ))
        .with_hint("pass the scheme, host and any path prefix, such as https://abc.ngrok.app")
        .into());
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The verifier, where its secrets came from and whether the user gave public keys; a usage
/// error for an `--expect` that could
/// never match, or secrets that do not fit the scheme.
fn verification(
    args: &ListenArgs,
    out: &Output,
) -> anyhow::Result<(Verifier, Option<Origin>, bool)> {
    // Verification off: nothing to verify with, and the development secret is not even created.
    let verifying = !args.no_verify && args.scheme != SchemeSelection::Fixed(Scheme::NONE);
    if let Some(reason) = expect::never_matches(&args.expectations, verifying) {
        return Err(CliError::usage(reason)
            .with_hint("drop that --expect, or turn verification on")
            .into());
    }
    let secrets = if verifying {
        Some(crate::commands::resolve_secrets(
            &args.secrets,
            out,
            crate::commands::DevUse::Verify,
        )?)
    } else {
        None
    };
    let (public_keys, keys_given) = if verifying {
        crate::commands::resolve_public_keys(&args.public_keys)?
    } else {
        (Vec::new(), false)
    };
    let origin = secrets.as_ref().map(|s| s.origin.clone());
    let verifier = Verifier::new(
        if verifying {
            args.scheme
        } else {
            SchemeSelection::Fixed(Scheme::NONE)
        },
        secrets.map(|s| s.list).unwrap_or_default(),
        args.signature_header.clone(),
        args.tolerance.map(|t| t.as_secs()),
    )
    .with_public_keys(public_keys)
    .map_err(CliError::usage)?;
    verifier
        .check_secrets()
        .map_err(|e| CliError::usage(e).with_hint("check --scheme and the secret's format"))?;
    Ok((verifier, origin, keys_given))
}

/// `--response-body` read once, with its content type.
fn response_body(args: &ListenArgs) -> anyhow::Result<Option<(Bytes, &'static str)>> {
    let Some(text) = &args.response_body else {
        return Ok(None);
    };
    let body = Bytes::from(crate::commands::read_text_or_file("--response-body", text)?);
    let content_type = if crate::webhook::event::parse_json_body(&body).is_some() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok(Some((body, content_type)))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn settings(flags: &[&str]) -> anyhow::Result<Settings> {
        let argv = ["hooky", "--quiet", "listen"];
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let out = cli.global.output();
        let Command::Listen(args) = cli.command else {
            panic!("not a listen command");
        };
        Settings::from_args(args, &out)
    }

    fn usage_error(flags: &[&str]) -> String {
        let error = settings(flags).err().expect("refused");
        let cli = error.downcast_ref::<CliError>().expect("a usage error");
        assert_eq!(cli.code, crate::exit::USAGE);
        cli.message.clone()
    }

    #[test]
    fn an_expectation_that_can_never_hold_is_one_usage_error() {
        assert!(
            usage_error(&["--no-verify", "--expect", "verified"]).contains("--expect verified")
        );
        assert!(
            usage_error(&["--secret", "s", "--expect", "type=a", "--expect", "type=b"])
                .contains("given twice")
        );
    }

    #[test]
    fn a_secret_that_does_not_fit_the_scheme_is_one_usage_error() {
        let message = usage_error(&["--scheme", "standard", "--secret", "not base64!"]);
        assert!(message.contains("standard"), "{message}");
    }

    #[test]
    fn a_forward_to_that_is_not_an_http_url_is_one_usage_error() {
        let message = usage_error(&["--no-verify", "--forward-to", "ftp://127.0.0.1/app"]);
        assert!(message.contains("--forward-to"), "{message}");
        assert!(settings(&["--no-verify", "--forward-to", "http://127.0.0.1:3000"]).is_ok());
    }

    #[test]
    fn a_given_secret_is_enforced_unless_report_mode() {
        let given = settings(&["--secret", "s"]).unwrap();
        assert!(given.enforce);
        assert!(matches!(given.origin, Some(Origin::Given(_))));
        assert!(
            !settings(&["--secret", "s", "--verify-mode", "report"])
                .unwrap()
                .enforce
        );
        let off = settings(&["--no-verify"]).unwrap();
        assert!(!off.enforce && off.origin.is_none());
    }

    #[test]
    fn flags_become_typed_settings() {
        let s = settings(&[
            "--secret",
            "s",
            "--no-capture",
            "--no-ui",
            "--response-body",
            r#"{"ok":true}"#,
            "--respond-seq",
            "500,200",
            "--expect",
            "json:a=1",
        ])
        .unwrap();
        assert_eq!(s.capture, None);
        assert!(!s.ui);
        assert_eq!(s.response_body.as_ref().unwrap().1, "application/json");
        assert_eq!(s.plan.sequence.len(), 2);
        assert!(s.expectations_read_json());
        let s = settings(&["--secret", "s", "--response-body", "plain"]).unwrap();
        assert_eq!(
            s.response_body.as_ref().unwrap().1,
            "text/plain; charset=utf-8"
        );
        assert!(s.capture.is_some() && s.ui);
    }
}
