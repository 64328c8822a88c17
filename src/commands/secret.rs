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
        out.json(&serde_json::json!({
            "type": "secret", "secret": current, "path": dev.shown_path(), "old_secrets": old,
        }))?;
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
