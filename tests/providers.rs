//! Every provider of the registry, end to end through the binary, so that a provider added to
//! `src/signature/` is tested without a line here: what `sign` writes `verify` accepts (recognised
//! on its own and named), and each provider's fixtures (`fixtures/<scheme>/`) sent to `listen`
//! verify as that scheme, also after `replay --resign`.

use hooky::signature::{KeyKind, Scheme};

use crate::util::{Listening, assert_code, json_lines, listen, run, stdout};

/// A secret every HMAC scheme takes (Standard Webhooks needs base64).
const SECRET: &str = "whsec_cHJvdmlkZXJzLXRlc3Qtc2VjcmV0";

fn signed_schemes() -> impl Iterator<Item = Scheme> {
    Scheme::all().filter(|s| s.provider().key != KeyKind::None)
}

/// The URL every request is signed for (the URL-signing schemes cover it; the others ignore it).
const URL: &str = "https://example.test/hooks?source=providers";

fn verify_args(scheme: Option<Scheme>, signed: &str) -> Vec<String> {
    let mut args = vec!["verify".to_string(), "--secret".into(), SECRET.into()];
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
    let body = br#"{"id":"evt_1","type":"order.completed"}"#;
    for scheme in signed_schemes() {
        let signed = run(
            &[
                "sign",
                "--scheme",
                scheme.name(),
                "--secret",
                SECRET,
                "--url",
                URL,
            ],
            body,
        );
        assert_code(&signed, 0);
        let signed = stdout(&signed);
        for named in [None, Some(scheme)] {
            let args = verify_args(named, &signed);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let verified = run(&args, body);
            assert_code(&verified, 0);
            assert!(
                stdout(&verified).starts_with(&format!("valid {scheme} signature")),
                "{scheme} ({named:?}): {}",
                stdout(&verified)
            );
            if scheme.provider().note.is_none() {
                let tampered = run(&args, br#"{"id":"evt_1","type":"order.completed "}"#);
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

    let first = listen(&["--secret", SECRET]);
    for (_, fixture) in &fixtures {
        let out = run(
            &[
                "send", fixture, "--to", &first.url, "--secret", SECRET, "--json",
            ],
            b"",
        );
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

    let second = listen(&["--secret", SECRET]);
    let out = run(
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
        b"",
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
