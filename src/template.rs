//! The `{{…}}` template language of fixtures: `{{uuid}}`, `{{id "evt"}}`, `{{now}}`, `{{now_iso}}`,
//! `{{now+5m}}` / `{{now_iso-1h}}`, `{{seq}}`, `{{env "VAR" "default"}}`, and a quoted literal
//! such as `{{"{{"}}` (or `{{'{{'}}`), which renders as its text: the way to write a literal `{{`.
//!
//! Pure: the clock, the sequence number, the random source and the environment are all given in a
//! [`RenderContext`], so a seeded generator and a fixed clock render byte-for-byte the same text.
//! A template is parsed once ([`Template::parse`], which rejects unknown placeholders with their line
//! and column) and rendered as often as needed. Rendering is textual: `{{now}}` outside quotes is a
//! JSON number, inside quotes part of a string. Values from the environment are escaped for a JSON
//! string, so a quote in a variable cannot break the payload.

use std::fmt;
use std::time::Duration;

use rand::RngCore;

/// The placeholders, as the error message lists them.
const KNOWN: &str = "uuid, id \"prefix\", now, now_iso, now+5m, now_iso-1h, seq, env \"VAR\" \"default\", and \"{{\" for a literal {{";

/// A template that failed to parse or render: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The fixture (or file) the template came from.
    pub source: String,
    /// 1-based line and column (in characters) of the placeholder's `{{`.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, line {}, column {}: {}",
            self.source, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for TemplateError {}

/// What a render may draw on: all of it given, none of it ambient.
pub struct RenderContext<'a> {
    /// The current time, unix seconds.
    pub now: i64,
    /// The 1-based number of this send in the run.
    pub seq: u64,
    pub rng: &'a mut dyn RngCore,
    /// Looks up an environment variable.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Placeholder {
    Uuid,
    Id(String),
    /// Unix seconds, shifted by the offset.
    Now(i64),
    /// RFC 3339 (UTC, seconds), shifted by the offset.
    NowIso(i64),
    Seq,
    Env {
        name: String,
        default: Option<String>,
    },
    /// `{{"text"}}`: the text itself, as written (how a literal `{{` is spelled).
    Literal(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Placeholder {
        placeholder: Placeholder,
        line: usize,
        column: usize,
    },
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
    /// The index in `pieces` of each placeholder, in order.
    slots: Vec<usize>,
}

impl Template {
    /// Parses `text`; `source` names it in errors (a fixture name or a file). One pass over the
    /// text: the line and column of each placeholder are carried forward, not recounted from the
    /// start, so a template with a million placeholders parses in linear time.
    pub fn parse(source: &str, text: &str) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut at = Position { line: 1, column: 1 };
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            at.advance(&rest[..start]);
            let (line, column) = (at.line, at.column);
            let error = |message: String| TemplateError {
                source: source.to_string(),
                line,
                column,
                message,
            };
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| error("unclosed {{: a placeholder ends with }}".into()))?;
            let inner = &after[..end];
            if inner.contains('\n') {
                return Err(error(
                    "unclosed {{: a placeholder ends with }} on its line".into(),
                ));
            }
            let placeholder = parse_placeholder(inner).map_err(error)?;
            pieces.push(Piece::Placeholder {
                placeholder,
                line,
                column,
            });
            let advance = start + 2 + end + 2;
            at.advance(&rest[start..advance]);
            rest = &rest[advance..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        let slots = pieces
            .iter()
            .enumerate()
            .filter(|(_, piece)| matches!(piece, Piece::Placeholder { .. }))
            .map(|(index, _)| index)
            .collect();
        Ok(Template {
            source: source.to_string(),
            pieces,
            slots,
        })
    }

    /// Whether the template has any placeholder (a plain text renders to itself).
    pub fn is_static(&self) -> bool {
        self.pieces
            .iter()
            .all(|piece| matches!(piece, Piece::Text(_)))
    }

    /// Renders the template with fresh values from `context`.
    pub fn render(&self, context: &mut RenderContext<'_>) -> Result<String, TemplateError> {
        Ok(self.fill(&self.render_values(context)?))
    }

    /// How many placeholders the template has.
    pub fn placeholder_count(&self) -> usize {
        self.slots.len()
    }

    /// Whether placeholder `index` renders as a bare integer (`{{now}}`, `{{seq}}`).
    pub fn placeholder_is_integer(&self, index: usize) -> bool {
        matches!(
            self.placeholder(index),
            Some(Placeholder::Now(_) | Placeholder::Seq)
        )
    }

    /// Whether placeholder `index` is `{{env …}}` (its text is escaped for a JSON string).
    pub fn placeholder_is_env(&self, index: usize) -> bool {
        matches!(self.placeholder(index), Some(Placeholder::Env { .. }))
    }

    fn placeholder(&self, index: usize) -> Option<&Placeholder> {
        match self.pieces.get(*self.slots.get(index)?)? {
            Piece::Placeholder { placeholder, .. } => Some(placeholder),
            Piece::Text(_) => None,
        }
    }

    /// Fresh values for every placeholder, in template order (the order [`Template::render`]
    /// draws them from the random source).
    pub fn render_values(
        &self,
        context: &mut RenderContext<'_>,
    ) -> Result<Vec<String>, TemplateError> {
        let mut values = Vec::new();
        for piece in &self.pieces {
            if let Piece::Placeholder {
                placeholder,
                line,
                column,
            } = piece
            {
                let value = render_one(placeholder, context).map_err(|message| TemplateError {
                    source: self.source.clone(),
                    line: *line,
                    column: *column,
                    message,
                })?;
                values.push(value);
            }
        }
        Ok(values)
    }

    /// The text with `values[i]` in place of placeholder `i`.
    pub fn fill(&self, values: &[impl AsRef<str>]) -> String {
        let mut out = String::new();
        let mut values = values.iter();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Placeholder { .. } => {
                    out.push_str(values.next().map_or("", |value| value.as_ref()))
                }
            }
        }
        out
    }
}

fn render_one(
    placeholder: &Placeholder,
    context: &mut RenderContext<'_>,
) -> Result<String, String> {
    Ok(match placeholder {
        Placeholder::Uuid => crate::ids::uuid_v4(&mut context.rng),
        Placeholder::Id(prefix) => crate::ids::prefixed_id(prefix, &mut context.rng),
        Placeholder::Now(offset) => context.now.saturating_add(*offset).to_string(),
        Placeholder::NowIso(offset) => iso(context.now.saturating_add(*offset))?,
        Placeholder::Seq => context.seq.to_string(),
        Placeholder::Env { name, default } => {
            let value = (context.env)(name)
                .or_else(|| default.clone())
                .ok_or_else(|| {
                    format!(
                        "the environment variable {name} is not set and the placeholder has no default (write {{{{env \"{name}\" \"default\"}}}})"
                    )
                })?;
            json_escape(&value)
        }
        Placeholder::Literal(text) => text.clone(),
    })
}

/// Unix seconds as RFC 3339 in UTC, to the second: `2024-01-01T00:00:00Z`.
pub fn iso(unix: i64) -> Result<String, String> {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .ok_or_else(|| format!("time {unix} is out of range"))
}

/// Escapes text for the inside of a JSON string (no surrounding quotes).
fn json_escape(text: &str) -> String {
    let quoted = serde_json::Value::String(text.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

fn parse_placeholder(inner: &str) -> Result<Placeholder, String> {
    let trimmed = inner.trim();
    if trimmed.starts_with(['"', '\'']) || trimmed.starts_with("\\\"") {
        return match parse_arguments(trimmed)?.as_slice() {
            [text] => Ok(Placeholder::Literal(text.clone())),
            _ => Err(format!(
                "{{{{{trimmed}}}}}: a literal is one quoted text, as in {{{{\"{{{{\"}}}}"
            )),
        };
    }
    let unknown = || format!("unknown placeholder {{{{{trimmed}}}}}: known are {KNOWN}");
    let (name, args) = match trimmed.find(|c: char| c.is_whitespace()) {
        Some(i) => (&trimmed[..i], trimmed[i..].trim_start()),
        None => (trimmed, ""),
    };
    let args = parse_arguments(args).map_err(|e| format!("{{{{{trimmed}}}}}: {e}"))?;
    let no_arguments = |p: Placeholder| {
        if args.is_empty() {
            Ok(p)
        } else {
            Err(format!("{{{{{trimmed}}}}} takes no argument"))
        }
    };
    match name {
        "uuid" => no_arguments(Placeholder::Uuid),
        "seq" => no_arguments(Placeholder::Seq),
        "id" => match args.as_slice() {
            [prefix] if valid_prefix(prefix) => Ok(Placeholder::Id(prefix.clone())),
            [_] => Err(format!(
                "{{{{{trimmed}}}}}: the prefix is letters, digits and _ only, as in {{{{id \"evt\"}}}}"
            )),
            _ => Err(format!(
                "{{{{{trimmed}}}}}: id takes one quoted prefix, as in {{{{id \"evt\"}}}}"
            )),
        },
        "env" => match args.as_slice() {
            [name] => Ok(Placeholder::Env {
                name: name.clone(),
                default: None,
            }),
            [name, default] => Ok(Placeholder::Env {
                name: name.clone(),
                default: Some(default.clone()),
            }),
            _ => Err(format!(
                "{{{{{trimmed}}}}}: env takes a quoted name and an optional default, as in {{{{env \"VAR\" \"default\"}}}}"
            )),
        },
        _ => {
            let (base, offset) =
                split_offset(name).map_err(|e| format!("{{{{{trimmed}}}}}: {e}"))?;
            let placeholder = match base {
                "now" => Placeholder::Now(offset),
                "now_iso" => Placeholder::NowIso(offset),
                _ => return Err(unknown()),
            };
            no_arguments(placeholder)
        }
    }
}

/// `now+5m` → (`now`, 300); `now` → (`now`, 0).
fn split_offset(name: &str) -> Result<(&str, i64), String> {
    let Some(at) = name.find(['+', '-']) else {
        return Ok((name, 0));
    };
    let sign = if name[at..].starts_with('-') { -1 } else { 1 };
    let duration: Duration = crate::units::parse_duration(&name[at + 1..])?;
    let secs = i64::try_from(duration.as_secs()).map_err(|_| "offset too large".to_string())?;
    Ok((&name[..at], sign * secs))
}

fn valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.len() <= 32
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Quoted arguments: `"a" 'b' \"c\"` (the escaped form lets a template sit in a JSON string).
fn parse_arguments(text: &str) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (open, close): (&str, &str) = if rest.starts_with("\\\"") {
            ("\\\"", "\\\"")
        } else if rest.starts_with('"') {
            ("\"", "\"")
        } else if rest.starts_with('\'') {
            ("'", "'")
        } else {
            return Err(format!(
                "arguments are quoted, as in \"evt\" (found {:?})",
                rest
            ));
        };
        let body = &rest[open.len()..];
        let end = body
            .find(close)
            .ok_or_else(|| "an argument's quote is not closed".to_string())?;
        args.push(body[..end].to_string());
        rest = body[end + close.len()..].trim_start();
    }
    Ok(args)
}

/// A 1-based line and column (in characters), carried forward over the text as it is parsed.
#[derive(Clone, Copy)]
struct Position {
    line: usize,
    column: usize,
}

impl Position {
    fn advance(&mut self, text: &str) {
        match text.rfind('\n') {
            Some(last) => {
                self.line += text.bytes().filter(|b| *b == b'\n').count();
                self.column = text[last + 1..].chars().count() + 1;
            }
            None => self.column += text.chars().count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const NOW: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z

    fn render_with(
        text: &str,
        seed: u64,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, TemplateError> {
        let template = Template::parse("test", text)?;
        let mut rng = StdRng::seed_from_u64(seed);
        template.render(&mut RenderContext {
            now: NOW,
            seq: 7,
            rng: &mut rng,
            env,
        })
    }

    fn render(text: &str) -> String {
        render_with(text, 42, &|_| None).unwrap()
    }

    #[test]
    fn clock_and_sequence() {
        assert_eq!(render("{{now}}"), "1704067200");
        assert_eq!(render("{{ now+5m }}"), "1704067500");
        assert_eq!(render("{{now-1h}}"), "1704063600");
        assert_eq!(render("{{now_iso}}"), "2024-01-01T00:00:00Z");
        assert_eq!(render("{{now_iso-1d}}"), "2023-12-31T00:00:00Z");
        assert_eq!(render("n={{seq}}"), "n=7");
        assert_eq!(render("no placeholders"), "no placeholders");
    }

    #[test]
    fn ids_are_fresh_and_reproducible() {
        let text = r#"{"id":"{{id "evt"}}","u":"{{uuid}}","other":"{{id 'evt'}}"}"#;
        let first = render(text);
        assert_eq!(first, render(text));
        assert_ne!(first, render_with(text, 43, &|_| None).unwrap());
        let value: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert!(value["id"].as_str().unwrap().starts_with("evt_"));
        assert_ne!(value["id"], value["other"]);
        assert_eq!(value["u"].as_str().unwrap().len(), 36);
        // the escaped form, as it sits inside a JSON string
        assert!(render(r#""{{id \"cus\"}}""#).starts_with("\"cus_"));
    }

    #[test]
    fn environment_with_defaults_and_escaping() {
        let env = |name: &str| (name == "SHOP").then(|| "a \"quoted\" shop".to_string());
        assert_eq!(
            render_with(r#"{{env "SHOP"}}"#, 1, &env).unwrap(),
            r#"a \"quoted\" shop"#
        );
        assert_eq!(render_with(r#"{{env "NOPE" "x"}}"#, 1, &env).unwrap(), "x");
        let error = render_with("\n  {{env \"NOPE\"}}", 1, &env).unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
        assert!(error.message.contains("NOPE is not set"), "{error}");
    }

    #[test]
    fn unknown_placeholders_name_line_and_column() {
        let error = Template::parse("order.completed", "{\n  \"a\": \"é{{nope}}\"\n}").unwrap_err();
        assert_eq!(error.source, "order.completed");
        assert_eq!((error.line, error.column), (2, 10));
        assert!(
            error
                .to_string()
                .starts_with("order.completed, line 2, column 10: unknown placeholder {{nope}}")
        );
        for bad in [
            "{{",
            "{{now",
            "{{ }}",
            "{{id}}",
            "{{id \"a b\"}}",
            "{{id evt}}",
            "{{uuid \"x\"}}",
            "{{now+soon}}",
            "{{env}}",
            "{{env \"A\" \"b\" \"c\"}}",
            "{{later}}",
        ] {
            assert!(Template::parse("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_fill_back_into_the_text() {
        let text = r#"{"a":{{now}},"b":"{{seq}}-{{env "X" "a\b"}}"}"#;
        let template = Template::parse("t", text).unwrap();
        assert_eq!(template.placeholder_count(), 3);
        assert!(template.placeholder_is_integer(0) && template.placeholder_is_integer(1));
        assert!(!template.placeholder_is_integer(2) && template.placeholder_is_env(2));
        assert!(!template.placeholder_is_env(3));
        let mut rng = StdRng::seed_from_u64(1);
        let mut context = RenderContext {
            now: NOW,
            seq: 7,
            rng: &mut rng,
            env: &|_| None,
        };
        let values = template.render_values(&mut context).unwrap();
        assert_eq!(values, ["1704067200", "7", r"a\\b"]);
        assert_eq!(template.fill(&values), render(text));
        assert_eq!(template.fill(&["1", "2", "3"]), r#"{"a":1,"b":"2-3"}"#);
    }

    #[test]
    fn a_quoted_literal_is_the_escape_for_braces() {
        let env = |_: &str| Some("LEAKED".to_string());
        for (text, expected) in [
            (r#"{{"{{"}}env 'X'}}"#, "{{env 'X'}}"),
            (r#"{{'{{'}}seq}}"#, "{{seq}}"),
            (r#"a {{\"{{\"}} b"#, "a {{ b"),
            (r#"{{"{{"}}{{'{{'}}"#, "{{{{"),
        ] {
            let template = Template::parse("t", text).unwrap();
            let mut rng = StdRng::seed_from_u64(1);
            let rendered = template
                .render(&mut RenderContext {
                    now: NOW,
                    seq: 1,
                    rng: &mut rng,
                    env: &env,
                })
                .unwrap();
            assert_eq!(rendered, expected, "{text}");
        }
        let error = Template::parse("t", r#"{{"a" "b"}}"#).unwrap_err();
        assert!(
            error.message.contains("a literal is one quoted text"),
            "{error}"
        );
    }

    #[test]
    fn positions_are_exact_after_many_placeholders() {
        // 50,000 placeholders on lines of their own, 50,000 on one line, then an unknown one.
        let mut text = "{{seq}}\n".repeat(50_000);
        text.push_str(&"é{{now}}".repeat(50_000));
        let good = Template::parse("t", &text).unwrap();
        assert_eq!(good.placeholder_count(), 100_000);
        assert!(good.placeholder_is_integer(99_999));
        text.push_str("{{nope}}");
        let error = Template::parse("t", &text).unwrap_err();
        assert_eq!((error.line, error.column), (50_001, 8 * 50_000 + 1));
    }

    /// The line and column as counted from the start, the slow way.
    fn counted_position(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn static_templates() {
        assert!(Template::parse("t", "{}").unwrap().is_static());
        assert!(!Template::parse("t", "{{seq}}").unwrap().is_static());
    }

    proptest::proptest! {
        #[test]
        fn error_positions_match_counting_from_the_start(
            parts in proptest::collection::vec(("[a-zé \n]{0,6}", proptest::bool::ANY), 0..40),
        ) {
            let mut text = String::new();
            for (plain, placeholder) in &parts {
                text.push_str(plain);
                if *placeholder {
                    text.push_str("{{seq}}");
                }
            }
            let offset = text.len();
            text.push_str("{{nope}}");
            let error = Template::parse("p", &text).unwrap_err();
            proptest::prop_assert_eq!((error.line, error.column), counted_position(&text, offset));
        }

        #[test]
        fn parsing_never_panics_and_plain_text_is_kept(text in ".{0,200}") {
            let parsed = Template::parse("p", &text);
            if !text.contains("{{") {
                let template = parsed.unwrap();
                let mut rng = StdRng::seed_from_u64(0);
                let rendered = template.render(&mut RenderContext {
                    now: NOW, seq: 1, rng: &mut rng, env: &|_| None,
                }).unwrap();
                proptest::prop_assert_eq!(rendered, text);
            }
        }
    }
}
