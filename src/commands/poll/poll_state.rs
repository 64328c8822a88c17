//! The `hooky poll --state FILE` format: what a later run needs to resume (validators, cursor,
//! the ids already printed). Pure: (de)serialisation only; the command writes it atomically.
//!
//! ```json
//! {"version":1,"url":"https://api.example.com/events","request_url":"…?since=1710331200",
//!  "etag":"W/\"42\"","last_modified":null,"cursor":"1710331200","boundary_ids":["evt_1"],
//!  "recent_ids":["evt_0","evt_1"]}
//! ```

use serde::{Deserialize, Serialize};

use crate::commands::poll::conditional::Validators;
use crate::commands::poll::cursor::Cursor;

pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollState {
    pub version: u32,
    /// The URL as given on the command line: a state file belongs to one URL.
    pub url: String,
    /// The URL the validators belong to (in feed mode it carries the `since` parameter).
    #[serde(default)]
    pub request_url: Option<String>,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub boundary_ids: Vec<String>,
    #[serde(default)]
    pub recent_ids: Vec<String>,
}

impl PollState {
    pub fn new(
        url: &str,
        request_url: Option<&str>,
        validators: &Validators,
        cursor: &Cursor,
    ) -> Self {
        PollState {
            version: VERSION,
            url: url.to_string(),
            request_url: request_url.map(str::to_string),
            etag: validators.etag.clone(),
            last_modified: validators.last_modified.clone(),
            cursor: cursor.value.clone(),
            boundary_ids: cursor.boundary.clone(),
            recent_ids: cursor.recent.iter().cloned().collect(),
        }
    }

    /// Parses a state file, refusing one written for another URL or by a newer hooky.
    pub fn parse(text: &str, url: &str) -> Result<PollState, String> {
        let state: PollState =
            serde_json::from_str(text).map_err(|e| format!("not a hooky poll state file: {e}"))?;
        if state.version != VERSION {
            return Err(format!(
                "state file version {} is not supported (this hooky writes version {VERSION})",
                state.version
            ));
        }
        if state.url != url {
            return Err(format!(
                "the state file belongs to {}, not to this URL",
                state.url
            ));
        }
        Ok(state)
    }

    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        }
    }

    pub fn cursor(&self) -> Cursor {
        Cursor::restore(
            self.cursor.clone(),
            self.boundary_ids.clone(),
            self.recent_ids.clone(),
        )
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the state always serialises");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_urls() {
        let validators = Validators {
            etag: Some("W/\"1\"".into()),
            last_modified: None,
        };
        let cursor = Cursor::restore(
            Some("10".into()),
            vec!["a".into()],
            vec!["z".into(), "a".into()],
        );
        let state = PollState::new(
            "http://x/e",
            Some("http://x/e?since=10"),
            &validators,
            &cursor,
        );
        let back = PollState::parse(&state.to_json(), "http://x/e").unwrap();
        assert_eq!(back, state);
        assert_eq!(back.validators(), validators);
        assert_eq!(back.cursor(), cursor);
        assert!(
            PollState::parse(&state.to_json(), "http://y/")
                .unwrap_err()
                .contains("belongs to")
        );
        assert!(PollState::parse("{}", "http://x/e").is_err());
        assert!(
            PollState::parse("nope", "http://x/e")
                .unwrap_err()
                .contains("not a hooky")
        );
        let future = state.to_json().replace("\"version\": 1", "\"version\": 9");
        assert!(
            PollState::parse(&future, "http://x/e")
                .unwrap_err()
                .contains("version 9")
        );
    }
}
