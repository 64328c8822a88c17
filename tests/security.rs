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
    let signed = sign_headers(Scheme::Stripe, SECRET, body, chrono::Utc::now().timestamp());
    assert_eq!(
        crate::util::post_with(&l.url, &signed, body).await.status(),
        200
    );
    let forged = sign_headers(Scheme::Github, "wrong", body, 0);
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
        let answer = client.get(format!("{}{path}", l.url)).send().await.unwrap();
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
