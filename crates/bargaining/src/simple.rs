//! The one-shot baselines: capability × salience weighted mean ("compromise") and
//! weighted median, per dimension.

use crate::error::{Error, Result};
use crate::forecast::{FinalState, Forecast, make_turn};
use crate::scenario::Scenario;

/// Weight of an actor on one dimension in the baselines: capability × salience
/// (unit: capability units × salience points). Source: the "compromise model" of
/// Achen (2006) and Thomson et al. (2006), *The European Union Decides*.
pub fn actor_weight(capability: f64, salience: f64) -> f64 {
    capability * salience
}

/// Weighted mean Σ w_i x_i / Σ w_i (unit: that of `x`). `None` when Σ w = 0.
///
/// Example: positions 0 and 100 with weights 1 and 3 give 75.
pub fn weighted_mean(x: &[f64], w: &[f64]) -> Option<f64> {
    let total: f64 = w.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let num: f64 = x.iter().zip(w).map(|(x, w)| x * w).sum();
    Some(num / total)
}

/// Weighted (lower) median: the smallest position x such that the actors at or below
/// x hold at least half of the total weight. Independent of the order of the actors.
/// `None` when Σ w = 0.
///
/// Example: positions 0, 50, 100 with weights 1, 1, 3 give 100; with 2, 1, 2 give 50.
pub fn weighted_median(x: &[f64], w: &[f64]) -> Option<f64> {
    let total: f64 = w.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let mut pairs: Vec<(f64, f64)> = x.iter().copied().zip(w.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut cum = 0.0;
    for (x, w) in &pairs {
        cum += w;
        if cum >= 0.5 * total {
            return Some(*x);
        }
    }
    pairs.last().map(|p| p.0)
}

fn per_dimension(
    scenario: &Scenario,
    model: &str,
    f: fn(&[f64], &[f64]) -> Option<f64>,
) -> Result<Forecast> {
    scenario.validate()?;
    let d = scenario.num_dims();
    let mut outcome = Vec::with_capacity(d);
    for k in 0..d {
        let x: Vec<f64> = scenario.actors.iter().map(|a| a.positions[k]).collect();
        let w: Vec<f64> = scenario
            .actors
            .iter()
            .map(|a| actor_weight(a.capability, a.saliences[k]))
            .collect();
        outcome.push(f(&x, &w).ok_or_else(|| {
            Error::scenario(
                format!(
                    "every actor has salience 0 on dimension \"{}\"",
                    scenario.dimensions[k]
                ),
                "give some actor a positive salience on that dimension, or drop it",
            )
        })?);
    }
    let names: Vec<String> = scenario.actors.iter().map(|a| a.name.clone()).collect();
    let turn0 = make_turn(0, &names, &scenario.positions());
    Ok(Forecast {
        model: model.to_string(),
        dimensions: scenario.dimensions.clone(),
        steps: 0,
        final_state: FinalState::after(std::slice::from_ref(&turn0), outcome, None),
        turns: vec![turn0],
        risk_attitudes: Vec::new(),
        win_probability_history: Vec::new(),
    })
}

/// The compromise model: per dimension, the capability × salience weighted mean of the
/// positions. Actors do not move; `steps` is 0.
pub fn compromise(scenario: &Scenario) -> Result<Forecast> {
    per_dimension(scenario, "compromise", weighted_mean)
}

/// The weighted-median model: per dimension, the capability × salience weighted
/// median of the positions. Actors do not move; `steps` is 0.
pub fn median(scenario: &Scenario) -> Result<Forecast> {
    per_dimension(scenario, "median", weighted_median)
}
