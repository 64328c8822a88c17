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
        let mut text: Option<String> = None;
        let (mut piece, mut at) = (self.pos, self.pos);
        loop {
            at = next_special(bytes, at)?;
            // The stops are ASCII, so both ends are on character boundaries.
            let plain = &self.line[piece..at];
            if bytes[at] == b'"' {
                self.pos = at + 1;
                return Some(match text {
                    None => plain.to_string(),
                    Some(mut text) => {
                        text.push_str(plain);
                        text
                    }
                });
            }
            if bytes[at] < 0x20 {
                return None;
            }
            let escaped = match bytes.get(at + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return None,
            };
            // Room for the rest of the line, up to 4 KiB: a body's escapes are many.
            let text =
                text.get_or_insert_with(|| String::with_capacity((bytes.len() - piece).min(4096)));
            text.push_str(plain);
            text.push(escaped);
            at += 2;
            piece = at;
        }
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
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let marks = super::line::escape_mask(word);
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
