//! Zoom: `x-zm-signature: v0=<hex of HMAC-SHA256(secret token, "v0:{ts}:{body}")>` with
//! `x-zm-request-timestamp: <unix>`, as Zoom's webhook docs describe it. Zoom documents no age
//! limit; hooky applies its 5-minute `--tolerance` both ways, as for Slack's identical scheme (the
//! docs' own sample rejects requests older than 5 minutes). Zoom's `endpoint.url_validation`
//! handshake is answered by `listen` (see `commands::listen::handshake`).

use super::{
    Attack, Check, Failure, Handshake, KeyKind, Location, Provider, SignatureAt, Signing, Tolerance,
};
use crate::headers::get_one;

const SIGNATURE: &str = "x-zm-signature";
const TIMESTAMP: &str = "x-zm-request-timestamp";

pub(super) const PROVIDER: Provider = Provider {
    name: "zoom",
    aliases: &[],
    summary: "Zoom: x-zm-signature: v0=<hex> with x-zm-request-timestamp",
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
    // The body's `event`, which hooky reads for every provider; Zoom's tracking id names a
    // delivery, which receivers use to spot retries.
    event_type: &[],
    event_id: &[Location::Header("x-zm-trackingid")],
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
        name: "endpoint.url_validation",
        at: Location::Body("/event"),
        answer: "`{plainToken, encryptedToken}`, the hex HMAC of the token",
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

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};

    const BODY: &[u8] = br#"{"event":"meeting.started","event_ts":1658496654000}"#;
    /// No published vector: a known answer from Python's hmac, an independent implementation:
    /// python3 -c 'import hmac,hashlib; print(hmac.new(b"zoom-secret-token",
    ///   b"v0:1658496654:{\"event\":\"meeting.started\",\"event_ts\":1658496654000}",
    ///   hashlib.sha256).hexdigest())'
    const SIGNATURE: &str = "v0=8b337e780c01e0e28272751a26a6126611764b1216d5e8e4849d453a6da7e28f";

    fn zoom() -> Scheme {
        Scheme::from_name("zoom").unwrap()
    }

    fn check(headers: &[(String, String)], now: i64) -> Verdict {
        let secret: [&[u8]; 1] = [b"zoom-secret-token"];
        verify(
            zoom(),
            Keys::new(&secret),
            &SignedRequest::post(headers, BODY),
            now,
            None,
        )
    }

    fn code(verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::Invalid { failure, .. } => failure.code(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn known_answer_signs_and_verifies_within_five_minutes_either_way() {
        let secret: [&[u8]; 1] = [b"zoom-secret-token"];
        let signed = sign(
            zoom(),
            Keys::new(&secret),
            &SignedRequest::post(&[], BODY),
            1658496654,
            "",
        )
        .unwrap()
        .headers;
        assert_eq!(
            signed,
            vec![
                ("x-zm-request-timestamp".into(), "1658496654".into()),
                ("x-zm-signature".into(), SIGNATURE.into()),
            ]
        );
        assert!(check(&signed, 1658496654 + 300).is_valid());
        assert_eq!(code(check(&signed, 1658496654 + 301)), "timestamp_too_old");
        assert_eq!(code(check(&signed, 1658496654 - 301)), "timestamp_too_new");
        let unprefixed = vec![
            signed[0].clone(),
            (signed[1].0.clone(), SIGNATURE[3..].into()),
        ];
        assert_eq!(code(check(&unprefixed, 1658496654)), "malformed_header");
    }
}
