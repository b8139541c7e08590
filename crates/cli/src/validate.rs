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
        /// compromise, median, smp, eum, eum:literal, or fitted (learns from --train).
        #[arg(long, default_value = "compromise")]
        model: String,
        /// Fit on this DEU III file and score PATH; without it, grouped CV on PATH.
        #[arg(long, value_name = "TRAIN")]
        train: Option<PathBuf>,
        /// Cross-validation folds (grouped by dossier, `prnr`).
        #[arg(long, default_value_t = 10)]
        folds: usize,
        /// Seed of the folds and of the bootstrap interval.
        #[arg(long, default_value_t = 21)]
        seed: u64,
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
        train,
        folds,
        seed,
        capability,
        json,
    } = a.data;
    emit(
        &run_validate(
            &path,
            train.as_deref(),
            &model,
            &capability,
            folds,
            seed,
            json,
        )
        .map_err(Failure)?
        .to_string(),
    );
    if json {
        emit("\n");
    }
    Ok(ExitCode::SUCCESS)
}
