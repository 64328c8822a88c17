//! Group commit: each request adds its capture line to the open batch (in sequence order, under
//! the shared lock) and waits; one writer task, woken by the first line of a batch, lets the other
//! ready requests add theirs, then writes the whole batch to the capture file in one `write` and
//! the stdout lines in another, and only then answers each request. A batch that cannot be written
//! answers 503 to every request in it, and the file keeps none of it.

use std::io::Write;
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use hyper::body::Bytes;
use tokio::sync::oneshot;

use super::verification::Checked;
use super::{Listener, request_view, web};
use crate::capture::CaptureRecord;
use crate::capture::file::Appender;

/// The records committed since the last write, and their capture lines.
#[derive(Default)]
pub(super) struct Batch {
    /// The records' capture lines, in sequence order (empty when nothing needs them).
    lines: Vec<u8>,
    entries: Vec<Pending>,
}

/// One request waiting for its batch to be written.
struct Pending {
    record: Box<CaptureRecord>,
    /// Its capture line in [`Batch::lines`] (empty when nothing needs one).
    line: Range<usize>,
    /// What human mode shows of it; `None` in `--json` mode.
    view: Option<Box<View>>,
    done: oneshot::Sender<Committed>,
}

/// What a request's human view needs besides its record.
pub(super) struct View {
    pub checked: Checked,
    pub body: Bytes,
    pub forward_preview: Option<String>,
    /// When hooky started on it, for the latency shown.
    pub started: Instant,
}

/// A request's record back from the writer, and whether its batch reached the capture file.
pub(super) struct Committed {
    pub record: Box<CaptureRecord>,
    pub written: bool,
}

/// What only the writer touches: the capture file, and buffers reused from batch to batch.
pub(super) struct Sink {
    pub appender: Option<Appender>,
    /// Set while the capture cannot be written, so the error is printed once per burst.
    capture_failing: bool,
    /// The batch being written; swapped with the open one, so both keep their capacity.
    writing: Batch,
    stdout: Vec<u8>,
}

impl Sink {
    pub fn new(appender: Option<Appender>) -> Sink {
        Sink {
            appender,
            capture_failing: false,
            writing: Batch::default(),
            stdout: Vec::new(),
        }
    }
}

impl Batch {
    /// Adds a record (its sequence number and status final) to the batch, with its capture line
    /// when `wants_line`; `true` when it is the batch's first, i.e. the writer must be woken.
    pub fn add(
        &mut self,
        record: Box<CaptureRecord>,
        wants_line: bool,
        view: Option<Box<View>>,
    ) -> (bool, oneshot::Receiver<Committed>) {
        let start = self.lines.len();
        if wants_line {
            record.write_line(&mut self.lines);
        }
        let (done, receiver) = oneshot::channel();
        self.entries.push(Pending {
            record,
            line: start..self.lines.len(),
            view,
            done,
        });
        (self.entries.len() == 1, receiver)
    }
}

/// The writer task: woken by the first record of a batch, it yields once so every other request
/// the runtime can run adds its record first, then writes the batch.
pub(super) async fn writer(state: Arc<Listener>) {
    loop {
        state.batched.notified().await;
        tokio::task::yield_now().await;
        write(&state);
    }
}

/// Writes the open batch, if any: the capture lines in one write, then the stdout lines in one
/// write, the web view's live events, and the answers. Also called at shutdown, after the drain.
pub(super) fn write(state: &Listener) {
    let mut sink = state.sink.lock().expect("no panics while locked");
    let sink = &mut *sink;
    std::mem::swap(
        &mut state.shared.lock().expect("no panics while locked").batch,
        &mut sink.writing,
    );
    if sink.writing.entries.is_empty() {
        return;
    }
    let written = append(state, sink);
    print(state, &sink.writing, written, &mut sink.stdout);
    let batch = &mut sink.writing;
    for entry in batch.entries.drain(..) {
        let Pending {
            mut record,
            line,
            done,
            ..
        } = entry;
        if written {
            if !line.is_empty() && record.status != 503 && state.live.receiver_count() > 0 {
                let text = std::str::from_utf8(&batch.lines[line]).expect("JSON text is UTF-8");
                let _ = state
                    .live
                    .send(Arc::new(web::LiveEvent::new(&record, text)));
            }
        } else {
            record.status = 503;
        }
        // A request whose client left has nobody to answer.
        let _ = done.send(Committed { record, written });
    }
    batch.lines.clear();
}

/// Appends the batch's lines to the capture file (if any) and indexes them; `false` when the write
/// failed, its error printed the first time of a burst.
fn append(state: &Listener, sink: &mut Sink) -> bool {
    let Some(appender) = sink.appender.as_mut() else {
        return true;
    };
    let batch = &sink.writing;
    match appender.append(&batch.lines) {
        Ok(()) => {
            if let Some(index) = &state.index {
                // Where the batch starts: the file ends with it (one stat, and only when a record
                // becomes a mark).
                let mut start = None;
                let mut index = index.write().expect("no panics while locked");
                for entry in &batch.entries {
                    index.push_with(entry.record.seq, || {
                        let start = *start.get_or_insert_with(|| {
                            let end = appender.end_offset().ok()?;
                            Some(end.saturating_sub(batch.lines.len() as u64))
                        });
                        Some(start? + entry.line.start as u64)
                    });
                }
            }
            if sink.capture_failing {
                sink.capture_failing = false;
                state.out.info("the capture file is writable again");
            }
            true
        }
        Err(error) => {
            if !sink.capture_failing {
                state.out.warn(&format!(
                    "cannot write the capture file: {error}; answering 503 until it works again"
                ));
            }
            sink.capture_failing = true;
            false
        }
    }
}

/// The batch's stdout lines in one write: `--json` records, or human lines (as many as
/// [`super::LineRate`] admits). Output errors (a closed pipe) must not stop the listener: the
/// capture has the requests.
fn print(state: &Listener, batch: &Batch, written: bool, stdout: &mut Vec<u8>) {
    let out = &state.out;
    stdout.clear();
    for entry in &batch.entries {
        // Not captured after all: the line says what the request was answered.
        let failed;
        let record = if written {
            &*entry.record
        } else {
            failed = CaptureRecord {
                status: 503,
                ..(*entry.record).clone()
            };
            &failed
        };
        if out.json {
            if written && !entry.line.is_empty() {
                let line = &batch.lines[entry.line.clone()];
                request_view::push_request_line(stdout, line, &record.headers);
            } else {
                let line = record.to_line();
                request_view::push_request_line(stdout, line.as_bytes(), &record.headers);
            }
        } else if let Some(view) = &entry.view {
            super::render_request(state, record, view, stdout);
        }
    }
    if stdout.is_empty() {
        return;
    }
    let mut handle = std::io::stdout().lock();
    let _ = handle.write_all(stdout).and_then(|()| handle.flush());
}
