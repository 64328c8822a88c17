//! End to end across subcommands: what `listen` captures, `replay` resends into a second `listen`,
//! byte for byte, or re-signed so that time-checked receivers accept it.

use hooky::capture::CaptureRecord;
use hooky::signature::{self, Keys, Scheme};
use sha2::{Digest, Sha256};

use crate::util::{Listening, assert_code, listen, run, stderr};

const SECRET: &str = "whsec_cGlwZWxpbmUtc2VjcmV0";

/// Posts to `url` + `path` (headers in the given order) and returns the status.
async fn post(url: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> u16 {
    crate::util::post_with(&format!("{url}{path}"), headers, body)
        .await
        .status()
        .as_u16()
}

/// A request to send: path with query, headers, body.
type Sent = (&'static str, Vec<(String, String)>, Vec<u8>);

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// Headers a sender chose, minus those any HTTP client sets for itself.
fn chosen_headers(record: &CaptureRecord) -> Vec<(String, String)> {
    record
        .headers
        .iter()
        .filter(|(n, _)| {
            !matches!(
                n.as_str(),
                "host" | "content-length" | "user-agent" | "accept"
            )
        })
        .cloned()
        .collect()
}

fn stop(listening: Listening) -> Vec<CaptureRecord> {
    let records = listening.captures();
    let (output, _dir) = listening.interrupt();
    assert_code(&output, 0);
    records
}

#[tokio::test]
async fn listen_capture_replay_listen_is_byte_exact() {
    let first = listen(&[]);
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    let sent: Vec<Sent> = vec![
        (
            "/hooks/json?x=1&x=2",
            vec![
                h("content-type", "application/json"),
                h("x-repeat", "a"),
                h("x-repeat", "b"),
            ],
            br#"{"id":"evt_1","type":"order.completed","data":{"amount":500}}"#.to_vec(),
        ),
        (
            "/hooks/form",
            vec![h("content-type", "application/x-www-form-urlencoded")],
            b"a=1&b=%20two&c=".to_vec(),
        ),
        (
            "/hooks/bin",
            vec![h("content-type", "application/octet-stream")],
            binary,
        ),
    ];
    for (path, headers, body) in &sent {
        assert_eq!(post(&first.url, path, headers, body).await, 200);
    }
    let captured = first.captures();
    assert_eq!(captured.len(), 3);

    let second = listen(&[]);
    let from = first.capture_path();
    let out = run(
        &[
            "replay",
            "--all",
            "--from",
            from.to_str().unwrap(),
            "--to",
            &second.url,
        ],
        b"",
    );
    assert_code(&out, 0);
    let replayed = stop(second);
    stop(first);

    assert_eq!(replayed.len(), 3, "{}", stderr(&out));
    for (original, again) in captured.iter().zip(&replayed) {
        let original_body = original.body_bytes().unwrap();
        assert_eq!(
            again.body_sha256,
            hex::encode(Sha256::digest(&original_body))
        );
        assert_eq!(again.body_bytes().unwrap(), original_body);
        assert_eq!(again.method, original.method);
        assert_eq!(again.path_and_query(), original.path_and_query());
        assert_eq!(
            chosen_headers(again),
            chosen_headers(original),
            "#{}",
            original.seq
        );
    }
}

#[tokio::test]
async fn an_old_capture_is_rejected_unless_re_signed() {
    // Receiver one reports but accepts everything, so old signatures get captured.
    let first = listen(&["--secret", SECRET, "--verify-mode", "report"]);
    let then = chrono::Utc::now().timestamp() - 3600;
    for (i, scheme) in [Scheme::STRIPE, Scheme::STANDARD, Scheme::SLACK]
        .into_iter()
        .enumerate()
    {
        let body = format!(r#"{{"id":"evt_{i}","type":"order.completed"}}"#);
        let headers = signature::sign(
            scheme,
            Keys::new(&[SECRET.as_bytes()]),
            &hooky::signature::SignedRequest::post(&[], body.as_bytes()),
            then,
            "msg_1",
        )
        .unwrap()
        .headers;
        assert_eq!(
            post(&first.url, "/hooks", &headers, body.as_bytes()).await,
            200
        );
    }
    let from = first.capture_path();
    let from = from.to_str().unwrap();

    // Receiver two enforces: a plain replay of hour-old signatures is refused…
    let strict = listen(&["--secret", SECRET]);
    let plain = run(
        &["replay", "--all", "--from", from, "--to", &strict.url],
        b"",
    );
    assert_code(&plain, 1);
    // …and a re-signed one is accepted, with the same event ids.
    let mut command = crate::util::hooky();
    command.env("HOOKY_SECRET", SECRET);
    let resigned = crate::util::run_in(
        command,
        &[
            "replay",
            "--all",
            "--resign",
            "--from",
            from,
            "--to",
            &strict.url,
        ],
        b"",
    );
    assert_code(&resigned, 0);
    let records = stop(strict);
    stop(first);

    let verdicts: Vec<(String, Option<String>)> = records
        .iter()
        .map(|r| (r.verdict.verdict.name().to_string(), r.verdict.code.clone()))
        .collect();
    let too_old = (
        String::from("invalid"),
        Some(String::from("timestamp_too_old")),
    );
    let valid = (String::from("valid"), None);
    assert_eq!(verdicts[..3], [too_old.clone(), too_old.clone(), too_old]);
    assert_eq!(verdicts[3..], [valid.clone(), valid.clone(), valid]);
    let statuses: Vec<u16> = records.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 401, 401, 200, 200, 200]);
    let ids = |range: std::ops::Range<usize>| {
        records[range]
            .iter()
            .map(|r| r.event_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(0..3), ids(3..6));
}

#[tokio::test]
async fn poll_follows_the_listen_feed_printing_each_request_once() {
    let listening = listen(&[]);
    for i in 1..=2 {
        let body = format!(r#"{{"id":"evt_{i}","type":"order.created"}}"#);
        assert_eq!(
            post(&listening.url, "/hooks", &[], body.as_bytes()).await,
            200
        );
    }
    // The feed's URL with its access key, as listen prints it. One item a page: poll follows the
    // feed's `Link` to the next page, which does not carry the key, and must send the key again.
    let feed = listening.own("/_hooky/requests?limit=1");
    let poller = crate::util::hooky()
        .args([
            "--json",
            "poll",
            &feed,
            "--since",
            "0",
            "--cursor-field",
            "seq",
            "--etag",
        ])
        .args([
            "--until",
            "type=order.done",
            "--interval",
            "50ms",
            "--timeout",
            "20s",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The poller has seen the first two once it is waiting for more; then the third ends it.
    let body = br#"{"id":"evt_3","type":"order.done"}"#;
    assert_eq!(post(&listening.url, "/hooks", &[], body).await, 200);
    let output = poller.wait_with_output().unwrap();
    assert_code(&output, 0);
    stop(listening);

    let records = crate::util::json_lines(&output);
    let items: Vec<u64> = records
        .iter()
        .filter(|r| r["type"] == "item")
        .map(|r| r["item"]["seq"].as_u64().unwrap_or_else(|| panic!("{r}")))
        .collect();
    assert_eq!(items, vec![1, 2, 3], "{records:?}");
    assert!(records.iter().any(|r| r["type"] == "done"));
}

#[test]
fn send_signs_every_scheme_so_that_listen_verifies_it() {
    let listening = listen(&["--secret", SECRET]);
    let schemes = [
        "hex", "github", "stripe", "standard", "shopify", "slack", "gitlab",
    ];
    for scheme in schemes {
        let out = run(
            &[
                "send",
                "order.completed",
                "--to",
                &listening.url,
                "--scheme",
                scheme,
                "--secret",
                SECRET,
            ],
            b"",
        );
        assert_code(&out, 0);
    }
    let records = stop(listening);
    assert_eq!(records.len(), schemes.len());
    for (record, scheme) in records.iter().zip(schemes) {
        assert_eq!(
            record.verdict.verdict,
            hooky::capture::VerdictKind::Valid,
            "{scheme}: {:?}",
            record.verdict
        );
        assert_eq!(record.verdict.scheme.as_deref(), Some(scheme));
        assert_eq!(record.event_type.as_deref(), Some("order.completed"));
    }
}

#[test]
fn listen_passes_sends_conformance_attack_for_every_timestamped_scheme() {
    for scheme in ["stripe", "standard", "slack"] {
        // Told its scheme, listen rejects a request without the signature header; with `auto` such a
        // request is only "unsigned" (shown, and answered normally).
        let listening = listen(&["--secret", SECRET, "--scheme", scheme]);
        let out = run(
            &[
                "send",
                "--attack",
                "--to",
                &listening.url,
                "--scheme",
                scheme,
                "--secret",
                SECRET,
            ],
            b"",
        );
        assert_code(&out, 0);
        stop(listening);
    }
}

#[test]
fn a_load_from_send_is_captured_in_full() {
    let listening = listen(&["--secret", SECRET]);
    let out = run(
        &[
            "--json",
            "send",
            "order.completed",
            "--to",
            &listening.url,
            "--secret",
            SECRET,
            "--count",
            "300",
            "--concurrency",
            "16",
        ],
        b"",
    );
    assert_code(&out, 0);
    let summary = crate::util::json_lines(&out).pop().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["succeeded"], 300);
    let records = stop(listening);
    assert_eq!(records.len(), 300);
    assert!(
        records
            .iter()
            .all(|r| r.verdict.verdict == hooky::capture::VerdictKind::Valid && r.status == 200)
    );
    let mut ids: Vec<&str> = records
        .iter()
        .filter_map(|r| r.event_id.as_deref())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 300, "each event of a load has its own id");
}

#[test]
fn ctrl_c_during_a_send_load_prints_the_summary_so_far_and_exits_130() {
    let listening = listen(&["--delay", "50ms"]);
    let mut sender = crate::util::hooky()
        .args(["--json", "send", "order.completed", "--to", &listening.url])
        .args(["--secret", SECRET, "--count", "1000", "--concurrency", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the listener has seen a few requests of the load.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while listening.capture_lines() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the load never arrived"
        );
        assert!(
            sender.try_wait().unwrap().is_none(),
            "hooky send ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    crate::util::signal(&sender, "INT");
    let output = sender.wait_with_output().unwrap();
    assert_code(&output, 130);
    let summary = crate::util::json_lines(&output)
        .pop()
        .expect("a summary line");
    assert_eq!(summary["type"], "summary");
    let sent = summary["sent"].as_u64().unwrap();
    assert!((1..1000).contains(&sent), "{summary}");
    stop(listening);
}

#[test]
fn ctrl_c_during_a_replay_prints_the_summary_so_far_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let captures = dir.path().join("captures.jsonl");
    let lines: String = (1..=200)
        .map(|seq| {
            let mut record = CaptureRecord {
                seq,
                method: "POST".into(),
                path: "/hooks".into(),
                status: 200,
                ..Default::default()
            };
            record.set_body(format!(r#"{{"id":"evt_{seq}"}}"#).as_bytes());
            record.to_line()
        })
        .collect();
    std::fs::write(&captures, lines).unwrap();
    let listening = listen(&["--delay", "50ms"]);
    let mut replayer = crate::util::hooky()
        .args([
            "--json",
            "replay",
            "--all",
            "--from",
            captures.to_str().unwrap(),
        ])
        .args(["--to", &listening.url, "--concurrency", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while listening.capture_lines() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the replays never arrived"
        );
        assert!(
            replayer.try_wait().unwrap().is_none(),
            "hooky replay ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    crate::util::signal(&replayer, "INT");
    let output = replayer.wait_with_output().unwrap();
    assert_code(&output, 130);
    let summary = crate::util::json_lines(&output)
        .pop()
        .expect("a summary line");
    assert_eq!(summary["type"], "summary");
    assert!(
        (1..200).contains(&summary["sent"].as_u64().unwrap()),
        "{summary}"
    );
    stop(listening);
}
