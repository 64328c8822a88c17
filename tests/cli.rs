//! Command-line conventions: errors are one line with a hint and a documented code, never a panic.

use crate::util::{assert_code, run, stderr, stdout};

#[test]
fn bad_input_gets_one_line_and_a_usage_code() {
    let cases: [&[&str]; 5] = [
        &[
            "sign",
            "--scheme",
            "github",
            "--secret-file",
            "/definitely/missing/secret",
        ],
        &["sign", "--scheme", "standard", "--secret", "not base64!"],
        &["verify", "--secret", "s", "--tolerance", "soon"],
        &["verify", "--secret", "s", "-H", "no colon here"],
        &[
            "sign",
            "--scheme",
            "github",
            "--secret",
            "s",
            "/definitely/missing/file",
        ],
    ];
    for args in cases {
        let out = run(args, b"body");
        let err = stderr(&out);
        assert!(
            out.status.code() == Some(2) || out.status.code() == Some(1),
            "{args:?}: {err}"
        );
        assert!(err.contains("error"), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{args:?}: {err}"
        );
    }
    let out = run(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret-file",
            "/definitely/missing/secret",
        ],
        b"",
    );
    assert_code(&out, 2);
    assert!(
        stderr(&out).starts_with(
            "hooky: error: cannot read the secret file /definitely/missing/secret: it does not exist"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn clap_errors_use_hookys_format_and_point_to_the_right_flag() {
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["send", "--too", "http://127.0.0.1:1/"],
            "hooky: error: unexpected argument '--too' found",
            "hint: a similar argument exists: '--to'; hooky send --help shows every flag",
        ),
        (
            &["send", "--timeout"],
            "hooky: error: a value is required for '--timeout <DURATION>' but none was supplied",
            "hint: hooky send --help shows every flag",
        ),
        (
            &["listen", "--port", "abc"],
            "hooky: error: invalid value 'abc' for '--port <PORT>': invalid digit found in string",
            "hint: hooky listen --help shows every flag",
        ),
        (
            &["--color", "sometimes", "send"],
            "hooky: error: invalid value 'sometimes' for '--color <WHEN>'",
            "hint: possible values: auto, always, never; hooky send --help shows every flag",
        ),
        (
            &["sned"],
            "hooky: error: unrecognized subcommand 'sned'",
            "hint: a similar subcommand exists: 'send'; hooky --help shows every flag",
        ),
    ];
    for (args, error, hint) in cases {
        let out = run(args, b"");
        assert_code(&out, 2);
        assert_eq!(stderr(&out), format!("{error}\n{hint}\n"), "{args:?}");
    }
    // Help and version are not errors.
    assert_code(&run(&["send", "--help"], b""), 0);
}

#[test]
fn url_and_target_are_aliases_of_to() {
    for flag in ["--url", "--target", "--to"] {
        let out = run(
            &[
                "send",
                "order.completed",
                flag,
                "http://127.0.0.1:4321/hooks",
                "--secret",
                "s",
                "--dry-run",
            ],
            b"",
        );
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("127.0.0.1:4321"),
            "{flag}: {}",
            stdout(&out)
        );
    }
    let out = run(
        &["replay", "1", "--from", "/nonexistent.jsonl", "--url", "x"],
        b"",
    );
    assert!(
        !stderr(&out).contains("unexpected argument"),
        "{}",
        stderr(&out)
    );
    let help = stdout(&run(&["send", "--help"], b""));
    assert!(help.contains("[aliases: --url, --target]"), "{help}");
}

#[test]
fn missing_file_is_a_failure_with_its_name() {
    let out = run(
        &[
            "sign",
            "--scheme",
            "github",
            "--secret",
            "s",
            "/definitely/missing/file",
        ],
        b"",
    );
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot read /definitely/missing/file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn version_and_help() {
    let out = run(&["--version"], b"");
    assert_code(&out, 0);
    assert!(stdout(&out).starts_with("hooky "));
    let out = run(&["--help"], b"");
    for command in [
        "listen",
        "send",
        "poll",
        "replay",
        "sign",
        "verify",
        "completions",
    ] {
        assert!(stdout(&out).contains(command), "{command}");
    }
}

#[test]
fn colors_only_when_asked() {
    let signed = run(&["sign", "--scheme", "hex", "--secret", "k"], b"x");
    let header = stdout(&signed);
    let args = ["verify", "--secret", "k", "-H", header.trim()];
    let plain = run(&args, b"x");
    assert!(!stdout(&plain).contains('\x1b'));
    let mut colored_args = vec!["--color", "always"];
    colored_args.extend(args);
    let colored = run(&colored_args, b"x");
    assert!(stdout(&colored).contains("\x1b["), "{}", stdout(&colored));
}
