//! The answers hooky gives: its own JSON refusals, a handshake's, the `--respond` plan's, and the
//! `--forward-to` app's passed on (with its preview for people). Which one a request gets is
//! [`decide`](super::decide::decide)'s choice; the plans themselves are in [`super::respond`].

use http_body_util::Full;
use hyper::Response;
use hyper::body::Bytes;

use super::forward::{Forwarder, Relayed};
use super::receive::Received;
use super::{Listener, handshake, respond};
use crate::capture::CaptureRecord;
use crate::output::sanitize_line;

/// An answer of the receiver, read whole.
pub(super) type Answer = Response<Full<Bytes>>;

pub(super) fn json_answer(status: u16, value: &serde_json::Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// hooky's answer to a handshake: exactly the provider's format, never sniffed as anything else.
pub(super) fn handshake_answer(handshake: &handshake::Handshake) -> Answer {
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

/// Relays the request to the `--forward-to` app; its answer (or hooky's 502/504) and its preview.
pub(super) async fn forward(
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

/// The answer to a request the capture file could not take.
pub(super) fn capture_failed() -> Answer {
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

/// The answer the plan chose, with `--response-body` and `--response-header` applied.
pub(super) fn planned_answer(state: &Listener, plan: &respond::Answer) -> Answer {
    let (body, content_type) = match &state.response_body {
        Some((body, content_type)) => (body.clone(), *content_type),
        // The usual answer, without a string made for it per request.
        None if (200..300).contains(&plan.status) => (
            Bytes::from_static(respond::RECEIVED_BODY.as_bytes()),
            "application/json",
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

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
