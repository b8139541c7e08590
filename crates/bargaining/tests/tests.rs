//! The integration tests of `guarantor-bargaining`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and what they measured"
)]

mod common;
mod deu3;
mod eum;
mod fitted;
mod institutions;
mod ktab_csv_errors;
mod ktab_smp;
mod models;
