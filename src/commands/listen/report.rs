//! How each request is reported to people: its lines (as `--verbose` and `--body` ask), or a summary
//! per second when they come too fast. The `--json` line and the web view's event are written by
//! [`super::batch`].

use super::{Listener, batch, request_view};
use crate::capture::CaptureRecord;

/// A request's human view, as many lines as `--verbose` and `--body` ask, appended to `out` with
/// its newline (one write for the whole batch), unless it went into the next summary instead.
pub(super) fn render_request(
    state: &Listener,
    record: &CaptureRecord,
    view: &batch::View,
    out: &mut Vec<u8>,
) {
    let paint = &state.out.paint;
    let checked = &view.checked;
    let own_line = state
        .lines
        .lock()
        .expect("no panics while locked")
        .admit(checked.verdict.kind(), record.status);
    if !own_line {
        return;
    }
    let local = request_view::clock(&chrono::Local::now());
    let latency_ms = u64::try_from(view.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let line = request_view::render_line(record, checked, &local, latency_ms, paint);
    let (shown, left_out) = crate::output::clip_body(&view.body, state.out.max_print);
    let mut text = request_view::render_human(
        record,
        checked,
        shown,
        line,
        paint,
        state.detail,
        view.forward_preview.as_deref(),
    );
    let body_shown = state.detail.verbose > 0 || state.detail.body;
    if body_shown && left_out > 0 && record.body_omitted.is_none() {
        text.push('\n');
        text.push_str(&crate::output::clipped_note(left_out, paint));
    }
    out.extend_from_slice(text.as_bytes());
    out.push(b'\n');
}

/// The summary line of the requests that got no line of their own, if there were any.
pub(super) fn print_summary(state: &Listener) {
    let tally = state.lines.lock().expect("no panics while locked").tick();
    if let Some(tally) = tally {
        let _ = state.out.data(&state.out.paint.dim(&tally.line()));
    }
}
