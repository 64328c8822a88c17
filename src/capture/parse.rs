//! Reading a capture line the way this hooky writes it, without serde: the fields in the writer's
//! order, no whitespace, numbers as plain digits, strings whose escapes are the short ones. Such a
//! line is most of every capture file, and serde's generic walk (each key matched by name, each
//! string through its scratch buffer) was ~29k instructions of a replay's ~73k per capture.
//!
//! Anything else — a line from before `v`, fields in another order or unknown, `forward` or
//! `handshake`, a `\u` escape, a raw control character, a number out of range, damage of any
//! kind — gives `None`, and the caller reads the line with serde as before: the fast path only
//! ever returns the record serde would, never an error of its own. Pure.

use super::{BodyEncoding, CaptureRecord, VerdictKind, VerdictRecord};
use crate::json_bytes::escape_mask;

/// The record in `line` when it is written exactly as this hooky writes it, `None` otherwise.
pub(super) fn parse_written(line: &str) -> Option<CaptureRecord> {
    let mut at = Cursor { line, pos: 0 };
    let seq = at.number(b"{\"seq\":")?;
    let v = u32::try_from(at.number(b",\"v\":")?).ok()?;
    let id = at.string(b",\"id\":")?;
    let received_at = at.string(b",\"received_at\":")?;
    let remote_addr = at.string(b",\"remote_addr\":")?;
    let method = at.string(b",\"method\":")?;
    let path = at.string(b",\"path\":")?;
    let query = at.optional_string(b",\"query\":")?;
    let headers = at.headers()?;
    let body = at.optional_string(b",\"body\":")?;
    let body_encoding = if at.eat(b",\"body_encoding\":\"utf8\"") {
        BodyEncoding::Utf8
    } else if at.eat(b",\"body_encoding\":\"base64\"") {
        BodyEncoding::Base64
    } else {
        return None;
    };
    let body_size = at.number(b",\"body_size\":")?;
    let body_sha256 = at.string(b",\"body_sha256\":")?;
    let body_omitted = at.string_if(b",\"body_omitted\":")?;
    let event_type = at.optional_string(b",\"event_type\":")?;
    let event_id = at.optional_string(b",\"event_id\":")?;
    let verdict = at.verdict()?;
    let status = u16::try_from(at.number(b",\"status\":")?).ok()?;
    let duplicate_of = if at.eat(b",\"duplicate_of\":null") {
        None
    } else {
        Some(at.number(b",\"duplicate_of\":")?)
    };
    // `forward` and `handshake` (rare) are left to serde.
    if !at.eat(b"}") || at.pos != line.len() {
        return None;
    }
    Some(CaptureRecord {
        seq,
        v,
        id,
        received_at,
        remote_addr,
        method,
        path,
        query,
        headers,
        body,
        body_encoding,
        body_size,
        body_sha256,
        body_omitted,
        event_type,
        event_id,
        verdict,
        status,
        duplicate_of,
        forward: None,
        handshake: None,
    })
}

struct Cursor<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a [u8] {
        &self.line.as_bytes()[self.pos..]
    }

    /// Moves past `literal` when the line goes on with it.
    fn eat(&mut self, literal: &[u8]) -> bool {
        let found = self.rest().starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    /// `key` then an unsigned integer as JSON writes it: digits, no leading zero, within u64.
    fn number(&mut self, key: &[u8]) -> Option<u64> {
        if !self.eat(key) {
            return None;
        }
        let digits = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let text = &self.rest()[..digits];
        if digits == 0 || (digits > 1 && text[0] == b'0') {
            return None;
        }
        let mut value: u64 = 0;
        for &digit in text {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
        }
        // A fraction or exponent would make it a float, which serde refuses for an integer field:
        // serde says why.
        if matches!(self.rest().get(digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.pos += digits;
        Some(value)
    }

    /// `key` then a string.
    fn string(&mut self, key: &[u8]) -> Option<String> {
        if !self.eat(key) {
            return None;
        }
        self.json_string()
    }

    /// `key` then a string or `null`.
    fn optional_string(&mut self, key: &[u8]) -> Option<Option<String>> {
        if !self.eat(key) {
            return None;
        }
        if self.eat(b"null") {
            return Some(None);
        }
        self.json_string().map(Some)
    }

    /// A string under `key` when the line goes on with `key` (a field written only when set),
    /// `Some(None)` when it does not.
    fn string_if(&mut self, key: &[u8]) -> Option<Option<String>> {
        if !self.rest().starts_with(key) {
            return Some(None);
        }
        self.string(key).map(Some)
    }

    /// A JSON string, unescaped; `None` for a `\u` escape, a raw control character or an end
    /// before the closing quote (serde reads those, or says what is wrong).
    fn json_string(&mut self) -> Option<String> {
        if !self.eat(b"\"") {
            return None;
        }
        let bytes = self.line.as_bytes();
        let start = self.pos;
        let at = next_special(bytes, start)?;
        if bytes[at] == b'"' {
            // Nothing escaped (names, ids, most header values): one copy.
            self.pos = at + 1;
            return Some(self.line[start..at].to_string());
        }
        let mut text = Vec::new();
        let end = unescape(bytes, start, at, &mut text)?;
        self.pos = end + 1;
        // Only whole runs between ASCII stops are copied, and escapes give ASCII: the text is
        // UTF-8 (checked all the same, without `unsafe`).
        String::from_utf8(text).ok()
    }

    /// `,"headers":` then `[["name","value"],…]`.
    fn headers(&mut self) -> Option<Vec<crate::headers::Header>> {
        if !self.eat(b",\"headers\":[") {
            return None;
        }
        let mut headers = Vec::new();
        if self.eat(b"]") {
            return Some(headers);
        }
        loop {
            if !self.eat(b"[") {
                return None;
            }
            let name = self.json_string()?;
            if !self.eat(b",") {
                return None;
            }
            let value = self.json_string()?;
            if !self.eat(b"]") {
                return None;
            }
            headers.push((name, value));
            if self.eat(b"]") {
                return Some(headers);
            }
            if !self.eat(b",") {
                return None;
            }
        }
    }

    /// `,"verdict":{…}` with its fields in the writer's order, those that are set.
    fn verdict(&mut self) -> Option<VerdictRecord> {
        if !self.eat(b",\"verdict\":{\"verdict\":") {
            return None;
        }
        let kind = VerdictKind::ALL.into_iter().find(|kind| {
            let name = kind.name().as_bytes();
            let rest = self.rest();
            rest.len() > name.len() + 1
                && rest[0] == b'"'
                && rest[1..].starts_with(name)
                && rest[name.len() + 1] == b'"'
        })?;
        self.pos += kind.name().len() + 2;
        let scheme = self.string_if(b",\"scheme\":")?;
        let secret_index = if self.rest().starts_with(b",\"secret_index\":") {
            Some(usize::try_from(self.number(b",\"secret_index\":")?).ok()?)
        } else {
            None
        };
        let code = self.string_if(b",\"code\":")?;
        let reason = self.string_if(b",\"reason\":")?;
        let hint = self.string_if(b",\"hint\":")?;
        let note = self.string_if(b",\"note\":")?;
        if !self.eat(b"}") {
            return None;
        }
        Some(VerdictRecord {
            verdict: kind,
            scheme,
            secret_index,
            code,
            reason,
            hint,
            note,
        })
    }
}

/// Where the next `"`, `\\` or control character is, from `at` on: eight bytes at a time with
/// the writer's mask.
fn next_special(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(word) = bytes.get(at..at + 8) {
        let marks = escape_mask(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = bytes.get(at..)?;
    tail.iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .map(|i| at + i)
}

/// Input bytes unescaped per round through the stack buffer of [`unescape`].
const CHUNK: usize = 256;

/// The string's text from `start` (just past its opening quote) unescaped into `out`, where
/// `bytes[first]` is its first `"`, `\\` or control character; the closing quote's index, or
/// `None` for what serde is left to read or refuse (`\u`, an unknown escape, a raw control
/// character, no closing quote).
///
/// Eight bytes at a time through a buffer on the stack: each word is stored whole and the end
/// moved past its plain bytes only (what lies past the end is written over by the next store); at
/// a backslash, the byte it stands for. The buffer goes to `out` in one copy per 256 bytes, so a
/// JSON body's many short runs between `\"` cost no call each.
fn unescape(bytes: &[u8], start: usize, first: usize, out: &mut Vec<u8>) -> Option<usize> {
    // Room for the rest of the line, up to 4 KiB: a body's escapes are many.
    out.reserve((bytes.len() - start).min(4096));
    out.extend_from_slice(&bytes[start..first]);
    let mut buffer = [0u8; CHUNK + 8];
    let (mut n, mut at) = (0, first);
    loop {
        if n >= CHUNK {
            out.extend_from_slice(&buffer[..n]);
            n = 0;
        }
        let stop = match bytes.get(at..at + 8) {
            Some(word) => {
                let eight: [u8; 8] = word.try_into().expect("eight bytes");
                let marks = escape_mask(u64::from_le_bytes(eight));
                buffer[n..n + 8].copy_from_slice(&eight);
                if marks == 0 {
                    n += 8;
                    at += 8;
                    continue;
                }
                let plain = (marks.trailing_zeros() / 8) as usize;
                n += plain;
                at + plain
            }
            // Fewer than eight bytes left in the line.
            None => {
                let stop = next_special(bytes, at)?;
                let plain = &bytes[at..stop];
                buffer[n..n + plain.len()].copy_from_slice(plain);
                n += plain.len();
                stop
            }
        };
        match bytes[stop] {
            b'"' => {
                out.extend_from_slice(&buffer[..n]);
                return Some(stop);
            }
            b'\\' => {
                buffer[n] = short_escape(*bytes.get(stop + 1)?)?;
                n += 1;
                at = stop + 2;
            }
            _ => return None,
        }
    }
}

/// The byte a short escape (`\\` and `escape`) stands for; `None` for `\u` (left to serde) and
/// anything JSON does not know.
fn short_escape(escape: u8) -> Option<u8> {
    Some(match escape {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{ForwardRecord, HandshakeRecord};
    use proptest::prelude::*;

    fn by_serde(line: &str) -> Result<CaptureRecord, String> {
        serde_json::from_str(line).map_err(|e| e.to_string())
    }

    fn sample() -> CaptureRecord {
        let mut record = CaptureRecord {
            seq: 7,
            id: "req_1".into(),
            received_at: "2024-01-01T00:00:00.000Z".into(),
            remote_addr: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: "/hooks".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            status: 200,
            ..Default::default()
        };
        record.set_body(br#"{"a":"b\\c","d":"e/f"}"#);
        record
    }

    #[test]
    fn the_lines_this_hooky_writes_take_the_fast_path() {
        let mut record = sample();
        let line = record.to_line();
        assert_eq!(parse_written(line.trim_end()), Some(record.clone()));
        record.query = Some("a=1".into());
        record.event_type = Some("order.completed".into());
        record.event_id = Some("evt_1".into());
        record.duplicate_of = Some(3);
        record.headers.clear();
        record.verdict = VerdictRecord {
            verdict: VerdictKind::Invalid,
            scheme: Some("stripe".into()),
            secret_index: Some(0),
            code: Some("mismatch".into()),
            reason: Some("the \"signature\" differs\n".into()),
            hint: Some("h".into()),
            note: Some("n".into()),
        };
        record.body = None;
        record.body_omitted = Some("too large".into());
        let line = record.to_line();
        assert_eq!(parse_written(line.trim_end()), Some(record));
    }

    #[test]
    fn what_the_fast_path_leaves_to_serde() {
        let line = sample().to_line();
        let line = line.trim_end();
        let forward = CaptureRecord {
            forward: Some(ForwardRecord {
                url: "http://127.0.0.1:1".into(),
                status: Some(200),
                latency_ms: 1,
                error: None,
            }),
            handshake: Some(HandshakeRecord::default()),
            ..sample()
        };
        for other in [
            line.replacen(r#""v":1,"#, "", 1),
            line.replacen(r#""seq":7"#, r#""seq":07"#, 1),
            line.replacen(r#""seq":7"#, r#""seq":7.0"#, 1),
            line.replacen(r#""status":200"#, r#""status":70000"#, 1),
            line.replacen(r#""seq":7"#, r#""seq":99999999999999999999"#, 1),
            line.replacen(r#""id":"req_1""#, r#""id":"req_\u0031""#, 1),
            line.replacen(r#""id":"req_1""#, "\"id\":\"req\t1\"", 1),
            line.replacen(r#""id":"req_1""#, r#""id": "req_1""#, 1),
            line.replacen(r#""verdict":"unsigned""#, r#""verdict":"maybe""#, 1),
            format!("{line} "),
            line[..line.len() - 1].to_string(),
            forward.to_line().trim_end().to_string(),
        ] {
            assert_eq!(parse_written(&other), None, "{other}");
        }
        // Each of those serde reads as it always did.
        let old = line.replacen(r#""v":1,"#, "", 1);
        assert_eq!(by_serde(&old), Ok(sample()));
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9_./:-]{0,12}",
            "\\PC{0,16}",
            proptest::collection::vec(any::<char>(), 0..16).prop_map(|c| c.into_iter().collect()),
            Just("\"\\/\u{8}\u{c}\n\r\t\u{1}\u{7f}\u{2028}é😀".to_string()),
        ]
    }

    fn optional_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    prop_compose! {
        fn records()(
            seq in any::<u64>(),
            strings in proptest::collection::vec(text(), 6),
            optionals in proptest::collection::vec(optional_text(), 8),
            headers in proptest::collection::vec((text(), text()), 0..4),
            body in proptest::collection::vec(any::<u8>(), 0..96),
            kind in 0usize..4,
            secret_index in proptest::option::of(any::<usize>()),
            numbers in (any::<u16>(), proptest::option::of(any::<u64>())),
        ) -> CaptureRecord {
            let mut record = CaptureRecord {
                seq,
                id: strings[0].clone(),
                received_at: strings[1].clone(),
                remote_addr: strings[2].clone(),
                method: strings[3].clone(),
                path: strings[4].clone(),
                query: optionals[0].clone(),
                headers,
                event_type: optionals[1].clone(),
                event_id: optionals[2].clone(),
                verdict: VerdictRecord {
                    verdict: [VerdictKind::Valid, VerdictKind::Invalid, VerdictKind::Unsigned, VerdictKind::Unverified][kind],
                    scheme: optionals[3].clone(),
                    secret_index,
                    code: optionals[4].clone(),
                    reason: optionals[5].clone(),
                    hint: optionals[6].clone(),
                    note: optionals[7].clone(),
                },
                status: numbers.0,
                duplicate_of: numbers.1,
                ..Default::default()
            };
            record.set_body(&body);
            if strings[5].len() % 3 == 0 {
                record.body = None;
                record.body_omitted = Some(strings[5].clone());
            }
            record
        }
    }

    /// The string literal `literal` read by the fast path, then followed by `after` (the rest of
    /// the line): the text and where the cursor stopped.
    fn fast_string(literal: &str, after: &str) -> Option<(String, usize)> {
        let line = format!("{literal}{after}");
        let mut at = Cursor {
            line: &line,
            pos: 0,
        };
        at.json_string().map(|text| (text, at.pos))
    }

    /// The fast path reads `literal` as serde does, or leaves it to serde; it must read it when
    /// it has neither a `\u` escape nor a raw control character.
    fn check_literal(literal: &str, after: &str) -> Result<(), TestCaseError> {
        let serde = serde_json::from_str::<String>(literal).map_err(|e| e.to_string());
        match fast_string(literal, after) {
            Some((text, end)) => {
                prop_assert_eq!(Ok(&text), serde.as_ref(), "{:?}", literal);
                prop_assert_eq!(end, literal.len(), "{:?}", literal);
            }
            None => {
                let plain = !has_u_escape(literal) && !literal.bytes().any(|b| b < 0x20);
                prop_assert!(!plain || serde.is_err(), "left to serde: {:?}", literal);
            }
        }
        Ok(())
    }

    /// Whether `literal` has a `\u` escape (not a `\\` followed by `u`).
    fn has_u_escape(literal: &str) -> bool {
        let mut bytes = literal.bytes();
        while let Some(byte) = bytes.next() {
            if byte == b'\\' && bytes.next() == Some(b'u') {
                return true;
            }
        }
        false
    }

    const SHORT_ESCAPES: [&str; 8] = ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"];

    #[test]
    fn every_short_escape_at_every_place_of_two_words() {
        for escape in SHORT_ESCAPES {
            for before in 0..24 {
                for after in 0..12 {
                    let literal =
                        format!("\"{}{escape}{}\"", "a".repeat(before), "é".repeat(after));
                    for rest in ["", "}", ",\"x\":1}", "}}}}}}}}}}"] {
                        check_literal(&literal, rest).unwrap();
                    }
                    // Two escapes side by side, and one right at the end.
                    let literal = format!("\"{}{escape}{escape}\"", "b".repeat(before));
                    check_literal(&literal, "}").unwrap();
                }
            }
        }
    }

    #[test]
    fn what_the_unescaping_leaves_to_serde() {
        for literal in [
            r#""a\u0041""#,
            r#""\ud83d\ude00 surrogate pair""#,
            r#""lone \ud83d""#,
            r#""\x""#,
            "\"raw\ttab\"",
            "\"raw\u{1}\"",
            r#""no end\""#,
            r#""ends in a backslash \"#,
            r#""\"#,
        ] {
            check_literal(literal, "").unwrap();
            check_literal(literal, "}").unwrap();
        }
        assert_eq!(fast_string(r#""a\u0041""#, "}"), None);
        assert_eq!(fast_string(r#""a\"b""#, ""), Some(("a\"b".into(), 6)));
        // A long body: runs of every length between escapes, past the stack buffer's 256 bytes.
        let body: String = (0..2000)
            .map(|i| {
                if i % 7 == 3 || i % 13 == 0 {
                    '"'
                } else {
                    char::from(b'a' + (i % 26) as u8)
                }
            })
            .collect();
        let literal = serde_json::to_string(&body).unwrap();
        assert_eq!(fast_string(&literal, "}"), Some((body, literal.len())));
    }

    /// A piece of a JSON string literal's content: plain text, a short escape, a `\u` escape
    /// (surrogate pairs and lone halves too), a raw control character.
    fn literal_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z0-9 ,:{}]{0,11}",
            // Raw text without the quote and backslash a literal cannot hold unescaped.
            2 => "\\PC{0,5}".prop_map(|text| text.replace(['"', '\\'], "")),
            4 => (0..SHORT_ESCAPES.len()).prop_map(|i| SHORT_ESCAPES[i].to_string()),
            1 => any::<u16>().prop_map(|u| format!("\\u{u:04x}")),
            1 => (0xd800u16..0xdc00, 0xdc00u16..0xe000).prop_map(|(h, l)| format!("\\u{h:04X}\\u{l:04x}")),
            1 => (0u8..0x20).prop_map(|b| char::from(b).to_string()),
        ]
    }

    proptest! {
        #[test]
        fn the_unescaping_reads_what_serde_reads(
            pieces in proptest::collection::vec(literal_piece(), 0..40),
            after in "[}\\],\"a-z0-9:]{0,12}",
        ) {
            let literal = format!("\"{}\"", pieces.concat());
            check_literal(&literal, &after)?;
        }

        #[test]
        fn any_text_serde_writes_is_read_back(text in "\\PC{0,80}|[\"\\\\/\n\r\ta-z]{0,80}", after in "[},]{0,9}") {
            let literal = serde_json::to_string(&text).unwrap();
            prop_assert_eq!(fast_string(&literal, &after).is_some(), !has_u_escape(&literal));
            check_literal(&literal, &after)?;
        }
    }

    proptest! {
        #[test]
        fn the_fast_path_reads_what_serde_reads(record in records()) {
            // The writer's line, and serde's own serialisation of the record (other escapes).
            for line in [record.to_line(), serde_json::to_string(&record).unwrap()] {
                let line = line.trim_end();
                let fast = parse_written(line);
                let serde = by_serde(line);
                prop_assert_eq!(serde.as_ref(), Ok(&record));
                if let Some(fast) = fast {
                    prop_assert_eq!(&fast, &record);
                }
            }
            let written = record.to_line();
            let has_u_escape = written.contains("\\u");
            prop_assert_eq!(parse_written(written.trim_end()).is_some(), !has_u_escape);
        }

        #[test]
        fn a_damaged_line_is_never_read_differently(
            record in records(),
            cut in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            edit in 0usize..3,
        ) {
            let line = record.to_line();
            let mut bytes = line.trim_end().as_bytes().to_vec();
            let at = cut.index(bytes.len());
            match edit {
                0 => bytes.truncate(at),
                1 => bytes[at] = byte,
                _ => { bytes.remove(at); }
            }
            let Ok(damaged) = String::from_utf8(bytes) else { return Ok(()); };
            if let Some(fast) = parse_written(&damaged) {
                prop_assert_eq!(Ok(fast), by_serde(&damaged), "{}", damaged);
            }
        }
    }
}
