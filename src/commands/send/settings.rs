//! send's settings step: the clap [`SendArgs`] turned, in one place, into typed and validated
//! [`Settings`]. The flag checks happen here, one usage error each (a `--set` that is not
//! `PATH=VALUE`, a `--to` that is not an http(s) URL, a `--method` that is not one, `--watch` on
//! stdin); the rest of send reads only [`Settings`] and the plan built from them.
//!
//! The signer is the one thing resolved later, in a second step ([`Settings::signer`]): its
//! default scheme is the fixture's, which only the first render of the fixture tells, and it is
//! resolved again when `--watch` reloads the fixture.

use std::path::PathBuf;
use std::time::Duration;

use super::report::Expectations;
use crate::cli::{ExpectedStatus, PrivateKeyArgs, SecretArgs, SendArgs};
use crate::exit::CliError;
use crate::fixtures::Edit;
use crate::headers::Header;
use crate::outbound::delivery::RetryOptions;
use crate::output::Output;
use crate::signature::Scheme;
use crate::webhook::Signer;

/// What `hooky send` was asked to do: list the fixtures, or send.
pub(super) enum Invocation {
    /// `--list`: the catalog with `--fixtures`; no other flag matters, so none is checked.
    List {
        fixtures: Option<PathBuf>,
    },
    Send(Box<Settings>),
}

/// Everything a send was asked to do, checked.
pub(super) struct Settings {
    /// Which fixture is sent.
    pub(super) event: EventChoice,
    /// `--fixtures`: a folder of extra fixtures.
    pub(super) fixtures: Option<PathBuf>,
    /// `--data`: where the payload comes from (read each time a plan is made, so `--watch` sees
    /// the file change).
    pub(super) data: Option<Data>,
    /// `--set`, `--set-str` and `--unset`, in that order, as edits of the payload.
    pub(super) edits: Vec<Edit>,
    /// `--to`, checked to be an http(s) URL.
    pub(super) url: reqwest::Url,
    /// `--method`, checked and upper-cased; `None`: the fixture's, else POST.
    pub(super) method: Option<String>,
    /// The user's `-H` headers, replacing any of the same name.
    pub(super) headers: Vec<Header>,
    /// `--clock`: the fixed time of every send, unix seconds.
    pub(super) clock: Option<i64>,
    pub(super) seed: Option<u64>,
    /// What the signer is made from, once the fixture's scheme is known.
    pub(super) signing: Signing,
    /// Retries after the first attempt: 0 under `--no-retry`.
    pub(super) retries: u32,
    /// Time allowed for each attempt.
    pub(super) timeout: Duration,
    pub(super) max_response: u64,
    pub(super) expect_status: Option<ExpectedStatus>,
    /// `--expect-body` as (path, value) pairs.
    pub(super) expect_body: Vec<(String, String)>,
    pub(super) mode: Mode,
}

/// Which fixture is sent: EVENT, none, or the one the user picks.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum EventChoice {
    /// EVENT; for an attack given neither EVENT nor `--data`, `order.completed`.
    Named(String),
    /// `--data` alone: no fixture.
    DataOnly,
    /// Neither EVENT nor `--data`: the picker asks.
    Pick,
}

/// `--data`: inline JSON, `@FILE`, or `-` for stdin.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Data {
    Inline(String),
    /// `@FILE`, the path as typed.
    File(String),
    Stdin,
}

/// The signing flags: `--scheme`, the secrets or private key, the hex scheme's header.
pub(super) struct Signing {
    /// `--scheme`; `None`: the fixture's, else hex.
    pub(super) scheme: Option<Scheme>,
    pub(super) secrets: SecretArgs,
    pub(super) private_key: PrivateKeyArgs,
    pub(super) signature_header: String,
}

/// How the plan is used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Mode {
    /// `--dry-run` or `--curl`: the request printed, not sent.
    Print { curl: bool },
    /// `--count` above 1: a load with a summary.
    Load(Load),
    /// `--attack`: the receiver-conformance checks.
    Attack,
    /// `--watch`: send again whenever a watched file changes.
    Watch,
    /// One event, sent `repeat` times (`--repeat`) with the same id.
    Single { repeat: u64 },
}

/// `--count`, `--concurrency` and `--rate` of a load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Load {
    pub(super) count: u64,
    /// Requests in flight at once, never more than `count`.
    pub(super) concurrency: usize,
    /// Requests per second, unpaced when `None`.
    pub(super) rate: Option<f64>,
}

impl Invocation {
    /// Checks the flags and builds the settings (nothing is read: not the secrets, not `--data`).
    pub(super) fn from_args(args: SendArgs) -> anyhow::Result<Invocation> {
        if args.list {
            return Ok(Invocation::List {
                fixtures: args.fixtures,
            });
        }
        Ok(Invocation::Send(Box::new(Settings::from_args(args)?)))
    }
}

impl Settings {
    /// Checks the flags and builds the settings for a send (not `--list`).
    pub(super) fn from_args(args: SendArgs) -> anyhow::Result<Settings> {
        let edits = edits(&args)?;
        let url = crate::outbound::delivery::http_url(&args.to, "--to")?;
        let method = args.method.as_deref().map(method).transpose()?;
        let mode = mode(&args);
        let data = args.data.map(|spec| data(&spec));
        if mode == Mode::Watch && data == Some(Data::Stdin) {
            // Refused before stdin is read: there is no file to watch.
            return Err(CliError::usage("--watch cannot watch stdin").into());
        }
        Ok(Settings {
            event: event_choice(args.event, data.is_some(), mode),
            fixtures: args.fixtures,
            data,
            edits,
            url,
            method,
            headers: args.headers,
            clock: args.clock,
            seed: args.seed,
            signing: Signing {
                scheme: args.scheme,
                secrets: args.secrets,
                private_key: args.private_key,
                signature_header: args.signature_header,
            },
            retries: if args.no_retry { 0 } else { args.retries },
            timeout: args.timeout,
            max_response: args.max_response,
            expect_status: args.expect_status,
            expect_body: args.expect_body,
            mode,
        })
    }

    /// The signer for `--scheme`, else the fixture's scheme, else hex; secrets (or a key-pair
    /// scheme's private key) are read only when the scheme signs.
    pub(super) fn signer(
        &self,
        fixture_scheme: Option<Scheme>,
        out: &Output,
    ) -> anyhow::Result<Signer> {
        let signing = &self.signing;
        let scheme = signing.scheme.or(fixture_scheme).unwrap_or(Scheme::HEX);
        let secrets = super::super::resolve_signing_keys(
            scheme,
            &signing.secrets,
            &signing.private_key,
            out,
        )?;
        Signer::new(scheme, secrets, &signing.signature_header).map_err(|e| {
            CliError::usage(e.to_string())
                .with_hint("give the receiver's secret with --secret, HOOKY_SECRET or --secret-file, or --scheme none")
                .into()
        })
    }

    /// How hard each send tries.
    pub(super) fn retry_options(&self) -> RetryOptions {
        RetryOptions {
            retries: self.retries,
            timeout: self.timeout,
            max_response: self.max_response,
            ..RetryOptions::default()
        }
    }

    /// `--expect-status` and `--expect-body`.
    pub(super) fn expectations(&self) -> Expectations<'_> {
        Expectations {
            status: self.expect_status,
            body: &self.expect_body,
        }
    }

    /// The file `--data @FILE` names.
    pub(super) fn data_file(&self) -> Option<&str> {
        match &self.data {
            Some(Data::File(path)) => Some(path),
            _ => None,
        }
    }
}

/// `--set`, `--set-str` and `--unset`, in that order, as edits of the payload.
fn edits(args: &SendArgs) -> anyhow::Result<Vec<Edit>> {
    let mut edits = Vec::new();
    for (list, as_string) in [(&args.set, false), (&args.set_str, true)] {
        for text in list {
            let (path, value) =
                crate::json_path::parse_assignment(text, as_string).map_err(CliError::usage)?;
            edits.push(Edit::Set(path, value));
        }
    }
    for path in &args.unset {
        edits.push(Edit::Unset(path.clone()));
    }
    Ok(edits)
}

/// `--method`, checked to be an HTTP method, upper-cased.
fn method(method: &str) -> anyhow::Result<String> {
    reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| CliError::usage(format!("invalid HTTP method {method:?}")))?;
    Ok(method.to_ascii_uppercase())
}

fn data(spec: &str) -> Data {
    if spec == "-" {
        return Data::Stdin;
    }
    match spec.strip_prefix('@') {
        Some(path) => Data::File(path.to_string()),
        None => Data::Inline(spec.to_string()),
    }
}

fn event_choice(event: Option<String>, data: bool, mode: Mode) -> EventChoice {
    match (event, data) {
        (Some(event), _) => EventChoice::Named(event),
        (None, true) => EventChoice::DataOnly,
        // The attack is about signatures, not payloads: any event does.
        (None, false) if mode == Mode::Attack => EventChoice::Named("order.completed".into()),
        (None, false) => EventChoice::Pick,
    }
}

/// The mode, in the order they win: printing, a load, the attack, watching, a single send.
fn mode(args: &SendArgs) -> Mode {
    if args.dry_run || args.curl {
        Mode::Print { curl: args.curl }
    } else if args.count > 1 && !args.attack && !args.watch {
        Mode::Load(Load {
            count: args.count,
            concurrency: usize::try_from(args.concurrency.min(args.count.max(1)))
                .unwrap_or(usize::MAX),
            rate: args.rate,
        })
    } else if args.attack {
        Mode::Attack
    } else if args.watch {
        Mode::Watch
    } else {
        Mode::Single {
            repeat: args.repeat,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    /// The flags parsed, with `--to http://127.0.0.1:9/` unless they give one.
    fn parse(flags: &[&str]) -> (SendArgs, Output) {
        let to: &[&str] = if flags.contains(&"--to") {
            &[]
        } else {
            &["--to", "http://127.0.0.1:9/"]
        };
        let argv = [&["hooky", "--quiet", "send"], to].concat();
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let out = cli.global.output();
        let Command::Send(args) = cli.command else {
            panic!("not a send command");
        };
        (*args, out)
    }

    fn settings(flags: &[&str]) -> anyhow::Result<Settings> {
        Settings::from_args(parse(flags).0)
    }

    /// The usage error a set of flags is refused with: its message and its exit code.
    fn refused(flags: &[&str]) -> (String, u8) {
        let error = settings(flags).err().expect("the flags are refused");
        let cli = error.downcast_ref::<CliError>().expect("a CliError");
        (cli.to_string(), cli.code)
    }

    fn signer_for(flags: &[&str], fixture_scheme: Option<Scheme>) -> anyhow::Result<Signer> {
        let (args, out) = parse(flags);
        Settings::from_args(args)?.signer(fixture_scheme, &out)
    }

    #[test]
    fn the_scheme_flag_wins_over_the_fixture() {
        let s = signer_for(
            &["--scheme", "github", "--secret", "s"],
            Some(Scheme::STRIPE),
        )
        .unwrap();
        assert_eq!(s.scheme, Scheme::GITHUB);
    }

    #[test]
    fn without_the_flag_the_fixture_scheme_then_hex() {
        let s = signer_for(&["--secret", "s"], Some(Scheme::STRIPE)).unwrap();
        assert_eq!(s.scheme, Scheme::STRIPE);
        let s = signer_for(&["--secret", "s"], None).unwrap();
        assert_eq!(s.scheme, Scheme::HEX);
    }

    #[test]
    fn scheme_none_reads_no_secret() {
        let s = signer_for(&["--scheme", "none", "--secret", "s"], Some(Scheme::STRIPE)).unwrap();
        assert_eq!(s.scheme, Scheme::NONE);
        assert!(s.secrets().is_empty());
    }

    #[test]
    fn defaults_are_one_post_with_three_retries() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.mode, Mode::Single { repeat: 1 });
        assert_eq!(s.url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(s.method, None);
        assert_eq!(s.retries, 3);
        assert_eq!(s.retry_options().timeout, Duration::from_secs(15));
        assert!(s.edits.is_empty());
        assert!(s.data.is_none());
        assert!(!s.expectations().given());
    }

    #[test]
    fn a_set_without_a_value_is_refused() {
        let (message, code) = refused(&["--set", "data.amount"]);
        assert_eq!(
            message,
            "invalid assignment \"data.amount\": write it as PATH=VALUE, such as data.amount=500"
        );
        assert_eq!(code, crate::exit::USAGE);
        let (message, _) = refused(&["--set-str", "nothing"]);
        assert!(message.starts_with("invalid assignment"), "{message}");
    }

    #[test]
    fn edits_are_the_sets_then_the_string_sets_then_the_unsets() {
        let flags = ["--unset", "a", "--set-str", "b=1", "--set", "c=1"];
        let s = settings(&flags).unwrap();
        let expected = [
            Edit::Set("c".into(), serde_json::json!(1)),
            Edit::Set("b".into(), serde_json::json!("1")),
            Edit::Unset("a".into()),
        ];
        assert_eq!(format!("{:?}", s.edits), format!("{expected:?}"));
    }

    #[test]
    fn a_to_that_is_not_an_http_url_is_refused() {
        let (message, code) = refused(&["--to", "ftp://127.0.0.1/"]);
        assert!(
            message.starts_with("--to \"ftp://127.0.0.1/\""),
            "{message}"
        );
        assert_eq!(code, crate::exit::USAGE);
        let (message, _) = refused(&["--to", "127.0.0.1:9/"]);
        assert!(message.starts_with("--to "), "{message}");
    }

    #[test]
    fn a_method_is_checked_and_upper_cased() {
        assert_eq!(
            settings(&["-X", "put"]).unwrap().method.as_deref(),
            Some("PUT")
        );
        let (message, code) = refused(&["-X", "NOT A METHOD"]);
        assert_eq!(message, "invalid HTTP method \"NOT A METHOD\"");
        assert_eq!(code, crate::exit::USAGE);
    }

    #[test]
    fn list_checks_no_other_flag() {
        let (args, _) = parse(&["--list", "--to", "not a url", "--set", "x"]);
        assert!(matches!(
            Invocation::from_args(args).unwrap(),
            Invocation::List { fixtures: None }
        ));
    }

    #[test]
    fn data_is_inline_a_file_or_stdin() {
        let data = |spec: &str| settings(&["--data", spec]).unwrap().data;
        assert_eq!(data("{}"), Some(Data::Inline("{}".into())));
        assert_eq!(data("@body.json"), Some(Data::File("body.json".into())));
        assert_eq!(data("-"), Some(Data::Stdin));
        let s = settings(&["--data", "@body.json"]).unwrap();
        assert_eq!(s.data_file(), Some("body.json"));
    }

    #[test]
    fn watch_refuses_stdin() {
        let (message, code) = refused(&["--watch", "--data", "-"]);
        assert_eq!(message, "--watch cannot watch stdin");
        assert_eq!(code, crate::exit::USAGE);
        assert!(settings(&["--watch", "--data", "@body.json"]).is_ok());
    }

    #[test]
    fn the_event_is_named_data_alone_or_picked() {
        let event = |flags: &[&str]| settings(flags).unwrap().event;
        let named = |name: &str| EventChoice::Named(name.into());
        assert_eq!(event(&["github/push"]), named("github/push"));
        assert_eq!(
            event(&["github/push", "--data", "{}"]),
            named("github/push")
        );
        assert_eq!(event(&["--data", "{}"]), EventChoice::DataOnly);
        assert_eq!(event(&[]), EventChoice::Pick);
        assert_eq!(event(&["--attack"]), named("order.completed"));
        assert_eq!(event(&["--attack", "--data", "{}"]), EventChoice::DataOnly);
    }

    #[test]
    fn no_retry_means_no_retries() {
        assert_eq!(settings(&["--no-retry"]).unwrap().retries, 0);
        assert_eq!(settings(&["--retries", "7"]).unwrap().retries, 7);
    }

    #[test]
    fn the_mode_follows_the_flags() {
        let mode = |flags: &[&str]| settings(flags).unwrap().mode;
        assert_eq!(mode(&["--dry-run"]), Mode::Print { curl: false });
        assert_eq!(mode(&["--curl"]), Mode::Print { curl: true });
        assert_eq!(
            mode(&["--dry-run", "--count", "5"]),
            Mode::Print { curl: false },
            "a dry run prints one request whatever the count"
        );
        assert_eq!(mode(&["--attack"]), Mode::Attack);
        assert_eq!(mode(&["--watch"]), Mode::Watch);
        assert_eq!(mode(&["--repeat", "3"]), Mode::Single { repeat: 3 });
        assert_eq!(mode(&["--count", "1"]), Mode::Single { repeat: 1 });
    }

    #[test]
    fn a_load_never_has_more_in_flight_than_it_sends() {
        let load = |flags: &[&str]| match settings(flags).unwrap().mode {
            Mode::Load(load) => load,
            other => panic!("not a load: {other:?}"),
        };
        let l = load(&["--count", "5"]);
        assert_eq!((l.count, l.concurrency, l.rate), (5, 5, None));
        let l = load(&["--count", "100", "--concurrency", "8", "--rate", "50/s"]);
        assert_eq!((l.count, l.concurrency, l.rate), (100, 8, Some(50.0)));
    }
}
