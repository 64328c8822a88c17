//! Square: `x-square-hmacsha256-signature: <base64 of HMAC-SHA256(signature key, URL and body)>`,
//! as the Square SDKs' `WebhooksHelper` checks it: the notification URL exactly as the
//! subscription names it, then the raw body; an empty body is refused. No timestamp is signed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, crypto,
};

const SIGNATURE: &str = "x-square-hmacsha256-signature";

pub(super) const PROVIDER: Provider = Provider {
    name: "square",
    aliases: &[],
    summary: "Square: x-square-hmacsha256-signature: <base64 HMAC-SHA256 of the URL and the body>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Body("/type")],
    event_id: &[Location::Body("/event_id")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
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
    signed_timestamp: super::no_timestamp,
};

fn sign(s: &Signing<'_>) -> Signed {
    let url = s.request.url.unwrap_or_default();
    let mac = crypto::hmac_sha256(s.first(), &[url.as_bytes(), s.request.body]);
    Signed::headers(vec![(SIGNATURE.to_string(), BASE64.encode(mac))])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(SIGNATURE)?;
    let signature = BASE64.decode(value).map_err(|_| Failure::MalformedHeader {
        header: SIGNATURE.to_string(),
        reason: format!(
            "signature is not base64 (44 characters expected, got {})",
            value.chars().count()
        ),
    })?;
    let url = check.request.url.ok_or(Failure::NoUrl)?;
    if check.body.is_empty() {
        return Err(Failure::UnsignedBody {
            reason: "the body is empty, and Square's helper refuses an empty body".into(),
        });
    }
    check
        .match_any(&[url.as_bytes(), check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Keys, Scheme, SignedRequest, Verdict};

    // square-python-sdk tests/integration/test_webhooks_helper.py.
    const BODY: &str = r#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    const SIG: &str = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";
    const KEY: &[u8] = b"Ibxx_5AKakO-3qeNVR61Dw";
    const URL: &str = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";

    fn verdict(key: &[u8], url: Option<&str>, sig: &str, body: &str) -> Verdict {
        let headers = [(SIGNATURE.to_string(), sig.to_string())];
        let request = SignedRequest {
            method: "POST",
            url,
            headers: &headers,
            body: body.as_bytes(),
        };
        crate::signature::verify(Scheme::SQUARE, Keys::new(&[key]), &request, 0, None)
    }

    fn code(verdict: Verdict) -> Option<&'static str> {
        verdict.failure().map(Failure::code)
    }

    #[test]
    fn square_sdk_vectors() {
        assert!(verdict(KEY, Some(URL), SIG, BODY).is_valid());
        let escaped = r#"{"data":{"type":"webhooks","id":">id<"}}"#;
        let sig = "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=";
        assert!(
            verdict(
                b"signature-key",
                Some("https://webhook.site/webhooks"),
                sig,
                escaped
            )
            .is_valid()
        );
        let request = SignedRequest::post(&[], BODY.as_bytes()).with_url(URL);
        let signed = crate::signature::sign(Scheme::SQUARE, Keys::new(&[KEY]), &request, 0, "")
            .unwrap()
            .headers;
        assert_eq!(signed, vec![(SIGNATURE.to_string(), SIG.to_string())]);
    }

    #[test]
    fn square_sdk_refusals() {
        let other_url = "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9";
        assert_eq!(
            code(verdict(KEY, Some(other_url), SIG, BODY)),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict(b"MCmhFRxGX82xMwg5FsaoQA", Some(URL), SIG, BODY)),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict(
                KEY,
                Some(URL),
                "1z2n3DEJJiUPKcPzQo1ftvbxGdw=",
                BODY
            )),
            Some("signature_mismatch")
        );
        let pretty = BODY.replace(',', ", ");
        assert_eq!(
            code(verdict(KEY, Some(URL), SIG, &pretty)),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict(KEY, Some(URL), SIG, "")),
            Some("unsigned_body")
        );
        assert_eq!(code(verdict(KEY, None, SIG, BODY)), Some("no_url"));
    }
}
