//! `hooky sign` and `hooky verify`, end to end through the binary.

use crate::util::{assert_code, json_lines, run, stdout};

const SCHEMES: [&str; 7] = [
    "hex", "github", "stripe", "standard", "shopify", "slack", "gitlab",
];
const SECRET: &str = "whsec_c2VjcmV0LWZvci10ZXN0cw==";

fn header_args(signed: &str) -> Vec<String> {
    signed
        .lines()
        .flat_map(|l| ["-H".to_string(), l.to_string()])
        .collect()
}

#[test]
fn every_scheme_signs_what_verify_accepts() {
    let body = br#"{"id":"evt_1","type":"order.completed"}"#;
    for scheme in SCHEMES {
        let signed = run(&["sign", "--scheme", scheme, "--secret", SECRET], body);
        assert_code(&signed, 0);
        let mut args = vec!["verify".to_string(), "--secret".into(), SECRET.into()];
        args.extend(header_args(&stdout(&signed)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let verified = run(&args, body);
        assert_code(&verified, 0);
        assert!(
            stdout(&verified).starts_with(&format!("valid {scheme}")),
            "{}",
            stdout(&verified)
        );

        let tampered = run(&args, br#"{"id":"evt_1","type":"order.completed "}"#);
        if scheme == "gitlab" {
            assert_code(&tampered, 0);
        } else {
            assert_code(&tampered, 3);
            assert!(stdout(&tampered).contains("signature mismatch"), "{scheme}");
        }
    }
}

#[test]
fn github_vector_through_the_binary() {
    let out = run(
        &[
            "sign",
            "--scheme",
            "github",
            "--secret",
            "It's a Secret to Everybody",
        ],
        b"Hello, World!",
    );
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out),
        "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n"
    );
}

#[test]
fn stale_timestamp_is_reported_with_how_old() {
    let signed = run(
        &[
            "sign",
            "--scheme",
            "stripe",
            "--secret",
            SECRET,
            "--timestamp",
            "1700000000",
        ],
        b"{}",
    );
    let mut args = vec![
        "verify",
        "--scheme",
        "stripe",
        "--secret",
        SECRET,
        "--now",
        "1700000400",
    ];
    let headers = header_args(&stdout(&signed));
    args.extend(headers.iter().map(String::as_str));
    let out = run(&args, b"{}");
    assert_code(&out, 3);
    assert!(
        stdout(&out).contains("timestamp too old by 100s (tolerance 300s)"),
        "{}",
        stdout(&out)
    );
    args.extend(["--tolerance", "10m"]);
    assert_code(&run(&args, b"{}"), 0);
}

#[test]
fn json_modes_carry_a_type() {
    let signed = run(
        &[
            "--json",
            "sign",
            "--scheme",
            "standard",
            "--secret",
            SECRET,
            "--id",
            "msg_1",
            "--timestamp",
            "5",
        ],
        b"x",
    );
    assert_code(&signed, 0);
    let lines = json_lines(&signed);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["type"], "signature");
    assert_eq!(lines[0]["headers"]["webhook-id"], "msg_1");
    assert_eq!(lines[0]["headers"]["webhook-timestamp"], "5");

    let out = run(
        &[
            "verify",
            "--json",
            "--secret",
            SECRET,
            "-H",
            "X-Hub-Signature-256: sha256=00",
        ],
        b"x",
    );
    assert_code(&out, 3);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["type"], "verdict");
    assert_eq!(lines[0]["verdict"], "invalid");
    assert_eq!(lines[0]["code"], "malformed_header");
}

#[test]
fn unsigned_requests_fail_verification() {
    let out = run(
        &[
            "verify",
            "--secret",
            SECRET,
            "-H",
            "Content-Type: application/json",
        ],
        b"{}",
    );
    assert_code(&out, 3);
    assert!(stdout(&out).starts_with("unsigned"));
}

#[test]
fn secrets_come_from_env_and_files_and_never_show() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let from_file = run(
        &[
            "sign",
            "--scheme",
            "github",
            "--secret-file",
            file.to_str().unwrap(),
        ],
        b"b",
    );
    let mut command = crate::util::hooky();
    command.env("HOOKY_SECRET", SECRET);
    let from_env = crate::util::run_in(command, &["sign", "--scheme", "github"], b"b");
    assert_code(&from_env, 0);
    assert_eq!(stdout(&from_file), stdout(&from_env));

    let mut command = crate::util::hooky();
    command.env("HOOKY_SECRET", "super-secret-value");
    let help = crate::util::run_in(command, &["sign", "--help"], b"");
    assert!(!stdout(&help).contains("super-secret-value"));
    assert!(stdout(&help).contains("HOOKY_SECRET"));
}

#[test]
fn a_scheme_that_writes_into_the_body_prints_it_after_the_headers() {
    let body = b"{\n  \"event-data\": {\"event\": \"delivered\"}\n}\n";
    let args = ["sign", "--scheme", "mailgun", "--secret", SECRET];
    let args_at = [&args[..], &["--timestamp", "1700000000", "--id", "evt_1"]].concat();
    let text = run(&args_at, body);
    assert_code(&text, 0);
    // No headers, an empty line, the body: the signature object first, the rest byte for byte.
    let text = stdout(&text);
    let signed = text.strip_prefix('\n').expect("an empty line first");
    assert!(
        signed.starts_with(r#"{"signature":{"timestamp":"1700000000","token":""#),
        "{signed}"
    );
    assert!(
        signed.ends_with("},\n  \"event-data\": {\"event\": \"delivered\"}\n}\n"),
        "{signed}"
    );
    let json = run(&[&args_at[..], &["--json"]].concat(), body);
    let record = &json_lines(&json)[0];
    assert_eq!(record["body"], signed);
    assert_eq!(record["headers"], serde_json::json!({}));
    // verify reads the signature from the body (a fresh one: the stale one is refused).
    let fresh = stdout(&run(&args, body));
    let fresh = fresh.strip_prefix('\n').unwrap();
    let verified = run(&["verify", "--secret", SECRET], fresh.as_bytes());
    assert_code(&verified, 0);
    assert!(
        stdout(&verified).starts_with("valid mailgun signature (secret #1); mailgun signs only"),
        "{}",
        stdout(&verified)
    );
    let stale = run(&["verify", "--secret", SECRET], signed.as_bytes());
    assert_code(&stale, 3);
    assert!(
        stdout(&stale).contains("timestamp too old"),
        "{}",
        stdout(&stale)
    );
    // The other schemes print headers only.
    let github = stdout(&run(
        &["sign", "--scheme", "github", "--secret", SECRET],
        body,
    ));
    assert_eq!(github.lines().count(), 1, "{github}");
}
