//! Nearest fixes: for a package that fails, the smallest single changes that
//! make it pass.
//!
//! Three kinds, each tried against the engine itself (a fix is listed only if
//! re-evaluating the changed scenario makes the package pass):
//! - **swap one option** of one component;
//! - **add units** of one short capability from one named contributor, within
//!   the units it holds ready (inventory × readiness), by raising its deployable
//!   share — the smallest number of whole units that works, found by bisection;
//! - **relax one red line** of any actor (named with its hardness and flexibility).
//!
//! Ranking: swaps first (they are in the planners' hands), then added units
//! (they need a contributor's consent), then relaxed red lines (they need a
//! government to move). Within a kind: swaps by the smallest loss of deterrence
//! then cost; added units by the fewest units then cost; red lines by the
//! highest flexibility, inferred before stated.

use std::collections::BTreeMap;

use guarantor_model::{Hardness, Scenario};
use serde::Serialize;

use crate::error::EngineError;
use crate::evaluate::evaluate_package;
use crate::prepare::available_units;
use crate::verdict::PackageVerdict;
use guarantor_model::number::fmt;

/// One change to a package or its scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    SwapOption {
        component: String,
        from: String,
        to: String,
    },
    AddUnits {
        contributor: String,
        capability: String,
        units: f64,
        deployable_share_from: f64,
        deployable_share_to: f64,
    },
    RelaxRedLine {
        actor: String,
        red_line: String,
        hardness: Hardness,
        flexibility: f64,
    },
}

/// What the changed package scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixResult {
    pub passes: bool,
    pub deterrence: f64,
    pub cost_per_year: f64,
    pub smallest_margin: f64,
}

/// A change that makes the package pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    /// "swap_option", "add_units" or "relax_red_line".
    pub kind: &'static str,
    /// The change in words.
    pub change: String,
    /// The change in machine-applicable form.
    pub detail: Change,
    pub result: FixResult,
}

impl Change {
    /// Apply the change to a scenario and a package choice.
    pub fn apply(&self, s: &mut Scenario, chosen: &mut BTreeMap<String, String>) {
        match self {
            Change::SwapOption { component, to, .. } => {
                chosen.insert(component.clone(), to.clone());
            }
            Change::AddUnits {
                contributor,
                capability,
                deployable_share_to,
                ..
            } => {
                if let Some(it) = s
                    .actors
                    .iter_mut()
                    .find(|a| &a.id == contributor)
                    .and_then(|a| a.inventory.get_mut(capability))
                {
                    it.deployable_share = *deployable_share_to;
                }
            }
            Change::RelaxRedLine {
                actor, red_line, ..
            } => {
                if let Some(a) = s.actors.iter_mut().find(|a| &a.id == actor) {
                    a.red_lines.retain(|r| &r.id != red_line);
                }
            }
        }
    }
}

/// The single changes that make the package `chosen` (judged as `v`) pass, ranked.
/// Empty when it already passes or when no single change is enough.
pub fn nearest_fixes(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
    v: &PackageVerdict,
) -> Result<Vec<Fix>, EngineError> {
    if v.passes {
        return Ok(Vec::new());
    }
    let mut fixes = Vec::new();
    let try_change = |change: Change| -> Result<Option<FixResult>, EngineError> {
        let mut s2 = s.clone();
        let mut c2 = chosen.clone();
        change.apply(&mut s2, &mut c2);
        let w = evaluate_package(&s2, &c2)?;
        Ok(w.passes.then(|| FixResult {
            passes: true,
            deterrence: w.deterrence.total,
            cost_per_year: w.cost_per_year,
            smallest_margin: w.smallest_margin(),
        }))
    };

    // Swap one option.
    for comp in &s.components {
        let current = chosen
            .get(&comp.id)
            .cloned()
            .unwrap_or_else(|| comp.options[0].id.clone());
        for o in comp.options.iter().filter(|o| o.id != current) {
            let change = Change::SwapOption {
                component: comp.id.clone(),
                from: current.clone(),
                to: o.id.clone(),
            };
            if let Some(result) = try_change(change.clone())? {
                fixes.push(Fix {
                    kind: "swap_option",
                    change: format!("{}: {} → {}", comp.id, current, o.id),
                    detail: change,
                    result,
                });
            }
        }
    }

    // Add units of a short capability from one contributor.
    for sf in &v.shortfalls {
        let Some(cap) = s.capability(&sf.capability) else {
            continue;
        };
        for a in &s.actors {
            let Some(it) = a.inventory.get(&cap.id) else {
                continue;
            };
            let ready = it.count * it.readiness;
            if ready <= 0.0 {
                continue;
            }
            let now = available_units(it.count, it.readiness, it.deployable_share, cap.integer);
            let most = available_units(it.count, it.readiness, 1.0, cap.integer);
            let headroom = (most - now).floor();
            if headroom < 1.0 {
                continue;
            }
            let change_for = |units: f64| Change::AddUnits {
                contributor: a.id.clone(),
                capability: cap.id.clone(),
                units,
                deployable_share_from: it.deployable_share,
                deployable_share_to: ((now + units) / ready).min(1.0),
            };
            let Some(mut best) = try_change(change_for(headroom))? else {
                continue;
            };
            // Bisection on whole units: lo fails (or is 0), hi passes.
            let (mut lo, mut hi) = (0.0_f64, headroom);
            while hi - lo > 1.0 {
                let mid = ((lo + hi) / 2.0).floor();
                match try_change(change_for(mid))? {
                    Some(r) => {
                        hi = mid;
                        best = r;
                    }
                    None => lo = mid,
                }
            }
            let change = change_for(hi);
            let Change::AddUnits {
                deployable_share_to,
                ..
            } = &change
            else {
                unreachable!("built as AddUnits")
            };
            fixes.push(Fix {
                kind: "add_units",
                change: format!(
                    "{} adds {} {} (deployable share {} → {})",
                    a.id,
                    fmt(hi),
                    cap.id,
                    fmt(it.deployable_share),
                    fmt(*deployable_share_to)
                ),
                detail: change.clone(),
                result: best,
            });
        }
    }

    // Relax one red line.
    for a in &s.actors {
        for rl in &a.red_lines {
            let change = Change::RelaxRedLine {
                actor: a.id.clone(),
                red_line: rl.id.clone(),
                hardness: rl.hardness,
                flexibility: rl.flexibility,
            };
            if let Some(result) = try_change(change.clone())? {
                fixes.push(Fix {
                    kind: "relax_red_line",
                    change: format!(
                        "{} relaxes its red line \"{}\" ({}, flexibility {})",
                        a.id,
                        rl.id,
                        rl.hardness.as_str(),
                        fmt(rl.flexibility)
                    ),
                    detail: change,
                    result,
                });
            }
        }
    }

    let order = |f: &Fix| -> (u8, f64, f64) {
        match &f.detail {
            Change::SwapOption { .. } => (
                0,
                (v.deterrence.total - f.result.deterrence).max(0.0),
                f.result.cost_per_year,
            ),
            Change::AddUnits { units, .. } => (1, *units, f.result.cost_per_year),
            Change::RelaxRedLine {
                hardness,
                flexibility,
                ..
            } => (
                2,
                -flexibility,
                if *hardness == Hardness::Inferred {
                    0.0
                } else {
                    1.0
                },
            ),
        }
    };
    fixes.sort_by(|a, b| {
        let (x, y) = (order(a), order(b));
        x.0.cmp(&y.0)
            .then(x.1.total_cmp(&y.1))
            .then(x.2.total_cmp(&y.2))
            .then(a.change.cmp(&b.change))
    });
    Ok(fixes)
}
