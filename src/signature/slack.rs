//! Slack: `X-Slack-Signature: v0=<hex of HMAC-SHA256(secret, "v0:{ts}:{body}")>` with
//! `X-Slack-Request-Timestamp: <unix>`; rejected when more than the tolerance off either way.

use super::{
    Attack, Check, Failure, KeyKind, Provider, SignatureAt, Signing, Tolerance, crypto, generic,
};
use crate::headers::{Header, get_one};

const SIGNATURE: &str = "X-Slack-Signature";
const TIMESTAMP: &str = "X-Slack-Request-Timestamp";

pub(super) const PROVIDER: Provider = Provider {
    name: "slack",
    aliases: &[],
    summary: "Slack: X-Slack-Signature: v0=<hex> with X-Slack-Request-Timestamp",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "v0=",
    other_headers: &[TIMESTAMP],
    tolerance: Some(Tolerance {
        default_secs: super::DEFAULT_TOLERANCE_SECS,
        rejects_future: true,
    }),
    several_signatures: false,
    signs_id: false,
    event_type: &[],
    event_id: &[],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
        Attack::FutureTimestamp,
    ],
    note: None,
    detect: |request, _| request.has(SIGNATURE),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |headers, _| get_one(headers, TIMESTAMP)?.trim().parse().ok(),
};

fn sign(s: &Signing<'_>) -> Vec<Header> {
    let ts = s.timestamp.to_string();
    let mac = crypto::hmac_sha256(s.first(), &[b"v0:", ts.as_bytes(), b":", s.request.body]);
    vec![
        (TIMESTAMP.to_string(), ts),
        (SIGNATURE.to_string(), format!("v0={}", hex::encode(mac))),
    ]
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let ts_text = check.header(TIMESTAMP)?;
    let value = check.header(SIGNATURE)?;
    let timestamp = check.timestamp(TIMESTAMP, ts_text)?;
    check.check_age(timestamp)?;
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
