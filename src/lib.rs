//! hooky: a command-line tool for testing webhooks.
//!
//! Map of the crate (dependencies point down this list, never up). The tree shows it: a folder for
//! each thing several commands share, and each command's private pieces beside it in
//! `commands/<cmd>/`; a module is private to its command unless another command uses it.
//! - `main.rs` parses the command line and calls [`run`]; nothing else.
//! - [`cli`]: clap definitions, the [`values`](cli::values) of flags parsed at the command line,
//!   clap's errors in hooky's format, and the shell completion candidates. It knows no command.
//!   [`commands`]: one module per subcommand, doing the IO: `<cmd>.rs` a short orchestrator, its
//!   steps beside it in `commands/<cmd>/` (listen: startup, receive, decide, commit, report,
//!   shutdown…; send: plan, deliver, report, watch…; poll: request, feed, schedule…; replay: read,
//!   list, deliver, report…), with its own pure modules there: `poll`'s [`conditional`](commands::poll::conditional),
//!   [`cursor`](commands::poll::cursor), [`pacing`](commands::poll::pacing),
//!   [`until`](commands::poll::until), [`diff`](commands::poll::diff),
//!   [`poll_state`](commands::poll::poll_state); `listen`'s
//!   [`verification`](commands::listen::verification), [`respond`](commands::listen::respond),
//!   [`expect`](commands::listen::expect), [`dedup`](commands::listen::dedup),
//!   [`request_view`](commands::listen::request_view), [`line_rate`](commands::listen::line_rate);
//!   `send`'s [`attack`](commands::send::attack).
//! - [`output`]: the one place for output conventions (stdout/stderr, JSON lines, colors, escaping,
//!   how an [`error`](output::error) is shown).
//! - [`exit`]: the exit-code table and the error that carries its code and hint (a leaf).
//! - Shared by several commands, in folders:
//!   - [`capture`]: the capture record and line codec (pure), the [`file`](mod@capture::file) on
//!     disk with its lock, its [`index`](capture::index), [`har`](capture::har),
//!     [`selection`](capture::selection), the [`replay_plan`](capture::replay_plan) and the
//!     `/_hooky/requests` [`feed`](capture::feed).
//!   - [`fixtures`]: the catalog and `_meta` (pure), [`disk`](fixtures::disk) (the folders they
//!     are read from), [`template`](fixtures::template) (`{{…}}`),
//!     [`payload_template`](fixtures::payload_template) (a payload compiled for fast sends).
//!   - [`outbound`]: [`delivery`](outbound::delivery) (one request with retries, the IO half of
//!     [`backoff`](outbound::backoff)), [`load`](outbound::load) (many deliveries at a concurrency
//!     and a rate), [`stats`](outbound::stats), [`request_format`](outbound::request_format) (raw
//!     HTTP and curl).
//!   - [`webhook`]: headers and signing of one request (pure), and [`event`](webhook::event) (event
//!     type and id of a request).
//!   - [`web_view`]: the web view's page, key and token checks, event data and request items
//!     (pure; `poll` shares its key header). Its endpoints are `listen`'s, as an axum Router.
//! - The pure core, no sockets, no terminal, no clock: [`signature`] (every scheme), [`headers`]
//!   (the HTTP `Header` type, its lookups and `Name: value` parsing), [`http_headers`] (hop-by-hop rules for relaying),
//!   [`ids`], [`units`] (durations, sizes, times), [`json_path`] (dot paths into JSON).
//! - [`secret`]: the redacting `Secret` type, secret files, where secrets came from.
//!   [`dev_secret`]: the project's development secret in `.hooky/secret` (found walking up).
//!   [`dev_keys`]: the development key pairs of the key-pair schemes in `.hooky/keys/`.
//!   [`private_fs`]: opening and writing hooky's own files without following links (captures,
//!   `.hooky/`, `--state`, ready files).

pub mod capture;
pub mod cli;
pub mod commands;
pub mod dev_keys;
pub mod dev_secret;
pub mod exit;
pub mod fixtures;
pub mod headers;
pub mod http_headers;
pub mod ids;
pub mod json_bytes;
pub mod json_path;
pub mod outbound;
pub mod output;
pub mod private_fs;
pub mod secret;
pub mod signature;
pub mod units;
pub mod web_view;
pub mod webhook;

pub use cli::Cli;

use cli::Command;

/// Runs a parsed command line to completion and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    ignore_file_size_signal();
    let out = cli.global.output();
    let result = match cli.command {
        Command::Sign(args) => commands::sign::run(args, &out),
        Command::Verify(args) => commands::verify::run(args, &out),
        Command::Completions(args) => commands::completions::run(args, &out),
        Command::Captures(args) => commands::replay::run_captures(args, &out),
        Command::Fixture(args) => commands::fixture::run(args, &out),
        Command::Secret(args) => commands::secret::run(args, &out),
        Command::Keygen(args) => commands::keygen::run(args, &out),
        // listen drains in-flight requests on Ctrl-C or SIGTERM itself, so nothing it answered
        // is lost.
        Command::Listen(args) => block_on(commands::listen::run(args, &out)),
        // The others print their summary so far on Ctrl-C (130) or SIGTERM (143).
        Command::Poll(args) => block_on(commands::poll::run(*args, &out)),
        Command::Send(args) => block_on(commands::send::run(args, &out)),
        Command::Replay(args) => block_on(commands::replay::run(args, &out)),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let (code, lines) = output::error::describe(&error);
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

/// Runs an async command on a multi-threaded runtime started for it.
fn block_on(command: impl std::future::Future<Output = anyhow::Result<u8>>) -> anyhow::Result<u8> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(command)
}
