//! The `--state` file read at start and written after each poll: validators, cursor, recent ids.

use anyhow::Context;

use super::Poller;
use super::conditional::Validators;
use super::poll_state::PollState;
use crate::exit::CliError;

/// The largest `--state` file read: hooky writes a few kilobytes (validators, a cursor, recent ids).
const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

impl Poller<'_> {
    pub(super) fn load_state(&mut self) -> anyhow::Result<()> {
        let Some(path) = self.settings.state.clone() else {
            return Ok(());
        };
        let text = match crate::private_fs::read_limited(&path, MAX_STATE_BYTES) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let state = PollState::parse(&text, &self.settings.url).map_err(|e| {
            CliError::usage(format!("--state {}: {e}", path.display()))
                .with_hint("delete the file or pass another --state to start afresh")
        })?;
        self.validators = state.validators();
        self.validators_url = state.request_url.clone();
        self.validators_from_state = self.validators != Validators::default();
        if state.cursor.is_some() || !state.recent_ids.is_empty() {
            self.cursor = state.cursor();
        }
        Ok(())
    }

    pub(super) fn save_state(&self) -> anyhow::Result<()> {
        let Some(path) = &self.settings.state else {
            return Ok(());
        };
        let state = PollState::new(
            &self.settings.url,
            self.validators_url.as_deref(),
            &self.validators,
            &self.cursor,
        );
        // A fresh temporary file renamed over the state file, never following a link.
        crate::private_fs::write_atomic(path, state.to_json().as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }
}
