//! Slack: `X-Slack-Signature: v0=<hex of HMAC-SHA256(secret, "v0:{ts}:{body}")>` with
//! `X-Slack-Request-Timestamp: <unix>`; rejected when more than the tolerance off either way.

use super::{
    Attack, Check, Failure, Handshake, KeyKind, Location, Provider, SignatureAt, Signing, Tolerance,
};
use crate::headers::get_one;

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
    handshake: Some(Handshake {
        name: "url_verification",
        at: Location::Body("/type"),
        answer: "echo `challenge`",
    }),
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(SIGNATURE),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |headers, _| get_one(headers, TIMESTAMP)?.trim().parse().ok(),
};

fn sign(s: &Signing<'_>) -> super::Signed {
    super::v0::sign(s, TIMESTAMP, SIGNATURE)
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    super::v0::verify(check, TIMESTAMP, SIGNATURE)
}
