//! Paddle (Billing): `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, hex HMAC-SHA256 of
//! `"{ts}:{body}"` keyed with the whole secret. Like paddle-python-sdk's `Verifier`: any `h1` may
//! match (rotation), an entry other than `ts=` and `h1=` is a parse error, the age is checked
//! before the signature, and the tolerance is 5 s (hooky rejects the future too, as Paddle's docs
//! ask).

use super::{
    Attack, Check, Failure, KeyKind, Provider, SignatureAt, Signed, Signing, Tolerance, crypto,
    generic,
};
use crate::headers::get_one;

const HEADER: &str = "Paddle-Signature";

pub(super) const PROVIDER: Provider = Provider {
    name: "paddle",
    aliases: &[],
    summary: "Paddle: Paddle-Signature: ts=<unix>;h1=<hex>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "h1=",
    other_headers: &[],
    tolerance: Some(Tolerance {
        default_secs: 5,
        rejects_future: true,
    }),
    several_signatures: true,
    signs_id: false,
    // The body's `event_type` and `event_id`, which hooky reads for every provider.
    event_type: &[],
    event_id: &[],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
        Attack::FutureTimestamp,
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
    signed_timestamp: |headers, _| entries(get_one(headers, HEADER)?).ok()?.0?.parse().ok(),
};

fn sign(s: &Signing<'_>) -> Signed {
    let ts = s.timestamp.to_string();
    let mut value = format!("ts={ts}");
    for secret in s.keys {
        let mac = crypto::hmac_sha256(secret, &[ts.as_bytes(), b":", s.request.body]);
        value.push_str(";h1=");
        value.push_str(&crypto::hex_lower(&mac));
    }
    Signed::headers(vec![(HEADER.to_string(), value)])
}

/// The `ts` and the `h1` values of a header, or why it cannot be read.
fn entries(value: &str) -> Result<(Option<&str>, Vec<&str>), &'static str> {
    let mut ts = None;
    let mut signatures = Vec::new();
    for item in value.split(';') {
        match item.trim().split_once('=') {
            Some(("ts", _)) if ts.is_some() => return Err("more than one ts= entry"),
            Some(("ts", text)) => ts = Some(text),
            Some(("h1", signature)) => signatures.push(signature),
            Some(_) => {
                return Err("an entry other than ts= and h1= (Paddle's libraries refuse it)");
            }
            // Paddle's library skips a part without `=`.
            None => {}
        }
    }
    Ok((ts, signatures))
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let malformed = |reason: &str| Failure::MalformedHeader {
        header: HEADER.to_string(),
        reason: reason.to_string(),
    };
    let (ts, signatures) = entries(value).map_err(malformed)?;
    let ts_text = ts.ok_or_else(|| malformed("no ts=<timestamp> entry"))?;
    let timestamp = check.timestamp(HEADER, ts_text)?;
    check.check_age(timestamp)?;
    if signatures.is_empty() {
        return Err(malformed("no h1=<signature> entry"));
    }
    let decoded: Vec<Vec<u8>> = signatures
        .iter()
        .filter_map(|sig| generic::decode_hex_signature(HEADER, sig).ok())
        .collect();
    if decoded.is_empty() {
        return Err(malformed("no h1= signature is 64 hex digits"));
    }
    check
        .match_any(&[ts_text.as_bytes(), b":", check.body], &decoded)
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};
    use super::*;

    fn paddle() -> Scheme {
        Scheme::from_name("paddle").unwrap()
    }

    fn check(header: &str, body: &[u8], secrets: &[&[u8]], now: i64) -> Verdict {
        let headers = [(HEADER.to_string(), header.to_string())];
        verify(
            paddle(),
            Keys::new(secrets),
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

    /// paddle-python-sdk tests/Unit/Notification/test_Verifier.py: three secrets, the third one
    /// signed, and a non-hex `h1=dummy` before the real signature.
    #[test]
    fn paddle_sdk_published_vector() {
        let header = "ts=1696195954;h1=dummy;h1=d96299976a6eb066f484d7fde011ac56fc32b38fc9940bc419d6e537fdc6ef02";
        let secrets: [&[u8]; 3] = [
            b"pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_TjIG2BXbm83HPXqNfziwe506sBEdqL/4",
            b"pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_vB/yIOnTOCWIvpBadM5jzBZPHc7OmdSo",
            b"pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_WvRO0eL4Bj9rgYYIBZY6wZhG4EHy9jzh",
        ];
        let verdict = check(header, b"hello-world", &secrets, 1696195954);
        assert_eq!(
            verdict,
            Verdict::Valid {
                scheme: paddle(),
                secret_index: 3
            }
        );
        let signed = sign(
            paddle(),
            Keys::new(&secrets[2..]),
            &SignedRequest::post(&[], b"hello-world"),
            1696195954,
            "",
        )
        .unwrap()
        .headers;
        assert_eq!(
            signed[0].1,
            "ts=1696195954;h1=d96299976a6eb066f484d7fde011ac56fc32b38fc9940bc419d6e537fdc6ef02"
        );
    }

    #[test]
    fn five_seconds_either_way() {
        let secret: [&[u8]; 1] = [b"k"];
        let signed = sign(
            paddle(),
            Keys::new(&secret),
            &SignedRequest::post(&[], b"b"),
            1000,
            "",
        )
        .unwrap()
        .headers;
        let header = &signed[0].1;
        assert!(check(header, b"b", &secret, 1005).is_valid());
        assert!(check(header, b"b", &secret, 995).is_valid());
        assert_eq!(
            failure(check(header, b"b", &secret, 1006)).code(),
            "timestamp_too_old"
        );
        assert_eq!(
            failure(check(header, b"b", &secret, 994)).code(),
            "timestamp_too_new"
        );
        // The age is checked first, as Paddle's library does: a stale forgery says it is stale.
        assert_eq!(
            failure(check(header, b"x", &secret, 2000)).code(),
            "timestamp_too_old"
        );
        assert_eq!(
            failure(check(header, b"x", &secret, 1000)).code(),
            "signature_mismatch"
        );
    }

    #[test]
    fn unknown_entries_and_missing_parts_are_malformed() {
        let secret: [&[u8]; 1] = [b"k"];
        let sig = "0".repeat(64);
        for header in [
            format!("ts=1000;h1={sig};h2={sig}"),
            format!("h1={sig}"),
            "ts=1000".to_string(),
            "ts=1000;h1=zz".to_string(),
            format!("ts=1000;ts=1000;h1={sig}"),
            format!("ts=soon;h1={sig}"),
        ] {
            assert_eq!(
                failure(check(&header, b"b", &secret, 1000)).code(),
                "malformed_header",
                "{header}"
            );
        }
    }
}
