//! Random identifiers in the shapes providers use (`evt_…`, `msg_…`, UUIDs). The random source is a
//! parameter so that a seeded generator gives reproducible ids (`send --seed`). Pure.

use rand::Rng;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix_` followed by 24 base62 characters, like `msg_p5jXN8AQM9LWM0D4loKWxJek`.
pub fn prefixed_id(prefix: &str, rng: &mut impl Rng) -> String {
    let mut id = String::with_capacity(prefix.len() + 25);
    id.push_str(prefix);
    id.push('_');
    for _ in 0..24 {
        id.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
    }
    id
}

/// `prefix_` and 24 base62 characters, shaped as [`prefixed_id`] shapes them, from three 64-bit
/// draws instead of 24 bounded ones: each draw read as a fraction of one, its first eight base-62
/// digits (each of the 62^8 strings within 2^-16 of equally likely). For ids no seed has to
/// reproduce (a capture's own id, one per request); [`prefixed_id`] keeps its draws, so that
/// `send --seed` still gives the ids it gave.
pub fn quick_prefixed_id(prefix: &str, rng: &mut impl Rng) -> String {
    let mut id = String::with_capacity(prefix.len() + 25);
    id.push_str(prefix);
    id.push('_');
    for _ in 0..3 {
        let mut fraction = rng.next_u64();
        for _ in 0..8 {
            let scaled = u128::from(fraction) * ALPHABET.len() as u128;
            id.push(ALPHABET[(scaled >> 64) as usize] as char);
            fraction = scaled as u64;
        }
    }
    id
}

/// A random (version 4) UUID in its canonical text form.
pub fn uuid_v4(rng: &mut impl Rng) -> String {
    let mut bytes: [u8; 16] = rng.r#gen();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn shapes_and_reproducibility() {
        let mut rng = StdRng::seed_from_u64(42);
        let id = prefixed_id("evt", &mut rng);
        assert_eq!(id.len(), 28);
        assert!(id.starts_with("evt_") && id[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        let uuid = uuid_v4(&mut rng);
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
        let mut again = StdRng::seed_from_u64(42);
        assert_eq!(prefixed_id("evt", &mut again), id);
    }

    #[test]
    fn quick_ids_have_the_shape_and_use_every_character_evenly() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut counts = [0u32; 62];
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let id = quick_prefixed_id("req", &mut rng);
            assert_eq!(id.len(), 28, "{id}");
            assert!(id.starts_with("req_"), "{id}");
            for byte in id[4..].bytes() {
                counts[ALPHABET.iter().position(|&a| a == byte).expect("base62")] += 1;
            }
            assert!(seen.insert(id), "a repeated id");
        }
        // 240,000 characters: about 3,871 of each; a skewed mapping (a digit never drawn, or one
        // drawn twice as often) is far outside these bounds.
        let (least, most) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(*least > 3_500 && *most < 4_250, "{counts:?}");
    }

    #[test]
    fn quick_ids_are_the_base62_digits_of_each_draw() {
        // Draws 0 and u64::MAX are the extremes of the fraction: all the first and all the last
        // character.
        struct Fixed(u64);
        impl rand::RngCore for Fixed {
            fn next_u32(&mut self) -> u32 {
                self.0 as u32
            }
            fn next_u64(&mut self) -> u64 {
                self.0
            }
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                dest.fill(0);
            }
            fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
                dest.fill(0);
                Ok(())
            }
        }
        assert_eq!(
            quick_prefixed_id("r", &mut Fixed(0)),
            format!("r_{}", "0".repeat(24))
        );
        assert_eq!(
            quick_prefixed_id("r", &mut Fixed(u64::MAX)),
            format!("r_{}", "z".repeat(24))
        );
        // One half: 31 is 'V', then every further digit of exactly one half is 0.
        assert_eq!(
            quick_prefixed_id("r", &mut Fixed(1 << 63)),
            format!("r_{}", "V0000000".repeat(3))
        );
    }
}
