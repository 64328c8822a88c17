//! Renderings of an outgoing request for people: the exact HTTP/1.1 request (`send --dry-run`,
//! `replay --dry-run`) and a copy-pasteable curl command (`send --curl`, `replay --export curl`).
//! Pure.
//!
//! Headers that would reveal a secret ([`crate::secret::reveals_secret`]: GitLab's token, a value
//! that is one of the secrets) are redacted: `(redacted)` in the request text, and `$HOOKY_SECRET`
//! in the curl command, so the command still works when that variable is set.

use crate::delivery::Outgoing;
use crate::secret::{REDACTED, reveals_secret};

/// The request as it goes on the wire (HTTP/1.1 form), `Host` and `Content-Length` included.
pub fn http_text(request: &Outgoing, secrets: &[&[u8]]) -> String {
    let (host, target) = host_and_target(request.url.as_str());
    let mut text = format!("{} {} HTTP/1.1\nHost: {}\n", request.method, target, host);
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("host") {
            continue;
        }
        let value = if reveals_secret(name, value, secrets) {
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

/// A POSIX shell command that sends `request` with curl, byte for byte; one option per line.
/// Text bodies go inline; bodies that are not UTF-8 or hold control bytes are piped in from
/// `printf` with octal escapes. `Content-Length` is left to curl.
pub fn curl_command(request: &Outgoing, secrets: &[&[u8]]) -> String {
    let mut parts = vec![format!(
        "curl -sS -X {} {}",
        shell_quote(&request.method),
        shell_quote(request.url.as_str())
    )];
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        if reveals_secret(name, value, secrets) {
            // The secret is its last word (or the whole value): let the shell supply it.
            let prefix = value.trim().rsplit_once(' ').map_or("", |(p, _)| p);
            let prefix = if prefix.is_empty() {
                String::new()
            } else {
                format!("{} ", double_quote_escape(prefix))
            };
            parts.push(format!("-H \"{name}: {prefix}$HOOKY_SECRET\""));
        } else {
            parts.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
        }
    }
    let text = std::str::from_utf8(&request.body)
        .ok()
        .filter(|t| !t.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
    match text {
        _ if request.body.is_empty() => parts.join(" \\\n  "),
        Some(text) => {
            parts.push(format!("--data-binary {}", shell_quote(text)));
            parts.join(" \\\n  ")
        }
        None => {
            parts.push("--data-binary @-".into());
            format!(
                "printf '{}' | {}",
                printf_escape(&request.body),
                parts.join(" \\\n  ")
            )
        }
    }
}

/// Quotes a word for a POSIX shell: plain words as they are, others in single quotes; control
/// characters (which a header could smuggle in) as bash `$'…'` escapes, so the command stays
/// readable and safe to print.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if plain {
        return text.to_string();
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        let mut quoted = String::from("$'");
        for c in text.chars() {
            match c {
                '\'' => quoted.push_str("\\'"),
                '\\' => quoted.push_str("\\\\"),
                c if c.is_control() => quoted.push_str(&format!("\\x{:02x}", c as u32 & 0xff)),
                c => quoted.push(c),
            }
        }
        quoted.push('\'');
        return quoted;
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Escapes text for use inside double quotes, where the shell still expands `$`, `` ` `` and `\`.
fn double_quote_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Bytes as a printf format that prints exactly them: printable ASCII as is, the rest octal.
fn printf_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' | b'\'' => out.push_str(&format!("\\{b:03o}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Outgoing {
        Outgoing {
            method: "POST".into(),
            url: reqwest::Url::parse("http://127.0.0.1:8080/hooks?x=1").unwrap(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Gitlab-Token".into(), "tok".into()),
                ("Authorization".into(), "Bearer s3cret".into()),
                ("Content-Length".into(), "99".into()),
            ],
            body: br#"{"note":"it's"}"#.to_vec(),
        }
    }

    #[test]
    fn dry_run_is_the_wire_format_without_the_secret() {
        let text = http_text(&request(), &[b"s3cret"]);
        assert_eq!(
            text,
            "POST /hooks?x=1 HTTP/1.1\nHost: 127.0.0.1:8080\nContent-Type: application/json\nX-Gitlab-Token: (redacted)\nAuthorization: (redacted)\nContent-Length: 15\n\n{\"note\":\"it's\"}"
        );
    }

    #[test]
    fn curl_quotes_for_the_shell_and_lets_it_supply_secrets() {
        let curl = curl_command(&request(), &[b"s3cret"]);
        assert_eq!(
            curl,
            "curl -sS -X POST 'http://127.0.0.1:8080/hooks?x=1' \\\n  -H 'Content-Type: application/json' \\\n  -H \"X-Gitlab-Token: $HOOKY_SECRET\" \\\n  -H \"Authorization: Bearer $HOOKY_SECRET\" \\\n  --data-binary '{\"note\":\"it'\\''s\"}'"
        );
        assert!(!curl.contains("s3cret") && !curl.contains("tok"));
        assert_eq!(shell_quote("plain"), "plain");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm)"), "'$(rm)'");
        assert_eq!(shell_quote("a\x1bb"), r"$'a\x1bb'");
    }

    #[test]
    fn binary_bodies_are_piped_from_printf() {
        let binary = Outgoing {
            body: vec![0, b'%', b'\\', b'a', 255],
            headers: vec![],
            ..request()
        };
        assert_eq!(
            curl_command(&binary, &[]),
            "printf '\\000%%\\134a\\377' | curl -sS -X POST 'http://127.0.0.1:8080/hooks?x=1' \\\n  --data-binary @-"
        );
    }

    #[test]
    fn targets() {
        assert_eq!(host_and_target("http://h:1"), ("h:1".into(), "/".into()));
        assert_eq!(host_and_target("https://u@h/a"), ("h".into(), "/a".into()));
        assert_eq!(host_and_target("http://h?q"), ("h".into(), "/?q".into()));
    }
}
