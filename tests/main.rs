//! Integration tests: the real binary, real sockets on 127.0.0.1 with ephemeral ports.

mod util;

mod architecture;
mod attack;
mod bad_input;
mod cli;
mod completions;
mod examples;
mod first_five;
mod handshake;
mod key_pairs;
mod listen;
mod nothing_lost;
mod pipeline;
mod poll;
mod providers;
mod replay;
mod schema;
mod security;
mod send;
mod sign_verify;
mod signals;
mod terminal;
mod url_signed;
mod web;
mod web_browser;
