//! GitHub: `X-Hub-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>`.

use super::{Check, Failure, crypto, generic};
use crate::headers::Header;

pub(super) const HEADER: &str = "X-Hub-Signature-256";

pub(super) fn sign(secret: &[u8], body: &[u8]) -> Vec<Header> {
    let mac = crypto::hmac_sha256(secret, &[body]);
    vec![(HEADER.to_string(), format!("sha256={}", hex::encode(mac)))]
}

pub(super) fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let digits = value
        .strip_prefix("sha256=")
        .ok_or_else(|| Failure::MalformedHeader {
            header: HEADER.to_string(),
            reason: "expected sha256=<hex>".to_string(),
        })?;
    let signature = generic::decode_hex_signature(HEADER, digits)?;
    check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}
