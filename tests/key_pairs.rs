//! The key-pair schemes (discord, sendgrid) through the binary: `hooky keygen`, then sign and
//! verify, send to listen, and the attack suite, with the development keys or explicit ones.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::util::{assert_code, hooky, json_lines, listen_in, run_in, stderr, stdout, tempdir};

const SCHEMES: [(&str, &str); 2] = [
    ("discord", "discord/interaction.application_command"),
    ("sendgrid", "sendgrid/delivered"),
];

/// Runs hooky in `dir` (where its `.hooky/keys/` are).
fn run_at(dir: &Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut command = hooky();
    command.current_dir(dir);
    run_in(command, args, stdin)
}

fn header_args(signed: &str) -> Vec<String> {
    signed
        .lines()
        .flat_map(|l| ["-H".to_string(), l.to_string()])
        .collect()
}

/// Makes the development key pair of `scheme` in `dir` and returns its public key.
fn keygen(dir: &Path, scheme: &str) -> String {
    let out = run_at(dir, &["keygen", "--scheme", scheme, "--json"], b"");
    assert_code(&out, 0);
    let record = &json_lines(&out)[0];
    assert_eq!(record["type"], "key_pair");
    assert_eq!(record["created"], true);
    record["public_key"].as_str().unwrap().to_string()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_writes_a_private_pair_and_sign_and_verify_use_it() {
    let dir = tempdir();
    let body = br#"{"id":"1","type":2}"#;
    for (scheme, _) in SCHEMES {
        let public = keygen(dir.path(), scheme);
        let keys = dir.path().join(".hooky/keys");
        let private = std::fs::read_to_string(keys.join(format!("{scheme}.key"))).unwrap();
        assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(mode(&keys), 0o700);
        assert_eq!(mode(&keys.join(format!("{scheme}.key"))), 0o600);
        assert_eq!(
            std::fs::read_to_string(keys.join(format!("{scheme}.pub"))).unwrap(),
            format!("{public}\n")
        );

        // Again: the pair is kept, and the human output is the public key alone on stdout.
        let again = run_at(dir.path(), &["keygen", "--scheme", scheme], b"");
        assert_code(&again, 0);
        assert_eq!(stdout(&again), format!("{public}\n"));
        let private_body = private.lines().nth(1).unwrap();
        assert!(!stderr(&again).contains(private_body), "never printed");

        let signed = run_at(dir.path(), &["sign", "--scheme", scheme], body);
        assert_code(&signed, 0);
        assert!(!stdout(&signed).contains(private_body));
        let headers = header_args(&stdout(&signed));
        let verify = |extra: &[&str], body: &[u8]| {
            let mut args: Vec<&str> = vec!["verify"];
            args.extend(extra);
            args.extend(headers.iter().map(String::as_str));
            run_at(dir.path(), &args, body)
        };
        // The development public key, found with no flag.
        let valid = verify(&[], body);
        assert_code(&valid, 0);
        assert!(
            stdout(&valid).starts_with(&format!("valid {scheme} signature (public key #")),
            "{}",
            stdout(&valid)
        );
        assert!(
            stdout(&valid).contains("no age check"),
            "{}",
            stdout(&valid)
        );
        // The same key given explicitly, then as a file.
        assert_code(&verify(&["--public-key", &public], body), 0);
        let pub_file = format!("@{}", keys.join(format!("{scheme}.pub")).display());
        assert_code(
            &verify(&["--scheme", scheme, "--public-key", &pub_file], body),
            0,
        );
        // A changed body, and another key of the same kind.
        let tampered = verify(&[], br#"{"id":"1","type":3}"#);
        assert_code(&tampered, 3);
        assert!(stdout(&tampered).contains("signature mismatch"));
        let other_dir = tempdir();
        let other = keygen(other_dir.path(), scheme);
        let wrong = verify(&["--public-key", &other], body);
        assert_code(&wrong, 3);
        assert!(
            stdout(&wrong).contains("verifies with none of the 1 public key(s)"),
            "{}",
            stdout(&wrong)
        );

        // --private-key signs with a key file from elsewhere.
        let other_key = other_dir.path().join(format!(".hooky/keys/{scheme}.key"));
        let signed = run_at(
            dir.path(),
            &[
                "sign",
                "--scheme",
                scheme,
                "--private-key",
                other_key.to_str().unwrap(),
            ],
            body,
        );
        assert_code(&signed, 0);
        let mut args = vec!["verify".to_string(), "--public-key".into(), other.clone()];
        args.extend(header_args(&stdout(&signed)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_code(&run_at(dir.path(), &args, body), 0);

        // --force makes a new pair.
        let forced = run_at(dir.path(), &["keygen", "--scheme", scheme, "--force"], b"");
        assert_code(&forced, 0);
        assert_ne!(stdout(&forced).trim(), public);
    }
}

#[test]
fn without_a_key_signing_is_a_usage_error_and_verifying_says_what_is_missing() {
    let dir = tempdir();
    for (scheme, _) in SCHEMES {
        let out = run_at(dir.path(), &["sign", "--scheme", scheme], b"{}");
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains(&format!("hint: run `hooky keygen --scheme {scheme}`")),
            "{}",
            stderr(&out)
        );
    }
    let other = tempdir();
    keygen(other.path(), "discord");
    let signed = run_at(other.path(), &["sign", "--scheme", "discord"], b"{}");
    let mut args = vec!["verify".to_string()];
    args.extend(header_args(&stdout(&signed)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_at(dir.path(), &args, b"{}");
    assert_code(&out, 3);
    assert!(
        stdout(&out).contains(
            "invalid discord signature: no public key to verify with: pass --public-key KEY|@FILE, or run `hooky keygen --scheme discord`"
        ),
        "{}",
        stdout(&out)
    );
    // A secret's scheme refuses --private-key rather than ignoring it.
    let key = other.path().join(".hooky/keys/discord.key");
    let out = run_at(
        dir.path(),
        &[
            "sign",
            "--scheme",
            "github",
            "--private-key",
            key.to_str().unwrap(),
        ],
        b"{}",
    );
    assert_code(&out, 2);
    // A key of the wrong kind is refused before signing, without quoting it.
    let out = run_at(
        other.path(),
        &[
            "sign",
            "--scheme",
            "sendgrid",
            "--private-key",
            key.to_str().unwrap(),
        ],
        b"{}",
    );
    assert_code(&out, 2);
    assert!(stderr(&out).contains("not a P-256 key"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("BEGIN PRIVATE KEY-----\n"));
}

#[test]
fn with_no_flags_send_and_listen_agree_after_keygen() {
    let dir = tempdir();
    for (scheme, _) in SCHEMES {
        keygen(dir.path(), scheme);
    }
    let listening = listen_in(dir, &["--no-ui", "--count", "2"]);
    for (_, fixture) in SCHEMES {
        let out = run_at(
            listening.dir.path(),
            &["send", fixture, "--to", &listening.url],
            b"",
        );
        assert_code(&out, 0);
    }
    let (out, _dir) = listening.wait();
    let lines = stdout(&out);
    assert!(lines.contains("valid discord"), "{lines}");
    assert!(lines.contains("valid sendgrid"), "{lines}");
}

#[test]
fn listen_without_a_public_key_says_how_to_get_one() {
    let keys = tempdir();
    keygen(keys.path(), "discord");
    let key = keys.path().join(".hooky/keys/discord.key");
    let listening = listen_in(tempdir(), &["--no-ui", "--count", "1", "--json"]);
    let out = run_at(
        keys.path(),
        &[
            "send",
            "discord/interaction.application_command",
            "--private-key",
            key.to_str().unwrap(),
            "--to",
            &listening.url,
        ],
        b"",
    );
    assert_code(&out, 0);
    let (out, _dir) = listening.wait();
    let request = json_lines(&out)
        .into_iter()
        .find(|l| l["type"] == "request")
        .expect("a request line");
    let text = request.to_string();
    assert!(text.contains("no_public_key"), "{text}");
    assert!(text.contains("hooky keygen --scheme discord"), "{text}");
}

#[test]
fn the_attack_suite_passes_an_enforcing_listen_and_fails_one_that_does_not_verify() {
    let dir = tempdir();
    let mut public_keys = Vec::new();
    for (scheme, _) in SCHEMES {
        public_keys.push(keygen(dir.path(), scheme));
    }
    // Public keys the user gives are enforced.
    let listening = listen_in(
        dir,
        &[
            "--no-ui",
            "--public-key",
            &public_keys[0],
            "--public-key",
            &public_keys[1],
        ],
    );
    let lazy = listen_in(tempdir(), &["--no-ui", "--no-verify"]);
    for (scheme, fixture) in SCHEMES {
        let out = run_at(
            listening.dir.path(),
            &[
                "send",
                fixture,
                "--attack",
                "--json",
                "--to",
                &listening.url,
            ],
            b"",
        );
        assert_code(&out, 0);
        let checks: Vec<_> = json_lines(&out)
            .into_iter()
            .filter(|l| l["type"] == "check")
            .collect();
        let names: Vec<&str> = checks
            .iter()
            .map(|c| c["check"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"wrong_secret"), "{scheme}: {names:?}");
        assert!(
            checks.iter().all(|c| c["result"] != "fail"),
            "{scheme}: {checks:?}"
        );

        let out = run_at(
            listening.dir.path(),
            &["send", fixture, "--attack", "--to", &lazy.url],
            b"",
        );
        assert_code(&out, 4);
    }
}

#[test]
fn a_public_key_of_no_scheme_stops_listen_at_start_up_with_one_line() {
    // Parsed once at start-up, not at each request: in auto mode too.
    let out = run_at(
        tempdir().path(),
        &["listen", "--port", "0", "--public-key", "not-a-key"],
        b"",
    );
    crate::util::assert_clean_error(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("public key #1"), "{err}");
    assert!(err.contains("discord") && err.contains("sendgrid"), "{err}");
}
