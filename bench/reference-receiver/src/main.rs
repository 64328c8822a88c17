//! The floor any webhook receiver pays, for hooky's benchmarks to be measured against.
//!
//! `reference-receiver verify PORT SECRET FILE`: verify `X-Webhook-Signature` (hex HMAC-SHA256 of
//! the body, constant-time), append one line per request to FILE before answering, answer 200 JSON.
//! `reference-receiver sink PORT`: answer 200 to everything, nothing else (for sender benchmarks).
//! Prints `listening on http://127.0.0.1:PORT` once bound (PORT 0 picks one).

use std::io::Write;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use sha2::Sha256;
use subtle::ConstantTimeEq;

struct Verify {
    secret: Vec<u8>,
    file: Mutex<std::fs::File>,
}

async fn handle(
    request: Request<Incoming>,
    verify: Option<Arc<Verify>>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let signature = request
        .headers()
        .get("x-webhook-signature")
        .and_then(|v| hex::decode(v.as_bytes()).ok());
    let body = request.into_body().collect().await?.to_bytes();
    let Some(verify) = verify else {
        return Ok(Response::new(Full::new(Bytes::from_static(b"ok"))));
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&verify.secret).expect("any key length");
    mac.update(&body);
    let expected = mac.finalize().into_bytes();
    let valid = signature.is_some_and(|s| s.len() == expected.len() && bool::from(s.ct_eq(&expected)));
    if !valid {
        let mut response = Response::new(Full::new(Bytes::from_static(b"{\"error\":\"invalid signature\"}")));
        *response.status_mut() = hyper::StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    let mut line = Vec::with_capacity(body.len() + 1);
    line.extend_from_slice(&body);
    line.push(b'\n');
    verify
        .file
        .lock()
        .expect("no writer panics")
        .write_all(&line)
        .expect("the capture file is writable");
    Ok(Response::new(Full::new(Bytes::from_static(b"{\"received\":true}"))))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (port, verify) = match args.get(1).map(String::as_str) {
        Some("verify") if args.len() == 5 => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&args[4])
                .expect("the capture file opens");
            let verify = Verify {
                secret: args[3].as_bytes().to_vec(),
                file: Mutex::new(file),
            };
            (args[2].clone(), Some(Arc::new(verify)))
        }
        Some("sink") if args.len() == 3 => (args[2].clone(), None),
        _ => {
            eprintln!("usage: reference-receiver verify PORT SECRET FILE | sink PORT");
            std::process::exit(2);
        }
    };
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .expect("the port is free");
    println!("listening on http://{}", listener.local_addr().unwrap());
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let verify = verify.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |r| handle(r, verify.clone()));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
