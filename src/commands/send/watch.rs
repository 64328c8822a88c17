//! `send --watch`: send, then send again whenever the fixture (or `--data @FILE`) changes, until
//! Ctrl-C.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use super::deliver::deliver;
use super::plan::Plan;
use super::record::Record;
use super::report::report;
use super::report::verdict;
use super::settings::Settings;
use crate::exit::{self, CliError};
use crate::fixtures::disk::load_catalog;
use crate::outbound::delivery;
use crate::output::Output;

/// `--watch`: send, then send again whenever a watched file changes, until Ctrl-C.
pub(super) async fn watch(
    first: Plan,
    settings: &Settings,
    event: Option<&str>,
    out: &Output,
) -> anyhow::Result<u8> {
    use notify::Watcher;

    let files = watched_files(&first, settings)?;
    let (sender, mut changes) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = sender.send(event);
    })
    .context("cannot watch files")?;
    // Watch the folders, not the files: editors save by renaming a new file over the old one.
    for folder in files.iter().filter_map(|f| f.parent()) {
        watcher
            .watch(folder, notify::RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
    }
    out.info(&format!(
        "watching {} (Ctrl-C to stop)",
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let client = delivery::client(1)?;
    let mut seq = 1;
    let mut plan = Some(first);
    // Notes about the secret were printed for the first plan; a reload does not repeat them.
    let mut reload_out = out.clone();
    reload_out.quiet = true;
    loop {
        if let Some(plan) = &plan {
            if let Err(error) = watch_send(&client, plan, settings, seq, out).await {
                report_error(&error, out);
            }
            seq += 1;
        }
        if !wait_for_change(&mut changes, &files, out).await {
            return Ok(exit::OK);
        }
        plan = match load_catalog(settings.fixtures.as_deref())
            .and_then(|catalog| Plan::new(settings, &catalog, event, &reload_out))
        {
            Ok(plan) => Some(plan),
            Err(error) => {
                report_error(&error, out);
                None
            }
        };
    }
}

/// The files `--watch` watches: the fixture's file and `--data @FILE`, made absolute (`--data -`
/// was refused with the flags).
fn watched_files(first: &Plan, settings: &Settings) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = first.fixture_path.iter().cloned().collect();
    if let Some(path) = settings.data_file() {
        files.push(PathBuf::from(path));
    }
    if files.is_empty() {
        return Err(
            CliError::usage("--watch needs a file to watch, and this fixture is built in")
                .with_hint(format!(
                    "copy it into {}/ (hooky send --list shows the names), or use --data @FILE",
                    crate::fixtures::disk::PROJECT_DIR
                ))
                .into(),
        );
    }
    Ok(files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        .collect())
}

async fn watch_send(
    client: &reqwest::Client,
    plan: &Plan,
    settings: &Settings,
    seq: u64,
    out: &Output,
) -> anyhow::Result<()> {
    let webhook = plan.build(seq)?;
    let delivery = deliver(client, plan, &webhook, settings.retry_options(), |notice| {
        out.info(&notice.describe())
    })
    .await;
    report(plan, &webhook, &delivery, out)?;
    if let Some(error) = verdict(&delivery, &settings.expectations(), plan.signer.scheme) {
        return Err(error.into());
    }
    Ok(())
}

fn report_error(error: &anyhow::Error, out: &Output) {
    if out.json {
        let _ = out.json(&Record::Error(crate::output::error::error_record_of(error)));
        return;
    }
    let (_, lines) = crate::output::error::describe(error);
    for line in lines {
        eprintln!("{line}");
    }
}

/// Waits until one of `files` changes (then lets a burst of events settle). `false` when the
/// watcher is gone.
async fn wait_for_change(
    changes: &mut tokio::sync::mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
    files: &[PathBuf],
    out: &Output,
) -> bool {
    let concerns = |event: &notify::Event| {
        !matches!(event.kind, notify::EventKind::Access(_))
            && event
                .paths
                .iter()
                .any(|p| files.iter().any(|f| same_file(p, f)))
    };
    loop {
        match changes.recv().await {
            None => return false,
            Some(Err(error)) => out.warn(&format!("watching: {error}")),
            Some(Ok(event)) if concerns(&event) => break,
            Some(Ok(_)) => {}
        }
    }
    // An editor's save is several events; one send for all of them.
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(100), changes.recv()).await {
    }
    true
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || (a.file_name() == b.file_name()
            && a.parent().map(canonical) == b.parent().map(canonical))
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
