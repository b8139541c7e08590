//! # guarantor-bargaining
//!
//! Negotiation forecasts for Guarantor. Given actors with a capability and, per
//! dimension, a position and a salience (both on the **0–100 scale**), forecast where
//! the negotiation ends:
//!
//! - [`compromise`]: capability × salience weighted mean per dimension;
//! - [`median`]: capability × salience weighted median per dimension;
//! - [`smp`](mod@smp): KTAB's Spatial Model of Politics, every KTAB switch selectable by name
//!   ([`SmpOptions`]), defaults equal to KTAB's;
//! - [`eum`](mod@eum): the Bueno de Mesquita expected-utility model with named implementation
//!   switches ([`EumOptions`], modes `scholz-code` and `literal`).
//!
//! Readers: [`parse_ktab_csv`] / [`read_ktab_csv`] (KTAB's CSV input) and
//! [`deu3::parse_deu3`] (the DEU III data set); [`deu3::validate`] scores a model on
//! DEU III. Every model returns a [`Forecast`] (serde; JSON layout in `docs/forecast.md`).
//!
//! Invariants: no function panics on user input (errors are [`Error`] values naming
//! the place and the fix); no I/O except the explicit `read_*` functions; results do
//! not depend on the number of threads.

pub mod cv;
pub mod deu3;
pub mod error;
pub mod eum;
pub mod fitted;
mod folds;
pub mod forecast;
pub mod institutions;
pub mod ktab_csv;
mod names;
mod rng;
pub mod scenario;
pub mod simple;
pub mod smp;
mod text;

use serde::{Deserialize, Serialize};

/// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use error::{Error, Result};
pub use eum::{EumOptions, eum};
pub use forecast::{ActorPosition, FinalState, Forecast, Turn};
pub use ktab_csv::{parse_ktab_csv, read_ktab_csv};
pub use scenario::{Actor, Scenario};
pub use simple::{compromise, median};
pub use smp::{SmpOptions, smp};

/// A model with its switches: what the CLI's `--model` (and `--option`) select.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "lowercase")]
pub enum Model {
    /// Weighted mean.
    Compromise,
    /// Weighted median.
    Median,
    /// KTAB's SMP.
    Smp(SmpOptions),
    /// Expected-utility model.
    Eum(EumOptions),
}

/// The model names accepted by [`Model::from_name`].
pub const MODEL_NAMES: &[&str] = &[
    "compromise",
    "median",
    "smp",
    "eum",
    "eum:scholz-code",
    "eum:literal",
];

impl Model {
    /// Parses a model name: `compromise`, `median`, `smp`, `eum` (= `eum:scholz-code`),
    /// `eum:scholz-code`, `eum:literal`. Case-insensitive.
    pub fn from_name(name: &str) -> Result<Model> {
        let lower = name.trim().to_ascii_lowercase();
        let (base, mode) = match lower.split_once(':') {
            Some((b, m)) => (b.to_string(), Some(m.to_string())),
            None => (lower.clone(), None),
        };
        match (base.as_str(), mode) {
            ("compromise" | "mean", None) => Ok(Model::Compromise),
            ("median", None) => Ok(Model::Median),
            ("smp", None) => Ok(Model::Smp(SmpOptions::default())),
            ("eum", None) => Ok(Model::Eum(EumOptions::default())),
            ("eum", Some(m)) => Ok(Model::Eum(EumOptions::mode(&m)?)),
            _ => Err(Error::UnknownName {
                what: "model".into(),
                given: name.to_string(),
                allowed: MODEL_NAMES.join(", "),
            }),
        }
    }

    /// Parses a model name then applies `key=value` switches, e.g.
    /// `Model::with_options("smp", &[("VotingRule", "Binary")])`.
    pub fn with_options(name: &str, options: &[(&str, &str)]) -> Result<Model> {
        let mut model = Model::from_name(name)?;
        for (k, v) in options {
            model.set(k, v)?;
        }
        Ok(model)
    }

    /// Sets one switch (see [`SmpOptions::set`], [`EumOptions::set`]).
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        match self {
            Model::Smp(o) => o.set(key, value),
            Model::Eum(o) => o.set(key, value),
            Model::Compromise | Model::Median => Err(Error::UnknownName {
                what: "option (compromise and median have none)".into(),
                given: key.to_string(),
                allowed: String::new(),
            }),
        }
    }

    /// Runs the model on a scenario.
    pub fn run(&self, scenario: &Scenario) -> Result<Forecast> {
        match self {
            Model::Compromise => compromise(scenario),
            Model::Median => median(scenario),
            Model::Smp(o) => smp(scenario, o),
            Model::Eum(o) => eum(scenario, o),
        }
    }
}

/// Convenience: runs the named model (see [`Model::from_name`]) with default switches.
pub fn forecast(scenario: &Scenario, model: &str) -> Result<Forecast> {
    Model::from_name(model)?.run(scenario)
}
