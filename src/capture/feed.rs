//! The demo feed `hooky listen` serves at `/_hooky/requests`: feed items made from capture records,
//! the strong ETag, `If-None-Match` matching, and the Host check that keeps a web page on another
//! origin from reading it through DNS rebinding. Pure; the listener does the IO.

use serde::Serialize;
use serde_json::{Value, json};

use crate::capture::{BodyEncoding, CaptureRecord, CaptureSummary};

/// The reserved path prefix of hooky's own endpoints.
pub const PREFIX: &str = "/_hooky/";
/// Items per page unless `limit` says otherwise, and the most a page holds.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

/// The most of a body a feed item carries (in its stored form): a longer one is cut there and the
/// item says `"body_truncated": true`; `/_hooky/requests/<seq>` has the whole record.
pub const ITEM_BODY_LIMIT: usize = 64 * 1024;

/// A page stops growing once its items hold about this much; it then says `has_more`.
pub const PAGE_BUDGET: usize = 4 * 1024 * 1024;

/// A body in its stored form cut to at most `limit` bytes (on a character boundary for text, on a
/// 4-character group for base64, so it still decodes), and whether it was cut.
pub fn cut_body(body: &str, encoding: BodyEncoding, limit: usize) -> (&str, bool) {
    if body.len() <= limit {
        return (body, false);
    }
    let mut end = match encoding {
        BodyEncoding::Base64 => limit - limit % 4,
        BodyEncoding::Utf8 => limit,
    };
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    (&body[..end], true)
}

/// One feed item: the capture's summary (as HAR's `_hooky` and `replay --list --json` have it),
/// the event type again as `type` (the field a poller looks for first), and the body in its stored
/// form, cut to [`ITEM_BODY_LIMIT`].
#[derive(Debug, Serialize)]
pub struct FeedItem<'a> {
    #[serde(flatten)]
    pub capture: CaptureSummary<'a>,
    #[serde(rename = "type")]
    pub event_type: Option<&'a str>,
    pub body: Option<&'a str>,
    pub body_encoding: BodyEncoding,
    /// Only when the body was cut.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
}

impl<'a> From<&'a CaptureRecord> for FeedItem<'a> {
    fn from(record: &'a CaptureRecord) -> Self {
        let (body, body_truncated) = match record.body.as_deref() {
            Some(body) => {
                let (cut, truncated) = cut_body(body, record.body_encoding, ITEM_BODY_LIMIT);
                (Some(cut), truncated)
            }
            None => (None, false),
        };
        FeedItem {
            capture: CaptureSummary::from(record),
            event_type: record.event_type.as_deref(),
            body,
            body_encoding: record.body_encoding,
            body_truncated,
        }
    }
}

/// One feed item (see [`FeedItem`]) as JSON.
pub fn item(record: &CaptureRecord) -> Value {
    serde_json::to_value(FeedItem::from(record)).expect("a feed item always serialises")
}

/// The page body for `?since=`: the items and the cursor to ask from next.
pub fn page(items: Vec<Value>, since: u64, has_more: bool) -> Value {
    let next = items
        .last()
        .and_then(|i| i["seq"].as_u64())
        .unwrap_or(since);
    json!({ "items": items, "next_since": next, "has_more": has_more })
}

/// A strong ETag for a response body: a digest of its bytes.
pub fn etag(body: &[u8]) -> String {
    format!("\"{}\"", &crate::capture::sha256_hex(body)[..32])
}

/// Whether an `If-None-Match` value matches `etag` (weak comparison, as RFC 9110 asks for it).
pub fn if_none_match(header: &str, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    header.trim() == "*" || header.split(',').any(|tag| bare(tag) == bare(etag))
}

/// Checks the `since` (default 0) and `limit` of a feed request's query; `limit` is clamped.
pub fn page_query(since: Option<&str>, limit: Option<&str>) -> Result<(u64, usize), String> {
    let since = match since {
        Some(value) => value
            .parse()
            .map_err(|_| format!("since must be a sequence number, not {value:?}"))?,
        None => 0,
    };
    let limit = match limit {
        Some(value) => value
            .parse::<usize>()
            .map_err(|_| format!("limit must be a number, not {value:?}"))?
            .clamp(1, MAX_LIMIT),
        None => DEFAULT_LIMIT,
    };
    Ok((since, limit))
}

/// Whether a request for `/_hooky/` may be served: its Host must name this listener, `localhost` or
/// a loopback address (with or without the port), so a rebinding DNS name gets nothing.
pub fn host_allowed(host: Option<&str>, listen_host: &str, port: u16) -> bool {
    let Some(host) = host else {
        return false;
    };
    let host = host.trim().to_ascii_lowercase();
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) if !name.ends_with(':') && p.chars().all(|c| c.is_ascii_digit()) => {
            (name.to_string(), Some(p.parse::<u16>().ok()))
        }
        _ => (host.clone(), None),
    };
    if let Some(p) = host_port
        && p != Some(port)
    {
        return false;
    }
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let listen = listen_host.trim_start_matches('[').trim_end_matches(']');
    ["localhost", "127.0.0.1", "::1"].contains(&name) || name == listen.to_ascii_lowercase()
}

/// The access key in a URL of `hooky listen`'s own endpoints (`/_hooky/…?key=…`), which `poll`
/// then sends along with every request to that listener.
pub fn access_key(url: &reqwest::Url) -> Option<String> {
    if !url.path().starts_with(PREFIX) {
        return None;
    }
    url.query_pairs()
        .find(|(name, value)| name == crate::web_view::KEY_PARAM && !value.is_empty())
        .map(|(_, value)| value.into_owned())
}

/// The `Link` to the next page of the feed, after `next_since`, without the access key (a client
/// sends it again the way it did for the first page).
pub fn next_link(next_since: u64, limit: usize) -> String {
    format!("<{PREFIX}requests?since={next_since}&limit={limit}>; rel=\"next\"")
}

/// The error body of a feed request.
pub fn error(code: &str, message: &str) -> Value {
    json!({ "error": code, "message": message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "localhost",
            "[::1]:8080",
            "LOCALHOST:8080",
        ] {
            assert!(host_allowed(Some(ok), "127.0.0.1", 8080), "{ok}");
        }
        assert!(host_allowed(Some("192.168.1.5:8080"), "192.168.1.5", 8080));
        for bad in [
            "evil.example:8080",
            "127.0.0.1:9999",
            "evil.example",
            "127.0.0.1.evil:8080",
            "",
        ] {
            assert!(!host_allowed(Some(bad), "127.0.0.1", 8080), "{bad}");
        }
        assert!(!host_allowed(None, "127.0.0.1", 8080));
    }

    #[test]
    fn access_keys_come_from_hookys_own_urls_only() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        assert_eq!(
            access_key(&url("http://127.0.0.1:1/_hooky/requests?since=0&key=ab12")).as_deref(),
            Some("ab12")
        );
        assert_eq!(access_key(&url("http://127.0.0.1:1/_hooky/requests")), None);
        assert_eq!(
            access_key(&url("http://127.0.0.1:1/_hooky/requests?key=")),
            None
        );
        assert_eq!(access_key(&url("http://api.example/items?key=ab12")), None);
        assert_eq!(
            next_link(7, 50),
            "</_hooky/requests?since=7&limit=50>; rel=\"next\""
        );
    }

    #[test]
    fn long_bodies_are_cut_where_they_still_decode() {
        assert_eq!(cut_body("short", BodyEncoding::Utf8, 10), ("short", false));
        // "é" is two bytes: a cut inside it moves back.
        assert_eq!(cut_body("aéé", BodyEncoding::Utf8, 2), ("a", true));
        assert_eq!(cut_body("aéé", BodyEncoding::Utf8, 3), ("aé", true));
        assert_eq!(
            cut_body("QUJDREVG", BodyEncoding::Base64, 7),
            ("QUJD", true)
        );
        let mut record = CaptureRecord::default();
        record.set_body(&vec![b'x'; ITEM_BODY_LIMIT + 1]);
        let long = item(&record);
        assert_eq!(long["body"].as_str().unwrap().len(), ITEM_BODY_LIMIT);
        assert_eq!(long["body_truncated"], true);
        assert_eq!(long["body_size"], ITEM_BODY_LIMIT as u64 + 1);
        record.set_body(b"{}");
        assert_eq!(item(&record).get("body_truncated"), None);
    }

    #[test]
    fn an_item_is_the_capture_summary_plus_type_and_body() {
        let mut record = CaptureRecord {
            seq: 4,
            event_type: Some("order.paid".into()),
            duplicate_of: Some(2),
            ..Default::default()
        };
        record.set_body(b"{}");
        let mut item = item(&record);
        assert_eq!(item["type"], "order.paid");
        assert_eq!(item["body"], "{}");
        assert_eq!(item["body_encoding"], "utf8");
        let fields = item.as_object_mut().unwrap();
        for own in ["type", "body", "body_encoding"] {
            fields.remove(own);
        }
        assert_eq!(
            item,
            serde_json::to_value(CaptureSummary::from(&record)).unwrap()
        );
    }

    #[test]
    fn etags_match_weakly() {
        let tag = etag(b"body");
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34);
        assert!(if_none_match(&tag, &tag));
        assert!(if_none_match(&format!("\"x\", W/{tag}"), &tag));
        assert!(if_none_match("*", &tag));
        assert!(!if_none_match("\"other\"", &tag));
        assert_ne!(etag(b"a"), etag(b"b"));
    }

    #[test]
    fn queries() {
        assert_eq!(page_query(None, None), Ok((0, DEFAULT_LIMIT)));
        assert_eq!(page_query(Some("5"), Some("2")), Ok((5, 2)));
        assert_eq!(page_query(None, Some("999999")), Ok((0, MAX_LIMIT)));
        assert!(page_query(Some("abc"), None).is_err());
        assert!(page_query(None, Some("0x10")).is_err());
    }

    #[test]
    fn pages_carry_the_next_cursor() {
        let page_value = page(vec![json!({"seq": 4}), json!({"seq": 9})], 3, true);
        assert_eq!(page_value["next_since"], 9);
        assert_eq!(page(vec![], 3, false)["next_since"], 3);
    }
}
