//! Which captures: the selection applied ([`choose`]), the picker when there is none, and the
//! `--list` table (also `hooky captures`).

use std::path::Path;

use super::jobs;
use super::record::{CaptureView, Record};
use crate::capture::CaptureRecord;
use crate::capture::selection::Selection;
use crate::exit::{self, CliError};
use crate::output::{self, Output, sanitize_line};

/// The captures to act on: the selection, or the user's pick in a terminal.
pub(super) fn choose<'a>(
    records: &'a [CaptureRecord],
    selection: &Selection,
    from: &Path,
) -> anyhow::Result<Option<Vec<&'a CaptureRecord>>> {
    if records.is_empty() {
        return Err(CliError::failed(format!("{} holds no captures", from.display())).into());
    }
    if selection.is_empty() {
        return pick(records);
    }
    jobs::check_seqs(selection, &|seq| records.iter().any(|r| r.seq == seq), from)?;
    let chosen = selection.apply(records, crate::commands::now_unix());
    if chosen.is_empty() {
        return Err(jobs::no_match(from).into());
    }
    Ok(Some(chosen))
}

/// The picker: newest first, columns aligned. `None` when cancelled (Esc, Ctrl-C).
fn pick(records: &[CaptureRecord]) -> anyhow::Result<Option<Vec<&CaptureRecord>>> {
    if !output::can_prompt() {
        return Err(CliError::usage("no captures selected")
            .with_hint(
                "pass SEQ (3 or 3-7), --last N or --all; hooky replay --list shows the captures",
            )
            .into());
    }
    let newest_first: Vec<&CaptureRecord> = records.iter().rev().collect();
    let rows: Vec<[String; 8]> = newest_first.iter().map(|r| table_row(r)).collect();
    let widths = column_widths(&rows);
    let labels: Vec<String> = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        })
        .collect();
    let Some(indices) = output::picker::multi_select(
        "Which captures, newest first? (space to select, enter to confirm)",
        &labels,
    )?
    else {
        return Ok(None);
    };
    if indices.is_empty() {
        return Err(CliError::usage("nothing selected")
            .with_hint("space selects a capture, enter confirms")
            .into());
    }
    // Replayed in the order they were captured, whatever the order they were picked in.
    let mut chosen: Vec<&CaptureRecord> = indices.into_iter().map(|i| newest_first[i]).collect();
    chosen.sort_by_key(|r| r.seq);
    Ok(Some(chosen))
}

/// Each column's width: its widest cell or its heading.
fn column_widths(rows: &[[String; 8]]) -> Vec<usize> {
    (0..8)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([COLUMNS[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

const COLUMNS: [&str; 8] = [
    "SEQ", "TIME", "METHOD", "PATH", "EVENT", "SIZE", "VERDICT", "STATUS",
];

fn table_row(record: &CaptureRecord) -> [String; 8] {
    let time = record
        .received_at
        .get(..19)
        .unwrap_or(&record.received_at)
        .replace('T', " ");
    let path = crate::output::ellipsize(&sanitize_line(&record.path_and_query()), 48).into_owned();
    [
        record.seq.to_string(),
        sanitize_line(&time),
        sanitize_line(&record.method),
        path,
        sanitize_line(record.event_type.as_deref().unwrap_or("-")),
        human_size(record.body_size),
        record.verdict.verdict.name().to_string(),
        if record.status == 0 {
            "-".into()
        } else {
            record.status.to_string()
        },
    ]
}

fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes}B"),
        1024..1_048_576 => format!("{:.1}KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1}MiB", bytes as f64 / 1_048_576.0),
    }
}

pub(super) fn list(
    records: &[CaptureRecord],
    selection: &Selection,
    out: &Output,
) -> anyhow::Result<u8> {
    let chosen: Vec<&CaptureRecord> = if selection.is_empty() {
        records.iter().collect()
    } else {
        selection.apply(records, crate::commands::now_unix())
    };
    if out.json {
        for r in &chosen {
            out.json(&Record::Capture(CaptureView::listed(r)))?;
        }
        return Ok(exit::OK);
    }
    if chosen.is_empty() {
        out.info("no captures match");
        return Ok(exit::OK);
    }
    let rows: Vec<[String; 8]> = chosen.iter().map(|r| table_row(r)).collect();
    let widths = column_widths(&rows);
    // Pad first, then paint, so colors do not upset the column widths.
    let line = |cells: &[String], paint_verdict: bool| {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                let padded = format!("{cell:<width$}");
                if paint_verdict && column == 6 {
                    padded.replacen(cell.as_str(), &out.paint.verdict(cell), 1)
                } else {
                    padded
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    out.data(&out.paint.bold(&line(&header, false)))?;
    for row in &rows {
        out.data(&line(row, true))?;
    }
    Ok(exit::OK)
}
