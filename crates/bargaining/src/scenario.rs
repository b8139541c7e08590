//! The standalone input every model works on: actors with a capability and, per
//! dimension, a position and a salience.
//!
//! **Scale**: positions and saliences are on the 0–100 scale (KTAB's file scale and
//! DEU III's). Capability is any positive number; only ratios matter.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One party to the negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Display name (KTAB: at most 25 characters, not enforced here).
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Capability (KTAB "Power"/"Influence"); must be finite and > 0.
    pub capability: f64,
    /// Position per dimension, 0–100.
    pub positions: Vec<f64>,
    /// Salience per dimension, 0–100; the sum over dimensions must be ≤ 100.
    pub saliences: Vec<f64>,
}

/// A negotiation: named dimensions and the actors bargaining over them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Scenario name.
    #[serde(default)]
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Dimension names; every actor has one position and one salience per dimension.
    pub dimensions: Vec<String>,
    /// The actors, in a fixed order (SMP's tie-breaks follow this order).
    pub actors: Vec<Actor>,
}

/// Tolerance for "saliences sum to at most 100" (0–100 scale), to forgive decimal input.
pub const SALIENCE_SUM_TOLERANCE: f64 = 1e-9;

impl Scenario {
    /// Number of actors.
    pub fn num_actors(&self) -> usize {
        self.actors.len()
    }

    /// Number of dimensions.
    pub fn num_dims(&self) -> usize {
        self.dimensions.len()
    }

    /// Checks everything every model needs: at least 2 actors and 1 dimension, one
    /// position and one salience per dimension, capability finite and > 0, positions
    /// in [0, 100], saliences in [0, 100] summing to at most 100.
    ///
    /// Returns the first problem found, naming the actor and field.
    pub fn validate(&self) -> Result<()> {
        let d = self.num_dims();
        if d == 0 {
            return Err(Error::scenario(
                "no dimension",
                "give at least one dimension (one position and one salience per actor)",
            ));
        }
        if self.actors.len() < 2 {
            return Err(Error::scenario(
                format!(
                    "{} actor(s); a negotiation needs at least 2",
                    self.actors.len()
                ),
                "add actors",
            ));
        }
        for (i, a) in self.actors.iter().enumerate() {
            if !(a.capability.is_finite() && a.capability > 0.0) {
                return Err(Error::actor(
                    i,
                    &a.name,
                    "capability",
                    format!("{} is not a positive number", a.capability),
                    "give a capability > 0 (only ratios between actors matter)",
                ));
            }
            if a.positions.len() != d || a.saliences.len() != d {
                return Err(Error::actor(
                    i,
                    &a.name,
                    "positions/saliences",
                    format!(
                        "{} positions and {} saliences for {} dimensions",
                        a.positions.len(),
                        a.saliences.len(),
                        d
                    ),
                    "give exactly one position and one salience per dimension",
                ));
            }
            for k in 0..d {
                let (p, s) = (a.positions[k], a.saliences[k]);
                if !(p.is_finite() && (0.0..=100.0).contains(&p)) {
                    return Err(Error::actor(
                        i,
                        &a.name,
                        format!("position on \"{}\"", self.dimensions[k]),
                        format!("{p} is outside 0–100"),
                        "positions are on the 0–100 scale",
                    ));
                }
                if !(s.is_finite() && (0.0..=100.0).contains(&s)) {
                    return Err(Error::actor(
                        i,
                        &a.name,
                        format!("salience on \"{}\"", self.dimensions[k]),
                        format!("{s} is outside 0–100"),
                        "saliences are on the 0–100 scale",
                    ));
                }
            }
            let total: f64 = a.saliences.iter().sum();
            if total > 100.0 + SALIENCE_SUM_TOLERANCE {
                return Err(Error::actor(
                    i,
                    &a.name,
                    "saliences",
                    format!("they sum to {total}, over 100"),
                    "scale the actor's saliences so that they sum to at most 100",
                ));
            }
        }
        Ok(())
    }

    /// Like [`Scenario::validate`], and also rejects an actor whose saliences are all
    /// zero: SMP measures distance weighted by salience, which is undefined then
    /// (KTAB aborts).
    pub fn validate_nonzero_saliences(&self) -> Result<()> {
        self.validate()?;
        for (i, a) in self.actors.iter().enumerate() {
            if a.saliences.iter().all(|&s| s == 0.0) {
                return Err(Error::actor(
                    i,
                    &a.name,
                    "saliences",
                    "all saliences are 0, so the actor cares about nothing",
                    "give the actor a positive salience on some dimension, or drop the actor",
                ));
            }
        }
        Ok(())
    }

    /// Positions of every actor on the 0–100 scale, in actor order.
    pub fn positions(&self) -> Vec<Vec<f64>> {
        self.actors.iter().map(|a| a.positions.clone()).collect()
    }
}
