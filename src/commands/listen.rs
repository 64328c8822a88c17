//! `hooky listen`.

use crate::cli::ListenArgs;
use crate::exit::{self, CliError};
use crate::output::Output;

pub async fn run(_args: ListenArgs, _out: &Output) -> anyhow::Result<u8> {
    Err(CliError::new(exit::USAGE, "hooky listen is not yet implemented").into())
}
