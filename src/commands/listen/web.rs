//! `listen`'s own endpoints under `/_hooky/`, as one `axum::Router` that the listener's hyper
//! accept loop hands every `/_hooky` request to (the loop keeps its header timeout and graceful
//! shutdown). A gate layer stands in front of every route and the fallback: loopback peers only
//! unless `--ui-public`, the Host check against DNS rebinding, and the per-process access key from
//! `?key=`, `X-Hooky-Key` or the page's cookie. Then the web view — the page and its script and
//! style (embedded in the binary), the live event stream (`axum::response::sse`), the HAR and curl
//! downloads, and the replay action (POST with the page's token only) — and the demo feed, which
//! is `feed_endpoint`. The pure pieces are in `web_view`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Extension, Path as RoutePath, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Uri};
use rand::RngCore;
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc, watch};

use super::{Answer, Listener, feed_endpoint, json_answer};
use crate::capture::CaptureRecord;
use crate::capture::feed;
use crate::capture::index::CaptureIndex;
use crate::capture::replay_plan::{self, PlanOptions};
use crate::cli::SchemeSelection;
use crate::outbound::delivery::{self, Delivery, RetryOptions};
use crate::output::{Output, sanitize_line};
use crate::signature::Keys;
use crate::web_view::{self, RequestItem};

const PAGE: &str = include_str!("ui/index.html");
const APP_JS: &str = include_str!("ui/app.js");
const STYLE_CSS: &str = include_str!("ui/style.css");

/// Requests kept for event streams that have not read them yet; a stream further behind re-reads
/// the capture file. With [`web_view::INLINE_LIMIT`] this bounds the channel to a few MiB.
pub const LIVE_CAPACITY: usize = 64;

/// Records read from the capture file per step when a stream catches up, and the most bytes of
/// events a step holds (an event is at most about [`web_view::INLINE_LIMIT`]).
const CATCH_UP_BATCH: usize = 100;
const CATCH_UP_BUDGET: usize = 4 * 1024 * 1024;

/// A comment line sent this often keeps proxies and browsers from closing an idle stream.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// How long a replay from the page may take.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(15);

/// The web view's fixed parts: the token replay actions must carry, and the page that holds it.
pub struct Ui {
    token: String,
    page: Bytes,
}

impl Ui {
    pub fn new(forward_to: Option<&str>, capturing: bool, rng: &mut impl RngCore) -> Ui {
        let token = random_key(rng);
        let page = web_view::render_page(
            PAGE,
            &web_view::PageSettings {
                token: &token,
                replay_base: forward_to.unwrap_or("http://127.0.0.1:3000"),
                capturing,
                version: env!("CARGO_PKG_VERSION"),
            },
        );
        Ui {
            token,
            page: Bytes::from(page),
        }
    }
}

/// One captured request, ready to go out on every event stream: its event is built once.
pub struct LiveEvent {
    seq: u64,
    event: Event,
}

impl LiveEvent {
    pub fn new(record: &CaptureRecord, line: &str) -> LiveEvent {
        LiveEvent {
            seq: record.seq,
            event: request_event(record.seq, &web_view::event_data(record, line)),
        }
    }
}

/// The `request` event of capture `seq`, resumable by its id.
fn request_event(seq: u64, data: &str) -> Event {
    Event::default()
        .id(seq.to_string())
        .event("request")
        .data(data)
}

/// The events of one stream, from the task that follows the captures.
struct EventStream {
    events: mpsc::Receiver<Event>,
}

impl futures_core::Stream for EventStream {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx).map(|event| event.map(Ok))
    }
}

/// A fresh random access key (or token): 32 bytes, hex.
pub fn random_key(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Every `/_hooky` request of the listener: the router answers it. `remote` is the peer the gate
/// checks.
pub async fn serve(
    router: &Router,
    remote: SocketAddr,
    mut request: hyper::Request<Incoming>,
) -> Response {
    request.extensions_mut().insert(ConnectInfo(remote));
    let Ok(answer) = tower_service::Service::call(&mut router.clone(), request).await;
    answer
}

/// `/_hooky/`'s routes: the web view's (off with `--no-ui`, each answer with [`secured`] headers)
/// and the feed's, all behind [`gate`].
pub fn router(state: Arc<Listener>) -> Router {
    let page = || get(page).fallback(read_only);
    let ui = Router::new()
        .route("/_hooky", page())
        .route("/_hooky/", page())
        .route("/_hooky/index.html", page())
        .route("/_hooky/app.js", get(app_js).fallback(read_only))
        .route("/_hooky/style.css", get(style_css).fallback(read_only))
        .route("/_hooky/events", get(events).fallback(read_only))
        .route("/_hooky/requests/{seq}/curl", get(curl).fallback(read_only))
        .route("/_hooky/replay", post(replay).fallback(replay_needs_post))
        .route_layer(middleware::map_response(secured_layer))
        .route_layer(middleware::from_fn_with_state(state.clone(), ui_on));
    let feed_page = || get(feed_endpoint::page).fallback(feed_endpoint::read_only);
    let feed_item = || get(request_item).fallback(request_item_other_method);
    Router::new()
        .route("/_hooky/requests", feed_page())
        .route("/_hooky/requests/", feed_page())
        .route("/_hooky/requests/{item}", feed_item())
        .route("/_hooky/requests/{item}/", feed_item())
        .fallback(feed_endpoint::not_found)
        .merge(ui)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

/// How a request under `/_hooky/` presented the access key, when it did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyGiven {
    /// In the `X-Hooky-Key` header or the browser's cookie.
    HeaderOrCookie,
    /// In `?key=`: the page moves it into a cookie.
    Query,
}

/// Which of the request's keys (header, `?key=`, cookie) is this process's access key. Each is
/// compared in constant time.
fn key_given(state: &Listener, request: &Request) -> Option<KeyGiven> {
    let headers = request.headers();
    let header = headers
        .get(web_view::KEY_HEADER)
        .and_then(|v| v.to_str().ok());
    let cookie_name = web_view::cookie_name(state.local.port());
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| web_view::cookie_value(v, &cookie_name));
    if web_view::token_matches(header, &state.key) || web_view::token_matches(cookie, &state.key) {
        return Some(KeyGiven::HeaderOrCookie);
    }
    let query = web_view::query_value(request.uri().query(), web_view::KEY_PARAM);
    web_view::token_matches(query.as_deref(), &state.key).then_some(KeyGiven::Query)
}

/// The gate in front of every `/_hooky/` endpoint: the peer (loopback unless `--ui-public`), the
/// Host (against DNS rebinding, unless `--ui-public`, where the key alone decides), then the access
/// key. `Err` is the refusal.
fn admit(state: &Listener, remote: SocketAddr, request: &Request) -> Result<KeyGiven, Box<Answer>> {
    if !web_view::peer_allowed(remote.ip(), state.ui_public) {
        return Err(Box::new(json_answer(
            403,
            &feed::error(
                "ui_not_public",
                "hooky's own endpoints answer only on this machine; start listen with --ui-public to open them to the network",
            ),
        )));
    }
    if !state.ui_public {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if !feed::host_allowed(host, &state.local.ip().to_string(), state.local.port()) {
            return Err(Box::new(json_answer(
                403,
                &feed::error(
                    "forbidden_host",
                    "hooky's own endpoints answer only to localhost or the listening address",
                ),
            )));
        }
    }
    key_given(state, request).ok_or_else(|| {
        Box::new(json_answer(
            403,
            &feed::error(
                "bad_key",
                "hooky's own endpoints need the access key listen printed: open the web view URL with its ?key=, or send the key in ?key= or the X-Hooky-Key header",
            ),
        ))
    })
}

/// The layer in front of every route and the fallback: [`admit`], which also tells the page how
/// the key came.
async fn gate(
    State(state): State<Arc<Listener>>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    match admit(&state, remote, &request) {
        Ok(given) => {
            request.extensions_mut().insert(given);
            next.run(request).await
        }
        Err(refusal) => secured(*refusal).into_response(),
    }
}

/// The web view's routes answer only when it is on.
async fn ui_on(State(state): State<Arc<Listener>>, request: Request, next: Next) -> Response {
    if state.ui.is_none() {
        return no_ui().into_response();
    }
    next.run(request).await
}

fn no_ui() -> Answer {
    json_answer(404, &feed::error("no_ui", "the web view is off (--no-ui)"))
}

/// The web view; with `?key=…` it first moves the key into a cookie.
async fn page(
    State(state): State<Arc<Listener>>,
    Extension(given): Extension<KeyGiven>,
    uri: Uri,
) -> Answer {
    match &state.ui {
        // The key leaves the address bar (and the history) for a cookie only this origin sends.
        Some(_) if given == KeyGiven::Query => key_to_cookie(&state, &uri),
        Some(ui) => content(ui.page.clone(), "text/html; charset=utf-8"),
        None => no_ui(),
    }
}

async fn app_js() -> Answer {
    content(
        Bytes::from_static(APP_JS.as_bytes()),
        "text/javascript; charset=utf-8",
    )
}

async fn style_css() -> Answer {
    content(
        Bytes::from_static(STYLE_CSS.as_bytes()),
        "text/css; charset=utf-8",
    )
}

async fn read_only() -> Answer {
    not_allowed("this is read-only: use GET", "GET, HEAD")
}

async fn replay_needs_post() -> Answer {
    not_allowed("the replay action takes a POST", "POST")
}

/// `GET /_hooky/requests/<item>`: `<seq>.har` is the web view's download, anything else the feed's
/// record (the router cannot tell them apart: a segment has no suffix pattern).
async fn request_item(
    State(state): State<Arc<Listener>>,
    RoutePath(item): RoutePath<String>,
    method: Method,
    headers: hyper::HeaderMap,
) -> Answer {
    match web_view::request_item(&item) {
        RequestItem::Har(_) if state.ui.is_none() => no_ui(),
        RequestItem::Har(seq) => secured(har(&state, seq).await),
        RequestItem::Record(seq) => {
            feed_endpoint::record_answer(&state, seq, &method, &headers).await
        }
        RequestItem::Bad => feed_endpoint::bad_seq(),
    }
}

/// Any other method on `/_hooky/requests/<item>`: the web view's or the feed's 405.
async fn request_item_other_method(
    State(state): State<Arc<Listener>>,
    RoutePath(item): RoutePath<String>,
) -> Answer {
    match web_view::request_item(&item) {
        RequestItem::Har(_) if state.ui.is_none() => no_ui(),
        RequestItem::Har(_) => secured(not_allowed("this is read-only: use GET", "GET, HEAD")),
        _ => feed_endpoint::read_only().await,
    }
}

/// `GET /_hooky/?key=…`: sets the key's cookie and redirects to the same page without the key.
fn key_to_cookie(state: &Listener, uri: &Uri) -> Answer {
    let mut location = uri.path().to_string();
    if let Some(query) = web_view::query_without_key(uri.query()) {
        location.push('?');
        location.push_str(&query);
    }
    let mut answer = hyper::Response::new(Full::new(Bytes::new()));
    *answer.status_mut() = hyper::StatusCode::SEE_OTHER;
    let cookie = web_view::key_cookie(state.local.port(), &state.key);
    let headers = answer.headers_mut();
    if let (Ok(location), Ok(cookie)) = (
        HeaderValue::from_str(&location),
        HeaderValue::from_str(&cookie),
    ) {
        headers.insert(header::LOCATION, location);
        headers.insert(header::SET_COOKIE, cookie);
    }
    answer
}

fn content(bytes: Bytes, kind: &'static str) -> Answer {
    let mut answer = hyper::Response::new(Full::new(bytes));
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    answer
}

fn not_allowed(message: &str, allow: &'static str) -> Answer {
    let mut answer = json_answer(405, &feed::error("method_not_allowed", message));
    answer
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    answer
}

/// The headers every web view answer carries: no caching (the page holds the token), no sniffing,
/// no framing, no referrer, and the page's Content-Security-Policy. No CORS headers, on purpose.
async fn secured_layer(answer: Response) -> Response {
    secured(answer)
}

fn secured<B>(mut answer: hyper::Response<B>) -> hyper::Response<B> {
    let headers = answer.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(web_view::CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

/// `?since=` of the event stream.
#[derive(Deserialize)]
struct EventsQuery {
    since: Option<String>,
}

/// `GET /_hooky/events`: the captured requests as Server-Sent Events, from after `Last-Event-ID`
/// (or `?since=`, or the recent history), then live as they arrive.
async fn events(
    State(state): State<Arc<Listener>>,
    headers: hyper::HeaderMap,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Response {
    let last_event_id = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    // A query that does not read as one (`?since=1&since=2`) resumes nowhere in particular.
    let since = query.as_ref().ok().and_then(|q| q.since.as_deref());
    let resume = web_view::resume_after(last_event_id, since);
    // Subscribe before reading the history, so nothing falls between the two.
    let live = state.live.subscribe();
    let last_seq = state
        .shared
        .lock()
        .expect("no panics while locked")
        .next_seq
        .saturating_sub(1);
    let after = resume.unwrap_or_else(|| web_view::history_start(last_seq));
    let (sender, receiver) = mpsc::channel(16);
    let capture = state.capture_path.clone().zip(state.index.clone());
    tokio::spawn(follow(sender, live, state.stop.subscribe(), capture, after));
    let stream = Sse::new(EventStream { events: receiver })
        .keep_alive(KeepAlive::new().interval(KEEPALIVE).text("keep-alive"));
    ([("x-accel-buffering", "no")], stream).into_response()
}

/// Feeds one event stream until its client leaves or the listener stops: the captures after `sent`
/// from the file, then the live ones; a stream that falls behind the live channel re-reads the file.
async fn follow(
    events: mpsc::Sender<Event>,
    mut live: broadcast::Receiver<Arc<LiveEvent>>,
    mut stop: watch::Receiver<bool>,
    capture: Option<(PathBuf, Arc<RwLock<CaptureIndex>>)>,
    mut sent: u64,
) {
    let retry = Event::default().retry(Duration::from_secs(2));
    if events.send(retry).await.is_err() {
        return;
    }
    if let Some((path, index)) = &capture
        && catch_up(&events, path, index, &mut sent).await.is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            received = live.recv() => match received {
                Ok(event) => {
                    if event.seq <= sent {
                        continue;
                    }
                    if events.send(event.event.clone()).await.is_err() {
                        return;
                    }
                    sent = event.seq;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    if let Some((path, index)) = &capture
                        && catch_up(&events, path, index, &mut sent).await.is_err() {
                            return;
                        }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = stopped(&mut stop) => return,
            _ = events.closed() => return,
        }
    }
}

/// Resolves once the listener stops.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard is dropped here, before the caller's next await.
    let _ = stop.wait_for(|stopped| *stopped).await.is_ok();
}

/// Sends the captures after `sent` from the file, a few at a time, each read where the index says
/// it starts (an event holds at most [`web_view::INLINE_LIMIT`] of body). `Err` when the client left.
async fn catch_up(
    events: &mpsc::Sender<Event>,
    path: &Path,
    index: &Arc<RwLock<CaptureIndex>>,
    sent: &mut u64,
) -> Result<(), ()> {
    loop {
        let (path, index, after) = (path.to_path_buf(), index.clone(), *sent);
        let read = tokio::task::spawn_blocking(move || {
            feed_endpoint::read_after(
                &path,
                &index,
                after,
                CATCH_UP_BATCH,
                CATCH_UP_BUDGET,
                |record| {
                    let data = web_view::event_data(&record, &record.to_line());
                    let size = data.len();
                    ((record.seq, request_event(record.seq, &data)), size)
                },
            )
        })
        .await;
        // A missing or unreadable file has nothing to catch up on; the live requests still come.
        let Ok(Ok((batch, more))) = read else {
            return Ok(());
        };
        for (seq, event) in batch {
            events.send(event).await.map_err(|_| ())?;
            *sent = seq;
        }
        if !more {
            return Ok(());
        }
    }
}

/// The capture `seq` from the file, or the answer that says why not.
async fn record(state: &Listener, seq: u64) -> Result<CaptureRecord, Answer> {
    if state.capture_path.is_none() {
        return Err(json_answer(
            404,
            &feed::error(
                "no_capture",
                "this listener runs with --no-capture: past requests are not kept",
            ),
        ));
    };
    match feed_endpoint::record(state, seq).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => Err(json_answer(
            404,
            &feed::error("not_found", &format!("no capture #{seq}")),
        )),
        Err(_) => Err(json_answer(
            500,
            &feed::error("capture_unreadable", "cannot read the capture file"),
        )),
    }
}

/// `GET /_hooky/requests/<seq>.har`: the capture as a HAR 1.2 file, secrets redacted.
async fn har(state: &Listener, seq: u64) -> Answer {
    let mut record = match record(state, seq).await {
        Ok(record) => record,
        Err(answer) => return answer,
    };
    record.headers = crate::secret::redact_headers(&record.headers, &state.verifier.keys());
    let har = crate::capture::har::write(&[&record], None, env!("CARGO_PKG_VERSION"));
    let body = serde_json::to_string_pretty(&har).expect("a HAR value serialises");
    let mut answer = content(Bytes::from(body), "application/json");
    let disposition = format!("attachment; filename=\"{}\"", web_view::har_filename(seq));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        answer
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    answer
}

/// How the page's captures are replayed: to exactly the URL given, re-signed on request with the
/// listener's own scheme and secrets.
fn plan_options(state: &Listener, url: Option<String>, resign: bool) -> PlanOptions {
    PlanOptions {
        exact_url: url.is_some(),
        to: url,
        resign,
        scheme: match state.verifier.selection {
            SchemeSelection::Fixed(scheme) => Some(scheme),
            SchemeSelection::Auto => None,
        },
        hex_header: state.verifier.hex_header.clone(),
        has_secret: state.verifier.has_secrets(),
        tolerance_secs: state.verifier.tolerance_secs,
        ..PlanOptions::default()
    }
}

/// The listener's base URL, for commands people copy: a wildcard bind is reached on loopback.
fn own_url(local: std::net::SocketAddr) -> String {
    let ip = match local.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", std::net::SocketAddr::new(ip, local.port()))
}

/// `?to=URL&resign=1` of the curl download.
#[derive(Deserialize)]
struct CurlQuery {
    to: Option<String>,
    resign: Option<String>,
}

/// `GET /_hooky/requests/<seq>/curl[?to=URL&resign=1]`: a curl command that sends the capture again
/// (to its own URL unless `to` says otherwise). Signatures may appear; secrets never.
async fn curl(
    State(state): State<Arc<Listener>>,
    RoutePath(seq): RoutePath<String>,
    query: Result<Query<CurlQuery>, QueryRejection>,
) -> Answer {
    let Ok(seq) = seq.parse::<u64>() else {
        return feed_endpoint::bad_seq();
    };
    let (to, resign) = match query {
        Ok(Query(query)) => (
            query.to.filter(|to| !to.is_empty()),
            matches!(query.resign.as_deref(), Some("1" | "true")),
        ),
        Err(rejection) => {
            return json_answer(400, &feed::error("bad_query", &rejection.body_text()));
        }
    };
    let record = match record(&state, seq).await {
        Ok(record) => record,
        Err(answer) => return answer,
    };
    let keys = state.verifier.keys();
    let now = crate::commands::now_unix();
    let mut options = plan_options(&state, to, resign);
    if options.to.is_none() {
        // The listener's own address plus the captured path: never the captured Host, which the
        // sender chose (`Host: localhost:8080@attacker` would send the secret elsewhere).
        options.to = Some(own_url(state.local));
    }
    let request = replay_plan::prepare(&record, &options, now, &mut rand::thread_rng()).and_then(
        |prepared| {
            prepared
                .outgoing(Keys::new(&keys).with_hex_header(&options.hex_header), now)
                .map(|request| (request, prepared.exact_url().to_string()))
                .map_err(|e| format!("capture #{seq}: {e}"))
        },
    );
    match request {
        Ok((request, url)) => {
            let mut text = crate::outbound::request_format::curl_command_to(&request, &url, &keys);
            text.push('\n');
            content(Bytes::from(text), "text/plain; charset=utf-8")
        }
        Err(message) => json_answer(400, &feed::error("cannot_replay", &message)),
    }
}

/// `POST /_hooky/replay` with the page's token: sends a capture to a URL, re-signed if asked, and
/// reports the answer. The secrets stay in this process.
async fn replay(State(state): State<Arc<Listener>>, request: Request) -> Answer {
    let Some(ui) = &state.ui else {
        return no_ui();
    };
    let token = request
        .headers()
        .get(web_view::TOKEN_HEADER)
        .and_then(|v| v.to_str().ok());
    if !web_view::token_matches(token, &ui.token) {
        return json_answer(
            403,
            &feed::error(
                "bad_token",
                "replay needs the token of the page hooky serves; reload the page",
            ),
        );
    }
    let (action, prepared) = match replay_prepared(&state, request).await {
        Ok(prepared) => prepared,
        Err(answer) => return answer,
    };
    let keys = state.verifier.keys();
    // Only a caller with the page's token gets here: only then are private keys read.
    let private = match dev_private_keys() {
        Ok(private) => private,
        Err(error) => return json_answer(500, &feed::error("private_key", &error)),
    };
    let private = crate::secret::as_keys(&private);
    let signing_keys = Keys::new(&keys)
        .with_private_keys(&private)
        .with_hex_header(&state.verifier.hex_header);
    // Sign once up front, so a signing error is the page's answer rather than a panic later.
    if let Err(error) = prepared.outgoing(signing_keys, crate::commands::now_unix()) {
        return json_answer(
            400,
            &feed::error("cannot_replay", &signing_error(action.seq, error)),
        );
    }
    let delivered = match replay_deliver(&state, &prepared, signing_keys).await {
        Ok(delivered) => delivered,
        Err(answer) => return answer,
    };
    log_replay(&state.out, &action, &prepared, &delivered);
    json_answer(200, &replay_result(&state, &prepared, &delivered))
}

/// The development private keys there are (`.hooky/keys/<scheme>.key`, made by `hooky keygen`),
/// read for each replay from the page: the page re-signs Discord and SendGrid captures with them.
fn dev_private_keys() -> Result<Vec<crate::secret::Secret>, String> {
    let mut keys = Vec::new();
    for scheme in crate::signature::key_pair::schemes() {
        let key = crate::dev_keys::private_key(scheme).map_err(|error| {
            format!("cannot read the development {scheme} private key: {error:#}")
        })?;
        keys.extend(key);
    }
    Ok(keys)
}

/// Why the page cannot re-sign capture `seq`, said for the page: a key-pair capture with no
/// development private key names the file the page signs with and how to make it.
fn signing_error(seq: u64, error: crate::signature::SignError) -> String {
    use crate::signature::SignError;
    match error {
        SignError::NoPrivateKey { scheme } | SignError::BadPrivateKey { scheme, .. } => format!(
            "capture #{seq}: no {scheme} private key to re-sign it with: the web view signs \
             {scheme} captures with the development key .hooky/keys/{scheme}.key, which is not \
             there (`hooky keygen --scheme {scheme}` makes the pair; listen then verifies with \
             its public key). Replay it without re-signing to send the captured signature."
        ),
        other => format!("capture #{seq}: {other}"),
    }
}

/// The replay action read from the page's request, and the capture it names, prepared.
async fn replay_prepared(
    state: &Listener,
    request: Request,
) -> Result<(web_view::ReplayRequest, replay_plan::Prepared), Answer> {
    let body = match Limited::new(request.into_body(), web_view::MAX_ACTION_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Err(json_answer(
                400,
                &feed::error("bad_request", "the replay request could not be read"),
            ));
        }
    };
    let action = web_view::parse_replay_request(&body)
        .map_err(|message| json_answer(400, &feed::error("bad_request", &message)))?;
    let record = record(state, action.seq).await?;
    let options = plan_options(state, Some(action.url.clone()), action.resign);
    let now = crate::commands::now_unix();
    let prepared = replay_plan::prepare(&record, &options, now, &mut rand::thread_rng())
        .map_err(|message| json_answer(400, &feed::error("cannot_replay", &message)))?;
    Ok((action, prepared))
}

/// Sends the prepared capture once (no retries), signed afresh.
async fn replay_deliver(
    state: &Listener,
    prepared: &replay_plan::Prepared,
    signing_keys: Keys<'_>,
) -> Result<Delivery, Answer> {
    let client = delivery::client(1)
        .map_err(|error| json_answer(500, &feed::error("client", &error.to_string())))?;
    let retry = RetryOptions {
        retries: 0,
        timeout: REPLAY_TIMEOUT,
        max_response: state.max_response,
        ..RetryOptions::default()
    };
    Ok(delivery::deliver(
        &client,
        retry,
        |_| {
            prepared
                .outgoing(signing_keys, crate::commands::now_unix())
                .expect("signing was checked before")
        },
        || 0.0,
        |_| {},
    )
    .await)
}

/// One line on stderr for each replay from the page.
fn log_replay(
    out: &Output,
    action: &web_view::ReplayRequest,
    prepared: &replay_plan::Prepared,
    delivered: &Delivery,
) {
    let last = delivered.last();
    let outcome = match (last.status, &last.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => "no answer".into(),
    };
    out.info(&format!(
        "web view: replayed #{} to {}{}: {}",
        action.seq,
        sanitize_line(&action.url),
        if prepared.signing.is_some() {
            " (re-signed)"
        } else {
            ""
        },
        sanitize_line(&outcome)
    ));
}

/// What the page is told about a replay.
fn replay_result(
    state: &Listener,
    prepared: &replay_plan::Prepared,
    delivered: &Delivery,
) -> serde_json::Value {
    let last = delivered.last();
    let mut result = serde_json::json!({
        "type": "replay",
        "seq": prepared.seq,
        "url": prepared.url.as_str(),
        "resigned": prepared.signing.is_some(),
        "status": last.status,
        "error": last.error,
        "latency_ms": u64::try_from(last.latency.as_millis()).unwrap_or(u64::MAX),
        "notes": prepared.notes,
    });
    // The page reads back only what the app under test or this machine answered: anything else
    // (an internal service, a metadata address) gives its status and timing, never its content.
    let forward_to = state.forwarder.as_ref().map(|f| f.base());
    if web_view::answer_shown(&prepared.url, forward_to) {
        let preview_len = delivered.response_body.len().min(4096);
        result["response_headers"] = serde_json::json!(delivered.response_headers);
        result["response_body"] =
            String::from_utf8_lossy(&delivered.response_body[..preview_len]).into();
        result["response_truncated"] = (delivered.response_body.len() > preview_len).into();
    } else {
        result["response_withheld"] = "the answer's headers and body are shown only for the --forward-to app or a loopback address".into();
    }
    result
}

/// `--open`: the system's browser on the page. Failing to open it is a warning, not an error.
pub fn open_browser(url: &str, out: &Output) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let spawned = tokio::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let out = out.clone();
    match spawned {
        Ok(mut child) => {
            tokio::spawn(async move {
                match child.wait().await {
                    Ok(status) if status.success() => {}
                    _ => out.warn(&format!(
                        "--open: {program} could not open the browser; open the web view yourself"
                    )),
                }
            });
        }
        Err(error) => out.warn(&format!(
            "--open: cannot run {program} ({error}); open the web view yourself"
        )),
    }
}
