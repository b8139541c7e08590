//! Declared uncertainties: which number of a scenario is uncertain, and how.
//!
//! A declaration names a scenario parameter by a dotted path of ids
//! (`actors.de.inventory.gbad_long.readiness`) and gives it a distribution.
//! [`resolve`] turns the path into a [`Target`] (indices into the scenario),
//! with a did-you-mean hint at the first segment that does not exist;
//! [`Target::domain`] says which values the parameter may take, so that
//! `check` rejects a distribution reaching outside it; [`apply`] writes one
//! sampled value per target into a copy of the scenario.
//!
//! Sampling and analysis live in the `guarantor-uncertainty` crate; this module
//! only knows the format, so that `check` can validate it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
// No `deny_unknown_fields`: serde does not support it with `flatten`;
// the reader in `read.rs` rejects unknown keys.
pub struct Uncertainty {
    /// Dotted path of the parameter, e.g. "parameters.rotation.land".
    pub path: String,
    #[serde(flatten)]
    pub dist: Distribution,
    /// Short name for reports (default: made from the path).
    #[serde(default)]
    pub label: String,
    /// Where the range comes from: a source id or a note.
    #[serde(default)]
    pub source: String,
    /// Declarations with the same group move together: they share one random
    /// quantile (perfect rank correlation).
    #[serde(default)]
    pub group: String,
}

/// A probability distribution of one parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Distribution {
    /// Every value in [min, max] equally likely.
    Uniform { min: f64, max: f64 },
    /// Triangular with its peak at `mode`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Normal with `mean` and standard deviation `sd`, truncated to [min, max].
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// PERT: a Beta distribution on [min, max] with its mode at `mode` (shape λ = 4).
    Pert { min: f64, mode: f64, max: f64 },
    /// One of `values`, with probabilities proportional to `weights` (equal if omitted).
    Discrete {
        values: Vec<f64>,
        #[serde(default)]
        weights: Vec<f64>,
    },
    /// 1 with probability `p`, else 0; for red lines (`….holds`), `p` defaults
    /// to 1 − the red line's flexibility.
    Bernoulli {
        #[serde(default)]
        p: Option<f64>,
    },
}

impl Distribution {
    pub fn name(&self) -> &'static str {
        match self {
            Distribution::Uniform { .. } => "uniform",
            Distribution::Triangular { .. } => "triangular",
            Distribution::Normal { .. } => "normal",
            Distribution::Pert { .. } => "pert",
            Distribution::Discrete { .. } => "discrete",
            Distribution::Bernoulli { .. } => "bernoulli",
        }
    }

    /// Smallest and largest value the distribution can take.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { min, max }
            | Distribution::Triangular { min, max, .. }
            | Distribution::Normal { min, max, .. }
            | Distribution::Pert { min, max, .. } => (*min, *max),
            Distribution::Discrete { values, .. } => (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
            Distribution::Bernoulli { .. } => (0.0, 1.0),
        }
    }
}

/// Names of the distributions, for hints.
pub const DISTRIBUTIONS: &[&str] = &[
    "uniform",
    "triangular",
    "normal",
    "pert",
    "discrete",
    "bernoulli",
];

/// A readable name for a declaration: its label, or one made from the path
/// ("actors.de.inventory.gbad_long.readiness" → "de gbad_long readiness").
pub fn display_name(u: &Uncertainty) -> String {
    if !u.label.is_empty() {
        return u.label.clone();
    }
    let seg: Vec<&str> = u.path.split('.').collect();
    let keep: Vec<&str> = match seg.as_slice() {
        ["actors", a, "inventory", k, f] => vec![a, k, f],
        ["actors", a, "red_lines", r, "holds"] => return format!("{a} red line {r} holds"),
        ["actors", a, rest @ ..] => std::iter::once(*a).chain(rest.iter().copied()).collect(),
        ["parameters", "rotation", ft] => return format!("{ft} rotation ratio"),
        ["parameters", rest @ ..] => rest.to_vec(),
        ["components", c, "options", o, rest @ ..] => {
            let mut v = vec![*c, *o];
            v.extend(
                rest.iter()
                    .copied()
                    .filter(|x| *x != "tasks" && *x != "levels"),
            );
            v
        }
        _ => seg.clone(),
    };
    keep.join(" ")
}
