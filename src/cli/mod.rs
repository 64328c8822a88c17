//! The command line: global flags, the subcommands, one file per subcommand's arguments, the
//! [`values`] those arguments parse into, clap's errors in hooky's format, and the completion
//! candidates. No command's behaviour lives here, and nothing here imports `commands/`
//! (tests/architecture.rs checks it); `commands/` does the work.
//!
//! House rules: doc comments are the help text (first line short, details after a blank line);
//! every choice is a `ValueEnum`; every secret has `env = "HOOKY_SECRET"` with its value hidden.

mod clap_error;
mod common;
pub mod completions;
mod fixture;
mod listen;
mod poll;
mod replay;
mod secret;
mod send;
mod sign;
pub mod values;
mod verify;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use clap_error::report_clap_error;
pub use common::{
    GivenSecrets, PrivateKeyArgs, PublicKeyArgs, SECRET_ENV, SchemeSelection, SecretArgs,
    scheme_parser,
};
pub use completions::CompletionsArgs;
pub use fixture::{FixtureArgs, FixtureCommand, FixtureNewArgs};
pub use listen::{ListenArgs, VerifyMode};
pub use poll::PollArgs;
pub use replay::{CapturesArgs, ExportFormat, ReplayArgs, SelectArgs, VerdictFilter};
pub use secret::{DevSecretArgs, KeygenArgs};
pub use send::{ExpectedStatus, SendArgs};
pub use sign::SignArgs;
pub use verify::VerifyArgs;

/// Test webhooks from the command line: receive, send, poll and replay, with real provider signatures.
#[derive(Debug, Parser)]
#[command(
    name = "hooky",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// When to use colors: auto means only on a terminal and only if NO_COLOR is unset
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Machine output: one JSON object per line on stdout, each with a "type" field
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only results and errors, no progress or notes
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print more detail (all headers, timings); repeat for more
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Most of one body printed in human mode (the capture and --json keep it whole)
    #[arg(long, value_name = "SIZE", default_value = "64KiB", global = true, value_parser = crate::units::parse_size)]
    pub max_print: u64,
}

impl GlobalArgs {
    /// The output these flags ask for.
    pub fn output(&self) -> crate::output::Output {
        crate::output::Output::new(&crate::output::Choices {
            json: self.json,
            quiet: self.quiet,
            verbose: self.verbose,
            max_print: self.max_print,
            colors: match self.color {
                ColorWhen::Always => Some(true),
                ColorWhen::Never => Some(false),
                ColorWhen::Auto => None,
            },
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

// Parsed once per process: the size of the largest variant does not matter.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // built once per run: boxing would buy nothing
pub enum Command {
    /// Receive webhooks: print each request, verify its signature, answer, and capture it to disk
    Listen(ListenArgs),
    /// Send a signed fixture event to a URL, with retries; one event or a load of them
    Send(Box<SendArgs>),
    /// Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed
    Poll(Box<PollArgs>),
    /// Resend captured requests, byte for byte or re-signed
    Replay(ReplayArgs),
    /// List captured requests (same as `hooky replay --list`)
    Captures(CapturesArgs),
    /// Print the signature headers for a body, and the body for schemes that write into it
    Sign(SignArgs),
    /// Verify a request's signature headers against a body; exit 0 only when valid
    Verify(VerifyArgs),
    /// Print the project's development secret (.hooky/secret), creating it; --rotate for a new one
    Secret(DevSecretArgs),
    /// Make a development key pair for discord or sendgrid (.hooky/keys/) and print its public key
    Keygen(KeygenArgs),
    /// Print a shell completion script or the man page
    Completions(CompletionsArgs),
    /// Manage fixtures: turn a captured request into one
    Fixture(FixtureArgs),
}
