//! HMAC-SHA256 (and HMAC-SHA1 for the providers that still use it) and the constant-time
//! comparison every scheme uses.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// HMAC-SHA256 of the concatenation of `parts`, without copying them together.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA1 of the concatenation of `parts` (Intercom, Twilio: their documented algorithm).
pub(crate) fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// The SHA-256 digest of `data`, in lower-case hex (Twilio's `bodySHA256`).
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Constant-time equality, as a `subtle::Choice` to combine without branching; different lengths
/// are unequal (`subtle` answers at once: length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> Choice {
    a.ct_eq(b)
}

/// The 1-based position of the first `true` among `matches`, found without an early exit or a
/// branch on the values: every secret is tried, so timing does not say which one matched.
pub(crate) fn first_match(matches: impl Iterator<Item = Choice>) -> Option<usize> {
    let mut found = 0u64;
    for (index, matched) in matches.enumerate() {
        let first = matched & found.ct_eq(&0);
        found.conditional_assign(&(index as u64 + 1), first);
    }
    usize::try_from(found).ok().filter(|i| *i > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_match_is_found_after_trying_all() {
        let tried = std::cell::Cell::new(0);
        let choices = [0u8, 1, 0, 1].map(|c| {
            tried.set(tried.get() + 1);
            Choice::from(c)
        });
        assert_eq!(first_match(choices.into_iter()), Some(2));
        assert_eq!(tried.get(), 4);
        assert_eq!(first_match([Choice::from(0)].into_iter()), None);
        assert_eq!(first_match(std::iter::empty()), None);
    }
}
