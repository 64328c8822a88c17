//! Fuzzes the signature core: arbitrary header values (each scheme's headers, duplicated or not)
//! and an arbitrary body must never panic, and must never verify as valid.
#![no_main]

use hooky::signature::{self, Keys, Scheme};
use hooky::headers::Header;
use libfuzzer_sys::fuzz_target;

/// Every header name a scheme reads, so the fuzzer reaches each parser.
const NAMES: [&str; 14] = [
    "stripe-signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "x-hub-signature-256",
    "x-shopify-hmac-sha256",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "x-gitlab-token",
    "x-webhook-signature",
    "content-type",
];

fuzz_target!(|data: &[u8]| {
    // Layout: [now: 8 bytes][header records: name index byte, length byte, value bytes]... body.
    if data.len() < 9 {
        return;
    }
    let now = i64::from_le_bytes(data[..8].try_into().unwrap());
    let count = usize::from(data[8] % 8);
    let mut rest = &data[9..];
    let mut headers: Vec<Header> = Vec::new();
    for _ in 0..count {
        if rest.len() < 2 {
            break;
        }
        let name = NAMES[usize::from(rest[0]) % NAMES.len()];
        let len = usize::from(rest[1]).min(rest.len() - 2);
        let value = String::from_utf8_lossy(&rest[2..2 + len]).into_owned();
        headers.push((name.to_string(), value));
        rest = &rest[2 + len..];
    }
    let body = rest;
    let secrets: [&[u8]; 2] = [b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"fuzz-secret"];
    let keys = Keys::new(&secrets);
    for scheme in Scheme::ALL {
        let verdict = signature::verify(scheme, keys, &headers, body, now, 300);
        // A valid verdict would need a forged HMAC (or the secret itself as GitLab's token).
        if verdict.is_valid() {
            let token_is_secret = scheme == Scheme::Gitlab
                && headers
                    .iter()
                    .any(|(_, v)| secrets.iter().any(|s| v.trim().as_bytes() == *s));
            assert!(token_is_secret, "forged {scheme} verdict: {headers:?}");
        }
        let _ = hooky::capture::VerdictRecord::from(&verdict);
        let _ = verdict.to_string();
    }
    let _ = signature::verify_auto(keys, &headers, body, now, 300);
});
