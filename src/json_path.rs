//! Dot paths into JSON (`data.amount`, `items.0.id`) and the `PATH=VALUE` assignments built on them.
//! Pure; used by `send --set`, `replay --set`, `listen --expect json:…` and `poll --until`.

use serde_json::Value;

/// The value at `path`; numeric segments index arrays. An empty path is the value itself.
pub fn get<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.')
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// Sets the value at `path`, creating objects for missing segments. Fails, saying where, when the
/// path runs into a value that is neither an object nor an array (or an array index out of range).
pub fn set(value: &mut Value, path: &str, new: Value) -> Result<(), String> {
    check_path(path)?;
    let segments: Vec<&str> = path.split('.').collect();
    let mut current = value;
    for (depth, segment) in segments.iter().enumerate() {
        let last = depth + 1 == segments.len();
        let here = segments[..=depth].join(".");
        current = match current {
            Value::Object(map) => {
                if last {
                    map.insert(segment.to_string(), new);
                    return Ok(());
                }
                map.entry(segment.to_string())
                    .or_insert_with(|| Value::Object(Default::default()))
            }
            Value::Array(items) => {
                let index: usize = segment
                    .parse()
                    .map_err(|_| format!("{here}: {segment:?} is not an index into an array"))?;
                let len = items.len();
                let slot = items.get_mut(index).ok_or_else(|| {
                    format!("{here}: index {index} is past the array's end ({len} items)")
                })?;
                if last {
                    *slot = new;
                    return Ok(());
                }
                slot
            }
            other => {
                return Err(format!(
                    "{}: cannot go into a {} value",
                    segments[..depth].join("."),
                    kind(other)
                ));
            }
        };
    }
    unreachable!("the loop returns at the last segment")
}

/// Removes the value at `path`; `Ok(false)` when there was nothing there.
pub fn unset(value: &mut Value, path: &str) -> Result<bool, String> {
    check_path(path)?;
    let (parent_path, leaf) = match path.rsplit_once('.') {
        Some((parent, leaf)) => (parent, leaf),
        None => ("", path),
    };
    let parent = if parent_path.is_empty() {
        Some(value)
    } else {
        get_mut(value, parent_path)
    };
    Ok(match parent {
        Some(Value::Object(map)) => map.shift_remove(leaf).is_some(),
        Some(Value::Array(items)) => match leaf.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items.remove(index);
                true
            }
            _ => false,
        },
        _ => false,
    })
}

fn get_mut<'a>(value: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.')
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get_mut(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
}

fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(format!(
            "invalid path {path:?}: use dot-separated keys, such as data.amount or items.0.id"
        ));
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Parses `PATH=VALUE`; the value is read as JSON when it is JSON (`500`, `true`, `{"a":1}`), else
/// taken as a string. With `as_string`, it is always a string (`--set-str`).
pub fn parse_assignment(text: &str, as_string: bool) -> Result<(String, Value), String> {
    let (path, raw) = text.split_once('=').ok_or_else(|| {
        format!("invalid assignment {text:?}: write it as PATH=VALUE, such as data.amount=500")
    })?;
    check_path(path)?;
    let value = if as_string {
        Value::String(raw.to_string())
    } else {
        serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
    };
    Ok((path.to_string(), value))
}

/// Whether `actual` equals what the user wrote: the JSON reading of `expected` (so `500` matches the
/// number 500 and `true` the boolean), or its text for strings.
pub fn matches_text(actual: &Value, expected: &str) -> bool {
    match serde_json::from_str::<Value>(expected) {
        Ok(parsed) if &parsed == actual => true,
        _ => actual.as_str() == Some(expected),
    }
}

/// A compact, one-line rendering of a value for messages: strings without quotes.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_walks_objects_and_arrays() {
        let v = json!({"data": {"items": [{"id": "a"}, {"id": "b"}], "amount": 5}});
        assert_eq!(get(&v, "data.amount"), Some(&json!(5)));
        assert_eq!(get(&v, "data.items.1.id"), Some(&json!("b")));
        assert_eq!(get(&v, "data.items.9.id"), None);
        assert_eq!(get(&v, "data.amount.x"), None);
        assert_eq!(get(&v, ""), Some(&v));
    }

    #[test]
    fn set_creates_and_replaces() {
        let mut v = json!({"data": {"amount": 5, "list": [1, 2]}});
        set(&mut v, "data.amount", json!(500)).unwrap();
        set(&mut v, "data.new.deep", json!("x")).unwrap();
        set(&mut v, "data.list.1", json!(3)).unwrap();
        assert_eq!(
            v,
            json!({"data": {"amount": 500, "list": [1, 3], "new": {"deep": "x"}}})
        );
        assert!(
            set(&mut v, "data.amount.x", json!(1))
                .unwrap_err()
                .contains("number")
        );
        assert!(
            set(&mut v, "data.list.5", json!(1))
                .unwrap_err()
                .contains("past the array's end")
        );
        assert!(
            set(&mut v, "data..x", json!(1))
                .unwrap_err()
                .contains("invalid path")
        );
    }

    #[test]
    fn unset_removes_keeping_order() {
        let mut v = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2]});
        assert_eq!(unset(&mut v, "b.c"), Ok(true));
        assert_eq!(unset(&mut v, "b.zz"), Ok(false));
        assert_eq!(unset(&mut v, "e.0"), Ok(true));
        assert_eq!(unset(&mut v, "a"), Ok(true));
        assert_eq!(v.to_string(), r#"{"b":{"d":3},"e":[2]}"#);
    }

    #[test]
    fn assignments() {
        assert_eq!(
            parse_assignment("data.amount=500", false),
            Ok(("data.amount".into(), json!(500)))
        );
        assert_eq!(
            parse_assignment("a=hello", false),
            Ok(("a".into(), json!("hello")))
        );
        assert_eq!(
            parse_assignment("a=500", true),
            Ok(("a".into(), json!("500")))
        );
        assert_eq!(
            parse_assignment("a={\"x\":[1]}", false),
            Ok(("a".into(), json!({"x": [1]})))
        );
        assert_eq!(parse_assignment("a=", false), Ok(("a".into(), json!(""))));
        assert!(parse_assignment("novalue", false).is_err());
        assert!(parse_assignment("=1", false).is_err());
    }

    #[test]
    fn text_matching() {
        assert!(matches_text(&json!(500), "500"));
        assert!(matches_text(&json!("500"), "500"));
        assert!(matches_text(&json!("completed"), "completed"));
        assert!(matches_text(&json!(true), "true"));
        assert!(!matches_text(&json!(501), "500"));
        assert!(matches_text(&json!(null), "null"));
    }
}
