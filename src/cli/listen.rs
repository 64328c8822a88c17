//! `hooky listen`'s arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{PublicKeyArgs, SchemeSelection, SecretArgs};
use crate::signature::DEFAULT_HEX_HEADER;

/// `hooky listen`: receive webhooks, verify, answer and capture them.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooky listen                    # then, in another terminal: hooky send order.completed
  HOOKY_SECRET=whsec_x hooky listen
  hooky listen --port 0 --ready-file r.json --expect type=order.completed --expect verified \\
      --count 1 --timeout 30s --json
  hooky listen --respond-seq 500,500,429:retry-after=2,200 --respond-seq-per-event
  hooky listen --forward-to http://localhost:3000
  hooky listen --open             # and watch requests arrive in the browser

Without --secret, HOOKY_SECRET or --secret-file, listen verifies with the project's development
secret (see `hooky secret`) and enforces nothing; a secret you give is enforced (unsigned or
invalid: 401) unless --verify-mode report.

Exit status: 0 after --count matching requests, or on Ctrl-C or SIGTERM without --count; 130
(Ctrl-C) or 143 (SIGTERM) when stopped before --count was reached; 124 when --timeout passes
first; 2 bad usage; 1 when the port cannot be bound. Ctrl-C and SIGTERM let the requests in
flight finish (a second Ctrl-C stops at once).")]
pub struct ListenArgs {
    /// Port to listen on; 0 picks a free one
    #[arg(short, long, default_value_t = 8080)]
    pub port: u16,

    /// Address to bind; anything but loopback makes the receiver reachable from the network
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    pub host: std::net::IpAddr,

    /// Write {"url":…,"pid":…} to this file (atomically) once the socket is bound
    #[arg(long, value_name = "PATH")]
    pub ready_file: Option<PathBuf>,

    #[command(flatten)]
    pub secrets: SecretArgs,

    #[command(flatten)]
    pub public_keys: PublicKeyArgs,

    /// Signature scheme, or auto to recognise it from each request's headers
    #[arg(long, value_parser = SchemeSelection::parser(), default_value = "auto")]
    pub scheme: SchemeSelection,

    /// Header name for the hex scheme
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HEX_HEADER)]
    pub signature_header: String,

    /// The base URL senders address when hooky sits behind a tunnel (https://abc.ngrok.app):
    /// URL-signing schemes (twilio, square, hubspot) are verified against it plus the path and
    /// query received. Default: http:// and the Host header
    // The example URL is help text for the terminal, not a link for rustdoc.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,

    /// How far a signed timestamp may be from now; default the provider's (5m for stripe,
    /// standard and slack)
    #[arg(long, value_name = "DURATION", value_parser = crate::units::parse_duration)]
    pub tolerance: Option<Duration>,

    /// enforce: answer 401 to an unsigned or invalid request; report: answer normally, only
    /// report it. Default: enforce with your secret, report with the development secret
    #[arg(long, value_enum, value_name = "MODE")]
    pub verify_mode: Option<VerifyMode>,

    /// Do not verify signatures at all (same as --scheme none)
    #[arg(long, conflicts_with_all = ["verify_mode", "secrets", "secret_files"])]
    pub no_verify: bool,

    /// Token to compare Meta's (WhatsApp, Instagram) hub.verify_token with, to answer its
    /// subscription handshake; prefer HOOKY_VERIFY_TOKEN=…, as arguments show in `ps`
    #[arg(
        long,
        value_name = "TOKEN",
        env = "HOOKY_VERIFY_TOKEN",
        hide_env_values = true
    )]
    pub verify_token: Option<crate::secret::Secret>,

    /// Do not answer providers' verification handshakes (Slack url_verification, Meta
    /// hub.challenge, Zoom, Twitch, Dropbox, Microsoft Graph): treat them as any request
    #[arg(long, conflicts_with = "verify_token")]
    pub no_handshake: bool,

    /// Print each request's body under its line (without the headers -v adds)
    #[arg(long)]
    pub body: bool,

    /// Status to answer with
    #[arg(long, value_name = "CODE", default_value_t = 200, value_parser = super::values::parse_status)]
    pub status: u16,

    /// Body to answer with: TEXT, or @FILE to read it from a file
    #[arg(long, value_name = "TEXT|@FILE")]
    pub response_body: Option<String>,

    /// Header to answer with, as 'Name: value' (repeatable)
    #[arg(long = "response-header", value_name = "HEADER", value_parser = crate::headers::parse_header)]
    pub response_headers: Vec<(String, String)>,

    /// Wait this long before answering (after capturing)
    #[arg(long, value_name = "DURATION", value_parser = crate::units::parse_duration)]
    pub delay: Option<Duration>,

    /// Answer with this sequence of statuses, the last repeating, e.g. 500,500,429:retry-after=2,200
    #[arg(long, value_name = "SEQ", value_parser = super::values::parse_sequence_arg)]
    pub respond_seq: Option<super::values::Sequence>,

    /// Give each event id its own --respond-seq sequence (requests without an id share one)
    #[arg(long, requires = "respond_seq")]
    pub respond_seq_per_event: bool,

    /// Answer 500 to this fraction of requests (0 to 1), at random
    #[arg(long, value_name = "P", default_value = "0", value_parser = super::values::parse_rate)]
    pub fail_rate: f64,

    /// Seed for --fail-rate, for reproducible runs
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Relay each request to this local app and return its answer to the sender
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// How long the app behind --forward-to may take to answer (then the sender gets 504)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = crate::units::parse_duration)]
    pub forward_timeout: Duration,

    /// Largest answer body read from the --forward-to app or a web view replay (then 502 / an error)
    #[arg(long, value_name = "SIZE", default_value = crate::outbound::delivery::DEFAULT_MAX_RESPONSE_TEXT, value_parser = crate::units::parse_size)]
    pub max_response: u64,

    /// Largest body accepted; larger ones get 413 and are captured without their body
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = crate::units::parse_size)]
    pub max_body: u64,

    /// How long a client may take to send its headers, and then its body
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = crate::units::parse_duration)]
    pub client_timeout: Duration,

    /// Capture file to append every request to
    #[arg(long, value_name = "FILE", default_value = crate::capture::DEFAULT_CAPTURE_PATH)]
    pub capture: PathBuf,

    /// Do not capture requests to disk (the /_hooky/ feed is then off, the web view live only)
    #[arg(long, conflicts_with = "capture")]
    pub no_capture: bool,

    /// Do not serve the web view at /_hooky/
    #[arg(long)]
    pub no_ui: bool,

    /// Let /_hooky/ (web view and feed) answer peers on the network and any Host header; the
    /// access key is then its only guard
    #[arg(long)]
    pub ui_public: bool,

    /// Open the web view in the browser once listening
    #[arg(long, conflicts_with = "no_ui")]
    pub open: bool,

    /// Exit 0 once this many matching requests were answered
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Exit 124 if --count was not reached in this time
    #[arg(long, value_name = "DURATION", value_parser = crate::units::parse_duration)]
    pub timeout: Option<Duration>,

    /// Only count requests that meet this (repeatable, all must hold): type=EVENT, verified,
    /// path=/PATH, method=POST, header:NAME=VALUE, json:PATH=VALUE
    #[arg(long = "expect", value_name = "EXPR", value_parser = super::values::parse_expectation)]
    pub expectations: Vec<super::values::Expectation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyMode {
    Enforce,
    Report,
}

fn parse_host(text: &str) -> Result<std::net::IpAddr, String> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(std::net::Ipv4Addr::LOCALHOST.into());
    }
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| {
            format!("invalid address {text:?}: use an IP address such as 127.0.0.1, 0.0.0.0 or ::1")
        })
}
