//! The integration tests of `guarantor-report`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and what they measured"
)]

mod report;
mod robustness;
mod timeline;
