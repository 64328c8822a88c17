//! Shopify: `X-Shopify-Hmac-Sha256: <base64 of HMAC-SHA256(secret, body)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{Check, Failure, crypto};
use crate::headers::Header;

pub(super) const HEADER: &str = "X-Shopify-Hmac-Sha256";

pub(super) fn sign(secret: &[u8], body: &[u8]) -> Vec<Header> {
    let mac = crypto::hmac_sha256(secret, &[body]);
    vec![(HEADER.to_string(), BASE64.encode(mac))]
}

pub(super) fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let signature = BASE64.decode(value).map_err(|_| Failure::MalformedHeader {
        header: HEADER.to_string(),
        reason: format!(
            "signature is not base64 (44 characters expected, got {})",
            value.chars().count()
        ),
    })?;
    check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}
