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
