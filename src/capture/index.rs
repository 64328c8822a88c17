//! Where the records of a capture file start, by sequence number, so the feed and the web view
//! read the records they need instead of the file from its start. Built at start-up in one pass
//! over the file (a fixed-size buffer: a long line costs no memory), then appended to as `listen`
//! captures.
//!
//! The index is sparse: it keeps the offset of every [`STRIDE`]-th record (16 bytes each), and a
//! read scans forward from the nearest mark, looking only at the start of the lines it skips.
//! Offsets are hints, not promises: a read checks each line's sequence number.
//!
//! Its memory is bounded by design, not only in practice: at [`MAX_MARKS`] marks (256 KiB) it is
//! thinned, every other mark dropped and the stride doubled, so a listener that runs for days keeps
//! the same few hundred KiB. The trade-off: past 524,288 records (32 × 16,384) a lookup reads up to
//! the current stride of lines instead of 32 (64 lines up to a million records, 1,024 at ten
//! million), only their heads kept, so a lookup stays one short sequential read of the file.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use crate::capture::file::seq_of_line;
use crate::capture::{CaptureRecord, parse_line};

/// Records between two marks of the index, until it is first thinned.
pub const STRIDE: u64 = 32;

/// The most marks the index keeps (16 bytes each): at this many it drops every other one and
/// doubles its stride. Even, and a power of two so the `Vec` never grows past it.
pub const MAX_MARKS: usize = 16 * 1024;

/// The longest capture line read back (a 10 MiB body escaped 6× fits); longer ones are skipped as
/// damaged rather than held in memory.
pub const MAX_LINE: usize = 96 * 1024 * 1024;

/// Bytes of a line's start read to find its sequence number.
const HEAD: usize = 32;

/// Marks into a capture file: records in file order with strictly increasing sequence numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureIndex {
    /// `(seq, offset)` of the first indexed record and of every `stride`-th one after it; never
    /// more than [`MAX_MARKS`].
    marks: Vec<(u64, u64)>,
    /// Records between two marks: [`STRIDE`], doubled each time the index is thinned.
    stride: u64,
    /// Records indexed since the last mark.
    since_mark: u64,
    last_seq: Option<u64>,
}

impl Default for CaptureIndex {
    fn default() -> Self {
        CaptureIndex {
            marks: Vec::new(),
            stride: STRIDE,
            since_mark: 0,
            last_seq: None,
        }
    }
}

impl CaptureIndex {
    /// Indexes the complete lines of the file at `path` that start with a sequence number (a
    /// missing file is an empty index). A number not above the previous one is left out: the
    /// index stays sorted, and such a line is a damaged or pasted one.
    pub fn build(path: &Path) -> std::io::Result<CaptureIndex> {
        let mut index = CaptureIndex::default();
        let mut lines = match Lines::open(path) {
            Ok(lines) => lines,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(index),
            Err(error) => return Err(error),
        };
        while let Some(line) = lines.next(|_| false)? {
            if let Some(seq) = line.seq {
                index.push(seq, line.start);
            }
        }
        Ok(index)
    }

    /// Records that the line of `seq` starts at `offset`. Ignored unless `seq` is above the last.
    pub fn push(&mut self, seq: u64, offset: u64) {
        self.push_with(seq, || Some(offset));
    }

    /// [`CaptureIndex::push`] with the offset found only when the record becomes a mark (one in
    /// a stride); when it cannot be found (`None`), the record is left out.
    pub fn push_with(&mut self, seq: u64, offset: impl FnOnce() -> Option<u64>) {
        if self.last_seq.is_some_and(|last| seq <= last) {
            return;
        }
        if self.marks.is_empty() || self.since_mark + 1 >= self.stride {
            let Some(offset) = offset() else {
                return;
            };
            if self.marks.len() >= MAX_MARKS {
                self.thin();
            }
            self.marks.push((seq, offset));
            self.since_mark = 0;
        } else {
            self.since_mark += 1;
        }
        self.last_seq = Some(seq);
    }

    /// Keeps every other mark, the first included, and doubles the stride: the mark about to be
    /// added is then a (doubled) stride after the last one kept, as marks were before.
    fn thin(&mut self) {
        let mut position = 0;
        self.marks.retain(|_| {
            position += 1;
            position % 2 == 1
        });
        self.stride *= 2;
    }

    /// Records between two marks now: [`STRIDE`] at first, doubled at each thinning. A lookup
    /// reads at most about this many lines before the record it wants.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// The highest sequence number indexed.
    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }

    /// Where to start reading for the records from `seq` on: the offset of the last mark at or
    /// before it (`None` when the index has nothing from `seq` on).
    pub fn start_for(&self, seq: u64) -> Option<u64> {
        if self.last_seq? < seq {
            return None;
        }
        let after = self.marks.partition_point(|&(mark, _)| mark <= seq);
        Some(self.marks[after.saturating_sub(1)].1)
    }
}

/// One line of a capture file, as [`Lines::next`] found it.
pub struct Line {
    /// Where it starts in the file.
    pub start: u64,
    /// Its sequence number, when it starts with one.
    pub seq: Option<u64>,
    /// Whether its bytes were kept (it was wanted and not over [`MAX_LINE`]).
    pub kept: bool,
}

/// The complete lines of a capture file from some offset on, each kept in memory only when wanted.
pub struct Lines {
    reader: BufReader<File>,
    position: u64,
    line: Vec<u8>,
}

impl Lines {
    /// Opens the file never through a link, and only a regular file (see `private_fs`).
    pub fn open(path: &Path) -> std::io::Result<Lines> {
        Ok(Lines {
            reader: BufReader::with_capacity(256 * 1024, crate::private_fs::open_read(path)?),
            position: 0,
            line: Vec::new(),
        })
    }

    pub fn seek(&mut self, offset: u64) -> std::io::Result<()> {
        if offset != self.position {
            self.reader.seek(SeekFrom::Start(offset))?;
            self.position = offset;
        }
        Ok(())
    }

    /// The next complete line; its bytes (without the newline) are kept for [`Lines::text`] when
    /// `want` says so for its sequence number. `None` at the end of the file, including a last
    /// line that has no newline yet (being written, or cut by a crash).
    pub fn next(&mut self, want: impl Fn(u64) -> bool) -> std::io::Result<Option<Line>> {
        let start = self.position;
        self.line.clear();
        let mut seq = None;
        let mut decided = false;
        let mut kept = false;
        loop {
            let buffer = self.reader.fill_buf()?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let newline = buffer.iter().position(|&b| b == b'\n');
            let chunk = &buffer[..newline.unwrap_or(buffer.len())];
            if !decided {
                let wanted = (HEAD - self.line.len()).min(chunk.len());
                self.line.extend_from_slice(&chunk[..wanted]);
                if self.line.len() >= HEAD || newline.is_some() {
                    decided = true;
                    seq = seq_of_line(&self.line);
                    kept = seq.is_some_and(&want);
                    if kept {
                        self.line.extend_from_slice(&chunk[wanted..]);
                    }
                }
            } else if kept {
                self.line.extend_from_slice(chunk);
            }
            if kept && self.line.len() > MAX_LINE {
                kept = false;
                self.line.clear();
            }
            let used = chunk.len() + usize::from(newline.is_some());
            self.reader.consume(used);
            self.position += used as u64;
            if newline.is_some() {
                if !kept {
                    self.line.clear();
                }
                return Ok(Some(Line { start, seq, kept }));
            }
        }
    }

    /// The bytes of the line [`Lines::next`] last kept.
    pub fn text(&self) -> &[u8] {
        &self.line
    }

    /// The record of the line last kept, when it parses as the record it claims to be.
    pub fn record(&self, seq: u64) -> Option<CaptureRecord> {
        std::str::from_utf8(&self.line)
            .ok()
            .and_then(|text| parse_line(text).ok())
            .filter(|record| record.seq == seq)
    }
}

/// The record `seq` of the file at `path`, reading from `start` (the index's
/// [`CaptureIndex::start_for`] of `seq`, taken beforehand so the index is not held during the IO).
pub fn record_at(path: &Path, start: u64, seq: u64) -> std::io::Result<Option<CaptureRecord>> {
    let mut lines = Lines::open(path)?;
    lines.seek(start)?;
    // Lines after the record's place: it is not in the file (STRIDE of them leave room for a
    // pasted line out of order, whatever the index's own stride).
    let mut passed = 0;
    while let Some(line) = lines.next(|s| s == seq)? {
        if line.kept {
            return Ok(lines.record(seq));
        }
        if line.seq.is_some_and(|s| s > seq) {
            passed += 1;
            if passed > STRIDE {
                break;
            }
        }
    }
    Ok(None)
}

/// Visits the records after `since` in file order (each number above the one before), reading
/// from `start` (the index's [`CaptureIndex::start_for`] of `since + 1`), until `visit` says stop
/// (`false`) or the file ends. Lines skipped on the way are never held whole. Returns the sequence
/// number of the last record visited.
pub fn visit_after(
    path: &Path,
    start: u64,
    since: u64,
    mut visit: impl FnMut(CaptureRecord) -> bool,
) -> std::io::Result<Option<u64>> {
    let mut lines = Lines::open(path)?;
    lines.seek(start)?;
    let mut last = since;
    let mut visited = None;
    while let Some(line) = lines.next(|s| s > last)? {
        let (Some(seq), true) = (line.seq, line.kept) else {
            continue;
        };
        let Some(record) = lines.record(seq) else {
            continue;
        };
        last = seq;
        visited = Some(seq);
        if !visit(record) {
            break;
        }
    }
    Ok(visited)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, body: &str) -> String {
        let mut record = parse_line(&format!(
            r#"{{"seq":{seq},"id":"r","received_at":"t","remote_addr":"a","method":"POST","path":"/","headers":[],"body":null,"body_encoding":"utf8","body_size":0,"body_sha256":"","verdict":{{"verdict":"unsigned"}},"status":200}}"#
        ))
        .unwrap();
        record.set_body(body.as_bytes());
        record.to_line()
    }

    #[test]
    fn marks_every_stride_and_only_rising_numbers() {
        let mut index = CaptureIndex::default();
        assert_eq!(index.start_for(1), None);
        for seq in 1..=STRIDE * 2 + 1 {
            index.push(seq, seq * 10);
        }
        index.push(5, 999);
        index.push(STRIDE * 2 + 1, 999);
        assert_eq!(index.last_seq(), Some(STRIDE * 2 + 1));
        assert_eq!(
            index.marks,
            vec![
                (1, 10),
                (STRIDE + 1, (STRIDE + 1) * 10),
                (STRIDE * 2 + 1, (STRIDE * 2 + 1) * 10)
            ]
        );
        assert_eq!(index.start_for(0), Some(10));
        assert_eq!(index.start_for(STRIDE), Some(10));
        assert_eq!(index.start_for(STRIDE + 1), Some((STRIDE + 1) * 10));
        assert_eq!(index.start_for(STRIDE * 2 + 2), None);
        // A gap in the numbers starts no new run of trouble: the marks stay sorted.
        index.push(1000, 5000);
        assert_eq!(index.start_for(999), Some((STRIDE * 2 + 1) * 10));
        // The offset is asked for only when it makes a mark.
        let mut asked = 0;
        let mut index = CaptureIndex::default();
        for seq in 1..=STRIDE {
            index.push_with(seq, || {
                asked += 1;
                Some(seq)
            });
        }
        assert_eq!(asked, 1);
        // A mark whose offset cannot be found is left out; the next record takes its place.
        index.push_with(STRIDE + 1, || None);
        assert_eq!(index.last_seq(), Some(STRIDE));
        index.push_with(STRIDE + 2, || Some(7));
        assert_eq!(index.start_for(STRIDE + 2), Some(7));
    }

    #[test]
    fn a_full_index_is_thinned_and_its_memory_stays_bounded() {
        let mut index = CaptureIndex::default();
        // Enough records to fill the index twice over (a gap in the numbers on the way).
        let total = MAX_MARKS as u64 * STRIDE * 2 + 5;
        let seq_of = |n: u64| if n > 1000 { n + 7 } else { n };
        for n in 1..=total {
            index.push(seq_of(n), seq_of(n) * 10);
        }
        assert!(index.marks.len() <= MAX_MARKS, "{}", index.marks.len());
        assert!(index.marks.capacity() <= MAX_MARKS);
        assert_eq!(index.stride(), STRIDE * 4);
        assert_eq!(index.last_seq(), Some(seq_of(total)));
        // The first record stays a mark, and the marks are a stride of records apart.
        assert_eq!(index.marks[0], (1, 10));
        for pair in index.marks.windows(2) {
            let apart = (pair[1].0 - pair[0].0)
                - if pair[0].0 <= 1000 && pair[1].0 > 1000 {
                    7
                } else {
                    0
                };
            assert_eq!(apart, index.stride(), "{pair:?}");
        }
        // Every record is found from a mark at or before it, at most a stride of records back.
        for n in (1..=total).step_by(997).chain([total]) {
            let seq = seq_of(n);
            let start = index.start_for(seq).unwrap();
            let mark = start / 10;
            assert!(
                mark <= seq && seq - mark < index.stride() + 7,
                "{seq}: {mark}"
            );
        }
        assert_eq!(index.start_for(seq_of(total) + 1), None);

        // Thinned only when a mark would be one too many: marks at 1, 1 + 32, … fill it at record
        // 32 × 16,383 + 1; the next mark (record 32 × 16,384 + 1) thins it first.
        let full = MAX_MARKS as u64 * STRIDE;
        let mut small = CaptureIndex::default();
        for seq in 1..=full {
            small.push(seq, seq);
        }
        assert_eq!((small.marks.len(), small.stride()), (MAX_MARKS, STRIDE));
        small.push(full + 1, full + 1);
        assert_eq!(
            (small.marks.len(), small.stride()),
            (MAX_MARKS / 2 + 1, STRIDE * 2)
        );
        assert_eq!(small.marks.last(), Some(&(full + 1, full + 1)));
        assert_eq!(small.marks[small.marks.len() - 2].0, full + 1 - STRIDE * 2);
    }

    #[test]
    fn records_past_damage_are_found_and_long_lines_cost_no_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        assert_eq!(CaptureIndex::build(&path).unwrap(), CaptureIndex::default());
        let mut text = String::new();
        for seq in 1..=40 {
            text.push_str(&record(seq, "x"));
            if seq == 20 {
                // A long line, garbage, a line that goes back in sequence.
                text.push_str(&format!("{}\n", "z".repeat(600_000)));
                text.push_str("garbage\n");
                text.push_str(&record(3, "pasted"));
            }
        }
        text.push_str("{\"seq\":41,\"cut");
        std::fs::write(&path, &text).unwrap();
        let index = CaptureIndex::build(&path).unwrap();
        assert_eq!(index.last_seq(), Some(40));
        assert_eq!(index.marks.len(), 2);
        let find = |seq: u64| match index.start_for(seq) {
            Some(start) if seq > 0 => record_at(&path, start, seq).unwrap(),
            _ => None,
        };
        for seq in [1, 3, 20, 21, 33, 40] {
            let found = find(seq).unwrap();
            assert_eq!((found.seq, found.body.as_deref()), (seq, Some("x")));
        }
        assert!(find(41).is_none());
        assert!(find(0).is_none());
        // Asked from a mark after it, a record is not found (the mark is the caller's promise).
        let late = index.start_for(40).unwrap();
        assert!(record_at(&path, late, 3).unwrap().is_none());

        let after = |since: u64| index.start_for(since + 1).unwrap();
        let mut seen = Vec::new();
        let last = visit_after(&path, after(18), 18, |r| {
            seen.push(r.seq);
            seen.len() < 5
        })
        .unwrap();
        assert_eq!(seen, vec![19, 20, 21, 22, 23]);
        assert_eq!(last, Some(23));
        let mut seen = Vec::new();
        visit_after(&path, after(37), 37, |r| {
            seen.push(r.seq);
            true
        })
        .unwrap();
        assert_eq!(seen, vec![38, 39, 40]);
        assert_eq!(index.start_for(41), None);

        // Lines are read head first: a long line that is not wanted is never kept.
        let mut lines = Lines::open(&path).unwrap();
        let mut longest_kept = 0;
        while let Some(line) = lines.next(|s| s == 2).unwrap() {
            longest_kept = longest_kept.max(lines.text().len());
            assert_eq!(line.kept, line.seq == Some(2));
        }
        assert_eq!(longest_kept, record(2, "x").len() - 1);
    }
}
