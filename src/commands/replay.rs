//! `hooky replay` and `hooky captures`: read a capture (or HAR) file, list, show or export the
//! selection, or resend it — byte for byte or re-signed — through the shared delivery and load
//! runner, with a summary and an exit status that says whether every replay got a 2xx.
//!
//! The decisions live in pure modules of the shared `capture/`: `selection` (which captures),
//! `replay_plan` (what goes out), `har` (the HAR format). This file does the reading, prompting,
//! sending and printing.

pub mod record;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod jobs;

use crate::capture::replay_plan::{self, Edit, PlanOptions};
use crate::capture::selection::Selection;
use crate::capture::{CaptureRecord, read_captures, sha256_hex};
use crate::cli::{CapturesArgs, ExportFormat, ReplayArgs, SchemeSelection, SelectArgs};
use crate::exit::{self, CliError};
use crate::headers::Header;
use crate::outbound::connection::WorkerTransport;
use crate::outbound::delivery::{self, Delivery, Outgoing, RetryOptions};
use crate::outbound::load::{self, LoadOptions};
use crate::outbound::stats::Summary;
use crate::output::{self, Output, sanitize, sanitize_line};
use crate::secret::{Secret, as_keys};
use crate::signature::Keys;
use jobs::{Context, Preparer};
use record::{CaptureView, Record, ReplayDiff, ReplayResult};

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

/// `--show SEQ`: one capture in full.
fn show_seq(
    records: &[CaptureRecord],
    seq: u64,
    from: &Path,
    keys: &[&[u8]],
    out: &Output,
) -> anyhow::Result<u8> {
    let record = records.iter().find(|r| r.seq == seq).ok_or_else(|| {
        CliError::usage(format!("there is no capture #{seq} in {}", from.display()))
            .with_hint("hooky replay --list shows what there is")
    })?;
    show(record, keys, out)?;
    Ok(exit::OK)
}

/// Every secret given must suit the scheme replays are re-signed with (`--scheme`).
fn check_resign_secrets(options: &PlanOptions, resign: bool, keys: &[&[u8]]) -> anyhow::Result<()> {
    // A key-pair scheme's private key is checked when signing; the secrets go unused.
    let secret_scheme = options
        .scheme
        .filter(|s| s.provider().key != crate::signature::KeyKind::KeyPair);
    let Some(scheme) = secret_scheme.filter(|_| resign) else {
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

fn plan_options(args: &ReplayArgs, has_secret: bool) -> anyhow::Result<PlanOptions> {
    if args.resign && !has_secret {
        return Err(CliError::usage("--resign needs the signing secret")
            .with_hint("pass --secret, set HOOKY_SECRET, or use --secret-file")
            .into());
    }
    let mut edits: Vec<Edit> = args
        .set
        .iter()
        .map(|(p, v)| Edit::Set(p.clone(), v.clone()))
        .collect();
    for path in &args.unset {
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(CliError::usage(format!(
                "invalid --unset path {path:?}: use dot-separated keys, such as data.amount"
            ))
            .into());
        }
        edits.push(Edit::Unset(path.clone()));
    }
    if let Some(to) = &args.to {
        crate::outbound::delivery::http_url(to, "--to")?;
    }
    Ok(PlanOptions {
        to: args.to.clone(),
        exact_url: args.exact_url,
        preserve_host: args.preserve_host,
        resign: args.resign,
        scheme: match args.scheme {
            SchemeSelection::Auto => None,
            SchemeSelection::Fixed(scheme) => Some(scheme),
        },
        hex_header: args.signature_header.clone(),
        new_id: args.new_id,
        rewrite_body_id: args.rewrite_body_id,
        edits,
        has_secret,
        tolerance_secs: args.tolerance.map(|t| t.as_secs()),
        private_keys: Vec::new(),
    })
}

/// The private keys `--resign` may need: `--private-key`, then the development key of every
/// key-pair scheme that has one (a capture of each scheme signs with the first of its kind).
fn private_keys(args: &ReplayArgs) -> anyhow::Result<Vec<Secret>> {
    let mut keys = Vec::new();
    if let Some(path) = &args.private_key.private_key {
        keys.push(crate::dev_keys::read_private_file(path)?);
    }
    for scheme in crate::signature::key_pair::schemes() {
        keys.extend(crate::dev_keys::private_key(scheme)?);
    }
    Ok(keys)
}

/// A whole capture or HAR file, opened without following a link (see `private_fs`).
fn read_capture_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut crate::private_fs::open_read(path)?, &mut bytes)?;
    Ok(bytes)
}

/// Reads a capture file or a HAR file, warning about each line or entry it had to skip.
fn load(path: &Path, out: &Output) -> anyhow::Result<Vec<CaptureRecord>> {
    let bytes = read_capture_file(path).map_err(|e| {
        let error = CliError::usage(format!("cannot read {}: {e}", path.display()));
        if e.kind() == std::io::ErrorKind::NotFound {
            error.with_hint("capture some requests with hooky listen first, or pass --from FILE (captures or HAR)")
        } else {
            error
        }
    })?;
    let is_har = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("har"))
        || std::str::from_utf8(&bytes).is_ok_and(crate::capture::har::looks_like_har);
    if is_har {
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::usage(format!(
                "{} is not UTF-8, so not a HAR file",
                path.display()
            ))
        })?;
        let import = crate::capture::har::read(&text)
            .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        let (not_replayable, damaged): (Vec<_>, Vec<_>) = import
            .skipped
            .iter()
            .partition(|(_, reason)| reason.ends_with("not replayable"));
        for (entry, reason) in damaged {
            out.warn(&format!(
                "{}: entry {entry} skipped: {reason}",
                path.display()
            ));
        }
        if !not_replayable.is_empty() && out.verbose > 0 {
            out.info(&format!(
                "{}: {} entries are not POST, PUT or PATCH and were left out",
                path.display(),
                not_replayable.len()
            ));
        }
        return Ok(import.records);
    }
    let file = read_captures(bytes.as_slice())?;
    for skipped in &file.skipped {
        out.warn(&format!(
            "{}: line {} skipped: {}",
            path.display(),
            skipped.line,
            skipped.reason
        ));
    }
    Ok(file.records)
}

/// The captures to act on: the selection, or the user's pick in a terminal.
fn choose<'a>(
    records: &'a [CaptureRecord],
    selection: &Selection,
    from: &Path,
) -> anyhow::Result<Option<Vec<&'a CaptureRecord>>> {
    if records.is_empty() {
        return Err(CliError::failed(format!("{} holds no captures", from.display())).into());
    }
    if selection.is_empty() {
        return pick(records);
    }
    jobs::check_seqs(selection, &|seq| records.iter().any(|r| r.seq == seq), from)?;
    let chosen = selection.apply(records, super::now_unix());
    if chosen.is_empty() {
        return Err(jobs::no_match(from).into());
    }
    Ok(Some(chosen))
}

/// The picker: newest first, columns aligned. `None` when cancelled (Esc, Ctrl-C).
fn pick(records: &[CaptureRecord]) -> anyhow::Result<Option<Vec<&CaptureRecord>>> {
    if !output::can_prompt() {
        return Err(CliError::usage("no captures selected")
            .with_hint(
                "pass SEQ (3 or 3-7), --last N or --all; hooky replay --list shows the captures",
            )
            .into());
    }
    let newest_first: Vec<&CaptureRecord> = records.iter().rev().collect();
    let rows: Vec<[String; 8]> = newest_first.iter().map(|r| table_row(r)).collect();
    let widths = column_widths(&rows);
    let labels: Vec<String> = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        })
        .collect();
    let Some(indices) = output::picker::multi_select(
        "Which captures, newest first? (space to select, enter to confirm)",
        &labels,
    )?
    else {
        return Ok(None);
    };
    if indices.is_empty() {
        return Err(CliError::usage("nothing selected")
            .with_hint("space selects a capture, enter confirms")
            .into());
    }
    // Replayed in the order they were captured, whatever the order they were picked in.
    let mut chosen: Vec<&CaptureRecord> = indices.into_iter().map(|i| newest_first[i]).collect();
    chosen.sort_by_key(|r| r.seq);
    Ok(Some(chosen))
}

/// Each column's width: its widest cell or its heading.
fn column_widths(rows: &[[String; 8]]) -> Vec<usize> {
    (0..8)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([COLUMNS[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

const COLUMNS: [&str; 8] = [
    "SEQ", "TIME", "METHOD", "PATH", "EVENT", "SIZE", "VERDICT", "STATUS",
];

fn table_row(record: &CaptureRecord) -> [String; 8] {
    let time = record
        .received_at
        .get(..19)
        .unwrap_or(&record.received_at)
        .replace('T', " ");
    let path = crate::output::ellipsize(&sanitize_line(&record.path_and_query()), 48).into_owned();
    [
        record.seq.to_string(),
        sanitize_line(&time),
        sanitize_line(&record.method),
        path,
        sanitize_line(record.event_type.as_deref().unwrap_or("-")),
        human_size(record.body_size),
        record.verdict.verdict.name().to_string(),
        if record.status == 0 {
            "-".into()
        } else {
            record.status.to_string()
        },
    ]
}

fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes}B"),
        1024..1_048_576 => format!("{:.1}KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1}MiB", bytes as f64 / 1_048_576.0),
    }
}

fn list(records: &[CaptureRecord], selection: &Selection, out: &Output) -> anyhow::Result<u8> {
    let chosen: Vec<&CaptureRecord> = if selection.is_empty() {
        records.iter().collect()
    } else {
        selection.apply(records, super::now_unix())
    };
    if out.json {
        for r in &chosen {
            out.json(&Record::Capture(CaptureView::listed(r)))?;
        }
        return Ok(exit::OK);
    }
    if chosen.is_empty() {
        out.info("no captures match");
        return Ok(exit::OK);
    }
    let rows: Vec<[String; 8]> = chosen.iter().map(|r| table_row(r)).collect();
    let widths = column_widths(&rows);
    // Pad first, then paint, so colors do not upset the column widths.
    let line = |cells: &[String], paint_verdict: bool| {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                let padded = format!("{cell:<width$}");
                if paint_verdict && column == 6 {
                    padded.replacen(cell.as_str(), &out.paint.verdict(cell), 1)
                } else {
                    padded
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    out.data(&out.paint.bold(&line(&header, false)))?;
    for row in &rows {
        out.data(&line(row, true))?;
    }
    Ok(exit::OK)
}

/// A record as it may be shown or exported: token headers and secret-bearing values redacted, and
/// any secret inside the URL or the verdict's words (a capture or HAR from elsewhere, or from an
/// older hooky that quoted header values in reasons) replaced.
fn redacted(record: &CaptureRecord, keys: &[&[u8]]) -> CaptureRecord {
    use crate::secret::redact_text;
    let mut copy = record.clone();
    copy.headers = crate::secret::redact_headers(&record.headers, keys);
    copy.path = redact_text(&record.path, keys);
    copy.query = record.query.as_deref().map(|q| redact_text(q, keys));
    let verdict = &mut copy.verdict;
    for text in [&mut verdict.reason, &mut verdict.hint, &mut verdict.note] {
        *text = text.as_deref().map(|t| redact_text(t, keys));
    }
    copy
}

fn show(record: &CaptureRecord, keys: &[&[u8]], out: &Output) -> anyhow::Result<()> {
    let record = redacted(record, keys);
    if out.json {
        return Ok(out.json(&Record::Capture(CaptureView::shown(&record)))?);
    }
    let body = record.body_bytes();
    let p = &out.paint;
    // Every string here comes from a file: escaped like everything listen prints.
    let kind = record.verdict.verdict.name();
    let verdict = match &record.verdict.scheme {
        Some(scheme) => format!("{} ({})", p.verdict(kind), sanitize_line(scheme)),
        None => p.verdict(kind),
    };
    out.data(&p.dim(&format!(
        "# capture #{} received {} from {}",
        record.seq,
        sanitize_line(&record.received_at),
        sanitize_line(&record.remote_addr)
    )))?;
    out.data(&format!(
        "# verdict {verdict}, answered {}{}",
        if record.status == 0 {
            "-".to_string()
        } else {
            p.status(record.status)
        },
        record
            .event_type
            .as_deref()
            .map(|t| format!(", event {}", sanitize_line(t)))
            .unwrap_or_default()
    ))?;
    print_head(
        out,
        &record.method,
        &format!("{} HTTP/1.1", record.path_and_query()),
        &record.headers,
    )?;
    match body {
        Ok(bytes) => out.data(&body_text(&bytes, out))?,
        Err(error) => out.warn(&error.to_string()),
    }
    Ok(())
}

/// A body for people: the text (escaped), or a note and base64 for binary data.
/// A body for people: text escaped, binary as base64, at most `--max-print` bytes of it.
fn body_text(bytes: &[u8], out: &Output) -> String {
    let (shown, left_out) = crate::output::clip_body(bytes, out.max_print);
    // Text or binary by the whole body; a text body is cut on a character boundary.
    let mut text = match std::str::from_utf8(bytes).and_then(|_| std::str::from_utf8(shown)) {
        Ok(text) => sanitize(text),
        Err(_) => format!(
            "(binary, {} bytes; base64:)\n{}",
            bytes.len(),
            BASE64.encode(shown)
        ),
    };
    if left_out > 0 {
        text.push('\n');
        text.push_str(&crate::output::clipped_note(left_out, &out.paint));
    }
    text
}

fn export(
    format: ExportFormat,
    chosen: &[&CaptureRecord],
    options: &PlanOptions,
    args: &ReplayArgs,
    keys: &[&[u8]],
    out: &Output,
) -> anyhow::Result<u8> {
    let redacted: Vec<CaptureRecord> = chosen.iter().map(|r| redacted(r, keys)).collect();
    match format {
        ExportFormat::Jsonl => {
            let mut text = String::new();
            for record in &redacted {
                text.push_str(&record.to_line());
            }
            print!("{text}");
        }
        ExportFormat::Har => {
            let refs: Vec<&CaptureRecord> = redacted.iter().collect();
            let har =
                crate::capture::har::write(&refs, args.to.as_deref(), env!("CARGO_PKG_VERSION"));
            out.data(&serde_json::to_string_pretty(&har)?)?;
        }
        ExportFormat::Curl => {
            let now = super::now_unix();
            let seed = args.seed.unwrap_or_else(|| rand::thread_rng().r#gen());
            let mut failed = false;
            for record in chosen {
                let request =
                    replay_plan::prepare(record, options, now, &mut StdRng::seed_from_u64(seed))
                        .and_then(|p| {
                            p.outgoing(
                                Keys::new(keys)
                                    .with_private_keys(&as_keys(&options.private_keys))
                                    .with_hex_header(&options.hex_header),
                                now,
                            )
                            .map(|request| (request, p.exact_url().to_string()))
                            .map_err(|e| format!("capture #{}: {e}", record.seq))
                        });
                match request {
                    Ok((request, url)) => {
                        out.data(&format!("# capture #{}", record.seq))?;
                        out.data(&crate::outbound::request_format::curl_command_to(
                            &request, &url, keys,
                        ))?;
                    }
                    Err(error) => {
                        out.warn(&error);
                        failed = true;
                    }
                }
            }
            if args.resign {
                out.info("note: re-signed curl commands carry a timestamp; time-checked receivers accept them for a few minutes only");
            }
            return Ok(if failed { exit::FAILURE } else { exit::OK });
        }
    }
    std::io::Write::flush(&mut std::io::stdout())?;
    Ok(exit::OK)
}

/// A request's first line and headers for people, escaped, then a blank line.
fn print_head(out: &Output, method: &str, target: &str, headers: &[Header]) -> anyhow::Result<()> {
    let p = &out.paint;
    out.data(&format!(
        "{} {}",
        p.method(&sanitize_line(method)),
        sanitize_line(target)
    ))?;
    for (name, value) in headers {
        out.data(&format!(
            "{}: {}",
            p.key(&sanitize_line(name)),
            sanitize_line(value)
        ))?;
    }
    out.data("")?;
    Ok(())
}

/// `--dry-run`: each request as it would go out, secrets redacted. Returns how many captures could
/// not go out.
fn dry_run(source: jobs::Source, context: Arc<Context>, out: &Output) -> anyhow::Result<u64> {
    let mut preparer = Preparer::new(context.clone(), out);
    let secrets = as_keys(&context.secrets);
    let private = as_keys(&context.options.private_keys);
    let keys = Keys::new(&secrets)
        .with_private_keys(&private)
        .with_hex_header(&context.options.hex_header);
    let mut shown = 0u64;
    for item in source {
        let (record, round) = item?;
        let Some((_, job)) = preparer.prepare(&record, round)? else {
            continue;
        };
        let mut request = job
            .prepared
            .outgoing(keys, super::now_unix())
            .map_err(|e| CliError::failed(e.to_string()))?;
        request.headers = crate::secret::redact_headers(&request.headers, &secrets);
        print_dry_run(&job, &request, out)?;
        shown += 1;
    }
    out.info(&format!("dry run: {shown} request(s) shown, nothing sent"));
    Ok(preparer.broken)
}

fn print_dry_run(job: &jobs::Job, request: &Outgoing, out: &Output) -> anyhow::Result<()> {
    let (seq, round, resigned) = (job.prepared.seq, job.round, job.prepared.signing.is_some());
    if out.json {
        let (body, encoding) = crate::capture::encode_body(&request.body);
        out.json(&Record::Request {
            seq,
            round,
            method: &request.method,
            url: request.url.as_str(),
            headers: &request.headers,
            body,
            body_encoding: encoding,
            body_size: request.body.len(),
            body_sha256: sha256_hex(&request.body),
            resigned,
        })?;
        return Ok(());
    }
    let resigned = if resigned { ", re-signed now" } else { "" };
    out.data(
        &out.paint
            .dim(&format!("# capture #{seq} (round {round}){resigned}")),
    )?;
    print_head(out, &request.method, request.url.as_str(), &request.headers)?;
    if !request.body.is_empty() {
        out.data(&body_text(&request.body, out))?;
    }
    out.data("")?;
    Ok(())
}

/// What one replay came to.
struct Outcome {
    seq: u64,
    round: u64,
    method: String,
    url: String,
    resigned: bool,
    /// What the capture was answered with, and by whom (`listen`, or the app it forwarded to).
    captured_status: Option<u16>,
    captured_from: &'static str,
    delivery: Delivery,
}

/// How a run of replays ended.
enum Sent {
    Done {
        any_failed: bool,
        /// Captures that could not go out.
        broken: u64,
    },
    /// Ctrl-C or SIGTERM: the summary so far was printed.
    Stopped(super::Signal),
}

/// A replay worker: a connection of its own and the secrets to re-sign with.
struct ReplayWorker {
    transport: WorkerTransport,
    retry: RetryOptions,
    context: Arc<Context>,
    verbose: bool,
}

impl load::Worker for ReplayWorker {
    type Job = jobs::Job;
    type Output = Outcome;

    async fn run(&mut self, _: u64, job: jobs::Job) -> Outcome {
        let keys = as_keys(&self.context.secrets);
        let private = as_keys(&self.context.options.private_keys);
        let keys = Keys::new(&keys)
            .with_private_keys(&private)
            .with_hex_header(&self.context.options.hex_header);
        let prepared = &job.prepared;
        let verbose = self.verbose;
        let delivery = delivery::deliver_with(
            &mut self.transport,
            self.retry,
            // A fresh timestamp for every attempt, as a provider's own retries carry.
            |_attempt| {
                prepared
                    .outgoing(keys, super::now_unix())
                    .expect("signing was checked before sending")
            },
            rand::random::<f64>,
            |notice| {
                if verbose {
                    eprintln!("capture #{}: {}", prepared.seq, notice.describe());
                }
            },
        )
        .await;
        Outcome {
            seq: prepared.seq,
            round: job.round,
            url: prepared.url.to_string(),
            resigned: prepared.signing.is_some(),
            captured_status: job.captured_status,
            captured_from: job.captured_from,
            method: job.prepared.method,
            delivery,
        }
    }
}

/// What a worker's replays came to; the workers' tallies add up to the run's.
#[derive(Default)]
struct ReplayTally {
    summary: Summary,
    any_failed: bool,
}

/// Counts each replay and prints its result line, above the progress bar. Lines are gathered and
/// written together, when 64 KiB are waiting or at the next tick (a tenth of a second): one write
/// per line cost more than a tenth of a fast replay.
#[derive(Clone)]
struct Reporter {
    out: Output,
    bar: Option<indicatif::ProgressBar>,
    /// `--diff`: the first answer's body hash of each capture.
    first_bodies: Option<Arc<Mutex<HashMap<u64, String>>>>,
    pending: Arc<Mutex<Vec<u8>>>,
}

/// Result lines waiting are written once this many bytes are.
const PENDING_LINES_MAX: usize = 64 * 1024;

impl Reporter {
    fn record(&self, tally: &mut ReplayTally, outcome: Result<Outcome, load::Panicked>) {
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(panicked) => {
                // A replay that panicked is a counted failure, never one that silently vanished.
                tally.summary.record("internal error", Duration::ZERO);
                tally.any_failed = true;
                self.above_bar(|| self.out.warn(&panicked.to_string()));
                return;
            }
        };
        let delivery = &outcome.delivery;
        tally
            .summary
            .record(&delivery.last().class(), delivery.elapsed);
        tally.any_failed |= !delivery.is_success();
        let body_sha = sha256_hex(&delivery.response_body);
        let diff = self.first_bodies.as_ref().map(|first_bodies| {
            let mut first_bodies = first_bodies.lock().unwrap_or_else(|e| e.into_inner());
            diff_of(&outcome, &body_sha, &mut first_bodies)
        });
        let line = result_line(&outcome, &body_sha, diff.as_ref(), &self.out);
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        line.write_to(&mut pending, self.out.json);
        if pending.len() >= PENDING_LINES_MAX {
            self.write_out(&mut pending);
        }
    }

    /// Writes the result lines waiting.
    fn flush(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        self.write_out(&mut pending);
    }

    fn write_out(&self, pending: &mut Vec<u8>) {
        if pending.is_empty() {
            return;
        }
        // A closed stdout ends nothing here: the summary's write reports it.
        self.above_bar(|| {
            let mut stdout = std::io::stdout().lock();
            let _ = std::io::Write::write_all(&mut stdout, pending);
            let _ = std::io::Write::flush(&mut stdout);
        });
        pending.clear();
    }

    fn above_bar(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }
}

/// Sends the source's replays and prints each answer and the summary.
async fn send(
    args: &ReplayArgs,
    source: jobs::Source,
    context: Arc<Context>,
    out: &Output,
    interrupted: impl std::future::Future<Output = super::Signal>,
) -> anyhow::Result<Sent> {
    let concurrency = usize::try_from(args.concurrency)
        .unwrap_or(usize::MAX)
        .max(1);
    let (jobs, producer) = produce(source, Preparer::new(context.clone(), out), concurrency);
    let progress = out.show_progress().then(|| {
        let bar = indicatif::ProgressBar::no_length();
        bar.set_style(output::progress_style("{pos} replays, {rate}"));
        bar
    });
    if args.diff && !out.json {
        out.info("diff: comparing each answer's status with the captured one; captures do not keep response bodies, so bodies are compared between replays of the same capture");
    }
    let reporter = Reporter {
        out: out.clone(),
        bar: progress.clone(),
        first_bodies: args.diff.then(Default::default),
        pending: Default::default(),
    };
    let lines = reporter.clone();
    let started = Instant::now();
    let mut running = load::start(
        LoadOptions {
            concurrency,
            rate: replay_rate(args),
        },
        load::from_channel(jobs),
        workers(args, context, out, concurrency)?,
        move |tally: &mut ReplayTally, _, outcome| reporter.record(tally, outcome),
    );
    let tick = |done| {
        lines.flush();
        progress.iter().for_each(|bar| bar.set_position(done));
    };
    let stopped_by = load::wait(&mut running, tick, interrupted).await;
    // Taken first: a worker's result and its line are recorded together, under its tally's lock.
    let tallies = running.tallies();
    lines.flush();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let any_failed = print_summary(tallies, started, stopped_by.is_some(), out)?;
    if let Some(signal) = stopped_by {
        return Ok(Sent::Stopped(signal));
    }
    // The producer has finished: every job it made was taken.
    let broken = producer.await??;
    Ok(Sent::Done { any_failed, broken })
}

/// `--rate`, or one replay per `--interval`.
fn replay_rate(args: &ReplayArgs) -> Option<f64> {
    args.rate.or_else(|| {
        args.interval
            .filter(|d| !d.is_zero())
            .map(|d| 1.0 / d.as_secs_f64())
    })
}

/// What makes each replay worker: its connection (or the pooled client, under a proxy), the retry
/// policy and the run's context.
fn workers(
    args: &ReplayArgs,
    context: Arc<Context>,
    out: &Output,
    concurrency: usize,
) -> anyhow::Result<impl Fn() -> ReplayWorker + Send + Sync + 'static> {
    let pooled = delivery::client(concurrency)?;
    let proxy = crate::outbound::connection::proxy_configured();
    let retry = RetryOptions {
        retries: args.retries,
        timeout: args.timeout,
        max_response: args.max_response,
        ..RetryOptions::default()
    };
    let verbose = out.verbose > 0 && !out.json;
    Ok(move || ReplayWorker {
        transport: WorkerTransport::new(&pooled, proxy),
        retry,
        context: context.clone(),
        verbose,
    })
}

/// Adds up the workers' tallies and prints the summary; `true` when any replay failed.
fn print_summary(
    tallies: Vec<ReplayTally>,
    started: Instant,
    stopped: bool,
    out: &Output,
) -> anyhow::Result<bool> {
    let elapsed = started.elapsed();
    let (mut summary, mut any_failed) = (Summary::default(), false);
    for tally in tallies {
        summary.merge(&tally.summary);
        any_failed |= tally.any_failed;
    }
    if out.json {
        out.json(&Record::Summary(summary.to_record(elapsed)))?;
    } else if summary.sent > 1 || out.verbose > 0 || stopped {
        out.info(&summary.to_text(elapsed));
    }
    Ok(any_failed)
}

/// Prepares the source's jobs on a thread of their own (reading and parsing the file runs beside
/// the sending), a few ahead of the workers. The handle gives the number of captures that could
/// not go out, or the error that stopped the reading.
fn produce(
    source: jobs::Source,
    mut preparer: Preparer,
    concurrency: usize,
) -> (
    tokio::sync::mpsc::Receiver<(u64, jobs::Job)>,
    tokio::task::JoinHandle<anyhow::Result<u64>>,
) {
    let (sender, receiver) = tokio::sync::mpsc::channel(concurrency.saturating_mul(2).max(16));
    let producer = tokio::task::spawn_blocking(move || {
        for item in source {
            let (record, round) = item?;
            if let Some(job) = preparer.prepare(&record, round)?
                && sender.blocking_send(job).is_err()
            {
                break; // the workers are gone (interrupted)
            }
        }
        Ok(preparer.broken)
    });
    (receiver, producer)
}

/// The comparison `--diff` makes for one answer.
struct Diff {
    captured: Option<u16>,
    captured_from: &'static str,
    body_same_as_first: Option<bool>,
}

fn diff_of(outcome: &Outcome, body_sha: &str, first_bodies: &mut HashMap<u64, String>) -> Diff {
    let body_same_as_first = match first_bodies.get(&outcome.seq) {
        Some(first) => Some(first == body_sha),
        None => {
            first_bodies.insert(outcome.seq, body_sha.to_string());
            None
        }
    };
    Diff {
        captured: outcome.captured_status,
        captured_from: outcome.captured_from,
        body_same_as_first,
    }
}

/// One printed result.
struct ResultLine {
    json: ReplayResult,
    text: String,
}

impl ResultLine {
    /// The line as `--json` or people read it, with its newline.
    fn write_to(&self, buffer: &mut Vec<u8>, json: bool) {
        if json {
            serde_json::to_writer(&mut *buffer, &Record::Replay(&self.json))
                .expect("a record always serialises");
        } else {
            buffer.extend_from_slice(self.text.as_bytes());
        }
        buffer.push(b'\n');
    }
}

fn result_line(outcome: &Outcome, body_sha: &str, diff: Option<&Diff>, out: &Output) -> ResultLine {
    let delivery = &outcome.delivery;
    let last = delivery.last();
    let p = &out.paint;
    let mut json = ReplayResult {
        seq: outcome.seq,
        round: outcome.round,
        method: outcome.method.clone(),
        url: outcome.url.clone(),
        status: last.status,
        error: last.error.clone(),
        attempts: delivery.attempts.len(),
        resigned: outcome.resigned,
        latency_ms: crate::units::millis(last.latency),
        elapsed_ms: crate::units::millis(delivery.elapsed),
        response_size: delivery.response_body.len(),
        response_sha256: body_sha.to_string(),
        diff: None,
    };
    let answer = match (last.status, &last.error) {
        (Some(status), _) => p.status(status),
        (None, Some(error)) => p.error(&sanitize_line(error)),
        (None, None) => p.error("no answer"),
    };
    let mut text = format!(
        "#{} {} {} → {answer} {}",
        outcome.seq,
        p.method(&sanitize_line(&outcome.method)),
        sanitize_line(&outcome.url),
        p.dim(&crate::units::format_duration(delivery.elapsed)),
    );
    if delivery.attempts.len() > 1 {
        text.push_str(&format!(" after {} attempts", delivery.attempts.len()));
    }
    if let Some(diff) = diff {
        let same_status = diff.captured.is_some() && diff.captured == last.status;
        json.diff = Some(ReplayDiff {
            captured_status: diff.captured,
            captured_from: diff.captured_from,
            status_same: same_status,
            body_same_as_first_replay: diff.body_same_as_first,
        });
        match diff.captured {
            Some(captured) if same_status => {
                text.push_str(&format!("  (same as captured {captured})"))
            }
            Some(captured) => text.push_str(&format!(
                "  {}",
                p.warn(&format!("(captured {captured}: changed)"))
            )),
            None => text.push_str("  (no captured status)"),
        }
        if diff.body_same_as_first == Some(false) {
            text.push_str(&format!(
                "  {}",
                p.warn("(body differs from the first replay)")
            ));
        }
    }
    if out.verbose > 0 && !delivery.response_body.is_empty() {
        text.push('\n');
        text.push_str(&body_text(&delivery.response_body, out));
    }
    ResultLine { json, text }
}
