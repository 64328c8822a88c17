//! `replay --dry-run`: each replay planned and printed, nothing sent.

use std::sync::Arc;

use super::jobs;
use super::jobs::{Context, Preparer};
use super::record::Record;
use super::show::body_text;
use super::show::print_head;
use crate::capture::sha256_hex;
use crate::exit::CliError;
use crate::outbound::delivery::Outgoing;
use crate::output::Output;
use crate::secret::as_keys;
use crate::signature::Keys;

/// `--dry-run`: each request as it would go out, secrets redacted. Returns how many captures could
/// not go out.
pub(super) fn dry_run(
    source: jobs::Source,
    context: Arc<Context>,
    out: &Output,
) -> anyhow::Result<u64> {
    let mut preparer = Preparer::new(context.clone(), out);
    let secrets = as_keys(&context.secrets);
    let private = as_keys(&context.options.private_keys);
    let keys = Keys::new(&secrets)
        .with_private_keys(&private)
        .with_hex_header(&context.options.hex_header);
    let mut shown = 0u64;
    for item in source {
        let (record, round) = item?;
        let Some((_, job)) = preparer.prepare(&record, round)? else {
            continue;
        };
        let mut request = job
            .prepared
            .outgoing(keys, crate::commands::now_unix())
            .map_err(|e| CliError::failed(e.to_string()))?;
        request.headers = crate::secret::redact_headers(&request.headers, &secrets);
        print_dry_run(&job, &request, out)?;
        shown += 1;
    }
    out.info(&format!("dry run: {shown} request(s) shown, nothing sent"));
    Ok(preparer.broken)
}

fn print_dry_run(job: &jobs::Job, request: &Outgoing, out: &Output) -> anyhow::Result<()> {
    let (seq, round, resigned) = (job.prepared.seq, job.round, job.prepared.signing.is_some());
    if out.json {
        let (body, encoding) = crate::capture::encode_body(&request.body);
        out.json(&Record::Request {
            seq,
            round,
            method: &request.method,
            url: request.url.as_str(),
            headers: &request.headers,
            body,
            body_encoding: encoding,
            body_size: request.body.len(),
            body_sha256: sha256_hex(&request.body),
            resigned,
        })?;
        return Ok(());
    }
    let resigned = if resigned { ", re-signed now" } else { "" };
    out.data(
        &out.paint
            .dim(&format!("# capture #{seq} (round {round}){resigned}")),
    )?;
    print_head(out, &request.method, request.url.as_str(), &request.headers)?;
    if !request.body.is_empty() {
        out.data(&body_text(&request.body, out))?;
    }
    out.data("")?;
    Ok(())
}
