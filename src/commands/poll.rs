//! `hooky poll`.

use crate::cli::PollArgs;
use crate::exit::{self, CliError};
use crate::output::Output;

pub async fn run(_args: PollArgs, _out: &Output) -> anyhow::Result<u8> {
    Err(CliError::new(exit::USAGE, "hooky poll is not yet implemented").into())
}
