use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{PrivateKeyArgs, SchemeSelection, SecretArgs};
use crate::capture::DEFAULT_CAPTURE_PATH;
use crate::capture::selection::{SeqSpec, Since};
use crate::signature::DEFAULT_HEX_HEADER;

/// Which captures: sequence numbers and filters (shared by `replay` and `captures`).
#[derive(Debug, Args, Clone, Default)]
pub struct SelectArgs {
    /// Captures to use: sequence numbers (3) and ranges (3-7)
    #[arg(
        value_name = "SEQ",
        value_parser = crate::capture::selection::parse_seq_spec,
        add = clap_complete::ArgValueCandidates::new(super::completions::capture_candidates)
    )]
    pub seqs: Vec<SeqSpec>,

    /// Only the last N captures (after the other filters)
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,

    /// Only captures whose event type matches a glob, such as 'order.*'
    #[arg(long, value_name = "GLOB")]
    pub event: Option<String>,

    /// Only captures received since a duration ago (10m, 2h) or an RFC 3339 time
    #[arg(long, value_name = "DURATION|TIME", value_parser = crate::capture::selection::parse_since)]
    pub since: Option<Since>,

    /// Only captures whose path matches a glob, such as '/hooks/*'
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,

    /// Only captures with this verdict at capture time
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub verdict: Option<VerdictFilter>,

    /// Every capture (the filters still apply)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerdictFilter {
    Valid,
    Invalid,
    Unsigned,
}

impl VerdictFilter {
    pub fn name(self) -> &'static str {
        match self {
            VerdictFilter::Valid => "valid",
            VerdictFilter::Invalid => "invalid",
            VerdictFilter::Unsigned => "unsigned",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// HAR 1.2, for browser devtools and HTTP tools
    Har,
    /// One curl command per request
    Curl,
    /// Capture lines, as `hooky listen` writes them
    Jsonl,
}

/// `hooky captures`: list what `hooky listen` captured (same as `hooky replay --list`).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  hooky captures\n  hooky captures --event 'order.*' --last 20 --json"
)]
pub struct CapturesArgs {
    /// Capture file (JSON lines from `hooky listen`) or HAR file
    #[arg(long, value_name = "FILE", default_value = DEFAULT_CAPTURE_PATH)]
    pub from: PathBuf,

    #[command(flatten)]
    pub select: SelectArgs,
}

/// `hooky replay`: resend captured requests, byte for byte or re-signed.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  hooky replay --list\n  hooky replay 3 --to http://127.0.0.1:8080\n  hooky replay --last 5 --to http://127.0.0.1:8080 --resign\n  hooky replay 2-4 --export har > captures.har\n\nExit status: 0 when every replay was answered 2xx, 1 otherwise, 2 bad usage."
)]
pub struct ReplayArgs {
    /// Capture file (JSON lines from `hooky listen`) or HAR file
    #[arg(long, value_name = "FILE", default_value = DEFAULT_CAPTURE_PATH)]
    pub from: PathBuf,

    #[command(flatten)]
    pub select: SelectArgs,

    /// List the captures (seq, time, method, path, event, size, verdict, status) instead of sending
    #[arg(long, conflicts_with_all = ["show", "export"])]
    pub list: bool,

    /// Print one captured request fully instead of sending
    #[arg(
        long,
        value_name = "SEQ",
        conflicts_with = "export",
        add = clap_complete::ArgValueCandidates::new(super::completions::capture_candidates)
    )]
    pub show: Option<u64>,

    /// Write the selection to stdout as HAR, curl commands or capture lines instead of sending
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub export: Option<ExportFormat>,

    /// Base URL to send to; the captured path and query are appended
    #[arg(long, value_name = "URL", visible_aliases = ["url", "target"])]
    pub to: Option<String>,

    /// Send to --to exactly, without appending the captured path and query
    #[arg(long, requires = "to")]
    pub exact_url: bool,

    /// Keep the captured Host header (by default the target's host is sent)
    #[arg(long)]
    pub preserve_host: bool,

    /// Sign again with a fresh timestamp over the same bytes, so time-checked receivers accept it
    #[arg(long)]
    pub resign: bool,

    /// Scheme to re-sign with; auto means the scheme detected at capture
    #[arg(long, value_parser = SchemeSelection::parser(), default_value = "auto")]
    pub scheme: SchemeSelection,

    #[command(flatten)]
    pub secrets: SecretArgs,

    #[command(flatten)]
    pub private_key: PrivateKeyArgs,

    /// Header name for the hex scheme
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HEX_HEADER)]
    pub signature_header: String,

    /// Receivers' timestamp tolerance, for the stale-signature warning; default the provider's
    #[arg(long, value_name = "DURATION", value_parser = crate::units::parse_duration)]
    pub tolerance: Option<Duration>,

    /// Keep the event and delivery ids, to test idempotency (the default)
    #[arg(long, conflicts_with = "new_id")]
    pub keep_id: bool,

    /// Give each replay a fresh delivery id (webhook-id, svix-id, X-GitHub-Delivery); re-signs
    #[arg(long)]
    pub new_id: bool,

    /// With --new-id, also replace the JSON body's top-level "id"
    #[arg(long, requires = "new_id")]
    pub rewrite_body_id: bool,

    /// Set a JSON body field before sending, such as data.amount=500 (repeatable; re-signs)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    pub set: Vec<(String, serde_json::Value)>,

    /// Remove a JSON body field before sending (repeatable; re-signs)
    #[arg(long = "unset", value_name = "PATH")]
    pub unset: Vec<String>,

    /// Send each selected capture N times
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub repeat: u64,

    /// Send in a random order
    #[arg(long)]
    pub shuffle: bool,

    /// Seed for --shuffle and fresh ids, for a reproducible run
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Wait this long between the starts of two replays
    #[arg(long, value_name = "DURATION", value_parser = crate::units::parse_duration, conflicts_with = "rate")]
    pub interval: Option<Duration>,

    /// Replays in flight at once
    #[arg(long, short = 'c', value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub concurrency: u64,

    /// Replays started per second at most, such as 20 or 600/m
    #[arg(long, value_name = "RATE", value_parser = crate::outbound::load::parse_rate)]
    pub rate: Option<f64>,

    /// Retries after a failed attempt (connection error, 408, 429, 5xx), honouring Retry-After
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retries: u32,

    /// Time allowed for each attempt
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = crate::units::parse_duration)]
    pub timeout: Duration,

    /// Largest answer body read; a larger one fails the attempt with an error naming the limit
    #[arg(long, value_name = "SIZE", default_value = crate::outbound::delivery::DEFAULT_MAX_RESPONSE_TEXT, value_parser = crate::units::parse_size)]
    pub max_response: u64,

    /// Print what would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Compare each answer's status with the one captured (the captured body is not stored)
    #[arg(long)]
    pub diff: bool,
}

fn parse_set(text: &str) -> Result<(String, serde_json::Value), String> {
    crate::json_path::parse_assignment(text, false)
}
