//! Capture files on disk (the IO half of [`crate::capture`]): creating them private (folder 0700,
//! file 0600, no links followed), locked to one listener, appending one record per line, finding the last sequence number from the file's tail
//! only. Reading records back by sequence number is [`crate::capture::index`].

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::Context;

use crate::exit::CliError;

/// The highest sequence number hooky hands out: past it, numbers would lose precision in the web
/// view's JavaScript (2^53 - 1) and, at u64::MAX, wrap. A file ending above it is refused.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// Every line `listen` writes starts with this, so a sequence number can be read without parsing.
const SEQ_PREFIX: &[u8] = b"{\"seq\":";

/// An open capture file, appending.
pub struct Appender {
    file: File,
    /// Set when the last write may have left a partial line: the next record starts a new line.
    needs_newline: bool,
}

impl Appender {
    /// Opens (or creates) a capture file for appending, creating its folder (see
    /// [`crate::private_fs`]: no links followed, regular files only, 0700/0600), and takes an
    /// exclusive lock on it so a second listener cannot hand out the same sequence numbers.
    /// Returns the appender and the last sequence number already in the file.
    pub fn open(path: &Path) -> anyhow::Result<(Appender, u64)> {
        let mut file = crate::private_fs::open_append(path)
            .with_context(|| format!("cannot open the capture file {}", path.display()))?;
        lock(&file, path)?;
        let (last_seq, ends_with_newline) = last_seq(&mut file)
            .with_context(|| format!("cannot read the capture file {}", path.display()))?;
        if last_seq >= MAX_SEQ {
            return Err(CliError::failed(format!(
                "the capture file {} ends with sequence number {last_seq}, beyond the highest hooky \
                 assigns ({MAX_SEQ}); the file was not written by hooky listen, or was edited",
                path.display()
            ))
            .with_hint("capture to another file with --capture other.jsonl, or move this one away")
            .into());
        }
        Ok((
            Appender {
                file,
                needs_newline: !ends_with_newline,
            },
            last_seq,
        ))
    }

    /// Appends whole lines (records' `to_line()`, one or a batch of them) in one write; the data is
    /// in the file (the OS's cache) when it returns, so a reader or a crash of hooky after the
    /// answer cannot lose it.
    ///
    /// A write that fails part-way (disk full, file size limit) is cut off again, so the file never
    /// keeps part of a batch; when even that fails, the next record starts on a new line.
    pub fn append(&mut self, lines: impl AsRef<[u8]>) -> std::io::Result<()> {
        let lines = lines.as_ref();
        let owned;
        let bytes = if self.needs_newline {
            let mut with_newline = Vec::with_capacity(lines.len() + 1);
            with_newline.push(b'\n');
            with_newline.extend_from_slice(lines);
            owned = with_newline;
            owned.as_slice()
        } else {
            lines
        };
        let mut written = 0;
        while written < bytes.len() {
            match self.file.write(&bytes[written..]) {
                Ok(0) => return Err(self.undo(written, std::io::ErrorKind::WriteZero.into())),
                Ok(n) => written += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.undo(written, e)),
            }
        }
        self.needs_newline = false;
        Ok(())
    }

    /// Removes the `written` bytes of a failed append (hooky is the file's only writer).
    fn undo(&mut self, written: usize, error: std::io::Error) -> std::io::Error {
        let removed = written == 0
            || self
                .file
                .metadata()
                .and_then(|m| self.file.set_len(m.len().saturating_sub(written as u64)))
                .is_ok();
        self.needs_newline = self.needs_newline || !removed;
        error
    }

    /// Where the file ends now: after an append, the line just written ends here.
    pub fn end_offset(&self) -> std::io::Result<u64> {
        self.file.metadata().map(|m| m.len())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

/// Takes the capture file's exclusive advisory lock (`flock`), held until the file is closed; a
/// taken lock is an error naming the listener that holds it.
fn lock(file: &File, path: &Path) -> anyhow::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor `file` owns for the duration of the call.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(());
    }
    let error = std::io::Error::last_os_error();
    if error.kind() != std::io::ErrorKind::WouldBlock {
        return Err(error)
            .with_context(|| format!("cannot lock the capture file {}", path.display()));
    }
    let holder = match lock_holder(file) {
        Some(pid) => format!("hooky listen (pid {pid})"),
        None => "another hooky listen".to_string(),
    };
    Err(
        CliError::failed(format!("the capture file is in use by {holder}"))
            .with_hint(format!(
                "{} is taken; give this listener its own file with --capture other.jsonl",
                path.display()
            ))
            .into(),
    )
}

/// The pid holding a `flock` on `file`, from Linux's /proc/locks (absent elsewhere).
fn lock_holder(file: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let metadata = file.metadata().ok()?;
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    lock_holder_in(&locks, metadata.dev(), metadata.ino())
}

/// The pid of the `FLOCK` line for device `dev` and inode `ino` in /proc/locks' text; when no line
/// matches the device too (overlay file systems report another one), the inode alone decides.
fn lock_holder_in(locks: &str, dev: u64, ino: u64) -> Option<u32> {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let exact = format!("{major:02x}:{minor:02x}:{ino}");
    let mut by_inode = None;
    for line in locks.lines() {
        // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF"; waiters' lines have "->" first.
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, "FLOCK", _, _, pid, file, ..] = fields.as_slice() else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if *file == exact {
            return Some(pid);
        }
        if file.rsplit(':').next() == Some(ino.to_string().as_str()) {
            by_inode.get_or_insert(pid);
        }
    }
    by_inode
}

/// The highest sequence number in the file's last lines, read from its tail (a window that grows
/// only when one line is longer than it), and whether the file ends with a newline.
fn last_seq(file: &mut File) -> std::io::Result<(u64, bool)> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((0, true));
    }
    let mut window: u64 = 64 * 1024;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start))?;
        let mut tail = Vec::with_capacity((len - start) as usize);
        Read::by_ref(file)
            .take(len - start)
            .read_to_end(&mut tail)?;
        let ends_with_newline = tail.last() == Some(&b'\n');
        if let Some(seq) = last_seq_in(&tail, start == 0) {
            return Ok((seq, ends_with_newline));
        }
        if start == 0 {
            return Ok((0, ends_with_newline));
        }
        window *= 4;
    }
}

/// The highest `seq` among the lines that start in `bytes`; the first line only counts when
/// `at_file_start` (otherwise it may be the middle of a line).
pub fn last_seq_in(bytes: &[u8], at_file_start: bool) -> Option<u64> {
    let mut best = None;
    let mut line_start = if at_file_start { Some(0) } else { None };
    let mut consider = |start: usize| {
        if let Some(seq) = seq_of_line(&bytes[start..]) {
            best = Some(best.map_or(seq, |b: u64| b.max(seq)));
        }
    };
    if let Some(start) = line_start.take() {
        consider(start);
    }
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && i + 1 < bytes.len() {
            consider(i + 1);
        }
    }
    best
}

/// The sequence number at the start of a capture line, without parsing the rest.
pub fn seq_of_line(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(SEQ_PREFIX)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u64, body: &str) -> String {
        format!("{{\"seq\":{seq},\"body\":\"{body}\"}}\n")
    }

    #[test]
    fn seq_from_the_tail() {
        let text = format!("{}{}", line(41, "a"), line(42, "b"));
        assert_eq!(last_seq_in(text.as_bytes(), true), Some(42));
        // A window that starts mid-line ignores the partial first line.
        let cut = &text.as_bytes()[5..];
        assert_eq!(last_seq_in(cut, false), Some(42));
        assert_eq!(last_seq_in(&text.as_bytes()[5..20], false), None);
        // A truncated last line still tells its sequence number.
        let truncated = format!("{}{{\"seq\":43,\"bo", line(42, "b"));
        assert_eq!(last_seq_in(truncated.as_bytes(), true), Some(43));
        assert_eq!(seq_of_line(b"{\"seq\":x"), None);
    }

    #[test]
    fn appending_continues_the_sequence_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/captures.jsonl");
        let (mut appender, last) = Appender::open(&path).unwrap();
        assert_eq!(last, 0);
        appender.append(line(1, "x")).unwrap();
        // A long line, longer than the tail window, then a truncated one (a crash).
        appender.append(line(2, &"y".repeat(200_000))).unwrap();
        appender.append("{\"seq\":3,\"bo").unwrap();
        drop(appender);
        let (mut appender, last) = Appender::open(&path).unwrap();
        assert_eq!(last, 3);
        appender.append(line(4, "z")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("{\"seq\":3,\"bo\n{\"seq\":4,\"body\":\"z\"}\n"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }

    #[test]
    fn one_listener_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let (first, _) = Appender::open(&path).unwrap();
        let error = Appender::open(&path).err().unwrap();
        let (_, lines) = crate::output::error::describe(&error);
        // This process holds the lock, so /proc/locks names it.
        assert_eq!(
            lines[0],
            format!(
                "hooky: error: the capture file is in use by hooky listen (pid {})",
                std::process::id()
            )
        );
        assert!(lines[1].contains("--capture other.jsonl"), "{lines:?}");
        drop(first);
        Appender::open(&path).unwrap();
    }

    #[test]
    fn lock_holder_from_proc_locks() {
        let dev = (8 << 8) | 1; // 08:01
        let locks = "1: POSIX  ADVISORY  WRITE 11 08:01:77 0 EOF\n\
                     2: FLOCK  ADVISORY  WRITE 22 00:2f:77 0 EOF\n\
                     3: FLOCK  ADVISORY  WRITE 33 08:01:77 0 EOF\n\
                     3: -> FLOCK  ADVISORY  WRITE 44 08:01:77 0 EOF\n";
        assert_eq!(lock_holder_in(locks, dev, 77), Some(33));
        // Another device number (overlay file systems): the inode decides.
        assert_eq!(lock_holder_in(locks, 5, 77), Some(22));
        assert_eq!(lock_holder_in(locks, dev, 78), None);
    }

    #[test]
    fn a_sequence_number_near_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(&path, line(MAX_SEQ - 1, "x")).unwrap();
        assert_eq!(Appender::open(&path).unwrap().1, MAX_SEQ - 1);
        for seq in [MAX_SEQ, u64::MAX] {
            std::fs::write(&path, line(seq, "x")).unwrap();
            let error = Appender::open(&path).err().unwrap();
            assert!(
                error
                    .to_string()
                    .contains(&format!("ends with sequence number {seq}")),
                "{error}"
            );
        }
    }
}
