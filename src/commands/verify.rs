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
