//! Which bytes of JSON text matter to the code that reads or writes it fast: the ones a string
//! escapes or stops at (`"`, `\`, below 0x20), the control characters, and those past ASCII,
//! marked eight bytes at a time in a word or sixteen at a time in a block (SSE2 on x86-64). The
//! capture line's writer and reader and the event scanner look for them with these. Pure.

pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is zero, and only those: no carry crosses a byte.
fn zero_bytes(word: u64) -> u64 {
    !(((word & !HIGH) + !HIGH) | word) & HIGH
}

/// The high bit of each byte of `word` that JSON escapes (`"`, `\`, below 0x20), and only those.
#[inline(always)]
pub(crate) fn escape_mask(word: u64) -> u64 {
    control_mask(word)
        | zero_bytes(word ^ (ONES * u64::from(b'"')))
        | zero_bytes(word ^ (ONES * u64::from(b'\\')))
}

/// The high bit of each byte of `word` below 0x20, and only those.
fn control_mask(word: u64) -> u64 {
    // A byte below 0x80 is below 0x20 exactly when adding 0x60 leaves its high bit clear.
    !(((word & !HIGH) + ONES * 0x60) | word) & HIGH
}

/// Sixteen bytes looked at together: bit `i` of each mask stands for byte `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Marks {
    /// The bytes JSON escapes (`"`, `\`, below 0x20).
    pub(crate) escapes: u32,
    /// The control characters (below 0x20).
    pub(crate) controls: u32,
    /// The bytes from 0x80 on.
    pub(crate) non_ascii: u32,
}

/// [`Marks`] of a block, with SSE2 on x86-64. SSE2 is part of x86-64's baseline (every x86-64 CPU
/// has it, and the compiler enables it for the target), so the `cfg` is the detection. Inlined, it
/// costs only the masks the caller reads (the event scanner reads `escapes` alone: the same
/// instructions a request as a function of its own, `bench/instructions.sh json`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn block_marks(block: &[u8; 16]) -> Marks {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: the load reads exactly the 16 bytes `block` borrows (unaligned loads allowed); the
    // rest are SSE2 operations on registers, and SSE2 is enabled for this target (the `cfg`). The
    // masks hold 16 bits: the casts keep them as they are.
    unsafe {
        let bytes = _mm_loadu_si128(block.as_ptr().cast());
        let quotes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
        let backslashes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8));
        // Below 0x20, unsigned: the byte is its own minimum with 0x1f.
        let controls = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1f)), bytes);
        let escapes = _mm_or_si128(_mm_or_si128(quotes, backslashes), controls);
        Marks {
            escapes: _mm_movemask_epi8(escapes) as u32,
            controls: _mm_movemask_epi8(controls) as u32,
            non_ascii: _mm_movemask_epi8(bytes) as u32,
        }
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
pub(crate) fn block_marks(block: &[u8; 16]) -> Marks {
    block_marks_in_words(block)
}

/// [`Marks`] from two words' masks ([`escape_mask`], [`control_mask`]) on any CPU.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn block_marks_in_words(block: &[u8; 16]) -> Marks {
    let (low, high) = block.split_at(8);
    let words = [low, high].map(|half| u64::from_le_bytes(half.try_into().expect("8 bytes")));
    let both = |mask: fn(u64) -> u64| gather(mask(words[0])) | gather(mask(words[1])) << 8;
    Marks {
        escapes: both(escape_mask),
        controls: both(control_mask),
        non_ascii: both(|word| word & HIGH),
    }
}

/// The high bits of a word's bytes (nothing else set) as the eight low bits, byte `i` as bit `i`:
/// the multiplication moves each to bit 56 + `i` and carries nothing into them.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn gather(marks: u64) -> u32 {
    ((marks >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes JSON escapes, one at a time.
    fn needs_escape(byte: u8) -> bool {
        byte < 0x20 || byte == b'"' || byte == b'\\'
    }

    #[test]
    fn the_word_mask_marks_exactly_the_bytes_to_escape() {
        // Every byte value in every position, beside neighbours that carry or borrow the most.
        for byte in 0u8..=255 {
            for at in 0..8 {
                for fill in [0x00u8, 0x1f, 0x20, 0x22, 0x5c, 0x7f, 0x80, 0xff] {
                    let mut eight = [fill; 8];
                    eight[at] = byte;
                    let mask = escape_mask(u64::from_le_bytes(eight));
                    for (i, &b) in eight.iter().enumerate() {
                        let marked = mask & (0x80 << (8 * i)) != 0;
                        assert_eq!(marked, needs_escape(b), "{eight:?} at {i}");
                    }
                    assert_eq!(mask & !HIGH, 0);
                }
            }
        }
    }

    /// The marks each byte of `block` should get, one byte at a time.
    fn expected_marks(block: &[u8; 16]) -> Marks {
        let bits =
            |test: fn(u8) -> bool| (0..16).filter(|&i| test(block[i])).map(|i| 1u32 << i).sum();
        Marks {
            escapes: bits(needs_escape),
            controls: bits(|b| b < 0x20),
            non_ascii: bits(|b| b >= 0x80),
        }
    }

    #[test]
    fn block_marks_mark_exactly_the_bytes_they_stand_for() {
        // Every byte value in every position, beside neighbours at each class's edges; the
        // portable version (other CPUs) is checked here too.
        for byte in 0u8..=255 {
            for at in 0..16 {
                for fill in [0x00u8, 0x1f, 0x20, 0x22, 0x5c, 0x61, 0x7f, 0x80, 0xff] {
                    let mut block = [fill; 16];
                    block[at] = byte;
                    let expected = expected_marks(&block);
                    assert_eq!(block_marks(&block), expected, "{block:?}");
                    assert_eq!(block_marks_in_words(&block), expected, "{block:?}");
                }
            }
        }
    }

    #[test]
    fn the_sixteen_byte_mask_marks_every_stop() {
        for byte in 0u8..=255 {
            for at in 0..16 {
                for fill in [0x00u8, 0x1f, 0x20, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0x9f, 0xff] {
                    let mut sixteen = [fill; 16];
                    sixteen[at] = byte;
                    let expected = sixteen.iter().enumerate().fold(0u32, |mask, (i, &b)| {
                        mask | (u32::from(needs_escape(b)) << i)
                    });
                    assert_eq!(block_marks(&sixteen).escapes, expected, "{sixteen:?}");
                }
            }
        }
    }
}
