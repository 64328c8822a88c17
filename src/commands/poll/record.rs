//! What `hooky poll --json` prints, one record per line (`schema/poll.json`). Pure.

use serde::Serialize;
use serde_json::Value;

use super::diff::Change;
use crate::output::ErrorRecord;

/// One line of `hooky poll --json`: one per decision.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record<'a> {
    /// The resource answered as before (304, or the same body).
    Unchanged {
        /// RFC 3339, milliseconds.
        time: String,
        status: u16,
    },
    /// The resource changed: the changed fields of a JSON body, or the whole new body (the first
    /// one, or one that is not JSON).
    Change {
        time: String,
        status: u16,
        /// Whether this is the first answer.
        first: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        changes: Option<&'a [Change]>,
        /// The body: its JSON, or its text.
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
    },
    /// A new item of a feed (`--since`).
    Item {
        time: String,
        /// The item's id (`--id-field`, or the item itself as JSON when it has none).
        id: &'a str,
        /// The item's cursor value (`--cursor-field`), when it has one.
        cursor: Option<String>,
        item: &'a Value,
    },
    /// A webhook `--emit-webhook` delivered (or failed to).
    Delivery {
        url: &'a str,
        id: &'a str,
        status: Option<u16>,
        attempts: usize,
        ok: bool,
        error: Option<&'a str>,
    },
    /// The wait before the next poll, and why.
    Wait { seconds: f64, reason: &'static str },
    /// A failed poll.
    Error {
        #[serde(flatten)]
        error: ErrorRecord,
        time: String,
        /// Whether another try follows.
        retrying: bool,
        /// Failures in a row so far.
        failures: u32,
        /// Only on a rate-limit answer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rate_limited: Option<bool>,
    },
    /// Why polling ended.
    Done {
        /// `until`, `count`, `deadline`, `failed`, `interrupted` or `terminated`.
        reason: &'static str,
        exit_code: u8,
        polls: u64,
        cursor: Option<&'a str>,
    },
    /// The last record: what the polls cost.
    Summary {
        requests: u64,
        polls: u64,
        status_200: u64,
        status_304: u64,
        bytes_received: u64,
        bytes_without_validators: u64,
        changes: u64,
        items: u64,
    },
}
