//! poll's settings: the clap [`PollArgs`] turned, in one place, into typed and validated
//! [`Settings`]. Every flag combination poll refuses is checked here, one usage error each; the
//! rest of poll reads only [`Settings`].

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::PollArgs;
use crate::exit::CliError;
use crate::headers::Header;
use crate::outbound::backoff::BackoffPolicy;
use crate::outbound::delivery;
use crate::units::format_duration;
use crate::webhook::Signer;

use super::conditional::Use;
use super::cursor::Fields;
use super::pacing::Pacing;
use super::until::{self, Condition};

/// The deadline when stdout is not a terminal and neither --timeout nor --count is given.
const DEFAULT_CI_DEADLINE: Duration = Duration::from_secs(600);
/// Extra read time beyond a `--wait` hold, so the server, not hooky, ends the hold: a client that
/// gives up first loses what the server was about to send.
const LONG_POLL_MARGIN: Duration = Duration::from_secs(10);

/// Where `--emit-webhook` delivers and how it signs.
pub struct Emitter {
    pub url: reqwest::Url,
    pub signer: Signer,
}

/// Everything poll was asked to do, checked.
pub struct Settings {
    /// The polled URL, as typed (checked to be an http(s) URL).
    pub url: String,
    /// The user's `-H` headers, sent on every request.
    pub headers: Vec<Header>,
    pub use_validators: Use,
    /// Feed mode: --since, --cursor-from or --items was given.
    pub feed: bool,
    /// The first cursor value (--since).
    pub since: Option<String>,
    pub since_param: String,
    /// Where the items are in a feed page (--items).
    pub items: Option<String>,
    /// Where the next page's cursor is in a page (--cursor-from).
    pub cursor_from: Option<String>,
    pub fields: Fields,
    pub max_pages: usize,
    pub state: Option<PathBuf>,
    /// The parsed --until conditions.
    pub until: Vec<Condition>,
    pub count: Option<u64>,
    /// How long the whole run may take (--timeout, or the CI default).
    pub deadline_after: Option<Duration>,
    pub pacing: Pacing,
    pub retries: u32,
    /// Statuses the user asked to retry on (--retry-on).
    pub retry_on: Vec<u16>,
    /// One request's timeout, stretched to outlast a --wait hold.
    pub request_timeout: Duration,
    pub max_response: u64,
    /// The long-poll hold in seconds (--wait).
    pub wait: Option<u64>,
    pub emitter: Option<Emitter>,
}

impl Settings {
    /// Checks the flags and builds the settings; `stdout_is_terminal` decides the CI deadline.
    /// Loads --emit-webhook's secrets now, so a bad one fails before the first poll.
    pub fn from_args(args: PollArgs, stdout_is_terminal: bool) -> anyhow::Result<Self> {
        check_ranges(&args)?;
        let until = args
            .until
            .iter()
            .map(|text| until::parse(text))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| CliError::usage(error).with_hint(until::GRAMMAR))?;
        let feed = feed_mode(&args)?;
        let emitter = emitter(&args)?;
        let request_timeout = match args.wait {
            Some(hold) => args
                .request_timeout
                .max(Duration::from_secs(hold).saturating_add(LONG_POLL_MARGIN)),
            None => args.request_timeout,
        };
        let deadline_after = args.timeout.or_else(|| {
            (args.count.is_none() && !stdout_is_terminal).then_some(DEFAULT_CI_DEADLINE)
        });
        let pacing = pacing(&args);
        let mut fields = Fields {
            id: args.id_field,
            ..Fields::default()
        };
        if let Some(field) = args.cursor_field {
            fields.cursor = vec![field];
        }
        Ok(Settings {
            url: args.url,
            headers: args.headers,
            use_validators: Use {
                etag: args.etag,
                last_modified: args.last_modified,
            },
            feed,
            since: args.since,
            since_param: args.since_param,
            items: args.items,
            cursor_from: args.cursor_from,
            fields,
            max_pages: args.max_pages,
            state: args.state,
            until,
            count: args.count,
            deadline_after,
            pacing,
            retries: args.retries,
            retry_on: args.retry_on,
            request_timeout,
            max_response: args.max_response,
            wait: args.wait,
            emitter,
        })
    }
}

/// The URLs, and the numbers that must fall in a range or in order.
fn check_ranges(args: &PollArgs) -> anyhow::Result<()> {
    delivery::http_url(&args.url, "URL")?;
    if let Some(url) = &args.emit_webhook {
        delivery::http_url(url, "--emit-webhook")?;
    }
    if !(0.0..=1.0).contains(&args.jitter) {
        return Err(CliError::usage(format!(
            "--jitter {} is out of range: use a fraction from 0 to 1, such as 0.2",
            args.jitter
        ))
        .into());
    }
    if !(args.multiplier.is_finite() && args.multiplier >= 1.0) {
        return Err(CliError::usage("--multiplier must be a number of at least 1").into());
    }
    if args.idle_backoff && args.max_interval < args.interval {
        return Err(CliError::usage(format!(
            "--max-interval {} is shorter than --interval {}",
            format_duration(args.max_interval),
            format_duration(args.interval)
        ))
        .into());
    }
    if args.backoff_cap < args.backoff_base {
        return Err(CliError::usage("--backoff-cap is shorter than --backoff-base").into());
    }
    Ok(())
}

/// Whether this is feed mode; the feed-only flags are refused outside it.
fn feed_mode(args: &PollArgs) -> anyhow::Result<bool> {
    let feed = args.since.is_some() || args.cursor_from.is_some() || args.items.is_some();
    let feed_only = [
        (args.cursor_field.is_some(), "--cursor-field"),
        (args.id_field != "id", "--id-field"),
        (args.since_param != "since", "--since-param"),
    ];
    if let Some((_, flag)) = feed_only.iter().find(|(set, _)| *set && !feed) {
        return Err(CliError::usage(format!("{flag} applies to feed mode only"))
            .with_hint("start feed mode with --since VALUE (or --cursor-from / --items)")
            .into());
    }
    Ok(feed)
}

/// `--emit-webhook`'s target and signer, with its secrets loaded now.
fn emitter(args: &PollArgs) -> anyhow::Result<Option<Emitter>> {
    let Some(url) = &args.emit_webhook else {
        return Ok(None);
    };
    let signer = Signer::new(args.scheme, args.secrets.load()?, &args.signature_header)
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok(Some(Emitter {
        url: delivery::http_url(url, "--emit-webhook")?,
        signer,
    }))
}

fn pacing(args: &PollArgs) -> Pacing {
    Pacing {
        interval: args.interval,
        idle_backoff: args.idle_backoff,
        multiplier: args.multiplier,
        max_interval: args.max_interval,
        backoff: BackoffPolicy {
            base: args.backoff_base,
            multiplier: 2.0,
            cap: args.backoff_cap,
            jitter: args.jitter,
        },
        long_poll: args.wait.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn settings(flags: &[&str]) -> anyhow::Result<Settings> {
        settings_on(flags, true)
    }

    fn settings_on(flags: &[&str], terminal: bool) -> anyhow::Result<Settings> {
        let argv = ["hooky", "poll", "http://127.0.0.1:9/status"];
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let Command::Poll(args) = cli.command else {
            panic!("not a poll command");
        };
        Settings::from_args(*args, terminal)
    }

    /// The usage error a set of flags is refused with: its message and its exit code.
    fn refused(flags: &[&str]) -> (String, u8) {
        let error = settings(flags).err().expect("the flags are refused");
        let cli = error.downcast_ref::<CliError>().expect("a CliError");
        (cli.to_string(), cli.code)
    }

    #[test]
    fn defaults_are_a_plain_resource_poll() {
        let s = settings(&[]).unwrap();
        assert!(!s.feed);
        assert_eq!(s.url, "http://127.0.0.1:9/status");
        assert_eq!(s.pacing.interval, Duration::from_secs(5));
        assert_eq!(s.request_timeout, Duration::from_secs(30));
        assert!(s.emitter.is_none());
        assert!(s.until.is_empty());
        assert_eq!(s.deadline_after, None, "no default deadline on a terminal");
    }

    #[test]
    fn a_url_without_a_scheme_is_refused() {
        let cli = Cli::try_parse_from(["hooky", "poll", "127.0.0.1:9/x"]).unwrap();
        let Command::Poll(args) = cli.command else {
            panic!("not a poll command");
        };
        let error = Settings::from_args(*args, true).err().unwrap();
        assert!(error.downcast_ref::<CliError>().is_some());
    }

    #[test]
    fn jitter_outside_zero_to_one_is_refused() {
        let (message, code) = refused(&["--jitter", "1.5"]);
        assert!(
            message.contains("--jitter 1.5 is out of range"),
            "{message}"
        );
        assert_eq!(code, crate::exit::USAGE);
    }

    #[test]
    fn a_multiplier_below_one_is_refused() {
        let (message, _) = refused(&["--multiplier", "0.5"]);
        assert_eq!(message, "--multiplier must be a number of at least 1");
    }

    #[test]
    fn max_interval_below_interval_is_refused_only_with_idle_backoff() {
        let flags = ["--interval", "10s", "--max-interval", "5s"];
        assert!(settings(&flags).is_ok());
        let (message, _) = refused(&[&flags[..], &["--idle-backoff"]].concat());
        assert!(
            message.contains("--max-interval 5s is shorter than --interval 10s"),
            "{message}"
        );
    }

    #[test]
    fn backoff_cap_below_base_is_refused() {
        let (message, _) = refused(&["--backoff-base", "10s", "--backoff-cap", "1s"]);
        assert_eq!(message, "--backoff-cap is shorter than --backoff-base");
    }

    #[test]
    fn a_bad_until_is_refused() {
        let (message, code) = refused(&["--until", "=done"]);
        assert!(message.starts_with("invalid --until"), "{message}");
        assert_eq!(code, crate::exit::USAGE);
    }

    #[test]
    fn feed_only_flags_need_feed_mode() {
        for flag in [
            &["--cursor-field", "ts"][..],
            &["--id-field", "uid"],
            &["--since-param", "after"],
        ] {
            let (message, _) = refused(flag);
            assert_eq!(message, format!("{} applies to feed mode only", flag[0]));
            let with_feed = [flag, &["--since", "0"]].concat();
            assert!(settings(&with_feed).unwrap().feed);
        }
    }

    #[test]
    fn wait_stretches_the_request_timeout_past_the_hold() {
        let s = settings(&["--wait", "60"]).unwrap();
        assert_eq!(s.request_timeout, Duration::from_secs(70));
        assert!(s.pacing.long_poll);
        let s = settings(&["--wait", "1", "--request-timeout", "30s"]).unwrap();
        assert_eq!(s.request_timeout, Duration::from_secs(30));
    }

    #[test]
    fn off_a_terminal_a_run_without_count_or_timeout_gets_the_ci_deadline() {
        let s = settings_on(&[], false).unwrap();
        assert_eq!(s.deadline_after, Some(DEFAULT_CI_DEADLINE));
        let s = settings_on(&["--count", "3"], false).unwrap();
        assert_eq!(s.deadline_after, None);
        let s = settings_on(&["--timeout", "5s"], false).unwrap();
        assert_eq!(s.deadline_after, Some(Duration::from_secs(5)));
    }

    #[test]
    fn cursor_field_and_id_field_become_the_item_fields() {
        let s = settings(&["--since", "0", "--cursor-field", "ts", "--id-field", "uid"]).unwrap();
        assert_eq!(s.fields.id, "uid");
        assert_eq!(s.fields.cursor, vec!["ts".to_string()]);
    }
}
