//! How one delivery is reported: the `-->`/`<--` lines or a `response` record, the response
//! preview, and the exit code against `--expect-status`/`--expect-body`.

use super::plan::Plan;
use super::record;
use super::record::Record;
use crate::cli::ExpectedStatus;
use crate::exit::{self, CliError};
use crate::outbound::delivery::Delivery;
use crate::output::{Output, sanitize_line};
use crate::signature::Scheme;
use crate::webhook::Webhook;

/// Characters of the response body shown after each send (`--json` carries more).
const PREVIEW_CHARS: usize = 200;

const JSON_PREVIEW_CHARS: usize = 4096;

/// What was expected of an answer, and whether it was met.
pub(super) struct Expectations<'a> {
    pub(super) status: Option<ExpectedStatus>,
    pub(super) body: &'a [(String, String)],
}

impl Expectations<'_> {
    pub(super) fn given(&self) -> bool {
        self.status.is_some() || !self.body.is_empty()
    }

    /// The first unmet expectation, if any.
    pub(super) fn check(&self, delivery: &Delivery) -> Option<String> {
        let status = delivery.status();
        if let Some(expected) = self.status
            && !status.is_some_and(|s| expected.matches(s))
        {
            return Some(format!(
                "expected status {expected}, got {}",
                status.map_or("no answer".to_string(), |s| s.to_string())
            ));
        }
        if self.body.is_empty() {
            return None;
        }
        let parsed = crate::webhook::event::parse_json_body(&delivery.response_body);
        for (path, expected) in self.body {
            let actual = parsed.as_ref().and_then(|v| crate::json_path::get(v, path));
            match actual {
                Some(actual) if crate::json_path::matches_text(actual, expected) => {}
                Some(actual) => {
                    return Some(format!(
                        "expected {path} = {expected}, got {}",
                        sanitize_line(&crate::json_path::display(actual))
                    ));
                }
                None if parsed.is_none() => {
                    return Some(format!(
                        "expected {path} = {expected}, but the response body is not JSON"
                    ));
                }
                None => return Some(format!("expected {path} = {expected}, but it is missing")),
            }
        }
        None
    }
}

fn preview(body: &[u8], chars: usize) -> String {
    crate::output::ellipsize(&String::from_utf8_lossy(body), chars + 1).into_owned()
}

pub(super) fn response_record(
    plan: &Plan,
    webhook: &Webhook,
    delivery: &Delivery,
) -> record::Response {
    let last = delivery.last();
    let ms = crate::units::millis;
    record::Response {
        event: webhook.event_type.clone(),
        event_id: webhook.event_id.clone(),
        fixture: plan.payload.name.clone(),
        scheme: plan.signer.scheme,
        method: webhook.method.clone(),
        url: crate::secret::redact_query_tokens(webhook.url.as_str()).into_owned(),
        status: last.status,
        ok: delivery.is_success(),
        error: last.error.clone(),
        attempts: delivery.attempts.len(),
        latency_ms: ms(last.latency),
        elapsed_ms: ms(delivery.elapsed),
        body: preview(&delivery.response_body, JSON_PREVIEW_CHARS),
    }
}

pub(super) fn report(
    plan: &Plan,
    webhook: &Webhook,
    delivery: &Delivery,
    out: &Output,
) -> anyhow::Result<()> {
    if out.json {
        out.json(&Record::Response(response_record(plan, webhook, delivery)))?;
        return Ok(());
    }
    out.data(&answer_line(webhook, delivery, &out.paint))?;
    if !delivery.response_body.is_empty() && out.verbose > 0 {
        out.data(&format!(
            "  {}",
            out.paint.dim(&sanitize_line(&preview(
                &delivery.response_body,
                PREVIEW_CHARS
            )))
        ))?;
    }
    Ok(())
}

/// `--> order.completed evt_… hex`: what goes out, as `stripe trigger` shows it. The id is the one
/// `hooky listen` shows for the same request.
pub(super) fn sending_line(plan: &Plan, webhook: &Webhook) -> String {
    format!(
        "--> {} {} {} · {} {}",
        sanitize_line(&webhook.event_type),
        sanitize_line(&webhook.event_id),
        plan.signer.scheme,
        webhook.method,
        crate::secret::redact_query_tokens(webhook.url.as_str())
    )
}

/// `<-- 200 OK 3ms (1 attempt)`, with retries `<-- 200 OK after 3 attempts, 3.2s`: the answer, in
/// one line with the event it answers.
fn answer_line(webhook: &Webhook, delivery: &Delivery, paint: &crate::output::Paint) -> String {
    let last = delivery.last();
    let attempts = delivery.attempts.len();
    let timing = if attempts == 1 {
        format!(
            "{} (1 attempt)",
            crate::units::format_duration(last.latency)
        )
    } else {
        format!(
            "after {attempts} attempts, {}",
            crate::units::format_duration(delivery.elapsed)
        )
    };
    let answer = match (last.status, &last.error) {
        (Some(status), _) => {
            let reason = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(|reason| format!(" {reason}"))
                .unwrap_or_default();
            format!("{}{reason}", paint.status(status))
        }
        (None, error) => format!(
            "{} {}",
            paint.error("no answer:"),
            sanitize_line(error.as_deref().unwrap_or("failed"))
        ),
    };
    format!(
        "<-- {answer} {timing} · {} {}",
        sanitize_line(&webhook.event_type),
        sanitize_line(&webhook.event_id)
    )
}

/// The exit code and message for one delivery.
pub(super) fn verdict(
    delivery: &Delivery,
    expectations: &Expectations<'_>,
    scheme: Scheme,
) -> Option<CliError> {
    if expectations.given() {
        return expectations
            .check(delivery)
            .map(|message| CliError::new(exit::EXPECTATION_FAILED, message));
    }
    if delivery.is_success() {
        return None;
    }
    let attempts = delivery.attempts.len();
    let message = match (delivery.status(), &delivery.last().error) {
        (Some(status), _) => {
            format!("the receiver answered {status} (after {attempts} attempt(s))")
        }
        (None, error) => format!(
            "no answer after {attempts} attempt(s): {}",
            error.as_deref().unwrap_or("failed")
        ),
    };
    let error = CliError::failed(message);
    Some(match (delivery.status(), delivery.declined_retry_note()) {
        (_, Some(note)) => error.with_hint(note),
        // A receiver that checks signatures answers 401 to one it cannot verify.
        (Some(401), None) => error.with_hint(format!(
            "the receiver did not accept the signature: its secret or scheme probably differs from this one ({scheme}); pass the receiver's --secret and --scheme",
        )),
        _ => error,
    })
}
