//! Files hooky keeps for itself (captures, `.hooky/secret`, `--state`, `--ready-file`, fixtures),
//! opened so that a cloned repository or another local user cannot redirect them:
//! - links are never followed (`O_NOFOLLOW`), and only regular files are used (a FIFO or a device
//!   is refused without blocking on it);
//! - a `.hooky` folder must be a real folder owned by the user running hooky;
//! - new folders are 0700 and new files 0600;
//! - a whole-file write goes to a fresh temporary file next to the target (`O_CREAT|O_EXCL`, so a
//!   planted name is never reused) and is renamed over it, so a reader never sees half a file and a
//!   link at the target is replaced, not written through.
//!
//! Errors are `io::Error`s whose message says what was refused; callers add which file it was.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

/// The folder hooky keeps its files in, in the current directory.
pub const HOOKY_DIR: &str = ".hooky";

/// Mode of the files hooky creates: readable by the user only.
pub const PRIVATE_FILE: u32 = 0o600;

/// Creates `dir` (and missing parents) as 0700 if it does not exist, and checks every `.hooky`
/// folder on the way: it must be a real folder (not a link) owned by the user.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    check_hooky_folders(dir)?;
    if std::fs::symlink_metadata(dir).is_err() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        // Created just now, but a `.hooky` on the way may have appeared meanwhile: check again.
        check_hooky_folders(dir)?;
    }
    Ok(())
}

/// Opens (or creates, 0600) a file for appending and reading, creating its folder as
/// [`private_dir`] does.
pub fn open_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    open_checked(path, &mut options)
}

/// Opens an existing file for reading (no link, a regular file, any `.hooky` on the way checked).
pub fn open_read(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        check_hooky_folders(dir)?;
    }
    open_checked(path, OpenOptions::new().read(true))
}

/// Reads a whole file opened as [`open_read`] does, refusing one larger than `max` bytes.
pub fn read_limited(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file = open_read(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than {max} bytes"),
        ));
    }
    Ok(bytes)
}

/// Replaces `path` with `bytes` at once (a fresh 0600 temporary file renamed over it).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temp(path, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Creates `path` with `bytes` only if nothing is there yet, whole or not at all (a temporary file
/// linked to its name). Fails with `AlreadyExists` when something is, even a dangling link.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temp(path, bytes)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    linked
}

/// Writes `bytes` to a new 0600 file next to `path` (created exclusively) and returns its name.
fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    check_hooky_folders(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "it has no file name"))?;
    let mut temp_name = OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(
        ".{}.{:016x}.tmp",
        std::process::id(),
        rand::random::<u64>()
    ));
    let tmp = dir.join(temp_name);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE_FILE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(&tmp)?;
    let written = file.write_all(bytes).and_then(|_| file.sync_data());
    if let Err(error) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(error);
    }
    Ok(tmp)
}

/// Opens without following a link at the last component and without blocking on a FIFO, then
/// keeps the file only if it is a regular file.
fn open_checked(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    let file = options
        .mode(PRIVATE_FILE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|error| {
            let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            if is_link {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "it is a symbolic link, which hooky does not follow",
                )
            } else {
                error
            }
        })?;
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    clear_nonblocking(&file)?;
    Ok(file)
}

fn clear_nonblocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function borrows, with integer arguments only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Every existing `.hooky` component of `dir` must be a real folder owned by the user.
fn check_hooky_folders(dir: &Path) -> io::Result<()> {
    let mut prefix = PathBuf::new();
    for component in dir.components() {
        prefix.push(component);
        if component != Component::Normal(HOOKY_DIR.as_ref()) {
            continue;
        }
        let metadata = match std::fs::symlink_metadata(&prefix) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if let Some(why) = why_not_ours(&metadata, me) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} {why}", prefix.display()),
            ));
        }
    }
    Ok(())
}

/// Why a `.hooky` with this (not followed) metadata is not one hooky may use as user `me`.
fn why_not_ours(metadata: &std::fs::Metadata, me: u32) -> Option<String> {
    if metadata.file_type().is_symlink() {
        return Some("is a symbolic link; hooky uses only a real .hooky folder".into());
    }
    if !metadata.is_dir() {
        return Some("is not a folder".into());
    }
    (metadata.uid() != me).then(|| {
        format!(
            "belongs to another user (uid {}); hooky uses only a .hooky folder of its own",
            metadata.uid()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn creates_private_folders_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".hooky/sub/captures.jsonl");
        let mut file = open_append(&path).unwrap();
        file.write_all(b"one\n").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join(".hooky")), 0o700);
        assert_eq!(mode(&dir.path().join(".hooky/sub")), 0o700);
        drop(file);
        open_append(&path).unwrap().write_all(b"two\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n");
        assert_eq!(read_limited(&path, 8).unwrap(), b"one\ntwo\n");
        let too_big = read_limited(&path, 7).unwrap_err();
        assert!(too_big.to_string().contains("larger than 7 bytes"));
    }

    #[test]
    fn links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("bashrc");
        std::fs::write(&target, "safe\n").unwrap();
        let link = dir.path().join("captures.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for error in [
            open_append(&link).unwrap_err(),
            open_read(&link).unwrap_err(),
        ] {
            assert!(error.to_string().contains("symbolic link"), "{error}");
        }
        // A whole-file write replaces the link itself; the target is untouched.
        write_atomic(&link, b"state").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"safe\n");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(mode(&link), 0o600);
        // A dangling link is "something there" for write_new.
        let dangling = dir.path().join("secret");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert_eq!(
            write_new(&dangling, b"x").unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn a_linked_hooky_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let hooky = dir.path().join(HOOKY_DIR);
        std::os::unix::fs::symlink(&elsewhere, &hooky).unwrap();
        let path = hooky.join("captures.jsonl");
        let errors = [
            open_append(&path).unwrap_err(),
            open_read(&path).unwrap_err(),
            write_atomic(&path, b"x").unwrap_err(),
            write_new(&path, b"x").unwrap_err(),
        ];
        for error in errors {
            assert!(
                error.to_string().contains(".hooky is a symbolic link"),
                "{error}"
            );
        }
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn a_hooky_folder_of_another_user_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let metadata = std::fs::symlink_metadata(dir.path()).unwrap();
        assert_eq!(why_not_ours(&metadata, metadata.uid()), None);
        let other = metadata.uid().wrapping_add(1);
        let why = why_not_ours(&metadata, other).unwrap();
        assert!(why.starts_with("belongs to another user (uid"), "{why}");
        let file = dir.path().join("f");
        std::fs::write(&file, "").unwrap();
        let metadata = std::fs::symlink_metadata(&file).unwrap();
        assert_eq!(
            why_not_ours(&metadata, metadata.uid()).unwrap(),
            "is not a folder"
        );
    }

    #[test]
    fn only_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        // Neither open blocks waiting for the other end.
        for error in [
            open_append(&fifo).unwrap_err(),
            open_read(&fifo).unwrap_err(),
        ] {
            assert!(error.to_string().contains("not a regular file"), "{error}");
        }
        let error = open_append(dir.path()).unwrap_err();
        assert!(
            error.to_string().contains("not a regular file")
                || error.raw_os_error() == Some(libc::EISDIR)
        );
    }

    #[test]
    fn write_new_keeps_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        write_new(&path, b"first").unwrap();
        assert_eq!(
            write_new(&path, b"second").unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(mode(&path), 0o600);
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
