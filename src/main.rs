//! The hooky binary: parse the command line, run it, exit with its code. Everything else is in the
//! library (src/lib.rs has the map).

use clap::Parser;

// listen and send allocate per request; mimalloc keeps that cheap under many threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = hooky::Cli::parse();
    std::process::ExitCode::from(hooky::run(cli))
}
