//! What `hooky send --json` prints, one record per line (`schema/send.json`). Pure.

use serde::Serialize;

use super::attack::{Expect, Outcome};
use crate::headers::Header;
use crate::outbound::stats::LoadSummary;
use crate::output::ErrorRecord;
use crate::signature::Scheme;

/// One line of `hooky send --json`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// `--print`: the request that would go out, secrets redacted.
    Request {
        method: String,
        url: String,
        headers: Vec<Header>,
        body: String,
        /// With `--curl`: the request as a curl command.
        #[serde(skip_serializing_if = "Option::is_none")]
        curl: Option<String>,
    },
    /// One per send (with `--count`, only with `-v`).
    Response(Response),
    /// After a `--count` load.
    Summary(LoadSummary),
    /// A send that could not be made or answered, when the command carries on.
    Error(ErrorRecord),
    /// `--list`: one per fixture.
    Fixture {
        name: String,
        /// Where it comes from (`built-in`, a folder), and what it overrides.
        source: String,
        scheme: String,
        description: String,
    },
    /// `--attack`: one per check.
    Check {
        check: &'static str,
        description: String,
        expect: Expect,
        /// The status of each request of the check, `null` when it got no answer (empty when
        /// skipped).
        statuses: Vec<Option<u16>>,
        result: Outcome,
        /// Why a check warned or was skipped.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        errors: Vec<String>,
    },
    /// `--attack`: what the checks together say about the receiver (the valid event rejected,
    /// a re-serialised body verified, one end of a rotation header ignored).
    Diagnosis {
        /// `valid_rejected`, `body_reserialised`, `rotation_last_only`, `rotation_first_only`.
        code: &'static str,
        message: String,
    },
    /// `--attack`: the count of checks by result.
    AttackSummary {
        #[cfg_attr(test, schemars(with = "String"))]
        scheme: Scheme,
        passed: u64,
        failed: u64,
        warned: u64,
        skipped: u64,
        info: u64,
    },
}

/// How one send went.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Response {
    /// The event type.
    pub event: String,
    pub event_id: String,
    /// The fixture's name, or `--data`.
    pub fixture: String,
    #[cfg_attr(test, schemars(with = "String"))]
    pub scheme: Scheme,
    pub method: String,
    pub url: String,
    /// The last attempt's status, `null` when it got no answer.
    pub status: Option<u16>,
    /// Whether the send succeeded (2xx).
    pub ok: bool,
    /// Why the last attempt got no answer.
    pub error: Option<String>,
    pub attempts: usize,
    /// The last attempt's latency.
    pub latency_ms: f64,
    /// All attempts and the waits between them.
    pub elapsed_ms: f64,
    /// The start of the answer's body.
    pub body: String,
}
