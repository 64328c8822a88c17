//! `hooky poll --until EXPR`: the stop conditions. Pure; built on [`crate::json_path`].
//!
//! Grammar ([`GRAMMAR`]): `path=value`, `path!=value`, `path>N`, `path>=N`, `path<N`, `path<=N`
//! (numbers: a JSON number or a string holding one), `path` (present and not null), `!path`
//! (absent or null), and `status=NNN` (any operator) for the HTTP status when NNN is three digits
//! (any other value compares a JSON field named `status`, so `--until status=completed` reads the
//! body). Parsing is strict, as `listen --expect` is: an expression that could never hold
//! (`status==completed`, `a..b`, `n>five`) is refused at start rather than polled until the
//! deadline.

use std::fmt;

use serde_json::Value;

use crate::json_path;

/// What `--until` accepts, for error hints and help.
pub const GRAMMAR: &str = "--until takes path=value, path!=value, path>N, path>=N, path<N, \
     path<=N (N a number), path (present), !path (absent) or status=NNN (the HTTP status), with a \
     dot path such as data.status";

/// How a value is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }

    fn is_numeric(self) -> bool {
        !matches!(self, Op::Eq | Op::Ne)
    }

    fn holds<T: PartialOrd>(self, actual: T, expected: T) -> bool {
        match self {
            Op::Eq => actual == expected,
            Op::Ne => actual != expected,
            Op::Gt => actual > expected,
            Op::Ge => actual >= expected,
            Op::Lt => actual < expected,
            Op::Le => actual <= expected,
        }
    }
}

/// One parsed `--until` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `path=value` / `path!=value` compare as text or JSON; the others as numbers.
    Compare {
        path: String,
        op: Op,
        value: String,
    },
    Present {
        path: String,
    },
    Absent {
        path: String,
    },
    Status {
        op: Op,
        status: u16,
    },
}

/// The characters operators are made of; a run of them is one operator.
const OPERATOR_CHARS: &[char] = &['=', '!', '<', '>'];

/// Parses one expression, saying what is wrong with a bad one (the caller adds [`GRAMMAR`]).
pub fn parse(text: &str) -> Result<Condition, String> {
    let text = text.trim();
    let invalid = |why: String| format!("invalid --until {text:?}: {why}");
    let check_path = |path: &str| -> Result<String, String> {
        let path = path.trim();
        if path.is_empty() {
            Err(invalid("the path is empty".into()))
        } else if path.split('.').any(str::is_empty) {
            Err(invalid(format!("{path:?} has an empty segment")))
        } else {
            Ok(path.to_string())
        }
    };
    let Some(start) = text.find(OPERATOR_CHARS) else {
        return Ok(Condition::Present {
            path: check_path(text)?,
        });
    };
    if start == 0 && text.starts_with('!') && !text[1..].starts_with(OPERATOR_CHARS) {
        let path = &text[1..];
        if path.contains(OPERATOR_CHARS) {
            return Err(invalid(
                "!path takes a path alone; compare with path!=value".into(),
            ));
        }
        return Ok(Condition::Absent {
            path: check_path(path)?,
        });
    }
    let rest = &text[start..];
    let op_len = rest
        .find(|c: char| !OPERATOR_CHARS.contains(&c))
        .unwrap_or(rest.len());
    let (op_text, value) = rest.split_at(op_len);
    let op =
        Op::parse(op_text).ok_or_else(|| invalid(format!("{op_text:?} is not an operator")))?;
    let path = check_path(&text[..start])?;
    if let Some(status) = http_status(value.trim()).filter(|_| path == "status") {
        return Ok(Condition::Status { op, status });
    }
    if op.is_numeric() && number(value).is_none() {
        return Err(invalid(format!(
            "{} compares numbers, and {value:?} is not one",
            op.symbol()
        )));
    }
    Ok(Condition::Compare {
        path,
        op,
        value: value.to_string(),
    })
}

/// Three digits from 100 to 599: an HTTP status.
fn http_status(value: &str) -> Option<u16> {
    (value.len() == 3 && value.bytes().all(|b| b.is_ascii_digit()))
        .then(|| value.parse().ok())
        .flatten()
        .filter(|s| (100..=599).contains(s))
}

/// A finite number written as text (`5`, `-2.5`, `1e3`).
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The number a JSON value holds: a number, or a string holding one (amounts often come as
/// strings, `"10.00"`).
fn number_in(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => number(s),
        _ => None,
    }
}

impl Condition {
    /// Whether the condition needs a JSON body.
    pub fn reads_body(&self) -> bool {
        !matches!(self, Condition::Status { .. })
    }

    /// The dot path the condition reads in the body, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            Condition::Compare { path, .. }
            | Condition::Present { path }
            | Condition::Absent { path } => Some(path),
            Condition::Status { .. } => None,
        }
    }

    /// Evaluates against the HTTP status and the JSON body (`None` when there is no JSON body).
    pub fn holds(&self, status: u16, body: Option<&Value>) -> bool {
        let at = |path: &str| body.and_then(|b| json_path::get(b, path));
        match self {
            Condition::Status { op, status: want } => op.holds(status, *want),
            Condition::Compare {
                path,
                op: Op::Eq,
                value,
            } => at(path).is_some_and(|v| json_path::matches_text(v, value)),
            Condition::Compare {
                path,
                op: Op::Ne,
                value,
            } => !at(path).is_some_and(|v| json_path::matches_text(v, value)),
            Condition::Compare { path, op, value } => {
                match (at(path).and_then(number_in), number(value)) {
                    (Some(actual), Some(expected)) => op.holds(actual, expected),
                    _ => false,
                }
            }
            Condition::Present { path } => at(path).is_some_and(|v| !v.is_null()),
            Condition::Absent { path } => at(path).is_none_or(Value::is_null),
        }
    }
}

/// The expression as a user would write it (for "waiting for …" messages).
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare { path, op, value } => write!(f, "{path}{}{value}", op.symbol()),
            Condition::Present { path } => f.write_str(path),
            Condition::Absent { path } => write!(f, "!{path}"),
            Condition::Status { op, status } => write!(f, "status{}{status}", op.symbol()),
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

    fn compare(path: &str, op: Op, value: &str) -> Result<Condition, String> {
        Ok(Condition::Compare {
            path: path.into(),
            op,
            value: value.into(),
        })
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(
            parse("status=completed"),
            compare("status", Op::Eq, "completed")
        );
        assert_eq!(
            parse("status=304"),
            Ok(Condition::Status {
                op: Op::Eq,
                status: 304
            })
        );
        assert_eq!(
            parse("status!=200"),
            Ok(Condition::Status {
                op: Op::Ne,
                status: 200
            })
        );
        assert_eq!(
            parse("status>=400"),
            Ok(Condition::Status {
                op: Op::Ge,
                status: 400
            })
        );
        assert_eq!(
            parse("data.state!=pending"),
            compare("data.state", Op::Ne, "pending")
        );
        assert_eq!(parse("progress>=100"), compare("progress", Op::Ge, "100"));
        assert_eq!(parse("n<2.5"), compare("n", Op::Lt, "2.5"));
        assert_eq!(parse("n>-1"), compare("n", Op::Gt, "-1"));
        assert_eq!(parse("n<=1e3"), compare("n", Op::Le, "1e3"));
        assert_eq!(parse(" a.b = x y "), compare("a.b", Op::Eq, " x y"));
        assert_eq!(parse("state="), compare("state", Op::Eq, ""));
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
        assert_eq!(parse("count=1000"), compare("count", Op::Eq, "1000"));
    }

    #[test]
    fn refuses_what_could_never_hold() {
        for (bad, why) in [
            ("", "the path is empty"),
            ("=x", "the path is empty"),
            ("!", "the path is empty"),
            ("!=3", "the path is empty"),
            ("a..b=1", "empty segment"),
            ("a.", "empty segment"),
            ("status==completed", "\"==\" is not an operator"),
            ("n=>5", "\"=>\" is not an operator"),
            ("n=<5", "\"=<\" is not an operator"),
            ("n<>5", "\"<>\" is not an operator"),
            ("n!5", "\"!\" is not an operator"),
            ("n!==5", "\"!==\" is not an operator"),
            (
                "status>completed",
                "> compares numbers, and \"completed\" is not one",
            ),
            ("n>", "> compares numbers"),
            ("n<=NaN", "<= compares numbers"),
            ("n>inf", "> compares numbers"),
            ("!a=b", "compare with path!=value"),
        ] {
            let error = parse(bad).unwrap_err();
            assert!(error.starts_with("invalid --until"), "{bad}: {error}");
            assert!(error.contains(why), "{bad}: {error}");
        }
    }

    #[test]
    fn displays_as_written() {
        for text in [
            "status=completed",
            "status=304",
            "status>=500",
            "a.b!=x",
            "n<=3",
            "url",
            "!error",
        ] {
            assert_eq!(parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn evaluates() {
        let body = json!({"status": "completed", "n": 5, "gone": null, "a": {"b": [1]}, "amount": "10.50"});
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
        assert!(holds("status<300"));
        assert!(!holds("status>=400"));
        assert!(parse("missing!=x").unwrap().holds(200, None));
        assert!(!parse("x").unwrap().holds(200, None));
        assert!(!all_hold(&[], 200, Some(&body)));
        let both = [parse("n=5").unwrap(), parse("status=304").unwrap()];
        assert!(all_hold(&both, 304, Some(&body)));
        assert!(!all_hold(&both, 200, Some(&body)));
    }

    #[test]
    fn compares_numbers() {
        let body = json!({"n": 5, "amount": "10.50", "name": "x", "flag": true});
        let holds = |e: &str| parse(e).unwrap().holds(200, Some(&body));
        assert!(holds("n>4") && holds("n>=5") && holds("n<=5") && holds("n<5.5"));
        assert!(!holds("n>5") && !holds("n<5"));
        assert!(
            holds("amount>10") && holds("amount<=10.5"),
            "a string holding a number"
        );
        assert!(
            !holds("name>0") && !holds("name<0"),
            "not a number: never holds"
        );
        assert!(!holds("flag>0") && !holds("missing<1"));
        assert!(!parse("n>0").unwrap().holds(200, None));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_says_why(text in "\\PC{0,64}", status in 100u16..600) {
            match parse(&text) {
                Ok(condition) => {
                    let _ = condition.holds(status, Some(&json!({"status": "x", "n": 3})));
                    let _ = condition.to_string();
                }
                Err(error) => proptest::prop_assert!(error.starts_with("invalid --until")),
            }
        }
    }
}
