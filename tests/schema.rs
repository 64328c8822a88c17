//! The machine contract: every line the real binary prints with `--json`, and every line of a
//! capture file, validates against the JSON Schema committed in `schema/` (which a unit test keeps
//! equal to the record types). Validation here is strict: a field the schema does not declare
//! fails, so a record cannot grow an undocumented field either.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::util::receiver::Receiver;
use crate::util::script_server::{Reply, ScriptServer};
use crate::util::{
    assert_code, hooky, json_lines, listen, post_with, repo_path, run, run_in, sign_headers,
};

const SECRET: &str = "whsec_c2NoZW1hLXRlc3Qtc2VjcmV0LTEyMzQ1Njc4";

/// The committed schema `schema/NAME`, made strict for the test: each record type (each `oneOf`
/// variant, or the whole schema when it has none) allows no property it does not declare.
fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_path(&format!("schema/{name}"))).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    match schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        Some(variants) => {
            for variant in variants {
                variant["unevaluatedProperties"] = false.into();
            }
        }
        None => schema["unevaluatedProperties"] = false.into(),
    }
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema/{name}: {e}"))
}

/// Validates every record against `schema/NAME` and returns the `type`s seen.
#[track_caller]
fn assert_valid(name: &str, records: &[Value]) -> BTreeSet<String> {
    assert!(!records.is_empty(), "no records to check against {name}");
    let validator = validator(name);
    for record in records {
        let errors: Vec<String> = validator
            .iter_errors(record)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {record}\n{errors:#?}");
    }
    records
        .iter()
        .filter_map(|r| r["type"].as_str().map(str::to_string))
        .collect()
}

/// The checks can fail: an undeclared field, a missing one, a verdict hooky never writes.
#[test]
fn the_strict_validator_refuses_what_the_schema_does_not_say() {
    let verify = validator("verify.json");
    assert!(verify.is_valid(&json!({"type": "verdict", "verdict": "valid"})));
    for bad in [
        json!({"type": "verdict", "verdict": "valid", "extra": 1}),
        json!({"type": "verdict"}),
        json!({"type": "verdict", "verdict": "maybe"}),
        json!({"type": "other", "verdict": "valid"}),
    ] {
        assert!(!verify.is_valid(&bad), "{bad}");
    }
    // Before the typed records, `replay --list --json` gave the verdict as a bare string.
    let old_list = json!({"type": "capture", "seq": 1, "id": "req_1", "received_at": "", "method": "POST",
        "path": "/", "query": null, "event_type": null, "event_id": null, "body_size": 0,
        "verdict": "valid", "scheme": "stripe", "status": 200, "duplicate_of": null});
    assert!(!validator("replay.json").is_valid(&old_list));
}

fn types(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A listener with a secret, forwarding to an app, with a small body limit, after a valid, an
/// invalid, an unsigned and an oversized request: its `--json` lines and its capture file.
async fn listened() -> (Vec<Value>, String, tempfile::TempDir, Receiver) {
    let app = Receiver::ok();
    let l = listen(&[
        "--json",
        "--secret",
        SECRET,
        "--scheme",
        "stripe",
        "--forward-to",
        &app.base,
        "--max-body",
        "1KiB",
    ]);
    let body = br#"{"id":"evt_1","type":"order.completed"}"#;
    let url = format!("{}/hooks?a=1", l.url);
    let valid = post_with(
        &url,
        &sign_headers(hooky::signature::Scheme::STRIPE, SECRET, body, now()),
        body,
    )
    .await;
    assert_eq!(valid.status(), 200);
    let wrong = sign_headers(
        hooky::signature::Scheme::STRIPE,
        "whsec_d3Jvbmc=",
        body,
        now(),
    );
    post_with(&url, &wrong, body).await;
    post_with(&url, &[], b"\x00\xffbinary").await;
    post_with(&url, &[], &vec![b'x'; 4096]).await;
    l.captured(4).await;
    let capture = std::fs::read_to_string(l.capture_path()).unwrap();
    let (output, dir) = l.interrupt();
    assert_code(&output, 0);
    (json_lines(&output), capture, dir, app)
}

fn capture_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn listen_json_and_the_capture_file_follow_their_schemas() {
    let (lines, capture, _dir, _app) = listened().await;
    assert_eq!(
        assert_valid("listen.json", &lines),
        types(&["listening", "request"])
    );
    let records = capture_lines(&capture);
    assert_eq!(records.len(), 4);
    assert_valid("capture-line.json", &records);
    // The shapes the file can take were all there: forwarded, kept and omitted bodies, each verdict.
    assert!(records.iter().all(|r| r["v"] == 1));
    assert!(records.iter().any(|r| r["forward"].is_object()));
    let verdicts: BTreeSet<&str> = records
        .iter()
        .map(|r| r["verdict"]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, BTreeSet::from(["valid", "invalid", "unsigned"]));
    assert!(records.iter().any(|r| r["body_omitted"].is_string()));
    assert!(records.iter().any(|r| r["body_encoding"] == "base64"));
}

/// A capture line from before the `v` field is still read: listed, shown, and continued by a
/// listener appending to its file; the schema's only complaint about it is the missing version.
#[tokio::test]
async fn an_old_capture_line_without_a_version_is_still_read() {
    let old = r#"{"seq":1,"id":"req_1","received_at":"2024-01-01T00:00:00.000Z","remote_addr":"127.0.0.1:5000","method":"POST","path":"/hooks","query":null,"headers":[["content-type","application/json"]],"body":"{}","body_encoding":"utf8","body_size":2,"body_sha256":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","event_type":null,"event_id":null,"verdict":{"verdict":"unsigned"},"status":200,"duplicate_of":null}"#;
    let dir = crate::util::tempdir();
    let file = dir.path().join("old.jsonl");
    std::fs::write(&file, format!("{old}\n")).unwrap();
    let from = file.to_str().unwrap();
    let listed = run(&["--json", "replay", "--from", from, "--list"], b"");
    assert_code(&listed, 0);
    let records = json_lines(&listed);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["seq"], 1);
    assert_valid("replay.json", &records);
    let shown = run(&["--json", "replay", "--from", from, "--show", "1"], b"");
    assert_code(&shown, 0);
    assert_eq!(json_lines(&shown)[0]["body_ok"], true);
    let errors: Vec<String> = validator("capture-line.json")
        .iter_errors(&serde_json::from_str(old).unwrap())
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("\"v\""), "{errors:?}");

    // A listener appending to the old file continues its sequence, with versioned lines.
    let dir = crate::util::tempdir();
    std::fs::create_dir(dir.path().join(".hooky")).unwrap();
    std::fs::write(dir.path().join(".hooky/captures.jsonl"), format!("{old}\n")).unwrap();
    let l = crate::util::listen_in(dir, &[]);
    post_with(&format!("{}/next", l.url), &[], b"{}").await;
    l.captured(2).await;
    let records = l.captures();
    assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
    let text = std::fs::read_to_string(l.capture_path()).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with(r#"{"seq":2,"v":1,"#),
        "{text}"
    );
    let (output, _dir) = l.interrupt();
    assert_code(&output, 0);
}

#[tokio::test]
async fn replay_json_follows_its_schema() {
    let (_, capture, dir, app) = listened().await;
    let file = dir.path().join("captures.jsonl");
    std::fs::write(&file, &capture).unwrap();
    let from = file.to_str().unwrap();
    let mut seen = BTreeSet::new();
    for args in [
        vec!["--list"],
        vec!["--show", "2"],
        vec!["--all", "--dry-run"],
        // The oversized capture has no body: an error record, and the others still go.
        vec!["--all", "--to", &app.base, "--diff", "--repeat", "2"],
    ] {
        let mut all = vec!["--json", "replay", "--from", from];
        all.extend(args);
        let output = run(&all, b"");
        seen.extend(assert_valid("replay.json", &json_lines(&output)));
    }
    let captures = run(&["--json", "captures", "--from", from], b"");
    assert_code(&captures, 0);
    seen.extend(assert_valid("replay.json", &json_lines(&captures)));
    assert_eq!(
        seen,
        types(&["capture", "request", "replay", "summary", "error"])
    );
}

#[test]
fn send_json_follows_its_schema() {
    let receiver = Receiver::ok();
    let mut seen = BTreeSet::new();
    for args in [
        vec!["order.completed"],
        vec!["order.completed", "--count", "3", "-v"],
        vec!["order.completed", "--dry-run"],
        vec!["order.completed", "--curl"],
        vec!["--list"],
        vec!["--attack", "--scheme", "stripe"],
    ] {
        let mut all = vec!["--json", "send", "--to", &receiver.url, "--secret", SECRET];
        all.extend(args);
        let output = run(&all, b"");
        seen.extend(assert_valid("send.json", &json_lines(&output)));
    }
    assert_eq!(
        seen,
        types(&[
            "response",
            "summary",
            "request",
            "fixture",
            "check",
            "attack_summary"
        ])
    );
}

/// `send --watch` carries on after an error: its `error` record (and the responses around it).
#[test]
fn send_watch_errors_follow_the_schema() {
    use std::io::BufRead;
    let receiver = Receiver::ok();
    let dir = crate::util::tempdir();
    let file = dir.path().join("watched.json");
    std::fs::write(&file, r#"{"type":"watched"}"#).unwrap();
    let mut child = hooky()
        .args(["--json", "send", "watched", "--watch", "--fixtures"])
        .arg(dir.path())
        .args(["--to", &receiver.url, "--secret", SECRET])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut records = Vec::new();
    let next = || {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = lines
            .recv_timeout(left)
            .expect("a record from send --watch");
        serde_json::from_str::<Value>(&line).unwrap()
    };
    records.push(next());
    std::fs::write(&file, "{{broken").unwrap();
    while records.last().unwrap()["type"] != "error" {
        records.push(next());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        assert_valid("send.json", &records),
        types(&["response", "error"])
    );
}

#[test]
fn poll_json_follows_its_schema() {
    // A resource that changes, stays the same, fails once, then says what the poll waits for.
    let resource = ScriptServer::start(|seen| match seen.index {
        0 => Reply::json(json!({"status": "pending", "n": 1})).header("ETag", "\"v1\""),
        1 => Reply::new(304).header("ETag", "\"v1\""),
        2 => Reply::new(503).body("busy"),
        3 => Reply::new(429)
            .header("Retry-After", "0")
            .header("X-RateLimit-Remaining", "0"),
        _ => Reply::json(json!({"status": "completed", "n": 2})).header("ETag", "\"v2\""),
    });
    let changes = run(
        &[
            "--json",
            "poll",
            &resource.url,
            "--etag",
            "--interval",
            "10ms",
            "--backoff-base",
            "10ms",
            "--until",
            "status=completed",
            "--timeout",
            "20s",
        ],
        b"",
    );
    assert_code(&changes, 0);
    let mut seen = assert_valid("poll.json", &json_lines(&changes));
    // A feed whose items go out as webhooks.
    let handler = ScriptServer::start(|_| Reply::new(204));
    let feed = ScriptServer::start(|_| {
        Reply::json(json!({"events": [{"id": "evt_1", "created": 1, "type": "order.created"}]}))
    });
    let items = run(
        &[
            "--json",
            "poll",
            &feed.url,
            "--since",
            "0",
            "--count",
            "1",
            "--emit-webhook",
            &format!("{}/hook", handler.url),
            "--scheme",
            "stripe",
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_code(&items, 0);
    seen.extend(assert_valid("poll.json", &json_lines(&items)));
    assert_eq!(
        seen,
        types(&[
            "change",
            "unchanged",
            "error",
            "wait",
            "item",
            "delivery",
            "done",
            "summary"
        ])
    );
}

#[test]
fn sign_verify_secret_and_fixture_json_follow_their_schemas() {
    let dir = crate::util::tempdir();
    let body = dir.path().join("body.json");
    std::fs::write(&body, br#"{"id":"evt_1"}"#).unwrap();
    let body = body.to_str().unwrap();
    let signed = run(
        &[
            "--json", "sign", "--scheme", "stripe", "--secret", SECRET, body,
        ],
        b"",
    );
    assert_code(&signed, 0);
    let signature = json_lines(&signed);
    assert_eq!(assert_valid("sign.json", &signature), types(&["signature"]));
    let header = format!(
        "Stripe-Signature: {}",
        signature[0]["headers"]["Stripe-Signature"]
            .as_str()
            .unwrap()
    );
    for (secret, code) in [(SECRET, 0), ("whsec_d3Jvbmc=", 3)] {
        let verified = run(
            &["--json", "verify", "--secret", secret, "-H", &header, body],
            b"",
        );
        assert_code(&verified, code);
        assert_eq!(
            assert_valid("verify.json", &json_lines(&verified)),
            types(&["verdict"])
        );
    }

    let mut in_dir = hooky();
    in_dir.current_dir(dir.path()).env("HOME", dir.path());
    let secret = run_in(in_dir, &["--json", "secret"], b"");
    assert_code(&secret, 0);
    assert_eq!(
        assert_valid("secret.json", &json_lines(&secret)),
        types(&["secret"])
    );

    let capture = dir.path().join("c.jsonl");
    let mut record = hooky::capture::CaptureRecord {
        seq: 1,
        method: "POST".into(),
        path: "/hooks".into(),
        headers: vec![("content-type".into(), "application/json".into())],
        ..Default::default()
    };
    record.set_body(br#"{"id":"evt_1","type":"order.paid"}"#);
    std::fs::write(&capture, record.to_line()).unwrap();
    let fixtures = dir.path().join("fixtures");
    let fixture = run(
        &[
            "--json",
            "fixture",
            "new",
            "order.paid",
            "--from-capture",
            "1",
            "--from",
            capture.to_str().unwrap(),
            "--dir",
            fixtures.to_str().unwrap(),
        ],
        b"",
    );
    assert_code(&fixture, 0);
    assert_eq!(
        assert_valid("fixture.json", &json_lines(&fixture)),
        types(&["fixture"])
    );
}

/// HAR's `_hooky` is the capture's one summary serialisation: the same fields, with the same
/// values, as `replay --list --json` gives (the feed's items: a unit test in `capture::feed`).
#[tokio::test]
async fn the_feed_har_and_list_share_the_capture_summary() {
    let (_, capture, dir, _app) = listened().await;
    let file = dir.path().join("captures.jsonl");
    std::fs::write(&file, &capture).unwrap();
    let from = file.to_str().unwrap();
    let listed = json_lines(&run(&["--json", "replay", "--from", from, "--list"], b""));
    let har: Value = serde_json::from_slice(
        &run(&["replay", "--from", from, "--all", "--export", "har"], b"").stdout,
    )
    .unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), listed.len());
    for (entry, listed) in entries.iter().zip(&listed) {
        let mut listed = listed.clone();
        listed.as_object_mut().unwrap().remove("type");
        assert_eq!(entry["_hooky"], listed);
    }
}
