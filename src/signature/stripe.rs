//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `"{t}.{body}"`, keyed with the
//! whole `whsec_…` string. Like Stripe's library: the signature is checked first, then the age;
//! future timestamps are accepted; entries of other schemes (`v0=`) are ignored.

use super::{
    Attack, Check, Failure, KeyKind, Provider, SignatureAt, Signed, Signing, Tolerance, crypto,
    generic,
};
use crate::headers::get_one;

const HEADER: &str = "Stripe-Signature";

pub(super) const PROVIDER: Provider = Provider {
    name: "stripe",
    aliases: &[],
    summary: "Stripe: Stripe-Signature: t=<unix>,v1=<hex>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "v1=",
    other_headers: &[],
    tolerance: Some(Tolerance {
        default_secs: super::DEFAULT_TOLERANCE_SECS,
        rejects_future: false,
    }),
    several_signatures: true,
    signs_id: false,
    event_type: &[],
    event_id: &[],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
        Attack::Rotation,
    ],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(HEADER),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |headers, _| {
        get_one(headers, HEADER)?
            .split(',')
            .find_map(|item| item.trim().strip_prefix("t="))?
            .trim()
            .parse()
            .ok()
    },
};

fn sign(s: &Signing<'_>) -> Signed {
    let ts = s.timestamp.to_string();
    let mut value = format!("t={ts}");
    for secret in s.keys {
        let mac = crypto::hmac_sha256(secret, &[ts.as_bytes(), b".", s.request.body]);
        value.push_str(",v1=");
        value.push_str(&crypto::hex_lower(&mac));
    }
    Signed::headers(vec![(HEADER.to_string(), value)])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
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
    check.check_age(timestamp)?;
    Ok(index)
}
