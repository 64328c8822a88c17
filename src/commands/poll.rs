//! `hooky poll`: the IO of polling — requests, sleeps, output, the `--state` file and
//! `--emit-webhook` deliveries. Every decision is made by poll's own pure modules, beside it in
//! `commands/poll/`: [`conditional`] (ETag/Last-Modified), [`cursor`] (feed cursor), [`pacing`]
//! (server hints and the wait decision), [`until`] (stop conditions), [`diff`] (JSON changes),
//! [`poll_state`] (the `--state` file format).

pub mod conditional;
pub mod cursor;
pub mod diff;
pub mod pacing;
pub mod poll_state;
pub mod record;
pub mod settings;
pub mod until;

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use rand::Rng;
use serde_json::Value;

use crate::cli::PollArgs;
use crate::exit::{self, CliError};
use crate::headers::{Header, get_all};
use crate::outbound::backoff::{BackoffPolicy, RetryBudget, StatusClass, classify_status};
use crate::outbound::delivery::{self, RetryOptions, USER_AGENT};
use crate::output::{ErrorRecord, Output, sanitize, sanitize_line};
use crate::units::format_duration;
use crate::webhook::Webhook;
use conditional::{NotModified, Validators};
use cursor::{Cursor, NextPage, Window};
use pacing::{Hints, Reason, Wait};
use poll_state::PollState;
use record::Record;
use settings::Settings;
use until::Condition;

/// The largest `--state` file read: hooky writes a few kilobytes (validators, a cursor, recent ids).
const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// The most characters of a feed item's line in human mode (`-v` prints the whole item).
const ITEM_LINE_WIDTH: usize = 160;

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

/// What one feed poll saw across its pages, for its [`Outcome`].
#[derive(Default)]
struct FeedPoll {
    /// The status of the first page (of the page whose item met `--until`, when one did).
    status: Option<u16>,
    changed: bool,
    /// The last page's hints.
    hints: Hints,
    elapsed: Duration,
}

impl FeedPoll {
    fn outcome(self, done: bool) -> Outcome {
        Outcome::Success {
            status: self.status.unwrap_or(200),
            changed: self.changed,
            hints: self.hints,
            elapsed: self.elapsed,
            done,
        }
    }
}

/// One HTTP answer.
struct Response {
    status: u16,
    headers: Vec<Header>,
    body: Vec<u8>,
    elapsed: Duration,
}

/// What one poll came to.
enum Outcome {
    /// A 2xx or 304; `changed` when something new was printed.
    Success {
        status: u16,
        changed: bool,
        hints: Hints,
        elapsed: Duration,
        done: bool,
    },
    /// Worth another try after a backoff.
    Retryable { message: String, hints: Hints },
    /// A 403 or 429 that says the quota is spent (GitHub's rate limits): wait for the reset, then
    /// go on; not a failure, so it does not use up --retries.
    RateLimited { message: String, hints: Hints },
    /// Stop with exit 1.
    Final(CliError),
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

    fn load_state(&mut self) -> anyhow::Result<()> {
        let Some(path) = self.settings.state.clone() else {
            return Ok(());
        };
        let text = match crate::private_fs::read_limited(&path, MAX_STATE_BYTES) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let state = PollState::parse(&text, &self.settings.url).map_err(|e| {
            CliError::usage(format!("--state {}: {e}", path.display()))
                .with_hint("delete the file or pass another --state to start afresh")
        })?;
        self.validators = state.validators();
        self.validators_url = state.request_url.clone();
        self.validators_from_state = self.validators != Validators::default();
        if state.cursor.is_some() || !state.recent_ids.is_empty() {
            self.cursor = state.cursor();
        }
        Ok(())
    }

    fn save_state(&self) -> anyhow::Result<()> {
        let Some(path) = &self.settings.state else {
            return Ok(());
        };
        let state = PollState::new(
            &self.settings.url,
            self.validators_url.as_deref(),
            &self.validators,
            &self.cursor,
        );
        // A fresh temporary file renamed over the state file, never following a link.
        crate::private_fs::write_atomic(path, state.to_json().as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
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

    /// What follows a poll: the wait before the next one, or the end.
    fn next_wait(&mut self, outcome: Outcome, unit: f64) -> anyhow::Result<ControlFlow<End, Wait>> {
        Ok(ControlFlow::Continue(match outcome {
            Outcome::Success {
                status,
                changed,
                hints,
                elapsed,
                done,
            } => return self.after_success(status, changed, &hints, elapsed, done, unit),
            Outcome::RateLimited { message, hints } => {
                self.report_rate_limit(&message)?;
                self.last_error = Some(message);
                self.report_hints(&hints);
                self.settings.pacing.after_rate_limit(&hints, unit)
            }
            Outcome::Retryable { message, hints } => {
                self.last_error = Some(message.clone());
                let retry = self.budget.record_failure();
                self.report_error(&message, None, retry)?;
                if !retry {
                    let retries = self.settings.retries;
                    return Ok(ControlFlow::Break(End::Failed(
                        CliError::failed(format!(
                            "gave up after {retries} retr{} in a row: {message}",
                            if retries == 1 { "y" } else { "ies" }
                        ))
                        .with_hint("raise --retries to ride out longer outages"),
                    )));
                }
                self.report_hints(&hints);
                self.settings
                    .pacing
                    .after_failure(&hints, self.budget.failures, unit)
            }
            Outcome::Final(error) => {
                self.report_error(&error.message, error.hint.as_deref(), false)?;
                return Ok(ControlFlow::Break(End::Failed(error)));
            }
        }))
    }

    /// A 2xx or 304: counted, the state saved, `--until` and `--count` checked; else the wait,
    /// longer while nothing changes with `--idle-backoff`.
    fn after_success(
        &mut self,
        status: u16,
        changed: bool,
        hints: &Hints,
        elapsed: Duration,
        done: bool,
        unit: f64,
    ) -> anyhow::Result<ControlFlow<End, Wait>> {
        self.budget.record_success();
        self.last_error = None;
        self.counters.polls += 1;
        self.last_status = Some(status);
        self.save_state()?;
        if done || self.until_met_on_response(status)? {
            return Ok(ControlFlow::Break(End::Until));
        }
        if self
            .settings
            .count
            .is_some_and(|n| self.counters.polls >= n)
        {
            return Ok(ControlFlow::Break(End::Count));
        }
        self.idle_streak = if changed {
            0
        } else {
            self.idle_streak.saturating_add(1)
        };
        self.report_hints(hints);
        Ok(ControlFlow::Continue(self.settings.pacing.after_success(
            hints,
            self.idle_streak,
            elapsed,
            unit,
        )))
    }

    /// The end when the next poll would come after the deadline.
    fn deadline_before(&self, wait: Wait) -> Option<End> {
        let left = self.deadline?.saturating_duration_since(Instant::now());
        (wait.duration > left).then(|| End::Deadline {
            detail: format!(
                "the next poll was due in {} ({}), after the deadline (in {})",
                format_duration(wait.duration),
                wait.reason.name(),
                format_duration(left),
            ),
        })
    }

    /// One poll: one request in resource mode, every page in feed mode.
    async fn poll(&mut self) -> anyhow::Result<Outcome> {
        if self.settings.feed {
            self.poll_feed().await
        } else {
            self.poll_resource().await
        }
    }

    /// Sends a GET, conditional when `conditional` and validators for this URL are known, and
    /// repeats it once without conditions on a 304 that has nothing to refer to (a server bug).
    async fn get(
        &mut self,
        url: &str,
        conditional: bool,
        have_body: bool,
    ) -> Result<Response, Outcome> {
        let mut headers = Vec::new();
        if conditional && self.validators_url.as_deref() == Some(url) {
            headers = self
                .validators
                .request_headers(self.settings.use_validators);
        }
        let mut repeated = false;
        loop {
            let response = self.request(url, &headers).await?;
            if response.status != 304 {
                return Ok(response);
            }
            match conditional::not_modified(!headers.is_empty(), have_body, repeated) {
                NotModified::Unchanged => return Ok(response),
                NotModified::ServerBug => {
                    self.out.warn(
                        "the server answered 304 Not Modified to an unconditional request, twice; \
                         treating it as unchanged",
                    );
                    return Ok(response);
                }
                NotModified::RepeatUnconditional => {
                    if self.out.verbose > 0 {
                        self.out
                            .info("304 to a request with nothing to compare: asking again unconditionally");
                    }
                    headers.clear();
                    repeated = true;
                }
            }
        }
    }

    /// One GET, counted, and its answer told apart: a response to read, or an outcome.
    async fn request(&mut self, url: &str, extra: &[Header]) -> Result<Response, Outcome> {
        let request = delivery::Outgoing {
            method: "GET".into(),
            url: delivery::parse_url(url).map_err(|error| Outcome::Retryable {
                message: format!("GET {url}: {error}"),
                hints: Hints::default(),
            })?,
            target: None,
            headers: self.request_headers(url, extra),
            body: Vec::new(),
        };
        let started = Instant::now();
        self.counters.requests += 1;
        let (status, headers, body) = delivery::send_once(
            &self.client,
            &request,
            self.settings.request_timeout,
            self.settings.max_response,
        )
        .await
        .map_err(|error| Outcome::Retryable {
            message: format!("GET {url}: {error}"),
            hints: Hints::default(),
        })?;
        let elapsed = started.elapsed();
        self.count_response(status, body.len());
        let response = Response {
            status,
            headers,
            body: body.to_vec(),
            elapsed,
        };
        self.classify(url, response)
    }

    /// Accept (unless given), the -H headers, the listener's access key for a hooky feed, and
    /// `Prefer: wait` for a long poll.
    fn request_headers(&self, url: &str, extra: &[Header]) -> Vec<Header> {
        let mut headers: Vec<Header> = Vec::new();
        if !self
            .settings
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"))
        {
            headers.push(("Accept".into(), "application/json, */*;q=0.5".into()));
        }
        headers.extend(self.settings.headers.iter().chain(extra).cloned());
        if let Some((listener, key)) = &self.hooky_key {
            // Only to that listener, and not on top of a key the user sends with -H.
            let same = reqwest::Url::parse(url).is_ok_and(|u| u.origin() == listener.origin());
            let given = headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(crate::web_view::KEY_HEADER));
            if same && !given {
                headers.push((crate::web_view::KEY_HEADER.into(), key.clone()));
            }
        }
        if let Some(hold) = self.settings.wait {
            headers.push(("Prefer".into(), format!("wait={hold}")));
        }
        headers
    }

    /// The byte counts of the summary: what came, and what would have come without validators.
    fn count_response(&mut self, status: u16, body_len: usize) {
        self.counters.bytes += body_len as u64;
        match status {
            304 => {
                self.counters.not_modified += 1;
                self.counters.naive_bytes += self.last_body.as_ref().map_or(0, |b| b.len() as u64);
            }
            _ => {
                if status == 200 {
                    self.counters.ok_200 += 1;
                }
                self.counters.naive_bytes += body_len as u64;
            }
        }
    }

    /// A 2xx or 304 to read; else rate limited, retryable (a 5xx, a `--retry-on` status) or final.
    fn classify(&self, url: &str, response: Response) -> Result<Response, Outcome> {
        let status = response.status;
        let hints = Hints::read(&response.headers, SystemTime::now());
        let class = if self.settings.retry_on.contains(&status) {
            StatusClass::Retryable
        } else {
            classify_status(status)
        };
        let rate_limited = pacing::is_rate_limit(status, &hints);
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let described = format!("GET {url} answered {status} {reason}")
            .trim_end()
            .to_string();
        if rate_limited {
            return Err(Outcome::RateLimited {
                message: format!("{described}: rate limited"),
                hints,
            });
        }
        match (status, class) {
            (304, _) | (_, StatusClass::Success) => Ok(response),
            (_, StatusClass::Retryable) => Err(Outcome::Retryable {
                message: described,
                hints,
            }),
            (_, StatusClass::Final) => {
                let mut error = CliError::failed(described);
                if (400..500).contains(&status) {
                    error = error.with_hint(format!(
                        "pass --retry-on {status} to keep polling while the server answers {status}"
                    ));
                }
                Err(Outcome::Final(error))
            }
        }
    }

    async fn poll_resource(&mut self) -> anyhow::Result<Outcome> {
        let url = self.settings.url.clone();
        let have_body = self.last_body.is_some() || self.validators_from_state;
        let response = match self.get(&url, true, have_body).await {
            Ok(response) => response,
            Err(outcome) => return Ok(outcome),
        };
        self.validators.update(response.status, &response.headers);
        self.validators_url = Some(url.clone());
        self.tell_missing_validators(response.status);
        let hints = Hints::read(&response.headers, SystemTime::now());
        let changed = response.status != 304 && self.last_body.as_ref() != Some(&response.body);
        let json = crate::webhook::event::parse_json_body(&response.body);
        let changed =
            changed && !matches!((&self.last_json, &json), (Some(old), Some(new)) if old == new);
        if response.status == 304 || !changed {
            self.report_unchanged(response.status)?;
        } else {
            self.report_change(response.status, &response.body, json.as_ref())
                .await?;
            self.last_json = json;
            self.last_body = Some(response.body.clone());
        }
        Ok(Outcome::Success {
            status: response.status,
            changed,
            hints,
            elapsed: response.elapsed,
            done: false,
        })
    }

    /// One feed poll: the first page, then at once every next page the feed says there is
    /// (a next link, `has_more`, `next_cursor`, a full page of `limit` items), up to --max-pages
    /// and never the same URL twice.
    async fn poll_feed(&mut self) -> anyhow::Result<Outcome> {
        let first_url = self.feed_url()?;
        let mut url = first_url.clone();
        let mut visited = std::collections::HashSet::from([first_url.clone()]);
        let mut window = Window::default();
        let mut seen = FeedPoll::default();
        for page in 1..=self.settings.max_pages {
            let first = page == 1;
            let have_body = self.last_body.is_some() || self.validators_from_state;
            let response = match self.get(&url, first, have_body).await {
                Ok(response) => response,
                Err(outcome) => return Ok(outcome),
            };
            seen.elapsed += response.elapsed;
            seen.hints = Hints::read(&response.headers, SystemTime::now());
            if first {
                seen.status = Some(response.status);
                self.first_feed_page(&first_url, &response);
            }
            if response.status == 304 {
                break;
            }
            let body = match feed_body(&url, &response) {
                Ok(body) => body,
                Err(outcome) => return Ok(outcome),
            };
            let items = match cursor::items(&body, self.settings.items.as_deref()) {
                Ok(items) => items,
                Err(message) => return Ok(Outcome::Final(CliError::failed(message))),
            };
            let fresh = self.cursor.page(items, &self.settings.fields, &mut window);
            seen.changed |= !fresh.is_empty();
            if self.report_fresh(response.status, items, fresh).await? {
                seen.status = Some(response.status);
                return Ok(seen.outcome(true));
            }
            if let Some(path) = &self.settings.cursor_from {
                self.cursor
                    .opaque(&mut window, crate::json_path::get(&body, path));
            }
            let next = self.next_feed_url(&url, &response, &body, items.len(), &mut window)?;
            match next {
                Some(next) if !self.stops_before(&next, &mut visited, page) => url = next,
                _ => break,
            }
        }
        self.cursor
            .commit(window, self.settings.cursor_from.is_some());
        if !seen.changed {
            self.report_unchanged(seen.status.unwrap_or(200))?;
        }
        Ok(seen.outcome(false))
    }

    /// Prints a page's new items, in order; `true` as soon as one meets `--until`.
    async fn report_fresh(
        &mut self,
        status: u16,
        items: &[Value],
        fresh: Vec<usize>,
    ) -> anyhow::Result<bool> {
        for index in fresh {
            if self.report_item(status, &items[index]).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The first page's validators, and its body kept for the next poll's 304.
    fn first_feed_page(&mut self, first_url: &str, response: &Response) {
        self.validators.update(response.status, &response.headers);
        self.validators_url = Some(first_url.to_string());
        self.tell_missing_validators(response.status);
        if response.status != 304 {
            self.last_body = Some(response.body.clone());
        }
    }

    /// The URL of the feed's next page, if this one says there is more: its link, or the feed's
    /// URL with the cursor moved past this page (committing the page's window).
    fn next_feed_url(
        &mut self,
        url: &str,
        response: &Response,
        body: &serde_json::Value,
        items: usize,
        window: &mut Window,
    ) -> anyhow::Result<Option<String>> {
        let opaque = self.settings.cursor_from.is_some();
        let link = cursor::next_link(get_all(&response.headers, "link"));
        let limit = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| cursor::page_limit(&u));
        Ok(match cursor::next_page(link, body, items, limit) {
            NextPage::Done => None,
            NextPage::Link(link) => resolve(url, &link),
            NextPage::More(named) => {
                // The next page is asked for with the cursor moved past this one.
                self.cursor.commit(std::mem::take(window), opaque);
                if let Some(named) = named.filter(|_| !opaque) {
                    self.cursor.advance_to(named);
                }
                Some(self.feed_url()?)
            }
        })
    }

    /// Whether one poll stops before reading `next`: a page it already read (said once, as a
    /// warning), or `--max-pages` reached.
    fn stops_before(
        &mut self,
        next: &str,
        visited: &mut std::collections::HashSet<String>,
        page: usize,
    ) -> bool {
        if !visited.insert(next.to_string()) {
            let message = format!(
                "the feed's next page is one this poll already read ({next}): a link loop, \
                 or a cursor that does not move; the rest waits for the next poll"
            );
            if !self.repeat_told {
                self.repeat_told = true;
                self.out.warn(&message);
            } else if self.out.verbose > 0 {
                self.out.info(&message);
            }
            return true;
        }
        if page == self.settings.max_pages {
            self.out.warn(&format!(
                "read {page} pages in one poll (--max-pages); the rest waits for the next poll"
            ));
            return true;
        }
        false
    }

    /// Says once per validator that the server does not send one asked for (--etag,
    /// --last-modified): every poll then costs a full body.
    fn tell_missing_validators(&mut self, status: u16) {
        if status == 304 {
            return;
        }
        for missing in conditional::missing(self.settings.use_validators, &self.validators) {
            if !self.missing_told.contains(&missing) {
                self.missing_told.push(missing);
                self.out
                    .warn(&missing.notice(self.settings.use_validators, &self.validators));
            }
        }
    }

    /// The URL of the first page: the given URL with the cursor parameter set.
    fn feed_url(&self) -> anyhow::Result<String> {
        let mut url = reqwest::Url::parse(&self.settings.url)
            .map_err(|e| CliError::usage(format!("invalid URL {}: {e}", self.settings.url)))?;
        if let Some(value) = &self.cursor.value {
            let param = &self.settings.since_param;
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != param)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair(param, value);
        }
        Ok(url.to_string())
    }

    /// Whether --until is met by a response with no new item to test (resource mode, or feed mode
    /// with status-only conditions).
    fn until_met_on_response(&self, status: u16) -> anyhow::Result<bool> {
        let conditions = &self.settings.until;
        if conditions.is_empty() {
            return Ok(false);
        }
        let reads_body = conditions.iter().any(|c| c.reads_body());
        if self.settings.feed {
            return Ok(!reads_body && until::all_hold(conditions, status, None));
        }
        if reads_body && self.last_json.is_none() && self.last_body.is_some() {
            return Err(CliError::failed(
                "--until reads JSON fields, but the response body is not JSON",
            )
            .with_hint("use --until status=NNN for a body that is not JSON")
            .into());
        }
        Ok(until::all_hold(conditions, status, self.last_json.as_ref()))
    }

    /// The deadline message: how long hooky waited, what it last saw, and what it waited for
    /// (`gave up after 10m: status is "pending", waiting for status=completed`).
    fn gave_up(&self) -> String {
        let after = self
            .settings
            .deadline_after
            .map_or_else(|| "the deadline".to_string(), short_duration);
        let mut message = format!("gave up after {after}: {}", self.last_seen());
        if !self.settings.until.is_empty() {
            let goals: Vec<String> = self
                .settings
                .until
                .iter()
                .map(Condition::to_string)
                .collect();
            message.push_str(&format!(", waiting for {}", goals.join(" and ")));
        } else if let Some(count) = self.settings.count {
            message.push_str(&format!(
                ", waiting for {count} polls ({} done)",
                self.counters.polls
            ));
        }
        message
    }

    /// What the last answer showed: the values the --until paths had, else the status and body;
    /// and the last request's error when it failed.
    fn last_seen(&self) -> String {
        let failed = self
            .last_error
            .as_deref()
            .map(|error| format!("the last request failed ({})", clip(error, 200)));
        let Some(status) = self.last_status else {
            return failed.unwrap_or_else(|| "no answer yet".to_string());
        };
        let mut seen = Vec::new();
        let paths: Vec<&str> = self
            .settings
            .until
            .iter()
            .filter_map(Condition::path)
            .collect();
        if self.settings.feed {
            let cursor = self.cursor.value.as_deref().unwrap_or("(none)");
            if !paths.is_empty() {
                seen.push(format!(
                    "no item matched yet ({} item{} seen, cursor {cursor})",
                    self.counters.items,
                    if self.counters.items == 1 { "" } else { "s" }
                ));
            } else {
                seen.push(format!("status {status}, cursor {cursor}"));
            }
        } else if let (false, Some(body)) = (paths.is_empty(), self.last_json.as_ref()) {
            let mut shown: Vec<&str> = Vec::new();
            for path in paths {
                if shown.contains(&path) {
                    continue;
                }
                shown.push(path);
                seen.push(match crate::json_path::get(body, path) {
                    Some(value) => format!("{path} is {}", clip(&value.to_string(), 200)),
                    None => format!("{path} is absent"),
                });
            }
            if self.settings.until.iter().any(|c| !c.reads_body()) {
                seen.push(format!("the HTTP status is {status}"));
            }
        } else {
            let text = self
                .last_body
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            seen.push(format!("status {status}, body {}", clip(&text, 200)));
        }
        seen.extend(failed);
        seen.join(", ")
    }

    fn report_unchanged(&self, status: u16) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Unchanged {
                time: now_rfc3339(),
                status,
            })?;
        } else if self.out.verbose > 0 {
            self.out.info(&format!("{} {} unchanged", clock(), status));
        }
        Ok(())
    }

    async fn report_change(
        &mut self,
        status: u16,
        body: &[u8],
        json: Option<&Value>,
    ) -> anyhow::Result<()> {
        self.counters.changes += 1;
        let first = self.last_body.is_none();
        let changes = match (&self.last_json, json) {
            (Some(old), Some(new)) if !first => Some(diff::changes(old, new)),
            _ => None,
        };
        let text = String::from_utf8_lossy(body);
        if self.out.json {
            self.out.json(&Record::Change {
                time: now_rfc3339(),
                status,
                first,
                changes: changes.as_deref(),
                body: changes.is_none().then(|| {
                    json.cloned()
                        .unwrap_or_else(|| Value::String(text.to_string()))
                }),
            })?;
        } else {
            let head = format!("{} {}", clock(), self.out.paint.status(status));
            match &changes {
                Some(changes) => {
                    let described: Vec<String> = changes
                        .iter()
                        .map(|c| sanitize_line(&c.describe()))
                        .collect();
                    self.out.data(&format!("{head} {}", described.join("; ")))?;
                }
                None => match json {
                    Some(value) => self
                        .out
                        .data(&format!("{head} {}", sanitize_line(&value.to_string())))?,
                    None => self
                        .out
                        .data(&format!("{head}\n{}", sanitize(text.trim_end())))?,
                },
            }
        }
        self.emit(body, json, None).await
    }

    /// Prints a new feed item (and delivers it); `true` when it meets --until.
    async fn report_item(&mut self, status: u16, item: &Value) -> anyhow::Result<bool> {
        self.counters.items += 1;
        let id = self.settings.fields.id_of(item);
        if self.out.json {
            self.out.json(&Record::Item {
                time: now_rfc3339(),
                id: &id,
                cursor: self.settings.fields.timestamp_of(item),
                item,
            })?;
        } else {
            // One line per item: id, type, time and a short summary; -v adds the whole item.
            let line = cursor::item_line(item, &self.settings.fields, ITEM_LINE_WIDTH);
            let line = sanitize_line(&line);
            let (head, rest) = line.split_at(line.find(' ').unwrap_or(line.len()));
            self.out
                .data(&format!("{} {}{rest}", clock(), self.out.paint.bold(head),))?;
            if self.out.verbose > 0 {
                self.out
                    .data(&format!("  {}", sanitize_line(&item.to_string())))?;
            }
        }
        let body = serde_json::to_vec(item).expect("a JSON value always serialises");
        self.emit(&body, Some(item), Some(&id)).await?;
        let conditions = &self.settings.until;
        Ok(conditions.iter().any(|c| c.reads_body())
            && until::all_hold(conditions, status, Some(item)))
    }

    /// Delivers a body to --emit-webhook, signed, with send's delivery and retries.
    async fn emit(
        &self,
        body: &[u8],
        json: Option<&Value>,
        id: Option<&str>,
    ) -> anyhow::Result<()> {
        let Some(emitter) = &self.settings.emitter else {
            return Ok(());
        };
        let webhook = emitted_webhook(emitter, body, json, id);
        // Every attempt is signed afresh: timestamped schemes get the time of that attempt.
        let build = |_attempt: u32| webhook.signed(&emitter.signer, super::now_unix());
        let policy = BackoffPolicy {
            jitter: self.settings.pacing.backoff.jitter,
            ..BackoffPolicy::default()
        };
        let options = RetryOptions {
            policy,
            max_response: self.settings.max_response,
            ..RetryOptions::default()
        };
        let out = self.out;
        let delivered = delivery::deliver(
            &self.emit_client,
            options,
            build,
            || rand::thread_rng().r#gen(),
            |notice| {
                out.info(&format!(
                    "webhook to {}: {}",
                    emitter.url,
                    notice.describe()
                ))
            },
        )
        .await;
        self.report_delivery(emitter, &webhook.event_id, &delivered)
    }

    /// The `delivery` record, and a warning when the webhook did not get through.
    fn report_delivery(
        &self,
        emitter: &settings::Emitter,
        id: &str,
        delivered: &delivery::Delivery,
    ) -> anyhow::Result<()> {
        let status = delivered.status();
        if self.out.json {
            self.out.json(&Record::Delivery {
                url: emitter.url.as_str(),
                id,
                status,
                attempts: delivered.attempts.len(),
                ok: delivered.is_success(),
                error: delivered.last().error.as_deref(),
            })?;
        }
        if !delivered.is_success() {
            let mut what = status
                .map(|s| format!("answered {s}"))
                .or(delivered.last().error.clone())
                .unwrap_or_default();
            if let Some(note) = delivered.declined_retry_note() {
                what.push_str(&format!("; {note}"));
            }
            self.out.warn(&format!(
                "webhook {id} to {} failed after {} attempt(s): {what}",
                emitter.url,
                delivered.attempts.len()
            ));
        } else if self.out.verbose > 0 {
            self.out
                .info(&format!("webhook {id} delivered to {}", emitter.url));
        }
        Ok(())
    }

    fn report_hints(&self, hints: &Hints) {
        if hints.is_empty() || self.out.json || self.out.verbose == 0 {
            return;
        }
        let mut parts = Vec::new();
        if let Some(d) = hints.retry_after {
            parts.push(format!("Retry-After {}", format_duration(d)));
        }
        if let Some(d) = hints.poll_interval {
            parts.push(format!("X-Poll-Interval {}", format_duration(d)));
        }
        if let Some(d) = hints.rate_limit {
            parts.push(format!("rate limit resets in {}", format_duration(d)));
        }
        if parts.is_empty() {
            return;
        }
        self.out
            .info(&format!("server hints: {}", parts.join(", ")));
    }

    fn report_wait(&self, wait: Wait) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Wait {
                seconds: wait.duration.as_secs_f64(),
                reason: wait.reason.name(),
            })?;
        } else if wait.reason != Reason::Interval && wait.reason != Reason::LongPoll
            || self.out.verbose > 0
        {
            self.out.info(&self.out.paint_err.dim(&format!(
                "waiting {} ({})",
                format_duration(wait.duration),
                wait.reason.name()
            )));
        }
        Ok(())
    }

    /// Reports a rate-limit answer; the wait record that follows says how long and why.
    fn report_rate_limit(&self, message: &str) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Error {
                error: ErrorRecord::new(message, None),
                time: now_rfc3339(),
                retrying: true,
                failures: self.budget.failures,
                rate_limited: Some(true),
            })?;
        } else {
            self.out
                .warn(&format!("{message}; waiting for the quota to come back"));
        }
        Ok(())
    }

    /// Reports a failed poll; `retrying` when another try follows (the final error is printed by
    /// `exit` in human mode).
    fn report_error(
        &self,
        message: &str,
        hint: Option<&str>,
        retrying: bool,
    ) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Error {
                error: ErrorRecord::new(message, hint),
                time: now_rfc3339(),
                retrying,
                failures: self.budget.failures,
                rate_limited: None,
            })?;
        } else if retrying {
            self.out.warn(&format!(
                "{message} (retry {} of {})",
                self.budget.failures, self.settings.retries
            ));
        }
        Ok(())
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

/// A feed page's body as JSON, or the final error: feed mode reads JSON.
fn feed_body(url: &str, response: &Response) -> Result<serde_json::Value, Outcome> {
    crate::webhook::event::parse_json_body(&response.body).ok_or_else(|| {
        Outcome::Final(CliError::failed(format!(
            "GET {url} answered {} with a body that is not JSON; feed mode reads a JSON array of items",
            response.status
        )))
    })
}

/// The webhook `--emit-webhook` sends for a body: its event id (given, found in the body, or a
/// fresh `msg_…`) and type, unsigned (each attempt signs it afresh).
fn emitted_webhook(
    emitter: &settings::Emitter,
    body: &[u8],
    json: Option<&Value>,
    id: Option<&str>,
) -> Webhook {
    let id = id
        .map(str::to_string)
        .or_else(|| crate::webhook::event::event_id(&[], json))
        .unwrap_or_else(|| crate::ids::prefixed_id("msg", &mut rand::thread_rng()));
    let content_type = if json.is_some() {
        "application/json"
    } else {
        "application/octet-stream"
    };
    Webhook {
        method: "POST".into(),
        url: emitter.url.clone(),
        headers: vec![("Content-Type".into(), content_type.into())],
        user_headers: Vec::new(),
        body: body.to_vec(),
        event_id: id,
        event_type: crate::webhook::event::event_type(&[], json).unwrap_or_default(),
    }
}

/// A `Link` target resolved against the page it came from.
fn resolve(base: &str, target: &str) -> Option<String> {
    reqwest::Url::parse(base)
        .ok()?
        .join(target)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string())
}

/// `10m` rather than `10m00s`, `2h` rather than `2h00m`.
fn short_duration(duration: Duration) -> String {
    let text = format_duration(duration);
    match text
        .strip_suffix("m00s")
        .or_else(|| text.strip_suffix("h00m"))
    {
        Some(whole) if text.ends_with("m00s") => format!("{whole}m"),
        Some(whole) => format!("{whole}h"),
        None => text,
    }
}

fn clip(text: &str, max: usize) -> String {
    crate::output::ellipsize(&sanitize_line(text), max + 1).into_owned()
}

fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
