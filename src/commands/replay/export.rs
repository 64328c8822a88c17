//! `replay --export`: the selection written as curl commands, raw HTTP or JSON, as it would go out.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::show::redacted;
use crate::capture::CaptureRecord;
use crate::capture::replay_plan::{self, PlanOptions};
use crate::cli::ExportFormat;
use crate::exit;
use crate::output::Output;
use crate::secret::as_keys;
use crate::signature::Keys;

pub(super) fn export(
    format: ExportFormat,
    chosen: &[&CaptureRecord],
    options: &PlanOptions,
    seed: u64,
    keys: &[&[u8]],
    out: &Output,
) -> anyhow::Result<u8> {
    let redacted: Vec<CaptureRecord> = chosen.iter().map(|r| redacted(r, keys)).collect();
    match format {
        ExportFormat::Jsonl => {
            let mut text = String::new();
            for record in &redacted {
                text.push_str(&record.to_line());
            }
            print!("{text}");
        }
        ExportFormat::Har => {
            let refs: Vec<&CaptureRecord> = redacted.iter().collect();
            let har =
                crate::capture::har::write(&refs, options.to.as_deref(), env!("CARGO_PKG_VERSION"));
            out.data(&serde_json::to_string_pretty(&har)?)?;
        }
        ExportFormat::Curl => return export_curl(chosen, options, seed, keys, out),
    }
    std::io::Write::flush(&mut std::io::stdout())?;
    Ok(exit::OK)
}

/// `--export curl`: a curl command per capture, as it would go out (re-signed with `--resign`);
/// a capture that cannot go out is warned about and fails the export.
fn export_curl(
    chosen: &[&CaptureRecord],
    options: &PlanOptions,
    seed: u64,
    keys: &[&[u8]],
    out: &Output,
) -> anyhow::Result<u8> {
    let now = crate::commands::now_unix();
    let mut failed = false;
    for record in chosen {
        let request = replay_plan::prepare(record, options, now, &mut StdRng::seed_from_u64(seed))
            .and_then(|p| {
                p.outgoing(
                    Keys::new(keys)
                        .with_private_keys(&as_keys(&options.private_keys))
                        .with_hex_header(&options.hex_header),
                    now,
                )
                .map(|request| (request, p.exact_url().to_string()))
                .map_err(|e| format!("capture #{}: {e}", record.seq))
            });
        match request {
            Ok((request, url)) => {
                out.data(&format!("# capture #{}", record.seq))?;
                out.data(&crate::outbound::request_format::curl_command_to(
                    &request, &url, keys,
                ))?;
            }
            Err(error) => {
                out.warn(&error);
                failed = true;
            }
        }
    }
    if options.resign {
        out.info("note: re-signed curl commands carry a timestamp; time-checked receivers accept them for a few minutes only");
    }
    Ok(if failed { exit::FAILURE } else { exit::OK })
}
