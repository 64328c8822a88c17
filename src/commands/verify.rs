//! `hooky verify`: check a request's signature headers against its body, exit 0 only when valid.
//! The flags become [`settings::Settings`] first.

pub mod settings;

use crate::capture::VerdictRecord;
use crate::cli::VerifyArgs;
use crate::exit;
use crate::output::{Output, sanitize_line};
use crate::signature::Verdict;
use settings::Settings;

pub fn run(args: VerifyArgs, out: &Output) -> anyhow::Result<u8> {
    let settings = Settings::from_args(args, out, super::now_unix())?;
    let body = super::read_input(settings.file.as_deref())?;
    let verdict = settings.verify(&body);

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
