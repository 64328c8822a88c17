//! Sending the replays: the jobs run through the shared load runner (a concurrency, a rate,
//! retries), each result reported as it comes, then the summary.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::jobs;
use super::jobs::{Context, Preparer};
use super::record::Record;
use super::report::diff_of;
use super::report::result_line;
use super::settings::Sending;
use crate::capture::sha256_hex;
use crate::outbound::connection::WorkerTransport;
use crate::outbound::delivery::{self, Delivery, RetryOptions};
use crate::outbound::load::{self, LoadOptions};
use crate::outbound::stats::Summary;
use crate::output::{self, Output};
use crate::secret::as_keys;
use crate::signature::Keys;

/// What one replay came to.
pub(super) struct Outcome {
    pub(super) seq: u64,
    pub(super) round: u64,
    pub(super) method: String,
    pub(super) url: String,
    pub(super) resigned: bool,
    /// What the capture was answered with, and by whom (`listen`, or the app it forwarded to).
    pub(super) captured_status: Option<u16>,
    pub(super) captured_from: &'static str,
    pub(super) delivery: Delivery,
}

/// How a run of replays ended.
pub(super) enum Sent {
    Done {
        any_failed: bool,
        /// Captures that could not go out.
        broken: u64,
    },
    /// Ctrl-C or SIGTERM: the summary so far was printed.
    Stopped(crate::commands::Signal),
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
        let (seq, verbose) = (job.prepared.seq, self.verbose);
        let url = job.prepared.url.to_string();
        let resigned = job.prepared.signing.is_some();
        let method = job.prepared.method.clone();
        // The last attempt a delivery can make takes the prepared request itself, uncopied.
        let last = self.retry.retries.saturating_add(1);
        let mut prepared = Some(job.prepared);
        let delivery = delivery::deliver_with(
            &mut self.transport,
            self.retry,
            // A fresh timestamp for every attempt, as a provider's own retries carry.
            |attempt| {
                let now = crate::commands::now_unix();
                match prepared.take_if(|_| attempt >= last) {
                    Some(prepared) => prepared.into_outgoing(keys, now),
                    None => prepared
                        .as_ref()
                        .expect("a delivery makes no attempt after its last")
                        .outgoing(keys, now),
                }
                .expect("signing was checked before sending")
            },
            rand::random::<f64>,
            |notice| {
                if verbose {
                    eprintln!("capture #{seq}: {}", notice.describe());
                }
            },
        )
        .await;
        Outcome {
            seq,
            round: job.round,
            url,
            resigned,
            captured_status: job.captured_status,
            captured_from: job.captured_from,
            method,
            delivery,
        }
    }
}

/// What a worker's replays came to; the workers' tallies add up to the run's.
#[derive(Default)]
struct ReplayTally {
    summary: Summary,
    any_failed: bool,
    /// The last answer's body (up to [`KEPT_BODY_MAX`] bytes) and its SHA-256.
    last_body: Option<(Vec<u8>, String)>,
}

/// The largest answer body whose digest a worker keeps for the next answer.
const KEPT_BODY_MAX: usize = 4096;

impl ReplayTally {
    /// The SHA-256 (hex) of an answer's body. A receiver mostly answers the same body again and
    /// again: the last one's digest is reused when the bytes are the same.
    fn body_sha(&mut self, body: &[u8]) -> String {
        if let Some((last, sha)) = &self.last_body
            && last.as_slice() == body
        {
            return sha.clone();
        }
        let sha = sha256_hex(body);
        if body.len() <= KEPT_BODY_MAX {
            self.last_body = Some((body.to_vec(), sha.clone()));
        }
        sha
    }
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
    pub(super) fn record(&self, tally: &mut ReplayTally, outcome: Result<Outcome, load::Panicked>) {
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
        let body_sha = tally.body_sha(&delivery.response_body);
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
    pub(super) fn flush(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        self.write_out(&mut pending);
    }

    pub(super) fn write_out(&self, pending: &mut Vec<u8>) {
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

    pub(super) fn above_bar(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }
}

/// Sends the source's replays and prints each answer and the summary.
pub(super) async fn send(
    sending: &Sending,
    source: jobs::Source,
    context: Arc<Context>,
    out: &Output,
    interrupted: impl std::future::Future<Output = crate::commands::Signal>,
) -> anyhow::Result<Sent> {
    let concurrency = sending.concurrency;
    let (jobs, producer) = produce(source, Preparer::new(context.clone(), out), concurrency);
    let progress = out.show_progress().then(|| {
        let bar = indicatif::ProgressBar::no_length();
        bar.set_style(output::progress_style("{pos} replays, {rate}"));
        bar
    });
    if sending.diff && !out.json {
        out.info("diff: comparing each answer's status with the captured one; captures do not keep response bodies, so bodies are compared between replays of the same capture");
    }
    let reporter = Reporter {
        out: out.clone(),
        bar: progress.clone(),
        first_bodies: sending.diff.then(Default::default),
        pending: Default::default(),
    };
    let lines = reporter.clone();
    let started = Instant::now();
    let mut running = load::start(
        LoadOptions {
            concurrency,
            rate: sending.rate,
        },
        load::from_batches(jobs),
        workers(sending.retry, context, out, concurrency)?,
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

/// What makes each replay worker: its connection (or the pooled client, under a proxy), the retry
/// policy and the run's context.
fn workers(
    retry: RetryOptions,
    context: Arc<Context>,
    out: &Output,
    concurrency: usize,
) -> anyhow::Result<impl Fn() -> ReplayWorker + Send + Sync + 'static> {
    let pooled = delivery::client(concurrency)?;
    let proxy = crate::outbound::connection::proxy_configured();
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

/// The prepared jobs as the producer hands them over, numbered, in batches.
type JobBatches = tokio::sync::mpsc::Receiver<Vec<(u64, jobs::Job)>>;

/// Prepares the source's jobs on a thread of their own (reading and parsing the file runs beside
/// the sending), a few ahead of the workers, handed over in batches of up to half the concurrency
/// (at most 32): see [`load::from_batches`]. The handle gives the number of captures that could
/// not go out, or the error that stopped the reading.
fn produce(
    source: jobs::Source,
    mut preparer: Preparer,
    concurrency: usize,
) -> (JobBatches, tokio::task::JoinHandle<anyhow::Result<u64>>) {
    let batch_size = (concurrency / 2).clamp(1, 32);
    // As many jobs ahead as one at a time kept: twice the concurrency, at least 16.
    let batches = concurrency.saturating_mul(2).max(16).div_ceil(batch_size);
    let (sender, receiver) = tokio::sync::mpsc::channel(batches);
    let producer = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(batch_size);
        let read = (|| -> anyhow::Result<()> {
            for item in source {
                let (record, round) = item?;
                if let Some(job) = preparer.prepare(&record, round)? {
                    batch.push(job);
                }
                if batch.len() == batch_size {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                    if sender.blocking_send(full).is_err() {
                        break; // the workers are gone (interrupted)
                    }
                }
            }
            Ok(())
        })();
        // The jobs prepared go out even when an error stopped the reading, as they did one by one.
        if !batch.is_empty() {
            let _ = sender.blocking_send(batch);
        }
        read.map(|()| preparer.broken)
    });
    (receiver, producer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_body_digest_kept_is_the_digest_of_the_same_bytes() {
        let mut tally = ReplayTally::default();
        let big = vec![b'x'; KEPT_BODY_MAX + 1];
        let bodies: [&[u8]; 8] = [b"", b"", b"ok", b"ok", b"OK", b"", &big, &big];
        for body in bodies {
            assert_eq!(tally.body_sha(body), sha256_hex(body));
        }
        // The big body's digest was not kept: the last one kept is still `""`'s.
        assert_eq!(tally.last_body.as_ref().map(|(b, _)| b.len()), Some(0));
    }
}
