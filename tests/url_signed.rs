//! The URL-signing providers (twilio, square, hubspot) end to end: `sign`/`verify --url`, `send`
//! to `listen` (with and without `--public-url`), `send --attack`, and form bodies.

use hooky::capture::VerdictKind;

use crate::util::{assert_clean_error, assert_code, listen, post_with, run, stderr, stdout};

const SECRET: &str = "url-signed-secret";
const FORM: &str = "application/x-www-form-urlencoded";
/// Each URL-signing scheme with its built-in fixture.
const FIXTURES: [(&str, &str); 3] = [
    ("twilio", "twilio/sms.received"),
    ("square", "square/payment.created"),
    ("hubspot", "hubspot/workflow.action"),
];

fn headers_of(signed: &str) -> Vec<(String, String)> {
    signed
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("Name: value");
            (name.to_string(), value.to_string())
        })
        .collect()
}

fn verify_args<'a>(scheme: &'a str, url: &'a str, signed: &'a [(String, String)]) -> Vec<String> {
    let mut args: Vec<String> = [
        "verify", "--scheme", scheme, "--secret", SECRET, "--url", url,
    ]
    .map(String::from)
    .to_vec();
    for (name, value) in signed {
        args.push("-H".into());
        args.push(format!("{name}: {value}"));
    }
    args
}

#[test]
fn sign_and_verify_take_the_url_and_refuse_another() {
    let body = b"Body=Hi&From=%2B14155550123&MessagingServiceSid=";
    let url = "https://abc.ngrok.app/sms?x=1";
    for (scheme, _) in FIXTURES {
        let signed = run(
            &["sign", "--scheme", scheme, "--secret", SECRET, "--url", url],
            body,
        );
        assert_code(&signed, 0);
        let headers = headers_of(&stdout(&signed));
        let args = verify_args(scheme, url, &headers);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let verified = run(&args, body);
        assert_code(&verified, 0);
        assert!(stdout(&verified).starts_with(&format!("valid {scheme}")));

        let elsewhere = verify_args(scheme, "https://abc.ngrok.app/sms?x=2", &headers);
        let elsewhere: Vec<&str> = elsewhere.iter().map(String::as_str).collect();
        let refused = run(&elsewhere, body);
        assert_code(&refused, 3);
        assert!(stdout(&refused).contains("signature mismatch"), "{scheme}");

        // Without --url, sign and verify (auto-detecting) say what is missing.
        let unsigned = run(&["sign", "--scheme", scheme, "--secret", SECRET], body);
        assert_clean_error(&unsigned, 2);
        assert!(stderr(&unsigned).contains("--url"), "{}", stderr(&unsigned));
        let mut detected: Vec<&str> = vec!["verify", "--secret", SECRET];
        let header_args: Vec<String> = headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        for header in &header_args {
            detected.extend(["-H", header]);
        }
        let no_url = run(&detected, body);
        assert_clean_error(&no_url, 2);
        assert!(stderr(&no_url).contains(scheme), "{}", stderr(&no_url));
    }
}

#[test]
fn twilio_python_vector_through_the_binary() {
    let fields = "CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212&Caller=%2B14158675309";
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let out = run(
        &[
            "sign", "--scheme", "twilio", "--secret", "12345", "--url", url,
        ],
        fields.as_bytes(),
    );
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out),
        "X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=\n"
    );
}

#[test]
fn each_fixture_sent_to_listen_verifies() {
    let listening = listen(&["--secret", SECRET]);
    for (_, fixture) in FIXTURES {
        let out = run(
            &["send", fixture, "--to", &listening.url, "--secret", SECRET],
            b"",
        );
        assert_code(&out, 0);
    }
    let records = listening.captures();
    let seen: Vec<(VerdictKind, Option<&str>)> = records
        .iter()
        .map(|r| (r.verdict.verdict, r.verdict.scheme.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (VerdictKind::Valid, Some("twilio")),
            (VerdictKind::Valid, Some("square")),
            (VerdictKind::Valid, Some("hubspot"))
        ]
    );
    let (output, _dir) = listening.interrupt();
    assert_code(&output, 0);
}

#[tokio::test]
async fn behind_a_tunnel_listen_verifies_against_the_public_url() {
    let public = "https://abc.ngrok.app/base";
    let body = b"Body=Hello&From=%2B14155550123&To=%2B14155550100";
    let signed = run(
        &[
            "sign",
            "--scheme",
            "twilio",
            "--secret",
            SECRET,
            "--url",
            "https://abc.ngrok.app/base/sms?site=1",
        ],
        body,
    );
    assert_code(&signed, 0);
    let mut headers = headers_of(&stdout(&signed));
    headers.push(("Content-Type".into(), FORM.into()));

    // Sent to 127.0.0.1, signed for the public URL: valid with --public-url, refused without.
    let tunnelled = listen(&["--secret", SECRET, "--public-url", public]);
    let answer = post_with(&format!("{}/sms?site=1", tunnelled.url), &headers, body).await;
    assert_eq!(answer.status(), 200);
    let record = &tunnelled.captures()[0];
    assert_eq!(
        record.verdict.verdict,
        VerdictKind::Valid,
        "{:?}",
        record.verdict
    );
    tunnelled.interrupt();

    let direct = listen(&["--secret", SECRET]);
    let answer = post_with(&format!("{}/sms?site=1", direct.url), &headers, body).await;
    assert_eq!(answer.status(), 401);
    let (output, _dir) = direct.interrupt();
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(text.contains("signed for another URL or secret"), "{text}");
}

#[test]
fn a_public_url_with_a_query_is_refused() {
    let out = run(
        &[
            "listen",
            "--port",
            "0",
            "--public-url",
            "https://abc.ngrok.app/?x=1",
        ],
        b"",
    );
    assert_clean_error(&out, 2);
    assert!(stderr(&out).contains("--public-url"), "{}", stderr(&out));
}

#[test]
fn listen_passes_the_attack_suite_including_a_changed_url() {
    for (scheme, fixture) in FIXTURES {
        let listening = listen(&["--secret", SECRET, "--scheme", scheme]);
        let out = run(
            &[
                "send",
                fixture,
                "--attack",
                "--to",
                &listening.url,
                "--secret",
                SECRET,
            ],
            b"",
        );
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("signed for another URL"),
            "{scheme}: {}",
            stdout(&out)
        );
        listening.interrupt();
    }
}

#[test]
fn the_url_changed_attack_fails_against_a_receiver_that_ignores_the_url() {
    // Verification off: every forged request is accepted, so the suite fails.
    let listening = listen(&["--no-verify"]);
    let out = run(
        &[
            "send",
            "twilio/sms.received",
            "--attack",
            "--to",
            &listening.url,
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_ne!(out.status.code(), Some(0));
    listening.interrupt();
}

#[test]
fn form_fields_are_set_and_shown_as_a_table() {
    let listening = listen(&["--secret", SECRET, "-vv"]);
    let out = run(
        &[
            "send",
            "twilio/sms.received",
            "--to",
            &listening.url,
            "--secret",
            SECRET,
            "--set",
            "Body=\"changed by --set\"",
        ],
        b"",
    );
    assert_code(&out, 0);
    let record = &listening.captures()[0];
    assert_eq!(record.verdict.verdict, VerdictKind::Valid);
    let (output, _dir) = listening.interrupt();
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Body "))
        .unwrap_or_else(|| panic!("no Body field line: {text}"));
    assert!(line.ends_with("changed by --set"), "{line}");
    assert!(
        text.lines().any(|l| l.trim() == "MessagingServiceSid"),
        "{text}"
    );
}

#[test]
fn a_json_event_for_twilio_goes_to_the_url_with_its_body_hash() {
    // The generic order.completed fixture is JSON: Twilio covers it through bodySHA256.
    let listening = listen(&["--secret", SECRET, "--scheme", "twilio"]);
    let out = run(
        &[
            "send",
            "order.completed",
            "--scheme",
            "twilio",
            "--attack",
            "--to",
            &listening.url,
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_code(&out, 0);
    let records = listening.captures();
    let valid = &records[0];
    assert_eq!(
        valid.verdict.verdict,
        VerdictKind::Valid,
        "{:?}",
        valid.verdict
    );
    assert!(
        valid
            .query
            .as_deref()
            .is_some_and(|q| q.starts_with("bodySHA256=")),
        "{:?}",
        valid.query
    );
    listening.interrupt();
}

#[test]
fn a_shared_key_settings_header_switches_twilio_to_hmac_sha256() {
    let settings = "X-Twilio-Webhooks-Signature-Settings: key=KS0123,algorithm=HMAC_SHA256";
    // The twilio-python vector's text under HMAC-SHA256 (Python's hmac; see twilio.rs's test).
    let fields = "CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212&Caller=%2B14158675309";
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let signature = "X-Twilio-Signature: 033hgUJA9M/hXIZsYjwkerEP/DBm35nEri5FhCYjA5s=";
    let content_type = format!("Content-Type: {FORM}");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify", "--scheme", "twilio", "--secret", "12345", "--url", url,
        ];
        args.extend(["-H", signature, "-H", &content_type]);
        args.extend(extra);
        run(&args, fields.as_bytes())
    };
    assert_code(&verify(&["-H", settings]), 0);
    assert_code(&verify(&[]), 3);

    // send signs by the header when the request carries it, and listen verifies by it.
    let listening = listen(&["--secret", SECRET]);
    let out = run(
        &[
            "send",
            "twilio/sms.received",
            "-H",
            settings,
            "--to",
            &listening.url,
            "--secret",
            SECRET,
        ],
        b"",
    );
    assert_code(&out, 0);
    let record = &listening.captures()[0];
    assert_eq!(
        record.verdict.verdict,
        VerdictKind::Valid,
        "{:?}",
        record.verdict
    );
    let sent = record
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-twilio-signature"))
        .map(|(_, value)| value.len());
    assert_eq!(sent, Some(44), "a base64 SHA-256 digest");
    listening.interrupt();
}
