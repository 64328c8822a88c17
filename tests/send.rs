//! `hooky send`, end to end: the real binary against small axum receivers on 127.0.0.1 that verify
//! with `hooky::signature::verify` and record what they got.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use hooky::signature::{Keys, Scheme, verify};

use crate::util::receiver::{Receiver, json_type};
use crate::util::{assert_code, hooky, json_lines, repo_path, run, run_in, stderr, stdout};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WAIT: Duration = Duration::from_secs(30);
const DETERMINISTIC: [&str; 4] = ["--clock", "2024-01-01T00:00:00Z", "--seed", "42"];

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A receiver that verifies `scheme` with SECRET: 200 when valid, 401 with the reason otherwise.
fn verifying(scheme: Scheme) -> Receiver {
    Receiver::start(move |request, _| {
        let keys: [&[u8]; 1] = [SECRET.as_bytes()];
        let verdict = verify(
            scheme,
            Keys::new(&keys),
            &hooky::signature::SignedRequest::post(&request.headers, &request.body),
            now(),
            Some(300),
        );
        if verdict.is_valid() {
            (200, vec![json_type()], r#"{"received":true}"#.into())
        } else {
            (401, vec![], format!("rejected: {verdict}"))
        }
    })
}

fn send(receiver: &Receiver, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["send", "--to", &receiver.url, "--secret", SECRET];
    args.extend_from_slice(extra);
    run(&args, b"")
}

#[test]
fn every_scheme_verifies_at_the_other_end() {
    let cases = [
        (
            "hex",
            "order.completed",
            "X-Webhook-Event",
            "order.completed",
        ),
        ("github", "github/push", "X-GitHub-Event", "push"),
        (
            "stripe",
            "stripe/payment_intent.succeeded",
            "X-Webhook-Event",
            "payment_intent.succeeded",
        ),
        (
            "standard",
            "standard/contact.created",
            "X-Webhook-Event",
            "contact.created",
        ),
        (
            "shopify",
            "shopify/orders/create",
            "X-Shopify-Topic",
            "orders/create",
        ),
        (
            "slack",
            "slack/event_callback",
            "X-Webhook-Event",
            "event_callback",
        ),
        ("gitlab", "order.created", "X-Gitlab-Event", "order.created"),
    ];
    for (scheme_name, event, type_header, event_type) in cases {
        let scheme = Scheme::from_name(scheme_name).unwrap();
        let receiver = verifying(scheme);
        // provider fixtures default to their scheme; the generic ones are told
        let out = if event.contains('/') {
            send(&receiver, &[event])
        } else {
            send(&receiver, &[event, "--scheme", scheme_name])
        };
        assert_code(&out, 0);
        assert!(
            stdout(&out).starts_with("<-- 200 OK "),
            "{scheme_name}: {}",
            stdout(&out)
        );
        let got = receiver.requests();
        assert_eq!(got.len(), 1, "{scheme_name}");
        assert_eq!(
            got[0].header(type_header),
            Some(event_type),
            "{scheme_name}"
        );
        assert_eq!(got[0].header("content-type"), Some("application/json"));
    }
}

#[test]
fn overrides_headers_and_method() {
    let receiver = Receiver::ok();
    let out = send(
        &receiver,
        &[
            "order.completed",
            "--set",
            "data.amount=500",
            "--set-str",
            "data.note=500",
            "--set",
            "data.tags=[\"a\"]",
            "--unset",
            "data.items",
            "-H",
            "X-Extra: yes",
            "-X",
            "PUT",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["type"], "response");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["attempts"], 1);
    let request = &receiver.requests()[0];
    let body = request.json();
    assert_eq!(request.method, "PUT");
    assert_eq!(request.header("x-extra"), Some("yes"));
    assert_eq!(body["data"]["amount"], 500);
    assert_eq!(body["data"]["note"], "500");
    assert_eq!(body["data"]["tags"], serde_json::json!(["a"]));
    assert!(body["data"].get("items").is_none());
    assert!(body.get("_meta").is_none(), "_meta is not sent");
    assert_eq!(lines[0]["event_id"], body["id"]);

    let bad = send(&receiver, &["order.completed", "--set", "data.amount.x=1"]);
    assert_code(&bad, 2);
    assert!(
        stderr(&bad).contains("--set data.amount.x"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn templates_render_fresh_values() {
    let receiver = Receiver::ok();
    let data = r#"{"id":"{{id "evt"}}","u":"{{uuid}}","n":{{seq}},"shop":"{{env "HOOKY_TEST_SHOP" "none"}}","later":{{now+5m}},"at":"{{now_iso}}"}"#;
    let mut command = hooky();
    command.env("HOOKY_TEST_SHOP", "acme \"north\"");
    let args = [
        "send",
        "--to",
        &receiver.url,
        "--secret",
        SECRET,
        "--data",
        data,
        "--clock",
        "1700000000",
    ];
    assert_code(&run_in(command, &args, b""), 0);
    assert_code(&run(&args, b""), 0);
    let got = receiver.requests();
    let (first, second) = (got[0].json(), got[1].json());
    assert!(first["id"].as_str().unwrap().starts_with("evt_"));
    assert_ne!(first["id"], second["id"], "ids are fresh on every send");
    assert_eq!(first["n"], 1);
    assert_eq!(first["shop"], "acme \"north\"");
    assert_eq!(second["shop"], "none");
    assert_eq!(first["later"], 1_700_000_300);
    assert_eq!(first["at"], "2023-11-14T22:13:20Z");
    assert_eq!(got[0].header("x-webhook-event"), Some("--data"));

    // an unknown placeholder names the fixture, the line and the column
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\n  \"a\": {{nope}}\n}").unwrap();
    let out = run(
        &[
            "send",
            "broken",
            "--fixtures",
            dir.path().to_str().unwrap(),
            "--dry-run",
        ],
        b"",
    );
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("broken, line 2, column 8: unknown placeholder {{nope}}"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn project_and_dir_fixtures_override_built_ins() {
    let project = crate::util::tempdir();
    let fixtures = project.path().join(".hooky/fixtures");
    std::fs::create_dir_all(fixtures.join("acme")).unwrap();
    std::fs::write(
        fixtures.join("order.completed.json"),
        r#"{"_meta":{"description":"ours"},"id":"{{id "ord"}}","type":"order.completed","mine":true}"#,
    )
    .unwrap();
    std::fs::write(
        fixtures.join("acme/order.shipped.json"),
        r#"{"_meta":{"description":"shipped","scheme":"github","event":"shipment"},"id":1}"#,
    )
    .unwrap();
    let in_project = |args: &[&str]| {
        let mut command = hooky();
        command.current_dir(project.path());
        run_in(command, args, b"")
    };
    let list = in_project(&["send", "--list", "--json"]);
    assert_code(&list, 0);
    let fixtures_listed = json_lines(&list);
    let find = |name: &str| {
        fixtures_listed
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"))
            .clone()
    };
    assert_eq!(
        find("order.completed")["source"],
        "project (overrides built-in)"
    );
    assert_eq!(find("order.completed")["description"], "ours");
    assert_eq!(find("acme/order.shipped")["scheme"], "github");
    assert_eq!(find("github/push")["source"], "built-in");
    // A fixture that names no scheme is sent with hex: the list says so, not "-".
    assert_eq!(find("order.completed")["scheme"], "hex");
    assert_eq!(find("payment.failed")["scheme"], "hex");

    let receiver = Receiver::ok();
    let out = in_project(&[
        "send",
        "acme.order.shipped",
        "--to",
        &receiver.url,
        "--secret",
        SECRET,
    ]);
    assert_code(&out, 0);
    let request = &receiver.requests()[0];
    assert_eq!(request.header("x-github-event"), Some("shipment"));
    assert!(request.header("x-hub-signature-256").is_some());

    let human = in_project(&["send", "--list"]);
    assert!(stdout(&human).contains("acme/order.shipped"));
    let row = stdout(&human)
        .lines()
        .find(|l| l.starts_with("payment.failed "))
        .unwrap()
        .to_string();
    assert!(row.contains(" hex "), "{row}");

    for bad in ["../etc/passwd", "/etc/passwd", "a/../../b"] {
        let out = in_project(&["send", bad, "--dry-run"]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("invalid fixture name"),
            "{bad}: {}",
            stderr(&out)
        );
    }
}

/// The dry-run request of a deterministic run, with the version (which changes) normalised.
fn deterministic_dry_run(seed: &str) -> String {
    let mut args = vec![
        "send",
        "stripe/payment_intent.succeeded",
        "--secret",
        SECRET,
        "--dry-run",
    ];
    args.extend_from_slice(&["--clock", "2024-01-01T00:00:00Z", "--seed", seed]);
    let out = run(&args, b"");
    assert_code(&out, 0);
    stdout(&out).replace(
        &format!("hooky/{}", env!("CARGO_PKG_VERSION")),
        "hooky/VERSION",
    )
}

#[test]
fn deterministic_mode_is_byte_stable() {
    let first = deterministic_dry_run("42");
    assert_eq!(first, deterministic_dry_run("42"));
    let golden = std::fs::read_to_string(repo_path("tests/golden/send_dry_run.txt")).unwrap();
    assert_eq!(
        first, golden,
        "tests/golden/send_dry_run.txt is the expected --dry-run output"
    );
    assert_ne!(first, deterministic_dry_run("43"));
    assert!(!first.contains(SECRET));

    // the same bytes go on the wire, twice
    let receiver = Receiver::ok();
    for _ in 0..2 {
        let mut args = vec!["standard/contact.created"];
        args.extend_from_slice(&DETERMINISTIC);
        assert_code(&send(&receiver, &args), 0);
    }
    let got = receiver.requests();
    assert_eq!(got[0].body, got[1].body);
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        assert_eq!(got[0].header(name), got[1].header(name), "{name}");
    }
    assert_eq!(got[0].header("webhook-timestamp"), Some("1704067200"));
}

#[test]
fn curl_and_dry_run_never_show_the_secret() {
    let token = "glpat-very-secret-token";
    for mode in ["--dry-run", "--curl"] {
        let out = run(
            &[
                "send",
                "order.created",
                "--scheme",
                "gitlab",
                "--secret",
                token,
                mode,
            ],
            b"",
        );
        assert_code(&out, 0);
        assert!(!stdout(&out).contains(token) && !stderr(&out).contains(token));
        assert!(stdout(&out).contains("X-Gitlab-Token"), "{}", stdout(&out));
    }
    let curl = run(
        &[
            "send",
            "order.created",
            "--secret",
            SECRET,
            "--curl",
            "--set-str",
            "data.note=it's",
        ],
        b"",
    );
    assert!(stdout(&curl).starts_with("curl -sS -X POST http://127.0.0.1:8080/ \\\n"));
    assert!(stdout(&curl).contains("it'\\''s"), "{}", stdout(&curl));
}

#[test]
fn a_401_hints_that_the_secret_or_scheme_differs() {
    let receiver = verifying(Scheme::STRIPE);
    let out = run(
        &[
            "send",
            "order.completed",
            "--to",
            &receiver.url,
            "--secret",
            "another-secret",
            "--scheme",
            "hex",
        ],
        b"",
    );
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("the receiver answered 401"), "{err}");
    let hint = err.lines().find(|l| l.starts_with("hint: ")).unwrap_or("");
    assert!(
        hint.contains("secret or scheme probably differs") && hint.contains("(hex)"),
        "{err}"
    );
    assert!(
        !err.contains("another-secret"),
        "the secret was echoed: {err}"
    );
}

#[test]
fn retries_honour_retry_after_and_re_sign() {
    let receiver = Receiver::start(|_, index| {
        if index == 0 {
            (503, vec![("retry-after".into(), "1".into())], "busy".into())
        } else {
            (200, vec![], "ok".into())
        }
    });
    let out = send(&receiver, &["stripe/checkout.session.completed"]);
    assert_code(&out, 0);
    // The time reported is the whole delivery's (over a second, with the wait), not the last try's.
    let line = stdout(&out).lines().next().unwrap().to_string();
    assert!(line.starts_with("<-- 200 OK after 2 attempts, "), "{line}");
    let took = line
        .trim_start_matches("<-- 200 OK after 2 attempts, ")
        .split(' ')
        .next()
        .unwrap();
    assert!(took.ends_with('s') && !took.ends_with("ms"), "{line}");
    assert!(stderr(&out).contains("Retry-After"), "{}", stderr(&out));
    let got = receiver.requests();
    assert_eq!(got.len(), 2);
    assert!(
        got[1].at - got[0].at >= Duration::from_secs(1),
        "waited {:?}",
        got[1].at - got[0].at
    );
    assert_eq!(
        got[0].json()["id"],
        got[1].json()["id"],
        "the event id is kept"
    );
    let timestamp = |i: usize| -> i64 {
        let header = got[i].header("stripe-signature").unwrap();
        header
            .split(',')
            .next()
            .unwrap()
            .trim_start_matches("t=")
            .parse()
            .unwrap()
    };
    assert!(timestamp(1) > timestamp(0), "each attempt is signed afresh");
}

#[test]
fn retries_stop_at_the_limit() {
    let receiver =
        Receiver::start(|_, _| (500, vec![("retry-after".into(), "0".into())], "down".into()));
    let out = send(&receiver, &["order.created", "--retries", "2"]);
    assert_code(&out, 1);
    assert_eq!(receiver.requests().len(), 3);
    assert!(
        stderr(&out).contains("answered 500 (after 3 attempt(s))"),
        "{}",
        stderr(&out)
    );

    let refusing = Receiver::start(|_, _| (400, vec![], "bad".into()));
    let out = send(&refusing, &["order.created"]);
    assert_code(&out, 1);
    assert_eq!(refusing.requests().len(), 1, "4xx is not retried");

    let out = send(&receiver, &["order.created", "--no-retry"]);
    assert_code(&out, 1);
    assert_eq!(receiver.requests().len(), 4);
}

#[test]
fn expectations_set_the_exit_code() {
    let receiver = Receiver::ok();
    assert_code(
        &send(&receiver, &["order.created", "--expect-status", "2xx"]),
        0,
    );
    let out = send(&receiver, &["order.created", "--expect-status", "201"]);
    assert_code(&out, 4);
    assert!(stderr(&out).contains("expected status 201, got 200"));
    assert_code(
        &send(
            &receiver,
            &["order.created", "--expect-body", "json:received=true"],
        ),
        0,
    );
    let out = send(
        &receiver,
        &["order.created", "--expect-body", "json:received=false"],
    );
    assert_code(&out, 4);
    assert!(
        stderr(&out).contains("expected received = false, got true"),
        "{}",
        stderr(&out)
    );

    let rejecting = verifying(Scheme::HEX);
    let out = run(
        &[
            "send",
            "order.created",
            "--to",
            &rejecting.url,
            "--secret",
            "wrong",
        ],
        b"",
    );
    assert_code(&out, 1);
    let out = run(
        &[
            "send",
            "order.created",
            "--to",
            &rejecting.url,
            "--secret",
            "wrong",
            "--expect-status",
            "401",
        ],
        b"",
    );
    assert_code(&out, 0);

    let out = run(
        &[
            "send",
            "order.created",
            "--to",
            "ftp://127.0.0.1/",
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_code(&out, 2);
    // No secret given: the development secret signs it.
    let out = run(&["send", "order.created", "--to", &receiver.url], b"");
    assert_code(&out, 0);
}

#[test]
fn repeat_sends_the_same_event() {
    let receiver = Receiver::ok();
    assert_code(&send(&receiver, &["payment.succeeded", "--repeat", "3"]), 0);
    let ids: Vec<_> = receiver
        .requests()
        .iter()
        .map(|r| r.json()["id"].clone())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| *id == ids[0]));
}

#[test]
fn load_summary_counts_what_the_server_saw() {
    let receiver = Receiver::start(|_, index| {
        if index % 5 == 4 {
            (422, vec![], "no".into())
        } else {
            (204, vec![], String::new())
        }
    });
    let out = send(
        &receiver,
        &[
            "order.created",
            "--count",
            "50",
            "--concurrency",
            "8",
            "--json",
        ],
    );
    assert_code(&out, 1);
    let lines = json_lines(&out);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    let got = receiver.requests();
    assert_eq!(summary["sent"], got.len() as u64);
    assert_eq!(summary["sent"], 50);
    assert_eq!(summary["succeeded"], 40);
    assert_eq!(summary["failures"]["4xx"], 10);
    let mut ids: Vec<String> = got
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50, "every event has a fresh id");
    assert!(
        summary["latency_ms"]["p99"].as_f64().unwrap()
            <= summary["latency_ms"]["max"].as_f64().unwrap()
    );

    let ok = Receiver::ok();
    let out = send(
        &ok,
        &[
            "order.created",
            "--count",
            "20",
            "--concurrency",
            "4",
            "--rate",
            "1000/s",
        ],
    );
    assert_code(&out, 0);
    assert!(
        stdout(&out).starts_with("sent 20, 2xx 20 in "),
        "{}",
        stdout(&out)
    );
    assert_eq!(ok.requests().len(), 20);
}

#[test]
fn attack_passes_a_verifying_receiver_and_fails_a_lazy_one() {
    for scheme in ["stripe", "standard", "github"] {
        let receiver = verifying(Scheme::from_name(scheme).unwrap());
        let out = send(
            &receiver,
            &["order.completed", "--attack", "--scheme", scheme, "--json"],
        );
        assert_code(&out, 0);
        let lines = json_lines(&out);
        let checks: Vec<_> = lines.iter().filter(|l| l["type"] == "check").collect();
        assert!(
            checks.iter().all(|c| c["result"] != "fail"),
            "{scheme}: {checks:?}"
        );
        let rotation = checks.iter().any(|c| c["check"] == "rotation");
        assert_eq!(rotation, scheme != "github", "{scheme}");
        let duplicate = checks
            .iter()
            .find(|c| c["check"] == "duplicate_id")
            .unwrap();
        assert_eq!(duplicate["result"], "info");
        assert_eq!(duplicate["statuses"], serde_json::json!([200, 200]));
    }

    // Stripe: wrong signature, missing header, wrong secret, body changed, stale timestamp (10
    // minutes, and just past the tolerance)
    let lazy = Receiver::ok();
    let out = send(&lazy, &["stripe/payment_intent.succeeded", "--attack"]);
    // 4 (an expectation failed), not the count: 1 and 2 mean "could not connect" and "usage".
    assert_code(&out, 4);
    let table = stdout(&out);
    assert!(
        table.contains("wrong_signature") && table.contains("FAIL"),
        "{table}"
    );
    assert!(
        table.lines().last().unwrap().contains("6 failed"),
        "the count is on the last line: {table}"
    );
    // Standard also rejects a timestamp from the future; no event named: any will do
    let out = send(&lazy, &["--attack", "--scheme", "standard", "--json"]);
    assert_code(&out, 4);
    let lines = json_lines(&out);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "attack_summary");
    assert_eq!(summary["failed"], 7);
    // A single failed check is 4 too, never 1 (which means the receiver could not be reached).
    let closed = {
        // A port that was free a moment ago: connections to it are refused.
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", socket.local_addr().unwrap())
    };
    let unreachable = run(
        &[
            "send",
            "--to",
            &closed,
            "--secret",
            SECRET,
            "--attack",
            "--scheme",
            "hex",
            "--timeout",
            "2s",
        ],
        b"",
    );
    assert_code(&unreachable, 1);
    assert!(
        stderr(&unreachable).contains("the receiver never answered"),
        "{}",
        stderr(&unreachable)
    );
}

#[test]
fn no_picker_without_a_terminal() {
    let out = run(&["send"], b"");
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.starts_with("hooky: error: no event to send"), "{err}");
    assert!(
        err.contains("hint:") && err.contains("order.completed") && err.contains("github/push"),
        "{err}"
    );
    let out = run(&["send", "order.complete", "--dry-run"], b"");
    assert_code(&out, 2);
    assert!(stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

#[test]
fn watch_resends_on_change_and_survives_errors() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("watched.json");
    let write = |amount: &str| {
        std::fs::write(
            &file,
            format!(r#"{{"id":"{{{{id "evt"}}}}","type":"watched","amount":{amount}}}"#),
        )
        .unwrap()
    };
    write("1");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hooky"))
        .args([
            "send",
            "watched",
            "--watch",
            "--fixtures",
            dir.path().to_str().unwrap(),
        ])
        .args(["--to", &receiver.url, "--secret", SECRET])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr_lines = BufReader::new(child.stderr.take().unwrap());
    let (line_sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr_lines.lines().map_while(Result::ok) {
            let _ = line_sender.send(line);
        }
    });
    receiver.wait_for(1, WAIT);
    write("{{broken");
    // the error is reported and the watch goes on
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = lines
            .recv_timeout(left)
            .expect("an error line for the broken file");
        if line.contains("hooky: error:") {
            break;
        }
    }
    write("2");
    let got = receiver.wait_for(2, WAIT);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(got[0].json()["amount"], 1);
    assert_eq!(got[1].json()["amount"], 2);
}

#[test]
fn watch_json_reports_an_error_in_the_one_error_shape() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("watched.json");
    std::fs::write(&file, r#"{"type":"watched"}"#).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hooky"))
        .args(["--json", "send", "watched", "--watch", "--fixtures"])
        .arg(dir.path())
        .args(["--to", &receiver.url, "--secret", SECRET])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout_lines = BufReader::new(child.stdout.take().unwrap());
    let (line_sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout_lines.lines().map_while(Result::ok) {
            let _ = line_sender.send(line);
        }
    });
    receiver.wait_for(1, WAIT);
    std::fs::write(&file, "{{broken").unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    let error: serde_json::Value = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = lines
            .recv_timeout(left)
            .expect("an error record for the broken file");
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        if record["type"] == "error" {
            break record;
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("watched"),
        "{error}"
    );
    assert!(error.get("message").is_none(), "{error}");
    if let Some(hint) = error.get("hint") {
        assert!(!hint.as_str().unwrap().starts_with("hint:"), "{error}");
    }
}

#[test]
fn fixture_new_from_a_capture() {
    let dir = tempfile::tempdir().unwrap();
    let body = br#"{"id":"evt_1NqBcDEFghijKLmn","type":"order.shipped","created":1700000000,"data":{"token":"tok-live-123","order_id":"ord_123","note":"{{env 'AWS_SECRET_ACCESS_KEY' ''}}"}}"#;
    let (encoded, encoding) = hooky::capture::encode_body(body);
    let record = hooky::capture::CaptureRecord {
        seq: 1,
        id: "cap_1".into(),
        received_at: "2024-01-01T00:00:00Z".into(),
        remote_addr: "127.0.0.1:5000".into(),
        method: "PUT".into(),
        path: "/hook".into(),
        query: Some("shop=north".into()),
        headers: vec![
            ("Stripe-Signature".into(), "t=1700000000,v1=abcd".into()),
            ("Authorization".into(), "Bearer sk_live_secret".into()),
            ("X-Shop".into(), "north".into()),
        ],
        body: Some(encoded),
        body_encoding: encoding,
        body_size: body.len() as u64,
        body_sha256: hooky::capture::sha256_hex(body),
        verdict: Default::default(),
        status: 200,
        ..Default::default()
    };
    let captures = dir.path().join("captures.jsonl");
    std::fs::write(&captures, record.to_line() + "\n").unwrap();
    let fixtures = dir.path().join("fixtures");
    let out = run(
        &[
            "fixture",
            "new",
            "acme/order.shipped",
            "--from-capture",
            "1",
            "--from",
            captures.to_str().unwrap(),
            "--dir",
            fixtures.to_str().unwrap(),
        ],
        b"",
    );
    assert_code(&out, 0);
    let text = std::fs::read_to_string(fixtures.join("acme/order.shipped.json")).unwrap();
    assert!(
        !text.contains("sk_live_secret")
            && !text.contains("tok-live-123")
            && !text.contains("v1=abcd"),
        "{text}"
    );
    assert!(
        text.contains("{{id \"evt\"}}")
            && text.contains("{{id \"ord\"}}")
            && text.contains("{{now}}"),
        "every id is templated: {text}"
    );
    // A credential header is left out, not sent as a stand-in.
    assert!(!text.contains("Authorization"), "{text}");
    assert!(
        stderr(&out).contains("left out credential header(s): Authorization"),
        "{}",
        stderr(&out)
    );

    let receiver = Receiver::ok();
    let mut command = hooky();
    // Captured template text must stay text: this variable must not reach the receiver.
    command.env("AWS_SECRET_ACCESS_KEY", "leaked-secret");
    let out = run_in(
        command,
        &[
            "send",
            "acme.order.shipped",
            "--fixtures",
            fixtures.to_str().unwrap(),
            "--to",
            &receiver.base,
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_code(&out, 0);
    let request = &receiver.requests()[0];
    // The captured method, path and query are the fixture's.
    assert_eq!(request.method, "PUT");
    assert_eq!(request.path, "/hook");
    assert_eq!(request.query.as_deref(), Some("shop=north"));
    assert_eq!(
        request.json()["data"]["note"],
        "{{env 'AWS_SECRET_ACCESS_KEY' ''}}"
    );
    assert!(!String::from_utf8_lossy(&request.body).contains("leaked-secret"));
    assert!(request.header("authorization").is_none());
    assert_ne!(request.json()["data"]["order_id"], "ord_123");
    assert!(
        request.header("stripe-signature").is_some(),
        "the captured scheme is the default"
    );
    assert_eq!(request.header("x-shop"), Some("north"));
    assert_ne!(request.json()["id"], "evt_1NqBcDEFghijKLmn");

    let again = run(
        &[
            "fixture",
            "new",
            "acme/order.shipped",
            "--from-capture",
            "1",
            "--from",
            captures.to_str().unwrap(),
            "--dir",
            fixtures.to_str().unwrap(),
        ],
        b"",
    );
    assert_code(&again, 2);
    let missing = run(
        &[
            "fixture",
            "new",
            "x",
            "--from-capture",
            "9",
            "--from",
            captures.to_str().unwrap(),
        ],
        b"",
    );
    assert_code(&missing, 2);
}

/// A keep-alive HTTP/1.1 server that answers each connection's first request 200 and then closes
/// the connection without saying so (no `Connection: close`), as idle timeouts do. Records the `id`
/// of every event it answered.
fn closing_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let ids = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = ids.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
                seen.lock()
                    .unwrap()
                    .push(event["id"].as_str().unwrap().to_string());
                let mut stream = reader.into_inner();
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                // Dropped: closed after one answer.
            });
        }
    });
    (url, ids)
}

fn load_summary(out: &std::process::Output) -> serde_json::Value {
    let lines = json_lines(out);
    let summary = lines.last().unwrap().clone();
    assert_eq!(summary["type"], "summary", "{}", stderr(out));
    summary
}

#[test]
fn a_load_reconnects_when_the_receiver_closes_kept_alive_connections() {
    let (url, ids) = closing_server();
    let out = run(
        &[
            "send",
            "order.created",
            "--to",
            &url,
            "--count",
            "60",
            "--concurrency",
            "4",
            "--json",
        ],
        b"",
    );
    assert_code(&out, 0);
    let summary = load_summary(&out);
    assert_eq!(
        (summary["sent"].as_u64(), summary["succeeded"].as_u64()),
        (Some(60), Some(60))
    );
    let mut ids = ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 60, "each event answered once");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60, "and every event a different one");
}

#[test]
fn a_load_retries_a_500_and_counts_each_send_once() {
    let answered = std::sync::Mutex::new(std::collections::HashSet::new());
    let receiver = Receiver::start(move |request, _| {
        let id = request.json()["id"].as_str().unwrap().to_string();
        if answered.lock().unwrap().insert(id) {
            (
                500,
                vec![("retry-after".into(), "0".into())],
                "later".into(),
            )
        } else {
            (204, vec![], String::new())
        }
    });
    let out = send(
        &receiver,
        &[
            "order.created",
            "--count",
            "30",
            "--concurrency",
            "4",
            "--retries",
            "2",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let summary = load_summary(&out);
    assert_eq!(
        (summary["sent"].as_u64(), summary["succeeded"].as_u64()),
        (Some(30), Some(30))
    );
    let got = receiver.requests();
    assert_eq!(got.len(), 60, "one 500 and one retry per event");
    let mut ids: Vec<String> = got
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    for pair in ids.chunks(2) {
        assert_eq!(pair[0], pair[1], "the retry carries the same event");
    }

    // Without retries, the 500s are the run's failures, counted once each.
    let receiver = Receiver::start(|_, _| (500, vec![], String::new()));
    let out = send(
        &receiver,
        &[
            "order.created",
            "--count",
            "12",
            "--concurrency",
            "3",
            "--no-retry",
            "--json",
        ],
    );
    assert_code(&out, 1);
    let summary = load_summary(&out);
    assert_eq!(summary["failures"]["5xx"], 12);
    assert_eq!(receiver.requests().len(), 12);
}

#[test]
fn a_load_to_https_speaks_tls_and_counts_each_failed_handshake() {
    // A plain HTTP server does not answer a TLS handshake: every send fails to connect, none
    // reaches the handler, and nothing panics.
    let receiver = Receiver::ok();
    let url = receiver.url.replace("http://", "https://");
    let out = run(
        &[
            "send",
            "order.created",
            "--to",
            &url,
            "--count",
            "5",
            "--concurrency",
            "2",
            "--no-retry",
            "--json",
        ],
        b"",
    );
    assert_code(&out, 1);
    let summary = load_summary(&out);
    assert_eq!(summary["sent"], 5);
    assert_eq!(summary["failures"]["connect"], 5, "{summary}");
    assert!(receiver.requests().is_empty());
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn a_load_goes_through_a_configured_proxy() {
    // The proxy (a recording server) gets every request in absolute form; the target is never
    // contacted (nothing listens there).
    let proxy = Receiver::ok();
    let mut command = hooky();
    command
        .env("HTTP_PROXY", &proxy.base)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    let out = run_in(
        command,
        &[
            "send",
            "order.created",
            "--to",
            "http://localhost:9/hook",
            "--count",
            "6",
            "--concurrency",
            "2",
            "--no-retry",
            "--json",
        ],
        b"",
    );
    assert_code(&out, 0);
    assert_eq!(load_summary(&out)["succeeded"], 6);
    assert_eq!(proxy.requests().len(), 6);
}
