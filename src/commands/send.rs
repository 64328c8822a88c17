//! `hooky send`: render a fixture, sign it, deliver it (with retries), and report what the receiver
//! answered. Also the modes around it: `--list`, the picker, `--dry-run`/`--curl`, `--repeat`,
//! `--count` (a load with a summary), `--attack` (receiver conformance) and `--watch`.
//!
//! The pure parts live in the shared `fixtures/`, `webhook/` and `outbound/request_format`, and in
//! send's own [`attack`] (the receiver-conformance checks). This file only picks the mode; each
//! lives beside it in `commands/send/`: `settings` (the flags checked once, into the `Settings`
//! the rest reads), `plan` (what is sent, rendered per send), `list` (`--list`
//! and the picker), `dry_run` (`--dry-run`, `--curl`), `deliver` (one send with retries),
//! `report` (its lines or record, and the exit code), `load_run` (`--count`), `attack_run`
//! (`--attack`), `watch` (`--watch`).

pub mod attack;
mod attack_run;
mod deliver;
mod dry_run;
mod list;
mod load_run;
mod plan;
pub mod record;
mod report;
mod settings;
mod watch;

use attack_run::run_attack;
use deliver::run_single;
use dry_run::print_request;
use list::list;
use list::pick;
use load_run::run_load;
use plan::Plan;
use settings::{EventChoice, Invocation, Mode};
use watch::watch;

use crate::cli::SendArgs;
use crate::exit;
use crate::fixtures::disk::load_catalog;
use crate::output::Output;

/// Boxed because the arguments are many (the `Command` enum stays small). They are turned into
/// send's `Settings` first (`send/settings.rs`); nothing after reads them.
pub async fn run(args: Box<SendArgs>, out: &Output) -> anyhow::Result<u8> {
    let interrupted = super::interrupt_signal()?;
    let settings = match Invocation::from_args(*args)? {
        Invocation::List { fixtures } => return list(&load_catalog(fixtures.as_deref())?, out),
        Invocation::Send(settings) => settings,
    };
    let catalog = load_catalog(settings.fixtures.as_deref())?;
    let event = match &settings.event {
        EventChoice::Named(name) => Some(name.clone()),
        EventChoice::DataOnly => None,
        EventChoice::Pick => match pick(&catalog)? {
            Some(name) => Some(name),
            // Esc or Ctrl-C in the picker: the list is gone, nothing more to say.
            None => return Ok(exit::INTERRUPTED),
        },
    };
    let plan = Plan::new(&settings, &catalog, event.as_deref(), out)?;
    match settings.mode {
        Mode::Print { curl } => print_request(&plan, curl, out),
        // A load prints its summary so far when interrupted.
        Mode::Load(load) => run_load(plan, &settings, load, out, interrupted).await,
        Mode::Attack => or_interrupted(run_attack(&plan, &settings, out), interrupted).await,
        Mode::Watch => {
            let work = watch(plan, &settings, event.as_deref(), out);
            or_interrupted(work, interrupted).await
        }
        Mode::Single { repeat } => {
            let work = run_single(&plan, &settings, repeat, out);
            or_interrupted(work, interrupted).await
        }
    }
}

/// `work`'s result, unless a signal comes first: then the signal's exit code.
async fn or_interrupted(
    work: impl Future<Output = anyhow::Result<u8>>,
    interrupted: impl Future<Output = super::Signal>,
) -> anyhow::Result<u8> {
    tokio::select! {
        result = work => result,
        signal = interrupted => Ok(signal.exit_code()),
    }
}
