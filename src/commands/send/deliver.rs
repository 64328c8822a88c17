//! One send: the webhook delivered with retries (re-signed each attempt), and reported.

use super::plan::Plan;
use super::report::report;
use super::report::sending_line;
use super::report::verdict;
use super::settings::Settings;
use crate::exit::{self, CliError};
use crate::outbound::delivery::{self, Delivery, RetryNotice, RetryOptions};
use crate::output::Output;
use crate::webhook::Webhook;

/// Delivers one webhook with retries, re-signing each attempt with a fresh timestamp.
pub(super) async fn deliver(
    client: &reqwest::Client,
    plan: &Plan,
    webhook: &Webhook,
    options: RetryOptions,
    on_retry: impl FnMut(RetryNotice<'_>),
) -> Delivery {
    delivery::deliver(
        client,
        options,
        |_attempt| webhook.signed(&plan.signer, plan.now()),
        rand::random::<f64>,
        on_retry,
    )
    .await
}

/// One event sent `repeat` times (the same id each time), each reported; the first unmet
/// expectation or failure decides the exit code.
pub(super) async fn run_single(
    plan: &Plan,
    settings: &Settings,
    repeat: u64,
    out: &Output,
) -> anyhow::Result<u8> {
    let client = delivery::client(1)?;
    let webhook = plan.build(1)?;
    let expectations = settings.expectations();
    let mut first_error: Option<CliError> = None;
    for _ in 0..repeat {
        out.info(&sending_line(plan, &webhook));
        let delivery = deliver(
            &client,
            plan,
            &webhook,
            settings.retry_options(),
            |notice| out.info(&notice.describe()),
        )
        .await;
        report(plan, &webhook, &delivery, out)?;
        if let Some(error) = verdict(&delivery, &expectations, plan.signer.scheme) {
            first_error.get_or_insert(error);
        }
    }
    match first_error {
        Some(error) => Err(error.into()),
        None => Ok(exit::OK),
    }
}
