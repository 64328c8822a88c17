//! Discord interactions: `X-Signature-Ed25519: <hex Ed25519 signature of "{timestamp}{body}">` with
//! `X-Signature-Timestamp`, verified with the application's public key (hex), as
//! `discord-interactions`' `verifyKey` does. Like that library, no age check: the timestamp is
//! signed but never compared with the clock.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::{Attack, Check, Failure, KeyKind, Provider, SignatureAt, Signed, Signing, key_pair};

const SIGNATURE: &str = "X-Signature-Ed25519";
const TIMESTAMP: &str = "X-Signature-Timestamp";
const KEYGEN: &str = "`hooky keygen --scheme discord` or `openssl genpkey -algorithm ed25519`";

pub(super) const PROVIDER: Provider = Provider {
    name: "discord",
    aliases: &[],
    summary: "Discord: X-Signature-Ed25519 (hex Ed25519) over timestamp + body, with X-Signature-Timestamp",
    key: KeyKind::KeyPair,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "",
    other_headers: &[TIMESTAMP],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[],
    // The interaction's `id` is found by the generic `/id`.
    event_id: &[],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
    ],
    note: Some("no age check: discord-interactions has none, so a replayed request verifies"),
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
        .map_err(|_| format!("the private key is not an Ed25519 key ({KEYGEN} writes one)"))
}

/// A public key as Discord shows it (64 hex digits), or as SPKI PEM.
pub(super) fn parse_public(text: &str) -> Option<VerifyingKey> {
    if key_pair::is_public_pem(text) {
        return VerifyingKey::from_public_key_pem(text).ok();
    }
    let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

pub(super) fn key_pair(seed: &[u8; 32]) -> key_pair::KeyPair {
    let key = SigningKey::from_bytes(seed);
    // PKCS#8 v1 (the private key alone), which OpenSSL 3.0 reads too; the crate writes v2.
    let v1 = ed25519_dalek::ed25519::pkcs8::KeypairBytes {
        secret_key: *seed,
        public_key: None,
    };
    key_pair::KeyPair {
        private_pem: v1
            .to_pkcs8_pem(Default::default())
            .expect("an Ed25519 key encodes as PKCS#8")
            .to_string(),
        public: hex::encode(key.verifying_key().as_bytes()),
    }
}

pub(super) fn public_of(private_pem: &[u8]) -> Result<String, String> {
    Ok(hex::encode(
        parse_private(private_pem)?.verifying_key().as_bytes(),
    ))
}

fn sign(s: &Signing<'_>) -> Signed {
    let key = parse_private(s.first()).expect("the key was checked with check_key");
    let ts = s.timestamp.to_string();
    let message = [ts.as_bytes(), s.request.body].concat();
    Signed::headers(vec![
        (TIMESTAMP.to_string(), ts),
        (
            SIGNATURE.to_string(),
            hex::encode(key.sign(&message).to_bytes()),
        ),
    ])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let timestamp = check.header(TIMESTAMP)?;
    let value = check.header(SIGNATURE)?;
    let signature: [u8; 64] = hex::decode(value)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| Failure::MalformedHeader {
            header: SIGNATURE.to_string(),
            reason: format!(
                "an Ed25519 signature is 128 hex digits, got {} characters",
                value.chars().count()
            ),
        })?;
    let signature = Signature::from_bytes(&signature);
    let message = [timestamp.as_bytes(), check.body].concat();
    let described = "a Discord key (64 hex digits, as the Developer Portal shows it)";
    let verifies = |key: &VerifyingKey| key.verify_strict(&message, &signature).is_ok();
    match check.public_keys {
        Some(parsed) => key_pair::first_of(&parsed.discord, parsed.given, described, verifies),
        None => key_pair::first_verifying(check.secrets, parse_public, described, verifies),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};
    use super::*;

    /// RFC 8032 §7.1 TEST 1's key pair, as the PKCS#8 PEM and the hex Discord shows.
    const RFC_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
    const RFC_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const TIMESTAMP: &str = "1700000000";
    const BODY: &[u8] = br#"{"type":1,"id":"1180000000000000000","application_id":"1100000000000000000","token":"tok"}"#;
    /// The signature of TIMESTAMP + BODY by an independent implementation (Python `cryptography`):
    ///   Ed25519PrivateKey.from_private_bytes(bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc4"
    ///   "4449c5697b326919703bac031cae7f60")).sign(b"1700000000" + BODY).hex()
    const KNOWN: &str = "e9a90a4946c74171c839211c6d5f98b0f6c2871ed29c171dd26a267dfc7721860f85a2d6f0d11fb0600d5100679a65c842f4b35325cfdb1233259a671357a60e";

    fn check(public: &str, signature: &str, timestamp: &str, body: &[u8]) -> Verdict {
        let headers = vec![
            (super::SIGNATURE.to_string(), signature.to_string()),
            (super::TIMESTAMP.to_string(), timestamp.to_string()),
        ];
        let public: [&[u8]; 1] = [public.as_bytes()];
        verify(
            Scheme::DISCORD,
            Keys::new(&[]).with_public_keys(&public),
            &SignedRequest::post(&headers, body),
            0,
            None,
        )
    }

    #[test]
    fn keys_parsed_once_verify_as_the_keys_given_do() {
        let sendgrid = super::super::sendgrid::key_pair(&[7; 32]).unwrap().public;
        let other = key_pair(&[1; 32]).public;
        let headers = vec![
            (super::SIGNATURE.to_string(), KNOWN.to_string()),
            (super::TIMESTAMP.to_string(), TIMESTAMP.to_string()),
        ];
        let verdict = |given: &[&[u8]], parsed: Option<&key_pair::PublicKeys>, body: &[u8]| {
            let mut keys = Keys::new(&[]).with_public_keys(given);
            if let Some(parsed) = parsed {
                keys = keys.with_parsed_public_keys(parsed);
            }
            verify(
                Scheme::DISCORD,
                keys,
                &SignedRequest::post(&headers, body),
                0,
                None,
            )
        };
        let given: [&[u8]; 3] = [sendgrid.as_bytes(), other.as_bytes(), RFC_PUBLIC.as_bytes()];
        let parsed = key_pair::PublicKeys::parse(&given).unwrap();
        for body in [BODY, b"changed".as_slice()] {
            assert_eq!(
                verdict(&given, Some(&parsed), body),
                verdict(&given, None, body)
            );
        }
        assert_eq!(
            verdict(&given, Some(&parsed), BODY),
            Verdict::Valid {
                scheme: Scheme::DISCORD,
                secret_index: 3
            }
        );
        let only_sendgrid: [&[u8]; 1] = [sendgrid.as_bytes()];
        let parsed = key_pair::PublicKeys::parse(&only_sendgrid).unwrap();
        assert_eq!(
            verdict(&only_sendgrid, Some(&parsed), BODY),
            verdict(&only_sendgrid, None, BODY)
        );
        let refused = key_pair::PublicKeys::parse(&[RFC_PUBLIC.as_bytes(), b"nonsense"])
            .err()
            .unwrap();
        assert!(refused.starts_with("public key #2 "), "{refused}");
        assert!(
            refused.contains("discord") && refused.contains("sendgrid"),
            "{refused}"
        );
    }

    #[test]
    fn the_rfc_8032_key_signs_what_an_independent_implementation_signs() {
        assert_eq!(public_of(RFC_PRIVATE.as_bytes()).unwrap(), RFC_PUBLIC);
        let private: [&[u8]; 1] = [RFC_PRIVATE.as_bytes()];
        let headers = sign(
            Scheme::DISCORD,
            Keys::new(&[]).with_private_keys(&private),
            &SignedRequest::post(&[], BODY),
            1_700_000_000,
            "",
        )
        .unwrap()
        .headers;
        assert_eq!(
            crate::headers::get_one(&headers, super::SIGNATURE),
            Some(KNOWN)
        );
        assert_eq!(
            crate::headers::get_one(&headers, super::TIMESTAMP),
            Some(TIMESTAMP)
        );
        assert!(check(RFC_PUBLIC, KNOWN, TIMESTAMP, BODY).is_valid());
        // Discord's portal shows lower case; hex is read in either case.
        assert!(check(&RFC_PUBLIC.to_uppercase(), KNOWN, TIMESTAMP, BODY).is_valid());
    }

    #[test]
    fn any_change_is_rejected_with_the_reason() {
        let code = |v: Verdict| match v {
            Verdict::Invalid { failure, .. } => failure.code(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(check(RFC_PUBLIC, KNOWN, "1700000001", BODY)),
            "signature_mismatch"
        );
        assert_eq!(
            code(check(RFC_PUBLIC, KNOWN, TIMESTAMP, b"{}")),
            "signature_mismatch"
        );
        let other = key_pair(&[1; 32]).public;
        assert_eq!(
            code(check(&other, KNOWN, TIMESTAMP, BODY)),
            "signature_mismatch"
        );
        assert_eq!(
            code(check(RFC_PUBLIC, &KNOWN[2..], TIMESTAMP, BODY)),
            "malformed_header"
        );
        // A SendGrid key is not a Discord key: said so, not a mismatch.
        let sendgrid = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
        assert_eq!(
            code(check(sendgrid, KNOWN, TIMESTAMP, BODY)),
            "unusable_public_key"
        );
        let none = verify(
            Scheme::DISCORD,
            Keys::new(&[b"a secret"]),
            &SignedRequest::post(&[], BODY),
            0,
            None,
        );
        assert_eq!(code(none.clone()), "no_public_key");
        assert!(
            none.to_string().contains("hooky keygen --scheme discord"),
            "{none}"
        );
    }

    #[test]
    fn a_private_key_of_another_kind_is_refused_before_signing() {
        let p256 = super::super::key_pair::generate(
            Scheme::SENDGRID,
            &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1),
        )
        .unwrap();
        let reason = (PROVIDER.check_key)(p256.private_pem.as_bytes()).unwrap_err();
        assert!(reason.contains("not an Ed25519 key"), "{reason}");
        assert!(
            !reason.contains("PRIVATE KEY-----\n"),
            "never quotes the key"
        );
        assert!((PROVIDER.check_key)(b"whsec_abc").is_err());
    }
}
