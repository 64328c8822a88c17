//! replay's settings: the clap [`ReplayArgs`] (and `hooky captures`' [`CapturesArgs`]) turned, in
//! one place, into typed [`Settings`]; the rest of replay reads only them. Every flag check replay
//! makes lives here too, one usage error each, and runs where the run has always reached it: the
//! capture file is read first (a missing one is what is said first), `--list` checks nothing
//! more, the secrets are read only by the modes that use them ([`Settings::secrets`]), and the
//! flags that shape each replay are checked once they are ([`Settings::plan_options`],
//! [`check_resign_secrets`]).

use std::path::{Path, PathBuf};

use rand::Rng;

use crate::capture::replay_plan::{Edit, PlanOptions};
use crate::capture::selection::Selection;
use crate::cli::{CapturesArgs, ExportFormat, ReplayArgs, SchemeSelection, SecretArgs, SelectArgs};
use crate::commands::DevUse;
use crate::exit::CliError;
use crate::outbound::delivery::RetryOptions;
use crate::output::Output;
use crate::secret::Secret;

/// Which captures: the file and the selection (all that `hooky captures` needs).
pub struct Captures {
    /// `--from`: a capture file or a HAR file.
    pub from: PathBuf,
    pub selection: Selection,
}

impl Captures {
    /// `hooky captures`' flags.
    pub fn from_args(args: CapturesArgs) -> Captures {
        Captures {
            selection: selection(&args.select),
            from: args.from,
        }
    }
}

/// What replay does with the selection; the first of these the flags ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `--list`: a line per capture.
    List,
    /// `--show SEQ`: one captured request in full.
    Show(u64),
    /// `--export FORMAT`: the selection written to stdout.
    Export(ExportFormat),
    /// `--dry-run`: what would go out, sending nothing.
    DryRun,
    /// Send the replays to `--to`.
    Send,
}

/// How the replays go out: the load runner's pace and each attempt's limits.
#[derive(Clone, Copy, Debug)]
pub struct Sending {
    /// Replays in flight at once (`--concurrency`, at least 1).
    pub concurrency: usize,
    /// Replays started per second at most: `--rate`, or one per `--interval` (none for zero).
    pub rate: Option<f64>,
    /// `--retries`, `--timeout` and `--max-response`.
    pub retry: RetryOptions,
    /// `--diff`: compare each answer's status with the captured one.
    pub diff: bool,
}

/// Everything replay was asked to do.
pub struct Settings {
    pub captures: Captures,
    pub mode: Mode,
    /// Rounds of the selection (`--repeat`, at least 1).
    pub repeat: u64,
    /// `--shuffle`: send in a random order, over all rounds.
    pub shuffle: bool,
    /// `--seed`, else a random one: for the shuffle and the fresh ids.
    pub seed: u64,
    pub sending: Sending,
    /// Read by [`Settings::secrets`], only in the modes that use them.
    secrets: SecretArgs,
    /// Checked by [`Settings::plan_options`] once the secrets are read.
    plan: PlanFlags,
}

/// The flags that shape what each replay sends, as given.
struct PlanFlags {
    /// All but the edits, `has_secret` and the private keys, which need checking or reading.
    options: PlanOptions,
    set: Vec<(String, serde_json::Value)>,
    unset: Vec<String>,
    /// `--private-key`.
    private_key: Option<PathBuf>,
}

impl Settings {
    /// Types the flags. Reads nothing and refuses nothing: the checks run later, where the run
    /// reaches them (see the module's docs).
    pub fn from_args(args: ReplayArgs) -> Settings {
        let mode = mode(&args);
        let sending = sending(&args);
        let seed = args.seed.unwrap_or_else(|| rand::thread_rng().r#gen());
        let plan = PlanFlags {
            options: PlanOptions {
                to: args.to,
                exact_url: args.exact_url,
                preserve_host: args.preserve_host,
                resign: args.resign,
                scheme: match args.scheme {
                    SchemeSelection::Auto => None,
                    SchemeSelection::Fixed(scheme) => Some(scheme),
                },
                hex_header: args.signature_header,
                new_id: args.new_id,
                rewrite_body_id: args.rewrite_body_id,
                edits: Vec::new(),
                has_secret: false,
                tolerance_secs: args.tolerance.map(|t| t.as_secs()),
                private_keys: Vec::new(),
            },
            set: args.set,
            unset: args.unset,
            private_key: args.private_key.private_key,
        };
        Settings {
            captures: Captures {
                selection: selection(&args.select),
                from: args.from,
            },
            mode,
            repeat: args.repeat,
            shuffle: args.shuffle,
            seed,
            sending,
            secrets: args.secrets,
            plan,
        }
    }

    /// The secrets replays are re-signed or checked with, read now. Re-signing without a secret
    /// of the user's uses the development secret, as `send` does.
    pub fn secrets(&self, out: &Output) -> anyhow::Result<Vec<Secret>> {
        Ok(if self.plan.options.resign {
            crate::commands::resolve_secrets(&self.secrets, out, DevUse::Sign)?.list
        } else {
            self.secrets.load()?
        })
    }

    /// What every replay sends, checked now that the `secrets` are read, in this order:
    /// `--resign` needs a secret, the `--unset` paths, the `--to` URL; then the private keys
    /// `--resign` may need are read, and a send (not a dry run or an export) needs `--to`.
    pub fn plan_options(&self, secrets: &[Secret]) -> anyhow::Result<PlanOptions> {
        let flags = &self.plan;
        let has_secret = !secrets.is_empty();
        if flags.options.resign && !has_secret {
            return Err(CliError::usage("--resign needs the signing secret")
                .with_hint("pass --secret, set HOOKY_SECRET, or use --secret-file")
                .into());
        }
        let edits = edits(&flags.set, &flags.unset)?;
        if let Some(to) = &flags.options.to {
            crate::outbound::delivery::http_url(to, "--to")?;
        }
        let private_keys = if flags.options.resign {
            private_keys(flags.private_key.as_deref())?
        } else {
            Vec::new()
        };
        if flags.options.to.is_none() && self.mode == Mode::Send {
            return Err(CliError::usage("where to? pass --to URL (the captured path is appended)")
                .with_hint("hooky replay 3 --to http://localhost:3000, or --dry-run to see what would go out")
                .into());
        }
        Ok(PlanOptions {
            edits,
            has_secret,
            private_keys,
            ..flags.options.clone()
        })
    }
}

/// Every secret given must suit the scheme replays are re-signed with (`--scheme`).
pub(super) fn check_resign_secrets(options: &PlanOptions, keys: &[&[u8]]) -> anyhow::Result<()> {
    // A key-pair scheme's private key is checked when signing; the secrets go unused.
    let secret_scheme = options
        .scheme
        .filter(|s| s.provider().key != crate::signature::KeyKind::KeyPair);
    let Some(scheme) = secret_scheme.filter(|_| options.resign) else {
        return Ok(());
    };
    for (index, secret) in keys.iter().enumerate() {
        scheme.check_secret(secret).map_err(|reason| {
            CliError::usage(format!(
                "secret #{} cannot be used with the {scheme} scheme: {reason}",
                index + 1
            ))
        })?;
    }
    Ok(())
}

/// The first mode the flags ask for (clap refuses `--list` with `--show` or `--export`, and
/// `--show` with `--export`).
fn mode(args: &ReplayArgs) -> Mode {
    if args.list {
        Mode::List
    } else if let Some(seq) = args.show {
        Mode::Show(seq)
    } else if let Some(format) = args.export {
        Mode::Export(format)
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Send
    }
}

fn sending(args: &ReplayArgs) -> Sending {
    Sending {
        concurrency: usize::try_from(args.concurrency)
            .unwrap_or(usize::MAX)
            .max(1),
        rate: args.rate.or_else(|| {
            args.interval
                .filter(|d| !d.is_zero())
                .map(|d| 1.0 / d.as_secs_f64())
        }),
        retry: RetryOptions {
            retries: args.retries,
            timeout: args.timeout,
            max_response: args.max_response,
            ..RetryOptions::default()
        },
        diff: args.diff,
    }
}

fn selection(args: &SelectArgs) -> Selection {
    Selection {
        seqs: args.seqs.clone(),
        last: args.last,
        event: args.event.clone(),
        since: args.since,
        path: args.path.clone(),
        verdict: args.verdict.map(|v| v.name().to_string()),
        all: args.all,
    }
}

/// `--set` then `--unset`, each `--unset` path checked.
fn edits(set: &[(String, serde_json::Value)], unset: &[String]) -> anyhow::Result<Vec<Edit>> {
    let mut edits: Vec<Edit> = set
        .iter()
        .map(|(p, v)| Edit::Set(p.clone(), v.clone()))
        .collect();
    for path in unset {
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(CliError::usage(format!(
                "invalid --unset path {path:?}: use dot-separated keys, such as data.amount"
            ))
            .into());
        }
        edits.push(Edit::Unset(path.clone()));
    }
    Ok(edits)
}

/// The private keys `--resign` may need: `--private-key`, then the development key of every
/// key-pair scheme that has one (a capture of each scheme signs with the first of its kind).
fn private_keys(private_key: Option<&Path>) -> anyhow::Result<Vec<Secret>> {
    let mut keys = Vec::new();
    if let Some(path) = private_key {
        keys.push(crate::dev_keys::read_private_file(path)?);
    }
    for scheme in crate::signature::key_pair::schemes() {
        keys.extend(crate::dev_keys::private_key(scheme)?);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::Parser;

    use super::*;
    use crate::capture::selection::SeqSpec;
    use crate::cli::{Cli, Command};

    fn settings(flags: &[&str]) -> Settings {
        let cli = Cli::try_parse_from(["hooky", "replay"].iter().chain(flags))
            .expect("clap accepts the flags");
        let Command::Replay(args) = cli.command else {
            panic!("not a replay command");
        };
        Settings::from_args(args)
    }

    /// The usage error the plan is refused with, given these secrets: its message and its hint.
    fn refused(flags: &[&str], secrets: &[Secret]) -> (String, Option<String>) {
        let error = settings(flags)
            .plan_options(secrets)
            .expect_err("the flags are refused");
        let cli = error.downcast_ref::<CliError>().expect("a CliError");
        assert_eq!(cli.code, crate::exit::USAGE);
        (cli.to_string(), cli.hint.clone())
    }

    fn secret(value: &str) -> Vec<Secret> {
        vec![Secret::new(value)]
    }

    #[test]
    fn the_mode_is_the_first_the_flags_ask_for() {
        assert_eq!(settings(&["--list", "--dry-run"]).mode, Mode::List);
        assert_eq!(settings(&["--show", "3", "--dry-run"]).mode, Mode::Show(3));
        assert_eq!(
            settings(&["--export", "curl", "--dry-run"]).mode,
            Mode::Export(ExportFormat::Curl)
        );
        assert_eq!(settings(&["--dry-run"]).mode, Mode::DryRun);
        assert_eq!(settings(&["--to", "http://127.0.0.1:9"]).mode, Mode::Send);
    }

    #[test]
    fn the_selection_and_the_file_come_from_the_flags() {
        let s = settings(&[
            "--from",
            "x.har",
            "3",
            "5-7",
            "--last",
            "2",
            "--verdict",
            "valid",
        ]);
        assert_eq!(s.captures.from, PathBuf::from("x.har"));
        let selection = &s.captures.selection;
        assert_eq!(selection.seqs, vec![SeqSpec::One(3), SeqSpec::Range(5, 7)]);
        assert_eq!(selection.last, Some(2));
        assert_eq!(selection.verdict.as_deref(), Some("valid"));
        assert!(!selection.all);
    }

    #[test]
    fn sending_defaults_and_pace() {
        let s = settings(&[]);
        assert_eq!(s.sending.concurrency, 1);
        assert_eq!(s.sending.rate, None);
        assert_eq!(s.sending.retry.retries, 0);
        assert_eq!(s.sending.retry.timeout, Duration::from_secs(15));
        assert!(!s.sending.diff);
        assert_eq!((s.repeat, s.shuffle), (1, false));
        let s = settings(&["-c", "4", "--interval", "250ms", "--retries", "2", "--diff"]);
        assert_eq!(s.sending.concurrency, 4);
        assert_eq!(s.sending.rate, Some(4.0));
        assert_eq!(s.sending.retry.retries, 2);
        assert!(s.sending.diff);
        assert_eq!(settings(&["--rate", "20"]).sending.rate, Some(20.0));
        assert_eq!(settings(&["--interval", "0s"]).sending.rate, None);
    }

    #[test]
    fn a_given_seed_is_kept() {
        let s = settings(&["--shuffle", "--seed", "42", "--repeat", "3"]);
        assert_eq!((s.seed, s.shuffle, s.repeat), (42, true, 3));
    }

    #[test]
    fn a_send_needs_to_but_a_dry_run_or_an_export_does_not() {
        let (message, hint) = refused(&[], &[]);
        assert_eq!(
            message,
            "where to? pass --to URL (the captured path is appended)"
        );
        assert!(hint.unwrap().contains("--dry-run"));
        for flags in [&["--dry-run"][..], &["--export", "har"]] {
            let options = settings(flags).plan_options(&[]).unwrap();
            assert_eq!(options.to, None);
        }
    }

    #[test]
    fn the_plan_carries_the_flags() {
        let flags = [
            "--to",
            "http://127.0.0.1:9/base",
            "--exact-url",
            "--new-id",
            "--set",
            "data.amount=500",
            "--unset",
            "data.note",
            "--scheme",
            "stripe",
            "--tolerance",
            "2m",
        ];
        let options = settings(&flags).plan_options(&secret("s")).unwrap();
        assert_eq!(options.to.as_deref(), Some("http://127.0.0.1:9/base"));
        assert!(options.exact_url && options.new_id && options.has_secret);
        assert!(!options.resign && options.private_keys.is_empty());
        assert_eq!(
            options.scheme.map(|s| s.to_string()).as_deref(),
            Some("stripe")
        );
        assert_eq!(options.tolerance_secs, Some(120));
        assert_eq!(options.edits.len(), 2);
        assert!(matches!(&options.edits[1], Edit::Unset(path) if path == "data.note"));
    }

    #[test]
    fn resign_without_a_secret_is_refused_first() {
        let (message, hint) = refused(&["--resign", "--unset", ""], &[]);
        assert_eq!(message, "--resign needs the signing secret");
        assert!(hint.unwrap().contains("--secret-file"));
    }

    #[test]
    fn an_unset_path_with_an_empty_key_is_refused() {
        for path in ["", "data..amount", "data."] {
            let (message, _) = refused(&["--dry-run", "--unset", path], &[]);
            assert_eq!(
                message,
                format!(
                    "invalid --unset path {path:?}: use dot-separated keys, such as data.amount"
                )
            );
        }
    }

    #[test]
    fn a_to_that_is_not_an_http_url_is_refused() {
        let (message, _) = refused(&["--to", "ftp://127.0.0.1/x"], &[]);
        assert_eq!(
            message,
            "--to \"ftp://127.0.0.1/x\": the scheme ftp is not http or https"
        );
    }

    #[test]
    fn resign_secrets_must_suit_a_fixed_scheme() {
        // The options as plan_options makes them, without reading the private keys --resign reads.
        let options = |flags: &[&str]| settings(flags).plan.options;
        let stripe = options(&["--resign", "--scheme", "stripe"]);
        let error = check_resign_secrets(&stripe, &[b"ok", b""]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "secret #2 cannot be used with the stripe scheme: the secret is empty"
        );
        assert_eq!(
            error.downcast_ref::<CliError>().map(|e| e.code),
            Some(crate::exit::USAGE)
        );
        assert!(check_resign_secrets(&stripe, &[b"ok"]).is_ok());
        // Without --resign, or with the scheme seen at capture, nothing is checked here.
        let not_resigned = options(&["--scheme", "stripe"]);
        assert!(check_resign_secrets(&not_resigned, &[b""]).is_ok());
        let auto = options(&["--resign"]);
        assert!(check_resign_secrets(&auto, &[b""]).is_ok());
    }

    #[test]
    fn captures_take_the_file_and_the_selection() {
        let cli = Cli::try_parse_from(["hooky", "captures", "--from", "c.jsonl", "--all"]).unwrap();
        let Command::Captures(args) = cli.command else {
            panic!("not a captures command");
        };
        let captures = Captures::from_args(args);
        assert_eq!(captures.from, PathBuf::from("c.jsonl"));
        assert!(captures.selection.all);
    }
}
