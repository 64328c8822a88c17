use clap::Args;

/// `hooky listen`: arguments.
#[derive(Debug, Args)]
pub struct ListenArgs {}
