//! The stored outcome of a round: what the engine concluded, as kept in the
//! event log beside the events that caused it. Plain data; `adjudicate`
//! produces it, `state` stores it, `views` redacts it.

use std::collections::BTreeMap;

use guarantor_engine::{Evaluation, PackageVerdict, ReasonKind};
use serde::{Deserialize, Serialize};

/// Passing packages kept in a round's result (the engine ranks them best first).
pub const MAX_PASSING_KEPT: usize = 50;
/// Packages that fail but come closest to passing, kept so that a round where
/// nothing passes still shows why.
pub const NEAREST_FAILING_KEPT: usize = 5;

/// What the engine concluded for one round, as stored in the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjudication {
    pub evaluated: u64,
    pub feasible: u64,
    pub passing: u64,
    pub frontier: u64,
    /// Required actor → packages it rejects.
    pub rejected_by: BTreeMap<String, u64>,
    /// The passing packages (best first, at most [`MAX_PASSING_KEPT`]), then the
    /// [`NEAREST_FAILING_KEPT`] failing packages nearest to passing.
    pub packages: Vec<PackageOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageOutcome {
    pub label: String,
    /// The package for people ("Ground force: none · …"); empty in rounds
    /// stored before 0.2.0, which then show `label`.
    #[serde(default)]
    pub title: String,
    pub options: BTreeMap<String, String>,
    pub feasible: bool,
    pub passes: bool,
    /// Feasible, rejected by no required actor, but some required actor's
    /// verdict is undetermined (false in rounds stored before it existed).
    #[serde(default)]
    pub undetermined: bool,
    pub frontier: bool,
    pub deterrence: f64,
    pub cost_per_year: f64,
    pub shortfalls: Vec<ShortfallOutcome>,
    /// (contributor, capability, units): the published plan.
    pub allocation: Vec<(String, String, f64)>,
    /// Actor → its verdict, with full reasons (redacted when shown to others).
    pub verdicts: BTreeMap<String, ActorOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortfallOutcome {
    pub capability: String,
    pub short: f64,
    pub need: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorOutcome {
    pub accepts: bool,
    /// "accepts", "rejects" or "undetermined"; empty in rounds stored before
    /// verdicts could be undetermined (read [`ActorOutcome::verdict`]).
    #[serde(default)]
    pub verdict: String,
    pub required: bool,
    pub utility: f64,
    pub margin: f64,
    pub reasons: Vec<ReasonOutcome>,
}

impl ActorOutcome {
    /// "accepts", "rejects" or "undetermined" (older rounds: from `accepts`).
    pub fn verdict(&self) -> &str {
        match self.verdict.as_str() {
            "" if self.accepts => "accepts",
            "" => "rejects",
            v => v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonOutcome {
    /// "red_line", "utility" or "undetermined".
    pub kind: String,
    pub red_line: Option<String>,
    pub text: String,
}

impl PackageOutcome {
    pub fn from_verdict(v: &PackageVerdict) -> PackageOutcome {
        PackageOutcome {
            label: v.label.clone(),
            title: v.title.clone(),
            options: v.options.clone(),
            feasible: v.feasible,
            passes: v.passes,
            undetermined: v.undetermined,
            frontier: v.frontier,
            deterrence: v.deterrence.total,
            cost_per_year: v.cost_per_year,
            shortfalls: v
                .shortfalls
                .iter()
                .map(|s| ShortfallOutcome {
                    capability: s.capability.clone(),
                    short: s.short,
                    need: s.need,
                })
                .collect(),
            allocation: v
                .allocation
                .iter()
                .map(|l| (l.contributor.clone(), l.capability.clone(), l.units))
                .collect(),
            verdicts: v
                .acceptance
                .iter()
                .map(|(a, av)| {
                    (
                        a.clone(),
                        ActorOutcome {
                            accepts: av.accepts,
                            verdict: av.verdict.as_str().to_string(),
                            required: av.required,
                            utility: av.utility,
                            margin: av.margin,
                            reasons: av
                                .reasons
                                .iter()
                                .map(|r| ReasonOutcome {
                                    kind: match r.kind {
                                        ReasonKind::RedLine => "red_line".into(),
                                        ReasonKind::Utility => "utility".into(),
                                        ReasonKind::Undetermined => "undetermined".into(),
                                    },
                                    red_line: r.red_line.clone(),
                                    text: r.text.clone(),
                                })
                                .collect(),
                        },
                    )
                })
                .collect(),
        }
    }
}

impl Adjudication {
    /// Keep what a round publishes from a full evaluation.
    pub fn from_evaluation(e: &Evaluation) -> Adjudication {
        let passing = e
            .packages
            .iter()
            .filter(|p| p.passes)
            .take(MAX_PASSING_KEPT);
        let failing = e
            .packages
            .iter()
            .filter(|p| !p.passes)
            .take(NEAREST_FAILING_KEPT);
        Adjudication {
            evaluated: e.counts.evaluated,
            feasible: e.counts.feasible,
            passing: e.counts.passing,
            frontier: e.counts.frontier,
            rejected_by: e
                .failures
                .rejected_by
                .iter()
                .map(|(a, f)| (a.clone(), f.rejects))
                .collect(),
            packages: passing
                .chain(failing)
                .map(PackageOutcome::from_verdict)
                .collect(),
        }
    }
}
