//! `hooky replay`.

use crate::cli::ReplayArgs;
use crate::exit::{self, CliError};
use crate::output::Output;

pub async fn run(_args: ReplayArgs, _out: &Output) -> anyhow::Result<u8> {
    Err(CliError::new(exit::USAGE, "hooky replay is not yet implemented").into())
}
