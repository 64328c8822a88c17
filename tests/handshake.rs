//! Providers' verification handshakes: `hooky send`'s handshake fixtures against `hooky listen`,
//! which answers them as each provider asks, refuses them without proof, and leaves them alone
//! under `--no-handshake`.

use crate::util::{self, listen, post_with, sign_headers};
use hooky::signature::Scheme;

const SECRET: &str = "s3cret-for-handshakes";
const TOKEN: &str = "verify-me";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `hooky send FIXTURE --to URL --json` with the secret and the verify token in the environment;
/// its `response` record.
fn send(fixture: &str, url: &str) -> (serde_json::Value, String) {
    let mut command = util::hooky();
    command
        .env("HOOKY_SECRET", SECRET)
        .env("HOOKY_VERIFY_TOKEN", TOKEN);
    let output = util::run_in(command, &["send", fixture, "--to", url, "--json"], b"");
    util::assert_code(&output, 0);
    let stdout = util::stdout(&output);
    let response = util::json_lines(&output)
        .into_iter()
        .find(|v| v["type"] == "response")
        .expect("a response record");
    (response, stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_answers_the_handshake_fixtures_send_sends() {
    let l = listen(&["--secret", SECRET, "--verify-token", TOKEN]);
    let hook = format!("{}/hook", l.url);

    let (slack, _) = send("slack/url_verification", &hook);
    assert_eq!(slack["status"], 200);
    assert!(
        slack["body"].as_str().unwrap().starts_with("challenge_"),
        "{slack}"
    );

    let (meta, printed) = send("meta/subscribe", &hook);
    let url = meta["url"].as_str().unwrap();
    let challenge = url.rsplit("hub.challenge=").next().unwrap();
    assert_eq!(meta["body"], challenge);
    // The token is the user's secret: never printed.
    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(url.contains("hub.verify_token=(redacted)"), "{url}");

    let (dropbox, _) = send("dropbox/challenge", &hook);
    let challenge = dropbox["url"].as_str().unwrap().rsplit("challenge=").next();
    assert_eq!(dropbox["body"].as_str(), challenge);

    let (graph, _) = send("microsoft-graph/validation", &hook);
    assert!(
        graph["body"]
            .as_str()
            .unwrap()
            .starts_with("Validation: Testing client application reachability"),
        "{graph}"
    );

    l.captured(4).await;
    let records = l.captures();
    let kinds: Vec<_> = records
        .iter()
        .map(|r| r.handshake.clone().expect("captured as a handshake"))
        .collect();
    assert!(kinds.iter().all(|k| k.refused.is_none()), "{kinds:?}");
    assert_eq!(
        kinds.iter().map(|k| k.kind.as_str()).collect::<Vec<_>>(),
        [
            "slack url_verification",
            "meta hub.challenge",
            "dropbox challenge",
            "microsoft graph validationToken"
        ]
    );
    let meta_query = records[1].query.as_deref().unwrap();
    assert!(!meta_query.contains(TOKEN), "{meta_query}");

    let (output, _) = l.interrupt();
    let shown = util::stdout(&output);
    assert!(
        shown.contains("handshake slack url_verification answered"),
        "{shown}"
    );
    assert!(!shown.contains(TOKEN) && !util::stderr(&output).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshakes_without_proof_are_refused_and_echoes_are_plain() {
    let l = listen(&["--json", "--secret", SECRET]);
    let client = util::http_client();

    // Meta's without --verify-token: 403 and the flag to pass.
    let meta = client
        .get(format!(
            "{}/hook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42",
            l.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(meta.status(), 403);
    assert!(meta.text().await.unwrap().contains("--verify-token"));

    // Slack's signed with another secret: not echoed.
    let body = br#"{"type":"url_verification","challenge":"echo-me-not"}"#;
    let headers = sign_headers(Scheme::SLACK, "another secret", body, now());
    let slack = post_with(&format!("{}/hook", l.url), &headers, body).await;
    assert_eq!(slack.status(), 401);
    assert!(!slack.text().await.unwrap().contains("echo-me-not"));

    // An echo is text/plain, never sniffed, and bounded.
    let dropbox = client
        .get(format!("{}/hook?challenge=%3Cscript%3E", l.url))
        .send()
        .await
        .unwrap();
    assert_eq!(dropbox.status(), 200);
    assert_eq!(
        dropbox.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(dropbox.headers()["x-content-type-options"], "nosniff");
    assert_eq!(dropbox.text().await.unwrap(), "<script>");
    let long = client
        .get(format!("{}/hook?challenge={}", l.url, "a".repeat(2000)))
        .send()
        .await
        .unwrap();
    assert_eq!(long.status(), 400);

    l.captured(4).await;
    let refused: Vec<_> = l
        .captures()
        .iter()
        .map(|r| r.handshake.as_ref().unwrap().refused.is_some())
        .collect();
    assert_eq!(refused, [true, true, false, true]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_handshake_treats_them_as_any_request() {
    let l = listen(&["--no-handshake", "--no-verify"]);
    let answer = util::http_client()
        .get(format!("{}/hook?challenge=abc", l.url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), r#"{"received":true}"#);
    l.captured(1).await;
    assert_eq!(l.captures()[0].handshake, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoom_and_twitch_handshakes_are_answered_once_signed() {
    let l = listen(&["--secret", SECRET]);
    let hook = format!("{}/hook", l.url);
    let (zoom, _) = send("zoom/endpoint.url_validation", &hook);
    assert_eq!(zoom["status"], 200, "{zoom}");
    let answer: serde_json::Value = serde_json::from_str(zoom["body"].as_str().unwrap()).unwrap();
    let plain = answer["plainToken"].as_str().unwrap();
    assert!(plain.starts_with("plain_"), "{answer}");
    // The hex HMAC-SHA256 of the token with the secret, as Zoom checks it.
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(plain.as_bytes());
    assert_eq!(
        answer["encryptedToken"],
        hex::encode(mac.finalize().into_bytes())
    );

    let (twitch, _) = send("twitch/webhook_callback_verification", &hook);
    assert_eq!(twitch["status"], 200, "{twitch}");
    assert!(
        twitch["body"].as_str().unwrap().starts_with("challenge_"),
        "{twitch}"
    );
    l.captured(2).await;
    let kinds: Vec<_> = l
        .captures()
        .iter()
        .map(|r| r.handshake.clone().expect("a handshake"))
        .collect();
    assert!(kinds.iter().all(|k| k.refused.is_none()), "{kinds:?}");
    assert_eq!(
        kinds.iter().map(|k| k.kind.as_str()).collect::<Vec<_>>(),
        [
            "zoom endpoint.url_validation",
            "twitch webhook_callback_verification"
        ]
    );
}
