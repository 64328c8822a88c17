//! `hooky replay` and `hooky captures`: capture files written here with the library's own
//! `CaptureRecord`, replayed by the real binary into small axum receivers on 127.0.0.1.

use std::path::{Path, PathBuf};

use hooky::capture::{BodyEncoding, CaptureRecord, VerdictKind, VerdictRecord, sha256_hex};
use hooky::signature::{self, Failure, Keys, Scheme, Verdict};

use crate::util::receiver::{Received, Receiver};
use crate::util::{assert_code, json_lines, run, stderr, stdout};

const STRIPE_SECRET: &str = "whsec_test_secret_for_replay";
const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A receiver that records every request and answers `status`.
fn receiver(status: u16) -> Receiver {
    Receiver::start(move |_, _| (status, Vec::new(), "answered".into()))
}

/// A receiver that answers `status`, or 401 when a request's `scheme` signature made with `secret`
/// does not verify.
fn checking_receiver(status: u16, scheme: Scheme, secret: &'static str) -> Receiver {
    Receiver::start(move |request, _| {
        let valid = verify(scheme, secret, &request.headers, &request.body).is_valid();
        (
            if valid { status } else { 401 },
            Vec::new(),
            "answered".into(),
        )
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn verify(scheme: Scheme, secret: &str, headers: &[(String, String)], body: &[u8]) -> Verdict {
    signature::verify(
        scheme,
        Keys::new(&[secret.as_bytes()]),
        &hooky::signature::SignedRequest::post(headers, body),
        now(),
        Some(300),
    )
}

fn capture(seq: u64, path: &str, headers: &[(&str, &str)], body: &[u8]) -> CaptureRecord {
    let mut record = CaptureRecord {
        seq,
        id: format!("req_{seq}"),
        received_at: chrono::Utc::now().to_rfc3339(),
        remote_addr: "127.0.0.1:50000".into(),
        method: "POST".into(),
        path: path.into(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        verdict: VerdictRecord {
            verdict: VerdictKind::Unsigned,
            ..Default::default()
        },
        status: 200,
        ..Default::default()
    };
    record.set_body(body);
    record
}

fn write_file(dir: &Path, lines: &[String]) -> PathBuf {
    let path = dir.join("captures.jsonl");
    std::fs::write(&path, lines.concat()).unwrap();
    path
}

fn lines(records: &[CaptureRecord]) -> Vec<String> {
    records.iter().map(CaptureRecord::to_line).collect()
}

/// The headers a replay must carry unchanged: all but the ones the transport owns.
fn end_to_end_headers(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .filter(|(n, _)| !matches!(n.to_ascii_lowercase().as_str(), "host" | "content-length"))
        .map(|(n, v)| format!("{}: {v}\n", n.to_ascii_lowercase()))
        .collect()
}

fn three_kinds() -> Vec<CaptureRecord> {
    let common = [
        ("user-agent", "Stripe/1.0"),
        ("accept", "*/*"),
        ("host", "example.test"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut all = common.to_vec();
        all.extend_from_slice(extra);
        all
    };
    let mut json = capture(
        1,
        "/hooks/json",
        &with(&[
            ("content-type", "application/json"),
            ("x-dup", "one"),
            ("x-dup", "two"),
            ("content-length", "999"),
        ]),
        br#"{"id":"evt_1","type":"order.created","data":{"amount":5}}"#,
    );
    json.query = Some("a=1&a=2&b=x%20y".into());
    json.event_type = Some("order.created".into());
    let form = capture(
        2,
        "/hooks/form",
        &with(&[("content-type", "application/x-www-form-urlencoded")]),
        b"payload=%7B%22a%22%3A1%7D&x=two+words",
    );
    let binary = capture(
        3,
        "/hooks/bin",
        &with(&[
            ("content-type", "application/octet-stream"),
            ("transfer-encoding", "chunked"),
        ]),
        &[0, 159, 146, 150, 255, b'\r', b'\n', 0x1b],
    );
    assert_eq!(binary.body_encoding, BodyEncoding::Base64);
    vec![json, form, binary]
}

#[track_caller]
fn assert_same_request(record: &CaptureRecord, got: &Received) {
    assert_eq!(got.method, record.method);
    assert_eq!(got.path, record.path);
    assert_eq!(got.query, record.query);
    assert_eq!(
        sha256_hex(&got.body),
        record.body_sha256,
        "body of #{}",
        record.seq
    );
    let expected: Vec<(String, String)> = record
        .headers
        .iter()
        .filter(|(n, _)| n != "transfer-encoding")
        .cloned()
        .collect();
    assert_eq!(
        sha256_hex(end_to_end_headers(&got.headers).as_bytes()),
        sha256_hex(end_to_end_headers(&expected).as_bytes()),
        "headers of #{}:\n{}\nvs\n{}",
        record.seq,
        end_to_end_headers(&got.headers),
        end_to_end_headers(&expected)
    );
    let length = hooky::headers::get_one(&got.headers, "content-length").unwrap_or("0");
    assert_eq!(
        length,
        record.body_size.to_string(),
        "content-length recomputed"
    );
}

#[test]
fn replays_json_form_and_binary_bodies_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let records = three_kinds();
    let file = write_file(dir.path(), &lines(&records));
    let receiver = receiver(200);
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--all",
            "--to",
            &receiver.base,
        ],
        b"",
    );
    assert_code(&out, 0);
    let got = receiver.requests();
    assert_eq!(got.len(), 3, "{}", stderr(&out));
    for record in &records {
        let received = got.iter().find(|r| r.path == record.path).unwrap();
        assert_same_request(record, received);
        assert!(
            hooky::headers::get_one(&received.headers, "host").is_some_and(|h| h != "example.test"),
            "Host is the target's"
        );
    }
    assert!(stdout(&out).contains("#1 POST"), "{}", stdout(&out));

    // --preserve-host keeps the captured Host; --exact-url sends to --to as given.
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "1",
            "--preserve-host",
            "--exact-url",
            "--to",
            &format!("{}/exact", receiver.base),
        ],
        b"",
    );
    assert_code(&out, 0);
    let last = receiver.requests().pop().unwrap();
    assert_eq!(
        (last.path.as_str(), last.query.as_deref()),
        ("/exact", None)
    );
    assert_eq!(
        hooky::headers::get_one(&last.headers, "host"),
        Some("example.test")
    );
}

/// A capture signed two hours ago with `scheme`.
fn old_signed_capture(scheme: Scheme, secret: &str) -> CaptureRecord {
    let body = br#"{"id":"evt_old","type":"invoice.paid"}"#;
    let signed = signature::sign(
        scheme,
        Keys::new(&[secret.as_bytes()]),
        &hooky::signature::SignedRequest::post(&[], body),
        now() - 7200,
        "msg_old",
    )
    .unwrap()
    .headers;
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    headers.extend(signed);
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut record = capture(1, "/hooks", &refs, body);
    record.verdict = VerdictRecord {
        verdict: VerdictKind::Valid,
        scheme: Some(scheme.name().into()),
        secret_index: Some(1),
        ..Default::default()
    };
    record
}

#[test]
fn resign_verifies_for_every_timestamped_scheme_and_a_plain_replay_does_not() {
    let dir = tempfile::tempdir().unwrap();
    for (scheme, secret) in [
        (Scheme::STRIPE, STRIPE_SECRET),
        (Scheme::STANDARD, STANDARD_SECRET),
        (Scheme::SLACK, SLACK_SECRET),
    ] {
        let file = write_file(dir.path(), &lines(&[old_signed_capture(scheme, secret)]));
        let from = file.to_str().unwrap();
        let receiver = checking_receiver(200, scheme, secret);

        let plain = run(
            &["replay", "--from", from, "1", "--to", &receiver.base],
            b"",
        );
        assert_code(&plain, 1);
        assert!(
            stderr(&plain).contains("will likely reject"),
            "{scheme}: {}",
            stderr(&plain)
        );
        let got = receiver.requests().pop().unwrap();
        assert!(
            matches!(
                verify(scheme, secret, &got.headers, &got.body),
                Verdict::Invalid {
                    failure: Failure::TimestampTooOld { .. },
                    ..
                }
            ),
            "{scheme}"
        );

        let mut command = crate::util::hooky();
        command.env("HOOKY_SECRET", secret);
        let resigned = crate::util::run_in(
            command,
            &[
                "replay",
                "--from",
                from,
                "1",
                "--to",
                &receiver.base,
                "--resign",
            ],
            b"",
        );
        assert_code(&resigned, 0);
        assert!(!stderr(&resigned).contains("will likely reject"));
        let got = receiver.requests().pop().unwrap();
        assert!(
            verify(scheme, secret, &got.headers, &got.body).is_valid(),
            "{scheme}"
        );
        assert_eq!(
            sha256_hex(&got.body),
            old_signed_capture(scheme, secret).body_sha256
        );
        for name in scheme.signature_header_names("") {
            assert!(
                hooky::headers::get_all(&got.headers, &name).len() <= 1,
                "{scheme}: one {name}"
            );
        }
        if scheme == Scheme::STANDARD {
            assert_eq!(
                hooky::headers::get_one(&got.headers, "webhook-id"),
                Some("msg_old"),
                "--keep-id is the default"
            );
            let fresh = run(
                &[
                    "replay",
                    "--from",
                    from,
                    "1",
                    "--to",
                    &receiver.base,
                    "--resign",
                    "--secret",
                    secret,
                    "--new-id",
                    "--repeat",
                    "2",
                ],
                b"",
            );
            assert_code(&fresh, 0);
            let got = receiver.requests();
            let ids: Vec<&str> = got[got.len() - 2..]
                .iter()
                .map(|r| hooky::headers::get_one(&r.headers, "webhook-id").unwrap())
                .collect();
            assert!(
                ids[0] != "msg_old" && ids[1] != "msg_old" && ids[0] != ids[1],
                "{ids:?}"
            );
        }
    }
}

#[test]
fn set_and_unset_edit_the_body_and_resign_or_say_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        &lines(&[old_signed_capture(Scheme::STRIPE, STRIPE_SECRET)]),
    );
    let from = file.to_str().unwrap();
    let receiver = checking_receiver(200, Scheme::STRIPE, STRIPE_SECRET);
    let out = run(
        &[
            "replay",
            "--from",
            from,
            "1",
            "--to",
            &receiver.base,
            "--set",
            "data.amount=500",
            "--unset",
            "type",
            "--secret",
            STRIPE_SECRET,
        ],
        b"",
    );
    assert_code(&out, 0);
    let got = receiver.requests().pop().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"id": "evt_old", "data": {"amount": 500}})
    );
    assert!(verify(Scheme::STRIPE, STRIPE_SECRET, &got.headers, &got.body).is_valid());

    let out = run(
        &[
            "replay",
            "--from",
            from,
            "1",
            "--to",
            &receiver.base,
            "--set",
            "a=1",
        ],
        b"",
    );
    assert_code(&out, 1);
    assert!(stderr(&out).contains("pass --secret"), "{}", stderr(&out));
}

fn filtered(file: &Path, args: &[&str]) -> Vec<u64> {
    let mut all = vec![
        "replay",
        "--list",
        "--json",
        "--from",
        file.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let out = run(&all, b"");
    assert_code(&out, 0);
    json_lines(&out)
        .iter()
        .map(|v| v["seq"].as_u64().unwrap())
        .collect()
}

#[test]
fn selection_filters() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = Vec::new();
    for (seq, event, path, verdict, minutes_ago) in [
        (1, "order.created", "/hooks/a", "valid", 120),
        (2, "order.paid", "/hooks/b", "invalid", 90),
        (3, "customer.created", "/other", "unsigned", 30),
        (4, "order.refunded", "/hooks/a", "valid", 5),
        (5, "ping", "/hooks/a", "valid", 1),
    ] {
        let mut record = capture(seq, path, &[("content-type", "application/json")], b"{}");
        record.event_type = Some(event.into());
        record.verdict.verdict = VerdictKind::from_name(verdict).unwrap();
        record.received_at =
            (chrono::Utc::now() - chrono::Duration::minutes(minutes_ago)).to_rfc3339();
        records.push(record);
    }
    let file = write_file(dir.path(), &lines(&records));
    assert_eq!(filtered(&file, &[]), vec![1, 2, 3, 4, 5]);
    assert_eq!(filtered(&file, &["2-3", "5"]), vec![2, 3, 5]);
    assert_eq!(filtered(&file, &["--event", "order.*"]), vec![1, 2, 4]);
    assert_eq!(
        filtered(&file, &["--event", "*.created", "--verdict", "valid"]),
        vec![1]
    );
    assert_eq!(
        filtered(&file, &["--path", "/hooks/*", "--last", "2"]),
        vec![4, 5]
    );
    assert_eq!(filtered(&file, &["--since", "1h"]), vec![3, 4, 5]);
    assert_eq!(filtered(&file, &["--verdict", "unsigned"]), vec![3]);

    let alias = run(
        &[
            "captures",
            "--json",
            "--from",
            file.to_str().unwrap(),
            "--event",
            "order.*",
        ],
        b"",
    );
    assert_code(&alias, 0);
    assert_eq!(json_lines(&alias).len(), 3);
    assert!(json_lines(&alias).iter().all(|v| v["type"] == "capture"));

    let table = run(&["captures", "--from", file.to_str().unwrap()], b"");
    let text = stdout(&table);
    assert!(
        text.starts_with("SEQ") && text.contains("customer.created") && text.contains("unsigned"),
        "{text}"
    );

    let receiver = receiver(204);
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &receiver.base,
            "--event",
            "order.*",
            "--last",
            "1",
        ],
        b"",
    );
    assert_code(&out, 0);
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/hooks/a");

    // Nothing selected and no terminal: a clear error, not a prompt.
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &receiver.base,
        ],
        b"",
    );
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("no captures selected") && stderr(&out).contains("--all"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &receiver.base,
            "9",
        ],
        b"",
    );
    assert_code(&out, 2);
    assert!(stderr(&out).contains("#9"));
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &receiver.base,
            "--event",
            "nope",
        ],
        b"",
    );
    assert_code(&out, 1);
    assert!(stderr(&out).contains("matches the selection"));
}

#[test]
fn har_export_is_har_1_2_and_imports_back_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    let records = three_kinds();
    let file = write_file(dir.path(), &lines(&records));
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--all",
            "--export",
            "har",
        ],
        b"",
    );
    assert_code(&out, 0);
    let har: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "hooky");
    assert!(log["creator"]["version"].is_string());
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for (entry, record) in entries.iter().zip(&records) {
        assert!(
            chrono::DateTime::parse_from_rfc3339(entry["startedDateTime"].as_str().unwrap())
                .is_ok()
        );
        let request = &entry["request"];
        assert_eq!(request["method"], "POST");
        assert!(
            request["url"]
                .as_str()
                .unwrap()
                .starts_with("http://example.test/hooks/")
        );
        assert_eq!(request["httpVersion"], "HTTP/1.1");
        assert_eq!(
            request["headers"].as_array().unwrap().len(),
            record.headers.len()
        );
        assert!(request["queryString"].is_array());
        assert!(
            request["postData"]["mimeType"].is_string() && request["postData"]["text"].is_string()
        );
        assert_eq!(request["headersSize"], -1);
        assert_eq!(request["bodySize"], record.body_size);
        assert!(
            entry["response"]["status"].is_number() && entry["response"]["content"].is_object()
        );
        assert!(entry["cache"].is_object());
        for timing in ["send", "wait", "receive"] {
            assert!(entry["timings"][timing].as_f64().unwrap() >= 0.0);
        }
    }
    assert_eq!(
        entries[0]["request"]["queryString"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(entries[2]["request"]["postData"]["encoding"], "base64");

    // HAR → capture lines is lossless, and HAR → replay sends the same bytes.
    let har_file = dir.path().join("export.har");
    std::fs::write(&har_file, &out.stdout).unwrap();
    let back = run(
        &[
            "replay",
            "--from",
            har_file.to_str().unwrap(),
            "--all",
            "--export",
            "jsonl",
        ],
        b"",
    );
    assert_code(&back, 0);
    let reread = hooky::capture::read_captures(back.stdout.as_slice()).unwrap();
    assert!(reread.skipped.is_empty());
    assert_eq!(reread.records, records);

    let receiver = receiver(200);
    let sent = run(
        &[
            "replay",
            "--from",
            har_file.to_str().unwrap(),
            "--all",
            "--to",
            &receiver.base,
        ],
        b"",
    );
    assert_code(&sent, 0);
    let got = receiver.requests();
    for record in &records {
        assert_same_request(record, got.iter().find(|r| r.path == record.path).unwrap());
    }
}

#[test]
fn malformed_lines_are_skipped_by_number_and_the_rest_replays() {
    let dir = tempfile::tempdir().unwrap();
    let records = three_kinds();
    let mut damaged = capture(4, "/hooks/damaged", &[], b"original");
    damaged.body = Some("edited".into());
    let truncated = capture(5, "/hooks/t", &[], b"x").to_line()[..50].to_string();
    let file = write_file(
        dir.path(),
        &[
            records[0].to_line(),
            "{not json\n".into(),
            records[1].to_line(),
            damaged.to_line(),
            truncated,
        ],
    );
    let receiver = receiver(200);
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--all",
            "--to",
            &receiver.base,
        ],
        b"",
    );
    let err = stderr(&out);
    assert!(err.contains("line 2 skipped"), "{err}");
    assert!(err.contains("line 5 skipped: truncated"), "{err}");
    assert!(
        err.contains("capture #4") && err.contains("SHA-256"),
        "{err}"
    );
    assert_code(&out, 1); // the damaged capture was not replayed
    let mut paths: Vec<String> = receiver.requests().into_iter().map(|r| r.path).collect();
    paths.sort();
    assert_eq!(paths, vec!["/hooks/form", "/hooks/json"]);
}

#[test]
fn dry_run_sends_nothing_and_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut gitlab = capture(
        2,
        "/gl",
        &[
            ("x-gitlab-token", "captured-token"),
            ("content-type", "text/plain"),
        ],
        b"hi",
    );
    gitlab.verdict.scheme = Some("gitlab".into());
    let file = write_file(
        dir.path(),
        &lines(&[old_signed_capture(Scheme::STRIPE, STRIPE_SECRET), gitlab]),
    );
    let receiver = receiver(200);
    let out = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--all",
            "--to",
            &receiver.base,
            "--dry-run",
            "--resign",
            "--secret",
            STRIPE_SECRET,
            "--scheme",
            "stripe",
        ],
        b"",
    );
    assert_code(&out, 0);
    assert!(receiver.requests().is_empty());
    let text = stdout(&out);
    assert!(
        text.contains(&format!("POST {}/hooks", receiver.base)),
        "{text}"
    );
    assert!(
        text.contains("invoice.paid") && text.contains("Stripe-Signature: t="),
        "{text}"
    );
    for output in [stdout(&out), stderr(&out)] {
        assert!(!output.contains(STRIPE_SECRET) && !output.contains("captured-token"));
    }
    let json = run(
        &[
            "replay",
            "--json",
            "--from",
            file.to_str().unwrap(),
            "1",
            "--dry-run",
            "--to",
            &receiver.base,
        ],
        b"",
    );
    assert_code(&json, 0);
    let lines = json_lines(&json);
    assert_eq!(lines[0]["type"], "request");
    assert_eq!(lines[0]["url"], format!("{}/hooks", receiver.base));
    assert_eq!(lines[0]["resigned"], false);
    assert_eq!(
        lines[0]["body"],
        r#"{"id":"evt_old","type":"invoice.paid"}"#
    );
    assert!(receiver.requests().is_empty());
}

#[test]
fn exit_codes_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), &lines(&three_kinds()));
    let from = file.to_str().unwrap();

    let failing = receiver(500);
    let out = run(
        &[
            "replay",
            "--json",
            "--from",
            from,
            "1",
            "--to",
            &failing.url,
            "--diff",
        ],
        b"",
    );
    assert_code(&out, 1);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["type"], "replay");
    assert_eq!(lines[0]["status"], 500);
    assert_eq!(lines[0]["diff"]["captured_status"], 200);
    assert_eq!(lines[0]["diff"]["status_same"], false);
    assert_eq!(lines[1]["type"], "summary");
    assert_eq!(lines[1]["failed"], 1);

    let ok = receiver(200);
    let out = run(
        &[
            "replay",
            "--json",
            "--from",
            from,
            "--all",
            "--to",
            &ok.url,
            "--repeat",
            "3",
            "--concurrency",
            "2",
            "--shuffle",
            "--seed",
            "4",
        ],
        b"",
    );
    assert_code(&out, 0);
    assert_eq!(ok.requests().len(), 9);
    let summary = json_lines(&out).pop().unwrap();
    assert_eq!(
        (summary["sent"].as_u64(), summary["succeeded"].as_u64()),
        (Some(9), Some(9))
    );

    let nobody = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let out = run(&["replay", "--from", from, "1", "--to", &nobody], b"");
    assert_code(&out, 1);

    for (args, needle) in [
        (
            vec!["replay", "--from", "/nonexistent/captures.jsonl", "--all"],
            "cannot read",
        ),
        (vec!["replay", "--from", from, "--all"], "--to"),
        (
            vec!["replay", "--from", from, "1-x", "--to", &ok.url],
            "range",
        ),
        (vec!["replay", "--from", from, "--show", "42"], "#42"),
    ] {
        let out = run(&args, b"");
        assert_code(&out, 2);
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

/// Runs a `--export curl` command with bash, as a person pasting it would.
fn run_exported_curl(command: &str) -> std::process::Output {
    std::process::Command::new("bash")
        .args(["-c", command])
        .output()
        .expect("bash runs")
}

#[test]
fn exported_curl_sends_header_bytes_exactly_and_quotes_names() {
    let target = receiver(200);
    let dir = tempfile::tempdir().unwrap();
    // U+0085 (NEL) is a C1 control: two bytes in UTF-8, which the command must keep as two.
    let mut record = capture(
        1,
        "/hooks",
        &[
            ("X-C1", "a\u{85}b\u{9b}c é"),
            ("Content-Type", "text/plain"),
        ],
        b"hi",
    );
    // Query bytes the URL parser would re-escape (`'` as `%27`), and braces curl would expand.
    record.query = Some("q='x'&set={a,b}&r=[1-3]".into());
    let file = write_file(dir.path(), &lines(&[record]));
    let output = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &target.base,
            "--export",
            "curl",
            "1",
        ],
        b"",
    );
    assert_code(&output, 0);
    let sent = run_exported_curl(&stdout(&output));
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let got = target.wait_for(1, std::time::Duration::from_secs(10));
    assert_eq!(got[0].header("x-c1"), Some("a\u{85}b\u{9b}c é"));
    assert_eq!(got[0].body, b"hi");
    assert_eq!(got[0].query.as_deref(), Some("q='x'&set={a,b}&r=[1-3]"));
    assert_eq!(
        target.requests().len(),
        1,
        "curl sent one request, not a glob"
    );
}

#[test]
fn a_header_name_that_is_not_a_token_is_refused_on_import() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let hostile = format!("Authorization $(touch {})", marker.display());
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [
        {"request": {"method": "POST", "url": "http://127.0.0.1:9/hooks",
            "headers": [{"name": hostile, "value": "Bearer x"}],
            "postData": {"mimeType": "text/plain", "text": "x"}}},
        {"request": {"method": "POST", "url": "http://127.0.0.1:9/ok",
            "headers": [{"name": "X-Fine", "value": "1"}],
            "postData": {"mimeType": "text/plain", "text": "y"}}},
    ]}});
    let path = dir.path().join("in.har");
    std::fs::write(&path, har.to_string()).unwrap();
    let output = run(
        &[
            "replay",
            "--from",
            path.to_str().unwrap(),
            "--export",
            "curl",
            "--all",
            "--to",
            "http://127.0.0.1:9",
        ],
        b"",
    );
    assert!(
        stderr(&output).contains("entry 1 skipped"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("not an HTTP token"),
        "{}",
        stderr(&output)
    );
    let curl = stdout(&output);
    assert!(!curl.contains("touch"), "{curl}");
    assert!(curl.contains("X-Fine: 1"), "{curl}");

    // The same name in a capture file: the line is skipped, with its number.
    let mut record = capture(1, "/hooks", &[("Content-Type", "text/plain")], b"x");
    record.headers.push((hostile.clone(), "v".into()));
    let file = write_file(dir.path(), &lines(&[record]));
    let output = run(
        &[
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--export",
            "curl",
            "--all",
            "--to",
            "http://127.0.0.1:9",
        ],
        b"",
    );
    assert!(
        stderr(&output).contains("line 1 skipped"),
        "{}",
        stderr(&output)
    );
    assert!(!stdout(&output).contains("touch"));
    let _ = run_exported_curl(&stdout(&output));
    assert!(!marker.exists());
}

#[test]
fn without_to_a_planted_host_is_never_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let planted = capture(
        1,
        "/hooks",
        &[
            ("Host", "localhost:8080@attacker.test"),
            ("Content-Type", "text/plain"),
        ],
        b"x",
    );
    let plain = capture(2, "/ok", &[("Host", "localhost:8080")], b"y");
    let file = write_file(dir.path(), &lines(&[planted, plain]));
    let from = file.to_str().unwrap();
    let output = run(
        &["replay", "--from", from, "--export", "curl", "--all"],
        b"",
    );
    assert_code(&output, 1);
    assert!(!stdout(&output).contains("attacker"), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("not a plain host[:port]"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("http://localhost:8080/ok"));
    let output = run(&["replay", "1", "--from", from, "--dry-run"], b"");
    assert!(
        !stdout(&output).contains("attacker.test/"),
        "{}",
        stdout(&output)
    );
    assert_ne!(output.status.code(), Some(0));
    let output = run(&["replay", "--from", from, "--export", "har", "--all"], b"");
    let har: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        har["log"]["entries"][0]["request"]["url"],
        "http://localhost/hooks"
    );
}

#[test]
fn show_escapes_what_the_file_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut record = capture(1, "/hooks", &[("X-A", "1")], b"x");
    record.verdict.scheme = Some("gith\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2Jub".into());
    let file = write_file(dir.path(), &lines(&[record]));
    let output = run(
        &["replay", "--from", file.to_str().unwrap(), "--show", "1"],
        b"",
    );
    assert_code(&output, 0);
    let text = stdout(&output);
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(text.contains("gith\\x1b]52"), "{text}");
}

/// The query goes out with the bytes it was captured with: the URL parser's `'` → `%27` would
/// change what a URL-signing receiver checks.
#[test]
fn replay_keeps_the_captured_query_bytes() {
    let target = receiver(200);
    let dir = tempfile::tempdir().unwrap();
    let mut record = capture(1, "/hooks", &[("Content-Type", "text/plain")], b"hi");
    record.query = Some("q='x'&n=1".into());
    let file = write_file(dir.path(), &lines(&[record]));
    let output = run(
        &[
            "replay",
            "1",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &target.base,
        ],
        b"",
    );
    assert_code(&output, 0);
    let got = target.wait_for(1, std::time::Duration::from_secs(10));
    assert_eq!(got[0].path, "/hooks");
    assert_eq!(got[0].query.as_deref(), Some("q='x'&n=1"));
    assert_eq!(got[0].body, b"hi");
    let host = target.base.trim_start_matches("http://");
    assert_eq!(got[0].header("host"), Some(host));
    assert!(got[0].header("user-agent").unwrap().starts_with("hooky/"));
}

#[test]
fn a_capture_that_cannot_go_out_is_the_one_json_error_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut damaged = capture(1, "/hook", &[], b"plain");
    damaged.body_sha256 = "0".repeat(64);
    let file = write_file(dir.path(), &lines(&[damaged]));
    let receiver = receiver(200);
    let out = run(
        &[
            "--json",
            "replay",
            "--from",
            file.to_str().unwrap(),
            "1",
            "--to",
            &receiver.base,
        ],
        b"",
    );
    assert_code(&out, 1);
    let records = json_lines(&out);
    let error = records.iter().find(|r| r["type"] == "error").unwrap();
    assert_eq!(error["seq"], 1, "{error}");
    assert!(error["error"].as_str().unwrap().starts_with("capture #1: "));
    assert!(error.get("message").is_none(), "{error}");
    assert!(receiver.requests().is_empty());
}

#[test]
fn a_large_selection_streams_in_order_and_byte_exact() {
    let dir = tempfile::tempdir().unwrap();
    let records: Vec<CaptureRecord> = (1..=1200u64)
        .map(|seq| {
            let body = if seq % 7 == 0 {
                vec![0, 255, seq as u8, b'\n']
            } else {
                format!(
                    r#"{{"id":"evt_{seq}","n":{seq},"text":"caf\u00e9 {}"}}"#,
                    "x".repeat((seq % 50) as usize)
                )
                .into_bytes()
            };
            let headers = [("user-agent", "Sender/2.0"), ("x-seq", &seq.to_string())];
            let mut record = capture(seq, &format!("/hooks/{}", seq % 3), &headers, &body);
            record.event_type = Some(
                if seq % 2 == 0 {
                    "order.created"
                } else {
                    "invoice.paid"
                }
                .into(),
            );
            record
        })
        .collect();
    let file = write_file(dir.path(), &lines(&records));
    let from = file.to_str().unwrap();
    let receiver = receiver(200);
    let replay = |extra: &[&str]| {
        let mut args = vec![
            "replay",
            "--from",
            from,
            "--to",
            &receiver.base,
            "--concurrency",
            "1",
            "--json",
        ];
        args.extend_from_slice(extra);
        run(&args, b"")
    };

    // One worker: the replays arrive in the file's order, each as it was captured.
    let out = replay(&["--all"]);
    assert_code(&out, 0);
    let got = receiver.requests();
    assert_eq!(got.len(), 1200);
    for (record, received) in records.iter().zip(&got) {
        assert_eq!(
            received.header("x-seq"),
            Some(record.seq.to_string().as_str())
        );
        assert_same_request(record, received);
    }
    let summary = json_lines(&out).pop().unwrap();
    assert_eq!(
        (summary["sent"].as_u64(), summary["succeeded"].as_u64()),
        (Some(1200), Some(1200))
    );

    // Filters and --last read the file twice (count, then send), --repeat goes round again.
    let out = replay(&[
        "--event", "order.*", "--path", "/hooks/1", "--last", "3", "--repeat", "2",
    ]);
    assert_code(&out, 0);
    let seqs: Vec<String> = receiver.requests()[1200..]
        .iter()
        .map(|r| r.header("x-seq").unwrap().to_string())
        .collect();
    assert_eq!(seqs, ["1186", "1192", "1198", "1186", "1192", "1198"]);

    // A number that is not there is named before anything is sent.
    let out = replay(&["7", "1201-1205", "99999"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("no capture #99999"),
        "{}",
        stderr(&out)
    );
    let out = replay(&["--event", "nothing.*"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("matches the selection"),
        "{}",
        stderr(&out)
    );
    assert_eq!(receiver.requests().len(), 1206);
}

#[test]
fn a_replay_into_the_listener_capturing_into_its_file_ends_at_the_files_old_end() {
    let listener = crate::util::listen(&["-q"]);
    let file = listener.dir.path().join(".hooky/captures.jsonl");
    let hooks = format!("{}/hooks", listener.url);
    let sent = run(
        &["send", "order.completed", "--to", &hooks, "--count", "5"],
        b"",
    );
    assert_code(&sent, 0);
    let count_lines = || std::fs::read_to_string(&file).unwrap().lines().count();
    assert_eq!(count_lines(), 5);
    // Each replay is captured into the file being replayed: the replay must not read them back.
    let mut child = crate::util::hooky()
        .args([
            "replay",
            "--from",
            file.to_str().unwrap(),
            "--event",
            "order.*",
            "--to",
        ])
        .arg(&listener.url)
        .args(["--json", "--concurrency", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!(
                "the replay did not end: {} lines in the file",
                count_lines()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 0);
    let summary = json_lines(&out).pop().unwrap();
    assert_eq!(summary["sent"], 5, "{}", stderr(&out));
    assert_eq!(count_lines(), 10);
}
