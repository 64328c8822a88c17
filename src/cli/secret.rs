//! `hooky secret`'s arguments.

use clap::Args;

/// `hooky secret`: print (and rotate) the project's development secret in .hooky/secret.
#[derive(Debug, Args)]
#[command(
    after_help = "The development secret is what listen, send, sign, verify and replay --resign use when
no --secret, HOOKY_SECRET or --secret-file is given. It is the first .hooky/secret found walking
up from the current folder (never the home folder's unless you are in it), else ./.hooky/secret,
created 0600 by the first command that needs it.

Examples:
  hooky secret
  hooky secret --rotate      # a new secret; listen still accepts the old one
  hooky secret --drop-old    # the rotation is over: only the new one is accepted"
)]
pub struct DevSecretArgs {
    /// Make a new development secret; hooky listen still accepts the old one until --drop-old
    #[arg(long)]
    pub rotate: bool,

    /// Stop accepting the old secrets (with --rotate: replace the secret outright)
    #[arg(long)]
    pub drop_old: bool,
}
