//! The project's development secret, in `.hooky/secret`: what `listen`, `send`, `sign`, `verify`
//! and `replay --resign` use when no secret is given, so `hooky listen` and `hooky send` agree with
//! no flags at all (as `stripe listen` and `stripe trigger` do).
//!
//! Where it lives: the first `.hooky/secret` found walking up from the current folder (like git
//! finds `.git`), so a second terminal in a subfolder finds it. The walk never looks in the home
//! folder or above it (unless the current folder is the home folder itself): a secret left in `~`
//! must not become every project's. When none is found, it is created in `./.hooky/secret`. A
//! `.hooky` on the way that is a link stops the walk and is refused.
//!
//! The file holds one secret per line: the current one first (the one `send` signs with), then
//! the old ones `listen` still accepts during a rotation. The file is read and written through
//! `private_fs`: new folders 0700, the file 0600, a `.hooky` or a secret file that is a link (or a
//! `.hooky` of another user) refused, never followed.

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use rand::RngCore;

use crate::exit::CliError;
use crate::private_fs::{self, HOOKY_DIR};
use crate::secret::Secret;

/// The development secret's file name inside [`HOOKY_DIR`].
pub const SECRET_FILE: &str = "secret";
/// Every development secret starts with this, as Standard Webhooks and Stripe secrets do.
pub const PREFIX: &str = "whsec_";
/// A secret file larger than this is not one hooky wrote.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The development secrets of a project, current first.
pub struct DevSecret {
    pub path: PathBuf,
    pub secrets: Vec<Secret>,
    /// Whether this run created the file.
    pub created: bool,
}

impl DevSecret {
    /// The secret `send` and `sign` sign with.
    pub fn current(&self) -> &Secret {
        &self.secrets[0]
    }

    /// The file's path as people should read it: relative when it is in the current folder.
    pub fn shown_path(&self) -> String {
        shown(&self.path)
    }
}

/// A new development secret: `whsec_` and 32 random bytes in base64, usable by every scheme
/// (Standard Webhooks reads the base64 key; the others use the text as it is).
pub fn generate(rng: &mut dyn RngCore) -> String {
    let mut key = [0u8; 32];
    rng.fill_bytes(&mut key);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The `.hooky` folder a command in `cwd` uses: the first one holding a secret (or development
/// keys) walking up,
/// stopping below `home`; else `cwd/.hooky`. Pure but for the existence checks.
pub fn project_dir(cwd: &Path, home: Option<&Path>) -> PathBuf {
    let mut folder = Some(cwd);
    while let Some(dir) = folder {
        if dir != cwd && home.is_some_and(|home| dir == home) {
            break;
        }
        let candidate = dir.join(HOOKY_DIR);
        let is_link = std::fs::symlink_metadata(&candidate)
            .is_ok_and(|metadata| metadata.file_type().is_symlink());
        // A link is returned so that it is refused rather than followed or skipped.
        let holds = |name: &str| std::fs::symlink_metadata(candidate.join(name)).is_ok();
        // Development key pairs (`hooky keygen`) mark a project as the secret does.
        if is_link || holds(SECRET_FILE) || holds(crate::dev_keys::KEYS_DIR) {
            return candidate;
        }
        folder = dir.parent();
    }
    cwd.join(HOOKY_DIR)
}

/// The secret file of the project around the current folder.
pub fn locate() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::failed(format!("cannot read the current folder: {e}")))?;
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    Ok(project_dir(&cwd, home.as_deref()).join(SECRET_FILE))
}

/// The project's development secret, created (with its `.hooky` folder) when there is none yet.
pub fn find_or_create() -> anyhow::Result<DevSecret> {
    let path = locate()?;
    match read(&path) {
        Ok(secrets) => Ok(DevSecret {
            path,
            secrets,
            created: false,
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => create(&path),
        Err(error) => Err(refused(&path, &error)),
    }
}

/// Writes a new current secret; the old ones stay accepted unless `drop_old`.
pub fn rotate(drop_old: bool) -> anyhow::Result<DevSecret> {
    let existing = find_or_create()?;
    let mut secrets = vec![Secret::new(generate(&mut rand::rngs::OsRng))];
    if !drop_old {
        secrets.extend(existing.secrets);
    }
    replace(&existing.path, &secrets)?;
    Ok(DevSecret {
        path: existing.path,
        secrets,
        created: false,
    })
}

/// Keeps only the current secret: the end of a rotation.
pub fn drop_old() -> anyhow::Result<DevSecret> {
    let mut existing = find_or_create()?;
    existing.secrets.truncate(1);
    replace(&existing.path, &existing.secrets)?;
    Ok(existing)
}

fn create(path: &Path) -> anyhow::Result<DevSecret> {
    let dir = path.parent().expect("the secret file is inside .hooky");
    private_fs::private_dir(dir).map_err(|e| refused(dir, &e))?;
    let secret = Secret::new(generate(&mut rand::rngs::OsRng));
    // Never replaces an existing file: when two commands start at once, one secret wins and both
    // use it.
    match private_fs::write_new(path, file_text(std::slice::from_ref(&secret)).as_bytes()) {
        Ok(()) => Ok(DevSecret {
            path: path.to_path_buf(),
            secrets: vec![secret],
            created: true,
        }),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(DevSecret {
            secrets: read(path).map_err(|e| refused(path, &e))?,
            path: path.to_path_buf(),
            created: false,
        }),
        Err(e) => Err(refused(path, &e)),
    }
}

/// Replaces the file at once (a link there is replaced, never written through).
fn replace(path: &Path, secrets: &[Secret]) -> anyhow::Result<()> {
    private_fs::write_atomic(path, file_text(secrets).as_bytes()).map_err(|e| refused(path, &e))
}

fn file_text(secrets: &[Secret]) -> String {
    let mut text = String::new();
    for secret in secrets {
        text.push_str(&String::from_utf8_lossy(secret.expose()));
        text.push('\n');
    }
    text
}

/// Reads the secrets, one per non-empty line (no link, a regular file of bounded size, in a
/// `.hooky` folder of the user's own).
fn read(path: &Path) -> io::Result<Vec<Secret>> {
    let bytes = private_fs::read_limited(path, MAX_FILE_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|_| io::Error::other("it is not text"))?;
    let secrets: Vec<Secret> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(Secret::new)
        .collect();
    if secrets.is_empty() {
        return Err(io::Error::other(
            "it holds no secret (run `hooky secret --rotate` to make one)",
        ));
    }
    Ok(secrets)
}

fn refused(path: &Path, error: &io::Error) -> anyhow::Error {
    CliError::failed(format!(
        "cannot use the development secret {}: {error}",
        shown(path)
    ))
    .with_hint("give your own with HOOKY_SECRET or --secret-file, or fix the file")
    .into()
}

/// A path relative to the current folder when it is inside it, else as it is.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_secret_every_scheme_accepts() {
        let secret = generate(&mut rand::rngs::StdRng::seed_from_u64(1));
        assert!(secret.starts_with(PREFIX));
        assert_eq!(secret.len(), PREFIX.len() + 44);
        // Key-pair schemes sign with a private key, never with the secret.
        let secret_schemes = crate::signature::Scheme::all()
            .filter(|s| s.provider().key != crate::signature::KeyKind::KeyPair);
        for scheme in secret_schemes {
            assert_eq!(scheme.check_secret(secret.as_bytes()), Ok(()), "{scheme}");
        }
        let other = generate(&mut rand::rngs::StdRng::seed_from_u64(2));
        assert_ne!(secret, other);
    }

    #[test]
    fn the_walk_finds_the_nearest_hooky_and_stops_below_home() {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        let project = home.join("project");
        let deep = project.join("src/deep");
        std::fs::create_dir_all(&deep).unwrap();
        let with_secret = |dir: &Path| {
            std::fs::create_dir_all(dir.join(HOOKY_DIR)).unwrap();
            std::fs::write(dir.join(HOOKY_DIR).join(SECRET_FILE), "s\n").unwrap();
        };
        // A secret in the home folder is not a project's.
        with_secret(&home);
        assert_eq!(
            project_dir(&deep, Some(&home)),
            deep.join(HOOKY_DIR),
            "nothing up to home: the current folder"
        );
        assert_eq!(project_dir(&home, Some(&home)), home.join(HOOKY_DIR));
        with_secret(&project);
        // A `.hooky` without a secret (captures only) does not stop the walk.
        std::fs::create_dir(project.join("src").join(HOOKY_DIR)).unwrap();
        assert_eq!(project_dir(&deep, Some(&home)), project.join(HOOKY_DIR));
        // Without a home folder the walk goes up to the root.
        assert_eq!(project_dir(&deep, None), project.join(HOOKY_DIR));
        std::fs::remove_dir_all(project.join(HOOKY_DIR)).unwrap();
        assert_eq!(project_dir(&deep, None), home.join(HOOKY_DIR));
        // A link is where the walk stops, to be refused.
        std::os::unix::fs::symlink(&home, project.join(HOOKY_DIR)).unwrap();
        assert_eq!(project_dir(&deep, None), project.join(HOOKY_DIR));
    }
}
