//! Reading the `--from` file: captures (JSON lines) or HAR, warning about what had to be skipped.

use std::path::Path;

use crate::capture::{CaptureRecord, read_captures};
use crate::exit::CliError;
use crate::output::Output;

/// A whole capture or HAR file, opened without following a link (see `private_fs`).
fn read_capture_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut crate::private_fs::open_read(path)?, &mut bytes)?;
    Ok(bytes)
}

/// Reads a capture file or a HAR file, warning about each line or entry it had to skip.
pub(super) fn load(path: &Path, out: &Output) -> anyhow::Result<Vec<CaptureRecord>> {
    let bytes = read_capture_file(path).map_err(|e| {
        let error = CliError::usage(format!("cannot read {}: {e}", path.display()));
        if e.kind() == std::io::ErrorKind::NotFound {
            error.with_hint("capture some requests with hooky listen first, or pass --from FILE (captures or HAR)")
        } else {
            error
        }
    })?;
    let is_har = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("har"))
        || std::str::from_utf8(&bytes).is_ok_and(crate::capture::har::looks_like_har);
    if is_har {
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::usage(format!(
                "{} is not UTF-8, so not a HAR file",
                path.display()
            ))
        })?;
        let import = crate::capture::har::read(&text)
            .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        let (not_replayable, damaged): (Vec<_>, Vec<_>) = import
            .skipped
            .iter()
            .partition(|(_, reason)| reason.ends_with("not replayable"));
        for (entry, reason) in damaged {
            out.warn(&format!(
                "{}: entry {entry} skipped: {reason}",
                path.display()
            ));
        }
        if !not_replayable.is_empty() && out.verbose > 0 {
            out.info(&format!(
                "{}: {} entries are not POST, PUT or PATCH and were left out",
                path.display(),
                not_replayable.len()
            ));
        }
        return Ok(import.records);
    }
    let file = read_captures(bytes.as_slice())?;
    for skipped in &file.skipped {
        out.warn(&format!(
            "{}: line {} skipped: {}",
            path.display(),
            skipped.line,
            skipped.reason
        ));
    }
    Ok(file.records)
}
