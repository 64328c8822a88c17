//! send's settings step: the signer, resolved once from the flags and the fixture's default
//! scheme (which only the first render of the fixture tells).

use crate::cli::SendArgs;
use crate::exit::CliError;
use crate::output::Output;
use crate::signature::Scheme;
use crate::webhook::Signer;

/// The signer for `--scheme`, else the fixture's scheme, else hex; secrets (or a key-pair
/// scheme's private key) are read only when the scheme signs.
pub(super) fn signer(
    args: &SendArgs,
    fixture_scheme: Option<Scheme>,
    out: &Output,
) -> anyhow::Result<Signer> {
    let scheme = args.scheme.or(fixture_scheme).unwrap_or(Scheme::HEX);
    let secrets =
        super::super::resolve_signing_keys(scheme, &args.secrets, &args.private_key, out)?;
    Signer::new(scheme, secrets, &args.signature_header).map_err(|e| {
        CliError::usage(e.to_string())
            .with_hint("give the receiver's secret with --secret, HOOKY_SECRET or --secret-file, or --scheme none")
            .into()
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn signer_for(flags: &[&str], fixture_scheme: Option<Scheme>) -> anyhow::Result<Signer> {
        let argv = ["hooky", "--quiet", "send", "--to", "http://127.0.0.1:9/"];
        let cli = Cli::try_parse_from(argv.iter().chain(flags)).expect("clap accepts the flags");
        let out = cli.global.output();
        let Command::Send(args) = cli.command else {
            panic!("not a send command");
        };
        signer(&args, fixture_scheme, &out)
    }

    #[test]
    fn the_scheme_flag_wins_over_the_fixture() {
        let s = signer_for(
            &["--scheme", "github", "--secret", "s"],
            Some(Scheme::STRIPE),
        )
        .unwrap();
        assert_eq!(s.scheme, Scheme::GITHUB);
    }

    #[test]
    fn without_the_flag_the_fixture_scheme_then_hex() {
        let s = signer_for(&["--secret", "s"], Some(Scheme::STRIPE)).unwrap();
        assert_eq!(s.scheme, Scheme::STRIPE);
        let s = signer_for(&["--secret", "s"], None).unwrap();
        assert_eq!(s.scheme, Scheme::HEX);
    }

    #[test]
    fn scheme_none_reads_no_secret() {
        let s = signer_for(&["--scheme", "none", "--secret", "s"], Some(Scheme::STRIPE)).unwrap();
        assert_eq!(s.scheme, Scheme::NONE);
        assert!(s.secrets().is_empty());
    }
}
