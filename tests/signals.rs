//! Exit codes under Ctrl-C and SIGTERM: a command with a goal exits 0 only when the goal was met;
//! SIGTERM stops as gracefully as Ctrl-C and exits 143; a second Ctrl-C stops `listen` at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::script_server::{Reply, ScriptServer};
use crate::util::{assert_code, hooky, json_lines, listen, post_with, signal, stderr, stdout};

/// Waits (at most 30 s) for `condition`.
#[track_caller]
fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A server that holds every request for a minute: whatever is sent to it stays in flight.
fn slow_server() -> ScriptServer {
    ScriptServer::start(|_| Reply::new(200).delay(Duration::from_secs(60)))
}

fn finish(child: Child) -> Output {
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?} to stop",
        started.elapsed()
    );
    output
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_stopped_before_its_count_is_not_a_success() {
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let l = listen(&["--count", "2"]);
        post_with(&l.url, &[], b"{}").await;
        l.captured(1).await;
        let (output, _) = tokio::task::spawn_blocking(move || {
            l.signal(signal);
            l.wait()
        })
        .await
        .unwrap();
        assert_code(&output, code);
        assert!(
            stderr(&output).contains("stopped; 1 of 2 matching request(s) received"),
            "{}",
            stderr(&output)
        );
    }
    // Without a goal there is nothing to fall short of: both stop with 0.
    for signal in ["INT", "TERM"] {
        let l = listen(&[]);
        let (output, _) = tokio::task::spawn_blocking(move || {
            l.signal(signal);
            l.wait()
        })
        .await
        .unwrap();
        assert_code(&output, 0);
        assert!(stderr(&output).contains("stopped; 0 request(s) received"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_requests_in_flight_like_ctrl_c() {
    let l = listen(&["--delay", "2s", "--json"]);
    let mut tasks = Vec::new();
    for i in 0..4 {
        let url = l.url.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({ "id": format!("evt_{i}") }).to_string();
            post_with(&url, &[], body.as_bytes())
                .await
                .status()
                .as_u16()
        }));
    }
    // Every request is captured and waiting out its delay when SIGTERM comes.
    l.captured(4).await;
    let (output, dir) = tokio::task::spawn_blocking(move || {
        l.signal("TERM");
        l.wait()
    })
    .await
    .unwrap();
    assert_code(&output, 0);
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200, "a request in flight was dropped");
    }
    let err = stderr(&output);
    assert!(
        err.contains("finishing 4 requests in flight (Ctrl-C again to stop now)"),
        "{err}"
    );
    assert!(err.contains("stopped; 4 request(s) received"), "{err}");
    let captured = std::fs::read_to_string(dir.path().join(".hooky/captures.jsonl")).unwrap();
    assert_eq!(captured.lines().count(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_stops_listen_at_once() {
    let l = listen(&["--delay", "30s"]);
    let mut tasks = Vec::new();
    for i in 0..3 {
        let url = l.url.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({ "id": format!("evt_{i}") }).to_string();
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            client
                .post(&url)
                .body(body)
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    l.captured(3).await;
    let started = Instant::now();
    let (output, dir) = tokio::task::spawn_blocking(move || {
        l.signal("INT");
        // The first Ctrl-C says what it waits for; only then is the second one a second one.
        l.wait_for_stderr("finishing 3 requests in flight (Ctrl-C again to stop now)");
        l.signal("INT");
        l.wait()
    })
    .await
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the second Ctrl-C did not stop it at once: {:?}",
        started.elapsed()
    );
    assert_code(&output, 130);
    assert!(
        stderr(&output).contains("stopped without waiting for 3 request(s) in flight"),
        "{}",
        stderr(&output)
    );
    // The capture was flushed: every request is in it, whole.
    let file = std::fs::read(dir.path().join(".hooky/captures.jsonl")).unwrap();
    let records = hooky::capture::read_captures(file.as_slice()).unwrap();
    assert!(records.skipped.is_empty());
    assert_eq!(records.records.len(), 3);
    for task in tasks {
        assert!(task.await.unwrap().is_err(), "an answer came after all");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_met_stays_a_success_when_ctrl_c_cuts_the_drain_short() {
    let l = listen(&["--count", "1", "--delay", "30s"]);
    let url = l.url.clone();
    let request = tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        client
            .post(&url)
            .body("{}")
            .send()
            .await
            .map(|r| r.status())
    });
    l.captured(1).await;
    let (output, _dir) = tokio::task::spawn_blocking(move || {
        // The count is met: the listener stops accepting and drains the delayed request.
        let address = l.url.trim_start_matches("http://").to_string();
        wait_until("the listener to stop accepting", || {
            std::net::TcpStream::connect(&address).is_err()
        });
        l.signal("INT");
        l.wait()
    })
    .await
    .unwrap();
    assert_code(&output, 0);
    assert!(
        stderr(&output).contains("stopped without waiting for 1 request(s) in flight"),
        "{}",
        stderr(&output)
    );
    assert!(request.await.unwrap().is_err(), "an answer came after all");
}

#[test]
fn poll_on_sigterm_prints_the_summary_and_exits_143() {
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
    signal(&child, "TERM");
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(child.wait().unwrap().code(), Some(143));
    let done: Vec<&Value> = rest.iter().filter(|l| l["type"] == "done").collect();
    assert_eq!(done[0]["reason"], "terminated");
    assert_eq!(done[0]["exit_code"], 143);
    assert!(rest.iter().any(|l| l["type"] == "summary"));
}

#[test]
fn send_count_on_sigterm_prints_the_summary_and_exits_143() {
    for (name, code) in [("TERM", 143), ("INT", 130)] {
        let server = slow_server();
        let child = hooky()
            .args([
                "--json",
                "send",
                "order.completed",
                "--to",
                &server.url,
                "--scheme",
                "none",
                "--count",
                "3",
                "--no-retry",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_until("a request in flight", || !server.seen().is_empty());
        signal(&child, name);
        let output = finish(child);
        assert_code(&output, code);
        let lines = json_lines(&output);
        assert_eq!(
            lines.last().unwrap()["type"],
            "summary",
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn send_and_replay_on_sigterm_exit_143() {
    let server = slow_server();
    let child = hooky()
        .args([
            "send",
            "order.completed",
            "--to",
            &server.url,
            "--scheme",
            "none",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the send", || !server.seen().is_empty());
    signal(&child, "TERM");
    assert_code(&finish(child), 143);

    // A capture to replay, made by a real listener.
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("captures.jsonl");
    let l = listen(&["--capture", capture.to_str().unwrap(), "--count", "1"]);
    let answered = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async { post_with(&l.url, &[], b"{\"id\":\"evt_1\"}").await.status() });
    assert_eq!(answered, 200);
    assert_code(&l.wait().0, 0);

    let server = slow_server();
    let child = hooky()
        .args(["--json", "replay", "1", "--from"])
        .arg(&capture)
        .args(["--to", &server.url, "--retries", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the replay", || !server.seen().is_empty());
    signal(&child, "TERM");
    let output = finish(child);
    assert_code(&output, 143);
    assert_eq!(json_lines(&output).last().unwrap()["type"], "summary");
}
