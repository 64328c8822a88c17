//! The first five minutes (issue 11): `hooky listen` and `hooky send` agree with no flags, a
//! secret the user gives is enforced, and listen prints one line per request.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::util::{
    Listening, assert_code, hooky, json_lines, listen, listen_in, listen_via, post_with, run,
    run_in, stderr, stdout, tempdir,
};

/// `hooky send ARGS --to URL/webhooks` run in `dir`.
fn send_in(dir: &std::path::Path, l: &Listening, args: &[&str]) -> std::process::Output {
    let mut command = hooky();
    command.current_dir(dir);
    let to = format!("{}/webhooks", l.url);
    let mut all: Vec<&str> = vec!["send"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--to", &to]);
    run_in(command, &all, b"")
}

fn request_lines(text: &str) -> Vec<&str> {
    // `12:00:00.000 #1     POST …`
    text.lines()
        .filter(|line| line.split(' ').nth(1).is_some_and(|w| w.starts_with('#')))
        .collect()
}

#[test]
fn no_flags_every_built_in_fixture_is_valid_and_a_subfolder_finds_the_secret() {
    let dir = tempdir();
    let project = dir.path().to_path_buf();
    let sub = project.join("app/src");
    std::fs::create_dir_all(&sub).unwrap();
    // The key-pair schemes' fixtures need a development key pair, made once (see the README).
    for scheme in ["discord", "sendgrid"] {
        let out = run_in(
            {
                let mut c = hooky();
                c.current_dir(&project);
                c
            },
            &["keygen", "--scheme", scheme],
            b"",
        );
        assert_code(&out, 0);
    }
    let l = listen_in(dir, &[]);

    let secret_file = project.join(".hooky/secret");
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    let secret = secret.trim();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&secret_file), 0o600);
    assert_eq!(mode(&project.join(".hooky")), 0o700);

    let list = run_in(
        {
            let mut c = hooky();
            c.current_dir(&sub);
            c
        },
        &["send", "--list", "--json"],
        b"",
    );
    // Handshakes carry no event (and Meta's wants a --verify-token): tests/handshake.rs has them.
    let handshakes = [
        "slack/url_verification",
        "meta/subscribe",
        "dropbox/challenge",
        "microsoft-graph/validation",
    ];
    let fixtures: Vec<String> = json_lines(&list)
        .iter()
        .filter(|f| f["source"] == "built-in")
        .filter(|f| !handshakes.contains(&f["name"].as_str().unwrap()))
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(fixtures.len() >= 10, "{fixtures:?}");
    let mut sent_ids = Vec::new();
    for fixture in &fixtures {
        // From a subfolder: the walk up finds the listener's .hooky/secret.
        let out = send_in(&sub, &l, &[fixture, "--json"]);
        assert_code(&out, 0);
        let answer = &json_lines(&out)[0];
        assert_eq!(answer["status"], 200, "{fixture}: {answer}");
        sent_ids.push(answer["event_id"].as_str().unwrap().to_string());
    }
    assert!(
        !sub.join(".hooky").exists(),
        "send made a secret of its own"
    );

    let captures = l.captures();
    let (output, _dir) = l.interrupt();
    assert_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "signing secret: {secret} (development secret in .hooky/secret"
        )),
        "{text}"
    );
    assert!(
        stderr(&output).contains("verifying with the development secret, not enforcing"),
        "{}",
        stderr(&output)
    );
    assert_eq!(captures.len(), fixtures.len());
    for ((record, fixture), id) in captures.iter().zip(&fixtures).zip(&sent_ids) {
        assert_eq!(
            record.verdict.verdict,
            hooky::capture::VerdictKind::Valid,
            "{fixture}"
        );
        // The id send printed is the one listen shows.
        assert_eq!(record.event_id.as_deref(), Some(id.as_str()), "{fixture}");
    }
    let lines = request_lines(&text);
    assert_eq!(lines.len(), fixtures.len(), "{text}");
    for (line, id) in lines.iter().zip(&sent_ids) {
        assert!(line.contains(" valid ") && line.contains(id), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_is_shown_by_flagless_listen_and_refused_under_a_given_secret() {
    let l = listen(&[]);
    let answer = post_with(&format!("{}/hooks", l.url), &[], b"{}").await;
    assert_eq!(answer.status(), 200);
    let (output, _dir) = l.interrupt();
    let lines = stdout(&output);
    let lines = request_lines(&lines);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].contains(" unsigned ") && lines[0].contains(" 200 "),
        "{lines:?}"
    );

    let l = listen(&["--secret", "S"]);
    let answer = post_with(&format!("{}/hooks", l.url), &[], b"{}").await;
    assert_eq!(answer.status(), 401);
    let body: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(body["code"], "missing_signature");
    assert!(
        body["hint"].as_str().unwrap().contains("Stripe-Signature"),
        "{body}"
    );
    let (output, _dir) = l.interrupt();
    let err = stderr(&output);
    // Shown in `ps`: one note, and never the secret itself.
    assert_eq!(err.matches("--secret is visible").count(), 1, "{err}");
    assert!(
        err.contains("verifying with the secret from --secret, enforcing"),
        "{err}"
    );
    assert!(!stdout(&output).contains("signing secret"));

    // The development secret enforces only when told.
    let l = listen(&["--verify-mode", "enforce"]);
    let answer = post_with(&format!("{}/hooks", l.url), &[], b"{}").await;
    assert_eq!(answer.status(), 401);
    l.interrupt();
}

#[test]
fn send_attack_passes_against_listen_with_the_same_hooky_secret() {
    let mut command = hooky();
    command.env("HOOKY_SECRET", "s3cret-for-attack");
    let l = listen_via(command, &["-q"]);
    let mut command = hooky();
    command.env("HOOKY_SECRET", "s3cret-for-attack");
    let out = run_in(command, &["send", "--attack", "--to", &l.url], b"");
    assert_code(&out, 0);
    let (output, _dir) = l.interrupt();
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!text.contains("s3cret-for-attack"), "{text}");
    // From the environment: no note about `ps`, even without -q.
    assert!(!stderr(&output).contains("visible"));
}

/// `hooky listen ARGS` in a fresh folder, `count` events sent to it at full speed, then Ctrl-C:
/// what listen printed.
fn listen_to(args: &[&str], count: u64) -> std::process::Output {
    let dir = tempdir();
    let project = dir.path().to_path_buf();
    let l = listen_in(dir, args);
    let count = count.to_string();
    let out = send_in(
        &project,
        &l,
        &["order.completed", "--count", &count, "--concurrency", "32"],
    );
    assert_code(&out, 0);
    l.interrupt().0
}

#[test]
fn human_output_is_one_line_per_request() {
    // 20 requests stay under the summary rate whatever their pace.
    let output = listen_to(&[], 20);
    let text = stdout(&output);
    assert_eq!(request_lines(&text).len(), 20, "{text}");
    // The URL, the web view and the development secret, then one line each.
    assert_eq!(text.lines().count(), 3 + 20, "{text}");
}

#[test]
fn above_the_rate_a_summary_line_per_second_but_never_in_json() {
    const N: u64 = 600;
    let text = stdout(&listen_to(&[], N));
    let singles = request_lines(&text).len() as u64;
    let summarised: u64 = text
        .lines()
        .filter_map(|line| line.strip_prefix('+'))
        .map(|rest| {
            let count = rest.split(' ').next().unwrap().replace(',', "");
            assert!(rest.contains(" valid, "), "{rest}");
            count.parse::<u64>().unwrap()
        })
        .sum();
    assert!(summarised > 0, "no summary line: {text}");
    assert_eq!(singles + summarised, N, "{text}");

    let requests = json_lines(&listen_to(&["--json"], N))
        .iter()
        .filter(|line| line["type"] == "request")
        .count() as u64;
    assert_eq!(requests, N);
}

#[test]
fn an_expectation_that_can_never_hold_is_refused_at_start() {
    for args in [
        &["--no-verify", "--expect", "verified"][..],
        &["--scheme", "none", "--expect", "verified", "--count", "1"],
        &["--expect", "type=a", "--expect", "type=b"],
    ] {
        let mut all = vec!["listen", "--port", "0", "--no-capture"];
        all.extend_from_slice(args);
        let out = run(&all, b"");
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("--expect"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn hooky_secret_prints_rotates_and_drops_the_old_one() {
    let dir = tempdir();
    let in_dir = || {
        let mut c = hooky();
        c.current_dir(dir.path());
        c
    };
    let first = run_in(in_dir(), &["secret"], b"");
    assert_code(&first, 0);
    let first = stdout(&first).trim().to_string();
    assert!(first.starts_with("whsec_"));
    let again = run_in(in_dir(), &["secret"], b"");
    assert_eq!(stdout(&again).trim(), first);

    let rotated = run_in(in_dir(), &["secret", "--rotate"], b"");
    assert_code(&rotated, 0);
    let second = stdout(&rotated).trim().to_string();
    assert_ne!(second, first);
    assert!(
        stderr(&rotated).contains("1 old one(s)"),
        "{}",
        stderr(&rotated)
    );
    let file = dir.path().join(".hooky/secret");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{second}\n{first}\n")
    );

    // During the rotation, listen accepts a request signed with the old one…
    let body = b"{\"type\":\"x\"}";
    let sign_with = |secret: &str| {
        let mut c = in_dir();
        c.env("HOOKY_SECRET", secret);
        run_in(c, &["sign", "--scheme", "hex"], body)
    };
    let verify = |headers: &std::process::Output| {
        let header = stdout(headers).trim().to_string();
        run_in(in_dir(), &["verify", "-H", &header, "--json"], body)
    };
    let old = verify(&sign_with(&first));
    assert_code(&old, 0);
    assert_eq!(json_lines(&old)[0]["secret_index"], 2);
    // …and not once it is dropped.
    let dropped = run_in(in_dir(), &["secret", "--drop-old"], b"");
    assert_eq!(stdout(&dropped).trim(), second);
    assert_code(&verify(&sign_with(&first)), 3);
    assert_code(&verify(&sign_with(&second)), 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{second}\n")
    );
}

#[test]
fn a_linked_hooky_folder_or_secret_is_refused() {
    let dir = tempdir();
    let elsewhere = tempdir();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(".hooky")).unwrap();
    let mut c = hooky();
    c.current_dir(dir.path());
    let out = run_in(c, &["secret"], b"");
    assert_code(&out, 1);
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none()
    );

    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".hooky")).unwrap();
    let target = elsewhere.path().join("target");
    std::fs::write(&target, "whsec_planted\n").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join(".hooky/secret")).unwrap();
    let mut c = hooky();
    c.current_dir(dir.path());
    let out = run_in(c, &["sign", "--scheme", "hex"], b"{}");
    assert_code(&out, 1);
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
}

#[test]
fn an_empty_hooky_secret_and_an_unreadable_secret_file_say_why() {
    let mut c = hooky();
    c.env("HOOKY_SECRET", "");
    let out = run_in(c, &["sign", "--scheme", "hex"], b"{}");
    assert_code(&out, 2);
    assert!(
        stderr(&out).starts_with("hooky: error: HOOKY_SECRET is set but empty\nhint: "),
        "{}",
        stderr(&out)
    );
    let dir = tempdir();
    for (path, why) in [
        (dir.path().join("missing"), "it does not exist"),
        (dir.path().to_path_buf(), "it is a folder"),
    ] {
        let path = path.display().to_string();
        let out = run(&["sign", "--scheme", "hex", "--secret-file", &path], b"{}");
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!(
                "hooky: error: cannot read the secret file {path}: {why}\nhint: "
            )),
            "{err}"
        );
    }
    // `-q` keeps the note about `ps` quiet; the secret works all the same.
    let out = run(&["sign", "--scheme", "hex", "--secret", "s", "-q"], b"{}");
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    let out = run(&["sign", "--scheme", "hex", "--secret", "s"], b"{}");
    assert!(stderr(&out).contains("HOOKY_SECRET"), "{}", stderr(&out));
}

#[test]
fn the_listening_record_says_which_secret_and_whether_it_is_enforced() {
    let first_line = |l: Listening| json_lines(&l.interrupt().0)[0].clone();
    let l = listen(&["--json"]);
    let secret = std::fs::read_to_string(l.dir.path().join(".hooky/secret")).unwrap();
    let record = first_line(l);
    assert_eq!(record["secret_source"], "development");
    assert_eq!(record["development_secret"], secret.trim());
    assert_eq!(record["enforcing"], false);

    let mut command = hooky();
    command.env("HOOKY_SECRET", "mine-not-shown");
    let l = listen_via(command, &["--json"]);
    let record = first_line(l);
    assert_eq!(record["secret_source"], "given");
    assert_eq!(record["development_secret"], Value::Null);
    assert_eq!(record["enforcing"], true);
    assert!(!record.to_string().contains("mine-not-shown"));

    let record = first_line(listen(&["--json", "--no-verify"]));
    assert_eq!(record["secret_source"], "none");
    assert_eq!(record["enforcing"], false);
}
