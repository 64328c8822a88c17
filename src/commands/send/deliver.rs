//! One send: the webhook delivered with retries (re-signed each attempt), and reported.

use super::plan::Plan;
use super::report::Expectations;
use super::report::report;
use super::report::sending_line;
use super::report::verdict;
use crate::cli::SendArgs;
use crate::exit::{self, CliError};
use crate::outbound::delivery::{self, Delivery, RetryNotice, RetryOptions};
use crate::output::Output;
use crate::webhook::Webhook;

pub(super) fn retry_options(args: &SendArgs) -> RetryOptions {
    RetryOptions {
        retries: if args.no_retry { 0 } else { args.retries },
        timeout: args.timeout,
        max_response: args.max_response,
        ..RetryOptions::default()
    }
}

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

pub(super) async fn run_single(plan: &Plan, args: &SendArgs, out: &Output) -> anyhow::Result<u8> {
    let client = delivery::client(1)?;
    let webhook = plan.build(1)?;
    let expectations = Expectations {
        status: args.expect_status,
        body: &args.expect_body,
    };
    let mut first_error: Option<CliError> = None;
    for _ in 0..args.repeat {
        out.info(&sending_line(plan, &webhook));
        let delivery = deliver(&client, plan, &webhook, retry_options(args), |notice| {
            out.info(&notice.describe())
        })
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
