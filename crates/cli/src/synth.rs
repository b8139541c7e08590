//! `guarantor synth`: a seeded synthetic scenario on stdout (benchmarks, tests).

use std::process::ExitCode;

use guarantor_model::synth::{SynthParams, synth};

use crate::common::{Failure, emit};

#[derive(clap::Args)]
pub struct Args {
    /// Guarantee components.
    #[arg(long, default_value_t = 6)]
    components: usize,
    /// Options per component.
    #[arg(long, default_value_t = 4)]
    options: usize,
    /// Contributing actors.
    #[arg(long, default_value_t = 12)]
    contributors: usize,
    /// Capabilities (force types allocated).
    #[arg(long, default_value_t = 6)]
    capabilities: usize,
    /// Actors besides the contributors (at least 2).
    #[arg(long, default_value_t = 16)]
    actors: usize,
    /// Seed; the same seed writes the same scenario.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let p = SynthParams {
        components: a.components,
        options: a.options,
        contributors: a.contributors,
        capabilities: a.capabilities,
        actors: a.actors,
        seed: a.seed,
    };
    p.check()
        .map_err(|m| Failure(format!("error: synth: {m} (see `guarantor synth --help`)")))?;
    emit(&synth(&p));
    Ok(ExitCode::SUCCESS)
}
