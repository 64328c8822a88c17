//! Secrets: a newtype that never shows its value in `Debug` or `Display`, and the loading of secrets
//! from `--secret`, `HOOKY_SECRET` and `--secret-file`.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::exit::CliError;
use crate::headers::Header;

/// What a header value that would reveal a secret is shown, captured and exported as.
pub const REDACTED: &str = "(redacted)";

/// Headers whose value is a shared secret by definition (GitLab's token is the secret itself), so
/// they are redacted even when the value is not one of ours: it may be someone else's secret.
pub(crate) const TOKEN_HEADERS: [&str; 1] = ["x-gitlab-token"];

/// Where the secrets a command uses came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The user's: `--secret`, `HOOKY_SECRET`, secret files (named, joined with " and "). Never
    /// shown; a receiver enforces them.
    Given(String),
    /// The project's development secret, at this path (as shown to people).
    Development(String),
}

/// The secrets a command signs or verifies with, and where they came from.
#[derive(Debug, Clone)]
pub struct Secrets {
    pub list: Vec<Secret>,
    pub origin: Origin,
}

impl Secrets {
    pub fn is_development(&self) -> bool {
        matches!(self.origin, Origin::Development(_))
    }
}

/// A secret key or token. Its value is only reachable through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl FromStr for Secret {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.is_empty() {
            return Err("the secret is empty".into());
        }
        Ok(Secret(value.to_string()))
    }
}

/// Reads secrets from a file: one per non-empty line, surrounding whitespace trimmed.
pub fn read_secret_file(path: &Path) -> anyhow::Result<Vec<Secret>> {
    let text = std::fs::read_to_string(path).map_err(|error| unreadable(path, &error))?;
    let secrets: Vec<Secret> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(Secret::new)
        .collect();
    if secrets.is_empty() {
        return Err(CliError::usage(format!(
            "the secret file {} holds no secret",
            path.display()
        ))
        .into());
    }
    Ok(secrets)
}

/// Why a secret file cannot be read, in words, with what to do about it.
fn unreadable(path: &Path, error: &std::io::Error) -> CliError {
    let shown = path.display();
    let (why, hint) = match error.kind() {
        std::io::ErrorKind::NotFound => (
            "it does not exist".to_string(),
            "check the path, or give the secret with HOOKY_SECRET instead".to_string(),
        ),
        std::io::ErrorKind::PermissionDenied => (
            "permission denied".to_string(),
            format!("check its owner and mode (ls -l {shown}); hooky needs to read it"),
        ),
        std::io::ErrorKind::IsADirectory => (
            "it is a folder".to_string(),
            "give the file that holds the secret, one per line".to_string(),
        ),
        std::io::ErrorKind::InvalidData => (
            "it is not UTF-8 text".to_string(),
            "a secret file holds one secret per line, as text".to_string(),
        ),
        _ => (
            error.to_string(),
            "check the path and the file's permissions".to_string(),
        ),
    };
    CliError::usage(format!("cannot read the secret file {shown}: {why}")).with_hint(hint)
}

/// The secrets as byte slices, the form the signature core takes.
pub fn as_keys(secrets: &[Secret]) -> Vec<&[u8]> {
    secrets.iter().map(Secret::expose).collect()
}

/// Whether a header would reveal a secret: a token header, or a value that contains one of
/// `secrets` anywhere (`Bearer <secret>`, `token=<secret>`, `a,<secret>`, after a tab…).
pub fn reveals_secret(name: &str, value: &str, secrets: &[&[u8]]) -> bool {
    TOKEN_HEADERS.iter().any(|t| name.eq_ignore_ascii_case(t)) | contains_secret(value, secrets)
}

/// Whether `text` contains one of `secrets`. Every window is compared in constant time and the
/// results are combined without branching, so the time depends on the lengths only.
pub fn contains_secret(text: &str, secrets: &[&[u8]]) -> bool {
    let text = text.as_bytes();
    let mut found = subtle::Choice::from(0);
    for secret in secrets {
        for_each_block(text, secret, |differences| {
            let zeros = differences
                .iter()
                .fold(0u8, |any, &difference| any | is_zero(difference));
            found |= subtle::Choice::from(zeros);
        });
    }
    found.into()
}

/// Calls `each` with the differences (see [`window_differences`]) of every window of `text` as
/// long as `secret`, in blocks of at most [`BLOCK`], left to right; an empty secret has none.
fn for_each_block(text: &[u8], secret: &[u8], mut each: impl FnMut(&[u8])) {
    if secret.is_empty() {
        return;
    }
    let windows = (text.len() + 1).saturating_sub(secret.len());
    let mut differences = [0u8; BLOCK];
    for base in (0..windows).step_by(BLOCK) {
        let len = window_differences(text, secret, base, windows, &mut differences);
        each(&differences[..len]);
    }
}

/// Window starts looked at per round by [`window_differences`].
const BLOCK: usize = 64;

/// For the windows of `text` as long as `secret` that start at `base`, `base + 1`, … (at most
/// [`BLOCK`] of them, none at or past `windows`): the OR of the XOR of each byte pair, zero exactly
/// where the window equals `secret`, into `differences`; returns how many. Built one byte of the
/// secret at a time over all the windows (a loop the compiler vectorises), without an early exit:
/// the time depends on the lengths only. Comparing window by window costs a pass per window over
/// the secret, with a barrier each, and every header of every request is looked through.
fn window_differences(
    text: &[u8],
    secret: &[u8],
    base: usize,
    windows: usize,
    differences: &mut [u8; BLOCK],
) -> usize {
    let len = (windows - base).min(BLOCK);
    if secret.len() + BLOCK <= PADDED {
        padded_differences(text, secret, base, differences);
        return len;
    }
    let differences = &mut differences[..len];
    differences.fill(0);
    for (j, &byte) in secret.iter().enumerate() {
        let bytes = &text[base + j..base + j + len];
        for (difference, &b) in differences.iter_mut().zip(bytes) {
            *difference |= b ^ byte;
        }
    }
    len
}

/// The most text [`padded_differences`] copies: a block's starts and a secret of up to
/// `PADDED - BLOCK` bytes.
const PADDED: usize = 256;

/// [`window_differences`] for all [`BLOCK`] starts from `base` at once: the text from `base` is
/// copied with zeros past its end, so each byte of the secret meets a fixed 64 bytes (a few wide
/// operations) rather than as many as there are windows (whose remainder went a byte at a time:
/// ~1.5k instructions for a signature header). The starts past the last window compare with the
/// zeros and are left out by the caller. No early exit; the time depends on the lengths only.
fn padded_differences(text: &[u8], secret: &[u8], base: usize, differences: &mut [u8; BLOCK]) {
    let mut padded = [0u8; PADDED];
    let end = text.len().min(base + secret.len() + BLOCK - 1);
    padded[..end - base].copy_from_slice(&text[base..end]);
    differences.fill(0);
    for (j, &byte) in secret.iter().enumerate() {
        if let Some(bytes) = padded[j..].first_chunk::<BLOCK>() {
            for (difference, &b) in differences.iter_mut().zip(bytes) {
                *difference |= b ^ byte;
            }
        }
    }
}

/// 1 when `byte` is zero, else 0, by arithmetic rather than a comparison.
fn is_zero(byte: u8) -> u8 {
    (u16::from(byte).wrapping_sub(1) >> 8) as u8 & 1
}

/// Where the secrets occur in `text`: non-overlapping byte ranges, left to right (the longest
/// secret wins where two start at the same place). Windows are compared in constant time (see
/// [`contains_secret`]); only where a secret occurs does the walk that picks the ranges run.
pub fn secret_spans(text: &str, secrets: &[&[u8]]) -> Vec<std::ops::Range<usize>> {
    if !contains_secret(text, secrets) {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    // For each secret, whether it occurs at each start.
    let starts: Vec<Vec<bool>> = secrets
        .iter()
        .map(|secret| {
            let mut at = Vec::with_capacity(bytes.len());
            for_each_block(bytes, secret, |differences| {
                at.extend(differences.iter().map(|&d| is_zero(d) == 1));
            });
            at
        })
        .collect();
    let mut spans = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let matched = secrets
            .iter()
            .zip(&starts)
            .filter(|(_, at)| at.get(start).copied().unwrap_or(false))
            .map(|(s, _)| s.len())
            .max();
        match matched {
            Some(len) => {
                spans.push(start..start + len);
                start += len;
            }
            None => start += 1,
        }
    }
    spans
}

/// A query string (or a URL) with the value of every `hub.verify_token` replaced, for printing and capturing: it
/// is a shared secret, whether or not it is ours.
pub fn redact_query_tokens(query: &str) -> std::borrow::Cow<'_, str> {
    if !query.contains("hub.verify_token=") && !query.contains("hub%2Everify_token=") {
        return query.into();
    }
    let parts: Vec<String> = query
        .split('&')
        .map(|part| match part.split_once('=') {
            Some((name, _))
                if form_urlencoded::parse(name.rsplit('?').next().unwrap_or(name).as_bytes())
                    .next()
                    .is_some_and(|(n, _)| n == "hub.verify_token") =>
            {
                format!("{name}={}", REDACTED)
            }
            _ => part.to_string(),
        })
        .collect();
    parts.join("&").into()
}

/// `text` with every occurrence of a secret replaced by [`REDACTED`]: for strings that are shown
/// whole (a query string, a verdict's reason in an old capture).
pub fn redact_text(text: &str, secrets: &[&[u8]]) -> String {
    let spans = secret_spans(text, secrets);
    if spans.is_empty() {
        return text.to_string();
    }
    with_spans_redacted(text, &spans)
}

/// [`redact_text`] on text the caller owns: returned as it is (no copy) when it holds no secret.
pub fn redact_owned(text: String, secrets: &[&[u8]]) -> String {
    let spans = secret_spans(&text, secrets);
    if spans.is_empty() {
        return text;
    }
    with_spans_redacted(&text, &spans)
}

/// `text` with each of `spans` (in order, not overlapping) replaced by [`REDACTED`].
fn with_spans_redacted(text: &str, spans: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        // Secrets are UTF-8, so spans fall on char boundaries; lossy slicing just avoids a panic.
        out.push_str(&String::from_utf8_lossy(&text.as_bytes()[at..span.start]));
        out.push_str(REDACTED);
        at = span.end;
    }
    out.push_str(&String::from_utf8_lossy(&text.as_bytes()[at..]));
    out
}

/// [`redact_headers`] on headers the caller owns: nothing is copied, only a value that would reveal
/// a secret is replaced.
pub fn redact_headers_in_place(headers: &mut [Header], secrets: &[&[u8]]) {
    for (name, value) in headers.iter_mut() {
        if reveals_secret(name, value, secrets) {
            *value = REDACTED.to_string();
        }
    }
}

/// The headers with every value that would reveal a secret replaced by [`REDACTED`].
pub fn redact_headers(headers: &[Header], secrets: &[&[u8]]) -> Vec<Header> {
    headers
        .iter()
        .map(|(name, value)| {
            if reveals_secret(name, value, secrets) {
                (name.clone(), REDACTED.to_string())
            } else {
                (name.clone(), value.clone())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacting_in_place_matches_redacting_a_copy() {
        let secrets: [&[u8]; 1] = [b"hunter2"];
        let headers: Vec<Header> = vec![
            ("authorization".into(), "Bearer hunter2".into()),
            ("x-api-key".into(), "nothing secret".into()),
            ("x-other".into(), "a,hunter2,b".into()),
            ("content-type".into(), "application/json".into()),
        ];
        let copy = redact_headers(&headers, &secrets);
        let mut owned = headers.clone();
        redact_headers_in_place(&mut owned, &secrets);
        assert_eq!(owned, copy);
        assert_eq!(owned[3], headers[3]);
        assert!(owned.iter().all(|(_, v)| !v.contains("hunter2")));
    }

    #[test]
    fn never_shows_its_value() {
        let secret: Secret = "hunter2".parse().unwrap();
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Secret(redacted) (redacted)"
        );
        assert_eq!(secret.expose(), b"hunter2");
        assert!("".parse::<Secret>().is_err());
    }

    #[test]
    fn headers_that_reveal_a_secret_are_redacted() {
        let h = |n: &str, v: &str| (n.to_string(), v.to_string());
        let headers = vec![
            h("X-Gitlab-Token", "someone-elses-token"),
            h("Authorization", "Bearer s3cret"),
            h("X-Api-Key", " s3cret "),
            h("X-Signature", "s3cret-not-quite"),
            h("X-Tab", "Bearer\ts3cret"),
            h("X-Kv", "token=s3cret;x=1"),
            h("X-List", "a,s3cret"),
            h("X-Ok", "it's s3cre"),
        ];
        let shown = redact_headers(&headers, &[b"other", b"s3cret"]);
        let values: Vec<&str> = shown.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values[..7], [REDACTED; 7]);
        assert_eq!(values[7], "it's s3cre");
        assert_eq!(redact_headers(&headers[7..], &[]), headers[7..].to_vec());
    }

    #[test]
    fn secrets_inside_text_are_replaced() {
        let keys: [&[u8]; 2] = [b"s3cret", b"s3cret-long"];
        assert_eq!(
            redact_text("a=s3cret&b=s3cret-long&c=s3cr", &keys),
            "a=(redacted)&b=(redacted)&c=s3cr"
        );
        assert_eq!(redact_text("ünï s3cret ✓", &keys), "ünï (redacted) ✓");
        assert_eq!(redact_text("nothing", &keys), "nothing");
        assert_eq!(redact_text("s3cret", &[]), "s3cret");
        assert_eq!(secret_spans("xs3crets3cret", &keys), vec![1..7, 7..13]);
        assert!(contains_secret("x\ts3cret", &keys));
        assert!(!contains_secret("s3cre", &keys));
    }

    #[test]
    fn owned_text_is_redacted_as_borrowed_text_is() {
        let keys: [&[u8]; 2] = [b"s3cret", b"s3cret-long"];
        for text in [
            "a=s3cret&b=s3cret-long&c=s3cr",
            "ünï s3cret ✓",
            "nothing",
            "",
            "s3cre",
        ] {
            assert_eq!(
                redact_owned(text.to_string(), &keys),
                redact_text(text, &keys)
            );
        }
        // Nothing to redact: the same allocation comes back.
        let text = String::from("/hooks/stripe");
        let at = text.as_ptr();
        let redacted = redact_owned(text, &keys);
        assert_eq!(redacted.as_ptr(), at);
    }

    /// The window-by-window search the vectorised one replaced, as the reference.
    fn contains_secret_by_window(text: &str, secrets: &[&[u8]]) -> bool {
        secrets
            .iter()
            .filter(|s| !s.is_empty())
            .any(|s| text.as_bytes().windows(s.len()).any(|w| w == *s))
    }

    fn secret_spans_by_window(text: &str, secrets: &[&[u8]]) -> Vec<std::ops::Range<usize>> {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            let matched = secrets
                .iter()
                .filter(|s| !s.is_empty() && bytes[start..].starts_with(s))
                .map(|s| s.len())
                .max();
            match matched {
                Some(len) => {
                    spans.push(start..start + len);
                    start += len;
                }
                None => start += 1,
            }
        }
        spans
    }

    #[test]
    fn secrets_are_found_across_block_edges_and_at_either_end() {
        let secret = b"k3y";
        for len in [
            0usize, 1, 2, 3, 4, 63, 64, 65, 66, 67, 127, 128, 129, 130, 200,
        ] {
            for at in 0..(len + 1).saturating_sub(3) {
                let mut text = vec![b'.'; len];
                text[at..at + 3].copy_from_slice(secret);
                let text = String::from_utf8(text).unwrap();
                assert!(contains_secret(&text, &[b"zz", secret]), "{len} {at}");
                assert_eq!(secret_spans(&text, &[secret]), vec![at..at + 3]);
            }
            let text = ".".repeat(len) + "k3";
            assert!(!contains_secret(&text, &[secret]), "{len}");
            assert_eq!(secret_spans(&text, &[secret]), vec![]);
        }
        let long = "s".repeat(150);
        assert!(contains_secret(&format!("a{long}b"), &[long.as_bytes()]));
        assert!(!contains_secret(&long[1..], &[long.as_bytes()]));
        assert!(!contains_secret("anything", &[b""]));
    }

    #[test]
    fn secrets_on_either_side_of_the_padded_length_are_found_where_they_are() {
        for secret_len in [1usize, 2, 31, 191, 192, 193, 194, 300] {
            let secret: Vec<u8> = (0..secret_len).map(|i| b'a' + (i % 7) as u8).collect();
            let keys = [secret.as_slice()];
            for len in [
                secret_len,
                secret_len + 1,
                secret_len + 63,
                secret_len + 64,
                400,
            ] {
                for at in [0, 1, 63, 64, 65, len / 2, len - secret_len] {
                    if at + secret_len > len {
                        continue;
                    }
                    let mut text = vec![b'.'; len];
                    text[at..at + secret_len].copy_from_slice(&secret);
                    let mut near = text.clone();
                    // One byte off, at either end of the secret: not a match.
                    for off in [at, at + secret_len - 1] {
                        near[off] = b'z';
                        let near_text = String::from_utf8(near.clone()).unwrap();
                        assert!(
                            !contains_secret(&near_text, &keys),
                            "{secret_len} {len} {at}"
                        );
                        near[off] = text[off];
                    }
                    let text = String::from_utf8(text).unwrap();
                    assert!(contains_secret(&text, &keys), "{secret_len} {len} {at}");
                    assert_eq!(secret_spans(&text, &keys), vec![at..at + secret_len]);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_vectorised_search_finds_what_the_window_by_window_one_does(
            text in "[ab\\u{e9}]{0,150}",
            secrets in proptest::collection::vec("[ab\\u{e9}]{0,5}", 0..4),
        ) {
            let keys: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).collect();
            proptest::prop_assert_eq!(
                contains_secret(&text, &keys),
                contains_secret_by_window(&text, &keys)
            );
            proptest::prop_assert_eq!(
                secret_spans(&text, &keys),
                secret_spans_by_window(&text, &keys)
            );
        }
    }

    #[test]
    fn an_unreadable_file_says_why() {
        let path = Path::new("/etc/s");
        let denied = unreadable(path, &std::io::ErrorKind::PermissionDenied.into());
        assert_eq!(
            denied.to_string(),
            "cannot read the secret file /etc/s: permission denied"
        );
        assert!(denied.hint.unwrap().contains("ls -l /etc/s"));
        let missing = unreadable(path, &std::io::ErrorKind::NotFound.into());
        assert!(missing.to_string().ends_with("it does not exist"));
    }

    #[test]
    fn files_hold_one_secret_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "first\r\n\n  second  \n").unwrap();
        let secrets = read_secret_file(&path).unwrap();
        assert_eq!(as_keys(&secrets), vec![&b"first"[..], b"second"]);
        std::fs::write(&path, "\n").unwrap();
        assert!(
            read_secret_file(&path)
                .unwrap_err()
                .to_string()
                .contains("holds no secret")
        );
        assert!(read_secret_file(&dir.path().join("missing")).is_err());
    }
    #[test]
    fn meta_verify_tokens_are_redacted_from_queries_and_urls() {
        assert_eq!(
            redact_query_tokens("hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=1"),
            "hub.mode=subscribe&hub.verify_token=(redacted)&hub.challenge=1"
        );
        assert_eq!(
            redact_query_tokens("hub%2Everify_token=s3cret"),
            "hub%2Everify_token=(redacted)"
        );
        assert_eq!(redact_query_tokens("a=1&b=2"), "a=1&b=2");
        assert_eq!(
            redact_query_tokens("http://h/x?hub.verify_token=s&a=1"),
            "http://h/x?hub.verify_token=(redacted)&a=1"
        );
    }
}
