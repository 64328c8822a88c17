//! The steps of each request after [`decide`](super::decide::decide): its capture record made (secrets redacted),
//! committed under the lock (sequence number, id, duplicate window, planned answer, the open
//! batch), and counted against `--expect`.

use std::sync::atomic::Ordering;

use rand::Rng;

use super::answer::{Answer, planned_answer};
use super::dedup::{self, DuplicateWindow, Seen};
use super::expect::{self, Facts};
use super::receive::Received;
use super::verification::Checked;
use super::{Listener, batch};
use crate::capture::{CaptureRecord, VerdictRecord};
use crate::headers::Header;

/// The capture record before [`commit`] gives it its sequence number, id and status; secrets
/// redacted.
pub(super) fn capture_record(
    state: &Listener,
    received: &Received,
    checked: &Checked,
    mut headers: Vec<Header>,
    path: String,
    event_type: Option<String>,
    event_id: Option<&str>,
) -> Box<CaptureRecord> {
    let keys = state.verifier.keys();
    let redact = |text: &str| crate::secret::redact_text(text, &keys);
    let redact_owned = |text: String| crate::secret::redact_owned(text, &keys);
    crate::secret::redact_headers_in_place(&mut headers, &keys);
    // Boxed once here: the record then travels through the batch and back as a pointer, not
    // ~600 bytes copied at each move.
    let mut record = Box::new(CaptureRecord {
        seq: 0,
        id: String::new(),
        received_at: timestamp_text(received.at),
        remote_addr: address_text(received.remote),
        method: received.method.as_str().to_string(),
        // A secret in the URL (`?token=…`) is redacted like one in a header.
        path: redact_owned(path),
        // Meta's hub.verify_token is a secret too, whoever's it is.
        query: received
            .query
            .as_deref()
            .map(|query| redact(&crate::secret::redact_query_tokens(query))),
        headers,
        // They may come from headers (`X-GitHub-Event`, `webhook-id`), redacted like the rest.
        event_type: event_type.map(redact_owned),
        event_id: event_id.map(redact),
        verdict: VerdictRecord {
            hint: checked.hint.clone(),
            ..VerdictRecord::from(&checked.verdict)
        },
        status: 200,
        ..Default::default()
    });
    match received.too_large {
        Some(size) => {
            record.body_size = size;
            record.body_omitted = Some(format!(
                "too large: over --max-body {} bytes",
                state.max_body
            ));
        }
        None => record.set_body(&received.body),
    }
    record
}

/// `at` as `to_rfc3339_opts(Millis, true)` writes it (`2024-01-01T00:00:00.000Z`); a four-digit
/// year without chrono's formatting machinery (about 600 instructions per request).
fn timestamp_text(at: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let (year, nanos) = (at.year(), at.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    }
    // Each field zero-padded to its width, then the separator that follows it.
    let fields = [
        (year as u32, 4, '-'),
        (at.month(), 2, '-'),
        (at.day(), 2, 'T'),
        (at.hour(), 2, ':'),
        (at.minute(), 2, ':'),
        (at.second(), 2, '.'),
        (nanos / 1_000_000, 3, 'Z'),
    ];
    let mut text = String::with_capacity(24);
    for (value, width, separator) in fields {
        super::request_view::push_digits(&mut text, value, width);
        text.push(separator);
    }
    text
}

/// `remote` as `SocketAddr`'s `Display` writes it; an IPv4 one without the formatting machinery
/// (about 1.6k instructions per request).
fn address_text(remote: std::net::SocketAddr) -> String {
    let std::net::SocketAddr::V4(v4) = remote else {
        return remote.to_string();
    };
    let mut text = String::with_capacity(21);
    let mut digits = itoa::Buffer::new();
    for (i, octet) in v4.ip().octets().into_iter().enumerate() {
        if i > 0 {
            text.push('.');
        }
        text.push_str(digits.format(octet));
    }
    text.push(':');
    text.push_str(digits.format(v4.port()));
    text
}

/// Under the lock: the sequence number and id, the duplicate window, the planned answer, the
/// record added to the open batch. Then waits for the batch to be written (see [`batch`]): the
/// record back once it is in the capture file, `None` when the batch could not be written.
pub(super) async fn commit(
    state: &Listener,
    mut record: Box<CaptureRecord>,
    event_id: Option<&str>,
    planned: bool,
    answer: &mut Answer,
    view: Option<Box<batch::View>>,
) -> Option<Box<CaptureRecord>> {
    let (first, done) = {
        let mut shared = state.shared.lock().expect("no panics while locked");
        let shared = &mut *shared;
        record.seq = shared.next_seq;
        shared.next_seq += 1;
        record.id = crate::ids::quick_prefixed_id("req", &mut shared.rng);
        if let Some(id) = event_id {
            note_duplicate(&mut shared.duplicates, id, &mut record);
        }
        if planned {
            let roll: f64 = shared.rng.r#gen();
            let plan = shared.responder.next(event_id, roll);
            *answer = planned_answer(state, &plan);
        }
        record.status = answer.status().as_u16();
        let wants_line =
            state.capture_path.is_some() || state.live.receiver_count() > 0 || state.out.json;
        shared.batch.add(record, wants_line, view)
    };
    if first {
        state.batched.notify_one();
    }
    match done.await {
        Ok(committed) if committed.written => Some(committed.record),
        _ => None,
    }
}

/// Marks a repeated event id (within the window), or notes one too long to remember.
fn note_duplicate(duplicates: &mut DuplicateWindow, id: &str, record: &mut CaptureRecord) {
    match duplicates.check(id, record.seq) {
        Seen::First => {}
        Seen::Repeat(first) => record.duplicate_of = Some(first),
        Seen::TooLong => {
            let note = dedup::too_long_note(id.len());
            record.verdict.note = Some(match record.verdict.note.take() {
                Some(existing) => format!("{existing}; {note}"),
                None => note,
            });
        }
    }
}

/// Counts a captured request that meets every `--expect`; reaching `--count` stops the listener.
pub(super) fn count_expected(
    state: &Listener,
    received: &Received,
    record: &CaptureRecord,
    verified: bool,
) {
    // The whole document only when an --expect looks into it: most bodies are never parsed.
    let json = if state.expectations_read_json {
        crate::webhook::event::parse_json_body(&received.body)
    } else {
        None
    };
    let facts = Facts {
        event_type: record.event_type.as_deref(),
        verified,
        method: &record.method,
        path: &record.path,
        headers: &received.headers,
        json: json.as_ref(),
    };
    if expect::all_match(&state.expectations, &facts) {
        let matched = state.matched.fetch_add(1, Ordering::SeqCst) + 1;
        if state.count.is_some_and(|count| matched >= count) {
            let _ = state.stop.send(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_as_chrono_writes_them() {
        use chrono::TimeZone;
        let mut seconds: i64 = 0;
        for step in 0..20_000i64 {
            // Spread over 0000..=9999 and beyond, with every kind of millisecond.
            seconds = (seconds + 1_234_567_891 + step * 7919) % 320_000_000_000 - 1_000_000_000;
            let nanos = (step as u32).wrapping_mul(48_271) % 1_000_000_000;
            let at = chrono::Utc.timestamp_opt(seconds, nanos).unwrap();
            let expected = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            assert_eq!(timestamp_text(at), expected, "{seconds} {nanos}");
        }
        let at = chrono::Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(timestamp_text(at), "2024-01-01T00:00:00.000Z");
    }

    #[test]
    fn addresses_are_written_as_display_writes_them() {
        for address in [
            "127.0.0.1:42798",
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "10.0.20.3:8",
            "[::1]:5000",
            "[fe80::1%2]:80",
            "[::ffff:1.2.3.4]:9",
        ] {
            let remote: std::net::SocketAddr = address.parse().unwrap();
            assert_eq!(address_text(remote), remote.to_string(), "{address}");
        }
    }
}
