//! One request of a poll: its headers (validators, the feed key), the response read and counted,
//! and classified (changed, not modified, rate-limited, an error).

use std::time::{Duration, Instant, SystemTime};

use super::Poller;
use super::conditional;
use super::conditional::NotModified;
use super::pacing;
use super::pacing::Hints;
use crate::exit::CliError;
use crate::headers::Header;
use crate::outbound::backoff::{StatusClass, classify_status};
use crate::outbound::delivery;

/// One HTTP answer.
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: Vec<Header>,
    pub(super) body: Vec<u8>,
    pub(super) elapsed: Duration,
}

/// What one poll came to.
pub(super) enum Outcome {
    /// A 2xx or 304; `changed` when something new was printed.
    Success {
        status: u16,
        changed: bool,
        hints: Hints,
        elapsed: Duration,
        done: bool,
    },
    /// Worth another try after a backoff.
    Retryable { message: String, hints: Hints },
    /// A 403 or 429 that says the quota is spent (GitHub's rate limits): wait for the reset, then
    /// go on; not a failure, so it does not use up --retries.
    RateLimited { message: String, hints: Hints },
    /// Stop with exit 1.
    Final(CliError),
}

impl Poller<'_> {
    /// One poll: one request in resource mode, every page in feed mode.
    pub(super) async fn poll(&mut self) -> anyhow::Result<Outcome> {
        if self.settings.feed {
            self.poll_feed().await
        } else {
            self.poll_resource().await
        }
    }

    /// Sends a GET, conditional when `conditional` and validators for this URL are known, and
    /// repeats it once without conditions on a 304 that has nothing to refer to (a server bug).
    pub(super) async fn get(
        &mut self,
        url: &str,
        conditional: bool,
        have_body: bool,
    ) -> Result<Response, Outcome> {
        let mut headers = Vec::new();
        if conditional && self.validators_url.as_deref() == Some(url) {
            headers = self
                .validators
                .request_headers(self.settings.use_validators);
        }
        let mut repeated = false;
        loop {
            let response = self.request(url, &headers).await?;
            if response.status != 304 {
                return Ok(response);
            }
            match conditional::not_modified(!headers.is_empty(), have_body, repeated) {
                NotModified::Unchanged => return Ok(response),
                NotModified::ServerBug => {
                    self.out.warn(
                        "the server answered 304 Not Modified to an unconditional request, twice; \
                         treating it as unchanged",
                    );
                    return Ok(response);
                }
                NotModified::RepeatUnconditional => {
                    if self.out.verbose > 0 {
                        self.out
                            .info("304 to a request with nothing to compare: asking again unconditionally");
                    }
                    headers.clear();
                    repeated = true;
                }
            }
        }
    }

    /// One GET, counted, and its answer told apart: a response to read, or an outcome.
    pub(super) async fn request(
        &mut self,
        url: &str,
        extra: &[Header],
    ) -> Result<Response, Outcome> {
        let request = delivery::Outgoing {
            method: "GET".into(),
            url: delivery::parse_url(url).map_err(|error| Outcome::Retryable {
                message: format!("GET {url}: {error}"),
                hints: Hints::default(),
            })?,
            target: None,
            headers: self.request_headers(url, extra),
            body: Vec::new(),
        };
        let started = Instant::now();
        self.counters.requests += 1;
        let (status, headers, body) = delivery::send_once(
            &self.client,
            &request,
            self.settings.request_timeout,
            self.settings.max_response,
        )
        .await
        .map_err(|error| Outcome::Retryable {
            message: format!("GET {url}: {error}"),
            hints: Hints::default(),
        })?;
        let elapsed = started.elapsed();
        self.count_response(status, body.len());
        let response = Response {
            status,
            headers,
            body: body.to_vec(),
            elapsed,
        };
        self.classify(url, response)
    }

    /// Accept (unless given), the -H headers, the listener's access key for a hooky feed, and
    /// `Prefer: wait` for a long poll.
    pub(super) fn request_headers(&self, url: &str, extra: &[Header]) -> Vec<Header> {
        let mut headers: Vec<Header> = Vec::new();
        if !self
            .settings
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"))
        {
            headers.push(("Accept".into(), "application/json, */*;q=0.5".into()));
        }
        headers.extend(self.settings.headers.iter().chain(extra).cloned());
        if let Some((listener, key)) = &self.hooky_key {
            // Only to that listener, and not on top of a key the user sends with -H.
            let same = reqwest::Url::parse(url).is_ok_and(|u| u.origin() == listener.origin());
            let given = headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(crate::web_view::KEY_HEADER));
            if same && !given {
                headers.push((crate::web_view::KEY_HEADER.into(), key.clone()));
            }
        }
        if let Some(hold) = self.settings.wait {
            headers.push(("Prefer".into(), format!("wait={hold}")));
        }
        headers
    }

    /// The byte counts of the summary: what came, and what would have come without validators.
    pub(super) fn count_response(&mut self, status: u16, body_len: usize) {
        self.counters.bytes += body_len as u64;
        match status {
            304 => {
                self.counters.not_modified += 1;
                self.counters.naive_bytes += self.last_body.as_ref().map_or(0, |b| b.len() as u64);
            }
            _ => {
                if status == 200 {
                    self.counters.ok_200 += 1;
                }
                self.counters.naive_bytes += body_len as u64;
            }
        }
    }

    /// A 2xx or 304 to read; else rate limited, retryable (a 5xx, a `--retry-on` status) or final.
    pub(super) fn classify(&self, url: &str, response: Response) -> Result<Response, Outcome> {
        let status = response.status;
        let hints = Hints::read(&response.headers, SystemTime::now());
        let class = if self.settings.retry_on.contains(&status) {
            StatusClass::Retryable
        } else {
            classify_status(status)
        };
        let rate_limited = pacing::is_rate_limit(status, &hints);
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let described = format!("GET {url} answered {status} {reason}")
            .trim_end()
            .to_string();
        if rate_limited {
            return Err(Outcome::RateLimited {
                message: format!("{described}: rate limited"),
                hints,
            });
        }
        match (status, class) {
            (304, _) | (_, StatusClass::Success) => Ok(response),
            (_, StatusClass::Retryable) => Err(Outcome::Retryable {
                message: described,
                hints,
            }),
            (_, StatusClass::Final) => {
                let mut error = CliError::failed(described);
                if (400..500).contains(&status) {
                    error = error.with_hint(format!(
                        "pass --retry-on {status} to keep polling while the server answers {status}"
                    ));
                }
                Err(Outcome::Final(error))
            }
        }
    }

    /// Says once per validator that the server does not send one asked for (--etag,
    /// --last-modified): every poll then costs a full body.
    pub(super) fn tell_missing_validators(&mut self, status: u16) {
        if status == 304 {
            return;
        }
        for missing in conditional::missing(self.settings.use_validators, &self.validators) {
            if !self.missing_told.contains(&missing) {
                self.missing_told.push(missing);
                self.out
                    .warn(&missing.notice(self.settings.use_validators, &self.validators));
            }
        }
    }
}
