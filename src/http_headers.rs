//! Header rules for relaying a request onward (`listen --forward-to`, `replay`): which headers
//! belong to one connection and must not travel. Pure.

use crate::headers::{Header, get_all};

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
        // Both lists are in lower case: compared without a lower-case copy of `name` (a replay asks
        // for every header of every capture).
        name.starts_with(':')
            || HOP_BY_HOP.iter().any(|h| h.eq_ignore_ascii_case(name))
            || self.named.iter().any(|n| n.eq_ignore_ascii_case(name))
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

/// Whether `name` is an RFC 9110 token (`1*tchar`), the only form a header name may take.
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Refuses headers whose name is not a token: a capture or HAR file is untrusted input, and such a
/// name can only have been made up (an HTTP parser never lets one through), e.g. to break out of
/// the quotes of an exported curl command. The name is not quoted back.
pub fn check_names(headers: &[Header]) -> Result<(), String> {
    match headers.iter().position(|(name, _)| !is_token(name)) {
        Some(index) => Err(format!(
            "header #{} has a name that is not an HTTP token (RFC 9110)",
            index + 1
        )),
        None => Ok(()),
    }
}

/// Whether `host` is `name[:port]` or `[v6][:port]`: a host name or IPv4 address (letters, digits,
/// `-`, `.`, and `_` as in a container's name), or a bracketed IPv6 address, and a port of digits;
/// nothing else (`@`, `/`, `%`…).
pub fn is_plain_authority(host: &str) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, after)) if v6.parse::<std::net::Ipv6Addr>().is_ok() => match after {
                "" => return true,
                _ => match after.strip_prefix(':') {
                    Some(port) => ("v6", Some(port)),
                    None => return false,
                },
            },
            _ => return false,
        },
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok()
    });
    name_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_names_match_in_any_case_and_only_whole() {
        let headers = vec![(
            "CONNECTION".to_string(),
            " X-Private , ,Keep-Alive".to_string(),
        )];
        let hop = HopByHop::of(&headers);
        for name in [
            "connection",
            "Connection",
            "TE",
            "x-private",
            "X-PRIVATE",
            ":path",
            "Expect",
        ] {
            assert!(hop.contains(name), "{name}");
        }
        for name in [
            "x-privat",
            "x-private2",
            "t",
            "",
            "conn",
            "Content-Type",
            "x-prıvate",
        ] {
            assert!(!hop.contains(name), "{name}");
        }
    }

    #[test]
    fn plain_authorities() {
        for good in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "a-b.example",
            "my_app:3000",
            "[::1]",
            "[::1]:80",
        ] {
            assert!(is_plain_authority(good), "{good}");
        }
        for bad in [
            "",
            ":80",
            "localhost:8080@attacker",
            "a/b",
            "h:99999",
            "h:",
            "h:8x",
            "[::1]x",
            "[zz]:1",
            "a%2e",
            "u@h",
            "h:1:2",
            "h h",
        ] {
            assert!(!is_plain_authority(bad), "{bad}");
        }
    }

    #[test]
    fn header_names_must_be_tokens() {
        for good in ["Content-Type", "X-Hub-Signature-256", "a!#$%&'*+-.^_`|~9"] {
            assert!(is_token(good), "{good}");
        }
        for bad in [
            "",
            "Authorization $(touch x)",
            "X:Y",
            "X\"",
            "Ü",
            "a\tb",
            "a(b)",
        ] {
            assert!(!is_token(bad), "{bad}");
        }
        let h = |n: &str| (n.to_string(), "v".to_string());
        assert!(check_names(&[h("A"), h("B")]).is_ok());
        assert_eq!(
            check_names(&[h("A"), h("B C")]).unwrap_err(),
            "header #2 has a name that is not an HTTP token (RFC 9110)"
        );
    }

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
