//! The capture line written field by field: byte for byte serde_json's compact serialisation of
//! [`CaptureRecord`], without its per-string machinery (`listen` writes one line per request, most
//! of it the body as a JSON string). The rare nested parts (forward, handshake) still go through
//! serde. Pure.

use super::{BodyEncoding, CaptureRecord, VerdictRecord};
use crate::json_bytes::{Marks, block_marks, escape_mask};

impl CaptureRecord {
    /// Appends the record's capture line, newline included, to `out`.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        every_field_is_written(self);
        out.reserve(256 + self.body.as_ref().map_or(0, |b| b.len() + b.len() / 8));
        self.push_request(out);
        self.push_outcome(out);
        out.extend_from_slice(b"}\n");
    }

    /// From `{"seq":` to the body's fields: the request as received.
    fn push_request(&self, out: &mut Vec<u8>) {
        push_u64(out, b"{\"seq\":", self.seq);
        push_u64(out, b",\"v\":", u64::from(self.v));
        push_str(out, b",\"id\":", &self.id);
        push_str(out, b",\"received_at\":", &self.received_at);
        push_str(out, b",\"remote_addr\":", &self.remote_addr);
        push_str(out, b",\"method\":", &self.method);
        push_str(out, b",\"path\":", &self.path);
        push_optional_str(out, b",\"query\":", self.query.as_deref());
        out.extend_from_slice(b",\"headers\":[");
        for (i, (name, value)) in self.headers.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"[" } else { b",[" });
            push_json_string(out, name);
            out.push(b',');
            push_json_string(out, value);
            out.push(b']');
        }
        out.push(b']');
        push_optional_str(out, b",\"body\":", self.body.as_deref());
        out.extend_from_slice(match self.body_encoding {
            BodyEncoding::Utf8 => b",\"body_encoding\":\"utf8\"",
            BodyEncoding::Base64 => b",\"body_encoding\":\"base64\"",
        });
        push_u64(out, b",\"body_size\":", self.body_size);
        push_str(out, b",\"body_sha256\":", &self.body_sha256);
        if let Some(omitted) = &self.body_omitted {
            push_str(out, b",\"body_omitted\":", omitted);
        }
    }

    /// From the event's type to the handshake: what hooky made of the request.
    fn push_outcome(&self, out: &mut Vec<u8>) {
        push_optional_str(out, b",\"event_type\":", self.event_type.as_deref());
        push_optional_str(out, b",\"event_id\":", self.event_id.as_deref());
        push_verdict(out, &self.verdict);
        push_u64(out, b",\"status\":", u64::from(self.status));
        match self.duplicate_of {
            Some(first) => push_u64(out, b",\"duplicate_of\":", first),
            None => out.extend_from_slice(b",\"duplicate_of\":null"),
        }
        if let Some(forward) = &self.forward {
            push_serde(out, b",\"forward\":", forward);
        }
        if let Some(handshake) = &self.handshake {
            push_serde(out, b",\"handshake\":", handshake);
        }
    }
}

/// Does nothing, but does not compile once a field is added to the record: the field must then be
/// written by [`CaptureRecord::write_line`] too (and its test compares with serde's line).
fn every_field_is_written(record: &CaptureRecord) {
    let CaptureRecord {
        seq: _,
        v: _,
        id: _,
        received_at: _,
        remote_addr: _,
        method: _,
        path: _,
        query: _,
        headers: _,
        body: _,
        body_encoding: _,
        body_size: _,
        body_sha256: _,
        body_omitted: _,
        event_type: _,
        event_id: _,
        verdict: _,
        status: _,
        duplicate_of: _,
        forward: _,
        handshake: _,
    } = record;
}

fn push_u64(out: &mut Vec<u8>, key: &[u8], value: u64) {
    out.extend_from_slice(key);
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

fn push_str(out: &mut Vec<u8>, key: &[u8], value: &str) {
    out.extend_from_slice(key);
    push_json_string(out, value);
}

fn push_optional_str(out: &mut Vec<u8>, key: &[u8], value: Option<&str>) {
    match value {
        Some(value) => push_str(out, key, value),
        None => {
            out.extend_from_slice(key);
            out.extend_from_slice(b"null");
        }
    }
}

/// The verdict as serde writes it: its kind, then each field that is set, in order.
fn push_verdict(out: &mut Vec<u8>, verdict: &VerdictRecord) {
    // Destructured: a field added to the record does not compile until it is written here too.
    let VerdictRecord {
        verdict: kind,
        scheme,
        secret_index,
        code,
        reason,
        hint,
        note,
    } = verdict;
    out.extend_from_slice(b",\"verdict\":{\"verdict\":");
    push_json_string(out, kind.name());
    if let Some(scheme) = scheme {
        push_str(out, b",\"scheme\":", scheme);
    }
    if let Some(index) = secret_index {
        out.extend_from_slice(b",\"secret_index\":");
        out.extend_from_slice(itoa::Buffer::new().format(*index).as_bytes());
    }
    for (key, text) in [
        (&b",\"code\":"[..], code),
        (b",\"reason\":", reason),
        (b",\"hint\":", hint),
        (b",\"note\":", note),
    ] {
        if let Some(text) = text {
            push_str(out, key, text);
        }
    }
    out.push(b'}');
}

fn push_serde(out: &mut Vec<u8>, key: &[u8], value: &impl serde::Serialize) {
    out.extend_from_slice(key);
    serde_json::to_writer(&mut *out, value).expect("a capture record always serialises");
}

/// `text` as a JSON string, escaped exactly as serde_json escapes it: `"` and `\`, the short
/// escapes `\b \f \n \r \t`, other control characters as `\u00xx`; everything else as is.
pub fn push_json_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Most strings have nothing to escape: one look sixteen bytes at a time, one copy. A JSON body
    // has a quote in its first bytes: what comes before it is copied, the rest escaped.
    match first_escape(bytes) {
        None => out.extend_from_slice(bytes),
        Some(at) => {
            out.extend_from_slice(&bytes[..at]);
            push_escaped(out, &bytes[at..]);
        }
    }
    out.push(b'"');
}

/// Where the first byte of `bytes` that needs escaping is, looked for sixteen bytes at a time
/// (the last block overlapping the one before it: no copy of the tail); a short string in words.
fn first_escape(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 16 {
        return first_escape_in_words(bytes);
    }
    let blocks = bytes.chunks_exact(16);
    let tail = blocks.remainder().len();
    for (i, block) in blocks.enumerate() {
        let marks = block_marks(block.try_into().expect("blocks of 16"));
        if marks.escapes != 0 {
            return Some(16 * i + marks.escapes.trailing_zeros() as usize);
        }
    }
    // The bytes before the tail were clean: the last block's first mark is in the tail.
    let last = bytes.len() - 16;
    let marks = block_marks(bytes[last..].try_into().expect("16 bytes"));
    (tail > 0 && marks.escapes != 0).then(|| last + marks.escapes.trailing_zeros() as usize)
}

/// [`first_escape`] for fewer than 16 bytes: two words overlapping, or one byte at a time.
fn first_escape_in_words(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 8 {
        return bytes
            .iter()
            .position(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let last = bytes.len() - 8;
    for at in [0, last] {
        let marks = escape_mask(word(at));
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
    }
    None
}

/// Up to 16 bytes, padded with a byte that is ASCII and needs no escape.
fn padded(tail: &[u8]) -> [u8; 16] {
    let mut block = [b' '; 16];
    block[..tail.len()].copy_from_slice(tail);
    block
}

/// What [`encode_body`](super::encode_body) needs to know of a body, from one pass sixteen bytes
/// at a time.
pub(super) struct BodyScan {
    /// Every byte is below 0x80 (so the body is UTF-8).
    pub ascii: bool,
    /// Some byte is a control character (below 0x20).
    pub controls: bool,
}

pub(super) fn scan_body(bytes: &[u8]) -> BodyScan {
    let blocks = bytes.chunks_exact(16);
    let tail = blocks.remainder();
    // The tail within the last 16 bytes when there are that many: no copy.
    let mut marks = match bytes.len().checked_sub(16) {
        Some(last) => block_marks(bytes[last..].try_into().expect("16 bytes")),
        None => block_marks(&padded(tail)),
    };
    for block in blocks {
        let block = block_marks(block.try_into().expect("blocks of 16"));
        marks.non_ascii |= block.non_ascii;
        marks.controls |= block.controls;
    }
    BodyScan {
        ascii: marks.non_ascii == 0,
        controls: marks.controls != 0,
    }
}

/// How many of `bytes` `test` holds for, counted in blocks of 64 that the compiler vectorises (a
/// plain `filter().count()` over bytes stays a byte-at-a-time loop).
pub(super) fn count_where(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    let mut count = 0;
    for block in blocks {
        let found: u8 = block.iter().map(|&b| u8::from(test(b))).sum();
        count += usize::from(found);
    }
    count + rest.iter().filter(|&&b| test(b)).count()
}

/// Bytes escaped through a buffer on the stack, sixteen at a time: a block without anything to
/// escape (found with [`block_marks`]) is copied in one store; in one with escapes, the bytes
/// between them are stored with the rest of the block each time (what lies past a write's end is
/// written over by the next). A JSON body has a quote every few bytes, so runs between them are
/// short.
///
/// With SSSE3 (detected at run time), a block of quotes and backslashes only is spread out eight
/// bytes at a time by one shuffle from a table ([`ssse3`]), however many escapes it holds. Not
/// inlined: a string with nothing to escape does not set up the buffer.
#[inline(never)]
fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("ssse3") {
        // SAFETY: the CPU has SSSE3: it was just detected.
        unsafe { ssse3::push_escaped(out, bytes) };
        return;
    }
    push_escaped_in_blocks(out, bytes);
}

/// [`push_escaped`] with [`push_block`] alone (SSE2 or words).
fn push_escaped_in_blocks(out: &mut Vec<u8>, bytes: &[u8]) {
    escape_in_chunks(out, bytes, push_block);
}

/// The loop of [`push_escaped`]: `bytes` a chunk at a time through the stack buffer, each block of
/// 16 escaped into it by `block` (buffer, end, block, its own bytes; returns the new end).
#[inline(always)]
fn escape_in_chunks(
    out: &mut Vec<u8>,
    bytes: &[u8],
    mut block: impl FnMut(&mut [u8; ESCAPED_CHUNK], usize, [u8; 16], usize) -> usize,
) {
    let mut buffer = [0u8; ESCAPED_CHUNK];
    for chunk in bytes.chunks(CHUNK) {
        let blocks = chunk.chunks_exact(16);
        let tail = blocks.remainder();
        let mut n = 0;
        for sixteen in blocks {
            n = block(
                &mut buffer,
                n,
                sixteen.try_into().expect("blocks of 16"),
                16,
            );
        }
        if !tail.is_empty() {
            // Padded with a byte that needs no escape; only the tail's own bytes are counted.
            n = block(&mut buffer, n, padded(tail), tail.len());
        }
        out.extend_from_slice(&buffer[..n]);
    }
}

/// Input bytes escaped per round through the stack buffer.
const CHUNK: usize = 256;
/// The stack buffer: a chunk escaped at worst (6 bytes per byte), and a whole block's store past
/// it.
const ESCAPED_CHUNK: usize = CHUNK * 6 + 32;

/// Escapes the first `len` bytes of `block` into `buffer` at `n`; returns the new end.
#[inline(always)]
fn push_block(buffer: &mut [u8; ESCAPED_CHUNK], n: usize, block: [u8; 16], len: usize) -> usize {
    push_marked_block(buffer, n, block, len, block_marks(&block))
}

/// [`push_block`] with the block's [`Marks`] already known.
#[inline(always)]
fn push_marked_block(
    buffer: &mut [u8; ESCAPED_CHUNK],
    mut n: usize,
    block: [u8; 16],
    len: usize,
    marks: Marks,
) -> usize {
    let mut mask = marks.escapes;
    buffer[n..n + 16].copy_from_slice(&block);
    if mask == 0 {
        return n + len;
    }
    // The block and room past it: the bytes from any position on are one 16-byte copy away (a
    // mask's trailing zeros are at most 32, so the copies are in bounds without a check).
    let mut rest = [0u8; 48];
    rest[..16].copy_from_slice(&block);
    // Bytes of the block already in place from `n` on start at `done`.
    let mut done = 0;
    if marks.controls == 0 {
        // Only quotes and backslashes (a JSON body's escapes): each is itself after a backslash.
        while mask != 0 {
            let at = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            n += at - done;
            buffer[n] = b'\\';
            n += 1;
            done = at;
            buffer[n..n + 16].copy_from_slice(&rest[at..at + 16]);
        }
        return n + (len - done);
    }
    while mask != 0 {
        let at = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        n += at - done;
        n = push_escape(buffer, n, block[at]);
        done = at + 1;
        buffer[n..n + 16].copy_from_slice(&rest[done..done + 16]);
    }
    n + (len - done)
}

/// Blocks of quotes and backslashes spread out with SSSE3's byte shuffle.
#[cfg(target_arch = "x86_64")]
mod ssse3 {
    use std::arch::x86_64::{
        __m128i, _mm_loadu_si128, _mm_or_si128, _mm_shuffle_epi8, _mm_srli_si128, _mm_storeu_si128,
    };

    use super::{ESCAPED_CHUNK, block_marks, escape_in_chunks, push_marked_block};

    /// [`super::push_escaped`]'s loop, each block through [`push_block_ssse3`].
    #[target_feature(enable = "ssse3")]
    pub(super) fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
        // The closure inherits SSSE3 from this function, and the loop is inlined into it.
        escape_in_chunks(out, bytes, |buffer, n, block, len| {
            push_block_ssse3(buffer, n, block, len)
        });
    }

    /// [`super::push_block`], but a block with quotes and backslashes only (no control character) is
    /// written as two halves of eight bytes, each spread out by one shuffle: every byte moves
    /// right by the escapes before it, and a backslash fills each gap.
    #[target_feature(enable = "ssse3")]
    fn push_block_ssse3(
        buffer: &mut [u8; ESCAPED_CHUNK],
        mut n: usize,
        block: [u8; 16],
        len: usize,
    ) -> usize {
        let marks = block_marks(&block);
        if marks.escapes == 0 || marks.controls != 0 {
            return push_marked_block(buffer, n, block, len, marks);
        }
        let bytes = load(&block);
        let halves = [
            (bytes, marks.escapes & 0xff, len.min(8)),
            (
                _mm_srli_si128::<8>(bytes),
                marks.escapes >> 8 & 0xff,
                len.saturating_sub(8),
            ),
        ];
        for (half, escapes, count) in halves {
            let escapes = escapes as usize;
            let spread = _mm_shuffle_epi8(half, load(&SPREAD.shuffles[escapes]));
            let mut written = [0u8; 16];
            // SAFETY: `written` is 16 writable bytes, and this store has no alignment requirement.
            unsafe {
                _mm_storeu_si128(
                    written.as_mut_ptr().cast(),
                    _mm_or_si128(spread, load(&SPREAD.backslashes[escapes])),
                )
            };
            buffer[n..n + 16].copy_from_slice(&written);
            // Only the half's own bytes (a padded tail's are not) and their escapes count.
            n += count + escapes.count_ones() as usize;
        }
        n
    }

    #[target_feature(enable = "ssse3")]
    fn load(bytes: &[u8; 16]) -> __m128i {
        // SAFETY: `bytes` is 16 readable bytes, and this load has no alignment requirement.
        unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) }
    }

    /// For each set of escapes among eight bytes (bit `i`: byte `i` is a quote or backslash):
    /// where each byte of the spread-out half comes from (0x80 leaves a zero: a backslash's
    /// place), and the backslashes to put there.
    struct Spread {
        shuffles: [[u8; 16]; 256],
        backslashes: [[u8; 16]; 256],
    }

    static SPREAD: Spread = spread_tables();

    const fn spread_tables() -> Spread {
        let mut tables = Spread {
            shuffles: [[0x80; 16]; 256],
            backslashes: [[0; 16]; 256],
        };
        let mut escapes = 0;
        while escapes < 256 {
            let (mut i, mut at) = (0, 0);
            while i < 8 {
                if escapes >> i & 1 == 1 {
                    tables.backslashes[escapes][at] = b'\\';
                    at += 1;
                }
                tables.shuffles[escapes][at] = i as u8;
                at += 1;
                i += 1;
            }
            escapes += 1;
        }
        tables
    }
}

/// One escaped byte as serde_json writes it: `\"`, `\\`, a short escape, or `\u00xx`.
fn push_escape(buffer: &mut [u8; ESCAPED_CHUNK], n: usize, byte: u8) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => 0,
    };
    if short != 0 {
        buffer[n..n + 2].copy_from_slice(&[b'\\', short]);
        n + 2
    } else {
        let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]);
        buffer[n..n + 6].copy_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
        n + 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{ForwardRecord, HandshakeRecord, VerdictKind, VerdictRecord};

    /// The bytes JSON escapes, one at a time.
    fn needs_escape(byte: u8) -> bool {
        byte < 0x20 || byte == b'"' || byte == b'\\'
    }

    fn serde_line(record: &CaptureRecord) -> Vec<u8> {
        let mut line = serde_json::to_vec(record).unwrap();
        line.push(b'\n');
        line
    }

    fn hand_line(record: &CaptureRecord) -> Vec<u8> {
        let mut line = b"left alone".to_vec();
        record.write_line(&mut line);
        line.split_off(10)
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        // Longer than the escaping buffer's chunk, with escapes and characters across its edges.
        let long = "\"é\u{1}x\\😀\n".repeat(300);
        // Chunks escaped at their worst (six bytes per byte) and at two bytes per byte, whole.
        let controls = "\u{1}".repeat(1000);
        let quotes = "\"\\".repeat(500);
        for text in [
            &long,
            &controls,
            &quotes,
            "",
            "plain",
            "\"quoted\" \\ back\\slash",
            &every_ascii,
            "é ü 日本 😀 \u{202e} \u{85} \u{7f}",
            "\u{1b}[31mred\u{1b}[0m\r\n\t\u{8}\u{c}\u{0}",
        ] {
            let mut ours = Vec::new();
            push_json_string(&mut ours, text);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(text).unwrap()
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(text in "(\\PC|[\"\\\\\\x00-\\x1f\\x7f]){0,600}") {
            let mut ours = b"left alone".to_vec();
            push_json_string(&mut ours, &text);
            proptest::prop_assert_eq!(&ours[..10], b"left alone");
            proptest::prop_assert_eq!(
                String::from_utf8(ours.split_off(10)).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

    #[test]
    fn the_first_escape_is_found_at_every_position() {
        for len in 0..70 {
            for at in 0..len.max(1) {
                for byte in [b'"', b'\\', 0x00, 0x1f, b' ', b'a', 0x7f, 0xc3] {
                    let mut bytes = vec![b'x'; len];
                    if len > 0 {
                        bytes[at] = byte;
                    }
                    let expected = bytes.iter().position(|&b| needs_escape(b));
                    assert_eq!(first_escape(&bytes), expected, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn every_escape_at_every_position_is_written_as_serde_writes_it() {
        // Lengths across many blocks and a chunk's edge (256), one escape or a run of them at
        // each position, in ASCII and beside two- and four-byte characters.
        for len in 0..300 {
            for at in 0..len {
                for (i, escape) in ["\"", "\\", "\u{1f}", "\"\"\\\n"].into_iter().enumerate() {
                    let fill = ["x", "é", "😀"][(at + i) % 3];
                    let mut text = "a".repeat(at);
                    text.push_str(escape);
                    text.push_str(&fill.repeat((len - at) / fill.len()));
                    let mut ours = Vec::new();
                    push_json_string(&mut ours, &text);
                    assert_eq!(ours, serde_json::to_vec(&text).unwrap(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn the_shuffled_escapes_are_the_block_escapes() {
        // The path this CPU takes against the one without SSSE3, on every set of escapes in a
        // block (quotes and backslashes, then with a control character), in every tail length.
        for escapes in 0u32..=0xffff {
            let block: Vec<u8> = (0..16)
                .map(|i| match (escapes >> i & 1, i % 3) {
                    (1, 0) => b'\\',
                    (1, _) => b'"',
                    _ => b'a' + i as u8,
                })
                .collect();
            for bytes in [&block[..], &block[..(escapes % 17) as usize]] {
                let mut with_controls = bytes.to_vec();
                with_controls.insert(escapes as usize % (bytes.len() + 1), 0x01);
                for bytes in [bytes, &with_controls[..]] {
                    let (mut ours, mut blocks) = (Vec::new(), Vec::new());
                    push_escaped(&mut ours, bytes);
                    push_escaped_in_blocks(&mut blocks, bytes);
                    assert_eq!(ours, blocks, "{bytes:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_lossy_text_is_escaped_as_serde_json_escapes_it(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b'"'),
                    proptest::strategy::Just(b'\\'),
                    0u8..0x20,
                    0x20u8..0x80,
                    proptest::arbitrary::any::<u8>(),
                ],
                0..300,
            )
        ) {
            let text = String::from_utf8_lossy(&bytes);
            let mut ours = b"left alone".to_vec();
            push_json_string(&mut ours, &text);
            proptest::prop_assert_eq!(&ours[..10], b"left alone");
            proptest::prop_assert_eq!(&ours[10..], &serde_json::to_vec(&text).unwrap()[..]);
            let scan = scan_body(&bytes);
            proptest::prop_assert_eq!(scan.ascii, bytes.is_ascii());
            proptest::prop_assert_eq!(scan.controls, bytes.iter().any(|&b| b < 0x20));
        }
    }

    #[test]
    fn counting_in_blocks_counts_every_byte() {
        for len in [0usize, 1, 63, 64, 65, 127, 128, 1000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            assert_eq!(
                count_where(&bytes, needs_escape),
                bytes.iter().filter(|&&b| needs_escape(b)).count(),
                "{len}"
            );
        }
        // A block of 64 all counted does not overflow its byte counter.
        assert_eq!(count_where(&[b'"'; 64 * 3 + 5], needs_escape), 64 * 3 + 5);
    }

    #[test]
    fn every_verdict_is_written_as_serde_writes_it() {
        for (i, kind) in VerdictKind::ALL.into_iter().enumerate() {
            let text = |n: usize| (i % 4 == n).then(|| format!("t{n} \"é\"\n"));
            let record = CaptureRecord {
                verdict: VerdictRecord {
                    verdict: kind,
                    scheme: (i != 2).then(|| "github".into()),
                    secret_index: (i == 0).then_some(usize::MAX),
                    code: text(1),
                    reason: text(1).or(text(2)),
                    hint: text(3),
                    note: text(0),
                },
                ..Default::default()
            };
            assert_eq!(hand_line(&record), serde_line(&record), "{kind:?}");
        }
    }

    #[test]
    fn a_minimal_record_is_written_as_serde_writes_it() {
        let record = CaptureRecord::default();
        assert_eq!(hand_line(&record), serde_line(&record));
        let mut binary = CaptureRecord::default();
        binary.set_body(b"\x00\xff\x01");
        assert_eq!(hand_line(&binary), serde_line(&binary));
    }

    #[test]
    fn a_record_with_every_field_is_written_as_serde_writes_it() {
        let mut record = CaptureRecord {
            seq: u64::MAX,
            id: "req_\"1\"".into(),
            received_at: "2024-01-01T00:00:00.000Z".into(),
            remote_addr: "[::1]:5000".into(),
            method: "POST".into(),
            path: "/hooks/\u{1b}x".into(),
            query: Some("a=1&b=\"2\"".into()),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-evil".into(), "a\x1b[2Jb\\".into()),
                ("x-empty".into(), String::new()),
            ],
            body_omitted: Some("too large: over --max-body 10 bytes".into()),
            event_type: Some("order.completed".into()),
            event_id: Some("evt_é".into()),
            verdict: VerdictRecord {
                verdict: VerdictKind::Invalid,
                scheme: Some("stripe".into()),
                secret_index: Some(2),
                code: Some("mismatch".into()),
                reason: Some("no \"secret\" matched".into()),
                hint: Some("h".into()),
                note: Some("n".into()),
            },
            status: 401,
            duplicate_of: Some(3),
            forward: Some(ForwardRecord {
                url: "http://127.0.0.1:1/x".into(),
                status: Some(502),
                latency_ms: 12,
                error: Some("refused".into()),
            }),
            handshake: Some(HandshakeRecord {
                kind: "slack url_verification".into(),
                refused: Some("why".into()),
            }),
            ..Default::default()
        };
        assert_eq!(hand_line(&record), serde_line(&record));
        for body in [
            &br#"{"a":1.0,"a":"dup","s":"\u00e9\n","deep":[[[[{"x":null}]]]]}"#[..],
            "é\u{202e}\r\n\ttext".as_bytes(),
            b"{not json",
            &[b'x'; 100_000][..],
        ] {
            record.set_body(body);
            assert_eq!(hand_line(&record), serde_line(&record));
        }
        record.forward.as_mut().unwrap().status = None;
        record.handshake.as_mut().unwrap().refused = None;
        record.query = None;
        record.duplicate_of = None;
        assert_eq!(hand_line(&record), serde_line(&record));
    }
}
