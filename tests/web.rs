//! The web view's endpoints on the real binary: the page (CSP, token), the event stream (live and
//! resumed), HAR and curl downloads, the replay action (token, re-signing), the Host gate, and that
//! no GET changes anything.

use std::time::Duration;

use hooky::signature::{self, Keys, Scheme};
use serde_json::{Value, json};

use crate::util::{http_client, json_lines, listen, page_token, post_with, sign_headers};

const SECRET: &str = "whsec_d2ViLXZpZXctc2VjcmV0";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An open `/_hooky/events` stream, read frame by frame.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(url: &str, last_event_id: Option<u64>) -> Events {
        let mut request = http_client().get(format!("{url}/_hooky/events"));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        // No overall timeout: the stream stays open; each read below has its own deadline.
        let response = reqwest::Client::new()
            .execute(request.build().unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next `request` event: its id and its data.
    async fn next(&mut self) -> (u64, Value) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = None;
                for line in frame.lines() {
                    if let Some(value) = line.strip_prefix("id: ") {
                        id = value.parse().ok();
                    } else if let Some(value) = line.strip_prefix("data: ") {
                        data = Some(serde_json::from_str(value).unwrap());
                    }
                }
                if let (Some(id), Some(data)) = (id, data) {
                    return (id, data);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .expect("an event arrives in time")
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

async fn get(url: &str) -> reqwest::Response {
    http_client().get(url).send().await.unwrap()
}

async fn the_page(url: &str) -> (reqwest::header::HeaderMap, String) {
    let page = get(&format!("{url}/_hooky/")).await;
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    (headers, page.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_has_a_strict_csp_and_a_token_and_no_cors() {
    let l = listen(&["--secret", SECRET]);
    let (headers, page) = the_page(&l.url).await;
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(!headers.contains_key("access-control-allow-origin"));
    let token = page_token(&page);
    assert_eq!(token.len(), 64);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(page.contains(r#"<script src="/_hooky/app.js" defer></script>"#));
    // No inline script: every <script> has a src.
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=").count()
    );
    assert!(!page.contains(SECRET));

    let script = get(&format!("{}/_hooky/app.js", l.url)).await;
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.text().await.unwrap().contains("EventSource"));
    let style = get(&format!("{}/_hooky/style.css", l.url)).await;
    assert_eq!(style.status(), 200);
    assert!(style.text().await.unwrap().contains("prefers-color-scheme"));

    // Another listener has another token.
    let other = listen(&[]);
    let (_, other_page) = the_page(&other.url).await;
    assert_ne!(page_token(&other_page), token);
    other.interrupt();
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ui_url_is_announced_and_no_ui_turns_it_off() {
    let l = listen(&["--json"]);
    let (output, _dir) = l.interrupt();
    let lines = json_lines(&output);
    assert_eq!(lines[0]["type"], "listening");
    let url = lines[0]["url"].as_str().unwrap();
    assert_eq!(lines[0]["ui"], format!("{url}/_hooky/"));

    let l = listen(&[]);
    let url = l.url.clone();
    let (output, _dir) = l.interrupt();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(&format!("web view: {url}/_hooky/")), "{text}");

    let l = listen(&["--no-ui", "--json"]);
    for path in ["/_hooky/", "/_hooky/app.js", "/_hooky/events"] {
        let answer = get(&format!("{}{path}", l.url)).await;
        assert_eq!(answer.status(), 404, "{path}");
    }
    // The feed is poll's, and stays.
    assert_eq!(
        get(&format!("{}/_hooky/requests", l.url)).await.status(),
        200
    );
    let (output, _dir) = l.interrupt();
    assert_eq!(json_lines(&output)[0]["ui"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_is_live_and_resumes_from_last_event_id() {
    let l = listen(&[]);
    post_with(&format!("{}/before", l.url), &[], b"{\"n\":1}").await;

    // A fresh stream starts with the recent history, then follows live.
    let mut events = Events::open(&l.url, None).await;
    let (id, data) = events.next().await;
    assert_eq!((id, data["path"].as_str()), (1, Some("/before")));
    let body = json!({"id": "evt_live", "type": "order.completed"}).to_string();
    post_with(&format!("{}/live?x=1", l.url), &[], body.as_bytes()).await;
    let (id, data) = events.next().await;
    assert_eq!(id, 2);
    assert_eq!(data["path"], "/live");
    assert_eq!(data["query"], "x=1");
    assert_eq!(data["event_type"], "order.completed");
    assert_eq!(data["body"], body);
    assert_eq!(data["verdict"]["verdict"], "unsigned");
    assert!(data["headers"].as_array().unwrap().len() > 1);
    drop(events);

    // While no one watches, two more arrive; a reconnect with Last-Event-ID gets exactly those.
    for n in 3..=4 {
        post_with(&format!("{}/missed/{n}", l.url), &[], b"x").await;
    }
    let mut events = Events::open(&l.url, Some(2)).await;
    assert_eq!(events.next().await.0, 3);
    assert_eq!(events.next().await.0, 4);
    post_with(&format!("{}/after", l.url), &[], b"y").await;
    let (id, data) = events.next().await;
    assert_eq!((id, data["path"].as_str()), (5, Some("/after")));

    // ?since= does the same for a first connection.
    let since = http_client()
        .get(format!("{}/_hooky/events?since=4", l.url))
        .build()
        .unwrap();
    let response = reqwest::Client::new().execute(since).await.unwrap();
    let mut events = Events {
        response,
        buffer: String::new(),
    };
    assert_eq!(events.next().await.0, 5);
    drop(events);

    // Ctrl-C ends open streams instead of waiting for them.
    let _open = Events::open(&l.url, None).await;
    let (output, _dir) = l.interrupt();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("gave up waiting"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_body_travels_without_its_body_and_the_stream_survives_no_capture() {
    let l = listen(&["--max-body", "2MiB"]);
    let mut events = Events::open(&l.url, None).await;
    let big = vec![b'a'; hooky::web_view::INLINE_LIMIT + 10];
    post_with(&l.url, &[], &big).await;
    let (id, data) = events.next().await;
    assert_eq!(id, 1);
    assert_eq!(data["body_deferred"], true);
    assert_eq!(data["body"], Value::Null);
    assert_eq!(data["body_size"], big.len());
    drop(events);
    l.interrupt();

    let l = listen(&["--no-capture"]);
    let mut events = Events::open(&l.url, None).await;
    post_with(&format!("{}/nc", l.url), &[], b"z").await;
    let (id, data) = events.next().await;
    assert_eq!((id, data["path"].as_str()), (1, Some("/nc")));
    let har = get(&format!("{}/_hooky/requests/1.har", l.url)).await;
    assert_eq!(har.status(), 404);
    drop(events);
    l.interrupt();
}

/// A receiver for replays: answers 202 and hands over each request it got.
async fn receiver() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, Vec<(String, String)>, Vec<u8>)>,
) {
    let (sender, requests) = tokio::sync::mpsc::unbounded_channel();
    let router = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let sender = sender.clone();
            async move {
                let headers = headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
                    .collect();
                let _ = sender.send((uri.to_string(), headers, body.to_vec()));
                (axum::http::StatusCode::ACCEPTED, "thanks")
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, requests)
}

async fn replay(url: &str, token: Option<&str>, action: &Value) -> reqwest::Response {
    let mut request = http_client()
        .post(format!("{url}/_hooky/replay"))
        .header("content-type", "application/json")
        .body(action.to_string());
    if let Some(token) = token {
        request = request.header("x-hooky-token", token);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_needs_the_token_and_re_signs_with_the_listeners_secret() {
    let (target, mut received) = receiver().await;
    let l = listen(&["--secret", SECRET]);
    let body = json!({"id": "evt_r", "type": "invoice.paid"}).to_string();
    let signed_at = now() - 120;
    let original = sign_headers(Scheme::Stripe, SECRET, body.as_bytes(), signed_at);
    let answer = post_with(
        &format!("{}/hooks/stripe", l.url),
        &original,
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let (_, page) = the_page(&l.url).await;
    let token = page_token(&page);
    let action = json!({"seq": 1, "url": format!("{target}/replayed?q=1"), "resign": true});

    // No token, a wrong token, a token of the wrong length, and GET: refused, nothing sent.
    assert_eq!(replay(&l.url, None, &action).await.status(), 403);
    let wrong: String = token
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    assert_eq!(replay(&l.url, Some(&wrong), &action).await.status(), 403);
    assert_eq!(replay(&l.url, Some("abc"), &action).await.status(), 403);
    let by_get = get(&format!("{}/_hooky/replay", l.url)).await;
    assert_eq!(by_get.status(), 405);
    assert!(received.try_recv().is_err());

    // The right token: sent, re-signed with a fresh timestamp the receiver can verify.
    let answer = replay(&l.url, Some(&token), &action).await;
    assert_eq!(answer.status(), 200);
    let result: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(result["status"], 202);
    assert_eq!(result["resigned"], true);
    assert_eq!(result["response_body"], "thanks");
    let text = result.to_string();
    assert!(!text.contains(SECRET) && !text.contains("d2ViLXZpZXctc2VjcmV0"));
    let (uri, headers, got) = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(uri, "/replayed?q=1");
    assert_eq!(got, body.as_bytes());
    let keys: [&[u8]; 1] = [SECRET.as_bytes()];
    let verdict = signature::verify(Scheme::Stripe, Keys::new(&keys), &headers, &got, now(), 60);
    assert!(verdict.is_valid(), "{verdict:?}");
    let fresh = signature::get_one(&headers, "stripe-signature").unwrap();
    assert_ne!(fresh, original[0].1, "a fresh timestamp and signature");

    // Without re-signing, the captured signature goes out as it came in.
    let plain = json!({"seq": 1, "url": format!("{target}/plain")});
    assert_eq!(replay(&l.url, Some(&token), &plain).await.status(), 200);
    let (_, headers, _) = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        signature::get_one(&headers, "stripe-signature"),
        Some(original[0].1.as_str())
    );

    // Bad actions are one clear error each.
    let missing = replay(&l.url, Some(&token), &json!({"seq": 99, "url": target})).await;
    assert_eq!(missing.status(), 404);
    let file_url = json!({"seq": 1, "url": "file:///etc/passwd"});
    let bad_url = replay(&l.url, Some(&token), &file_url).await;
    assert_eq!(bad_url.status(), 400);
    l.interrupt();

    // Re-signing needs a secret; a listener that verifies nothing has none and says so.
    let l = listen(&["--no-verify"]);
    post_with(&l.url, &original, body.as_bytes()).await;
    let (_, page) = the_page(&l.url).await;
    let answer = replay(&l.url, Some(&page_token(&page)), &action).await;
    assert_eq!(answer.status(), 400);
    let error: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert!(
        error["message"].as_str().unwrap().contains("re-sign"),
        "{error}"
    );
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_checks_the_host() {
    let l = listen(&[]);
    post_with(&l.url, &[], b"{}").await;
    let (_, page) = the_page(&l.url).await;
    let token = page_token(&page);
    let port = l.url.rsplit(':').next().unwrap().to_string();
    for path in [
        "/_hooky/",
        "/_hooky/app.js",
        "/_hooky/events",
        "/_hooky/requests/1.har",
        "/_hooky/requests/1/curl",
        "/_hooky/requests",
    ] {
        for host in [
            "evil.example".to_string(),
            format!("evil.example:{port}"),
            format!("127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1),
        ] {
            let answer = http_client()
                .get(format!("{}{path}", l.url))
                .header("Host", &host)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 403, "{path} with Host {host}");
            assert!(!answer.headers().contains_key("access-control-allow-origin"));
        }
        let local = http_client()
            .get(format!("{}{path}", l.url))
            .header("Host", format!("localhost:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(local.status(), 200, "{path} with Host localhost");
    }
    let rebinding = http_client()
        .post(format!("{}/_hooky/replay", l.url))
        .header("Host", "evil.example")
        .header("x-hooky-token", &token)
        .body(json!({"seq": 1, "url": "http://127.0.0.1:9/"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(rebinding.status(), 403);
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_endpoints_change_nothing_and_downloads_hide_secrets() {
    let l = listen(&["--secret", SECRET]);
    let body = br#"{"id":"evt_g","type":"charge.succeeded"}"#;
    let headers = sign_headers(Scheme::Stripe, SECRET, body, now());
    post_with(&format!("{}/g?a=b", l.url), &headers, body).await;
    let before = std::fs::read(l.capture_path()).unwrap();

    let har = get(&format!("{}/_hooky/requests/1.har", l.url)).await;
    assert_eq!(har.status(), 200);
    assert_eq!(
        har.headers()["content-disposition"],
        "attachment; filename=\"hooky-1.har\""
    );
    let har_text = har.text().await.unwrap();
    let imported = hooky::har::read(&har_text).unwrap();
    assert_eq!(imported.records.len(), 1);
    assert_eq!(imported.records[0].body_bytes().unwrap(), body);
    assert_eq!(imported.records[0].path, "/g");

    let curl = get(&format!("{}/_hooky/requests/1/curl", l.url)).await;
    assert_eq!(curl.status(), 200);
    let curl_text = curl.text().await.unwrap();
    assert!(curl_text.starts_with("curl -sS -X POST"), "{curl_text}");
    assert!(
        curl_text.contains(&format!("{}/g?a=b", l.url)),
        "{curl_text}"
    );
    assert!(curl_text.contains("Stripe-Signature") || curl_text.contains("stripe-signature"));
    let resigned = get(&format!(
        "{}/_hooky/requests/1/curl?to=http%3A%2F%2F127.0.0.1%3A9%2Fx&resign=1",
        l.url
    ))
    .await;
    let resigned_text = resigned.text().await.unwrap();
    assert!(
        resigned_text.contains("-X POST http://127.0.0.1:9/x "),
        "{resigned_text}"
    );
    for text in [&har_text, &curl_text, &resigned_text] {
        assert!(!text.contains(SECRET) && !text.contains("d2ViLXZpZXctc2VjcmV0"));
    }

    for path in [
        "/_hooky/",
        "/_hooky/app.js",
        "/_hooky/style.css",
        "/_hooky/requests",
        "/_hooky/requests/1",
        "/_hooky/requests/1.har",
        "/_hooky/requests/1/curl",
    ] {
        assert_eq!(
            get(&format!("{}{path}", l.url)).await.status(),
            200,
            "{path}"
        );
        let head = http_client()
            .head(format!("{}{path}", l.url))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
    }
    for path in [
        "/_hooky/",
        "/_hooky/requests/1.har",
        "/_hooky/requests/1/curl",
    ] {
        let posted = http_client()
            .post(format!("{}{path}", l.url))
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 405, "POST {path}");
    }
    let mut events = Events::open(&l.url, None).await;
    assert_eq!(events.next().await.0, 1);
    drop(events);

    // Nothing was captured, nothing was numbered: the next request is #2.
    assert_eq!(std::fs::read(l.capture_path()).unwrap(), before);
    post_with(&l.url, &[], b"next").await;
    let captures = l.captures();
    assert_eq!(captures.last().unwrap().seq, 2);
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_falls_behind_catches_up_from_the_capture_file() {
    let l = listen(&[]);
    let mut events = Events::open(&l.url, None).await;
    // Far more than the live channel and the socket buffers hold, while the stream is not read.
    let body = vec![b'x'; 100 * 1024];
    let total = 150;
    for _ in 0..total {
        assert_eq!(post_with(&l.url, &[], &body).await.status(), 200);
    }
    for expected in 1..=total {
        let (id, data) = events.next().await;
        assert_eq!(id, expected, "every request, once, in order");
        assert_eq!(data["body_size"], body.len());
    }
    drop(events);
    l.interrupt();
}
