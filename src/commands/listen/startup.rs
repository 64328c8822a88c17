//! `listen`'s start-up: the forwarder made, the port bound, the capture file opened, and the shared
//! [`Listener`] every request reads; and the `--ready-file`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::net::TcpListener;

use super::dedup::{self, DuplicateWindow};
use super::forward::Forwarder;
use super::line_rate::LineRate;
use super::respond::Responder;
use super::settings::Settings;
use super::{Listener, Shared, batch, web};
use crate::capture::file::Appender;
use crate::capture::index::CaptureIndex;
use crate::exit::CliError;
use crate::output::Output;

/// Everything before the first request: the forwarder, the port bound, the capture opened.
/// Long for its one `Listener` literal, which reads best whole.
pub(super) async fn start(
    settings: &Settings,
    out: &Output,
) -> anyhow::Result<(Arc<Listener>, TcpListener, String)> {
    let forwarder = match &settings.forward_to {
        Some(url) => Some(Forwarder::new(
            url,
            settings.forward_timeout,
            settings.max_response,
        )?),
        None => None,
    };
    let (listener, local, url) = bind(settings).await?;
    let capture = open_capture(settings)?;
    let shared = Shared {
        next_seq: capture.last_seq + 1,
        batch: batch::Batch::default(),
        duplicates: DuplicateWindow::new(dedup::DEFAULT_WINDOW),
        responder: Responder::new(settings.plan.clone()),
        rng: match settings.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        },
    };

    let ui = settings.ui.then(|| {
        web::Ui::new(
            settings.forward_to.as_deref(),
            settings.capture.is_some(),
            &mut rand::rngs::OsRng,
        )
    });
    let state = Arc::new(Listener {
        out: out.clone(),
        enforce: settings.enforce,
        origin: settings.origin.clone(),
        looked_for: settings.verifier.looked_for(),
        detail: settings.detail,
        public_url: settings.public_url.clone(),
        lines: Mutex::new(LineRate::default()),
        verifier: settings.verifier.clone(),
        handshakes: settings.handshakes,
        verify_token: settings.verify_token.clone(),
        response_body: settings.response_body.clone(),
        response_headers: settings.response_headers.clone(),
        delay: settings.delay,
        forwarder,
        max_body: settings.max_body,
        max_response: settings.max_response,
        client_timeout: settings.client_timeout,
        capture_path: capture.path,
        index: capture.index,
        local,
        expectations: settings.expectations.clone(),
        expectations_read_json: settings.expectations_read_json(),
        count: settings.count,
        matched: AtomicU64::new(0),
        in_flight: AtomicU64::new(0),
        // The accept loop subscribes before any request can send on it.
        stop: tokio::sync::watch::channel(false).0,
        ui,
        key: web::random_key(&mut rand::rngs::OsRng),
        ui_public: settings.ui_public,
        live: tokio::sync::broadcast::channel(web::LIVE_CAPACITY).0,
        shared: Mutex::new(shared),
        sink: Mutex::new(batch::Sink::new(capture.appender)),
        batched: tokio::sync::Notify::new(),
    });
    Ok((state, listener, url))
}

/// The bound socket, its address, and its URL.
async fn bind(settings: &Settings) -> anyhow::Result<(TcpListener, SocketAddr, String)> {
    let listener = TcpListener::bind((settings.host, settings.port))
        .await
        .map_err(|e| {
            CliError::failed(format!(
                "cannot listen on {}:{}: {e}",
                settings.host, settings.port
            ))
            .with_hint("pick another --port, or --port 0 for a free one")
        })?;
    let local = listener
        .local_addr()
        .context("cannot read the bound address")?;
    let url = match local {
        SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
    };
    Ok((listener, local, url))
}

/// The capture file opened for appending, unless `--no-capture`.
struct Capture {
    path: Option<PathBuf>,
    appender: Option<Appender>,
    /// The last sequence number in the file (0 when there is none).
    last_seq: u64,
    index: Option<Arc<std::sync::RwLock<CaptureIndex>>>,
}

fn open_capture(settings: &Settings) -> anyhow::Result<Capture> {
    let (path, appender, last_seq) = match &settings.capture {
        None => (None, None, 0),
        Some(path) => {
            let (appender, last) = Appender::open(path)?;
            (Some(path.clone()), Some(appender), last)
        }
    };
    // One pass over the file, before any request is appended to it (and before any is accepted,
    // so reading on this thread holds nothing up).
    let index = match &path {
        Some(path) => Some(Arc::new(std::sync::RwLock::new(
            CaptureIndex::build(path)
                .with_context(|| format!("cannot read the capture file {}", path.display()))?,
        ))),
        None => None,
    };
    Ok(Capture {
        path,
        appender,
        last_seq,
        index,
    })
}

/// Writes `{"url":…,"pid":…,"key":…}` to a fresh private (0600) file next to its final name, then
/// renames it, so a reader never sees half and a link planted at the name is replaced, not
/// followed. Private because it holds the access key of `/_hooky/`.
pub(super) fn write_ready_file(path: &Path, url: &str, key: &str) -> anyhow::Result<()> {
    let body = serde_json::json!({ "url": url, "pid": std::process::id(), "key": key }).to_string();
    crate::private_fs::write_atomic(path, body.as_bytes())
        .with_context(|| format!("cannot write the ready file {}", path.display()))
}
