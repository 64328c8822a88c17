//! `hooky completions`: shell completion scripts and the man page, generated from the clap
//! definitions. For bash, zsh and fish the script calls back into hooky as you type
//! (`HOOKY_COMPLETE=bash hooky -- …`, clap_complete's dynamic completion), so fixture names and
//! capture sequence numbers complete from the project you are in; PowerShell and Elvish get the
//! static scripts (flags and subcommands).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::env::EnvCompleter;
use clap_complete::{CompletionCandidate, Shell};

use crate::cli::{Cli, CompletionsArgs, completions::CompletionTarget};
use crate::exit;
use crate::output::Output;

/// Every generated file and its name in completions/.
pub const FILES: [(CompletionTarget, &str); 6] = [
    (CompletionTarget::Bash, "hooky.bash"),
    (CompletionTarget::Zsh, "_hooky"),
    (CompletionTarget::Fish, "hooky.fish"),
    (CompletionTarget::Powershell, "_hooky.ps1"),
    (CompletionTarget::Elvish, "hooky.elv"),
    (CompletionTarget::Man, "hooky.1"),
];

/// The environment variable that asks hooky for completions instead of running a command.
pub const COMPLETE_VAR: &str = "HOOKY_COMPLETE";

/// Answers a shell's completion request and exits, when `HOOKY_COMPLETE` is set; else returns.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .completer("hooky")
        .complete();
}

/// The text of one generated file.
pub fn render(target: CompletionTarget) -> Vec<u8> {
    let mut command = Cli::command();
    let mut buffer = Vec::new();
    let dynamic: Option<&dyn EnvCompleter> = match target {
        CompletionTarget::Bash => Some(&clap_complete::env::Bash),
        CompletionTarget::Zsh => Some(&clap_complete::env::Zsh),
        CompletionTarget::Fish => Some(&clap_complete::env::Fish),
        _ => None,
    };
    if let Some(shell) = dynamic {
        shell
            .write_registration(COMPLETE_VAR, "hooky", "hooky", "hooky", &mut buffer)
            .expect("writing to memory cannot fail");
        return buffer;
    }
    let shell = match target {
        CompletionTarget::Bash => Shell::Bash,
        CompletionTarget::Zsh => Shell::Zsh,
        CompletionTarget::Fish => Shell::Fish,
        CompletionTarget::Powershell => Shell::PowerShell,
        CompletionTarget::Elvish => Shell::Elvish,
        CompletionTarget::Man => {
            clap_mangen::Man::new(command)
                .render(&mut buffer)
                .expect("rendering to memory cannot fail");
            return buffer;
        }
    };
    clap_complete::generate(shell, &mut command, "hooky", &mut buffer);
    buffer
}

pub fn run(args: CompletionsArgs, _out: &Output) -> anyhow::Result<u8> {
    if let Some(dir) = args.dir {
        write_all(&dir)?;
        return Ok(exit::OK);
    }
    let target = args
        .shell
        .expect("clap requires a shell when --dir is absent");
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&render(target))?;
    stdout.flush()?;
    Ok(exit::OK)
}

fn write_all(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (target, name) in FILES {
        let path = dir.join(name);
        std::fs::write(&path, render(target))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Sequence numbers offered, at most: the newest captures are the ones people replay.
const CAPTURE_CANDIDATES: usize = 50;
/// How much of the capture file's end is read for them: completion must stay instant.
const CAPTURE_TAIL_BYTES: u64 = 1 << 20;

/// Fixture names for `hooky send <TAB>`: the built-ins and this project's, with descriptions.
pub fn fixture_candidates() -> Vec<CompletionCandidate> {
    let Ok(catalog) = super::fixture::load_catalog(None) else {
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
