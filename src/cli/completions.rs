//! `hooky completions`' arguments, and the candidates the dynamic completion offers as you type:
//! fixture names and capture sequence numbers, read from the project you are in.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use clap_complete::CompletionCandidate;

/// `hooky completions`: shell completion scripts and the man page, generated from these definitions.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// What to generate
    #[arg(value_enum, required_unless_present = "dir")]
    pub shell: Option<CompletionTarget>,

    /// Write every script and the man page into this folder instead (as committed in completions/)
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionTarget {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    /// The man page (roff)
    Man,
}

/// Sequence numbers offered, at most: the newest captures are the ones people replay.
const CAPTURE_CANDIDATES: usize = 50;
/// How much of the capture file's end is read for them: completion must stay instant.
const CAPTURE_TAIL_BYTES: u64 = 1 << 20;

/// Fixture names for `hooky send <TAB>`: the built-ins and this project's, with descriptions.
pub fn fixture_candidates() -> Vec<CompletionCandidate> {
    let Ok(catalog) = crate::fixtures::disk::load_catalog(None) else {
        return Vec::new();
    };
    catalog
        .iter()
        .map(|fixture| {
            let description = fixture
                .meta_for_listing()
                .ok()
                .and_then(|meta| meta.description)
                .map(|text| crate::output::sanitize_line(&text).into());
            CompletionCandidate::new(&fixture.name).help(description)
        })
        .collect()
}

/// Sequence numbers of the newest captures in `.hooky/captures.jsonl`, newest first, each with
/// its method, path and event type.
pub fn capture_candidates() -> Vec<CompletionCandidate> {
    newest_captures(Path::new(crate::capture::DEFAULT_CAPTURE_PATH))
        .into_iter()
        .map(|record| {
            let mut help = format!("{} {}", record.method, record.path_and_query());
            if let Some(event) = &record.event_type {
                help.push(' ');
                help.push_str(event);
            }
            CompletionCandidate::new(record.seq.to_string())
                .help(Some(crate::output::sanitize_line(&help).into()))
        })
        .collect()
}

/// The last [`CAPTURE_CANDIDATES`] records in the file's last MiB, newest first; nothing when the
/// file is missing or refused (a link, another user's `.hooky`).
fn newest_captures(path: &Path) -> Vec<crate::capture::CaptureRecord> {
    let Ok(mut file) = crate::private_fs::open_read(path) else {
        return Vec::new();
    };
    let Ok(size) = file.seek(SeekFrom::End(0)) else {
        return Vec::new();
    };
    let start = size.saturating_sub(CAPTURE_TAIL_BYTES);
    let mut tail = Vec::new();
    if file.seek(SeekFrom::Start(start)).is_err()
        || file
            .take(CAPTURE_TAIL_BYTES)
            .read_to_end(&mut tail)
            .is_err()
    {
        return Vec::new();
    }
    // Mid-file, the first line is cut: skip to the next whole one.
    let whole = if start > 0 {
        tail.iter()
            .position(|b| *b == b'\n')
            .map_or(&tail[tail.len()..], |i| &tail[i + 1..])
    } else {
        &tail[..]
    };
    let mut records: Vec<_> = String::from_utf8_lossy(whole)
        .lines()
        .filter_map(|line| crate::capture::parse_line(line).ok())
        .collect();
    records.reverse();
    records.truncate(CAPTURE_CANDIDATES);
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_captures_come_from_the_tail_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("captures.jsonl");
        let mut text = String::new();
        for seq in 1..=3000u64 {
            let mut record = crate::capture::CaptureRecord {
                seq,
                method: "POST".into(),
                path: format!("/hooks/{seq}"),
                ..Default::default()
            };
            record.set_body(&[b'x'; 400]);
            text.push_str(&record.to_line());
            text.push('\n');
        }
        assert!(
            text.len() as u64 > CAPTURE_TAIL_BYTES,
            "the file is bigger than the tail read"
        );
        std::fs::write(&path, text).unwrap();
        let seqs: Vec<u64> = newest_captures(&path).iter().map(|r| r.seq).collect();
        assert_eq!(seqs.len(), CAPTURE_CANDIDATES);
        assert_eq!(seqs[0], 3000);
        assert_eq!(
            seqs[CAPTURE_CANDIDATES - 1],
            3000 - CAPTURE_CANDIDATES as u64 + 1
        );
        assert!(newest_captures(&dir.path().join("missing.jsonl")).is_empty());
    }
}
