//! `hooky send`: arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{PrivateKeyArgs, SecretArgs};
use crate::signature::{DEFAULT_HEX_HEADER, Scheme};

/// Where `send` delivers when `--to` is not given: where `hooky listen` listens by default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080/";

/// `hooky send`: fire a signed fixture event at a URL.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooky send order.completed      # to hooky listen on this machine, with the development secret
  hooky send github/push --set repository.name=demo --to http://127.0.0.1:8080/gh
  hooky send stripe/payment_intent.succeeded --dry-run --clock 2024-01-01T00:00:00Z --seed 42
  hooky send order.created --count 1000 --concurrency 32 --rate 500/s
  hooky send --attack --scheme stripe   # against a receiver that enforces the secret
  hooky send --list")]
pub struct SendArgs {
    /// The fixture to send (see --list); `github/push` and `github.push` are the same
    #[arg(
        value_name = "EVENT",
        add = clap_complete::ArgValueCandidates::new(super::completions::fixture_candidates)
    )]
    pub event: Option<String>,

    /// The URL to send to
    #[arg(
        long,
        value_name = "URL",
        env = "HOOKY_SEND_TO",
        default_value = DEFAULT_URL,
        visible_aliases = ["url", "target"]
    )]
    pub to: String,

    /// List the fixtures (name, source, scheme, description) and exit
    #[arg(long, conflicts_with_all = ["event", "data"])]
    pub list: bool,

    /// A folder of extra fixtures (overrides ./.hooky/fixtures and the built-ins by name)
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,

    /// The payload instead of the fixture's: inline JSON, @FILE, or - for stdin (templated too)
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub data: Option<String>,

    /// Set a value at a dot path, read as JSON when it is JSON, else a string (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,

    /// Set a string value at a dot path (repeatable)
    #[arg(long = "set-str", value_name = "PATH=VALUE")]
    pub set_str: Vec<String>,

    /// Remove the value at a dot path (repeatable)
    #[arg(long = "unset", value_name = "PATH")]
    pub unset: Vec<String>,

    /// Signature scheme; default the fixture's, else hex
    #[arg(long, value_parser = super::scheme_parser())]
    pub scheme: Option<Scheme>,

    #[command(flatten)]
    pub secrets: SecretArgs,

    #[command(flatten)]
    pub private_key: PrivateKeyArgs,

    /// Header name for the hex scheme
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HEX_HEADER)]
    pub signature_header: String,

    /// Extra header, 'Name: value' (repeatable); replaces a header of the same name
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = crate::headers::parse_header)]
    pub headers: Vec<(String, String)>,

    /// HTTP method; default the fixture's, else POST
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Fix the clock (unix seconds or RFC 3339) for reproducible timestamps and signatures
    #[arg(long, value_name = "TIME", value_parser = crate::units::parse_time)]
    pub clock: Option<i64>,

    /// Seed the random ids, for reproducible runs (with --clock: byte-for-byte)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Print the exact request instead of sending it
    #[arg(long, conflicts_with_all = ["curl", "attack", "watch"])]
    pub dry_run: bool,

    /// Print the request as a curl command instead of sending it
    #[arg(long, conflicts_with_all = ["attack", "watch"])]
    pub curl: bool,

    /// Retries after the first attempt, on connection errors, timeouts, 408, 429 and 5xx
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,

    /// Do not retry (same as --retries 0)
    #[arg(long, conflicts_with = "retries")]
    pub no_retry: bool,

    /// Time allowed for each attempt
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = crate::units::parse_duration)]
    pub timeout: Duration,

    /// Largest answer body read; a larger one fails the attempt with an error naming the limit
    #[arg(long, value_name = "SIZE", default_value = crate::outbound::delivery::DEFAULT_MAX_RESPONSE_TEXT, value_parser = crate::units::parse_size)]
    pub max_response: u64,

    /// Expected status: 2xx (any success), 4xx, 5xx, or an exact code such as 201; exit 4 otherwise
    #[arg(long, value_name = "STATUS", value_parser = parse_expected_status)]
    pub expect_status: Option<ExpectedStatus>,

    /// Expected response body: json:PATH=VALUE (repeatable); exit 4 otherwise
    #[arg(long, value_name = "json:PATH=VALUE", value_parser = parse_expected_body)]
    pub expect_body: Vec<(String, String)>,

    /// Send N events, each with fresh ids, and print a summary
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,

    /// Requests in flight at once with --count
    #[arg(long, value_name = "C", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub concurrency: u64,

    /// Pace --count: requests per second (50, 50/s, 3000/m)
    #[arg(long, value_name = "RATE", value_parser = crate::outbound::load::parse_rate)]
    pub rate: Option<f64>,

    /// Send the same event (same id) K times, to test a receiver's idempotency
    #[arg(long, value_name = "K", default_value_t = 1, conflicts_with = "count", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub repeat: u64,

    /// Check the receiver's verification: a valid event, then variants it must reject; exit = failures
    #[arg(long, conflicts_with_all = ["count", "repeat", "watch", "expect_status", "expect_body"])]
    pub attack: bool,

    /// Send again whenever the fixture file (or --data file) changes; Ctrl-C stops
    #[arg(long, conflicts_with_all = ["count", "repeat"])]
    pub watch: bool,
}

/// `--expect-status`: a class or an exact code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedStatus {
    Class(u16),
    Exact(u16),
}

impl ExpectedStatus {
    pub fn matches(self, status: u16) -> bool {
        match self {
            ExpectedStatus::Class(class) => status / 100 == class,
            ExpectedStatus::Exact(code) => status == code,
        }
    }
}

impl std::fmt::Display for ExpectedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectedStatus::Class(class) => write!(f, "{class}xx"),
            ExpectedStatus::Exact(code) => write!(f, "{code}"),
        }
    }
}

fn parse_expected_status(text: &str) -> Result<ExpectedStatus, String> {
    let explain = || format!("invalid status {text:?}: use 2xx, 4xx, 5xx or a code such as 201");
    let lower = text.trim().to_ascii_lowercase();
    if let Some(class) = lower.strip_suffix("xx") {
        return match class.parse::<u16>() {
            Ok(c @ 1..=5) => Ok(ExpectedStatus::Class(c)),
            _ => Err(explain()),
        };
    }
    match lower.parse::<u16>() {
        Ok(code @ 100..=599) => Ok(ExpectedStatus::Exact(code)),
        _ => Err(explain()),
    }
}

fn parse_expected_body(text: &str) -> Result<(String, String), String> {
    let explain = || {
        format!(
            "invalid body expectation {text:?}: write json:PATH=VALUE, such as json:received=true"
        )
    };
    let assignment = text.strip_prefix("json:").ok_or_else(explain)?;
    let (path, value) = assignment.split_once('=').ok_or_else(explain)?;
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(explain());
    }
    Ok((path.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations() {
        assert_eq!(parse_expected_status("2xx"), Ok(ExpectedStatus::Class(2)));
        assert_eq!(parse_expected_status("201"), Ok(ExpectedStatus::Exact(201)));
        assert!(parse_expected_status("9xx").is_err());
        assert!(parse_expected_status("ok").is_err());
        assert!(ExpectedStatus::Class(4).matches(404));
        assert!(!ExpectedStatus::Exact(201).matches(200));
        assert_eq!(
            parse_expected_body("json:data.ok=true"),
            Ok(("data.ok".into(), "true".into()))
        );
        assert!(parse_expected_body("data.ok=true").is_err());
        assert!(parse_expected_body("json:=1").is_err());
    }
}
