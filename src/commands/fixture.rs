//! `hooky fixture new`: a fixture from a captured request. Reading fixture folders is
//! `fixtures::disk`.

use std::path::Path;

use anyhow::Context;

use crate::cli::{FixtureArgs, FixtureCommand, FixtureNewArgs};
use crate::exit::{self, CliError};
use crate::fixtures;
use crate::output::Output;

pub fn run(args: FixtureArgs, out: &Output) -> anyhow::Result<u8> {
    match args.command {
        FixtureCommand::New(args) => new(args, out),
    }
}

fn new(args: FixtureNewArgs, out: &Output) -> anyhow::Result<u8> {
    fixtures::validate_name(&args.name).map_err(CliError::usage)?;
    let record = read_capture(&args.from, args.from_capture)?;
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
    write_fixture(&path, &text, args.force)?;
    report(&args, &path, &left_out, out)?;
    Ok(exit::OK)
}

/// Request `seq` of the capture file `from`, or a usage error that says what is missing.
fn read_capture(from: &Path, seq: u64) -> anyhow::Result<crate::capture::CaptureRecord> {
    let file = crate::private_fs::open_read(from).map_err(|e| {
        CliError::usage(format!(
            "cannot read the capture file {}: {e}",
            from.display()
        ))
        .with_hint("capture requests with `hooky listen`, or name the file with --from FILE")
    })?;
    let captures = crate::capture::read_captures(std::io::BufReader::new(file))
        .with_context(|| format!("cannot read {}", from.display()))?;
    let record = captures.records.into_iter().find(|r| r.seq == seq);
    Ok(
        record
            .ok_or_else(|| CliError::usage(format!("no request #{seq} in {}", from.display())))?,
    )
}

/// Writes the fixture atomically in a private folder; an existing one only with `--force`.
fn write_fixture(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
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
    crate::private_fs::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn report(
    args: &FixtureNewArgs,
    path: &Path,
    left_out: &[String],
    out: &Output,
) -> anyhow::Result<()> {
    if out.json {
        return Ok(out.json(&Record::Fixture {
            name: &args.name,
            path: path.display().to_string(),
            left_out,
        })?);
    }
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
    Ok(())
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
