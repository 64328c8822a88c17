//! HMAC-SHA256 (and HMAC-SHA1 for the providers that still use it) and the constant-time
//! comparison every scheme uses.

use std::cell::RefCell;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// How many keyed HMAC-SHA256 states a thread keeps (see [`keyed_sha256`]): a sender signs with
/// one secret, a receiver verifies with a rotation pair or a few providers' secrets.
const KEYED_KEPT: usize = 4;

thread_local! {
    /// The HMAC-SHA256 states this thread keyed last, each with its key: keying hashes the key into
    /// two blocks, which a request would otherwise pay for again and again with the same secret.
    static KEYED_SHA256: RefCell<Vec<(Vec<u8>, Hmac<Sha256>)>> = const { RefCell::new(Vec::new()) };
}

/// An HMAC-SHA256 state keyed with `key`: a clone of the one keyed before on this thread, else
/// keyed now (and kept, the oldest of [`KEYED_KEPT`] making room).
fn keyed_sha256(key: &[u8]) -> Hmac<Sha256> {
    let fresh = || Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    // `try_with`: a thread being torn down has no cache, and keys afresh.
    KEYED_SHA256
        .try_with(|cell| {
            let Ok(mut kept) = cell.try_borrow_mut() else {
                return fresh();
            };
            if let Some((_, mac)) = kept.iter().find(|(k, _)| k.as_slice() == key) {
                return mac.clone();
            }
            let mac = fresh();
            if kept.len() == KEYED_KEPT {
                kept.remove(0);
            }
            kept.push((key.to_vec(), mac.clone()));
            mac
        })
        .unwrap_or_else(|_| fresh())
}

/// HMAC-SHA256 of the concatenation of `parts`, without copying them together.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = keyed_sha256(key);
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

/// `bytes` in lower-case hex, as `hex::encode` writes them, without its per-character collect
/// (a signature is encoded once per request).
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = vec![0u8; bytes.len() * 2];
    for (pair, byte) in text.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    String::from_utf8(text).expect("hex digits are ASCII")
}

/// The SHA-256 digest of `data`, in lower-case hex (Twilio's `bodySHA256`).
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

/// Constant-time equality, as a `subtle::Choice` to combine without branching; different lengths
/// are unequal (answered at once: length is not secret). The XOR of the two is ORed together eight
/// bytes at a time, the running value passed through `black_box` after each word so that the
/// compiler can neither see it settle nor stop early, and tested against zero once with `subtle`:
/// `subtle`'s own slice comparison puts a barrier after every byte (32 for a signature, ~300
/// instructions a request).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> Choice {
    if a.len() != b.len() {
        return Choice::from(0);
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    let mut difference = 0u64;
    for (x, y) in a_words.iter().zip(b_words) {
        difference =
            std::hint::black_box(difference | (u64::from_ne_bytes(*x) ^ u64::from_ne_bytes(*y)));
    }
    for (x, y) in a_rest.iter().zip(b_rest) {
        difference = std::hint::black_box(difference | u64::from(x ^ y));
    }
    difference.ct_eq(&0)
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
    fn hex_is_lower_case_as_the_hex_crate_writes_it() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(hex_lower(&bytes), hex::encode(&bytes));
        assert_eq!(hex_lower(&[]), "");
    }

    #[test]
    fn a_kept_keyed_state_signs_as_a_fresh_one() {
        // RFC 4231 test case 2, then more keys than are kept, then the first key again.
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let sign =
            |key: &[u8]| hex::encode(hmac_sha256(key, &[b"what do ya want ", b"for nothing?"]));
        assert_eq!(sign(b"Jefe"), expected);
        assert_eq!(sign(b"Jefe"), expected);
        let others: Vec<String> = (0..KEYED_KEPT + 2)
            .map(|i| sign(format!("k{i}").as_bytes()))
            .collect();
        for (i, other) in others.iter().enumerate() {
            let mut mac = Hmac::<Sha256>::new_from_slice(format!("k{i}").as_bytes()).unwrap();
            mac.update(b"what do ya want for nothing?");
            assert_eq!(*other, hex::encode(mac.finalize().into_bytes()));
        }
        assert_eq!(sign(b"Jefe"), expected);
        assert_ne!(sign(b"Jef"), expected);
        assert_ne!(sign(b"Jefe!"), expected);
    }

    #[test]
    fn ct_eq_is_equality() {
        for len in 0..40usize {
            let a: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert!(bool::from(ct_eq(&a, &a.clone())));
            assert!(!bool::from(ct_eq(&a, &a[..len.saturating_sub(1)])) || len == 0);
            let mut longer = a.clone();
            longer.push(0);
            assert!(!bool::from(ct_eq(&a, &longer)));
            for at in 0..len {
                for bit in 0..8 {
                    let mut b = a.clone();
                    b[at] ^= 1 << bit;
                    assert!(!bool::from(ct_eq(&a, &b)), "{len} {at} {bit}");
                    assert!(!bool::from(ct_eq(&b, &a)), "{len} {at} {bit}");
                }
            }
        }
    }

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
