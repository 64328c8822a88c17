//! What poll prints: each change, item, wait, hint, rate limit and error, as lines for people or
//! `--json` records.

use std::time::Duration;

use serde_json::Value;

use super::Poller;
use super::cursor;
use super::diff;
use super::pacing::{Hints, Reason, Wait};
use super::record::Record;
use super::until;
use super::until::Condition;
use crate::output::{ErrorRecord, sanitize, sanitize_line};
use crate::units::format_duration;

/// The most characters of a feed item's line in human mode (`-v` prints the whole item).
const ITEM_LINE_WIDTH: usize = 160;

/// `10m` rather than `10m00s`, `2h` rather than `2h00m`.
fn short_duration(duration: Duration) -> String {
    let text = format_duration(duration);
    match text
        .strip_suffix("m00s")
        .or_else(|| text.strip_suffix("h00m"))
    {
        Some(whole) if text.ends_with("m00s") => format!("{whole}m"),
        Some(whole) => format!("{whole}h"),
        None => text,
    }
}

fn clip(text: &str, max: usize) -> String {
    crate::output::ellipsize(&sanitize_line(text), max + 1).into_owned()
}

pub(super) fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Poller<'_> {
    /// The deadline message: how long hooky waited, what it last saw, and what it waited for
    /// (`gave up after 10m: status is "pending", waiting for status=completed`).
    pub(super) fn gave_up(&self) -> String {
        let after = self
            .settings
            .deadline_after
            .map_or_else(|| "the deadline".to_string(), short_duration);
        let mut message = format!("gave up after {after}: {}", self.last_seen());
        if !self.settings.until.is_empty() {
            let goals: Vec<String> = self
                .settings
                .until
                .iter()
                .map(Condition::to_string)
                .collect();
            message.push_str(&format!(", waiting for {}", goals.join(" and ")));
        } else if let Some(count) = self.settings.count {
            message.push_str(&format!(
                ", waiting for {count} polls ({} done)",
                self.counters.polls
            ));
        }
        message
    }

    /// What the last answer showed: the values the --until paths had, else the status and body;
    /// and the last request's error when it failed.
    pub(super) fn last_seen(&self) -> String {
        let failed = self
            .last_error
            .as_deref()
            .map(|error| format!("the last request failed ({})", clip(error, 200)));
        let Some(status) = self.last_status else {
            return failed.unwrap_or_else(|| "no answer yet".to_string());
        };
        let mut seen = Vec::new();
        let paths: Vec<&str> = self
            .settings
            .until
            .iter()
            .filter_map(Condition::path)
            .collect();
        if self.settings.feed {
            let cursor = self.cursor.value.as_deref().unwrap_or("(none)");
            if !paths.is_empty() {
                seen.push(format!(
                    "no item matched yet ({} item{} seen, cursor {cursor})",
                    self.counters.items,
                    if self.counters.items == 1 { "" } else { "s" }
                ));
            } else {
                seen.push(format!("status {status}, cursor {cursor}"));
            }
        } else if let (false, Some(body)) = (paths.is_empty(), self.last_json.as_ref()) {
            let mut shown: Vec<&str> = Vec::new();
            for path in paths {
                if shown.contains(&path) {
                    continue;
                }
                shown.push(path);
                seen.push(match crate::json_path::get(body, path) {
                    Some(value) => format!("{path} is {}", clip(&value.to_string(), 200)),
                    None => format!("{path} is absent"),
                });
            }
            if self.settings.until.iter().any(|c| !c.reads_body()) {
                seen.push(format!("the HTTP status is {status}"));
            }
        } else {
            let text = self
                .last_body
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            seen.push(format!("status {status}, body {}", clip(&text, 200)));
        }
        seen.extend(failed);
        seen.join(", ")
    }

    pub(super) fn report_unchanged(&self, status: u16) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Unchanged {
                time: now_rfc3339(),
                status,
            })?;
        } else if self.out.verbose > 0 {
            self.out.info(&format!("{} {} unchanged", clock(), status));
        }
        Ok(())
    }

    pub(super) async fn report_change(
        &mut self,
        status: u16,
        body: &[u8],
        json: Option<&Value>,
    ) -> anyhow::Result<()> {
        self.counters.changes += 1;
        let first = self.last_body.is_none();
        let changes = match (&self.last_json, json) {
            (Some(old), Some(new)) if !first => Some(diff::changes(old, new)),
            _ => None,
        };
        let text = String::from_utf8_lossy(body);
        if self.out.json {
            self.out.json(&Record::Change {
                time: now_rfc3339(),
                status,
                first,
                changes: changes.as_deref(),
                body: changes.is_none().then(|| {
                    json.cloned()
                        .unwrap_or_else(|| Value::String(text.to_string()))
                }),
            })?;
        } else {
            let head = format!("{} {}", clock(), self.out.paint.status(status));
            match &changes {
                Some(changes) => {
                    let described: Vec<String> = changes
                        .iter()
                        .map(|c| sanitize_line(&c.describe()))
                        .collect();
                    self.out.data(&format!("{head} {}", described.join("; ")))?;
                }
                None => match json {
                    Some(value) => self
                        .out
                        .data(&format!("{head} {}", sanitize_line(&value.to_string())))?,
                    None => self
                        .out
                        .data(&format!("{head}\n{}", sanitize(text.trim_end())))?,
                },
            }
        }
        self.emit(body, json, None).await
    }

    /// Prints a new feed item (and delivers it); `true` when it meets --until.
    pub(super) async fn report_item(&mut self, status: u16, item: &Value) -> anyhow::Result<bool> {
        self.counters.items += 1;
        let id = self.settings.fields.id_of(item);
        if self.out.json {
            self.out.json(&Record::Item {
                time: now_rfc3339(),
                id: &id,
                cursor: self.settings.fields.timestamp_of(item),
                item,
            })?;
        } else {
            // One line per item: id, type, time and a short summary; -v adds the whole item.
            let line = cursor::item_line(item, &self.settings.fields, ITEM_LINE_WIDTH);
            let line = sanitize_line(&line);
            let (head, rest) = line.split_at(line.find(' ').unwrap_or(line.len()));
            self.out
                .data(&format!("{} {}{rest}", clock(), self.out.paint.bold(head),))?;
            if self.out.verbose > 0 {
                self.out
                    .data(&format!("  {}", sanitize_line(&item.to_string())))?;
            }
        }
        let body = serde_json::to_vec(item).expect("a JSON value always serialises");
        self.emit(&body, Some(item), Some(&id)).await?;
        let conditions = &self.settings.until;
        Ok(conditions.iter().any(|c| c.reads_body())
            && until::all_hold(conditions, status, Some(item)))
    }

    pub(super) fn report_hints(&self, hints: &Hints) {
        if hints.is_empty() || self.out.json || self.out.verbose == 0 {
            return;
        }
        let mut parts = Vec::new();
        if let Some(d) = hints.retry_after {
            parts.push(format!("Retry-After {}", format_duration(d)));
        }
        if let Some(d) = hints.poll_interval {
            parts.push(format!("X-Poll-Interval {}", format_duration(d)));
        }
        if let Some(d) = hints.rate_limit {
            parts.push(format!("rate limit resets in {}", format_duration(d)));
        }
        if parts.is_empty() {
            return;
        }
        self.out
            .info(&format!("server hints: {}", parts.join(", ")));
    }

    pub(super) fn report_wait(&self, wait: Wait) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Wait {
                seconds: wait.duration.as_secs_f64(),
                reason: wait.reason.name(),
            })?;
        } else if wait.reason != Reason::Interval && wait.reason != Reason::LongPoll
            || self.out.verbose > 0
        {
            self.out.info(&self.out.paint_err.dim(&format!(
                "waiting {} ({})",
                format_duration(wait.duration),
                wait.reason.name()
            )));
        }
        Ok(())
    }

    /// Reports a rate-limit answer; the wait record that follows says how long and why.
    pub(super) fn report_rate_limit(&self, message: &str) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Error {
                error: ErrorRecord::new(message, None),
                time: now_rfc3339(),
                retrying: true,
                failures: self.budget.failures,
                rate_limited: Some(true),
            })?;
        } else {
            self.out
                .warn(&format!("{message}; waiting for the quota to come back"));
        }
        Ok(())
    }

    /// Reports a failed poll; `retrying` when another try follows (the final error is printed by
    /// `exit` in human mode).
    pub(super) fn report_error(
        &self,
        message: &str,
        hint: Option<&str>,
        retrying: bool,
    ) -> anyhow::Result<()> {
        if self.out.json {
            self.out.json(&Record::Error {
                error: ErrorRecord::new(message, hint),
                time: now_rfc3339(),
                retrying,
                failures: self.budget.failures,
                rate_limited: None,
            })?;
        } else if retrying {
            self.out.warn(&format!(
                "{message} (retry {} of {})",
                self.budget.failures, self.settings.retries
            ));
        }
        Ok(())
    }
}
