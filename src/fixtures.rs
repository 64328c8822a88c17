//! Fixtures: the events `hooky send` fires. A fixture is a JSON template (see [`crate::template`])
//! with an optional `_meta` object (description, default scheme, event type, headers, method, path).
//!
//! Pure: this module merges fixtures given as text (built-ins embedded at build time, then the
//! project's `./.hooky/fixtures/`, then `--fixtures DIR`, later ones overriding earlier ones by
//! name), finds them by name (`github/push` or `github.push`), splits `_meta` from the payload and
//! applies `--set`/`--unset` overrides. Reading the folders is `commands::fixture`'s job.

use std::fmt;
use std::path::{Component, Path};

use serde_json::Value;

use crate::headers::Header;
use crate::signature::Scheme;
use crate::template::{RenderContext, Template};

include!(concat!(env!("OUT_DIR"), "/built_in_fixtures.rs"));

/// Where a fixture comes from, in order of precedence (lowest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    BuiltIn,
    /// `./.hooky/fixtures/`
    Project,
    /// `--fixtures DIR`
    Dir,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::BuiltIn => "built-in",
            Source::Project => "project",
            Source::Dir => "--fixtures",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One fixture: its name, where it came from, and its template text.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// Namespaced with `/` (`github/push`); dots are part of names (`order.completed`).
    pub name: String,
    pub source: Source,
    /// The file it was read from (none for built-ins).
    pub path: Option<std::path::PathBuf>,
    pub text: String,
    /// The source of the fixture this one replaced, if any.
    pub overrides: Option<Source>,
}

impl Fixture {
    pub fn template(&self) -> Result<Template, crate::template::TemplateError> {
        Template::parse(&self.name, &self.text)
    }

    /// The `_meta` of the fixture, read from a throwaway render (fixed clock and seed, empty
    /// environment) — enough for `--list`.
    pub fn meta_for_listing(&self) -> Result<Meta, String> {
        let template = self.template().map_err(|e| e.to_string())?;
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
        let text = template
            .render(&mut RenderContext {
                now: 0,
                seq: 1,
                rng: &mut rng,
                env: &|_| Some(String::new()),
            })
            .map_err(|e| e.to_string())?;
        let mut value = parse_payload(&self.name, &text)?;
        split_meta(&self.name, &mut value)
    }
}

/// The `_meta` object of a fixture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub description: Option<String>,
    /// The scheme to sign with unless `--scheme` says otherwise.
    pub scheme: Option<Scheme>,
    /// The event type for the event-type header, when the body does not say (`push` for GitHub).
    pub event: Option<String>,
    pub headers: Vec<Header>,
    pub method: Option<String>,
    /// Appended to the `--to` URL's path.
    pub path: Option<String>,
}

/// All fixtures known, by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    fixtures: Vec<Fixture>,
}

impl Catalog {
    /// The fixtures embedded in the binary.
    pub fn built_in() -> Catalog {
        let mut catalog = Catalog::default();
        for (name, text) in BUILT_IN {
            catalog.add(Fixture {
                name: name.to_string(),
                source: Source::BuiltIn,
                path: None,
                text: text.to_string(),
                overrides: None,
            });
        }
        catalog
    }

    /// Adds a fixture, replacing one with the same name (`a/b` and `a.b` are the same name).
    pub fn add(&mut self, mut fixture: Fixture) {
        let key = normalize(&fixture.name);
        if let Some(existing) = self.fixtures.iter_mut().find(|f| normalize(&f.name) == key) {
            fixture.overrides = Some(existing.overrides.unwrap_or(existing.source));
            *existing = fixture;
        } else {
            self.fixtures.push(fixture);
            self.fixtures.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fixture> {
        self.fixtures.iter()
    }

    pub fn names(&self) -> Vec<&str> {
        self.fixtures.iter().map(|f| f.name.as_str()).collect()
    }

    /// Finds a fixture by name: exactly, else with `/` and `.` treated alike.
    pub fn find(&self, name: &str) -> Result<&Fixture, String> {
        validate_name(name)?;
        if let Some(fixture) = self.fixtures.iter().find(|f| f.name == name) {
            return Ok(fixture);
        }
        let key = normalize(name);
        self.fixtures
            .iter()
            .find(|f| normalize(&f.name) == key)
            .ok_or_else(|| {
                let close: Vec<&str> = self
                    .fixtures
                    .iter()
                    .filter(|f| {
                        let n = normalize(&f.name);
                        n.contains(&key)
                            || key.contains(&n)
                            || last_segment(&n) == last_segment(&key)
                    })
                    .map(|f| f.name.as_str())
                    .collect();
                if close.is_empty() {
                    format!("no fixture named {name:?}")
                } else {
                    format!(
                        "no fixture named {name:?} (did you mean {}?)",
                        close.join(", ")
                    )
                }
            })
    }
}

fn last_segment(normalized: &str) -> &str {
    normalized.rsplit('.').next().unwrap_or(normalized)
}

/// The name with `/` namespacing written as `.`, for comparisons.
pub fn normalize(name: &str) -> String {
    name.replace('/', ".")
}

/// Rejects names that could escape a fixtures folder: empty, absolute, `..`, backslashes.
pub fn validate_name(name: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("invalid fixture name {name:?}: {why}"));
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.starts_with('/') || name.contains('\\') || Path::new(name).is_absolute() {
        return bad("write a name such as github/push, not a path");
    }
    if name.contains("..") {
        return bad("it holds '..'");
    }
    if name
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return bad("empty, '.' or '..' segment");
    }
    if name.chars().any(|c| c.is_control() || c == ':') {
        return bad("control characters and ':' are not allowed");
    }
    Ok(())
}

/// The fixture name of a file found under a fixtures folder: `github/push.json` → `github/push`.
pub fn name_from_relative_path(relative: &Path) -> Result<String, String> {
    let stem = relative.with_extension("");
    let mut parts = Vec::new();
    for component in stem.components() {
        match component {
            Component::Normal(part) => parts.push(
                part.to_str()
                    .ok_or_else(|| format!("{} is not a UTF-8 name", relative.display()))?
                    .to_string(),
            ),
            _ => {
                return Err(format!(
                    "{} is not a plain relative path",
                    relative.display()
                ));
            }
        }
    }
    let name = parts.join("/");
    validate_name(&name)?;
    Ok(name)
}

/// Parses a rendered template as JSON, saying which fixture is not JSON and where.
pub fn parse_payload(source: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "{source}, line {}, column {}: not valid JSON after rendering: {e}",
            e.line(),
            e.column()
        )
    })
}

/// Removes `_meta` from the payload and parses it.
pub fn split_meta(source: &str, payload: &mut Value) -> Result<Meta, String> {
    let Some(object) = payload.as_object_mut() else {
        return Ok(Meta::default());
    };
    let Some(raw) = object.shift_remove("_meta") else {
        return Ok(Meta::default());
    };
    let bad = |what: &str| Err(format!("{source}: _meta.{what}"));
    let Value::Object(fields) = raw else {
        return bad("must be an object");
    };
    let mut meta = Meta::default();
    for (key, value) in fields {
        let text = value.as_str().map(str::to_string);
        match (key.as_str(), text) {
            ("description", Some(text)) => meta.description = Some(text),
            ("event", Some(text)) => meta.event = Some(text),
            ("method", Some(text)) => {
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return bad("method must be an HTTP method such as POST");
                }
                meta.method = Some(text.to_ascii_uppercase());
            }
            ("path", Some(text)) => {
                if !text.starts_with('/') || text.contains(['\r', '\n', ' ', '#']) {
                    return bad(
                        "path must start with / and hold no spaces, such as /webhooks/github",
                    );
                }
                meta.path = Some(text);
            }
            ("scheme", Some(text)) => {
                meta.scheme = Some(Scheme::from_name(&text).ok_or_else(|| {
                    let names: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
                    format!(
                        "{source}: _meta.scheme {text:?} is not one of {}",
                        names.join(", ")
                    )
                })?);
            }
            ("headers", _) => {
                let Value::Object(headers) = value else {
                    return bad("headers must be an object of \"Name\": \"value\"");
                };
                for (name, value) in headers {
                    let value = value.as_str().ok_or_else(|| {
                        format!("{source}: _meta.headers.{name} must be a string")
                    })?;
                    let header = crate::cli::parse_header(&format!("{name}: {value}"))
                        .map_err(|e| format!("{source}: _meta.headers: {e}"))?;
                    meta.headers.push(header);
                }
            }
            ("description" | "event" | "method" | "path" | "scheme", None) => {
                return Err(format!("{source}: _meta.{key} must be a string"));
            }
            (other, _) => {
                return Err(format!(
                    "{source}: unknown _meta field {other:?} (known: description, scheme, event, headers, method, path)"
                ));
            }
        }
    }
    Ok(meta)
}

/// `--set`, `--set-str` and `--unset`, in the order given.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug)]
pub enum Edit {
    Set(String, Value),
    Unset(String),
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn apply(&self, payload: &mut Value) -> Result<(), String> {
        for edit in &self.edits {
            match edit {
                Edit::Set(path, value) => crate::json_path::set(payload, path, value.clone())
                    .map_err(|e| format!("--set {path}: {e}"))?,
                Edit::Unset(path) => {
                    crate::json_path::unset(payload, path)
                        .map_err(|e| format!("--unset {path}: {e}"))?;
                }
            }
        }
        Ok(())
    }
}

/// Header names (lower case) never copied into a fixture made from a capture: transport headers,
/// and every scheme's signature headers (the fixture is signed afresh on every send).
const DROPPED_HEADERS: [&str; 10] = [
    "host",
    "content-length",
    "content-type",
    "user-agent",
    "accept",
    "accept-encoding",
    "connection",
    "transfer-encoding",
    "x-forwarded-for",
    "x-real-ip",
];

/// Whether a header or JSON key names a credential, whose value is redacted.
pub fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    [
        "authorization",
        "cookie",
        "token",
        "secret",
        "password",
        "api-key",
        "apikey",
        "private-key",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// The value credentials in a captured *body* get in a fixture (credential headers are left out).
pub const REDACTED_VALUE: &str = "REDACTED";

/// How a literal `{{` is written in a fixture: a quoted string in braces renders as itself. Single
/// quotes, because fixtures made from captures put it inside JSON strings.
pub const ESCAPED_BRACES: &str = "{{'{{'}}";

/// The request a fixture is made from, as captured.
pub struct CapturedRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a [Header],
}

/// A fixture made from a capture: its text, and the credential headers left out of it.
pub struct FromCapture {
    pub text: String,
    pub left_out: Vec<String>,
}

/// Writes a fixture from a captured request: ids and times become placeholders, the signature
/// and credential headers are dropped, the method, path and query, the event type and the scheme
/// go into `_meta`. Every `{{` the request carried is escaped: only hooky's placeholders are live.
pub fn from_capture(
    request: &CapturedRequest<'_>,
    payload: Value,
    description: &str,
) -> FromCapture {
    let headers = request.headers;
    let mut meta = serde_json::Map::new();
    meta.insert("description".into(), description.into());
    if let Some(scheme) = crate::signature::detect(headers, crate::signature::DEFAULT_HEX_HEADER) {
        meta.insert("scheme".into(), scheme.name().into());
    }
    if !request.method.eq_ignore_ascii_case("POST") {
        meta.insert("method".into(), request.method.to_ascii_uppercase().into());
    }
    let path = match request.query {
        Some(query) => format!("{}?{query}", request.path),
        None => request.path.to_string(),
    };
    if path != "/" {
        meta.insert("path".into(), path.into());
    }
    let mut signature_headers: Vec<String> = Scheme::ALL
        .iter()
        .flat_map(|s| s.signature_header_names(crate::signature::DEFAULT_HEX_HEADER))
        .collect();
    signature_headers.extend(
        [
            "x-webhook-event",
            "x-github-event",
            "x-shopify-topic",
            "x-gitlab-event",
        ]
        .map(String::from),
    );
    let event = crate::event::event_type(headers, None);
    let body_type = crate::event::event_type(&[], Some(&payload));
    if let (Some(event), None) = (&event, &body_type) {
        meta.insert("event".into(), event.clone().into());
    }
    let mut kept = serde_json::Map::new();
    let mut left_out = Vec::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if DROPPED_HEADERS.contains(&lower.as_str()) || signature_headers.contains(&lower) {
            continue;
        }
        // A credential would be sent as whatever stands in for it: better not at all.
        if looks_secret(name) {
            left_out.push(name.clone());
            continue;
        }
        kept.insert(name.clone(), value.clone().into());
    }
    if !kept.is_empty() {
        meta.insert("headers".into(), Value::Object(kept));
    }
    let mut placeholders = Vec::new();
    let mut payload = payload;
    templatize(None, &mut payload, &mut placeholders);
    let mut document = serde_json::Map::new();
    document.insert("_meta".into(), Value::Object(meta));
    match payload {
        Value::Object(fields) => document.extend(fields),
        other => {
            document.insert("payload".into(), other);
        }
    }
    let text = serde_json::to_string_pretty(&Value::Object(document))
        .expect("a JSON value always serialises");
    // Before the placeholders go in: every `{{` now is the sender's text, never a placeholder.
    let mut text = text.replace("{{", ESCAPED_BRACES);
    for (index, replacement) in placeholders.iter().enumerate() {
        text = text.replace(&format!("\"{}\"", sentinel(index)), replacement);
    }
    text.push('\n');
    FromCapture { text, left_out }
}

fn sentinel(index: usize) -> String {
    format!("__hooky_placeholder_{index}__")
}

/// Replaces ids, timestamps and credentials with placeholders, collecting the template text of each.
fn templatize(key: Option<&str>, value: &mut Value, placeholders: &mut Vec<String>) {
    let mut replace = |value: &mut Value, text: String| {
        *value = Value::String(sentinel(placeholders.len()));
        placeholders.push(text);
    };
    let key_lower = key.map(str::to_ascii_lowercase).unwrap_or_default();
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                templatize(Some(k), v, placeholders);
            }
        }
        Value::Array(items) => {
            for item in items {
                templatize(key, item, placeholders);
            }
        }
        Value::String(text) => {
            if key.is_some_and(looks_secret) && !text.is_empty() {
                *text = REDACTED_VALUE.to_string();
            } else if is_uuid(text) {
                replace(value, "\"{{uuid}}\"".into());
            } else if let Some(prefix) = id_prefix(&key_lower, text) {
                replace(value, format!("\"{{{{id \"{prefix}\"}}}}\""));
            } else if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
                replace(value, "\"{{now_iso}}\"".into());
            }
        }
        Value::Number(number) => {
            let is_time_key = ["created", "timestamp", "time", "event_time"]
                .contains(&key_lower.as_str())
                || key_lower.ends_with("_at");
            if is_time_key
                && number
                    .as_i64()
                    .is_some_and(|n| (1_000_000_000..10_000_000_000).contains(&n))
            {
                replace(value, "{{now}}".into());
            }
        }
        _ => {}
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// `evt_1NqBcD…` or `evt_123` under an id-like key → `evt`.
fn id_prefix(key: &str, text: &str) -> Option<String> {
    if !(key == "id" || key.ends_with("_id") || key.ends_with("id")) {
        return None;
    }
    let (prefix, rest) = text.rsplit_once('_')?;
    // A word after the prefix (`order_completed`) is not an id; digits or a long token are.
    let plausible = !prefix.is_empty()
        && prefix.len() <= 16
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        && (rest.len() >= 8 || rest.bytes().any(|b| b.is_ascii_digit()));
    plausible.then(|| prefix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str, source: Source, text: &str) -> Fixture {
        Fixture {
            name: name.into(),
            source,
            path: None,
            text: text.into(),
            overrides: None,
        }
    }

    #[test]
    fn built_ins_are_all_there_and_render_to_json() {
        let catalog = Catalog::built_in();
        for name in [
            "order.created",
            "order.completed",
            "order.cancelled",
            "payment.succeeded",
            "payment.failed",
            "refund.created",
            "invoice.paid",
            "user.registered",
            "github/push",
            "github/pull_request.opened",
            "stripe/payment_intent.succeeded",
            "stripe/checkout.session.completed",
            "shopify/orders/create",
            "standard/contact.created",
            "slack/event_callback",
        ] {
            let fixture = catalog.find(name).unwrap();
            let meta = fixture.meta_for_listing().unwrap();
            assert!(meta.description.is_some(), "{name} has a description");
        }
        for fixture in catalog.iter() {
            fixture.meta_for_listing().unwrap();
        }
        let github = catalog.find("github.push").unwrap();
        assert_eq!(github.name, "github/push");
        assert_eq!(
            github.meta_for_listing().unwrap().scheme,
            Some(Scheme::Github)
        );
        assert_eq!(
            catalog.find("shopify.orders.create").unwrap().name,
            "shopify/orders/create"
        );
    }

    #[test]
    fn later_sources_override_by_name() {
        let mut catalog = Catalog::built_in();
        catalog.add(fixture("order.completed", Source::Project, "{}"));
        catalog.add(fixture("github.push", Source::Dir, "[]"));
        let order = catalog.find("order.completed").unwrap();
        assert_eq!(
            (order.source, order.overrides),
            (Source::Project, Some(Source::BuiltIn))
        );
        assert_eq!(catalog.find("github/push").unwrap().text, "[]");
        assert_eq!(
            catalog
                .names()
                .iter()
                .filter(|n| n.contains("push"))
                .count(),
            1
        );
    }

    #[test]
    fn names_cannot_escape() {
        for bad in [
            "",
            "../x",
            "a/../b",
            "/etc/passwd",
            "a//b",
            "a\\b",
            "./a",
            "a/..",
            "c:x",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        for good in ["order.completed", "github/push", "a_b-c"] {
            assert!(validate_name(good).is_ok(), "{good}");
        }
        assert_eq!(
            name_from_relative_path(Path::new("github/push.json")),
            Ok("github/push".into())
        );
        assert!(name_from_relative_path(Path::new("../x.json")).is_err());
        let missing = Catalog::built_in().find("order.complete").unwrap_err();
        assert!(missing.contains("no fixture named"), "{missing}");
    }

    #[test]
    fn meta_is_split_and_checked() {
        let mut payload = json!({
            "_meta": {"description": "d", "scheme": "stripe", "method": "put", "path": "/hooks",
                      "event": "e", "headers": {"X-A": "1"}},
            "id": "evt_1"
        });
        let meta = split_meta("f", &mut payload).unwrap();
        assert_eq!(payload, json!({"id": "evt_1"}));
        assert_eq!(meta.scheme, Some(Scheme::Stripe));
        assert_eq!(meta.method.as_deref(), Some("PUT"));
        assert_eq!(meta.headers, vec![("X-A".to_string(), "1".to_string())]);
        for bad in [
            json!({"_meta": {"scheme": "rot13"}}),
            json!({"_meta": {"schema": "stripe"}}),
            json!({"_meta": {"path": "no-slash"}}),
            json!({"_meta": {"headers": {"bad name": "x"}}}),
            json!({"_meta": 3}),
        ] {
            let mut payload = bad.clone();
            assert!(split_meta("f", &mut payload).is_err(), "{bad}");
        }
        let mut no_meta = json!([1]);
        assert_eq!(split_meta("f", &mut no_meta), Ok(Meta::default()));
    }

    #[test]
    fn overrides_apply_in_order() {
        let overrides = Overrides {
            edits: vec![
                Edit::Set("data.amount".into(), json!(500)),
                Edit::Unset("data.note".into()),
                Edit::Set("data.currency".into(), json!("eur")),
            ],
        };
        let mut payload = json!({"data": {"amount": 1, "note": "x"}});
        overrides.apply(&mut payload).unwrap();
        assert_eq!(payload, json!({"data": {"amount": 500, "currency": "eur"}}));
        let bad = Overrides {
            edits: vec![Edit::Set("data.amount.x".into(), json!(1))],
        };
        assert!(
            bad.apply(&mut payload)
                .unwrap_err()
                .starts_with("--set data.amount.x")
        );
    }

    #[test]
    fn captures_become_templates() {
        let headers: Vec<Header> = vec![
            ("Host".into(), "127.0.0.1".into()),
            ("Stripe-Signature".into(), "t=1,v1=ab".into()),
            ("Authorization".into(), "Bearer sk_live_1".into()),
            ("X-Request-Source".into(), "shop".into()),
        ];
        let payload = json!({
            "id": "evt_1NqBcDEFghij", "short_id": "ord_123", "kind_id": "order_shipped",
            "type": "order.shipped", "created": 1700000000,
            "data": {"uuid": "123e4567-e89b-12d3-a456-426614174000", "at": "2024-01-01T00:00:00Z",
                     "api_key": "k-123", "amount": 5}
        });
        let request = CapturedRequest {
            method: "PUT",
            path: "/hooks/orders",
            query: Some("shop=north"),
            headers: &headers,
        };
        let made = from_capture(&request, payload, "from capture 3");
        let text = made.text;
        assert_eq!(made.left_out, ["Authorization"]);
        assert!(
            !text.contains("sk_live_1") && !text.contains("k-123") && !text.contains("t=1,v1"),
            "{text}"
        );
        assert!(text.contains("\"id\": \"{{id \"evt\"}}\""), "{text}");
        assert!(text.contains("\"short_id\": \"{{id \"ord\"}}\""), "{text}");
        assert!(text.contains("\"created\": {{now}}"), "{text}");
        assert!(
            text.contains("{{uuid}}") && text.contains("{{now_iso}}"),
            "{text}"
        );
        let mut catalog = Catalog::default();
        catalog.add(fixture("x", Source::Project, &text));
        let meta = catalog.find("x").unwrap().meta_for_listing().unwrap();
        assert_eq!(meta.scheme, Some(Scheme::Stripe));
        assert_eq!(meta.method.as_deref(), Some("PUT"));
        assert_eq!(meta.path.as_deref(), Some("/hooks/orders?shop=north"));
        assert!(!meta.headers.iter().any(|(n, _)| n == "Authorization"));
        assert!(
            meta.headers
                .contains(&("X-Request-Source".into(), "shop".into()))
        );
        assert!(!meta.headers.iter().any(|(n, _)| n == "Host"));
        assert!(
            text.contains("\"kind_id\": \"order_shipped\""),
            "a word is not an id: {text}"
        );
    }

    #[test]
    fn captured_braces_stay_text() {
        let headers: Vec<Header> = vec![("X-Note".into(), "{{seq}}".into())];
        let payload = json!({
            "note": "{{env 'AWS_SECRET_ACCESS_KEY' ''}}", "nested": "{{{x}}}", "id": "evt_1"
        });
        let request = CapturedRequest {
            method: "POST",
            path: "/{{uuid}}",
            query: None,
            headers: &headers,
        };
        let text = from_capture(&request, payload, "a {{now}} description").text;
        let template = crate::template::Template::parse("x", &text).unwrap();
        let env = |_: &str| Some("LEAKED".to_string());
        let rendered = template
            .render(&mut crate::template::RenderContext {
                now: 1_700_000_000,
                seq: 7,
                rng: &mut rand::rngs::mock::StepRng::new(1, 1),
                env: &env,
            })
            .unwrap();
        let mut value: Value = serde_json::from_str(&rendered).unwrap();
        let meta = split_meta("x", &mut value).unwrap();
        assert_eq!(value["note"], "{{env 'AWS_SECRET_ACCESS_KEY' ''}}");
        assert_eq!(value["nested"], "{{{x}}}");
        assert_ne!(value["id"], "evt_1", "hooky's own placeholders stay live");
        assert_eq!(
            meta.headers,
            [("X-Note".to_string(), "{{seq}}".to_string())]
        );
        assert_eq!(meta.path.as_deref(), Some("/{{uuid}}"));
        assert_eq!(meta.description.as_deref(), Some("a {{now}} description"));
    }
}
