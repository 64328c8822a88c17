use clap::Args;

/// `hooky send`: arguments.
#[derive(Debug, Args)]
pub struct SendArgs {}
