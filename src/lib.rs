//! hooky: a command-line tool for testing webhooks.
//!
//! Map of the crate (dependencies point down this list, never up):
//! - `main.rs` parses the command line and calls [`run`]; nothing else.
//! - [`cli`]: clap definitions only. [`commands`]: one module per subcommand, doing the IO.
//! - [`output`]: the one place for output conventions (stdout/stderr, JSON lines, colors, escaping).
//! - [`exit`]: the exit-code table and the error → message + code mapping.
//! - The pure core, no sockets, no terminal, no clock: [`signature`] (every scheme), [`outbound::backoff`]
//!   (retry and pacing policy), [`capture`] (the capture file format), [`webhook::event`] (event type and id
//!   of a request), [`ids`], [`units`] (durations, sizes, times).
//! - The pure core of `poll`: [`conditional`] (ETag/Last-Modified), [`cursor`] (feed cursor),
//!   [`pacing`] (server hints and the wait decision), [`until`] (stop conditions), [`diff`] (JSON
//!   changes), [`poll_state`] (the `--state` file format).
//! - [`secret`]: the redacting `Secret` type, secret files, where secrets came from.
//!   [`dev_secret`]: the project's development secret in `.hooky/secret` (found walking up).
//!   [`private_fs`]: opening and writing hooky's own files without following links (captures,
//!   `.hooky/`, `--state`, ready files).
//! - `listen`'s pure pieces: [`verification`] (verdict, proxy hint, redaction), [`respond`] (answer
//!   plans), [`expect`] (`--expect`), [`dedup`] (bounded duplicate window), [`request_view`] (how a
//!   request is shown), [`line_rate`] (one line per request, or a summary per second), [`capture::feed`] (the `/_hooky/requests` feed); [`capture::file`] is the capture
//!   file on disk (create private, append, tail), [`capture::index`] where its records start by
//!   sequence number, and reading them back from there; [`web_view`] is
//!   the web view's routes, page, token check and event stream frames.
//! - Pure cores of `replay`: [`capture::selection`] (which captures), [`capture::replay_plan`] (what goes out),
//!   [`capture::har`] (the HAR format); [`http_headers`] (hop-by-hop rules, shared with `--forward-to`).
//! - [`outbound::delivery`]: sending one HTTP request with retries (the IO half of `backoff`); [`outbound::load`]: many
//!   deliveries at a concurrency and a rate.
//! - `send`'s pure pieces: [`fixtures`] (the catalog and `_meta`), [`fixtures::template`] (`{{…}}`),
//!   [`webhook`] (headers and signing of one request), [`outbound::request_format`] (dry-run and curl),
//!   [`attack`] (the receiver-conformance checks).

pub mod attack;
pub mod capture;
pub mod cli;
pub mod commands;
pub mod conditional;
pub mod cursor;
pub mod dedup;
pub mod dev_secret;
pub mod diff;
pub mod exit;
pub mod expect;
pub mod fixtures;
pub mod headers;
pub mod http_headers;
pub mod ids;
pub mod json_path;
pub mod line_rate;
pub mod outbound;
pub mod output;
pub mod pacing;
pub mod poll_state;
pub mod private_fs;
pub mod request_view;
pub mod respond;
pub mod secret;
pub mod signature;
pub mod units;
pub mod until;
pub mod verification;
pub mod web_view;
pub mod webhook;

pub use cli::Cli;

use cli::Command;
use output::Output;

/// Runs a parsed command line to completion and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    ignore_file_size_signal();
    let out = Output::new(&cli.global);
    let result = match cli.command {
        Command::Sign(args) => commands::sign::run(args, &out),
        Command::Verify(args) => commands::verify::run(args, &out),
        Command::Completions(args) => commands::completions::run(args, &out),
        Command::Captures(args) => commands::replay::run_captures(args, &out),
        Command::Fixture(args) => commands::fixture::run(args, &out),
        Command::Secret(args) => commands::secret::run(args, &out),
        command => run_async(command, &out),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let (code, lines) = exit::describe(&error);
            for line in lines {
                eprintln!("{line}");
            }
            code
        }
    }
}

/// Over a file size limit (`ulimit -f`) the kernel sends SIGXFSZ, whose default kills the process;
/// ignored, the write fails with EFBIG instead, and listen answers 503 until it can write again.
fn ignore_file_size_signal() {
    // SAFETY: setting a signal to SIG_IGN installs no handler code and has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

fn run_async(command: Command, out: &Output) -> anyhow::Result<u8> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        match command {
            // listen drains in-flight requests on Ctrl-C or SIGTERM itself, so nothing it
            // answered is lost.
            Command::Listen(args) => commands::listen::run(args, out).await,
            // The others print their summary so far on Ctrl-C (130) or SIGTERM (143).
            Command::Poll(args) => commands::poll::run(*args, out).await,
            Command::Send(args) => commands::send::run(args, out).await,
            Command::Replay(args) => commands::replay::run(args, out).await,
            _ => unreachable!("synchronous commands are dispatched in run"),
        }
    })
}
