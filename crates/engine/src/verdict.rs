//! The engine's output: plain data, serialised as the CLI's `--json`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::sizing::Requirement;

/// A package and everything the engine concluded about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageVerdict {
    /// Component id → option id, in the scenario's component order.
    pub options: BTreeMap<String, String>,
    /// Short label: option ids in component order, joined by " · ".
    pub label: String,
    /// Level on each dimension.
    pub levels: BTreeMap<String, f64>,
    pub requirements: Vec<Requirement>,
    pub feasible: bool,
    pub shortfalls: Vec<Shortfall>,
    pub allocation: Vec<AllocationLine>,
    /// Actor id → that actor's verdict.
    pub acceptance: BTreeMap<String, ActorVerdict>,
    /// Every actor in `parameters.required_acceptance` accepts.
    pub acceptable_to_required: bool,
    /// Feasible and acceptable to every required actor.
    pub passes: bool,
    pub deterrence: f64,
    /// Operating cost of the allocation plus option costs, per year, in the scenario's currency.
    pub cost_per_year: f64,
    /// Largest share of any contributor's available force (of one capability) used, in [0, 1].
    pub max_share: f64,
    /// Smallest acceptance margin among required actors, and whose it is.
    pub min_margin: Option<Margin>,
    /// Non-dominated among passing packages on (deterrence ↑, min margin ↑, cost ↓).
    pub frontier: bool,
    /// Synergies that apply.
    pub synergies: Vec<String>,
}

impl PackageVerdict {
    /// The smallest acceptance margin among required actors (0 when none is required).
    pub fn smallest_margin(&self) -> f64 {
        self.min_margin.as_ref().map_or(0.0, |m| m.margin)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Margin {
    pub actor: String,
    pub margin: f64,
}

/// What nobody could supply of one capability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    pub capability: String,
    /// Units short.
    pub short: f64,
    /// Units needed in the pool.
    pub need: f64,
    /// Units the eligible contributors have available in total.
    pub available: f64,
    /// The reason in words, with the availability by contributor.
    pub text: String,
}

/// Units of one capability from one contributor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationLine {
    pub contributor: String,
    pub capability: String,
    pub units: f64,
    /// Deployed inside the theatre.
    pub in_theatre: bool,
}

/// One actor's judgment of a package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorVerdict {
    pub accepts: bool,
    pub utility: f64,
    pub reservation: f64,
    /// utility − reservation.
    pub margin: f64,
    pub required: bool,
    /// Why the actor rejects (empty when it accepts).
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    RedLine,
    Utility,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The red line's id, for red-line reasons.
    pub red_line: Option<String>,
    pub text: String,
}

/// How many packages fail which test.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub evaluated: u64,
    pub feasible: u64,
    pub infeasible: u64,
    /// Packages short of each capability.
    pub short_of: BTreeMap<String, u64>,
    /// Required actor → packages it rejects.
    pub rejected_by: BTreeMap<String, u64>,
    /// Required actor → red line id → packages that violate it.
    pub red_line_violations: BTreeMap<String, BTreeMap<String, u64>>,
    /// Required actor → packages rejected on utility alone (no red line violated).
    pub below_reservation: BTreeMap<String, u64>,
    pub acceptable_to_required: u64,
    pub passing: u64,
    pub frontier: u64,
}

/// The result of evaluating a scenario's option space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub scenario: String,
    pub title: String,
    pub disclaimer: String,
    pub currency: String,
    pub required_acceptance: Vec<String>,
    pub counts: Counts,
    /// Every package, ranked: passing packages first (deterrence ↓, min margin ↓,
    /// cost ↑), then the rest by how close they come to passing.
    pub packages: Vec<PackageVerdict>,
}
