use std::path::PathBuf;

use clap::Args;

use super::{PrivateKeyArgs, SecretArgs};
use crate::signature::{DEFAULT_HEX_HEADER, Scheme};

/// `hooky sign`: print the headers that sign a body, then (mailgun, linear) the body to send.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  hooky sign --scheme stripe body.json\n  echo -n '{}' | HOOKY_SECRET=s hooky sign --scheme github --json"
)]
pub struct SignArgs {
    /// Signature scheme
    #[arg(long, value_parser = super::scheme_parser())]
    pub scheme: Scheme,

    #[command(flatten)]
    pub secrets: SecretArgs,

    #[command(flatten)]
    pub private_key: PrivateKeyArgs,

    /// Timestamp to sign (unix seconds or RFC 3339); default now
    #[arg(long, value_name = "TIME", value_parser = crate::units::parse_time)]
    pub timestamp: Option<i64>,

    /// Message id (Standard Webhooks `webhook-id`); default a fresh msg_… id
    #[arg(long)]
    pub id: Option<String>,

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

    /// The body to sign: a file, or - (the default) for stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}
