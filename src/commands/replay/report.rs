//! One replay's result: its line for people (with `--diff`, how the answer differs from the
//! captured one) or its `result` record.

use std::collections::HashMap;

use super::deliver::Outcome;
use super::record::{ReplayDiff, ReplayResult};
use super::show::body_text;
use crate::capture::push_json_string;
use crate::output::{Output, sanitize_line};

/// The comparison `--diff` makes for one answer.
pub(super) struct Diff {
    captured: Option<u16>,
    captured_from: &'static str,
    body_same_as_first: Option<bool>,
}

pub(super) fn diff_of(
    outcome: &Outcome,
    body_sha: &str,
    first_bodies: &mut HashMap<u64, String>,
) -> Diff {
    let body_same_as_first = match first_bodies.get(&outcome.seq) {
        Some(first) => Some(first == body_sha),
        None => {
            first_bodies.insert(outcome.seq, body_sha.to_string());
            None
        }
    };
    Diff {
        captured: outcome.captured_status,
        captured_from: outcome.captured_from,
        body_same_as_first,
    }
}

/// One printed result.
pub(super) struct ResultLine {
    json: ReplayResult,
    text: String,
}

impl ResultLine {
    /// The line as `--json` or people read it, with its newline.
    pub(super) fn write_to(&self, buffer: &mut Vec<u8>, json: bool) {
        if json {
            write_json(&self.json, buffer);
        } else {
            buffer.extend_from_slice(self.text.as_bytes());
        }
        buffer.push(b'\n');
    }
}

/// `result` as serde writes `Record::Replay(result)` (`schema/replay.json`), field by field: serde's
/// walk through the tagged enum and its map was ~4.4k instructions of every replay's line.
fn write_json(result: &ReplayResult, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"type\":\"replay\",\"seq\":");
    push_serde(out, &result.seq);
    out.extend_from_slice(b",\"round\":");
    push_serde(out, &result.round);
    out.extend_from_slice(b",\"method\":");
    push_json_string(out, &result.method);
    out.extend_from_slice(b",\"url\":");
    push_json_string(out, &result.url);
    out.extend_from_slice(b",\"status\":");
    push_serde(out, &result.status);
    out.extend_from_slice(b",\"error\":");
    match &result.error {
        Some(error) => push_json_string(out, error),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"attempts\":");
    push_serde(out, &result.attempts);
    out.extend_from_slice(b",\"resigned\":");
    push_serde(out, &result.resigned);
    out.extend_from_slice(b",\"latency_ms\":");
    push_serde(out, &result.latency_ms);
    out.extend_from_slice(b",\"elapsed_ms\":");
    push_serde(out, &result.elapsed_ms);
    out.extend_from_slice(b",\"response_size\":");
    push_serde(out, &result.response_size);
    out.extend_from_slice(b",\"response_sha256\":");
    push_json_string(out, &result.response_sha256);
    if let Some(diff) = &result.diff {
        out.extend_from_slice(b",\"diff\":{\"captured_status\":");
        push_serde(out, &diff.captured_status);
        out.extend_from_slice(b",\"captured_from\":");
        push_json_string(out, diff.captured_from);
        out.extend_from_slice(b",\"status_same\":");
        push_serde(out, &diff.status_same);
        out.extend_from_slice(b",\"body_same_as_first_replay\":");
        push_serde(out, &diff.body_same_as_first_replay);
        out.push(b'}');
    }
    out.push(b'}');
}

/// A number, a bool or an option of one, as serde writes it (`null` for `None`, and for a float
/// that is not finite).
fn push_serde(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    serde_json::to_writer(&mut *out, value).expect("a number or a bool always serialises");
}

/// One replay's result, as `--json` writes it, or for people (each mode builds only its own).
pub(super) fn result_line(
    outcome: &Outcome,
    body_sha: &str,
    diff: Option<&Diff>,
    out: &Output,
) -> ResultLine {
    let delivery = &outcome.delivery;
    let last = delivery.last();
    let mut json = ReplayResult {
        seq: outcome.seq,
        round: outcome.round,
        method: outcome.method.clone(),
        url: outcome.url.clone(),
        status: last.status,
        error: last.error.clone(),
        attempts: delivery.attempts.len(),
        resigned: outcome.resigned,
        latency_ms: crate::units::millis(last.latency),
        elapsed_ms: crate::units::millis(delivery.elapsed),
        response_size: delivery.response_body.len(),
        response_sha256: body_sha.to_string(),
        diff: None,
    };
    let same_status = diff.is_some_and(|d| d.captured.is_some() && d.captured == last.status);
    if let Some(diff) = diff {
        json.diff = Some(ReplayDiff {
            captured_status: diff.captured,
            captured_from: diff.captured_from,
            status_same: same_status,
            body_same_as_first_replay: diff.body_same_as_first,
        });
    }
    // `--json` prints no text: a replay of a million captures would build a million unread lines.
    let text = if out.json {
        String::new()
    } else {
        human_text(outcome, diff, same_status, out)
    };
    ResultLine { json, text }
}

/// The result's line for people: what was sent, the answer, how long it took, `--diff`'s notes and
/// with `-v` the answer's body.
fn human_text(outcome: &Outcome, diff: Option<&Diff>, same_status: bool, out: &Output) -> String {
    let delivery = &outcome.delivery;
    let last = delivery.last();
    let p = &out.paint;
    let answer = match (last.status, &last.error) {
        (Some(status), _) => p.status(status),
        (None, Some(error)) => p.error(&sanitize_line(error)),
        (None, None) => p.error("no answer"),
    };
    let mut text = format!(
        "#{} {} {} → {answer} {}",
        outcome.seq,
        p.method(&sanitize_line(&outcome.method)),
        sanitize_line(&outcome.url),
        p.dim(&crate::units::format_duration(delivery.elapsed)),
    );
    if delivery.attempts.len() > 1 {
        text.push_str(&format!(" after {} attempts", delivery.attempts.len()));
    }
    if let Some(diff) = diff {
        diff_notes(diff, same_status, p, &mut text);
    }
    if out.verbose > 0 && !delivery.response_body.is_empty() {
        text.push('\n');
        text.push_str(&body_text(&delivery.response_body, out));
    }
    text
}

/// `--diff`'s notes after a result's line: the status against the captured one, and a body that
/// differs from the first replay's.
fn diff_notes(diff: &Diff, same_status: bool, p: &crate::output::Paint, text: &mut String) {
    match diff.captured {
        Some(captured) if same_status => text.push_str(&format!("  (same as captured {captured})")),
        Some(captured) => text.push_str(&format!(
            "  {}",
            p.warn(&format!("(captured {captured}: changed)"))
        )),
        None => text.push_str("  (no captured status)"),
    }
    if diff.body_same_as_first == Some(false) {
        text.push_str(&format!(
            "  {}",
            p.warn("(body differs from the first replay)")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::Record;
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9:/?=&._-]{0,40}",
            "\\PC{0,20}",
            proptest::collection::vec(any::<char>(), 0..12).prop_map(|c| c.into_iter().collect()),
            Just("\"\\/\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}\u{2028}é😀".to_string()),
        ]
    }

    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            (0u64..10_000_000).prop_map(|micros| micros as f64 / 1000.0),
            Just(0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
        ]
    }

    prop_compose! {
        fn results()(
            numbers in (any::<u64>(), any::<u64>(), any::<usize>(), any::<usize>()),
            strings in (text(), text(), text()),
            status in proptest::option::of(any::<u16>()),
            error in proptest::option::of(text()),
            resigned in any::<bool>(),
            times in (float(), float()),
            diff in proptest::option::of((
                proptest::option::of(any::<u16>()),
                0usize..3,
                any::<bool>(),
                proptest::option::of(any::<bool>()),
            )),
        ) -> ReplayResult {
            ReplayResult {
                seq: numbers.0,
                round: numbers.1,
                method: strings.0,
                url: strings.1,
                status,
                error,
                attempts: numbers.2,
                resigned,
                latency_ms: times.0,
                elapsed_ms: times.1,
                response_size: numbers.3,
                response_sha256: strings.2,
                diff: diff.map(|(captured_status, from, status_same, body_same)| ReplayDiff {
                    captured_status,
                    captured_from: ["listen", "forwarded app", "a \"quoted\"\n source"][from],
                    status_same,
                    body_same_as_first_replay: body_same,
                }),
            }
        }
    }

    proptest! {
        #[test]
        fn the_result_line_is_the_one_serde_writes(result in results()) {
            let mut ours = Vec::new();
            write_json(&result, &mut ours);
            let serde = serde_json::to_vec(&Record::Replay(&result)).unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&serde));
        }
    }
}
