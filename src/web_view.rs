//! The web view's pure pieces: what `/_hooky/requests/<item>` names, the page with its token filled in,
//! the security headers, where the access key travels (query, header, cookie), the key and replay
//! token checks (constant time), the event stream's data and its resume point, and the
//! replay action's request, with whether its answer may be shown. Pure; `listen` does the IO.

use serde::Deserialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::capture::CaptureRecord;

/// The page's Content-Security-Policy: everything from hooky itself, no inline script, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The header the page sends its token in with a replay.
pub const TOKEN_HEADER: &str = "x-hooky-token";

/// The header scripts send the access key in (or `?key=` in the URL; the page uses its cookie).
pub const KEY_HEADER: &str = "x-hooky-key";

/// The query parameter that carries the access key.
pub const KEY_PARAM: &str = "key";

/// Records whose capture line is longer than this travel in the event stream without their body;
/// the page fetches it from the feed when shown. Keeps the live channel's memory small.
pub const INLINE_LIMIT: usize = 256 * 1024;

/// How many past requests a new page is shown before the live ones.
pub const HISTORY: u64 = 200;

/// The largest replay request body the listener reads.
pub const MAX_ACTION_BODY: usize = 64 * 1024;

/// What `/_hooky/requests/<item>` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestItem {
    /// `<seq>.har`: the web view's HAR download.
    Har(u64),
    /// `<seq>`: the feed's record.
    Record(u64),
    /// Anything else.
    Bad,
}

/// The item of `/_hooky/requests/<item>` (the router gives the segment).
pub fn request_item(item: &str) -> RequestItem {
    if let Some(seq) = item.strip_suffix(".har").and_then(|s| s.parse().ok()) {
        return RequestItem::Har(seq);
    }
    item.parse().map_or(RequestItem::Bad, RequestItem::Record)
}

/// Whether the token a request carries is this process's token. Constant time in the token.
pub fn token_matches(given: Option<&str>, token: &str) -> bool {
    match given {
        Some(given) => !token.is_empty() && bool::from(given.as_bytes().ct_eq(token.as_bytes())),
        None => false,
    }
}

/// Whether a peer may reach `/_hooky/`: one on this machine (loopback, also IPv4-mapped), or any
/// with `--ui-public`.
pub fn peer_allowed(peer: std::net::IpAddr, ui_public: bool) -> bool {
    ui_public || peer.to_canonical().is_loopback()
}

/// The value of the query parameter `name` (percent-decoded), if present and not empty.
pub fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, value)| key == name && !value.is_empty())
        .map(|(_, value)| value.into_owned())
}

/// The query without its `key` parameter (`None` when nothing else is left). The other pairs are
/// kept as they were written, not re-encoded.
pub fn query_without_key(query: Option<&str>) -> Option<String> {
    let is_key = |pair: &str| {
        form_urlencoded::parse(pair.as_bytes())
            .next()
            .is_some_and(|(key, _)| key == KEY_PARAM)
    };
    let kept: Vec<&str> = query?
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_key(pair))
        .collect();
    (!kept.is_empty()).then(|| kept.join("&"))
}

/// The name of the cookie that holds the access key in the browser. Cookies are shared by every
/// port of a host, so the port is part of the name: two listeners do not overwrite each other's.
pub fn cookie_name(port: u16) -> String {
    format!("hooky_key_{port}")
}

/// The `Set-Cookie` value that moves the access key from the URL into the browser: only sent back
/// to `/_hooky`, never readable by scripts, never sent along with a request another site starts.
pub fn key_cookie(port: u16, key: &str) -> String {
    format!(
        "{}={key}; Path=/_hooky; HttpOnly; SameSite=Strict",
        cookie_name(port)
    )
}

/// The value of cookie `name` in one `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// Escapes text for an HTML attribute value in double quotes.
pub fn escape_attr(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// What the page needs to know about its listener, written into `<meta>` tags.
pub struct PageSettings<'a> {
    pub token: &'a str,
    /// The URL the replay form starts with (the `--forward-to` app, else a local guess).
    pub replay_base: &'a str,
    pub capturing: bool,
    pub version: &'a str,
}

/// The page: the template with its `{{name}}` placeholders filled, every value attribute-escaped.
pub fn render_page(template: &str, settings: &PageSettings<'_>) -> String {
    template
        .replace("{{token}}", &escape_attr(settings.token))
        .replace("{{replay_base}}", &escape_attr(settings.replay_base))
        .replace(
            "{{capturing}}",
            if settings.capturing { "true" } else { "false" },
        )
        .replace("{{version}}", &escape_attr(settings.version))
}

/// The event data for a record: its capture line, or, when that is over [`INLINE_LIMIT`], the
/// record without its body and `"body_deferred": true`.
pub fn event_data(record: &CaptureRecord, line: &str) -> String {
    let line = line.trim_end_matches('\n');
    if line.len() <= INLINE_LIMIT {
        return line.to_string();
    }
    let mut value = serde_json::to_value(record).expect("a record serialises");
    value["body"] = Value::Null;
    value["body_deferred"] = Value::Bool(true);
    value.to_string()
}

/// Where an event stream resumes: after `Last-Event-ID` when the browser reconnects, else after
/// `?since=`, else `None` (start with the recent history).
pub fn resume_after(last_event_id: Option<&str>, since: Option<&str>) -> Option<u64> {
    if let Some(seq) = last_event_id.and_then(|id| id.trim().parse().ok()) {
        return Some(seq);
    }
    since?.parse().ok()
}

/// Where the history of a fresh page starts: the last [`HISTORY`] requests.
pub fn history_start(last_seq: u64) -> u64 {
    last_seq.saturating_sub(HISTORY)
}

/// The replay action, as the page posts it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReplayRequest {
    pub seq: u64,
    /// The whole URL to send to (not a base: the page shows the full URL).
    pub url: String,
    #[serde(default)]
    pub resign: bool,
}

/// Parses and checks the replay action's JSON body.
pub fn parse_replay_request(body: &[u8]) -> Result<ReplayRequest, String> {
    let request: ReplayRequest = serde_json::from_slice(body).map_err(|e| {
        format!("expected {{\"seq\": N, \"url\": \"http://…\", \"resign\": bool}}: {e}")
    })?;
    let url = request.url.trim();
    let lower = url.to_ascii_lowercase();
    let host = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    if host.is_none_or(|host| host.is_empty() || host.starts_with('/')) {
        return Err(format!(
            "the replay URL must start with http:// or https://, not {:?}",
            request.url
        ));
    }
    Ok(ReplayRequest {
        url: url.to_string(),
        ..request
    })
}

/// Whether a replay's answer (headers and body) may be shown to the page: only when the target is
/// the `--forward-to` app (same origin) or a loopback address. Anything else gets its status and
/// timing only, so the page cannot be used to read internal URLs back.
pub fn answer_shown(target: &reqwest::Url, forward_to: Option<&str>) -> bool {
    let host = target.host_str().unwrap_or_default();
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || ip
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback());
    let forwarded = forward_to
        .and_then(|base| reqwest::Url::parse(base).ok())
        .is_some_and(|base| base.origin() == target.origin());
    loopback || forwarded
}

/// The file name a HAR download is saved under.
pub fn har_filename(seq: u64) -> String {
    format!("hooky-{seq}.har")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_items() {
        assert_eq!(request_item("12.har"), RequestItem::Har(12));
        assert_eq!(request_item("12"), RequestItem::Record(12));
        assert_eq!(request_item("x.har"), RequestItem::Bad);
        assert_eq!(request_item("12.json"), RequestItem::Bad);
        assert_eq!(request_item(""), RequestItem::Bad);
    }

    #[test]
    fn tokens() {
        assert!(token_matches(Some("abc123"), "abc123"));
        assert!(!token_matches(Some("abc124"), "abc123"));
        assert!(!token_matches(Some("abc"), "abc123"));
        assert!(!token_matches(Some(""), ""));
        assert!(!token_matches(None, "abc123"));
    }

    #[test]
    fn peers() {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().unwrap();
        for local in ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"] {
            assert!(peer_allowed(ip(local), false), "{local}");
        }
        for remote in [
            "192.168.1.5",
            "10.0.0.1",
            "::ffff:10.0.0.1",
            "fe80::1",
            "0.0.0.0",
        ] {
            assert!(!peer_allowed(ip(remote), false), "{remote}");
            assert!(peer_allowed(ip(remote), true), "{remote}");
        }
    }

    #[test]
    fn keys_in_queries_and_cookies() {
        assert_eq!(
            query_value(Some("since=3&key=ab%2Fc"), "key").as_deref(),
            Some("ab/c")
        );
        assert_eq!(query_value(Some("key="), "key"), None);
        assert_eq!(query_value(Some("keys=1"), "key"), None);
        assert_eq!(query_value(None, "key"), None);
        assert_eq!(query_without_key(Some("key=x")), None);
        assert_eq!(
            query_without_key(Some("a=1&key=x&b")).as_deref(),
            Some("a=1&b")
        );
        assert_eq!(query_without_key(None), None);
        assert_eq!(cookie_name(8080), "hooky_key_8080");
        let cookie = key_cookie(8080, "k1");
        assert!(cookie.starts_with("hooky_key_8080=k1;"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        assert!(cookie.contains("Path=/_hooky"));
        let header = "a=1; hooky_key_8081=other; hooky_key_8080=k1";
        assert_eq!(cookie_value(header, "hooky_key_8080"), Some("k1"));
        assert_eq!(cookie_value(header, "hooky_key_9"), None);
    }

    #[test]
    fn pages_escape_what_they_fill_in() {
        let page = render_page(
            r#"<meta content="{{token}}"><meta content="{{replay_base}}" data-c="{{capturing}}">{{version}}"#,
            &PageSettings {
                token: "t0k",
                replay_base: "http://x/?a=1&b=\"<script>",
                capturing: true,
                version: "0.1.0",
            },
        );
        assert_eq!(
            page,
            r#"<meta content="t0k"><meta content="http://x/?a=1&amp;b=&quot;&lt;script&gt;" data-c="true">0.1.0"#
        );
    }

    fn record(body: &[u8]) -> CaptureRecord {
        let mut record = crate::capture::parse_line(
            r#"{"seq":7,"id":"r","received_at":"t","remote_addr":"a","method":"POST","path":"/","headers":[],"body":null,"body_encoding":"utf8","body_size":0,"body_sha256":"","verdict":{"verdict":"unsigned"},"status":200}"#,
        )
        .unwrap();
        record.set_body(body);
        record
    }

    #[test]
    fn event_data_inlines_small_records_and_defers_big_bodies() {
        let small = record(b"{\"a\":1}");
        let line = small.to_line();
        assert_eq!(event_data(&small, &line), line.trim_end());
        let big = record(&vec![b'x'; INLINE_LIMIT + 1]);
        let data: Value = serde_json::from_str(&event_data(&big, &big.to_line())).unwrap();
        assert_eq!(data["seq"], 7);
        assert_eq!(data["body"], Value::Null);
        assert_eq!(data["body_deferred"], true);
        assert_eq!(data["body_size"], INLINE_LIMIT as u64 + 1);
    }

    #[test]
    fn frames_and_resume_points() {
        assert_eq!(resume_after(Some("41"), Some("2")), Some(41));
        assert_eq!(resume_after(Some("junk"), Some("2")), Some(2));
        assert_eq!(resume_after(None, None), None);
        assert_eq!(resume_after(None, Some("abc")), None);
        assert_eq!(history_start(500), 300);
        assert_eq!(history_start(5), 0);
    }

    #[test]
    fn replay_requests() {
        let ok = parse_replay_request(br#"{"seq":3,"url":" http://127.0.0.1:9/x ","resign":true}"#)
            .unwrap();
        assert_eq!(
            ok,
            ReplayRequest {
                seq: 3,
                url: "http://127.0.0.1:9/x".into(),
                resign: true
            }
        );
        assert!(
            !parse_replay_request(br#"{"seq":3,"url":"http://a"}"#)
                .unwrap()
                .resign
        );
        assert!(parse_replay_request(br#"{"seq":3,"url":"file:///etc/passwd"}"#).is_err());
        assert!(parse_replay_request(br#"{"seq":3,"url":"http://"}"#).is_err());
        assert!(parse_replay_request(b"seq=3").is_err());
        assert_eq!(har_filename(4), "hooky-4.har");
    }

    #[test]
    fn replay_answers_are_shown_for_loopback_and_the_app_only() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        for shown in [
            "http://127.0.0.1:9/x",
            "http://127.8.0.1/",
            "http://localhost:3000/",
            "http://[::1]:3000/",
        ] {
            assert!(answer_shown(&url(shown), None), "{shown}");
        }
        let app = Some("https://app.internal:8443/hooks");
        assert!(answer_shown(&url("https://app.internal:8443/other?x"), app));
        for hidden in [
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://app.internal:8443/",
            "https://app.internal/",
            "http://localhost.evil.example/",
        ] {
            assert!(!answer_shown(&url(hidden), app), "{hidden}");
        }
    }

    #[test]
    fn query_values_decode() {
        let value = |query: &str| query_value(Some(query), "to");
        assert_eq!(
            value("to=http%3A%2F%2F127.0.0.1%3A9%2Fx%20y+z").as_deref(),
            Some("http://127.0.0.1:9/x y z")
        );
        assert_eq!(value("to=100%").as_deref(), Some("100%"));
        assert_eq!(value("to=%zz%4").as_deref(), Some("%zz%4"));
        // `%+f` is not an escape: a sign is not a hex digit (the hand-written decoder read it as 0x0f).
        assert_eq!(value("to=%+f").as_deref(), Some("% f"));
        assert_eq!(value("to=%-1").as_deref(), Some("%-1"));
    }
}
