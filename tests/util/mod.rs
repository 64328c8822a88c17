//! Shared test helpers: running the real binary with a clean environment.

#![allow(dead_code)]

pub mod endless;
pub mod receiver;
pub mod script_server;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The folder every test runs hooky in (and its HOME): under cargo's target/tmp, never /tmp, so a
/// stray `.hooky/` in a shared parent folder cannot be found by the development secret's walk up,
/// which stops at HOME.
pub fn test_home() -> &'static Path {
    static HOME: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hooky-test-home");
        std::fs::create_dir_all(&home).unwrap();
        home
    })
}

/// A fresh temporary folder inside [`test_home`].
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir_in(test_home()).unwrap()
}

/// The hooky binary with a clean environment: no HOOKY_* variables, no colors, HOME and the
/// current folder a fresh folder of the tests' own (the development secret is then one per run).
pub fn hooky() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hooky"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HOOKY_") {
            command.env_remove(&key);
        }
    }
    command
        .env("NO_COLOR", "1")
        .env("HOME", test_home())
        .current_dir(test_home());
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
    /// The access key of its `/_hooky/` endpoints, from the ready file.
    pub key: String,
    pub dir: tempfile::TempDir,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
    /// What the listener printed on stderr so far, for tests that wait on a message.
    stderr_so_far: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

/// Starts `hooky listen --port 0 --ready-file …` with `args` in a fresh folder and waits (bounded)
/// for its ready file.
pub fn listen(args: &[&str]) -> Listening {
    listen_in(tempdir(), args)
}

fn drain(mut from: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}

/// Like `drain`, and also keeps what arrived so far in `so_far`.
fn drain_shared(
    mut from: impl std::io::Read + Send + 'static,
    so_far: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            match from.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => so_far.lock().unwrap().extend_from_slice(&chunk[..n]),
            }
        }
        so_far.lock().unwrap().clone()
    })
}

pub fn listen_in(dir: tempfile::TempDir, args: &[&str]) -> Listening {
    listen_by(hooky(), dir, args)
}

/// Starts `command` (hooky itself, or a wrapper that execs it) with `listen` and `args`, and waits
/// (bounded) for its ready file.
pub fn listen_via(command: Command, args: &[&str]) -> Listening {
    listen_by(command, tempdir(), args)
}

fn listen_by(mut command: Command, dir: tempfile::TempDir, args: &[&str]) -> Listening {
    let ready = dir.path().join("ready.json");
    let _ = std::fs::remove_file(&ready);
    let mut child = command
        .current_dir(dir.path())
        .args(["listen", "--port", "0", "--ready-file"])
        .arg(&ready)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hooky binary starts");
    let stderr_so_far = std::sync::Arc::default();
    let mut listening = Listening {
        stdout: Some(drain(child.stdout.take().unwrap())),
        stderr: Some(drain_shared(
            child.stderr.take().unwrap(),
            std::sync::Arc::clone(&stderr_so_far),
        )),
        stderr_so_far,
        child,
        url: String::new(),
        key: String::new(),
        dir,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            let value: serde_json::Value = serde_json::from_str(&text).expect("ready file is JSON");
            assert_eq!(value["pid"], listening.child.id());
            listening.url = value["url"].as_str().unwrap().to_string();
            listening.key = value["key"].as_str().unwrap().to_string();
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

    /// How many lines the capture file holds now.
    pub fn capture_lines(&self) -> usize {
        std::fs::read_to_string(self.capture_path()).map_or(0, |text| text.lines().count())
    }

    /// Waits (at most 30 s) until the capture file holds at least `lines` lines.
    pub async fn captured(&self, lines: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.capture_lines() < lines {
            assert!(
                std::time::Instant::now() < deadline,
                "only {} of {lines} requests were captured in time",
                self.capture_lines()
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
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
        self.signal("INT");
        self.wait()
    }

    /// Sends the signal named `name` (`INT`, `TERM`), without waiting.
    pub fn signal(&self, name: &str) {
        signal(&self.child, name);
    }

    /// Waits (at most 30 s) until the listener's stderr contains `text`.
    #[track_caller]
    pub fn wait_for_stderr(&self, text: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let so_far = String::from_utf8_lossy(&self.stderr_so_far.lock().unwrap()).into_owned();
            if so_far.contains(text) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{text:?} never appeared on stderr: {so_far}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
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
        &hooky::signature::SignedRequest::post(&[], body),
        timestamp,
        "msg_test",
    )
    .unwrap()
    .headers
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

/// Asserts a failed command explains itself the way hooky promises: the exit code, and an error
/// line (`hooky: error:`, or clap's `error:` for bad flags) with no panic and no Debug dump.
#[track_caller]
pub fn assert_clean_error(output: &Output, code: i32) {
    assert_code(output, code);
    let err = stderr(output);
    let errors = err
        .lines()
        .filter(|line| line.starts_with("hooky: error: ") || line.starts_with("error: "))
        .count();
    assert_eq!(errors, 1, "not one error line: {err}");
    for bad in ["panicked", "RUST_BACKTRACE", "Os {", "kind: ", "Error {"] {
        assert!(!err.contains(bad), "{bad:?} in stderr: {err}");
    }
}

/// Sends raw bytes on a fresh connection and returns what the server said before closing (or
/// before `wait` passed). `half_close` shuts our sending side after the bytes.
pub fn raw_exchange(
    addr: &str,
    bytes: &[u8],
    half_close: bool,
    wait: std::time::Duration,
) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    // The server may answer and close before it read everything: a reset is an answer too.
    let _ = stream.write_all(bytes);
    if half_close {
        let _ = stream.shutdown(std::net::Shutdown::Write);
    }
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

impl Listening {
    /// The URL of one of its own endpoints (`/_hooky/…`), with the access key in the query.
    pub fn own(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{separator}key={}", self.url, self.key)
    }

    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// Asserts the process is alive and still answers an ordinary request with 200.
    #[track_caller]
    pub fn assert_serving(&mut self, after: &str) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "hooky listen died after {after}"
        );
        let reply = raw_exchange(
            &self.addr(),
            b"POST /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            false,
            std::time::Duration::from_secs(20),
        );
        // 401 when the listener enforces a secret: an answer all the same.
        assert!(
            reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.1 401"),
            "no answer after {after}: {reply}"
        );
    }
}

/// Sends `name` (`INT`, `TERM`) to a child process, as Ctrl-C or a CI runner would.
pub fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} failed");
}
