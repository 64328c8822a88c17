//! `hooky fixture`: arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `hooky fixture`: manage the project's fixtures.
#[derive(Debug, Args)]
pub struct FixtureArgs {
    #[command(subcommand)]
    pub command: FixtureCommand,
}

#[derive(Debug, Subcommand)]
pub enum FixtureCommand {
    /// Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept,
    /// ids and times templated, signature and credential headers left out, captured `{{` escaped)
    #[command(after_help = "Example:\n  hooky fixture new checkout/paid --from-capture 3")]
    New(FixtureNewArgs),
}

#[derive(Debug, Args)]
pub struct FixtureNewArgs {
    /// The new fixture's name, such as order.shipped or acme/order.shipped
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The sequence number of the captured request (as `hooky listen` printed it)
    #[arg(
        long,
        value_name = "SEQ",
        add = clap_complete::ArgValueCandidates::new(super::completions::capture_candidates)
    )]
    pub from_capture: u64,

    /// The capture file to read
    #[arg(long = "from", value_name = "FILE", default_value = crate::capture::DEFAULT_CAPTURE_PATH)]
    pub from: PathBuf,

    /// The fixtures folder to write into
    #[arg(long, value_name = "DIR", default_value = ".hooky/fixtures")]
    pub dir: PathBuf,

    /// Replace an existing fixture file of that name
    #[arg(long)]
    pub force: bool,
}
