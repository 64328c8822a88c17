//! Renderings of an outgoing request for people: the exact HTTP/1.1 request (`send --dry-run`,
//! `replay --dry-run`) and a copy-pasteable curl command (`send --curl`, `replay --export curl`).
//! Pure.
//!
//! Headers that would reveal a secret ([`crate::secret::reveals_secret`]: GitLab's token, a value
//! that is one of the secrets) are redacted: `(redacted)` in the request text, and `$HOOKY_SECRET`
//! in the curl command, so the command still works when that variable is set.

use crate::outbound::delivery::Outgoing;
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
    curl_command_to(request, request.url.as_str(), secrets)
}

/// [`curl_command`] with the URL spelled as given (a replay's query bytes as captured, which the
/// parsed URL may have re-escaped).
pub fn curl_command_to(request: &Outgoing, url: &str, secrets: &[&[u8]]) -> String {
    // curl reads `[…]` and `{…}` in a URL as ranges and sets, sending many requests: not here.
    let globoff = if url.contains(['[', ']', '{', '}']) {
        " --globoff"
    } else {
        ""
    };
    let mut parts = vec![format!(
        "curl -sS{globoff} -X {} {}",
        shell_quote(&request.method),
        shell_quote(url)
    )];
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        parts.push(format!("-H {}", header_argument(name, value, secrets)));
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

/// One `-H` argument, quoted for the shell. The name is quoted like the value (a header name from a
/// capture or HAR is untrusted too). Secrets inside the value become `$HOOKY_SECRET`, so the command
/// still works when that variable is set; a token header's whole value is the secret.
fn header_argument(name: &str, value: &str, secrets: &[&[u8]]) -> String {
    let spans = if crate::secret::TOKEN_HEADERS
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
    {
        std::iter::once(0..value.len()).collect()
    } else {
        crate::secret::secret_spans(value, secrets)
    };
    if spans.is_empty() {
        return shell_quote(&format!("{name}: {value}"));
    }
    // The literal pieces between the secrets, with the `name: ` in front of the first.
    let mut literals = Vec::with_capacity(spans.len() + 1);
    let mut at = 0;
    for span in &spans {
        literals.push(value.get(at..span.start).unwrap_or_default().to_string());
        at = span.end;
    }
    literals.push(value.get(at..).unwrap_or_default().to_string());
    literals[0] = format!("{name}: {}", literals[0]);
    if literals.iter().all(|l| !needs_ansi_c(l)) {
        // Readable form: one double-quoted word.
        let inner: Vec<String> = literals.iter().map(|l| double_quote_escape(l)).collect();
        return format!("\"{}\"", inner.join("$HOOKY_SECRET"));
    }
    // Control bytes need `$'…'`, which does not expand variables: join quoted pieces instead.
    let quoted: Vec<String> = literals
        .iter()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                shell_quote(l)
            }
        })
        .collect();
    quoted.join("\"$HOOKY_SECRET\"")
}

/// Whether text holds control characters other than newline and tab, which need `$'…'`.
fn needs_ansi_c(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Quotes a word for a POSIX shell: plain words as they are, others in single quotes; control
/// characters (which a header could smuggle in) as bash `$'…'` escapes, so the command stays
/// readable and safe to print. Byte-exact: a control character outside ASCII (C1) is written as
/// the `\xHH` escapes of its UTF-8 bytes; every other character is kept as it is.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if plain {
        return text.to_string();
    }
    if needs_ansi_c(text) {
        let mut quoted = String::from("$'");
        for c in text.chars() {
            match c {
                '\'' => quoted.push_str("\\'"),
                '\\' => quoted.push_str("\\\\"),
                c if c.is_control() => {
                    let mut utf8 = [0; 4];
                    for byte in c.encode_utf8(&mut utf8).bytes() {
                        quoted.push_str(&format!("\\x{byte:02x}"));
                    }
                }
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
            target: None,
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
    fn header_names_are_quoted_like_values() {
        let hostile = Outgoing {
            headers: vec![
                ("Authorization $(touch x)".into(), "Bearer s3cret".into()),
                ("X-`id`".into(), "v".into()),
            ],
            body: vec![],
            ..request()
        };
        let curl = curl_command(&hostile, &[b"s3cret"]);
        assert!(
            curl.contains(r#"-H "Authorization \$(touch x): Bearer $HOOKY_SECRET""#),
            "{curl}"
        );
        assert!(curl.contains("-H 'X-`id`: v'"), "{curl}");
    }

    #[test]
    fn secrets_anywhere_in_a_value_come_from_the_shell() {
        let headers = |value: &str| Outgoing {
            headers: vec![("X-Auth".into(), value.into())],
            body: vec![],
            ..request()
        };
        let curl = curl_command(&headers("k=s3cret,v=1"), &[b"s3cret"]);
        assert!(
            curl.ends_with(r#"-H "X-Auth: k=$HOOKY_SECRET,v=1""#),
            "{curl}"
        );
        // A control byte beside the secret: `$'…'` pieces around a double-quoted variable.
        let curl = curl_command(&headers("a\x01s3cret"), &[b"s3cret"]);
        assert!(
            curl.ends_with(r#"-H $'X-Auth: a\x01'"$HOOKY_SECRET""#),
            "{curl}"
        );
        assert!(!curl.contains("s3cret"));
    }

    #[test]
    fn urls_with_brackets_or_braces_are_not_globbed() {
        let request = request();
        let curl = curl_command_to(&request, "http://127.0.0.1:8080/h?s={a,b}&r=[1-3]", &[]);
        assert!(
            curl.starts_with(
                "curl -sS --globoff -X POST 'http://127.0.0.1:8080/h?s={a,b}&r=[1-3]'"
            ),
            "{curl}"
        );
        assert!(curl_command(&request, &[]).starts_with("curl -sS -X POST "));
    }

    #[test]
    fn c1_characters_keep_their_utf8_bytes() {
        // U+0085 is C2 85 in UTF-8: `$'\x85'` alone would be one byte, not the captured two.
        assert_eq!(shell_quote("a\u{85}b"), r"$'a\xc2\x85b'");
        assert_eq!(shell_quote("é\x1b✓"), r"$'é\x1b✓'");
        assert_eq!(shell_quote("it's\x07"), r"$'it\'s\x07'");
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
