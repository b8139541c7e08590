//! `guarantor`: verbs over the model, engine and report crates. Only this crate
//! knows about files, terminals and exit codes.
//!
//! Each verb is one module with its `Args` (clap) and `run(args)`; flags that
//! several verbs share are flattened in from `common`. `main` parses, calls
//! the verb, and is the one place that prints a failure and exits.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the CLI is the crate that prints"
)]

mod check;
mod common;
mod diff;
mod explain;
mod forecast;
mod history;
mod merge;
mod progress;
mod report;
mod run;
mod scenarios;
mod schema;
mod serve;
mod shard;
mod synth;
mod timeline;
mod uncertainty;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::common::Failure;

#[derive(Parser)]
#[command(
    name = "guarantor",
    version,
    about = "Planning-exercise engine for multinational security guarantees"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once per process; the uncertainty flags are the largest"
)]
enum Command {
    /// Evaluate every package: size, allocate, judge, rank, and mark the frontier.
    Run(run::Args),
    /// Validate a scenario file and list every problem with its line and a hint.
    Check(check::Args),
    /// Explain one package: every requirement, allocation, red line and utility.
    Explain(explain::Args),
    /// Forecast where bargaining over the dimensions lands, and the nearest package.
    Forecast(forecast::Args),
    /// Validate a forecast model on real decisions with known outcomes.
    Validate(validate::Args),
    /// Print the JSON Schema of the scenario format, for completion and checks in an editor.
    ///
    /// Save it next to your scenarios (`guarantor schema > guarantor.schema.json`)
    /// and point a TOML language server at it: with taplo (the Even Better TOML
    /// extension of VS Code, or `taplo lint`), put `#:schema ./guarantor.schema.json`
    /// on the first line of a scenario file, or add to `.taplo.toml`:
    /// `[[rule]]`, `include = ["scenarios/*.toml"]`, `schema.path = "guarantor.schema.json"`.
    Schema(schema::Args),
    /// Write a random but valid synthetic scenario (for benchmarks and tests) to stdout.
    Synth(synth::Args),
    /// Host a live planning exercise in the browser (facilitator, delegations, observers).
    Serve(serve::Args),
    /// Write an HTML report, a Markdown summary and CSV/JSON/Parquet data into a folder.
    Report(report::Args),
    /// List recorded runs (`run --record`, `report --record`), newest first.
    ///
    /// Default database: $GUARANTOR_HISTORY, else $XDG_DATA_HOME/guarantor/history.sqlite,
    /// else ~/.local/share/guarantor/history.sqlite.
    History(history::Args),
    /// Compare two scenario files or recorded runs: changed inputs, changed verdicts and why.
    ///
    /// A and B are scenario files or run ids from `guarantor history` (e.g. run:3).
    Diff(diff::Args),
    /// Robust packages under the scenario's declared uncertainties: P(pass), tornado, Sobol', PRIM.
    Uncertainty(uncertainty::Args),
    /// Merge the partial files of a sharded run or uncertainty analysis (`--shard K/N --partial FILE`).
    ///
    /// The result is the one a single machine prints, byte for byte (the `stats`
    /// measurements aside). Refuses partials of different scenarios, versions, options,
    /// seeds or shard plans, and missing, duplicate or corrupted shards.
    Merge(merge::Args),
    /// List the embedded dated scenarios (id, title, as_of, packages).
    Scenarios(scenarios::Args),
    /// Run dated scenarios in date order and explain how the verdicts move, and why.
    ///
    /// Each step lists the input changes (red lines, options, capacities, levels,
    /// positions) and attributes every verdict move to the changes that cause it,
    /// by applying each change alone to the earlier scenario and evaluating again.
    Timeline(timeline::Args),
}

fn main() -> ExitCode {
    let result: Result<ExitCode, Failure> = match Cli::parse().command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Forecast(a) => forecast::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Report(a) => report::run(a),
        Command::History(a) => history::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Uncertainty(a) => uncertainty::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Scenarios(a) => scenarios::run(a),
        Command::Timeline(a) => timeline::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
