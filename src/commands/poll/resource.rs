//! Polling one resource: a 200 that changed is reported (with `--diff`), a 304 is not; `--until`
//! is checked on each answer.

use std::time::SystemTime;

use super::Poller;
use super::pacing::Hints;
use super::request::Outcome;
use super::until;
use crate::exit::CliError;

impl Poller<'_> {
    pub(super) async fn poll_resource(&mut self) -> anyhow::Result<Outcome> {
        let url = self.settings.url.clone();
        let have_body = self.last_body.is_some() || self.validators_from_state;
        let response = match self.get(&url, true, have_body).await {
            Ok(response) => response,
            Err(outcome) => return Ok(outcome),
        };
        self.validators.update(response.status, &response.headers);
        self.validators_url = Some(url.clone());
        self.tell_missing_validators(response.status);
        let hints = Hints::read(&response.headers, SystemTime::now());
        let changed = response.status != 304 && self.last_body.as_ref() != Some(&response.body);
        let json = crate::webhook::event::parse_json_body(&response.body);
        let changed =
            changed && !matches!((&self.last_json, &json), (Some(old), Some(new)) if old == new);
        if response.status == 304 || !changed {
            self.report_unchanged(response.status)?;
        } else {
            self.report_change(response.status, &response.body, json.as_ref())
                .await?;
            self.last_json = json;
            self.last_body = Some(response.body.clone());
        }
        Ok(Outcome::Success {
            status: response.status,
            changed,
            hints,
            elapsed: response.elapsed,
            done: false,
        })
    }

    /// Whether --until is met by a response with no new item to test (resource mode, or feed mode
    /// with status-only conditions).
    pub(super) fn until_met_on_response(&self, status: u16) -> anyhow::Result<bool> {
        let conditions = &self.settings.until;
        if conditions.is_empty() {
            return Ok(false);
        }
        let reads_body = conditions.iter().any(|c| c.reads_body());
        if self.settings.feed {
            return Ok(!reads_body && until::all_hold(conditions, status, None));
        }
        if reads_body && self.last_json.is_none() && self.last_body.is_some() {
            return Err(CliError::failed(
                "--until reads JSON fields, but the response body is not JSON",
            )
            .with_hint("use --until status=NNN for a body that is not JSON")
            .into());
        }
        Ok(until::all_hold(conditions, status, self.last_json.as_ref()))
    }
}
