//! `hooky replay` and `hooky captures`: read a capture (or HAR) file, list, show or export the
//! selection, or resend it — byte for byte or re-signed — through the shared delivery and load
//! runner, with a summary and an exit status that says whether every replay got a 2xx.
//!
//! The decisions live in pure modules of the shared `capture/`: `selection` (which captures),
//! `replay_plan` (what goes out), `har` (the HAR format). This file only picks the mode; the IO
//! lives beside it in `commands/replay/`: `settings` (flags to a selection and plan options),
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
use rand::Rng;
use read::load;
use settings::check_resign_secrets;
use settings::plan_options;
use settings::private_keys;
use settings::selection;
use show::show_seq;

use crate::cli::{CapturesArgs, ReplayArgs};
use crate::exit::{self, CliError};
use crate::output::Output;
use crate::secret::as_keys;

/// `hooky captures`: the `--list` of `hooky replay`.
pub fn run_captures(args: CapturesArgs, out: &Output) -> anyhow::Result<u8> {
    let records = load(&args.from, out)?;
    list(&records, &selection(&args.select), out)
}

pub async fn run(args: ReplayArgs, out: &Output) -> anyhow::Result<u8> {
    let interrupted = super::interrupt_signal()?;
    let selection = selection(&args.select);
    let streamed = jobs::can_stream(&args, &selection);
    let records = if streamed {
        Vec::new()
    } else {
        load(&args.from, out)?
    };
    if args.list {
        return list(&records, &selection, out);
    }
    // Re-signing without a secret of the user's uses the development secret, as `send` does.
    let secrets = if args.resign {
        super::resolve_secrets(&args.secrets, out, super::DevUse::Sign)?.list
    } else {
        args.secrets.load()?
    };
    let keys = as_keys(&secrets);
    if let Some(seq) = args.show {
        return show_seq(&records, seq, &args.from, &keys, out);
    }
    let mut options = plan_options(&args, !secrets.is_empty())?;
    if args.resign {
        options.private_keys = private_keys(&args)?;
    }
    if options.to.is_none() && !args.dry_run && args.export.is_none() {
        return Err(CliError::usage("where to? pass --to URL (the captured path is appended)")
            .with_hint("hooky replay 3 --to http://localhost:3000, or --dry-run to see what would go out")
            .into());
    }
    let seed = args.seed.unwrap_or_else(|| rand::thread_rng().r#gen());
    let source = if streamed {
        jobs::streamed(&args.from, &selection, args.repeat, out)?
    } else {
        let Some(chosen) = choose(&records, &selection, &args.from)? else {
            // Esc or Ctrl-C in the picker: the list is gone, nothing more to say.
            return Ok(exit::INTERRUPTED);
        };
        if let Some(format) = args.export {
            return export(format, &chosen, &options, &args, &keys, out);
        }
        jobs::in_memory(chosen, args.repeat, args.shuffle.then_some(seed))
    };
    check_resign_secrets(&options, args.resign, &keys)?;
    let context = Arc::new(Context {
        options,
        secrets,
        seed,
    });
    let (failed, broken) = if args.dry_run {
        (false, dry_run(source, context, out)?)
    } else {
        match send(&args, source, context, out, interrupted).await? {
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
