//! A fixture's payload compiled once for fast repeated sends: the compact JSON body as literal
//! text with slots for the placeholders' values, the `_meta` already split off, and where the event
//! id and type come from. Rendering one event is then drawing the values and joining text, instead
//! of rendering the template, parsing the JSON and serialising it again. Pure.
//!
//! The result is byte-for-byte what the slow path (render → parse → split `_meta` → serialise)
//! gives, values drawn from the random source in the same order. Compiling renders the template
//! with a sentinel number per placeholder, parses and serialises that once, and finds the sentinels
//! in the output. Whatever it cannot prove equal (a placeholder in a key or in `_meta`, a bare
//! placeholder that is not an integer, a placeholder glued into a larger number, …) is refused, and
//! the caller keeps the slow path. A final check renders one event both ways and compares.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::fixtures::{self, Meta};
use crate::template::{RenderContext, Template, TemplateError};

/// Sentinel for placeholder `i`: `SENTINEL_BASE + i`, 19 digits, so it is a u64 (and i64) as a
/// bare JSON number, and a float built around it could not print its digits back.
const SENTINEL_BASE: u64 = 7_305_319_468_201_000_000;
const SENTINEL_DIGITS: usize = 19;
/// The digits every sentinel starts with (placeholders are limited so the rest stays free).
const SENTINEL_PREFIX: &str = "7305319468201";
const MAX_PLACEHOLDERS: usize = 1000;

/// Text made of literal parts and placeholder values.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Literal(String),
    Slot(usize),
}

/// One event rendered from a [`CompiledPayload`].
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedPayload {
    /// The compact JSON body.
    pub body: Vec<u8>,
    /// The body's `id` (string or number), as `event::event_id` reads it.
    pub event_id: Option<String>,
    /// The body's `type`, `event` or `event_type`, as `event::event_type` reads it.
    pub event_type: Option<String>,
}

/// A fixture template compiled for fast sends.
#[derive(Clone, Debug)]
pub struct CompiledPayload {
    template: Template,
    body: Vec<Part>,
    event_id: Option<Vec<Part>>,
    event_type: Option<Vec<Part>>,
    meta: Meta,
}

impl CompiledPayload {
    /// Compiles `template` (named `source` in errors); `None` when the fast path cannot be proved
    /// to give what the slow path gives (the caller renders the slow way, with its errors). `env`
    /// is the environment the events will be rendered with.
    pub fn compile(
        source: &str,
        template: &Template,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Option<CompiledPayload> {
        let count = template.placeholder_count();
        if count >= MAX_PLACEHOLDERS || template.fill(&vec![""; count]).contains(SENTINEL_PREFIX) {
            return None;
        }
        let sentinels: Vec<String> = (0..count)
            .map(|i| (SENTINEL_BASE + i as u64).to_string())
            .collect();
        let mut payload = fixtures::parse_payload(source, &template.fill(&sentinels)).ok()?;
        let meta = fixtures::split_meta(source, &mut payload).ok()?;
        if format!("{meta:?}").contains(SENTINEL_PREFIX) {
            return None; // a header or path that changes per event
        }
        if !sentinels_are_in_place(&payload, template) {
            return None;
        }
        let body = split_parts(&serde_json::to_string(&payload).ok()?)?;
        let mut seen = vec![0; count];
        for part in &body {
            if let Part::Slot(i) = part {
                seen[*i] += 1;
            }
        }
        if seen.iter().any(|n| *n != 1) {
            return None;
        }
        let id_text = crate::event::event_id(&[], Some(&payload));
        let type_text = crate::event::event_type(&[], Some(&payload));
        let compiled = CompiledPayload {
            template: template.clone(),
            body,
            event_id: text_parts(id_text.as_deref(), template)?,
            event_type: text_parts(type_text.as_deref(), template)?,
            meta,
        };
        compiled
            .agrees_with_slow_path(source, env)
            .then_some(compiled)
    }

    /// The fixture's `_meta` (the same for every event).
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Renders one event with fresh values from `context`.
    pub fn render(
        &self,
        context: &mut RenderContext<'_>,
    ) -> Result<RenderedPayload, TemplateError> {
        let values = self.template.render_values(context)?;
        let join = |parts: &[Part]| {
            let mut out = String::new();
            for part in parts {
                match part {
                    Part::Literal(text) => out.push_str(text),
                    Part::Slot(i) => out.push_str(&values[*i]),
                }
            }
            out
        };
        Ok(RenderedPayload {
            body: join(&self.body).into_bytes(),
            event_id: self.event_id.as_deref().map(join),
            event_type: self.event_type.as_deref().map(join),
        })
    }

    /// One render both ways, with the same seed, clock and environment, compared byte for byte.
    fn agrees_with_slow_path(&self, source: &str, env: &dyn Fn(&str) -> Option<String>) -> bool {
        let context = |rng| RenderContext {
            now: 1_704_067_200,
            seq: 1,
            rng,
            env,
        };
        let (mut fast_rng, mut slow_rng) = (StdRng::seed_from_u64(7), StdRng::seed_from_u64(7));
        let Ok(fast) = self.render(&mut context(&mut fast_rng)) else {
            return false;
        };
        let Ok(text) = self.template.render(&mut context(&mut slow_rng)) else {
            return false;
        };
        let Ok(mut payload) = fixtures::parse_payload(source, &text) else {
            return false;
        };
        if fixtures::split_meta(source, &mut payload).as_ref() != Ok(&self.meta) {
            return false;
        }
        serde_json::to_vec(&payload).ok() == Some(fast.body)
            && crate::event::event_id(&[], Some(&payload)) == fast.event_id
            && crate::event::event_type(&[], Some(&payload)) == fast.event_type
    }
}

/// Every sentinel sits either whole as a bare number (for an integer placeholder) or inside a
/// string value, never in a key and never glued into another number.
fn sentinels_are_in_place(value: &Value, template: &Template) -> bool {
    match value {
        Value::Number(number) => {
            let text = number.to_string();
            if !text.contains(SENTINEL_PREFIX) {
                return true;
            }
            number
                .as_u64()
                .and_then(|n| n.checked_sub(SENTINEL_BASE))
                .is_some_and(|i| {
                    (i as usize) < template.placeholder_count()
                        && template.placeholder_is_integer(i as usize)
                })
        }
        Value::Array(items) => items.iter().all(|v| sentinels_are_in_place(v, template)),
        Value::Object(map) => map
            .iter()
            .all(|(k, v)| !k.contains(SENTINEL_PREFIX) && sentinels_are_in_place(v, template)),
        Value::String(_) | Value::Bool(_) | Value::Null => true,
    }
}

/// Splits text at each sentinel into literal parts and slots.
fn split_parts(text: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(SENTINEL_PREFIX) {
        let digits = rest.get(at..at + SENTINEL_DIGITS)?;
        let index = digits.parse::<u64>().ok()?.checked_sub(SENTINEL_BASE)?;
        if at > 0 {
            parts.push(Part::Literal(rest[..at].to_string()));
        }
        parts.push(Part::Slot(usize::try_from(index).ok()?));
        rest = &rest[at + SENTINEL_DIGITS..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_string()));
    }
    Some(parts)
}

/// The parts of an event id or type; `None` (refuse) when it holds an `{{env}}` value, whose
/// JSON-escaped text would differ from the raw string the slow path reads.
fn text_parts(text: Option<&str>, template: &Template) -> Option<Option<Vec<Part>>> {
    let Some(text) = text else {
        return Some(None);
    };
    let parts = split_parts(text)?;
    let has_env = parts
        .iter()
        .any(|part| matches!(part, Part::Slot(i) if template.placeholder_is_env(*i)));
    (!has_env).then_some(Some(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_704_067_200;

    fn env(name: &str) -> Option<String> {
        (name == "HOOKY_TEST_SHOP").then(|| "a \"quoted\"\\ shop é".to_string())
    }

    fn slow(
        template: &Template,
        seed: u64,
        seq: u64,
    ) -> (Vec<u8>, Option<String>, Option<String>, Meta) {
        let mut rng = StdRng::seed_from_u64(seed);
        let text = template
            .render(&mut RenderContext {
                now: NOW,
                seq,
                rng: &mut rng,
                env: &env,
            })
            .unwrap();
        let mut payload = fixtures::parse_payload("t", &text).unwrap();
        let meta = fixtures::split_meta("t", &mut payload).unwrap();
        (
            serde_json::to_vec(&payload).unwrap(),
            crate::event::event_id(&[], Some(&payload)),
            crate::event::event_type(&[], Some(&payload)),
            meta,
        )
    }

    fn fast(compiled: &CompiledPayload, seed: u64, seq: u64) -> RenderedPayload {
        let mut rng = StdRng::seed_from_u64(seed);
        compiled
            .render(&mut RenderContext {
                now: NOW,
                seq,
                rng: &mut rng,
                env: &env,
            })
            .unwrap()
    }

    fn assert_same(text: &str) {
        let template = Template::parse("t", text).unwrap();
        let compiled = CompiledPayload::compile("t", &template, &env)
            .unwrap_or_else(|| panic!("should compile: {text}"));
        for (seed, seq) in [(1, 1), (2, 99), (3, 12345)] {
            let (body, id, kind, meta) = slow(&template, seed, seq);
            let rendered = fast(&compiled, seed, seq);
            assert_eq!(
                String::from_utf8(rendered.body).unwrap(),
                String::from_utf8(body).unwrap()
            );
            assert_eq!((rendered.event_id, rendered.event_type), (id, kind));
            assert_eq!(compiled.meta(), &meta);
        }
    }

    #[test]
    fn built_in_fixtures_render_like_the_slow_path() {
        let catalog = fixtures::Catalog::built_in();
        let mut compiled = Vec::new();
        for fixture in catalog.iter() {
            let template = fixture.template().unwrap();
            if CompiledPayload::compile(&fixture.name, &template, &env).is_some() {
                assert_same(&fixture.text);
                compiled.push(fixture.name.as_str());
            }
        }
        // The generic events compile; a provider event whose `_meta` header changes per event
        // (GitHub's X-GitHub-Delivery) keeps the slow path.
        assert!(compiled.contains(&"order.completed"), "{compiled:?}");
        assert!(
            !compiled.contains(&"github/pull_request.opened"),
            "{compiled:?}"
        );
    }

    #[test]
    fn same_bytes_as_the_slow_path() {
        assert_same(r#"{"id":"{{id "evt"}}","type":"x","created":{{now}},"n":[{{seq}}]}"#);
        assert_same(
            r#"{ "id" : {{seq}}, "at": "{{now_iso}}",
                 "text": "caf\u00e9 \/ {{uuid}}{{seq}}1 {{env "HOOKY_TEST_SHOP"}}",
                 "_meta": {"scheme": "github", "headers": {"X-A": "b"}},
                 "items": [1.50, 2e3, {"k": "{{now+5m}}"}], "dup": 1, "dup": 2 }"#,
        );
        assert_same(
            r#"{"id":"evt_{{seq}}","event":"e_{{uuid}}","x":"{{env "NOT_SET_HOOKY" "d"}}"}"#,
        );
        assert_same(r#"[1, 2, "{{uuid}}"]"#);
        assert_same(r#"{"static": true}"#);
    }

    #[test]
    fn refuses_what_it_cannot_prove() {
        for text in [
            r#"{"{{seq}}": 1}"#,                                       // placeholder in a key
            r#"{"a": {{seq}}5}"#,                                      // glued into a larger number
            r#"{"a": {{seq}}.5}"#,                                     // a float around it
            r#"{"a": {{env "HOOKY_TEST_SHOP" "5"}}}"#,                 // a bare non-integer
            r#"{"a": 1, "_meta": {"headers": {"X-Id": "{{uuid}}"}}}"#, // meta per event
            r#"{"id": "{{env "HOOKY_TEST_SHOP"}}"}"#,                  // escaped text in the id
            r#"{"a": "7305319468201"}"#, // the sentinel's digits in the text
            r#"{"a": {{uuid}}}"#,        // not JSON once rendered
            r#"{"a": 1, "a": "{{uuid}}", "a": 2}"#, // a value overwritten
        ] {
            let template = Template::parse("t", text).unwrap();
            assert!(
                CompiledPayload::compile("t", &template, &env).is_none(),
                "{text}"
            );
        }
    }

    #[test]
    fn render_errors_are_the_templates() {
        let template = Template::parse("t", r#"{"a": "{{env "HOOKY_NEVER_SET_VAR"}}"}"#).unwrap();
        // The check render fails (the variable is unset), so it is not compiled at all.
        assert!(CompiledPayload::compile("t", &template, &env).is_none());
    }
}
