//! Argument pieces several subcommands share: secrets, scheme selection, `Name: value` headers.

use std::path::PathBuf;

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::secret::{Secret, read_secret_file};
use crate::signature::Scheme;

/// Where secrets come from. Prefer `HOOKY_SECRET` or `--secret-file`: arguments are visible in `ps`.
#[derive(Debug, Args, Clone, Default)]
pub struct SecretArgs {
    /// Signing secret (repeat for rotation); also read from HOOKY_SECRET
    #[arg(
        long = "secret",
        value_name = "SECRET",
        env = "HOOKY_SECRET",
        hide_env_values = true
    )]
    pub secrets: Vec<Secret>,

    /// Read secrets from a file, one per line (repeatable)
    #[arg(long = "secret-file", value_name = "FILE")]
    pub secret_files: Vec<PathBuf>,
}

impl SecretArgs {
    /// All secrets given, in order: flags (or the environment) first, then files.
    pub fn load(&self) -> anyhow::Result<Vec<Secret>> {
        let mut secrets = self.secrets.clone();
        for path in &self.secret_files {
            secrets.extend(read_secret_file(path)?);
        }
        Ok(secrets)
    }
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
        let mut names = vec!["auto"];
        names.extend(Scheme::ALL.iter().map(|s| s.name()));
        PossibleValuesParser::new(names).map(|name| match name.as_str() {
            "auto" => SchemeSelection::Auto,
            other => SchemeSelection::Fixed(Scheme::from_name(other).expect("listed above")),
        })
    }
}

/// Parses `Name: value` into a header pair.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("invalid header {text:?}: write it as 'Name: value'"))?;
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        return Err(format!(
            "invalid header name {name:?}: letters, digits and - only, as in 'X-Event: value'"
        ));
    }
    if value.contains(['\r', '\n']) {
        return Err(format!(
            "invalid header {name}: the value holds a line break"
        ));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(parse_header("X-A: b c"), Ok(("X-A".into(), "b c".into())));
        assert_eq!(parse_header("X-A:"), Ok(("X-A".into(), "".into())));
        assert_eq!(parse_header("t: a:b"), Ok(("t".into(), "a:b".into())));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": v").is_err());
        assert!(parse_header("bad name: v").is_err());
    }
}
