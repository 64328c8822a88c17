//! Which fields of a JSON document changed, old → new, as `hooky poll` reports them. Pure.

use serde_json::Value;

/// One changed field: its dot path (empty for the whole document) and the values before and after
/// (`None` when the field was absent).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Change {
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// The changes from `old` to `new`, in document order: objects and arrays are compared member by
/// member, anything else as a whole.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", Some(old), Some(new), &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Change>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (key, value) in a {
                walk(&join(path, key), Some(value), b.get(key), out);
            }
            for (key, value) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                walk(&join(path, key), None, Some(value), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for index in 0..a.len().max(b.len()) {
                walk(
                    &join(path, &index.to_string()),
                    a.get(index),
                    b.get(index),
                    out,
                );
            }
        }
        (a, b) if a != b => out.push(Change {
            path: path.to_string(),
            old: a.cloned(),
            new: b.cloned(),
        }),
        _ => {}
    }
}

impl Change {
    /// `path: old → new`, values compact, `(absent)` for a missing side.
    pub fn describe(&self) -> String {
        let show = |v: &Option<Value>| match v {
            Some(value) => value.to_string(),
            None => "(absent)".to_string(),
        };
        let path = if self.path.is_empty() {
            "(body)"
        } else {
            &self.path
        };
        format!("{path}: {} → {}", show(&self.old), show(&self.new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_changed_added_and_removed_fields() {
        let old =
            json!({"status": "pending", "n": 1, "gone": true, "list": [1, 2], "same": {"a": 1}});
        let new = json!({"status": "completed", "n": 1, "list": [1, 3, 4], "same": {"a": 1}, "new": null});
        let got: Vec<String> = changes(&old, &new).iter().map(Change::describe).collect();
        assert_eq!(
            got,
            vec![
                r#"status: "pending" → "completed""#,
                "gone: true → (absent)",
                "list.1: 2 → 3",
                "list.2: (absent) → 4",
                "new: (absent) → null",
            ]
        );
        assert!(changes(&new, &new).is_empty());
        assert_eq!(
            changes(&json!(1), &json!("1"))[0].describe(),
            r#"(body): 1 → "1""#
        );
        assert_eq!(changes(&json!({"a": 1}), &json!([1]))[0].path, "");
    }
}
