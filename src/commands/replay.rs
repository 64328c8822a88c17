//! `hooky replay` and `hooky captures`: read a capture (or HAR) file, list, show or export the
//! selection, or resend it — byte for byte or re-signed — through the shared delivery and load
//! runner, with a summary and an exit status that says whether every replay got a 2xx.
//!
//! The decisions live in pure modules of the shared `capture/`: `selection` (which captures),
//! `replay_plan` (what goes out), `har` (the HAR format). This file only picks the mode; the IO
//! lives beside it in `commands/replay/`: `settings` (the flags, typed and checked),
//! `read` (the `--from` file), `list` (selection, picker, `--list`), `show` (`--show`), `export`
//! (`--export`), `dry_run` (`--dry-run`), `jobs` (what each replay sends, streamed or in memory),
//! `deliver` (the sends, through the load runner) and `report` (each result's line or record).

mod deliver;
mod dry_run;
mod export;
mod jobs;
mod list;
mod read;
pub mod record;
mod report;
mod settings;
mod show;

use std::sync::Arc;

use deliver::Sent;
use deliver::send;
use dry_run::dry_run;
use export::export;
use jobs::Context;
use list::choose;
use list::list;
use read::load;
use settings::{Captures, Mode, Settings, check_resign_secrets};
use show::show_seq;

use crate::cli::{CapturesArgs, ReplayArgs};
use crate::exit;
use crate::output::Output;
use crate::secret::as_keys;

/// `hooky captures`: the `--list` of `hooky replay`.
pub fn run_captures(args: CapturesArgs, out: &Output) -> anyhow::Result<u8> {
    let captures = Captures::from_args(args);
    let records = load(&captures.from, out)?;
    list(&records, &captures.selection, out)
}

pub async fn run(args: ReplayArgs, out: &Output) -> anyhow::Result<u8> {
    let interrupted = super::interrupt_signal()?;
    let settings = Settings::from_args(args);
    let Captures { from, selection } = &settings.captures;
    let streamed = jobs::can_stream(&settings);
    let records = if streamed {
        Vec::new()
    } else {
        load(from, out)?
    };
    if settings.mode == Mode::List {
        return list(&records, selection, out);
    }
    let secrets = settings.secrets(out)?;
    let keys = as_keys(&secrets);
    if let Mode::Show(seq) = settings.mode {
        return show_seq(&records, seq, from, &keys, out);
    }
    let options = settings.plan_options(&secrets)?;
    let source = if streamed {
        jobs::streamed(from, selection, settings.repeat, out)?
    } else {
        let Some(chosen) = choose(&records, selection, from)? else {
            // Esc or Ctrl-C in the picker: the list is gone, nothing more to say.
            return Ok(exit::INTERRUPTED);
        };
        if let Mode::Export(format) = settings.mode {
            return export(format, &chosen, &options, settings.seed, &keys, out);
        }
        jobs::in_memory(
            chosen,
            settings.repeat,
            settings.shuffle.then_some(settings.seed),
        )
    };
    check_resign_secrets(&options, &keys)?;
    let context = Arc::new(Context {
        options,
        secrets,
        seed: settings.seed,
    });
    let (failed, broken) = if settings.mode == Mode::DryRun {
        (false, dry_run(source, context, out)?)
    } else {
        match send(&settings.sending, source, context, out, interrupted).await? {
            Sent::Done { any_failed, broken } => (any_failed, broken),
            Sent::Stopped(signal) => return Ok(signal.exit_code()),
        }
    };
    Ok(if failed || broken > 0 {
        exit::FAILURE
    } else {
        exit::OK
    })
}
