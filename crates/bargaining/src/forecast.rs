//! The result of any model: the trajectory of every actor's position, and the end state.
//!
//! JSON layout (see `docs/forecast.md`):
//! `{"model", "dimensions", "steps", "turns": [{"turn", "positions": [[actor, [x_1..x_d]]]}],
//! "final": {"positions", "outcome", "win_probabilities"}}`, every position on 0–100.

use serde::{Deserialize, Serialize};

/// One actor's position: `[name, [value per dimension]]` in JSON, on the 0–100 scale.
pub type ActorPosition = (String, Vec<f64>);

/// The state after a turn. Turn 0 is the input; turn t ≥ 1 the state after step t.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// 0-based turn number.
    pub turn: usize,
    /// Every actor's position, in input order, 0–100.
    pub positions: Vec<ActorPosition>,
}

/// The end state of a forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalState {
    /// Every actor's position at the last turn, 0–100.
    pub positions: Vec<ActorPosition>,
    /// The forecast point, one value per dimension, 0–100. Per model:
    /// compromise: the weighted mean; median: the weighted median;
    /// smp: the win-probability-weighted mean of the final distinct positions;
    /// eum: the weighted (Condorcet) median of the final positions, per dimension.
    pub outcome: Vec<f64>,
    /// smp only: `[actor, probability that the actor's final position prevails]`,
    /// as KTAB reports it (actors sharing a position share its probability).
    /// `null` for the other models.
    pub win_probabilities: Option<Vec<(String, f64)>>,
}

impl FinalState {
    /// The end state after `turns`: the last turn's positions, the forecast point
    /// and (smp only) the win probabilities.
    pub fn after(
        turns: &[Turn],
        outcome: Vec<f64>,
        win_probabilities: Option<Vec<(String, f64)>>,
    ) -> Self {
        FinalState {
            positions: turns
                .last()
                .map(|t| t.positions.clone())
                .unwrap_or_default(),
            outcome,
            win_probabilities,
        }
    }
}

/// A complete forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The model and its non-default switches, e.g. `smp` or `eum:scholz-code`.
    pub model: String,
    /// Dimension names, in input order.
    pub dimensions: Vec<String>,
    /// Number of steps (turns after the input). 0 for the one-shot models.
    pub steps: usize,
    /// Turns 0..=steps.
    pub turns: Vec<Turn>,
    /// The end state.
    #[serde(rename = "final")]
    pub final_state: FinalState,
    /// smp only: each actor's inferred risk attitude per turn (`risk[t][i]`), as KTAB
    /// logs them; empty for the other models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_attitudes: Vec<Vec<f64>>,
    /// smp only: each actor's win probability per turn (`win_probabilities[t][i]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub win_probability_history: Vec<Vec<f64>>,
}

impl Forecast {
    /// Positions at turn `t` as a matrix `[actor][dim]`, 0–100; `None` past the end.
    pub fn positions_at(&self, t: usize) -> Option<Vec<Vec<f64>>> {
        self.turns
            .get(t)
            .map(|turn| turn.positions.iter().map(|(_, p)| p.clone()).collect())
    }

    /// Serialises to pretty JSON (infallible for this type: no maps with non-string keys).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// Builds a [`Turn`] from names and a `[actor][dim]` matrix already on 0–100.
pub(crate) fn make_turn(turn: usize, names: &[String], positions: &[Vec<f64>]) -> Turn {
    Turn {
        turn,
        positions: names
            .iter()
            .cloned()
            .zip(positions.iter().cloned())
            .collect(),
    }
}
