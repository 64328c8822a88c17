use clap::Args;

/// `hooky poll`: arguments.
#[derive(Debug, Args)]
pub struct PollArgs {}
