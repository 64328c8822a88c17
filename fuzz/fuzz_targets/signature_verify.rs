//! Fuzzes the signature core: arbitrary header values (every header a scheme of the registry reads,
//! duplicated or not), an arbitrary method, URL and body must never panic, and must never verify
//! as valid.
#![no_main]

use hooky::headers::Header;
use hooky::signature::{self, DEFAULT_HEX_HEADER, Keys, Scheme, SignedRequest};
use libfuzzer_sys::fuzz_target;

/// Every header name a scheme of the registry reads, so the fuzzer reaches each parser.
fn names() -> Vec<String> {
    let mut names: Vec<String> = Scheme::all()
        .flat_map(|s| s.signature_header_names(DEFAULT_HEX_HEADER))
        .collect();
    names.push("content-type".into());
    names
}

fuzz_target!(|data: &[u8]| {
    // Layout: [now: 8 bytes][count][header records: name index byte, length byte, value bytes]...
    // [url length byte][url bytes] body.
    if data.len() < 9 {
        return;
    }
    let names = names();
    let now = i64::from_le_bytes(data[..8].try_into().unwrap());
    let count = usize::from(data[8] % 8);
    let mut rest = &data[9..];
    let mut headers: Vec<Header> = Vec::new();
    for _ in 0..count {
        if rest.len() < 2 {
            break;
        }
        let name = &names[usize::from(rest[0]) % names.len()];
        let len = usize::from(rest[1]).min(rest.len() - 2);
        let value = String::from_utf8_lossy(&rest[2..2 + len]).into_owned();
        headers.push((name.clone(), value));
        rest = &rest[2 + len..];
    }
    let url = match rest.split_first() {
        Some((len, tail)) => {
            let len = usize::from(*len).min(tail.len());
            let url = String::from_utf8_lossy(&tail[..len]).into_owned();
            rest = &tail[len..];
            url
        }
        None => String::new(),
    };
    let body = rest;
    let request = SignedRequest {
        method: "POST",
        url: Some(&url),
        headers: &headers,
        body,
    };
    let secrets: [&[u8]; 2] = [b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"fuzz-secret"];
    let keys = Keys::new(&secrets);
    for scheme in Scheme::all() {
        let verdict = signature::verify(scheme, keys, &request, now, Some(300));
        // A valid verdict would need a forged signature (or the secret itself as a token).
        if verdict.is_valid() {
            let token_is_secret = scheme.provider().key == signature::KeyKind::Token
                && headers
                    .iter()
                    .any(|(_, v)| secrets.iter().any(|s| v.trim().as_bytes() == *s));
            assert!(token_is_secret, "forged {scheme} verdict: {headers:?}");
        }
        let _ = hooky::capture::VerdictRecord::from(&verdict);
        let _ = verdict.to_string();
    }
    let _ = signature::verify_auto(keys, &request, now, None);
});
