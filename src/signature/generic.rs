//! `hex`: the tutorials' generic scheme. HMAC-SHA256 of the body, hex, in one configurable header;
//! an optional `sha256=` prefix is accepted on verification.

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, crypto,
};

pub(super) const PROVIDER: Provider = Provider {
    name: "hex",
    aliases: &[],
    summary: "Generic HMAC-SHA256 of the body, hex, in one header (the tutorials' pattern)",
    key: KeyKind::Secret,
    signature: SignatureAt::ConfiguredHeader,
    signature_prefix: "",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Header(super::GENERIC_EVENT_HEADER)],
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
    detect: |request, hex_header| request.has(hex_header),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: super::no_timestamp,
};

fn sign(s: &Signing<'_>) -> Signed {
    let mac = crypto::hmac_sha256(s.first(), &[s.request.body]);
    Signed::headers(vec![(s.hex_header.to_string(), crypto::hex_lower(&mac))])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let header = check.hex_header;
    let value = check.header(header)?;
    let digits = value.strip_prefix("sha256=").unwrap_or(value);
    let signature = decode_hex_signature(header, digits)?;
    check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}

/// Decodes a hex SHA-256 signature, saying exactly what is wrong with a bad one.
pub(super) fn decode_hex_signature(header: &str, digits: &str) -> Result<Vec<u8>, Failure> {
    let malformed = |reason: String| Failure::MalformedHeader {
        header: header.to_string(),
        reason,
    };
    // The value itself is never quoted: a sender may have put a secret there.
    let bytes = hex::decode(digits).map_err(|_| {
        malformed(format!(
            "signature is not hex (64 characters expected, got {})",
            digits.chars().count()
        ))
    })?;
    if bytes.len() != 32 {
        return Err(malformed(format!(
            "signature has {} hex digits; SHA-256 has 64",
            digits.len()
        )));
    }
    Ok(bytes)
}
