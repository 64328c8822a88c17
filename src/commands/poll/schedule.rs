//! When the next poll goes: the wait [`super::pacing`] decides from the outcome, the backoff after
//! errors, and `--timeout`.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use super::End;
use super::Poller;
use super::pacing::{Hints, Wait};
use super::request::Outcome;
use crate::exit::CliError;
use crate::units::format_duration;

impl Poller<'_> {
    /// What follows a poll: the wait before the next one, or the end.
    pub(super) fn next_wait(
        &mut self,
        outcome: Outcome,
        unit: f64,
    ) -> anyhow::Result<ControlFlow<End, Wait>> {
        Ok(ControlFlow::Continue(match outcome {
            Outcome::Success {
                status,
                changed,
                hints,
                elapsed,
                done,
            } => return self.after_success(status, changed, &hints, elapsed, done, unit),
            Outcome::RateLimited { message, hints } => {
                self.report_rate_limit(&message)?;
                self.last_error = Some(message);
                self.report_hints(&hints);
                self.settings.pacing.after_rate_limit(&hints, unit)
            }
            Outcome::Retryable { message, hints } => {
                self.last_error = Some(message.clone());
                let retry = self.budget.record_failure();
                self.report_error(&message, None, retry)?;
                if !retry {
                    let retries = self.settings.retries;
                    return Ok(ControlFlow::Break(End::Failed(
                        CliError::failed(format!(
                            "gave up after {retries} retr{} in a row: {message}",
                            if retries == 1 { "y" } else { "ies" }
                        ))
                        .with_hint("raise --retries to ride out longer outages"),
                    )));
                }
                self.report_hints(&hints);
                self.settings
                    .pacing
                    .after_failure(&hints, self.budget.failures, unit)
            }
            Outcome::Final(error) => {
                self.report_error(&error.message, error.hint.as_deref(), false)?;
                return Ok(ControlFlow::Break(End::Failed(error)));
            }
        }))
    }

    /// A 2xx or 304: counted, the state saved, `--until` and `--count` checked; else the wait,
    /// longer while nothing changes with `--idle-backoff`.
    pub(super) fn after_success(
        &mut self,
        status: u16,
        changed: bool,
        hints: &Hints,
        elapsed: Duration,
        done: bool,
        unit: f64,
    ) -> anyhow::Result<ControlFlow<End, Wait>> {
        self.budget.record_success();
        self.last_error = None;
        self.counters.polls += 1;
        self.last_status = Some(status);
        self.save_state()?;
        if done || self.until_met_on_response(status)? {
            return Ok(ControlFlow::Break(End::Until));
        }
        if self
            .settings
            .count
            .is_some_and(|n| self.counters.polls >= n)
        {
            return Ok(ControlFlow::Break(End::Count));
        }
        self.idle_streak = if changed {
            0
        } else {
            self.idle_streak.saturating_add(1)
        };
        self.report_hints(hints);
        Ok(ControlFlow::Continue(self.settings.pacing.after_success(
            hints,
            self.idle_streak,
            elapsed,
            unit,
        )))
    }

    /// The end when the next poll would come after the deadline.
    pub(super) fn deadline_before(&self, wait: Wait) -> Option<End> {
        let left = self.deadline?.saturating_duration_since(Instant::now());
        (wait.duration > left).then(|| End::Deadline {
            detail: format!(
                "the next poll was due in {} ({}), after the deadline (in {})",
                format_duration(wait.duration),
                wait.reason.name(),
                format_duration(left),
            ),
        })
    }
}
