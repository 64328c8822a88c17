//! One HTTP/1.1 connection held by one load worker (`send --count`, `replay`): hyper's
//! connection-level client, the way load generators (oha, wrk) work. A pooled client costs ~20 µs of
//! bookkeeping per request (pool checkout, per-request task, timers); a worker that owns its
//! connection sends the next request as soon as the last answer is read, and reconnects only when
//! the server closed it. HTTPS goes through rustls with the same roots reqwest uses (webpki-roots).
//!
//! Requests a proxy must carry keep to reqwest (see [`proxy_configured`]).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper_util::rt::TokioIo;

use crate::headers::Header;
use crate::outbound::delivery::{Answer, Outgoing, SendFailure, USER_AGENT, too_large_message};

/// Whether the environment names a proxy (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, any case):
/// then loads go through reqwest, which honours them (and `NO_PROXY`) as a single send does.
pub fn proxy_configured() -> bool {
    ["http_proxy", "https_proxy", "all_proxy"]
        .iter()
        .any(|name| {
            [name.to_string(), name.to_ascii_uppercase()]
                .iter()
                .any(|n| std::env::var_os(n).is_some_and(|v| !v.is_empty()))
        })
}

/// How a load worker sends: over a connection of its own, or (when a proxy is configured) through
/// the shared pooled client, which knows proxies.
pub enum WorkerTransport {
    /// Boxed: a connection keeps its last request's parsed headers.
    Own(Box<Connection>),
    Pooled(reqwest::Client),
}

impl WorkerTransport {
    /// A connection of its own, unless the environment names a proxy: then a clone of `pooled`.
    pub fn new(pooled: &reqwest::Client, proxy: bool) -> WorkerTransport {
        if proxy {
            WorkerTransport::Pooled(pooled.clone())
        } else {
            WorkerTransport::Own(Box::new(Connection::new()))
        }
    }
}

impl crate::outbound::delivery::Transport for WorkerTransport {
    async fn send(
        &mut self,
        request: Outgoing,
        timeout: Duration,
        max_response: u64,
    ) -> Result<Answer, SendFailure> {
        match self {
            WorkerTransport::Own(connection) => {
                connection.send(request, timeout, max_response).await
            }
            WorkerTransport::Pooled(client) => {
                crate::outbound::delivery::Transport::send(
                    &mut &*client,
                    request,
                    timeout,
                    max_response,
                )
                .await
            }
        }
    }
}

/// Where a connection goes: scheme, host and port of a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Endpoint {
    https: bool,
    /// The host as the URL writes it (an IPv6 address in brackets).
    host: String,
    port: u16,
}

impl Endpoint {
    fn of(url: &reqwest::Url) -> Result<Endpoint, SendFailure> {
        let https = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(SendFailure::fatal(format!("unsupported scheme {other}"))),
        };
        Ok(Endpoint {
            https,
            host: url.host_str().unwrap_or_default().to_string(),
            port: url.port_or_known_default().unwrap_or(80),
        })
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    fn authority(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The TLS settings of every connection: built once (reading the root store is not free).
fn tls_connector() -> tokio_rustls::TlsConnector {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(config)
    });
    tokio_rustls::TlsConnector::from(config.clone())
}

/// A worker's connection: opened on first use, reopened when the server closed it.
#[derive(Default)]
pub struct Connection {
    open: Option<(Endpoint, SendRequest<Full<Bytes>>)>,
    /// Prebuilt `Host` value for the endpoint last connected to.
    host: Option<HeaderValue>,
    /// The last request's headers and target, parsed: a load sends the same ones again and again.
    parsed: ParsedHeaders,
    /// The last target: whether it was `request.target` (else the URL), its text, and parsed.
    uri: Option<(bool, String, hyper::Uri)>,
}

/// The headers of the last request, parsed, so that the next one's that repeat them are not
/// parsed again: a header with the same name at the same place reuses the parsed name, and with the
/// same value too, the parsed value; the longest run of such headers from the first one is kept as
/// a map, cloned instead of built. The map is the one building it afresh makes: the same headers
/// appended in the same order.
#[derive(Default)]
struct ParsedHeaders {
    last: Vec<(HeaderName, HeaderValue)>,
    /// The map of `last[..prefix_len]`.
    prefix: HeaderMap,
    prefix_len: usize,
}

impl ParsedHeaders {
    /// `headers` as a map, parsed as [`append_headers`] parses them, with room for two more.
    fn map(&mut self, headers: &[Header]) -> Result<HeaderMap, String> {
        let same = |(name, value): &Header, (n, v): &(HeaderName, HeaderValue)| {
            n.as_str().eq_ignore_ascii_case(name) && v.as_bytes() == value.as_bytes()
        };
        let repeated = headers
            .iter()
            .zip(&self.last)
            .take_while(|(given, parsed)| same(given, parsed))
            .count();
        // More than a header map holds (32,768) is an invalid request, not a panic.
        let too_many = |_| format!("too many headers ({})", headers.len());
        if repeated != self.prefix_len {
            self.prefix_len = usize::MAX; // until the map is whole again
            self.prefix = HeaderMap::try_with_capacity(headers.len() + 2).map_err(too_many)?;
            for (name, value) in &self.last[..repeated] {
                self.prefix
                    .try_append(name.clone(), value.clone())
                    .map_err(too_many)?;
            }
            self.prefix_len = repeated;
        }
        let mut map = self.prefix.clone();
        map.try_reserve(headers.len() - repeated + 2)
            .map_err(too_many)?;
        for (index, (name, value)) in headers.iter().enumerate().skip(repeated) {
            let kept = self.last.get(index);
            let name = match kept {
                Some((n, _)) if n.as_str().eq_ignore_ascii_case(name) => n.clone(),
                _ => HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("invalid header name {name:?}"))?,
            };
            let value = match kept {
                Some((_, v)) if v.as_bytes() == value.as_bytes() => v.clone(),
                _ => HeaderValue::from_str(value)
                    .map_err(|_| format!("invalid value for header {name}"))?,
            };
            map.try_append(name.clone(), value.clone())
                .map_err(too_many)?;
            match self.last.get_mut(index) {
                Some(slot) => *slot = (name, value),
                None => self.last.push((name, value)),
            }
        }
        self.last.truncate(headers.len());
        Ok(map)
    }
}

impl Connection {
    pub fn new() -> Connection {
        Connection::default()
    }

    /// Sends one request and reads its whole answer (up to `max_response` bytes of body) within
    /// `timeout`, connect included. A timed-out or broken connection is dropped, never reused.
    pub async fn send(
        &mut self,
        request: Outgoing,
        timeout: Duration,
        max_response: u64,
    ) -> Result<Answer, SendFailure> {
        match tokio::time::timeout(timeout, self.exchange(request, max_response)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(failure)) => {
                self.open = None;
                Err(failure)
            }
            Err(_) => {
                self.open = None;
                Err(SendFailure::retryable("timed out"))
            }
        }
    }

    async fn exchange(
        &mut self,
        request: Outgoing,
        max_response: u64,
    ) -> Result<Answer, SendFailure> {
        let endpoint = Endpoint::of(&request.url)?;
        let mut outgoing = self.hyper_request(&endpoint, request)?;
        // A kept-alive connection the server has closed meanwhile takes the request back unsent:
        // it goes once more over a fresh connection, as any HTTP client does.
        let mut fresh = false;
        let response = loop {
            let sender = self.ready_sender(&endpoint, &mut fresh).await?;
            match sender.try_send_request(outgoing).await {
                Ok(response) => break response,
                Err(mut error) => {
                    self.open = None;
                    match error.take_message() {
                        Some(unsent) if !fresh => outgoing = unsent,
                        _ => {
                            return Err(SendFailure::retryable(format!(
                                "request failed: {}",
                                error.into_error()
                            )));
                        }
                    }
                }
            }
        };
        read_answer(response, max_response).await
    }

    /// The open connection to `endpoint` ready for a request, or a new one (`fresh` says which).
    async fn ready_sender(
        &mut self,
        endpoint: &Endpoint,
        fresh: &mut bool,
    ) -> Result<&mut SendRequest<Full<Bytes>>, SendFailure> {
        let usable = match &mut self.open {
            Some((open_to, sender)) => open_to == endpoint && sender.ready().await.is_ok(),
            None => false,
        };
        if !usable {
            self.open = None;
        }
        if self.open.is_none() {
            let sender = connect(endpoint).await?;
            self.open = Some((endpoint.clone(), sender));
            *fresh = true;
        }
        Ok(&mut self.open.as_mut().expect("opened above").1)
    }

    /// The hyper request for `request`: its headers in order, `Host` and `User-Agent` added when
    /// absent, the path and query exactly as given when `request.target` says so.
    fn hyper_request(
        &mut self,
        endpoint: &Endpoint,
        request: Outgoing,
    ) -> Result<hyper::Request<Full<Bytes>>, SendFailure> {
        let invalid = |what: String| SendFailure::fatal(format!("invalid request: {what}"));
        let method = hyper::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| SendFailure::fatal(format!("invalid HTTP method {:?}", request.method)))?;
        let uri = self.uri(&request).map_err(invalid)?;
        let mut headers = self.parsed.map(&request.headers).map_err(invalid)?;
        // The names just parsed say it without hashing into the map.
        let has = |name: &HeaderName| self.parsed.last.iter().any(|(n, _)| n == name);
        let (has_host, has_user_agent) =
            (has(&hyper::header::HOST), has(&hyper::header::USER_AGENT));
        if !has_host {
            let host = self.host_value(endpoint).map_err(invalid)?;
            headers
                .try_insert(hyper::header::HOST, host)
                .map_err(|e| invalid(e.to_string()))?;
        }
        if !has_user_agent {
            headers
                .try_insert(
                    hyper::header::USER_AGENT,
                    HeaderValue::from_static(USER_AGENT),
                )
                .map_err(|e| invalid(e.to_string()))?;
        }
        let mut outgoing = hyper::Request::new(Full::new(Bytes::from(request.body)));
        *outgoing.method_mut() = method;
        *outgoing.uri_mut() = uri;
        *outgoing.headers_mut() = headers;
        Ok(outgoing)
    }

    /// The request target: `request.target` when it parses, else the URL's path and query. The
    /// last one is kept, parsed, for the next request to the same.
    fn uri(&mut self, request: &Outgoing) -> Result<hyper::Uri, String> {
        let kept = |is_target: bool, text: &str| match &self.uri {
            Some((t, kept, uri)) if *t == is_target && kept == text => Some(uri.clone()),
            _ => None,
        };
        if let Some(target) = &request.target {
            if let Some(uri) = kept(true, target) {
                return Ok(uri);
            }
            if let Ok(uri) = target.parse::<hyper::Uri>() {
                self.uri = Some((true, target.clone(), uri.clone()));
                return Ok(uri);
            }
        }
        let url = request.url.as_str();
        if let Some(uri) = kept(false, url) {
            return Ok(uri);
        }
        let uri: hyper::Uri = path_and_query(&request.url)
            .parse()
            .map_err(|e: hyper::http::uri::InvalidUri| e.to_string())?;
        self.uri = Some((false, url.to_string(), uri.clone()));
        Ok(uri)
    }

    fn host_value(&mut self, endpoint: &Endpoint) -> Result<HeaderValue, String> {
        let current = self.open.as_ref().is_some_and(|(e, _)| e == endpoint);
        match &self.host {
            Some(host) if current => Ok(host.clone()),
            _ => {
                let host =
                    HeaderValue::from_str(&endpoint.authority()).map_err(|e| e.to_string())?;
                self.host = Some(host.clone());
                Ok(host)
            }
        }
    }
}

/// The request target of a URL: its path, and its query when it has one.
fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// Adds `(name, value)` pairs to a header map, keeping repeated names.
pub fn append_headers(map: &mut HeaderMap, headers: &[Header]) -> Result<(), String> {
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))?;
        let value =
            HeaderValue::from_str(value).map_err(|_| format!("invalid value for header {name}"))?;
        map.append(name, value);
    }
    Ok(())
}

async fn connect(endpoint: &Endpoint) -> Result<SendRequest<Full<Bytes>>, SendFailure> {
    let failed = |e: &dyn std::fmt::Display| SendFailure::retryable(format!("cannot connect: {e}"));
    let host = endpoint.host.trim_matches(['[', ']']);
    let stream = tokio::net::TcpStream::connect((host, endpoint.port))
        .await
        .map_err(|e| failed(&e))?;
    let _ = stream.set_nodelay(true);
    if !endpoint.https {
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| failed(&e))?;
        tokio::spawn(connection);
        return Ok(sender);
    }
    let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| failed(&e))?;
    let tls = tls_connector()
        .connect(name, stream)
        .await
        .map_err(|e| failed(&e))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|e| failed(&e))?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Reads an answer's status, headers and body, refusing a body over `max_response` bytes.
pub(crate) async fn read_answer(
    response: hyper::Response<hyper::body::Incoming>,
    max_response: u64,
) -> Result<Answer, SendFailure> {
    let status = response.status().as_u16();
    let headers = crate::outbound::delivery::header_list(response.headers());
    let too_large = || SendFailure::fatal(too_large_message(status, max_response));
    let declared = response
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_response) {
        return Err(too_large());
    }
    let mut incoming = response.into_body();
    let mut body = Vec::new();
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|e| SendFailure::retryable(format!("broken response: {e}")))?;
        if let Some(chunk) = frame.data_ref() {
            if (body.len() + chunk.len()) as u64 > max_response {
                return Err(too_large());
            }
            body.extend_from_slice(chunk);
        }
    }
    Ok((status, headers, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_carries_the_port_only_when_it_is_not_the_default() {
        let endpoint = |url: &str| Endpoint::of(&reqwest::Url::parse(url).unwrap()).unwrap();
        assert_eq!(
            endpoint("http://127.0.0.1:8080/x").authority(),
            "127.0.0.1:8080"
        );
        assert_eq!(endpoint("http://example.test/").authority(), "example.test");
        assert_eq!(
            endpoint("https://example.test:443/").authority(),
            "example.test"
        );
        assert_eq!(endpoint("https://[::1]:9/").authority(), "[::1]:9");
        assert!(endpoint("https://h/").https);
    }

    #[test]
    fn parsed_headers_make_the_map_a_fresh_parse_makes() {
        let list = |pairs: &[(&str, &str)]| -> Vec<Header> {
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let requests = [
            list(&[("Content-Type", "a/json"), ("X-Event", "e"), ("X-Sig", "1")]),
            list(&[("Content-Type", "a/json"), ("X-Event", "e"), ("X-Sig", "2")]),
            list(&[("Content-Type", "a/json"), ("X-Event", "e"), ("X-Sig", "3")]),
            list(&[("content-type", "a/json"), ("X-Event", "f"), ("X-Sig", "3")]),
            list(&[("Content-Type", "a/json")]),
            list(&[
                ("Content-Type", "a/json"),
                ("X-Dup", "1"),
                ("x-dup", "2"),
                ("X-Sig", "4"),
            ]),
            list(&[
                ("Content-Type", "a/json"),
                ("X-Dup", "1"),
                ("X-Sig", "b\nad"),
            ]),
            list(&[
                ("Content-Type", "a/json"),
                ("X-Dup", "1"),
                ("x-dup", "2"),
                ("X-Sig", "5"),
            ]),
            list(&[("a b", "v")]),
            list(&[("X-Dup", "2"), ("Content-Type", "a/json"), ("X-Dup", "1")]),
            list(&[]),
            list(&[("Content-Type", "a/json"), ("X-Event", "e"), ("X-Sig", "6")]),
        ];
        let mut parsed = ParsedHeaders::default();
        for headers in &requests {
            let mut fresh = HeaderMap::new();
            let expected = append_headers(&mut fresh, headers).map(|()| fresh);
            let got = parsed.map(headers);
            match (got, expected) {
                (Ok(got), Ok(expected)) => {
                    let pairs = |m: &HeaderMap| -> Vec<(String, Vec<u8>)> {
                        m.iter()
                            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                            .collect()
                    };
                    assert_eq!(pairs(&got), pairs(&expected), "{headers:?}");
                }
                (Err(got), Err(expected)) => assert_eq!(got, expected),
                (got, expected) => panic!("{headers:?}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn more_headers_than_a_map_holds_are_an_error_not_a_panic() {
        let many: Vec<Header> = (0..40_000)
            .map(|i| (format!("x-h{i}"), "v".to_string()))
            .collect();
        let mut parsed = ParsedHeaders::default();
        assert_eq!(parsed.map(&many).unwrap_err(), "too many headers (40000)");
        let few = vec![("x-a".to_string(), "1".to_string())];
        let map = parsed.map(&few).unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(parsed.map(&many[..3]).unwrap().len(), 3);
        assert!(parsed.map(&many).is_err());
        assert_eq!(parsed.map(&many[..3]).unwrap().len(), 3);
    }

    #[test]
    fn repeated_headers_are_kept_in_order_and_bad_ones_named() {
        let mut map = HeaderMap::new();
        let headers = vec![
            ("X-Dup".to_string(), "1".to_string()),
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-dup".to_string(), "2".to_string()),
        ];
        append_headers(&mut map, &headers).unwrap();
        let dup: Vec<&str> = map
            .get_all("x-dup")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(dup, ["1", "2"]);
        let bad = append_headers(&mut map, &[("X".into(), "a\nb".into())]).unwrap_err();
        assert!(bad.contains("invalid value for header x"), "{bad}");
        let bad = append_headers(&mut map, &[("a b".into(), "v".into())]).unwrap_err();
        assert!(bad.contains("invalid header name"), "{bad}");
    }
}
