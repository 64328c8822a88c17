//! The web view's endpoints on the real binary: the page (CSP, token), the event stream (live and
//! resumed), HAR and curl downloads, the replay action (token, re-signing), the Host gate, and that
//! no GET changes anything.

use std::time::Duration;

use hooky::signature::{self, Keys, Scheme};
use serde_json::{Value, json};

use crate::util::{
    Listening, http_client, json_lines, listen, page_token, post_with, sign_headers,
};

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
    async fn open(l: &Listening, last_event_id: Option<u64>) -> Events {
        let mut request = http_client().get(l.own("/_hooky/events"));
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

/// A JSON answer's body.
async fn json_of(answer: reqwest::Response) -> Value {
    serde_json::from_str(&answer.text().await.unwrap()).unwrap()
}

/// GETs one of the listener's own endpoints, with the key in `X-Hooky-Key`.
async fn get(l: &Listening, path: &str) -> reqwest::Response {
    http_client()
        .get(format!("{}{path}", l.url))
        .header("x-hooky-key", &l.key)
        .send()
        .await
        .unwrap()
}

/// The page, fetched the way a script does: the key in `X-Hooky-Key`.
async fn the_page(l: &Listening) -> (reqwest::header::HeaderMap, String) {
    let page = http_client()
        .get(format!("{}/_hooky/", l.url))
        .header("x-hooky-key", &l.key)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    (headers, page.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_has_a_strict_csp_and_a_token_and_no_cors() {
    let l = listen(&["--secret", SECRET]);
    let (headers, page) = the_page(&l).await;
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

    let script = get(&l, "/_hooky/app.js").await;
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.text().await.unwrap().contains("EventSource"));
    let style = get(&l, "/_hooky/style.css").await;
    assert_eq!(style.status(), 200);
    assert!(style.text().await.unwrap().contains("prefers-color-scheme"));

    // Another listener has another token.
    let other = listen(&[]);
    let (_, other_page) = the_page(&other).await;
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
    let key = lines[0]["key"].as_str().unwrap();
    assert_eq!(key.len(), 64);
    assert_eq!(lines[0]["ui"], format!("{url}/_hooky/?key={key}"));

    let l = listen(&[]);
    let (url, key) = (l.url.clone(), l.key.clone());
    let (output, _dir) = l.interrupt();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("web view: {url}/_hooky/?key={key}")),
        "{text}"
    );

    let l = listen(&["--no-ui", "--json"]);
    for path in ["/_hooky/", "/_hooky/app.js", "/_hooky/events"] {
        let answer = get(&l, path).await;
        assert_eq!(answer.status(), 404, "{path}");
    }
    // The feed is poll's, and stays.
    assert_eq!(get(&l, "/_hooky/requests").await.status(), 200);
    let key = l.key.clone();
    let (output, _dir) = l.interrupt();
    assert_eq!(json_lines(&output)[0]["ui"], Value::Null);
    assert_eq!(json_lines(&output)[0]["key"], key);

    // Without the page, people are told the feed's URL with its key.
    let l = listen(&["--no-ui"]);
    let (url, key) = (l.url.clone(), l.key.clone());
    let (output, _dir) = l.interrupt();
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains(&format!("feed: {url}/_hooky/requests?key={key}")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_is_live_and_resumes_from_last_event_id() {
    let l = listen(&[]);
    post_with(&format!("{}/before", l.url), &[], b"{\"n\":1}").await;

    // A fresh stream starts with the recent history, then follows live.
    let mut events = Events::open(&l, None).await;
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
    let mut events = Events::open(&l, Some(2)).await;
    assert_eq!(events.next().await.0, 3);
    assert_eq!(events.next().await.0, 4);
    post_with(&format!("{}/after", l.url), &[], b"y").await;
    let (id, data) = events.next().await;
    assert_eq!((id, data["path"].as_str()), (5, Some("/after")));

    // ?since= does the same for a first connection.
    let since = http_client()
        .get(l.own("/_hooky/events?since=4"))
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
    let _open = Events::open(&l, None).await;
    let (output, _dir) = l.interrupt();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("gave up waiting"), "{stderr}");
}

#[tokio::test]
async fn an_event_stream_outlives_the_client_timeout() {
    // --client-timeout times a client's request head; a stream the client only reads is an
    // answer still being sent, and stays open however long nothing arrives on it.
    let l = listen(&["--client-timeout", "1s"]);
    post_with(&format!("{}/first", l.url), &[], b"{}").await;
    let mut events = Events::open(&l, None).await;
    assert_eq!(events.next().await.0, 1);
    // The silence is what is tested: longer than the timeout, with nothing sent either way.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    post_with(&format!("{}/later", l.url), &[], b"{}").await;
    let (id, data) = events.next().await;
    assert_eq!((id, data["path"].as_str()), (2, Some("/later")));
    drop(events);
    let (output, _dir) = l.interrupt();
    assert_eq!(output.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_body_travels_without_its_body_and_the_stream_survives_no_capture() {
    let l = listen(&["--max-body", "2MiB"]);
    let mut events = Events::open(&l, None).await;
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
    let mut events = Events::open(&l, None).await;
    post_with(&format!("{}/nc", l.url), &[], b"z").await;
    let (id, data) = events.next().await;
    assert_eq!((id, data["path"].as_str()), (1, Some("/nc")));
    let har = get(&l, "/_hooky/requests/1.har").await;
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

async fn replay(l: &Listening, token: Option<&str>, action: &Value) -> reqwest::Response {
    let mut request = http_client()
        .post(format!("{}/_hooky/replay", l.url))
        .header("x-hooky-key", &l.key)
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
    let original = sign_headers(Scheme::STRIPE, SECRET, body.as_bytes(), signed_at);
    let answer = post_with(
        &format!("{}/hooks/stripe", l.url),
        &original,
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let (_, page) = the_page(&l).await;
    let token = page_token(&page);
    let action = json!({"seq": 1, "url": format!("{target}/replayed?q=1"), "resign": true});

    // No token, a wrong token, a token of the wrong length, and GET: refused, nothing sent.
    assert_eq!(replay(&l, None, &action).await.status(), 403);
    let wrong: String = token
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    assert_eq!(replay(&l, Some(&wrong), &action).await.status(), 403);
    assert_eq!(replay(&l, Some("abc"), &action).await.status(), 403);
    let by_get = get(&l, "/_hooky/replay").await;
    assert_eq!(by_get.status(), 405);
    assert!(received.try_recv().is_err());

    // The right token: sent, re-signed with a fresh timestamp the receiver can verify.
    let answer = replay(&l, Some(&token), &action).await;
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
    let verdict = signature::verify(
        Scheme::STRIPE,
        Keys::new(&keys),
        &signature::SignedRequest::post(&headers, &got),
        now(),
        Some(60),
    );
    assert!(verdict.is_valid(), "{verdict:?}");
    let fresh = hooky::headers::get_one(&headers, "stripe-signature").unwrap();
    assert_ne!(fresh, original[0].1, "a fresh timestamp and signature");

    // Without re-signing, the captured signature goes out as it came in.
    let plain = json!({"seq": 1, "url": format!("{target}/plain")});
    assert_eq!(replay(&l, Some(&token), &plain).await.status(), 200);
    let (_, headers, _) = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        hooky::headers::get_one(&headers, "stripe-signature"),
        Some(original[0].1.as_str())
    );

    // Bad actions are one clear error each.
    let missing = replay(&l, Some(&token), &json!({"seq": 99, "url": target})).await;
    assert_eq!(missing.status(), 404);
    let file_url = json!({"seq": 1, "url": "file:///etc/passwd"});
    let bad_url = replay(&l, Some(&token), &file_url).await;
    assert_eq!(bad_url.status(), 400);
    l.interrupt();

    // Re-signing needs a secret; a listener that verifies nothing has none and says so.
    let l = listen(&["--no-verify"]);
    post_with(&l.url, &original, body.as_bytes()).await;
    let (_, page) = the_page(&l).await;
    let answer = replay(&l, Some(&page_token(&page)), &action).await;
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
    let (_, page) = the_page(&l).await;
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
                .header("x-hooky-key", &l.key)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 403, "{path} with Host {host}");
            assert!(!answer.headers().contains_key("access-control-allow-origin"));
        }
        let local = http_client()
            .get(format!("{}{path}", l.url))
            .header("Host", format!("localhost:{port}"))
            .header("x-hooky-key", &l.key)
            .send()
            .await
            .unwrap();
        assert_eq!(local.status(), 200, "{path} with Host localhost");
    }
    let rebinding = http_client()
        .post(format!("{}/_hooky/replay", l.url))
        .header("Host", "evil.example")
        .header("x-hooky-key", &l.key)
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
    let headers = sign_headers(Scheme::STRIPE, SECRET, body, now());
    post_with(&format!("{}/g?a=b", l.url), &headers, body).await;
    let before = std::fs::read(l.capture_path()).unwrap();

    let har = get(&l, "/_hooky/requests/1.har").await;
    assert_eq!(har.status(), 200);
    assert_eq!(
        har.headers()["content-disposition"],
        "attachment; filename=\"hooky-1.har\""
    );
    let har_text = har.text().await.unwrap();
    let imported = hooky::capture::har::read(&har_text).unwrap();
    assert_eq!(imported.records.len(), 1);
    assert_eq!(imported.records[0].body_bytes().unwrap(), body);
    assert_eq!(imported.records[0].path, "/g");

    let curl = get(&l, "/_hooky/requests/1/curl").await;
    assert_eq!(curl.status(), 200);
    let curl_text = curl.text().await.unwrap();
    assert!(curl_text.starts_with("curl -sS -X POST"), "{curl_text}");
    assert!(
        curl_text.contains(&format!("{}/g?a=b", l.url)),
        "{curl_text}"
    );
    assert!(curl_text.contains("Stripe-Signature") || curl_text.contains("stripe-signature"));
    let resigned = get(
        &l,
        "/_hooky/requests/1/curl?to=http%3A%2F%2F127.0.0.1%3A9%2Fx&resign=1",
    )
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
        assert_eq!(get(&l, path).await.status(), 200, "{path}");
        let head = http_client()
            .head(format!("{}{path}", l.url))
            .header("x-hooky-key", &l.key)
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
        let posted = http_client().post(l.own(path)).send().await.unwrap();
        assert_eq!(posted.status(), 405, "POST {path}");
    }
    let mut events = Events::open(&l, None).await;
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
    let mut events = Events::open(&l, None).await;
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

/// The page's replay reads the target's answer up to `--max-response`, not without end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_stops_reading_an_endless_answer_at_the_limit() {
    let server = crate::util::endless::EndlessServer::start();
    let l = listen(&["--max-response", "64KiB"]);
    assert_eq!(
        post_with(&format!("{}/hooks", l.url), &[], b"{}")
            .await
            .status(),
        200
    );
    let (_, page) = the_page(&l).await;
    let token = page_token(&page);
    let action = json!({"seq": 1, "url": format!("{}/hooks", server.base)});
    let answer = replay(&l, Some(&token), &action).await;
    let text = answer.text().await.unwrap();
    assert!(
        text.contains("--max-response limit of 65536 bytes"),
        "{text}"
    );
    let most = server
        .most_written
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!(most < 64 * 1024 * 1024, "the server wrote {most} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_moves_from_the_url_into_a_strict_cookie() {
    let l = listen(&[]);
    let port: u16 = l.url.rsplit(':').next().unwrap().parse().unwrap();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    // The printed URL: a redirect to the same page without the key, which is now a cookie.
    let first = no_redirects
        .get(l.own("/_hooky/?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], "/_hooky/?x=1");
    let cookie = first.headers()["set-cookie"].to_str().unwrap().to_string();
    let name = format!("hooky_key_{port}");
    assert!(
        cookie.starts_with(&format!("{name}={};", l.key)),
        "{cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/_hooky"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // With the cookie, everything the page uses answers; a wrong one, or another port's, does not.
    let with_cookie = |value: String| {
        let no_redirects = no_redirects.clone();
        let url = l.url.clone();
        async move {
            let mut statuses = Vec::new();
            for path in ["/_hooky/", "/_hooky/app.js", "/_hooky/requests"] {
                let answer = no_redirects
                    .get(format!("{url}{path}"))
                    .header("cookie", &value)
                    .send()
                    .await
                    .unwrap();
                statuses.push(answer.status().as_u16());
            }
            statuses
        }
    };
    assert_eq!(
        with_cookie(format!("other=1; {name}={}", l.key)).await,
        [200, 200, 200]
    );
    assert_eq!(
        with_cookie(format!("hooky_key_{}={}", port ^ 1, l.key)).await,
        [403, 403, 403]
    );
    assert_eq!(with_cookie(format!("{name}=00")).await, [403, 403, 403]);
    // A wrong ?key= sets no cookie.
    let wrong = no_redirects
        .get(format!("{}/_hooky/?key=00", l.url))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(!wrong.headers().contains_key("set-cookie"));
    l.interrupt();
}

/// The feed reads records where the capture index says they start, and bounds what one answer
/// holds: a long body is cut with a marker (the whole record is one request away), and a page of
/// big records stops early with `has_more`, the rest following on the next pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_pages_are_bounded_and_whole_records_come_on_demand() {
    let l = listen(&["--max-body", "1MiB"]);
    // Enough 100 KiB bodies that their cut items are over the page budget together.
    let big = vec![b'b'; 100 * 1024];
    let total = hooky::capture::feed::PAGE_BUDGET / hooky::capture::feed::ITEM_BODY_LIMIT + 10;
    for _ in 0..total {
        assert_eq!(post_with(&l.url, &[], &big).await.status(), 200);
    }
    let page: Value = json_of(get(&l, "/_hooky/requests?since=0&limit=1000").await).await;
    let items = page["items"].as_array().unwrap();
    assert!(
        !items.is_empty() && items.len() < total,
        "{} items",
        items.len()
    );
    assert_eq!(page["has_more"], true);
    let item = &items[0];
    assert_eq!(item["body_truncated"], true);
    assert_eq!(item["body_size"], big.len());
    assert_eq!(
        item["body"].as_str().unwrap().len(),
        hooky::capture::feed::ITEM_BODY_LIMIT
    );
    let whole: Value = json_of(get(&l, "/_hooky/requests/1").await).await;
    assert_eq!(whole["body"].as_str().unwrap().len(), big.len());
    assert_eq!(whole.get("body_truncated"), None);

    // Following next_since (or the Link) yields every record once, in order.
    let mut seen = Vec::new();
    let mut since = 0;
    for _ in 0..total {
        let answer = get(&l, &format!("/_hooky/requests?since={since}")).await;
        let link = answer.headers().get("link").cloned();
        let page: Value = json_of(answer).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["seq"].as_u64().unwrap()),
        );
        since = page["next_since"].as_u64().unwrap();
        assert_eq!(link.is_some(), page["has_more"] == true);
        if page["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen, (1..=total as u64).collect::<Vec<_>>());
    l.interrupt();
}

/// A capture file with damage in it (garbage, a line cut by a crash, a line that goes back in
/// sequence): the records after it are found through the index, and a record whose line changed
/// since it was indexed is not found rather than another record served in its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_past_damage_are_found_by_their_offset() {
    let dir = tempfile::tempdir().unwrap();
    let record = |seq: u64, body: &str| {
        let mut record = hooky::capture::parse_line(&format!(
            r#"{{"seq":{seq},"id":"req_{seq}","received_at":"2026-01-01T00:00:00.000Z","remote_addr":"127.0.0.1:1","method":"POST","path":"/p{seq}","headers":[],"body":null,"body_encoding":"utf8","body_size":0,"body_sha256":"","verdict":{{"verdict":"unsigned"}},"status":200}}"#
        ))
        .unwrap();
        record.set_body(body.as_bytes());
        record.to_line()
    };
    let text = [
        record(1, "one"),
        "garbage that is no record\n".into(),
        record(2, &"two".repeat(100_000)),
        record(1, "pasted again"),
        record(3, "three"),
        "{\"seq\":4,\"cut by a cr".into(),
    ]
    .concat();
    std::fs::create_dir(dir.path().join(".hooky")).unwrap();
    let capture = dir.path().join(".hooky/captures.jsonl");
    std::fs::write(&capture, &text).unwrap();
    let l = crate::util::listen_in(dir, &[]);
    post_with(&format!("{}/p5", l.url), &[], b"five").await;

    let page: Value = json_of(get(&l, "/_hooky/requests?since=0").await).await;
    let paths: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/p1", "/p2", "/p3", "/p5"]);
    for (seq, path) in [(1, "/p1"), (2, "/p2"), (3, "/p3"), (5, "/p5")] {
        let one: Value = json_of(get(&l, &format!("/_hooky/requests/{seq}")).await).await;
        assert_eq!(one["path"], path, "#{seq}");
    }
    assert_eq!(get(&l, "/_hooky/requests/4").await.status(), 404);

    // Record 3's line is overwritten in place (same length, another number): there is no record 3
    // any more, and hooky says so instead of serving what is there.
    let mut bytes = std::fs::read(&capture).unwrap();
    let at = text.find("{\"seq\":3,").unwrap();
    bytes[at + 7] = b'9';
    std::fs::write(&capture, &bytes).unwrap();
    assert_eq!(get(&l, "/_hooky/requests/3").await.status(), 404);
    assert_eq!(get(&l, "/_hooky/requests/5").await.status(), 200);
    l.interrupt();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_re_signs_a_key_pair_capture_with_the_development_key_and_says_when_there_is_none() {
    let at = |dir: &std::path::Path, args: &[&str]| {
        let mut command = crate::util::hooky();
        command.current_dir(dir);
        crate::util::run_in(command, args, b"")
    };
    let dir = crate::util::tempdir();
    crate::util::assert_code(&at(dir.path(), &["keygen", "--scheme", "discord"]), 0);
    // Run where the key pair is: listen verifies with its public key, the page signs with its
    // private key.
    let l = crate::util::listen_in(dir, &[]);
    let keys = l.dir.path().join(".hooky/keys");
    let fixture = "discord/interaction.application_command";
    crate::util::assert_code(&at(l.dir.path(), &["send", fixture, "--to", &l.url]), 0);
    let (target, mut received) = receiver().await;
    let (_, page) = the_page(&l).await;
    let token = page_token(&page);
    let action = json!({"seq": 1, "url": format!("{target}/again"), "resign": true});

    assert_eq!(replay(&l, None, &action).await.status(), 403);
    let answer = replay(&l, Some(&token), &action).await;
    assert_eq!(answer.status(), 200);
    let result: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(result["resigned"], true, "{result}");
    let (_, headers, got) = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    let public = std::fs::read(keys.join("discord.pub")).unwrap();
    let public: [&[u8]; 1] = [public.trim_ascii()];
    let verdict = signature::verify(
        Scheme::DISCORD,
        Keys::new(&[]).with_public_keys(&public),
        &signature::SignedRequest::post(&headers, &got),
        now(),
        None,
    );
    assert!(verdict.is_valid(), "{verdict:?}");

    // Without the private key, the answer says which file is missing and how to make it.
    std::fs::remove_file(keys.join("discord.key")).unwrap();
    let answer = replay(&l, Some(&token), &action).await;
    assert_eq!(answer.status(), 400);
    let error: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    let message = error.to_string();
    assert!(message.contains("no discord private key"), "{message}");
    assert!(message.contains(".hooky/keys/discord.key"), "{message}");
    assert!(
        message.contains("hooky keygen --scheme discord"),
        "{message}"
    );
    assert!(received.try_recv().is_err(), "nothing sent");
    l.interrupt();
}
