//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `"{t}.{body}"`, keyed with the
//! whole `whsec_…` string. Like Stripe's library: the signature is checked first, then the age;
//! future timestamps are accepted; entries of other schemes (`v0=`) are ignored.

use super::{Check, Failure, crypto, generic};
use crate::headers::Header;

pub(super) const HEADER: &str = "Stripe-Signature";

pub(super) fn sign(secrets: &[&[u8]], body: &[u8], timestamp: i64) -> Vec<Header> {
    let ts = timestamp.to_string();
    let mut value = format!("t={ts}");
    for secret in secrets {
        let mac = crypto::hmac_sha256(secret, &[ts.as_bytes(), b".", body]);
        value.push_str(",v1=");
        value.push_str(&hex::encode(mac));
    }
    vec![(HEADER.to_string(), value)]
}

pub(super) fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let malformed = |reason: &str| Failure::MalformedHeader {
        header: HEADER.to_string(),
        reason: reason.to_string(),
    };
    let mut timestamps = Vec::new();
    let mut signatures = Vec::new();
    for item in value.split(',') {
        match item.trim().split_once('=') {
            Some(("t", ts)) => timestamps.push(ts),
            Some(("v1", sig)) => signatures.push(sig),
            _ => {}
        }
    }
    let ts_text = match timestamps.as_slice() {
        [] => return Err(malformed("no t=<timestamp> entry")),
        [one] => *one,
        _ => return Err(malformed("more than one t= entry")),
    };
    let timestamp = check.timestamp(HEADER, ts_text)?;
    if signatures.is_empty() {
        return Err(malformed("no v1=<signature> entry"));
    }
    let decoded: Vec<Vec<u8>> = signatures
        .iter()
        .filter_map(|sig| generic::decode_hex_signature(HEADER, sig).ok())
        .collect();
    if decoded.is_empty() {
        return Err(malformed("no v1= signature is 64 hex digits"));
    }
    let ts = timestamp.to_string();
    let index = check
        .match_any(&[ts.as_bytes(), b".", check.body], &decoded)
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })?;
    check.check_age(timestamp, false)?;
    Ok(index)
}
