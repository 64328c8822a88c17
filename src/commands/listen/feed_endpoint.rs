//! The demo feed of captured requests at `/_hooky/requests`, served from the capture file (never
//! from memory), with a strong ETag, `Last-Modified` and 304s. The capture index says where each
//! record starts, so a page reads only its own records, and a page is bounded: bodies cut to
//! [`feed::ITEM_BODY_LIMIT`], items to about [`feed::PAGE_BUDGET`]. It sits behind `web`'s gate
//! (peer, Host, access key), like every `/_hooky/` endpoint.

use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{HeaderMap, Method, Response, Uri};
use serde::Deserialize;

use super::{Answer, Listener, json_answer};
use crate::capture::CaptureRecord;
use crate::capture::feed;
use crate::capture::index::{self as capture_index, CaptureIndex};

/// Reads up to `count` records after `since` from the capture file (blocking), each made into a
/// value by `make` with its size; stops early once the sizes add up to `budget`. Also says whether
/// more records follow. The index is held only to find where to start.
pub fn read_after<T>(
    path: &Path,
    index: &RwLock<CaptureIndex>,
    since: u64,
    count: usize,
    budget: usize,
    mut make: impl FnMut(CaptureRecord) -> (T, usize),
) -> std::io::Result<(Vec<T>, bool)> {
    let (start, last_seq) = {
        let index = index.read().expect("no panics while locked");
        (index.start_for(since.saturating_add(1)), index.last_seq())
    };
    let Some(start) = start else {
        return Ok((Vec::new(), false));
    };
    let mut values = Vec::new();
    let mut size = 0;
    let mut stopped = false;
    let last = capture_index::visit_after(path, start, since, |record| {
        let (value, bytes) = make(record);
        values.push(value);
        size += bytes;
        stopped = values.len() >= count || size >= budget;
        !stopped
    })?;
    let more = stopped && last_seq > last;
    Ok((values, more))
}

/// The record `seq`, read from the index's nearest mark.
pub async fn record(state: &Listener, seq: u64) -> std::io::Result<Option<CaptureRecord>> {
    let (Some(path), Some(index)) = (state.capture_path.clone(), &state.index) else {
        return Ok(None);
    };
    let start = index.read().expect("no panics while locked").start_for(seq);
    let Some(start) = start.filter(|_| seq > 0) else {
        return Ok(None);
    };
    let read = tokio::task::spawn_blocking(move || capture_index::record_at(&path, start, seq))
        .await
        .map_err(std::io::Error::other)?;
    match read {
        // The file went away: it has no records.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        read => read,
    }
}

/// A feed item and what it counts against the page budget: its body, and the rest generously.
fn sized_item(record: CaptureRecord) -> (serde_json::Value, usize) {
    let item = feed::item(&record);
    let size = item["body"].as_str().map_or(0, str::len) + 1024;
    (item, size)
}

/// `?since=&limit=` of a feed page, checked by [`feed::page_query`].
#[derive(Deserialize)]
pub struct PageQuery {
    since: Option<String>,
    limit: Option<String>,
}

/// `GET /_hooky/requests?since=<seq>&limit=<n>`: a page of captures after `since`, with a `Link`
/// to the next page when there is more.
pub async fn page(
    State(state): State<Arc<Listener>>,
    method: Method,
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Answer {
    let Some(path) = state.capture_path.clone() else {
        return no_capture();
    };
    let query = match &query {
        Ok(Query(query)) => feed::page_query(query.since.as_deref(), query.limit.as_deref()),
        Err(rejection) => Err(rejection.body_text()),
    };
    let (since, limit) = match query {
        Ok(parsed) => parsed,
        Err(message) => return json_answer(400, &feed::error("bad_query", &message)),
    };
    let Some(index) = state.index.clone() else {
        return json_answer(
            500,
            &feed::error("capture_unreadable", "the capture file is not indexed"),
        );
    };
    let read = tokio::task::spawn_blocking(move || {
        read_after(&path, &index, since, limit, feed::PAGE_BUDGET, sized_item)
    })
    .await;
    let (items, more) = match read {
        Ok(Ok(read)) => read,
        Ok(Err(error)) if error.kind() == std::io::ErrorKind::NotFound => (Vec::new(), false),
        _ => return unreadable(),
    };
    let page = feed::page(items, since, more);
    let next = more
        .then(|| page["next_since"].as_u64())
        .flatten()
        .map(|after| feed::next_link(after, limit));
    cached_json(&page, &method, &headers, next)
}

/// `GET /_hooky/requests/<seq>`: one capture.
pub async fn record_answer(
    state: &Listener,
    seq: u64,
    method: &Method,
    headers: &HeaderMap,
) -> Answer {
    if state.capture_path.is_none() {
        return no_capture();
    }
    match record(state, seq).await {
        Ok(Some(record)) => {
            let body = serde_json::to_value(&record).expect("a record serialises");
            cached_json(&body, method, headers, None)
        }
        Ok(None) => json_answer(
            404,
            &feed::error("not_found", &format!("no capture #{seq}")),
        ),
        Err(_) => unreadable(),
    }
}

/// The feed's answer to anything but GET and HEAD.
pub async fn read_only() -> Answer {
    let mut answer = json_answer(
        405,
        &feed::error("method_not_allowed", "the feed is read-only: use GET"),
    );
    answer
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    answer
}

/// Anything under `/_hooky/` that no route serves: the feed's answers, as the feed was asked.
pub async fn not_found(method: Method, uri: Uri) -> Answer {
    if method != Method::GET && method != Method::HEAD {
        return read_only().await;
    }
    // `/_hooky/requests/<anything deeper>` names a record badly; elsewhere nothing is served.
    if uri.path().starts_with("/_hooky/requests/") {
        return bad_seq();
    }
    json_answer(
        404,
        &feed::error(
            "not_found",
            "hooky serves /_hooky/requests?since=<seq> and /_hooky/requests/<seq>",
        ),
    )
}

pub fn bad_seq() -> Answer {
    json_answer(
        400,
        &feed::error("bad_seq", "use /_hooky/requests/<sequence number>"),
    )
}

fn no_capture() -> Answer {
    json_answer(
        404,
        &feed::error(
            "no_capture",
            "the feed is served from the capture file, and this listener runs with --no-capture",
        ),
    )
}

fn unreadable() -> Answer {
    json_answer(
        500,
        &feed::error("capture_unreadable", "cannot read the capture file"),
    )
}

/// `body` as JSON with a strong ETag (304 when `If-None-Match` has it), `Last-Modified`, and the
/// `Link` to the next page; no body for HEAD.
fn cached_json(
    body: &serde_json::Value,
    method: &Method,
    headers: &HeaderMap,
    next: Option<String>,
) -> Answer {
    let bytes = Bytes::from(body.to_string());
    let etag = feed::etag(&bytes);
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|header| feed::if_none_match(header, &etag));
    let mut answer = if not_modified {
        let mut answer = Response::new(Full::new(Bytes::new()));
        *answer.status_mut() = hyper::StatusCode::NOT_MODIFIED;
        answer
    } else {
        let mut answer = json_answer(200, &serde_json::Value::Null);
        *answer.body_mut() = Full::new(if method == Method::HEAD {
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
    if let Some(value) = last_modified(body).and_then(|v| HeaderValue::from_str(&v).ok()) {
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
