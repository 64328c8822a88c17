//! Intercom: `X-Hub-Signature: sha1=<hex of HMAC-SHA1(client secret, body)>`, as Intercom's webhook
//! docs describe it. The header name is GitHub's legacy one: a request that also carries
//! `X-Hub-Signature-256` is GitHub's, which the registry tries first.

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, crypto,
};

const HEADER: &str = "X-Hub-Signature";

pub(super) const PROVIDER: Provider = Provider {
    name: "intercom",
    aliases: &[],
    summary: "Intercom: X-Hub-Signature: sha1=<hex> (HMAC-SHA1)",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "sha1=",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    // The body's `type` is always `notification_event`: the event is its `topic` (read first for
    // an Intercom request); the id is the body's `id` (`notif_…`).
    event_type: &[Location::Body("/topic")],
    event_id: &[Location::Body("/id")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
    ],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(HEADER),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: super::no_timestamp,
};

fn sign(s: &Signing<'_>) -> Signed {
    let mac = crypto::hmac_sha1(s.first(), &[s.request.body]);
    Signed::headers(vec![(
        HEADER.to_string(),
        format!("sha1={}", crypto::hex_lower(&mac)),
    )])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let malformed = |reason: String| Failure::MalformedHeader {
        header: HEADER.to_string(),
        reason,
    };
    let digits = value
        .strip_prefix("sha1=")
        .ok_or_else(|| malformed("expected sha1=<hex>".into()))?;
    // The value itself is never quoted: a sender may have put a secret there.
    let signature = hex::decode(digits)
        .ok()
        .filter(|bytes| bytes.len() == 20)
        .ok_or_else(|| {
            malformed(format!(
                "signature is not 40 hex digits (SHA-1), got {} characters",
                digits.chars().count()
            ))
        })?;
    check
        .match_any_by(crypto::hmac_sha1, &[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}

#[cfg(test)]
mod tests {
    use super::super::{
        DEFAULT_HEX_HEADER, Keys, Scheme, SignedRequest, Verdict, detect, sign, verify,
    };

    const BODY: &[u8] = br#"{"type":"notification_event","id":"notif_1"}"#;
    /// No published vector: a known answer from Python's hmac, an independent implementation:
    /// python3 -c 'import hmac,hashlib; print(hmac.new(b"intercom-secret",
    ///   b"{\"type\":\"notification_event\",\"id\":\"notif_1\"}", hashlib.sha1).hexdigest())'
    const SIGNATURE: &str = "sha1=13597d029674978457c4d9b9d41f72d374f490fe";

    fn intercom() -> Scheme {
        Scheme::from_name("intercom").unwrap()
    }

    fn check(headers: &[(String, String)], body: &[u8]) -> Verdict {
        let secret: [&[u8]; 1] = [b"intercom-secret"];
        verify(
            intercom(),
            Keys::new(&secret),
            &SignedRequest::post(headers, body),
            0,
            None,
        )
    }

    #[test]
    fn known_answer_signs_and_verifies() {
        let secret: [&[u8]; 1] = [b"intercom-secret"];
        let signed = sign(
            intercom(),
            Keys::new(&secret),
            &SignedRequest::post(&[], BODY),
            0,
            "",
        )
        .unwrap()
        .headers;
        assert_eq!(signed, vec![("X-Hub-Signature".into(), SIGNATURE.into())]);
        assert!(check(&signed, BODY).is_valid());
        assert_eq!(check(&signed, b"{}").kind(), "invalid");
    }

    #[test]
    fn a_sha256_or_short_signature_is_malformed() {
        let sha256 = format!("sha256={}", "0".repeat(64));
        for value in [sha256.as_str(), "sha1=abcd", "sha1=zz", &SIGNATURE[5..]] {
            let headers = [("X-Hub-Signature".to_string(), value.to_string())];
            match check(&headers, BODY) {
                Verdict::Invalid { failure, .. } => {
                    assert_eq!(failure.code(), "malformed_header", "{value}")
                }
                other => panic!("{value}: {other:?}"),
            }
        }
    }

    #[test]
    fn github_s_two_headers_stay_github() {
        let headers = [
            ("X-Hub-Signature".to_string(), SIGNATURE.to_string()),
            (
                "X-Hub-Signature-256".to_string(),
                format!("sha256={}", "0".repeat(64)),
            ),
        ];
        let request = SignedRequest::post(&headers, BODY);
        assert_eq!(detect(&request, DEFAULT_HEX_HEADER), Some(Scheme::GITHUB));
        assert_eq!(
            detect(
                &SignedRequest::post(&headers[..1], BODY),
                DEFAULT_HEX_HEADER
            ),
            Some(intercom())
        );
    }
}
