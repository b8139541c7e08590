//! The uncertainty analysis's error type.
//!
//! A library does not know how its caller spells its settings: an invalid
//! setting is reported as [`Error::Setting`], naming the [`Setting`] (a field
//! of [`crate::Options`]) and what is wrong with its value; the CLI turns the
//! setting into its flag.

use thiserror::Error;

/// A setting of [`crate::Options`] (or a value parsed into one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Draws,
    Packages,
    Replicates,
    ScreenDraws,
    SobolRows,
    Morris,
    Threads,
    PrimAlpha,
    PrimMassMin,
    PrimBoxes,
    PrimRestrictions,
    CartMinLeaf,
    RegretOutcome,
    Thresholds,
    Focus,
}

impl Setting {
    /// The setting's name in [`crate::Options`] (what `Display` shows).
    pub fn field(self) -> &'static str {
        match self {
            Setting::Draws => "draws",
            Setting::Packages => "packages",
            Setting::Replicates => "replicates",
            Setting::ScreenDraws => "screen_draws",
            Setting::SobolRows => "sobol_rows",
            Setting::Morris => "morris_trajectories",
            Setting::Threads => "threads",
            Setting::PrimAlpha => "prim.peel_alpha / prim.paste_alpha",
            Setting::PrimMassMin => "prim.mass_min",
            Setting::PrimBoxes => "prim.max_boxes",
            Setting::PrimRestrictions => "prim.max_restrictions",
            Setting::CartMinLeaf => "cart.min_leaf",
            Setting::RegretOutcome => "regret_outcome",
            Setting::Thresholds => "thresholds",
            Setting::Focus => "focus",
        }
    }
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.field())
    }
}

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
    /// A setting's value is invalid; `message` says why, without naming the
    /// setting (the caller prefixes its own name for it).
    #[error("{setting} {message}")]
    Setting { setting: Setting, message: String },
    /// More (package, draw) outcomes than one run keeps in memory.
    #[error(
        "{packages} packages × {draws} draws is more than the {max} package outcomes one run keeps in memory; use fewer draws or study fewer packages"
    )]
    TooManyOutcomes {
        packages: usize,
        draws: usize,
        max: usize,
    },
    /// A broken invariant of the analysis itself (a bug, not bad input).
    #[error("internal error: {0}")]
    Internal(String),
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

impl Error {
    /// An invalid value of `setting`.
    pub fn setting(setting: Setting, message: impl Into<String>) -> Error {
        Error::Setting {
            setting,
            message: message.into(),
        }
    }
}
