//! When requests arrive faster than a terminal can show, `listen` prints one summary line per
//! second instead of one line per request, and goes back to single lines when the rate drops.
//! Pure: the caller says when a second has passed ([`LineRate::tick`]). `--json` never uses it.

use std::collections::BTreeMap;

/// Single lines per second before hooky switches to summaries.
pub const LINES_PER_SECOND: u32 = 50;

/// What the requests that got no line of their own were.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub requests: u64,
    pub valid: u64,
    pub invalid: u64,
    pub unsigned: u64,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
}

impl Tally {
    fn add(&mut self, verdict_kind: &str, status: u16) {
        self.requests += 1;
        match verdict_kind {
            "valid" => self.valid += 1,
            "invalid" => self.invalid += 1,
            _ => self.unsigned += 1,
        }
        *self.statuses.entry(status).or_default() += 1;
    }

    /// `+1,240 requests: 1,240 valid, 0 invalid · 1,240 × 200 OK`
    pub fn line(&self) -> String {
        let mut line = format!(
            "+{} requests: {} valid, {} invalid",
            thousands(self.requests),
            thousands(self.valid),
            thousands(self.invalid)
        );
        if self.unsigned > 0 {
            line.push_str(&format!(", {} unsigned", thousands(self.unsigned)));
        }
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, count)| {
                let reason = hyper::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default();
                format!("{} × {status}{reason}", thousands(*count))
            })
            .collect();
        line.push_str(&format!(" · {}", statuses.join(", ")));
        line
    }
}

/// `1240` as `1,240`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Decides, request by request, between a line of its own and the next summary.
#[derive(Debug, Default)]
pub struct LineRate {
    /// Requests seen since the last tick.
    this_second: u32,
    summarising: bool,
    pending: Tally,
}

impl LineRate {
    /// Whether this request gets its own line; if not, it is counted for the next summary.
    pub fn admit(&mut self, verdict_kind: &str, status: u16) -> bool {
        self.this_second = self.this_second.saturating_add(1);
        if !self.summarising && self.this_second <= LINES_PER_SECOND {
            return true;
        }
        self.summarising = true;
        self.pending.add(verdict_kind, status);
        false
    }

    /// Called once a second (and at the end): the summary of what got no line, if anything.
    /// A quiet second ends the summaries.
    pub fn tick(&mut self) -> Option<Tally> {
        if self.this_second <= LINES_PER_SECOND {
            self.summarising = false;
        }
        self.this_second = 0;
        (self.pending.requests > 0).then(|| std::mem::take(&mut self.pending))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_until_the_rate_then_one_summary_per_second() {
        let mut rate = LineRate::default();
        let admitted = (0..200).filter(|_| rate.admit("valid", 200)).count();
        assert_eq!(admitted, LINES_PER_SECOND as usize);
        let tally = rate.tick().unwrap();
        assert_eq!(tally.requests, 150);
        assert_eq!(
            tally.line(),
            "+150 requests: 150 valid, 0 invalid · 150 × 200 OK"
        );
        // Still fast: every request of this second goes to the summary.
        for i in 0..60 {
            assert!(!rate.admit(if i % 2 == 0 { "invalid" } else { "x" }, 401));
        }
        let tally = rate.tick().unwrap();
        assert_eq!(
            tally.line(),
            "+60 requests: 0 valid, 30 invalid, 30 unsigned · 60 × 401 Unauthorized"
        );
        // A quiet second: nothing to summarise, and single lines again.
        assert_eq!(rate.tick(), None);
        assert!(rate.admit("valid", 200));
        assert_eq!(rate.tick(), None);
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1240), "1,240");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
