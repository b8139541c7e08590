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
mod blocks_and_deadlines;
mod bundles;
mod default_scenario;
mod deterrence;
mod geography_calibrations;
mod geography_rules;
mod hand_checked;
mod invariants;
mod package_space;
mod properties;
mod screen;
mod search;
mod verdict_precision;
