//! `send --dry-run` and `--curl`: the request printed, not sent.

use super::plan::Plan;
use super::record::Record;
use crate::exit;
use crate::output::{self, Output};

pub(super) fn print_request(plan: &Plan, curl: bool, out: &Output) -> anyhow::Result<u8> {
    let webhook = plan.build(1)?;
    let request = webhook.signed(&plan.signer, plan.now());
    let secrets = plan.secret_keys();
    if out.json {
        let headers = crate::secret::redact_headers(&request.headers, &secrets);
        out.json(&Record::Request {
            method: request.method.clone(),
            url: crate::secret::redact_query_tokens(request.url.as_str()).into_owned(),
            headers,
            body: String::from_utf8_lossy(&request.body).into_owned(),
            curl: curl.then(|| crate::outbound::request_format::curl_command(&request, &secrets)),
        })?;
    } else if curl {
        out.data(&crate::outbound::request_format::curl_command(
            &request, &secrets,
        ))?;
    } else {
        out.data(&output::sanitize(
            &crate::outbound::request_format::http_text(&request, &secrets),
        ))?;
    }
    Ok(exit::OK)
}
