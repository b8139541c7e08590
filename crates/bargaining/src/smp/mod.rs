//! KTAB's Spatial Model of Politics (SMP), reimplemented from SMP-SPEC.
//!
//! With the default [`SmpOptions`] it reproduces KTAB's `smpc` on KTAB's bundled
//! examples: the same number of steps and the same positions (see the tests).

mod engine;
pub mod formulas;
pub mod options;
pub mod pce;

use engine::{Problem, StateView};
pub use options::*;

use crate::error::Result;
use crate::forecast::{FinalState, Forecast, make_turn};
use crate::scenario::Scenario;
use formulas::{euclidean_distance, movement_ratio};

/// Runs SMP on `scenario` until positions stop moving (KTAB's stopping rule) or
/// `opts.max_steps` is reached.
///
/// Errors: the scenario is invalid, or an actor has all saliences 0 (KTAB aborts).
/// All actors at one position is well defined here: risk attitudes are 0, nobody
/// moves, and the run stops after `min_steps` steps.
pub fn smp(scenario: &Scenario, opts: &SmpOptions) -> Result<Forecast> {
    scenario.validate_nonzero_saliences()?;
    let n = scenario.num_actors();
    let d = scenario.num_dims();
    let mut salience = Vec::with_capacity(n * d);
    let mut x = Vec::with_capacity(n * d);
    for a in &scenario.actors {
        salience.extend(a.saliences.iter().map(|s| s / 100.0));
        x.extend(a.positions.iter().map(|p| p / 100.0));
    }
    let total_salience = (0..n)
        .map(|i| {
            salience[i * d..(i + 1) * d]
                .iter()
                .fold(0.0, |acc, s| acc + s)
        })
        .collect();
    let problem = Problem {
        n,
        d,
        capability: scenario.actors.iter().map(|a| a.capability).collect(),
        salience,
        total_salience,
        opts: *opts,
    };

    let mut history: Vec<Vec<f64>> = vec![x];
    let mut risk_history = Vec::new();
    let mut win_history = Vec::new();
    let mut first_movement = 0.0;
    let mut stop = false;
    let final_options = loop {
        let t = history.len() - 1;
        let next = {
            let current = &history[t];
            let view = StateView::new(&problem, current);
            let (win, reps, rep_prob) = view.win_probabilities();
            risk_history.push(view.risk.clone());
            win_history.push(win);
            if stop {
                break (reps, rep_prob);
            }
            view.next_positions(t)
        };
        let movement: f64 = (0..n)
            .map(|i| euclidean_distance(&history[t][i * d..(i + 1) * d], &next[i * d..(i + 1) * d]))
            .fold(0.0, |acc, m| acc + m);
        let step = t + 1;
        if step == 1 {
            first_movement = movement;
        }
        history.push(next);
        stop = step >= opts.max_steps.max(1)
            || (step >= opts.min_steps.max(1)
                && movement_ratio(movement, first_movement) < opts.stop_ratio);
    };

    let names: Vec<String> = scenario.actors.iter().map(|a| a.name.clone()).collect();
    let to_100 = |x: &[f64]| -> Vec<Vec<f64>> {
        (0..n)
            .map(|i| x[i * d..(i + 1) * d].iter().map(|v| v * 100.0).collect())
            .collect()
    };
    let turns: Vec<_> = history
        .iter()
        .enumerate()
        .map(|(t, x)| make_turn(t, &names, &to_100(x)))
        .collect();
    let last = history.last().map(|x| to_100(x)).unwrap_or_default();
    let (reps, rep_prob) = final_options;
    let outcome = (0..d)
        .map(|k| {
            reps.iter()
                .zip(&rep_prob)
                .map(|(&r, &p)| p * last[r][k])
                .sum()
        })
        .collect();
    let final_win = win_history.last().cloned().unwrap_or_default();
    let mut model = String::from("smp");
    let non_default = opts.non_default();
    if !non_default.is_empty() {
        model.push(':');
        model.push_str(&non_default.join(","));
    }
    Ok(Forecast {
        model,
        dimensions: scenario.dimensions.clone(),
        steps: history.len() - 1,
        final_state: FinalState::after(
            &turns,
            outcome,
            Some(names.iter().cloned().zip(final_win).collect()),
        ),
        turns,
        risk_attitudes: risk_history,
        win_probability_history: win_history,
    })
}
