//! `hooky poll --until EXPR`: the stop conditions. Pure; built on [`crate::json_path`].
//!
//! Grammar: `path=value`, `path!=value`, `path` (present and not null), `!path` (absent or null),
//! and `status=NNN` / `status!=NNN` for the HTTP status when NNN is three digits (any other value
//! compares a JSON field named `status`, so `--until status=completed` reads the body).

use serde_json::Value;

use crate::json_path;

/// One parsed `--until` expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Equals { path: String, value: String },
    NotEquals { path: String, value: String },
    Present { path: String },
    Absent { path: String },
    Status { status: u16, negated: bool },
}

/// Parses one expression, saying what is wrong with a bad one.
pub fn parse(text: &str) -> Result<Condition, String> {
    let text = text.trim();
    let check_path = |path: &str| -> Result<String, String> {
        if path.is_empty() || path.split('.').any(str::is_empty) {
            Err(format!(
                "invalid --until {text:?}: use path=value, path!=value, path, !path or \
                 status=NNN, with a dot path such as data.status"
            ))
        } else {
            Ok(path.to_string())
        }
    };
    let http_status = |value: &str| -> Option<u16> {
        (value.len() == 3 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse().ok())
            .flatten()
            .filter(|s| (100..=599).contains(s))
    };
    if let Some((path, value)) = text.split_once("!=") {
        let path = check_path(path.trim())?;
        if let Some(status) = http_status(value.trim()).filter(|_| path == "status") {
            return Ok(Condition::Status {
                status,
                negated: true,
            });
        }
        return Ok(Condition::NotEquals {
            path,
            value: value.to_string(),
        });
    }
    if let Some((path, value)) = text.split_once('=') {
        let path = check_path(path.trim())?;
        if let Some(status) = http_status(value.trim()).filter(|_| path == "status") {
            return Ok(Condition::Status {
                status,
                negated: false,
            });
        }
        return Ok(Condition::Equals {
            path,
            value: value.to_string(),
        });
    }
    if let Some(path) = text.strip_prefix('!') {
        return Ok(Condition::Absent {
            path: check_path(path.trim())?,
        });
    }
    Ok(Condition::Present {
        path: check_path(text)?,
    })
}

impl Condition {
    /// Whether the condition needs a JSON body.
    pub fn reads_body(&self) -> bool {
        !matches!(self, Condition::Status { .. })
    }

    /// Evaluates against the HTTP status and the JSON body (`None` when there is no JSON body).
    pub fn holds(&self, status: u16, body: Option<&Value>) -> bool {
        let at = |path: &str| body.and_then(|b| json_path::get(b, path));
        match self {
            Condition::Status {
                status: want,
                negated,
            } => (status == *want) != *negated,
            Condition::Equals { path, value } => {
                at(path).is_some_and(|v| json_path::matches_text(v, value))
            }
            Condition::NotEquals { path, value } => {
                !at(path).is_some_and(|v| json_path::matches_text(v, value))
            }
            Condition::Present { path } => at(path).is_some_and(|v| !v.is_null()),
            Condition::Absent { path } => at(path).is_none_or(Value::is_null),
        }
    }
}

/// Whether every condition holds (none given: never).
pub fn all_hold(conditions: &[Condition], status: u16, body: Option<&Value>) -> bool {
    !conditions.is_empty() && conditions.iter().all(|c| c.holds(status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            parse("status=completed"),
            Ok(Condition::Equals {
                path: "status".into(),
                value: "completed".into()
            })
        );
        assert_eq!(
            parse("status=304"),
            Ok(Condition::Status {
                status: 304,
                negated: false
            })
        );
        assert_eq!(
            parse("status!=200"),
            Ok(Condition::Status {
                status: 200,
                negated: true
            })
        );
        assert_eq!(
            parse("data.state!=pending"),
            Ok(Condition::NotEquals {
                path: "data.state".into(),
                value: "pending".into()
            })
        );
        assert_eq!(
            parse("result.url"),
            Ok(Condition::Present {
                path: "result.url".into()
            })
        );
        assert_eq!(
            parse("!error"),
            Ok(Condition::Absent {
                path: "error".into()
            })
        );
        assert_eq!(
            parse("count=1000"),
            Ok(Condition::Equals {
                path: "count".into(),
                value: "1000".into()
            })
        );
        for bad in ["", "=x", "a..b=1", "!", "!=3"] {
            assert!(parse(bad).unwrap_err().contains("--until"), "{bad}");
        }
    }

    #[test]
    fn evaluates() {
        let body = json!({"status": "completed", "n": 5, "gone": null, "a": {"b": [1]}});
        let holds = |e: &str| parse(e).unwrap().holds(200, Some(&body));
        assert!(holds("status=completed"));
        assert!(!holds("status=pending"));
        assert!(holds("status!=pending"));
        assert!(holds("n=5"));
        assert!(holds("a.b.0=1"));
        assert!(holds("a.b"));
        assert!(!holds("gone"));
        assert!(holds("!gone"));
        assert!(holds("!missing"));
        assert!(holds("status=200"));
        assert!(!holds("status=304"));
        assert!(parse("missing!=x").unwrap().holds(200, None));
        assert!(!parse("x").unwrap().holds(200, None));
        assert!(!all_hold(&[], 200, Some(&body)));
        let both = [parse("n=5").unwrap(), parse("status=304").unwrap()];
        assert!(all_hold(&both, 304, Some(&body)));
        assert!(!all_hold(&both, 200, Some(&body)));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_says_why(text in "\\PC{0,64}", status in 100u16..600) {
            if let Ok(condition) = parse(&text) {
                let _ = condition.holds(status, Some(&json!({"status": "x"})));
            }
        }
    }
}
