//! `hooky poll`: the IO of polling — requests, sleeps, output, the `--state` file and
//! `--emit-webhook` deliveries. Every decision is made by poll's own pure modules, beside it in
//! `commands/poll/`: [`conditional`] (ETag/Last-Modified), [`cursor`] (feed cursor), [`pacing`]
//! (server hints and the wait decision), [`until`] (stop conditions), [`diff`] (JSON changes),
//! [`poll_state`] (the `--state` file format).
//!
//! This file holds the `Poller` and its loop (start, poll, wait, finish); its other steps are
//! `impl Poller` blocks beside it: `request` (one request, classified), `resource` and `feed`
//! (the two modes), `schedule` (the next wait), `report` (what is printed), `emit`
//! (`--emit-webhook`), `state_file` (the `--state` file read and written).

pub mod conditional;
pub mod cursor;
pub mod diff;
mod emit;
mod feed;
pub mod pacing;
pub mod poll_state;
pub mod record;
mod report;
mod request;
mod resource;
mod schedule;
pub mod settings;
mod state_file;
pub mod until;

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use conditional::Validators;
use cursor::Cursor;
use rand::Rng;
use record::Record;
use serde_json::Value;
use settings::Settings;

use crate::cli::PollArgs;
use crate::exit::{self, CliError};
use crate::outbound::backoff::RetryBudget;
use crate::outbound::delivery::{self, USER_AGENT};
use crate::output::Output;

pub async fn run(args: PollArgs, out: &Output) -> anyhow::Result<u8> {
    let interrupted = super::interrupt_signal()?;
    let settings = Settings::from_args(args, std::io::stdout().is_terminal())?;
    let mut poller = Poller::new(settings, out)?;
    let end = tokio::select! {
        end = poller.run() => end,
        signal = interrupted => Ok(End::Stopped(signal)),
    };
    poller.finish(end)
}

/// Why polling stopped.
enum End {
    Until,
    Count,
    /// The deadline passed: what was seen and waited for, and what was about to happen.
    Deadline {
        detail: String,
    },
    Failed(CliError),
    /// Ctrl-C or SIGTERM.
    Stopped(super::Signal),
}

#[derive(Default)]
struct Counters {
    polls: u64,
    requests: u64,
    ok_200: u64,
    not_modified: u64,
    bytes: u64,
    naive_bytes: u64,
    items: u64,
    changes: u64,
}

struct Poller<'a> {
    settings: Settings,
    /// The error of the last request, when it failed (cleared by a success).
    last_error: Option<String>,
    /// Validators asked for that the server was found not to send (each said once).
    missing_told: Vec<conditional::Missing>,
    /// A feed page already read in the same poll was told (once; then only with -v).
    repeat_told: bool,
    out: &'a Output,
    client: reqwest::Client,
    emit_client: reqwest::Client,
    deadline: Option<Instant>,
    validators: Validators,
    /// The URL the validators belong to.
    validators_url: Option<String>,
    /// Validators came from a state file: a 304 to them means "unchanged since the last run".
    validators_from_state: bool,
    cursor: Cursor,
    last_body: Option<Vec<u8>>,
    last_json: Option<Value>,
    last_status: Option<u16>,
    budget: RetryBudget,
    idle_streak: u32,
    counters: Counters,
    /// A `hooky listen` feed's access key (`?key=` in the URL), sent as `X-Hooky-Key` on every
    /// request to that listener, including next pages whose links do not carry it.
    hooky_key: Option<(reqwest::Url, String)>,
}

impl<'a> Poller<'a> {
    fn new(settings: Settings, out: &'a Output) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))?;
        let mut poller = Poller {
            cursor: Cursor::new(settings.since.clone()),
            budget: RetryBudget::new(settings.retries),
            // A deadline past the clock's range is no deadline.
            deadline: settings
                .deadline_after
                .and_then(|d| Instant::now().checked_add(d)),
            last_error: None,
            missing_told: Vec::new(),
            repeat_told: false,
            client,
            emit_client: delivery::client(4)?,
            validators: Validators::default(),
            validators_url: None,
            validators_from_state: false,
            last_body: None,
            last_json: None,
            last_status: None,
            idle_streak: 0,
            counters: Counters::default(),
            hooky_key: reqwest::Url::parse(&settings.url)
                .ok()
                .and_then(|url| crate::capture::feed::access_key(&url).map(|key| (url, key))),
            out,
            settings,
        };
        poller.load_state()?;
        Ok(poller)
    }

    async fn run(&mut self) -> anyhow::Result<End> {
        loop {
            let outcome = match self.deadline {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline.into(), self.poll()).await {
                        Ok(outcome) => outcome?,
                        Err(_) => {
                            return Ok(End::Deadline {
                                detail: "the deadline came during a request".into(),
                            });
                        }
                    }
                }
                None => self.poll().await?,
            };
            let unit: f64 = rand::thread_rng().r#gen();
            let wait = match self.next_wait(outcome, unit)? {
                ControlFlow::Continue(wait) => wait,
                ControlFlow::Break(end) => return Ok(end),
            };
            self.report_wait(wait)?;
            if let Some(end) = self.deadline_before(wait) {
                return Ok(end);
            }
            tokio::time::sleep(wait.duration).await;
        }
    }

    /// Prints the done record and the summary, saves the state, and turns the end into an exit.
    fn finish(&self, end: anyhow::Result<End>) -> anyhow::Result<u8> {
        let end = match end {
            Ok(end) => end,
            Err(error) => {
                self.save_state().ok();
                return Err(error);
            }
        };
        self.save_state()?;
        let (reason, code) = match &end {
            End::Until => ("until", exit::OK),
            End::Count => ("count", exit::OK),
            End::Deadline { .. } => ("deadline", exit::DEADLINE),
            End::Failed(_) => ("failed", exit::FAILURE),
            End::Stopped(signal) => (signal.reason(), signal.exit_code()),
        };
        let c = &self.counters;
        if self.out.json {
            self.out.json(&Record::Done {
                reason,
                exit_code: code,
                polls: c.polls,
                cursor: self.cursor.value.as_deref(),
            })?;
            self.out.json(&Record::Summary {
                requests: c.requests,
                polls: c.polls,
                status_200: c.ok_200,
                status_304: c.not_modified,
                bytes_received: c.bytes,
                bytes_without_validators: c.naive_bytes,
                changes: c.changes,
                items: c.items,
            })?;
        } else {
            let saved = c.naive_bytes.saturating_sub(c.bytes);
            self.out.info(&format!(
                "{} request{}: {} × 200, {} × 304; {} body bytes received (without validators: {}, {} saved)",
                c.requests,
                if c.requests == 1 { "" } else { "s" },
                c.ok_200,
                c.not_modified,
                c.bytes,
                c.naive_bytes,
                saved
            ));
        }
        match end {
            End::Until | End::Count | End::Stopped(_) => Ok(code),
            End::Deadline { detail } => Err(CliError::deadline(self.gave_up())
                .with_hint(format!("{detail}; raise --timeout to wait longer"))
                .into()),
            End::Failed(error) => Err(error.into()),
        }
    }
}
