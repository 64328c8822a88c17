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

/// Starts `options.count` jobs (`job(i)` for i in 0..count) on `options.concurrency` workers and
/// returns a channel that yields `(i, output)` as each finishes. Job `i` starts no earlier than
/// `i / rate` seconds after the start, so a rate is kept without bursts.
pub fn spawn_load<F, Fut, T>(options: LoadOptions, job: F) -> mpsc::Receiver<(u64, T)>
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
                    tokio::time::sleep_until(start + Duration::from_secs_f64(i as f64 / rate))
                        .await;
                }
                let output = job(i).await;
                if sender.send((i, output)).await.is_err() {
                    break; // the reader is gone (interrupted): stop starting work
                }
            }
        });
    }
    receiver
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
            assert_eq!(out, i * 2);
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
            times.push((i, at - start));
        }
        for (i, offset) in times {
            assert!(
                offset >= Duration::from_millis(100 * i),
                "job {i} started at {offset:?}"
            );
        }
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
