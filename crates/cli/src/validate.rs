//! `guarantor validate`: score a forecast model on real decisions with known outcomes.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::common::{Failure, emit};
use crate::forecast::run_validate;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    data: Data,
}

#[derive(clap::Subcommand)]
enum Data {
    /// DEU III: EU legislative decisions (Arregui & Perarnaud 2021, CC BY 4.0), a TSV file.
    Deu3 {
        /// The DEU III file (tab-separated).
        path: PathBuf,
        /// compromise, median, smp, eum (= eum:scholz-code) or eum:literal.
        #[arg(long, default_value = "compromise")]
        model: String,
        /// Capability proxy: equal, or gdp (the file's second row).
        #[arg(long, default_value = "equal")]
        capability: String,
        /// Print the score and every issue's forecast as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let Data::Deu3 {
        path,
        model,
        capability,
        json,
    } = a.data;
    emit(
        &run_validate(&path, &model, &capability, json)
            .map_err(Failure)?
            .to_string(),
    );
    if json {
        emit("\n");
    }
    Ok(ExitCode::SUCCESS)
}
