//! The integration tests of `guarantor-cli`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and what they measured"
)]

mod bad_inputs;
mod briefing;
mod browser;
mod cli;
mod common;
mod history_cli;
mod report_cli;
mod report_shards;
mod scale_out;
mod scale_stages;
mod search;
mod serve_crash;
mod timeline;
mod uncertainty;
