use clap::Args;

/// `hooky replay`: arguments.
#[derive(Debug, Args)]
pub struct ReplayArgs {}
