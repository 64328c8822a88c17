//! Running many deliveries: a fixed pool of workers (`--concurrency`), an optional steady pace
//! (`--rate`). Shared by `send --count` and `replay`.
//!
//! Each worker keeps its own state (its connection) and folds its results into its own tally, read
//! by the caller when the load ends or is interrupted: nothing crosses tasks per request but an
//! atomic count (a channel hop per request cost more than a tenth of the throughput).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

/// How many at once, how fast.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
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

/// One worker of a load: runs the jobs it takes, one at a time, with state of its own.
pub trait Worker: Send + 'static {
    type Job: Send + 'static;
    type Output;
    fn run(&mut self, index: u64, job: Self::Job) -> impl Future<Output = Self::Output> + Send;
}

/// The jobs `0..count`, for a load that makes each job from its number.
pub fn numbered(count: u64) -> impl Fn() -> std::future::Ready<Option<(u64, ())>> + Send + Sync {
    let next = AtomicU64::new(0);
    move || {
        let i = next.fetch_add(1, Ordering::Relaxed);
        std::future::ready((i < count).then_some((i, ())))
    }
}

/// The next job of a load read from a stream, when there is one.
pub type NextJob<J> = std::pin::Pin<Box<dyn Future<Output = Option<(u64, J)>> + Send>>;

/// The jobs a producer sends in batches, numbered by it, for a load read from a stream; taken one
/// at a time in the order sent. A producer outside the runtime (a blocking thread reading a file)
/// handing over one job at a time is woken, and wakes a worker, for every job: two context switches
/// a job, more than a fast replay costs. A batch costs them once.
pub fn from_batches<J: Send + 'static>(
    receiver: tokio::sync::mpsc::Receiver<Vec<(u64, J)>>,
) -> impl Fn() -> NextJob<J> + Send + Sync {
    let shared = Arc::new(tokio::sync::Mutex::new((
        receiver,
        std::collections::VecDeque::new(),
    )));
    move || {
        let shared = shared.clone();
        Box::pin(async move {
            let mut shared = shared.lock().await;
            let (receiver, ready) = &mut *shared;
            loop {
                if let Some(job) = ready.pop_front() {
                    return Some(job);
                }
                ready.extend(receiver.recv().await?);
            }
        })
    }
}

/// A load under way: its workers, how many jobs they finished, and each worker's tally.
pub struct Running<T> {
    workers: JoinSet<()>,
    done: Arc<AtomicU64>,
    tallies: Vec<Arc<Mutex<T>>>,
}

impl<T: Default> Running<T> {
    /// Jobs finished so far (for a progress bar).
    pub fn completed(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Waits until every job is done. Cancel-safe: an interrupted caller can still take the
    /// tallies.
    pub async fn join(&mut self) {
        while self.workers.join_next().await.is_some() {}
    }

    /// Stops any worker still running and returns every worker's tally.
    pub fn tallies(mut self) -> Vec<T> {
        self.workers.abort_all();
        self.tallies
            .iter()
            .map(|tally| std::mem::take(&mut *tally.lock().unwrap_or_else(|e| e.into_inner())))
            .collect()
    }
}

/// Starts `options.concurrency` workers (each made by `make_worker`) that take jobs from `next`
/// until it says `None`, and fold each result into their tally with `fold(tally, index, result)`;
/// `Err` is a job that panicked, after which its worker is made anew. Job `i` starts no earlier
/// than `i / rate` seconds after the start, so a rate is kept without bursts.
pub fn start<W, T, N, NF>(
    options: LoadOptions,
    next: N,
    make_worker: impl Fn() -> W + Send + Sync + 'static,
    fold: impl Fn(&mut T, u64, Result<W::Output, Panicked>) + Send + Sync + 'static,
) -> Running<T>
where
    W: Worker,
    T: Default + Send + 'static,
    N: Fn() -> NF + Send + Sync + 'static,
    NF: Future<Output = Option<(u64, W::Job)>> + Send,
{
    let next = Arc::new(next);
    let make_worker = Arc::new(make_worker);
    let fold = Arc::new(fold);
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut running = Running {
        workers: JoinSet::new(),
        done: done.clone(),
        tallies: Vec::new(),
    };
    for _ in 0..options.concurrency.max(1) {
        let tally = Arc::new(Mutex::new(T::default()));
        running.tallies.push(tally.clone());
        let (next, make_worker, fold, done) = (
            next.clone(),
            make_worker.clone(),
            fold.clone(),
            done.clone(),
        );
        running.workers.spawn(async move {
            let mut worker = make_worker();
            while let Some((i, job)) = next().await {
                if let Some(rate) = options.rate.filter(|r| *r > 0.0) {
                    wait_for_turn(started, i, rate).await;
                }
                // Pinned where it is made: passed by value, the job's future (the whole
                // request's state) was copied twice more per request.
                let output = {
                    let run = std::pin::pin!(worker.run(i, job));
                    catch_unwind(run).await
                };
                if output.is_err() {
                    // Its state may be half-changed: the next job gets a fresh worker.
                    worker = make_worker();
                }
                fold(
                    &mut tally.lock().unwrap_or_else(|e| e.into_inner()),
                    i,
                    output,
                );
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    running
}

/// Waits for the load to end, calling `tick(completed)` every 100 ms (for a progress bar), or for
/// `interrupted`, whose value it returns.
pub async fn wait<T: Default, S>(
    running: &mut Running<T>,
    mut tick: impl FnMut(u64),
    interrupted: impl Future<Output = S>,
) -> Option<S> {
    tokio::pin!(interrupted);
    let mut ticks = tokio::time::interval(Duration::from_millis(100));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = running.join() => {
                tick(running.completed());
                return None;
            }
            signal = &mut interrupted => return Some(signal),
            _ = ticks.tick() => tick(running.completed()),
        }
    }
}

/// Sleeps until job `i` is due at `rate` jobs per second from `started`.
async fn wait_for_turn(started: Instant, i: u64, rate: f64) {
    // A tiny rate (1e-300/s) puts a job past any clock: it never starts.
    let due = Duration::try_from_secs_f64(i as f64 / rate)
        .ok()
        .and_then(|offset| started.checked_add(offset));
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// Runs a job, turning a panic into [`Panicked`] instead of ending the worker.
async fn catch_unwind<O>(
    mut job: std::pin::Pin<&mut impl Future<Output = O>>,
) -> Result<O, Panicked> {
    std::future::poll_fn(|cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| job.as_mut().poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(Panicked(panic_message(payload.as_ref())))),
        }
    })
    .await
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

    /// A worker that runs a closure per job and counts what it ran.
    struct Probe<F>(F, u64);

    impl<F, Fut, O> Worker for Probe<F>
    where
        F: Fn(u64) -> Fut + Send + 'static,
        Fut: Future<Output = O> + Send,
    {
        type Job = ();
        type Output = (O, u64);
        async fn run(&mut self, index: u64, _: ()) -> (O, u64) {
            self.1 += 1;
            ((self.0)(index).await, self.1)
        }
    }

    type Seen<O> = Vec<(u64, Result<O, Panicked>)>;

    async fn run_all<F, Fut, O>(count: u64, options: LoadOptions, job: F) -> Seen<O>
    where
        F: Fn(u64) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = O> + Send,
        O: Send + 'static,
    {
        let mut running = start(
            options,
            numbered(count),
            move || Probe(job.clone(), 0),
            |seen: &mut Seen<O>, i, out: Result<(O, u64), Panicked>| {
                seen.push((i, out.map(|(o, _)| o)))
            },
        );
        running.join().await;
        let mut seen: Seen<O> = running.tallies().into_iter().flatten().collect();
        seen.sort_by_key(|(i, _)| *i);
        seen
    }

    #[tokio::test]
    async fn runs_every_job_once_within_the_concurrency() {
        let running = Arc::new(AtomicU64::new(0));
        let peak = Arc::new(AtomicU64::new(0));
        let (r, p) = (running.clone(), peak.clone());
        let seen = run_all(
            50,
            LoadOptions {
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
        )
        .await;
        let expected: Seen<u64> = (0..50).map(|i| (i, Ok(i * 2))).collect();
        assert_eq!(seen, expected);
        assert!(peak.load(Ordering::SeqCst) <= 4);
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_the_rate() {
        let start = Instant::now();
        let seen = run_all(
            5,
            LoadOptions {
                concurrency: 5,
                rate: Some(10.0),
            },
            |_| async { Instant::now() },
        )
        .await;
        for (i, at) in seen {
            let offset = at.unwrap() - start;
            assert!(
                offset >= Duration::from_millis(100 * i),
                "job {i} started at {offset:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_panicking_job_is_reported_and_the_others_still_run() {
        let seen = run_all(
            6,
            LoadOptions {
                concurrency: 2,
                rate: None,
            },
            |i| async move {
                if i % 2 == 1 {
                    panic!("job {i} broke");
                }
                i
            },
        )
        .await;
        assert_eq!(
            seen,
            vec![
                (0, Ok(0)),
                (1, Err(Panicked("job 1 broke".into()))),
                (2, Ok(2)),
                (3, Err(Panicked("job 3 broke".into()))),
                (4, Ok(4)),
                (5, Err(Panicked("job 5 broke".into()))),
            ]
        );
    }

    #[tokio::test]
    async fn a_worker_keeps_its_state_between_jobs_and_gets_a_fresh_one_after_a_panic() {
        let mut running = start(
            LoadOptions {
                concurrency: 1,
                rate: None,
            },
            numbered(4),
            || {
                Probe(
                    |i| async move {
                        assert_ne!(i, 1, "job 1 breaks");
                    },
                    0,
                )
            },
            |jobs_run: &mut Vec<Option<u64>>, _, out: Result<((), u64), Panicked>| {
                jobs_run.push(out.ok().map(|(_, n)| n))
            },
        );
        running.join().await;
        assert_eq!(running.completed(), 4);
        assert_eq!(
            running.tallies(),
            vec![vec![Some(1), None, Some(1), Some(2)]]
        );
    }

    #[tokio::test]
    async fn jobs_from_batches_come_in_the_order_sent() {
        let (sender, receiver) = tokio::sync::mpsc::channel(2);
        tokio::spawn(async move {
            // Batches of every size, an empty one among them.
            let mut next = 0u64;
            for size in [3u64, 1, 0, 7, 2, 5] {
                let batch: Vec<(u64, u64)> = (next..next + size).map(|i| (i, i * 10)).collect();
                next += size;
                sender.send(batch).await.unwrap();
            }
        });
        struct Echo;
        impl Worker for Echo {
            type Job = u64;
            type Output = (u64, u64);
            async fn run(&mut self, index: u64, job: u64) -> (u64, u64) {
                (index, job)
            }
        }
        let mut running = start(
            LoadOptions {
                concurrency: 1,
                rate: None,
            },
            from_batches(receiver),
            || Echo,
            |seen: &mut Vec<(u64, u64)>, _, out: Result<(u64, u64), Panicked>| {
                seen.push(out.unwrap())
            },
        );
        running.join().await;
        assert_eq!(running.completed(), 18);
        let expected: Vec<(u64, u64)> = (0..18).map(|i| (i, i * 10)).collect();
        assert_eq!(running.tallies(), vec![expected]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_absurdly_slow_rate_never_panics() {
        let mut running = start(
            LoadOptions {
                concurrency: 2,
                rate: Some(1e-300),
            },
            numbered(2),
            || Probe(|i| async move { i }, 0),
            |seen: &mut Vec<u64>, i, _: Result<(u64, u64), Panicked>| seen.push(i),
        );
        let finished = tokio::time::timeout(Duration::from_secs(3600), running.join()).await;
        assert!(finished.is_err(), "job 1 is due past any clock");
        assert_eq!(running.completed(), 1, "job 0 is due at once");
        let seen: Vec<u64> = running.tallies().into_iter().flatten().collect();
        assert_eq!(seen, [0]);
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
