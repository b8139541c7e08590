//! The integration tests of `guarantor-engine`, one module per file: one test
//! binary per crate keeps link time down.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests print skip notices and what they measured"
)]

mod allocation_oracle;
mod allocation_properties;
mod allocation_regressions;
mod batch;
mod default_scenario;
mod deterrence;
mod geography_calibrations;
mod hand_checked;
mod invariants;
mod properties;
mod search;
