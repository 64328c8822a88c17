//! Delivering one HTTP request with retries: the IO half of [`super::backoff`], shared by `send`,
//! `replay` and `poll --emit-webhook`.
//!
//! Retries connection errors, timeouts, 408, 429 and 5xx with the backoff policy, honouring
//! `Retry-After`. The request is rebuilt for every attempt (`build(attempt)`), so a sender can re-sign
//! with a fresh timestamp while keeping the event id, as real providers do.

use std::time::{Duration, Instant, SystemTime};

use crate::headers::Header;
use crate::outbound::backoff::{BackoffPolicy, StatusClass, classify_status, parse_retry_after};

/// The `User-Agent` hooky sends.
pub const USER_AGENT: &str = concat!("hooky/", env!("CARGO_PKG_VERSION"));

/// The longest `Retry-After` one delivery waits before its next attempt. A receiver asking for
/// more gets no further attempt and its answer stands, so `send`, `replay` and `poll
/// --emit-webhook` never sleep for hours on a server's word.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(600);

/// One request to send.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub method: String,
    /// Parsed once, where the request is made: a load sends to the same URL again and again.
    pub url: reqwest::Url,
    /// The path and query to send exactly as given, when the parsed `url` re-escapes some of their
    /// bytes (`'` becomes `%27`): a replay keeps the captured bytes. `None` for most requests.
    /// Honoured for `http://` (sent over a connection of its own); `https://` sends `url`.
    pub target: Option<String>,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

impl Outgoing {
    /// The request as a receiver verifies it.
    pub fn signed_request(&self) -> crate::signature::SignedRequest<'_> {
        crate::signature::SignedRequest {
            method: &self.method,
            url: Some(self.url.as_str()),
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// The largest answer body hooky reads by default (`--max-response`): a server that streams without
/// end must not fill the memory.
pub const DEFAULT_MAX_RESPONSE: u64 = 16 * 1024 * 1024;
/// [`DEFAULT_MAX_RESPONSE`] as the flags write it.
pub const DEFAULT_MAX_RESPONSE_TEXT: &str = "16MiB";

/// How hard to try.
#[derive(Clone, Copy, Debug)]
pub struct RetryOptions {
    /// Retries after the first attempt (0 = try once).
    pub retries: u32,
    /// Time allowed for each attempt, connect to last byte.
    pub timeout: Duration,
    pub policy: BackoffPolicy,
    /// Largest answer body read, in bytes; a larger answer is a failed attempt, not retried.
    pub max_response: u64,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            retries: 3,
            timeout: Duration::from_secs(15),
            policy: BackoffPolicy::default(),
            max_response: DEFAULT_MAX_RESPONSE,
        }
    }
}

/// What one attempt got.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    pub status: Option<u16>,
    /// The transport error, when there was no answer (`connection refused`, `timed out`, …).
    pub error: Option<String>,
    pub latency: Duration,
}

impl Attempt {
    /// A short class for summaries: `2xx`, `4xx`, `5xx`, `timeout`, `connect`, `other`.
    pub fn class(&self) -> String {
        match (self.status, &self.error) {
            // Not `format!`: a load classes every request.
            (Some(status), _) => match status / 100 {
                digit @ 0..=9 => String::from_utf8(vec![b'0' + digit as u8, b'x', b'x'])
                    .expect("a digit and two x are ASCII"),
                hundreds => format!("{hundreds}xx"),
            },
            (None, Some(error)) if error.contains("timed out") => "timeout".into(),
            (None, Some(error)) if error.contains("connect") => "connect".into(),
            _ => "other".into(),
        }
    }
}

/// The final outcome of a delivery: the last attempt's answer, and every attempt made.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub attempts: Vec<Attempt>,
    pub response_headers: Vec<Header>,
    pub response_body: Vec<u8>,
    /// Total time, first attempt to last answer, waits included.
    pub elapsed: Duration,
    /// A `Retry-After` longer than [`MAX_RETRY_WAIT`] that ended the retries early.
    pub declined_retry_after: Option<Duration>,
}

impl Delivery {
    pub fn last(&self) -> &Attempt {
        self.attempts
            .last()
            .expect("a delivery makes at least one attempt")
    }

    pub fn status(&self) -> Option<u16> {
        self.last().status
    }

    pub fn is_success(&self) -> bool {
        self.status().is_some_and(|s| (200..300).contains(&s))
    }

    /// Why the retries stopped early, when a `Retry-After` asked for more than
    /// [`MAX_RETRY_WAIT`]: the one wording send and poll give.
    pub fn declined_retry_note(&self) -> Option<String> {
        self.declined_retry_after.map(|wait| {
            format!(
                "the receiver asked to retry in {} (Retry-After), longer than the {} hooky waits \
                 between attempts",
                crate::units::format_duration(wait),
                crate::units::format_duration(MAX_RETRY_WAIT)
            )
        })
    }
}

/// A retry about to happen: after which attempt, and how long hooky waits first.
#[derive(Clone, Debug)]
pub struct RetryNotice<'a> {
    pub attempt: &'a Attempt,
    pub wait: Duration,
    pub retry_after: Option<Duration>,
}

impl RetryNotice<'_> {
    /// The one wording of a retry for people: `attempt 1 answered 503; retrying in 2s`, with
    /// ` (Retry-After)` when the receiver chose the wait. The error text is escaped for a terminal.
    pub fn describe(&self) -> String {
        let what = match (self.attempt.status, &self.attempt.error) {
            (Some(status), _) => format!("answered {status}"),
            (None, Some(error)) => crate::output::sanitize_line(error),
            (None, None) => "failed".into(),
        };
        let hint = if self.retry_after.is_some() {
            " (Retry-After)"
        } else {
            ""
        };
        format!(
            "attempt {} {what}; retrying in {}{hint}",
            self.attempt.number,
            crate::units::format_duration(self.wait)
        )
    }
}

/// Checks that `url` is an http or https URL; the error names the flag (`what`) and says how to
/// fix it (`127.0.0.1:3000/hooks` gets the hint `http://127.0.0.1:3000/hooks`).
pub fn http_url(url: &str, what: &str) -> Result<reqwest::Url, crate::exit::CliError> {
    let hint = if url.contains("://") {
        "write a full URL, such as http://127.0.0.1:3000/webhooks".to_string()
    } else {
        format!("add the scheme: http://{url}")
    };
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(parsed),
        Ok(parsed) if url.contains("://") => Err(crate::exit::CliError::usage(format!(
            "{what} {url:?}: the scheme {} is not http or https",
            parsed.scheme()
        ))
        .with_hint(hint)),
        _ => Err(crate::exit::CliError::usage(format!(
            "{what} {url:?} is not an http or https URL"
        ))
        .with_hint(hint)),
    }
}

/// Parses the URL of a request hooky builds (its parts were checked with [`http_url`]).
pub fn parse_url(text: &str) -> Result<reqwest::Url, String> {
    reqwest::Url::parse(text).map_err(|e| format!("invalid URL {text:?}: {e}"))
}

/// A client for many deliveries: one connection pool, hooky's user agent, no redirects followed
/// (a webhook sender reports a 3xx rather than following it).
pub fn client(pool_per_host: usize) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(pool_per_host)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))
}

/// Sends one attempt and reads the whole answer, up to `max_response` bytes of body.
pub async fn send_once(
    client: &reqwest::Client,
    request: &Outgoing,
    timeout: Duration,
    max_response: u64,
) -> Result<Answer, String> {
    send_request(client, request, request.body.clone(), timeout, max_response)
        .await
        .map_err(|failure| failure.message)
}

/// An answer: status, headers, body.
pub type Answer = (u16, Vec<Header>, Vec<u8>);

/// Why an attempt got no usable answer, and whether trying again could help.
#[derive(Debug)]
pub struct SendFailure {
    pub message: String,
    pub retryable: bool,
}

impl SendFailure {
    /// A failure another attempt may not meet (a timeout, a refused connection).
    pub fn retryable(message: impl Into<String>) -> SendFailure {
        SendFailure {
            message: message.into(),
            retryable: true,
        }
    }

    /// A failure every attempt would meet (an invalid request, an answer over the limit).
    pub fn fatal(message: impl Into<String>) -> SendFailure {
        SendFailure {
            message: message.into(),
            retryable: false,
        }
    }
}

impl From<reqwest::Error> for SendFailure {
    fn from(error: reqwest::Error) -> Self {
        SendFailure::retryable(describe_error(error))
    }
}

/// What sends one attempt: the shared pooled client, or a load worker's own connection.
pub trait Transport {
    fn send(
        &mut self,
        request: Outgoing,
        timeout: Duration,
        max_response: u64,
    ) -> impl std::future::Future<Output = Result<Answer, SendFailure>> + Send;
}

impl Transport for &reqwest::Client {
    async fn send(
        &mut self,
        mut request: Outgoing,
        timeout: Duration,
        max_response: u64,
    ) -> Result<Answer, SendFailure> {
        // The request is not needed afterwards: its body moves instead of being copied.
        let body = std::mem::take(&mut request.body);
        send_request(self, &request, body, timeout, max_response).await
    }
}

impl Transport for crate::outbound::connection::Connection {
    async fn send(
        &mut self,
        request: Outgoing,
        timeout: Duration,
        max_response: u64,
    ) -> Result<Answer, SendFailure> {
        crate::outbound::connection::Connection::send(self, request, timeout, max_response).await
    }
}

/// An answer's headers as hooky's `(name, value)` list, values decoded leniently.
pub fn header_list(map: &reqwest::header::HeaderMap) -> Vec<Header> {
    // Sized once: the map's iterator does not say its length.
    let mut list = Vec::with_capacity(map.len());
    for (name, value) in map {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        list.push((name.as_str().to_owned(), value));
    }
    list
}

/// The error for an answer whose body is over the limit: it names the limit and the flag.
pub fn too_large_message(status: u16, max_response: u64) -> String {
    format!(
        "the answer ({status}) has a body over the --max-response limit of {max_response} bytes"
    )
}

async fn send_request(
    client: &reqwest::Client,
    request: &Outgoing,
    body: Vec<u8>,
    timeout: Duration,
    max_response: u64,
) -> Result<(u16, Vec<Header>, Vec<u8>), SendFailure> {
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| SendFailure {
            message: format!("invalid HTTP method {:?}", request.method),
            retryable: false,
        })?;
    // A target the HTTP library would refuse (`"`, which no HTTP/1.1 server accepts either)
    // goes the usual way, re-escaped.
    if let Some(target) = request
        .target
        .as_deref()
        .filter(|t| request.url.scheme() == "http" && t.parse::<hyper::Uri>().is_ok())
    {
        let exact = send_exact(request, method, target, body, max_response);
        return tokio::time::timeout(timeout, exact)
            .await
            .unwrap_or_else(|_| {
                Err(SendFailure {
                    message: "timed out".into(),
                    retryable: true,
                })
            });
    }
    let mut builder = client
        .request(method, request.url.clone())
        .timeout(timeout)
        .body(body);
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let mut response = builder.send().await?;
    let status = response.status().as_u16();
    let headers = header_list(response.headers());
    let too_large = || SendFailure {
        message: too_large_message(status, max_response),
        retryable: false,
    };
    if response.content_length().is_some_and(|n| n > max_response) {
        return Err(too_large());
    }
    // Read chunk by chunk, so an endless or oversized body stops at the limit.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > max_response {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}

/// Sends one request over a fresh HTTP/1.1 connection with its target exactly as given: reqwest
/// takes a parsed URL, which re-escapes some query bytes. Adds `Host` and `User-Agent` as reqwest
/// would when the request has none.
async fn send_exact(
    request: &Outgoing,
    method: reqwest::Method,
    target: &str,
    body: Vec<u8>,
    max_response: u64,
) -> Result<(u16, Vec<Header>, Vec<u8>), SendFailure> {
    let host = request.url.host_str().unwrap_or_default();
    let mut sender = connect_exact(request).await?;
    let outgoing = exact_request(request, host, method, target, body)?;
    let response = sender
        .send_request(outgoing)
        .await
        .map_err(|e| SendFailure::retryable(format!("request failed: {e}")))?;
    crate::outbound::connection::read_answer(response, max_response).await
}

type ExactSender =
    hyper::client::conn::http1::SendRequest<http_body_util::Full<hyper::body::Bytes>>;

/// A fresh HTTP/1.1 connection to the request's host, its connection task spawned (it ends with
/// the exchange: when the sender is dropped).
async fn connect_exact(request: &Outgoing) -> Result<ExactSender, SendFailure> {
    let host = request.url.host_str().unwrap_or_default();
    let port = request.url.port_or_known_default().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|e| SendFailure::retryable(format!("cannot connect: {e}")))?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| SendFailure::retryable(format!("cannot connect: {e}")))?;
    tokio::spawn(connection);
    Ok(sender)
}

/// The request with its target as given, and `Host` and `User-Agent` when it has none.
fn exact_request(
    request: &Outgoing,
    host: &str,
    method: reqwest::Method,
    target: &str,
    body: Vec<u8>,
) -> Result<hyper::Request<http_body_util::Full<hyper::body::Bytes>>, SendFailure> {
    let has = |name: &str| {
        request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let mut builder = hyper::Request::builder().method(method).uri(target);
    if !has("host") {
        // `host_str` keeps an IPv6 address's brackets; the port only when it is not the default.
        let authority = match request.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        builder = builder.header("host", authority);
    }
    if !has("user-agent") {
        builder = builder.header("user-agent", USER_AGENT);
    }
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(http_body_util::Full::new(hyper::body::Bytes::from(body)))
        .map_err(|e| SendFailure::fatal(format!("invalid request: {e}")))
}

/// Delivers with retries. `build(n)` makes the request for attempt `n` (1-based); `jitter()` returns
/// a number in `[0, 1)`; `on_retry` hears of each retry before its wait.
pub async fn deliver(
    client: &reqwest::Client,
    options: RetryOptions,
    build: impl FnMut(u32) -> Outgoing,
    jitter: impl FnMut() -> f64,
    on_retry: impl FnMut(RetryNotice<'_>),
) -> Delivery {
    deliver_with(&mut &*client, options, build, jitter, on_retry).await
}

/// [`deliver`] over any [`Transport`]: a load worker passes its own connection.
pub async fn deliver_with(
    transport: &mut impl Transport,
    options: RetryOptions,
    mut build: impl FnMut(u32) -> Outgoing,
    mut jitter: impl FnMut() -> f64,
    mut on_retry: impl FnMut(RetryNotice<'_>),
) -> Delivery {
    let started = Instant::now();
    let mut attempts = Vec::new();
    let mut number = 0;
    loop {
        number += 1;
        let request = build(number);
        let sent = Instant::now();
        let result = transport
            .send(request, options.timeout, options.max_response)
            .await;
        let (attempt, headers, body, retryable) = attempt_of(number, sent.elapsed(), result);
        let retry_after = crate::headers::get_one(&headers, "retry-after")
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let declined_retry_after = retry_after.filter(|wait| *wait > MAX_RETRY_WAIT);
        if !retryable || number > options.retries || declined_retry_after.is_some() {
            attempts.push(attempt);
            return Delivery {
                attempts,
                response_headers: headers,
                response_body: body,
                elapsed: started.elapsed(),
                declined_retry_after: declined_retry_after.filter(|_| retryable),
            };
        }
        let wait = options.policy.retry_delay(number, retry_after, jitter());
        on_retry(RetryNotice {
            attempt: &attempt,
            wait,
            retry_after,
        });
        attempts.push(attempt);
        tokio::time::sleep(wait).await;
    }
}

/// One attempt's record, the answer's headers and body (empty without an answer), and whether
/// another attempt could get a different answer.
fn attempt_of(
    number: u32,
    latency: Duration,
    result: Result<Answer, SendFailure>,
) -> (Attempt, Vec<Header>, Vec<u8>, bool) {
    let attempt = |status, error| Attempt {
        number,
        status,
        error,
        latency,
    };
    match result {
        Ok((status, headers, body)) => {
            let retryable = classify_status(status) == StatusClass::Retryable;
            (attempt(Some(status), None), headers, body, retryable)
        }
        Err(failure) => (
            attempt(None, Some(failure.message)),
            Vec::new(),
            Vec::new(),
            failure.retryable,
        ),
    }
}

/// A one-line description of a transport error, with its root cause (reqwest's own message is vague).
pub fn describe_error(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "broken response"
    } else if error.is_builder() {
        "invalid request"
    } else {
        "request failed"
    };
    let mut root: &dyn std::error::Error = &error;
    while let Some(source) = root.source() {
        root = source;
    }
    let root = root.to_string();
    if root == error.to_string() {
        kind.to_string()
    } else {
        format!("{kind}: {root}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lists_keep_order_and_repeats_and_decode_leniently() {
        use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
        let mut map = HeaderMap::new();
        let value = |bytes: &[u8]| HeaderValue::from_bytes(bytes).unwrap();
        map.append("content-type", value(b"text/plain"));
        map.append("set-cookie", value(b"a=1"));
        map.append("x-latin", value(b"caf\xe9 \xff"));
        map.append("set-cookie", value(b"b=2"));
        map.append(HeaderName::from_static("x-empty"), value(b""));
        let expected: Vec<Header> = map
            .iter()
            .map(|(n, v)| {
                let lossy = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), lossy)
            })
            .collect();
        let list = header_list(&map);
        assert_eq!(list, expected);
        assert_eq!(list.len(), 5);
        let latin = list.iter().find(|(n, _)| n == "x-latin").unwrap();
        assert_eq!(latin.1, "caf\u{fffd} \u{fffd}");
        assert!(header_list(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn urls_are_http_or_https_with_a_fix_in_the_hint() {
        assert!(http_url("http://127.0.0.1:9/hooks", "--to").is_ok());
        assert!(http_url("https://example.test/", "--to").is_ok());
        let bare = http_url("127.0.0.1:9/hooks", "--to").unwrap_err();
        assert_eq!(
            bare.hint.as_deref(),
            Some("add the scheme: http://127.0.0.1:9/hooks")
        );
        let ftp = http_url("ftp://h/x", "--to").unwrap_err();
        assert!(ftp.message.contains("the scheme ftp is not http or https"));
        assert!(http_url("", "--to").is_err());
        let forward = http_url("localhost:9", "--forward-to").unwrap_err();
        assert!(forward.message.starts_with("--forward-to"));
    }

    #[test]
    fn one_wording_for_a_retry() {
        let attempt = |status, error: Option<&str>| Attempt {
            number: 2,
            status,
            error: error.map(String::from),
            latency: Duration::ZERO,
        };
        let notice = |attempt, retry_after| RetryNotice {
            attempt,
            wait: Duration::from_secs(3),
            retry_after,
        };
        let answered = attempt(Some(503), None);
        assert_eq!(
            notice(&answered, Some(Duration::from_secs(3))).describe(),
            "attempt 2 answered 503; retrying in 3s (Retry-After)"
        );
        let refused = attempt(None, Some("cannot connect\x1b[2J"));
        assert_eq!(
            notice(&refused, None).describe(),
            "attempt 2 cannot connect\\x1b[2J; retrying in 3s"
        );
    }

    #[test]
    fn attempt_classes() {
        let attempt = |status, error: Option<&str>| Attempt {
            number: 1,
            status,
            error: error.map(str::to_string),
            latency: Duration::ZERO,
        };
        assert_eq!(attempt(Some(204), None).class(), "2xx");
        assert_eq!(attempt(Some(99), None).class(), "0xx");
        assert_eq!(attempt(Some(599), None).class(), "5xx");
        assert_eq!(attempt(Some(1000), None).class(), "10xx");
        assert_eq!(attempt(None, Some("timed out")).class(), "timeout");
        assert_eq!(
            attempt(None, Some("cannot connect: refused")).class(),
            "connect"
        );
        assert_eq!(attempt(None, Some("broken response")).class(), "other");
    }
}
