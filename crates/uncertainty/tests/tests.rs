//! The integration tests of `guarantor-uncertainty`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and what they measured"
)]

mod determinism;
mod samplers;
mod screen;
mod sensitivity;
mod space;
mod tree;
