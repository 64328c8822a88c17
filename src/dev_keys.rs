//! The project's development key pairs for the key-pair schemes (`discord`, `sendgrid`), in
//! `.hooky/keys/`: `<scheme>.key` (the private key, PKCS#8 PEM, 0600) and `<scheme>.pub` (the
//! public key in the provider's format). `hooky keygen` writes them; `send`, `sign` and `replay
//! --resign` sign with the private key and `listen` and `verify` verify with the public one when no
//! key is given, so `hooky keygen --scheme discord; hooky listen; hooky send discord/…` agree.
//!
//! The folder is the `.hooky` of [`dev_secret`](crate::dev_secret) (found walking up), and every
//! file goes through `private_fs`: the folder 0700, no link followed, reads bounded.

use std::io;
use std::path::{Path, PathBuf};

use crate::exit::CliError;
use crate::private_fs;
use crate::secret::Secret;
use crate::signature::Scheme;
use crate::signature::key_pair::{self, KeyPair};

/// The key folder's name inside `.hooky`.
pub const KEYS_DIR: &str = "keys";
/// A key file larger than this is not one hooky (or openssl) wrote.
const MAX_KEY_BYTES: u64 = 16 * 1024;

/// The key folder of the project around the current folder.
pub fn keys_dir() -> anyhow::Result<PathBuf> {
    let secret = crate::dev_secret::locate()?;
    Ok(secret
        .parent()
        .expect("the secret file is inside .hooky")
        .join(KEYS_DIR))
}

fn private_path(dir: &Path, scheme: Scheme) -> PathBuf {
    dir.join(format!("{}.key", scheme.name()))
}

fn public_path(dir: &Path, scheme: Scheme) -> PathBuf {
    dir.join(format!("{}.pub", scheme.name()))
}

/// What `hooky keygen` did.
pub struct Written {
    pub private_path: PathBuf,
    pub public_path: PathBuf,
    pub public: String,
    /// False when a key pair was already there and kept.
    pub created: bool,
}

/// Writes a new development key pair for `scheme`, unless one exists and `replace` is false (then
/// the existing one is kept and its public key returned).
pub fn generate(scheme: Scheme, replace: bool) -> anyhow::Result<Written> {
    let dir = keys_dir()?;
    let (private_path, public_path) = (private_path(&dir, scheme), public_path(&dir, scheme));
    let existing = if replace {
        None
    } else {
        read_if_exists(&private_path)?
    };
    if let Some(private) = existing {
        let public = key_pair::public_of(scheme, private.expose())
            .map_err(|reason| refused(&private_path, &io::Error::other(reason)))?;
        return Ok(Written {
            private_path,
            public_path,
            public,
            created: false,
        });
    }
    let KeyPair {
        private_pem,
        public,
    } = key_pair::generate(scheme, &mut rand::rngs::OsRng)
        .ok_or_else(|| CliError::usage(format!("the {scheme} scheme uses no key pair")))?;
    private_fs::private_dir(&dir).map_err(|e| refused(&dir, &e))?;
    // The private key first: a public key on disk always has its private key beside it.
    private_fs::write_atomic(&private_path, private_pem.as_bytes())
        .map_err(|e| refused(&private_path, &e))?;
    private_fs::write_atomic(&public_path, format!("{public}\n").as_bytes())
        .map_err(|e| refused(&public_path, &e))?;
    Ok(Written {
        private_path,
        public_path,
        public,
        created: true,
    })
}

/// The development private key of `scheme`, if `hooky keygen` made one.
pub fn private_key(scheme: Scheme) -> anyhow::Result<Option<Secret>> {
    read_if_exists(&private_path(&keys_dir()?, scheme))
}

/// The development public keys of every key-pair scheme that has one, for `listen` and `verify`.
pub fn public_keys() -> anyhow::Result<Vec<Secret>> {
    let dir = keys_dir()?;
    let mut keys = Vec::new();
    for scheme in key_pair::schemes() {
        keys.extend(read_if_exists(&public_path(&dir, scheme))?);
    }
    Ok(keys)
}

/// A `--private-key FILE`: read as the development key is (bounded, no link followed).
pub fn read_private_file(path: &Path) -> anyhow::Result<Secret> {
    read(path).map_err(|e| {
        CliError::usage(format!(
            "cannot read the --private-key file {}: {e}",
            path.display()
        ))
        .into()
    })
}

/// A `--public-key KEY|@FILE` value: the key's text.
pub fn read_public_spec(spec: &str) -> anyhow::Result<Secret> {
    match spec.strip_prefix('@') {
        Some(path) => read(Path::new(path)).map_err(|e| {
            CliError::usage(format!("cannot read the --public-key file {path}: {e}")).into()
        }),
        None if spec.trim().is_empty() => Err(CliError::usage("--public-key is empty")
            .with_hint("give the provider's public key, or @FILE")
            .into()),
        None => Ok(Secret::new(spec.trim())),
    }
}

fn read_if_exists(path: &Path) -> anyhow::Result<Option<Secret>> {
    match read(path) {
        Ok(key) => Ok(Some(key)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(refused(path, &e)),
    }
}

fn read(path: &Path) -> io::Result<Secret> {
    let bytes = private_fs::read_limited(path, MAX_KEY_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|_| io::Error::other("it is not text"))?;
    if text.trim().is_empty() {
        return Err(io::Error::other("it is empty"));
    }
    Ok(Secret::new(text.trim()))
}

fn refused(path: &Path, error: &io::Error) -> anyhow::Error {
    CliError::failed(format!(
        "cannot use the development key {}: {error}",
        path.display()
    ))
    .with_hint("run `hooky keygen --scheme SCHEME --force` to make a new pair, or fix the file")
    .into()
}
