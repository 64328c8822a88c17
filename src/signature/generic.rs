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
    // The usual case, 64 hex digits, without `hex::decode`'s iterators; anything else goes the
    // long way, which says what is wrong.
    if let Some(bytes) = sha256_from_hex(digits.as_bytes()) {
        return Ok(bytes.to_vec());
    }
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

/// Each byte's value as a hex digit (either case), or 0xff for a byte that is not one.
const HEX_VALUES: [u8; 256] = {
    let mut values = [0xffu8; 256];
    let mut digit = 0;
    while digit < 10 {
        values[b'0' as usize + digit] = digit as u8;
        digit += 1;
    }
    let mut letter = 0;
    while letter < 6 {
        values[b'a' as usize + letter] = 10 + letter as u8;
        values[b'A' as usize + letter] = 10 + letter as u8;
        letter += 1;
    }
    values
};

/// 64 hex digits (either case) as the 32 bytes they spell; `None` for anything else. Each digit
/// is looked up in [`HEX_VALUES`] and a bad one noticed once at the end (its 0xff leaves high bits
/// no digit has), not by a range test per digit (~600 instructions a signature before).
fn sha256_from_hex(digits: &[u8]) -> Option<[u8; 32]> {
    let digits: &[u8; 64] = digits.try_into().ok()?;
    let mut bytes = [0u8; 32];
    let mut seen = 0u8;
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let high = HEX_VALUES[usize::from(pair[0])];
        let low = HEX_VALUES[usize::from(pair[1])];
        seen |= high | low;
        *byte = (high << 4) | low;
    }
    (seen < 16).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_signatures_decode_as_the_hex_crate_decodes_them() {
        let upper = "00FF7fA0".repeat(8);
        let odd = format!("{}g", "a".repeat(63));
        let short = "ab".repeat(31);
        let spaced = format!(" {}", "a".repeat(63));
        for digits in [
            upper.as_str(),
            &"0123456789abcdef".repeat(4),
            &odd,
            &short,
            &spaced,
            "",
            "é",
        ] {
            let expected = match hex::decode(digits) {
                Ok(bytes) if bytes.len() == 32 => Some(bytes),
                _ => None,
            };
            assert_eq!(
                sha256_from_hex(digits.as_bytes()).map(|b| b.to_vec()),
                expected,
                "{digits}"
            );
            assert_eq!(decode_hex_signature("h", digits).ok(), expected, "{digits}");
        }
        // Every byte value in a digit's place (high and low, first and last), against the hex
        // crate.
        for at in [0, 16, 17, 63] {
            for byte in 0u8..=255 {
                let mut digits = b"ab".repeat(32);
                digits[at] = byte;
                let expected = hex::decode(&digits).ok();
                assert_eq!(
                    sha256_from_hex(&digits).map(|b| b.to_vec()),
                    expected,
                    "{byte} at {at}"
                );
            }
        }
    }
}
