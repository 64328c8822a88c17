//! `listen --forward-to`: relaying a received request to a local app and bringing its answer back.

use std::time::{Duration, Instant};

use crate::capture::ForwardRecord;
use crate::headers::Header;
use crate::http_headers;
use crate::outbound::delivery::{self, Outgoing};

/// The headers relayed to the app: hop-by-hop ones dropped, and those the client recomputes.
pub fn strip_hop_by_hop(headers: &[Header]) -> Vec<Header> {
    http_headers::strip_hop_by_hop(headers)
        .into_iter()
        .filter(|(name, _)| {
            !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("content-length")
        })
        .collect()
}

/// The app's answer, or why there is none and what the sender gets instead.
pub enum Relayed {
    Answer {
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    },
    /// 502 (the app is down or broke the connection) or 504 (it took too long).
    Failed { status: u16, error: String },
}

pub struct Forwarder {
    client: reqwest::Client,
    base: String,
    timeout: Duration,
    max_response: u64,
}

impl Forwarder {
    /// A forwarder to `url`, which listen's settings checked is an http(s) URL.
    pub fn new(url: &str, timeout: Duration, max_response: u64) -> anyhow::Result<Forwarder> {
        Ok(Forwarder {
            client: delivery::client(64)?,
            base: url.trim_end_matches('/').to_string(),
            timeout,
            max_response,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Relays one request: same method, path and query under the base URL, headers minus
    /// hop-by-hop plus `X-Hooky-Verified`, the exact body bytes.
    pub async fn relay(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[Header],
        body: &[u8],
        verified: &str,
    ) -> (Relayed, ForwardRecord) {
        let mut headers = strip_hop_by_hop(headers);
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("x-hooky-verified"));
        headers.push(("X-Hooky-Verified".into(), verified.into()));
        let target = format!("{}{}", self.base, path_and_query);
        let started = Instant::now();
        let result = match join_under(&self.base, path_and_query) {
            Ok(url) => {
                // The parsed URL, not the raw path: its dot-segments were checked against the base.
                let outgoing = Outgoing {
                    method: method.to_string(),
                    url,
                    target: None,
                    headers,
                    body: body.to_vec(),
                };
                delivery::send_once(&self.client, &outgoing, self.timeout, self.max_response).await
            }
            Err(error) => Err(error),
        };
        let latency_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok((status, headers, body)) => (
                Relayed::Answer {
                    status,
                    headers: strip_hop_by_hop(&headers),
                    body,
                },
                ForwardRecord {
                    url: target,
                    status: Some(status),
                    latency_ms,
                    error: None,
                },
            ),
            Err(error) => {
                let status = failed_status(&error);
                (
                    Relayed::Failed {
                        status,
                        error: error.clone(),
                    },
                    ForwardRecord {
                        url: target,
                        status: None,
                        latency_ms,
                        error: Some(error),
                    },
                )
            }
        }
    }
}

/// hooky's answer when the relay failed: 504 when the app took too long, 400 for a path that
/// would leave the base, else 502.
fn failed_status(error: &str) -> u16 {
    if error.starts_with("timed out") {
        504
    } else if error.starts_with(OUTSIDE_BASE) {
        400
    } else {
        502
    }
}

/// The start of the error for a path that would leave the base.
const OUTSIDE_BASE: &str = "the path leaves the --forward-to base";

/// The URL to relay to: `path_and_query` under `base`. The URL parser resolves dot-segments
/// (`/../`, `/%2e%2e/`), so a sender could climb out of `http://app/webhooks/stripe`; the joined
/// URL must keep the base's path as its prefix, or it is refused.
pub fn join_under(base: &str, path_and_query: &str) -> Result<reqwest::Url, String> {
    let base_url = delivery::parse_url(base)?;
    let url = delivery::parse_url(&format!("{base}{path_and_query}"))?;
    let prefix = base_url.path().trim_end_matches('/');
    let rest = url.path().strip_prefix(prefix).unwrap_or("-");
    let same_origin = url.origin() == base_url.origin();
    if same_origin && (rest.is_empty() || rest.starts_with('/')) {
        Ok(url)
    } else {
        Err(format!(
            "{OUTSIDE_BASE} ({base}); dot-segments may not climb out of it"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_under_the_base() {
        let base = "http://app.test/webhooks/stripe";
        let joined = |path: &str| join_under(base, path).map(|u| u.to_string());
        assert_eq!(
            joined("/hooks?a=1").unwrap(),
            "http://app.test/webhooks/stripe/hooks?a=1"
        );
        assert_eq!(joined("/").unwrap(), "http://app.test/webhooks/stripe/");
        assert_eq!(
            joined("/a/../b").unwrap(),
            "http://app.test/webhooks/stripe/b"
        );
        for escape in [
            "/../../admin.txt",
            "/..",
            "/%2e%2e/%2e%2e/admin.txt",
            "/%2E%2e/x",
            "/.%2e/x",
            "/a/../../x",
            "/..\\..\\x",
        ] {
            let error = joined(escape).unwrap_err();
            assert!(error.starts_with(OUTSIDE_BASE), "{escape}: {error}");
        }
        // A base whose path is a prefix of a sibling's name is not that sibling.
        assert!(join_under("http://app.test/hooks", "/../hooksadmin").is_err());
        assert!(join_under("http://app.test", "/../../x").is_ok_and(|u| u.path() == "/x"));
        assert!(join_under("http://app.test/", "/x").is_ok());
    }

    #[test]
    fn hop_by_hop_headers_are_dropped() {
        let h = |n: &str, v: &str| (n.to_string(), v.to_string());
        let headers = vec![
            h("Host", "a"),
            h("Connection", "keep-alive, X-Private"),
            h("x-private", "1"),
            h("Content-Length", "3"),
            h("Transfer-Encoding", "chunked"),
            h("X-Dup", "1"),
            h("X-Dup", "2"),
            h("Stripe-Signature", "t=1,v1=ab"),
        ];
        assert_eq!(
            strip_hop_by_hop(&headers),
            vec![
                h("X-Dup", "1"),
                h("X-Dup", "2"),
                h("Stripe-Signature", "t=1,v1=ab")
            ]
        );
    }
}
