//! What `hooky listen --json` prints, one record per line (`schema/listen.json`). Pure.

use serde::Serialize;

use crate::capture::CaptureRecord;

/// One line of `hooky listen --json`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record<'a> {
    /// First, once the port is bound.
    Listening {
        url: &'a str,
        pid: u32,
        /// The capture file, or `null` with `--no-capture`.
        capture: Option<String>,
        /// The web view's URL with its access key, or `null` with `--no-ui`.
        ui: Option<String>,
        /// The access key of `/_hooky/` (the web view and the feed).
        key: &'a str,
        secret_source: SecretSource,
        /// The development secret, when it is the one in use (to paste into the app).
        development_secret: Option<&'a str>,
        /// Whether a request that fails verification is answered 401.
        enforcing: bool,
    },
    /// One per request: the capture line (`schema/capture-line.json`) and the request's
    /// `Content-Type`. (`request_view::request_line` writes it from the capture line itself, byte
    /// for byte what serialising this variant gives.)
    Request {
        content_type: Option<&'a str>,
        #[serde(flatten)]
        capture: &'a CaptureRecord,
    },
}

/// Where the secret that verifies requests came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecretSource {
    /// No secret: requests are not verified.
    None,
    /// `--secret`, `--secret-file` or `HOOKY_SECRET`.
    Given,
    /// The project's development secret (`.hooky/secret`).
    Development,
}
