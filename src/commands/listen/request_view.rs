//! How `hooky listen` shows a received request: one line by default (cheap: the record's fields,
//! never the body), with `-v` the details, headers and a body preview, with `-vv` or `--body` the
//! body pretty-printed, colorized and escaped; and the `--json` line. Pure: the record, the
//! verdict and the local time come in, text goes out.

use serde_json::Value;

use crate::capture::CaptureRecord;
use crate::commands::listen::verification::Checked;
use crate::headers::{Header, get_one};
use crate::output::{Paint, sanitize, sanitize_line};
use crate::signature::{Failure, Verdict};

/// Text bodies longer than this are cut in human mode (the capture keeps them whole).
pub const TEXT_PREVIEW_BYTES: usize = 16 * 1024;
/// Binary bodies show this many bytes as hex.
pub const HEX_PREVIEW_BYTES: usize = 64;

/// The `Content-Type` of a request, if any.
pub fn content_type(headers: &[Header]) -> Option<&str> {
    get_one(headers, "content-type")
}

/// How much of a request human mode shows under its one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Detail {
    /// `-v`: headers, hint, the app's answer and a body preview; `-vv`: the whole body.
    pub verbose: u8,
    /// `--body`: the body, without the headers.
    pub body: bool,
}

/// Lines of the body `-v` shows before cutting it.
pub const PREVIEW_LINES: usize = 12;

/// Column widths of the one-line view; longer values push the rest right, never cut an id.
const PATH_WIDTH: usize = 22;
const TYPE_WIDTH: usize = 24;
const ID_WIDTH: usize = 28;
const VERDICT_WIDTH: usize = 14;

/// The verdict in a few words: `valid stripe`, `unsigned`, `invalid hex: signed with another
/// secret`. The full sentence is in the capture and under `-v`.
pub fn short_verdict(checked: &Checked) -> String {
    match &checked.verdict {
        Verdict::Valid { scheme, .. } => format!("valid {scheme}"),
        Verdict::Unsigned => "unsigned".to_string(),
        Verdict::Invalid { scheme, failure } => {
            let reason = match failure {
                Failure::MissingHeader { header } => format!("missing {header}"),
                Failure::MalformedHeader { header, .. } => format!("malformed {header}"),
                Failure::DuplicateHeader { header, .. } => format!("{header} repeated"),
                // The only hint of a mismatch: the body verifies once re-serialised.
                Failure::Mismatch { .. }
                    if checked
                        .hint
                        .as_deref()
                        .is_some_and(|h| h.starts_with("the body verifies once")) =>
                {
                    "body re-serialised on the way (-v)".to_string()
                }
                Failure::Mismatch { .. } if scheme.signs_url() => {
                    "signed for another URL or secret (-v)".to_string()
                }
                Failure::Mismatch { .. } => "signed with another secret".to_string(),
                Failure::TimestampTooOld { .. } => "timestamp too old".to_string(),
                Failure::TimestampTooNew { .. } => "timestamp too new".to_string(),
                Failure::TokenMismatch { .. } => "wrong token".to_string(),
                Failure::NoSecret => "no secret to verify with".to_string(),
                Failure::UnusableSecret { .. } => "unusable secret".to_string(),
                Failure::NoUrl => "no URL to verify against".to_string(),
                Failure::BodyHashMismatch => "body changed (bodySHA256)".to_string(),
                Failure::MalformedBodyField { field, .. } => format!("malformed body {field}"),
                Failure::MissingBodyField { field } => format!("no {field} in the body"),
                Failure::UnsignedBody { .. } => "body not signed".to_string(),
                Failure::KeyMismatch { .. } => "signed with another key".to_string(),
                Failure::NoPublicKey { .. } => {
                    format!(
                        "no public key: run `hooky keygen --scheme {scheme}` or pass --public-key"
                    )
                }
                Failure::UnusablePublicKey { .. } => "unusable public key".to_string(),
            };
            format!("invalid {scheme}: {reason}")
        }
    }
}

/// `text` cut to `width` characters (with `…`) and padded to it, appended to `out`.
fn push_column(out: &mut String, text: &str, width: usize) {
    push_padded(out, &crate::output::ellipsize(text, width), width);
}

/// `text` and spaces after it up to `width` characters: what `format!("{text:width$}")` writes.
fn push_padded(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    out.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(text.chars().count()),
    ));
}

/// `text` padded to `width` characters, in a string of its own (for [`Paint`]).
fn padded(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len().max(width));
    push_padded(&mut out, text, width);
    out
}

/// An event id as the line shows it: whole, unless it is longer than any real id (over the
/// duplicate check's 256 bytes, a sender's choice): then its start and its size.
fn shown_id(id: &str) -> std::borrow::Cow<'_, str> {
    if id.len() <= crate::commands::listen::dedup::MAX_ID_BYTES {
        return id.into();
    }
    let start: String = id.chars().take(ID_WIDTH).collect();
    format!("{start}… ({} bytes)", id.len()).into()
}

/// The time of day as the line shows it, `14:03:27.042`: what chrono's `%H:%M:%S%.3f` writes,
/// without parsing that format (and formatting the time zone's name) for every line.
pub fn clock(time: &impl chrono::Timelike) -> String {
    let nanos = time.nanosecond();
    // A leap second is second 59 with over a second of nanoseconds; chrono shows it as 60.
    let fields = [
        time.hour(),
        time.minute(),
        time.second() + nanos / 1_000_000_000,
    ];
    let mut out = String::with_capacity(12);
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        push_digits(&mut out, field, 2);
    }
    out.push('.');
    push_digits(&mut out, nanos % 1_000_000_000 / 1_000_000, 3);
    out
}

/// `n` in decimal, zero-padded to `width` digits.
pub(super) fn push_digits(out: &mut String, n: u32, width: usize) {
    let mut digits = itoa::Buffer::new();
    let text = digits.format(n);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(text.len())));
    out.push_str(text);
}

/// One request as one line: time, `#seq`, method, path, event type and id, verdict, status
/// answered, latency, and `dup #N` / the `--forward-to` app's answer when they apply. Cheap: only
/// the record's fields, never the body; written into one string, each field escaped and padded
/// in place (the `format!` per field cost about ten thousand instructions a line).
pub fn render_line(
    record: &CaptureRecord,
    checked: &Checked,
    local_time: &str,
    latency_ms: u64,
    paint: &Paint,
) -> String {
    let mut digits = itoa::Buffer::new();
    let mut line = String::with_capacity(160);
    line.push_str(&paint.dim(local_time));
    line.push(' ');
    let mut seq = String::with_capacity(8);
    seq.push('#');
    push_padded(&mut seq, digits.format(record.seq), 5);
    line.push_str(&paint.bold(&seq));
    line.push(' ');
    line.push_str(&paint.method(&padded(&sanitize_line(&record.method), 6)));
    line.push(' ');
    push_column(
        &mut line,
        &sanitize_line(&record.path_and_query()),
        PATH_WIDTH,
    );
    line.push(' ');
    push_column(
        &mut line,
        &sanitize_line(record.event_type.as_deref().unwrap_or("-")),
        TYPE_WIDTH,
    );
    line.push(' ');
    let id = sanitize_line(&shown_id(record.event_id.as_deref().unwrap_or("-")));
    line.push_str(&paint.dim(&padded(&id, ID_WIDTH)));
    line.push(' ');
    let verdict = padded(&sanitize_line(&short_verdict(checked)), VERDICT_WIDTH);
    line.push_str(&match checked.verdict.kind() {
        "valid" => paint.ok(&verdict),
        "invalid" => paint.error(&verdict),
        _ => paint.dim(&verdict),
    });
    line.push(' ');
    line.push_str(&paint.status(record.status));
    line.push(' ');
    let mut latency = String::with_capacity(8);
    latency.push_str(digits.format(latency_ms));
    latency.push_str("ms");
    line.push_str(&paint.dim(&latency));
    push_notes(&mut line, record, paint);
    line
}

/// What follows the line's columns when it applies: `dup #N`, the handshake answered, the
/// `--forward-to` app's answer.
fn push_notes(line: &mut String, record: &CaptureRecord, paint: &Paint) {
    if let Some(first) = record.duplicate_of {
        line.push_str("  ");
        line.push_str(&paint.warn(&format!("dup #{first}")));
    }
    if let Some(handshake) = &record.handshake {
        let kind = sanitize_line(&handshake.kind);
        line.push_str("  ");
        line.push_str(&match &handshake.refused {
            None => paint.ok(&format!("handshake {kind} answered")),
            Some(why) => paint.warn(&format!("handshake {kind} {}", sanitize_line(why))),
        });
    }
    if let Some(forward) = &record.forward {
        let answer = match (forward.status, &forward.error) {
            (Some(status), _) => paint.status(status),
            (None, Some(_)) => paint.error("error"),
            (None, None) => "no answer".into(),
        };
        line.push_str("  app ");
        line.push_str(&answer);
    }
}

/// The human view of one request, without a trailing newline: its line, then what `detail` asks.
pub fn render_human(
    record: &CaptureRecord,
    checked: &Checked,
    body: &[u8],
    line: String,
    paint: &Paint,
    detail: Detail,
    app_preview: Option<&str>,
) -> String {
    let mut out = line;
    if detail.verbose > 0 {
        push_details(&mut out, record, checked, paint, app_preview);
    }
    let wants_body = detail.verbose > 0 || detail.body;
    if wants_body && record.body_omitted.is_none() && !body.is_empty() {
        let is_form = content_type(&record.headers)
            .is_some_and(|t| crate::fixtures::media_type(t) == crate::fixtures::FORM_CONTENT_TYPE);
        let text = if is_form {
            render_form(body, paint)
        } else {
            render_body(body, paint, detail.verbose > 1)
        };
        out.push('\n');
        if detail.verbose == 1 && !detail.body {
            out.push_str(&first_lines(&text, PREVIEW_LINES, paint));
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// What `-v` adds under the line: the verdict in full, the hint, the body's size and type, the
/// peer, the `--forward-to` app's answer, and the headers.
fn push_details(
    out: &mut String,
    record: &CaptureRecord,
    checked: &Checked,
    paint: &Paint,
    app_preview: Option<&str>,
) {
    let mut more = |label: &str, text: String| {
        out.push_str(&format!(
            "\n  {} {}",
            paint.dim(&format!("{label:<8}")),
            text
        ));
    };
    more("verdict", sanitize_line(&checked.verdict.to_string()));
    if let Some(hint) = &checked.hint {
        more("hint", paint.warn(&sanitize_line(hint)));
    }
    more("body", body_summary(record, paint));
    more("from", sanitize_line(&record.remote_addr));
    if let Some(forward) = &record.forward {
        let answer = match (forward.status, &forward.error) {
            (Some(status), _) => paint.status(status),
            (None, Some(error)) => paint.error(&sanitize_line(error)),
            (None, None) => "no answer".into(),
        };
        let mut text = format!(
            "{} {answer} in {}ms",
            sanitize_line(&forward.url),
            forward.latency_ms
        );
        if let Some(preview) = app_preview.filter(|p| !p.is_empty()) {
            text.push_str(&format!(": {}", paint.dim(&sanitize_line(preview))));
        }
        more("forward", text);
    }
    out.push_str(&format!("\n  {}", paint.dim("headers")));
    for (name, value) in &record.headers {
        out.push_str(&format!(
            "\n    {}: {}",
            paint.key(&sanitize_line(name)),
            sanitize_line(value)
        ));
    }
}

/// `1024 bytes, application/json`, and why the body was not kept when it was not.
fn body_summary(record: &CaptureRecord, paint: &Paint) -> String {
    let mut text = format!("{} bytes", record.body_size);
    if let Some(kind) = content_type(&record.headers) {
        text.push_str(&format!(", {}", sanitize_line(kind)));
    }
    if let Some(reason) = &record.body_omitted {
        text.push_str(&format!(
            " ({})",
            paint.warn(&format!("not kept: {reason}"))
        ));
    }
    text
}

/// The first `count` lines of `text`, and how many more there are.
fn first_lines(text: &str, count: usize, paint: &Paint) -> String {
    let mut lines = text.lines();
    let shown: Vec<&str> = lines.by_ref().take(count).collect();
    let more = lines.count();
    let mut out = shown.join("\n");
    if more > 0 {
        out.push_str(&format!(
            "\n{}",
            paint.dim(&format!(
                "… {more} more lines (-vv or --body shows them all)"
            ))
        ));
    }
    out
}

/// A form body for people: one field a line, names aligned, both decoded and escaped.
pub fn render_form(body: &[u8], paint: &Paint) -> String {
    let fields: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(name, value)| (sanitize_line(&name), sanitize_line(&value)))
        .collect();
    let width = fields
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0)
        .min(32);
    let lines: Vec<String> = fields
        .iter()
        .map(|(name, value)| {
            let pad = width.saturating_sub(name.chars().count());
            format!("{}{}  {value}", paint.key(name), " ".repeat(pad))
        })
        .collect();
    lines.join("\n")
}

/// A body for people: JSON pretty-printed and colorized, other text escaped, binary as hex.
pub fn render_body(body: &[u8], paint: &Paint, whole: bool) -> String {
    if let Some(value) = crate::webhook::event::parse_json_body(body) {
        let mut text = String::new();
        write_json(&value, paint, 0, &mut text);
        return text;
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            if whole || text.len() <= TEXT_PREVIEW_BYTES {
                return sanitize(text);
            }
            let mut cut = TEXT_PREVIEW_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!(
                "{}\n{}",
                sanitize(&text[..cut]),
                paint.dim(&format!(
                    "… {} more bytes (-vv shows everything; the capture has it all)",
                    text.len() - cut
                ))
            )
        }
        Err(_) => hex_preview(body, HEX_PREVIEW_BYTES, paint),
    }
}

/// The first `max` bytes as hex lines of 16 with their printable ASCII, then the size.
pub fn hex_preview(bytes: &[u8], max: usize, paint: &Paint) -> String {
    let shown = &bytes[..bytes.len().min(max)];
    let mut lines: Vec<String> = shown
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let ascii: String = chunk
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            format!("{:08x}  {:<47}  {}", i * 16, hex.join(" "), ascii)
        })
        .collect();
    let more = bytes.len() - shown.len();
    let mut summary = format!("binary, {} bytes", bytes.len());
    if more > 0 {
        summary.push_str(&format!(" ({more} not shown)"));
    }
    lines.push(paint.dim(&summary));
    lines.join("\n")
}

/// Pretty JSON with colors; strings are JSON-escaped and then escaped again for the terminal (JSON
/// leaves C1 controls and bidi overrides as they are).
pub fn write_json(value: &Value, paint: &Paint, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match value {
        Value::Null => out.push_str(&paint.dim("null")),
        Value::Bool(b) => out.push_str(&paint.number(&b.to_string())),
        Value::Number(n) => out.push_str(&paint.number(&n.to_string())),
        Value::String(s) => out.push_str(&paint.string(&json_string(s))),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_json(item, paint, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&paint.key(&json_string(key)));
                out.push_str(": ");
                write_json(item, paint, indent + 1, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
    }
}

fn json_string(text: &str) -> String {
    sanitize_line(&serde_json::to_string(text).expect("a string always serialises"))
}

/// The `--json` line for one request ([`super::record::Record::Request`]): its capture line with
/// `"type":"request"` and its content type in front, so the record is serialised once and the two
/// can never disagree.
pub fn request_line(capture_line: &str, headers: &[Header]) -> String {
    let mut line = Vec::with_capacity(capture_line.len() + 64);
    push_request_line(&mut line, capture_line.as_bytes(), headers);
    String::from_utf8(line).expect("JSON text is UTF-8")
}

/// [`request_line`] appended to `out` (listen's batch of stdout lines), without an allocation.
pub fn push_request_line(out: &mut Vec<u8>, capture_line: &[u8], headers: &[Header]) {
    out.extend_from_slice(b"{\"type\":\"request\",\"content_type\":");
    // As serde_json writes `Option<&str>`, without its machinery.
    match content_type(headers) {
        Some(text) => crate::capture::push_json_string(out, text),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    out.extend_from_slice(capture_line.strip_prefix(b"{").unwrap_or(capture_line));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::VerdictRecord;
    use crate::signature::{Failure, Scheme, Verdict};

    fn record(body: &[u8]) -> CaptureRecord {
        let mut record = CaptureRecord {
            seq: 7,
            id: "req_1".into(),
            received_at: "2024-01-01T00:00:00.000Z".into(),
            remote_addr: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: "/hooks".into(),
            query: Some("a=1".into()),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-evil".into(), "a\x1b[2Jb".into()),
            ],
            event_type: Some("order.completed".into()),
            event_id: Some("evt_1".into()),
            verdict: VerdictRecord::default(),
            status: 401,
            duplicate_of: Some(3),
            ..Default::default()
        };
        record.set_body(body);
        record
    }

    fn invalid() -> Checked {
        Checked {
            verdict: Verdict::Invalid {
                scheme: Scheme::STRIPE,
                failure: Failure::TimestampTooOld {
                    by_secs: 12,
                    tolerance_secs: 300,
                },
            },
            hint: None,
        }
    }

    /// `render_line` as it was written before it wrote into one string: the new one must give
    /// the same bytes for every record.
    fn reference_line(
        record: &CaptureRecord,
        checked: &Checked,
        local_time: &str,
        latency_ms: u64,
        paint: &Paint,
    ) -> String {
        fn column(text: &str, width: usize) -> String {
            let text = crate::output::ellipsize(text, width);
            format!("{text:width$}")
        }
        let verdict = format!("{:VERDICT_WIDTH$}", sanitize_line(&short_verdict(checked)));
        let kind = checked.verdict.kind();
        let painted_verdict = match kind {
            "valid" => paint.ok(&verdict),
            "invalid" => paint.error(&verdict),
            _ => paint.dim(&verdict),
        };
        let mut line = format!(
            "{} {} {} {} {} {} {painted_verdict} {} {}",
            paint.dim(local_time),
            paint.bold(&format!("#{:<5}", record.seq)),
            paint.method(&format!("{:<6}", sanitize_line(&record.method))),
            column(&sanitize_line(&record.path_and_query()), PATH_WIDTH),
            column(
                &sanitize_line(record.event_type.as_deref().unwrap_or("-")),
                TYPE_WIDTH
            ),
            paint.dim(&format!(
                "{:ID_WIDTH$}",
                sanitize_line(&shown_id(record.event_id.as_deref().unwrap_or("-")))
            )),
            paint.status(record.status),
            paint.dim(&format!("{latency_ms}ms")),
        );
        if let Some(first) = record.duplicate_of {
            line.push_str(&format!("  {}", paint.warn(&format!("dup #{first}"))));
        }
        if let Some(handshake) = &record.handshake {
            let kind = sanitize_line(&handshake.kind);
            line.push_str(&match &handshake.refused {
                None => format!("  {}", paint.ok(&format!("handshake {kind} answered"))),
                Some(why) => format!(
                    "  {}",
                    paint.warn(&format!("handshake {kind} {}", sanitize_line(why)))
                ),
            });
        }
        if let Some(forward) = &record.forward {
            let answer = match (forward.status, &forward.error) {
                (Some(status), _) => paint.status(status),
                (None, Some(_)) => paint.error("error"),
                (None, None) => "no answer".into(),
            };
            line.push_str(&format!("  app {answer}"));
        }
        line
    }

    // long: every optional part of the line, with colours on and off, long and hostile values.
    #[test]
    fn the_line_is_byte_for_byte_what_format_wrote() {
        let body = br#"{"a":1}"#;
        let valid = Checked {
            verdict: Verdict::Valid {
                scheme: Scheme::GITHUB,
                secret_index: 0,
            },
            hint: None,
        };
        let unsigned = Checked {
            verdict: Verdict::Unsigned,
            hint: None,
        };
        let mut records = vec![record(body)];
        let mut bare = record(body);
        bare.query = None;
        bare.event_type = None;
        bare.event_id = None;
        bare.duplicate_of = None;
        bare.seq = 1_234_567;
        bare.status = 200;
        records.push(bare);
        let mut long = record(body);
        long.path = "/hooks/".to_string() + &"é".repeat(40);
        long.query = Some("x=\u{1b}[2J&y=\n".into());
        long.method = "PROPFIND\t".into();
        long.event_type = Some("ünïcödé.".repeat(5));
        long.event_id = Some("e".repeat(300));
        long.status = 503;
        long.handshake = Some(crate::capture::HandshakeRecord {
            kind: "slack\u{202e}".into(),
            refused: None,
        });
        records.push(long);
        let mut exact = record(body);
        exact.path = "/".to_string() + &"p".repeat(PATH_WIDTH - 1);
        exact.query = None;
        exact.event_type = Some("t".repeat(TYPE_WIDTH));
        exact.event_id = Some("i".repeat(ID_WIDTH + 1));
        exact.status = 302;
        exact.handshake = Some(crate::capture::HandshakeRecord {
            kind: "meta".into(),
            refused: Some("wrong verify token\n".into()),
        });
        records.push(exact);
        // More bytes than the column is wide, fewer characters.
        let mut wide = record(body);
        wide.path = "é".repeat(PATH_WIDTH / 2 + 1);
        wide.event_type = Some("é".repeat(TYPE_WIDTH / 2 + 1));
        wide.event_id = Some("ü".repeat(ID_WIDTH / 2 + 1));
        wide.method = "ÉÉÉÉ".into();
        records.push(wide);
        for (status, error) in [
            (Some(201), None),
            (None, Some("refused".to_string())),
            (None, None),
        ] {
            let mut forwarded = record(body);
            forwarded.forward = Some(crate::capture::ForwardRecord {
                url: "http://127.0.0.1:3000/".into(),
                status,
                latency_ms: 5,
                error,
            });
            records.push(forwarded);
        }
        for colours in [false, true] {
            let paint = Paint::new(colours);
            for record in &records {
                for checked in [&invalid(), &valid, &unsigned] {
                    for (time, latency) in [("12:00:00.001", 0), ("t", 12_345)] {
                        assert_eq!(
                            render_line(record, checked, time, latency, &paint),
                            reference_line(record, checked, time, latency, &paint),
                            "{record:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_clock_is_what_strftime_wrote() {
        use chrono::{NaiveDate, NaiveTime};
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        for (h, m, s, nanos) in [
            (0, 0, 0, 0),
            (9, 5, 7, 42_000_000),
            (14, 3, 27, 42_999_999),
            (23, 59, 59, 999_999_999),
            // A leap second.
            (23, 59, 59, 1_500_000_000),
        ] {
            let time = NaiveTime::from_hms_nano_opt(h, m, s, nanos).unwrap();
            let when = day.and_time(time);
            assert_eq!(
                clock(&when),
                when.format("%H:%M:%S%.3f").to_string(),
                "{time:?}"
            );
        }
        let now = chrono::Local::now();
        assert_eq!(clock(&now), now.format("%H:%M:%S%.3f").to_string());
    }

    // long: one request's line, checked for each fact it shows and how each is escaped.
    #[test]
    fn one_line_per_request_with_the_facts_escaped() {
        let body = br#"{"type":"order.completed","note":"x\u001b[31m"}"#;
        let paint = Paint::new(false);
        let line = render_line(&record(body), &invalid(), "12:00:00", 3, &paint);
        assert_eq!(
            line,
            "12:00:00 #7     POST   /hooks?a=1             order.completed          \
             evt_1                        invalid stripe: timestamp too old 401 3ms  dup #3"
        );
        let mut huge = record(body);
        huge.event_id = Some("e".repeat(10 * 1024 * 1024));
        let line = render_line(&huge, &invalid(), "t", 0, &paint);
        assert!(line.len() < 300, "{}", line.len());
        assert!(line.contains(&format!("{}… (10485760 bytes)", "e".repeat(ID_WIDTH))));
        let mut hostile = record(body);
        hostile.event_type = Some("a\x1b[2Jb".into());
        hostile.path = "/\u{202e}x".into();
        let line = render_line(&hostile, &invalid(), "t", 0, &paint);
        assert!(
            !line.contains('\x1b') && !line.contains('\u{202e}'),
            "{line}"
        );

        let plain = render_human(
            &record(body),
            &invalid(),
            body,
            "L".into(),
            &paint,
            Detail::default(),
            None,
        );
        assert_eq!(plain, "L");
        let verbose = render_human(
            &record(body),
            &invalid(),
            body,
            "L".into(),
            &paint,
            Detail {
                verbose: 1,
                body: false,
            },
            None,
        );
        assert!(verbose.contains("invalid stripe signature: timestamp too old by 12s"));
        assert!(verbose.contains("x-evil: a\\x1b[2Jb"), "{verbose}");
        assert!(
            verbose.contains("  \"note\": \"x\\u001b[31m\""),
            "{verbose}"
        );
        assert!(!verbose.contains('\x1b'));
        let body_only = render_human(
            &record(body),
            &invalid(),
            body,
            "L".into(),
            &paint,
            Detail {
                verbose: 0,
                body: true,
            },
            None,
        );
        assert!(body_only.contains("\"note\""));
        assert!(!body_only.contains("x-evil"));
    }

    #[test]
    fn verbose_previews_the_first_lines_and_vv_shows_all() {
        let body =
            serde_json::to_vec(&serde_json::json!({"items": (0..40).collect::<Vec<_>>()})).unwrap();
        let paint = Paint::new(false);
        let show = |verbose| {
            render_human(
                &record(&body),
                &invalid(),
                &body,
                "L".into(),
                &paint,
                Detail {
                    verbose,
                    body: false,
                },
                None,
            )
        };
        assert!(show(1).contains("more lines (-vv or --body shows them all)"));
        assert!(show(2).contains("    39\n"), "{}", show(2));
        assert!(!show(2).contains("more lines"));
    }

    #[test]
    fn short_verdicts() {
        let checked = |verdict, hint: Option<&str>| Checked {
            verdict,
            hint: hint.map(str::to_string),
        };
        let mismatch = Verdict::Invalid {
            scheme: Scheme::HEX,
            failure: Failure::Mismatch { secrets: 1 },
        };
        assert_eq!(
            short_verdict(&checked(mismatch.clone(), None)),
            "invalid hex: signed with another secret"
        );
        assert_eq!(
            short_verdict(&checked(mismatch, Some("the body verifies once minified"))),
            "invalid hex: body re-serialised on the way (-v)"
        );
        assert_eq!(short_verdict(&checked(Verdict::Unsigned, None)), "unsigned");
        assert_eq!(
            short_verdict(&checked(
                Verdict::Valid {
                    scheme: Scheme::GITHUB,
                    secret_index: 2
                },
                None
            )),
            "valid github"
        );
    }

    #[test]
    fn form_bodies_are_a_table_of_fields() {
        let body = b"Body=Hi+there%21&From=%2B14155550123&MessagingServiceSid=&X%1B=%1B[2J";
        let text = render_form(body, &Paint::new(false));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Body                 Hi there!");
        assert_eq!(lines[1], "From                 +14155550123");
        assert_eq!(lines[2].trim_end(), "MessagingServiceSid");
        assert!(!text.contains('\x1b'), "{text:?}");
    }

    #[test]
    fn binary_bodies_are_hex() {
        let body: Vec<u8> = (0u8..100).map(|b| b | 0x80).collect();
        let text = render_body(&body, &Paint::new(false), false);
        assert!(text.starts_with("00000000  80 81 82"), "{text}");
        assert!(text.ends_with("binary, 100 bytes (36 not shown)"), "{text}");
        assert_eq!(text.lines().count(), 5);
    }

    #[test]
    fn long_text_is_cut() {
        let body = "é".repeat(TEXT_PREVIEW_BYTES);
        let text = render_body(body.as_bytes(), &Paint::new(false), false);
        assert!(text.contains("more bytes"));
        assert_eq!(render_body(body.as_bytes(), &Paint::new(false), true), body);
    }

    #[test]
    fn json_line_has_the_documented_fields() {
        let mut record = record(b"\xff\x00");
        record.verdict = VerdictRecord::from(&invalid().verdict);
        let line = request_line(&record.to_line(), &record.headers);
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["type"], "request");
        assert_eq!(value["seq"], 7);
        assert_eq!(value["body_encoding"], "base64");
        assert_eq!(value["body"], "/wA=");
        assert_eq!(value["verdict"]["code"], "timestamp_too_old");
        assert_eq!(value["content_type"], "application/json");
        assert_eq!(value["duplicate_of"], 3);
        // Byte for byte the typed record's serialisation.
        let typed = super::super::record::Record::Request {
            content_type: content_type(&record.headers),
            capture: &record,
        };
        assert_eq!(
            line,
            format!("{}\n", serde_json::to_string(&typed).unwrap())
        );
        for key in [
            "v",
            "id",
            "received_at",
            "method",
            "path",
            "query",
            "headers",
            "body_size",
            "event_type",
            "event_id",
            "remote_addr",
            "status",
        ] {
            assert!(value.get(key).is_some(), "{key}");
        }
    }
}
