//! `hooky send`: render a fixture, sign it, deliver it (with retries), and report what the receiver
//! answered. Also the modes around it: `--list`, the picker, `--dry-run`/`--curl`, `--repeat`,
//! `--count` (a load with a summary), `--attack` (receiver conformance) and `--watch`.
//!
//! The pure parts live in the shared `fixtures/`, `webhook/` and `outbound/request_format`, and in
//! send's own [`attack`] (the receiver-conformance checks). This file only picks the mode; each
//! lives beside it in `commands/send/`: `plan` (what is sent, rendered per send), `list` (`--list`
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
use watch::watch;

use crate::cli::SendArgs;
use crate::exit;
use crate::fixtures::disk::load_catalog;
use crate::output::Output;

/// Boxed because the arguments are many (the `Command` enum stays small).
pub async fn run(args: Box<SendArgs>, out: &Output) -> anyhow::Result<u8> {
    let interrupted = super::interrupt_signal()?;
    let catalog = load_catalog(args.fixtures.as_deref())?;
    if args.list {
        return list(&catalog, out);
    }
    let event = match (&args.event, &args.data) {
        (Some(event), _) => Some(event.clone()),
        (None, Some(_)) => None,
        // The attack is about signatures, not payloads: any event does.
        (None, None) if args.attack => Some("order.completed".to_string()),
        (None, None) => match pick(&catalog)? {
            Some(name) => Some(name),
            // Esc or Ctrl-C in the picker: the list is gone, nothing more to say.
            None => return Ok(exit::INTERRUPTED),
        },
    };
    let plan = Plan::new(&args, &catalog, event.as_deref(), out)?;
    if args.dry_run || args.curl {
        return print_request(&plan, &args, out);
    }
    if args.count > 1 && !args.attack && !args.watch {
        // A load prints its summary so far when interrupted.
        return run_load(plan, &args, out, interrupted).await;
    }
    let work = async {
        if args.attack {
            run_attack(&plan, &args, out).await
        } else if args.watch {
            watch(plan, &args, event.as_deref(), out).await
        } else {
            run_single(&plan, &args, out).await
        }
    };
    tokio::select! {
        result = work => result,
        signal = interrupted => Ok(signal.exit_code()),
    }
}
