//! Nothing lost, CI-sized: under concurrent signed load, on Ctrl-C, on `kill -9` and when the
//! capture cannot be written, every request answered 2xx is in the capture file, exactly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use hooky::signature::Scheme;

use crate::util::{assert_code, listen, listen_via, run, sign_headers, stderr, stdout};

const SECRET: &str = "nothing-lost-secret";

/// `connections` tasks POST signed requests, `per_connection` each or until `stop` is set (or the
/// listener is gone); returns how many were answered 2xx.
async fn load(
    url: String,
    connections: usize,
    per_connection: usize,
    stop: Arc<AtomicBool>,
) -> u64 {
    let answered = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (url, answered, stop) = (url.clone(), answered.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            for i in 0..per_connection {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let body = format!(r#"{{"id":"evt_{c}_{i}","type":"order.completed"}}"#);
                let mut request = client.post(&url).body(body.clone());
                for (name, value) in sign_headers(Scheme::GITHUB, SECRET, body.as_bytes(), 0) {
                    request = request.header(name, value);
                }
                match request.send().await {
                    Ok(answer) if answer.status().is_success() => {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(answer) => panic!("answered {}", answer.status()),
                    // The listener went away (SIGINT, kill -9): this request was not answered.
                    Err(_) => break,
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    answered.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_signed_load_every_2xx_is_captured() {
    let l = listen(&["--secret", SECRET]);
    let answered = load(l.url.clone(), 32, 63, Arc::new(AtomicBool::new(false))).await;
    assert_eq!(answered, 32 * 63);
    let captures = l.captures();
    assert_eq!(captures.len() as u64, answered);
    assert!(
        captures
            .iter()
            .all(|r| r.verdict.verdict == hooky::capture::VerdictKind::Valid)
    );
    let (output, _) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_in_the_middle_of_the_load_loses_nothing() {
    let l = listen(&["--secret", SECRET]);
    let stop = Arc::new(AtomicBool::new(false));
    let sending = tokio::spawn(load(l.url.clone(), 32, 1000, stop.clone()));
    l.captured(300).await;
    let (output, dir) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    let answered = sending.await.unwrap();
    assert_code(&output, 0);
    let text = std::fs::read(dir.path().join(".hooky/captures.jsonl")).unwrap();
    let file = hooky::capture::read_captures(text.as_slice()).unwrap();
    assert!(file.skipped.is_empty(), "{:?}", file.skipped);
    assert_eq!(file.records.len() as u64, answered, "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_in_the_middle_leaves_a_readable_file() {
    let mut l = listen(&["--secret", SECRET]);
    let stop = Arc::new(AtomicBool::new(false));
    let sending = tokio::spawn(load(l.url.clone(), 32, 1000, stop.clone()));
    l.captured(300).await;
    l.child.kill().unwrap();
    l.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let answered = sending.await.unwrap();
    let path = l.capture_path();
    let text = std::fs::read(&path).unwrap();
    let file = hooky::capture::read_captures(text.as_slice()).unwrap();
    // Only the line being written when the process died may be damaged.
    assert!(file.skipped.len() <= 1, "{:?}", file.skipped);
    if let Some(skipped) = file.skipped.first() {
        assert!(
            skipped.reason.starts_with("truncated last line"),
            "{skipped:?}"
        );
    }
    assert!(file.records.len() as u64 >= answered);
    let output = run(&["replay", "--list", "--from", path.to_str().unwrap()], b"");
    assert_code(&output, 0);
    assert_eq!(stdout(&output).lines().count(), file.records.len() + 1);
    assert!(stderr(&output).lines().count() <= 1, "{}", stderr(&output));
}

/// Recovery needs a failure even root meets that can be taken away again: a file size limit
/// (RLIMIT_FSIZE), lifted with `prlimit`. SIGXFSZ keeps its default action here (the shell may
/// not have it ignored): hooky itself must ignore it so the write fails with EFBIG (issue 13.14).
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capture_that_cannot_be_written_recovers_when_it_can() {
    let mut command = std::process::Command::new("sh");
    command
        .args([
            "-c",
            r#"trap - XFSZ; exec prlimit --fsize=3000:unlimited "$0" "$@""#,
        ])
        .arg(env!("CARGO_BIN_EXE_hooky"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("NO_COLOR", "1");
    let l = listen_via(command, &[]);
    let mut statuses = Vec::new();
    for i in 0..20 {
        let body = format!(r#"{{"id":"evt_{i}","pad":"{}"}}"#, "p".repeat(200));
        statuses.push(crate::util::post_with(&l.url, &[], body.as_bytes()).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|a| a.status().as_u16()).collect();
    let first_503 = codes
        .iter()
        .position(|&c| c == 503)
        .expect("the limit was reached");
    assert!(
        first_503 > 0 && codes[first_503..].iter().all(|&c| c == 503),
        "{codes:?}"
    );
    assert_eq!(statuses[first_503].headers()["retry-after"], "1");
    let lifted = std::process::Command::new("prlimit")
        .args([
            "--pid",
            &l.child.id().to_string(),
            "--fsize=unlimited:unlimited",
        ])
        .status()
        .unwrap();
    assert!(lifted.success());
    let again = crate::util::post_with(&l.url, &[], br#"{"id":"evt_after"}"#).await;
    assert_eq!(again.status(), 200);
    // Every 2xx is captured whole; the failed writes left no half line behind.
    let captures = l.captures();
    assert_eq!(captures.len(), first_503 + 1);
    assert!(captures.iter().all(|r| r.status == 200));
    let (output, _) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
    let err = stderr(&output);
    assert_eq!(
        err.matches("cannot write the capture file").count(),
        1,
        "{err}"
    );
    assert_eq!(err.matches("writable again").count(), 1, "{err}");
}

/// Issues 12 and 13.11: two listeners on one capture file would hand out the same sequence
/// numbers; the second one is refused at start, naming the first one's pid.
#[test]
fn a_second_listener_on_the_same_capture_file_is_refused() {
    let first = listen(&[]);
    let mut command = crate::util::hooky();
    command.current_dir(first.dir.path());
    let output = crate::util::run_in(command, &["listen", "--port", "0", "--timeout", "5s"], b"");
    crate::util::assert_clean_error(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "hooky: error: the capture file is in use by hooky listen (pid {})",
            first.child.id()
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: .hooky/captures.jsonl is taken")
            && err.contains("--capture other.jsonl"),
        "{err}"
    );
    // Another file is fine.
    let mut command = crate::util::hooky();
    command.current_dir(first.dir.path());
    let output = crate::util::run_in(
        command,
        &[
            "listen",
            "--port",
            "0",
            "--timeout",
            "1s",
            "--capture",
            "other.jsonl",
        ],
        b"",
    );
    assert_code(&output, 124);
    let (output, _) = first.interrupt();
    assert_code(&output, 0);
}

/// The `seq` of every `"type":"request"` line of a `--json` listener's stdout, in order, and
/// their statuses.
fn printed_requests(output: &std::process::Output) -> (Vec<u64>, Vec<u16>) {
    crate::util::json_lines(output)
        .iter()
        .filter(|line| line["type"] == "request")
        .map(|line| {
            (
                line["seq"].as_u64().unwrap(),
                line["status"].as_u64().unwrap() as u16,
            )
        })
        .unzip()
}

/// Issue 16, group commit: requests that arrive together are written together, and still every
/// answered request is one capture line and one stdout line, both in sequence order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_load_gives_one_capture_line_and_one_stdout_line_per_request_in_order() {
    let l = listen(&["--secret", SECRET, "--json"]);
    let answered = load(l.url.clone(), 32, 40, Arc::new(AtomicBool::new(false))).await;
    assert_eq!(answered, 32 * 40);
    let seqs: Vec<u64> = l.captures().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=answered).collect::<Vec<_>>());
    let (output, _) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
    let (printed, statuses) = printed_requests(&output);
    assert_eq!(printed, seqs);
    assert!(statuses.iter().all(|&s| s == 200));
}

/// Issue 16: SIGTERM in the middle of the load: the drain answers what is in flight, and the last
/// batches reach the capture and stdout before the exit (a stop that skipped the last write of
/// stdout would print fewer lines than the capture holds).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_in_the_middle_of_the_load_loses_nothing_in_the_capture_or_on_stdout() {
    let l = listen(&["--secret", SECRET, "--json"]);
    let stop = Arc::new(AtomicBool::new(false));
    let sending = tokio::spawn(load(l.url.clone(), 32, 1000, stop.clone()));
    l.captured(300).await;
    l.signal("TERM");
    let (output, dir) = tokio::task::spawn_blocking(move || l.wait()).await.unwrap();
    stop.store(true, Ordering::Relaxed);
    let answered = sending.await.unwrap();
    assert_code(&output, 0);
    let text = std::fs::read(dir.path().join(".hooky/captures.jsonl")).unwrap();
    let file = hooky::capture::read_captures(text.as_slice()).unwrap();
    assert!(file.skipped.is_empty(), "{:?}", file.skipped);
    assert_eq!(file.records.len() as u64, answered, "{}", stderr(&output));
    let (printed, _) = printed_requests(&output);
    let captured: Vec<u64> = file.records.iter().map(|r| r.seq).collect();
    assert_eq!(printed, captured);
}

/// Issue 16: a batch the capture file cannot take (here: it would cross the file size limit) is
/// answered 503 for every request in it, including those whose lines alone would have fit, and
/// leaves nothing of itself in the file; stdout says 503 for each of them.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_cannot_be_written_is_answered_503_whole() {
    let mut command = std::process::Command::new("sh");
    command
        .args([
            "-c",
            r#"trap - XFSZ; exec prlimit --fsize=6000:unlimited "$0" "$@""#,
        ])
        .arg(env!("CARGO_BIN_EXE_hooky"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("NO_COLOR", "1");
    let l = listen_via(command, &["--json"]);
    let post = |i: usize| {
        let url = l.url.clone();
        async move {
            let body = format!(r#"{{"id":"evt_{i}","pad":"{}"}}"#, "p".repeat(200));
            let answer = crate::util::post_with(&url, &[], body.as_bytes()).await;
            answer.status().as_u16()
        }
    };
    // One alone first, so some request surely fits; then waves that arrive together.
    let mut statuses = vec![post(0).await];
    for wave in 0..4 {
        let tasks: Vec<_> = (0..24)
            .map(|i| tokio::spawn(post(100 * (wave + 1) + i)))
            .collect();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
    }
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 503),
        "{statuses:?}"
    );
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    assert!(ok >= 1 && ok < statuses.len(), "{statuses:?}");
    let captures = l.captures();
    assert_eq!(captures.len(), ok);
    assert!(captures.iter().all(|r| r.status == 200));
    let (output, _) = tokio::task::spawn_blocking(move || l.interrupt())
        .await
        .unwrap();
    assert_code(&output, 0);
    let (printed, mut printed_statuses) = printed_requests(&output);
    assert_eq!(printed.len(), statuses.len());
    printed_statuses.sort();
    statuses.sort();
    assert_eq!(printed_statuses, statuses);
    // Once per burst: a smaller batch after a failed one may fit again, and the next one fail;
    // the two messages alternate, the error first.
    let err = stderr(&output);
    let messages: Vec<bool> = err
        .lines()
        .filter_map(|line| {
            if line.contains("cannot write the capture file") {
                Some(true)
            } else {
                line.contains("writable again").then_some(false)
            }
        })
        .collect();
    assert!(messages.first() == Some(&true), "{err}");
    assert!(messages.windows(2).all(|w| w[0] != w[1]), "{err}");
}
