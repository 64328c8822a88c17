//! Argument pieces several subcommands share: secrets, scheme selection, `Name: value` headers.

use std::path::PathBuf;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

use crate::exit::CliError;
use crate::secret::{Secret, read_secret_file};
use crate::signature::Scheme;

/// The environment variable a secret is read from when `--secret` is not given.
pub const SECRET_ENV: &str = "HOOKY_SECRET";

/// Where secrets come from. Prefer `HOOKY_SECRET` or `--secret-file`: arguments are visible in `ps`.
/// `HOOKY_SECRET` is read by [`SecretArgs::given`], not by clap, so that hooky knows which of the
/// two the secret came from (a user's secret is never shown, only where it came from).
#[derive(Debug, Args, Clone, Default)]
pub struct SecretArgs {
    /// Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`.
    /// Without any, the project's development secret in .hooky/secret (see `hooky secret`)
    #[arg(long = "secret", value_name = "SECRET")]
    pub secrets: Vec<Secret>,

    /// Read secrets from a file, one per line (repeatable)
    #[arg(long = "secret-file", value_name = "FILE")]
    pub secret_files: Vec<PathBuf>,
}

/// Secrets the user gave, and where they came from (`--secret`, `HOOKY_SECRET`, a file's path).
pub struct GivenSecrets {
    pub secrets: Vec<Secret>,
    pub source: String,
    /// Whether some came from `--secret` on the command line (visible in `ps`).
    pub on_command_line: bool,
}

impl SecretArgs {
    /// The secrets the user gave, in order: `--secret` (else `HOOKY_SECRET`) first, then files;
    /// `None` when none was given.
    pub fn given(&self) -> anyhow::Result<Option<GivenSecrets>> {
        let mut secrets = self.secrets.clone();
        let mut sources = Vec::new();
        if !secrets.is_empty() {
            sources.push("--secret".to_string());
        } else if let Some(value) = std::env::var_os(SECRET_ENV) {
            let value = value.into_string().map_err(|_| {
                CliError::usage(format!("{SECRET_ENV} is not UTF-8 text"))
                    .with_hint(format!("give the secret as text, or unset {SECRET_ENV}"))
            })?;
            if value.is_empty() {
                return Err(CliError::usage(format!("{SECRET_ENV} is set but empty"))
                    .with_hint(format!(
                        "give it a value, or `unset {SECRET_ENV}` to use the development secret"
                    ))
                    .into());
            }
            secrets.push(Secret::new(value));
            sources.push(SECRET_ENV.to_string());
        }
        for path in &self.secret_files {
            secrets.extend(read_secret_file(path)?);
            sources.push(path.display().to_string());
        }
        Ok((!secrets.is_empty()).then(|| GivenSecrets {
            secrets,
            source: sources.join(" and "),
            on_command_line: !self.secrets.is_empty(),
        }))
    }

    /// The secrets the user gave, or none (for commands without a development secret).
    pub fn load(&self) -> anyhow::Result<Vec<Secret>> {
        Ok(self.given()?.map(|g| g.secrets).unwrap_or_default())
    }
}

/// The private key the key-pair schemes (`discord`, `sendgrid`) sign with.
#[derive(Debug, Args, Clone, Default)]
pub struct PrivateKeyArgs {
    /// Private key for the key-pair schemes (discord, sendgrid): a PKCS#8 PEM file. Without it,
    /// the development key of `hooky keygen` in .hooky/keys/
    #[arg(long = "private-key", value_name = "FILE")]
    pub private_key: Option<PathBuf>,
}

/// The public keys the key-pair schemes verify with.
#[derive(Debug, Args, Clone, Default)]
pub struct PublicKeyArgs {
    /// Public key for the key-pair schemes, as the provider shows it (discord: hex; sendgrid:
    /// base64), or @FILE (repeatable). Without one, the development keys in .hooky/keys/
    #[arg(long = "public-key", value_name = "KEY|@FILE")]
    pub public_keys: Vec<String>,
}

/// `--scheme auto` (recognise it from the headers) or one scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeSelection {
    Auto,
    Fixed(Scheme),
}

impl SchemeSelection {
    /// A clap value parser for `auto` plus every scheme name (so completions list them).
    pub fn parser() -> impl TypedValueParser<Value = SchemeSelection> {
        let auto = PossibleValue::new("auto").help("Recognise the scheme from the request");
        PossibleValuesParser::new(std::iter::once(auto).chain(scheme_values())).map(|name| {
            match name.as_str() {
                "auto" => SchemeSelection::Auto,
                other => SchemeSelection::Fixed(scheme_named(other)),
            }
        })
    }
}

/// Every scheme of the registry as a `--scheme` value, with its aliases and summary.
fn scheme_values() -> impl Iterator<Item = PossibleValue> {
    Scheme::all().map(|scheme| {
        let provider = scheme.provider();
        PossibleValue::new(provider.name)
            .aliases(provider.aliases.iter().copied())
            .help(provider.summary)
    })
}

/// The scheme a name clap has already matched against the registry denotes.
fn scheme_named(name: &str) -> Scheme {
    Scheme::from_name(name).expect("clap only passes names of the registry")
}

/// A clap value parser for one scheme of the registry (its name or an alias).
pub fn scheme_parser() -> impl TypedValueParser<Value = Scheme> {
    PossibleValuesParser::new(scheme_values()).map(|name| scheme_named(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_values_come_from_the_registry_and_aliases_resolve() {
        let command = clap::Command::new("t").arg(
            clap::Arg::new("scheme")
                .long("scheme")
                .value_parser(scheme_parser()),
        );
        for scheme in Scheme::all() {
            let names =
                std::iter::once(scheme.name()).chain(scheme.provider().aliases.iter().copied());
            for name in names {
                let matches = command
                    .clone()
                    .try_get_matches_from(["t", "--scheme", name])
                    .unwrap();
                assert_eq!(matches.get_one::<Scheme>("scheme"), Some(&scheme), "{name}");
            }
        }
        assert!(
            command
                .try_get_matches_from(["t", "--scheme", "nope"])
                .is_err()
        );
    }

    #[test]
    fn the_header_name_rule_is_the_one_http_uses() {
        for byte in 0..128u8 {
            let name = format!("X{}", byte as char);
            assert_eq!(
                crate::http_headers::is_token(&name),
                hyper::header::HeaderName::from_bytes(name.as_bytes()).is_ok(),
                "{name:?}"
            );
        }
    }
}
