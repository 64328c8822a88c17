//! `listen`'s accept loop: each connection served until `--count`, a signal or `--timeout`; each
//! request routed to `/_hooky/` (the web view and the feed) or to the receiver ([`super::handle`]).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use super::head_deadline::{ExchangeBody, Exchanges, HeadDeadline};
use super::shutdown::Stop;
use super::{Body, Listener, handle, web};
use crate::capture::feed;

/// Accepts connections until `--count` is reached, a signal, or `--timeout`; the socket is
/// closed on return.
pub(super) async fn accept_loop(
    listener: TcpListener,
    state: &Arc<Listener>,
    graceful: &GracefulShutdown,
    client_timeout: Duration,
    signals: &mut crate::commands::Signals,
    deadline: Option<tokio::time::Instant>,
) -> Stop {
    let mut stopped = state.stop.subscribe();
    let ui = web::router(state.clone());
    let mut http = hyper::server::conn::http1::Builder::new();
    // No hyper timer: heads are timed per connection by `HeadDeadline`.
    http.keep_alive(true);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    let _ = stream.set_nodelay(true);
                    let (state, ui) = (state.clone(), ui.clone());
                    let exchanges = Exchanges::new();
                    let io = HeadDeadline::new(TokioIo::new(stream), exchanges.clone(), client_timeout);
                    let service = hyper::service::service_fn(move |request| {
                        let (state, ui) = (state.clone(), ui.clone());
                        // Begun as hyper hands the request over, before it reads any of the body.
                        let exchange = exchanges.begin();
                        async move {
                            let answer = route(&state, &ui, remote, request).await;
                            Ok::<_, Infallible>(answer.map(|body| ExchangeBody::new(body, exchange)))
                        }
                    });
                    let connection = graceful.watch(http.serve_connection(io, service));
                    tokio::spawn(async move {
                        // A client that breaks its connection is its own problem, not the listener's.
                        let _ = connection.await;
                    });
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    state.out.warn(&format!("cannot accept a connection: {error}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stopped.changed() => break Stop::Count,
            signal = signals.recv() => break Stop::Signal(signal),
            _ = sleep_until(deadline) => break Stop::Deadline,
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// hooky's own endpoints under `/_hooky/`, or a request to receive.
async fn route(
    state: &Listener,
    ui: &axum::Router,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> Response<Body> {
    let path = request.uri().path();
    if path.starts_with(feed::PREFIX) || path == "/_hooky" {
        return web::serve(ui, remote, request)
            .await
            .map(http_body_util::Either::Right);
    }
    state.in_flight.fetch_add(1, Ordering::SeqCst);
    // Counted down however the request ends, even when its client goes away mid-way.
    let _in_flight = InFlight(&state.in_flight);
    let mut answer = handle(state, remote, request).await;
    // Whatever answers here (hooky or the `--forward-to` app) runs in an opaque origin in a
    // browser, so a page served on this port can never read the web view or its token.
    answer.headers_mut().append(
        hyper::header::CONTENT_SECURITY_POLICY,
        hyper::header::HeaderValue::from_static("sandbox"),
    );
    answer.map(http_body_util::Either::Left)
}

/// Counts a request out of `Listener::in_flight` when dropped.
struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
