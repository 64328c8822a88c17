//! Polling a feed (`--items`): its pages followed (`Link`, the cursor), the items not seen before
//! reported in order, the cursor moved only when a page is done.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::Poller;
use super::cursor;
use super::cursor::{NextPage, Window};
use super::pacing::Hints;
use super::request::Outcome;
use super::request::Response;
use crate::exit::CliError;
use crate::headers::get_all;

/// What one feed poll saw across its pages, for its [`Outcome`].
#[derive(Default)]
struct FeedPoll {
    /// The status of the first page (of the page whose item met `--until`, when one did).
    status: Option<u16>,
    changed: bool,
    /// The last page's hints.
    hints: Hints,
    elapsed: Duration,
}

impl FeedPoll {
    fn outcome(self, done: bool) -> Outcome {
        Outcome::Success {
            status: self.status.unwrap_or(200),
            changed: self.changed,
            hints: self.hints,
            elapsed: self.elapsed,
            done,
        }
    }
}

/// A feed page's body as JSON, or the final error: feed mode reads JSON.
fn feed_body(url: &str, response: &Response) -> Result<serde_json::Value, Outcome> {
    crate::webhook::event::parse_json_body(&response.body).ok_or_else(|| {
        Outcome::Final(CliError::failed(format!(
            "GET {url} answered {} with a body that is not JSON; feed mode reads a JSON array of items",
            response.status
        )))
    })
}

/// A `Link` target resolved against the page it came from.
fn resolve(base: &str, target: &str) -> Option<String> {
    reqwest::Url::parse(base)
        .ok()?
        .join(target)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string())
}

impl Poller<'_> {
    /// One feed poll: the first page, then at once every next page the feed says there is
    /// (a next link, `has_more`, `next_cursor`, a full page of `limit` items), up to --max-pages
    /// and never the same URL twice.
    pub(super) async fn poll_feed(&mut self) -> anyhow::Result<Outcome> {
        let first_url = self.feed_url()?;
        let mut url = first_url.clone();
        let mut visited = std::collections::HashSet::from([first_url.clone()]);
        let mut window = Window::default();
        let mut seen = FeedPoll::default();
        for page in 1..=self.settings.max_pages {
            let first = page == 1;
            let have_body = self.last_body.is_some() || self.validators_from_state;
            let response = match self.get(&url, first, have_body).await {
                Ok(response) => response,
                Err(outcome) => return Ok(outcome),
            };
            seen.elapsed += response.elapsed;
            seen.hints = Hints::read(&response.headers, SystemTime::now());
            if first {
                seen.status = Some(response.status);
                self.first_feed_page(&first_url, &response);
            }
            if response.status == 304 {
                break;
            }
            let body = match feed_body(&url, &response) {
                Ok(body) => body,
                Err(outcome) => return Ok(outcome),
            };
            let items = match cursor::items(&body, self.settings.items.as_deref()) {
                Ok(items) => items,
                Err(message) => return Ok(Outcome::Final(CliError::failed(message))),
            };
            let fresh = self.cursor.page(items, &self.settings.fields, &mut window);
            seen.changed |= !fresh.is_empty();
            if self.report_fresh(response.status, items, fresh).await? {
                seen.status = Some(response.status);
                return Ok(seen.outcome(true));
            }
            if let Some(path) = &self.settings.cursor_from {
                self.cursor
                    .opaque(&mut window, crate::json_path::get(&body, path));
            }
            let next = self.next_feed_url(&url, &response, &body, items.len(), &mut window)?;
            match next {
                Some(next) if !self.stops_before(&next, &mut visited, page) => url = next,
                _ => break,
            }
        }
        self.cursor
            .commit(window, self.settings.cursor_from.is_some());
        if !seen.changed {
            self.report_unchanged(seen.status.unwrap_or(200))?;
        }
        Ok(seen.outcome(false))
    }

    /// Prints a page's new items, in order; `true` as soon as one meets `--until`.
    pub(super) async fn report_fresh(
        &mut self,
        status: u16,
        items: &[Value],
        fresh: Vec<usize>,
    ) -> anyhow::Result<bool> {
        for index in fresh {
            if self.report_item(status, &items[index]).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The first page's validators, and its body kept for the next poll's 304.
    pub(super) fn first_feed_page(&mut self, first_url: &str, response: &Response) {
        self.validators.update(response.status, &response.headers);
        self.validators_url = Some(first_url.to_string());
        self.tell_missing_validators(response.status);
        if response.status != 304 {
            self.last_body = Some(response.body.clone());
        }
    }

    /// The URL of the feed's next page, if this one says there is more: its link, or the feed's
    /// URL with the cursor moved past this page (committing the page's window).
    pub(super) fn next_feed_url(
        &mut self,
        url: &str,
        response: &Response,
        body: &serde_json::Value,
        items: usize,
        window: &mut Window,
    ) -> anyhow::Result<Option<String>> {
        let opaque = self.settings.cursor_from.is_some();
        let link = cursor::next_link(get_all(&response.headers, "link"));
        let limit = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| cursor::page_limit(&u));
        Ok(match cursor::next_page(link, body, items, limit) {
            NextPage::Done => None,
            NextPage::Link(link) => resolve(url, &link),
            NextPage::More(named) => {
                // The next page is asked for with the cursor moved past this one.
                self.cursor.commit(std::mem::take(window), opaque);
                if let Some(named) = named.filter(|_| !opaque) {
                    self.cursor.advance_to(named);
                }
                Some(self.feed_url()?)
            }
        })
    }

    /// Whether one poll stops before reading `next`: a page it already read (said once, as a
    /// warning), or `--max-pages` reached.
    pub(super) fn stops_before(
        &mut self,
        next: &str,
        visited: &mut std::collections::HashSet<String>,
        page: usize,
    ) -> bool {
        if !visited.insert(next.to_string()) {
            let message = format!(
                "the feed's next page is one this poll already read ({next}): a link loop, \
                 or a cursor that does not move; the rest waits for the next poll"
            );
            if !self.repeat_told {
                self.repeat_told = true;
                self.out.warn(&message);
            } else if self.out.verbose > 0 {
                self.out.info(&message);
            }
            return true;
        }
        if page == self.settings.max_pages {
            self.out.warn(&format!(
                "read {page} pages in one poll (--max-pages); the rest waits for the next poll"
            ));
            return true;
        }
        false
    }

    /// The URL of the first page: the given URL with the cursor parameter set.
    pub(super) fn feed_url(&self) -> anyhow::Result<String> {
        let mut url = reqwest::Url::parse(&self.settings.url)
            .map_err(|e| CliError::usage(format!("invalid URL {}: {e}", self.settings.url)))?;
        if let Some(value) = &self.cursor.value {
            let param = &self.settings.since_param;
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != param)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair(param, value);
        }
        Ok(url.to_string())
    }
}
