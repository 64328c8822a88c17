//! How long `hooky poll` waits before its next request, and why. Pure: the clock (`now`) and the
//! randomness (`unit` in `[0, 1)`) are parameters; built on [`crate::outbound::backoff`].
//!
//! Server hints are floors, never ceilings: `Retry-After`, `X-Poll-Interval` (GitHub), the IETF
//! `RateLimit` field (draft-11 `r`/`t`, and the older `RateLimit-Remaining`/`-Reset`) and the
//! vendor `X-RateLimit-Remaining: 0` + `X-RateLimit-Reset` (epoch or delta). `Retry-After` wins
//! over rate-limit headers, as the RateLimit draft requires.
//!
//! After a success: the largest of the interval and the hints. After a failure: `Retry-After` if
//! given, else the backoff raised to the rate-limit wait; never less than the interval. Hints get
//! only upward jitter (up to 10 %), the backoff both ways (±20 % by default).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::headers::{Header, get_one};
use crate::outbound::backoff::{
    BackoffPolicy, hint_with_jitter, parse_retry_after, server_delay, server_seconds,
};

/// Values of `X-RateLimit-Reset` above this are unix times, below it delta seconds: GitHub sends
/// epoch seconds, other servers a delta.
const EPOCH_THRESHOLD: f64 = 1e9;

/// The wait after a rate-limit answer that does not say when the quota comes back: GitHub's
/// "wait at least one minute".
pub const RATE_LIMIT_FLOOR: Duration = Duration::from_secs(60);

/// What the server said about pacing in one response.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hints {
    pub retry_after: Option<Duration>,
    pub poll_interval: Option<Duration>,
    /// How long until the rate-limit quota is back, when it is exhausted.
    pub rate_limit: Option<Duration>,
    /// The quota is spent (`X-RateLimit-Remaining: 0`, `RateLimit-Remaining: 0`, or a `RateLimit`
    /// policy with `r=0`), whether or not the server says when it comes back.
    pub quota_spent: bool,
}

impl Hints {
    /// Reads the hints from response headers. `now` is the local clock; an HTTP-date `Retry-After`
    /// is measured from the response's own `Date` when it has a valid one (robust to clock skew).
    /// Malformed values are ignored, never guessed at.
    pub fn read(headers: &[Header], now: SystemTime) -> Hints {
        let server_now = get_one(headers, "date")
            .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
            .unwrap_or(now);
        Hints {
            retry_after: get_one(headers, "retry-after")
                .and_then(|v| parse_retry_after(v, server_now)),
            poll_interval: get_one(headers, "x-poll-interval").and_then(seconds),
            rate_limit: rate_limit_wait(headers, now),
            quota_spent: quota_spent(headers),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Hints::default()
    }
}

/// A non-negative number of seconds (decimals accepted, so local test servers can hint fast),
/// clamped to a day ([`crate::outbound::backoff::MAX_SERVER_DELAY`]).
fn seconds(text: &str) -> Option<Duration> {
    server_seconds(text.trim().parse().ok()?)
}

/// Whether a status with these hints is a rate limit rather than a refusal: a 403 or 429 whose
/// quota is spent, or a 403 with `Retry-After` (GitHub's secondary limits). A plain 403 is final.
pub fn is_rate_limit(status: u16, hints: &Hints) -> bool {
    match status {
        403 => hints.quota_spent || hints.retry_after.is_some(),
        429 => hints.quota_spent,
        _ => false,
    }
}

fn quota_spent(headers: &[Header]) -> bool {
    let structured = get_one(headers, "ratelimit").is_some_and(|field| {
        field.split(',').any(|member| {
            member.split(';').skip(1).any(|param| {
                param
                    .split_once('=')
                    .is_some_and(|(key, value)| key.trim() == "r" && value.trim() == "0")
            })
        })
    });
    structured
        || ["ratelimit-remaining", "x-ratelimit-remaining"]
            .iter()
            .any(|name| get_one(headers, name).is_some_and(|v| v.trim().parse() == Ok(0u64)))
}

/// The wait the rate-limit headers ask for: only when the quota is spent (remaining 0).
fn rate_limit_wait(headers: &[Header], now: SystemTime) -> Option<Duration> {
    let mut waits = Vec::new();
    if let Some(field) = get_one(headers, "ratelimit") {
        waits.extend(structured_ratelimit(field));
    }
    for prefix in ["ratelimit", "x-ratelimit"] {
        let remaining = get_one(headers, &format!("{prefix}-remaining"))
            .and_then(|v| v.trim().parse::<u64>().ok());
        if remaining != Some(0) {
            continue;
        }
        let reset = get_one(headers, &format!("{prefix}-reset"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0);
        if let Some(reset) = reset {
            waits.push(reset_wait(reset, now));
        }
    }
    waits.into_iter().max()
}

/// `X-RateLimit-Reset` or `RateLimit-Reset`: a unix time when over [`EPOCH_THRESHOLD`] (GitHub),
/// else delta seconds.
fn reset_wait(reset: f64, now: SystemTime) -> Duration {
    if reset > EPOCH_THRESHOLD {
        let now = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        server_seconds((reset - now).max(0.0)).unwrap_or_default()
    } else {
        server_seconds(reset).unwrap_or_default()
    }
}

/// The draft-11 `RateLimit: "default";r=0;t=30, "burst";r=5;t=1` field: the longest `t` among the
/// policies with `r=0`. A member without both parameters as integers is ignored.
fn structured_ratelimit(field: &str) -> Option<Duration> {
    field
        .split(',')
        .filter_map(|member| {
            let mut remaining = None;
            let mut window = None;
            for param in member.split(';').skip(1) {
                let (key, value) = param.split_once('=')?;
                let value = value.trim().parse::<u64>().ok();
                match key.trim() {
                    "r" => remaining = value,
                    "t" => window = value,
                    _ => {}
                }
            }
            match (remaining?, window?) {
                (0, t) => Some(server_delay(Duration::from_secs(t))),
                _ => None,
            }
        })
        .max()
}

/// Why hooky waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Interval,
    RetryAfter,
    XPollInterval,
    RateLimit,
    Backoff,
    /// `--wait`: the server's hold was the interval; ask again at once.
    LongPoll,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Interval => "interval",
            Reason::RetryAfter => "retry-after",
            Reason::XPollInterval => "x-poll-interval",
            Reason::RateLimit => "rate-limit",
            Reason::Backoff => "backoff",
            Reason::LongPoll => "long-poll",
        }
    }
}

/// A wait decision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wait {
    pub duration: Duration,
    pub reason: Reason,
}

/// The pacing settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pacing {
    pub interval: Duration,
    /// `--idle-backoff`: stretch the interval by `multiplier` per unchanged poll, up to `max_interval`.
    pub idle_backoff: bool,
    pub multiplier: f64,
    pub max_interval: Duration,
    /// Error backoff; its `jitter` also switches the upward-only jitter on steady waits.
    pub backoff: BackoffPolicy,
    /// `--wait`: long polling, where a hold counts as the interval.
    pub long_poll: bool,
}

impl Pacing {
    /// The interval after `idle_streak` unchanged polls in a row.
    pub fn interval(&self, idle_streak: u32) -> Duration {
        if !self.idle_backoff || idle_streak == 0 {
            return self.interval;
        }
        let exponent = i32::try_from(idle_streak).unwrap_or(i32::MAX);
        let secs = self.interval.as_secs_f64() * self.multiplier.powi(exponent);
        if !secs.is_finite() || secs >= self.max_interval.as_secs_f64() {
            self.max_interval.max(self.interval)
        } else {
            Duration::try_from_secs_f64(secs).unwrap_or(self.max_interval)
        }
    }

    /// The wait after a successful poll (200 or 304). `idle_streak` counts unchanged polls in a row
    /// (0 right after a change); `elapsed` is how long the request took (a long-poll hold).
    pub fn after_success(
        &self,
        hints: &Hints,
        idle_streak: u32,
        elapsed: Duration,
        unit: f64,
    ) -> Wait {
        let mut base = Wait {
            duration: self.interval(idle_streak),
            reason: Reason::Interval,
        };
        if self.long_poll {
            // In long polling the server's hold is the interval: after a change, or a hold as long
            // as the interval, ask again at once; a server that answers at once still gets the
            // interval.
            let left = if idle_streak == 0 {
                Duration::ZERO
            } else {
                base.duration.saturating_sub(elapsed)
            };
            if left.is_zero() {
                base = Wait {
                    duration: Duration::ZERO,
                    reason: Reason::LongPoll,
                };
            } else {
                base.duration = left;
            }
        }
        let wait = [
            (hints.rate_limit, Reason::RateLimit),
            (hints.poll_interval, Reason::XPollInterval),
            (hints.retry_after, Reason::RetryAfter),
        ]
        .into_iter()
        .filter_map(|(hint, reason)| hint.map(|duration| Wait { duration, reason }))
        .fold(base, |best, hint| {
            if hint.duration >= best.duration && hint.duration > Duration::ZERO {
                hint
            } else {
                best
            }
        });
        self.jittered(wait, unit)
    }

    /// The wait before retrying after the `failures`-th failure in a row (1-based).
    pub fn after_failure(&self, hints: &Hints, failures: u32, unit: f64) -> Wait {
        if let Some(retry_after) = hints.retry_after {
            // Retry-After wins over the rate-limit headers (the RateLimit draft says it must) and
            // over the backoff.
            return self.jittered(
                Wait {
                    duration: retry_after.max(self.interval),
                    reason: if retry_after >= self.interval {
                        Reason::RetryAfter
                    } else {
                        Reason::Interval
                    },
                },
                unit,
            );
        }
        let mut wait = Wait {
            duration: self.backoff.delay(failures, unit),
            reason: Reason::Backoff,
        };
        if let Some(limit) = hints.rate_limit.filter(|l| *l > wait.duration) {
            wait = self.jittered(
                Wait {
                    duration: limit,
                    reason: Reason::RateLimit,
                },
                unit,
            );
        }
        if self.interval > wait.duration {
            wait = Wait {
                duration: self.interval,
                reason: Reason::Interval,
            };
        }
        wait
    }

    /// The wait after a rate-limit answer ([`is_rate_limit`]): until the quota comes back —
    /// `Retry-After` first, else the reset — or [`RATE_LIMIT_FLOOR`] when the server does
    /// not say; never less than the interval.
    pub fn after_rate_limit(&self, hints: &Hints, unit: f64) -> Wait {
        let until_reset = hints
            .retry_after
            .or(hints.rate_limit)
            .unwrap_or(RATE_LIMIT_FLOOR);
        self.jittered(
            Wait {
                duration: until_reset.max(self.interval),
                reason: Reason::RateLimit,
            },
            unit,
        )
    }

    fn jittered(&self, wait: Wait, unit: f64) -> Wait {
        Wait {
            duration: hint_with_jitter(wait.duration, unit, self.backoff.jitter > 0.0),
            ..wait
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, value: &str) -> Header {
        (name.into(), value.into())
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    fn pacing() -> Pacing {
        Pacing {
            interval: secs(5.0),
            idle_backoff: false,
            multiplier: 1.5,
            max_interval: secs(60.0),
            backoff: BackoffPolicy {
                jitter: 0.0,
                ..BackoffPolicy::default()
            },
            long_poll: false,
        }
    }

    #[test]
    fn reads_retry_after_against_the_server_date() {
        let now = at(1_700_000_000);
        let hints = Hints::read(
            &[
                h("Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
                h("Retry-After", "Sun, 06 Nov 1994 08:49:47 GMT"),
            ],
            now,
        );
        assert_eq!(hints.retry_after, Some(secs(10.0)));
        let hints = Hints::read(&[h("Retry-After", "3")], now);
        assert_eq!(hints.retry_after, Some(secs(3.0)));
        for bad in ["soon", "-1", "1.5", ""] {
            assert_eq!(Hints::read(&[h("Retry-After", bad)], now).retry_after, None);
        }
    }

    #[test]
    fn reads_poll_interval() {
        let now = at(0);
        assert_eq!(
            Hints::read(&[h("X-Poll-Interval", "60")], now).poll_interval,
            Some(secs(60.0))
        );
        assert_eq!(
            Hints::read(&[h("X-Poll-Interval", "0.25")], now).poll_interval,
            Some(secs(0.25))
        );
        for bad in ["-3", "NaN", "x", "inf"] {
            assert!(Hints::read(&[h("X-Poll-Interval", bad)], now).is_empty());
        }
    }

    #[test]
    fn x_ratelimit_reset_is_epoch_or_delta() {
        let now = at(1_700_000_000);
        let epoch = [
            h("X-RateLimit-Remaining", "0"),
            h("X-RateLimit-Reset", "1700000042"),
        ];
        assert_eq!(Hints::read(&epoch, now).rate_limit, Some(secs(42.0)));
        let delta = [
            h("X-RateLimit-Remaining", "0"),
            h("X-RateLimit-Reset", "42"),
        ];
        assert_eq!(Hints::read(&delta, now).rate_limit, Some(secs(42.0)));
        let past = [
            h("X-RateLimit-Remaining", "0"),
            h("X-RateLimit-Reset", "1600000000"),
        ];
        assert_eq!(Hints::read(&past, now).rate_limit, Some(Duration::ZERO));
        let quota_left = [
            h("X-RateLimit-Remaining", "3"),
            h("X-RateLimit-Reset", "42"),
        ];
        assert_eq!(Hints::read(&quota_left, now).rate_limit, None);
        let old_draft = [h("RateLimit-Remaining", "0"), h("RateLimit-Reset", "7")];
        assert_eq!(Hints::read(&old_draft, now).rate_limit, Some(secs(7.0)));
    }

    #[test]
    fn absurd_hints_are_clamped_to_a_day_and_never_panic() {
        let day = crate::outbound::backoff::MAX_SERVER_DELAY;
        let now = at(1_700_000_000);
        let hints = Hints::read(
            &[
                h("Retry-After", "99999999999999999999"),
                h("X-Poll-Interval", "1e300"),
                h("RateLimit", "\"default\";r=0;t=18446744073709551615"),
                h("X-RateLimit-Remaining", "0"),
                h("X-RateLimit-Reset", "99999999999999999999"),
            ],
            now,
        );
        assert_eq!(hints.retry_after, Some(day));
        assert_eq!(hints.poll_interval, Some(day));
        assert_eq!(hints.rate_limit, Some(day));
        let p = Pacing {
            backoff: BackoffPolicy::default(),
            ..pacing()
        };
        for unit in [0.0, 0.999] {
            let wait = p.after_success(&hints, 0, Duration::ZERO, unit);
            assert!(wait.duration >= day && wait.duration <= day.mul_f64(1.1));
            let wait = p.after_failure(&hints, u32::MAX, unit);
            assert!(wait.duration >= day && wait.duration <= day.mul_f64(1.1));
        }
    }

    #[test]
    fn rate_limit_answers_are_told_from_refusals() {
        let now = at(1_700_000_000);
        let read = |headers: &[Header]| Hints::read(headers, now);
        let github = read(&[
            h("x-ratelimit-remaining", "0"),
            h("x-ratelimit-reset", "1700000042"),
        ]);
        assert!(github.quota_spent);
        assert!(is_rate_limit(403, &github) && is_rate_limit(429, &github));
        assert!(!is_rate_limit(200, &github) && !is_rate_limit(404, &github));
        let plain = read(&[h("x-ratelimit-remaining", "12")]);
        assert!(!is_rate_limit(403, &plain) && !is_rate_limit(429, &plain));
        assert!(!is_rate_limit(403, &read(&[])), "a plain 403 stays final");
        let secondary = read(&[h("retry-after", "30")]);
        assert!(is_rate_limit(403, &secondary));
        assert!(
            !is_rate_limit(429, &secondary),
            "a 429 is retried as before"
        );
        let structured = read(&[h("RateLimit", "\"default\";r=0;t=30")]);
        assert!(is_rate_limit(429, &structured));
        let no_window = read(&[h("RateLimit", "\"default\";r=0")]);
        assert!(no_window.quota_spent && no_window.rate_limit.is_none());
        assert!(!read(&[h("RateLimit", "\"default\";r=10;t=0")]).quota_spent);

        let p = pacing();
        assert_eq!(
            p.after_rate_limit(&github, 0.5),
            Wait {
                duration: secs(42.0),
                reason: Reason::RateLimit
            }
        );
        assert_eq!(
            p.after_rate_limit(&no_window, 0.5).duration,
            RATE_LIMIT_FLOOR,
            "at least a minute when the server does not say"
        );
        let both = read(&[
            h("retry-after", "7"),
            h("x-ratelimit-remaining", "0"),
            h("x-ratelimit-reset", "1700000042"),
        ]);
        assert_eq!(
            p.after_rate_limit(&both, 0.5).duration,
            secs(7.0),
            "Retry-After wins"
        );
        let past = read(&[
            h("x-ratelimit-remaining", "0"),
            h("x-ratelimit-reset", "1600000000"),
        ]);
        assert_eq!(
            p.after_rate_limit(&past, 0.5).duration,
            secs(5.0),
            "the interval is a floor"
        );
    }

    #[test]
    fn structured_ratelimit_field() {
        let now = at(0);
        let read = |v: &str| Hints::read(&[h("RateLimit", v)], now).rate_limit;
        assert_eq!(read("\"default\";r=0;t=30"), Some(secs(30.0)));
        assert_eq!(read("\"default\";r=5;t=30"), None);
        assert_eq!(
            read("\"day\";r=0;t=300, \"burst\";r=0;t=2"),
            Some(secs(300.0))
        );
        assert_eq!(read("\"default\";r=0"), None, "malformed is ignored");
        assert_eq!(read("garbage"), None);
        assert_eq!(read("\"x\";r=zero;t=3"), None);
    }

    #[test]
    fn hints_raise_the_interval_and_never_lower_it() {
        let p = pacing();
        let none = Hints::default();
        assert_eq!(
            p.after_success(&none, 0, Duration::ZERO, 0.5),
            Wait {
                duration: secs(5.0),
                reason: Reason::Interval
            }
        );
        let low = Hints {
            poll_interval: Some(secs(1.0)),
            ..Hints::default()
        };
        assert_eq!(
            p.after_success(&low, 0, Duration::ZERO, 0.5).reason,
            Reason::Interval
        );
        let high = Hints {
            poll_interval: Some(secs(60.0)),
            rate_limit: Some(secs(30.0)),
            ..Hints::default()
        };
        assert_eq!(
            p.after_success(&high, 0, Duration::ZERO, 0.5),
            Wait {
                duration: secs(60.0),
                reason: Reason::XPollInterval
            }
        );
        let jittery = Pacing {
            backoff: BackoffPolicy::default(),
            ..p
        };
        let wait = jittery.after_success(&high, 0, Duration::ZERO, 0.999);
        assert!(wait.duration >= secs(60.0) && wait.duration <= secs(66.0));
    }

    #[test]
    fn idle_backoff_stretches_and_caps() {
        let p = Pacing {
            idle_backoff: true,
            max_interval: secs(10.0),
            ..pacing()
        };
        assert_eq!(p.interval(0), secs(5.0));
        assert_eq!(p.interval(1), secs(7.5));
        assert_eq!(p.interval(2), secs(10.0));
        assert_eq!(p.interval(u32::MAX), secs(10.0));
        assert_eq!(pacing().interval(9), secs(5.0), "off by default");
    }

    #[test]
    fn failures_back_off_and_retry_after_wins() {
        let p = Pacing {
            interval: secs(0.05),
            ..pacing()
        };
        let none = Hints::default();
        let waits: Vec<f64> = (1..=4)
            .map(|n| p.after_failure(&none, n, 0.5).duration.as_secs_f64())
            .collect();
        assert_eq!(waits, vec![1.0, 2.0, 4.0, 8.0]);
        assert_eq!(p.after_failure(&none, 1, 0.5).reason, Reason::Backoff);
        let both = Hints {
            retry_after: Some(secs(2.0)),
            rate_limit: Some(secs(50.0)),
            ..Hints::default()
        };
        assert_eq!(
            p.after_failure(&both, 5, 0.5),
            Wait {
                duration: secs(2.0),
                reason: Reason::RetryAfter
            }
        );
        let limited = Hints {
            rate_limit: Some(secs(50.0)),
            ..Hints::default()
        };
        assert_eq!(p.after_failure(&limited, 1, 0.5).reason, Reason::RateLimit);
        let slow = pacing();
        assert_eq!(
            slow.after_failure(&none, 1, 0.5).reason,
            Reason::Interval,
            "the interval is a floor for retries too"
        );
    }

    #[test]
    fn long_polling_asks_again_after_a_hold() {
        let p = Pacing {
            long_poll: true,
            ..pacing()
        };
        let none = Hints::default();
        assert_eq!(
            p.after_success(&none, 0, secs(0.1), 0.5).reason,
            Reason::LongPoll
        );
        assert_eq!(
            p.after_success(&none, 1, secs(30.0), 0.5).reason,
            Reason::LongPoll
        );
        assert_eq!(
            p.after_success(&none, 1, secs(1.0), 0.5).duration,
            secs(4.0),
            "a server that ignores the hold still gets the interval"
        );
    }
}
