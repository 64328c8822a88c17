//! The demo feed of captured requests at `/_hooky/requests`, served from the capture file (never
//! from memory), with a strong ETag, `Last-Modified` and 304s. It sits behind `web`'s Host check
//! against DNS rebinding, like every `/_hooky/` endpoint.

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response};

use super::{Answer, Listener, json_answer};
use crate::feed;

pub async fn serve(state: &Listener, request: &Request<Incoming>) -> Answer {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut answer = json_answer(
            405,
            &feed::error("method_not_allowed", "the feed is read-only: use GET"),
        );
        answer
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return answer;
    }
    let Some(path) = state.capture_path.clone() else {
        return json_answer(
            404,
            &feed::error(
                "no_capture",
                "the feed is served from the capture file, and this listener runs with --no-capture",
            ),
        );
    };
    let route = request.uri().path().trim_end_matches('/').to_string();
    let query = request.uri().query().map(str::to_string);
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);

    let mut next = None;
    let body = if route == "/_hooky/requests" {
        let (since, limit) = match feed::parse_query(query.as_deref()) {
            Ok(parsed) => parsed,
            Err(message) => return json_answer(400, &feed::error("bad_query", &message)),
        };
        let read = tokio::task::spawn_blocking(move || {
            crate::capture_file::records_after(&path, since, limit)
        })
        .await;
        match read {
            Ok(Ok((records, more))) => {
                let items = records.iter().map(feed::item).collect();
                let page = feed::page(items, since, more);
                if more {
                    next = page["next_since"]
                        .as_u64()
                        .map(|after| feed::next_link(after, limit));
                }
                page
            }
            Ok(Err(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                feed::page(Vec::new(), since, false)
            }
            _ => {
                return json_answer(
                    500,
                    &feed::error("capture_unreadable", "cannot read the capture file"),
                );
            }
        }
    } else if let Some(seq) = route.strip_prefix("/_hooky/requests/") {
        let Ok(seq) = seq.parse::<u64>() else {
            return json_answer(
                400,
                &feed::error("bad_seq", "use /_hooky/requests/<sequence number>"),
            );
        };
        let read =
            tokio::task::spawn_blocking(move || crate::capture_file::record_at(&path, seq)).await;
        match read {
            Ok(Ok(Some(record))) => serde_json::to_value(&record).expect("a record serialises"),
            Ok(Ok(None)) | Ok(Err(_)) => {
                return json_answer(
                    404,
                    &feed::error("not_found", &format!("no capture #{seq}")),
                );
            }
            Err(_) => {
                return json_answer(
                    500,
                    &feed::error("capture_unreadable", "cannot read the capture file"),
                );
            }
        }
    } else {
        return json_answer(
            404,
            &feed::error(
                "not_found",
                "hooky serves /_hooky/requests?since=<seq> and /_hooky/requests/<seq>",
            ),
        );
    };

    let bytes = Bytes::from(body.to_string());
    let etag = feed::etag(&bytes);
    let last_modified = last_modified(&body);
    let not_modified = if_none_match
        .as_deref()
        .is_some_and(|header| feed::if_none_match(header, &etag));
    let mut answer = if not_modified {
        let mut answer = Response::new(Full::new(Bytes::new()));
        *answer.status_mut() = hyper::StatusCode::NOT_MODIFIED;
        answer
    } else {
        let mut answer = json_answer(200, &serde_json::Value::Null);
        *answer.body_mut() = Full::new(if request.method() == Method::HEAD {
            Bytes::new()
        } else {
            bytes
        });
        answer
    };
    let headers = answer.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = last_modified.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(value) = next.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(header::LINK, value);
    }
    answer
}

/// The HTTP date of the newest item shown (a page's last item, or the record itself).
fn last_modified(body: &serde_json::Value) -> Option<String> {
    let received = match body.get("items") {
        Some(items) => items.as_array()?.last()?.get("received_at")?,
        None => body.get("received_at")?,
    };
    let time = chrono::DateTime::parse_from_rfc3339(received.as_str()?).ok()?;
    Some(httpdate::fmt_http_date(time.into()))
}
