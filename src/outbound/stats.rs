//! Load summaries: counts by outcome and latency percentiles in constant memory (a log-bucketed
//! histogram, ~1.6 % precision), so a run of a million requests costs what a run of ten does. Pure.

use std::collections::BTreeMap;
use std::time::Duration;

/// Values below this many microseconds get a bucket each; above, 64 buckets per power of two.
const LINEAR: u64 = 1024;
const SUB_BUCKETS: u64 = 64;

/// A latency histogram.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// Samples per bucket, indexed by bucket (grown to the highest bucket seen: at most ~4,500).
    counts: Vec<u64>,
    total: u64,
    max_micros: u64,
}

fn bucket_of(micros: u64) -> u32 {
    if micros < LINEAR {
        return micros as u32;
    }
    let power = 63 - micros.leading_zeros() as u64; // >= 10
    let mantissa = (micros >> (power - 6)) & (SUB_BUCKETS - 1);
    (LINEAR + (power - 10) * SUB_BUCKETS + mantissa) as u32
}

/// The upper edge of a bucket, so percentiles never understate.
fn bucket_ceiling(bucket: u32) -> u64 {
    let bucket = u64::from(bucket);
    if bucket < LINEAR {
        return bucket;
    }
    let power = (bucket - LINEAR) / SUB_BUCKETS + 10;
    let mantissa = (bucket - LINEAR) % SUB_BUCKETS;
    let ceiling = (u128::from(SUB_BUCKETS + mantissa + 1) << (power - 6)) - 1;
    u64::try_from(ceiling).unwrap_or(u64::MAX)
}

impl Histogram {
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let bucket = bucket_of(micros) as usize;
        if bucket >= self.counts.len() {
            self.counts.resize(bucket + 1, 0);
        }
        self.counts[bucket] += 1;
        self.total += 1;
        self.max_micros = self.max_micros.max(micros);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// Adds another histogram's samples to this one.
    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.max_micros = self.max_micros.max(other.max_micros);
    }

    /// The latency at or below which `p` (0..=1) of the samples fall.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((p.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Duration::from_micros(bucket_ceiling(bucket as u32).min(self.max_micros));
            }
        }
        self.max()
    }

    pub fn max(&self) -> Duration {
        Duration::from_micros(self.max_micros)
    }
}

/// A load's `summary` record of `send --json` and `replay --json`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct LoadSummary {
    pub sent: u64,
    /// Answered 2xx.
    pub succeeded: u64,
    pub failed: u64,
    /// Failures by class: `4xx`, `5xx`, `timeout`, `connect`, …
    pub failures: BTreeMap<String, u64>,
    pub elapsed_ms: f64,
    pub requests_per_sec: f64,
    pub latency_ms: Latencies,
}

/// Latency percentiles in milliseconds.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Latencies {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

/// What a load of requests came to.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub sent: u64,
    pub succeeded: u64,
    /// Failures by class: `4xx`, `5xx`, `timeout`, `connect`, …
    pub failures: BTreeMap<String, u64>,
    pub latency: Histogram,
}

impl Summary {
    /// Records one request's final outcome: its class (`2xx` is success) and latency.
    pub fn record(&mut self, class: &str, latency: Duration) {
        self.sent += 1;
        if class == "2xx" {
            self.succeeded += 1;
        } else {
            *self.failures.entry(class.to_string()).or_default() += 1;
        }
        self.latency.record(latency);
    }

    /// Adds another summary's counts (a load worker's) to this one.
    pub fn merge(&mut self, other: &Summary) {
        self.sent += other.sent;
        self.succeeded += other.succeeded;
        for (class, count) in &other.failures {
            *self.failures.entry(class.clone()).or_default() += count;
        }
        self.latency.merge(&other.latency);
    }

    pub fn failed(&self) -> u64 {
        self.sent - self.succeeded
    }

    pub fn rate(&self, elapsed: Duration) -> f64 {
        if elapsed.is_zero() {
            0.0
        } else {
            self.sent as f64 / elapsed.as_secs_f64()
        }
    }

    /// The summary as the fields of a `--json` `summary` record, latencies in milliseconds.
    pub fn to_record(&self, elapsed: Duration) -> LoadSummary {
        let ms = crate::units::millis;
        LoadSummary {
            sent: self.sent,
            succeeded: self.succeeded,
            failed: self.failed(),
            failures: self.failures.clone(),
            elapsed_ms: ms(elapsed),
            requests_per_sec: (self.rate(elapsed) * 10.0).round() / 10.0,
            latency_ms: Latencies {
                p50: ms(self.latency.percentile(0.5)),
                p90: ms(self.latency.percentile(0.9)),
                p99: ms(self.latency.percentile(0.99)),
                max: ms(self.latency.max()),
            },
        }
    }

    /// The summary as a few human lines; failures only when there were some.
    pub fn to_text(&self, elapsed: Duration) -> String {
        let fmt = crate::units::format_duration;
        let count = crate::units::format_count;
        let mut outcome = format!("sent {}, 2xx {}", count(self.sent), count(self.succeeded));
        if self.failed() > 0 {
            let failures: Vec<String> = self
                .failures
                .iter()
                .map(|(k, v)| format!("{k}: {}", count(*v)))
                .collect();
            outcome.push_str(&format!(
                ", failed {} ({})",
                count(self.failed()),
                failures.join(", ")
            ));
        }
        format!(
            "{outcome} in {} — {} requests/s\nlatency p50 {} p90 {} p99 {} max {}",
            fmt(elapsed),
            crate::units::format_rate(self.rate(elapsed)),
            fmt(self.latency.percentile(0.5)),
            fmt(self.latency.percentile(0.9)),
            fmt(self.latency.percentile(0.99)),
            fmt(self.latency.max()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_close_and_never_understate() {
        let mut h = Histogram::default();
        for ms in 1..=1000u64 {
            h.record(Duration::from_millis(ms));
        }
        for (p, exact) in [(0.5, 500.0), (0.9, 900.0), (0.99, 990.0)] {
            let got = h.percentile(p).as_secs_f64() * 1000.0;
            assert!(
                got >= exact && got <= exact * 1.02,
                "p{p}: {got} vs {exact}"
            );
        }
        assert_eq!(h.percentile(1.0), Duration::from_millis(1000));
        assert_eq!(h.max(), Duration::from_millis(1000));
        assert_eq!(Histogram::default().percentile(0.5), Duration::ZERO);
    }

    #[test]
    fn buckets_are_monotonic_and_cover_their_values() {
        let mut previous = 0;
        for micros in (0..2_000_000u64)
            .step_by(997)
            .chain([u64::MAX / 2, u64::MAX])
        {
            let bucket = bucket_of(micros);
            assert!(bucket >= previous);
            assert!(bucket_ceiling(bucket) >= micros, "{micros}");
            previous = bucket;
        }
    }

    #[test]
    fn summary_counts_by_class() {
        let mut s = Summary::default();
        s.record("2xx", Duration::from_millis(2));
        s.record("5xx", Duration::from_millis(4));
        s.record("timeout", Duration::from_millis(8));
        s.record("5xx", Duration::from_millis(4));
        assert_eq!((s.sent, s.succeeded, s.failed()), (4, 1, 3));
        let record = s.to_record(Duration::from_secs(2));
        assert_eq!(record.failures["5xx"], 2);
        assert_eq!(record.requests_per_sec, 2.0);
        assert!(
            s.to_text(Duration::from_secs(2))
                .contains("failed 3 (5xx: 2, timeout: 1)")
        );
    }

    #[test]
    fn merged_summaries_count_and_rank_as_one() {
        let (mut a, mut b, mut whole) =
            (Summary::default(), Summary::default(), Summary::default());
        for ms in 1..=100u64 {
            let class = if ms % 10 == 0 { "5xx" } else { "2xx" };
            let part = if ms % 3 == 0 { &mut a } else { &mut b };
            part.record(class, Duration::from_millis(ms));
            whole.record(class, Duration::from_millis(ms));
        }
        a.merge(&b);
        assert_eq!(
            (a.sent, a.succeeded, a.failures.clone()),
            (100, 90, whole.failures.clone())
        );
        for p in [0.5, 0.9, 0.99] {
            assert_eq!(a.latency.percentile(p), whole.latency.percentile(p));
        }
        assert_eq!(a.latency.max(), Duration::from_millis(100));
    }

    #[test]
    fn a_clean_run_says_no_failures_and_a_readable_rate() {
        let mut s = Summary::default();
        for _ in 0..5818 {
            s.record("2xx", Duration::from_millis(1));
        }
        let text = s.to_text(Duration::from_secs(2));
        assert!(
            text.starts_with("sent 5,818, 2xx 5,818 in 2s — 2,909 requests/s"),
            "{text}"
        );
        assert!(!text.contains("failed"), "{text}");
    }
}
