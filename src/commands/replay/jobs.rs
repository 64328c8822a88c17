//! The replays a run makes, in sending order, each prepared just before it goes out: from memory (a
//! HAR file, the picker's choice, a shuffle) or streamed from the capture file, one line at a
//! time, so a replay of a million captures holds a few of them, not the file.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::settings::{Captures, Mode, Settings};
use crate::capture::file::seq_of_line;
use crate::capture::replay_plan::{self, PlanOptions, Prepared};
use crate::capture::selection::{Key, Selection, SeqSpec};
use crate::capture::{CaptureReader, CaptureRecord, parse_line};
use crate::exit::CliError;
use crate::output::{Output, sanitize_line};
use crate::secret::{Secret, as_keys};
use crate::signature::Keys;

/// Captures in sending order, each with its round (`--repeat`).
pub type Source = Box<dyn Iterator<Item = anyhow::Result<(CaptureRecord, u64)>> + Send>;

/// Whether this run can read the capture file as it sends instead of loading it: not for `--list`,
/// `--show`, exports, the picker, `--shuffle` (which needs every job at hand), or a HAR file; and
/// only when the file starts like a capture file (anything else takes the lenient full read).
pub fn can_stream(settings: &Settings) -> bool {
    let Captures { from, selection } = &settings.captures;
    let plain = matches!(settings.mode, Mode::DryRun | Mode::Send)
        && !settings.shuffle
        && !selection.is_empty();
    let har = from
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("har"));
    plain && !har && starts_like_captures(from)
}

fn starts_like_captures(path: &Path) -> bool {
    let Ok(file) = crate::private_fs::open_read(path) else {
        return false;
    };
    let mut reader = BufReader::new(file);
    reader
        .fill_buf()
        .is_ok_and(|head| seq_of_line(head).is_some())
}

/// The chosen records, `repeat` rounds of them, shuffled over all rounds with `shuffle`'s seed.
pub fn in_memory(chosen: Vec<&CaptureRecord>, repeat: u64, shuffle: Option<u64>) -> Source {
    let records: Vec<CaptureRecord> = chosen.into_iter().cloned().collect();
    let mut order: Vec<(usize, u64)> = (0..repeat)
        .flat_map(|round| (0..records.len()).map(move |index| (index, round + 1)))
        .collect();
    if let Some(seed) = shuffle {
        order.shuffle(&mut StdRng::seed_from_u64(seed));
    }
    Box::new(
        order
            .into_iter()
            .map(move |(index, round)| Ok((records[index].clone(), round))),
    )
}

/// The selection streamed from the capture file at `path`, `repeat` times. Fails as the full
/// read does when the file holds no captures, when a number asked for is not in it, or when
/// nothing matches; lines it cannot read are warned about once.
pub fn streamed(
    path: &Path,
    selection: &Selection,
    repeat: u64,
    out: &Output,
) -> anyhow::Result<Source> {
    let cutoff = selection.cutoff(super::super::now_unix());
    let end = open(path)?.metadata()?.len();
    let skip = if selection.needs_counting() {
        let counted = count(path, end, selection, cutoff)?;
        check_seqs(selection, &counted.present, path)?;
        selection
            .last
            .map_or(0, |last| counted.matches.saturating_sub(last as u64))
    } else {
        0
    };
    let mut stream = Stream {
        path: path.to_path_buf(),
        end,
        selection: selection.clone(),
        cutoff,
        skip,
        rounds: repeat,
        round: 0,
        reader: None,
        taken_in_round: 0,
        records_seen: 0,
        out: out.clone(),
    };
    match stream.next() {
        Some(first) => Ok(Box::new(std::iter::once(first).chain(stream))),
        None if repeat == 0 => Ok(Box::new(std::iter::empty())),
        None if stream.records_seen == 0 => {
            Err(CliError::failed(format!("{} holds no captures", path.display())).into())
        }
        None => Err(no_match(path).into()),
    }
}

/// The error for a selection nothing matches.
pub fn no_match(path: &Path) -> CliError {
    CliError::failed(format!(
        "no capture in {} matches the selection",
        path.display()
    ))
    .with_hint("hooky replay --list with the same filters shows what matches")
}

/// The error for numbers asked for that are not in the file, when there are some.
pub fn check_seqs(
    selection: &Selection,
    present: &dyn Fn(u64) -> bool,
    path: &Path,
) -> Result<(), CliError> {
    let missing: Vec<String> = selection
        .seqs
        .iter()
        .filter_map(|spec| match spec {
            SeqSpec::One(n) if !present(*n) => Some(format!("#{n}")),
            _ => None,
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "no capture {} in {}",
        missing.join(", "),
        path.display()
    ))
    .with_hint("hooky replay --list shows what there is"))
}

/// What a first pass over the file found: how many captures match (before `--last`), and which
/// of the single numbers asked for are there.
struct Counted {
    matches: u64,
    present: Box<dyn Fn(u64) -> bool>,
}

/// Reads every line's selection key (not its body), up to `end`, to count the matches and find the
/// numbers.
fn count(
    path: &Path,
    end: u64,
    selection: &Selection,
    cutoff: Option<i64>,
) -> anyhow::Result<Counted> {
    let mut reader = BufReader::with_capacity(256 * 1024, open(path)?.take(end));
    let mut wanted: Vec<(u64, bool)> = selection
        .seqs
        .iter()
        .filter_map(|spec| match spec {
            SeqSpec::One(n) => Some((*n, false)),
            SeqSpec::Range(..) => None,
        })
        .collect();
    let (mut line, mut matches) = (Vec::new(), 0u64);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let Some(text) = std::str::from_utf8(&line).ok().map(str::trim) else {
            continue;
        };
        // A key with escaped strings cannot borrow them: the whole record is read instead.
        let record;
        let key = match Key::parse(text) {
            Some(key) => key,
            None => match parse_line(text) {
                Ok(parsed) => {
                    record = parsed;
                    Key::of(&record)
                }
                Err(_) => continue,
            },
        };
        for (seq, found) in &mut wanted {
            *found |= *seq == key.seq;
        }
        matches += u64::from(selection.matches(&key, cutoff));
    }
    Ok(Counted {
        matches,
        present: Box::new(move |seq| wanted.iter().any(|(n, found)| *n == seq && *found)),
    })
}

fn open(path: &Path) -> anyhow::Result<File> {
    crate::private_fs::open_read(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())).into())
}

/// The capture file read round after round, keeping the selected records: up to where it ended
/// when the replay started, since a replay into a `hooky listen` that captures into the same file
/// would otherwise replay its own replays, without end.
struct Stream {
    path: PathBuf,
    /// The file's length when the replay started.
    end: u64,
    selection: Selection,
    cutoff: Option<i64>,
    /// Matches left out at the start of each round (all but the `--last` N).
    skip: u64,
    rounds: u64,
    round: u64,
    reader: Option<CaptureReader<BufReader<std::io::Take<File>>>>,
    taken_in_round: u64,
    /// Records read in the first round, matching or not.
    records_seen: u64,
    out: Output,
}

impl Iterator for Stream {
    type Item = anyhow::Result<(CaptureRecord, u64)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.reader.is_none() {
                if self.round >= self.rounds {
                    return None;
                }
                self.round += 1;
                self.taken_in_round = 0;
                match open(&self.path) {
                    Ok(file) => {
                        let reader = BufReader::with_capacity(256 * 1024, file.take(self.end));
                        self.reader = Some(CaptureReader::new(reader));
                    }
                    Err(error) => return self.stop(error),
                }
            }
            let first_round = self.round == 1;
            match self.reader.as_mut()?.next() {
                None => self.reader = None,
                Some(Err(error)) => return self.stop(error.into()),
                Some(Ok(Err(skipped))) if first_round => self.out.warn(&format!(
                    "{}: line {} skipped: {}",
                    self.path.display(),
                    skipped.line,
                    skipped.reason
                )),
                Some(Ok(Err(_))) => {}
                Some(Ok(Ok(record))) => {
                    self.records_seen += u64::from(first_round);
                    if !self.selection.matches(&Key::of(&record), self.cutoff) {
                        continue;
                    }
                    self.taken_in_round += 1;
                    if self.taken_in_round > self.skip {
                        return Some(Ok((record, self.round)));
                    }
                }
            }
        }
    }
}

impl Stream {
    /// Ends the stream on an error reading the file.
    fn stop(&mut self, error: anyhow::Error) -> Option<anyhow::Result<(CaptureRecord, u64)>> {
        self.reader = None;
        self.round = self.rounds;
        Some(Err(error))
    }
}

/// What every replay of a run shares: how to rebuild each capture, the secrets to re-sign with,
/// and the run's seed.
pub struct Context {
    pub options: PlanOptions,
    pub secrets: Vec<Secret>,
    pub seed: u64,
}

/// One replay to make: the capture made ready, and what its result line says of the capture.
pub struct Job {
    pub prepared: Prepared,
    pub round: u64,
    /// What the capture was answered with, and by whom (`listen`, or the app it forwarded to).
    pub captured_status: Option<u16>,
    pub captured_from: &'static str,
}

/// Prepares each capture just before it goes out; a capture that cannot go out (damaged body, no
/// scheme to re-sign with, unusable secret) fails alone, by name, and once, not once a round.
pub struct Preparer {
    pub context: Arc<Context>,
    out: Output,
    next: u64,
    /// Captures that could not go out.
    pub broken: u64,
    last_url: replay_plan::LastUrl,
}

impl Preparer {
    pub fn new(context: Arc<Context>, out: &Output) -> Preparer {
        Preparer {
            context,
            out: out.clone(),
            next: 0,
            broken: 0,
            last_url: replay_plan::LastUrl::default(),
        }
    }

    /// The next job, numbered in sending order (its number seeds its fresh ids), or `None` when
    /// this capture cannot go out. Its warnings are printed in the first round only.
    pub fn prepare(
        &mut self,
        record: &CaptureRecord,
        round: u64,
    ) -> anyhow::Result<Option<(u64, Job)>> {
        let context = &*self.context;
        let i = self.next;
        let mut rng = StdRng::seed_from_u64(context.seed.wrapping_add(i));
        let now = super::super::now_unix();
        let checked =
            replay_plan::prepare_with(record, &context.options, now, &mut rng, &mut self.last_url)
                .and_then(|prepared| self.check_signing(prepared, now, record.seq));
        let prepared = match checked {
            Ok(prepared) => prepared,
            Err(error) => {
                if round == 1 {
                    self.broken += 1;
                    self.report(&error, record.seq)?;
                }
                return Ok(None);
            }
        };
        if round == 1 {
            for note in &prepared.notes {
                self.out.warn(note);
            }
        }
        self.next += 1;
        // With forwarding on, the app's answer is the one to compare with, not listen's.
        let (captured_status, captured_from) = match record.forward.as_ref().and_then(|f| f.status)
        {
            Some(status) => (Some(status), "forwarded app"),
            None => (Some(record.status).filter(|s| *s != 0), "listen"),
        };
        Ok(Some((
            i,
            Job {
                prepared,
                round,
                captured_status,
                captured_from,
            },
        )))
    }

    /// Signs once when the replay re-signs, so an unusable secret fails here, before sending.
    fn check_signing(&self, prepared: Prepared, now: i64, seq: u64) -> Result<Prepared, String> {
        if prepared.signing.is_none() {
            return Ok(prepared);
        }
        let keys = as_keys(&self.context.secrets);
        let private = as_keys(&self.context.options.private_keys);
        let keys = Keys::new(&keys)
            .with_private_keys(&private)
            .with_hex_header(&self.context.options.hex_header);
        prepared
            .outgoing(keys, now)
            .map_err(|e| format!("capture #{seq}: {e}"))?;
        Ok(prepared)
    }

    fn report(&self, error: &str, seq: u64) -> std::io::Result<()> {
        if self.out.json {
            return self.out.json(&super::record::Record::Error {
                error: crate::output::ErrorRecord::new(error, None),
                seq,
            });
        }
        eprintln!(
            "{} {}",
            self.out.paint_err.error("hooky: error:"),
            sanitize_line(error)
        );
        Ok(())
    }
}
