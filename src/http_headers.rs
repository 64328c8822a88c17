//! Header rules for relaying a request onward (`listen --forward-to`, `replay`): which headers
//! belong to one connection and must not travel. Pure.

use crate::signature::{Header, get_all};

/// Headers that describe one connection, not the request (RFC 9110 §7.6.1), plus `Expect`, which
/// asks the transport for a 100-continue exchange hooky's client does not do.
const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
];

/// Decides which headers of one request are hop-by-hop: the fixed list, HTTP/2 pseudo-headers, and
/// whatever that request's `Connection` header names.
pub struct HopByHop {
    named: Vec<String>,
}

impl HopByHop {
    pub fn of(headers: &[Header]) -> Self {
        let named = get_all(headers, "connection")
            .iter()
            .flat_map(|v| v.split(','))
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        HopByHop { named }
    }

    pub fn contains(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        name.starts_with(':') || HOP_BY_HOP.contains(&lower.as_str()) || self.named.contains(&lower)
    }
}

/// The headers without hop-by-hop ones.
pub fn strip_hop_by_hop(headers: &[Header]) -> Vec<Header> {
    let hop = HopByHop::of(headers);
    headers
        .iter()
        .filter(|(name, _)| !hop.contains(name))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, value: &str) -> Header {
        (name.into(), value.into())
    }

    #[test]
    fn drops_connection_headers_and_those_it_names() {
        let headers = vec![
            h("Connection", "keep-alive, X-Trace"),
            h("X-Trace", "1"),
            h("Transfer-Encoding", "chunked"),
            h("Expect", "100-continue"),
            h(":authority", "example"),
            h("Content-Type", "application/json"),
            h("X-Hub-Signature-256", "sha256=00"),
        ];
        assert_eq!(
            strip_hop_by_hop(&headers),
            vec![
                h("Content-Type", "application/json"),
                h("X-Hub-Signature-256", "sha256=00")
            ]
        );
    }
}
