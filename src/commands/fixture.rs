//! `hooky fixture new`, and the reading of fixture folders that `send` shares: the built-ins, then
//! `./.hooky/fixtures/`, then `--fixtures DIR`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{FixtureArgs, FixtureCommand, FixtureNewArgs};
use crate::exit::{self, CliError};
use crate::fixtures::{self, Catalog, Fixture, Source};
use crate::output::Output;

/// The project's fixtures folder, relative to the working directory.
pub const PROJECT_DIR: &str = ".hooky/fixtures";

/// Every fixture: built-ins, overridden by the project's, overridden by `extra_dir`'s.
pub fn load_catalog(extra_dir: Option<&Path>) -> anyhow::Result<Catalog> {
    let mut catalog = Catalog::built_in();
    let project = Path::new(PROJECT_DIR);
    if project.is_dir() {
        add_dir(&mut catalog, project, Source::Project)?;
    }
    if let Some(dir) = extra_dir {
        if !dir.is_dir() {
            return Err(
                CliError::usage(format!("--fixtures {}: not a folder", dir.display())).into(),
            );
        }
        add_dir(&mut catalog, dir, Source::Dir)?;
    }
    Ok(catalog)
}

/// The largest fixture file read; the built-in ones are a few kilobytes.
const MAX_FIXTURE_BYTES: u64 = 16 * 1024 * 1024;

fn add_dir(catalog: &mut Catalog, root: &Path, source: Source) -> anyhow::Result<()> {
    let mut files = Vec::new();
    collect(root, &mut files, 0)?;
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let name = fixtures::name_from_relative_path(relative)
            .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        // A fixture folder may come with a cloned repository: a link, a FIFO (which would block
        // the read) or a huge file there is refused, naming it.
        let bytes = crate::private_fs::read_limited(&path, MAX_FIXTURE_BYTES)
            .with_context(|| format!("cannot read the fixture {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::usage(format!("the fixture {} is not UTF-8 text", path.display()))
        })?;
        catalog.add(Fixture {
            name,
            source,
            path: Some(path),
            text,
            overrides: None,
        });
    }
    Ok(())
}

/// The `.json` files under `dir`, at most 8 folders deep. Linked folders are not followed; a
/// linked `.json` file is listed, so that reading it is refused with its name.
fn collect(dir: &Path, files: &mut Vec<PathBuf>, depth: usize) -> anyhow::Result<()> {
    if depth > 8 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read the folder {}", dir.display()))?;
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if is_dir {
            collect(&path, files, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(())
}

pub fn run(args: FixtureArgs, out: &Output) -> anyhow::Result<u8> {
    match args.command {
        FixtureCommand::New(args) => new(args, out),
    }
}

fn new(args: FixtureNewArgs, out: &Output) -> anyhow::Result<u8> {
    fixtures::validate_name(&args.name).map_err(CliError::usage)?;
    let file = crate::private_fs::open_read(&args.from).map_err(|e| {
        CliError::usage(format!(
            "cannot read the capture file {}: {e}",
            args.from.display()
        ))
        .with_hint("capture requests with `hooky listen`, or name the file with --from FILE")
    })?;
    let captures = crate::capture::read_captures(std::io::BufReader::new(file))
        .with_context(|| format!("cannot read {}", args.from.display()))?;
    let record = captures
        .records
        .into_iter()
        .find(|r| r.seq == args.from_capture)
        .ok_or_else(|| {
            CliError::usage(format!(
                "no request #{} in {}",
                args.from_capture,
                args.from.display()
            ))
        })?;
    let body = record
        .body_bytes()
        .map_err(|e| CliError::usage(format!("request #{} has no usable body: {e}", record.seq)))?;
    let payload = crate::webhook::event::parse_json_body(&body).ok_or_else(|| {
        CliError::usage(format!(
            "request #{} does not have a JSON body; fixtures are JSON",
            record.seq
        ))
    })?;
    let description = format!(
        "Captured request #{} ({} {} at {})",
        record.seq, record.method, record.path, record.received_at
    );
    let request = fixtures::CapturedRequest {
        method: &record.method,
        path: &record.path,
        query: record.query.as_deref(),
        headers: &record.headers,
    };
    let fixtures::FromCapture { text, left_out } =
        fixtures::from_capture(&request, payload, &description);
    let path = args.dir.join(format!("{}.json", args.name));
    if path.exists() && !args.force {
        return Err(
            CliError::usage(format!("{} already exists", path.display()))
                .with_hint("pass --force to replace it")
                .into(),
        );
    }
    if let Some(parent) = path.parent() {
        crate::private_fs::private_dir(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    crate::private_fs::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if out.json {
        out.json(&Record::Fixture {
            name: &args.name,
            path: path.display().to_string(),
            left_out: &left_out,
        })?;
    } else {
        if !left_out.is_empty() {
            out.info(&format!(
                "left out credential header(s): {} (add yours with -H when sending)",
                crate::output::sanitize_line(&left_out.join(", "))
            ));
        }
        out.data(&path.display().to_string())?;
        out.info(&format!(
            "send it with: hooky send {} --fixtures {}",
            args.name,
            args.dir.display()
        ));
    }
    Ok(exit::OK)
}

/// The line of `hooky fixture new --json` (`schema/fixture.json`).
#[derive(Debug, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record<'a> {
    Fixture {
        name: &'a str,
        /// The file written.
        path: String,
        /// Credential headers of the capture left out of the fixture.
        left_out: &'a [String],
    },
}
