//! Renderings of an outgoing request for people: the exact HTTP/1.1 request (`send --dry-run`) and a
//! copy-pasteable curl command (`send --curl`). Pure.
//!
//! Headers that would reveal a secret (the GitLab token, which is the secret itself) are redacted:
//! `<redacted>` in the request, and `$HOOKY_SECRET` in the curl command so it still works when the
//! variable is set.

use crate::delivery::Outgoing;
use crate::signature::Header;

/// What a redacted header's value becomes in `--dry-run` output.
pub const REDACTED: &str = "<redacted>";

/// The request as it goes on the wire (HTTP/1.1 form), `Host` and `Content-Length` included.
pub fn http_text(request: &Outgoing, secret_headers: &[String]) -> String {
    let (host, target) = host_and_target(&request.url);
    let mut text = format!("{} {} HTTP/1.1\nHost: {}\n", request.method, target, host);
    for (name, value) in &request.headers {
        let value = if is_secret(name, secret_headers) {
            REDACTED
        } else {
            value.as_str()
        };
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push_str(&format!("Content-Length: {}\n\n", request.body.len()));
    text.push_str(&String::from_utf8_lossy(&request.body));
    text
}

/// A curl command that sends the same request; one option per line.
pub fn curl_command(request: &Outgoing, secret_headers: &[String]) -> String {
    let mut parts = vec![format!(
        "curl -sS -X {} {}",
        request.method,
        shell_quote(&request.url)
    )];
    for (name, value) in &request.headers {
        if is_secret(name, secret_headers) {
            // Double quotes so the shell expands the variable; the name is a token, safe unquoted.
            parts.push(format!("-H \"{name}: $HOOKY_SECRET\""));
        } else {
            parts.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
        }
    }
    parts.push(format!(
        "--data-binary {}",
        shell_quote(&String::from_utf8_lossy(&request.body))
    ));
    parts.join(" \\\n  ")
}

fn is_secret(name: &str, secret_headers: &[String]) -> bool {
    secret_headers.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// Single-quotes text for a POSIX shell (`'` becomes `'\''`).
pub fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if safe {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// `http://host:port/path?q` → (`host:port`, `/path?q`).
fn host_and_target(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (host.to_string(), target)
}

/// The headers of `headers` that carry a secret for `scheme` (only GitLab sends its secret).
pub fn secret_headers(scheme: crate::signature::Scheme) -> Vec<String> {
    match scheme {
        crate::signature::Scheme::Gitlab => vec!["x-gitlab-token".into()],
        _ => Vec::new(),
    }
}

/// The header list with secret values redacted, for `--json` records.
pub fn redacted(headers: &[Header], secret_headers: &[String]) -> Vec<Header> {
    headers
        .iter()
        .map(|(n, v)| {
            let v = if is_secret(n, secret_headers) {
                REDACTED
            } else {
                v
            };
            (n.clone(), v.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Outgoing {
        Outgoing {
            method: "POST".into(),
            url: "http://127.0.0.1:8080/hooks?x=1".into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Gitlab-Token".into(), "tok".into()),
            ],
            body: br#"{"note":"it's"}"#.to_vec(),
        }
    }

    #[test]
    fn dry_run_is_the_wire_format_without_the_secret() {
        let text = http_text(&request(), &["x-gitlab-token".into()]);
        assert_eq!(
            text,
            "POST /hooks?x=1 HTTP/1.1\nHost: 127.0.0.1:8080\nContent-Type: application/json\nX-Gitlab-Token: <redacted>\nContent-Length: 15\n\n{\"note\":\"it's\"}"
        );
        assert!(!text.contains("tok\n"));
    }

    #[test]
    fn curl_quotes_for_the_shell() {
        let curl = curl_command(&request(), &["x-gitlab-token".into()]);
        assert_eq!(
            curl,
            "curl -sS -X POST 'http://127.0.0.1:8080/hooks?x=1' \\\n  -H 'Content-Type: application/json' \\\n  -H \"X-Gitlab-Token: $HOOKY_SECRET\" \\\n  --data-binary '{\"note\":\"it'\\''s\"}'"
        );
        assert_eq!(shell_quote("plain"), "plain");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm)"), "'$(rm)'");
    }

    #[test]
    fn targets() {
        assert_eq!(host_and_target("http://h:1"), ("h:1".into(), "/".into()));
        assert_eq!(host_and_target("https://u@h/a"), ("h".into(), "/a".into()));
        assert_eq!(host_and_target("http://h?q"), ("h".into(), "/?q".into()));
    }
}
