//! SMP's named switches. Every default equals KTAB's default (KTAB commit 3b5b063),
//! which is also what KTAB uses for every CSV input.

use crate::error::{Error, Result};
use crate::names::{named_enum, normalise};
use serde::{Deserialize, Serialize};

named_enum! {
    /// How coalition strengths become a pairwise victory probability (KTAB `VictoryProbModel`).
    VictoryProbModel {
        /// f(s) = s.
        Linear = "Linear",
        /// f(s) = s².
        Square = "Square",
        /// f(s) = s⁴.
        Quartic = "Quartic",
        /// f(s) = s⁸.
        Octic = "Octic",
        /// Near-certain win for a 10% stronger coalition, linear ramp in between.
        Binary = "Binary",
    } default Linear
}

named_enum! {
    /// Probabilistic Condorcet Election model (KTAB `PCEModel`).
    PceModel {
        /// P_a ∝ Π_b V_ab.
        Conditional = "Conditional",
        /// Markov chain with transitions weighted by coalition strength.
        MarkovIncentive = "MarkovIncentive",
        /// Markov chain with uniform transitions.
        MarkovUniform = "MarkovUniform",
    } default Conditional
}

named_enum! {
    /// How an actor picks from its queue (KTAB `StateTransitions`).
    StateTransition {
        /// The most probable option (first one on ties).
        Deterministic = "Deterministic",
        /// A draw from the PCE probabilities, from a per-(turn, actor) seeded stream:
        /// repeatable for a seed whatever the thread count (unlike KTAB).
        Stochastic = "Stochastic",
    } default Deterministic
}

named_enum! {
    /// How utility differences become votes (KTAB `VotingRule`).
    VotingRule {
        /// w·Δ.
        Prop = "Prop",
        /// w·clip(Δ/1e-8, −1, 1).
        Binary = "Binary",
        /// w·(0.8Δ + 0.2·binary).
        PropBin = "PropBin",
        /// w·(0.5Δ + 0.5Δ³).
        PropCbc = "PropCbc",
        /// w·Δ³.
        Cubic = "Cubic",
        /// w·Δ for losses, (2/3)·w·Δ for gains.
        ASymProsp = "ASymProsp",
    } default Prop
}

named_enum! {
    /// Range of the inferred risk attitudes (KTAB `BigRRange`).
    BigRRange {
        /// R ∈ [−0.5, 1].
        Mid = "Mid",
        /// R ∈ [0, 1].
        Min = "Min",
        /// R ∈ [−1, 1].
        Max = "Max",
    } default Mid
}

named_enum! {
    /// How actor h estimates actor i's risk attitude (KTAB `BigRAdjust`).
    BigRAdjust {
        /// (2R_h + R_i)/3.
        OneThird = "OneThird",
        /// R_h (h projects its own attitude).
        None = "None",
        /// (R_h + R_i)/2.
        Half = "Half",
        /// (R_h + 2R_i)/3.
        TwoThirds = "TwoThirds",
        /// R_i (h knows i's attitude).
        Full = "Full",
    } default OneThird
}

named_enum! {
    /// What a third party expects from joining a side (KTAB `ThirdPartyCommit`).
    ThirdPartyCommit {
        /// The side it joins also moves toward it.
        SemiCommit = "SemiCommit",
        /// Joining changes nothing for it.
        NoCommit = "NoCommit",
        /// It is bound to the winner's position.
        FullCommit = "FullCommit",
    } default SemiCommit
}

named_enum! {
    /// How a bargain interpolates between two positions (KTAB `InterVecBrgn`).
    InterVecBrgn {
        /// Weights salience² × probability², rounded to 4 dp.
        S2P2 = "S2P2",
        /// Weights salience × probability, rounded to 4 dp.
        S1P1 = "S1P1",
        /// Move by the probability margin, weighted by salience², no rounding.
        S2PMax = "S2PMax",
    } default S2P2
}

named_enum! {
    /// Whose estimate a bargain uses (KTAB `BargnModel`).
    BargnModel {
        /// The initiator's estimate only.
        InitOnlyInterp = "InitOnlyInterp",
        /// Two bargains: one from each side's estimate.
        InitRcvrInterp = "InitRcvrInterp",
        /// One bargain: the two averaged, weighted by capability × total salience.
        PWCompInterp = "PWCompInterp",
    } default InitOnlyInterp
}

/// All SMP switches and constants. `SmpOptions::default()` is KTAB's default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmpOptions {
    /// See [`VictoryProbModel`].
    pub victory_prob_model: VictoryProbModel,
    /// See [`PceModel`].
    pub pce_model: PceModel,
    /// See [`StateTransition`].
    pub state_transition: StateTransition,
    /// See [`VotingRule`].
    pub voting_rule: VotingRule,
    /// See [`BigRRange`].
    pub big_r_range: BigRRange,
    /// See [`BigRAdjust`].
    pub big_r_adjust: BigRAdjust,
    /// See [`ThirdPartyCommit`].
    pub third_party_commit: ThirdPartyCommit,
    /// See [`InterVecBrgn`].
    pub inter_vec_brgn: InterVecBrgn,
    /// See [`BargnModel`].
    pub bargn_model: BargnModel,
    /// Seed for stochastic transitions (KTAB's default seed; unused when deterministic).
    pub seed: u64,
    /// Minimum number of steps (KTAB: 2).
    pub min_steps: usize,
    /// Maximum number of steps (KTAB: 100).
    pub max_steps: usize,
    /// Stop when movement / (first movement + 1e-4) falls below this (KTAB: 0.02).
    pub stop_ratio: f64,
}

impl Default for SmpOptions {
    fn default() -> Self {
        SmpOptions {
            victory_prob_model: VictoryProbModel::default(),
            pce_model: PceModel::default(),
            state_transition: StateTransition::default(),
            voting_rule: VotingRule::default(),
            big_r_range: BigRRange::default(),
            big_r_adjust: BigRAdjust::default(),
            third_party_commit: ThirdPartyCommit::default(),
            inter_vec_brgn: InterVecBrgn::default(),
            bargn_model: BargnModel::default(),
            seed: 0xD67C_C16F_E69C_185C,
            min_steps: 2,
            max_steps: 100,
            stop_ratio: 0.02,
        }
    }
}

/// Option keys accepted by [`SmpOptions::set`] (KTAB's parameter names).
pub const SMP_OPTION_KEYS: &[&str] = &[
    "VictoryProbModel",
    "PCEModel",
    "StateTransition",
    "VotingRule",
    "BigRRange",
    "BigRAdjust",
    "ThirdPartyCommit",
    "InterVecBrgn",
    "BargnModel",
    "Seed",
    "MinSteps",
    "MaxSteps",
    "StopRatio",
];

impl SmpOptions {
    /// Sets one switch by KTAB's parameter name and value name, e.g.
    /// `set("VotingRule", "Binary")` or `set("seed", "42")`. Names are
    /// case-insensitive and ignore `-`/`_`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let number = |what: &str| -> Result<u64> {
            value.trim().parse::<u64>().map_err(|_| Error::UnknownName {
                what: format!("value of {what}"),
                given: value.to_string(),
                allowed: "a non-negative integer".to_string(),
            })
        };
        match normalise(key).as_str() {
            "victoryprobmodel" => self.victory_prob_model = value.parse()?,
            "pcemodel" | "probcondorcetelection" => self.pce_model = value.parse()?,
            "statetransition" | "statetransitions" => self.state_transition = value.parse()?,
            "votingrule" => self.voting_rule = value.parse()?,
            "bigrrange" => self.big_r_range = value.parse()?,
            "bigradjust" => self.big_r_adjust = value.parse()?,
            "thirdpartycommit" => self.third_party_commit = value.parse()?,
            "intervecbrgn" => self.inter_vec_brgn = value.parse()?,
            "bargnmodel" => self.bargn_model = value.parse()?,
            "seed" => self.seed = number("Seed")?,
            "minsteps" => self.min_steps = number("MinSteps")? as usize,
            "maxsteps" => self.max_steps = (number("MaxSteps")? as usize).max(1),
            "stopratio" => {
                self.stop_ratio = value
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
                    .ok_or_else(|| Error::UnknownName {
                        what: "value of StopRatio".to_string(),
                        given: value.to_string(),
                        allowed: "a number ≥ 0".to_string(),
                    })?
            }
            _ => {
                return Err(Error::UnknownName {
                    what: "SMP option".to_string(),
                    given: key.to_string(),
                    allowed: SMP_OPTION_KEYS.join(", "),
                });
            }
        }
        Ok(())
    }

    /// The switches that differ from KTAB's defaults, as `key=value` pairs.
    pub fn non_default(&self) -> Vec<String> {
        let d = SmpOptions::default();
        let mut out = Vec::new();
        macro_rules! diff {
            ($field:ident, $key:literal) => {
                if self.$field != d.$field {
                    out.push(format!("{}={}", $key, self.$field));
                }
            };
        }
        diff!(victory_prob_model, "VictoryProbModel");
        diff!(pce_model, "PCEModel");
        diff!(state_transition, "StateTransition");
        diff!(voting_rule, "VotingRule");
        diff!(big_r_range, "BigRRange");
        diff!(big_r_adjust, "BigRAdjust");
        diff!(third_party_commit, "ThirdPartyCommit");
        diff!(inter_vec_brgn, "InterVecBrgn");
        diff!(bargn_model, "BargnModel");
        diff!(seed, "Seed");
        diff!(min_steps, "MinSteps");
        diff!(max_steps, "MaxSteps");
        diff!(stop_ratio, "StopRatio");
        out
    }
}
