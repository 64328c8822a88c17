//! `hooky keygen`: make (or keep) the project's development key pair for a key-pair scheme and
//! print its public key. The private key is written, never printed.

use crate::cli::KeygenArgs;
use crate::dev_keys;
use crate::exit;
use crate::output::Output;

pub fn run(args: KeygenArgs, out: &Output) -> anyhow::Result<u8> {
    let written = dev_keys::generate(args.scheme, args.force)?;
    let shown = |path: &std::path::Path| {
        let cwd = std::env::current_dir().unwrap_or_default();
        path.strip_prefix(&cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    if out.json {
        out.json(&serde_json::json!({
            "type": "key_pair",
            "scheme": args.scheme,
            "public_key": written.public,
            "public_key_path": shown(&written.public_path),
            "private_key_path": shown(&written.private_path),
            "created": written.created,
        }))?;
        return Ok(exit::OK);
    }
    out.data(&written.public)?;
    let state = if written.created {
        "created"
    } else {
        "kept the existing pair (--force replaces it)"
    };
    out.info(&format!(
        "{} development key pair {state}: private key {} (0600, never printed), public key {}",
        args.scheme,
        shown(&written.private_path),
        shown(&written.public_path),
    ));
    Ok(exit::OK)
}
