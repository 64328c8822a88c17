//! The `v0=<hex of HMAC-SHA256(secret, "v0:{ts}:{body}")>` signature with a unix timestamp header,
//! which Slack and Zoom share under different header names.

use super::{Check, Failure, Signed, Signing, crypto, generic};

/// The timestamp and signature headers, as `(timestamp, signature)` names.
pub(super) fn sign(s: &Signing<'_>, timestamp_header: &str, signature_header: &str) -> Signed {
    let ts = s.timestamp.to_string();
    let mac = crypto::hmac_sha256(s.first(), &[b"v0:", ts.as_bytes(), b":", s.request.body]);
    Signed::headers(vec![
        (timestamp_header.to_string(), ts),
        (
            signature_header.to_string(),
            format!("v0={}", crypto::hex_lower(&mac)),
        ),
    ])
}

/// The age is checked before the signature, each with its own verdict.
pub(super) fn verify(
    check: &Check<'_>,
    timestamp_header: &str,
    signature_header: &str,
) -> Result<usize, Failure> {
    let ts_text = check.header(timestamp_header)?;
    let value = check.header(signature_header)?;
    let timestamp = check.timestamp(timestamp_header, ts_text)?;
    check.check_age(timestamp)?;
    let digits = value
        .strip_prefix("v0=")
        .ok_or_else(|| Failure::MalformedHeader {
            header: signature_header.to_string(),
            reason: "expected v0=<hex>".to_string(),
        })?;
    let signature = generic::decode_hex_signature(signature_header, digits)?;
    check
        .match_any(
            &[b"v0:", ts_text.as_bytes(), b":", check.body],
            &[signature],
        )
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}
