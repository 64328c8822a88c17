//! A hostile HTTP server for the clients' tests: answers every request with 200 and a chunked body
//! that never ends (until the client hangs up, or a bound of 256 MiB per answer so a test against a
//! client that reads everything still ends).

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Bytes written per answer at most.
const BOUND: u64 = 256 * 1024 * 1024;

pub struct EndlessServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The most body bytes written in one answer so far.
    pub most_written: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl EndlessServer {
    pub fn start() -> EndlessServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let most_written = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (most, stopping) = (most_written.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let most = most.clone();
                std::thread::spawn(move || answer_endlessly(stream, &most));
            }
        });
        EndlessServer {
            base,
            most_written,
            stop,
        }
    }
}

fn answer_endlessly(mut stream: std::net::TcpStream, most: &AtomicU64) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    // Read the head (bounded); a small body, if any, may stay unread.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    if stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .is_err()
    {
        return;
    }
    let chunk = [b'x'; 64 * 1024];
    let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
    let mut written = 0u64;
    while written < BOUND && stream.write_all(&framed).is_ok() {
        written += chunk.len() as u64;
        most.fetch_max(written, Ordering::SeqCst);
    }
    let _ = stream.write_all(b"0\r\n\r\n");
}

impl Drop for EndlessServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}
