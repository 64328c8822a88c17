//! Slack: `X-Slack-Signature: v0=<hex of HMAC-SHA256(secret, "v0:{ts}:{body}")>` with
//! `X-Slack-Request-Timestamp: <unix>`; rejected when more than the tolerance off either way.

use super::{Check, Failure, crypto, generic};
use crate::headers::Header;

pub(super) const SIGNATURE: &str = "X-Slack-Signature";
pub(super) const TIMESTAMP: &str = "X-Slack-Request-Timestamp";

pub(super) fn sign(secret: &[u8], body: &[u8], timestamp: i64) -> Vec<Header> {
    let ts = timestamp.to_string();
    let mac = crypto::hmac_sha256(secret, &[b"v0:", ts.as_bytes(), b":", body]);
    vec![
        (TIMESTAMP.to_string(), ts),
        (SIGNATURE.to_string(), format!("v0={}", hex::encode(mac))),
    ]
}

pub(super) fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let ts_text = check.header(TIMESTAMP)?;
    let value = check.header(SIGNATURE)?;
    let timestamp = check.timestamp(TIMESTAMP, ts_text)?;
    check.check_age(timestamp, true)?;
    let digits = value
        .strip_prefix("v0=")
        .ok_or_else(|| Failure::MalformedHeader {
            header: SIGNATURE.to_string(),
            reason: "expected v0=<hex>".to_string(),
        })?;
    let signature = generic::decode_hex_signature(SIGNATURE, digits)?;
    check
        .match_any(
            &[b"v0:", ts_text.as_bytes(), b":", check.body],
            &[signature],
        )
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}
