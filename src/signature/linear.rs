//! Linear: `Linear-Signature: <hex HMAC-SHA256 of the raw body>`, and the delivery time as
//! `webhookTimestamp` (milliseconds since the epoch) in the JSON body, as `@linear/sdk`'s
//! `LinearWebhookClient` verifies it: the signature first, then the timestamp, within 60 s either
//! way. The timestamp is covered by the signature because the whole body is; a body without one
//! is invalid. Signing a JSON object body sets `webhookTimestamp` to the signing time (replacing
//! its value, or adding it first; every other byte kept), as Linear stamps each delivery; another
//! body is signed as given.

use serde_json::Value;

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, Tolerance,
    crypto, generic, json_body,
};

const HEADER: &str = "Linear-Signature";
const TIMESTAMP_FIELD: &str = "webhookTimestamp";

pub(super) const PROVIDER: Provider = Provider {
    name: "linear",
    aliases: &[],
    summary: "Linear: Linear-Signature (hex HMAC-SHA256 of the body), webhookTimestamp (ms) in the body",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "",
    other_headers: &[],
    tolerance: Some(Tolerance {
        default_secs: 60,
        rejects_future: true,
    }),
    several_signatures: false,
    signs_id: false,
    // Linear-Event names the entity (`Issue`); the body's `type` says the same.
    event_type: &[Location::Header("Linear-Event"), Location::Body("/type")],
    // Linear-Delivery is the delivery's id; the body's `webhookId` names the webhook, not the event.
    event_id: &[Location::Header("Linear-Delivery")],
    // The timestamp travels in the signed body: signing at another time writes it there.
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
        Attack::FutureTimestamp,
    ],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(HEADER),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |_, body| body_timestamp_ms(body).ok().map(|ms| ms.div_euclid(1000)),
};

fn sign(s: &Signing<'_>) -> Signed {
    let millis = s.timestamp.saturating_mul(1000).to_string();
    let body = json_body::set_field(s.request.body, TIMESTAMP_FIELD, &millis);
    let mac = crypto::hmac_sha256(s.first(), &[body.as_deref().unwrap_or(s.request.body)]);
    Signed {
        headers: vec![(HEADER.to_string(), crypto::hex_lower(&mac))],
        body,
    }
}

/// The body's `webhookTimestamp` in milliseconds, or why it cannot be read.
fn body_timestamp_ms(body: &[u8]) -> Result<i64, &'static str> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "the body is not JSON")?;
    match value.get(TIMESTAMP_FIELD) {
        None => Err("missing (Linear puts the delivery time in the body)"),
        Some(field) => field
            .as_i64()
            .ok_or("not a whole number of milliseconds since the epoch"),
    }
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let signature = generic::decode_hex_signature(HEADER, value)?;
    let index = check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })?;
    let ms = body_timestamp_ms(check.body).map_err(|reason| Failure::MalformedBodyField {
        field: TIMESTAMP_FIELD.to_string(),
        reason: reason.to_string(),
    })?;
    check.check_age(ms.div_euclid(1000))?;
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};
    use super::*;

    const BODY: &[u8] = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000000}"#;
    /// No published vector (the SDK's test computes its own): a known answer from Python's hmac:
    /// python3 -c 'import hmac,hashlib; print(hmac.new(b"lin_wh_secret",
    ///   b"{\"action\":\"create\",\"type\":\"Issue\",\"webhookTimestamp\":1700000000000}",
    ///   hashlib.sha256).hexdigest())'
    const SIGNATURE: &str = "91e919dc0fd99df1cae12efef1ca08b082cfa523f101b572ec14ed98863fdf35";

    fn linear() -> Scheme {
        Scheme::from_name("linear").unwrap()
    }

    fn check(signature: &str, body: &[u8], now: i64) -> Verdict {
        let secret: [&[u8]; 1] = [b"lin_wh_secret"];
        let headers = [(HEADER.to_string(), signature.to_string())];
        verify(
            linear(),
            Keys::new(&secret),
            &SignedRequest::post(&headers, body),
            now,
            None,
        )
    }

    fn failure(verdict: Verdict) -> Failure {
        match verdict {
            Verdict::Invalid { failure, .. } => failure,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    /// hooky's signature of `body` at `timestamp`: the header value and the body it sends.
    fn signed(body: &[u8], timestamp: i64) -> (String, Vec<u8>) {
        let secret: [&[u8]; 1] = [b"lin_wh_secret"];
        let signed = sign(
            linear(),
            Keys::new(&secret),
            &SignedRequest::post(&[], body),
            timestamp,
            "",
        )
        .unwrap();
        let body = signed.body_or(body).to_vec();
        (signed.headers[0].1.clone(), body)
    }

    /// The signature a sender makes over `body` as it is (whatever its webhookTimestamp).
    fn raw_signature(body: &[u8]) -> String {
        hex::encode(crypto::hmac_sha256(b"lin_wh_secret", &[body]))
    }

    #[test]
    fn known_answer_signs_and_verifies() {
        assert_eq!(
            signed(BODY, 1_700_000_000),
            (SIGNATURE.to_string(), BODY.to_vec())
        );
        assert_eq!(raw_signature(BODY), SIGNATURE);
        assert_eq!(
            check(SIGNATURE, BODY, 1_700_000_000),
            Verdict::Valid {
                scheme: linear(),
                secret_index: 1
            }
        );
    }

    #[test]
    fn signing_stamps_the_body_with_the_signing_time_and_keeps_the_rest() {
        let body = b"{\n  \"webhookTimestamp\": 5,\n  \"note\": \"\\u00e9\"\n}";
        let (signature, sent) = signed(body, 1_700_000_123);
        assert_eq!(
            sent,
            b"{\n  \"webhookTimestamp\": 1700000123000,\n  \"note\": \"\\u00e9\"\n}"
        );
        assert!(check(&signature, &sent, 1_700_000_123).is_valid());
        // Added when missing; a body that is not a JSON object is signed as it is.
        let (_, sent) = signed(br#"{"type":"Issue"}"#, 7);
        assert_eq!(sent, br#"{"webhookTimestamp":7000,"type":"Issue"}"#);
        assert_eq!(signed(b"[1]", 7).1, b"[1]");
        // Signed long ago, the stamp says so: stale, though the signature matches.
        let (signature, sent) = signed(BODY, 1_699_990_000);
        assert_eq!(
            failure(check(&signature, &sent, 1_700_000_000)).code(),
            "timestamp_too_old"
        );
    }

    #[test]
    fn the_body_timestamp_is_checked_sixty_seconds_either_way() {
        assert!(check(SIGNATURE, BODY, 1_700_000_060).is_valid());
        assert!(check(SIGNATURE, BODY, 1_699_999_940).is_valid());
        assert_eq!(
            failure(check(SIGNATURE, BODY, 1_700_000_061)),
            Failure::TimestampTooOld {
                by_secs: 1,
                tolerance_secs: 60
            }
        );
        assert_eq!(
            failure(check(SIGNATURE, BODY, 1_699_999_939)),
            Failure::TimestampTooNew {
                by_secs: 1,
                tolerance_secs: 60
            }
        );
        // The signature is checked first, as the SDK does: a stale forgery is a mismatch.
        assert_eq!(
            failure(check(&"0".repeat(64), BODY, 1_800_000_000)).code(),
            "signature_mismatch"
        );
    }

    #[test]
    fn a_missing_or_non_numeric_timestamp_is_a_malformed_body_field() {
        for body in [
            &br#"{"action":"create","type":"Issue"}"#[..],
            br#"{"webhookTimestamp":"1700000000000"}"#,
            br#"{"webhookTimestamp":1.7e12}"#,
            b"not json",
        ] {
            let failure = failure(check(&raw_signature(body), body, 1_700_000_000));
            assert_eq!(failure.code(), "malformed_body_field", "{failure}");
            assert!(
                failure.to_string().contains("webhookTimestamp"),
                "{failure}"
            );
        }
    }

    #[test]
    fn a_prefixed_or_short_signature_is_malformed() {
        for value in [format!("sha256={SIGNATURE}"), "abc".to_string()] {
            assert_eq!(
                failure(check(&value, BODY, 1_700_000_000)).code(),
                "malformed_header",
                "{value}"
            );
        }
    }
}
