//! HubSpot (v3): `X-HubSpot-Signature-v3: <base64 of HMAC-SHA256(client secret, method + URI +
//! body + timestamp)>` with `X-HubSpot-Request-Timestamp` in milliseconds, as
//! hubspot-api-client's `Signature.is_valid` checks it: the URI as given, the timestamp header's
//! text as sent; refused once 300 s old (milliseconds floored to seconds), future accepted.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, Tolerance,
    crypto,
};
use crate::headers::get_one;

const SIGNATURE: &str = "X-HubSpot-Signature-v3";
const TIMESTAMP: &str = "X-HubSpot-Request-Timestamp";

pub(super) const PROVIDER: Provider = Provider {
    name: "hubspot",
    aliases: &[],
    summary: "HubSpot v3: X-HubSpot-Signature-v3: <base64> over method, URI, body and X-HubSpot-Request-Timestamp (ms)",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "",
    other_headers: &[TIMESTAMP],
    tolerance: Some(Tolerance {
        default_secs: super::DEFAULT_TOLERANCE_SECS,
        rejects_future: false,
    }),
    several_signatures: false,
    signs_id: false,
    event_type: &[],
    // A workflow action's execution (HubSpot's webhook batches are arrays, with no one id).
    event_id: &[Location::Body("/callbackId")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
        Attack::UrlChanged,
    ],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(SIGNATURE),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |headers, _| {
        let millis: i64 = get_one(headers, TIMESTAMP)?.trim().parse().ok()?;
        Some(millis.div_euclid(1000))
    },
};

fn mac(key: &[u8], method: &str, url: &str, body: &[u8], timestamp: &str) -> Vec<u8> {
    crypto::hmac_sha256(
        key,
        &[
            method.as_bytes(),
            url.as_bytes(),
            body,
            timestamp.as_bytes(),
        ],
    )
}

fn sign(s: &Signing<'_>) -> Signed {
    let millis = s.timestamp.saturating_mul(1000).to_string();
    let url = s.request.url.unwrap_or_default();
    let signature = mac(s.first(), s.request.method, url, s.request.body, &millis);
    Signed::headers(vec![
        (TIMESTAMP.to_string(), millis),
        (SIGNATURE.to_string(), BASE64.encode(signature)),
    ])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(SIGNATURE)?;
    let ts_text = check.header(TIMESTAMP)?;
    let millis: i64 = ts_text.parse().map_err(|_| Failure::MalformedHeader {
        header: TIMESTAMP.to_string(),
        reason: format!(
            "timestamp is not a whole number of unix milliseconds ({} characters)",
            ts_text.chars().count()
        ),
    })?;
    let signature = BASE64.decode(value).map_err(|_| Failure::MalformedHeader {
        header: SIGNATURE.to_string(),
        reason: format!(
            "signature is not base64 (44 characters expected, got {})",
            value.chars().count()
        ),
    })?;
    let url = check.request.url.ok_or(Failure::NoUrl)?;
    // The library refuses a timestamp as old as the tolerance, not only older.
    let age = i128::from(check.now) - i128::from(millis.div_euclid(1000));
    let tolerance = i128::from(check.tolerance_secs);
    if age >= tolerance {
        return Err(Failure::TimestampTooOld {
            by_secs: u64::try_from(age - tolerance).unwrap_or(u64::MAX),
            tolerance_secs: check.tolerance_secs,
        });
    }
    let method = check.request.method.to_ascii_uppercase();
    crypto::first_match(
        check.secrets.iter().map(|secret| {
            crypto::ct_eq(&mac(secret, &method, url, check.body, ts_text), &signature)
        }),
    )
    .ok_or(Failure::Mismatch {
        secrets: check.secrets.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Keys, Scheme, SignedRequest, Verdict};

    // hubspot-api-python tests/spec/utils/test_signature.py (v3).
    const SECRET: &[u8] = b"yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    const BODY: &[u8] = b"{'example_field':'example_value'}";
    const URL: &str = "https://www.example.com/webhook_uri";
    const SIG: &str = "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=";

    fn verdict(method: &str, url: &str, ts: &str, sig: &str, body: &[u8], now: i64) -> Verdict {
        let headers = [
            (TIMESTAMP.to_string(), ts.to_string()),
            (SIGNATURE.to_string(), sig.to_string()),
        ];
        let request = SignedRequest {
            method,
            url: Some(url),
            headers: &headers,
            body,
        };
        crate::signature::verify(Scheme::HUBSPOT, Keys::new(&[SECRET]), &request, now, None)
    }

    fn code(verdict: Verdict) -> Option<&'static str> {
        verdict.failure().map(Failure::code)
    }

    #[test]
    fn hubspot_python_vector() {
        // Timestamp 15000000 ms is 15000 s: verified at 15000 s + 299 s.
        assert!(verdict("POST", URL, "15000000", SIG, BODY, 15_299).is_valid());
        let other = URL.replace("webhook_uri", "other");
        assert_eq!(
            code(verdict("POST", &other, "15000000", SIG, BODY, 15_000)),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict("PUT", URL, "15000000", SIG, BODY, 15_000)),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict("POST", URL, "15000001", SIG, BODY, 15_000)),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict("POST", URL, "15000000", SIG, b"{}", 15_000)),
            Some("signature_mismatch")
        );
    }

    #[test]
    fn refused_once_the_tolerance_is_reached_and_future_accepted() {
        let at = |now| code(verdict("POST", URL, "15000000", SIG, BODY, now));
        assert_eq!(at(15_300), Some("timestamp_too_old"));
        assert_eq!(at(14_000), None);
        assert_eq!(
            code(verdict("POST", URL, "soon", SIG, BODY, 0)),
            Some("malformed_header")
        );
    }

    #[test]
    fn signs_what_the_library_signs() {
        let request = SignedRequest::post(&[], BODY).with_url(URL);
        let signed =
            crate::signature::sign(Scheme::HUBSPOT, Keys::new(&[SECRET]), &request, 15_000, "")
                .unwrap()
                .headers;
        assert_eq!(signed[0], (TIMESTAMP.to_string(), "15000000".to_string()));
        assert_eq!(signed[1], (SIGNATURE.to_string(), SIG.to_string()));
    }
}
