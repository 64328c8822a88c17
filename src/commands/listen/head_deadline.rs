//! `--client-timeout` for request heads, with one timer per connection: from the end of the
//! previous exchange (or the connection's start), a client has that long to finish the next
//! request's head, or it is cut off, as with hyper's own `header_read_timeout`. hyper's way makes,
//! arms and drops a timer for every request (an allocation, two visits to the runtime's timer
//! wheel under its lock, clock reads): about 1,400 instructions a request (`bench/instructions.sh`)
//! and, with two workers, a wake-up of the parked one (0.41 against 0.31 context switches a
//! request, `perf stat`).
//! Here the connection's timer is only looked at when it goes off: it then either cuts the client
//! off or is set again for when the current head is due, which the runtime does without touching
//! the wheel (a later expiry). While an exchange is under way (from the request's head until its
//! answer's body has been sent) the head deadline does not apply: hooky times the body itself (see
//! [`receive`](super::receive)), an answer may be slow on purpose (`--delay`), and hyper reads
//! during it only to notice a client that hung up.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use hyper::body::{Body, Frame, SizeHint};
use hyper::rt::{Read, ReadBufCursor, Write};
use tokio::time::{Instant, Sleep};

/// What a connection's reads need to know of its exchanges. Shared by the connection's transport
/// and its service, which hyper polls in the same task: the orderings are relaxed.
pub(super) struct Exchanges {
    /// When the connection was accepted.
    start: Instant,
    /// Whether an exchange is under way.
    open: AtomicBool,
    /// When the last exchange ended, in nanoseconds after `start` (0: none has).
    idle_since: AtomicU64,
}

impl Exchanges {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Exchanges {
            start: Instant::now(),
            open: AtomicBool::new(false),
            idle_since: AtomicU64::new(0),
        })
    }

    /// Marks an exchange begun; it ends when the guard is dropped.
    pub(super) fn begin(self: &Arc<Self>) -> Exchange {
        self.open.store(true, Ordering::Relaxed);
        Exchange(self.clone())
    }

    /// When the next head is due, if none is under way.
    fn head_due(&self, timeout: Duration) -> Option<Instant> {
        if self.open.load(Ordering::Relaxed) {
            return None;
        }
        let idle_since = Duration::from_nanos(self.idle_since.load(Ordering::Relaxed));
        Some(self.start + idle_since + timeout)
    }
}

/// An exchange under way; it ends when dropped (with the answer's body, or with the request's
/// future when the client went away).
pub(super) struct Exchange(Arc<Exchanges>);

impl Drop for Exchange {
    fn drop(&mut self) {
        let idle_since = self.0.start.elapsed().as_nanos();
        self.0.idle_since.store(
            u64::try_from(idle_since).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.0.open.store(false, Ordering::Relaxed);
    }
}

/// A connection's transport with the head deadline on its reads.
pub(super) struct HeadDeadline<T> {
    io: T,
    exchanges: Arc<Exchanges>,
    timeout: Duration,
    timer: Pin<Box<Sleep>>,
    /// The waker the timer wakes, once it has been polled with one.
    waking: Option<Waker>,
}

impl<T> HeadDeadline<T> {
    pub(super) fn new(io: T, exchanges: Arc<Exchanges>, timeout: Duration) -> Self {
        // The first head is due `timeout` after the connection's start. Registered with the
        // runtime only once polled (the first read that waits).
        let timer = Box::pin(tokio::time::sleep_until(exchanges.start + timeout));
        HeadDeadline {
            io,
            exchanges,
            timeout,
            timer,
            waking: None,
        }
    }
}

impl<T: Read + Unpin> Read for HeadDeadline<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let read = Pin::new(&mut this.io).poll_read(cx, buf);
        if read.is_ready() {
            return read;
        }
        // Waiting for the client: the timer wakes this read when it goes off. Polled only when it
        // has gone off or has another waker to wake: a poll per read cost about 270 instructions a
        // request (`bench/instructions.sh`).
        let same_waker = this
            .waking
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()));
        if same_waker && !this.timer.is_elapsed() {
            return Poll::Pending;
        }
        if !same_waker {
            this.waking = Some(cx.waker().clone());
        }
        while this.timer.as_mut().poll(cx).is_ready() {
            let now = Instant::now();
            let next = match this.exchanges.head_due(this.timeout) {
                Some(due) if due <= now => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no complete request head within --client-timeout",
                    )));
                }
                Some(due) => due,
                // An exchange under way: looked at again later.
                None => now + this.timeout,
            };
            this.timer.as_mut().reset(next);
        }
        Poll::Pending
    }
}

impl<T: Write + Unpin> Write for HeadDeadline<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }
}

/// An answer's body that ends its [`Exchange`] when hyper drops it (sent, or the client gone).
pub(super) struct ExchangeBody<B> {
    body: B,
    _exchange: Exchange,
}

impl<B> ExchangeBody<B> {
    pub(super) fn new(body: B, exchange: Exchange) -> Self {
        ExchangeBody {
            body,
            _exchange: exchange,
        }
    }
}

impl<B: Body + Unpin> Body for ExchangeBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
