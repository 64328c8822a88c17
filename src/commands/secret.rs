//! `hooky secret`: print the project's development secret, creating it if needed; rotate it.

use crate::cli::DevSecretArgs;
use crate::dev_secret;
use crate::exit;
use crate::output::Output;

pub fn run(args: DevSecretArgs, out: &Output) -> anyhow::Result<u8> {
    let dev = match (args.rotate, args.drop_old) {
        (true, drop_old) => dev_secret::rotate(drop_old)?,
        (false, true) => dev_secret::drop_old()?,
        (false, false) => dev_secret::find_or_create()?,
    };
    let current = String::from_utf8_lossy(dev.current().expose()).into_owned();
    let old = dev.secrets.len() - 1;
    if out.json {
        out.json(&Record::Secret {
            secret: &current,
            path: dev.shown_path(),
            old_secrets: old,
        })?;
        return Ok(exit::OK);
    }
    out.data(&current)?;
    let state = if dev.created {
        "created just now"
    } else if args.rotate {
        "rotated"
    } else {
        "development secret"
    };
    let mut note = format!("{state}: {}", dev.shown_path());
    if old > 0 {
        note.push_str(&format!(
            "; hooky listen still accepts {old} old one(s) until `hooky secret --drop-old`"
        ));
    }
    out.info(&note);
    Ok(exit::OK)
}

/// The line of `hooky secret --json` (`schema/secret.json`).
#[derive(Debug, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record<'a> {
    Secret {
        /// The development secret in use (a development secret, printed on purpose).
        secret: &'a str,
        /// Where it is kept.
        path: String,
        /// Older secrets `listen` still accepts, until `--drop-old`.
        old_secrets: usize,
    },
}
