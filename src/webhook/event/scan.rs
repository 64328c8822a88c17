//! A fast way to the [`Envelope`]: the five top-level fields read in one pass over the body, a pass
//! that also checks the whole body is JSON serde_json accepts. It answers only when serde_json
//! would give the same envelope; what it does not handle (an escape in a key or in a field's text,
//! a field twice, a number in a field other than a plain whole one, nesting past [`MAX_DEPTH`],
//! a key that is not UTF-8, anything serde_json refuses) it leaves to serde_json. Pure; never
//! recursive, whatever the body.

use super::{Envelope, Field};
use crate::json_bytes::{HIGH, ONES, block_marks};

/// The deepest nesting followed; a deeper body is left to serde_json.
const MAX_DEPTH: usize = 64;

/// The envelope serde_json reads from `body`, or `None` when this scan leaves it to serde_json
/// (never because the body is not JSON: serde_json decides that).
pub(super) fn envelope(body: &[u8]) -> Option<Envelope> {
    let mut scan = Scan { bytes: body, at: 0 };
    let mut envelope = Envelope::default();
    let mut seen = [false; 5];
    scan.expect(b'{')?;
    if !scan.eat(b'}') {
        loop {
            scan.expect(b'"')?;
            let (key, escaped) = scan.string()?;
            if escaped {
                return None;
            }
            scan.expect(b':')?;
            let slot = match key {
                b"type" => Some(0),
                b"event" => Some(1),
                b"event_type" => Some(2),
                b"id" => Some(3),
                b"event_id" => Some(4),
                _ => None,
            };
            match slot {
                // serde_json refuses a field twice (a `null` counts): left to it.
                Some(slot) if std::mem::replace(&mut seen[slot], true) => return None,
                Some(slot) => {
                    let field = scan.field()?;
                    let place = match slot {
                        0 => &mut envelope.kind,
                        1 => &mut envelope.event,
                        2 => &mut envelope.event_type,
                        3 => &mut envelope.id,
                        _ => &mut envelope.event_id,
                    };
                    *place = field;
                }
                None => {
                    std::str::from_utf8(key).ok()?;
                    scan.value::<false>()?;
                }
            }
            if scan.eat(b'}') {
                break;
            }
            scan.expect(b',')?;
        }
    }
    scan.peek().is_none().then_some(envelope)
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    /// The next byte after JSON whitespace (which is skipped), not consumed.
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.bytes.get(self.at) {
            // Above the space: the usual case, told in one comparison.
            if byte > b' ' || !matches!(byte, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Consumes `byte` if it comes next (after whitespace).
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        self.at += usize::from(next);
        next
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// The byte at the cursor, whitespace not skipped.
    #[inline(always)]
    fn byte(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// A string's contents, the cursor just past its opening quote, and whether it has escapes
    /// (left as they are); the cursor ends past its closing quote.
    #[inline(always)]
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        let start = self.at;
        let mut escaped = false;
        loop {
            let stop = self.next_stop()?;
            self.at += 1;
            match stop {
                b'"' => return Some((&self.bytes[start..self.at - 1], escaped)),
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                // A control character: serde_json refuses it in a string.
                _ => return None,
            }
        }
    }

    /// A string skipped, the cursor just past its opening quote; the cursor ends past its closing
    /// quote.
    #[inline(always)]
    fn skip_string(&mut self) -> Option<()> {
        loop {
            let stop = self.next_stop()?;
            self.at += 1;
            match stop {
                b'"' => return Some(()),
                b'\\' => self.escape()?,
                _ => return None,
            }
        }
    }

    /// Moves to the next byte a string stops at (`"`, `\`, a control character), sixteen bytes at
    /// a time with SSE2 on x86-64 (most keys and values in one step), else eight at a time, and
    /// returns it.
    #[inline(always)]
    fn next_stop(&mut self) -> Option<u8> {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        while let Some(sixteen) = self.bytes.get(self.at..self.at + 16) {
            let mask = block_marks(sixteen.try_into().ok()?).escapes;
            if mask != 0 {
                self.at += mask.trailing_zeros() as usize;
                return self.byte();
            }
            self.at += 16;
        }
        if self.skip_words(stops) {
            return self.byte();
        }
        while let Some(byte) = self.byte() {
            if byte < 0x20 || byte == b'"' || byte == b'\\' {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// An escape, the cursor past its backslash: as serde_json accepts one where it does not
    /// decode it (`\u` and any four hex digits).
    #[inline(always)]
    fn escape(&mut self) -> Option<()> {
        match self.byte()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
            b'u' => {
                let digits = self.bytes.get(self.at + 1..self.at + 5)?;
                if !digits.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                self.at += 5;
            }
            _ => return None,
        }
        Some(())
    }

    /// A number as JSON writes one (`-`, no leading zero, fraction, exponent), the cursor at its
    /// first byte; its text.
    #[inline(always)]
    fn number(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        self.skip_number()?;
        self.bytes.get(start..self.at)
    }

    /// A number skipped, as [`Scan::number`] reads one.
    #[inline(always)]
    fn skip_number(&mut self) -> Option<()> {
        if self.byte() == Some(b'-') {
            self.at += 1;
        }
        match self.byte()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.byte() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    /// Moves the cursor eight bytes at a time to the first byte `marks` flags (its high bit set in
    /// the mask); `false` when fewer than eight bytes were left before one turned up.
    #[inline(always)]
    fn skip_words(&mut self, marks: impl Fn(u64) -> u64) -> bool {
        while let Some(eight) = self.bytes.get(self.at..self.at + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            let mask = marks(u64::from_le_bytes(word));
            if mask != 0 {
                self.at += (mask.trailing_zeros() / 8) as usize;
                return true;
            }
            self.at += 8;
        }
        false
    }

    /// Moves past the digits at the cursor, eight bytes at a time.
    #[inline(always)]
    fn digits(&mut self) {
        if self.skip_words(non_digits) {
            return;
        }
        while self.byte().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    /// At least one digit.
    #[inline(always)]
    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }

    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let found = self.bytes.get(self.at..self.at + word.len())? == word;
        self.at += word.len();
        found.then_some(())
    }

    /// A key and its colon, the cursor before the key. `STRICT` keys (those serde_json decodes)
    /// must have no escape and be UTF-8.
    #[inline(always)]
    fn key<const STRICT: bool>(&mut self) -> Option<()> {
        self.expect(b'"')?;
        if STRICT {
            let (key, escaped) = self.string()?;
            if escaped || std::str::from_utf8(key).is_err() {
                return None;
            }
        } else {
            self.skip_string()?;
        }
        self.expect(b':')
    }

    /// Any JSON value, skipped; `STRICT` keys in its objects (see [`Scan::key`]), a constant so
    /// that the lenient walk carries no test for it. Containers are
    /// followed with a stack of bits (set: an object), not by recursion. The methods it calls are
    /// inlined into its one loop, the cursor kept in a register: a call per string costs as much
    /// as scanning it.
    fn value<const STRICT: bool>(&mut self) -> Option<()> {
        let mut objects: u64 = 0;
        let mut depth = 0usize;
        loop {
            // A value comes next.
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    self.skip_string()?;
                }
                b'-' | b'0'..=b'9' => {
                    self.skip_number()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                open @ (b'[' | b'{') => {
                    if depth == MAX_DEPTH {
                        return None;
                    }
                    self.at += 1;
                    let object = open == b'{';
                    objects = (objects & !(1 << depth)) | (u64::from(object) << depth);
                    depth += 1;
                    if !self.eat(if object { b'}' } else { b']' }) {
                        if object {
                            self.key::<STRICT>()?;
                        }
                        continue;
                    }
                    depth -= 1;
                }
                _ => return None,
            }
            // A value is complete: a comma, or the ends of the containers it completes.
            loop {
                if depth == 0 {
                    return Some(());
                }
                let object = (objects >> (depth - 1)) & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.at += 1;
                        if object {
                            self.key::<STRICT>()?;
                        }
                        break;
                    }
                    b'}' if object => self.at += 1,
                    b']' if !object => self.at += 1,
                    _ => return None,
                }
                depth -= 1;
            }
        }
    }

    /// One of the envelope's fields, as serde_json reads an `Option<Field>`: `null` is `None`;
    /// text and plain whole numbers are read, other numbers and escaped text left to serde_json.
    #[inline(always)]
    fn field(&mut self) -> Option<Option<Field>> {
        Some(match self.peek()? {
            b'n' => {
                self.literal(b"null")?;
                None
            }
            b'"' => {
                self.at += 1;
                let (text, escaped) = self.string()?;
                if escaped {
                    return None;
                }
                Some(Field::Text(std::str::from_utf8(text).ok()?.to_string()))
            }
            b'0'..=b'9' => {
                let digits = self.number()?;
                // Up to 19 digits always fits a u64; longer, a fraction or an exponent: serde_json.
                if digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let number: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
                Some(Field::Number(number.into()))
            }
            b't' | b'f' | b'[' | b'{' => {
                // Keys of an object here are decoded by serde_json: strict.
                self.value::<true>()?;
                Some(Field::Other)
            }
            _ => return None,
        })
    }
}

/// A mark (high bit) on the first byte of `word` (in memory order) that is not an ASCII digit, or
/// none: as in [`stops`], the lowest mark is exact and only it is read.
#[inline(always)]
fn non_digits(word: u64) -> u64 {
    // Below the first non-digit no byte carries or borrows: there a byte under '0' borrows (high
    // bit), one over '9' below 0x80 carries into the high bit with 0x46, one of 0x80 or more has
    // its high bit already.
    (word.wrapping_sub(ONES * u64::from(b'0')) | word.wrapping_add(ONES * 0x46) | word) & HIGH
}

/// A mark (high bit) on the first byte of `word` (in memory order) a JSON string stops at (`"`,
/// `\`, below 0x20), or none: the lowest mark is exact; those above it may not be (a borrow from a
/// marked byte can mark the next), and only the lowest is read. Cheaper than
/// [`escape_mask`](crate::json_bytes::escape_mask), which marks every such byte exactly.
#[inline(always)]
fn stops(word: u64) -> u64 {
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    // Below a byte's first mark no byte borrows, so each difference's high bit there says: this
    // byte is the quote (0 - 1), the backslash, or below 0x20; a byte of 0x80 or more is never one.
    (quote.wrapping_sub(ONES) | backslash.wrapping_sub(ONES) | word.wrapping_sub(ONES * 0x20))
        & !word
        & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What serde_json reads, the way `event_fields` asks it.
    fn serde(body: &[u8]) -> Option<Envelope> {
        serde_json::from_slice::<Envelope>(body).ok()
    }

    /// The scan's answer, checked against serde_json's when it gives one.
    fn scanned(body: &[u8]) -> Option<Envelope> {
        let ours = envelope(body);
        if ours.is_some() {
            assert_eq!(ours, serde(body), "{}", String::from_utf8_lossy(body));
        }
        ours
    }

    #[test]
    fn the_bodies_providers_send_are_read_in_one_pass() {
        let bodies: [&[u8]; 8] = [
            br#"{"id":"evt_1","type":"order.completed","created":1710331200,"data":{"object":{"amount":-25.5e-3,"items":[{"sku":"A","n":1},{"sku":"B","ok":true,"x":null}],"note":"a \"quoted\" word\n\u00e9"}}}"#,
            br#"{"token":"t","team_id":"T1","event":{"type":"app_mention","text":"hi"},"type":"event_callback","event_id":"Ev1","event_time":1}"#,
            r#"{"action":"opened","number":7,"pull_request":{"id":1,"title":"é 日本"}}"#.as_bytes(),
            br#"{"id":42,"event_type":"y"}"#,
            br#"{"event_id":0,"type":[],"event":{}}"#,
            b" \n\t{ \"type\" : \"t\" , \"id\" : 18446744 } \r\n",
            br#"{}"#,
            br#"{"type":true,"event":false,"event_type":null,"id":null,"event_id":"e"}"#,
        ];
        for body in bodies {
            assert!(scanned(body).is_some(), "{}", String::from_utf8_lossy(body));
        }
        let envelope = scanned(bodies[1]).unwrap();
        assert_eq!(envelope.kind, Some(Field::Text("event_callback".into())));
        assert_eq!(envelope.event, Some(Field::Other));
        assert_eq!(envelope.event_id, Some(Field::Text("Ev1".into())));
        assert_eq!(
            scanned(bodies[3]).unwrap().id,
            Some(Field::Number(42u64.into()))
        );
    }

    #[test]
    fn what_it_does_not_read_is_left_to_serde_json() {
        let left: [&[u8]; 22] = [
            // Not JSON serde_json reads as an envelope.
            b"",
            b"{",
            br#"{"type":"t",}"#,
            br#"{"type":"t"} x"#,
            br#"{"a":01}"#,
            br#"{"a":"\x"}"#,
            b"{\"a\":\"\x01\"}",
            br#"{"a":[1,]}"#,
            br#"{"a":tru}"#,
            b"\x0c{}",
            br#"[{"type":"t"}]"#,
            // JSON it leaves: a field twice, escapes in a key or a field, numbers it does not read.
            br#"{"id":"a","id":"b"}"#,
            br#"{"id":null,"id":"b"}"#,
            br#"{"t\u0079pe":"x"}"#,
            br#"{"type":"a\nb"}"#,
            br#"{"id":-1}"#,
            br#"{"id":1.5}"#,
            br#"{"id":1e3}"#,
            br#"{"id":12345678901234567890}"#,
            br#"{"id":{"\ud800":1}}"#,
            b"{\"\xff\":1}",
            b"{\"type\":\"\xff\"}",
        ];
        for body in left {
            assert_eq!(scanned(body), None, "{}", String::from_utf8_lossy(body));
        }
        // Nesting deeper than it follows.
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(65), "]".repeat(65));
        assert_eq!(scanned(deep.as_bytes()), None);
        assert!(serde(deep.as_bytes()).is_some());
        let deepest = format!("{{\"a\":{}{}}}", "[".repeat(64), "]".repeat(64));
        assert!(scanned(deepest.as_bytes()).is_some());
    }

    #[test]
    fn the_word_mask_marks_where_strings_stop_first() {
        let stop = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        for byte in 0u8..=255 {
            for at in 0..8 {
                for fill in [
                    0x00u8, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5c, 0x7f, 0x80, 0xa2, 0xff,
                ] {
                    for before in [0x41u8, 0x00, 0x22, 0x5c, 0xff] {
                        let mut eight = [fill; 8];
                        eight[..at].fill(before);
                        eight[at] = byte;
                        let mask = stops(u64::from_le_bytes(eight));
                        let first = eight.iter().position(|&b| stop(b));
                        let marked = (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize);
                        assert_eq!(marked, first, "{eight:?}");
                        assert_eq!(mask & !0x8080_8080_8080_8080, 0);
                    }
                }
            }
        }
    }

    #[test]
    fn the_digit_mask_marks_the_first_non_digit() {
        for byte in 0u8..=255 {
            for at in 0..8 {
                for fill in [b'0', b'9', b'/', b':', 0x00, 0xba, 0xff, 0x80] {
                    for before in [b'0', b'5', b'9'] {
                        let mut eight = [fill; 8];
                        eight[..at].fill(before);
                        eight[at] = byte;
                        let mask = non_digits(u64::from_le_bytes(eight));
                        let first = eight.iter().position(|b| !b.is_ascii_digit());
                        let marked = (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize);
                        assert_eq!(marked, first, "{eight:?}");
                    }
                }
            }
        }
    }

    /// Bytes and escapes a string may stop at or carry, put at every place of strings that cross
    /// the 8- and 16-byte steps, at every alignment: read as serde_json reads them, and every
    /// valid one without an escape in a field is read.
    #[test]
    fn strings_across_word_boundaries_are_read_as_serde_json_reads_them() {
        let pieces: [&[u8]; 12] = [
            b"\"",
            b"\\",
            b"\x00",
            b"\x1f",
            b"\x20",
            b"\x7f",
            b"\x80\x80",
            b"\xc3\xa9",
            b"\\n",
            b"\\\"",
            b"\\u00e9",
            b"\\q",
        ];
        for pad in 0..17 {
            for len in 0..40 {
                for at in 0..=len {
                    for piece in pieces {
                        let mut text = vec![b'a'; len];
                        text.splice(at..at, piece.iter().copied());
                        for key in [&b"x"[..], b"type"] {
                            let mut body = b"{".to_vec();
                            body.extend(std::iter::repeat_n(b' ', pad));
                            body.push(b'"');
                            body.extend_from_slice(key);
                            body.extend_from_slice(b"\":\"");
                            body.extend_from_slice(&text);
                            body.extend_from_slice(b"\",\"n\":[\"");
                            body.extend_from_slice(&text);
                            body.extend_from_slice(b"\"]}");
                            let ours = scanned(&body);
                            let plain = !text.contains(&b'\\');
                            if serde(&body).is_some() && (plain || key == b"x") {
                                assert!(ours.is_some(), "{}", String::from_utf8_lossy(&body));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Numbers of every length up to 40 digits, ended by every kind of byte, at every alignment.
    #[test]
    fn numbers_across_word_boundaries_are_read_as_serde_json_reads_them() {
        let ends: [&[u8]; 10] = [
            b"}",
            b",\"a\":1}",
            b".5}",
            b"e3}",
            b"x}",
            b" }",
            b"",
            b"/}",
            b":}",
            b"\xff}",
        ];
        for pad in 0..9 {
            for len in 1..41 {
                for end in ends {
                    for key in [&b"x"[..], b"id"] {
                        let mut body = b"{".to_vec();
                        body.extend(std::iter::repeat_n(b' ', pad));
                        body.extend_from_slice(b"\"");
                        body.extend_from_slice(key);
                        body.extend_from_slice(b"\":");
                        body.extend((0..len).map(|i| b"1234567890"[i % 10]));
                        body.extend_from_slice(end);
                        let ours = scanned(&body);
                        if serde(&body).is_some() && (key == b"x" || len < 20 && end == b"}") {
                            assert!(ours.is_some(), "{}", String::from_utf8_lossy(&body));
                        }
                    }
                }
            }
        }
    }

    /// Keys, values and gaps, valid and not, that objects are made of in a property test.
    const KEYS: [&[u8]; 9] = [
        b"\"type\"",
        b"\"event\"",
        b"\"event_type\"",
        b"\"id\"",
        b"\"event_id\"",
        b"\"x\"",
        b"\"t\\u0079pe\"",
        b"\"\xff\"",
        b"\"\xc3\xa9\"",
    ];
    const VALUES: [&[u8]; 42] = [
        b"null",
        b"true",
        b"false",
        b"tru",
        b"nul",
        b"0",
        b"7",
        b"01",
        b"-0",
        b"-1",
        b"1.5",
        b"1.",
        b"1e3",
        b"1E+3",
        b"1e",
        b"-",
        b"12345678901234567890",
        b"1234567890123456789",
        b"18446744073709551616",
        b"1e400",
        b"\"s\"",
        b"\"a\\nb\"",
        b"\"\\q\"",
        b"\"\\u00e9\"",
        b"\"\\u12\"",
        b"\"\\ud800\"",
        b"\"\x01\"",
        b"\"\xff\"",
        b"\"\xc3\xa9\"",
        b"\"",
        b"[]",
        b"[1,]",
        b"[1,[2,{}]]",
        b"{}",
        b"{\"a\":1}",
        b"{\"a\":1,}",
        b"{\"\\ud800\":1}",
        b"{\"\xff\":1}",
        b"{\"k\":{\"\\ud800\":1}}",
        b"[{\"\xff\":\"\xff\"}]",
        b"{1:2}",
        b"",
    ];
    const ENDS: [&[u8]; 5] = [b"", b" ", b",", b"x", b"}"];
    const GAPS: [&[u8]; 6] = [b"", b"", b" ", b"\n\t", b"\r", b"\x0c"];

    /// A JSON value of a few levels, as text.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            "(\\PC|[\"\\\\\\x00-\\x1f]){0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("type".to_string()),
                            Just("event".to_string()),
                            Just("event_type".to_string()),
                            Just("id".to_string()),
                            Just("event_id".to_string()),
                            "(\\PC|[\"\\\\\\x00-\\x1f]){0,6}",
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|fields| serde_json::Value::Object(fields.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn objects_of_odd_pieces_are_read_as_serde_json_reads_them(
            members in prop::collection::vec(
                (
                    prop::sample::select(&KEYS[..]),
                    prop::sample::select(&VALUES[..]),
                    prop::sample::select(&GAPS[..]),
                ),
                0..6,
            ),
            end in prop::sample::select(&ENDS[..]),
        ) {
            let mut body = b"{".to_vec();
            for (i, (key, value, gap)) in members.into_iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                for piece in [gap, key, gap, b":", gap, value, gap] {
                    body.extend_from_slice(piece);
                }
            }
            body.push(b'}');
            body.extend_from_slice(end);
            scanned(&body);
        }

        #[test]
        fn json_objects_are_read_as_serde_json_reads_them(
            value in json_value(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(&VALUES[..]), any::<u8>()),
                1..4,
            ),
        ) {
            let text = serde_json::to_vec(&value).unwrap();
            let ours = scanned(&text);
            // Every object without an escape in its top-level keys or fields is read.
            if let serde_json::Value::Object(map) = &value {
                let plain = map.iter().all(|(key, field)| {
                    !serde_json::to_string(key).unwrap().contains('\\')
                        && !(["type", "event", "event_type", "id", "event_id"].contains(&key.as_str())
                            && (field.is_number() && !field.is_u64()
                                || field.as_u64().is_some_and(|n| n >= 10_000_000_000_000_000_000)
                                || field.as_str().is_some_and(|s| serde_json::to_string(s).unwrap().contains('\\'))
                                || ((field.is_object() || field.is_array())
                                    && serde_json::to_string(field).unwrap().contains('\\'))))
                });
                prop_assert!(ours.is_some() || !plain, "{}", String::from_utf8_lossy(&text));
            }
            // And the same text with pieces put in and bytes changed is read as serde_json reads
            // it, or left to it.
            let mut changed = text.clone();
            for (at, piece, byte) in edits {
                let at = at.index(changed.len() + 1);
                changed.splice(at..at, piece.iter().copied());
                scanned(&changed);
                let at = at.min(changed.len() - 1);
                let kept = std::mem::replace(&mut changed[at], byte);
                scanned(&changed);
                changed[at] = kept;
            }
        }
    }
}
