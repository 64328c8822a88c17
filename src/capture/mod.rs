//! The capture format: one JSON object per line, one line per request `hooky listen` received.
//!
//! `listen` writes it; `replay`, `poll`'s demo feed and the web view read it. This module is the
//! record and the line codec (records, encoding, line parsing and a tolerant reader over any
//! `BufRead`), with the format's version ([`CAPTURE_VERSION`], the line's `v`) and the typed
//! verdict ([`VerdictKind`]); its JSON Schema is `schema/capture-line.json`. Pure. The README documents the fields. Around it, what several commands share about
//! captures:
//! - [`file`](mod@file): the capture file on disk (created private, appended under its lock, tailed), and
//!   [`index`]: where its records start by sequence number, and reading them back from there.
//! - [`selection`]: which captures (`--seq`, `--since`, …); [`replay_plan`]: what goes out when a
//!   capture is replayed; [`har`]: the HAR format, both ways. Pure.
//! - [`feed`]: the demo feed `listen` serves at `/_hooky/requests` and `poll` reads. Pure.

pub mod feed;
pub mod file;
pub mod har;
pub mod index;
mod line;
mod parse;
pub mod replay_plan;
pub mod selection;

pub use line::push_json_string;

use std::io::BufRead;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::headers::Header;
use crate::signature::Verdict;

/// Where `listen` captures and `replay` reads unless told otherwise.
pub const DEFAULT_CAPTURE_PATH: &str = ".hooky/captures.jsonl";

/// The version of the capture line this hooky writes (its `v` field). A line without `v` is from
/// before the field existed and reads as version 1: the fields are the same.
pub const CAPTURE_VERSION: u32 = 1;

fn capture_version() -> u32 {
    CAPTURE_VERSION
}

/// One captured request and how hooky answered it: one line of the capture file
/// (`schema/capture-line.json`).
///
/// Field order is part of the format: `seq` must stay first, because the file's tail and index are
/// read by matching the line's start without parsing it (`capture::file`'s `SEQ_PREFIX`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CaptureRecord {
    /// 1-based, continuing across sessions that append to the same file.
    pub seq: u64,
    /// The capture format's version, 1. Absent in lines written before it existed (read as 1).
    #[serde(default = "capture_version")]
    #[cfg_attr(test, schemars(extend("const" = 1)))]
    pub v: u32,
    /// A unique id for this capture (not the event's id).
    pub id: String,
    /// RFC 3339 time the request was received.
    pub received_at: String,
    pub remote_addr: String,
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    #[serde(default)]
    pub query: Option<String>,
    /// Headers in arrival order, duplicates kept, as `[name, value]` pairs.
    pub headers: Vec<Header>,
    /// The body, byte-exact in the given encoding; `None` when it was not kept (see `body_omitted`).
    pub body: Option<String>,
    pub body_encoding: BodyEncoding,
    pub body_size: u64,
    /// SHA-256 (hex) of the raw body bytes.
    pub body_sha256: String,
    /// Why the body is missing, when it is (e.g. `"too large"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_omitted: Option<String>,
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub event_id: Option<String>,
    pub verdict: VerdictRecord,
    /// The HTTP status hooky answered with.
    pub status: u16,
    /// Sequence number of the first request with the same event id, when this one repeats it.
    #[serde(default)]
    pub duplicate_of: Option<u64>,
    /// What the app behind `--forward-to` answered, when forwarding was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<ForwardRecord>,
    /// A provider's verification handshake hooky answered (or refused) itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake: Option<HandshakeRecord>,
}

/// A verification handshake as captured: which one, and why it was not answered, if it was not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandshakeRecord {
    /// `slack url_verification`, `meta hub.challenge`, …
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl Default for CaptureRecord {
    fn default() -> Self {
        CaptureRecord {
            seq: 0,
            v: CAPTURE_VERSION,
            id: String::new(),
            received_at: String::new(),
            remote_addr: String::new(),
            method: String::new(),
            path: String::new(),
            query: None,
            headers: Vec::new(),
            body: None,
            body_encoding: BodyEncoding::default(),
            body_size: 0,
            body_sha256: String::new(),
            body_omitted: None,
            event_type: None,
            event_id: None,
            verdict: VerdictRecord::default(),
            status: 0,
            duplicate_of: None,
            forward: None,
            handshake: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    /// The body is valid UTF-8 and stored as text.
    #[default]
    Utf8,
    /// The body is stored as standard base64.
    Base64,
}

/// What a signature check concluded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    /// Signed with one of the secrets (`scheme`, `secret_index` say which).
    Valid,
    /// Signed, but the signature does not check out (`code` and `reason` say why).
    Invalid,
    /// No signature hooky knows was found (or no secret was given to check it with).
    #[default]
    Unsigned,
    /// Imported from a HAR file that hooky did not write: the headers carry a signature of
    /// `scheme`, but it was not checked (no secret was at hand when the request was received).
    Unverified,
}

impl VerdictKind {
    /// The name as written in records and taken by `--verdict`.
    pub fn name(self) -> &'static str {
        match self {
            VerdictKind::Valid => "valid",
            VerdictKind::Invalid => "invalid",
            VerdictKind::Unsigned => "unsigned",
            VerdictKind::Unverified => "unverified",
        }
    }

    /// Every kind, in the order the documentation lists them.
    pub const ALL: [VerdictKind; 4] = [
        VerdictKind::Valid,
        VerdictKind::Invalid,
        VerdictKind::Unsigned,
        VerdictKind::Unverified,
    ];

    /// The kind a name stands for (the inverse of [`VerdictKind::name`]).
    pub fn from_name(name: &str) -> Option<VerdictKind> {
        VerdictKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

/// The verification verdict as captured, and as `verify --json` prints it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct VerdictRecord {
    pub verdict: VerdictKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_index: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A likely everyday cause of the failure (e.g. a proxy re-serialised the JSON body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// What the verdict does not cover (GitLab's token does not sign the body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl From<&Verdict> for VerdictRecord {
    fn from(verdict: &Verdict) -> Self {
        match verdict {
            Verdict::Valid {
                scheme,
                secret_index,
            } => VerdictRecord {
                verdict: VerdictKind::Valid,
                scheme: Some(scheme.name().into()),
                secret_index: Some(*secret_index),
                note: verdict.note().map(str::to_string),
                ..Default::default()
            },
            Verdict::Unsigned => VerdictRecord {
                verdict: VerdictKind::Unsigned,
                ..Default::default()
            },
            Verdict::Invalid { scheme, failure } => VerdictRecord {
                verdict: VerdictKind::Invalid,
                scheme: Some(scheme.name().into()),
                code: Some(failure.code().into()),
                reason: Some(failure.to_string()),
                ..Default::default()
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ForwardRecord {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub latency_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Every captured request has one: a table, not `hex::encode`'s iterator of chars.
    let digest = Sha256::digest(bytes);
    let mut text = [0u8; 64];
    for (pair, byte) in text.chunks_exact_mut(2).zip(digest) {
        pair.copy_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]]);
    }
    std::str::from_utf8(&text)
        .expect("hex digits are ASCII")
        .to_string()
}

/// Encodes a body for the record: text when it is UTF-8 and its control characters do not make
/// the JSON string longer than base64 would be, base64 otherwise (a body of control bytes would
/// take 6 bytes per byte as `\u00XX`).
pub fn encode_body(bytes: &[u8]) -> (String, BodyEncoding) {
    // Every request's body goes through here: one pass sixteen bytes at a time says whether it is
    // ASCII and has control characters; UTF-8 is checked apart only when it is not ASCII.
    let scan = line::scan_body(bytes);
    let text = if scan.ascii {
        // SAFETY: every byte is below 0x80 (`scan_body` looked at each), and ASCII is UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes).ok()
    };
    match text {
        Some(text) if !(scan.controls && escaping_beats_base64(bytes)) => {
            (text.to_string(), BodyEncoding::Utf8)
        }
        _ => (BASE64.encode(bytes), BodyEncoding::Base64),
    }
}

/// Whether JSON-escaping the control characters of `bytes` makes them longer than base64. Quotes
/// and backslashes (one more byte each) are left out: they are what JSON text is made of, and a
/// JSON body should stay readable in the capture.
fn escaping_beats_base64(bytes: &[u8]) -> bool {
    // Two counts the compiler vectorises (every request's body goes through here): each control
    // character takes 5 bytes more as `\u00XX`, the short escapes only 1.
    let controls = line::count_where(bytes, |b| b < 0x20);
    if controls == 0 {
        return false;
    }
    let short = line::count_where(bytes, |b| matches!(b, b'\n' | b'\r' | b'\t' | 0x08 | 0x0c));
    let extra = 5 * controls - 4 * short;
    bytes.len() + extra > bytes.len().div_ceil(3) * 4
}

/// Why a record's body cannot be used as captured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("capture #{seq} has no body ({reason})")]
    Omitted { seq: u64, reason: String },
    #[error("capture #{seq}: the body is not valid base64")]
    BadBase64 { seq: u64 },
    #[error(
        "capture #{seq}: the body's SHA-256 does not match the one captured; the file was edited or damaged"
    )]
    DigestMismatch { seq: u64 },
}

impl CaptureRecord {
    /// Fills the body fields from raw bytes.
    pub fn set_body(&mut self, bytes: &[u8]) {
        let (text, encoding) = encode_body(bytes);
        self.body = Some(text);
        self.body_encoding = encoding;
        self.body_size = bytes.len() as u64;
        self.body_sha256 = sha256_hex(bytes);
        self.body_omitted = None;
    }

    /// The raw body bytes, checked against the captured SHA-256.
    pub fn body_bytes(&self) -> Result<Vec<u8>, BodyError> {
        let seq = self.seq;
        let Some(text) = &self.body else {
            return Err(BodyError::Omitted {
                seq,
                reason: self
                    .body_omitted
                    .clone()
                    .unwrap_or_else(|| "not kept".into()),
            });
        };
        let bytes = match self.body_encoding {
            BodyEncoding::Utf8 => text.as_bytes().to_vec(),
            BodyEncoding::Base64 => BASE64
                .decode(text)
                .map_err(|_| BodyError::BadBase64 { seq })?,
        };
        if sha256_hex(&bytes) != self.body_sha256 {
            return Err(BodyError::DigestMismatch { seq });
        }
        Ok(bytes)
    }

    /// The record as one line of the capture file, newline included.
    pub fn to_line(&self) -> String {
        let mut line = Vec::new();
        self.write_line(&mut line);
        String::from_utf8(line).expect("JSON text is UTF-8")
    }

    /// The path with its query string, as the request line had it.
    pub fn path_and_query(&self) -> std::borrow::Cow<'_, str> {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path).into(),
            None => self.path.as_str().into(),
        }
    }
}

/// A capture without its headers and body: the one serialisation of a capture that the feed's
/// items, HAR's `_hooky` object and `replay --list --json` share (each adds its own fields).
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CaptureSummary<'a> {
    pub seq: u64,
    pub id: &'a str,
    pub received_at: &'a str,
    pub remote_addr: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub verdict: &'a VerdictRecord,
    pub status: u16,
    pub duplicate_of: Option<u64>,
    pub body_size: u64,
    pub body_sha256: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_omitted: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward: Option<&'a ForwardRecord>,
}

impl<'a> From<&'a CaptureRecord> for CaptureSummary<'a> {
    fn from(record: &'a CaptureRecord) -> Self {
        CaptureSummary {
            seq: record.seq,
            id: &record.id,
            received_at: &record.received_at,
            remote_addr: &record.remote_addr,
            method: &record.method,
            path: &record.path,
            query: record.query.as_deref(),
            event_type: record.event_type.as_deref(),
            event_id: record.event_id.as_deref(),
            verdict: &record.verdict,
            status: record.status,
            duplicate_of: record.duplicate_of,
            body_size: record.body_size,
            body_sha256: &record.body_sha256,
            body_omitted: record.body_omitted.as_deref(),
            forward: record.forward.as_ref(),
        }
    }
}

/// Parses one line of a capture file. A line of a newer format version than this hooky writes is
/// refused (its fields may mean something else), with the version in the reason.
pub fn parse_line(line: &str) -> Result<CaptureRecord, String> {
    // The lines this hooky writes are read directly; anything else (older, damaged, rarer
    // fields) by serde, with its reasons.
    let record = match parse::parse_written(line) {
        Some(record) => record,
        None => serde_json::from_str(line).map_err(|e| e.to_string())?,
    };
    if record.v > CAPTURE_VERSION {
        return Err(format!(
            "capture format version {} is newer than this hooky reads ({CAPTURE_VERSION}); upgrade hooky",
            record.v
        ));
    }
    crate::http_headers::check_names(&record.headers)?;
    Ok(record)
}

/// Longest reason kept for a skipped line or entry: serde quotes the offending value, which may be
/// megabytes long in a damaged file, and one warning per line must stay one readable line.
const MAX_REASON_CHARS: usize = 200;

/// Cuts an error message about untrusted input to 200 characters (`MAX_REASON_CHARS`) and `…`.
pub fn brief_reason(reason: &str) -> String {
    crate::output::ellipsize(reason, MAX_REASON_CHARS + 1).into_owned()
}

/// A line the reader could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    /// 1-based line number.
    pub line: usize,
    pub reason: String,
}

/// Everything readable in a capture file, plus what was skipped.
#[derive(Debug, Default)]
pub struct CaptureFile {
    pub records: Vec<CaptureRecord>,
    pub skipped: Vec<SkippedLine>,
}

/// Reads a capture file leniently: blank lines are ignored, truncated or malformed lines are skipped
/// and reported with their line number, and the rest is kept.
pub fn read_captures(reader: impl BufRead) -> std::io::Result<CaptureFile> {
    let mut file = CaptureFile::default();
    for entry in CaptureReader::new(reader) {
        match entry? {
            Ok(record) => file.records.push(record),
            Err(skipped) => file.skipped.push(skipped),
        }
    }
    Ok(file)
}

/// The records of a capture file one at a time, in file order, each a record or the line skipped
/// (as [`read_captures`] reads them): a replay of a million captures holds one line at a time.
pub struct CaptureReader<R> {
    reader: R,
    buffer: Vec<u8>,
    line_no: usize,
}

impl<R: BufRead> CaptureReader<R> {
    pub fn new(reader: R) -> CaptureReader<R> {
        CaptureReader {
            reader,
            buffer: Vec::new(),
            line_no: 0,
        }
    }
}

impl<R: BufRead> Iterator for CaptureReader<R> {
    type Item = std::io::Result<Result<CaptureRecord, SkippedLine>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buffer.clear();
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(error) => return Some(Err(error)),
            }
            self.line_no += 1;
            let line = self.line_no;
            let Ok(text) = std::str::from_utf8(&self.buffer) else {
                let reason = "not UTF-8".into();
                return Some(Ok(Err(SkippedLine { line, reason })));
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            return Some(Ok(parse_line(text).map_err(|reason| SkippedLine {
                line,
                reason: if self.buffer.ends_with(b"\n") {
                    brief_reason(&reason)
                } else {
                    format!("truncated last line ({})", brief_reason(&reason))
                },
            })));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample(seq: u64, body: &[u8]) -> CaptureRecord {
        let mut record = CaptureRecord {
            seq,
            id: format!("req_{seq}"),
            received_at: "2024-01-01T00:00:00.000Z".into(),
            remote_addr: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: "/hooks".into(),
            query: Some("a=1&a=2".into()),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-dup".into(), "1".into()),
                ("x-dup".into(), "2".into()),
            ],
            event_type: Some("order.completed".into()),
            event_id: Some("evt_1".into()),
            verdict: VerdictRecord::default(),
            status: 200,
            ..Default::default()
        };
        record.set_body(body);
        record
    }

    #[test]
    fn text_and_binary_bodies_round_trip_byte_exact() {
        for body in [
            &b"{\"a\":1}"[..],
            &[0u8, 159, 146, 150, 255, b'\n'][..],
            b"",
        ] {
            let record = sample(1, body);
            let parsed = parse_line(record.to_line().trim_end()).unwrap();
            assert_eq!(parsed, record);
            assert_eq!(parsed.body_bytes().unwrap(), body);
        }
        assert_eq!(sample(1, &[0xff]).body_encoding, BodyEncoding::Base64);
        assert_eq!(sample(1, b"ok").body_encoding, BodyEncoding::Utf8);
    }

    #[test]
    fn a_header_name_that_is_not_a_token_refuses_the_line() {
        let mut record = sample(1, b"");
        record
            .headers
            .push(("X-A\"; touch x; \"".into(), "v".into()));
        assert!(
            parse_line(record.to_line().trim_end())
                .unwrap_err()
                .contains("not an HTTP token")
        );
    }

    #[test]
    fn control_bytes_are_stored_as_base64_when_that_is_shorter() {
        let controls = vec![1u8; 3 * 1024];
        let record = sample(1, &controls);
        assert_eq!(record.body_encoding, BodyEncoding::Base64);
        // Base64's 4/3, not the 6x of "\u0001" escapes.
        assert!(
            record.to_line().len() < 5 * 1024,
            "{}",
            record.to_line().len()
        );
        assert_eq!(record.body_bytes().unwrap(), controls);
        // Readable text stays text: quotes, backslashes and a few newlines or controls.
        for text in [
            &br#"{"a":"b","c":""\"}"#[..],
            b"{\n  \"a\": 1\n}\n",
            b"line\tone\x01 and a long enough tail to carry one control byte",
        ] {
            assert_eq!(
                sample(1, text).body_encoding,
                BodyEncoding::Utf8,
                "{text:?}"
            );
        }
        // Past the point where escaping costs more than base64's third.
        assert_eq!(sample(1, b"ab\x01\x02").body_encoding, BodyEncoding::Base64);
        assert_eq!(sample(1, b"\n\n\n").body_encoding, BodyEncoding::Base64);
    }

    #[test]
    fn body_digests_are_lower_case_hex_sha256() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let body = vec![0xabu8; 1000];
        assert_eq!(sha256_hex(&body), hex::encode(Sha256::digest(&body)));
    }

    #[test]
    fn the_escaping_cost_is_counted_as_the_byte_by_byte_sum_counts_it() {
        let by_bytes = |bytes: &[u8]| {
            let extra: usize = bytes
                .iter()
                .map(|&b| match b {
                    b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
                    0..=0x1f => 5,
                    _ => 0,
                })
                .sum();
            bytes.len() + extra > bytes.len().div_ceil(3) * 4
        };
        let mut bodies: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![b; 7]).collect();
        for len in [0usize, 1, 2, 3, 10, 64, 65, 1000] {
            for seed in 0u32..40 {
                let body = (0..len as u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed * 977) >> 7) as u8)
                    .map(|b| if seed % 3 == 0 { b % 0x30 } else { b })
                    .collect();
                bodies.push(body);
            }
        }
        for body in bodies {
            assert_eq!(escaping_beats_base64(&body), by_bytes(&body), "{body:?}");
        }
    }

    #[test]
    fn bodies_are_encoded_as_checking_utf8_first_encodes_them() {
        // The way it was written before the one-pass scan: the scan must change nothing.
        let reference = |bytes: &[u8]| match std::str::from_utf8(bytes) {
            Ok(text) if !escaping_beats_base64(bytes) => (text.to_string(), BodyEncoding::Utf8),
            _ => (BASE64.encode(bytes), BodyEncoding::Base64),
        };
        let mut bodies: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![b; 7]).collect();
        for len in 0..70 {
            for at in 0..len {
                for odd in [&b"\xc3\xa9"[..], b"\xff", b"\xc3", b"\x01", b"\n", b"\x7f"] {
                    let mut body = vec![b'{'; len];
                    body.splice(at..=at, odd.iter().copied());
                    bodies.push(body);
                }
            }
        }
        bodies.push("\u{1}".repeat(100).into_bytes());
        for body in bodies {
            assert_eq!(encode_body(&body), reference(&body), "{body:?}");
        }
    }

    #[test]
    fn lines_start_with_seq_then_the_version() {
        let line = sample(42, b"{}").to_line();
        assert!(line.starts_with(r#"{"seq":42,"v":1,"#), "{line}");
        // The tail and index read the sequence number from the line's start alone.
        assert_eq!(file::seq_of_line(line.as_bytes()), Some(42));
        assert_eq!(file::last_seq_in(line.as_bytes(), true), Some(42));
    }

    #[test]
    fn a_line_from_before_the_version_field_reads_as_version_1() {
        // Written by hooky before `v` existed (and before `unverified`): no `v`, no `forward`,
        // no `body_omitted`.
        let old = r#"{"seq":7,"id":"req_7","received_at":"2024-01-01T00:00:00.000Z","remote_addr":"127.0.0.1:5000","method":"POST","path":"/hooks","query":null,"headers":[["content-type","application/json"]],"body":"{}","body_encoding":"utf8","body_size":2,"body_sha256":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","event_type":null,"event_id":null,"verdict":{"verdict":"valid","scheme":"stripe","secret_index":0},"status":200,"duplicate_of":null}"#;
        let file = read_captures(format!("{old}\n").as_bytes()).unwrap();
        assert!(file.skipped.is_empty(), "{:?}", file.skipped);
        let record = &file.records[0];
        assert_eq!((record.seq, record.v), (7, CAPTURE_VERSION));
        assert_eq!(record.verdict.verdict, VerdictKind::Valid);
        assert_eq!(record.body_bytes().unwrap(), b"{}");
        // Written again, it carries the version.
        assert!(record.to_line().starts_with(r#"{"seq":7,"v":1,"#));
    }

    #[test]
    fn a_line_of_a_newer_version_is_skipped_with_the_reason() {
        let newer = sample(3, b"x")
            .to_line()
            .replacen(r#""v":1"#, r#""v":2"#, 1);
        let file = read_captures(newer.as_bytes()).unwrap();
        assert!(file.records.is_empty());
        assert!(
            file.skipped[0].reason.contains("capture format version 2"),
            "{:?}",
            file.skipped
        );
        let unknown_verdict = sample(4, b"x").to_line().replacen(
            r#""verdict":"unsigned""#,
            r#""verdict":"maybe""#,
            1,
        );
        assert!(parse_line(unknown_verdict.trim_end()).is_err());
    }

    #[test]
    fn repeated_headers_keep_their_order() {
        let line = sample(1, b"").to_line();
        assert!(line.contains(r#"["x-dup","1"],["x-dup","2"]"#), "{line}");
    }

    #[test]
    fn edited_bodies_are_caught_by_the_digest() {
        let mut record = sample(3, b"original");
        record.body = Some("edited".into());
        assert_eq!(
            record.body_bytes(),
            Err(BodyError::DigestMismatch { seq: 3 })
        );
        record.body = None;
        record.body_omitted = Some("too large".into());
        assert!(
            record
                .body_bytes()
                .unwrap_err()
                .to_string()
                .contains("too large")
        );
    }

    #[test]
    fn a_huge_bad_line_gets_a_short_reason() {
        // Regression: serde quotes the offending value, and replay printed 2 MB in one warning.
        let line = format!("{{\"seq\":\"{}\"}}\n", "x".repeat(1 << 20));
        let file = read_captures(line.as_bytes()).unwrap();
        assert_eq!(file.skipped.len(), 1);
        assert!(file.skipped[0].reason.chars().count() <= 201);
        assert!(file.skipped[0].reason.ends_with('…'));
        assert_eq!(brief_reason("short"), "short");
    }

    #[test]
    fn reader_skips_bad_lines_with_their_numbers() {
        let good1 = sample(1, b"a").to_line();
        let good2 = sample(2, b"b").to_line();
        let truncated = &sample(3, b"c").to_line()[..40];
        let text = format!("{good1}\nnot json\n{{\"seq\":\"wrong type\"}}\n{good2}{truncated}");
        let mut bytes = text.into_bytes();
        bytes.splice(0..0, b"\xff\xfe\n".iter().copied());
        let file = read_captures(bytes.as_slice()).unwrap();
        assert_eq!(
            file.records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![1, 2]
        );
        let lines: Vec<usize> = file.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![1, 4, 5, 7]);
        assert!(file.skipped[3].reason.starts_with("truncated last line"));
    }

    #[test]
    fn verdicts_convert() {
        use crate::signature::{Failure, Scheme};
        let record = VerdictRecord::from(&Verdict::Invalid {
            scheme: Scheme::STRIPE,
            failure: Failure::TimestampTooOld {
                by_secs: 5,
                tolerance_secs: 300,
            },
        });
        assert_eq!(record.verdict, VerdictKind::Invalid);
        assert_eq!(record.code.as_deref(), Some("timestamp_too_old"));
        assert_eq!(record.scheme.as_deref(), Some("stripe"));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1024)) {
            let _ = read_captures(bytes.as_slice());
        }

        #[test]
        fn any_record_round_trips(
            seq in 1u64..u64::MAX,
            path in "\\PC{0,32}",
            headers in proptest::collection::vec(("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}", "\\PC{0,24}"), 0..4),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
        ) {
            let mut record = sample(seq, &body);
            record.path = path;
            record.headers = headers;
            let line = record.to_line();
            let file = read_captures(line.as_bytes()).unwrap();
            proptest::prop_assert_eq!(&file.records, &vec![record.clone()]);
            proptest::prop_assert_eq!(file.records[0].body_bytes().unwrap(), body);
        }
    }
}
