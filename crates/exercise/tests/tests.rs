//! The integration tests of `guarantor-exercise`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and what they measured"
)]

mod api;
mod browser;
mod common;
mod flow;
mod game;
mod hardening;
mod live;
mod security;
