//! Security promises: private capture files, and a secret that never shows up anywhere hooky
//! writes (output, errors, captures, exports), whatever the command.

use std::os::unix::fs::PermissionsExt;

use hooky::signature::Scheme;

use crate::util::{assert_code, hooky, listen, run_in, sign_headers, stderr, stdout};

/// Distinctive, so a grep cannot miss it and nothing else matches it.
const SECRET: &str = "S3cr3t-Canary-7f1c9e";

fn with_secret(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut command = hooky();
    command.env("HOOKY_SECRET", SECRET);
    run_in(command, args, stdin)
}

#[track_caller]
fn assert_no_secret(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!text.contains(SECRET), "the secret leaks in {what}: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_files_are_private() {
    let l = listen(&[]);
    crate::util::post_with(&l.url, &[], b"{}").await;
    let file = std::fs::metadata(l.capture_path()).unwrap();
    assert_eq!(file.permissions().mode() & 0o777, 0o600);
    let dir = std::fs::metadata(l.dir.path().join(".hooky")).unwrap();
    assert_eq!(dir.permissions().mode() & 0o777, 0o700);
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_appears_nowhere() {
    let l = listen(&["--secret", SECRET, "--json"]);
    let body = br#"{"id":"evt_1","type":"order.completed"}"#;
    let signed = sign_headers(Scheme::STRIPE, SECRET, body, chrono::Utc::now().timestamp());
    assert_eq!(
        crate::util::post_with(&l.url, &signed, body).await.status(),
        200
    );
    let forged = sign_headers(Scheme::GITHUB, "wrong", body, 0);
    assert_eq!(
        crate::util::post_with(&l.url, &forged, body).await.status(),
        401
    );
    let client = crate::util::http_client();
    for path in [
        "/_hooky/requests/1.har",
        "/_hooky/requests/1/curl",
        "/_hooky/requests/1/curl?resign=1",
        "/_hooky/requests?since=0",
        "/_hooky/",
    ] {
        let answer = client
            .get(format!("{}{path}", l.url))
            .header("x-hooky-key", &l.key)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert_no_secret(path, &answer.bytes().await.unwrap());
    }
    let capture = l.capture_path();
    let from = l.dir.path().join("captures-copy.jsonl");
    std::fs::copy(&capture, &from).unwrap();
    let feed = format!("{}/_hooky/requests", l.url);
    let url = l.url.clone();
    let (output, dir) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_no_secret("listen's stdout", &output.stdout);
    assert_no_secret("listen's stderr", &output.stderr);
    assert_no_secret(
        "the capture file",
        &std::fs::read(dir.path().join(".hooky/captures.jsonl")).unwrap(),
    );

    let from = from.to_str().unwrap();
    let sink = "http://127.0.0.1:9/hooks";
    let mut runs: Vec<Vec<&str>> = vec![
        vec![
            "send",
            "order.completed",
            "--to",
            sink,
            "--scheme",
            "stripe",
            "--dry-run",
        ],
        vec![
            "send",
            "order.completed",
            "--to",
            sink,
            "--scheme",
            "standard",
            "--curl",
        ],
        vec![
            "--json",
            "send",
            "order.completed",
            "--to",
            sink,
            "--scheme",
            "github",
            "--dry-run",
        ],
        vec!["replay", "--from", from, "--list"],
        vec!["replay", "--from", from, "--show", "1"],
        vec!["replay", "--from", from, "--export", "har"],
        vec!["replay", "--from", from, "--export", "curl"],
        vec!["replay", "--from", from, "--export", "jsonl"],
        vec![
            "replay",
            "--from",
            from,
            "--to",
            sink,
            "--resign",
            "--dry-run",
        ],
        vec!["sign", "--scheme", "stripe"],
        vec![
            "verify",
            "--scheme",
            "github",
            "-H",
            "X-Hub-Signature-256: sha256=00",
        ],
        vec!["verify", "--scheme", "stripe"],
        vec!["sign", "--scheme", "standard"],
    ];
    let gitlab = vec!["sign", "--scheme", "gitlab"];
    runs.push(gitlab.clone());
    for args in &runs {
        let output = with_secret(args, b"{\"a\":1}");
        assert!(
            !stderr(&output).contains("panicked"),
            "{args:?}: {}",
            stderr(&output)
        );
        if *args == gitlab {
            // The documented exception: GitLab's token is the secret itself.
            assert!(stdout(&output).contains(SECRET));
            continue;
        }
        assert_no_secret(&format!("{args:?} stdout"), &output.stdout);
        assert_no_secret(&format!("{args:?} stderr"), &output.stderr);
    }
    // A listener is gone now; poll's GET fails, and its error must not carry the secret either.
    let output = with_secret(
        &[
            "poll",
            &feed,
            "--emit-webhook",
            &url,
            "--count",
            "1",
            "--timeout",
            "2s",
        ],
        b"",
    );
    assert_no_secret("poll stdout", &output.stdout);
    assert_no_secret("poll stderr", &output.stderr);
    assert_code(&with_secret(&["sign", "--scheme", "github"], b"x"), 0);
}

/// A sender that puts the secret into the signature headers (or anywhere in a value, or the query)
/// gets it echoed nowhere: verdict reasons never quote a header value, and any value that contains
/// a secret is redacted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_sent_in_a_request_is_echoed_nowhere() {
    let l = listen(&["--secret", SECRET, "--json"]);
    let h = |n: &str, v: String| vec![(n.to_string(), v)];
    let requests = [
        ("/a", h("X-Hub-Signature-256", format!("sha256={SECRET}"))),
        ("/b", h("X-Shopify-Hmac-Sha256", SECRET.to_string())),
        ("/c", h("X-Signature", SECRET.to_string())),
        ("/c2", h("X-GitHub-Event", format!("push.{SECRET}"))),
        ("/c3", h("webhook-id", SECRET.to_string())),
        ("/d", h("Stripe-Signature", format!("t={SECRET},v1=00"))),
        ("/e", h("X-Note", format!("a=1,tok={SECRET};x"))),
        ("/f", h("X-Tab", format!("Bearer\t{SECRET}"))),
        ("/g?token=SECRET&x=1", Vec::new()),
    ];
    for (path, headers) in &requests {
        let path = path.replace("SECRET", SECRET);
        crate::util::post_with(&format!("{}{path}", l.url), headers, b"{}").await;
    }
    l.captured(requests.len()).await;
    let client = crate::util::http_client();
    for path in ["/_hooky/requests/1.har", "/_hooky/requests?since=0"] {
        let answer = client.get(l.own(path)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert_no_secret(path, &answer.bytes().await.unwrap());
    }
    let capture = std::fs::read_to_string(l.capture_path()).unwrap();
    assert!(
        capture.contains("is not hex (64 characters expected, got"),
        "{capture}"
    );
    let from = l.dir.path().join("copy.jsonl");
    std::fs::copy(l.capture_path(), &from).unwrap();
    let (output, _dir) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_no_secret("listen's stdout", &output.stdout);
    assert_no_secret("listen's stderr", &output.stderr);
    assert_no_secret("the capture file", capture.as_bytes());
    let from = from.to_str().unwrap();
    for args in [
        vec!["--json", "replay", "--from", from, "--show", "1"],
        vec!["replay", "--from", from, "--show", "7"],
        vec!["replay", "--from", from, "--export", "har", "--all"],
        vec!["replay", "--from", from, "--export", "curl", "--all"],
    ] {
        let output = with_secret(&args, b"");
        assert_no_secret(&format!("{args:?}"), &output.stdout);
        assert_no_secret(&format!("{args:?}"), &output.stderr);
    }
}

/// An old capture (or a HAR from elsewhere) whose reason quotes the secret: shown redacted.
#[test]
fn a_secret_in_an_old_captures_reason_is_redacted_when_shown() {
    let dir = tempfile::tempdir().unwrap();
    let line = serde_json::json!({
        "seq": 1, "id": "req_1", "received_at": "2024-01-01T00:00:00Z", "remote_addr": "x",
        "method": "POST", "path": format!("/p/{SECRET}"), "query": format!("k={SECRET}"),
        "headers": [["X-Hub-Signature-256", format!("sha256={SECRET}")]],
        "body": "{}", "body_encoding": "utf8", "body_size": 2,
        "body_sha256": hooky::capture::sha256_hex(b"{}"),
        "verdict": {"verdict": "invalid", "scheme": "github", "code": "malformed_header",
            "reason": format!("signature \"{SECRET}\" is not hex")},
        "status": 200,
    });
    let path = dir.path().join("old.jsonl");
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let from = path.to_str().unwrap();
    for args in [
        vec!["--json", "replay", "--from", from, "--show", "1"],
        vec!["replay", "--from", from, "--export", "har", "--all"],
        vec!["replay", "--from", from, "--export", "jsonl", "--all"],
    ] {
        let output = with_secret(&args, b"");
        assert_code(&output, 0);
        assert_no_secret(&format!("{args:?}"), &output.stdout);
        assert!(stdout(&output).contains("(redacted)"), "{args:?}");
    }
}

/// "Copy as curl" in the web view targets the listener itself, whatever Host the sender planted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_as_curl_never_targets_the_captured_host() {
    let l = listen(&[]);
    let reply = crate::util::raw_exchange(
        &l.addr(),
        b"POST /hooks HTTP/1.1\r\nHost: localhost:8080@attacker.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        false,
        std::time::Duration::from_secs(10),
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    l.captured(1).await;
    let answer = crate::util::http_client()
        .get(l.own("/_hooky/requests/1/curl"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let curl = answer.text().await.unwrap();
    assert!(!curl.contains("attacker"), "{curl}");
    assert!(curl.contains(&format!("{}/hooks", l.url)), "{curl}");
    l.interrupt();
}

// Absurd delays from hostile servers: `Retry-After: 99999999999999999999` and friends are clamped
// (a day at most, never slept past poll's deadline), never a panic; a delivery whose receiver asks
// for more than hooky waits ends its retries with the answer it got.

const ABSURD: &str = "99999999999999999999";

#[track_caller]
fn assert_no_panic(what: &str, output: &std::process::Output) {
    let err = stderr(output);
    assert!(
        !err.contains("panicked") && output.status.code() != Some(101),
        "{what} panicked: {err}"
    );
}

#[test]
fn poll_clamps_absurd_server_delays_to_a_day_and_stops_at_its_deadline() {
    use crate::util::script_server::{Reply, ScriptServer};
    let day = 86_400.0;
    let cases: [(&str, Reply); 5] = [
        ("retry-after", Reply::new(503).header("Retry-After", ABSURD)),
        (
            "x-poll-interval",
            Reply::new(200).body("{}").header("X-Poll-Interval", ABSURD),
        ),
        (
            "rate-limit",
            Reply::new(200)
                .body("{}")
                .header("RateLimit", "\"default\";r=0;t=18446744073709551615"),
        ),
        (
            "rate-limit",
            Reply::new(200)
                .body("{}")
                .header("X-RateLimit-Remaining", "0")
                .header("X-RateLimit-Reset", ABSURD),
        ),
        (
            "retry-after",
            Reply::new(429).header("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ),
    ];
    for (reason, reply) in cases {
        let server = ScriptServer::start(move |_| reply.clone());
        let started = std::time::Instant::now();
        let output = crate::util::run(&["--json", "poll", &server.url, "--timeout", "3s"], b"");
        assert_no_panic(reason, &output);
        assert_code(&output, 124);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{reason}: it does not sleep to the deadline when the wait is past it"
        );
        let waits: Vec<serde_json::Value> = crate::util::json_lines(&output)
            .into_iter()
            .filter(|r| r["type"] == "wait")
            .collect();
        assert_eq!(waits.len(), 1, "{reason}: {waits:?}");
        assert_eq!(waits[0]["reason"], reason);
        let seconds = waits[0]["seconds"].as_f64().unwrap();
        assert!(
            (day..=day * 1.1).contains(&seconds),
            "{reason}: clamped to a day (+ jitter): {seconds}"
        );
        assert_eq!(server.seen().len(), 1, "{reason}");
    }
}

#[test]
fn send_and_replay_end_their_retries_on_an_absurd_retry_after_and_fail() {
    use crate::util::script_server::{Reply, ScriptServer};
    let server = ScriptServer::start(|_| Reply::new(503).header("Retry-After", ABSURD));
    let to = format!("{}/hooks", server.url);

    let single = crate::util::run(
        &["send", "order.created", "--to", &to, "--scheme", "none"],
        b"",
    );
    assert_no_panic("send", &single);
    assert_code(&single, 1);
    let err = stderr(&single);
    assert!(
        err.contains("asked to retry in 24h00m (Retry-After), longer than the 10m00s hooky waits"),
        "{err}"
    );
    assert_eq!(
        server.seen().len(),
        1,
        "no retry after a day-long Retry-After"
    );

    // Under --count the workers' answers are counted, not lost: before, every worker panicked and
    // the run printed `sent 0` and exited 0.
    let load = crate::util::run(
        &[
            "--json",
            "send",
            "order.created",
            "--to",
            &to,
            "--scheme",
            "none",
            "--count",
            "3",
            "--concurrency",
            "2",
        ],
        b"",
    );
    assert_no_panic("send --count", &load);
    assert_code(&load, 1);
    let summary = crate::util::json_lines(&load)
        .into_iter()
        .find(|r| r["type"] == "summary")
        .expect("a summary");
    assert_eq!(summary["sent"], 3, "{summary}");
    assert_eq!(summary["failed"], 3, "{summary}");
    assert_eq!(server.seen().len(), 4);

    let l = listen(&[]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    for _ in 0..2 {
        rt.block_on(crate::util::post_with(&l.url, &[], b"{}"));
    }
    let capture = l.capture_path();
    let (_, dir) = l.interrupt();
    let from = dir.path().join("copy.jsonl");
    std::fs::copy(capture, &from).unwrap();
    let replay = crate::util::run(
        &[
            "--json",
            "replay",
            "--from",
            from.to_str().unwrap(),
            "--all",
            "--to",
            &to,
        ],
        b"",
    );
    assert_no_panic("replay", &replay);
    assert_code(&replay, 1);
    let summary = crate::util::json_lines(&replay)
        .into_iter()
        .find(|r| r["type"] == "summary")
        .expect("a summary");
    assert_eq!(summary["sent"], 2, "{summary}");
    assert_eq!(summary["failed"], 2, "{summary}");
}

#[test]
fn poll_emit_webhook_survives_a_receiver_with_an_absurd_retry_after() {
    use crate::util::script_server::{Reply, ScriptServer};
    let source = ScriptServer::start(|_| Reply::json(serde_json::json!({"state": "done"})));
    let receiver = ScriptServer::start(|_| {
        Reply::new(503)
            .header("Retry-After", ABSURD)
            .header("X-Poll-Interval", ABSURD)
    });
    let output = crate::util::run(
        &[
            "poll",
            &source.url,
            "--count",
            "1",
            "--emit-webhook",
            &receiver.url,
        ],
        b"",
    );
    assert_no_panic("poll --emit-webhook", &output);
    assert_code(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains(
            "answered 503; the receiver asked to retry in 24h00m (Retry-After), longer than the \
             10m00s hooky waits between attempts"
        ),
        "{err}"
    );
    assert_eq!(receiver.seen().len(), 1);
}

/// `hooky listen` in `dir`, bounded: a listener that starts when it should have refused ends
/// with exit 124 after 5 s instead of hanging the test.
fn listen_in_dir(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut command = hooky();
    command.current_dir(dir);
    let mut all = vec!["listen", "--port", "0", "--timeout", "5s"];
    all.extend_from_slice(args);
    run_in(command, &all, b"")
}

/// Issue 13.1: a cloned repository can ship `.hooky/captures.jsonl -> ~/.bashrc`.
#[test]
fn a_capture_file_that_is_a_link_is_refused() {
    let dir = crate::util::tempdir();
    let bashrc = dir.path().join("bashrc");
    std::fs::write(&bashrc, "# mine\n").unwrap();
    std::fs::create_dir(dir.path().join(".hooky")).unwrap();
    std::os::unix::fs::symlink(&bashrc, dir.path().join(".hooky/captures.jsonl")).unwrap();
    let output = listen_in_dir(dir.path(), &[]);
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(".hooky/captures.jsonl") && err.contains("symbolic link"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&bashrc).unwrap(), "# mine\n");
    // Readers refuse it too.
    let mut command = hooky();
    command.current_dir(dir.path());
    let output = run_in(command, &["captures"], b"");
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
}

/// Issue 13.1: `.hooky` itself may be the link (to a folder the user cares about).
#[test]
fn a_hooky_folder_that_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("dotfiles");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.path().join(".hooky")).unwrap();
    let output = listen_in_dir(dir.path(), &[]);
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(err.contains(".hooky is a symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Issue 13.1: a capture path must be a regular file (a FIFO would block or feed a reader).
#[test]
fn a_capture_path_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let output = listen_in_dir(dir.path(), &["--capture", "pipe"]);
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("capture file pipe") && err.contains("not a regular file"),
        "{err}"
    );
}

/// Issue 13.1: a ready file planted as a link is replaced, never written through.
#[test]
fn a_ready_file_that_is_a_link_is_replaced_not_followed() {
    let dir = crate::util::tempdir();
    let target = dir.path().join("profile");
    std::fs::write(&target, "# mine\n").unwrap();
    let ready = dir.path().join("ready.json");
    std::os::unix::fs::symlink(&target, &ready).unwrap();
    let mut command = hooky();
    command.current_dir(dir.path());
    // --count 1 with no request: the 1 s timeout ends it once the ready file is written.
    let output = run_in(
        command,
        &[
            "listen",
            "--port",
            "0",
            "--no-capture",
            "--ready-file",
            "ready.json",
            "--timeout",
            "1s",
        ],
        b"",
    );
    assert_code(&output, 124);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# mine\n");
    let meta = std::fs::symlink_metadata(&ready).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let ready: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ready).unwrap()).unwrap();
    assert!(
        ready["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
}

/// Issue 13.1: `poll --state` neither reads nor writes through a link.
#[test]
fn a_poll_state_file_that_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("profile");
    std::fs::write(&target, "# mine\n").unwrap();
    let state = dir.path().join("state.json");
    std::os::unix::fs::symlink(&target, &state).unwrap();
    // The state is read before the first request: nothing listens on the URL.
    let output = crate::util::run(
        &[
            "poll",
            "http://127.0.0.1:9/feed",
            "--state",
            state.to_str().unwrap(),
            "--count",
            "1",
            "--timeout",
            "5s",
        ],
        b"",
    );
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("state.json") && err.contains("symbolic link"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# mine\n");
}

/// `--forward-to` relays the app's pages on hooky's origin: every answer outside `/_hooky/` is
/// sandboxed (an opaque origin), so a script in it can never read the web view or its token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_outside_the_web_view_are_sandboxed() {
    let app = crate::util::receiver::Receiver::start(|_, _| {
        (
            200,
            vec![
                ("content-type".into(), "text/html".into()),
                (
                    "content-security-policy".into(),
                    "default-src 'self'".into(),
                ),
            ],
            "<script>fetch('/_hooky/')</script>".into(),
        )
    });
    let l = listen(&["--forward-to", &app.base]);
    let relayed = crate::util::post_with(&format!("{}/page", l.url), &[], b"{}").await;
    assert_eq!(relayed.status(), 200);
    let policies: Vec<&str> = relayed
        .headers()
        .get_all("content-security-policy")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    // The app's own policy stays, and hooky's sandbox is added to it.
    assert!(policies.contains(&"sandbox"), "{policies:?}");
    assert!(policies.contains(&"default-src 'self'"), "{policies:?}");
    l.interrupt();

    let l = listen(&["--max-body", "10"]);
    for (body, status) in [(&b"{}"[..], 200), (&[b'x'; 20][..], 413)] {
        let own = crate::util::post_with(&l.url, &[], body).await;
        assert_eq!(own.status(), status);
        assert_eq!(own.headers()["content-security-policy"], "sandbox");
    }
    l.interrupt();
}

/// `--forward-to http://app/webhooks/stripe`: a sender's dot-segments (plain or percent-encoded)
/// cannot reach the app outside that path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_stays_under_the_base_path() {
    let app = crate::util::receiver::Receiver::start(|_, _| (200, Vec::new(), "app".into()));
    let l = listen(&["--forward-to", &format!("{}/webhooks/stripe", app.base)]);
    let raw = |target: &str| {
        crate::util::raw_exchange(
            &l.addr(),
            format!("POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").as_bytes(),
            false,
            std::time::Duration::from_secs(10),
        )
    };
    for escape in [
        "/../../admin.txt",
        "/%2e%2e/%2e%2e/admin.txt",
        "/%2E%2E/admin.txt",
        "/a/../../../admin.txt",
    ] {
        let reply = raw(escape);
        assert!(reply.starts_with("HTTP/1.1 400"), "{escape}: {reply}");
        assert!(reply.contains("leaves the --forward-to base"), "{reply}");
    }
    let reply = raw("/ok?x=1");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let seen = app.wait_for(1, std::time::Duration::from_secs(10));
    assert_eq!(
        seen.len(),
        1,
        "only the request inside the base reached the app"
    );
    assert_eq!(seen[0].path, "/webhooks/stripe/ok");
}

/// Every `/_hooky/` endpoint a listener serves, as (method, path).
const OWN_ENDPOINTS: [(&str, &str); 9] = [
    ("GET", "/_hooky/"),
    ("GET", "/_hooky/app.js"),
    ("GET", "/_hooky/events"),
    ("GET", "/_hooky/requests"),
    ("GET", "/_hooky/requests/1"),
    ("GET", "/_hooky/requests/1.har"),
    ("GET", "/_hooky/requests/1/curl"),
    ("GET", "/_hooky/requests/1/curl?resign=1"),
    ("POST", "/_hooky/replay"),
];

/// Anyone who reaches the port (another local user, a tunnel, a rebinding page) once got a signing
/// oracle from `curl?resign=1` and the replay token from the page, with a Host header alone.
/// Now every `/_hooky/` endpoint wants the per-process access key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_signing_oracle_and_no_token_without_the_access_key() {
    let l = listen(&["--secret", SECRET]);
    let body = br#"{"id":"evt_o","type":"order.completed"}"#;
    let signed = sign_headers(Scheme::STRIPE, SECRET, body, chrono::Utc::now().timestamp());
    assert_eq!(
        crate::util::post_with(&l.url, &signed, body).await.status(),
        200
    );
    let port: u16 = l.url.rsplit(':').next().unwrap().parse().unwrap();
    let client = crate::util::http_client();
    let wrong_key = "0".repeat(64);
    let refusals: [(&str, &str); 5] = [
        ("nothing", ""),
        ("x-hooky-key", &wrong_key),
        ("x-hooky-key", ""),
        ("cookie", &format!("hooky_key_{port}={wrong_key}")),
        // The right key under another listener's cookie name.
        ("cookie", &format!("hooky_key_{}={}", port ^ 1, l.key)),
    ];
    for (method, path) in OWN_ENDPOINTS {
        for (header, value) in refusals {
            let mut request = client
                .request(method.parse().unwrap(), format!("{}{path}", l.url))
                .header("content-type", "application/json")
                .body(r#"{"seq":1,"url":"http://127.0.0.1:9/"}"#);
            if header != "nothing" {
                request = request.header(header, value);
            }
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 403, "{method} {path} with {header}");
            let text = answer.text().await.unwrap();
            assert!(text.contains("bad_key"), "{method} {path}: {text}");
            assert!(!text.contains("hooky-token"), "{method} {path}: {text}");
            assert!(!text.to_ascii_lowercase().contains("signature"), "{text}");
        }
        let wrong_query = if path.contains('?') {
            "&key=00"
        } else {
            "?key=00"
        };
        let answer = client
            .request(
                method.parse().unwrap(),
                format!("{}{path}{wrong_query}", l.url),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{method} {path}{wrong_query}");
    }
    // With the key, the oracle answers its owner.
    let answer = client
        .get(l.own("/_hooky/requests/1/curl?resign=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.text().await.unwrap().contains("Stripe-Signature"));
    l.interrupt();
}

/// The key is handed over privately: in the ready file (0600) and the `listening` record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ready_file_with_the_key_is_private() {
    let l = listen(&[]);
    let ready = l.dir.path().join("ready.json");
    let mode = std::fs::metadata(&ready).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&ready).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["key"].as_str().unwrap().len(), 64);
    l.interrupt();
}

/// `--ui-public` drops the loopback-peer and Host checks (the key is then the only guard); without
/// it, a Host that does not name this machine is refused even with the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_public_relies_on_the_key_alone() {
    for (flag, with_key, without_key) in [(None, 403, 403), (Some("--ui-public"), 200, 403)] {
        let l = listen(&flag.into_iter().collect::<Vec<_>>());
        let client = crate::util::http_client();
        let get = |key: Option<String>| {
            let mut request = client
                .get(format!("{}/_hooky/requests", l.url))
                .header("Host", "devbox.example:8080");
            if let Some(key) = key {
                request = request.header("x-hooky-key", key);
            }
            request.send()
        };
        assert_eq!(
            get(Some(l.key.clone())).await.unwrap().status(),
            with_key,
            "{flag:?}"
        );
        assert_eq!(get(None).await.unwrap().status(), without_key, "{flag:?}");
        l.interrupt();
    }
}

/// The page's replay once read any URL back (an internal service, a metadata address). Now only
/// the `--forward-to` app's or a loopback address's answer is shown; others give status and timing.
/// The listener reaches "internal.example" through a proxy on 127.0.0.1 (its HTTP client honours
/// `http_proxy`), which plays the internal service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_does_not_read_internal_urls_back() {
    let internal = crate::util::receiver::Receiver::start(|_, _| {
        (
            200,
            vec![("x-internal".into(), "yes".into())],
            "internal-only-content".into(),
        )
    });
    let mut command = hooky();
    command
        .env("http_proxy", &internal.base)
        .env("HTTP_PROXY", &internal.base)
        .env("no_proxy", "127.0.0.1,localhost")
        .env("NO_PROXY", "127.0.0.1,localhost");
    let l = crate::util::listen_via(command, &[]);
    crate::util::post_with(&l.url, &[], b"{}").await;
    let client = crate::util::http_client();
    let page = client
        .get(format!("{}/_hooky/", l.url))
        .header("x-hooky-key", &l.key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::util::page_token(&page);
    let replay = |url: String| {
        client
            .post(format!("{}/_hooky/replay", l.url))
            .header("x-hooky-key", &l.key)
            .header("x-hooky-token", &token)
            .body(serde_json::json!({"seq": 1, "url": url}).to_string())
            .send()
    };
    let answer = replay("http://internal.example/admin".into())
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let result: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    // It went out and was answered (the status says so), but nothing of the answer comes back.
    assert_eq!(
        internal.requests().len(),
        1,
        "the replay reached the service"
    );
    assert_eq!(result["status"], 200);
    assert!(result["latency_ms"].is_u64());
    let text = result.to_string();
    assert!(!text.contains("internal-only-content"), "{text}");
    assert!(!text.contains("x-internal"), "{text}");
    assert!(result["response_withheld"].is_string(), "{text}");

    // A loopback target is this machine: its answer is shown.
    let answer = replay(format!("{}/local", internal.base)).await.unwrap();
    let result: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(result["response_body"], "internal-only-content");
    l.interrupt();
}

/// Issue 13.1: `.hooky/secret` goes through the same rules as every file hooky keeps: a FIFO
/// planted there is refused at once instead of blocking the command on its read.
#[test]
fn a_secret_file_that_is_not_a_regular_file_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".hooky")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join(".hooky/secret"))
        .status()
        .unwrap();
    assert!(status.success());
    // `timeout` bounds a command that would block on the FIFO (it then exits 124).
    let mut command = std::process::Command::new("timeout");
    command
        .args(["10", env!("CARGO_BIN_EXE_hooky")])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("HOOKY_SECRET");
    let output = run_in(command, &["sign", "--scheme", "hex"], b"{}");
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(".hooky/secret") && err.contains("not a regular file"),
        "{err}"
    );
}

/// A cloned repository's `.hooky/fixtures` is read without following links: a linked fixture is
/// refused by name, and a FIFO named like a fixture is refused at once instead of blocking `send`.
#[test]
fn fixture_files_that_are_links_or_fifos_are_refused() {
    let send_list = |dir: &std::path::Path| {
        let mut command = std::process::Command::new("timeout");
        command
            .args(["10", env!("CARGO_BIN_EXE_hooky")])
            .current_dir(dir)
            .env("NO_COLOR", "1");
        run_in(command, &["send", "--list"], b"")
    };
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join(".hooky/fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    let private = dir.path().join("credentials.json");
    std::fs::write(&private, r#"{"token":"private"}"#).unwrap();
    std::os::unix::fs::symlink(&private, fixtures.join("creds.json")).unwrap();
    let output = send_list(dir.path());
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("creds.json") && err.contains("symbolic link"),
        "{err}"
    );

    std::fs::remove_file(fixtures.join("creds.json")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(fixtures.join("stall.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let output = send_list(dir.path());
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("stall.json") && err.contains("not a regular file"),
        "{err}"
    );
}
