//! HAR 1.2 (HTTP Archive), the format browser devtools, webhook.site and proxies export: reading
//! its POST/PUT/PATCH entries as capture records, and writing capture records as a HAR log that
//! devtools can import. Pure (JSON in, JSON out).
//!
//! Bodies: text goes in `postData.text`; binary bodies go there as base64 with
//! `postData.encoding: "base64"` (the spec defines `encoding` for response `content` only; tools
//! that keep binary request bodies reuse it, and `_encoding` is read too). hooky's own fields ride
//! in an `_hooky` object on each
//! entry (custom fields start with `_`, as the spec asks): the capture's [`CaptureSummary`], so
//! capture → HAR → capture keeps the sequence number, verdict and body byte for byte.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::{Value, json};

use crate::capture::{
    BodyEncoding, CaptureRecord, CaptureSummary, ForwardRecord, VerdictKind, VerdictRecord,
};
use crate::headers::{Header, get_one};

/// Methods whose entries carry a request worth replaying.
pub const REPLAYABLE_METHODS: [&str; 3] = ["POST", "PUT", "PATCH"];

/// Whether a file's content looks like a HAR log (a JSON object with a `log`).
pub fn looks_like_har(text: &str) -> bool {
    let trimmed = text.trim_start();
    trimmed.starts_with('{')
        && serde_json::from_str::<Value>(trimmed).is_ok_and(|v| v.get("log").is_some())
}

/// What a HAR file held: the replayable requests, and the entries left out (1-based index, why).
#[derive(Debug, Default)]
pub struct HarImport {
    pub records: Vec<CaptureRecord>,
    pub skipped: Vec<(usize, String)>,
}

/// The parts of a HAR log hooky reads. Every field is optional and read leniently (a value of the
/// wrong type counts as absent, a malformed header is skipped), as the walk over the JSON was: HAR
/// files come from many tools, and one odd field must not cost the entry.
#[derive(Deserialize)]
struct HarFile {
    #[serde(default, deserialize_with = "object")]
    log: Option<Log>,
}

#[derive(Deserialize)]
struct Log {
    /// Kept as JSON so that one entry that cannot be read is skipped, not the whole file.
    #[serde(default, deserialize_with = "lenient")]
    entries: Option<Vec<Value>>,
}

#[derive(Default, Deserialize)]
struct Entry {
    #[serde(default, deserialize_with = "object")]
    request: Option<Request>,
    #[serde(default, deserialize_with = "lenient", rename = "startedDateTime")]
    started_date_time: Option<String>,
    #[serde(default, deserialize_with = "lenient", rename = "serverIPAddress")]
    server_ip_address: Option<String>,
    #[serde(default, deserialize_with = "object")]
    response: Option<Response>,
    #[serde(default, deserialize_with = "object", rename = "_hooky")]
    hooky: Option<HookyFields>,
}

#[derive(Deserialize)]
struct Request {
    #[serde(default, deserialize_with = "lenient")]
    method: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    url: Option<String>,
    #[serde(default, deserialize_with = "lenient_items")]
    headers: Vec<NameValue>,
    #[serde(default, deserialize_with = "object", rename = "postData")]
    post_data: Option<PostData>,
}

#[derive(Deserialize)]
struct NameValue {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct PostData {
    #[serde(default, deserialize_with = "lenient")]
    text: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    encoding: Option<String>,
    #[serde(default, deserialize_with = "lenient", rename = "_encoding")]
    underscore_encoding: Option<String>,
    #[serde(default, deserialize_with = "lenient_items")]
    params: Vec<Param>,
}

#[derive(Deserialize)]
struct Param {
    name: String,
    #[serde(default, deserialize_with = "lenient")]
    value: Option<String>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default, deserialize_with = "lenient")]
    status: Option<u64>,
}

/// hooky's own fields on an entry it exported.
#[derive(Default, Deserialize)]
struct HookyFields {
    #[serde(default, deserialize_with = "lenient")]
    seq: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    remote_addr: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    event_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    event_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    body_omitted: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    body_size: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    body_sha256: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    duplicate_of: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    forward: Option<ForwardRecord>,
    /// Read strictly (below): a verdict hooky wrote must come back as it was.
    #[serde(default)]
    verdict: Option<Value>,
}

/// A field of the wrong type reads as absent.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// A part of the log read as `T` only when it is a JSON object (serde would also take an array).
fn read_object<T: DeserializeOwned>(value: Value) -> Option<T> {
    value
        .is_object()
        .then(|| serde_json::from_value(value).ok())
        .flatten()
}

/// An object field: anything else reads as absent.
fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(read_object(Value::deserialize(d)?))
}

/// A list of objects: the items of another shape are skipped, and it is empty when not a list.
fn lenient_items<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(read_object).collect(),
        _ => Vec::new(),
    })
}

/// Reads a HAR log. Entries without hooky's `_hooky` fields are numbered from 1 in file order
/// (among the replayable ones) and get an `unverified` verdict naming the scheme their headers show.
pub fn read(text: &str) -> Result<HarImport, String> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| format!("not a valid HAR file: {e}"))?;
    let entries = read_object::<HarFile>(root)
        .and_then(|root| root.log)
        .and_then(|log| log.entries)
        .ok_or("not a HAR file: no log.entries array")?;
    let mut import = HarImport::default();
    for (index, entry) in entries.into_iter().enumerate() {
        // An entry that is not an object has no request, as any other entry without one.
        let entry = read_object(entry).unwrap_or_default();
        match read_entry(entry, import.records.len() as u64 + 1) {
            Ok(record) => import.records.push(record),
            Err(reason) => import
                .skipped
                .push((index + 1, crate::capture::brief_reason(&reason))),
        }
    }
    Ok(import)
}

fn read_entry(entry: Entry, next_seq: u64) -> Result<CaptureRecord, String> {
    let request = read_request(entry.request.ok_or("no request")?)?;
    let hooky = entry.hooky;
    let verdict = entry_verdict(hooky.as_ref(), &request)?;
    // hooky's own export says exactly what was there; other tools' entries are read afresh.
    let (event_type, event_id) = match &hooky {
        Some(h) => (h.event_type.clone(), h.event_id.clone()),
        None => {
            let parsed_body = request
                .body
                .as_deref()
                .and_then(crate::webhook::event::parse_json_body);
            (
                crate::webhook::event::event_type(&request.headers, parsed_body.as_ref()),
                crate::webhook::event::event_id(&request.headers, parsed_body.as_ref()),
            )
        }
    };
    let hooky = hooky.unwrap_or_default();
    let mut record = CaptureRecord {
        seq: hooky.seq.unwrap_or(next_seq),
        id: hooky.id.unwrap_or_else(|| format!("har_{next_seq}")),
        received_at: entry.started_date_time.unwrap_or_default(),
        remote_addr: hooky
            .remote_addr
            .or(entry.server_ip_address)
            .unwrap_or_default(),
        method: request.method,
        path: request.path,
        query: request.query,
        event_type,
        event_id,
        headers: request.headers,
        verdict,
        status: entry
            .response
            .and_then(|r| r.status)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0),
        duplicate_of: hooky.duplicate_of,
        forward: hooky.forward,
        ..Default::default()
    };
    match (request.body, hooky.body_omitted) {
        (Some(bytes), _) => record.set_body(&bytes),
        (None, Some(reason)) => {
            record.body_omitted = Some(reason);
            record.body_size = hooky.body_size.unwrap_or(0);
            record.body_sha256 = hooky.body_sha256.unwrap_or_default();
        }
        (None, None) => record.set_body(b""),
    }
    Ok(record)
}

/// A HAR request, checked: a replayable method, a URL, resendable headers and the body bytes.
struct ImportedRequest {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<Header>,
    body: Option<Vec<u8>>,
}

fn read_request(request: Request) -> Result<ImportedRequest, String> {
    let method = request
        .method
        .ok_or("no request.method")?
        .to_ascii_uppercase();
    if !REPLAYABLE_METHODS.contains(&method.as_str()) {
        return Err(format!("{method} request, not replayable"));
    }
    let url = request.url.ok_or("no request.url")?;
    let (path, query) = split_url(&url);
    let headers: Vec<Header> = request
        .headers
        .into_iter()
        // HTTP/2 pseudo-headers (:authority, :path…) are not headers to resend.
        .filter(|h| !h.name.starts_with(':'))
        .map(|h| (h.name, h.value))
        .collect();
    crate::http_headers::check_names(&headers)?;
    let body = request.post_data.map(read_post_data).transpose()?;
    Ok(ImportedRequest {
        method,
        path,
        query,
        headers,
        body,
    })
}

/// hooky's own verdict when the entry carries one; otherwise `unverified` when a known scheme's
/// signature is there (hooky never checked it), else `unsigned`.
fn entry_verdict(
    hooky: Option<&HookyFields>,
    request: &ImportedRequest,
) -> Result<VerdictRecord, String> {
    if let Some(v) = hooky.and_then(|h| h.verdict.clone()) {
        return serde_json::from_value(v).map_err(|e| format!("bad _hooky.verdict: {e}"));
    }
    let signed = crate::signature::SignedRequest::post(
        &request.headers,
        request.body.as_deref().unwrap_or_default(),
    );
    Ok(
        match crate::signature::detect(&signed, crate::signature::DEFAULT_HEX_HEADER) {
            Some(scheme) => VerdictRecord {
                verdict: VerdictKind::Unverified,
                scheme: Some(scheme.name().into()),
                ..Default::default()
            },
            None => VerdictRecord {
                verdict: VerdictKind::Unsigned,
                ..Default::default()
            },
        },
    )
}

/// The body bytes of a `postData`: `text` (base64 when `encoding`/`_encoding` says so), or the
/// `params` joined as a form when there is no text.
fn read_post_data(post: PostData) -> Result<Vec<u8>, String> {
    if let Some(text) = post.text {
        return match post.encoding.or(post.underscore_encoding).as_deref() {
            Some("base64") => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|_| "postData.text is not valid base64".to_string())
            }
            _ => Ok(text.into_bytes()),
        };
    }
    let form: Vec<String> = post
        .params
        .into_iter()
        .map(|p| format!("{}={}", p.name, p.value.unwrap_or_default()))
        .collect();
    Ok(form.join("&").into_bytes())
}

/// Splits an absolute or relative URL into its path and raw query (fragment dropped).
fn split_url(url: &str) -> (String, Option<String>) {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let after_scheme = match without_fragment.find("://") {
        Some(at) => {
            let rest = &without_fragment[at + 3..];
            rest.find(['/', '?']).map_or("", |i| &rest[i..])
        }
        None => without_fragment,
    };
    let (path, query) = match after_scheme.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (after_scheme, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    (path.to_string(), query)
}

/// Writes records as a HAR 1.2 log. `base_url` (`http://host:port`) makes the entries' absolute
/// URLs; the records' own `Host` header is used when it is `None`.
pub fn write(records: &[&CaptureRecord], base_url: Option<&str>, version: &str) -> Value {
    let entries: Vec<Value> = records
        .iter()
        .map(|record| entry(record, base_url))
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "hooky", "version": version},
            "pages": [],
            "entries": entries,
        }
    })
}

fn entry(record: &CaptureRecord, base_url: Option<&str>) -> Value {
    let base = match base_url {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => format!(
            "http://{}",
            get_one(&record.headers, "host")
                .filter(|h| crate::http_headers::is_plain_authority(h))
                .unwrap_or("localhost")
        ),
    };
    let url = format!("{base}{}", record.path_and_query());
    let headers: Vec<Value> = record
        .headers
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    let query = query_string(record);
    let mime = get_one(&record.headers, "content-type").unwrap_or("application/octet-stream");
    let mut request = json!({
        "method": record.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers,
        "queryString": query,
        "headersSize": -1,
        "bodySize": record.body_size,
    });
    if let Some(text) = &record.body {
        let mut post = json!({"mimeType": mime, "text": text});
        if record.body_encoding == BodyEncoding::Base64 {
            post["encoding"] = "base64".into();
        }
        request["postData"] = post;
    }
    let hooky = CaptureSummary::from(record);
    json!({
        "startedDateTime": record.received_at,
        "time": 0,
        "request": request,
        "response": {
            "status": record.status,
            "statusText": status_text(record.status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "_hooky": hooky,
    })
}

/// HAR's `queryString`: each `name=value` pair of the query as captured (not decoded).
fn query_string(record: &CaptureRecord) -> Vec<Value> {
    record
        .query
        .iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            json!({"name": name, "value": value})
        })
        .collect()
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(seq: u64, body: &[u8], content_type: &str) -> CaptureRecord {
        let mut record = CaptureRecord {
            seq,
            id: format!("req_{seq}"),
            received_at: "2024-01-01T00:00:00.000Z".into(),
            remote_addr: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: "/hooks/in".into(),
            query: Some("a=1&b=x%20y".into()),
            headers: vec![
                ("host".into(), "127.0.0.1:8080".into()),
                ("content-type".into(), content_type.into()),
                ("x-dup".into(), "1".into()),
                ("x-dup".into(), "2".into()),
            ],
            event_type: Some("order.created".into()),
            event_id: Some("evt_1".into()),
            verdict: VerdictRecord {
                verdict: VerdictKind::Valid,
                scheme: Some("stripe".into()),
                secret_index: Some(1),
                ..Default::default()
            },
            status: 202,
            ..Default::default()
        };
        record.set_body(body);
        record
    }

    #[test]
    fn round_trip_is_lossless_for_text_and_binary_bodies() {
        let mut records = [
            capture(
                1,
                br#"{"id":"evt_1","type":"order.created"}"#,
                "application/json",
            ),
            capture(2, b"a=1&b=two+words", "application/x-www-form-urlencoded"),
            capture(
                3,
                &[0, 159, 146, 150, 255, b'\n'],
                "application/octet-stream",
            ),
            capture(4, b"", "text/plain"),
        ];
        // Absent fields stay absent, even when the body would suggest a value.
        records[0].event_id = None;
        records[1].duplicate_of = Some(1);
        records[2].forward = Some(ForwardRecord {
            url: "http://127.0.0.1:3000/hooks/in".into(),
            status: Some(502),
            latency_ms: 12,
            error: None,
        });
        let refs: Vec<&CaptureRecord> = records.iter().collect();
        let har = write(&refs, None, "0.1.0");
        let text = serde_json::to_string_pretty(&har).unwrap();
        assert!(looks_like_har(&text));
        let import = read(&text).unwrap();
        assert!(import.skipped.is_empty(), "{:?}", import.skipped);
        assert_eq!(import.records, records);
        for record in &import.records {
            assert!(record.body_bytes().is_ok());
        }
    }

    #[test]
    fn writes_the_har_1_2_structure() {
        let record = capture(7, &[1, 2, 255], "application/octet-stream");
        let har = write(&[&record], Some("http://127.0.0.1:9/"), "9.9.9");
        assert_eq!(har["log"]["version"], "1.2");
        assert_eq!(har["log"]["creator"]["name"], "hooky");
        let entry = &har["log"]["entries"][0];
        let request = &entry["request"];
        assert_eq!(request["url"], "http://127.0.0.1:9/hooks/in?a=1&b=x%20y");
        assert_eq!(
            request["queryString"][1],
            json!({"name": "b", "value": "x%20y"})
        );
        assert_eq!(request["postData"]["encoding"], "base64");
        assert_eq!(request["postData"]["text"], "AQL/");
        assert_eq!(request["bodySize"], 3);
        assert_eq!(request["headersSize"], -1);
        assert_eq!(entry["response"]["status"], 202);
        assert!(entry["cache"].is_object() && entry["timings"]["wait"].is_number());
        assert_eq!(entry["startedDateTime"], "2024-01-01T00:00:00.000Z");
    }

    #[test]
    fn reads_browser_exports() {
        let text = r#"{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[
          {"startedDateTime":"2024-03-01T10:00:00.000Z","request":{"method":"GET","url":"https://x.test/a","headers":[]}},
          {"startedDateTime":"2024-03-01T10:00:01.000Z","request":{"method":"post","url":"https://x.test/hook?x=1#frag",
            "headers":[{"name":":authority","value":"x.test"},{"name":"content-type","value":"application/json"},
                       {"name":"stripe-signature","value":"t=1,v1=00"}],
            "postData":{"mimeType":"application/json","text":"{\"type\":\"a.b\",\"id\":\"evt_9\"}"}},
           "response":{"status":200}},
          {"startedDateTime":"2024-03-01T10:00:02.000Z","request":{"method":"PUT","url":"/rel",
            "headers":[],"postData":{"mimeType":"application/octet-stream","text":"AAE=","_encoding":"base64"}}},
          {"startedDateTime":"2024-03-01T10:00:03.000Z","request":{"method":"PATCH","url":"http://x.test",
            "headers":[],"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a","value":"1"},{"name":"b","value":"2"}]}}},
          {"request":{"method":"POST","url":"http://x.test/","postData":{"text":"%%%","encoding":"base64"}}}
        ]}}"#;
        let import = read(text).unwrap();
        let seqs: Vec<u64> = import.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        let first = &import.records[0];
        assert_eq!(
            (first.method.as_str(), first.path.as_str()),
            ("POST", "/hook")
        );
        assert_eq!(first.query.as_deref(), Some("x=1"));
        assert_eq!(first.headers.len(), 2, "pseudo-headers dropped");
        assert_eq!(first.event_type.as_deref(), Some("a.b"));
        assert_eq!(first.event_id.as_deref(), Some("evt_9"));
        assert_eq!(first.verdict.verdict, VerdictKind::Unverified);
        assert_eq!(first.verdict.scheme.as_deref(), Some("stripe"));
        assert_eq!(first.status, 200);
        assert_eq!(import.records[1].body_bytes().unwrap(), vec![0, 1]);
        assert_eq!(import.records[1].path, "/rel");
        assert_eq!(import.records[2].body_bytes().unwrap(), b"a=1&b=2");
        assert_eq!(import.records[2].path, "/");
        let skipped: Vec<usize> = import.skipped.iter().map(|s| s.0).collect();
        assert_eq!(skipped, vec![1, 5]);
        assert!(import.skipped[1].1.contains("base64"));
    }

    #[test]
    fn entries_with_a_header_name_that_is_not_a_token_are_refused() {
        let entry = |name: &str| {
            serde_json::json!({"request": {"method": "POST", "url": "http://h/x",
                "headers": [{"name": name, "value": "v"}]}})
        };
        let har = serde_json::json!({"log": {"entries": [entry("Authorization $(touch x)"), entry("X-Ok")]}});
        let import = read(&har.to_string()).unwrap();
        assert_eq!(import.records.len(), 1);
        assert_eq!(import.records[0].headers[0].0, "X-Ok");
        assert_eq!(import.skipped[0].0, 1);
        assert!(import.skipped[0].1.contains("not an HTTP token"));
    }

    #[test]
    fn fields_of_the_wrong_type_read_as_absent() {
        let har = serde_json::json!({"log": {"entries": [
            "junk",
            {"request": ["POST", "http://h/"]},
            {"request": {"method": "POST", "url": "http://h/a",
                "headers": [{"name": "X-A", "value": 1}, ["X-B", "b"], {"name": "X-C", "value": "c"}],
                "postData": {"params": [{"name": "a"}, {"name": "b", "value": 2}, ["c", "3"]]}},
             "startedDateTime": 5, "response": {"status": "200"}, "serverIPAddress": "127.0.0.1"},
            {"request": {"method": "POST", "url": "http://h/", "headers": "none"}},
        ]}});
        let import = read(&har.to_string()).unwrap();
        let skipped: Vec<(usize, &str)> = import
            .skipped
            .iter()
            .map(|(index, reason)| (*index, reason.as_str()))
            .collect();
        assert_eq!(skipped, vec![(1, "no request"), (2, "no request")]);
        let odd = &import.records[0];
        assert_eq!(odd.headers, vec![("X-C".to_string(), "c".to_string())]);
        assert_eq!(odd.body_bytes().unwrap(), b"a=&b=");
        assert_eq!((odd.received_at.as_str(), odd.status), ("", 0));
        assert_eq!(odd.remote_addr, "127.0.0.1");
        assert!(import.records[1].headers.is_empty());
        assert_eq!(import.records[1].body_bytes().unwrap(), b"");
        assert!(read("[]").unwrap_err().contains("log.entries"));
    }

    #[test]
    fn rejects_what_is_not_har() {
        assert!(!looks_like_har("{\"seq\":1}\n{\"seq\":2}\n"));
        assert!(!looks_like_har("{\"seq\":1}"));
        assert!(read("{}").unwrap_err().contains("log.entries"));
        assert!(read("nope").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_text_never_panics(text in "\\PC{0,256}") {
            let _ = looks_like_har(&text);
            let _ = read(&text);
        }

        #[test]
        fn any_entry_shape_never_panics(method in "\\PC{0,8}", url in "\\PC{0,32}", text in "\\PC{0,32}", encoding in "\\PC{0,8}") {
            let har = serde_json::json!({"log": {"entries": [{"request": {
                "method": method, "url": url, "headers": [{"name": "X", "value": text}],
                "postData": {"text": text, "encoding": encoding},
            }}]}});
            let _ = read(&har.to_string());
        }
    }
}
