//! What goes out over HTTP, shared by `send`, `replay`, `poll --emit-webhook` and `listen
//! --forward-to`: [`delivery`] sends one request with retries on the policy of [`backoff`] (pure),
//! [`load`] runs many deliveries at a concurrency and a rate, [`stats`] summarises them (pure), and
//! [`request_format`] renders a request for people: raw HTTP/1.1 or curl (pure).

pub mod backoff;
pub mod connection;
pub mod delivery;
pub mod load;
pub mod request_format;
pub mod stats;
