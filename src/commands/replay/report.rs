//! One replay's result: its line for people (with `--diff`, how the answer differs from the
//! captured one) or its `result` record.

use std::collections::HashMap;

use super::deliver::Outcome;
use super::record::{Record, ReplayDiff, ReplayResult};
use super::show::body_text;
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
            serde_json::to_writer(&mut *buffer, &Record::Replay(&self.json))
                .expect("a record always serialises");
        } else {
            buffer.extend_from_slice(self.text.as_bytes());
        }
        buffer.push(b'\n');
    }
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
