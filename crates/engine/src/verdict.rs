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
    /// The package for people: "Ground force: none · Command: national
    /// flags, US C2 · …" (each component's and option's short name, else its name).
    pub title: String,
    /// Level on each dimension. Not serialised on its own: the JSON's
    /// `levels` are the `level_derivations`, each level with its derivation.
    #[serde(skip)]
    pub levels: BTreeMap<String, f64>,
    pub requirements: Vec<Requirement>,
    pub feasible: bool,
    pub shortfalls: Vec<Shortfall>,
    pub allocation: Vec<AllocationLine>,
    /// Actor id → that actor's verdict.
    pub acceptance: BTreeMap<String, ActorVerdict>,
    /// Every actor in `parameters.required_acceptance` accepts.
    pub acceptable_to_required: bool,
    /// Days from the decision until every allocated unit can be in place
    /// ("in place by D+N"): the largest `days_to_deploy` of the allocation;
    /// none when nothing is allocated.
    pub in_place_by_days: Option<f64>,
    /// Feasible and acceptable to every required actor.
    pub passes: bool,
    /// Feasible, rejected by no required actor, but some required actor's
    /// verdict is undetermined: ranked after passing packages, before failing ones.
    pub undetermined: bool,
    /// Deterrence computed from the forces committed: denial, punishment,
    /// the declared judgement and their weighted total (docs/model.md §5).
    pub deterrence: Deterrence,
    /// Escalation risk of the package (docs/model.md §5).
    pub escalation: Escalation,
    /// How each level was found: set by options, or derived from the
    /// allocation. Serialised as `levels`: per dimension `level`,
    /// `from_options`, `derived` and `text`.
    #[serde(rename = "levels")]
    pub level_derivations: BTreeMap<String, LevelDerivation>,
    /// Operating cost of the allocation plus option costs, per year, in the scenario's currency.
    pub cost_per_year: f64,
    /// The parts of `cost_per_year`, each with its arithmetic: per
    /// capability by the unit-year, per patrol line by the flight hour, and
    /// the options' own costs.
    pub cost_lines: Vec<CostLine>,
    /// Largest share of any contributor's available force (of one capability) used, in [0, 1].
    pub max_share: f64,
    /// Whose force, of which capability, `max_share` is (none when nothing is allocated).
    pub max_share_of: Option<ShareHolder>,
    /// Smallest acceptance margin among required actors, and whose it is.
    pub min_margin: Option<Margin>,
    /// Non-dominated among passing packages on the chosen objectives
    /// (default: deterrence ↑, min margin ↑, cost ↓, max share ↓).
    pub frontier: bool,
    /// Synergies that apply.
    pub synergies: Vec<String>,
    /// How far the package is from passing (0 when it passes): shortfall
    /// shares, margin deficits and the weights of broken red lines (`gap`
    /// module, docs/model.md §6). Failing packages rank by it.
    pub gap_to_passing: f64,
}

impl PackageVerdict {
    /// Every number of the verdict is finite (no NaN, no infinity): the
    /// invariant the property tests and the fuzzer check.
    pub fn is_finite(&self) -> bool {
        let scores = [
            self.deterrence.total,
            self.deterrence.denial,
            self.deterrence.punishment,
            self.escalation.risk,
            self.cost_per_year,
            self.max_share,
            self.smallest_margin(),
            self.gap_to_passing,
        ];
        scores.iter().all(|x| x.is_finite())
            && self.levels.values().all(|x| x.is_finite())
            && self.requirements.iter().all(|r| {
                r.deployed.is_finite() && r.pool.is_finite() && r.rotation_ratio.is_finite()
            })
            && self.shortfalls.iter().all(|s| {
                s.short.is_finite()
                    && s.need.is_finite()
                    && s.available.is_finite()
                    && s.lines
                        .iter()
                        .all(|l| l.need.is_finite() && l.short.is_finite())
            })
            && self.allocation.iter().all(|a| a.units.is_finite())
            && self
                .acceptance
                .values()
                .all(|a| a.utility.is_finite() && a.reservation.is_finite() && a.margin.is_finite())
    }

    /// The largest share in words: "100% (pl, brigades)", or "0%" when
    /// nothing is allocated.
    pub fn largest_share_text(&self) -> String {
        let pct = format!("{:.0}%", self.max_share * 100.0);
        match &self.max_share_of {
            Some(h) => format!("{pct} ({}, {})", h.contributor, h.capability),
            None => pct,
        }
    }

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
    /// The reason in words, with the availability by contributor and the
    /// lines that are short.
    pub text: String,
    /// The requirement lines that are short: which pinned group, in or out
    /// of the theatre, and by how much.
    pub lines: Vec<LineShortfall>,
}

/// What nobody could supply on one requirement line of a capability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineShortfall {
    /// Providers the line is pinned to (empty: any eligible contributor).
    pub providers: Vec<String>,
    /// The line's units are deployed inside the theatre.
    pub in_theatre: bool,
    /// Units the line needs in the pool.
    pub need: f64,
    /// Units short on this line.
    pub short: f64,
    /// The line must be in place within this many days (only contributors
    /// that deploy that fast may supply it); none: no deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_days: Option<f64>,
}

/// How a part of a package's cost is counted (docs/model.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostBasis {
    /// Allocated units × each contributor's cost per unit-year.
    UnitYear,
    /// A patrol's flight hours a year × cost per flight hour, for the share
    /// of its pool allocated (`flight_hour_line_cost`).
    FlightHours,
    /// An option's `cost_per_year` + `one_off_cost` ÷ `horizon_years`.
    Option,
}

/// One part of a package's cost a year, with its arithmetic: the parts add
/// up to `cost_per_year`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    /// The capability costed, or `component.option` for an option's cost.
    pub item: String,
    pub basis: CostBasis,
    /// Units allocated (0 for an option's cost).
    pub units: f64,
    /// Cost a year, in the scenario's currency.
    pub cost: f64,
    /// The arithmetic, in words.
    pub working: String,
}

/// Units of one capability from one contributor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationLine {
    pub contributor: String,
    pub capability: String,
    pub units: f64,
    /// Deployed inside the theatre.
    pub in_theatre: bool,
    /// Days from the decision until these units can be in place (the
    /// contributor's `deploy_days`, else its NATO Force Model tier's bound).
    pub days_to_deploy: f64,
    /// Whole force packages: of `units`, how many came inside bundles of
    /// another capability, by that capability (ground personnel: 15,000
    /// with brigades). Empty for units allocated loose.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub in_bundles: BTreeMap<String, f64>,
    /// Whole force packages: what these units bring with them, by
    /// capability (3 brigades of 5,000 → ground personnel 15,000). Empty
    /// for a capability without a bundle.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub brings: BTreeMap<String, f64>,
}

/// An actor's verdict on a package, given the precision of the codings
/// (`parameters.acceptance_precision`, docs/model.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepts,
    /// Too close to call: no red line clearly broken and no clear utility
    /// shortfall, but a margin or a level within the precision of its boundary.
    Undetermined,
    Rejects,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepts => "accepts",
            Verdict::Undetermined => "undetermined",
            Verdict::Rejects => "rejects",
        }
    }
}

/// A contributor's force of one capability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareHolder {
    pub contributor: String,
    pub capability: String,
}

/// One actor's judgment of a package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorVerdict {
    /// The verdict is `accepts`.
    pub accepts: bool,
    /// "accepts", "rejects" or "undetermined".
    pub verdict: Verdict,
    pub utility: f64,
    pub reservation: f64,
    /// utility − reservation.
    pub margin: f64,
    pub required: bool,
    /// Why the actor rejects, or why its verdict is undetermined (empty
    /// when it accepts).
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    RedLine,
    Utility,
    /// A margin or a level within the precision of its boundary (the
    /// verdict is undetermined, not a rejection).
    Undetermined,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The red line's id, for red-line reasons.
    pub red_line: Option<String>,
    pub text: String,
}

/// How many packages pass which stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub evaluated: u64,
    pub feasible: u64,
    pub infeasible: u64,
    pub acceptable_to_required: u64,
    pub passing: u64,
    /// Feasible packages no required actor rejects but some required actor's
    /// verdict on is undetermined (neither passing nor failing).
    pub undetermined: u64,
    pub frontier: u64,
    /// Packages cut without screening (search with pruning only); `evaluated`
    /// counts the others.
    pub pruned: u64,
    /// Packages outside the package space: they break an option's `requires`
    /// or `excludes` and are never evaluated. evaluated + pruned + excluded =
    /// the option space.
    pub excluded: u64,
}

/// Why packages fail, over the whole option space ("why-not counts").
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Failures {
    /// Packages that fail at least one test.
    pub failing: u64,
    /// Packages short of something.
    pub infeasible: u64,
    /// Capability → packages short of it.
    pub short_of: BTreeMap<String, u64>,
    /// Required actor → why it rejects.
    pub rejected_by: BTreeMap<String, ActorFailures>,
    /// Exact combinations of failed tests ("infeasible" or a required actor's id),
    /// most frequent first; `share` is of all packages evaluated.
    pub combinations: Vec<FailureCombination>,
    /// With pruning: why whole subtrees were cut, and how many packages each
    /// reason cut (the first dead option of a package, slowest component first).
    pub pruned_by: BTreeMap<String, u64>,
    /// Packages left out of the package space, by the rule they break (the
    /// rule decided by the fewest leading components, then the first declared).
    pub excluded_by: BTreeMap<String, u64>,
}

/// How often one required actor rejects, and on what grounds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActorFailures {
    /// Packages it rejects.
    pub rejects: u64,
    /// Red line id → packages that violate it.
    pub red_lines: BTreeMap<String, u64>,
    /// Packages whose utility is below its reservation (with or without a red line).
    pub below_reservation: u64,
    /// Packages it rejects on utility alone (no red line violated).
    pub utility_only: u64,
    /// Packages on which its verdict is undetermined (a margin or a level
    /// within the precision of its boundary, and no rejection).
    pub undetermined: u64,
}

/// Packages failing exactly this set of tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureCombination {
    pub fails: Vec<String>,
    pub packages: u64,
    pub share: f64,
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
    pub failures: Failures,
    /// Objectives of the frontier, e.g. ["deterrence", "margin", "cost", "burden"].
    pub objectives: Vec<String>,
    /// Packages ranked: passing packages first (deterrence ↓, min margin ↓,
    /// cost ↑), then the rest by how close they come to passing. `evaluate`
    /// keeps every package; `search` keeps the top N and the frontier.
    pub packages: Vec<PackageVerdict>,
}

/// What a search did and where its time went (`run --json` → `stats`):
/// measurements, which vary from run to run, never part of the results.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchStats {
    /// Distinct allocation sub-problems solved (one per capability and
    /// distinct set of lines and eligible contributors).
    pub subproblems: u64,
    /// Wall time spent planning and solving allocations, in seconds.
    pub allocation_seconds: f64,
    /// Wall time spent finding projections and screening packages, in seconds.
    pub screening_seconds: f64,
}

/// Deterrence of a package, computed from the forces it commits
/// (the `deterrence` module; docs/model.md §5). Every part is on [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deterrence {
    /// Chance the weakest axis holds against a renewed offensive.
    pub denial: f64,
    /// Credibility of punishment: commitment, US share, tripwire.
    pub punishment: f64,
    /// The declared (hand-set) options' and synergies' deterrence, clamped to [0, 1].
    pub judgement: f64,
    /// The declared sum before clamping.
    pub judgement_declared: f64,
    /// Weighted total: the score ranked and used on the frontier.
    pub total: f64,
    /// Strength of the commitment (level of the commitment dimension).
    pub commitment: f64,
    /// Share of the US contributors in the deployed units, averaged over capabilities.
    pub us_share: f64,
    /// Tripwire strength.
    pub tripwire: f64,
    /// The defended state's own personnel (after any cap).
    pub defender_personnel: f64,
    /// Guarantors' combat power in the theatre, personnel-equivalents.
    pub guarantor_power: f64,
    pub axes: Vec<AxisDenial>,
    /// Nations with forces in harm's way.
    pub exposures: Vec<Exposure>,
    /// The arithmetic, one line per part.
    pub working: Vec<String>,
}

/// Denial on one axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AxisDenial {
    pub axis: String,
    /// Attacker personnel massed on the axis.
    pub attacker: f64,
    /// The defended state's own personnel on the axis.
    pub defender_own: f64,
    /// Guarantor combat power bearing on the axis, personnel-equivalents.
    pub guarantor: f64,
    pub denial: f64,
}

/// A nation with forces in harm's way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exposure {
    pub contributor: String,
    pub distance_km: f64,
    pub exposure: f64,
}

/// Escalation risk of a package (0–1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escalation {
    pub risk: f64,
    /// Guarantor aircraft over the theatre: direct combat with the attacker's aircraft.
    pub direct_combat: bool,
    /// Largest exposure of guarantor forces in harm's way.
    pub targets: f64,
    pub working: String,
}

/// How a package level was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelDerivation {
    pub level: f64,
    /// The largest level the chosen options set (or the default).
    pub from_options: f64,
    /// The dimension declares levels that follow the allocation.
    pub derived: bool,
    /// The arithmetic.
    pub text: String,
}
