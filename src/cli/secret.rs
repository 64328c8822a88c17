//! `hooky secret`'s arguments.

use clap::Args;
use clap::builder::TypedValueParser;

use crate::signature::Scheme;

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

/// `hooky keygen`: make a development key pair for a key-pair scheme, in .hooky/keys/.
#[derive(Debug, Args)]
#[command(
    after_help = "Discord and SendGrid sign with a private key only they hold; hooky plays them with a
development key pair: the private key goes to .hooky/keys/<scheme>.key (0600, never printed) and
the public key, printed in the provider's format, to .hooky/keys/<scheme>.pub. send, sign and
replay --resign sign with the private key when no --private-key is given; listen and verify check
with the public key when no --public-key is given. An existing pair is kept (--force replaces it).

Examples:
  hooky keygen --scheme discord
  hooky keygen --scheme sendgrid --json"
)]
pub struct KeygenArgs {
    /// The key-pair scheme
    #[arg(long, value_parser = key_pair_scheme_parser())]
    pub scheme: Scheme,

    /// Replace an existing development key pair
    #[arg(long)]
    pub force: bool,
}

/// The key-pair schemes of the registry as `--scheme` values.
fn key_pair_scheme_parser() -> impl TypedValueParser<Value = Scheme> {
    let names: Vec<&'static str> = crate::signature::key_pair::schemes()
        .map(Scheme::name)
        .collect();
    clap::builder::PossibleValuesParser::new(names)
        .map(|name: String| Scheme::from_name(&name).expect("clap only passes registry names"))
}
