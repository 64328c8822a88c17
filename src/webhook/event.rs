//! What a webhook request is about: its event type and event id, read from provider headers or
//! from the JSON body. Pure; `listen`, `replay` and the web view share it.

use std::sync::LazyLock;

use crate::headers::{Header, get_one};
use crate::signature::{Location, Provider, REGISTRY, Scheme};

mod scan;

/// Header names for the event type and id that no one provider owns, tried after the providers'.
const GENERIC_TYPE_HEADERS: [&str; 2] = ["x-webhook-event", "x-event-type"];
const GENERIC_ID_HEADERS: [&str; 1] = ["x-webhook-id"];

/// The header names the registry's providers give for one field (lower case, registry order,
/// each once), without the generic ones.
fn provider_headers(
    field: fn(&Provider) -> &'static [Location],
    generic: &[&str],
) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for provider in REGISTRY {
        for location in field(provider) {
            if let Location::Header(name) = location
                && !generic.iter().any(|g| g.eq_ignore_ascii_case(name))
                && !names.iter().any(|n| n.eq_ignore_ascii_case(name))
            {
                names.push(name);
            }
        }
    }
    names
}

/// Headers that name the event type, most specific first: the providers', then generic ones.
fn type_headers() -> &'static [&'static str] {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut names = provider_headers(|p| p.event_type, &GENERIC_TYPE_HEADERS);
        names.extend(GENERIC_TYPE_HEADERS);
        names
    });
    &NAMES
}

/// Headers that carry a delivery or event id (a repeat means the sender retried): the
/// providers', then generic ones.
fn id_headers() -> &'static [&'static str] {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut names = provider_id_headers().to_vec();
        names.extend(GENERIC_ID_HEADERS);
        names
    });
    &NAMES
}

/// JSON pointers into the body the providers give for one field, in registry order.
fn body_pointers(field: fn(&Provider) -> &'static [Location]) -> Vec<&'static str> {
    REGISTRY
        .iter()
        .flat_map(|provider| field(provider))
        .filter_map(|location| match location {
            Location::Body(pointer) => Some(*pointer),
            Location::Header(_) => None,
        })
        .collect()
}

fn type_pointers() -> &'static [&'static str] {
    static POINTERS: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| body_pointers(|p| p.event_type));
    &POINTERS
}

fn id_pointers() -> &'static [&'static str] {
    static POINTERS: LazyLock<Vec<&'static str>> = LazyLock::new(|| body_pointers(|p| p.event_id));
    &POINTERS
}

/// The providers' own event-id headers (those a replay with a new id rewrites).
pub fn provider_id_headers() -> &'static [&'static str] {
    static NAMES: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| provider_headers(|p| p.event_id, &GENERIC_ID_HEADERS));
    &NAMES
}

/// The headers `send` writes the event type in: the providers' own and `X-Webhook-Event` (left
/// out of a fixture made from a capture, since `_meta.event` says it).
pub fn sent_type_headers() -> Vec<&'static str> {
    let mut names = provider_headers(|p| p.event_type, &GENERIC_TYPE_HEADERS);
    names.push(crate::signature::GENERIC_EVENT_HEADER);
    names
}

/// The event type: the body's `type`, `event` or `event_type` (a string), else where a provider
/// puts it in the body, else a provider header.
pub fn event_type(headers: &[Header], body: Option<&serde_json::Value>) -> Option<String> {
    if let Some(body) = body {
        for key in ["type", "event", "event_type"] {
            if let Some(text) = body.get(key).and_then(|v| v.as_str()) {
                return Some(text.to_string());
            }
        }
        for pointer in type_pointers() {
            if let Some(text) = body.pointer(pointer).and_then(|v| v.as_str()) {
                return Some(text.to_string());
            }
        }
    }
    type_headers()
        .iter()
        .find_map(|name| get_one(headers, name))
        .map(str::to_string)
}

/// The event id: the body's `id` (string or number), else its `event_id` (Slack), else where a
/// provider puts it in the body, else a provider delivery-id header.
pub fn event_id(headers: &[Header], body: Option<&serde_json::Value>) -> Option<String> {
    let fields = ["/id", "/event_id"].iter().chain(id_pointers());
    for pointer in fields {
        match body.and_then(|b| b.pointer(pointer)) {
            Some(serde_json::Value::String(s)) => return Some(s.clone()),
            Some(serde_json::Value::Number(n)) => return Some(n.to_string()),
            _ => {}
        }
    }
    id_headers()
        .iter()
        .find_map(|name| get_one(headers, name))
        .map(str::to_string)
}

/// The five top-level fields of a JSON object body that `listen` reads for every request (`type`,
/// `event`, `event_type`, `id`, `event_id`), read once: the event type and id come from them, and
/// so do the handshakes a body names. [`BodyFields::UNKNOWN`] when the body is not an object
/// serde_json reads.
#[derive(Debug, Default)]
pub struct BodyFields(Option<Envelope>);

impl BodyFields {
    /// Fields that tell nothing: the body has to be looked at itself.
    pub const UNKNOWN: BodyFields = BodyFields(None);

    pub fn read(body: &[u8]) -> Self {
        let object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        // Most bodies in one pass of the scanner; what it leaves, serde_json reads.
        let envelope = object.then(|| match scan::envelope(body) {
            Some(envelope) => Some(envelope),
            None => serde_json::from_slice::<Envelope>(body).ok(),
        });
        BodyFields(envelope.flatten())
    }

    /// The text at `pointer` as `json.pointer(pointer)` and `as_str` read it from the whole
    /// body, for the pointers of these fields (`/type`, `/event`, …): `Some(None)` when it is not
    /// text or missing. `None` when these fields cannot tell: another pointer, or the body unknown.
    pub fn text_at(&self, pointer: &str) -> Option<Option<&str>> {
        let envelope = self.0.as_ref()?;
        let field = match pointer {
            "/type" => &envelope.kind,
            "/event" => &envelope.event,
            "/event_type" => &envelope.event_type,
            "/id" => &envelope.id,
            "/event_id" => &envelope.event_id,
            _ => return None,
        };
        Some(match field {
            Some(Field::Text(text)) => Some(text),
            _ => None,
        })
    }
}

/// The event type and id of a request, as [`event_type`] and [`event_id`] give them, without
/// building the whole JSON document: `listen` needs only these five fields of every body, read
/// once by the caller ([`BodyFields::read`]) as `fields`.
pub fn event_fields(
    headers: &[Header],
    body: &[u8],
    fields: BodyFields,
) -> (Option<String>, Option<String>) {
    if let Some(envelope) = fields.0 {
        let kind = [envelope.kind, envelope.event, envelope.event_type]
            .into_iter()
            .find_map(|field| match field {
                Some(Field::Text(text)) => Some(text),
                _ => None,
            });
        let id = [envelope.id, envelope.event_id]
            .into_iter()
            .find_map(|field| match field {
                Some(Field::Text(text)) => Some(text),
                Some(Field::Number(number)) => Some(number.to_string()),
                _ => None,
            });
        // A field missing from the envelope may still be where a provider puts it deeper in the
        // body: only then is the whole body parsed.
        let deeper = (kind.is_none() && type_pointers().iter().any(|p| reaches_objects(p)))
            || (id.is_none() && id_pointers().iter().any(|p| reaches_objects(p)));
        if !deeper {
            return (
                kind.or_else(|| event_type(headers, None)),
                id.or_else(|| event_id(headers, None)),
            );
        }
    }
    // Not an object, not JSON, JSON this shortcut cannot read (a repeated key), or a field to look
    // for deeper: the full way.
    let json = parse_json_body(body);
    (
        event_type(headers, json.as_ref()),
        event_id(headers, json.as_ref()),
    )
}

/// The event type and id of a request of `scheme`. The type is read first where its provider puts
/// it (Intercom's body `topic`, under a `type` that is always `notification_event`), then as
/// [`event_fields`] finds it. The id is [`event_fields`]'s (the body's `id` first): `send` prints
/// that one as the id `listen` will show, and duplicates are spotted by it. Without a scheme,
/// [`event_fields`].
pub fn event_fields_for(
    scheme: Option<Scheme>,
    headers: &[Header],
    body: &[u8],
    fields: BodyFields,
) -> (Option<String>, Option<String>) {
    let Some(provider) = scheme.map(Scheme::provider) else {
        return event_fields(headers, body, fields);
    };
    let in_body = provider
        .event_type
        .iter()
        .any(|l| matches!(l, Location::Body(_)));
    let json = in_body.then(|| parse_json_body(body)).flatten();
    let located = locate(provider.event_type, headers, json.as_ref());
    match &json {
        // The body is parsed already: read the rest from it rather than parse it again.
        Some(json) => (
            located.or_else(|| event_type(headers, Some(json))),
            event_id(headers, Some(json)),
        ),
        None => {
            let (kind, id) = event_fields(headers, body, fields);
            (located.or(kind), id)
        }
    }
}

/// The first of `locations` that holds a string (or, in the body, a number).
fn locate(
    locations: &[Location],
    headers: &[Header],
    json: Option<&serde_json::Value>,
) -> Option<String> {
    locations.iter().find_map(|location| match location {
        Location::Header(name) => get_one(headers, name).map(str::to_string),
        Location::Body(pointer) => match json?.pointer(pointer)? {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            _ => None,
        },
    })
}

/// Whether a provider's body pointer can match in an object: one that starts with an array index
/// (SendGrid's `/0/sg_event_id`, into its array of events) is not worth parsing an object for.
fn reaches_objects(pointer: &str) -> bool {
    let first = pointer
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit())
}

/// The top-level fields [`event_fields`] reads; everything else is skipped unparsed.
#[derive(serde::Deserialize, Default, Debug, PartialEq)]
struct Envelope {
    #[serde(rename = "type", default)]
    kind: Option<Field>,
    #[serde(default)]
    event: Option<Field>,
    #[serde(default)]
    event_type: Option<Field>,
    #[serde(default)]
    id: Option<Field>,
    /// Slack's event id.
    #[serde(default)]
    event_id: Option<Field>,
}

/// A field's value when it is a string or a number; anything else is skipped.
#[derive(Debug, PartialEq)]
enum Field {
    Text(String),
    Number(serde_json::Number),
    Other,
}

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Field, E> {
                Ok(Field::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Field, E> {
                Ok(Field::Text(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Field, E> {
                Ok(Field::Number(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Field, E> {
                Ok(Field::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Field, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Field::Other, Field::Number))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Field, E> {
                Ok(Field::Other)
            }
            fn visit_unit<E>(self) -> Result<Field, E> {
                Ok(Field::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Field, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Field::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Field, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Field::Other)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Parses a body as JSON when it is JSON; anything else is `None`.
pub fn parse_json_body(body: &[u8]) -> Option<serde_json::Value> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' && *first != b'[' {
        return None;
    }
    serde_json::from_slice(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn h(name: &str, value: &str) -> Header {
        (name.into(), value.into())
    }

    #[test]
    fn body_fields_win_over_headers() {
        let body = json!({"id": "evt_1", "type": "order.completed"});
        let headers = [h("X-GitHub-Event", "push"), h("X-GitHub-Delivery", "d-1")];
        assert_eq!(
            event_type(&headers, Some(&body)).as_deref(),
            Some("order.completed")
        );
        assert_eq!(event_id(&headers, Some(&body)).as_deref(), Some("evt_1"));
        assert_eq!(event_type(&headers, None).as_deref(), Some("push"));
        assert_eq!(event_id(&headers, None).as_deref(), Some("d-1"));
    }

    #[test]
    fn other_shapes() {
        assert_eq!(
            event_type(&[], Some(&json!({"event": "x"}))).as_deref(),
            Some("x")
        );
        assert_eq!(
            event_type(&[], Some(&json!({"event_type": "y"}))).as_deref(),
            Some("y")
        );
        assert_eq!(event_type(&[], Some(&json!({"type": 5}))), None);
        assert_eq!(
            event_id(&[], Some(&json!({"id": 42}))).as_deref(),
            Some("42")
        );
        assert_eq!(
            event_id(&[h("webhook-id", "msg_1")], Some(&json!([]))).as_deref(),
            Some("msg_1")
        );
        assert_eq!(
            event_type(&[h("X-Shopify-Topic", "orders/create")], None).as_deref(),
            Some("orders/create")
        );
    }

    #[test]
    fn the_shortcut_agrees_with_the_full_parse() {
        let headers = [h("X-GitHub-Event", "push"), h("X-GitHub-Delivery", "d-1")];
        let bodies: [&[u8]; 13] = [
            br#"{"id":"evt_1","type":"order.completed","data":{"a":[1,{"b":null}]}}"#,
            br#"{"type":5,"event":"x","id":42}"#,
            br#"{"event_type":"y","id":-7.5}"#,
            br#"{"type":{"nested":"no"},"id":[1]}"#,
            br#"{"id":"a","id":"b","type":"dup"}"#,
            br#"{"type":"t","id":true}"#,
            br#" {"id":18446744073709551615}"#,
            br#"{}"#,
            br#"[{"type":"in an array"}]"#,
            br#"[{"event":"delivered","sg_event_id":"sg_1"}]"#,
            b"a=1&type=form",
            b"{broken",
            b"",
        ];
        for body in bodies {
            let json = parse_json_body(body);
            let full = (
                event_type(&headers, json.as_ref()),
                event_id(&headers, json.as_ref()),
            );
            assert_eq!(
                event_fields(&headers, body, BodyFields::read(body)),
                full,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn header_lists_come_from_the_registry() {
        // The providers' own first, in registry order (GitHub's before GitLab's, as always), then
        // the generic ones.
        let types = type_headers();
        assert_eq!(
            &types[..3],
            ["X-GitHub-Event", "X-Shopify-Topic", "X-Gitlab-Event"]
        );
        assert_eq!(&types[types.len() - 2..], GENERIC_TYPE_HEADERS);
        let ids = id_headers();
        assert_eq!(
            &ids[..4],
            [
                "webhook-id",
                "svix-id",
                "X-GitHub-Delivery",
                "X-Shopify-Webhook-Id"
            ]
        );
        assert_eq!(ids.last(), Some(&"x-webhook-id"));
        for provider in REGISTRY {
            for location in provider.event_type.iter().chain(provider.event_id) {
                if let Location::Header(name) = location {
                    assert!(
                        types.contains(name) || ids.contains(name) || name.starts_with("X-Webhook"),
                        "{name}"
                    );
                }
            }
        }
    }

    /// [`event_fields_for`] with the body's fields read here, as `listen` reads them.
    fn fields_for(
        scheme: Option<Scheme>,
        headers: &[Header],
        body: &[u8],
    ) -> (Option<String>, Option<String>) {
        event_fields_for(scheme, headers, body, BodyFields::read(body))
    }

    #[test]
    fn the_schemes_own_places_come_first() {
        let intercom = Scheme::from_name("intercom");
        let body =
            br#"{"type":"notification_event","topic":"conversation.user.created","id":"notif_1"}"#;
        assert_eq!(
            fields_for(intercom, &[], body),
            (
                Some("conversation.user.created".into()),
                Some("notif_1".into())
            )
        );
        // Without the scheme, the generic places: the body's type.
        assert_eq!(
            fields_for(None, &[], body).0.as_deref(),
            Some("notification_event")
        );
        // A header the scheme names wins over the body's type; the id is the body's first.
        let github = Scheme::from_name("github");
        let headers = [h("X-GitHub-Event", "push"), h("X-GitHub-Delivery", "d-1")];
        assert_eq!(
            fields_for(github, &headers, br#"{"type":"t","id":7}"#),
            (Some("push".into()), Some("7".into()))
        );
        assert_eq!(
            fields_for(github, &[], br#"{"type":"t"}"#),
            (Some("t".into()), None)
        );
        assert_eq!(
            fields_for(intercom, &[], b"not json"),
            event_fields(&[], b"not json", BodyFields::read(b"not json"))
        );
    }

    #[test]
    fn json_detection() {
        assert!(parse_json_body(b" {\"a\":1}").is_some());
        assert!(parse_json_body(b"[1]").is_some());
        assert!(parse_json_body(b"a=1").is_none());
        assert!(parse_json_body(b"{broken").is_none());
        assert!(parse_json_body(b"").is_none());
    }
}
