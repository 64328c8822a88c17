//! The committed completion scripts and man page must match what the binary generates.

use crate::util::{assert_code, repo_path, run, stdout};

#[test]
fn committed_completions_are_fresh() {
    let files = [
        ("bash", "hooky.bash"),
        ("zsh", "_hooky"),
        ("fish", "hooky.fish"),
        ("powershell", "_hooky.ps1"),
        ("elvish", "hooky.elv"),
        ("man", "hooky.1"),
    ];
    for (target, name) in files {
        let out = run(&["completions", target], b"");
        assert_code(&out, 0);
        let committed =
            std::fs::read_to_string(repo_path(&format!("completions/{name}"))).unwrap_or_default();
        assert!(
            committed == stdout(&out),
            "completions/{name} is stale: run `cargo run -- completions --dir completions` and commit"
        );
    }
}

/// A project folder with a capture of two requests and a fixture of its own.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let hooky_dir = dir.path().join(".hooky");
    std::fs::create_dir_all(hooky_dir.join("fixtures/acme")).unwrap();
    std::fs::write(
        hooky_dir.join("fixtures/acme/order.shipped.json"),
        r#"{"_meta":{"description":"Acme shipped an order"},"id":"{{id "evt"}}"}"#,
    )
    .unwrap();
    let mut lines = String::new();
    for (seq, path) in [(41, "/hooks/a"), (42, "/hooks/b")] {
        let record = hooky::capture::CaptureRecord {
            seq,
            method: "POST".into(),
            path: path.into(),
            event_type: Some("order.completed".into()),
            ..Default::default()
        };
        lines.push_str(&record.to_line());
        lines.push('\n');
    }
    std::fs::write(hooky_dir.join("captures.jsonl"), lines).unwrap();
    dir
}

/// What the committed bash script completes for `words` (the word under the cursor last), run in
/// `dir` with the hooky under test first on PATH.
fn bash_completes(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_hooky"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n_clap_complete_hooky hooky '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        repo_path("completions/hooky.bash").display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let mut bash = std::process::Command::new("bash");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HOOKY_") {
            bash.env_remove(&key);
        }
    }
    let output = bash
        .current_dir(dir)
        .env("PATH", path)
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_fixture_names_and_capture_numbers() {
    let dir = project();
    let got = bash_completes(dir.path(), &["hooky", "send", "ord"]);
    assert!(
        got.contains(&"order.completed".to_string()) && got.iter().all(|c| c.starts_with("ord")),
        "{got:?}"
    );
    let got = bash_completes(dir.path(), &["hooky", "--json", "send", "acme"]);
    assert_eq!(got, ["acme/order.shipped"]);
    let got = bash_completes(dir.path(), &["hooky", "replay", "4"]);
    assert_eq!(got, ["42", "41"], "newest first");
    let got = bash_completes(dir.path(), &["hooky", "replay", "--show", ""]);
    assert!(
        got.starts_with(&["42".to_string(), "41".to_string()]),
        "{got:?}"
    );
    let got = bash_completes(
        dir.path(),
        &["hooky", "fixture", "new", "x", "--from-capture", "4"],
    );
    assert_eq!(got, ["42", "41"]);
    // Flags still complete as before.
    let got = bash_completes(dir.path(), &["hooky", "send", "--sch"]);
    assert_eq!(got, ["--scheme"]);
}

/// What hooky answers a zsh or fish completion request for `words`.
fn shell_asks(shell: &str, dir: &std::path::Path, words: &[&str]) -> String {
    let mut command = crate::util::hooky();
    command.current_dir(dir).env("HOOKY_COMPLETE", shell);
    if shell == "zsh" {
        command
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .env("_CLAP_IFS", "\n");
    }
    let output = command.arg("--").args(words).output().unwrap();
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn zsh_and_fish_complete_fixture_names_and_capture_numbers_with_descriptions() {
    let dir = project();
    let fish = shell_asks("fish", dir.path(), &["hooky", "send", "acme"]);
    assert_eq!(fish, "acme/order.shipped\tAcme shipped an order\n");
    let fish = shell_asks("fish", dir.path(), &["hooky", "replay", "4"]);
    assert_eq!(
        fish,
        "42\tPOST /hooks/b order.completed\n41\tPOST /hooks/a order.completed\n"
    );
    let zsh = shell_asks("zsh", dir.path(), &["hooky", "send", "acme"]);
    assert_eq!(zsh.trim_end(), "acme/order.shipped:Acme shipped an order");
    // The committed scripts call back into hooky with the variable it answers to.
    for name in ["_hooky", "hooky.fish", "hooky.bash"] {
        let script = std::fs::read_to_string(repo_path(&format!("completions/{name}"))).unwrap();
        assert!(script.contains("HOOKY_COMPLETE="), "{name}");
    }
}
