//! Every example in the README's `sh` blocks and in each subcommand's `--help` runs as typed
//! against `hooky listen` on the default port: the test starts a listener on a free port and puts
//! that port where the examples say 8080 (and its access key where they say `key=KEY`), then runs each example with `sh` in a project folder
//! (with `hooky` on the PATH) and expects exit 0, or the code its `# exit N` comment documents.
//!
//! The shared listener enforces the development secret (`--verify-mode enforce`), so that
//! `hooky send --attack` has a receiver that refuses what it must. `hooky listen` examples are
//! started on their own (with `--port 0` added when they name no port), sent one event, and stopped
//! with Ctrl-C (one with `--count` stops by itself): they must start, receive and exit 0. `hooky secret` examples run in a fresh folder
//! (they rotate the secret). Examples addressing an API that is not on this machine
//! (`api.example.com`) cannot run offline and are listed as skipped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Listening, hooky, listen_in, repo_path, run_in, tempdir};

/// The examples of every `sh` block of a markdown text: comment lines dropped, `\` continuations
/// joined, only hooky commands (`hooky …`, `VAR=… hooky …`, `… | hooky …`, `cargo run --release --
/// …`).
fn readme_examples(markdown: &str) -> Vec<String> {
    let mut examples = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if !in_sh || line.trim_start().starts_with('#') {
            continue;
        }
        collect(line, &mut pending, &mut examples);
    }
    examples
}

/// The examples of a `--help` text: the indented lines after `Examples:` up to a blank line.
fn help_examples(help: &str) -> Vec<String> {
    let mut examples = Vec::new();
    let mut inside = false;
    let mut pending = String::new();
    for line in help.lines() {
        if line.starts_with("Example") && line.ends_with(':') {
            inside = true;
            continue;
        }
        if line.trim().is_empty() {
            inside = false;
            continue;
        }
        if inside {
            collect(line, &mut pending, &mut examples);
        }
    }
    examples
}

fn collect(line: &str, pending: &mut String, examples: &mut Vec<String>) {
    let line = line.trim();
    if let Some(start) = line.strip_suffix('\\') {
        pending.push_str(start);
        return;
    }
    pending.push_str(line);
    let command = std::mem::take(pending);
    if is_hooky_command(&command) {
        examples.push(command);
    }
}

fn is_hooky_command(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    command.starts_with("cargo run --release -- ")
        || words
            .iter()
            .find(|w| !w.contains('=') || w.starts_with('-'))
            .is_some_and(|w| *w == "hooky")
        || command.contains("| hooky ")
        || command.contains("| HOOKY_")
}

/// The command without its trailing `# comment` (outside quotes).
fn strip_comment(command: &str) -> (&str, Option<&str>) {
    let mut quote = None;
    let bytes = command.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'\'' | b'"') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'#') if i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                return (command[..i].trim_end(), Some(command[i + 1..].trim()));
            }
            _ => {}
        }
    }
    (command, None)
}

/// The code an example documents with `# exit N`, else 0.
fn expected_code(comment: Option<&str>) -> i32 {
    comment
        .and_then(|c| c.strip_prefix("exit "))
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The subcommand an example runs (`listen`, `send`, …), ignoring its comment.
fn subcommand(command: &str) -> &str {
    let (command, _) = strip_comment(command);
    let mut words = command.split_whitespace().skip_while(|w| *w != "hooky");
    words.nth(1).unwrap_or("")
}

/// Whether an example runs until Ctrl-C: a poll without a goal or a deadline.
fn runs_until_stopped(command: &str) -> bool {
    subcommand(command) == "poll"
        && !["--until", "--count", "--timeout"]
            .iter()
            .any(|flag| command.contains(flag))
}

struct Playground {
    /// `hooky` (the binary under test) and a harmless `xdg-open`, first on the PATH.
    bin: tempfile::TempDir,
    /// Runs in the project folder, so its capture file is the one the examples replay.
    listener: Listening,
    port: String,
    /// The listener's access key to `/_hooky/`, for the examples' `key=KEY`.
    key: String,
}

impl Playground {
    fn start() -> Playground {
        let bin = tempdir();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_hooky"), bin.path().join("hooky")).unwrap();
        let opener = bin.path().join("xdg-open");
        std::fs::write(&opener, "#!/bin/sh\nexit 0\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();

        let project = tempdir();
        let project_path = project.path().to_path_buf();
        std::fs::write(
            project_path.join("body.json"),
            r#"{"id":"evt_1","type":"order.completed","data":{"amount":4200}}"#,
        )
        .unwrap();
        let first = run_in(
            {
                let mut c = hooky();
                c.current_dir(&project_path);
                c
            },
            &["secret"],
            b"",
        );
        assert!(first.status.success());
        // The README runs `hooky keygen` before `hooky listen`: the shared listener, started
        // first, must find the development key pairs as a listener started after keygen does.
        for scheme in ["discord", "sendgrid"] {
            let mut c = hooky();
            c.current_dir(&project_path);
            assert!(
                run_in(c, &["keygen", "--scheme", scheme], b"")
                    .status
                    .success()
            );
        }
        let listener = listen_in(project, &["--verify-mode", "enforce", "-q"]);
        let port = listener.url.rsplit(':').next().unwrap().to_string();
        let ready: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(listener.dir.path().join("ready.json")).unwrap(),
        )
        .unwrap();
        let key = ready["key"].as_str().unwrap_or_default().to_string();
        let playground = Playground {
            bin,
            listener,
            port,
            key,
        };
        // Captures for the replay and fixture examples to select from.
        let seeded = playground.sh(
            playground.project(),
            "hooky send order.completed --count 5 -q",
        );
        assert_eq!(seeded.0, Some(0), "{}", seeded.1);
        playground
    }

    fn project(&self) -> &Path {
        self.listener.dir.path()
    }

    fn command(&self, dir: &Path, script: &str) -> Command {
        let mut command = hooky();
        let path = format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command
            .current_dir(dir)
            .env("PATH", path)
            // `hooky send` without --to goes where listen listens by default: here, this port.
            .env("HOOKY_SEND_TO", format!("http://127.0.0.1:{}/", self.port))
            .env_remove("BROWSER");
        let mut sh = Command::new("sh");
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => sh.env(key, value),
                None => sh.env_remove(key),
            };
        }
        sh.current_dir(dir).arg("-c").arg(script);
        sh
    }

    /// Runs `script` to its end (at most a minute) in `dir`; its exit code and its output. One
    /// that runs until stopped gets Ctrl-C after its first line of output and may exit 0 or 130.
    fn sh(&self, dir: &Path, script: &str) -> (Option<i32>, String) {
        let script = self.localise(script);
        let until_stopped = runs_until_stopped(&script);
        let mut child = self
            .command(
                dir,
                &if until_stopped {
                    format!("exec {}", strip_comment(&script).0)
                } else {
                    script.clone()
                },
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Drained as it runs: a full pipe would block the example.
        let (first_line, stdout) = drain_lines(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        if until_stopped && first_line.recv_timeout(Duration::from_secs(30)).is_ok() {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
        }
        let status = wait_bounded(&mut child, Duration::from_secs(60));
        if status.is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let text = format!(
            "$ {script}\n--- stdout\n{}\n--- stderr\n{}",
            tail(&stdout.join().unwrap()),
            tail(&stderr.join().unwrap())
        );
        match status {
            Some(status) if until_stopped && status.code() == Some(130) => (Some(0), text),
            Some(status) => (status.code(), text),
            None => (None, format!("did not finish in a minute\n{text}")),
        }
    }

    /// The example as it runs here: `cargo run --release --` is the binary under test, the
    /// default port is the shared listener's, and `key=KEY` its access key.
    fn localise(&self, example: &str) -> String {
        example
            .replace("cargo run --release -- ", "hooky ")
            .replace(":8080", &format!(":{}", self.port))
            .replace("key=KEY", &format!("key={}", self.key))
    }

    /// Starts a `hooky listen` example in its own folder, sends it one event, stops it with Ctrl-C
    /// if it did not stop by itself, and returns its exit code.
    fn run_listen(&self, example: &str, index: usize) -> (Option<i32>, String) {
        let dir = self.project().join(format!("listen-{index}"));
        std::fs::create_dir_all(&dir).unwrap();
        let (command, _) = strip_comment(example);
        let mut script = self.localise(command);
        if !script.contains("--port") {
            script.push_str(" --port 0");
        }
        let ready: PathBuf = match script.split_once("--ready-file ") {
            Some((_, rest)) => dir.join(rest.split_whitespace().next().unwrap()),
            None => {
                script.push_str(" --ready-file ready.json");
                dir.join("ready.json")
            }
        };
        // `exec`: the signal goes to hooky itself, not to sh (`env` keeps `VAR=…` in front).
        let exec = if script.starts_with("hooky ") {
            format!("exec {script}")
        } else {
            format!("exec env {script}")
        };
        let mut child = self
            .command(&dir, &exec)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = loop {
            if let Ok(text) = std::fs::read_to_string(&ready)
                && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            {
                break value["url"].as_str().unwrap().to_string();
            }
            if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                let _ = child.kill();
                let output = child.wait_with_output().unwrap();
                return (
                    None,
                    format!(
                        "$ {script}\nnever became ready: {}",
                        String::from_utf8_lossy(&output.stderr)
                    ),
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // Whatever it answers (a secret of its own gives 401, a --forward-to app that is not
        // running gives 502): the listener must take it and go on.
        let _ = self.sh(
            &dir,
            &format!("hooky send order.completed --to {url}/webhooks -q --no-retry"),
        );
        // One with a --count stops by itself once the event counted (a Ctrl-C during that stop
        // would be a second, forcing signal); the others get Ctrl-C.
        if !script.contains("--count") && child.try_wait().unwrap().is_none() {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
        }
        let status = wait_bounded(&mut child, Duration::from_secs(30));
        if status.is_none() {
            let _ = child.kill();
        }
        let output = child.wait_with_output().unwrap();
        (
            status.and_then(|s| s.code()),
            format!(
                "$ {script}\n--- stderr\n{}",
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    }

    /// Runs one example as the rules above say; `Err` says how it failed.
    fn check(&self, example: &str, index: usize) -> Result<(), String> {
        let (_, comment) = strip_comment(example);
        let expected = expected_code(comment);
        let (code, output) = match subcommand(&self.localise(example)) {
            "listen" => self.run_listen(example, index),
            "secret" => {
                // Outside the project, whose secret it would rotate.
                let fresh = tempdir();
                self.sh(fresh.path(), example)
            }
            _ => self.sh(self.project(), example),
        };
        if code == Some(expected) {
            Ok(())
        } else {
            Err(format!("exit {code:?}, expected {expected}\n{output}"))
        }
    }
}

/// Like [`drain`], and says when the first line has arrived.
fn drain_lines(
    from: impl std::io::Read + Send + 'static,
) -> (
    std::sync::mpsc::Receiver<()>,
    std::thread::JoinHandle<Vec<u8>>,
) {
    let (first, told) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(from);
        let mut bytes = Vec::new();
        while let Ok(n) = reader.read_until(b'\n', &mut bytes) {
            if n == 0 {
                break;
            }
            let _ = first.send(());
        }
        bytes
    });
    (told, handle)
}

fn drain(mut from: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}

/// The end of an output, enough to see why an example failed.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn wait_bounded(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn not_on_this_machine(example: &str) -> bool {
    example.contains("api.example.com")
}

#[test]
fn the_parsers_find_examples_and_their_codes() {
    let markdown = "```sh\n# a comment\nhooky listen\nHOOKY_SECRET=s hooky send x \\\n  --count 2\ncargo test\n```\n```text\nhooky not-run\n```\n";
    assert_eq!(
        readme_examples(markdown),
        ["hooky listen", "HOOKY_SECRET=s hooky send x --count 2"]
    );
    let help =
        "Usage: …\n\nExamples:\n  hooky a\n  echo -n '{}' | hooky b   # exit 3\n\nExit status: …\n";
    let found = help_examples(help);
    assert_eq!(found, ["hooky a", "echo -n '{}' | hooky b   # exit 3"]);
    assert_eq!(expected_code(strip_comment(&found[1]).1), 3);
    assert_eq!(
        strip_comment("hooky x -H 'a # b' # c"),
        ("hooky x -H 'a # b'", Some("c"))
    );
    assert_eq!(
        subcommand("echo x | HOOKY_SECRET=s hooky sign --json"),
        "sign"
    );
    assert_eq!(subcommand("hooky listen   # then: hooky send x"), "listen");
    assert!(runs_until_stopped("hooky poll http://x --etag"));
    assert!(!runs_until_stopped("hooky poll http://x --until a=b"));
}

#[test]
fn every_readme_and_help_example_runs_as_typed() {
    let playground = Playground::start();
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let mut examples: Vec<(String, String)> = readme_examples(&readme)
        .into_iter()
        .map(|e| ("README".to_string(), e))
        .collect();
    for command in [
        "listen",
        "send",
        "sign",
        "verify",
        "replay",
        "captures",
        "secret",
        "poll",
        "fixture new",
    ] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let help = run_in(hooky(), &args, b"");
        let text = String::from_utf8_lossy(&help.stdout).into_owned();
        examples.extend(
            help_examples(&text)
                .into_iter()
                .map(|e| (format!("hooky {command} --help"), e)),
        );
    }
    assert!(examples.len() > 30, "{examples:?}");
    // The two-terminal loop of the README's first section is there.
    assert!(
        examples
            .iter()
            .any(|(_, e)| e == "cargo run --release -- listen")
    );
    assert!(
        examples
            .iter()
            .any(|(_, e)| e == "cargo run --release -- send order.completed")
    );

    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for (index, (source, example)) in examples.iter().enumerate() {
        if not_on_this_machine(example) {
            skipped.push(example.clone());
            continue;
        }
        let started = Instant::now();
        if let Err(why) = playground.check(example, index) {
            failures.push(format!("{source}: {example}\n{why}"));
        }
        eprintln!("{:>6}ms  {example}", started.elapsed().as_millis());
    }
    playground.listener.interrupt();
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(skipped.len() <= 6, "skipped: {skipped:?}");
}
