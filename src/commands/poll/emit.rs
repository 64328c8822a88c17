//! `--emit-webhook`: each change or item delivered as a signed webhook, and the delivery reported.

use rand::Rng;
use serde_json::Value;

use super::Poller;
use super::record::Record;
use super::settings;
use crate::outbound::backoff::BackoffPolicy;
use crate::outbound::delivery::{self, RetryOptions};
use crate::webhook::Webhook;

/// The webhook `--emit-webhook` sends for a body: its event id (given, found in the body, or a
/// fresh `msg_…`) and type, unsigned (each attempt signs it afresh).
fn emitted_webhook(
    emitter: &settings::Emitter,
    body: &[u8],
    json: Option<&Value>,
    id: Option<&str>,
) -> Webhook {
    let id = id
        .map(str::to_string)
        .or_else(|| crate::webhook::event::event_id(&[], json))
        .unwrap_or_else(|| crate::ids::prefixed_id("msg", &mut rand::thread_rng()));
    let content_type = if json.is_some() {
        "application/json"
    } else {
        "application/octet-stream"
    };
    Webhook {
        method: "POST".into(),
        url: emitter.url.clone(),
        headers: vec![("Content-Type".into(), content_type.into())],
        user_headers: Vec::new(),
        body: body.to_vec(),
        event_id: id,
        event_type: crate::webhook::event::event_type(&[], json).unwrap_or_default(),
    }
}

impl Poller<'_> {
    /// Delivers a body to --emit-webhook, signed, with send's delivery and retries.
    pub(super) async fn emit(
        &self,
        body: &[u8],
        json: Option<&Value>,
        id: Option<&str>,
    ) -> anyhow::Result<()> {
        let Some(emitter) = &self.settings.emitter else {
            return Ok(());
        };
        let webhook = emitted_webhook(emitter, body, json, id);
        // Every attempt is signed afresh: timestamped schemes get the time of that attempt.
        let build = |_attempt: u32| webhook.signed(&emitter.signer, crate::commands::now_unix());
        let policy = BackoffPolicy {
            jitter: self.settings.pacing.backoff.jitter,
            ..BackoffPolicy::default()
        };
        let options = RetryOptions {
            policy,
            max_response: self.settings.max_response,
            ..RetryOptions::default()
        };
        let out = self.out;
        let delivered = delivery::deliver(
            &self.emit_client,
            options,
            build,
            || rand::thread_rng().r#gen(),
            |notice| {
                out.info(&format!(
                    "webhook to {}: {}",
                    emitter.url,
                    notice.describe()
                ))
            },
        )
        .await;
        self.report_delivery(emitter, &webhook.event_id, &delivered)
    }

    /// The `delivery` record, and a warning when the webhook did not get through.
    pub(super) fn report_delivery(
        &self,
        emitter: &settings::Emitter,
        id: &str,
        delivered: &delivery::Delivery,
    ) -> anyhow::Result<()> {
        let status = delivered.status();
        if self.out.json {
            self.out.json(&Record::Delivery {
                url: emitter.url.as_str(),
                id,
                status,
                attempts: delivered.attempts.len(),
                ok: delivered.is_success(),
                error: delivered.last().error.as_deref(),
            })?;
        }
        if !delivered.is_success() {
            let mut what = status
                .map(|s| format!("answered {s}"))
                .or(delivered.last().error.clone())
                .unwrap_or_default();
            if let Some(note) = delivered.declined_retry_note() {
                what.push_str(&format!("; {note}"));
            }
            self.out.warn(&format!(
                "webhook {id} to {} failed after {} attempt(s): {what}",
                emitter.url,
                delivered.attempts.len()
            ));
        } else if self.out.verbose > 0 {
            self.out
                .info(&format!("webhook {id} delivered to {}", emitter.url));
        }
        Ok(())
    }
}
