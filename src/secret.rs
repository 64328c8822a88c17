//! Secrets: a newtype that never shows its value in `Debug` or `Display`, and the loading of secrets
//! from `--secret`, `HOOKY_SECRET` and `--secret-file`.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use anyhow::Context;

use crate::exit::CliError;

/// A secret key or token. Its value is only reachable through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl FromStr for Secret {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.is_empty() {
            return Err("the secret is empty".into());
        }
        Ok(Secret(value.to_string()))
    }
}

/// Reads secrets from a file: one per non-empty line, surrounding whitespace trimmed.
pub fn read_secret_file(path: &Path) -> anyhow::Result<Vec<Secret>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the secret file {}", path.display()))?;
    let secrets: Vec<Secret> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(Secret::new)
        .collect();
    if secrets.is_empty() {
        return Err(CliError::usage(format!(
            "the secret file {} holds no secret",
            path.display()
        ))
        .into());
    }
    Ok(secrets)
}

/// The secrets as byte slices, the form the signature core takes.
pub fn as_keys(secrets: &[Secret]) -> Vec<&[u8]> {
    secrets.iter().map(Secret::expose).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_its_value() {
        let secret: Secret = "hunter2".parse().unwrap();
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Secret(redacted) (redacted)"
        );
        assert_eq!(secret.expose(), b"hunter2");
        assert!("".parse::<Secret>().is_err());
    }

    #[test]
    fn files_hold_one_secret_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "first\r\n\n  second  \n").unwrap();
        let secrets = read_secret_file(&path).unwrap();
        assert_eq!(as_keys(&secrets), vec![&b"first"[..], b"second"]);
        std::fs::write(&path, "\n").unwrap();
        assert!(
            read_secret_file(&path)
                .unwrap_err()
                .to_string()
                .contains("holds no secret")
        );
        assert!(read_secret_file(&dir.path().join("missing")).is_err());
    }
}
