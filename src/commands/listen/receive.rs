//! The first step of each request: its head and its body read off the wire (bounded in size and
//! time) into a [`Received`].

use std::future::Future;
use std::net::SocketAddr;
use std::task::Poll;

use http_body_util::{BodyExt, Limited};
use hyper::Request;
use hyper::body::{Bytes, Incoming};

use super::Listener;
use super::answer::{Answer, json_answer};
use crate::headers::Header;
use crate::output::sanitize_line;

/// A request as read off the wire: its head, and its body unless that was too large.
pub(super) struct Received {
    /// When hooky started on it, for the latency shown.
    pub(super) started: std::time::Instant,
    pub(super) at: chrono::DateTime<chrono::Utc>,
    pub(super) remote: SocketAddr,
    pub(super) method: hyper::Method,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: Vec<Header>,
    /// Empty when the body was too large.
    pub(super) body: Bytes,
    /// The size of a body over `--max-body` (declared, or just over the limit when it was cut).
    pub(super) too_large: Option<u64>,
    /// The body's top-level event fields, read once for the handshakes and the event fields.
    pub(super) fields: crate::webhook::event::BodyFields,
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
    let mut collect = std::pin::pin!(Limited::new(request.into_body(), limit).collect());
    // A body that arrived with its head (nearly every webhook) is complete at the first look, and
    // needs no timer: arming and dropping one cost about 500 instructions a request.
    let first_look = std::future::poll_fn(|cx| Poll::Ready(collect.as_mut().poll(cx))).await;
    let collected = match first_look {
        Poll::Ready(collected) => Ok(collected),
        Poll::Pending => tokio::time::timeout(state.client_timeout, collect).await,
    };
    match collected {
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

/// Reads the head and the body (bounded in size and time). A client that broke off or stalled
/// gets its answer (`Err`) and no capture.
pub(super) async fn read(
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
                // Almost every value is UTF-8: checked at once, not walked chunk by chunk.
                match std::str::from_utf8(value.as_bytes()) {
                    Ok(text) => text.to_owned(),
                    Err(_) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
                },
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
    let fields = crate::webhook::event::BodyFields::read(&body);
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
        fields,
    })
}
