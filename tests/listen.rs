//! `hooky listen`: the real binary on a free port, driven with real HTTP requests.

use std::io::{Read, Write};
use std::time::Duration;

use hooky::signature::Scheme;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::util::{
    assert_code, http_client, json_lines, listen, listen_in, post_with, sign_headers, stderr,
    stdout,
};

const OLD: &str = "whsec_b2xkLXNlY3JldA==";
const NEW: &str = "whsec_bmV3LXNlY3JldA==";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

trait JsonBody {
    async fn json_value(self) -> Value;
}

impl JsonBody for reqwest::Response {
    async fn json_value(self) -> Value {
        let text = self.text().await.unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }
}

fn requests(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l["type"] == "request").collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scheme_valid_tampered_stale_and_rotated() {
    let l = listen(&["--json", "--secret", OLD, "--secret", NEW]);
    let body = br#"{"type":"order.completed","id":"evt_1"}"#;
    let mut expected = Vec::new();
    for scheme in [
        Scheme::HEX,
        Scheme::GITHUB,
        Scheme::STRIPE,
        Scheme::STANDARD,
        Scheme::SHOPIFY,
        Scheme::SLACK,
        Scheme::GITLAB,
    ] {
        let url = format!("{}/{}", l.url, scheme.name());
        let valid = post_with(&url, &sign_headers(scheme, OLD, body, now()), body).await;
        assert_eq!(valid.status(), 200, "{scheme} valid");
        expected.push((scheme, "valid", Some(1)));

        let rotated = post_with(&url, &sign_headers(scheme, NEW, body, now()), body).await;
        assert_eq!(rotated.status(), 200, "{scheme} rotated");
        expected.push((scheme, "valid", Some(2)));

        let tampered_headers = if scheme == Scheme::GITLAB {
            sign_headers(scheme, "wrong-token", body, now())
        } else {
            sign_headers(scheme, OLD, body, now())
        };
        let tampered = post_with(
            &url,
            &tampered_headers,
            br#"{"type":"order.completed","id":"evt_2"}"#,
        )
        .await;
        assert_eq!(tampered.status(), 401, "{scheme} tampered");
        let answer: Value = tampered.json_value().await;
        assert_eq!(answer["error"], "invalid_signature");
        let code = if scheme == Scheme::GITLAB {
            "token_mismatch"
        } else {
            "signature_mismatch"
        };
        assert_eq!(answer["code"], code, "{scheme}");
        expected.push((scheme, "invalid", None));

        if scheme.is_timestamped() {
            let stale = post_with(&url, &sign_headers(scheme, OLD, body, now() - 3600), body).await;
            assert_eq!(stale.status(), 401, "{scheme} stale");
            let answer: Value = stale.json_value().await;
            assert_eq!(answer["code"], "timestamp_too_old", "{scheme}");
            expected.push((scheme, "invalid", None));
        }
    }
    // The user gave a secret: an unsigned request is refused too.
    let unsigned = post_with(&format!("{}/plain", l.url), &[], b"hello").await;
    assert_eq!(unsigned.status(), 401);
    let answer: Value = unsigned.json_value().await;
    assert_eq!(answer["code"], "missing_signature");
    assert!(
        answer["hint"]
            .as_str()
            .unwrap()
            .contains("X-Hub-Signature-256"),
        "{answer}"
    );

    let captures = l.captures();
    let (output, _dir) = l.interrupt();
    assert_code(&output, 0);
    let lines = json_lines(&output);
    assert_eq!(lines[0]["type"], "listening");
    let seen = requests(&lines);
    assert_eq!(seen.len(), expected.len() + 1);
    for (line, (scheme, verdict, index)) in seen.iter().zip(&expected) {
        assert_eq!(line["verdict"]["verdict"], *verdict, "{scheme}: {line}");
        assert_eq!(line["verdict"]["scheme"], scheme.name());
        if let Some(index) = index {
            assert_eq!(line["verdict"]["secret_index"], *index);
        }
    }
    assert_eq!(seen.last().unwrap()["verdict"]["verdict"], "unsigned");
    // The capture never holds a secret, not even GitLab's token that travels in a header.
    let capture_text = captures.iter().map(|r| r.to_line()).collect::<String>();
    for secret in [OLD, NEW] {
        assert!(
            !capture_text.contains(secret),
            "a secret leaked into the capture"
        );
        assert!(!stdout(&output).contains(secret));
        assert!(!stderr(&output).contains(secret));
    }
    assert!(capture_text.contains(r#""(redacted)""#));
    assert_eq!(captures.len(), seen.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reformatted_body_gets_the_proxy_hint() {
    let l = listen(&["--secret", OLD, "--count", "1", "-v"]);
    let signed = br#"{"type":"a","data":{"x":1}}"#;
    let pretty = serde_json::to_vec_pretty(&json!({"type":"a","data":{"x":1}})).unwrap();
    let answer = post_with(
        &l.url,
        &sign_headers(Scheme::GITHUB, OLD, signed, 0),
        &pretty,
    )
    .await;
    assert_eq!(answer.status(), 401);
    let (output, _dir) = l.wait();
    assert_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("body re-serialised on the way (-v)"),
        "{text}"
    );
    assert!(text.contains("signature mismatch"), "{text}");
    assert!(
        text.contains("probably re-serialised by a proxy or framework"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_and_a_byte_exact_capture() {
    let l = listen(&["--json", "--count", "2", "-v"]);
    let binary: Vec<u8> = (0..=255u8).rev().chain(0..=255u8).collect();
    let answer = http_client()
        .put(format!("{}/upload?a=1&a=2", l.url))
        .header("X-Dup", "first")
        .header("X-Dup", "second")
        .header("Content-Type", "application/octet-stream")
        .body(binary.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), r#"{"received":true}"#);
    let text = br#"{"type":"order.completed","id":"evt_9","data":{"amount":500}}"#;
    post_with(&format!("{}/hooks", l.url), &[], text).await;

    let (output, dir) = l.wait();
    assert_code(&output, 0);
    let lines = json_lines(&output);
    assert_eq!(lines[0]["type"], "listening");
    assert!(
        lines[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let first = &lines[1];
    for key in [
        "seq",
        "id",
        "received_at",
        "method",
        "path",
        "query",
        "headers",
        "body",
        "body_encoding",
        "body_size",
        "content_type",
        "event_type",
        "event_id",
        "remote_addr",
        "verdict",
        "status",
        "duplicate_of",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    assert_eq!(first["method"], "PUT");
    assert_eq!(first["query"], "a=1&a=2");
    assert_eq!(first["body_encoding"], "base64");
    assert_eq!(first["body_size"], 512);
    assert_eq!(first["content_type"], "application/octet-stream");
    assert_eq!(lines[2]["body"], std::str::from_utf8(text).unwrap());
    assert_eq!(lines[2]["event_type"], "order.completed");
    assert_eq!(lines[2]["event_id"], "evt_9");

    let file = std::fs::read(dir.path().join(".hooky/captures.jsonl")).unwrap();
    let records = hooky::capture::read_captures(file.as_slice())
        .unwrap()
        .records;
    assert_eq!(records.len(), 2);
    let bytes = records[0].body_bytes().unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        hex::encode(Sha256::digest(&binary))
    );
    assert_eq!(records[0].body_sha256, hex::encode(Sha256::digest(&binary)));
    let dups: Vec<&str> = records[0]
        .headers
        .iter()
        .filter(|(n, _)| n == "x-dup")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(dups, vec!["first", "second"]);
    assert_eq!(records[1].body_bytes().unwrap(), text);
    assert_eq!(records[0].status, 200);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(dir.path().join(".hooky/captures.jsonl")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    // A later session continues the sequence.
    let l = listen_in(dir, &["--json", "--count", "1"]);
    post_with(&l.url, &[], b"again").await;
    let (output, _dir) = l.wait();
    assert_eq!(requests(&json_lines(&output))[0]["seq"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_modes() {
    let l = listen(&[
        "--status",
        "202",
        "--response-body",
        "accepted",
        "--response-header",
        "X-Handled-By: hooky",
        "--response-header",
        "Content-Type: text/x-custom",
        "--delay",
        "10ms",
    ]);
    let answer = post_with(&l.url, &[], b"{}").await;
    assert_eq!(answer.status(), 202);
    assert_eq!(answer.headers()["x-handled-by"], "hooky");
    assert_eq!(answer.headers()["content-type"], "text/x-custom");
    assert_eq!(answer.text().await.unwrap(), "accepted");
    let (output, _) = l.interrupt();
    assert_code(&output, 0);

    let l = listen(&["--respond-seq", "500,429:retry-after=2,200"]);
    let mut got = Vec::new();
    for _ in 0..4 {
        let answer = post_with(&l.url, &[], b"{}").await;
        got.push((
            answer.status().as_u16(),
            answer
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string()),
        ));
    }
    assert_eq!(
        got,
        vec![
            (500, None),
            (429, Some("2".to_string())),
            (200, None),
            (200, None)
        ]
    );
    let captured: Vec<u16> = l.captures().iter().map(|r| r.status).collect();
    assert_eq!(captured, vec![500, 429, 200, 200]);
    l.interrupt();

    let l = listen(&["--respond-seq", "500,200", "--respond-seq-per-event"]);
    let mut got = Vec::new();
    for id in ["a", "b", "a", "b"] {
        let body = json!({ "id": id }).to_string();
        got.push(
            post_with(&l.url, &[], body.as_bytes())
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(got, vec![500, 500, 200, 200]);
    l.interrupt();

    // The same seed gives the same failures; rate 1 fails everything.
    let mut runs = Vec::new();
    for _ in 0..2 {
        let l = listen(&["--fail-rate", "0.5", "--seed", "7"]);
        let mut statuses = Vec::new();
        for _ in 0..16 {
            statuses.push(post_with(&l.url, &[], b"x").await.status().as_u16());
        }
        l.interrupt();
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].contains(&500) && runs[0].contains(&200),
        "{:?}",
        runs[0]
    );
    let l = listen(&["--fail-rate", "1"]);
    assert_eq!(post_with(&l.url, &[], b"x").await.status(), 500);
    l.interrupt();

    // Report mode answers an invalid signature normally.
    let l = listen(&["--secret", OLD, "--verify-mode", "report", "--json"]);
    let headers = sign_headers(Scheme::GITHUB, OLD, b"signed", 0);
    assert_eq!(post_with(&l.url, &headers, b"tampered").await.status(), 200);
    let (output, _) = l.interrupt();
    assert_eq!(
        requests(&json_lines(&output))[0]["verdict"]["code"],
        "signature_mismatch"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_are_marked_as_duplicates() {
    let l = listen(&["--json"]);
    let body = br#"{"id":"evt_same","type":"x"}"#;
    post_with(&l.url, &[], body).await;
    post_with(&l.url, &[], br#"{"id":"evt_other"}"#).await;
    post_with(&l.url, &[], body).await;
    let header = vec![("X-GitHub-Delivery".to_string(), "d-1".to_string())];
    post_with(&l.url, &header, b"a").await;
    post_with(&l.url, &header, b"b").await;
    let (output, _) = l.interrupt();
    let dups: Vec<Value> = requests(&json_lines(&output))
        .iter()
        .map(|r| r["duplicate_of"].clone())
        .collect();
    assert_eq!(
        dups,
        vec![Value::Null, Value::Null, json!(1), Value::Null, json!(4)]
    );
}

/// A small app for `--forward-to`: answers 201 with the SHA-256 of the body it got, and what it saw.
async fn app() -> (String, tokio::task::JoinHandle<()>) {
    use axum::http::HeaderMap;
    let router = axum::Router::new().fallback(
        |method: axum::http::Method,
         uri: axum::http::Uri,
         headers: HeaderMap,
         body: axum::body::Bytes| async move {
            let seen = json!({
                "sha256": hex::encode(Sha256::digest(&body)),
                "method": method.as_str(),
                "uri": uri.to_string(),
                "verified": headers.get("x-hooky-verified").map(|v| v.to_str().unwrap()),
                "connection_headers": headers.get("x-hop").is_some(),
            });
            (
                axum::http::StatusCode::CREATED,
                [("x-app", "yes")],
                seen.to_string(),
            )
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_to_relays_exact_bytes_and_survives_a_dead_app() {
    let (app_url, task) = app().await;
    let l = listen(&["--secret", OLD, "--forward-to", &app_url, "--json"]);
    let body: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut headers = sign_headers(Scheme::GITHUB, OLD, &body, 0);
    headers.push(("Connection".into(), "x-hop".into()));
    headers.push(("X-Hop".into(), "1".into()));
    let answer = post_with(&format!("{}/hooks/in?x=1", l.url), &headers, &body).await;
    assert_eq!(answer.status(), 201);
    assert_eq!(answer.headers()["x-app"], "yes");
    let seen: Value = answer.json_value().await;
    assert_eq!(seen["sha256"], hex::encode(Sha256::digest(&body)));
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["uri"], "/hooks/in?x=1");
    assert_eq!(seen["verified"], "ok");
    assert_eq!(seen["connection_headers"], false);

    // An invalid signature is not forwarded.
    let rejected = post_with(&l.url, &headers, b"tampered").await;
    assert_eq!(rejected.status(), 401);

    task.abort();
    let _ = task.await;
    let dead = post_with(&l.url, &sign_headers(Scheme::GITHUB, OLD, b"x", 0), b"x").await;
    assert_eq!(dead.status(), 502);
    let error: Value = dead.json_value().await;
    assert_eq!(error["error"], "forward_failed");
    // The listener keeps going.
    assert_eq!(
        post_with(&l.url, &sign_headers(Scheme::GITHUB, OLD, b"x", 0), b"x")
            .await
            .status(),
        502
    );

    let captures = l.captures();
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
    let lines = json_lines(&output);
    let seen = requests(&lines);
    assert_eq!(seen[0]["forward"]["status"], 201);
    assert_eq!(seen[0]["status"], 201);
    assert!(seen[1]["forward"].is_null());
    assert!(
        seen[2]["forward"]["error"]
            .as_str()
            .unwrap()
            .contains("connect")
    );
    assert_eq!(
        captures.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![201, 401, 502, 502]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_app_gives_504() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts and never answers.
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            held.push(stream);
        }
    });
    let l = listen(&["--forward-to", &url, "--forward-timeout", "200ms"]);
    let answer = post_with(&l.url, &[], b"x").await;
    assert_eq!(answer.status(), 504);
    l.interrupt();
    task.abort();
}

#[test]
fn count_timeout_and_expect_exit_codes() {
    let l = listen(&["--timeout", "200ms", "--count", "1"]);
    let (output, _) = l.wait();
    assert_code(&output, 124);
    assert!(
        stderr(&output).contains("0 of 1 matching request(s) arrived"),
        "{}",
        stderr(&output)
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let l = listen(&[
        "--expect",
        "type=order.completed",
        "--expect",
        "json:data.amount=500",
        "--expect",
        "path=/hooks/x",
        "--count",
        "1",
        "--timeout",
        "30s",
        "--json",
    ]);
    runtime.block_on(async {
        post_with(
            &format!("{}/hooks/x", l.url),
            &[],
            br#"{"type":"order.completed","data":{"amount":1}}"#,
        )
        .await;
        post_with(
            &format!("{}/hooks/y", l.url),
            &[],
            br#"{"type":"order.completed","data":{"amount":500}}"#,
        )
        .await;
        post_with(
            &format!("{}/hooks/x", l.url),
            &[],
            br#"{"type":"order.completed","data":{"amount":500}}"#,
        )
        .await;
    });
    let (output, _) = l.wait();
    assert_code(&output, 0);
    assert_eq!(requests(&json_lines(&output)).len(), 3);

    let output = crate::util::run(&["listen", "--expect", "colour=red"], b"");
    assert_code(&output, 2);
    assert!(stderr(&output).contains("invalid --expect"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_with_requests_in_flight_loses_nothing() {
    let l = listen(&["--delay", "300ms", "--json"]);
    let url = l.url.clone();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({ "id": format!("evt_{i}") }).to_string();
            let answer = post_with(&url, &[], body.as_bytes()).await;
            (format!("evt_{i}"), answer.status().as_u16())
        }));
    }
    // Wait until every request is captured (they are then all in their 300ms delay), then interrupt.
    l.captured(16).await;
    let (output, dir) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
    let mut answered = Vec::new();
    for task in tasks {
        let (id, status) = task.await.unwrap();
        assert_eq!(status, 200, "{id} was not answered");
        answered.push(id);
    }
    let file = std::fs::read(dir.path().join(".hooky/captures.jsonl")).unwrap();
    let records = hooky::capture::read_captures(file.as_slice()).unwrap();
    assert!(records.skipped.is_empty());
    for id in answered {
        assert!(
            records
                .records
                .iter()
                .any(|r| r.event_id.as_deref() == Some(&id) && r.status == 200),
            "{id} answered 200 but not captured"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_serves_the_capture_with_etags_and_checks_the_host() {
    let l = listen(&[]);
    for i in 1..=3 {
        let body = json!({ "id": format!("evt_{i}"), "type": "order.completed" }).to_string();
        post_with(&format!("{}/hooks", l.url), &[], body.as_bytes()).await;
    }
    let feed = l.own("/_hooky/requests?since=1");
    let first = http_client().get(&feed).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"));
    assert!(first.headers().contains_key("last-modified"));
    let page: Value = first.json_value().await;
    let seqs: Vec<u64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, vec![2, 3]);
    let item = &page["items"][0];
    for key in [
        "seq",
        "id",
        "received_at",
        "type",
        "method",
        "path",
        "verdict",
        "body",
    ] {
        assert!(item.get(key).is_some(), "{key}");
    }
    assert_eq!(item["type"], "order.completed");

    let again = http_client()
        .get(&feed)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    post_with(&l.url, &[], b"{}").await;
    let changed = http_client()
        .get(&feed)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);

    let one: Value = http_client()
        .get(l.own("/_hooky/requests/2"))
        .send()
        .await
        .unwrap()
        .json_value()
        .await;
    assert_eq!(one["seq"], 2);
    assert_eq!(one["event_id"], "evt_2");
    let missing = http_client()
        .get(l.own("/_hooky/requests/99"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let rebinding = http_client()
        .get(&feed)
        .header("Host", "evil.example:80")
        .send()
        .await
        .unwrap();
    assert_eq!(rebinding.status(), 403);
    let port = l.url.rsplit(':').next().unwrap().to_string();
    let localhost = http_client()
        .get(&feed)
        .header("Host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(localhost.status(), 200);
    // Feed requests are not captured themselves.
    assert_eq!(l.captures().len(), 4);
    l.interrupt();

    let l = listen(&["--no-capture"]);
    let off = http_client()
        .get(l.own("/_hooky/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 404);
    let error: Value = off.json_value().await;
    assert_eq!(error["error"], "no_capture");
    assert!(!l.capture_path().exists());
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_broken_clients() {
    let l = listen(&["--max-body", "64", "--client-timeout", "1s", "--json"]);
    let answer = post_with(&l.url, &[], &[b'a'; 200]).await;
    assert_eq!(answer.status(), 413);
    let captures = l.captures();
    assert_eq!(captures[0].status, 413);
    assert_eq!(captures[0].body, None);
    assert_eq!(captures[0].body_size, 200);
    assert!(
        captures[0]
            .body_omitted
            .as_deref()
            .unwrap()
            .contains("too large")
    );

    // Invalid HTTP gets 400; the listener goes on.
    let addr = l.url.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(b"THIS IS NOT HTTP\r\n\r\n").unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");

    // A client that stalls in its headers is cut off after --client-timeout.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut rest = Vec::new();
    let closed = slow.read_to_end(&mut rest);
    assert!(
        closed.is_ok(),
        "the stalled connection was not closed: {closed:?}"
    );

    assert_eq!(post_with(&l.url, &[], b"still here").await.status(), 200);
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capture_that_cannot_be_written_gives_503_and_one_error() {
    // A capture file already at the file size limit: every append fails with EFBIG. (/dev/full
    // would be simpler, but a capture must be a regular file.)
    let files = tempfile::tempdir().unwrap();
    let capture = files.path().join("full.jsonl");
    let mut line = r#"{"seq":1,"pad":""#.to_string();
    line.push_str(&"p".repeat(3000 - line.len() - 3));
    line.push_str("\"}\n");
    std::fs::write(&capture, &line).unwrap();
    let mut command = std::process::Command::new("prlimit");
    command
        .arg("--fsize=3000:3000")
        .arg(env!("CARGO_BIN_EXE_hooky"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("NO_COLOR", "1");
    let l = crate::util::listen_via(command, &["--capture", capture.to_str().unwrap()]);
    for _ in 0..3 {
        let answer = post_with(&l.url, &[], b"x").await;
        assert_eq!(answer.status(), 503);
        assert!(answer.headers().contains_key("retry-after"));
    }
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
    let errors = stderr(&output)
        .matches("cannot write the capture file")
        .count();
    assert_eq!(errors, 1, "{}", stderr(&output));
}
