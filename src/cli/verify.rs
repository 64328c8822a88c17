use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{PublicKeyArgs, SchemeSelection, SecretArgs};
use crate::signature::DEFAULT_HEX_HEADER;

/// `hooky verify`: check a request's signature headers against its body.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 valid, 3 invalid or unsigned, 2 bad usage.\n\nExamples:\n  hooky verify -H \"$(hooky sign --scheme stripe body.json)\" body.json\n  hooky verify --scheme stripe -H 'Stripe-Signature: t=1700000000,v1=00' body.json   # exit 3"
)]
pub struct VerifyArgs {
    /// Signature scheme, or auto to recognise it from the headers
    #[arg(long, value_parser = SchemeSelection::parser(), default_value = "auto")]
    pub scheme: SchemeSelection,

    #[command(flatten)]
    pub secrets: SecretArgs,

    #[command(flatten)]
    pub public_keys: PublicKeyArgs,

    /// Request header as 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = crate::headers::parse_header)]
    pub headers: Vec<(String, String)>,

    /// How far a signed timestamp may be from now; default the provider's (5m for stripe,
    /// standard and slack)
    #[arg(long, value_name = "DURATION", value_parser = crate::units::parse_duration)]
    pub tolerance: Option<Duration>,

    /// Verify as if it were this time (unix seconds or RFC 3339); default now
    #[arg(long, value_name = "TIME", value_parser = crate::units::parse_time)]
    pub now: Option<i64>,

    /// Header name for the hex scheme
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HEX_HEADER)]
    pub signature_header: String,

    /// The full URL the request is sent to, as the sender addresses it: twilio, square and
    /// hubspot sign it
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// The request's HTTP method (hubspot signs it)
    #[arg(long, value_name = "METHOD", default_value = "POST")]
    pub method: String,

    /// The request body: a file, or - (the default) for stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}
