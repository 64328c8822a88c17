//! Shared test helpers: running the real binary with a clean environment.

#![allow(dead_code)]

pub mod receiver;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The hooky binary with a clean environment: no HOOKY_* variables, no colors, no home config.
pub fn hooky() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hooky"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HOOKY_") {
            command.env_remove(&key);
        }
    }
    command.env("NO_COLOR", "1");
    command
}

/// Runs hooky with `args`, feeding `stdin`, and returns its output.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_in(hooky(), args, stdin)
}

pub fn run_in(mut command: Command, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hooky binary starts");
    // A process that fails before reading its stdin closes it: that is not the test's failure.
    if let Err(error) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "stdin accepts the body"
        );
    }
    child.wait_with_output().expect("hooky finishes")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code, showing both streams when it differs.
#[track_caller]
pub fn assert_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Parses every stdout line as JSON.
#[track_caller]
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

pub fn repo_path(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}
