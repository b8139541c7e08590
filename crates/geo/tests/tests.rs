//! The integration tests of `guarantor-geo`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and where the screenshots are"
)]

mod map;
