//! replay's flags made into what the rest reads: the [`Selection`], the [`PlanOptions`] (with the
//! private keys `--resign` may need), and the check that every secret suits the re-signing scheme.

use crate::capture::replay_plan::{Edit, PlanOptions};
use crate::capture::selection::Selection;
use crate::cli::{ReplayArgs, SchemeSelection, SelectArgs};
use crate::exit::CliError;
use crate::secret::Secret;

/// Every secret given must suit the scheme replays are re-signed with (`--scheme`).
pub(super) fn check_resign_secrets(
    options: &PlanOptions,
    resign: bool,
    keys: &[&[u8]],
) -> anyhow::Result<()> {
    // A key-pair scheme's private key is checked when signing; the secrets go unused.
    let secret_scheme = options
        .scheme
        .filter(|s| s.provider().key != crate::signature::KeyKind::KeyPair);
    let Some(scheme) = secret_scheme.filter(|_| resign) else {
        return Ok(());
    };
    for (index, secret) in keys.iter().enumerate() {
        scheme.check_secret(secret).map_err(|reason| {
            CliError::usage(format!(
                "secret #{} cannot be used with the {scheme} scheme: {reason}",
                index + 1
            ))
        })?;
    }
    Ok(())
}

pub(super) fn selection(args: &SelectArgs) -> Selection {
    Selection {
        seqs: args.seqs.clone(),
        last: args.last,
        event: args.event.clone(),
        since: args.since,
        path: args.path.clone(),
        verdict: args.verdict.map(|v| v.name().to_string()),
        all: args.all,
    }
}

pub(super) fn plan_options(args: &ReplayArgs, has_secret: bool) -> anyhow::Result<PlanOptions> {
    if args.resign && !has_secret {
        return Err(CliError::usage("--resign needs the signing secret")
            .with_hint("pass --secret, set HOOKY_SECRET, or use --secret-file")
            .into());
    }
    let mut edits: Vec<Edit> = args
        .set
        .iter()
        .map(|(p, v)| Edit::Set(p.clone(), v.clone()))
        .collect();
    for path in &args.unset {
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(CliError::usage(format!(
                "invalid --unset path {path:?}: use dot-separated keys, such as data.amount"
            ))
            .into());
        }
        edits.push(Edit::Unset(path.clone()));
    }
    if let Some(to) = &args.to {
        crate::outbound::delivery::http_url(to, "--to")?;
    }
    Ok(PlanOptions {
        to: args.to.clone(),
        exact_url: args.exact_url,
        preserve_host: args.preserve_host,
        resign: args.resign,
        scheme: match args.scheme {
            SchemeSelection::Auto => None,
            SchemeSelection::Fixed(scheme) => Some(scheme),
        },
        hex_header: args.signature_header.clone(),
        new_id: args.new_id,
        rewrite_body_id: args.rewrite_body_id,
        edits,
        has_secret,
        tolerance_secs: args.tolerance.map(|t| t.as_secs()),
        private_keys: Vec::new(),
    })
}

/// The private keys `--resign` may need: `--private-key`, then the development key of every
/// key-pair scheme that has one (a capture of each scheme signs with the first of its kind).
pub(super) fn private_keys(args: &ReplayArgs) -> anyhow::Result<Vec<Secret>> {
    let mut keys = Vec::new();
    if let Some(path) = &args.private_key.private_key {
        keys.push(crate::dev_keys::read_private_file(path)?);
    }
    for scheme in crate::signature::key_pair::schemes() {
        keys.extend(crate::dev_keys::private_key(scheme)?);
    }
    Ok(keys)
}
