//! The feed cursor of `hooky poll --since`. Pure.
//!
//! Each item prints once: items are deduplicated by id against the boundary set (the ids whose
//! timestamp equals the cursor) plus a bounded LRU of recent ids. The next cursor is the highest
//! timestamp seen, never +1, so whether the server's `since` is `>` or `>=`, nothing is lost and
//! nothing repeats. The cursor moves only when a whole window (every `Link: rel="next"` page) was
//! read; an error leaves it where it was. Opaque cursors (`--cursor-from`) are kept verbatim.

use std::cmp::Ordering;
use std::collections::{HashSet, VecDeque};

use serde_json::Value;

use crate::json_path;

/// Keys tried, in order, for the array of items when `--items` is not given.
pub const DEFAULT_ITEMS_KEYS: [&str; 4] = ["data", "events", "items", "results"];
/// Keys tried, in order, for an item's timestamp when `--cursor-field` is not given.
pub const DEFAULT_CURSOR_FIELDS: [&str; 3] = ["created", "created_at", "timestamp"];
/// How many recent ids are remembered beyond the boundary set.
pub const RECENT_IDS: usize = 10_000;

/// The items of a feed response: the array at `path`, or the top-level array, or the first array
/// among [`DEFAULT_ITEMS_KEYS`].
pub fn items<'a>(body: &'a Value, path: Option<&str>) -> Result<&'a [Value], String> {
    if let Some(path) = path {
        return match json_path::get(body, path) {
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(format!("--items {path}: the value there is not an array")),
            None => Err(format!("--items {path}: the response has no such field")),
        };
    }
    if let Value::Array(items) = body {
        return Ok(items);
    }
    DEFAULT_ITEMS_KEYS
        .iter()
        .find_map(|key| match body.get(key) {
            Some(Value::Array(items)) => Some(items.as_slice()),
            _ => None,
        })
        .ok_or_else(|| {
            "the response holds no array of items (tried the top level, data, events, items, \
             results); name it with --items PATH"
                .to_string()
        })
}

/// Where the id and the timestamp of an item are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    /// Tried in order; the first present one is the item's timestamp.
    pub cursor: Vec<String>,
    pub id: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            cursor: DEFAULT_CURSOR_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            id: "id".into(),
        }
    }
}

impl Fields {
    /// The item's id: the id field (string or number), else its compact JSON (so an item without
    /// an id still prints once).
    pub fn id_of(&self, item: &Value) -> String {
        match json_path::get(item, &self.id) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => item.to_string(),
        }
    }

    /// The item's timestamp as the text to send back as `since`.
    pub fn timestamp_of(&self, item: &Value) -> Option<String> {
        self.cursor
            .iter()
            .find_map(|field| match json_path::get(item, field) {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
    }
}

/// Orders two cursor values: as numbers when both are numbers, as RFC 3339 instants when both are,
/// else as text (which orders ISO 8601 in one format correctly).
pub fn compare(a: &str, b: &str) -> Ordering {
    if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    if let (Ok(x), Ok(y)) = (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        return x.cmp(&y);
    }
    a.cmp(b)
}

/// The feed position: the cursor and the ids already printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// The value sent as `since` (or the opaque cursor), verbatim.
    pub value: Option<String>,
    /// Ids of the items whose timestamp equals the cursor.
    pub boundary: Vec<String>,
    /// Recently printed ids, oldest first, at most [`RECENT_IDS`].
    pub recent: VecDeque<String>,
    /// The same ids, for lookups.
    recent_set: HashSet<String>,
}

/// One window being read: the pages since the last commit.
#[derive(Clone, Debug, Default)]
pub struct Window {
    /// Items seen in this window, with their timestamps, in order.
    seen: Vec<(String, Option<String>)>,
    opaque_next: Option<String>,
}

impl Cursor {
    pub fn new(value: Option<String>) -> Self {
        Cursor {
            value,
            ..Cursor::default()
        }
    }

    fn knows(&self, id: &str) -> bool {
        self.boundary.iter().any(|b| b == id) || self.recent_set.contains(id)
    }

    /// Reads one page: returns the indices of the items not printed before, and remembers them
    /// (so a page re-read after an error does not print them twice). The cursor itself moves only
    /// on [`Cursor::commit`].
    pub fn page(&mut self, items: &[Value], fields: &Fields, window: &mut Window) -> Vec<usize> {
        let mut fresh = Vec::new();
        let mut in_page = HashSet::new();
        for (index, item) in items.iter().enumerate() {
            let id = fields.id_of(item);
            window.seen.push((id.clone(), fields.timestamp_of(item)));
            if self.knows(&id) || !in_page.insert(id.clone()) {
                continue;
            }
            fresh.push(index);
            self.remember(id);
        }
        fresh
    }

    /// Records the opaque next cursor a page carried (`--cursor-from`).
    pub fn opaque(&self, window: &mut Window, next: Option<&Value>) {
        match next {
            Some(Value::String(s)) if !s.is_empty() => window.opaque_next = Some(s.clone()),
            Some(Value::Number(n)) => window.opaque_next = Some(n.to_string()),
            _ => {}
        }
    }

    /// The whole window was read: move the cursor to the highest timestamp seen (never back, never
    /// +1) and rebuild the boundary set; or take the opaque cursor verbatim.
    pub fn commit(&mut self, window: Window, opaque: bool) {
        if opaque {
            if let Some(next) = window.opaque_next {
                self.value = Some(next);
            }
            return;
        }
        let highest = window
            .seen
            .iter()
            .filter_map(|(_, ts)| ts.as_deref())
            .max_by(|a, b| compare(a, b));
        let Some(highest) = highest else { return };
        let moves = match &self.value {
            None => true,
            Some(current) => compare(highest, current) == Ordering::Greater,
        };
        if moves {
            self.value = Some(highest.to_string());
            self.boundary.clear();
        }
        let cursor = self.value.clone().unwrap_or_default();
        for (id, ts) in &window.seen {
            let at_boundary = ts
                .as_deref()
                .is_some_and(|ts| compare(ts, &cursor) == Ordering::Equal);
            if at_boundary && !self.boundary.contains(id) {
                self.boundary.push(id.clone());
            }
        }
    }

    /// Moves the cursor to a value the feed named (`next_since`), never back.
    pub fn advance_to(&mut self, value: String) {
        let moves = match &self.value {
            None => true,
            Some(current) => compare(&value, current) == Ordering::Greater,
        };
        if moves {
            self.value = Some(value);
            self.boundary.clear();
        }
    }

    /// A cursor restored from a state file.
    pub fn restore(value: Option<String>, boundary: Vec<String>, recent: Vec<String>) -> Self {
        let mut cursor = Cursor {
            value,
            boundary,
            ..Cursor::default()
        };
        for id in recent {
            cursor.remember(id);
        }
        cursor
    }

    fn remember(&mut self, id: String) {
        if self.recent_set.contains(&id) {
            return;
        }
        if self.recent.len() >= RECENT_IDS
            && let Some(old) = self.recent.pop_front()
        {
            self.recent_set.remove(&old);
        }
        self.recent_set.insert(id.clone());
        self.recent.push_back(id);
    }
}

/// The `rel="next"` target of `Link` header values (RFC 8288), as given.
pub fn next_link<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    values.into_iter().find_map(|value| {
        let mut rest = value;
        loop {
            let start = rest.find('<')?;
            let end = start + rest[start..].find('>')?;
            let target = &rest[start + 1..end];
            let after = &rest[end + 1..];
            let params_end = after.find('<').unwrap_or(after.len());
            let params =
                after[..params_end].trim_end_matches(|c: char| c == ',' || c.is_whitespace());
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_string());
            }
            rest = after;
        }
    })
}

/// Body keys that hold a link to the next page.
const NEXT_LINK_KEYS: [&str; 4] = ["next", "next_url", "next_page_url", "links.next"];
/// Query parameters that say how many items a full page holds.
const LIMIT_PARAMS: [&str; 3] = ["limit", "per_page", "page_size"];

/// What a feed page says about the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextPage {
    /// Fetch this link at once (`Link: rel="next"`, or a `next` link in the body), as given.
    Link(String),
    /// More items wait: ask again at once with the cursor moved — to this value when the body
    /// names it (`next_since`), else as the items moved it (an opaque `next_cursor` is read with
    /// `--cursor-from`).
    More(Option<String>),
    /// This page was the last one for now.
    Done,
}

/// Decides whether a feed page has a next page and how to get it. `link` is the `Link: rel=next`
/// target; `items` the page's item count; `limit` the page size the request asked for. The feed
/// says there is more with a next link, `has_more: true`, a non-empty `next_cursor`, or a full page
/// of `limit` items; an explicit `has_more: false` ends the pages.
pub fn next_page(
    link: Option<String>,
    body: &Value,
    items: usize,
    limit: Option<usize>,
) -> NextPage {
    if let Some(link) = link {
        return NextPage::Link(link);
    }
    let has_more = ["has_more", "hasMore"]
        .iter()
        .find_map(|key| body.get(key).and_then(Value::as_bool));
    if has_more == Some(false) {
        return NextPage::Done;
    }
    let next_link = NEXT_LINK_KEYS
        .iter()
        .find_map(|key| match json_path::get(body, key) {
            Some(Value::String(link)) if looks_like_link(link) => Some(link.clone()),
            _ => None,
        });
    if let Some(link) = next_link {
        return NextPage::Link(link);
    }
    let next_cursor = |key: &str| match json_path::get(body, key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let opaque = ["next_cursor", "response_metadata.next_cursor"]
        .iter()
        .find_map(|key| next_cursor(key));
    let full = limit.is_some_and(|limit| limit > 0 && items >= limit);
    if has_more == Some(true) || full || opaque.is_some() {
        return NextPage::More(next_cursor("next_since"));
    }
    NextPage::Done
}

/// A URL or a path, not a bare token (some feeds put an opaque cursor in `next`).
fn looks_like_link(text: &str) -> bool {
    text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with('/')
        || text.starts_with('?')
}

/// The page size a request URL asks for (`limit`, `per_page` or `page_size`), if any.
pub fn page_limit(url: &reqwest::Url) -> Option<usize> {
    url.query_pairs()
        .find(|(key, _)| LIMIT_PARAMS.contains(&key.as_ref()))
        .and_then(|(_, value)| value.parse().ok())
}

/// Keys tried, in order, for the time a feed item shows.
const TIME_KEYS: [&str; 8] = [
    "received_at",
    "created_at",
    "created",
    "timestamp",
    "time",
    "occurred_at",
    "updated_at",
    "date",
];

/// The one line a feed item prints as in human mode: id, type, time and a short summary of its
/// other plain fields (method and path first), cut to `width` characters.
pub fn item_line(item: &Value, fields: &Fields, width: usize) -> String {
    let id = fields.id_of(item);
    let kind = crate::webhook::event::event_type(&[], Some(item));
    let time = TIME_KEYS
        .iter()
        .find_map(|key| match item.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .or_else(|| fields.timestamp_of(item));
    let mut parts = vec![id];
    parts.extend(kind);
    parts.extend(time.clone());
    let mut summary = Vec::new();
    if let Value::Object(map) = item {
        let lead = ["method", "path"];
        for key in lead {
            if let Some(Value::String(s)) = map.get(key) {
                summary.push(s.clone());
            }
        }
        let shown_time = time.as_deref();
        for (key, value) in map {
            if lead.contains(&key.as_str())
                || key == &fields.id
                || ["type", "event", "event_type"].contains(&key.as_str())
            {
                continue;
            }
            let text = match value {
                Value::String(s) if !s.is_empty() => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => continue,
            };
            if Some(text.as_str()) == shown_time {
                continue;
            }
            summary.push(format!("{key}={text}"));
        }
    }
    let mut line = parts.join(" ");
    if !summary.is_empty() {
        line.push_str("  ");
        line.push_str(&summary.join(" "));
    }
    crate::output::ellipsize(&line, width + 1).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // long: one case per way a feed says "more" (or not), each with its message, read as one
    // table.
    #[test]
    fn a_page_says_whether_there_is_more() {
        let link = Some("/events?page=2".to_string());
        assert_eq!(
            next_page(link.clone(), &json!({"has_more": false}), 1, None),
            NextPage::Link("/events?page=2".into()),
            "a Link header is followed"
        );
        assert_eq!(
            next_page(None, &json!({"data": [], "has_more": true}), 10, None),
            NextPage::More(None)
        );
        assert_eq!(
            next_page(None, &json!({"has_more": true, "next_since": 42}), 10, None),
            NextPage::More(Some("42".into()))
        );
        assert_eq!(
            next_page(
                None,
                &json!({"next_since": 42, "has_more": false}),
                100,
                Some(100)
            ),
            NextPage::Done,
            "has_more: false wins over a full page"
        );
        assert_eq!(
            next_page(None, &json!({"next_since": 42}), 3, Some(100)),
            NextPage::Done,
            "next_since alone is where to resume, not a sign of more"
        );
        assert_eq!(
            next_page(None, &json!([]), 100, Some(100)),
            NextPage::More(None),
            "a full page of limit items"
        );
        assert_eq!(next_page(None, &json!([]), 99, Some(100)), NextPage::Done);
        assert_eq!(next_page(None, &json!([]), 5, Some(0)), NextPage::Done);
        assert_eq!(
            next_page(None, &json!({"next_cursor": "c/1=="}), 1, None),
            NextPage::More(None)
        );
        assert_eq!(
            next_page(None, &json!({"next_cursor": ""}), 1, None),
            NextPage::Done
        );
        assert_eq!(
            next_page(
                None,
                &json!({"response_metadata": {"next_cursor": "dXNlcjpVMEc5V0ZYTlo="}}),
                1,
                None
            ),
            NextPage::More(None)
        );
        assert_eq!(
            next_page(
                None,
                &json!({"links": {"next": "https://x.test/e?p=2"}}),
                1,
                None
            ),
            NextPage::Link("https://x.test/e?p=2".into())
        );
        assert_eq!(
            next_page(None, &json!({"next": "abc"}), 1, None),
            NextPage::Done,
            "a bare token in next is not a link"
        );
        assert_eq!(
            next_page(None, &json!({"next": null, "has_more": false}), 1, None),
            NextPage::Done
        );
    }

    #[test]
    fn page_limits_come_from_the_request() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        assert_eq!(page_limit(&url("http://h/e?since=0&limit=50")), Some(50));
        assert_eq!(page_limit(&url("http://h/e?per_page=30")), Some(30));
        assert_eq!(page_limit(&url("http://h/e?since=0")), None);
        assert_eq!(page_limit(&url("http://h/e?limit=lots")), None);
    }

    #[test]
    fn an_item_is_one_short_line() {
        let fields = Fields {
            cursor: vec!["seq".into()],
            ..Fields::default()
        };
        let captured = json!({
            "seq": 7, "id": "req_7", "received_at": "2024-01-01T00:00:00Z",
            "type": "order.paid", "method": "POST", "path": "/hooks", "status": 200,
            "verdict": {"valid": true}, "body": "{\"a\":1}", "query": null,
        });
        assert_eq!(
            item_line(&captured, &fields, 200),
            "req_7 order.paid 2024-01-01T00:00:00Z  POST /hooks seq=7 status=200 body={\"a\":1}"
        );
        let cut = item_line(&captured, &fields, 20);
        assert_eq!(cut.chars().count(), 21);
        assert!(cut.ends_with('…'));
        assert_eq!(
            item_line(&json!({"id": "e1", "created": 100}), &Fields::default(), 80),
            "e1 100"
        );
    }

    fn ev(id: &str, created: i64) -> Value {
        json!({"id": id, "created": created})
    }

    /// A server holding `events`; `since` is inclusive or exclusive.
    fn serve(events: &[Value], since: Option<&str>, inclusive: bool) -> Vec<Value> {
        events
            .iter()
            .filter(|e| match since {
                None => true,
                Some(s) => {
                    let order = compare(&e["created"].to_string(), s);
                    order == Ordering::Greater || (inclusive && order == Ordering::Equal)
                }
            })
            .cloned()
            .collect()
    }

    fn poll(cursor: &mut Cursor, events: &[Value], inclusive: bool) -> Vec<String> {
        let page = serve(events, cursor.value.as_deref(), inclusive);
        let mut window = Window::default();
        let fields = Fields::default();
        let fresh = cursor.page(&page, &fields, &mut window);
        cursor.commit(window, false);
        fresh.iter().map(|&i| fields.id_of(&page[i])).collect()
    }

    #[test]
    fn items_are_found() {
        assert_eq!(items(&json!([1, 2]), None).unwrap().len(), 2);
        assert_eq!(items(&json!({"events": [1]}), None).unwrap().len(), 1);
        assert_eq!(
            items(&json!({"meta": [], "results": [1, 2, 3]}), None)
                .unwrap()
                .len(),
            3,
            "data/events/items/results are tried, meta is not"
        );
        assert_eq!(items(&json!({"a": {"b": [1]}}), Some("a.b")).unwrap(), [1]);
        assert!(items(&json!({"a": 1}), Some("a")).is_err());
        assert!(
            items(&json!({"x": [1]}), None)
                .unwrap_err()
                .contains("--items")
        );
    }

    #[test]
    fn shared_seconds_are_neither_lost_nor_repeated() {
        for inclusive in [true, false] {
            let mut cursor = Cursor::new(Some("100".into()));
            let mut events = vec![ev("a", 100), ev("b", 101)];
            let first = poll(&mut cursor, &events, inclusive);
            assert_eq!(first, if inclusive { vec!["a", "b"] } else { vec!["b"] });
            assert_eq!(cursor.value.as_deref(), Some("101"));
            // c arrives late in the same second as b: an exclusive server hides it (that is the
            // server's loss), an inclusive one shows it exactly once.
            events.push(ev("c", 101));
            let got = poll(&mut cursor, &events, inclusive);
            assert_eq!(got, if inclusive { vec!["c"] } else { vec![] });
            events.push(ev("d", 102));
            assert_eq!(poll(&mut cursor, &events, inclusive), ["d"]);
            assert_eq!(poll(&mut cursor, &events, inclusive), Vec::<String>::new());
            assert_eq!(cursor.value.as_deref(), Some("102"), "never +1");
        }
    }

    #[test]
    fn boundary_survives_without_the_lru() {
        let mut cursor = Cursor::new(Some("5".into()));
        let events = vec![ev("a", 6), ev("b", 6)];
        poll(&mut cursor, &events, true);
        assert_eq!(cursor.boundary, ["a", "b"]);
        cursor = Cursor::restore(cursor.value.clone(), cursor.boundary.clone(), Vec::new());
        assert_eq!(poll(&mut cursor, &events, true), Vec::<String>::new());
    }

    #[test]
    fn the_cursor_never_moves_back_nor_on_an_uncommitted_window() {
        let mut cursor = Cursor::new(Some("50".into()));
        poll(&mut cursor, &[ev("old", 10)], true);
        assert_eq!(cursor.value.as_deref(), Some("50"));
        let mut window = Window::default();
        cursor.page(&[ev("x", 60)], &Fields::default(), &mut window);
        drop(window); // an error on the next page: no commit
        assert_eq!(cursor.value.as_deref(), Some("50"));
        assert_eq!(
            poll(&mut cursor, &[ev("x", 60)], true),
            Vec::<String>::new(),
            "already printed"
        );
        assert_eq!(cursor.value.as_deref(), Some("60"));
    }

    #[test]
    fn iso_timestamps_and_custom_fields() {
        let fields = Fields {
            cursor: vec!["meta.at".into()],
            id: "key".into(),
        };
        let item = json!({"key": 7, "meta": {"at": "2024-01-01T00:00:00Z"}});
        assert_eq!(fields.id_of(&item), "7");
        assert_eq!(
            fields.timestamp_of(&item).as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(
            compare("2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z"),
            Ordering::Equal
        );
        assert_eq!(compare("9", "10"), Ordering::Less);
        assert_eq!(Fields::default().id_of(&json!({"x": 1})), r#"{"x":1}"#);
    }

    #[test]
    fn opaque_cursors_are_verbatim() {
        let mut cursor = Cursor::new(None);
        let mut window = Window::default();
        cursor.opaque(&mut window, Some(&json!("abc==")));
        cursor.commit(window, true);
        assert_eq!(cursor.value.as_deref(), Some("abc=="));
        let mut window = Window::default();
        cursor.opaque(&mut window, Some(&Value::Null));
        cursor.commit(window, true);
        assert_eq!(cursor.value.as_deref(), Some("abc=="), "null keeps it");
    }

    #[test]
    fn the_lru_is_bounded() {
        let mut cursor = Cursor::new(None);
        let items: Vec<Value> = (0..RECENT_IDS + 5)
            .map(|i| json!({"id": i.to_string()}))
            .collect();
        cursor.page(&items, &Fields::default(), &mut Window::default());
        assert_eq!(cursor.recent.len(), RECENT_IDS);
        assert_eq!(cursor.recent.front().map(String::as_str), Some("5"));
    }

    #[test]
    fn link_next() {
        assert_eq!(
            next_link([r#"<https://a/?page=2>; rel="next", <https://a/?page=9>; rel="last""#]),
            Some("https://a/?page=2".into())
        );
        assert_eq!(
            next_link([r#"<https://a/?p=1>; rel="prev""#, r#"</x?c=a,b>; rel=next"#]),
            Some("/x?c=a,b".into())
        );
        assert_eq!(
            next_link([r#"<u>; title="a; b"; rel="last next""#]),
            Some("u".into())
        );
        assert_eq!(next_link([r#"<u>; rel="last""#, "garbage"]), None);
    }
}
