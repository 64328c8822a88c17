//! Running many deliveries: a fixed pool of workers (`--concurrency`), an optional steady pace
//! (`--rate`), results streamed back as they finish. Shared by `send --count` and `replay`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

/// How many jobs, how many at once, how fast.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    pub count: u64,
    pub concurrency: usize,
    /// Jobs started per second at most; `None` = as fast as the workers go.
    pub rate: Option<f64>,
}

/// A job that panicked (a bug in hooky): reported to the caller as a failed job, never lost, so a
/// load whose workers all panic cannot end as "sent 0, failed 0" with exit 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panicked(pub String);

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error (a bug in hooky): {}", self.0)
    }
}

/// Starts `options.count` jobs (`job(i)` for i in 0..count) on `options.concurrency` workers and
/// returns a channel that yields `(i, output)` as each finishes, `Err` for a job that panicked.
/// Job `i` starts no earlier than `i / rate` seconds after the start, so a rate is kept without
/// bursts.
pub fn spawn_load<F, Fut, T>(
    options: LoadOptions,
    job: F,
) -> mpsc::Receiver<(u64, Result<T, Panicked>)>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let workers = options
        .concurrency
        .max(1)
        .min(options.count.max(1) as usize);
    let (sender, receiver) = mpsc::channel(workers * 4);
    let next = Arc::new(AtomicU64::new(0));
    let job = Arc::new(job);
    let start = Instant::now();
    for _ in 0..workers {
        let (sender, next, job) = (sender.clone(), next.clone(), job.clone());
        tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= options.count {
                    break;
                }
                if let Some(rate) = options.rate.filter(|r| *r > 0.0) {
                    // A tiny rate (1e-300/s) puts a job past any clock: it never starts.
                    let due = Duration::try_from_secs_f64(i as f64 / rate)
                        .ok()
                        .and_then(|offset| start.checked_add(offset));
                    match due {
                        Some(due) => tokio::time::sleep_until(due).await,
                        None => std::future::pending().await,
                    }
                }
                // Each job is its own task, so a panic ends that job, not the worker: the
                // JoinHandle tells it, and the job is reported as failed.
                let output = tokio::spawn(job(i)).await.map_err(|error| {
                    Panicked(match error.try_into_panic() {
                        Ok(payload) => panic_message(payload.as_ref()),
                        Err(error) => error.to_string(),
                    })
                });
                if sender.send((i, output)).await.is_err() {
                    break; // the reader is gone (interrupted): stop starting work
                }
            }
        });
    }
    receiver
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a job panicked".to_string())
}

/// Parses a rate such as `50`, `50/s`, `3000/m` into jobs per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let explain = || {
        format!(
            "invalid rate {text:?}: use a number per second such as 50 or 50/s, or per minute such as 3000/m"
        )
    };
    let (number, per) = match text.trim().split_once('/') {
        Some((n, unit)) => (n, unit.trim()),
        None => (text.trim(), "s"),
    };
    let number: f64 = number.trim().parse().map_err(|_| explain())?;
    let seconds = match per {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(explain()),
    };
    if !number.is_finite() || number <= 0.0 {
        return Err(explain());
    }
    Ok(number / seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_every_job_once_within_the_concurrency() {
        let running = Arc::new(AtomicU64::new(0));
        let peak = Arc::new(AtomicU64::new(0));
        let (r, p) = (running.clone(), peak.clone());
        let mut results = spawn_load(
            LoadOptions {
                count: 50,
                concurrency: 4,
                rate: None,
            },
            move |i| {
                let (r, p) = (r.clone(), p.clone());
                async move {
                    let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                    p.fetch_max(now, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    r.fetch_sub(1, Ordering::SeqCst);
                    i * 2
                }
            },
        );
        let mut seen = Vec::new();
        while let Some((i, out)) = results.recv().await {
            assert_eq!(out, Ok(i * 2));
            seen.push(i);
        }
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= 4);
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_the_rate() {
        let start = Instant::now();
        let mut results = spawn_load(
            LoadOptions {
                count: 5,
                concurrency: 5,
                rate: Some(10.0),
            },
            |_| async { Instant::now() },
        );
        let mut times = Vec::new();
        while let Some((i, at)) = results.recv().await {
            times.push((i, at.unwrap() - start));
        }
        for (i, offset) in times {
            assert!(
                offset >= Duration::from_millis(100 * i),
                "job {i} started at {offset:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_panicking_job_is_reported_and_the_others_still_run() {
        let mut results = spawn_load(
            LoadOptions {
                count: 6,
                concurrency: 2,
                rate: None,
            },
            |i| async move {
                if i % 2 == 1 {
                    panic!("job {i} broke");
                }
                i
            },
        );
        let mut ok = Vec::new();
        let mut panicked = Vec::new();
        while let Some((i, out)) = results.recv().await {
            match out {
                Ok(value) => ok.push(value),
                Err(Panicked(message)) => panicked.push((i, message)),
            }
        }
        ok.sort();
        panicked.sort();
        assert_eq!(ok, [0, 2, 4]);
        assert_eq!(
            panicked,
            [
                (1, "job 1 broke".to_string()),
                (3, "job 3 broke".to_string()),
                (5, "job 5 broke".to_string())
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_absurdly_slow_rate_never_panics() {
        let mut results = spawn_load(
            LoadOptions {
                count: 2,
                concurrency: 2,
                rate: Some(1e-300),
            },
            |i| async move { i },
        );
        assert_eq!(
            results.recv().await,
            Some((0, Ok(0))),
            "job 0 is due at once"
        );
        let second = tokio::time::timeout(Duration::from_secs(3600), results.recv()).await;
        assert!(second.is_err(), "job 1 is due past any clock: {second:?}");
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("50"), Ok(50.0));
        assert_eq!(parse_rate("50/s"), Ok(50.0));
        assert_eq!(parse_rate("120/m"), Ok(2.0));
        for bad in ["", "0", "-1", "5/week", "fast"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }
}
