//! `hooky verify`: check a request's signature headers against its body, exit 0 only when valid.

use crate::capture::VerdictRecord;
use crate::cli::{SchemeSelection, VerifyArgs};
use crate::exit;
use crate::output::{Output, sanitize_line};
use crate::secret::as_keys;
use crate::signature::{self, Keys, SignedRequest, Verdict};

pub fn run(args: VerifyArgs, out: &Output) -> anyhow::Result<u8> {
    let secrets = if args.scheme == SchemeSelection::Fixed(signature::Scheme::NONE) {
        Vec::new()
    } else {
        super::resolve_secrets(&args.secrets, out, super::DevUse::Verify)?.list
    };
    let body = super::read_input(args.file.as_deref())?;
    let keys = as_keys(&secrets);
    let keys = Keys::new(&keys).with_hex_header(&args.signature_header);
    let now = args.now.unwrap_or_else(super::now_unix);
    let tolerance = Some(args.tolerance.as_secs());
    let request = SignedRequest::post(&args.headers, &body);
    let verdict = match args.scheme {
        SchemeSelection::Auto => signature::verify_auto(keys, &request, now, tolerance),
        SchemeSelection::Fixed(scheme) => signature::verify(scheme, keys, &request, now, tolerance),
    };

    if out.json {
        let mut record = serde_json::to_value(VerdictRecord::from(&verdict))?;
        record["type"] = "verdict".into();
        out.json(&record)?;
    } else {
        let text = sanitize_line(&verdict.to_string());
        let (kind, rest) = text.split_once(' ').unwrap_or((&text, ""));
        out.data(&format!("{} {rest}", out.paint.verdict(kind)))?;
        if matches!(verdict, Verdict::Unsigned) {
            out.info("hint: pass --scheme to say which scheme the request should carry");
        }
    }
    Ok(if verdict.is_valid() {
        exit::OK
    } else {
        exit::VERIFY_FAILED
    })
}
