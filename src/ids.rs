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
}
