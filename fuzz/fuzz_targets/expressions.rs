//! Fuzzes the `--until` and `--expect` expression parsers: arbitrary text must never panic, and a
//! parsed expression must be usable against an arbitrary JSON body.
#![no_main]

use hooky::commands::listen::expect;
use hooky::commands::poll::until;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the expression; the rest, if JSON, the body it is checked against.
    let (expression, rest) = text.split_once('\n').unwrap_or((text, ""));
    let body: Option<serde_json::Value> = serde_json::from_str(rest).ok();
    if let Ok(condition) = until::parse(expression) {
        let _ = condition.reads_body();
        let _ = condition.holds(200, body.as_ref());
    }
    if let Ok(expectation) = hooky::cli::values::parse_expectation(expression) {
        let headers = vec![("X-Test".to_string(), rest.to_string())];
        let facts = expect::Facts {
            event_type: Some("order.completed"),
            verified: false,
            method: "POST",
            path: "/hooks",
            headers: &headers,
            json: body.as_ref(),
        };
        let _ = expectation.matches(&facts);
    }
});
