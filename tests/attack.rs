//! `send --attack` against real receivers: `hooky listen` for every scheme (all pass), a
//! listener that verifies nothing (fails), receivers with the classic mistakes (named), and
//! one that is not there (one error).

use hooky::signature::{KeyKind, Keys, Scheme, SignedRequest, verify};

use crate::util::receiver::Receiver;
use crate::util::{assert_code, json_lines, listen, run, stderr, stdout};

/// Base64 after `whsec_`, so every shared-secret scheme (Standard Webhooks too) takes it.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn attack(url: &str, scheme: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "send", "--attack", "--to", url, "--scheme", scheme, "--secret", SECRET,
    ];
    args.extend_from_slice(extra);
    run(&args, b"")
}

/// A receiver that verifies `github` signatures of `body` as `reading` turns it, answering
/// `rejected` to what fails.
fn github_receiver(reading: fn(&[u8]) -> Vec<u8>, rejected: u16) -> Receiver {
    Receiver::start(move |request, _| {
        let keys: [&[u8]; 1] = [SECRET.as_bytes()];
        let body = reading(&request.body);
        let verdict = verify(
            Scheme::GITHUB,
            Keys::new(&keys),
            &SignedRequest::post(&request.headers, &body),
            now(),
            None,
        );
        if verdict.is_valid() {
            (200, vec![], "ok".into())
        } else {
            (rejected, vec![], "no".into())
        }
    })
}

fn raw(body: &[u8]) -> Vec<u8> {
    body.to_vec()
}

/// The classic mistake: parse the JSON, serialise it again, verify that.
fn reserialised(body: &[u8]) -> Vec<u8> {
    serde_json::from_slice::<serde_json::Value>(body)
        .map(|value| serde_json::to_vec(&value).unwrap())
        .unwrap_or_else(|_| body.to_vec())
}

fn checks(output: &std::process::Output) -> Vec<serde_json::Value> {
    json_lines(output)
        .into_iter()
        .filter(|l| l["type"] == "check")
        .collect()
}

/// What `send` signs `scheme` with and what `listen` verifies it with: the shared secret, or for a
/// key-pair scheme the development pair `hooky keygen` makes in `keys`.
fn key_args(scheme: Scheme, keys: &std::path::Path) -> (Vec<String>, Vec<String>) {
    if scheme.provider().key != KeyKind::KeyPair {
        let secret = vec!["--secret".to_string(), SECRET.to_string()];
        return (secret.clone(), secret);
    }
    let mut keygen = crate::util::hooky();
    keygen.current_dir(keys);
    let out = crate::util::run_in(keygen, &["keygen", "--scheme", scheme.name()], b"");
    assert_code(&out, 0);
    let file = |extension: &str| {
        keys.join(format!(".hooky/keys/{}.{extension}", scheme.name()))
            .display()
            .to_string()
    };
    (
        vec!["--private-key".into(), file("key")],
        vec!["--public-key".into(), format!("@{}", file("pub"))],
    )
}

#[test]
fn hooky_listen_passes_every_check_of_every_scheme_and_fails_without_verifying() {
    // Every scheme of the registry that signs: a provider added there is attacked without a
    // line here.
    let signing_schemes = Scheme::all().filter(|s| s.provider().key != KeyKind::None);
    // Each provider's own event where it has one (Twilio's is a form, as it sends them).
    let list = json_lines(&run(&["send", "--list", "--json"], b""));
    let keys = crate::util::tempdir();
    let lazy = listen(&["--no-verify", "--no-capture"]);
    for scheme in signing_schemes {
        let own = list.iter().find_map(|f| {
            let name = f["name"].as_str()?;
            (f["source"] == "built-in" && name.starts_with(&format!("{}/", scheme.name())))
                .then_some(name)
        });
        let (signing, verifying) = key_args(scheme, keys.path());
        let mut listen_args = vec!["--scheme", scheme.name(), "--no-capture"];
        listen_args.extend(verifying.iter().map(String::as_str));
        let l = listen(&listen_args);
        let send = |url: &str| {
            let mut args = vec!["send", "--attack", "--json", "--to", url];
            args.extend(["--scheme", scheme.name()]);
            args.extend(signing.iter().map(String::as_str));
            args.extend(own);
            run(&args, b"")
        };
        let out = send(&l.url);
        assert_code(&out, 0);
        let results = checks(&out);
        assert!(
            results
                .iter()
                .all(|c| c["result"] == "pass" || c["result"] == "info"),
            "{scheme}: {results:?}"
        );
        // The schemes that carry their timestamp or signature in the body get those checks too.
        let names: Vec<&str> = results.iter().filter_map(|c| c["check"].as_str()).collect();
        let expected: &[&str] = match scheme.name() {
            "linear" => &["stale_timestamp", "past_tolerance", "future_timestamp"],
            "mailgun" => &[
                "missing_header",
                "body_changed",
                "fields_swapped",
                "stale_timestamp",
            ],
            _ => &["wrong_signature"],
        };
        for name in expected {
            assert!(names.contains(name), "{scheme}: {name} in {names:?}");
        }
        // A receiver that verifies nothing fails the suite, whatever the scheme.
        let out = send(&lazy.url);
        assert_code(&out, 4);
        assert!(
            checks(&out).iter().any(|c| c["result"] == "fail"),
            "{scheme}: {:?}",
            checks(&out)
        );
    }
    let out = attack(&lazy.url, "stripe", &[]);
    assert_code(&out, 4);
    assert!(stdout(&out).contains("FAIL"), "{}", stdout(&out));
}

#[test]
fn a_receiver_that_reserialises_the_body_is_named() {
    let receiver = github_receiver(reserialised, 401);
    let out = attack(&receiver.url, "github", &["--json"]);
    assert_code(&out, 4);
    let results = checks(&out);
    let result = |name: &str| {
        results
            .iter()
            .find(|c| c["check"] == name)
            .unwrap_or_else(|| panic!("{name}: {results:?}"))["result"]
            .clone()
    };
    assert_eq!(result("valid"), "pass");
    assert_eq!(result("valid_reformatted"), "fail");
    let diagnosis = json_lines(&out)
        .into_iter()
        .find(|l| l["type"] == "diagnosis")
        .expect("a diagnosis");
    assert_eq!(diagnosis["code"], "body_reserialised");
    assert!(
        diagnosis["message"]
            .as_str()
            .unwrap()
            .contains("re-serialised body"),
        "{diagnosis}"
    );

    // The same receiver verifying the raw bytes passes: the check fails for the mistake only.
    let honest = github_receiver(raw, 401);
    assert_code(&attack(&honest.url, "github", &[]), 0);
}

#[test]
fn a_5xx_to_a_forged_request_is_a_warning() {
    let receiver = github_receiver(raw, 500);
    let out = attack(&receiver.url, "github", &[]);
    assert_code(&out, 0);
    let table = stdout(&out);
    assert!(table.contains("warn"), "{table}");
    assert!(table.lines().last().unwrap().contains("warned"), "{table}");
    assert!(
        stderr(&out).contains("rejected with 500: a sender will retry this forged request"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn when_the_valid_event_is_rejected_the_must_reject_checks_are_skipped() {
    let receiver = github_receiver(raw, 401);
    let out = run(
        &[
            "send",
            "--attack",
            "--to",
            &receiver.url,
            "--scheme",
            "github",
            "--secret",
            "not-the-receivers",
            "--json",
        ],
        b"",
    );
    assert_code(&out, 4);
    let results = checks(&out);
    for check in &results {
        if check["expect"] == "reject" {
            assert_eq!(check["result"], "skipped", "{check}");
            assert_eq!(check["statuses"], serde_json::json!([]));
        }
    }
    let lines = json_lines(&out);
    let diagnosis = lines.iter().find(|l| l["type"] == "diagnosis").unwrap();
    assert_eq!(diagnosis["code"], "valid_rejected");
    assert!(diagnosis["message"].as_str().unwrap().contains("secret"));
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "attack_summary");
    assert!(summary["skipped"].as_u64().unwrap() >= 4, "{summary}");
    // Only the checks that were not skipped reached the receiver.
    let sent = results.iter().filter(|c| c["result"] != "skipped").count();
    assert_eq!(receiver.requests().len(), sent + 1, "the duplicate is two");
}

#[test]
fn an_unreachable_receiver_is_one_error() {
    let closed = {
        // A port that was free a moment ago: connections to it are refused.
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", socket.local_addr().unwrap())
    };
    let out = attack(&closed, "stripe", &["--timeout", "2s"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "", "no table for nothing tested");
    let errors = stderr(&out);
    assert_eq!(errors.matches("hooky: error:").count(), 1, "{errors}");
    assert!(errors.contains("the receiver never answered"), "{errors}");
}
