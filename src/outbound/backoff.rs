//! The retry and pacing policy shared by `send`, `poll` and `replay`.
//!
//! Pure: delays are computed, never slept, and randomness comes in as a number in `[0, 1)` so the
//! policy is tested without a clock or a random source. The defaults are the common ones (curl,
//! Google Cloud Storage): base 1 s, ×2, cap 60 s; ±20 % jitter on the backoff so parallel CI jobs
//! spread out, and only upward jitter (up to 10 %) on a server's hint, which is a floor.

use std::time::{Duration, SystemTime};

/// Exponential backoff with multiplicative jitter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BackoffPolicy {
    pub base: Duration,
    pub multiplier: f64,
    pub cap: Duration,
    /// Relative jitter: 0.2 spreads each backoff over ±20 %; 0 makes runs reproducible.
    pub jitter: f64,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_secs(1),
            multiplier: 2.0,
            cap: Duration::from_secs(60),
            jitter: 0.2,
        }
    }
}

/// Upward-only jitter applied to server hints: they may be exceeded by up to 10 %, never undercut.
pub const HINT_JITTER: f64 = 0.1;

/// The longest wait hooky takes on a server's word (`Retry-After`, `X-Poll-Interval`, rate-limit
/// resets): one day. A larger value, however absurd (`Retry-After: 99999999999999999999`), is read
/// as this; `poll`'s deadline cuts it shorter still.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(86_400);

/// A delay a server asked for, clamped to [`MAX_SERVER_DELAY`].
pub fn server_delay(delay: Duration) -> Duration {
    delay.min(MAX_SERVER_DELAY)
}

/// A number of seconds a server gave (decimals accepted), clamped to [`MAX_SERVER_DELAY`];
/// `None` when it is negative or not a number.
pub fn server_seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0)
        .then(|| Duration::from_secs_f64(secs.min(MAX_SERVER_DELAY.as_secs_f64())))
}

/// `duration × factor`, saturating at `Duration::MAX` instead of panicking (a negative or NaN
/// factor gives zero).
pub fn scale(duration: Duration, factor: f64) -> Duration {
    if factor.is_nan() || factor <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(duration.as_secs_f64() * factor).unwrap_or(Duration::MAX)
}

impl BackoffPolicy {
    /// The nominal delay after `failures` consecutive failures (1 = first failure), before jitter.
    pub fn nominal(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let exponent = i32::try_from(failures - 1).unwrap_or(i32::MAX);
        let secs = self.base.as_secs_f64() * self.multiplier.powi(exponent);
        if !secs.is_finite() || secs >= self.cap.as_secs_f64() {
            self.cap
        } else {
            Duration::try_from_secs_f64(secs).unwrap_or(self.cap)
        }
    }

    /// The delay after `failures` consecutive failures, with jitter drawn from `unit` in `[0, 1)`.
    pub fn delay(&self, failures: u32, unit: f64) -> Duration {
        let factor = 1.0 - self.jitter + 2.0 * self.jitter * unit.clamp(0.0, 1.0);
        scale(self.nominal(failures), factor)
    }

    /// The wait before retry number `failures`: the server's `Retry-After` when it gave one (with
    /// upward-only jitter, so it is never undercut), else the jittered backoff.
    pub fn retry_delay(&self, failures: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        match retry_after {
            Some(hint) => hint_with_jitter(hint, unit, self.jitter > 0.0),
            None => self.delay(failures, unit),
        }
    }
}

/// A server hint stretched by up to [`HINT_JITTER`] (or exactly the hint when jitter is off).
pub fn hint_with_jitter(hint: Duration, unit: f64, jitter: bool) -> Duration {
    if jitter {
        scale(hint, 1.0 + HINT_JITTER * unit.clamp(0.0, 1.0))
    } else {
        hint
    }
}

/// What to make of an HTTP status when deciding whether to try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusClass {
    Success,
    /// 408, 429 and 5xx: the server may answer differently later.
    Retryable,
    /// Any other status: asking again will not help.
    Final,
}

pub fn classify_status(status: u16) -> StatusClass {
    match status {
        200..=299 => StatusClass::Success,
        408 | 429 | 500..=599 => StatusClass::Retryable,
        _ => StatusClass::Final,
    }
}

/// Parses `Retry-After`: delay-seconds, or an HTTP-date (any of the three formats) measured from
/// `now`. A date in the past means "now"; anything unparseable is ignored (`None`); anything
/// longer than [`MAX_SERVER_DELAY`] is clamped to it.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(server_delay(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        )));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(server_delay(
        when.duration_since(now).unwrap_or(Duration::ZERO),
    ))
}

/// Tracks consecutive failures against a retry budget.
#[derive(Clone, Copy, Debug)]
pub struct RetryBudget {
    pub max_retries: u32,
    pub failures: u32,
}

impl RetryBudget {
    pub fn new(max_retries: u32) -> Self {
        RetryBudget {
            max_retries,
            failures: 0,
        }
    }

    /// Records a failure; `false` when the budget is spent and the caller should give up.
    pub fn record_failure(&mut self) -> bool {
        self.failures = self.failures.saturating_add(1);
        self.failures <= self.max_retries && self.failures < u32::MAX
    }

    pub fn record_success(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_jitter() -> BackoffPolicy {
        BackoffPolicy {
            jitter: 0.0,
            ..BackoffPolicy::default()
        }
    }

    #[test]
    fn doubles_from_one_second_up_to_the_cap() {
        let policy = no_jitter();
        let secs: Vec<u64> = (1..=8).map(|n| policy.delay(n, 0.5).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(policy.delay(u32::MAX, 0.5), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let policy = BackoffPolicy::default();
        assert_eq!(policy.delay(3, 0.0), Duration::from_secs_f64(3.2));
        assert_eq!(policy.delay(3, 0.5), Duration::from_secs(4));
        assert!(policy.delay(3, 0.999_999) <= Duration::from_secs_f64(4.8));
        assert!(
            policy.delay(3, 7.0) <= Duration::from_secs_f64(4.8),
            "unit is clamped"
        );
    }

    #[test]
    fn retry_after_wins_and_is_never_undercut() {
        let policy = BackoffPolicy::default();
        let hint = Some(Duration::from_secs(7));
        assert_eq!(policy.retry_delay(1, hint, 0.0), Duration::from_secs(7));
        assert!(policy.retry_delay(1, hint, 0.99) < Duration::from_secs_f64(7.7 + 1e-9));
        assert_eq!(
            no_jitter().retry_delay(5, hint, 0.99),
            Duration::from_secs(7)
        );
        assert_eq!(
            no_jitter().retry_delay(2, None, 0.3),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn statuses_are_classified_like_curl() {
        for status in [408, 429, 500, 502, 503, 504, 599] {
            assert_eq!(classify_status(status), StatusClass::Retryable, "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 301, 304] {
            assert_eq!(classify_status(status), StatusClass::Final, "{status}");
        }
        assert_eq!(classify_status(204), StatusClass::Success);
    }

    #[test]
    fn retry_after_in_both_forms_and_garbage() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:50:07 1994", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for garbage in ["", "-5", "1.5", "soon", "99999999999999999999999x"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage}");
        }
    }

    #[test]
    fn absurd_server_delays_are_clamped_to_a_day_and_never_panic() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        for absurd in [
            "99999999999999999999",
            "99999999999999999999999",
            "18446744073709551615",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            let hint = parse_retry_after(absurd, now);
            assert_eq!(hint, Some(MAX_SERVER_DELAY), "{absurd}");
            let policy = BackoffPolicy::default();
            for unit in [0.0, 0.5, 0.999] {
                let wait = policy.retry_delay(1, hint, unit);
                assert!(wait >= MAX_SERVER_DELAY && wait <= MAX_SERVER_DELAY.mul_f64(1.1));
            }
        }
        assert_eq!(
            parse_retry_after("86401", now),
            Some(MAX_SERVER_DELAY),
            "one second over a day"
        );
        assert_eq!(
            parse_retry_after("86399", now),
            Some(Duration::from_secs(86_399))
        );
        assert_eq!(server_seconds(1e300), Some(MAX_SERVER_DELAY));
        assert_eq!(server_seconds(f64::INFINITY), None);
        assert_eq!(server_seconds(-1.0), None);
        assert_eq!(server_seconds(0.25), Some(Duration::from_millis(250)));
        assert_eq!(scale(Duration::MAX, 2.0), Duration::MAX);
        assert_eq!(scale(Duration::from_secs(2), f64::NAN), Duration::ZERO);
        assert_eq!(
            hint_with_jitter(Duration::MAX, 0.99, true),
            Duration::MAX,
            "saturates"
        );
        let huge_base = BackoffPolicy {
            base: Duration::MAX,
            cap: Duration::MAX,
            ..BackoffPolicy::default()
        };
        assert_eq!(huge_base.delay(u32::MAX, 0.999), Duration::MAX);
    }

    #[test]
    fn budget_allows_exactly_max_retries_and_resets() {
        let mut budget = RetryBudget::new(2);
        assert!(budget.record_failure());
        assert!(budget.record_failure());
        assert!(!budget.record_failure());
        budget.record_success();
        assert!(budget.record_failure());
        assert!(!RetryBudget::new(0).record_failure());
    }
}
