//! `hooky sign`: print the headers that sign a body.

use rand::thread_rng;

use crate::cli::SignArgs;
use crate::exit::{self, CliError};
use crate::output::Output;
use crate::secret::as_keys;
use crate::signature::{self, Keys, SignedRequest};

pub fn run(args: SignArgs, out: &Output) -> anyhow::Result<u8> {
    let secrets = if args.scheme == signature::Scheme::NONE {
        Vec::new()
    } else {
        super::resolve_secrets(&args.secrets, out, super::DevUse::Sign)?.list
    };
    let body = super::read_input(args.file.as_deref())?;
    let timestamp = args.timestamp.unwrap_or_else(super::now_unix);
    let id = args
        .id
        .unwrap_or_else(|| crate::ids::prefixed_id("msg", &mut thread_rng()));
    let keys = as_keys(&secrets);
    let headers = signature::sign(
        args.scheme,
        Keys::new(&keys).with_hex_header(&args.signature_header),
        &SignedRequest::post(&[], &body),
        timestamp,
        &id,
    )
    .map_err(|e| CliError::usage(e.to_string()))?;

    if out.json {
        let map: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into()))
            .collect();
        out.json(&serde_json::json!({
            "type": "signature", "scheme": args.scheme, "headers": map,
        }))?;
    } else {
        for (name, value) in &headers {
            out.data(&format!("{name}: {value}"))?;
        }
    }
    Ok(exit::OK)
}
