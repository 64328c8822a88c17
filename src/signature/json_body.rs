//! Byte-exact edits of a JSON object body, for the schemes whose signer writes into the body
//! (Mailgun's `signature` object, Linear's `webhookTimestamp`): one top-level field's value is
//! replaced (or the field added first), every other byte stays as it was, so a body that was
//! pretty-printed, escaped or ordered in a particular way still is.

use std::ops::Range;

use serde::de::IgnoredAny;

/// One top-level member of a JSON object body: its name (unescaped), where it starts (the name's
/// opening quote) and the byte range of its value.
struct Member {
    name: String,
    start: usize,
    value: Range<usize>,
}

/// The top-level members of a JSON object body, in body order; `None` when the body is not one
/// JSON object.
fn members(body: &[u8]) -> Option<Vec<Member>> {
    let mut at = skip_space(body, 0);
    if body.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(body, at + 1);
    let mut found = Vec::new();
    if body.get(at) == Some(&b'}') {
        return (skip_space(body, at + 1) == body.len()).then_some(found);
    }
    loop {
        let start = at;
        let (name, after_name) = one_value::<String>(body, at)?;
        at = skip_space(body, after_name);
        if body.get(start) != Some(&b'"') || body.get(at) != Some(&b':') {
            return None;
        }
        let value_start = skip_space(body, at + 1);
        let (_, end) = one_value::<IgnoredAny>(body, value_start)?;
        found.push(Member {
            name,
            start,
            value: value_start..end,
        });
        at = skip_space(body, end);
        match body.get(at) {
            Some(b',') => at = skip_space(body, at + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    (skip_space(body, at + 1) == body.len()).then_some(found)
}

/// One JSON value of type `T` starting at `at`, and the offset just after it.
fn one_value<T: serde::de::DeserializeOwned>(body: &[u8], at: usize) -> Option<(T, usize)> {
    let rest = body.get(at..)?;
    let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
    let value = values.next()?.ok()?;
    Some((value, at + values.byte_offset()))
}

fn skip_space(body: &[u8], mut at: usize) -> usize {
    while body.get(at).is_some_and(|b| b" \t\r\n".contains(b)) {
        at += 1;
    }
    at
}

/// Whether the body is one JSON object.
pub(super) fn is_object(body: &[u8]) -> bool {
    members(body).is_some()
}

/// The byte range of the value of top-level field `name` (its last occurrence, the one a JSON
/// parser keeps), when the body is a JSON object that has it.
pub(super) fn field_range(body: &[u8], name: &str) -> Option<Range<usize>> {
    members(body)?
        .into_iter()
        .rev()
        .find(|member| member.name == name)
        .map(|member| member.value)
}

/// `body` with top-level field `name` set to `value` (JSON text): its value replaced in place,
/// or the field added first in the object. `None` when the body is not a JSON object.
pub(super) fn set_field(body: &[u8], name: &str, value: &str) -> Option<Vec<u8>> {
    let members = members(body)?;
    let mut out = Vec::with_capacity(body.len() + name.len() + value.len() + 4);
    match members.iter().rev().find(|member| member.name == name) {
        Some(member) => {
            out.extend_from_slice(&body[..member.value.start]);
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(&body[member.value.end..]);
        }
        None => {
            let open = skip_space(body, 0) + 1;
            let key = serde_json::to_string(name).expect("a string serialises");
            out.extend_from_slice(&body[..open]);
            out.extend_from_slice(format!("{key}:{value}").as_bytes());
            if !members.is_empty() {
                out.push(b',');
            }
            out.extend_from_slice(&body[open..]);
        }
    }
    Some(out)
}

/// `body` without top-level field `name` (every occurrence): the other members' bytes as they
/// were, joined by `,`. `None` when the body is not a JSON object or has no such field.
pub(super) fn remove_field(body: &[u8], name: &str) -> Option<Vec<u8>> {
    let members = members(body)?;
    let kept: Vec<&Member> = members.iter().filter(|m| m.name != name).collect();
    if kept.len() == members.len() {
        return None;
    }
    let open = skip_space(body, 0) + 1;
    let mut out = body[..open].to_vec();
    for (i, member) in kept.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&body[member.start..member.value.end]);
    }
    out.push(b'}');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_values_only() {
        let body = br#" { "a" : [1, {"b": 2}], "b":"x\"}" ,"n":12}  "#;
        assert_eq!(&body[field_range(body, "b").unwrap()], br#""x\"}""#);
        assert_eq!(&body[field_range(body, "n").unwrap()], b"12");
        assert_eq!(&body[field_range(body, "a").unwrap()], br#"[1, {"b": 2}]"#);
        assert_eq!(field_range(body, "c"), None);
        for not_an_object in [&b"[1]"[..], b"{\"a\":1", b"{\"a\":1} x", b"", b"{\"a\" 1}"] {
            assert_eq!(field_range(not_an_object, "a"), None);
        }
        // The last of a repeated name is the one a parser keeps.
        assert_eq!(field_range(br#"{"a":1,"a":2}"#, "a"), Some(11..12));
    }

    #[test]
    fn set_keeps_every_other_byte() {
        let body = b"{\n  \"x\": \"\\u00e9\",\n  \"t\": 1.0\n}\n";
        assert_eq!(
            set_field(body, "t", "7").unwrap(),
            b"{\n  \"x\": \"\\u00e9\",\n  \"t\": 7\n}\n"
        );
        assert_eq!(
            set_field(body, "new", "{}").unwrap(),
            b"{\"new\":{},\n  \"x\": \"\\u00e9\",\n  \"t\": 1.0\n}\n"
        );
        assert_eq!(set_field(b" {} ", "k", "1").unwrap(), b" {\"k\":1} ");
        assert_eq!(set_field(b"nope", "k", "1"), None);
    }

    #[test]
    fn remove_drops_the_member() {
        let body = br#"{"a\"b":1, "s":{"t":"1"} ,"c":[2]}"#;
        assert_eq!(remove_field(body, "s").unwrap(), br#"{"a\"b":1,"c":[2]}"#);
        assert_eq!(
            remove_field(body, "a\"b").unwrap(),
            br#"{"s":{"t":"1"},"c":[2]}"#
        );
        assert_eq!(remove_field(br#"{"s":1}"#, "s").unwrap(), b"{}");
        assert_eq!(remove_field(body, "zz"), None);
    }
}
