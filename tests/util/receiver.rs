//! A small recording HTTP server for tests: binds 127.0.0.1:0, answers with a closure, records every
//! request (with the instant it arrived), and lets a test wait for the n-th request with a deadline.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// What to answer: status, headers, body. Gets the request and its 0-based index.
pub type Respond = dyn Fn(&Received, usize) -> (u16, Vec<(String, String)>, String) + Send + Sync;

type Log = Arc<(Mutex<Vec<Received>>, Condvar)>;

pub struct Receiver {
    /// Where senders post: `base` plus `/hook`.
    pub url: String,
    /// `http://127.0.0.1:PORT`, for tools that append their own path (replay).
    pub base: String,
    log: Log,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Receiver {
    pub fn start(
        respond: impl Fn(&Received, usize) -> (u16, Vec<(String, String)>, String)
        + Send
        + Sync
        + 'static,
    ) -> Receiver {
        let respond: Arc<Respond> = Arc::new(respond);
        let log: Log = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let url = format!("{base}/hook");
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let server_log = log.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(
                    move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                        let (log, respond) = (server_log.clone(), respond.clone());
                        async move {
                            let received = Received {
                                method: method.to_string(),
                                path: uri.path().to_string(),
                                query: uri.query().map(str::to_string),
                                headers: headers
                                    .iter()
                                    .map(|(n, v)| {
                                        (
                                            n.to_string(),
                                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                        )
                                    })
                                    .collect(),
                                body: body.to_vec(),
                                at: Instant::now(),
                            };
                            let (lock, signal) = &*log;
                            let index = lock.lock().unwrap().len();
                            let (status, headers, body) = respond(&received, index);
                            lock.lock().unwrap().push(received);
                            signal.notify_all();
                            let mut response = axum::response::Response::builder().status(status);
                            for (name, value) in headers {
                                response = response.header(name, value);
                            }
                            response.body(axum::body::Body::from(body)).unwrap()
                        }
                    },
                );
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        Receiver {
            url,
            base,
            log,
            shutdown: Some(shutdown),
        }
    }

    /// A server that answers every request 200 `{"received":true}`.
    pub fn ok() -> Receiver {
        Receiver::start(|_, _| (200, vec![json_type()], r#"{"received":true}"#.into()))
    }

    pub fn requests(&self) -> Vec<Received> {
        self.log.0.lock().unwrap().clone()
    }

    /// Waits until at least `count` requests arrived (at most `deadline`), and returns them all.
    #[track_caller]
    pub fn wait_for(&self, count: usize, deadline: Duration) -> Vec<Received> {
        let (lock, signal) = &*self.log;
        let end = Instant::now() + deadline;
        let mut requests = lock.lock().unwrap();
        while requests.len() < count {
            let left = end.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "only {} of {count} requests arrived in {deadline:?}",
                requests.len()
            );
            requests = signal.wait_timeout(requests, left).unwrap().0;
        }
        requests.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub fn json_type() -> (String, String) {
    ("content-type".into(), "application/json".into())
}
