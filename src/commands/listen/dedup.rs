//! Duplicate detection for `hooky listen`: remembers the sequence number of the first request for
//! each event id, in a bounded window so memory stays flat however many requests arrive. Ids are
//! kept as SHA-256 digests (32 bytes whatever the id's length), and ids longer than
//! [`MAX_ID_BYTES`] are not checked at all: a sender cannot grow the window with huge ids. Pure (its
//! table hashes with keys drawn at random, which nothing it answers depends on).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};

use sha2::{Digest, Sha256};

/// How many event ids `listen` remembers by default.
pub const DEFAULT_WINDOW: usize = 50_000;

/// Longest event id checked for duplicates; providers' ids are a few dozen bytes.
pub const MAX_ID_BYTES: usize = 256;

/// What the capture's verdict notes for an id too long to check.
pub fn too_long_note(id_len: usize) -> String {
    format!("event id of {id_len} bytes not checked for duplicates (over {MAX_ID_BYTES} bytes)")
}

/// An event id as remembered: its SHA-256, fixed-size.
pub type IdDigest = [u8; 32];

/// The digest an event id is remembered by.
pub fn digest(event_id: &str) -> IdDigest {
    Sha256::digest(event_id.as_bytes()).into()
}

/// What [`DuplicateWindow::check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The first request with this id (in the window).
    First,
    /// A repeat: the sequence number of the first request that carried the id.
    Repeat(u64),
    /// The id is longer than [`MAX_ID_BYTES`]: not checked, not remembered.
    TooLong,
}

/// The most recent `capacity` event ids, each with the sequence number that first carried it.
#[derive(Debug)]
pub struct DuplicateWindow {
    capacity: usize,
    first_seen: HashMap<IdDigest, u64, DigestHashing>,
    order: VecDeque<IdDigest>,
}

/// How the window's table hashes its keys, which are SHA-256 digests already: the digest's first
/// eight bytes through a multiply folded to 64 bits, keyed by two random words drawn once per
/// window, instead of SipHash over all 32 bytes (~270 instructions a request). Safe against
/// hostile ids: a sender who grinds ids until their digests agree in the bits a table indexes by
/// (which the plain digest would let them do) cannot aim at the keyed result without the keys,
/// which never leave the process; and two different ids still never compare equal, since the
/// table compares whole digests.
#[derive(Debug, Clone, Copy)]
struct DigestHashing {
    keys: [u64; 2],
}

impl DigestHashing {
    fn random() -> Self {
        // Odd, so the multiply loses no bit of the key's XOR.
        DigestHashing {
            keys: [rand::random(), rand::random::<u64>() | 1],
        }
    }
}

impl BuildHasher for DigestHashing {
    type Hasher = DigestHasher;

    fn build_hasher(&self) -> DigestHasher {
        DigestHasher {
            keys: self.keys,
            state: 0,
        }
    }
}

/// The hasher [`DigestHashing`] builds: each write is folded into its state (a digest is written
/// as its length, then its 32 bytes, of which the first eight are used).
#[derive(Debug)]
struct DigestHasher {
    keys: [u64; 2],
    state: u64,
}

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut word = [0u8; 8];
        let len = bytes.len().min(8);
        word[..len].copy_from_slice(&bytes[..len]);
        self.state ^= u64::from_le_bytes(word);
    }

    fn write_usize(&mut self, _length: usize) {
        // Only a digest's length (always 32) is written as a usize: nothing to tell keys apart.
    }

    fn finish(&self) -> u64 {
        let product = u128::from(self.state ^ self.keys[0]) * u128::from(self.keys[1]);
        (product as u64) ^ ((product >> 64) as u64)
    }
}

impl DuplicateWindow {
    pub fn new(capacity: usize) -> Self {
        DuplicateWindow {
            capacity: capacity.max(1),
            first_seen: HashMap::with_hasher(DigestHashing::random()),
            order: VecDeque::new(),
        }
    }

    /// Records that request `seq` carries `event_id`; says whether it repeats one in the window.
    /// When the window is full the oldest id is forgotten.
    pub fn check(&mut self, event_id: &str, seq: u64) -> Seen {
        if event_id.len() > MAX_ID_BYTES {
            return Seen::TooLong;
        }
        let key = digest(event_id);
        if let Some(first) = self.first_seen.get(&key) {
            return Seen::Repeat(*first);
        }
        if self.order.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.first_seen.remove(&oldest);
        }
        self.first_seen.insert(key, seq);
        self.order.push_back(key);
        Seen::First
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The heap the window holds (its tables' capacity): a function of the number of ids only.
    pub fn heap_bytes(&self) -> usize {
        let entry = std::mem::size_of::<(IdDigest, u64)>();
        self.first_seen.capacity() * entry + self.order.capacity() * std::mem::size_of::<IdDigest>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_hash_by_their_first_eight_bytes_keyed() {
        let hashing = DigestHashing::random();
        let a = digest("evt_1");
        let mut b = a;
        b[31] ^= 1;
        // The same digest hashes the same; the bytes past the eighth are not read (the table
        // compares whole digests).
        assert_eq!(hashing.hash_one(a), hashing.hash_one(a));
        assert_eq!(hashing.hash_one(a), hashing.hash_one(b));
        let mut c = a;
        c[0] ^= 1;
        assert_ne!(hashing.hash_one(a), hashing.hash_one(c));
        // Other keys, other hashes.
        let other = DigestHashing::random();
        assert_ne!(hashing.hash_one(a), other.hash_one(a));
        // Digests alike but for their last byte are still told apart.
        let mut window = DuplicateWindow::new(4);
        window.first_seen.insert(a, 1);
        assert_eq!(window.first_seen.get(&b), None);
    }

    #[test]
    fn repeats_point_at_the_first() {
        let mut window = DuplicateWindow::new(10);
        assert_eq!(window.check("evt_1", 1), Seen::First);
        assert_eq!(window.check("evt_2", 2), Seen::First);
        assert_eq!(window.check("evt_1", 3), Seen::Repeat(1));
        assert_eq!(window.check("evt_1", 4), Seen::Repeat(1));
        assert_eq!(window.len(), 2);
    }

    #[test]
    fn the_window_is_bounded() {
        let mut window = DuplicateWindow::new(3);
        for (seq, id) in ["a", "b", "c", "d"].iter().enumerate() {
            assert_eq!(window.check(id, seq as u64 + 1), Seen::First);
        }
        assert_eq!(window.len(), 3);
        // "a" fell out of the window, "d" is still in it.
        assert_eq!(window.check("a", 5), Seen::First);
        assert_eq!(window.check("d", 6), Seen::Repeat(4));
        assert_eq!(window.len(), 3);
    }

    #[test]
    fn memory_does_not_depend_on_the_ids_length() {
        let fill = |id_len: usize| {
            let mut window = DuplicateWindow::new(1000);
            for seq in 0..1000u64 {
                let id = format!("{seq:0>id_len$}");
                assert_eq!(window.check(&id, seq), Seen::First);
            }
            window.heap_bytes()
        };
        let short = fill(8);
        assert_eq!(fill(MAX_ID_BYTES), short);
        // 40 bytes an entry and 32 in the order, plus the tables' slack: well under 1000 ids of
        // 256 bytes.
        assert!(short < 1000 * MAX_ID_BYTES, "{short}");
    }

    #[test]
    fn ids_over_the_limit_are_not_checked_nor_kept() {
        let mut window = DuplicateWindow::new(10);
        let huge = "x".repeat(10 * 1024 * 1024);
        assert_eq!(window.check(&huge, 1), Seen::TooLong);
        assert_eq!(window.check(&huge, 2), Seen::TooLong);
        assert!(window.is_empty());
        let limit = "y".repeat(MAX_ID_BYTES);
        assert_eq!(window.check(&limit, 3), Seen::First);
        assert_eq!(window.check(&limit, 4), Seen::Repeat(3));
        assert!(too_long_note(huge.len()).contains("10485760 bytes"));
    }
}
