//! What only shows in a real terminal (the `send` and `replay` pickers, progress bars): each test
//! runs hooky inside a private tmux server (its own socket), types keys into it and reads the
//! screen back. Every wait is bounded. Without tmux on the machine the tests say so and pass
//! without running, except under `CI=true`, where they fail: CI installs tmux (`.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hooky::capture::CaptureRecord;

use crate::util::receiver::Receiver;

/// A tmux server of its own, killed when dropped, running one hooky command in a 110×30 pane.
struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

impl Tmux {
    /// `None` when tmux is not installed.
    fn start(args: &[&str]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but tmux is missing: .ci/run installs it (apt-get install tmux)"
            );
            eprintln!("tmux is not installed: the picker tests did not run");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let socket = format!(
            "hooky-test-{}-{}",
            std::process::id(),
            dir.path().file_name().unwrap().to_string_lossy()
        );
        let code = dir.path().join("code");
        let quoted: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
        // The exit code goes to a file; the pane then stays as it was, for the screen to be read.
        // The shell traps Ctrl-C (hooky, as a child, gets the default back) so it lives on.
        let script = format!(
            "trap : INT; unset HOOKY_SECRET HOOKY_SECRET_FILE; cd {}; {} {} 2>&1; echo $? > {}.tmp; mv {}.tmp {}; sleep 120",
            shell_quote(&dir.path().to_string_lossy()),
            shell_quote(env!("CARGO_BIN_EXE_hooky")),
            quoted.join(" "),
            code.display(),
            code.display(),
            code.display(),
        );
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "110", "-y", "30", "-e", "NO_COLOR=1"])
            .args(["sh", "-c", &script])
            .status()
            .unwrap();
        assert!(status.success(), "tmux did not start");
        Some(Tmux { socket, dir })
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "0"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits (at most 20 s) until the screen shows `text`, and returns the screen.
    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_screen(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// Waits (at most 20 s) until every one of `texts` is on the screen and the screen has stopped
    /// changing: a picker draws its prompt before its rows, and a row may be caught half drawn.
    #[track_caller]
    fn wait_for_all(&self, texts: &[&str]) -> String {
        let mut last = String::new();
        self.wait_for_screen(&format!("{texts:?}"), |screen| {
            let settled = screen == last && texts.iter().all(|t| screen.contains(t));
            last = screen.to_string();
            settled
        })
    }

    /// Waits (at most 20 s) until `ready` holds for the screen, and returns that screen.
    #[track_caller]
    fn wait_for_screen(&self, what: &str, mut ready: impl FnMut(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{what} never appeared:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (at most 20 s) for hooky to exit, and returns its exit code.
    #[track_caller]
    fn exit_code(&self) -> i32 {
        let path = self.dir.path().join("code");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text.trim().parse().unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "hooky did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn send_picker_filters_as_you_type_and_shows_scheme_and_description() {
    let receiver = Receiver::ok();
    let Some(tmux) = Tmux::start(&["send", "--to", &receiver.url, "--secret", "s3cret"]) else {
        return;
    };
    let screen = tmux.wait_for_all(&["Event to send", "github/push", "order.completed"]);
    let row = screen
        .lines()
        .find(|l| l.contains("github/push"))
        .unwrap_or_else(|| panic!("github/push is not listed:\n{screen}"));
    assert!(row.contains("github"), "no scheme: {row}");
    let row = screen
        .lines()
        .find(|l| l.contains("order.completed"))
        .unwrap_or_else(|| panic!("order.completed is not listed:\n{screen}"));
    assert!(
        row.contains(" hex "),
        "the scheme a send really uses: {row}"
    );
    tmux.keys(&["-l", "gitpush"]);
    // The typed text shows before the list is filtered again: wait for the filtered list.
    tmux.wait_for_screen("the list filtered by \"gitpush\"", |screen| {
        screen.contains("gitpush")
            && screen.contains("github/push")
            && !screen.contains("order.completed")
    });
    tmux.keys(&["Enter"]);
    assert_eq!(tmux.exit_code(), 0, "{}", tmux.screen());
    let got = receiver.wait_for(1, Duration::from_secs(20));
    assert_eq!(got[0].header("x-github-event"), Some("push"));
}

#[test]
fn ctrl_c_in_the_send_picker_clears_it_and_exits_130() {
    let receiver = Receiver::ok();
    let Some(tmux) = Tmux::start(&["send", "--to", &receiver.url, "--secret", "s3cret"]) else {
        return;
    };
    tmux.wait_for("order.completed");
    tmux.keys(&["C-c"]);
    assert_eq!(tmux.exit_code(), 130, "{}", tmux.screen());
    let screen = tmux.screen();
    assert!(
        !screen.contains("order.completed") && !screen.contains("Event to send"),
        "the list was left on screen:\n{screen}"
    );
    assert!(!screen.contains("error"), "not quiet:\n{screen}");
    assert!(receiver.requests().is_empty());
}

/// A capture file of `count` requests to `/hooks/<seq>`.
fn captures(path: &Path, count: u64) {
    let mut text = String::new();
    for seq in 1..=count {
        let mut record = CaptureRecord {
            seq,
            id: format!("req_{seq}"),
            received_at: "2024-01-01T00:00:00.000Z".into(),
            remote_addr: "127.0.0.1:50000".into(),
            method: "POST".into(),
            path: format!("/hooks/{seq}"),
            status: 200,
            ..Default::default()
        };
        record.set_body(format!("{{\"n\":{seq}}}").as_bytes());
        text.push_str(&record.to_line());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn replay_picker_opens_on_the_newest_captures_in_aligned_columns() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("captures.jsonl");
    captures(&file, 12);
    let Some(tmux) = Tmux::start(&[
        "replay",
        "--from",
        file.to_str().unwrap(),
        "--to",
        &receiver.base,
    ]) else {
        return;
    };
    let screen = tmux.wait_for_all(&["Which captures", "/hooks/12", "/hooks/9 "]);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("/hooks/")).collect();
    assert!(!rows.is_empty(), "{screen}");
    assert!(
        rows[0].contains("/hooks/12"),
        "the newest is not first:\n{screen}"
    );
    // Columns line up whether the sequence number has one digit or two.
    let columns: Vec<usize> = rows.iter().map(|r| r.find("POST").unwrap()).collect();
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "columns are not aligned:\n{screen}"
    );
    assert!(rows.iter().any(|r| r.contains("/hooks/9 ")), "{screen}");
    tmux.keys(&["Space", "Enter"]);
    assert_eq!(tmux.exit_code(), 0, "{}", tmux.screen());
    let got = receiver.wait_for(1, Duration::from_secs(20));
    assert_eq!(got[0].path, "/hooks/12");
    assert!(tmux.path("code").exists());
}

#[test]
fn ctrl_c_in_the_replay_picker_clears_it_and_exits_130() {
    let receiver = Receiver::ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("captures.jsonl");
    captures(&file, 3);
    let Some(tmux) = Tmux::start(&[
        "replay",
        "--from",
        file.to_str().unwrap(),
        "--to",
        &receiver.base,
    ]) else {
        return;
    };
    tmux.wait_for("/hooks/3");
    tmux.keys(&["C-c"]);
    assert_eq!(tmux.exit_code(), 130, "{}", tmux.screen());
    let screen = tmux.screen();
    assert!(
        !screen.contains("/hooks/") && !screen.contains("Which captures"),
        "the list was left on screen:\n{screen}"
    );
    assert!(!screen.contains("error"), "not quiet:\n{screen}");
    assert!(receiver.requests().is_empty());
}

#[test]
fn the_progress_bar_rate_is_a_readable_number() {
    let receiver = Receiver::ok();
    let Some(tmux) = Tmux::start(&[
        "send",
        "order.completed",
        "--to",
        &receiver.url,
        "--secret",
        "s3cret",
        "--count",
        "100000",
        "--rate",
        "300/s",
    ]) else {
        return;
    };
    // Once a second of sends went by, the rate has settled; then read it off the bar.
    receiver.wait_for(300, Duration::from_secs(20));
    let screen = tmux.wait_for("/s ·");
    let line = screen.lines().find(|l| l.contains("/s ·")).unwrap();
    let rate = line.split(" · ").nth(1).unwrap().trim_end_matches("/s");
    assert!(
        !rate.is_empty() && rate.chars().all(|c| c.is_ascii_digit() || c == ','),
        "not a whole number: {line}"
    );
    tmux.keys(&["C-c"]);
    assert_eq!(tmux.exit_code(), 130);
    let screen = tmux.screen();
    let summary = screen.lines().find(|l| l.starts_with("sent ")).unwrap();
    // No "failed 0 (none)", and the rate as a whole number.
    assert!(!summary.contains("failed"), "{summary}");
    assert!(summary.ends_with(" requests/s"), "{summary}");
    let rate = summary.rsplit(" — ").next().unwrap();
    assert!(!rate.contains('.'), "{summary}");
}
