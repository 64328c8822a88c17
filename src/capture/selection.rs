//! Choosing captures: sequence numbers and ranges (`3`, `3-7`), `--last N`, `--event GLOB`,
//! `--since DURATION|TIME`, `--path GLOB`, `--verdict`, `--all`, and the small glob matcher they
//! use. Pure: "now" is a parameter. Used by `replay`, `replay --list` and `captures`.

use std::time::Duration;

use crate::capture::CaptureRecord;

/// One positional selector: a single sequence number or an inclusive range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqSpec {
    One(u64),
    Range(u64, u64),
}

impl SeqSpec {
    pub fn contains(self, seq: u64) -> bool {
        match self {
            SeqSpec::One(n) => n == seq,
            SeqSpec::Range(from, to) => (from..=to).contains(&seq),
        }
    }
}

/// Parses `7` or `3-7` (a clap value parser).
pub fn parse_seq_spec(text: &str) -> Result<SeqSpec, String> {
    let explain = || {
        format!(
            "invalid capture selector {text:?}: use a sequence number such as 3, or a range such as 3-7"
        )
    };
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| explain());
    match text.split_once('-') {
        None => Ok(SeqSpec::One(number(text)?)),
        Some((from, to)) => {
            let (from, to) = (number(from)?, number(to)?);
            if from > to {
                return Err(format!(
                    "invalid range {text:?}: the first number must not exceed the second"
                ));
            }
            Ok(SeqSpec::Range(from, to))
        }
    }
}

/// `--since`: a duration back from now, or a point in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    Ago(Duration),
    At(i64),
}

impl Since {
    /// The cutoff in unix seconds.
    pub fn cutoff(self, now: i64) -> i64 {
        match self {
            Since::Ago(duration) => {
                now.saturating_sub(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
            }
            Since::At(time) => time,
        }
    }
}

/// Parses `--since`: RFC 3339 (`2024-05-01T10:00:00Z`) is a time, anything else a duration
/// (`10m`, `2h`, a bare number of seconds).
pub fn parse_since(text: &str) -> Result<Since, String> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(Since::At(time.timestamp()));
    }
    crate::units::parse_duration(text).map(Since::Ago).map_err(|_| {
        format!("invalid --since {text:?}: use a duration such as 10m or 2h, or an RFC 3339 time such as 2024-05-01T10:00:00Z")
    })
}

/// Matches `text` against a glob where `*` stands for any run of characters (dots and slashes
/// included) and `?` for exactly one. Everything else matches itself, case-sensitively.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it currently stands for up to.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, matched)) => {
                    p = star + 1;
                    t = matched + 1;
                    backtrack = Some((star, matched + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Every criterion the user gave; criteria combine with AND, `--last` applies after the others.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub seqs: Vec<SeqSpec>,
    pub last: Option<usize>,
    pub event: Option<String>,
    pub since: Option<Since>,
    pub path: Option<String>,
    /// `valid`, `invalid` or `unsigned`.
    pub verdict: Option<String>,
    pub all: bool,
}

impl Selection {
    /// Whether the user selected anything at all (if not, `replay` asks or refuses).
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
            && self.last.is_none()
            && self.event.is_none()
            && self.since.is_none()
            && self.path.is_none()
            && self.verdict.is_none()
            && !self.all
    }

    /// The records selected, in file order. `now` is unix seconds (for `--since` durations).
    pub fn apply<'a>(&self, records: &'a [CaptureRecord], now: i64) -> Vec<&'a CaptureRecord> {
        let cutoff = self.cutoff(now);
        let mut chosen: Vec<&CaptureRecord> = records
            .iter()
            .filter(|r| self.matches(&Key::of(r), cutoff))
            .collect();
        if let Some(last) = self.last {
            let skip = chosen.len().saturating_sub(last);
            chosen.drain(..skip);
        }
        chosen
    }

    /// The `--since` cutoff in unix seconds, for [`Selection::matches`].
    pub fn cutoff(&self, now: i64) -> Option<i64> {
        self.since.map(|since| since.cutoff(now))
    }

    /// Whether a capture passes every criterion but `--last` (which needs the whole selection).
    pub fn matches(&self, key: &Key<'_>, cutoff: Option<i64>) -> bool {
        (self.seqs.is_empty() || self.seqs.iter().any(|s| s.contains(key.seq)))
            && self
                .event
                .as_deref()
                .is_none_or(|glob| key.event_type.is_some_and(|t| glob_match(glob, t)))
            && self
                .path
                .as_deref()
                .is_none_or(|glob| glob_match(glob, key.path))
            && self.verdict.as_deref().is_none_or(|v| key.verdict == v)
            && cutoff.is_none_or(|cutoff| unix_time(key.received_at).is_some_and(|at| at >= cutoff))
    }

    /// Whether choosing needs a first pass over the file: to name the numbers asked for that are
    /// not there, or to know where the last N start.
    pub fn needs_counting(&self) -> bool {
        self.last.is_some() || self.seqs.iter().any(|s| matches!(s, SeqSpec::One(_)))
    }

    /// The single sequence numbers asked for that are not in `records`, to report them by name.
    pub fn missing_seqs(&self, records: &[CaptureRecord]) -> Vec<u64> {
        self.seqs
            .iter()
            .filter_map(|spec| match spec {
                SeqSpec::One(n) if !records.iter().any(|r| r.seq == *n) => Some(*n),
                _ => None,
            })
            .collect()
    }
}

/// When a capture was received, in unix seconds (`None` if its time is unreadable).
pub fn received_unix(record: &CaptureRecord) -> Option<i64> {
    unix_time(&record.received_at)
}

fn unix_time(rfc3339: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp())
}

/// What a selection looks at in a capture: read from a record, or from a capture line without the
/// rest of it (its body is skipped, not decoded), for a first pass over a large file.
#[derive(Debug, serde::Deserialize)]
pub struct Key<'a> {
    pub seq: u64,
    #[serde(borrow, default)]
    pub event_type: Option<&'a str>,
    #[serde(borrow)]
    pub path: &'a str,
    #[serde(borrow)]
    pub received_at: &'a str,
    #[serde(borrow, rename = "verdict", deserialize_with = "verdict_name")]
    pub verdict: &'a str,
}

fn verdict_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<&'de str, D::Error> {
    #[derive(serde::Deserialize)]
    struct Verdict<'a> {
        #[serde(borrow)]
        verdict: &'a str,
    }
    Ok(<Verdict<'de> as serde::Deserialize>::deserialize(deserializer)?.verdict)
}

impl<'a> Key<'a> {
    pub fn of(record: &'a CaptureRecord) -> Key<'a> {
        Key {
            seq: record.seq,
            event_type: record.event_type.as_deref(),
            path: &record.path,
            received_at: &record.received_at,
            verdict: record.verdict.verdict.name(),
        }
    }

    /// The key of a capture line; `None` for a line that is not a capture (or whose strings hold
    /// escapes, which [`CaptureRecord`] would read but a borrowed key cannot: such a line is
    /// counted by the full parse instead).
    pub fn parse(line: &'a str) -> Option<Key<'a>> {
        serde_json::from_str(line).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::VerdictRecord;

    fn record(seq: u64, event: Option<&str>, path: &str, verdict: &str, at: &str) -> CaptureRecord {
        let mut record = CaptureRecord {
            seq,
            id: format!("req_{seq}"),
            received_at: at.into(),
            remote_addr: "127.0.0.1:1".into(),
            method: "POST".into(),
            path: path.into(),
            headers: vec![],
            event_type: event.map(str::to_string),
            verdict: VerdictRecord {
                verdict: crate::capture::VerdictKind::from_name(verdict).unwrap(),
                ..Default::default()
            },
            status: 200,
            ..Default::default()
        };
        record.set_body(b"{}");
        record
    }

    fn sample() -> Vec<CaptureRecord> {
        vec![
            record(
                1,
                Some("order.created"),
                "/hooks",
                "valid",
                "2024-01-01T00:00:00Z",
            ),
            record(
                2,
                Some("order.paid"),
                "/hooks/stripe",
                "invalid",
                "2024-01-01T00:10:00Z",
            ),
            record(3, None, "/other", "unsigned", "2024-01-01T00:20:00Z"),
            record(
                4,
                Some("customer.created"),
                "/hooks",
                "valid",
                "2024-01-01T00:30:00Z",
            ),
            record(5, Some("order.created"), "/hooks", "valid", "garbage"),
        ]
    }

    fn seqs(selection: &Selection, now: i64) -> Vec<u64> {
        selection
            .apply(&sample(), now)
            .iter()
            .map(|r| r.seq)
            .collect()
    }

    #[test]
    fn seq_specs() {
        assert_eq!(parse_seq_spec("7"), Ok(SeqSpec::One(7)));
        assert_eq!(parse_seq_spec("3-7"), Ok(SeqSpec::Range(3, 7)));
        for bad in ["", "x", "7-3", "1-", "-2", "1-2-3", "1.5"] {
            assert!(parse_seq_spec(bad).is_err(), "{bad}");
        }
        assert!(SeqSpec::Range(3, 7).contains(3) && SeqSpec::Range(3, 7).contains(7));
        assert!(!SeqSpec::Range(3, 7).contains(8));
    }

    #[test]
    fn globs() {
        assert!(glob_match("order.*", "order.created"));
        assert!(glob_match("*.created", "customer.created"));
        assert!(glob_match("*", ""));
        assert!(glob_match("/hooks/*", "/hooks/a/b"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("*a*b*", "xxaxxbxx"));
        assert!(glob_match("ünï*", "ünïcode"));
        assert!(!glob_match("order.*", "orders.created"));
        assert!(!glob_match("a?c", "ac"));
        assert!(!glob_match("/hooks", "/hooks/x"));
        assert!(!glob_match("*.paid", "order.paid.late"));
    }

    #[test]
    fn filters_combine_with_and() {
        let now = 1_704_069_000; // 2024-01-01T00:30:00Z
        let by_seq = Selection {
            seqs: vec![SeqSpec::One(4), SeqSpec::Range(1, 2)],
            ..Default::default()
        };
        assert_eq!(seqs(&by_seq, now), vec![1, 2, 4]);
        let event = Selection {
            event: Some("order.*".into()),
            ..Default::default()
        };
        assert_eq!(seqs(&event, now), vec![1, 2, 5]);
        let event_and_verdict = Selection {
            verdict: Some("valid".into()),
            ..event.clone()
        };
        assert_eq!(seqs(&event_and_verdict, now), vec![1, 5]);
        let path = Selection {
            path: Some("/hooks*".into()),
            ..Default::default()
        };
        assert_eq!(seqs(&path, now), vec![1, 2, 4, 5]);
        let last = Selection {
            last: Some(2),
            path: Some("/hooks".into()),
            ..Default::default()
        };
        assert_eq!(seqs(&last, now), vec![4, 5]);
        let all = Selection {
            all: true,
            ..Default::default()
        };
        assert_eq!(seqs(&all, now), vec![1, 2, 3, 4, 5]);
        assert!(!all.is_empty() && Selection::default().is_empty());
    }

    #[test]
    fn since_takes_durations_and_times_and_skips_unreadable_times() {
        let now = 1_704_069_000; // 2024-01-01T00:30:00Z
        let ago = Selection {
            since: Some(parse_since("15m").unwrap()),
            ..Default::default()
        };
        assert_eq!(seqs(&ago, now), vec![3, 4]);
        let at = Selection {
            since: Some(parse_since("2024-01-01T00:10:00Z").unwrap()),
            ..Default::default()
        };
        assert_eq!(seqs(&at, now), vec![2, 3, 4]);
        assert_eq!(parse_since("90"), Ok(Since::Ago(Duration::from_secs(90))));
        assert!(parse_since("yesterday").is_err());
    }

    #[test]
    fn a_key_read_from_a_line_selects_like_the_record() {
        let now = 1_704_069_000;
        let selection = Selection {
            event: Some("order.*".into()),
            verdict: Some("valid".into()),
            since: Some(parse_since("45m").unwrap()),
            ..Default::default()
        };
        for record in sample() {
            let line = record.to_line();
            let key = Key::parse(line.trim_end()).unwrap();
            assert_eq!(key.seq, record.seq);
            assert_eq!(
                selection.matches(&key, selection.cutoff(now)),
                selection.matches(&Key::of(&record), selection.cutoff(now)),
                "#{}",
                record.seq
            );
        }
        assert!(Key::parse("garbage").is_none());
        assert!(
            Selection {
                last: Some(1),
                ..Default::default()
            }
            .needs_counting()
        );
        assert!(
            Selection {
                seqs: vec![SeqSpec::One(1)],
                ..Default::default()
            }
            .needs_counting()
        );
        assert!(
            !Selection {
                seqs: vec![SeqSpec::Range(1, 2)],
                ..Default::default()
            }
            .needs_counting()
        );
    }

    #[test]
    fn missing_single_seqs_are_named() {
        let selection = Selection {
            seqs: vec![SeqSpec::One(2), SeqSpec::One(9), SeqSpec::Range(8, 20)],
            ..Default::default()
        };
        assert_eq!(selection.missing_seqs(&sample()), vec![9]);
    }
}
