//! Typeform: `Typeform-Signature: sha256=<base64 of HMAC-SHA256(secret, body)>`, as Typeform's
//! "Secure your webhooks" docs compute it. No timestamp is signed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{Attack, Check, Failure, KeyKind, Provider, SignatureAt, Signed, Signing, crypto};

const HEADER: &str = "Typeform-Signature";

pub(super) const PROVIDER: Provider = Provider {
    name: "typeform",
    aliases: &[],
    summary: "Typeform: Typeform-Signature: sha256=<base64>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "sha256=",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    // The body's `event_type` and `event_id`, which hooky reads for every provider.
    event_type: &[],
    event_id: &[],
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
    let mac = crypto::hmac_sha256(s.first(), &[s.request.body]);
    Signed::headers(vec![(
        HEADER.to_string(),
        format!("sha256={}", BASE64.encode(mac)),
    )])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let malformed = |reason: String| Failure::MalformedHeader {
        header: HEADER.to_string(),
        reason,
    };
    let encoded = value
        .strip_prefix("sha256=")
        .ok_or_else(|| malformed("expected sha256=<base64>".into()))?;
    let signature = BASE64.decode(encoded).map_err(|_| {
        malformed(format!(
            "signature is not base64 (44 characters expected, got {})",
            encoded.chars().count()
        ))
    })?;
    check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};

    const BODY: &[u8] = br#"{"event_id":"01HX","event_type":"form_response"}"#;
    /// No published vector: a known answer from Python's hmac, an independent implementation:
    /// python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b"typeform-secret",
    ///   b"{\"event_id\":\"01HX\",\"event_type\":\"form_response\"}", hashlib.sha256).digest()).decode())'
    const SIGNATURE: &str = "sha256=nTd3IdLsUTr4b/SKD0IkIW/ysoAnPCdN/8oORrT/RHQ=";

    fn typeform() -> Scheme {
        Scheme::from_name("typeform").unwrap()
    }

    #[test]
    fn known_answer_signs_and_verifies() {
        let secret: [&[u8]; 1] = [b"typeform-secret"];
        let signed = sign(
            typeform(),
            Keys::new(&secret),
            &SignedRequest::post(&[], BODY),
            0,
            "",
        )
        .unwrap()
        .headers;
        assert_eq!(
            signed,
            vec![("Typeform-Signature".into(), SIGNATURE.into())]
        );
        let verdict = verify(
            typeform(),
            Keys::new(&secret),
            &SignedRequest::post(&signed, BODY),
            0,
            None,
        );
        assert_eq!(
            verdict,
            Verdict::Valid {
                scheme: typeform(),
                secret_index: 1
            }
        );
    }

    #[test]
    fn a_hex_or_unprefixed_signature_is_malformed() {
        let secret: [&[u8]; 1] = [b"typeform-secret"];
        for value in [&SIGNATURE[7..], "sha256=***", "sha1=abc"] {
            let headers = [("Typeform-Signature".to_string(), value.to_string())];
            let verdict = verify(
                typeform(),
                Keys::new(&secret),
                &SignedRequest::post(&headers, BODY),
                0,
                None,
            );
            match verdict {
                Verdict::Invalid { failure, .. } => {
                    assert_eq!(failure.code(), "malformed_header", "{value}")
                }
                other => panic!("{value}: {other:?}"),
            }
        }
    }
}
