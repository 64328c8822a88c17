//! `hooky listen`: the receiver. Binds, then for each request: read the body (bounded in size and
//! time), verify it, decide the answer, append it to the capture file, print it, answer. Ctrl-C,
//! `--count` and `--timeout` stop accepting and let the requests in flight finish.
//!
//! The flags become [`settings::Settings`] first (every flag check is there); the rest reads only
//! those. The pure pieces live in listen's own modules, beside it in `commands/listen/`:
//! [`verification`] (verdict, proxy hint, redaction), [`handshake`] (providers' verification
//! handshakes), [`respond`] (answer plans), [`expect`]
//! (`--expect`), [`dedup`] (bounded duplicate window), [`request_view`] (how a request is shown),
//! [`line_rate`] (one line per request, or a summary per second); and in the shared
//! `capture::feed` and `web_view`. The capture file IO is in `capture::file`.
//!
//! This file is the orchestrator: [`run`] and each request's `handle`. The steps live beside it:
//! - start-up and end: `startup` (forwarder, port, capture file, the shared `Listener`),
//!   `announce` (the first lines), `accept` (the accept loop and `/_hooky/` routing),
//!   `shutdown` (drain and exit code);
//! - each request: `receive` (read → `Received`), `decide` (pure: verdict and action),
//!   `answer` (the answers hooky gives or passes on), `commit` (capture record, sequence,
//!   duplicates, `--expect`), `batch` (group commit to the capture file), `report` (the lines
//!   for people).

pub mod dedup;
pub mod expect;
pub mod handshake;
pub mod line_rate;
pub mod record;
pub mod request_view;
pub mod respond;
pub mod verification;

mod accept;
mod announce;
mod answer;
mod batch;
mod commit;
mod decide;
mod feed_endpoint;
mod forward;
mod head_deadline;
mod receive;
mod report;
pub mod settings;
mod shutdown;
mod startup;
mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::server::graceful::GracefulShutdown;
use rand::rngs::StdRng;

use crate::capture::HandshakeRecord;
use crate::capture::index::CaptureIndex;
use crate::cli::ListenArgs;
use crate::commands::Signals;
use crate::headers::Header;
use crate::output::Output;
use crate::secret::Origin;
use accept::accept_loop;
use announce::{announce, ui_url};
use answer::{Answer, capture_failed, forward, handshake_answer, json_answer};
use commit::{capture_record, commit, count_expected};
use decide::{Action, decide};
use dedup::DuplicateWindow;
use expect::Expectation;
use forward::Forwarder;
use line_rate::LineRate;
use receive::read;
use report::{print_summary, render_request};
use request_view::Detail;
use respond::Responder;
use settings::Settings;
use shutdown::{drain, exit_code};
use startup::{start, write_ready_file};
use verification::Verifier;

/// A response body: a whole one of the receiver, or one from `/_hooky/`'s router.
type Body = http_body_util::Either<Full<Bytes>, axum::body::Body>;

/// Everything fixed at start-up, shared by every request.
struct Listener {
    out: Output,
    verifier: Verifier,
    /// Whether an unsigned or invalid request is answered 401: a secret the user gave, or
    /// `--verify-mode enforce` with the development secret.
    enforce: bool,
    /// Where the secrets came from; `None` when nothing is verified.
    origin: Option<Origin>,
    /// The signature headers hooky looks for, named to a sender of an unsigned request.
    looked_for: String,
    /// What human mode shows under each request's line.
    detail: Detail,
    /// `--public-url`: the base URL senders address, for URL-signing schemes.
    public_url: Option<String>,
    /// One line per request, or a summary per second when they come too fast.
    lines: Mutex<LineRate>,
    /// Providers' verification handshakes are answered (not `--no-handshake`).
    handshakes: bool,
    /// `--verify-token`, for Meta's handshake.
    verify_token: Option<crate::secret::Secret>,
    /// `--response-body` and its content type, both decided once at start-up.
    response_body: Option<(Bytes, &'static str)>,
    response_headers: Vec<Header>,
    delay: Option<Duration>,
    forwarder: Option<Forwarder>,
    max_body: u64,
    /// `--max-response`: the largest answer read from the app or a web view replay's target.
    max_response: u64,
    client_timeout: Duration,
    capture_path: Option<PathBuf>,
    /// Where each record of the capture file starts, for the feed and the web view (with a capture).
    index: Option<Arc<std::sync::RwLock<CaptureIndex>>>,
    /// The address as bound, for the Host check of `/_hooky/`.
    local: SocketAddr,
    expectations: Vec<Expectation>,
    /// Whether some `--expect json:…` needs each body parsed.
    expectations_read_json: bool,
    count: Option<u64>,
    matched: AtomicU64,
    /// Requests being handled right now (not the web view's), for the message after Ctrl-C.
    in_flight: AtomicU64,
    /// Set when `--count` is reached, and by the shutdown: ends the web view's event streams.
    stop: tokio::sync::watch::Sender<bool>,
    /// The web view, unless `--no-ui`.
    ui: Option<web::Ui>,
    /// The per-process access key every `/_hooky/` endpoint asks for (the web view and the feed).
    key: String,
    /// `--ui-public`: `/_hooky/` answers any peer and any Host that has the key.
    ui_public: bool,
    /// Each request as it is captured, for the web view's event streams. Bounded: a stream that
    /// falls behind catches up from the capture file.
    live: tokio::sync::broadcast::Sender<Arc<web::LiveEvent>>,
    shared: Mutex<Shared>,
    /// The capture file and the writer's buffers: see [`batch`].
    sink: Mutex<batch::Sink>,
    /// Wakes the writer when a batch gets its first record.
    batched: tokio::sync::Notify,
}

/// The state requests take turns on: sequence numbers, duplicates, answers, the open batch.
struct Shared {
    next_seq: u64,
    duplicates: DuplicateWindow,
    responder: Responder,
    rng: StdRng,
    /// The records committed and not yet written, in sequence order.
    batch: batch::Batch,
}

pub async fn run(args: ListenArgs, out: &Output) -> anyhow::Result<u8> {
    // Before the socket is bound and the ready file written: a script may press Ctrl-C right away.
    let mut signals = Signals::new()?;
    let settings = Settings::from_args(args, out)?;
    let (state, listener, url) = start(&settings, out).await?;
    announce(&state, &settings, &url)?;
    if let Some(path) = &settings.ready_file {
        write_ready_file(path, &url, &state.key)?;
    }
    if settings.open {
        web::open_browser(&ui_url(&url, &state.key), out);
    }

    let writer = tokio::spawn(batch::writer(state.clone()));
    let graceful = GracefulShutdown::new();
    let deadline = settings.timeout.map(|t| tokio::time::Instant::now() + t);
    // Once a second, the summary of the requests that came too fast for a line each.
    let summaries = (!out.json).then(|| {
        let state = state.clone();
        tokio::spawn(async move {
            let mut second = tokio::time::interval(Duration::from_secs(1));
            second.tick().await;
            loop {
                second.tick().await;
                print_summary(&state);
            }
        })
    });

    let reason = accept_loop(
        listener,
        &state,
        &graceful,
        settings.client_timeout,
        &mut signals,
        deadline,
    )
    .await;
    let forced = drain(&state, &reason, graceful, &mut signals).await;
    // What the requests still in flight after a cut-short drain committed is written all the same.
    writer.abort();
    batch::write(&state);
    if let Some(summaries) = summaries {
        summaries.abort();
        print_summary(&state);
    }
    if let Some(appender) = state
        .sink
        .lock()
        .expect("no panics while locked")
        .appender
        .as_mut()
        && let Err(error) = appender.flush()
    {
        out.warn(&format!("cannot flush the capture file: {error}"));
    }
    exit_code(&settings, &state, reason, forced)
}

/// Each request in steps: [`read`] → [`decide()`] → [`first_answer`] ([`forward()`] if so
/// decided) → [`commit()`] (which waits for the request's batch to be written and printed, see
/// [`batch`]) → `--expect` counted → `--delay` → answer.
async fn handle(state: &Listener, remote: SocketAddr, request: Request<Incoming>) -> Answer {
    let mut received = match read(state, remote, request).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };
    let decision = decide(&received, &state.policy());
    let (event_type, event_id) = crate::webhook::event::event_fields_for(
        decision.checked.verdict.scheme(),
        &received.headers,
        &received.body,
        std::mem::take(&mut received.fields),
    );
    let (headers, path) = headers_and_path(state, &mut received);
    let mut record = capture_record(
        state,
        &received,
        &decision.checked,
        headers,
        path,
        event_type,
        event_id.as_deref(),
    );
    let (mut answer, forward_preview) =
        first_answer(state, &decision.action, &received, &mut record).await;
    let planned = matches!(decision.action, Action::Plan | Action::Forward { .. })
        && record.forward.is_none();
    let verified = decision.checked.verdict.is_valid();
    let view = (!state.out.json).then(|| {
        Box::new(batch::View {
            checked: decision.checked,
            body: received.body.clone(),
            forward_preview,
            started: received.started,
        })
    });
    let committed = commit(
        state,
        record,
        event_id.as_deref(),
        planned,
        &mut answer,
        view,
    )
    .await;
    match committed {
        // As before group commit: a request answered 503 (`--status 503` too) is not counted.
        Some(record) if record.status != 503 => count_expected(state, &received, &record, verified),
        Some(_) => {}
        None => answer = capture_failed(),
    }
    if let Some(delay) = state.delay {
        tokio::time::sleep(delay).await;
    }
    answer
}

/// The headers and path for the capture record: the request's own when nothing reads them after
/// the record is made (no `--forward-to` relaying them, no `--expect` looking at them), which
/// saves copies on every request; else copies.
fn headers_and_path(state: &Listener, received: &mut receive::Received) -> (Vec<Header>, String) {
    if state.forwarder.is_none() && state.expectations.is_empty() {
        (
            std::mem::take(&mut received.headers),
            std::mem::take(&mut received.path),
        )
    } else {
        (received.headers.clone(), received.path.clone())
    }
}

/// The answer known before the commit: hooky's refusal, a handshake's, or the `--forward-to`
/// app's (with its preview for people); an empty one that the plan fills in under the lock.
async fn first_answer(
    state: &Listener,
    action: &Action,
    received: &receive::Received,
    record: &mut crate::capture::CaptureRecord,
) -> (Answer, Option<String>) {
    match (action, &state.forwarder) {
        (Action::Refuse(status, body), _) => (json_answer(*status, body), None),
        (Action::Handshake(handshake), _) => {
            record.handshake = Some(HandshakeRecord {
                kind: handshake.kind.name().to_string(),
                refused: handshake.refused.clone(),
            });
            (handshake_answer(handshake), None)
        }
        (Action::Forward { verified }, Some(forwarder)) => {
            forward(forwarder, received, verified, record).await
        }
        // Filled in under the lock, where the answer plan is.
        _ => (Response::new(Full::new(Bytes::new())), None),
    }
}
