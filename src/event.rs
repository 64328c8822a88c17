//! What a webhook request is about: its event type and event id, read from provider headers or
//! from the JSON body. Pure; `listen`, `replay` and the web view share it.

use crate::signature::{Header, get_one};

/// Provider headers that name the event type, most specific first.
const TYPE_HEADERS: [&str; 5] = [
    "x-github-event",
    "x-shopify-topic",
    "x-gitlab-event",
    "x-webhook-event",
    "x-event-type",
];

/// Provider headers that carry a delivery or event id; a repeat means the sender retried.
const ID_HEADERS: [&str; 5] = [
    "webhook-id",
    "svix-id",
    "x-github-delivery",
    "x-shopify-webhook-id",
    "x-webhook-id",
];

/// The event type: the body's `type`, `event` or `event_type` (a string), else a provider header.
pub fn event_type(headers: &[Header], body: Option<&serde_json::Value>) -> Option<String> {
    if let Some(body) = body {
        for key in ["type", "event", "event_type"] {
            if let Some(text) = body.get(key).and_then(|v| v.as_str()) {
                return Some(text.to_string());
            }
        }
    }
    TYPE_HEADERS
        .iter()
        .find_map(|name| get_one(headers, name))
        .map(str::to_string)
}

/// The event id: the body's `id` (string or number), else a provider delivery-id header.
pub fn event_id(headers: &[Header], body: Option<&serde_json::Value>) -> Option<String> {
    if let Some(id) = body.and_then(|b| b.get("id")) {
        match id {
            serde_json::Value::String(s) => return Some(s.clone()),
            serde_json::Value::Number(n) => return Some(n.to_string()),
            _ => {}
        }
    }
    ID_HEADERS
        .iter()
        .find_map(|name| get_one(headers, name))
        .map(str::to_string)
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
    fn json_detection() {
        assert!(parse_json_body(b" {\"a\":1}").is_some());
        assert!(parse_json_body(b"[1]").is_some());
        assert!(parse_json_body(b"a=1").is_none());
        assert!(parse_json_body(b"{broken").is_none());
        assert!(parse_json_body(b"").is_none());
    }
}
