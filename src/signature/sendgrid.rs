//! SendGrid (Twilio) Event Webhook: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER ECDSA
//! P-256/SHA-256 signature of "{timestamp}{body}">` with `X-Twilio-Email-Event-Webhook-Timestamp`,
//! verified with the public key SendGrid shows (base64 DER SPKI), as `@sendgrid/eventwebhook`'s
//! `verifySignature` does. The body is signed byte for byte (SendGrid's end in `\r\n`). Like that
//! library, no age check.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, key_pair,
};

const SIGNATURE: &str = "X-Twilio-Email-Event-Webhook-Signature";
const TIMESTAMP: &str = "X-Twilio-Email-Event-Webhook-Timestamp";
const KEYGEN: &str = "`hooky keygen --scheme sendgrid` or `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`";

pub(super) const PROVIDER: Provider = Provider {
    name: "sendgrid",
    aliases: &[],
    summary: "SendGrid: X-Twilio-Email-Event-Webhook-Signature (base64 DER ECDSA P-256) over timestamp + body",
    key: KeyKind::KeyPair,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "",
    other_headers: &[TIMESTAMP],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Body("/0/event")],
    event_id: &[Location::Body("/0/sg_event_id")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
    ],
    note: Some("no age check: SendGrid's libraries have none, so a replayed request verifies"),
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(SIGNATURE),
    check_key: |key| parse_private(key).map(|_| ()),
    sign,
    verify,
    signed_timestamp: super::no_timestamp,
};

fn parse_private(key: &[u8]) -> Result<SigningKey, String> {
    let pem = key_pair::private_pem(key, KEYGEN)?;
    SigningKey::from_pkcs8_pem(pem)
        .map_err(|_| format!("the private key is not a P-256 key ({KEYGEN} writes one)"))
}

/// A public key as SendGrid shows it (base64 DER SPKI), or as SPKI PEM.
pub(super) fn parse_public(text: &str) -> Option<VerifyingKey> {
    if key_pair::is_public_pem(text) {
        return VerifyingKey::from_public_key_pem(text).ok();
    }
    VerifyingKey::from_public_key_der(&STANDARD.decode(text).ok()?).ok()
}

fn public_text(key: &VerifyingKey) -> String {
    STANDARD.encode(
        key.to_public_key_der()
            .expect("a P-256 key encodes as SPKI")
            .as_bytes(),
    )
}

pub(super) fn key_pair(seed: &[u8; 32]) -> Option<key_pair::KeyPair> {
    let key = SigningKey::from_bytes(seed.into()).ok()?;
    Some(key_pair::KeyPair {
        private_pem: key
            .to_pkcs8_pem(Default::default())
            .expect("a P-256 key encodes as PKCS#8")
            .to_string(),
        public: public_text(key.verifying_key()),
    })
}

pub(super) fn public_of(private_pem: &[u8]) -> Result<String, String> {
    Ok(public_text(parse_private(private_pem)?.verifying_key()))
}

fn sign(s: &Signing<'_>) -> Signed {
    let key = parse_private(s.first()).expect("the key was checked with check_key");
    let ts = s.timestamp.to_string();
    let signature: DerSignature = key.sign(&[ts.as_bytes(), s.request.body].concat());
    Signed::headers(vec![
        (TIMESTAMP.to_string(), ts),
        (SIGNATURE.to_string(), STANDARD.encode(signature.as_bytes())),
    ])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let timestamp = check.header(TIMESTAMP)?;
    let value = check.header(SIGNATURE)?;
    let signature = STANDARD
        .decode(value)
        .ok()
        .and_then(|der| Signature::from_der(&der).ok())
        .ok_or_else(|| Failure::MalformedHeader {
            header: SIGNATURE.to_string(),
            reason: format!(
                "not a base64 DER ECDSA signature ({} characters)",
                value.chars().count()
            ),
        })?;
    let message = [timestamp.as_bytes(), check.body].concat();
    let described = "a SendGrid key (base64 DER, as the Mail Settings page shows it)";
    let verifies = |key: &VerifyingKey| key.verify(&message, &signature).is_ok();
    match check.public_keys {
        Some(parsed) => key_pair::first_of(&parsed.sendgrid, parsed.given, described, verifies),
        None => key_pair::first_verifying(check.secrets, parse_public, described, verifies),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};
    use super::*;

    // sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js (the same values are in
    // sendgrid-python's tests).
    const SPEC_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    const SPEC_SIGNATURE: &str = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
    const SPEC_TIMESTAMP: &str = "1588788367";
    const SPEC_PAYLOAD: &[u8] =
        br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;

    fn check(public: &str, signature: &str, timestamp: &str, body: &[u8]) -> Verdict {
        let headers = vec![
            (super::SIGNATURE.to_string(), signature.to_string()),
            (super::TIMESTAMP.to_string(), timestamp.to_string()),
        ];
        let public: [&[u8]; 1] = [public.as_bytes()];
        verify(
            Scheme::SENDGRID,
            Keys::new(&[]).with_public_keys(&public),
            &SignedRequest::post(&headers, body),
            0,
            None,
        )
    }

    fn code(verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::Invalid { failure, .. } => failure.code(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_official_library_vectors() {
        assert!(check(SPEC_PUBLIC, SPEC_SIGNATURE, SPEC_TIMESTAMP, SPEC_PAYLOAD).is_valid());
        // "should reject for invalid key"
        let other = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==";
        assert_eq!(
            code(check(other, SPEC_SIGNATURE, SPEC_TIMESTAMP, SPEC_PAYLOAD)),
            "signature_mismatch"
        );
        // "should reject for bad payload"
        assert_eq!(
            code(check(
                SPEC_PUBLIC,
                SPEC_SIGNATURE,
                SPEC_TIMESTAMP,
                b"payload"
            )),
            "signature_mismatch"
        );
        // "should reject for bad signature"
        let bad = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=";
        assert_eq!(
            code(check(SPEC_PUBLIC, bad, SPEC_TIMESTAMP, SPEC_PAYLOAD)),
            "signature_mismatch"
        );
        // "should reject for bad timestamp"
        assert_eq!(
            code(check(
                SPEC_PUBLIC,
                SPEC_SIGNATURE,
                "timestamp",
                SPEC_PAYLOAD
            )),
            "signature_mismatch"
        );
    }

    /// A key and a signature made by an independent implementation (Python `cryptography`):
    ///   k = ec.derive_private_key(0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721,
    ///       ec.SECP256R1())
    ///   base64.b64encode(k.sign(b"1700000000" + BODY, ec.ECDSA(hashes.SHA256())))
    /// and k's PKCS#8 PEM and base64 DER SPKI public key.
    const PY_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX\nZ7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth\n+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ\n-----END PRIVATE KEY-----\n";
    const PY_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==";
    const PY_SIGNATURE: &str = "MEUCIQDpSYpDIt/kT37BW5bJ8C78MR2AeDspL5GagYfQTpJbHwIgGByJcB1rMdOzNw+ahnHZ740c9rduXQtNoFCamYY/dKY=";
    const BODY: &[u8] = b"[{\"email\":\"example@test.com\",\"timestamp\":1700000000,\"event\":\"processed\",\"sg_event_id\":\"rbtnWrG1DVDGGGFHFyun0A==\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\"}]\r\n";

    #[test]
    fn an_independent_signature_verifies_and_the_trailing_crlf_counts() {
        assert_eq!(public_of(PY_PRIVATE.as_bytes()).unwrap(), PY_PUBLIC);
        assert!(check(PY_PUBLIC, PY_SIGNATURE, "1700000000", BODY).is_valid());
        let trimmed = &BODY[..BODY.len() - 2];
        assert_eq!(
            code(check(PY_PUBLIC, PY_SIGNATURE, "1700000000", trimmed)),
            "signature_mismatch"
        );
        // The key as SPKI PEM works too.
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n",
            &PY_PUBLIC[..64],
            &PY_PUBLIC[64..]
        );
        assert!(check(&pem, PY_SIGNATURE, "1700000000", BODY).is_valid());
    }

    #[test]
    fn what_hooky_signs_verifies_and_malformed_signatures_say_so() {
        let private: [&[u8]; 1] = [PY_PRIVATE.as_bytes()];
        let headers = sign(
            Scheme::SENDGRID,
            Keys::new(&[]).with_private_keys(&private),
            &SignedRequest::post(&[], BODY),
            1_700_000_000,
            "",
        )
        .unwrap()
        .headers;
        let signature = crate::headers::get_one(&headers, super::SIGNATURE).unwrap();
        assert!(check(PY_PUBLIC, signature, "1700000000", BODY).is_valid());
        assert_eq!(
            code(check(PY_PUBLIC, "not base64!", "1700000000", BODY)),
            "malformed_header"
        );
        assert_eq!(
            code(check("deadbeef", signature, "1700000000", BODY)),
            "unusable_public_key"
        );
    }
}
