//! `hooky verify`: check a request's signature headers against its body, exit 0 only when valid.

use crate::capture::VerdictRecord;
use crate::cli::{SchemeSelection, VerifyArgs};
use crate::exit;
use crate::output::{Output, sanitize_line};
use crate::secret::as_keys;
use crate::signature::{self, Keys, Verdict};

pub fn run(args: VerifyArgs, out: &Output) -> anyhow::Result<u8> {
    let secrets = if args.scheme == SchemeSelection::Fixed(signature::Scheme::None) {
        Vec::new()
    } else {
        super::resolve_secrets(&args.secrets, out, super::DevUse::Verify)?.list
    };
    let body = super::read_input(args.file.as_deref())?;
    let keys = as_keys(&secrets);
    let keys = Keys::new(&keys).with_hex_header(&args.signature_header);
    let now = args.now.unwrap_or_else(super::now_unix);
    let tolerance = args.tolerance.as_secs();
    let verdict = match args.scheme {
        SchemeSelection::Auto => signature::verify_auto(keys, &args.headers, &body, now, tolerance),
        SchemeSelection::Fixed(scheme) => {
            signature::verify(scheme, keys, &args.headers, &body, now, tolerance)
        }
    };

    if out.json {
        out.json(&Record::Verdict(VerdictRecord::from(&verdict)))?;
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

/// The line of `hooky verify --json` (`schema/verify.json`): the verdict as a capture keeps it.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Verdict(VerdictRecord),
}
