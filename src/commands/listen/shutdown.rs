//! `listen`'s end: the drain of the requests in flight after Ctrl-C, `--count` or `--timeout`,
//! and the closing message with the exit code.

use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper_util::server::graceful::GracefulShutdown;

use super::Listener;
use super::settings::Settings;
use crate::exit::{self, CliError};

/// How long the drain after Ctrl-C, `--count` or `--timeout` may take before hooky gives up on the
/// requests still in flight.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// Why the accept loop ended.
pub(super) enum Stop {
    Count,
    /// Ctrl-C or SIGTERM.
    Signal(crate::commands::Signal),
    Deadline,
}

/// Lets the requests in flight finish (bounded by `DRAIN_LIMIT`); `Some(signal)` when a second
/// Ctrl-C or SIGTERM cut the wait short.
pub(super) async fn drain(
    state: &Listener,
    reason: &Stop,
    graceful: GracefulShutdown,
    signals: &mut crate::commands::Signals,
) -> Option<crate::commands::Signal> {
    let out = &state.out;
    // Ends the web view's event streams, which would otherwise hold the drain open.
    state.stop.send_replace(true);
    let in_flight = state.in_flight.load(Ordering::SeqCst);
    if matches!(reason, Stop::Signal(_)) && in_flight > 0 {
        out.info(&format!(
            "finishing {in_flight} request{} in flight (Ctrl-C again to stop now)",
            if in_flight == 1 { "" } else { "s" }
        ));
    }
    // A second Ctrl-C (or SIGTERM) ends the wait: the capture is flushed all the same.
    tokio::select! {
        _ = graceful.shutdown() => None,
        _ = tokio::time::sleep(DRAIN_LIMIT) => {
            out.warn("gave up waiting for the requests still in flight");
            None
        }
        signal = signals.recv() => Some(signal),
    }
}

/// The closing message and the exit code: why the loop stopped, and whether `--count` was met.
pub(super) fn exit_code(
    settings: &Settings,
    state: &Listener,
    reason: Stop,
    forced: Option<crate::commands::Signal>,
) -> anyhow::Result<u8> {
    let out = &state.out;
    let matched = state.matched.load(Ordering::SeqCst);
    let received = match settings.count {
        Some(count) => format!("{matched} of {count} matching request(s) received"),
        None => format!("{matched} request(s) received"),
    };
    let goal_met = settings.count.is_some_and(|count| matched >= count);
    if let Some(signal) = forced {
        let left = state.in_flight.load(Ordering::SeqCst);
        out.info(&format!(
            "stopped without waiting for {left} request(s) in flight; {received}"
        ));
        // A count already met stays a success: the signal only cut the drain short.
        return Ok(if goal_met {
            exit::OK
        } else {
            signal.exit_code()
        });
    }
    match reason {
        Stop::Count => Ok(exit::OK),
        Stop::Signal(signal) => {
            out.info(&format!("stopped; {received}"));
            // Without --count there is nothing to fall short of; with it, a stop before the count
            // was reached must not look like success to a script.
            Ok(if settings.count.is_none() || goal_met {
                exit::OK
            } else {
                signal.exit_code()
            })
        }
        Stop::Deadline => {
            let timeout = crate::units::format_duration(settings.timeout.unwrap_or_default());
            let wanted = match settings.count {
                Some(count) => format!("{matched} of {count} matching request(s) arrived"),
                None => format!("{matched} matching request(s) arrived"),
            };
            Err(CliError::deadline(format!("--timeout {timeout} reached: {wanted}")).into())
        }
    }
}
