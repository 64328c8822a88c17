use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::SecretArgs;
use crate::signature::{DEFAULT_HEX_HEADER, Scheme};
use crate::units::parse_duration;

/// `--max-pages`: how many pages one poll of a feed reads at most.
const DEFAULT_MAX_PAGES: usize = 1000;

/// `hooky poll`: arguments.
#[derive(Debug, Args)]
#[command(
    long_about = "Poll a URL politely and print only what changed.\n\n\
Resource mode (the default) GETs the URL again and again, prints the first body, then only the \
fields that changed (old → new) for JSON, or the new body otherwise. With --etag and \
--last-modified the requests are conditional (If-None-Match / If-Modified-Since, validators echoed \
byte for byte), so an unchanged resource costs a 304 with no body.\n\n\
Feed mode (--since, --cursor-from or --items) GETs URL?since=CURSOR and prints each item of the \
returned array once. The cursor becomes the highest timestamp seen, never +1; ids at the boundary \
are remembered, so items sharing a second are neither lost nor printed twice, whether the server's \
since is inclusive or exclusive. Link: rel=\"next\" pages are followed before the cursor moves, and \
the cursor never moves on an error. When the feed says there is more (a next link, has_more, \
next_cursor, or a full page of ?limit= items), the next page is fetched at once, up to --max-pages \
a poll, never the same page twice; each item prints as one line (-v: the whole item).\n\n\
Pacing: server hints raise the wait and never lower it (Retry-After, X-Poll-Interval, RateLimit, \
X-RateLimit-Remaining: 0 + X-RateLimit-Reset as epoch or delta; Retry-After wins; any of them \
clamped to a day). A 403 or 429 that says the quota is spent waits for the reset and goes on. \
Connection errors, timeouts, 408, 429 and 5xx are retried with exponential backoff and jitter; \
other 4xx stop.\n\n\
Exit codes: 0 when --until is met or --count polls are done; 1 when retries are exhausted or the \
server answers a status that is not retried; 124 at the deadline (--timeout; never slept past); \
130 on Ctrl-C, 143 on SIGTERM. When stdout is not a terminal and neither --timeout nor --count is given, the \
deadline is 10 minutes, so a CI job cannot hang.",
    after_help = "Examples:\n  \
hooky poll https://api.example.com/orders/123 --etag --until status=completed\n  \
hooky poll https://api.example.com/events --since 1710331200 --state events.json\n  \
hooky poll 'http://127.0.0.1:8080/_hooky/requests?key=KEY' --since 0 --cursor-field seq --etag\n  \
HOOKY_SECRET=whsec_x hooky poll https://api.example.com/events --since 0 \\\n    \
--emit-webhook http://127.0.0.1:3000/hook --scheme stripe"
)]
pub struct PollArgs {
    /// The URL to poll (http or https)
    #[arg(value_name = "URL")]
    pub url: String,

    /// Send If-None-Match with the last ETag, exactly as received (weak tags included)
    #[arg(long, help_heading = "Conditional requests")]
    pub etag: bool,

    /// Send If-Modified-Since with the last Last-Modified, exactly as received, when no ETag is known
    #[arg(long, help_heading = "Conditional requests")]
    pub last_modified: bool,

    /// Extra request header, 'Name: value' (repeatable); kept the same on every poll
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = crate::headers::parse_header)]
    pub headers: Vec<(String, String)>,

    /// Feed mode: the first cursor, sent as ?since=VALUE verbatim (unix time, ISO 8601, a sequence)
    #[arg(long, value_name = "VALUE", help_heading = "Feed mode")]
    pub since: Option<String>,

    /// Name of the query parameter that carries the cursor
    #[arg(
        long,
        value_name = "NAME",
        default_value = "since",
        help_heading = "Feed mode"
    )]
    pub since_param: String,

    /// Dot path to the array of items [default: the top-level array, or the first of data, events,
    /// items, results]
    #[arg(long, value_name = "PATH", help_heading = "Feed mode")]
    pub items: Option<String>,

    /// Dot path to an item's timestamp, which becomes the next cursor [default: created, created_at,
    /// timestamp]
    #[arg(long, value_name = "PATH", help_heading = "Feed mode")]
    pub cursor_field: Option<String>,

    /// Dot path to an item's id, used to print each item once
    #[arg(
        long,
        value_name = "PATH",
        default_value = "id",
        help_heading = "Feed mode"
    )]
    pub id_field: String,

    /// Pages one poll follows at most when the feed says there is more (a next link, has_more,
    /// next_cursor, or a full page of ?limit= items); the rest waits for the next poll
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PAGES, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..), help_heading = "Feed mode")]
    pub max_pages: usize,

    /// Opaque cursors: take the next cursor from this dot path of the response, verbatim
    #[arg(long, value_name = "PATH", help_heading = "Feed mode")]
    pub cursor_from: Option<String>,

    /// Keep validators, cursor and printed ids in FILE across runs (a CI job resumes where it
    /// stopped)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Stop with exit 0 when EXPR holds (repeatable: all must hold): path=value, path!=value,
    /// path>N, path>=N, path<N, path<=N (numbers), path (present), !path (absent), status=NNN (the
    /// HTTP status; any operator). In feed mode paths are read in each new item
    // Parsed when poll starts, so a bad one is a usage error with the grammar as its hint.
    #[arg(long, value_name = "EXPR", help_heading = "Stopping")]
    pub until: Vec<String>,

    /// Stop with exit 0 after N successful polls
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Stopping")]
    pub count: Option<u64>,

    /// Overall deadline: exit 124 rather than wait past it [default: none on a terminal; 10m when
    /// stdout is not a terminal and --count is not given]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Stopping")]
    pub timeout: Option<Duration>,

    /// Time between polls (sub-second allowed: 250ms)
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration, help_heading = "Pacing")]
    pub interval: Duration,

    /// Stretch the interval by --multiplier after each unchanged poll, up to --max-interval; a
    /// change resets it
    #[arg(long, help_heading = "Pacing")]
    pub idle_backoff: bool,

    /// Idle backoff factor
    #[arg(
        long,
        value_name = "FACTOR",
        default_value_t = 1.5,
        help_heading = "Pacing"
    )]
    pub multiplier: f64,

    /// Longest interval idle backoff reaches
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, help_heading = "Pacing")]
    pub max_interval: Duration,

    /// Retries in a row on connection errors, timeouts, 408, 429 and 5xx before giving up (0 =
    /// fail fast); reset by any success
    #[arg(long, value_name = "N", default_value_t = 6, help_heading = "Pacing")]
    pub retries: u32,

    /// Also retry this status (repeatable), e.g. 404 for a resource that does not exist yet
    #[arg(long, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..=599), help_heading = "Pacing")]
    pub retry_on: Vec<u16>,

    /// Relative jitter on the error backoff (±); hints and the interval get up to +10 % when it is
    /// not 0. 0 makes runs reproducible
    #[arg(
        long,
        value_name = "FRACTION",
        default_value_t = 0.2,
        help_heading = "Pacing"
    )]
    pub jitter: f64,

    /// First error backoff; it doubles on each failure in a row
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration, help_heading = "Pacing")]
    pub backoff_base: Duration,

    /// Longest error backoff
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, help_heading = "Pacing")]
    pub backoff_cap: Duration,

    /// Time allowed for one request, connect to last byte
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, help_heading = "Pacing")]
    pub request_timeout: Duration,

    /// Largest answer body read; a larger one fails the attempt with an error naming the limit
    #[arg(long, value_name = "SIZE", default_value = crate::outbound::delivery::DEFAULT_MAX_RESPONSE_TEXT, value_parser = crate::units::parse_size, help_heading = "Pacing")]
    pub max_response: u64,

    /// Long polling: send 'Prefer: wait=N', allow N+10s per request, and ask again at once after a
    /// hold
    #[arg(long, value_name = "SECONDS", help_heading = "Pacing")]
    pub wait: Option<u64>,

    /// Deliver each new item (each change in resource mode) to URL as a signed webhook, with
    /// send's delivery and retries
    #[arg(long, value_name = "URL", help_heading = "Webhooks")]
    pub emit_webhook: Option<String>,

    /// Signature scheme for --emit-webhook
    #[arg(
        long,
        value_parser = super::scheme_parser(),
        default_value = "none",
        requires = "emit_webhook",
        help_heading = "Webhooks"
    )]
    pub scheme: Scheme,

    #[command(flatten)]
    pub secrets: SecretArgs,

    /// Header name for the hex scheme
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HEX_HEADER, help_heading = "Webhooks")]
    pub signature_header: String,
}
