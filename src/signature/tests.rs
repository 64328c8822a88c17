//! Published provider vectors, known answers computed with Python's `hmac` (an independent
//! implementation), round trips, and every failure verdict.

use proptest::prelude::*;

use super::*;
use crate::headers::get_one;

// These tests sign and verify bodies POSTed to one fixed URL (the URL-signing schemes cover it):
// the wrappers below keep them about bodies and headers.

const URL: &str = "https://example.test/hooks";

fn sign(
    scheme: Scheme,
    keys: Keys<'_>,
    body: &[u8],
    timestamp: i64,
    id: &str,
) -> Result<Vec<Header>, SignError> {
    sign_full(scheme, keys, body, timestamp, id).map(|signed| signed.headers)
}

/// [`sign`], with the body the schemes that write into it (Mailgun, Linear) send instead.
fn sign_full(
    scheme: Scheme,
    keys: Keys<'_>,
    body: &[u8],
    timestamp: i64,
    id: &str,
) -> Result<Signed, SignError> {
    super::sign(
        scheme,
        keys,
        &SignedRequest::post(&[], body).with_url(URL),
        timestamp,
        id,
    )
}

fn verify(
    scheme: Scheme,
    keys: Keys<'_>,
    headers: &[Header],
    body: &[u8],
    now: i64,
    tolerance_secs: u64,
) -> Verdict {
    super::verify(
        scheme,
        keys,
        &SignedRequest::post(headers, body).with_url(URL),
        now,
        Some(tolerance_secs),
    )
}

fn detect(headers: &[Header], hex_header: &str) -> Option<Scheme> {
    detect_headers(headers, hex_header)
}

fn verify_auto(
    keys: Keys<'_>,
    headers: &[Header],
    body: &[u8],
    now: i64,
    tolerance: u64,
) -> Verdict {
    super::verify_auto(
        keys,
        &SignedRequest::post(headers, body).with_url(URL),
        now,
        Some(tolerance),
    )
}

fn h(name: &str, value: &str) -> Header {
    (name.to_string(), value.to_string())
}

fn verify_with(
    scheme: Scheme,
    secrets: &[&[u8]],
    headers: &[Header],
    body: &[u8],
    now: i64,
) -> Verdict {
    verify(
        scheme,
        Keys::new(secrets),
        headers,
        body,
        now,
        DEFAULT_TOLERANCE_SECS,
    )
}

fn failure(verdict: Verdict) -> Failure {
    match verdict {
        Verdict::Invalid { failure, .. } => failure,
        other => panic!("expected an invalid verdict, got {other:?}"),
    }
}

const SLACK_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

// ---- published vectors ----

#[test]
fn github_published_vector() {
    let secret: &[u8] = b"It's a Secret to Everybody";
    let headers = sign(
        Scheme::GITHUB,
        Keys::new(&[secret]),
        b"Hello, World!",
        0,
        "",
    )
    .unwrap();
    assert_eq!(
        headers,
        vec![h(
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        )]
    );
    let verdict = verify_with(Scheme::GITHUB, &[secret], &headers, b"Hello, World!", 0);
    assert_eq!(
        verdict,
        Verdict::Valid {
            scheme: Scheme::GITHUB,
            secret_index: 1
        }
    );
}

#[test]
fn standard_webhooks_published_vector() {
    let secret: &[u8] = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = br#"{"test": 2432232314}"#;
    let headers = sign(
        Scheme::STANDARD,
        Keys::new(&[secret]),
        body,
        1614265330,
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
    )
    .unwrap();
    assert_eq!(
        headers,
        vec![
            h("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            h("webhook-timestamp", "1614265330"),
            h(
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
            ),
        ]
    );
    assert!(verify_with(Scheme::STANDARD, &[secret], &headers, body, 1614265330).is_valid());
}

#[test]
fn standard_webhooks_accepts_svix_header_names() {
    let secret: &[u8] = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = br#"{"test": 2432232314}"#;
    let headers = vec![
        h("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        h("svix-timestamp", "1614265330"),
        h(
            "svix-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    ];
    assert_eq!(detect(&headers, DEFAULT_HEX_HEADER), Some(Scheme::STANDARD));
    assert!(verify_with(Scheme::STANDARD, &[secret], &headers, body, 1614265330).is_valid());
}

#[test]
fn slack_published_vector() {
    let secret: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    let headers = sign(
        Scheme::SLACK,
        Keys::new(&[secret]),
        SLACK_BODY.as_bytes(),
        1531420618,
        "",
    )
    .unwrap();
    assert_eq!(
        get_one(&headers, "x-slack-signature"),
        Some("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
    );
    assert!(
        verify_with(
            Scheme::SLACK,
            &[secret],
            &headers,
            SLACK_BODY.as_bytes(),
            1531420618
        )
        .is_valid()
    );
}

// ---- known answers from an independent implementation (Python hmac) ----

#[test]
fn stripe_known_answer() {
    let secret: &[u8] = b"whsec_test_secret";
    let headers = sign(
        Scheme::STRIPE,
        Keys::new(&[secret]),
        br#"{"id":"evt_1"}"#,
        1700000000,
        "",
    )
    .unwrap();
    assert_eq!(
        headers,
        vec![h(
            "Stripe-Signature",
            "t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"
        )]
    );
}

#[test]
fn shopify_known_answer() {
    let headers = sign(
        Scheme::SHOPIFY,
        Keys::new(&[b"shpss_secret"]),
        br#"{"id":1}"#,
        0,
        "",
    )
    .unwrap();
    assert_eq!(
        headers,
        vec![h(
            "X-Shopify-Hmac-Sha256",
            "xocA3LkeJ/RvNrkxep1EUtFHuj7rIoIqZYaLU26LyPQ="
        )]
    );
}

#[test]
fn hex_known_answer_with_and_without_prefix_and_custom_header() {
    let keys = Keys::new(&[b"s3cret"]).with_hex_header("X-Signature");
    let headers = sign(Scheme::HEX, keys, br#"{"id":1}"#, 0, "").unwrap();
    let digest = "63ddab34da5838e383545e9c90b40f74a4e3daabc5dd9a8d49a51875ad4b2418";
    assert_eq!(headers, vec![h("X-Signature", digest)]);
    for value in [digest.to_string(), format!("sha256={digest}")] {
        let verdict = verify(
            Scheme::HEX,
            keys,
            &[h("x-signature", &value)],
            br#"{"id":1}"#,
            0,
            300,
        );
        assert!(verdict.is_valid(), "{value}: {verdict:?}");
    }
}

// ---- failures ----

#[test]
fn one_byte_body_change_is_a_mismatch_for_every_body_scheme() {
    for scheme in [
        Scheme::HEX,
        Scheme::GITHUB,
        Scheme::STRIPE,
        Scheme::STANDARD,
        Scheme::SHOPIFY,
        Scheme::SLACK,
    ] {
        let secret: &[u8] = b"whsec_c2VjcmV0LWtleQ==";
        let headers = sign(scheme, Keys::new(&[secret]), b"{\"a\":1}", 1000, "msg_1").unwrap();
        let verdict = verify_with(scheme, &[secret], &headers, b"{\"a\":2}", 1000);
        assert_eq!(
            failure(verdict),
            Failure::Mismatch { secrets: 1 },
            "{scheme}"
        );
    }
}

#[test]
fn wrong_secret_is_a_mismatch_and_gitlab_a_token_mismatch() {
    let headers = sign(Scheme::GITHUB, Keys::new(&[b"right"]), b"x", 0, "").unwrap();
    assert_eq!(
        failure(verify_with(Scheme::GITHUB, &[b"wrong"], &headers, b"x", 0)),
        Failure::Mismatch { secrets: 1 }
    );
    let headers = sign(Scheme::GITLAB, Keys::new(&[b"right"]), b"x", 0, "").unwrap();
    assert_eq!(
        failure(verify_with(
            Scheme::GITLAB,
            &[b"wrong", b"other"],
            &headers,
            b"x",
            0
        )),
        Failure::TokenMismatch { secrets: 2 }
    );
}

#[test]
fn gitlab_token_ignores_the_body_and_says_so() {
    let headers = sign(Scheme::GITLAB, Keys::new(&[b"tok"]), b"", 0, "").unwrap();
    let verdict = verify_with(Scheme::GITLAB, &[b"tok"], &headers, b"anything", 0);
    assert!(verdict.is_valid());
    assert!(verdict.to_string().contains("does not sign the body"));
}

#[test]
fn rotation_accepts_the_right_secret_second() {
    let body = b"rotate me";
    for scheme in [
        Scheme::HEX,
        Scheme::GITHUB,
        Scheme::STRIPE,
        Scheme::STANDARD,
        Scheme::SHOPIFY,
        Scheme::SLACK,
        Scheme::GITLAB,
    ] {
        let right: &[u8] = b"whsec_cmlnaHQtc2VjcmV0";
        let old: &[u8] = b"whsec_b2xkLXNlY3JldA==";
        let headers = sign(scheme, Keys::new(&[right]), body, 50, "msg_r").unwrap();
        assert_eq!(
            verify_with(scheme, &[old, right], &headers, body, 50),
            Verdict::Valid {
                scheme,
                secret_index: 2
            },
            "{scheme}"
        );
    }
}

#[test]
fn sender_rotation_emits_one_signature_per_secret() {
    let a: &[u8] = b"whsec_YWFhYWFhYWE=";
    let b: &[u8] = b"whsec_YmJiYmJiYmI=";
    let stripe = sign(Scheme::STRIPE, Keys::new(&[a, b]), b"x", 7, "").unwrap();
    assert_eq!(stripe[0].1.matches(",v1=").count(), 2);
    // A receiver that only knows the second secret still accepts.
    assert!(verify_with(Scheme::STRIPE, &[b], &stripe, b"x", 7).is_valid());
    let standard = sign(Scheme::STANDARD, Keys::new(&[a, b]), b"x", 7, "msg").unwrap();
    assert_eq!(
        get_one(&standard, "webhook-signature")
            .unwrap()
            .split(' ')
            .count(),
        2
    );
    assert!(verify_with(Scheme::STANDARD, &[b], &standard, b"x", 7).is_valid());
}

#[test]
fn stripe_tolerance_edges_and_future_timestamps() {
    let secret: &[u8] = b"whsec_x";
    let headers = sign(Scheme::STRIPE, Keys::new(&[secret]), b"b", 1000, "").unwrap();
    assert!(verify_with(Scheme::STRIPE, &[secret], &headers, b"b", 1300).is_valid());
    assert_eq!(
        failure(verify_with(Scheme::STRIPE, &[secret], &headers, b"b", 1301)),
        Failure::TimestampTooOld {
            by_secs: 1,
            tolerance_secs: 300
        }
    );
    // Stripe's library accepts timestamps from the future.
    assert!(verify_with(Scheme::STRIPE, &[secret], &headers, b"b", 0).is_valid());
    // The signature is checked before the age, as Stripe's library does.
    assert_eq!(
        failure(verify_with(
            Scheme::STRIPE,
            &[b"whsec_y"],
            &headers,
            b"b",
            5000
        )),
        Failure::Mismatch { secrets: 1 }
    );
}

#[test]
fn standard_and_slack_reject_both_directions_beyond_tolerance() {
    for scheme in [Scheme::STANDARD, Scheme::SLACK] {
        let secret: &[u8] = b"whsec_c2VjcmV0";
        let headers = sign(scheme, Keys::new(&[secret]), b"b", 10_000, "msg").unwrap();
        assert!(verify_with(scheme, &[secret], &headers, b"b", 10_300).is_valid());
        assert!(verify_with(scheme, &[secret], &headers, b"b", 9_700).is_valid());
        assert_eq!(
            failure(verify_with(scheme, &[secret], &headers, b"b", 10_400)),
            Failure::TimestampTooOld {
                by_secs: 100,
                tolerance_secs: 300
            },
            "{scheme}"
        );
        assert_eq!(
            failure(verify_with(scheme, &[secret], &headers, b"b", 9_699)),
            Failure::TimestampTooNew {
                by_secs: 1,
                tolerance_secs: 300
            },
            "{scheme}"
        );
    }
}

#[test]
fn tolerance_is_a_parameter() {
    let secret: &[u8] = b"k";
    let headers = sign(Scheme::SLACK, Keys::new(&[secret]), b"b", 100, "").unwrap();
    assert!(verify(Scheme::SLACK, Keys::new(&[secret]), &headers, b"b", 160, 60).is_valid());
    assert_eq!(
        failure(verify(
            Scheme::SLACK,
            Keys::new(&[secret]),
            &headers,
            b"b",
            161,
            60
        )),
        Failure::TimestampTooOld {
            by_secs: 1,
            tolerance_secs: 60
        }
    );
}

#[test]
fn absurd_timestamps_are_malformed_or_out_of_tolerance_never_a_panic() {
    let secret: &[u8] = b"whsec_x";
    for ts in ["abc", "", "1.5", "99999999999999999999999", "0x10"] {
        let headers = vec![h(
            "Stripe-Signature",
            &format!("t={ts},v1={}", "0".repeat(64)),
        )];
        let verdict = failure(verify_with(Scheme::STRIPE, &[secret], &headers, b"", 0));
        assert_eq!(verdict.code(), "malformed_header", "{ts}");
    }
    let min = sign(Scheme::SLACK, Keys::new(&[secret]), b"", i64::MIN, "").unwrap();
    assert_eq!(
        failure(verify_with(Scheme::SLACK, &[secret], &min, b"", i64::MAX)).code(),
        "timestamp_too_old"
    );
    let max = sign(Scheme::SLACK, Keys::new(&[secret]), b"", i64::MAX, "").unwrap();
    assert_eq!(
        failure(verify_with(Scheme::SLACK, &[secret], &max, b"", i64::MIN)).code(),
        "timestamp_too_new"
    );
}

#[test]
fn missing_headers_name_the_header() {
    let cases = [
        (Scheme::HEX, "X-Webhook-Signature"),
        (Scheme::GITHUB, "X-Hub-Signature-256"),
        (Scheme::STRIPE, "Stripe-Signature"),
        (Scheme::STANDARD, "webhook-id"),
        (Scheme::SHOPIFY, "X-Shopify-Hmac-Sha256"),
        (Scheme::SLACK, "X-Slack-Request-Timestamp"),
        (Scheme::GITLAB, "X-Gitlab-Token"),
    ];
    for (scheme, header) in cases {
        assert_eq!(
            failure(verify_with(scheme, &[b"k"], &[], b"", 0)),
            Failure::MissingHeader {
                header: header.to_string()
            }
        );
    }
}

#[test]
fn garbage_headers_are_malformed_with_a_reason() {
    let cases = [
        (Scheme::HEX, h("X-Webhook-Signature", "zz-not-hex")),
        (Scheme::HEX, h("X-Webhook-Signature", "abcd")),
        (Scheme::GITHUB, h("X-Hub-Signature-256", "md5=abcd")),
        (Scheme::GITHUB, h("X-Hub-Signature-256", "sha256=xyz")),
        (Scheme::STRIPE, h("Stripe-Signature", "v1=abcd")),
        (Scheme::STRIPE, h("Stripe-Signature", "t=1")),
        (Scheme::STRIPE, h("Stripe-Signature", "t=1,v1=nothex")),
        (Scheme::STRIPE, h("Stripe-Signature", "t=1,t=2,v1=00")),
        (Scheme::SHOPIFY, h("X-Shopify-Hmac-Sha256", "***")),
    ];
    for (scheme, header) in cases {
        let f = failure(verify_with(
            scheme,
            &[b"k"],
            std::slice::from_ref(&header),
            b"",
            0,
        ));
        assert_eq!(f.code(), "malformed_header", "{scheme} {header:?}: {f}");
    }
    let standard = |sig: &str| {
        vec![
            h("webhook-id", "m"),
            h("webhook-timestamp", "0"),
            h("webhook-signature", sig),
        ]
    };
    for sig in ["v2,abc", "", "v1,***"] {
        let f = failure(verify_with(
            Scheme::STANDARD,
            &[b"whsec_a2V5"],
            &standard(sig),
            b"",
            0,
        ));
        assert_eq!(f.code(), "malformed_header", "{sig}: {f}");
    }
    let slack = vec![
        h("X-Slack-Request-Timestamp", "0"),
        h("X-Slack-Signature", "v1=00"),
    ];
    assert_eq!(
        failure(verify_with(Scheme::SLACK, &[b"k"], &slack, b"", 0)).code(),
        "malformed_header"
    );
}

#[test]
fn duplicate_signature_headers_are_refused() {
    let headers = sign(Scheme::GITHUB, Keys::new(&[b"k"]), b"b", 0, "").unwrap();
    let doubled = vec![headers[0].clone(), headers[0].clone()];
    assert_eq!(
        failure(verify_with(Scheme::GITHUB, &[b"k"], &doubled, b"b", 0)),
        Failure::DuplicateHeader {
            header: "X-Hub-Signature-256".to_string(),
            count: 2
        }
    );
}

#[test]
fn empty_body_signs_and_verifies() {
    for scheme in Scheme::all() {
        let keys = keys_for(scheme, b"whsec_ZW1wdHk=");
        let signed = sign_full(scheme, keys, b"", 1, "msg").unwrap();
        let (headers, body) = (&signed.headers, signed.body_or(b""));
        let verdict = verify(scheme, keys, headers, body, 1, DEFAULT_TOLERANCE_SECS);
        if scheme == Scheme::NONE {
            assert_eq!(verdict, Verdict::Unsigned);
        } else if scheme == Scheme::SQUARE {
            // Square's helper refuses an empty body.
            assert_eq!(verdict.failure().map(Failure::code), Some("unsigned_body"));
        } else if scheme == Scheme::LINEAR {
            // The signature matches; Linear's timestamp lives in the (here empty) body.
            assert_eq!(
                verdict.failure().map(Failure::code),
                Some("malformed_body_field")
            );
        } else {
            assert!(verdict.is_valid(), "{scheme}: {verdict:?}");
        }
    }
}

#[test]
fn no_secret_and_unusable_secrets_are_explained() {
    assert_eq!(
        sign(Scheme::GITHUB, Keys::new(&[]), b"", 0, ""),
        Err(SignError::NoSecret {
            scheme: Scheme::GITHUB
        })
    );
    assert!(matches!(
        sign(Scheme::STANDARD, Keys::new(&[b"whsec_!!!"]), b"", 0, ""),
        Err(SignError::BadSecret { index: 1, .. })
    ));
    assert!(matches!(
        sign(Scheme::HEX, Keys::new(&[b""]), b"", 0, ""),
        Err(SignError::BadSecret { .. })
    ));
    assert_eq!(
        failure(verify_with(Scheme::GITHUB, &[], &[], b"", 0)),
        Failure::NoSecret
    );
    let headers = sign(Scheme::STANDARD, Keys::new(&[b"whsec_a2V5"]), b"", 0, "m").unwrap();
    assert_eq!(
        failure(verify_with(
            Scheme::STANDARD,
            &[b"not base64!"],
            &headers,
            b"",
            0
        ))
        .code(),
        "unusable_secret"
    );
}

#[test]
fn detect_recognises_each_scheme_and_unsigned() {
    for scheme in Scheme::all().filter(|s| *s != Scheme::NONE) {
        let signed = sign_full(scheme, keys_for(scheme, b"whsec_a2V5"), b"", 0, "m").unwrap();
        let request = SignedRequest::post(&signed.headers, signed.body_or(b""));
        assert_eq!(super::detect(&request, DEFAULT_HEX_HEADER), Some(scheme));
        // From headers alone (captures, HAR files), except where the signature is in the body.
        let from_headers = detect(&signed.headers, DEFAULT_HEX_HEADER);
        let in_body = matches!(scheme.provider().signature, SignatureAt::Body(_));
        assert_eq!(from_headers, (!in_body).then_some(scheme), "{scheme}");
    }
    assert_eq!(
        detect(&[h("Content-Type", "application/json")], DEFAULT_HEX_HEADER),
        None
    );
    assert_eq!(
        verify_auto(Keys::new(&[b"k"]), &[], b"", 0, 300),
        Verdict::Unsigned
    );
}

#[test]
fn verdict_json_never_contains_the_expected_signature() {
    let headers = sign(Scheme::GITHUB, Keys::new(&[b"k"]), b"a", 0, "").unwrap();
    let verdict = verify_with(Scheme::GITHUB, &[b"k"], &headers, b"b", 0);
    let expected = sign(Scheme::GITHUB, Keys::new(&[b"k"]), b"b", 0, "").unwrap();
    let text = format!(
        "{verdict} {}",
        serde_json::to_string(&crate::capture::VerdictRecord::from(&verdict)).unwrap()
    );
    assert!(!text.contains(&expected[0].1[7..]));
    assert!(text.contains("signature_mismatch"));
}

// ---- round trips over arbitrary input ----

proptest! {
    #[test]
    fn sign_then_verify_round_trips(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        secret in proptest::collection::vec(any::<u8>(), 1..64),
        timestamp in 0i64..4_000_000_000,
        id in "[a-zA-Z0-9_]{1,32}",
    ) {
        let b64 = format!("whsec_{}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &secret));
        let token = hex::encode(&secret);
        for scheme in Scheme::all().filter(|s| *s != Scheme::NONE) {
            let secret: &[u8] = if scheme == Scheme::STANDARD {
                b64.as_bytes()
            } else if scheme == Scheme::GITLAB {
                token.as_bytes()
            } else {
                &secret
            };
            let keys = if scheme.provider().key == KeyKind::KeyPair {
                keys_for(scheme, b"")
            } else {
                Keys::new(std::slice::from_ref(&secret))
            };
            let signed = sign_full(scheme, keys, &body, timestamp, &id).unwrap();
            let (headers, body) = (&signed.headers, signed.body_or(&body).to_vec());
            let verdict = verify(scheme, keys, headers, &body, timestamp, 300);
            if scheme == Scheme::SQUARE && body.is_empty() {
                // Square's helper refuses an empty body.
                prop_assert_eq!(verdict.failure().map(Failure::code), Some("unsigned_body"));
            } else if scheme == Scheme::LINEAR {
                // An arbitrary body has no webhookTimestamp: the signature matches, the body
                // field is what fails.
                prop_assert_ne!(verdict.failure().map(Failure::code), Some("signature_mismatch"));
            } else {
                prop_assert!(verdict.is_valid(), "{} {:?}", scheme, verdict);
            }
            if scheme != Scheme::GITLAB {
                let mut tampered = body.clone();
                tampered.push(b'!');
                let verdict = verify(scheme, keys, headers, &tampered, timestamp, 300);
                prop_assert_eq!(verdict.kind(), "invalid");
            }
        }
    }

    #[test]
    fn arbitrary_header_values_never_panic(value in ".{0,200}", scheme_index in 0usize..8) {
        let scheme = Scheme::all().nth(scheme_index).unwrap();
        let names = ["X-Webhook-Signature", "X-Hub-Signature-256", "Stripe-Signature", "webhook-signature",
            "webhook-timestamp", "webhook-id", "X-Shopify-Hmac-Sha256", "X-Slack-Signature",
            "X-Slack-Request-Timestamp", "X-Gitlab-Token"];
        let headers: Vec<Header> = names.iter().map(|n| h(n, &value)).collect();
        let verdict = verify(scheme, Keys::new(&[b"whsec_a2V5"]), &headers, b"body", 0, 300);
        prop_assert!(!verdict.is_valid() || scheme == Scheme::GITLAB || scheme == Scheme::NONE);
    }
}

proptest! {
    /// Arbitrary values in every scheme's headers never panic and never verify as valid.
    #[test]
    fn random_headers_never_verify(
        values in proptest::collection::vec(("[0-9]{1,2}", "\\PC{0,80}"), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..128),
        now in any::<i64>(),
    ) {
        const NAMES: [&str; 10] = [
            "stripe-signature", "webhook-id", "webhook-timestamp", "webhook-signature",
            "x-hub-signature-256", "x-shopify-hmac-sha256", "x-slack-signature",
            "x-slack-request-timestamp", "x-gitlab-token", "x-webhook-signature",
        ];
        let headers: Vec<Header> = values
            .iter()
            .map(|(i, v)| (NAMES[i.parse::<usize>().unwrap() % NAMES.len()].to_string(), v.clone()))
            .collect();
        let secrets: [&[u8]; 1] = [b"prop-secret"];
        for scheme in Scheme::all() {
            let verdict = verify(scheme, Keys::new(&secrets), &headers, &body, now, 300);
            prop_assert!(!verdict.is_valid(), "{scheme}: {headers:?}");
        }
    }
}

// ---- the registry ----

#[test]
fn registry_names_and_aliases_are_unique_and_resolve() {
    let mut seen = std::collections::HashSet::new();
    for provider in REGISTRY {
        for name in std::iter::once(&provider.name).chain(provider.aliases) {
            assert!(seen.insert(*name), "{name} is used twice");
            assert_eq!(
                Scheme::from_name(name).map(Scheme::name),
                Some(provider.name)
            );
        }
        assert!(!provider.summary.is_empty(), "{}", provider.name);
    }
    assert_eq!(Scheme::from_name("svix"), Some(Scheme::STANDARD));
    assert_eq!(Scheme::from_name("nope"), None);
}

#[test]
fn without_a_tolerance_each_provider_applies_its_own() {
    for scheme in Scheme::all().filter(|s| s.is_timestamped()) {
        let secret = [test_key(scheme)];
        let tolerance = scheme.default_tolerance_secs();
        // Signed at 1000 s; Linear carries that time in the body, in milliseconds.
        let body = br#"{"webhookTimestamp":1000000}"#;
        let signed = sign_full(scheme, Keys::new(&secret), body, 1000, "m").unwrap();
        let (headers, body) = (&signed.headers, signed.body_or(body));
        let at = |now: i64| {
            super::verify(
                scheme,
                Keys::new(&secret),
                &SignedRequest::post(headers, body).with_url(URL),
                now,
                None,
            )
        };
        let mut edge = 1000 + i64::try_from(tolerance).unwrap();
        // HubSpot's library refuses a timestamp exactly as old as the tolerance.
        let by_secs = if scheme == Scheme::HUBSPOT {
            edge -= 1;
            0
        } else {
            1
        };
        assert!(at(edge).is_valid(), "{scheme}");
        assert_eq!(
            failure(at(edge + 1)),
            Failure::TimestampTooOld {
                by_secs,
                tolerance_secs: tolerance
            },
            "{scheme}"
        );
    }
}

/// Keys that sign and verify with `scheme`: `secret`, or for a key-pair scheme a pair made from a
/// fixed seed (leaked: a test's keys live as long as it does).
fn keys_for(scheme: Scheme, secret: &'static [u8]) -> Keys<'static> {
    use rand::SeedableRng;
    let secrets: &'static [&'static [u8]] = Box::leak(Box::new([secret]));
    let keys = Keys::new(secrets);
    match key_pair::generate(scheme, &mut rand::rngs::StdRng::seed_from_u64(7)) {
        Some(pair) => {
            let private: &'static [u8] =
                Box::leak(pair.private_pem.into_bytes().into_boxed_slice());
            let public: &'static [u8] = Box::leak(pair.public.into_bytes().into_boxed_slice());
            keys.with_private_keys(Box::leak(Box::new([private])))
                .with_public_keys(Box::leak(Box::new([public])))
        }
        None => keys,
    }
}

/// A key `scheme` accepts.
fn test_key(scheme: Scheme) -> &'static [u8] {
    if scheme.check_secret(b"whsec_dGVzdC1rZXk=").is_ok() {
        b"whsec_dGVzdC1rZXk="
    } else {
        b"test-key"
    }
}

#[test]
fn every_provider_round_trips_is_detected_and_lists_its_headers() {
    // Linear reads the signing time from the body's webhookTimestamp (ms).
    let body = br#"{"id":"evt_1","type":"order.completed","webhookTimestamp":1700000000000}"#;
    let now = 1_700_000_000;
    for scheme in Scheme::all() {
        let provider = scheme.provider();
        let keys = keys_for(scheme, test_key(scheme));
        let request = SignedRequest {
            method: "POST",
            url: Some("https://example.test/hooks?x=1"),
            headers: &[],
            body,
        };
        let signed = super::sign(scheme, keys, &request, now, "msg_1").unwrap();
        let sent = SignedRequest {
            headers: &signed.headers,
            body: signed.body_or(body),
            ..request
        };
        let verdict = super::verify(scheme, keys, &sent, now, None);
        if provider.key == KeyKind::None {
            assert_eq!(signed, Signed::default());
            assert_eq!(verdict, Verdict::Unsigned);
            assert_eq!(super::detect(&sent, DEFAULT_HEX_HEADER), None);
            continue;
        }
        assert_eq!(verdict.scheme(), Some(scheme), "{scheme}: {verdict}");
        assert!(verdict.is_valid(), "{scheme}: {verdict}");
        assert_eq!(
            super::detect(&sent, DEFAULT_HEX_HEADER),
            Some(scheme),
            "{scheme} is detected from its own signed request"
        );
        // Every header the signer wrote is one the registry lists (for redaction and stripping).
        let listed = scheme.signature_header_names(DEFAULT_HEX_HEADER);
        let in_body = matches!(provider.signature, SignatureAt::Body(_));
        assert_eq!(listed.is_empty(), in_body, "{scheme}");
        for (name, _) in &signed.headers {
            assert!(
                listed.contains(&name.to_ascii_lowercase()),
                "{scheme}: {name} is not listed"
            );
        }
        assert_eq!(
            provider.tolerance.is_some(),
            (provider.signed_timestamp)(&signed.headers, sent.body) == Some(now),
            "{scheme}: a timestamped scheme reads back the timestamp it signed"
        );
        assert!(!provider.attacks.is_empty(), "{scheme}");
    }
}

/// The README's scheme table, as the registry gives it.
fn readme_table() -> String {
    let code = |names: &[&str]| -> String {
        if names.is_empty() {
            "—".into()
        } else {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            quoted.join(", ")
        }
    };
    let mut table = String::from(
        "| `--scheme` | signature | other headers | key | timestamp tolerance | handshake |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for scheme in Scheme::all() {
        let provider = scheme.provider();
        let mut name = format!("`{}`", provider.name);
        if !provider.aliases.is_empty() {
            name.push_str(&format!(" (or {})", code(provider.aliases)));
        }
        let signature = match provider.signature {
            SignatureAt::Nowhere => "—".to_string(),
            SignatureAt::Header(header) => format!("`{header}`"),
            SignatureAt::ConfiguredHeader => "`--signature-header` (`X-Webhook-Signature`)".into(),
            SignatureAt::Body(field) => format!("`{field}` in the body"),
        };
        let key = match provider.key {
            KeyKind::None => "—",
            KeyKind::Secret => "secret",
            KeyKind::Token => "token, sent as is",
            KeyKind::KeyPair => "key pair",
        };
        let tolerance = match provider.tolerance {
            None => "—".to_string(),
            Some(t) if t.rejects_future => format!("{} s, either way", t.default_secs),
            Some(t) => format!("{} s, future accepted", t.default_secs),
        };
        let handshake = match provider.handshake {
            None => "—".to_string(),
            Some(h) => format!("`{}`: {}", h.name, h.answer),
        };
        table.push_str(&format!(
            "| {name} | {signature} | {} | {key} | {tolerance} | {handshake} |\n",
            code(provider.other_headers)
        ));
    }
    table
}

#[test]
fn the_readme_scheme_table_matches_the_registry() {
    let readme = include_str!("../../README.md");
    let start = "<!-- schemes: checked against src/signature by a test -->\n";
    let end = "<!-- end of schemes -->";
    let from = readme
        .find(start)
        .expect("the README marks its scheme table")
        + start.len();
    let to = from + readme[from..].find(end).expect("the table ends");
    let expected = readme_table();
    assert!(
        readme[from..to] == expected,
        "README.md's scheme table is stale; replace it with:\n{expected}"
    );
}
