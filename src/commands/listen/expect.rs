//! `hooky listen --expect EXPR`: which requests count towards `--count`. Pure: an expression
//! (parsed once, at the command line, by [`crate::cli::values`]) is matched against the facts of a
//! request.

use serde_json::Value;

pub use crate::cli::values::Expectation;
use crate::headers::{Header, get_all};
use crate::json_path;

/// What `--expect` looks at in a request.
pub struct Facts<'a> {
    pub event_type: Option<&'a str>,
    pub verified: bool,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [Header],
    pub json: Option<&'a Value>,
}

impl Expectation {
    pub fn matches(&self, facts: &Facts<'_>) -> bool {
        match self {
            Expectation::Type(expected) => facts.event_type == Some(expected.as_str()),
            Expectation::Verified => facts.verified,
            Expectation::Path(expected) => facts.path == expected,
            Expectation::Method(expected) => facts.method.eq_ignore_ascii_case(expected),
            Expectation::Header(name, expected) => get_all(facts.headers, name)
                .iter()
                .any(|value| value.trim() == expected),
            Expectation::Json(path, expected) => facts
                .json
                .and_then(|body| json_path::get(body, path))
                .is_some_and(|actual| json_path::matches_text(actual, expected)),
        }
    }
}

/// Whether a request meets every expectation (no expectation: every request counts).
pub fn all_match(expectations: &[Expectation], facts: &Facts<'_>) -> bool {
    expectations.iter().all(|e| e.matches(facts))
}

/// Why no request can ever meet all of `expectations`, if that is so: `verified` while nothing is
/// verified, or two different values wanted for the same type, path or method.
pub fn never_matches(expectations: &[Expectation], verifying: bool) -> Option<String> {
    if !verifying && expectations.contains(&Expectation::Verified) {
        return Some(
            "--expect verified can never hold: signatures are not verified \
             (--no-verify or --scheme none)"
                .into(),
        );
    }
    for (i, first) in expectations.iter().enumerate() {
        for second in &expectations[i + 1..] {
            let clash = match (first, second) {
                (Expectation::Type(a), Expectation::Type(b)) => Some(("type", a != b)),
                (Expectation::Path(a), Expectation::Path(b)) => Some(("path", a != b)),
                (Expectation::Method(a), Expectation::Method(b)) => {
                    Some(("method", !a.eq_ignore_ascii_case(b)))
                }
                _ => None,
            };
            if let Some((key, true)) = clash {
                return Some(format!(
                    "--expect {key}=… is given twice with different values: no request can have both"
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::values::parse_expectation as parse;
    use serde_json::json;

    #[test]
    fn expectations_that_can_never_hold_are_found() {
        let list = |texts: &[&str]| -> Vec<Expectation> {
            texts.iter().map(|t| parse(t).unwrap()).collect()
        };
        assert!(never_matches(&list(&["verified"]), false).is_some());
        assert_eq!(never_matches(&list(&["verified"]), true), None);
        assert!(never_matches(&list(&["type=a", "type=b"]), true).is_some());
        assert!(never_matches(&list(&["path=/a", "method=GET", "method=post"]), true).is_some());
        assert_eq!(
            never_matches(
                &list(&["type=a", "type=a", "method=POST", "method=post"]),
                false
            ),
            None
        );
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(parse("verified"), Ok(Expectation::Verified));
        assert_eq!(parse("type=a.b"), Ok(Expectation::Type("a.b".into())));
        assert_eq!(parse("path=/x"), Ok(Expectation::Path("/x".into())));
        assert_eq!(
            parse("header:X-Foo=a=b"),
            Ok(Expectation::Header("X-Foo".into(), "a=b".into()))
        );
        assert_eq!(
            parse("json:data.amount=500"),
            Ok(Expectation::Json("data.amount".into(), "500".into()))
        );
        for bad in [
            "",
            "type",
            "colour=red",
            "header:=x",
            "json:a..b=1",
            "json:a",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matches_the_facts() {
        let body = json!({"data": {"amount": 500, "currency": "eur"}});
        let headers = vec![("X-Foo".to_string(), "bar".to_string())];
        let facts = Facts {
            event_type: Some("order.completed"),
            verified: true,
            method: "POST",
            path: "/hooks",
            headers: &headers,
            json: Some(&body),
        };
        let all: Vec<Expectation> = [
            "type=order.completed",
            "verified",
            "path=/hooks",
            "method=post",
            "header:x-foo=bar",
            "json:data.amount=500",
            "json:data.currency=eur",
        ]
        .iter()
        .map(|t| parse(t).unwrap())
        .collect();
        assert!(all_match(&all, &facts));
        for miss in [
            "type=other",
            "path=/other",
            "header:x-foo=baz",
            "json:data.amount=501",
            "json:data.missing=1",
        ] {
            assert!(!parse(miss).unwrap().matches(&facts), "{miss}");
        }
        let unverified = Facts {
            verified: false,
            json: None,
            ..facts
        };
        assert!(!Expectation::Verified.matches(&unverified));
        assert!(!parse("json:data.amount=500").unwrap().matches(&unverified));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_says_why(text in "\\PC{0,64}") {
            match parse(&text) {
                Ok(expectation) => {
                    let facts = Facts {
                        event_type: None,
                        verified: true,
                        method: "POST",
                        path: "/",
                        headers: &[],
                        json: Some(&json!({"a": [1]})),
                    };
                    let _ = expectation.matches(&facts);
                }
                Err(message) => proptest::prop_assert!(message.starts_with("invalid --expect")),
            }
        }
    }
}
