//! What `hooky replay --json` and `hooky captures --json` print, one record per line
//! (`schema/replay.json`). Pure.

use serde::Serialize;

use crate::capture::{BodyEncoding, CaptureRecord, CaptureSummary};
use crate::headers::Header;
use crate::outbound::stats::LoadSummary;
use crate::output::ErrorRecord;

/// One line of `hooky replay --json`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record<'a> {
    /// `--list` (and `hooky captures`): one per capture; `--show`: the capture with its headers
    /// and body.
    Capture(CaptureView<'a>),
    /// `--dry-run`: a request that would go out, secrets redacted.
    Request {
        seq: u64,
        /// 1-based, with `--repeat`.
        round: u64,
        method: &'a str,
        url: &'a str,
        headers: &'a [Header],
        body: String,
        body_encoding: BodyEncoding,
        body_size: usize,
        body_sha256: String,
        /// Whether it was signed again (`--resign`, `--set`…).
        resigned: bool,
    },
    /// One per replayed request.
    Replay(&'a ReplayResult),
    /// After the replays.
    Summary(LoadSummary),
    /// A capture that cannot be replayed (the others still are).
    Error {
        #[serde(flatten)]
        error: ErrorRecord,
        seq: u64,
    },
}

/// A capture as `--list` shows it (its summary, as the feed and HAR export have it), and with
/// `--show` its headers and body too.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CaptureView<'a> {
    #[serde(flatten)]
    pub summary: CaptureSummary<'a>,
    #[serde(flatten)]
    pub detail: Option<CaptureDetail<'a>>,
}

/// What `--show` adds to a capture's summary.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CaptureDetail<'a> {
    /// Redacted where they carry a secret.
    pub headers: &'a [Header],
    pub body: Option<&'a str>,
    pub body_encoding: BodyEncoding,
    /// Whether the body can be replayed (kept, decodable, matching its SHA-256).
    pub body_ok: bool,
}

impl<'a> CaptureView<'a> {
    /// The list's view: the summary alone.
    pub fn listed(record: &'a CaptureRecord) -> Self {
        CaptureView {
            summary: CaptureSummary::from(record),
            detail: None,
        }
    }

    /// `--show`'s view: with headers and body.
    pub fn shown(record: &'a CaptureRecord) -> Self {
        CaptureView {
            summary: CaptureSummary::from(record),
            detail: Some(CaptureDetail {
                headers: &record.headers,
                body: record.body.as_deref(),
                body_encoding: record.body_encoding,
                body_ok: record.body_bytes().is_ok(),
            }),
        }
    }
}

/// How one replay went.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ReplayResult {
    pub seq: u64,
    pub round: u64,
    pub method: String,
    pub url: String,
    /// The last attempt's status, `null` when it got no answer.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub attempts: usize,
    pub resigned: bool,
    pub latency_ms: f64,
    pub elapsed_ms: f64,
    pub response_size: usize,
    pub response_sha256: String,
    /// With `--diff`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<ReplayDiff>,
}

/// `--diff`: the answer compared with the captured one and the first replay's.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ReplayDiff {
    pub captured_status: Option<u16>,
    /// `listen`, or `forwarded app` when listen forwarded it and the app answered.
    pub captured_from: &'static str,
    pub status_same: bool,
    /// `null` for the first replay of a capture.
    pub body_same_as_first_replay: Option<bool>,
}
