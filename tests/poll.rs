//! `hooky poll` against scripted servers on 127.0.0.1: what the server received (headers, query,
//! arrival times) and the `wait` decisions hooky reports. Gaps are checked with lower bounds only.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::script_server::{Reply, ScriptServer, Seen};
use crate::util::{assert_code, hooky, json_lines, run, stderr, stdout};

/// Runs `hooky --json poll URL ARGS…` and returns the output.
fn poll(url: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--json", "poll", url];
    all.extend_from_slice(args);
    run(&all, b"")
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

fn waits(records: &[Value]) -> Vec<(String, f64)> {
    of_type(records, "wait")
        .iter()
        .map(|w| {
            (
                w["reason"].as_str().unwrap().to_string(),
                w["seconds"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn gap(seen: &[Seen], later: usize) -> Duration {
    seen[later].at - seen[later - 1].at
}

#[track_caller]
fn assert_gap_at_least(seen: &[Seen], later: usize, secs: f64) {
    let got = gap(seen, later);
    assert!(
        got >= Duration::from_secs_f64(secs),
        "gap before request {later} is {got:?}, expected at least {secs}s"
    );
}

#[test]
fn weak_and_strong_etags_are_echoed_byte_for_byte() {
    let server = ScriptServer::start(|req| {
        let lm = ("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
        match req.index {
            0 => Reply::json(json!({"status": "pending", "n": 1}))
                .header("ETag", "W/\"v1\"")
                .header(lm.0, lm.1),
            // A 304 with no validators: the stored weak tag stays.
            1 => Reply::new(304),
            // A 304 with a new strong tag: it replaces the stored one.
            2 => Reply::new(304).header("ETag", "\"v2\""),
            _ if req.header("if-none-match") == Some("\"v2\"") => {
                Reply::json(json!({"status": "completed", "n": 1})).header("ETag", "\"v3\"")
            }
            // A wrong If-None-Match ends the run at once (412 is not retried).
            _ => Reply::new(412),
        }
    });
    let out = poll(
        &server.url,
        &[
            "--etag",
            "--last-modified",
            "--interval",
            "20ms",
            "--jitter",
            "0",
            "--until",
            "status=completed",
        ],
    );
    assert_code(&out, 0);
    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    assert_eq!(
        seen[0].header("if-none-match"),
        None,
        "first is unconditional"
    );
    assert_eq!(seen[1].header("if-none-match"), Some("W/\"v1\""));
    assert_eq!(seen[2].header("if-none-match"), Some("W/\"v1\""));
    assert_eq!(seen[3].header("if-none-match"), Some("\"v2\""));
    for req in &seen {
        assert_eq!(
            req.header("if-modified-since"),
            None,
            "an ETag wins over Last-Modified"
        );
    }
    let records = json_lines(&out);
    let changes = of_type(&records, "change");
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["first"], true);
    assert_eq!(changes[0]["body"]["status"], "pending");
    assert_eq!(
        changes[1]["changes"],
        json!([{"path": "status", "old": "pending", "new": "completed"}])
    );
    assert_eq!(of_type(&records, "unchanged").len(), 2);
    let summary = of_type(&records, "summary")[0];
    assert_eq!(summary["status_304"], 2);
    assert_eq!(summary["status_200"], 2);
    let body_len = json!({"status": "pending", "n": 1}).to_string().len() as u64;
    assert_eq!(
        summary["bytes_without_validators"].as_u64().unwrap(),
        summary["bytes_received"].as_u64().unwrap() + 2 * body_len
    );
    assert_eq!(of_type(&records, "done")[0]["reason"], "until");
}

#[test]
fn last_modified_is_echoed_exactly_and_equal_bodies_are_unchanged() {
    let date = "Sun, 06 Nov 1994 08:49:37 GMT";
    let server = ScriptServer::start(move |req| match req.index {
        0 => Reply::json(json!({"a": 1})).header("Last-Modified", date),
        1 => Reply::new(304),
        _ => Reply::json(json!({"a": 1})).header("Last-Modified", date),
    });
    let out = poll(
        &server.url,
        &[
            "--last-modified",
            "--interval",
            "10ms",
            "--count",
            "3",
            "-H",
            "Authorization: Bearer t0k",
            "-H",
            "Accept: application/vnd.x+json",
        ],
    );
    assert_code(&out, 0);
    let seen = server.seen();
    for req in &seen {
        assert_eq!(req.header("authorization"), Some("Bearer t0k"));
        assert_eq!(req.header("accept"), Some("application/vnd.x+json"));
    }
    assert_eq!(seen[0].header("if-modified-since"), None);
    assert_eq!(seen[1].header("if-modified-since"), Some(date));
    assert_eq!(seen[2].header("if-modified-since"), Some(date));
    let records = json_lines(&out);
    assert_eq!(of_type(&records, "change").len(), 1);
    assert_eq!(
        of_type(&records, "unchanged").len(),
        2,
        "a 200 with the same body is unchanged"
    );
    assert_eq!(of_type(&records, "done")[0]["reason"], "count");
}

#[test]
fn a_304_to_an_unconditional_request_is_repeated_without_conditions() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::new(304).header("ETag", "\"x\""),
        _ => Reply::json(json!({"ok": true})).header("ETag", "\"x\""),
    });
    let out = poll(&server.url, &["--etag", "--count", "1"]);
    assert_code(&out, 0);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].header("if-none-match"), None);
    let records = json_lines(&out);
    assert!(waits(&records).is_empty(), "the repeat is part of the poll");
    assert_eq!(of_type(&records, "change")[0]["body"], json!({"ok": true}));
}

#[test]
fn retry_after_in_both_forms_and_invalid_values() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::new(503).header("Retry-After", "1"),
        1 => {
            let now = std::time::SystemTime::now();
            Reply::new(429)
                .header("Date", httpdate::fmt_http_date(now))
                .header(
                    "Retry-After",
                    httpdate::fmt_http_date(now + Duration::from_secs(1)),
                )
        }
        2 => Reply::new(503).header("Retry-After", "soon"),
        _ => Reply::json(json!({})),
    });
    let out = poll(
        &server.url,
        &[
            "--interval",
            "10ms",
            "--jitter",
            "0",
            "--backoff-base",
            "100ms",
            "--count",
            "1",
        ],
    );
    assert_code(&out, 0);
    let records = json_lines(&out);
    let waits = waits(&records);
    assert_eq!(waits.len(), 3, "{waits:?}");
    assert_eq!(waits[0], ("retry-after".into(), 1.0));
    assert_eq!(waits[1].0, "retry-after");
    assert!(waits[1].1 >= 1.0 && waits[1].1 <= 2.0, "{waits:?}");
    assert_eq!(waits[2], ("backoff".into(), 0.4), "garbage is ignored");
    let seen = server.seen();
    assert_gap_at_least(&seen, 1, 1.0);
    assert_gap_at_least(&seen, 2, 1.0);
    assert_gap_at_least(&seen, 3, 0.4);
    assert_eq!(of_type(&records, "error").len(), 3);
}

#[test]
fn error_backoff_grows_and_resets_after_a_success() {
    let server = ScriptServer::start(|req| match req.index {
        0..=2 | 4 => Reply::new(if req.index == 1 { 408 } else { 500 }),
        _ => Reply::json(json!({"i": req.index})),
    });
    let out = poll(
        &server.url,
        &[
            "--interval",
            "10ms",
            "--jitter",
            "0",
            "--backoff-base",
            "50ms",
            "--count",
            "2",
        ],
    );
    assert_code(&out, 0);
    let waits = waits(&json_lines(&out));
    let expected: Vec<(String, f64)> = [
        ("backoff", 0.05),
        ("backoff", 0.1),
        ("backoff", 0.2),
        ("interval", 0.01),
        ("backoff", 0.05),
    ]
    .iter()
    .map(|(r, s)| (r.to_string(), *s))
    .collect();
    assert_eq!(waits, expected);
    let seen = server.seen();
    assert_eq!(seen.len(), 6);
    assert_gap_at_least(&seen, 3, 0.2);
}

#[test]
fn retries_are_bounded() {
    let server = ScriptServer::start(|_| Reply::new(502));
    let out = poll(
        &server.url,
        &[
            "--retries",
            "2",
            "--interval",
            "10ms",
            "--backoff-base",
            "10ms",
            "--jitter",
            "0",
        ],
    );
    assert_code(&out, 1);
    assert_eq!(server.seen().len(), 3);
    assert!(
        stderr(&out).contains("gave up after 2 retries"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("502"));
}

#[test]
fn other_4xx_stop_at_once_unless_opted_in() {
    let server = ScriptServer::start(|_| Reply::new(404));
    let out = poll(&server.url, &["--interval", "10ms"]);
    assert_code(&out, 1);
    assert_eq!(server.seen().len(), 1);
    let err = stderr(&out);
    assert!(err.contains("answered 404 Not Found"), "{err}");
    assert!(err.contains("--retry-on 404"), "{err}");

    // The one --json error shape, the hint in its own field.
    let records = json_lines(&out);
    let errors = of_type(&records, "error");
    assert_eq!(errors.len(), 1, "{records:?}");
    assert!(
        errors[0]["error"]
            .as_str()
            .unwrap()
            .contains("answered 404")
    );
    assert!(
        errors[0]["hint"]
            .as_str()
            .unwrap()
            .starts_with("pass --retry-on 404"),
        "{records:?}"
    );
    assert!(errors[0].get("message").is_none(), "{records:?}");

    let server = ScriptServer::start(|req| match req.index {
        0 | 1 => Reply::new(404),
        _ => Reply::json(json!({"here": true})),
    });
    let out = poll(
        &server.url,
        &[
            "--retry-on",
            "404",
            "--interval",
            "10ms",
            "--backoff-base",
            "10ms",
            "--until",
            "here",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn connection_refused_is_retried_until_the_server_is_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/status");
    let mut child = hooky()
        .args([
            "--json",
            "poll",
            &url,
            "--interval",
            "10ms",
            "--backoff-base",
            "50ms",
            "--backoff-cap",
            "100ms",
            "--retries",
            "100",
            "--count",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "error");
    assert!(
        first["error"].as_str().unwrap().contains("connect"),
        "{first}"
    );
    let server = ScriptServer::start_on(port, |_| Reply::json(json!({"up": true})));
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(server.seen().len(), 1);
    assert_eq!(of_type(&rest, "change")[0]["body"], json!({"up": true}));
}

#[test]
fn x_poll_interval_raises_the_interval_and_never_lowers_it() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::json(json!({})).header("X-Poll-Interval", "0.3"),
        _ => Reply::json(json!({})).header("X-Poll-Interval", "0.01"),
    });
    let out = poll(
        &server.url,
        &["--interval", "100ms", "--jitter", "0", "--count", "3"],
    );
    assert_code(&out, 0);
    let waits = waits(&json_lines(&out));
    assert_eq!(
        waits,
        vec![
            ("x-poll-interval".to_string(), 0.3),
            ("interval".to_string(), 0.1)
        ]
    );
    let seen = server.seen();
    assert_gap_at_least(&seen, 1, 0.3);
    assert_gap_at_least(&seen, 2, 0.1);
}

#[test]
fn rate_limit_reset_as_delta_and_as_epoch() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::json(json!({}))
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", "0.3"),
        1 => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            Reply::new(429)
                .header("X-RateLimit-Remaining", "0")
                // Two seconds ahead: whatever the sub-second clock, the wait is above one second.
                .header("X-RateLimit-Reset", (now + 2).to_string())
        }
        _ => Reply::json(json!({}))
            .header("X-RateLimit-Remaining", "5")
            .header("X-RateLimit-Reset", "100"),
    });
    let out = poll(
        &server.url,
        &[
            "--interval",
            "10ms",
            "--jitter",
            "0",
            "--backoff-base",
            "10ms",
            "--count",
            "3",
        ],
    );
    assert_code(&out, 0);
    let waits = waits(&json_lines(&out));
    assert_eq!(waits[0], ("rate-limit".to_string(), 0.3));
    assert_eq!(waits[1].0, "rate-limit", "{waits:?}");
    assert!(
        waits[1].1 > 0.9 && waits[1].1 <= 2.0,
        "an epoch is not read as a delta: {waits:?}"
    );
    assert_eq!(waits[2], ("interval".to_string(), 0.01), "quota left");
    assert_gap_at_least(&server.seen(), 1, 0.3);
}

/// A feed server holding events that appear as the polls go on; `since` is `>=` or `>`.
fn feed_server(inclusive: bool) -> ScriptServer {
    ScriptServer::start(move |req| {
        let mut events = vec![
            json!({"id": "a", "created": 100}),
            json!({"id": "b", "created": 101}),
            json!({"id": "c", "created": 101}),
        ];
        if req.index >= 2 {
            events.push(json!({"id": "d", "created": 102}));
            events.push(json!({"id": "e", "created": 102}));
        }
        let since: i64 = req.query("since").unwrap().parse().unwrap();
        let data: Vec<Value> = events
            .into_iter()
            .filter(|e| {
                let created = e["created"].as_i64().unwrap();
                created > since || (inclusive && created == since)
            })
            .collect();
        Reply::json(json!({"object": "list", "data": data}))
    })
}

#[test]
fn cursor_boundary_with_inclusive_and_exclusive_servers() {
    for inclusive in [true, false] {
        let server = feed_server(inclusive);
        let out = poll(
            &format!("{}/events", server.url),
            &["--since", "100", "--interval", "10ms", "--count", "4"],
        );
        assert_code(&out, 0);
        let records = json_lines(&out);
        let ids: Vec<&str> = of_type(&records, "item")
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let expected = if inclusive {
            vec!["a", "b", "c", "d", "e"]
        } else {
            vec!["b", "c", "d", "e"]
        };
        assert_eq!(ids, expected, "inclusive={inclusive}");
        let sinces: Vec<String> = server
            .seen()
            .iter()
            .map(|r| r.query("since").unwrap())
            .collect();
        assert_eq!(sinces, ["100", "101", "101", "102"], "never +1");
        assert_eq!(
            of_type(&records, "done")[0]["cursor"],
            "102",
            "inclusive={inclusive}"
        );
    }
}

#[test]
fn link_pages_are_followed_before_the_cursor_moves_and_an_error_keeps_it() {
    let failed_once = Arc::new(AtomicBool::new(false));
    let flag = failed_once.clone();
    let server = ScriptServer::start(move |req| {
        if req.uri.contains("page=2") {
            if !flag.swap(true, Ordering::SeqCst) {
                return Reply::new(503);
            }
            return Reply::json(json!([{"id": 3, "created_at": 30}]));
        }
        match req.query("since").as_deref() {
            Some("0") => {
                Reply::json(json!([{"id": 1, "created_at": 10}, {"id": 2, "created_at": 20}]))
                    .header(
                        "Link",
                        "</events?page=2>; rel=\"next\", </events?page=9>; rel=\"last\"",
                    )
            }
            _ => Reply::json(json!([])),
        }
    });
    let out = poll(
        &format!("{}/events", server.url),
        &[
            "--since",
            "0",
            "--interval",
            "10ms",
            "--backoff-base",
            "10ms",
            "--jitter",
            "0",
            "--count",
            "2",
        ],
    );
    assert_code(&out, 0);
    let uris: Vec<String> = server.seen().iter().map(|r| r.uri.clone()).collect();
    assert_eq!(
        uris,
        [
            "/events?since=0",
            "/events?page=2",
            "/events?since=0",
            "/events?page=2",
            "/events?since=30",
        ]
    );
    let records = json_lines(&out);
    let ids: Vec<String> = of_type(&records, "item")
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        ["1", "2", "3"],
        "nothing printed twice after the retry"
    );
}

#[test]
fn opaque_cursors_are_sent_back_verbatim() {
    let server = ScriptServer::start(|req| match req.query("cursor").as_deref() {
        None => Reply::json(json!({"results": [{"id": "x"}], "next_cursor": "c/1=="})),
        Some("c/1==") => Reply::json(json!({"results": [{"id": "y"}], "next_cursor": null})),
        Some(other) => Reply::new(400).body(format!("bad cursor {other}")),
    });
    let out = poll(
        &server.url,
        &[
            "--cursor-from",
            "next_cursor",
            "--since-param",
            "cursor",
            "--interval",
            "10ms",
            "--count",
            "3",
        ],
    );
    assert_code(&out, 0);
    let cursors: Vec<Option<String>> = server.seen().iter().map(|r| r.query("cursor")).collect();
    // A non-empty next_cursor says there is more: the first poll reads the second page at once.
    assert_eq!(
        cursors,
        [
            None,
            Some("c/1==".into()),
            Some("c/1==".into()),
            Some("c/1==".into())
        ]
    );
    assert_eq!(of_type(&json_lines(&out), "item").len(), 2);
}

#[test]
// Deadlines of 2 s, not less: the first answer must come back before them on a loaded 2-core CI.
fn until_count_and_timeout_exit_codes() {
    let server = ScriptServer::start(|req| {
        let state = if req.index >= 2 { "done" } else { "running" };
        Reply::json(json!({"state": state}))
    });
    let out = poll(
        &server.url,
        &["--interval", "10ms", "--until", "state=done"],
    );
    assert_code(&out, 0);
    assert_eq!(server.seen().len(), 3);

    let out = poll(
        &server.url,
        &["--interval", "50ms", "--timeout", "2s", "--until", "!state"],
    );
    assert_code(&out, 124);
    let err = stderr(&out);
    assert!(
        err.contains("hooky: error: gave up after 2s: state is \"done\", waiting for !state\n"),
        "{err}"
    );

    let slow = ScriptServer::start(|_| Reply::json(json!({"state": "running"})));
    let out = poll(
        &slow.url,
        &[
            "--interval",
            "30s",
            "--timeout",
            "2s",
            "--until",
            "state=done",
        ],
    );
    assert_code(&out, 124);
    let err = stderr(&out);
    assert!(
        err.contains(
            "hooky: error: gave up after 2s: state is \"running\", waiting for state=done\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: the next poll was due in ")
            && err.contains("(interval), after the deadline"),
        "{err}"
    );
    assert_eq!(slow.seen().len(), 1, "it never sleeps past the deadline");
    let records = json_lines(&out);
    assert_eq!(of_type(&records, "done")[0]["reason"], "deadline");
    assert_eq!(of_type(&records, "summary").len(), 1);
}

#[test]
fn state_file_resumes_validators_and_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let server = ScriptServer::start(|req| {
        let since = req.query("since").unwrap();
        let tag = format!("\"s{since}\"");
        if req.header("if-none-match") == Some(tag.as_str()) {
            return Reply::new(304);
        }
        let items = if since == "0" {
            json!([{"id": "a", "created": 5}, {"id": "b", "created": 7}])
        } else {
            json!([{"id": "b", "created": 7}])
        };
        Reply::json(items).header("ETag", tag)
    });
    let url = format!("{}/feed", server.url);
    let args = [
        "--since",
        "0",
        "--etag",
        "--state",
        state_arg,
        "--interval",
        "10ms",
        "--count",
        "2",
    ];
    let out = poll(&url, &args);
    assert_code(&out, 0);
    assert_eq!(of_type(&json_lines(&out), "item").len(), 2);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved["cursor"], "7");
    assert_eq!(saved["etag"], "\"s7\"");
    assert_eq!(saved["boundary_ids"], json!(["b"]));

    let before = server.seen().len();
    let out = poll(&url, &args);
    assert_code(&out, 0);
    let resumed = &server.seen()[before..];
    assert_eq!(resumed[0].query("since").as_deref(), Some("7"));
    assert_eq!(resumed[0].header("if-none-match"), Some("\"s7\""));
    let records = json_lines(&out);
    assert!(of_type(&records, "item").is_empty(), "{records:?}");
    assert_eq!(of_type(&records, "unchanged").len(), 2);

    let out = poll(&format!("{}/other", server.url), &args);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("belongs to"), "{}", stderr(&out));
}

#[test]
fn emitted_webhooks_carry_signatures_that_verify() {
    let handler = ScriptServer::start(|_| Reply::new(204));
    let feed = ScriptServer::start(|_| {
        Reply::json(json!({"events": [
            {"id": "evt_1", "created": 1, "type": "order.created"},
            {"id": "evt_2", "created": 2, "type": "order.paid"},
        ]}))
    });
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let out = poll(
        &feed.url,
        &[
            "--since",
            "0",
            "--count",
            "1",
            "--emit-webhook",
            &format!("{}/hook", handler.url),
            "--scheme",
            "stripe",
            "--secret",
            secret,
        ],
    );
    assert_code(&out, 0);
    assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
    let hooks = handler.seen();
    assert_eq!(hooks.len(), 2);
    let keys: [&[u8]; 1] = [secret.as_bytes()];
    for (hook, id) in hooks.iter().zip(["evt_1", "evt_2"]) {
        assert_eq!(hook.method, "POST");
        let body: Value = serde_json::from_slice(&hook.body).unwrap();
        assert_eq!(body["id"], id);
        let verdict = hooky::signature::verify(
            hooky::signature::Scheme::STRIPE,
            hooky::signature::Keys::new(&keys),
            &hooky::signature::SignedRequest::post(&hook.headers, &hook.body),
            chrono::Utc::now().timestamp(),
            Some(300),
        );
        assert!(verdict.is_valid(), "{verdict}");
    }
    let deliveries = of_type(&json_lines(&out), "delivery")
        .iter()
        .map(|d| d["status"].as_u64().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(deliveries, [204, 204]);
}

#[test]
fn long_polling_sends_prefer_wait_and_asks_again_after_a_hold() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::json(json!({"v": 1})).header("ETag", "\"1\""),
        _ => Reply::new(304).delay(Duration::from_millis(250)),
    });
    let out = poll(
        &server.url,
        &[
            "--etag",
            "--wait",
            "1",
            "--interval",
            "200ms",
            "--jitter",
            "0",
            "--count",
            "3",
        ],
    );
    assert_code(&out, 0);
    let seen = server.seen();
    assert!(seen.iter().all(|r| r.header("prefer") == Some("wait=1")));
    assert_eq!(
        waits(&json_lines(&out)),
        vec![
            ("long-poll".to_string(), 0.0),
            ("long-poll".to_string(), 0.0)
        ]
    );
}

#[test]
fn human_output_shows_changes_on_stdout_and_waits_on_stderr() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::json(json!({"status": "pending"})),
        1 => Reply::new(503).header("Retry-After", "0"),
        _ => Reply::json(json!({"status": "paid\u{1b}[31m"})),
    });
    let started = Instant::now();
    let out = run(
        &[
            "poll",
            &server.url,
            "--interval",
            "10ms",
            "--count",
            "2",
            "--jitter",
            "0",
        ],
        b"",
    );
    assert_code(&out, 0);
    assert!(started.elapsed() >= Duration::from_millis(20));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].ends_with(" 200 {\"status\":\"pending\"}"),
        "{text}"
    );
    assert!(lines[1].contains("status: \"pending\" → "), "{text}");
    assert!(!text.contains('\u{1b}'), "escapes are neutralised");
    let err = stderr(&out);
    assert!(err.contains("503"), "{err}");
    assert!(err.contains("requests: 2 × 200"), "{err}");
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["poll", "not a url"][..],
        &["poll", "ftp://x/"],
        &["poll", "http://127.0.0.1:9/", "--until", "a..b"],
        &["poll", "http://127.0.0.1:9/", "--cursor-field", "t"],
        &["poll", "http://127.0.0.1:9/", "--jitter", "3"],
        &[
            "poll",
            "http://127.0.0.1:9/",
            "--idle-backoff",
            "--interval",
            "10s",
            "--max-interval",
            "1s",
        ],
        &[
            "poll",
            "http://127.0.0.1:9/",
            "--emit-webhook",
            "http://127.0.0.1:9/",
            "--scheme",
            "github",
        ],
    ] {
        let out = run(args, b"");
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains("error"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn idle_backoff_stretches_the_interval_and_a_change_resets_it() {
    let server = ScriptServer::start(|req| {
        let version = if req.index >= 5 { 2 } else { 1 };
        Reply::json(json!({"version": version}))
    });
    let out = poll(
        &server.url,
        &[
            "--idle-backoff",
            "--interval",
            "20ms",
            "--multiplier",
            "2",
            "--max-interval",
            "100ms",
            "--jitter",
            "0",
            "--count",
            "7",
        ],
    );
    assert_code(&out, 0);
    let seconds: Vec<f64> = waits(&json_lines(&out)).iter().map(|w| w.1).collect();
    assert_eq!(seconds, [0.02, 0.04, 0.08, 0.1, 0.1, 0.02]);
    let seen = server.seen();
    assert_gap_at_least(&seen, 3, 0.08);
    assert_gap_at_least(&seen, 4, 0.1);
}

#[test]
fn ctrl_c_prints_the_summary_and_exits_130() {
    let server = ScriptServer::start(|_| Reply::json(json!({"same": true})));
    let mut child = hooky()
        .args(["--json", "poll", &server.url, "--interval", "50ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "change");
    crate::util::signal(&child, "INT");
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(of_type(&rest, "done")[0]["reason"], "interrupted");
    assert!(of_type(&rest, "summary")[0]["requests"].as_u64().unwrap() >= 1);
}

#[test]
fn feed_until_stops_at_the_matching_item() {
    let server = ScriptServer::start(|_| {
        Reply::json(json!({"items": [
            {"id": "e1", "timestamp": "2024-01-01T00:00:00Z", "type": "order.created"},
            {"id": "e2", "timestamp": "2024-01-01T00:00:01Z", "type": "order.paid"},
            {"id": "e3", "timestamp": "2024-01-01T00:00:02Z", "type": "order.shipped"},
        ]}))
    });
    let out = run(
        &[
            "poll",
            &server.url,
            "--since",
            "2023-12-31T00:00:00Z",
            "--until",
            "type=order.paid",
        ],
        b"",
    );
    assert_code(&out, 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // One line per item: id, type, time; no JSON blob.
    assert!(
        lines[0].ends_with(" e1 order.created 2024-01-01T00:00:00Z"),
        "{text}"
    );
    assert!(
        lines[1].ends_with(" e2 order.paid 2024-01-01T00:00:01Z"),
        "{text}"
    );
    assert_eq!(
        server.seen()[0].query("since").as_deref(),
        Some("2023-12-31T00:00:00Z")
    );
}

#[test]
fn until_status_matches_the_http_status() {
    let server = ScriptServer::start(|req| match req.header("if-none-match") {
        Some("\"a\"") => Reply::new(304),
        _ => Reply::json(json!({"status": 200})).header("ETag", "\"a\""),
    });
    let out = poll(
        &server.url,
        &["--etag", "--interval", "10ms", "--until", "status=304"],
    );
    assert_code(&out, 0);
    assert_eq!(
        server.seen().len(),
        2,
        "the JSON field status=200 is not it"
    );
}

#[test]
fn until_is_parsed_strictly_with_the_grammar_in_the_hint() {
    let server = ScriptServer::start(|_| Reply::json(json!({"status": "pending", "n": 1})));
    for (expr, why) in [
        ("status==completed", "\"==\" is not an operator"),
        ("n=>5", "\"=>\" is not an operator"),
        (
            "status>completed",
            "> compares numbers, and \"completed\" is not one",
        ),
        ("a..b", "\"a..b\" has an empty segment"),
        ("=done", "the path is empty"),
    ] {
        let out = run(
            &["poll", &server.url, "--until", expr, "--timeout", "2s"],
            b"",
        );
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("hooky: error: invalid --until {expr:?}: {why}\n")),
            "{expr}: {err}"
        );
        assert!(
            err.contains("hint: --until takes path=value, path!=value, path>N, path>=N"),
            "{expr}: {err}"
        );
    }
    assert!(server.seen().is_empty(), "refused before any request");
}

#[test]
fn until_compares_numbers() {
    let server = ScriptServer::start(|req| {
        Reply::json(json!({"progress": req.index * 40, "amount": format!("{}.50", req.index)}))
    });
    let out = poll(
        &server.url,
        &[
            "--interval",
            "10ms",
            "--until",
            "progress>=100",
            "--timeout",
            "20s",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(server.seen().len(), 4, "0, 40, 80, then 120");

    let server =
        ScriptServer::start(|req| Reply::json(json!({"amount": format!("{}.50", req.index)})));
    let out = poll(
        &server.url,
        &[
            "--interval",
            "10ms",
            "--until",
            "amount>1.9",
            "--until",
            "amount<3",
            "--timeout",
            "20s",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(server.seen().len(), 3, "\"2.50\" is the first over 1.9");
}

#[test]
fn a_rate_limit_answer_waits_for_the_reset_and_a_plain_403_stays_final() {
    let server = ScriptServer::start(|req| match req.index {
        0 => Reply::new(403)
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", "0.3")
            .body("{\"message\": \"API rate limit exceeded\"}"),
        1 => Reply::new(429)
            .header("RateLimit-Remaining", "0")
            .header("RateLimit-Reset", "0.2"),
        _ => Reply::json(json!({"ok": true})),
    });
    // --retries 0: waiting out a rate limit is not a failure, so it spends no retry.
    let out = poll(
        &server.url,
        &[
            "--interval",
            "10ms",
            "--jitter",
            "0",
            "--retries",
            "0",
            "--count",
            "1",
        ],
    );
    assert_code(&out, 0);
    let records = json_lines(&out);
    assert_eq!(
        waits(&records)[..2],
        [
            ("rate-limit".to_string(), 0.3),
            ("rate-limit".to_string(), 0.2)
        ]
    );
    let errors = of_type(&records, "error");
    assert_eq!(errors.len(), 2);
    assert!(
        errors.iter().all(|e| e["rate_limited"] == true),
        "{errors:?}"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_gap_at_least(&seen, 1, 0.3);
    assert_gap_at_least(&seen, 2, 0.2);

    for reply in [
        Reply::new(403),
        Reply::new(403).header("X-RateLimit-Remaining", "4999"),
    ] {
        let server = ScriptServer::start(move |_| reply.clone());
        let out = run(&["poll", &server.url, "--interval", "10ms"], b"");
        assert_code(&out, 1);
        assert_eq!(server.seen().len(), 1);
        let err = stderr(&out);
        assert!(err.contains("answered 403 Forbidden"), "{err}");
        assert!(err.contains("--retry-on 403"), "{err}");
    }
}

#[test]
fn ctrl_c_before_the_until_goal_exits_130() {
    let server = ScriptServer::start(|_| Reply::json(json!({"state": "running"})));
    let mut child = hooky()
        .args([
            "--json",
            "poll",
            &server.url,
            "--interval",
            "50ms",
            "--until",
            "state=done",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "change");
    crate::util::signal(&child, "INT");
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(
        child.wait().unwrap().code(),
        Some(130),
        "not 0: the goal was not met"
    );
    assert_eq!(of_type(&rest, "done")[0]["exit_code"], 130);
}

#[test]
fn validators_the_server_never_sends_are_named_once() {
    let bare = ScriptServer::start(|req| Reply::json(json!({"n": req.index})));
    let dated = ScriptServer::start(|req| {
        Reply::json(json!({"n": req.index}))
            .header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")
    });
    for (server, flags, expected) in [
        (
            &bare,
            &["--etag"][..],
            &["the server sent no ETag; polling without validators"][..],
        ),
        (
            &bare,
            &["--last-modified"],
            &["the server sent no Last-Modified; polling without validators"],
        ),
        (
            &dated,
            &["--etag", "--last-modified"],
            &["the server sent no ETag; polling with Last-Modified only"],
        ),
    ] {
        let mut args = vec!["poll", &server.url, "--interval", "10ms", "--count", "3"];
        args.extend_from_slice(flags);
        let out = run(&args, b"");
        assert_code(&out, 0);
        let err = stderr(&out);
        let warnings: Vec<&str> = err
            .lines()
            .filter(|l| l.contains("the server sent no"))
            .collect();
        let wanted: Vec<String> = expected
            .iter()
            .map(|e| format!("hooky: warning: {e}"))
            .collect();
        assert_eq!(warnings, wanted, "{flags:?}: {err}");
    }
    let tagged = ScriptServer::start(|_| Reply::json(json!({})).header("ETag", "\"1\""));
    let out = run(
        &[
            "poll",
            &tagged.url,
            "--etag",
            "--interval",
            "10ms",
            "--count",
            "2",
        ],
        b"",
    );
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("sent no"), "{}", stderr(&out));
}

/// A feed of `total` events (`seq` 1..=total) that pages by `?since=&limit=`, saying there is more
/// the way `style` says: `has_more` + `next_since`, a body `next` link, or only a full page.
fn paged_feed(total: u64, style: &'static str) -> ScriptServer {
    ScriptServer::start(move |req| {
        let since: u64 = req.query("since").map_or(0, |s| s.parse().unwrap());
        let limit: u64 = req.query("limit").map_or(100, |s| s.parse().unwrap());
        let items: Vec<Value> = (since + 1..=total)
            .take(limit as usize)
            .map(|seq| json!({"id": format!("e{seq}"), "seq": seq, "type": "order.created"}))
            .collect();
        let last = items.last().map_or(since, |i| i["seq"].as_u64().unwrap());
        let more = last < total;
        let body = match style {
            "has_more" => json!({"data": items, "has_more": more, "next_since": last}),
            "next" => json!({
                "data": items,
                "next": if more { Value::from(format!("/events?since={last}&limit={limit}")) } else { Value::Null },
            }),
            _ => json!({"data": items}),
        };
        Reply::json(body)
    })
}

#[test]
fn a_feed_that_says_there_is_more_is_read_to_its_end_in_one_poll() {
    for style in ["has_more", "next", "full_page"] {
        let server = paged_feed(250, style);
        let out = poll(
            &format!("{}/events?limit=100", server.url),
            &["--since", "0", "--cursor-field", "seq", "--count", "1"],
        );
        assert_code(&out, 0);
        let records = json_lines(&out);
        let items = of_type(&records, "item");
        assert_eq!(
            items.len(),
            250,
            "{style}: every page at once, not one per interval"
        );
        assert!(waits(&records).is_empty(), "{style}: no wait between pages");
        let sinces: Vec<String> = server
            .seen()
            .iter()
            .map(|r| r.query("since").unwrap())
            .collect();
        assert_eq!(sinces, ["0", "100", "200"], "{style}");
        assert_eq!(of_type(&records, "done")[0]["cursor"], "250", "{style}");
    }
}

#[test]
fn max_pages_bounds_one_poll_and_the_rest_comes_next_time() {
    let server = paged_feed(250, "has_more");
    let out = poll(
        &format!("{}/events?limit=100", server.url),
        &[
            "--since",
            "0",
            "--cursor-field",
            "seq",
            "--max-pages",
            "2",
            "--interval",
            "10ms",
            "--count",
            "2",
        ],
    );
    assert_code(&out, 0);
    let records = json_lines(&out);
    assert_eq!(of_type(&records, "item").len(), 250);
    let sinces: Vec<String> = server
        .seen()
        .iter()
        .map(|r| r.query("since").unwrap())
        .collect();
    assert_eq!(sinces, ["0", "100", "200"]);
    assert_eq!(
        waits(&records).len(),
        1,
        "one interval, after the first two pages"
    );
    let err = stderr(&out);
    assert_eq!(
        err.matches("read 2 pages in one poll (--max-pages); the rest waits for the next poll")
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn a_link_loop_is_stopped_at_the_first_page_read_twice() {
    let server = ScriptServer::start(|req| {
        if req.uri.contains("page=b") {
            // B points back to A, the first page.
            Reply::json(json!([{"id": "b1", "created": 2}]))
                .header("Link", "</events?since=0>; rel=\"next\"")
        } else {
            Reply::json(json!([{"id": "a1", "created": 1}]))
                .header("Link", "</events?page=b>; rel=\"next\"")
        }
    });
    let out = poll(
        &format!("{}/events", server.url),
        &["--since", "0", "--count", "3", "--interval", "10ms"],
    );
    assert_code(&out, 0);
    let uris: Vec<String> = server.seen().iter().map(|r| r.uri.clone()).collect();
    assert_eq!(
        uris[..2],
        ["/events?since=0", "/events?page=b"],
        "A, B, then not A again"
    );
    // Later polls start from since=2 and read since=2, B, A before B repeats.
    assert_eq!(uris.len(), 8, "{uris:?}");
    let err = stderr(&out);
    assert_eq!(err.matches("a link loop").count(), 1, "said once: {err}");
    assert!(err.contains("/events?since=0"), "{err}");
    assert_eq!(of_type(&json_lines(&out), "item").len(), 2);
}

#[test]
fn feed_items_print_as_one_line_and_in_full_with_verbose() {
    let server = ScriptServer::start(|_| {
        Reply::json(json!([{
            "id": "evt_1", "type": "order.paid", "created_at": "2024-01-01T00:00:00Z",
            "amount": 500, "customer": {"name": "x"}, "note": "line\nbreak",
        }]))
    });
    let out = run(&["poll", &server.url, "--since", "0", "--count", "1"], b"");
    assert_code(&out, 0);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.trim_end()
            .ends_with(" evt_1 order.paid 2024-01-01T00:00:00Z  amount=500 note=line\\nbreak"),
        "{text}"
    );
    let out = run(
        &["-v", "poll", &server.url, "--since", "0", "--count", "1"],
        b"",
    );
    assert_code(&out, 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let full: Value = serde_json::from_str(lines[1].trim()).unwrap();
    assert_eq!(full["customer"]["name"], "x");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_feed_example_catches_up_on_many_captures_in_one_poll() {
    let listening = crate::util::listen(&[]);
    for i in 1..=150 {
        let body = format!(r#"{{"id":"evt_{i}","type":"order.created"}}"#);
        crate::util::post_with(&listening.url, &[], body.as_bytes()).await;
    }
    listening.captured(150).await;
    let feed = listening.own("/_hooky/requests");
    let out = tokio::task::spawn_blocking(move || {
        poll(
            &feed,
            &[
                "--since",
                "0",
                "--cursor-field",
                "seq",
                "--etag",
                "--count",
                "1",
            ],
        )
    })
    .await
    .unwrap();
    assert_code(&out, 0);
    let seqs: Vec<u64> = of_type(&json_lines(&out), "item")
        .iter()
        .map(|r| r["item"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=150).collect::<Vec<_>>());
    listening.interrupt();
}
