//! A minimal HTTP sink for the send benchmark: reads each request's body and answers 204, nothing
//! else, so the sender is what gets measured. `cargo run --release --example bench-sink -- PORT`.

use axum::body::Bytes;
use axum::http::StatusCode;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(9999);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on 127.0.0.1:{}", listener.local_addr()?.port());
    let app = axum::Router::new().fallback(|_body: Bytes| async { StatusCode::NO_CONTENT });
    axum::serve(listener, app).await
}
