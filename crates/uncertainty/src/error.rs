//! The uncertainty analysis's error type.

use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum Error {
    #[error(
        "scenario \"{scenario}\" declares no uncertainties; add `[[uncertainty]]` entries (see docs/scenario-format.md)"
    )]
    NoUncertainty { scenario: String },
    #[error("uncertainty path \"{path}\": {message}")]
    BadPath { path: String, message: String },
    #[error("{what}: {message}")]
    Engine { what: String, message: String },
    #[error("the deterministic run failed: {0}")]
    Deterministic(String),
    #[error(
        "Sobol' analysis needs at least {min} base rows, got {n}: fewer give indices too noisy to mean anything (it costs rows × (factors + 2) runs); use 0 to skip it"
    )]
    SobolSampleSize { n: usize, min: usize },
    #[error(
        "the outcome does not vary across the Sobol' sample (it is {mean} in every run), so variance-based indices are undefined"
    )]
    NoVariance { mean: f64 },
    #[error("{0}")]
    Options(String),
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}
