//! Shared test helpers: running the real binary with a clean environment.

#![allow(dead_code)]

pub mod receiver;
pub mod script_server;

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
    // A command that fails before reading stdin closes it: that is not the test's failure.
    if let Err(error) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "stdin: {error}"
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

/// A `hooky listen` running in its own temporary folder, on a free port, ready to receive.
/// Its stdout and stderr are drained as it runs (a full pipe would block the listener), and it is
/// killed if a test ends without stopping it.
pub struct Listening {
    pub child: std::process::Child,
    pub url: String,
    pub dir: tempfile::TempDir,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
}

/// Starts `hooky listen --port 0 --ready-file …` with `args` in a fresh folder and waits (bounded)
/// for its ready file.
pub fn listen(args: &[&str]) -> Listening {
    let dir = tempfile::tempdir().unwrap();
    listen_in(dir, args)
}

fn drain(mut from: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}

pub fn listen_in(dir: tempfile::TempDir, args: &[&str]) -> Listening {
    let ready = dir.path().join("ready.json");
    let _ = std::fs::remove_file(&ready);
    let mut child = hooky()
        .current_dir(dir.path())
        .args(["listen", "--port", "0", "--ready-file"])
        .arg(&ready)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hooky binary starts");
    let mut listening = Listening {
        stdout: Some(drain(child.stdout.take().unwrap())),
        stderr: Some(drain(child.stderr.take().unwrap())),
        child,
        url: String::new(),
        dir,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            let value: serde_json::Value = serde_json::from_str(&text).expect("ready file is JSON");
            assert_eq!(value["pid"], listening.child.id());
            listening.url = value["url"].as_str().unwrap().to_string();
            return listening;
        }
        if let Some(status) = listening.child.try_wait().unwrap() {
            let errors = listening.stderr.take().unwrap().join().unwrap();
            panic!(
                "hooky listen exited early ({status}): {}",
                String::from_utf8_lossy(&errors)
            );
        }
        assert!(
            std::time::Instant::now() < deadline,
            "hooky listen never became ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

impl Listening {
    pub fn capture_path(&self) -> std::path::PathBuf {
        self.dir.path().join(".hooky/captures.jsonl")
    }

    /// The capture file's records (every line must parse).
    pub fn captures(&self) -> Vec<hooky::capture::CaptureRecord> {
        let text = std::fs::read(self.capture_path()).unwrap_or_default();
        let file = hooky::capture::read_captures(text.as_slice()).unwrap();
        assert!(
            file.skipped.is_empty(),
            "bad capture lines: {:?}",
            file.skipped
        );
        file.records
    }

    /// Sends SIGINT and waits for the exit.
    pub fn interrupt(self) -> (Output, tempfile::TempDir) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.wait()
    }

    /// Waits (bounded) for the listener to exit on its own; its output is everything it printed.
    pub fn wait(mut self) -> (Output, tempfile::TempDir) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                panic!("hooky listen did not exit in time");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        let output = Output {
            status,
            stdout: self.stdout.take().unwrap().join().unwrap(),
            stderr: self.stderr.take().unwrap().join().unwrap(),
        };
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        (output, dir)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        // A test that panicked (or never stopped it) must not leave a listener behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signature headers for `body`, signed with one secret the way a provider would.
pub fn sign_headers(
    scheme: hooky::signature::Scheme,
    secret: &str,
    body: &[u8],
    timestamp: i64,
) -> Vec<(String, String)> {
    let keys: [&[u8]; 1] = [secret.as_bytes()];
    hooky::signature::sign(
        scheme,
        hooky::signature::Keys::new(&keys),
        body,
        timestamp,
        "msg_test",
    )
    .unwrap()
}

/// An HTTP client for tests: every request bounded in time.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

/// POSTs `body` with `headers` and returns the answer.
pub async fn post_with(url: &str, headers: &[(String, String)], body: &[u8]) -> reqwest::Response {
    let mut request = http_client().post(url).body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

/// The per-process token the web view's page carries in `<meta name="hooky-token">`.
pub fn page_token(page: &str) -> String {
    let marker = "name=\"hooky-token\" content=\"";
    let start = page.find(marker).expect("the page carries a token") + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_string()
}
