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

pub mod dedup;
pub mod expect;
pub mod handshake;
pub mod line_rate;
pub mod record;
pub mod request_view;
pub mod respond;
pub mod verification;

mod batch;
mod feed_endpoint;
mod forward;
pub mod settings;
mod web;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::TcpListener;

use crate::capture::feed;
use crate::capture::file::Appender;
use crate::capture::index::CaptureIndex;
use crate::capture::{CaptureRecord, HandshakeRecord, VerdictRecord};
use crate::cli::ListenArgs;
use crate::exit::{self, CliError};
use crate::headers::Header;
use crate::output::{Output, sanitize_line};
use crate::secret::Origin;
use crate::signature::{SignedRequest, Verdict};
use dedup::{DuplicateWindow, Seen};
use expect::{Expectation, Facts};
use forward::{Forwarder, Relayed};
use line_rate::LineRate;
use request_view::Detail;
use respond::Responder;
use settings::Settings;
use verification::{Checked, Verifier};

type Answer = Response<Full<Bytes>>;
/// A response body: a whole one of the receiver, or one from `/_hooky/`'s router.
type Body = http_body_util::Either<Full<Bytes>, axum::body::Body>;

/// How long the drain after Ctrl-C, `--count` or `--timeout` may take before hooky gives up on the
/// requests still in flight.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

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

/// Why the accept loop ended.
enum Stop {
    Count,
    /// Ctrl-C or SIGTERM.
    Signal(super::Signal),
    Deadline,
}

pub async fn run(args: ListenArgs, out: &Output) -> anyhow::Result<u8> {
    // Before the socket is bound and the ready file written: a script may press Ctrl-C right away.
    let mut signals = super::Signals::new()?;
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

/// Everything before the first request: the forwarder, the port bound, the capture opened.
/// Long for its one `Listener` literal, which reads best whole.
async fn start(
    settings: &Settings,
    out: &Output,
) -> anyhow::Result<(Arc<Listener>, TcpListener, String)> {
    let forwarder = match &settings.forward_to {
        Some(url) => Some(Forwarder::new(
            url,
            settings.forward_timeout,
            settings.max_response,
        )?),
        None => None,
    };
    let (listener, local, url) = bind(settings).await?;
    let capture = open_capture(settings)?;
    let shared = Shared {
        next_seq: capture.last_seq + 1,
        batch: batch::Batch::default(),
        duplicates: DuplicateWindow::new(dedup::DEFAULT_WINDOW),
        responder: Responder::new(settings.plan.clone()),
        rng: match settings.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        },
    };

    let ui = settings.ui.then(|| {
        web::Ui::new(
            settings.forward_to.as_deref(),
            settings.capture.is_some(),
            &mut rand::rngs::OsRng,
        )
    });
    let state = Arc::new(Listener {
        out: out.clone(),
        enforce: settings.enforce,
        origin: settings.origin.clone(),
        looked_for: settings.verifier.looked_for(),
        detail: settings.detail,
        public_url: settings.public_url.clone(),
        lines: Mutex::new(LineRate::default()),
        verifier: settings.verifier.clone(),
        handshakes: settings.handshakes,
        verify_token: settings.verify_token.clone(),
        response_body: settings.response_body.clone(),
        response_headers: settings.response_headers.clone(),
        delay: settings.delay,
        forwarder,
        max_body: settings.max_body,
        max_response: settings.max_response,
        client_timeout: settings.client_timeout,
        capture_path: capture.path,
        index: capture.index,
        local,
        expectations: settings.expectations.clone(),
        expectations_read_json: settings.expectations_read_json(),
        count: settings.count,
        matched: AtomicU64::new(0),
        in_flight: AtomicU64::new(0),
        // The accept loop subscribes before any request can send on it.
        stop: tokio::sync::watch::channel(false).0,
        ui,
        key: web::random_key(&mut rand::rngs::OsRng),
        ui_public: settings.ui_public,
        live: tokio::sync::broadcast::channel(web::LIVE_CAPACITY).0,
        shared: Mutex::new(shared),
        sink: Mutex::new(batch::Sink::new(capture.appender)),
        batched: tokio::sync::Notify::new(),
    });
    Ok((state, listener, url))
}

/// The bound socket, its address, and its URL.
async fn bind(settings: &Settings) -> anyhow::Result<(TcpListener, SocketAddr, String)> {
    let listener = TcpListener::bind((settings.host, settings.port))
        .await
        .map_err(|e| {
            CliError::failed(format!(
                "cannot listen on {}:{}: {e}",
                settings.host, settings.port
            ))
            .with_hint("pick another --port, or --port 0 for a free one")
        })?;
    let local = listener
        .local_addr()
        .context("cannot read the bound address")?;
    let url = match local {
        SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
    };
    Ok((listener, local, url))
}

/// The capture file opened for appending, unless `--no-capture`.
struct Capture {
    path: Option<PathBuf>,
    appender: Option<Appender>,
    /// The last sequence number in the file (0 when there is none).
    last_seq: u64,
    index: Option<Arc<std::sync::RwLock<CaptureIndex>>>,
}

fn open_capture(settings: &Settings) -> anyhow::Result<Capture> {
    let (path, appender, last_seq) = match &settings.capture {
        None => (None, None, 0),
        Some(path) => {
            let (appender, last) = Appender::open(path)?;
            (Some(path.clone()), Some(appender), last)
        }
    };
    // One pass over the file, before any request is appended to it (and before any is accepted,
    // so reading on this thread holds nothing up).
    let index = match &path {
        Some(path) => Some(Arc::new(std::sync::RwLock::new(
            CaptureIndex::build(path)
                .with_context(|| format!("cannot read the capture file {}", path.display()))?,
        ))),
        None => None,
    };
    Ok(Capture {
        path,
        appender,
        last_seq,
        index,
    })
}

/// Accepts connections until `--count` is reached, a signal, or `--timeout`; the socket is
/// closed on return.
async fn accept_loop(
    listener: TcpListener,
    state: &Arc<Listener>,
    graceful: &GracefulShutdown,
    client_timeout: Duration,
    signals: &mut super::Signals,
    deadline: Option<tokio::time::Instant>,
) -> Stop {
    let mut stopped = state.stop.subscribe();
    let ui = web::router(state.clone());
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(client_timeout)
        .keep_alive(true);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    let _ = stream.set_nodelay(true);
                    let (state, ui) = (state.clone(), ui.clone());
                    let service = hyper::service::service_fn(move |request| {
                        let (state, ui) = (state.clone(), ui.clone());
                        async move { Ok::<_, Infallible>(route(&state, &ui, remote, request).await) }
                    });
                    let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                    tokio::spawn(async move {
                        // A client that breaks its connection is its own problem, not the listener's.
                        let _ = connection.await;
                    });
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    state.out.warn(&format!("cannot accept a connection: {error}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stopped.changed() => break Stop::Count,
            signal = signals.recv() => break Stop::Signal(signal),
            _ = sleep_until(deadline) => break Stop::Deadline,
        }
    }
}

/// Lets the requests in flight finish (bounded by `DRAIN_LIMIT`); `Some(signal)` when a second
/// Ctrl-C or SIGTERM cut the wait short.
async fn drain(
    state: &Listener,
    reason: &Stop,
    graceful: GracefulShutdown,
    signals: &mut super::Signals,
) -> Option<super::Signal> {
    let out = &state.out;
    // Ends the web view's event streams, which would otherwise hold the drain open.
    state.stop.send_replace(true);
    let in_flight = state.in_flight.load(Ordering::SeqCst);
    if matches!(reason, Stop::Signal(_)) && in_flight > 0 {
        out.info(&format!(
            "finishing {in_flight} request{} in flight (Ctrl-C again to stop now)",
            if in_flight == 1 { "" } else { "s" }
        ));
    }
    // A second Ctrl-C (or SIGTERM) ends the wait: the capture is flushed all the same.
    tokio::select! {
        _ = graceful.shutdown() => None,
        _ = tokio::time::sleep(DRAIN_LIMIT) => {
            out.warn("gave up waiting for the requests still in flight");
            None
        }
        signal = signals.recv() => Some(signal),
    }
}

/// The closing message and the exit code: why the loop stopped, and whether `--count` was met.
fn exit_code(
    settings: &Settings,
    state: &Listener,
    reason: Stop,
    forced: Option<super::Signal>,
) -> anyhow::Result<u8> {
    let out = &state.out;
    let matched = state.matched.load(Ordering::SeqCst);
    let received = match settings.count {
        Some(count) => format!("{matched} of {count} matching request(s) received"),
        None => format!("{matched} request(s) received"),
    };
    let goal_met = settings.count.is_some_and(|count| matched >= count);
    if let Some(signal) = forced {
        let left = state.in_flight.load(Ordering::SeqCst);
        out.info(&format!(
            "stopped without waiting for {left} request(s) in flight; {received}"
        ));
        // A count already met stays a success: the signal only cut the drain short.
        return Ok(if goal_met {
            exit::OK
        } else {
            signal.exit_code()
        });
    }
    match reason {
        Stop::Count => Ok(exit::OK),
        Stop::Signal(signal) => {
            out.info(&format!("stopped; {received}"));
            // Without --count there is nothing to fall short of; with it, a stop before the count
            // was reached must not look like success to a script.
            Ok(if settings.count.is_none() || goal_met {
                exit::OK
            } else {
                signal.exit_code()
            })
        }
        Stop::Deadline => {
            let timeout = crate::units::format_duration(settings.timeout.unwrap_or_default());
            let wanted = match settings.count {
                Some(count) => format!("{matched} of {count} matching request(s) arrived"),
                None => format!("{matched} matching request(s) arrived"),
            };
            Err(CliError::deadline(format!("--timeout {timeout} reached: {wanted}")).into())
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The web view's address with the access key, as printed and opened.
fn ui_url(url: &str, key: &str) -> String {
    format!("{url}{}?{}={key}", feed::PREFIX, crate::web_view::KEY_PARAM)
}

/// The first lines: the URL (stdout), then how the listener is set up (stderr).
fn announce(state: &Listener, settings: &Settings, url: &str) -> anyhow::Result<()> {
    // The development secret is not the user's: it is printed. A secret the user gave never is.
    let development_secret = match &state.origin {
        Some(Origin::Development(_)) => state
            .verifier
            .keys()
            .first()
            .map(|key| String::from_utf8_lossy(key).into_owned()),
        _ => None,
    };
    announce_url(state, url, development_secret.as_deref())?;
    announce_setup(state, settings);
    Ok(())
}

/// The URL to stdout (a `listening` record in `--json`), with the web view's address and the
/// development secret to paste into the app.
fn announce_url(
    state: &Listener,
    url: &str,
    development_secret: Option<&str>,
) -> anyhow::Result<()> {
    let out = &state.out;
    if out.json {
        out.json(&record::Record::Listening {
            url,
            pid: std::process::id(),
            capture: state.capture_path.as_ref().map(|p| p.display().to_string()),
            ui: state.ui.as_ref().map(|_| ui_url(url, &state.key)),
            key: &state.key,
            secret_source: match &state.origin {
                None => record::SecretSource::None,
                Some(Origin::Given(_)) => record::SecretSource::Given,
                Some(Origin::Development(_)) => record::SecretSource::Development,
            },
            development_secret,
            enforcing: state.enforce,
        })?;
    } else {
        out.data(&format!("hooky listening on {}", out.paint.bold(url)))?;
        if state.ui.is_some() {
            out.data(&format!("web view: {}", ui_url(url, &state.key)))?;
        } else if state.capture_path.is_some() {
            out.info(&format!(
                "feed: {url}{}requests?{}={}",
                feed::PREFIX,
                crate::web_view::KEY_PARAM,
                state.key
            ));
        }
        // Shown in full, as `stripe listen` does: the app under test needs it pasted in.
        if let (Some(secret), Some(Origin::Development(path))) = (development_secret, &state.origin)
        {
            out.data(&format!(
                "signing secret: {} (development secret in {path}; --secret to use your own)",
                out.paint.bold(secret)
            ))?;
        }
    }
    Ok(())
}

/// How the listener is set up, to stderr: exposure, capture, verification, forwarding.
fn announce_setup(state: &Listener, settings: &Settings) {
    let out = &state.out;
    if !settings.host.is_loopback() {
        out.warn(&format!(
            "listening on {}: the receiver is reachable from the network, not only from this machine",
            settings.host
        ));
    }
    if settings.ui_public {
        out.warn(
            "--ui-public: /_hooky/ answers any peer that has the access key, whatever its Host",
        );
    }
    match &state.capture_path {
        Some(path) => out.info(&format!("capturing to {}", path.display())),
        None => out.info("not capturing (--no-capture)"),
    }
    let enforcing = if state.enforce {
        "enforcing: unsigned and invalid requests get 401"
    } else {
        "not enforcing: every request is answered as configured"
    };
    match &state.origin {
        None => out.info("not verifying signatures (--no-verify or --scheme none)"),
        Some(Origin::Given(source)) => out.info(&format!(
            "verifying with the secret from {source}, {enforcing}{}",
            if state.enforce {
                " (--verify-mode report to only report them)"
            } else {
                ""
            }
        )),
        Some(Origin::Development(_)) if state.enforce => out.info(&format!(
            "verifying with the development secret, {enforcing}"
        )),
        Some(Origin::Development(_)) => out.info(
            "verifying with the development secret, not enforcing: \
             --secret to enforce yours, --verify-mode enforce to enforce this one",
        ),
    }
    if let Some(forwarder) = &state.forwarder {
        out.info(&format!("forwarding to {}", forwarder.base()));
    }
    out.info("Ctrl-C to stop");
}

/// Writes `{"url":…,"pid":…,"key":…}` to a fresh private (0600) file next to its final name, then
/// renames it, so a reader never sees half and a link planted at the name is replaced, not
/// followed. Private because it holds the access key of `/_hooky/`.
fn write_ready_file(path: &Path, url: &str, key: &str) -> anyhow::Result<()> {
    let body = serde_json::json!({ "url": url, "pid": std::process::id(), "key": key }).to_string();
    crate::private_fs::write_atomic(path, body.as_bytes())
        .with_context(|| format!("cannot write the ready file {}", path.display()))
}

fn json_answer(status: u16, value: &serde_json::Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// What a request's body turned out to be.
enum BodyRead {
    Complete(Bytes),
    TooLarge(u64),
    /// The client broke off or stalled; it gets this answer (if it still listens) and no capture.
    Broken(Answer),
}

async fn read_body(state: &Listener, request: Request<Incoming>) -> BodyRead {
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(size) = declared.filter(|size| *size > state.max_body) {
        return BodyRead::TooLarge(size);
    }
    let limit = usize::try_from(state.max_body).unwrap_or(usize::MAX);
    let collect = Limited::new(request.into_body(), limit).collect();
    match tokio::time::timeout(state.client_timeout, collect).await {
        Ok(Ok(collected)) => BodyRead::Complete(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            BodyRead::TooLarge(state.max_body + 1)
        }
        Ok(Err(_)) => BodyRead::Broken(json_answer(
            400,
            &serde_json::json!({"error": "bad_request", "message": "the request body was cut short"}),
        )),
        Err(_) => BodyRead::Broken(json_answer(
            408,
            &serde_json::json!({"error": "timeout", "message": "the request body did not arrive in time"}),
        )),
    }
}

/// hooky's own endpoints under `/_hooky/`, or a request to receive.
async fn route(
    state: &Listener,
    ui: &axum::Router,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> Response<Body> {
    let path = request.uri().path();
    if path.starts_with(feed::PREFIX) || path == "/_hooky" {
        return web::serve(ui, remote, request)
            .await
            .map(http_body_util::Either::Right);
    }
    state.in_flight.fetch_add(1, Ordering::SeqCst);
    // Counted down however the request ends, even when its client goes away mid-way.
    let _in_flight = InFlight(&state.in_flight);
    let mut answer = handle(state, remote, request).await;
    // Whatever answers here (hooky or the `--forward-to` app) runs in an opaque origin in a
    // browser, so a page served on this port can never read the web view or its token.
    answer.headers_mut().append(
        hyper::header::CONTENT_SECURITY_POLICY,
        hyper::header::HeaderValue::from_static("sandbox"),
    );
    answer.map(http_body_util::Either::Left)
}

/// Counts a request out of `Listener::in_flight` when dropped.
struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A request as read off the wire: its head, and its body unless that was too large.
struct Received {
    /// When hooky started on it, for the latency shown.
    started: std::time::Instant,
    at: chrono::DateTime<chrono::Utc>,
    remote: SocketAddr,
    method: hyper::Method,
    path: String,
    query: Option<String>,
    headers: Vec<Header>,
    /// Empty when the body was too large.
    body: Bytes,
    /// The size of a body over `--max-body` (declared, or just over the limit when it was cut).
    too_large: Option<u64>,
}

/// What hooky does with a request, decided from the request and the settings alone.
#[derive(Debug)]
struct Decision {
    checked: Checked,
    action: Action,
}

#[derive(Debug, PartialEq)]
enum Action {
    /// hooky answers itself, with this status and JSON body: a body over `--max-body`, or a
    /// request refused under enforcement. Nothing is forwarded.
    Refuse(u16, serde_json::Value),
    /// Relayed to the `--forward-to` app, with this `X-Hooky-Verified` value.
    Forward { verified: String },
    /// Answered by the `--respond` plan, chosen under the lock in [`commit`].
    Plan,
    /// A provider's verification handshake, answered (or refused) by hooky as the provider asks.
    Handshake(handshake::Handshake),
}

/// The settings [`decide`] reads.
struct Policy<'a> {
    verifier: &'a Verifier,
    enforce: bool,
    looked_for: &'a str,
    max_body: u64,
    forwarding: bool,
    /// The base URL senders address when hooky sits behind a tunnel (`--public-url`), for
    /// URL-signing schemes; `None`: `http://` + the Host header.
    public_url: Option<&'a str>,
    /// Whether handshakes are answered, and `--verify-token`.
    handshakes: bool,
    verify_token: Option<&'a [u8]>,
}

impl Listener {
    fn policy(&self) -> Policy<'_> {
        Policy {
            verifier: &self.verifier,
            enforce: self.enforce,
            looked_for: &self.looked_for,
            max_body: self.max_body,
            forwarding: self.forwarder.is_some(),
            public_url: self.public_url.as_deref(),
            handshakes: self.handshakes,
            verify_token: self.verify_token.as_ref().map(|t| t.expose()),
        }
    }
}

/// The URL the sender addressed, as URL-signing schemes sign it: the public base URL when given,
/// else `http://` and the Host header; then the path and query exactly as received.
fn signed_url(received: &Received, public_url: Option<&str>) -> String {
    let base = match public_url {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => {
            let host = crate::headers::get_one(&received.headers, "host").unwrap_or("localhost");
            format!("http://{}", host.trim())
        }
    };
    match &received.query {
        Some(query) => format!("{base}{}?{query}", received.path),
        None => format!("{base}{}", received.path),
    }
}

/// Each request in steps: [`read`] → [`decide`] → [`forward`] (if so decided) → [`commit`] (which
/// waits for the request's batch to be written and printed, see [`batch`]) → `--expect` counted →
/// `--delay` → answer.
async fn handle(state: &Listener, remote: SocketAddr, request: Request<Incoming>) -> Answer {
    let mut received = match read(state, remote, request).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };
    let decision = decide(&received, &state.policy());
    let (event_type, event_id) =
        crate::webhook::event::event_fields(&received.headers, &received.body);
    // The record takes the headers themselves when nothing reads them after it is made (no
    // `--forward-to` relaying them, no `--expect` looking at them): one copy fewer per request.
    let headers = if state.forwarder.is_none() && state.expectations.is_empty() {
        std::mem::take(&mut received.headers)
    } else {
        received.headers.clone()
    };
    let mut record = capture_record(
        state,
        &received,
        &decision.checked,
        headers,
        event_type,
        event_id.as_deref(),
    );

    let mut forward_preview = None;
    let mut answer = match (&decision.action, &state.forwarder) {
        (Action::Refuse(status, body), _) => json_answer(*status, body),
        (Action::Handshake(handshake), _) => {
            record.handshake = Some(HandshakeRecord {
                kind: handshake.kind.name().to_string(),
                refused: handshake.refused.clone(),
            });
            handshake_answer(handshake)
        }
        (Action::Forward { verified }, Some(forwarder)) => {
            let (answer, preview) = forward(forwarder, &received, verified, &mut record).await;
            forward_preview = preview;
            answer
        }
        // Filled in under the lock, where the answer plan is.
        _ => Response::new(Full::new(Bytes::new())),
    };
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

/// Reads the head and the body (bounded in size and time). A client that broke off or stalled
/// gets its answer (`Err`) and no capture.
async fn read(
    state: &Listener,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> Result<Received, Answer> {
    let started = std::time::Instant::now();
    let at = chrono::Utc::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let headers: Vec<Header> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let (body, too_large) = match read_body(state, request).await {
        BodyRead::Complete(body) => (body, None),
        BodyRead::TooLarge(size) => (Bytes::new(), Some(size)),
        BodyRead::Broken(answer) => {
            state.out.info(&format!(
                "{} {} from {remote}: the client stopped sending its body; answered {}",
                sanitize_line(method.as_str()),
                sanitize_line(&path),
                answer.status().as_u16()
            ));
            return Err(answer);
        }
    };
    Ok(Received {
        started,
        at,
        remote,
        method,
        path,
        query,
        headers,
        body,
        too_large,
    })
}

/// The verdict, and whether hooky refuses the request, forwards it, or answers from its plan.
/// Pure: the time is the request's arrival.
fn decide(received: &Received, policy: &Policy) -> Decision {
    if let Some(size) = received.too_large {
        return Decision {
            checked: Checked {
                verdict: Verdict::Unsigned,
                hint: Some("not verified: the body was too large to read".into()),
            },
            action: Action::Refuse(
                413,
                serde_json::json!({"error": "payload_too_large", "message": format!("the body ({size} bytes) is over the limit of {} bytes", policy.max_body)}),
            ),
        };
    }
    let url = signed_url(received, policy.public_url);
    let request = SignedRequest {
        method: received.method.as_str(),
        url: Some(&url),
        headers: &received.headers,
        body: &received.body,
    };
    let mut checked = policy.verifier.check(&request, received.at.timestamp());
    if let Some(handshake) = policy
        .handshakes
        .then(|| handshake_of(received, &checked, policy))
        .flatten()
    {
        return Decision {
            checked,
            action: Action::Handshake(handshake),
        };
    }
    // Under enforcement an unsigned request is a failure too: a receiver with a secret must not
    // take requests anyone could have sent.
    let refusal = match &checked.verdict {
        _ if !policy.enforce => None,
        Verdict::Valid { .. } => None,
        Verdict::Invalid { failure, scheme } => Some(
            serde_json::json!({"error": "invalid_signature", "scheme": scheme, "code": failure.code(), "reason": failure.to_string()}),
        ),
        Verdict::Unsigned => {
            checked.hint = Some(format!("missing_signature: {}", policy.looked_for));
            Some(
                serde_json::json!({"error": "invalid_signature", "code": "missing_signature", "reason": "the request carries no signature", "hint": policy.looked_for}),
            )
        }
    };
    let action = match refusal {
        Some(body) => Action::Refuse(401, body),
        None if policy.forwarding => Action::Forward {
            verified: match &checked.verdict {
                Verdict::Valid { .. } => "ok".to_string(),
                Verdict::Unsigned => "unsigned".to_string(),
                Verdict::Invalid { failure, .. } => format!("fail:{}", failure.code()),
            },
        },
        None => Action::Plan,
    };
    Decision { checked, action }
}

/// The handshake a request is, if any, with hooky's answer; signed ones only count as verified
/// with their own provider's scheme, whose key Zoom's answer is made with.
fn handshake_of(
    received: &Received,
    checked: &Checked,
    policy: &Policy,
) -> Option<handshake::Handshake> {
    let keys = policy.verifier.keys();
    let verified = match &checked.verdict {
        Verdict::Valid {
            scheme,
            secret_index,
        } => keys
            .get(secret_index.saturating_sub(1))
            .map(|key| handshake::Verified {
                scheme: scheme.name(),
                key,
            }),
        _ => None,
    };
    handshake::recognise(
        &handshake::Inbound {
            method: received.method.as_str(),
            query: received.query.as_deref(),
            headers: &received.headers,
            body: &received.body,
        },
        verified,
        policy.verify_token,
    )
}

/// hooky's answer to a handshake: exactly the provider's format, never sniffed as anything else.
fn handshake_answer(handshake: &handshake::Handshake) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(handshake.body.clone())));
    *response.status_mut() =
        hyper::StatusCode::from_u16(handshake.status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(handshake.content_type),
    );
    headers.insert(
        hyper::header::X_CONTENT_TYPE_OPTIONS,
        hyper::header::HeaderValue::from_static("nosniff"),
    );
    response
}

/// The capture record before [`commit`] gives it its sequence number, id and status; secrets
/// redacted.
fn capture_record(
    state: &Listener,
    received: &Received,
    checked: &Checked,
    mut headers: Vec<Header>,
    event_type: Option<String>,
    event_id: Option<&str>,
) -> CaptureRecord {
    let keys = state.verifier.keys();
    let redact = |text: &str| crate::secret::redact_text(text, &keys);
    crate::secret::redact_headers_in_place(&mut headers, &keys);
    let mut record = CaptureRecord {
        seq: 0,
        id: String::new(),
        received_at: received
            .at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        remote_addr: received.remote.to_string(),
        method: received.method.as_str().to_string(),
        // A secret in the URL (`?token=…`) is redacted like one in a header.
        path: redact(&received.path),
        // Meta's hub.verify_token is a secret too, whoever's it is.
        query: received
            .query
            .as_deref()
            .map(|query| redact(&crate::secret::redact_query_tokens(query))),
        headers,
        // They may come from headers (`X-GitHub-Event`, `webhook-id`), redacted like the rest.
        event_type: event_type.as_deref().map(redact),
        event_id: event_id.map(redact),
        verdict: VerdictRecord {
            hint: checked.hint.clone(),
            ..VerdictRecord::from(&checked.verdict)
        },
        status: 200,
        ..Default::default()
    };
    match received.too_large {
        Some(size) => {
            record.body_size = size;
            record.body_omitted = Some(format!(
                "too large: over --max-body {} bytes",
                state.max_body
            ));
        }
        None => record.set_body(&received.body),
    }
    record
}

/// Relays the request to the `--forward-to` app; its answer (or hooky's 502/504) and its preview.
async fn forward(
    forwarder: &Forwarder,
    received: &Received,
    verified: &str,
    record: &mut CaptureRecord,
) -> (Answer, Option<String>) {
    let path_and_query = match &received.query {
        Some(q) => format!("{}?{q}", received.path),
        None => received.path.clone(),
    };
    let (relayed, forward_record) = forwarder
        .relay(
            received.method.as_str(),
            &path_and_query,
            &received.headers,
            &received.body,
            verified,
        )
        .await;
    record.forward = Some(forward_record);
    forwarded_answer(relayed)
}

/// The `--forward-to` app's answer passed on (and its preview for people), or hooky's 502/504.
fn forwarded_answer(relayed: Relayed) -> (Answer, Option<String>) {
    match relayed {
        Relayed::Answer {
            status,
            headers,
            body,
        } => {
            let preview = preview(&body);
            let mut response = Response::new(Full::new(Bytes::from(body)));
            *response.status_mut() =
                hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    hyper::header::HeaderName::from_bytes(name.as_bytes()),
                    hyper::header::HeaderValue::from_str(&value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            (response, Some(preview))
        }
        Relayed::Failed { status, error } => (
            json_answer(
                status,
                &serde_json::json!({"error": if status == 504 { "forward_timeout" } else { "forward_failed" }, "message": error}),
            ),
            None,
        ),
    }
}

/// Under the lock: the sequence number and id, the duplicate window, the planned answer, the
/// record added to the open batch. Then waits for the batch to be written (see [`batch`]): the
/// record back once it is in the capture file, `None` when the batch could not be written.
async fn commit(
    state: &Listener,
    mut record: CaptureRecord,
    event_id: Option<&str>,
    planned: bool,
    answer: &mut Answer,
    view: Option<Box<batch::View>>,
) -> Option<CaptureRecord> {
    let (first, done) = {
        let mut shared = state.shared.lock().expect("no panics while locked");
        let shared = &mut *shared;
        record.seq = shared.next_seq;
        shared.next_seq += 1;
        record.id = crate::ids::prefixed_id("req", &mut shared.rng);
        if let Some(id) = event_id {
            note_duplicate(&mut shared.duplicates, id, &mut record);
        }
        if planned {
            let roll: f64 = shared.rng.r#gen();
            let plan = shared.responder.next(event_id, roll);
            *answer = planned_answer(state, &plan);
        }
        record.status = answer.status().as_u16();
        let wants_line =
            state.capture_path.is_some() || state.live.receiver_count() > 0 || state.out.json;
        shared.batch.add(record, wants_line, view)
    };
    if first {
        state.batched.notify_one();
    }
    match done.await {
        Ok(committed) if committed.written => Some(committed.record),
        _ => None,
    }
}

/// Marks a repeated event id (within the window), or notes one too long to remember.
fn note_duplicate(duplicates: &mut DuplicateWindow, id: &str, record: &mut CaptureRecord) {
    match duplicates.check(id, record.seq) {
        Seen::First => {}
        Seen::Repeat(first) => record.duplicate_of = Some(first),
        Seen::TooLong => {
            let note = dedup::too_long_note(id.len());
            record.verdict.note = Some(match record.verdict.note.take() {
                Some(existing) => format!("{existing}; {note}"),
                None => note,
            });
        }
    }
}

/// The answer to a request the capture file could not take.
fn capture_failed() -> Answer {
    let mut answer = json_answer(
        503,
        &serde_json::json!({"error": "capture_failed", "message": "hooky could not save this request; retry later"}),
    );
    answer.headers_mut().insert(
        hyper::header::RETRY_AFTER,
        hyper::header::HeaderValue::from_static("1"),
    );
    answer
}

/// Counts a captured request that meets every `--expect`; reaching `--count` stops the listener.
fn count_expected(state: &Listener, received: &Received, record: &CaptureRecord, verified: bool) {
    // The whole document only when an --expect looks into it: most bodies are never parsed.
    let json = if state.expectations_read_json {
        crate::webhook::event::parse_json_body(&received.body)
    } else {
        None
    };
    let facts = Facts {
        event_type: record.event_type.as_deref(),
        verified,
        method: &record.method,
        path: &record.path,
        headers: &received.headers,
        json: json.as_ref(),
    };
    if expect::all_match(&state.expectations, &facts) {
        let matched = state.matched.fetch_add(1, Ordering::SeqCst) + 1;
        if state.count.is_some_and(|count| matched >= count) {
            let _ = state.stop.send(true);
        }
    }
}

/// The answer the plan chose, with `--response-body` and `--response-header` applied.
fn planned_answer(state: &Listener, plan: &respond::Answer) -> Answer {
    let (body, content_type) = match &state.response_body {
        Some((body, content_type)) => (body.clone(), *content_type),
        None => (
            Bytes::from(respond::default_body(plan.status, plan.source)),
            "application/json",
        ),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(plan.status).unwrap_or(hyper::StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    let mut replaced = Vec::new();
    for (name, value) in state.response_headers.iter().chain(plan.headers.iter()) {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(value),
        ) {
            // A header the user gives replaces hooky's default; repeating it adds values.
            if !replaced.contains(&name) {
                headers.remove(&name);
                replaced.push(name.clone());
            }
            headers.append(name, value);
        }
    }
    response
}

/// Characters of an app's answer the preview keeps.
const PREVIEW_CHARS: usize = 120;

/// A one-line preview of an app's answer for people: its first `PREVIEW_CHARS` characters, and `…`
/// when there is more.
fn preview(body: &[u8]) -> String {
    // A character is at most 4 bytes: when the body is longer, these bytes hold at least two
    // characters more than the preview keeps, so the cut shows and a split character is cut off.
    let head = &body[..body.len().min(4 * (PREVIEW_CHARS + 2))];
    let line = sanitize_line(&String::from_utf8_lossy(head));
    crate::output::ellipsize(&line, PREVIEW_CHARS + 1).into_owned()
}

/// A request's human view, as many lines as `--verbose` and `--body` ask, appended to `out` with
/// its newline (one write for the whole batch), unless it went into the next summary instead.
fn render_request(state: &Listener, record: &CaptureRecord, view: &batch::View, out: &mut Vec<u8>) {
    let paint = &state.out.paint;
    let checked = &view.checked;
    let own_line = state
        .lines
        .lock()
        .expect("no panics while locked")
        .admit(checked.verdict.kind(), record.status);
    if !own_line {
        return;
    }
    let local = chrono::Local::now().format("%H:%M:%S%.3f").to_string();
    let latency_ms = u64::try_from(view.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let line = request_view::render_line(record, checked, &local, latency_ms, paint);
    let (shown, left_out) = crate::output::clip_body(&view.body, state.out.max_print);
    let mut text = request_view::render_human(
        record,
        checked,
        shown,
        line,
        paint,
        state.detail,
        view.forward_preview.as_deref(),
    );
    let body_shown = state.detail.verbose > 0 || state.detail.body;
    if body_shown && left_out > 0 && record.body_omitted.is_none() {
        text.push('\n');
        text.push_str(&crate::output::clipped_note(left_out, paint));
    }
    out.extend_from_slice(text.as_bytes());
    out.push(b'\n');
}

/// The summary line of the requests that got no line of their own, if there were any.
fn print_summary(state: &Listener) {
    let tally = state.lines.lock().expect("no panics while locked").tick();
    if let Some(tally) = tally {
        let _ = state.out.data(&state.out.paint.dim(&tally.line()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::SchemeSelection;
    use crate::signature::Scheme;

    fn received(headers: Vec<Header>, body: &[u8], too_large: Option<u64>) -> Received {
        Received {
            started: std::time::Instant::now(),
            at: chrono::DateTime::from_timestamp(1000, 0).unwrap(),
            remote: "127.0.0.1:1".parse().unwrap(),
            method: hyper::Method::POST,
            path: "/hook".into(),
            query: None,
            headers,
            body: Bytes::copy_from_slice(body),
            too_large,
        }
    }

    fn verifier() -> Verifier {
        Verifier::new(
            SchemeSelection::Auto,
            vec![crate::secret::Secret::new("s3cret")],
            crate::signature::DEFAULT_HEX_HEADER.into(),
            None,
        )
    }

    fn policy(verifier: &Verifier, enforce: bool, forwarding: bool) -> Policy<'_> {
        Policy {
            verifier,
            enforce,
            looked_for: "X-Hub-Signature-256",
            max_body: 10,
            forwarding,
            public_url: None,
            handshakes: true,
            verify_token: Some(b"tok"),
        }
    }

    #[test]
    fn the_signed_url_is_the_host_and_target_as_received_or_the_public_base() {
        let mut r = received(vec![("Host".into(), "example.test:8080".into())], b"", None);
        r.query = Some("a=1&b=%20".into());
        assert_eq!(
            signed_url(&r, None),
            "http://example.test:8080/hook?a=1&b=%20"
        );
        assert_eq!(
            signed_url(&r, Some("https://abc.ngrok.app/")),
            "https://abc.ngrok.app/hook?a=1&b=%20"
        );
        r.headers.clear();
        r.query = None;
        assert_eq!(signed_url(&r, None), "http://localhost/hook");
    }

    fn signed(body: &[u8], secret: &str) -> Vec<Header> {
        let keys: [&[u8]; 1] = [secret.as_bytes()];
        crate::signature::sign(
            Scheme::GITHUB,
            crate::signature::Keys::new(&keys),
            &SignedRequest::post(&[], body),
            0,
            "",
        )
        .unwrap()
        .headers
    }

    #[test]
    fn decide_refuses_a_body_over_the_limit_unverified() {
        let verifier = verifier();
        let body = b"{}";
        let decision = decide(
            &received(signed(body, "s3cret"), b"", Some(11)),
            &policy(&verifier, true, true),
        );
        assert_eq!(decision.checked.verdict, Verdict::Unsigned);
        assert!(decision.checked.hint.unwrap().contains("too large"));
        let Action::Refuse(413, body) = decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!(body["error"], "payload_too_large");
        assert!(body["message"].as_str().unwrap().contains("(11 bytes)"));
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("limit of 10 bytes")
        );
    }

    #[test]
    fn decide_under_enforcement_refuses_invalid_and_unsigned() {
        let verifier = verifier();
        let enforcing = policy(&verifier, true, true);
        let decision = decide(&received(signed(b"{}", "wrong"), b"{}", None), &enforcing);
        let Action::Refuse(401, body) = decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!(body["error"], "invalid_signature");
        assert_eq!(body["scheme"], "github");

        let decision = decide(&received(Vec::new(), b"{}", None), &enforcing);
        assert_eq!(decision.checked.verdict, Verdict::Unsigned);
        assert_eq!(
            decision.checked.hint.as_deref(),
            Some("missing_signature: X-Hub-Signature-256")
        );
        let Action::Refuse(401, body) = decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!(body["code"], "missing_signature");
        assert_eq!(body["hint"], "X-Hub-Signature-256");
    }

    #[test]
    fn decide_forwards_with_the_verdict_or_follows_the_plan() {
        let verifier = verifier();
        let valid = received(signed(b"{}", "s3cret"), b"{}", None);
        let decision = decide(&valid, &policy(&verifier, true, true));
        assert!(decision.checked.verdict.is_valid());
        assert_eq!(
            decision.action,
            Action::Forward {
                verified: "ok".into()
            }
        );
        assert_eq!(
            decide(&valid, &policy(&verifier, true, false)).action,
            Action::Plan
        );

        // Inspecting only: an invalid or unsigned request is taken, and its verdict travels on.
        let inspecting = policy(&verifier, false, true);
        let invalid = decide(&received(signed(b"{}", "wrong"), b"{}", None), &inspecting);
        assert!(
            matches!(&invalid.action, Action::Forward { verified } if verified.starts_with("fail:")),
            "{:?}",
            invalid.action
        );
        let unsigned = decide(&received(Vec::new(), b"{}", None), &inspecting);
        assert_eq!(unsigned.checked.hint, None);
        assert_eq!(
            unsigned.action,
            Action::Forward {
                verified: "unsigned".into()
            }
        );
        assert_eq!(
            decide(
                &received(Vec::new(), b"{}", None),
                &policy(&verifier, false, false)
            )
            .action,
            Action::Plan
        );
    }

    #[test]
    fn decide_answers_handshakes_even_under_enforcement_and_not_when_turned_off() {
        let verifier = verifier();
        let enforcing = policy(&verifier, true, true);
        let mut meta = received(Vec::new(), b"", None);
        meta.method = hyper::Method::GET;
        meta.query = Some("hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42".into());
        let decision = decide(&meta, &enforcing);
        let Action::Handshake(handshake) = &decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!((handshake.status, &handshake.body[..]), (200, &b"42"[..]));
        // No missing-signature hint on a handshake that is answered.
        assert_eq!(decision.checked.hint, None);

        let off = Policy {
            handshakes: false,
            ..policy(&verifier, true, true)
        };
        assert!(matches!(decide(&meta, &off).action, Action::Refuse(401, _)));

        // Slack's is answered once signed with the secret hooky holds.
        let body = br#"{"type":"url_verification","challenge":"c"}"#;
        let keys: [&[u8]; 1] = [b"s3cret"];
        let headers = crate::signature::sign(
            Scheme::SLACK,
            crate::signature::Keys::new(&keys),
            &SignedRequest::post(&[], body),
            1000,
            "",
        )
        .unwrap()
        .headers;
        let decision = decide(&received(headers, body, None), &enforcing);
        let Action::Handshake(handshake) = &decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!((handshake.status, &handshake.body[..]), (200, &b"c"[..]));
    }

    #[test]
    fn preview_never_splits_a_character() {
        // One ASCII byte first puts a 2-byte `é` across byte 120, where the preview used to cut.
        let body = format!("a{}", "é".repeat(200));
        let line = preview(body.as_bytes());
        assert!(!line.contains('\u{fffd}'), "{line}");
        assert_eq!(line, format!("a{}…", "é".repeat(PREVIEW_CHARS - 1)));
        assert_eq!(
            preview("é".repeat(PREVIEW_CHARS + 1).as_bytes()),
            "é".repeat(121)
        );
        let wide = "😀".repeat(PREVIEW_CHARS + 5);
        assert_eq!(preview(wide.as_bytes()).chars().count(), PREVIEW_CHARS + 1);
        assert!(preview(wide.as_bytes()).ends_with('…'));
    }
}
