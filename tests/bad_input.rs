//! The bad input campaign: hostile HTTP at `hooky listen` and hostile arguments and files at every
//! command. Each case must get a clear answer; the listener must stay alive and keep serving.

use hooky::capture::VerdictKind;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::util::{
    assert_clean_error, assert_code, hooky, listen, raw_exchange, run, run_in, stderr, stdout,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WAIT: Duration = Duration::from_secs(20);

fn status_of(reply: &str) -> Option<u16> {
    reply
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

fn request(headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = b"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_vec();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

#[test]
fn hostile_http_gets_an_answer_and_the_listener_goes_on() {
    let mut l = listen(&["--max-body", "1MiB", "--client-timeout", "2s"]);
    let addr = l.addr();
    let exchange = |bytes: &[u8]| raw_exchange(&addr, bytes, false, WAIT);

    // Invalid HTTP, in a few shapes.
    for garbage in [
        &b"THIS IS NOT HTTP\r\n\r\n"[..],
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
        b"POST / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
    ] {
        let reply = exchange(garbage);
        assert!(
            reply.is_empty() || status_of(&reply).is_some_and(|s| (400..500).contains(&s)),
            "{garbage:?} → {reply}"
        );
        l.assert_serving(&format!("{garbage:?}"));
    }

    // Oversized headers: a 200 KB header and a 1 MB one get an answer (431/400), never a hang.
    for size in [200 * 1024, 1024 * 1024] {
        let big = "a".repeat(size);
        let reply = exchange(&request(&[("X-Big", &big)], b"{}"));
        assert!(
            status_of(&reply).is_some(),
            "{size} byte header → {reply:.200}"
        );
        l.assert_serving(&format!("a {size} byte header"));
    }
    let many: Vec<(String, String)> = (0..5000).map(|i| (format!("X-H{i}"), "v".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let reply = exchange(&request(&many, b"{}"));
    assert!(status_of(&reply).is_some(), "5000 headers → {reply:.200}");
    l.assert_serving("5000 headers");

    // Oversized bodies, announced and chunked.
    let reply = exchange(&request(&[], &vec![b'x'; 2 * 1024 * 1024]));
    assert_eq!(status_of(&reply), Some(413), "{reply:.200}");
    let mut chunked =
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            .to_vec();
    for _ in 0..40 {
        chunked.extend_from_slice(b"10000\r\n");
        chunked.extend_from_slice(&[b'y'; 0x10000]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(status_of(&exchange(&chunked)), Some(413));
    l.assert_serving("oversized bodies");

    // Truncated bodies: Content-Length larger than what is sent, then the client closes.
    let mut truncated = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".to_vec();
    truncated.extend_from_slice(b"{\"only\":\"part");
    let _ = raw_exchange(&addr, &truncated, true, WAIT);
    l.assert_serving("a truncated body");

    // Invalid UTF-8 in the body and in a header value: captured byte-exact.
    let mut odd = b"POST /utf HTTP/1.1\r\nHost: x\r\nX-Odd: caf\xe9 \xff\xfe\r\nConnection: close\r\nContent-Length: 4\r\n\r\n".to_vec();
    odd.extend_from_slice(b"\xff\xfe\x00\x80");
    assert_eq!(status_of(&exchange(&odd)), Some(200));
    l.assert_serving("invalid UTF-8");
    let captures = l.captures();
    let record = captures.iter().find(|r| r.path == "/utf").unwrap();
    assert_eq!(record.body_bytes().unwrap(), b"\xff\xfe\x00\x80");

    // JSON nested 100,000 deep: answered, printed as text, kept, and the web view still works.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let reply = exchange(&request(
        &[("Content-Type", "application/json")],
        deep.as_bytes(),
    ));
    assert_eq!(status_of(&reply), Some(200), "{reply:.200}");
    let deep_object = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert_eq!(
        status_of(&exchange(&request(&[], deep_object.as_bytes()))),
        Some(200)
    );
    l.assert_serving("JSON nested 100,000 deep");
    let seq = l.captures().last().unwrap().seq - 1;
    for path in [
        format!("/_hooky/requests/{seq}"),
        "/_hooky/requests?since=0".into(),
        format!("/_hooky/requests/{seq}/curl"),
        format!("/_hooky/requests/{seq}.har"),
    ] {
        let get = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Hooky-Key: {}\r\nConnection: close\r\n\r\n",
            l.key
        );
        let reply = exchange(get.as_bytes());
        assert!(
            matches!(status_of(&reply), Some(200 | 404)),
            "{path} → {reply:.200}"
        );
    }
    l.assert_serving("the web view read deep JSON");
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn a_slowloris_client_is_cut_off_while_others_are_served() {
    let mut l = listen(&["--client-timeout", "1s"]);
    let addr = l.addr();
    let mut slow = Vec::new();
    for _ in 0..8 {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream
            .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        slow.push(stream);
    }
    let started = Instant::now();
    // Others are served while the slow ones hang on.
    l.assert_serving("eight stalled clients");
    // A slow body (headers complete, body never finished) is cut off too.
    let mut slow_body = std::net::TcpStream::connect(&addr).unwrap();
    slow_body.set_read_timeout(Some(WAIT)).unwrap();
    slow_body
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    slow.push(slow_body);
    for mut stream in slow {
        let mut rest = Vec::new();
        let closed = stream.read_to_end(&mut rest);
        assert!(
            closed.is_ok(),
            "a stalled client was not closed: {closed:?}"
        );
        let text = String::from_utf8_lossy(&rest);
        assert!(text.is_empty() || text.starts_with("HTTP/1.1 4"), "{text}");
    }
    // Closed by --client-timeout, not by the test's own 20 s read deadline.
    assert!(started.elapsed() < Duration::from_secs(15));
    l.assert_serving("the stalled clients were cut off");
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
}

/// Reads one answer with a `Content-Length` body from a kept-alive connection; its status.
fn read_answer(stream: &mut std::net::TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = stream
            .read(&mut byte)
            .expect("an answer before the read deadline");
        assert_eq!(
            read,
            1,
            "closed mid-answer: {}",
            String::from_utf8_lossy(&head)
        );
        head.extend_from_slice(&byte);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length: usize = head
        .to_ascii_lowercase()
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("a content-length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    status_of(&head).unwrap_or(0)
}

#[test]
fn each_request_on_a_kept_alive_connection_gets_the_whole_head_deadline() {
    // The deadline is the connection's one timer, pushed later for each request: a client that
    // pauses between requests for less than --client-timeout each time (but for longer in all) is
    // served every time, and one that stays silent past it is cut off.
    let l = listen(&["--client-timeout", "3s"]);
    let mut stream = std::net::TcpStream::connect(l.addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    // Three pauses of 1.5 s: 4.5 s in all, longer than one deadline.
    for i in 0..3 {
        let body = format!("{{\"n\":{i}}}");
        let request = format!(
            "POST /kept HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        assert_eq!(read_answer(&mut stream), 200, "request {i}");
        // The pause is what is tested: a client idle between requests.
        std::thread::sleep(Duration::from_millis(1500));
    }
    let silent = Instant::now();
    let mut rest = Vec::new();
    let closed = stream.read_to_end(&mut rest);
    assert!(closed.is_ok() && rest.is_empty(), "{closed:?} {rest:?}");
    // Cut off by --client-timeout, not by the test's own 20 s read deadline.
    assert!(silent.elapsed() < Duration::from_secs(15));
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output).matches("/kept").count(),
        3,
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_answer_slower_than_the_client_timeout_still_arrives() {
    // --client-timeout times what the client sends; hooky's own --delay is not the client's.
    let l = listen(&["--client-timeout", "1s", "--delay", "2500ms"]);
    let started = Instant::now();
    let reply = raw_exchange(&l.addr(), &request(&[], b"{}"), false, WAIT);
    assert_eq!(status_of(&reply), Some(200), "{reply}");
    assert!(started.elapsed() >= Duration::from_millis(2500));
    let (output, _) = l.interrupt();
    assert_code(&output, 0);
}

#[test]
fn malformed_signatures_of_every_scheme_are_invalid_never_a_crash() {
    let mut l = listen(&["--secret", SECRET]);
    let addr = l.addr();
    let huge = "9".repeat(40);
    let stripe_huge = format!("t={huge},v1=00");
    let cases: Vec<Vec<(&str, &str)>> = vec![
        // Duplicates of every scheme's header.
        vec![
            ("X-Hub-Signature-256", "sha256=00"),
            ("X-Hub-Signature-256", "sha256=11"),
        ],
        vec![
            ("Stripe-Signature", "t=1,v1=00"),
            ("Stripe-Signature", "t=2,v1=00"),
        ],
        vec![
            ("X-Shopify-Hmac-Sha256", "AAAA"),
            ("X-Shopify-Hmac-Sha256", "BBBB"),
        ],
        vec![
            ("X-Slack-Signature", "v0=00"),
            ("X-Slack-Signature", "v0=00"),
            ("X-Slack-Request-Timestamp", "1"),
        ],
        vec![("X-Gitlab-Token", "a"), ("X-Gitlab-Token", "b")],
        vec![("X-Webhook-Signature", "00"), ("X-Webhook-Signature", "11")],
        vec![
            ("webhook-id", "a"),
            ("webhook-id", "b"),
            ("webhook-timestamp", "1"),
            ("webhook-signature", "v1,AAAA"),
        ],
        // Malformed values.
        vec![("X-Hub-Signature-256", "sha1=zz")],
        vec![("X-Hub-Signature-256", "sha256=not-hex!")],
        vec![("X-Hub-Signature-256", "")],
        vec![("Stripe-Signature", "garbage")],
        vec![("Stripe-Signature", "t=,v1=")],
        vec![("Stripe-Signature", ",,,=,=,t=t=t")],
        vec![("Stripe-Signature", "t=-1,v1=00")],
        vec![("Stripe-Signature", &stripe_huge)],
        vec![("Stripe-Signature", "t=1700000000,v1=zz,v0=ab")],
        vec![("X-Shopify-Hmac-Sha256", "!!!not base64!!!")],
        vec![
            ("X-Slack-Signature", "v0=nothex"),
            ("X-Slack-Request-Timestamp", "-99999999999"),
        ],
        vec![
            ("X-Slack-Signature", "v0=00"),
            ("X-Slack-Request-Timestamp", &huge),
        ],
        vec![("X-Slack-Signature", "v0=00")],
        vec![("X-Webhook-Signature", "é-not-hex")],
        vec![
            ("webhook-id", "x"),
            ("webhook-timestamp", "-1"),
            ("webhook-signature", "v1,AAAA"),
        ],
        vec![
            ("webhook-id", "x"),
            ("webhook-timestamp", &huge),
            ("webhook-signature", "v1,%%%"),
        ],
        vec![
            ("webhook-id", "x"),
            ("webhook-timestamp", "1.5"),
            ("webhook-signature", "v1"),
        ],
        vec![
            ("svix-id", "x"),
            ("svix-timestamp", "1"),
            ("svix-signature", ",,, v1, v2,x"),
        ],
    ];
    for headers in &cases {
        let reply = raw_exchange(&addr, &request(headers, b"{}"), false, WAIT);
        assert_eq!(status_of(&reply), Some(401), "{headers:?} → {reply:.300}");
        l.assert_serving(&format!("{headers:?}"));
    }
    let invalid = l
        .captures()
        .iter()
        .filter(|r| r.verdict.verdict == VerdictKind::Invalid)
        .count();
    assert_eq!(invalid, cases.len());
    l.interrupt();
}

/// A directory with a capture file holding garbage, huge lines and wrong types among two good
/// requests; also a HAR file with the same.
fn hostile_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let good = |seq: u64| {
        let mut record = hooky::capture::CaptureRecord {
            seq,
            v: hooky::capture::CAPTURE_VERSION,
            id: format!("req_{seq}"),
            received_at: "2024-01-01T00:00:00Z".into(),
            remote_addr: "127.0.0.1:1".into(),
            method: "POST".into(),
            path: "/hooks".into(),
            query: None,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: None,
            body_encoding: hooky::capture::BodyEncoding::Utf8,
            body_size: 0,
            body_sha256: String::new(),
            body_omitted: None,
            event_type: None,
            event_id: None,
            verdict: Default::default(),
            status: 200,
            duplicate_of: None,
            forward: None,
            handshake: None,
        };
        record.verdict.verdict = VerdictKind::Unsigned;
        record.set_body(br#"{"id":"evt_1"}"#);
        record.to_line()
    };
    let mut text = good(1);
    text.push_str("not json at all\n");
    text.push_str(&format!(
        "{{\"seq\":\"{}\"}}\n",
        "x".repeat(2 * 1024 * 1024)
    ));
    text.push_str("{\"seq\":-1,\"headers\":{},\"body\":7}\n");
    text.push_str("[1,2,3]\n\u{0}\u{1}\n");
    text.push_str(&format!("{}\n", "[".repeat(100_000)));
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"\xff\xfe garbage\n");
    bytes.extend_from_slice(good(2).as_bytes());
    bytes.extend_from_slice(b"{\"seq\":3,\"id\":\"trunc");
    std::fs::write(dir.path().join("captures.jsonl"), bytes).unwrap();
    let har = r#"{"log":{"entries":[
        {"request":{"method":"POST","url":"http://127.0.0.1/a","headers":[],"postData":{"text":"{}"}}},
        {"request":"wrong type"},
        {"request":{"method":7,"url":[]}},
        {"request":{"method":"POST","url":"http://127.0.0.1/b","headers":{"a":1},"postData":{"text":5}}},
        {"request":{"method":"POST","url":"http://127.0.0.1/c","headers":[{"name":1}],"postData":{"text":"x","encoding":"base64"}}},
        42
    ]}}"#;
    std::fs::write(dir.path().join("log.har"), har).unwrap();
    std::fs::write(dir.path().join("garbage.har"), b"{\"log\": [\xff").unwrap();
    std::fs::write(
        dir.path().join("wrong.har"),
        r#"{"log":{"entries":{"a":1}}}"#,
    )
    .unwrap();
    dir
}

#[test]
fn replay_warns_per_bad_line_and_goes_on() {
    let dir = hostile_files();
    let from = dir.path().join("captures.jsonl");
    let output = run(&["replay", "--list", "--from", from.to_str().unwrap()], b"");
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(out.contains("/hooks"), "{out}");
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("line 2"), "one warning per bad line: {err}");
    assert!(err.contains("line 8"), "{err}");
    assert!(
        err.len() < 10_000,
        "a huge line is not echoed whole: {}",
        err.len()
    );

    let har = dir.path().join("log.har");
    let output = run(&["replay", "--list", "--from", har.to_str().unwrap()], b"");
    assert_code(&output, 0);
    assert!(stdout(&output).contains("/a"), "{}", stdout(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));

    for bad in ["garbage.har", "wrong.har"] {
        let path = dir.path().join(bad);
        let output = run(&["replay", "--list", "--from", path.to_str().unwrap()], b"");
        assert_clean_error(&output, 2);
    }
}

#[test]
fn hostile_arguments_get_one_error_line_and_a_documented_code() {
    let dir = hostile_files();
    // Only good lines here, so the errors are the only thing on stderr.
    let good: String = std::fs::read_to_string(dir.path().join("captures.jsonl"))
        .unwrap_or_default()
        .lines()
        .take(1)
        .collect();
    let from = dir.path().join("good.jsonl");
    std::fs::write(&from, format!("{good}\n")).unwrap();
    let from = from.to_str().unwrap();
    let blank = dir.path().join("blank.txt");
    std::fs::write(&blank, "\n   \n\n").unwrap();
    let blank = blank.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        // Empty secrets, three ways, for every command that takes one.
        vec!["sign", "--scheme", "github", "--secret", ""],
        vec!["sign", "--scheme", "github", "--secret-file", blank],
        vec![
            "verify",
            "--scheme",
            "github",
            "--secret",
            "",
            "-H",
            "X-Hub-Signature-256: sha256=00",
        ],
        vec!["verify", "--scheme", "github", "--secret-file", blank],
        vec![
            "send",
            "order.completed",
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
            "--secret",
            "",
        ],
        vec![
            "send",
            "order.completed",
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
            "--secret-file",
            blank,
        ],
        vec!["listen", "--port", "0", "--secret", ""],
        vec!["listen", "--port", "0", "--secret-file", blank],
        vec![
            "poll",
            "http://127.0.0.1:9/",
            "--emit-webhook",
            "http://127.0.0.1:9/",
            "--secret",
            "",
        ],
        vec![
            "poll",
            "http://127.0.0.1:9/",
            "--emit-webhook",
            "http://127.0.0.1:9/",
            "--secret-file",
            blank,
        ],
        vec![
            "replay",
            "--from",
            from,
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
            "--secret",
            "",
        ],
        vec![
            "replay",
            "--from",
            from,
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
            "--secret-file",
            blank,
        ],
        // Fixture names that climb out.
        vec![
            "send",
            "../etc/passwd",
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
        ],
        vec![
            "send",
            "../../secret",
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
        ],
        vec![
            "send",
            "a/../../b",
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
        ],
        // URLs hooky does not speak.
        vec!["send", "order.completed", "--to", "ftp://127.0.0.1/"],
        vec!["send", "order.completed", "--to", "file:///etc/passwd"],
        vec!["send", "order.completed", "--to", "127.0.0.1:9/hooks"],
        vec!["poll", "ftp://127.0.0.1/"],
        vec!["poll", "file:///etc/passwd"],
        vec!["poll", "127.0.0.1:9/feed"],
        vec!["replay", "--from", from, "--to", "ftp://127.0.0.1/"],
        vec!["replay", "--from", from, "--to", "file:///tmp/x"],
        vec!["replay", "--from", from, "--to", "127.0.0.1:9"],
        vec!["listen", "--port", "0", "--forward-to", "ftp://127.0.0.1/"],
        vec!["listen", "--port", "0", "--forward-to", "file:///tmp/x"],
        vec!["listen", "--port", "0", "--forward-to", "127.0.0.1:9"],
        // hooky verify with garbage headers.
        vec!["verify", "--secret", SECRET, "-H", "no colon here"],
        vec!["verify", "--secret", SECRET, "-H", ": empty name"],
        vec!["verify", "--secret", SECRET, "-H", "Bad Name: x"],
    ];
    for args in &cases {
        let output = run(args, b"{}");
        assert!(
            output.status.code() == Some(2),
            "{args:?}: code {:?}\n{}",
            output.status.code(),
            stderr(&output)
        );
        assert_clean_error(&output, 2);
    }
    // HOOKY_SECRET='' is refused like --secret ''.
    for args in [
        &["sign", "--scheme", "github"][..],
        &["verify", "--scheme", "github"],
        &[
            "send",
            "order.completed",
            "--to",
            "http://127.0.0.1:9/",
            "--dry-run",
        ],
    ] {
        let mut command = hooky();
        command.env("HOOKY_SECRET", "");
        let output = run_in(command, args, b"{}");
        assert_clean_error(&output, 2);
    }
    // Verify with well-formed but hostile signature headers: a verdict, exit 3, never a crash.
    let huge = "9".repeat(30);
    for header in [
        "Stripe-Signature: t=-5,v1=zz".to_string(),
        format!("Stripe-Signature: t={huge},v1=00"),
        "X-Slack-Signature: v0=".to_string(),
        "X-Shopify-Hmac-Sha256: ***".to_string(),
        format!("webhook-timestamp: {huge}"),
    ] {
        let output = run(&["verify", "--secret", SECRET, "-H", &header], b"{}");
        assert_code(&output, 3);
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    }
}

/// A server that streams an answer without end: every client stops at `--max-response` (16 MiB by
/// default) with an error naming the limit, instead of reading until the memory runs out.
#[test]
fn clients_stop_reading_an_endless_answer_at_the_limit() {
    use crate::util::endless::EndlessServer;
    let server = EndlessServer::start();
    let url = format!("{}/hooks", server.base);
    let limit = "--max-response limit of 65536 bytes";
    let stopped_early = |what: &str| {
        let most = server
            .most_written
            .load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            most < 64 * 1024 * 1024,
            "{what}: the server wrote {most} bytes"
        );
    };

    let send = |extra: &[&str]| {
        let mut args = vec![
            "send",
            "order.completed",
            "--to",
            &url,
            "--scheme",
            "none",
            "--no-retry",
        ];
        args.extend_from_slice(extra);
        run(&args, b"")
    };
    let output = send(&["--max-response", "64KiB"]);
    assert_code(&output, 1);
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(said.contains(limit), "{said}");
    stopped_early("send");
    // The default limit, 16 MiB.
    let output = send(&[]);
    assert_code(&output, 1);
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(said.contains("limit of 16777216 bytes"), "{said}");
    stopped_early("send with the default");

    let dir = tempfile::tempdir().unwrap();
    let mut record = hooky::capture::CaptureRecord {
        seq: 1,
        method: "POST".into(),
        path: "/hooks".into(),
        ..Default::default()
    };
    record.set_body(b"{}");
    let from = dir.path().join("c.jsonl");
    // The second capture's query keeps a `'`, so it goes through the byte-exact sender.
    let mut quoted = record.clone();
    quoted.seq = 2;
    quoted.query = Some("q='x'".into());
    std::fs::write(&from, record.to_line() + &quoted.to_line()).unwrap();
    for seq in ["1", "2"] {
        let output = run(
            &[
                "replay",
                seq,
                "--from",
                from.to_str().unwrap(),
                "--to",
                &server.base,
                "--max-response",
                "64KiB",
            ],
            b"",
        );
        assert_code(&output, 1);
        let said = format!("{}{}", stdout(&output), stderr(&output));
        assert!(said.contains(limit), "{said}");
        stopped_early("replay");
    }

    let output = run(
        &[
            "poll",
            &url,
            "--count",
            "1",
            "--timeout",
            "10s",
            "--retries",
            "0",
            "--max-response",
            "64KiB",
        ],
        b"",
    );
    assert_ne!(output.status.code(), Some(0));
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(said.contains(limit), "{said}");
    stopped_early("poll");

    let l = listen(&["--forward-to", &server.base, "--max-response", "64KiB"]);
    let reply = raw_exchange(&l.addr(), &request(&[], b"{}"), false, WAIT);
    assert_eq!(status_of(&reply), Some(502), "{reply}");
    assert!(reply.contains(limit), "{reply}");
    stopped_early("listen --forward-to");
}

/// Issue 13.20: a crafted last line with a huge sequence number would make listen's numbers wrap
/// (or lose precision in the web view); such a capture is refused with a clear error.
#[test]
fn a_capture_ending_with_a_huge_sequence_number_is_refused() {
    let dir = crate::util::tempdir();
    for seq in [u64::MAX.to_string(), (1u64 << 60).to_string()] {
        std::fs::write(
            dir.path().join("c.jsonl"),
            format!("{{\"seq\":1,\"id\":\"a\"}}\n{{\"seq\":{seq},\"id\":\"b\"}}\n"),
        )
        .unwrap();
        let mut command = hooky();
        command.current_dir(dir.path());
        let output = run_in(
            command,
            &[
                "listen",
                "--port",
                "0",
                "--capture",
                "c.jsonl",
                "--timeout",
                "5s",
            ],
            b"",
        );
        assert_clean_error(&output, 1);
        let err = stderr(&output);
        assert!(
            err.contains(&format!(
                "the capture file c.jsonl ends with sequence number {seq}"
            )),
            "{err}"
        );
        assert!(err.contains("hint: capture to another file"), "{err}");
    }
}

/// Issue 13.4: huge event ids are not kept for the duplicate check (the window holds digests, and
/// only of ids up to 256 bytes); the capture says why such a request was not checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_ids_over_256_bytes_are_not_checked_for_duplicates() {
    let l = listen(&[]);
    let huge = format!("evt_{}", "x".repeat(64 * 1024));
    let limit = format!("evt_{}", "y".repeat(252));
    for id in [&huge, &huge, &limit, &limit] {
        let body = format!(r#"{{"type":"t","id":"{id}"}}"#);
        let answer = crate::util::post_with(&l.url, &[], body.as_bytes()).await;
        assert_eq!(answer.status(), 200);
    }
    let captures = l.captures();
    let shape: Vec<(Option<u64>, Option<String>)> = captures
        .iter()
        .map(|r| (r.duplicate_of, r.verdict.note.clone()))
        .collect();
    let note = Some(format!(
        "event id of {} bytes not checked for duplicates (over 256 bytes)",
        huge.len()
    ));
    assert_eq!(
        shape,
        vec![
            (None, note.clone()),
            (None, note),
            (None, None),
            (Some(3), None)
        ]
    );
    let (output, _) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
}

/// Issue 13.16: a body of control bytes is captured as base64 (4/3 of its size, not 6x through
/// `\u00XX` escapes), and every reader still gets it byte for byte: replay, and the HAR export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_of_control_bytes_is_captured_as_base64_and_replays_exactly() {
    let l = listen(&[]);
    let body = vec![0x01u8; 1024 * 1024];
    let answer = crate::util::post_with(&l.url, &[], &body).await;
    assert_eq!(answer.status(), 200);
    let line = std::fs::read_to_string(l.capture_path()).unwrap();
    assert!(line.len() < 1536 * 1024, "a {} byte line", line.len());
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["body_encoding"], "base64");
    let (output, dir) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
    let capture = dir.path().join(".hooky/captures.jsonl");
    let from = capture.to_str().unwrap().to_string();

    let receiver = crate::util::receiver::Receiver::start(|_, _| (200, Vec::new(), "ok".into()));
    let base = receiver.base.clone();
    let replay_from = from.clone();
    let output = tokio::task::spawn_blocking(move || {
        run(&["replay", "--from", &replay_from, "1", "--to", &base], b"")
    })
    .await
    .unwrap();
    assert_code(&output, 0);
    assert_eq!(receiver.requests()[0].body, body);

    let output = run(&["replay", "--from", &from, "1", "--export", "har"], b"");
    assert_code(&output, 0);
    let har: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let post = &har["log"]["entries"][0]["request"]["postData"];
    assert_eq!(post["encoding"], "base64");
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(post["text"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, body);
}

/// Issue 13.16: human mode prints at most --max-print (64 KiB by default) of a body; the capture
/// keeps it whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn human_output_prints_at_most_max_print_of_a_body() {
    // `--body` prints bodies (by default a request is one line, without its body).
    for (args, limit) in [
        (&["--body"][..], 64 * 1024),
        (&["--body", "--max-print", "1KiB"][..], 1024),
    ] {
        let l = listen(args);
        let body = format!(r#"{{"data":"{}"}}"#, "a".repeat(1024 * 1024));
        let answer = crate::util::post_with(&l.url, &[], body.as_bytes()).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(l.captures()[0].body.as_deref(), Some(body.as_str()));
        let (output, _) = tokio::task::spawn_blocking(move || l.interrupt())
            .await
            .unwrap();
        assert_code(&output, 0);
        let out = stdout(&output);
        // The body is one run of "a"s: the longest run in the output is what was printed of it.
        let printed = out.split(|c| c != 'a').map(str::len).max().unwrap_or(0);
        assert!(
            printed > 0 && printed <= limit,
            "{printed} bytes of the body printed"
        );
        let left_out = body.len() - limit;
        assert!(
            out.contains(&format!("{left_out} more bytes not shown (--max-print")),
            "{}",
            &out[out.len().saturating_sub(400)..]
        );
    }
}
