//! How `hooky listen` shows a received request: the human block (header line, details, headers with
//! `-v`, the body pretty-printed, colorized and escaped) and the `--json` line. Pure: the record,
//! the verdict and the local time come in, text goes out.

use serde_json::Value;

use crate::capture::CaptureRecord;
use crate::output::{Paint, sanitize, sanitize_line};
use crate::signature::{Header, get_one};
use crate::verification::Checked;

/// Text bodies longer than this are cut in human mode (the capture keeps them whole).
pub const TEXT_PREVIEW_BYTES: usize = 16 * 1024;
/// Binary bodies show this many bytes as hex.
pub const HEX_PREVIEW_BYTES: usize = 64;

/// The `Content-Type` of a request, if any.
pub fn content_type(headers: &[Header]) -> Option<&str> {
    get_one(headers, "content-type")
}

/// The human block for one request, without a trailing newline.
pub fn render_human(
    record: &CaptureRecord,
    checked: &Checked,
    body: &[u8],
    local_time: &str,
    paint: &Paint,
    verbose: u8,
    app_preview: Option<&str>,
) -> String {
    let mut out = String::new();
    let target = sanitize_line(&record.path_and_query());
    out.push_str(&format!(
        "{} {} {} {} {} {}",
        paint.bold(&format!("#{}", record.seq)),
        paint.dim(local_time),
        paint.method(&sanitize_line(&record.method)),
        target,
        paint.dim("→"),
        paint.status(record.status),
    ));
    if let Some(first) = record.duplicate_of {
        out.push_str(&format!(
            "  {}",
            paint.warn(&format!("duplicate of #{first}"))
        ));
    }
    let mut detail = |label: &str, text: String| {
        out.push_str(&format!(
            "\n  {} {}",
            paint.dim(&format!("{label:<8}")),
            text
        ));
    };
    let verdict_text = sanitize_line(&checked.verdict.to_string());
    let (kind, rest) = verdict_text.split_once(' ').unwrap_or((&verdict_text, ""));
    detail("verdict", format!("{} {rest}", paint.verdict(kind)));
    if let Some(hint) = &checked.hint {
        detail("hint", paint.warn(&sanitize_line(hint)));
    }
    match (&record.event_type, &record.event_id) {
        (None, None) => {}
        (event_type, event_id) => {
            let mut text = sanitize_line(event_type.as_deref().unwrap_or("(no type)"));
            if let Some(id) = event_id {
                text.push_str(&format!(
                    " {}",
                    paint.dim(&format!("id {}", sanitize_line(id)))
                ));
            }
            detail("event", text);
        }
    }
    let mut body_line = format!("{} bytes", record.body_size);
    if let Some(kind) = content_type(&record.headers) {
        body_line.push_str(&format!(", {}", sanitize_line(kind)));
    }
    if let Some(reason) = &record.body_omitted {
        body_line.push_str(&format!(
            " ({})",
            paint.warn(&format!("not kept: {reason}"))
        ));
    }
    detail("body", body_line);
    detail("from", sanitize_line(&record.remote_addr));
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
        detail("forward", text);
    }
    if verbose > 0 {
        out.push_str(&format!("\n  {}", paint.dim("headers")));
        for (name, value) in &record.headers {
            out.push_str(&format!(
                "\n    {}: {}",
                paint.key(&sanitize_line(name)),
                sanitize_line(value)
            ));
        }
    }
    if record.body_omitted.is_none() && !body.is_empty() {
        out.push('\n');
        out.push_str(&render_body(body, paint, verbose > 1));
    }
    out
}

/// A body for people: JSON pretty-printed and colorized, other text escaped, binary as hex.
pub fn render_body(body: &[u8], paint: &Paint, whole: bool) -> String {
    if let Some(value) = crate::event::parse_json_body(body) {
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

/// A body cut to at most `max` bytes for human output (on a character boundary when it is text),
/// and how many bytes were left out. Every body printed for people goes through it (`--max-print`).
pub fn clip_body(body: &[u8], max: usize) -> (&[u8], usize) {
    if body.len() <= max {
        return (body, 0);
    }
    let mut cut = max;
    // Do not split a UTF-8 character: back off over continuation bytes (at most three).
    if std::str::from_utf8(body).is_ok() {
        while cut > 0 && (body[cut] & 0xc0) == 0x80 {
            cut -= 1;
        }
    }
    (&body[..cut], body.len() - cut)
}

/// The line after a body `clip_body` cut.
pub fn clipped_note(left_out: usize, paint: &Paint) -> String {
    paint.dim(&format!(
        "… {left_out} more bytes not shown (--max-print; the capture has the whole body)"
    ))
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

/// The `--json` line for one request: its capture line with `"type":"request"` and its content type
/// in front, so the record is serialised once and the two can never disagree.
pub fn request_line(capture_line: &str, headers: &[Header]) -> String {
    let content_type =
        serde_json::to_string(&content_type(headers)).expect("a string always serialises");
    let fields = capture_line.strip_prefix('{').unwrap_or(capture_line);
    format!("{{\"type\":\"request\",\"content_type\":{content_type},{fields}")
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
                scheme: Scheme::Stripe,
                failure: Failure::TimestampTooOld {
                    by_secs: 12,
                    tolerance_secs: 300,
                },
            },
            hint: None,
        }
    }

    #[test]
    fn clipped_bodies_stop_at_the_limit_and_on_a_character() {
        assert_eq!(clip_body(b"abc", 3), (&b"abc"[..], 0));
        assert_eq!(clip_body(b"abcdef", 4), (&b"abcd"[..], 2));
        // "é" is two bytes: a cut between them moves before it.
        let text = "aé".as_bytes();
        assert_eq!(clip_body(text, 2), (&b"a"[..], 2));
        // Binary is cut where the limit says.
        assert_eq!(clip_body(&[0xff, 0x80, 0x80], 2), (&[0xff, 0x80][..], 1));
        let note = clipped_note(10, &Paint::new(false));
        assert!(
            note.contains("10 more bytes not shown (--max-print"),
            "{note}"
        );
    }

    #[test]
    fn human_block_has_the_facts_and_escapes() {
        let body = br#"{"type":"order.completed","note":"x\u001b[31m"}"#;
        let text = render_human(
            &record(body),
            &invalid(),
            body,
            "12:00:00",
            &Paint::new(false),
            1,
            None,
        );
        let first = text.lines().next().unwrap();
        assert_eq!(first, "#7 12:00:00 POST /hooks?a=1 → 401  duplicate of #3");
        assert!(text.contains("invalid stripe signature: timestamp too old by 12s"));
        assert!(text.contains("order.completed id evt_1"));
        assert!(text.contains("x-evil: a\\x1b[2Jb"), "{text}");
        assert!(text.contains("  \"note\": \"x\\u001b[31m\""), "{text}");
        assert!(!text.contains('\x1b'));
        let quiet = render_human(
            &record(body),
            &invalid(),
            body,
            "t",
            &Paint::new(false),
            0,
            None,
        );
        assert!(!quiet.contains("x-evil"));
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
        for key in [
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
