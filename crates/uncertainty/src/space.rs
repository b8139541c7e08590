//! The uncertainty space of a scenario: its declarations resolved to targets,
//! grouped into independent factors, and the map from a factor's uniform
//! quantiles to a perturbed copy of the scenario.

use guarantor_model::Scenario;
use guarantor_model::uncertainty::{Distribution, display_name};
use guarantor_model::{Target, apply, resolve};
use serde::Serialize;

use crate::dist::quantile;
use crate::error::Error;

/// One declared uncertainty, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    pub name: String,
    pub path: String,
    pub dist: Distribution,
    /// Chance of 1 for a Bernoulli (a red line holding), after defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_holds: Option<f64>,
    pub source: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The value written in the scenario.
    pub nominal: f64,
    /// Index of the factor (independent quantile) that drives it.
    pub factor: usize,
}

impl Parameter {
    /// The parameter's value at uniform quantile `u`.
    pub fn value_at(&self, u: f64) -> f64 {
        quantile(&self.dist, self.p_holds.unwrap_or(1.0), u)
    }
    /// A red line holding or not (values 0 and 1).
    pub fn is_red_line(&self) -> bool {
        matches!(self.dist, Distribution::Bernoulli { .. })
    }
}

/// The declared uncertainties of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Space {
    pub parameters: Vec<Parameter>,
    /// Factor names: a group's name, or its single parameter's name.
    pub factors: Vec<String>,
    /// Where each parameter's value goes, parallel to `parameters`.
    #[serde(skip)]
    targets: Vec<Target>,
}

impl Space {
    /// Resolve a validated scenario's `[[uncertainty]]` declarations.
    pub fn new(s: &Scenario) -> Result<Space, Error> {
        if s.uncertainty.is_empty() {
            return Err(Error::NoUncertainty {
                scenario: s.meta.id.clone(),
            });
        }
        let mut factors: Vec<String> = Vec::new();
        let mut group_factor: Vec<(String, usize)> = Vec::new();
        let mut parameters = Vec::new();
        let mut targets = Vec::new();
        for u in &s.uncertainty {
            // The scenario was validated; a failure here means it was not.
            let target = resolve(s, &u.path).map_err(|e| Error::BadPath {
                path: u.path.clone(),
                message: e.message,
            })?;
            let name = display_name(u);
            let factor = if u.group.is_empty() {
                factors.push(name.clone());
                factors.len() - 1
            } else if let Some((_, f)) = group_factor.iter().find(|(g, _)| *g == u.group) {
                *f
            } else {
                factors.push(format!("group {}", u.group));
                group_factor.push((u.group.clone(), factors.len() - 1));
                factors.len() - 1
            };
            let p_holds = match (&u.dist, target.red_line()) {
                (Distribution::Bernoulli { p: Some(p) }, _) => Some(*p),
                (Distribution::Bernoulli { p: None }, Some((a, r))) => {
                    Some(1.0 - s.actors[a].red_lines[r].flexibility)
                }
                (Distribution::Bernoulli { p: None }, None) => Some(0.5),
                _ => None,
            };
            parameters.push(Parameter {
                name,
                path: u.path.clone(),
                dist: u.dist.clone(),
                p_holds,
                source: u.source.clone(),
                group: u.group.clone(),
                nominal: target.value(s),
                factor,
            });
            targets.push(target);
        }
        Ok(Space {
            parameters,
            factors,
            targets,
        })
    }

    pub fn n_factors(&self) -> usize {
        self.factors.len()
    }

    /// Parameter values for one vector of factor quantiles.
    pub fn values(&self, u: &[f64]) -> Vec<f64> {
        self.parameters
            .iter()
            .map(|p| p.value_at(u[p.factor]))
            .collect()
    }

    /// A copy of `base` with every parameter set to `values`.
    pub fn scenario(&self, base: &Scenario, values: &[f64]) -> Scenario {
        let mut s = base.clone();
        apply(&mut s, &self.targets, values);
        s
    }

    /// Tornado ends per factor: the 5th and 95th percentiles, or relaxed and
    /// holding for a factor made only of red lines.
    pub fn tornado_ends(&self) -> Vec<(f64, f64)> {
        (0..self.n_factors())
            .map(|f| {
                if self.members(f).all(Parameter::is_red_line) {
                    (crate::tornado::NO_QUANTILE, crate::tornado::YES_QUANTILE)
                } else {
                    (crate::tornado::LOW_QUANTILE, crate::tornado::HIGH_QUANTILE)
                }
            })
            .collect()
    }

    /// Parameters driven by factor `f`.
    pub fn members(&self, f: usize) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter().filter(move |p| p.factor == f)
    }
}
