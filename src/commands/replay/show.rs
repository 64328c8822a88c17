//! One capture shown in full (`--show SEQ`), and the head and body text the dry run and the
//! results reuse; secrets redacted.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::record::{CaptureView, Record};
use crate::capture::CaptureRecord;
use crate::exit::{self, CliError};
use crate::headers::Header;
use crate::output::{Output, sanitize, sanitize_line};

/// `--show SEQ`: one capture in full.
pub(super) fn show_seq(
    records: &[CaptureRecord],
    seq: u64,
    from: &Path,
    keys: &[&[u8]],
    out: &Output,
) -> anyhow::Result<u8> {
    let record = records.iter().find(|r| r.seq == seq).ok_or_else(|| {
        CliError::usage(format!("there is no capture #{seq} in {}", from.display()))
            .with_hint("hooky replay --list shows what there is")
    })?;
    show(record, keys, out)?;
    Ok(exit::OK)
}

/// A record as it may be shown or exported: token headers and secret-bearing values redacted, and
/// any secret inside the URL or the verdict's words (a capture or HAR from elsewhere, or from an
/// older hooky that quoted header values in reasons) replaced.
pub(super) fn redacted(record: &CaptureRecord, keys: &[&[u8]]) -> CaptureRecord {
    use crate::secret::redact_text;
    let mut copy = record.clone();
    copy.headers = crate::secret::redact_headers(&record.headers, keys);
    copy.path = redact_text(&record.path, keys);
    copy.query = record.query.as_deref().map(|q| redact_text(q, keys));
    let verdict = &mut copy.verdict;
    for text in [&mut verdict.reason, &mut verdict.hint, &mut verdict.note] {
        *text = text.as_deref().map(|t| redact_text(t, keys));
    }
    copy
}

pub(super) fn show(record: &CaptureRecord, keys: &[&[u8]], out: &Output) -> anyhow::Result<()> {
    let record = redacted(record, keys);
    if out.json {
        return Ok(out.json(&Record::Capture(CaptureView::shown(&record)))?);
    }
    let body = record.body_bytes();
    let p = &out.paint;
    // Every string here comes from a file: escaped like everything listen prints.
    let kind = record.verdict.verdict.name();
    let verdict = match &record.verdict.scheme {
        Some(scheme) => format!("{} ({})", p.verdict(kind), sanitize_line(scheme)),
        None => p.verdict(kind),
    };
    out.data(&p.dim(&format!(
        "# capture #{} received {} from {}",
        record.seq,
        sanitize_line(&record.received_at),
        sanitize_line(&record.remote_addr)
    )))?;
    out.data(&format!(
        "# verdict {verdict}, answered {}{}",
        if record.status == 0 {
            "-".to_string()
        } else {
            p.status(record.status)
        },
        record
            .event_type
            .as_deref()
            .map(|t| format!(", event {}", sanitize_line(t)))
            .unwrap_or_default()
    ))?;
    print_head(
        out,
        &record.method,
        &format!("{} HTTP/1.1", record.path_and_query()),
        &record.headers,
    )?;
    match body {
        Ok(bytes) => out.data(&body_text(&bytes, out))?,
        Err(error) => out.warn(&error.to_string()),
    }
    Ok(())
}

/// A body for people: the text (escaped), or a note and base64 for binary data.
/// A body for people: text escaped, binary as base64, at most `--max-print` bytes of it.
pub(super) fn body_text(bytes: &[u8], out: &Output) -> String {
    let (shown, left_out) = crate::output::clip_body(bytes, out.max_print);
    // Text or binary by the whole body; a text body is cut on a character boundary.
    let mut text = match std::str::from_utf8(bytes).and_then(|_| std::str::from_utf8(shown)) {
        Ok(text) => sanitize(text),
        Err(_) => format!(
            "(binary, {} bytes; base64:)\n{}",
            bytes.len(),
            BASE64.encode(shown)
        ),
    };
    if left_out > 0 {
        text.push('\n');
        text.push_str(&crate::output::clipped_note(left_out, &out.paint));
    }
    text
}

/// A request's first line and headers for people, escaped, then a blank line.
pub(super) fn print_head(
    out: &Output,
    method: &str,
    target: &str,
    headers: &[Header],
) -> anyhow::Result<()> {
    let p = &out.paint;
    out.data(&format!(
        "{} {}",
        p.method(&sanitize_line(method)),
        sanitize_line(target)
    ))?;
    for (name, value) in headers {
        out.data(&format!(
            "{}: {}",
            p.key(&sanitize_line(name)),
            sanitize_line(value)
        ))?;
    }
    out.data("")?;
    Ok(())
}
