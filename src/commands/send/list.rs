//! `send --list` and the event picker shown when no event is named.

use super::record::Record;
use crate::exit::{self, CliError};
use crate::fixtures::{self, Catalog};
use crate::output::{self, Output, sanitize_line};
use crate::signature::Scheme;

pub(super) fn list(catalog: &Catalog, out: &Output) -> anyhow::Result<u8> {
    let rows: Vec<(String, String, String, String)> = catalog
        .iter()
        .map(|fixture| {
            let source = match fixture.overrides {
                Some(previous) => format!("{} (overrides {})", fixture.source, previous),
                None => fixture.source.to_string(),
            };
            let (scheme, description) = listing(fixture);
            (fixture.name.clone(), source, scheme, description)
        })
        .collect();
    if out.json {
        for (name, source, scheme, description) in rows {
            out.json(&Record::Fixture {
                name,
                source,
                scheme,
                description,
            })?;
        }
        return Ok(exit::OK);
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    let source_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(6).max(6);
    out.data(&out.paint.bold(&format!(
        "{:width$}  {:source_width$}  {:8}  DESCRIPTION",
        "NAME", "SOURCE", "SCHEME"
    )))?;
    for (name, source, scheme, description) in rows {
        out.data(&format!(
            "{name:width$}  {source:source_width$}  {scheme:8}  {}",
            sanitize_line(&description)
        ))?;
    }
    Ok(exit::OK)
}

/// No event named: a picker in a terminal (`None` when cancelled), else an error listing the
/// events.
pub(super) fn pick(catalog: &Catalog) -> anyhow::Result<Option<String>> {
    let names = catalog.names();
    if !output::can_prompt() {
        return Err(CliError::usage("no event to send")
            .with_hint(format!(
                "name one, such as `hooky send order.completed --to URL`; events: {}",
                names.join(", ")
            ))
            .into());
    }
    let rows: Vec<[String; 3]> = catalog
        .iter()
        .map(|f| {
            let (scheme, description) = listing(f);
            [f.name.clone(), scheme, sanitize_line(&description)]
        })
        .collect();
    let labels = align(&rows);
    let choice = tokio::task::block_in_place(|| {
        output::picker::fuzzy_select("Event to send (type to filter)", &labels)
    })?;
    Ok(choice.map(|index| names[index].to_string()))
}

/// A fixture's scheme as sends really use it (hex when it names none) and its description.
fn listing(fixture: &fixtures::Fixture) -> (String, String) {
    match fixture.meta_for_listing() {
        Ok(meta) => (
            meta.scheme.unwrap_or(Scheme::HEX).to_string(),
            meta.description.unwrap_or_default(),
        ),
        Err(error) => ("?".into(), format!("(broken: {error})")),
    }
}

/// Rows as lines with every column but the last padded to its widest cell.
fn align<const N: usize>(rows: &[[String; N]]) -> Vec<String> {
    let widths: Vec<usize> = (0..N)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (column, cell) in row.iter().enumerate() {
                if column + 1 == N {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<width$}  ", width = widths[column]));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}
