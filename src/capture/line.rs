//! The capture line written field by field: byte for byte serde_json's compact serialisation of
//! [`CaptureRecord`], without its per-string machinery (`listen` writes one line per request, most
//! of it the body as a JSON string). The rare nested parts (forward, handshake) still go through
//! serde. Pure.

use super::{BodyEncoding, CaptureRecord, VerdictRecord};

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
    // Most strings have nothing to escape: one vectorised look, one copy. A JSON body has a quote
    // in its first bytes: the look at the rest is spared.
    let clean = if bytes.len() < 64 {
        // Shorter than a block the compiler vectorises: eight bytes at a time.
        escape_free(bytes)
    } else {
        let (head, rest) = bytes.split_at(64);
        count_where(head, needs_escape) == 0 && count_where(rest, needs_escape) == 0
    };
    if clean {
        out.extend_from_slice(bytes);
    } else {
        push_escaped(out, bytes);
    }
    out.push(b'"');
}

fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether none of `bytes` needs escaping, looked at eight at a time with [`escape_mask`].
fn escape_free(bytes: &[u8]) -> bool {
    let words = bytes.chunks_exact(8);
    // The tail padded with a byte that needs no escape.
    let mut tail = [b' '; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    let mut marks = escape_mask(u64::from_le_bytes(tail));
    for word in words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        marks |= escape_mask(u64::from_le_bytes(eight));
    }
    marks == 0
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

/// Bytes escaped through a buffer on the stack, eight at a time: a word without anything to escape
/// (found with [`escape_mask`]) is copied in one store; in one with escapes, the bytes between
/// them are stored with the rest of the word each time (what lies past a write's end is written
/// over by the next). A JSON body has a quote every few bytes, so runs between them are short.
fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut buffer = [0u8; ESCAPED_CHUNK];
    for chunk in bytes.chunks(CHUNK) {
        let words = chunk.chunks_exact(8);
        let tail = words.remainder();
        let mut n = 0;
        for word in words {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            n = push_word(&mut buffer, n, eight, 8);
        }
        if !tail.is_empty() {
            // Padded with a byte that needs no escape; only the tail's own bytes are counted.
            let mut eight = [b' '; 8];
            eight[..tail.len()].copy_from_slice(tail);
            n = push_word(&mut buffer, n, eight, tail.len());
        }
        out.extend_from_slice(&buffer[..n]);
    }
}

/// Input bytes escaped per round through the stack buffer.
const CHUNK: usize = 256;
/// The stack buffer: a chunk escaped at worst (6 bytes per byte), and a whole word's store past it.
const ESCAPED_CHUNK: usize = CHUNK * 6 + 16;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is zero, and only those: no carry crosses a byte.
fn zero_bytes(word: u64) -> u64 {
    !(((word & !HIGH) + !HIGH) | word) & HIGH
}

/// The high bit of each byte of `word` that JSON escapes (`"`, `\`, below 0x20), and only those.
pub(super) fn escape_mask(word: u64) -> u64 {
    control_mask(word)
        | zero_bytes(word ^ (ONES * u64::from(b'"')))
        | zero_bytes(word ^ (ONES * u64::from(b'\\')))
}

/// The high bit of each byte of `word` below 0x20, and only those.
fn control_mask(word: u64) -> u64 {
    // A byte below 0x80 is below 0x20 exactly when adding 0x60 leaves its high bit clear.
    !(((word & !HIGH) + ONES * 0x60) | word) & HIGH
}

/// Escapes the first `len` bytes of `eight` into `buffer` at `n`; returns the new end.
#[inline(always)]
fn push_word(buffer: &mut [u8; ESCAPED_CHUNK], mut n: usize, eight: [u8; 8], len: usize) -> usize {
    let word = u64::from_le_bytes(eight);
    let mut mask = escape_mask(word);
    buffer[n..n + 8].copy_from_slice(&eight);
    if mask == 0 {
        return n + len;
    }
    // Bytes of the word already in place from `n` on start at `done`.
    let mut done = 0;
    if control_mask(word) == 0 {
        // Only quotes and backslashes (a JSON body's escapes): each is itself after a backslash.
        while mask != 0 {
            let at = (mask.trailing_zeros() / 8) as usize;
            mask &= mask - 1;
            n += at - done;
            buffer[n] = b'\\';
            n += 1;
            done = at;
            buffer[n..n + 8].copy_from_slice(&(word >> (8 * at)).to_le_bytes());
        }
        return n + (len - done);
    }
    while mask != 0 {
        let at = (mask.trailing_zeros() / 8) as usize;
        mask &= mask - 1;
        n += at - done;
        n = push_escape(buffer, n, eight[at]);
        done = at + 1;
        if done < 8 {
            buffer[n..n + 8].copy_from_slice(&(word >> (8 * done)).to_le_bytes());
        }
    }
    n + (len - done)
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
    fn short_strings_are_found_free_of_escapes_exactly_when_they_are() {
        for len in 0..70 {
            for at in 0..len.max(1) {
                for byte in [b'"', b'\\', 0x00, 0x1f, b' ', b'a', 0x7f, 0xc3] {
                    let mut bytes = vec![b'x'; len];
                    if len > 0 {
                        bytes[at] = byte;
                    }
                    let expected = !bytes.iter().any(|&b| needs_escape(b));
                    assert_eq!(escape_free(&bytes), expected, "{bytes:?}");
                }
            }
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
