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

mod target;
pub use target::{PathError, Target, apply, resolve};

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

/// The values a parameter may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Any finite number.
    Finite,
    /// ≥ 0.
    NonNegative,
    /// > 0.
    Positive,
    /// [0, 1].
    Unit,
    /// (0, 1].
    UnitPositive,
    /// ≥ 1.
    AtLeastOne,
    /// (0, 24].
    Hours,
    /// 0 (does not hold) or 1 (holds).
    Binary,
}

impl Domain {
    pub fn contains(self, x: f64) -> bool {
        match self {
            Domain::Finite => x.is_finite(),
            Domain::NonNegative => x >= 0.0,
            Domain::Positive => x > 0.0,
            Domain::Unit => (0.0..=1.0).contains(&x),
            Domain::UnitPositive => x > 0.0 && x <= 1.0,
            Domain::AtLeastOne => x >= 1.0,
            Domain::Hours => x > 0.0 && x <= 24.0,
            Domain::Binary => x == 0.0 || x == 1.0,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Domain::Finite => "any finite number",
            Domain::NonNegative => "≥ 0",
            Domain::Positive => "> 0",
            Domain::Unit => "between 0 and 1",
            Domain::UnitPositive => "above 0 and at most 1",
            Domain::AtLeastOne => "≥ 1",
            Domain::Hours => "above 0 and at most 24 (hours a day)",
            Domain::Binary => "0 or 1 (holds or not)",
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Scenario;

    fn scenario() -> Scenario {
        crate::default_scenario()
    }

    #[test]
    fn paths_resolve_to_their_parameter_and_apply_writes_it() {
        let s = scenario();
        let paths = [
            ("parameters.rotation.land", 4.0),
            ("actors.de.inventory.gbad_long.readiness", 0.5),
            ("actors.ru.reservation", 0.7),
            ("components.air_cover.options.western_nfz.deterrence", 0.3),
            (
                "components.ground_force.options.reassurance_medium.tasks.land_component.personnel",
                20000.0,
            ),
            ("parameters.air.availability", 0.5),
            ("actors.us.position.us_role", 0.3),
        ];
        let targets: Vec<Target> = paths.iter().map(|(p, _)| resolve(&s, p).unwrap()).collect();
        let values: Vec<f64> = paths.iter().map(|(_, v)| *v).collect();
        let mut c = s.clone();
        apply(&mut c, &targets, &values);
        for (t, v) in targets.iter().zip(&values) {
            assert_eq!(t.value(&c), *v);
            assert_ne!(
                t.value(&s),
                *v,
                "the test values differ from the scenario's"
            );
        }
    }

    #[test]
    fn a_relaxed_red_line_is_removed_and_the_others_stay() {
        let s = scenario();
        let ru = s.actors.iter().position(|a| a.id == "ru").unwrap();
        let n = s.actors[ru].red_lines.len();
        let t1 = resolve(&s, "actors.ru.red_lines.no_nato_mission.holds").unwrap();
        let t2 = resolve(
            &s,
            "actors.ru.red_lines.no_foreign_air_policing_over_ukraine.holds",
        )
        .unwrap();
        let mut c = s.clone();
        apply(&mut c, &[t1.clone(), t2.clone()], &[0.0, 0.0]);
        assert_eq!(c.actors[ru].red_lines.len(), n - 2);
        let mut c = s.clone();
        apply(&mut c, &[t1, t2], &[1.0, 0.0]);
        let ids: Vec<&str> = c.actors[ru]
            .red_lines
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(ids.contains(&"no_nato_mission"));
        assert!(!ids.contains(&"no_foreign_air_policing_over_ukraine"));
    }

    #[test]
    fn a_typo_in_a_path_gets_a_did_you_mean() {
        let s = scenario();
        let e = resolve(&s, "actors.de.inventory.gbad_long.readines").unwrap_err();
        assert!(e.help.contains("did you mean \"readiness\""), "{e:?}");
        let e = resolve(&s, "actors.dee.reservation").unwrap_err();
        assert!(e.help.contains("did you mean \"de\""), "{e:?}");
        let e = resolve(&s, "parameters.rotation").unwrap_err();
        assert!(e.message.contains("incomplete"), "{e:?}");
    }

    #[test]
    fn names_are_made_from_paths() {
        let u = Uncertainty {
            path: "actors.de.inventory.gbad_long.readiness".into(),
            dist: Distribution::Uniform { min: 0.5, max: 0.8 },
            label: String::new(),
            source: String::new(),
            group: String::new(),
        };
        assert_eq!(display_name(&u), "de gbad_long readiness");
    }
}
