//! Every provider of the registry, end to end through the binary, so that a provider added to
//! `src/signature/` is tested without a line here: what `sign` writes `verify` accepts (recognised
//! on its own and named), and each provider's fixtures (`fixtures/<scheme>/`) sent to `listen`
//! verify as that scheme, also after `replay --resign`.

use hooky::signature::{KeyKind, Scheme};

use std::path::{Path, PathBuf};

use crate::util::{
    Listening, assert_code, hooky, json_lines, listen, run, run_in, stdout, tempdir,
};

/// A secret every HMAC scheme takes (Standard Webhooks needs base64).
const SECRET: &str = "whsec_cHJvdmlkZXJzLXRlc3Qtc2VjcmV0";

fn signed_schemes() -> impl Iterator<Item = Scheme> {
    Scheme::all().filter(|s| s.provider().key != KeyKind::None)
}

/// The URL every request is signed for (the URL-signing schemes cover it; the others ignore it).
const URL: &str = "https://example.test/hooks?source=providers";

/// A folder holding a development key pair of every key-pair scheme (`hooky keygen`).
struct KeyPairs(tempfile::TempDir);

impl KeyPairs {
    fn new() -> KeyPairs {
        let dir = tempdir();
        for scheme in Scheme::all().filter(|s| s.provider().key == KeyKind::KeyPair) {
            let out = run_at(dir.path(), &["keygen", "--scheme", scheme.name()]);
            assert_code(&out, 0);
        }
        KeyPairs(dir)
    }

    fn file(&self, scheme: Scheme, extension: &str) -> PathBuf {
        self.0
            .path()
            .join(format!(".hooky/keys/{}.{extension}", scheme.name()))
    }

    /// What `sign`, `send` and `replay` sign `scheme` with: its private key, else the secret.
    fn signing_args(&self, scheme: Scheme) -> Vec<String> {
        if scheme.provider().key == KeyKind::KeyPair {
            let key = self.file(scheme, "key");
            vec!["--private-key".into(), key.display().to_string()]
        } else {
            vec!["--secret".into(), SECRET.into()]
        }
    }

    /// What `verify` and `listen` verify every scheme with: the secret and every public key.
    fn verifying_args(&self) -> Vec<String> {
        let mut args = vec!["--secret".to_string(), SECRET.into()];
        for scheme in Scheme::all().filter(|s| s.provider().key == KeyKind::KeyPair) {
            args.push("--public-key".into());
            args.push(format!("@{}", self.file(scheme, "pub").display()));
        }
        args
    }
}

fn run_at(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = hooky();
    command.current_dir(dir);
    run_in(command, args, b"")
}

fn verify_args(keys: &KeyPairs, scheme: Option<Scheme>, signed: &str) -> Vec<String> {
    let mut args = vec!["verify".to_string()];
    args.extend(keys.verifying_args());
    args.extend(["--url".into(), URL.into()]);
    if let Some(scheme) = scheme {
        args.extend(["--scheme".into(), scheme.name().into()]);
    }
    for line in signed.lines() {
        args.extend(["-H".into(), line.into()]);
    }
    args
}

#[test]
fn every_scheme_signs_what_verify_recognises_and_accepts() {
    // Linear reads the delivery time from the body (ms); the other schemes sign it as any body.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let body = format!(r#"{{"id":"evt_1","type":"order.completed","webhookTimestamp":{now_ms}}}"#);
    let body = body.as_bytes();
    let keys = KeyPairs::new();
    for scheme in signed_schemes() {
        let mut args = vec!["sign".to_string(), "--scheme".into(), scheme.name().into()];
        args.extend(keys.signing_args(scheme));
        args.extend(["--url".into(), URL.into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let signed = run(&args, body);
        assert_code(&signed, 0);
        // The headers; then, for a scheme that writes into the body, a blank line and the body.
        let signed = stdout(&signed);
        let (signed, body) = match signed.strip_prefix('\n') {
            Some(body) => (String::new(), body.as_bytes()),
            None => match signed.split_once("\n\n") {
                Some((headers, body)) => (headers.to_string(), body.as_bytes()),
                None => (signed.clone(), body),
            },
        };
        let tampered = String::from_utf8_lossy(body).replace("order.completed", "order.completed ");
        for named in [None, Some(scheme)] {
            let args = verify_args(&keys, named, &signed);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let verified = run(&args, body);
            assert_code(&verified, 0);
            assert!(
                stdout(&verified).starts_with(&format!("valid {scheme} signature")),
                "{scheme} ({named:?}): {}",
                stdout(&verified)
            );
            if scheme.provider().note.is_none() {
                let tampered = run(&args, tampered.as_bytes());
                assert_code(&tampered, 3);
                assert!(
                    stdout(&tampered).contains("signature mismatch"),
                    "{scheme}: {}",
                    stdout(&tampered)
                );
            }
        }
    }
}

/// The built-in fixtures of each provider folder named after a scheme.
fn provider_fixtures() -> Vec<(Scheme, String)> {
    let list = run(&["send", "--list", "--json"], b"");
    assert_code(&list, 0);
    json_lines(&list)
        .iter()
        .filter(|f| f["source"] == "built-in")
        .filter_map(|f| {
            let name = f["name"].as_str()?.to_string();
            let scheme = Scheme::from_name(name.split('/').next()?)?;
            Some((scheme, name))
        })
        .collect()
}

fn stop(listening: Listening) -> Vec<hooky::capture::CaptureRecord> {
    let records = listening.captures();
    let (output, _dir) = listening.interrupt();
    assert_code(&output, 0);
    records
}

#[test]
fn every_provider_fixture_verifies_in_listen_and_after_replay_resign() {
    let fixtures = provider_fixtures();
    let mut providers: Vec<Scheme> = fixtures.iter().map(|(s, _)| *s).collect();
    providers.dedup();
    for scheme in signed_schemes().filter(|s| *s != Scheme::HEX) {
        assert!(
            providers.contains(&scheme),
            "{scheme} has no fixture under fixtures/{scheme}/"
        );
    }

    let keys = KeyPairs::new();
    let verifying = keys.verifying_args();
    let verifying: Vec<&str> = verifying.iter().map(String::as_str).collect();
    let first = listen(&verifying);
    for (scheme, fixture) in &fixtures {
        let mut args = vec!["send", fixture, "--to", &first.url, "--json"];
        let signing = keys.signing_args(*scheme);
        args.extend(signing.iter().map(String::as_str));
        let out = run(&args, b"");
        assert_code(&out, 0);
        assert_eq!(json_lines(&out)[0]["status"], 200, "{fixture}");
    }
    let records = first.captures();
    let captures = first.capture_path();
    // The folder (and the capture file in it) lives until the end of the test.
    let (output, _first_dir) = first.interrupt();
    assert_code(&output, 0);
    assert_eq!(records.len(), fixtures.len());
    for (record, (scheme, fixture)) in records.iter().zip(&fixtures) {
        assert_eq!(
            record.verdict.verdict,
            hooky::capture::VerdictKind::Valid,
            "{fixture}: {:?}",
            record.verdict
        );
        assert_eq!(
            record.verdict.scheme.as_deref(),
            Some(scheme.name()),
            "{fixture}"
        );
        assert!(record.event_type.is_some(), "{fixture} shows no event type");
    }

    let second = listen(&verifying);
    // Captures of several key-pair schemes re-sign with the development keys, found from here.
    let out = run_at(
        keys.0.path(),
        &[
            "replay",
            "--from",
            captures.to_str().unwrap(),
            "--all",
            "--to",
            &second.url,
            "--resign",
            "--secret",
            SECRET,
        ],
    );
    assert_code(&out, 0);
    let replayed = stop(second);
    assert_eq!(replayed.len(), fixtures.len());
    for (record, (scheme, fixture)) in replayed.iter().zip(&fixtures) {
        assert_eq!(
            record.verdict.verdict,
            hooky::capture::VerdictKind::Valid,
            "{fixture} replayed: {:?}",
            record.verdict
        );
        assert_eq!(
            record.verdict.scheme.as_deref(),
            Some(scheme.name()),
            "{fixture}"
        );
    }
}

#[test]
fn listen_reads_intercoms_event_from_the_topic_not_the_type() {
    // Intercom's `type` is always `notification_event`; the registry says the event is `topic`.
    let listening = listen(&["--json", "--secret", SECRET]);
    let out = run(
        &[
            "send",
            "intercom/conversation.user.created",
            "--to",
            &listening.url,
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_code(&out, 0);
    let (output, _dir) = listening.interrupt();
    assert_code(&output, 0);
    let lines = json_lines(&output);
    let request = lines
        .iter()
        .find(|line| line["type"] == "request")
        .expect("a request line");
    assert_eq!(request["verdict"]["scheme"], "intercom", "{request}");
    assert_eq!(request["event_type"], "conversation.user.created");
    assert!(
        request["event_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("notif")),
        "{request}"
    );
}
