//! `send --count N` (more than one): a load at a concurrency and a rate, a line per send or per
//! second, and the summary with its exit code. The load itself is `outbound::load`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::plan::Plan;
use super::record;
use super::record::Record;
use super::report::Expectations;
use super::report::response_record;
use super::report::verdict;
use super::settings::{Load, Settings};
use crate::cli::ExpectedStatus;
use crate::exit::{self, CliError};
use crate::outbound::connection::WorkerTransport;
use crate::outbound::delivery::{self, RetryOptions};
use crate::outbound::load::{self, LoadOptions};
use crate::outbound::stats::Summary;
use crate::output::{self, Output, sanitize_line};

/// One send of a load, as the summary needs it: nothing of the body is kept.
struct LoadResult {
    class: String,
    elapsed: Duration,
    met: bool,
    line: Option<LoadLine>,
}

/// The line a load prints for one send: its answer (`-v`), or why it could not be made.
enum LoadLine {
    Response(record::Response),
    Error(crate::output::ErrorRecord),
}

/// A load worker: the plan, and a connection of its own to send over.
struct LoadWorker {
    plan: Arc<Plan>,
    transport: WorkerTransport,
    options: RetryOptions,
    expected_status: Option<ExpectedStatus>,
    expected_body: Arc<Vec<(String, String)>>,
    keep_lines: bool,
}

impl load::Worker for LoadWorker {
    type Job = ();
    type Output = LoadResult;

    async fn run(&mut self, i: u64, _: ()) -> LoadResult {
        let plan = &*self.plan;
        let webhook = match plan.build(i + 1) {
            Ok(webhook) => webhook,
            Err(error) => {
                return LoadResult {
                    class: "error".into(),
                    elapsed: Duration::ZERO,
                    met: false,
                    line: Some(LoadLine::Error(crate::output::error::error_record_of(
                        &error,
                    ))),
                };
            }
        };
        let delivery = delivery::deliver_with(
            &mut self.transport,
            self.options,
            |_attempt| webhook.signed(&plan.signer, plan.now()),
            rand::random::<f64>,
            |_| {},
        )
        .await;
        let expectations = Expectations {
            status: self.expected_status,
            body: &self.expected_body,
        };
        LoadResult {
            class: delivery.last().class(),
            elapsed: delivery.elapsed,
            met: verdict(&delivery, &expectations, plan.signer.scheme).is_none(),
            line: self
                .keep_lines
                .then(|| LoadLine::Response(response_record(plan, &webhook, &delivery))),
        }
    }
}

/// What a load worker's sends came to; the workers' tallies add up to the run's.
#[derive(Default)]
struct LoadTally {
    summary: Summary,
    unmet: u64,
    panics: u64,
}

impl LoadTally {
    pub(super) fn add(mut self, other: LoadTally) -> LoadTally {
        self.summary.merge(&other.summary);
        self.unmet += other.unmet;
        self.panics += other.panics;
        self
    }
}

/// Where a load prints its per-request lines (`-v`, errors): stdout, above the progress bar.
#[derive(Clone)]
struct LinePrinter {
    out: Output,
    bar: Option<indicatif::ProgressBar>,
}

impl LinePrinter {
    pub(super) fn print(&self, line: LoadLine) {
        // A closed stdout ends nothing here: the summary's write reports it.
        if self.out.json {
            let _ = self.out.json(&match line {
                LoadLine::Response(response) => Record::Response(response),
                LoadLine::Error(error) => Record::Error(error),
            });
            return;
        }
        let text = match &line {
            LoadLine::Response(response) => format!(
                "{} {} {}ms",
                response.status.map_or("-".to_string(), |s| s.to_string()),
                response.event_id,
                response.elapsed_ms
            ),
            LoadLine::Error(error) => format!("- error: {}", sanitize_line(&error.error)),
        };
        match &self.bar {
            Some(bar) => bar.println(text),
            None => {
                let _ = self.out.data(&text);
            }
        }
    }

    /// Counts one finished send in `tally`; a job that panicked is a counted failure, never a
    /// request that silently vanished.
    pub(super) fn record(&self, tally: &mut LoadTally, result: Result<LoadResult, load::Panicked>) {
        let result = result.unwrap_or_else(|_| {
            tally.panics += 1;
            LoadResult {
                class: "internal error".into(),
                elapsed: Duration::ZERO,
                met: false,
                line: None,
            }
        });
        tally.summary.record(&result.class, result.elapsed);
        if !result.met {
            tally.unmet += 1;
        }
        if let Some(line) = result.line {
            self.print(line);
        }
    }
}

pub(super) async fn run_load(
    plan: Plan,
    settings: &Settings,
    load: Load,
    out: &Output,
    interrupted: impl std::future::Future<Output = crate::commands::Signal>,
) -> anyhow::Result<u8> {
    let concurrency = load.concurrency;
    let progress = out.show_progress().then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(load.count),
            indicatif::ProgressDrawTarget::stderr(),
        );
        bar.set_style(output::progress_style(
            "{bar:40} {pos}/{len} · {rate} · eta {eta}",
        ));
        bar
    });
    let printer = LinePrinter {
        out: out.clone(),
        bar: progress.clone(),
    };
    let started = Instant::now();
    let mut running = load::start(
        LoadOptions {
            concurrency,
            rate: load.rate,
        },
        load::numbered(load.count),
        load_workers(plan, settings, out, concurrency)?,
        move |tally: &mut LoadTally, _, result| printer.record(tally, result),
    );
    let tick = |done| progress.iter().for_each(|bar| bar.set_position(done));
    let stopped_by = load::wait(&mut running, tick, interrupted).await;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let tally = running
        .tallies()
        .into_iter()
        .fold(LoadTally::default(), LoadTally::add);
    if out.json {
        out.json(&Record::Summary(tally.summary.to_record(elapsed)))?;
    } else {
        out.data(&tally.summary.to_text(elapsed))?;
    }
    match stopped_by {
        Some(signal) => Ok(signal.exit_code()),
        None => load_verdict(&tally, settings),
    }
}

/// What makes each load worker: the plan, its connection (or the pooled client, under a proxy),
/// the retry policy and the expectations.
fn load_workers(
    plan: Plan,
    settings: &Settings,
    out: &Output,
    concurrency: usize,
) -> anyhow::Result<impl Fn() -> LoadWorker + Send + Sync + 'static> {
    let pooled = delivery::client(concurrency)?;
    let proxy = crate::outbound::connection::proxy_configured();
    let (plan, options) = (Arc::new(plan), settings.retry_options());
    let (expected_status, expected_body) = (
        settings.expect_status,
        Arc::new(settings.expect_body.clone()),
    );
    let keep_lines = out.verbose > 0;
    Ok(move || LoadWorker {
        plan: plan.clone(),
        transport: WorkerTransport::new(&pooled, proxy),
        options,
        expected_status,
        expected_body: expected_body.clone(),
        keep_lines,
    })
}

/// The exit status of a finished load: a bug, unmet expectations, failed sends, or success.
fn load_verdict(tally: &LoadTally, settings: &Settings) -> anyhow::Result<u8> {
    let sent = tally.summary.sent;
    if tally.panics > 0 {
        return Err(CliError::failed(format!(
            "{} of {sent} requests failed with an internal error (a bug in hooky)",
            tally.panics
        ))
        .into());
    }
    if tally.unmet == 0 {
        return Ok(exit::OK);
    }
    let expectations_given = settings.expectations().given();
    let (code, what) = if expectations_given {
        (exit::EXPECTATION_FAILED, "did not meet the expectations")
    } else {
        (exit::FAILURE, "were not answered 2xx")
    };
    Err(CliError::new(code, format!("{} of {sent} requests {what}", tally.unmet)).into())
}
