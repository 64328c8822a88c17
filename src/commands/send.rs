//! `hooky send`.

use crate::cli::SendArgs;
use crate::exit::{self, CliError};
use crate::output::Output;

pub async fn run(_args: SendArgs, _out: &Output) -> anyhow::Result<u8> {
    Err(CliError::new(exit::USAGE, "hooky send is not yet implemented").into())
}
