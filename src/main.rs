//! The hooky binary: parse the command line, run it, exit with its code. Everything else is in the
//! library (src/lib.rs has the map).

use clap::Parser;

// listen and send allocate per request; mimalloc keeps that cheap under many threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // `HOOKY_COMPLETE=bash hooky -- …`: a shell asking for completions, answered before parsing.
    hooky::commands::completions::complete_if_asked();
    let code = match hooky::Cli::try_parse() {
        Ok(cli) => hooky::run(cli),
        Err(error) => hooky::cli::report_clap_error(&error),
    };
    std::process::ExitCode::from(code)
}
