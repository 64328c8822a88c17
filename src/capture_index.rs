//! Where each record of a capture file starts, by sequence number, so the feed and the web view
//! read the records they need instead of the file from its start. Built at start-up in one pass
//! over the file (a fixed-size buffer: a long line costs no memory), then appended to as `listen`
//! captures. Offsets are 8 bytes a record; the sequence numbers are kept as runs, since they
//! normally count up by one.
//!
//! An offset is a hint, not a promise: every read checks that the line there is complete and
//! carries the sequence number asked for, and skips it otherwise.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::capture::{CaptureRecord, parse_line};
use crate::capture_file::seq_of_line;

/// The longest capture line read back (a 10 MiB body escaped 6× fits); longer ones are skipped as
/// damaged rather than held in memory.
pub const MAX_LINE: u64 = 96 * 1024 * 1024;

/// The offsets of a capture file's records, in file order, with strictly increasing sequence numbers.
#[derive(Debug, Default, Clone)]
pub struct CaptureIndex {
    offsets: Vec<u64>,
    /// `(first sequence number, index into offsets)` of each run of consecutive numbers.
    runs: Vec<(u64, usize)>,
}

impl CaptureIndex {
    /// Indexes the complete lines of the file at `path` that start with a sequence number (a
    /// missing file is an empty index). A number not above the previous one is left out: the
    /// index stays sorted, and such a line is a damaged or pasted one.
    pub fn build(path: &Path) -> std::io::Result<CaptureIndex> {
        // Never through a link, only a regular file (see private_fs).
        let file = match crate::private_fs::open_read(path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(CaptureIndex::default());
            }
            Err(error) => return Err(error),
        };
        let mut index = CaptureIndex::default();
        let mut reader = BufReader::with_capacity(256 * 1024, file);
        let mut offset = 0u64;
        // The first bytes of the current line (enough for its sequence number) and its start.
        let mut head = Vec::with_capacity(32);
        let mut line_start = 0u64;
        loop {
            let buffer = reader.fill_buf()?;
            if buffer.is_empty() {
                // A last line without its newline is still being written (or was cut): not indexed.
                return Ok(index);
            }
            let mut consumed = 0;
            while consumed < buffer.len() {
                let rest = &buffer[consumed..];
                match rest.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        take_head(&mut head, &rest[..end]);
                        if let Some(seq) = seq_of_line(&head) {
                            index.push(seq, line_start);
                        }
                        head.clear();
                        consumed += end + 1;
                        line_start = offset + consumed as u64;
                    }
                    None => {
                        take_head(&mut head, rest);
                        consumed = buffer.len();
                    }
                }
            }
            offset += consumed as u64;
            reader.consume(consumed);
        }
    }

    /// Records that the line of `seq` starts at `offset`. Ignored unless `seq` is above the last.
    pub fn push(&mut self, seq: u64, offset: u64) {
        match self.last_seq() {
            Some(last) if seq <= last => return,
            Some(last) if seq == last + 1 => {}
            _ => self.runs.push((seq, self.offsets.len())),
        }
        self.offsets.push(offset);
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    fn last_seq(&self) -> Option<u64> {
        let &(first, start) = self.runs.last()?;
        Some(first + (self.offsets.len() - start - 1) as u64)
    }

    /// The sequence number of the `i`-th record.
    fn seq_at(&self, i: usize) -> u64 {
        let run = self.runs.partition_point(|&(_, start)| start <= i) - 1;
        let (first, start) = self.runs[run];
        first + (i - start) as u64
    }

    /// The position of the first record with a sequence number above `since`.
    fn first_after(&self, since: u64) -> usize {
        let run = self.runs.partition_point(|&(first, _)| first <= since);
        if run == 0 {
            return 0;
        }
        let (first, start) = self.runs[run - 1];
        let end = self.runs.get(run).map_or(self.offsets.len(), |r| r.1);
        (start + usize::try_from(since - first + 1).unwrap_or(usize::MAX)).min(end)
    }

    /// Where the line of `seq` starts, if the index has it.
    pub fn offset_of(&self, seq: u64) -> Option<u64> {
        let i = self.first_after(seq.checked_sub(1)?);
        (i < self.offsets.len() && self.seq_at(i) == seq).then(|| self.offsets[i])
    }

    /// Up to `count` `(seq, offset)` pairs after `since`, and whether more follow them.
    pub fn after(&self, since: u64, count: usize) -> (Vec<(u64, u64)>, bool) {
        let start = self.first_after(since);
        let end = start.saturating_add(count).min(self.offsets.len());
        let entries = (start..end)
            .map(|i| (self.seq_at(i), self.offsets[i]))
            .collect();
        (entries, end < self.offsets.len())
    }
}

/// Appends to `head` what it still lacks of a line's first 32 bytes.
fn take_head(head: &mut Vec<u8>, bytes: &[u8]) {
    let wanted = 32usize.saturating_sub(head.len()).min(bytes.len());
    head.extend_from_slice(&bytes[..wanted]);
}

/// Reads records at known offsets of one capture file, in order, seeking only when they are not
/// contiguous.
pub struct Reader {
    reader: BufReader<File>,
    position: u64,
    line: Vec<u8>,
}

impl Reader {
    pub fn open(path: &Path) -> std::io::Result<Reader> {
        Ok(Reader {
            reader: BufReader::with_capacity(256 * 1024, crate::private_fs::open_read(path)?),
            position: 0,
            line: Vec::new(),
        })
    }

    /// The complete line at `offset` when it is the record `seq` (without its newline), else
    /// `None`: a line that changed, is not finished, or is longer than [`MAX_LINE`].
    pub fn line_at(&mut self, offset: u64, seq: u64) -> std::io::Result<Option<&[u8]>> {
        if offset != self.position {
            self.reader.seek(SeekFrom::Start(offset))?;
        }
        self.line.clear();
        let read = Read::by_ref(&mut self.reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.line)?;
        self.position = offset + read as u64;
        if !self.line.ends_with(b"\n") || seq_of_line(&self.line) != Some(seq) {
            return Ok(None);
        }
        self.line.pop();
        Ok(Some(&self.line))
    }

    /// The record `seq` at `offset`, when the line there is it and parses.
    pub fn record_at(&mut self, offset: u64, seq: u64) -> std::io::Result<Option<CaptureRecord>> {
        let Some(line) = self.line_at(offset, seq)? else {
            return Ok(None);
        };
        Ok(std::str::from_utf8(line)
            .ok()
            .and_then(|text| parse_line(text).ok())
            .filter(|record| record.seq == seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u64, body: &str) -> String {
        format!("{{\"seq\":{seq},\"body\":\"{body}\"}}\n")
    }

    #[test]
    fn runs_and_lookups() {
        let mut index = CaptureIndex::default();
        for (seq, offset) in [(1, 0), (2, 10), (3, 20), (7, 30), (8, 40), (8, 50), (5, 60)] {
            index.push(seq, offset);
        }
        assert_eq!(index.len(), 5);
        assert_eq!(index.runs, vec![(1, 0), (7, 3)]);
        assert_eq!(index.offset_of(1), Some(0));
        assert_eq!(index.offset_of(3), Some(20));
        assert_eq!(index.offset_of(8), Some(40));
        for missing in [0, 4, 5, 6, 9, u64::MAX] {
            assert_eq!(index.offset_of(missing), None, "{missing}");
        }
        assert_eq!(index.after(0, 2), (vec![(1, 0), (2, 10)], true));
        assert_eq!(index.after(2, 10), (vec![(3, 20), (7, 30), (8, 40)], false));
        assert_eq!(index.after(4, 1), (vec![(7, 30)], true));
        assert_eq!(index.after(8, 10), (vec![], false));
        assert_eq!(index.after(u64::MAX, 10), (vec![], false));
    }

    #[test]
    fn building_skips_damage_and_the_unfinished_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        assert!(CaptureIndex::build(&path).unwrap().is_empty());
        // A long line (longer than the read buffer), garbage, a line that goes back, a cut line.
        let long = "z".repeat(600_000);
        let text = [
            line(1, "a"),
            line(2, &long),
            "garbage\n".into(),
            line(3, "c"),
            line(2, "again"),
            "{\"seq\":4,\"cut".into(),
        ]
        .concat();
        std::fs::write(&path, &text).unwrap();
        let index = CaptureIndex::build(&path).unwrap();
        assert_eq!(index.len(), 3);
        let at = |needle: &str| text.find(needle).unwrap() as u64;
        assert_eq!(index.offset_of(2), Some(at("{\"seq\":2")));
        assert_eq!(index.offset_of(3), Some(at("{\"seq\":3")));
        assert_eq!(index.offset_of(4), None);

        let mut reader = Reader::open(&path).unwrap();
        assert_eq!(
            reader.line_at(at("{\"seq\":3"), 3).unwrap(),
            Some(line(3, "c").trim_end().as_bytes())
        );
        // The wrong record at an offset, and an unfinished line, are nothing.
        assert_eq!(reader.line_at(at("{\"seq\":3"), 4).unwrap(), None);
        assert_eq!(reader.line_at(at("{\"seq\":4"), 4).unwrap(), None);
        assert_eq!(reader.line_at(at("garbage"), 3).unwrap(), None);
        assert_eq!(
            reader.line_at(0, 1).unwrap().map(<[u8]>::to_vec),
            Some(line(1, "a").trim_end().as_bytes().to_vec())
        );
    }
}
