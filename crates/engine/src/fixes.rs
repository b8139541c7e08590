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
//! When no single change is enough, [`two_change_fixes`] tries every pair of
//! such changes (docs/model.md §6b) and keeps the pairs that make the package
//! pass, ranked the same way.
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

impl FixResult {
    /// The scores of a changed package that passes.
    fn of(w: &PackageVerdict) -> FixResult {
        FixResult {
            passes: w.passes,
            deterrence: w.deterrence.total,
            cost_per_year: w.cost_per_year,
            smallest_margin: w.smallest_margin(),
        }
    }
}

/// Judge the package `chosen` of `s`; `None` when it lies outside the
/// package space (an option's requires / excludes): never a fix, though a
/// further change may bring it back in.
fn evaluate_in_space(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
) -> Result<Option<PackageVerdict>, EngineError> {
    match evaluate_package(s, chosen) {
        Err(EngineError::Excluded { .. }) => Ok(None),
        other => other.map(Some),
    }
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
    for change in candidate_changes(s, chosen, Some(v)) {
        let mut s2 = s.clone();
        let mut c2 = chosen.clone();
        change.apply(&mut s2, &mut c2);
        let Some(w) = evaluate_in_space(&s2, &c2)?.filter(|w| w.passes) else {
            continue;
        };
        // Added units: the fewest whole units that still work (bisection).
        let detail = [change];
        let (change, w) = match fewest_units(s, chosen, &detail, 0, &mut evaluate_in_space)? {
            Some(fewer) => fewer,
            None => {
                let [change] = detail;
                (change, w)
            }
        };
        fixes.push(Fix {
            kind: change.kind(),
            change: change.describe(),
            detail: change,
            result: FixResult::of(&w),
        });
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

/// Two changes that together make a failing package pass (neither alone does).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixPair {
    /// The kinds of the two changes, in the order of `changes`.
    pub kinds: [&'static str; 2],
    /// The two changes in words.
    pub change: [String; 2],
    /// The two changes in machine-applicable form; apply both.
    pub detail: [Change; 2],
    pub result: FixResult,
}

impl FixPair {
    /// Apply both changes to a scenario and a package choice.
    pub fn apply(&self, s: &mut Scenario, chosen: &mut BTreeMap<String, String>) {
        for c in &self.detail {
            c.apply(s, chosen);
        }
    }
}

/// Most pairs of changes [`two_change_fixes`] re-evaluates before it stops
/// (the default scenario needs about 2,000).
pub const PAIR_EVALUATION_LIMIT: usize = 20_000;

/// The best pairs of changes that make the package `chosen` (judged as `v`)
/// pass when no single change does, ranked as single fixes are (by the sum of
/// the kinds' ranks: swap 0, add units 1, relax a red line 2; then the
/// smaller loss of deterrence, the lower cost) and cut to `limit`.
///
/// Candidates are the single changes [`nearest_fixes`] tries: every option
/// swap, every red line relaxed, and every contributor's whole headroom of a
/// capability that is short after the first change. A pair that passes with
/// added units keeps only the fewest units that still work (bisection, as
/// for single fixes). Pairs whose one change alone already passes are not
/// listed (they are single fixes). Stops after [`PAIR_EVALUATION_LIMIT`]
/// re-evaluations; the second element of the result says whether it did.
pub fn two_change_fixes(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
    v: &PackageVerdict,
    limit: usize,
) -> Result<(Vec<FixPair>, bool), EngineError> {
    if v.passes {
        return Ok((Vec::new(), false));
    }
    let evaluations = std::cell::Cell::new(0usize);
    let mut truncated = false;
    let mut eval = |s2: &Scenario, c2: &BTreeMap<String, String>| {
        evaluations.set(evaluations.get() + 1);
        evaluate_in_space(s2, c2)
    };
    let mut seen: std::collections::BTreeSet<[String; 2]> = Default::default();
    let mut pairs: Vec<FixPair> = Vec::new();
    let firsts = candidate_changes(s, chosen, Some(v));
    'outer: for first in &firsts {
        let mut s1 = s.clone();
        let mut c1 = chosen.clone();
        first.apply(&mut s1, &mut c1);
        let w1 = eval(&s1, &c1)?;
        if w1.as_ref().is_some_and(|w| w.passes) {
            continue; // a single fix
        }
        for second in candidate_changes(&s1, &c1, w1.as_ref()) {
            if evaluations.get() >= PAIR_EVALUATION_LIMIT {
                truncated = true;
                break 'outer;
            }
            if second.touches_same(first) {
                continue;
            }
            let key = {
                let (a, b) = (first.key(), second.key());
                if a <= b { [a, b] } else { [b, a] }
            };
            if !seen.insert(key) {
                continue;
            }
            let mut s2 = s1.clone();
            let mut c2 = c1.clone();
            second.apply(&mut s2, &mut c2);
            let Some(w2) = eval(&s2, &c2)?.filter(|w| w.passes) else {
                continue;
            };
            // Neither change alone may pass: the first was checked; check the second.
            let mut s_b = s.clone();
            let mut c_b = chosen.clone();
            second.apply(&mut s_b, &mut c_b);
            if eval(&s_b, &c_b)?.is_some_and(|w| w.passes) {
                continue;
            }
            let mut detail = [first.clone(), second.clone()];
            let mut result = w2;
            // Fewest added units per AddUnits change, the other held.
            for i in 0..2 {
                if let Some((smaller, w)) = fewest_units(s, chosen, &detail, i, &mut eval)? {
                    detail[i] = smaller;
                    result = w;
                }
            }
            pairs.push(FixPair {
                kinds: [detail[0].kind(), detail[1].kind()],
                change: [detail[0].describe(), detail[1].describe()],
                detail,
                result: FixResult::of(&result),
            });
        }
    }
    let order = |p: &FixPair| -> (u8, f64, f64, f64) {
        let rank: u8 = p.detail.iter().map(Change::rank).sum();
        let flexibility: f64 = p
            .detail
            .iter()
            .map(|c| match c {
                Change::RelaxRedLine { flexibility, .. } => -flexibility,
                _ => 0.0,
            })
            .sum();
        (
            rank,
            (v.deterrence.total - p.result.deterrence).max(0.0),
            flexibility,
            p.result.cost_per_year,
        )
    };
    pairs.sort_by(|a, b| {
        let (x, y) = (order(a), order(b));
        x.0.cmp(&y.0)
            .then(x.1.total_cmp(&y.1))
            .then(x.2.total_cmp(&y.2))
            .then(x.3.total_cmp(&y.3))
            .then(a.change.cmp(&b.change))
    });
    pairs.truncate(limit);
    Ok((pairs, truncated))
}

/// Lower the units of `detail[i]` (when it adds units) to the fewest that
/// still make the package pass with all of `detail` applied, by bisection on
/// whole units (0 fails or is untried, the current number passes); `None`
/// when it adds no units or cannot go lower.
fn fewest_units(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
    detail: &[Change],
    i: usize,
    eval: &mut impl FnMut(
        &Scenario,
        &BTreeMap<String, String>,
    ) -> Result<Option<PackageVerdict>, EngineError>,
) -> Result<Option<(Change, PackageVerdict)>, EngineError> {
    let Change::AddUnits {
        contributor,
        capability,
        units,
        deployable_share_from,
        ..
    } = &detail[i]
    else {
        return Ok(None);
    };
    let Some((now, ready)) = headroom_basis(s, contributor, capability) else {
        return Ok(None);
    };
    let with_units = |u: f64| Change::AddUnits {
        contributor: contributor.clone(),
        capability: capability.clone(),
        units: u,
        deployable_share_from: *deployable_share_from,
        deployable_share_to: ((now + u) / ready).min(1.0),
    };
    let mut best = None;
    let (mut lo, mut hi) = (0.0_f64, *units);
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        let mut d = detail.to_vec();
        d[i] = with_units(mid);
        let mut s2 = s.clone();
        let mut c2 = chosen.clone();
        for c in &d {
            c.apply(&mut s2, &mut c2);
        }
        match eval(&s2, &c2)?.filter(|w| w.passes) {
            Some(w) => {
                hi = mid;
                best = Some((d[i].clone(), w));
            }
            None => lo = mid,
        }
    }
    Ok(best)
}

/// Units of `capability` contributor `contributor` holds available now, and
/// its ready units (inventory × readiness); `None` when it has none ready.
fn headroom_basis(s: &Scenario, contributor: &str, capability: &str) -> Option<(f64, f64)> {
    let cap = s.capability(capability)?;
    let it = s
        .actors
        .iter()
        .find(|a| a.id == contributor)?
        .inventory
        .get(capability)?;
    let ready = it.count * it.readiness;
    (ready > 0.0).then(|| {
        (
            available_units(it.count, it.readiness, it.deployable_share, cap.integer),
            ready,
        )
    })
}

/// Every single change worth trying on `chosen` (judged as `v`; `None` when
/// outside the package space): each option swap, each contributor's whole
/// headroom of each capability short, each red line relaxed.
fn candidate_changes(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
    v: Option<&PackageVerdict>,
) -> Vec<Change> {
    let mut out = Vec::new();
    for comp in &s.components {
        let current = chosen
            .get(&comp.id)
            .cloned()
            .unwrap_or_else(|| comp.options[0].id.clone());
        for o in comp.options.iter().filter(|o| o.id != current) {
            out.push(Change::SwapOption {
                component: comp.id.clone(),
                from: current.clone(),
                to: o.id.clone(),
            });
        }
    }
    for sf in v.map_or(&[][..], |v| &v.shortfalls[..]) {
        let Some(cap) = s.capability(&sf.capability) else {
            continue;
        };
        for a in &s.actors {
            let Some(it) = a.inventory.get(&cap.id) else {
                continue;
            };
            let Some((now, ready)) = headroom_basis(s, &a.id, &cap.id) else {
                continue;
            };
            let most = available_units(it.count, it.readiness, 1.0, cap.integer);
            let headroom = (most - now).floor();
            if headroom >= 1.0 {
                out.push(Change::AddUnits {
                    contributor: a.id.clone(),
                    capability: cap.id.clone(),
                    units: headroom,
                    deployable_share_from: it.deployable_share,
                    deployable_share_to: ((now + headroom) / ready).min(1.0),
                });
            }
        }
    }
    for a in &s.actors {
        for rl in &a.red_lines {
            out.push(Change::RelaxRedLine {
                actor: a.id.clone(),
                red_line: rl.id.clone(),
                hardness: rl.hardness,
                flexibility: rl.flexibility,
            });
        }
    }
    out
}

impl Change {
    /// "swap_option", "add_units" or "relax_red_line".
    pub fn kind(&self) -> &'static str {
        match self {
            Change::SwapOption { .. } => "swap_option",
            Change::AddUnits { .. } => "add_units",
            Change::RelaxRedLine { .. } => "relax_red_line",
        }
    }

    /// Rank of the kind: swaps 0, added units 1, relaxed red lines 2.
    fn rank(&self) -> u8 {
        match self {
            Change::SwapOption { .. } => 0,
            Change::AddUnits { .. } => 1,
            Change::RelaxRedLine { .. } => 2,
        }
    }

    /// What the change acts on: one component, one contributor's capability, one red line.
    fn target(&self) -> String {
        match self {
            Change::SwapOption { component, .. } => format!("option {component}"),
            Change::AddUnits {
                contributor,
                capability,
                ..
            } => format!("units {contributor} {capability}"),
            Change::RelaxRedLine {
                actor, red_line, ..
            } => format!("red line {actor} {red_line}"),
        }
    }

    /// A key that tells changes apart (for pairs counted once).
    fn key(&self) -> String {
        match self {
            Change::SwapOption { component, to, .. } => format!("option {component} {to}"),
            _ => self.target(),
        }
    }

    /// Both changes act on the same thing (two swaps of one component…).
    fn touches_same(&self, other: &Change) -> bool {
        self.target() == other.target()
    }

    /// The change in words, as single fixes say it.
    pub fn describe(&self) -> String {
        match self {
            Change::SwapOption {
                component,
                from,
                to,
                ..
            } => format!("{component}: {from} → {to}"),
            Change::AddUnits {
                contributor,
                capability,
                units,
                deployable_share_from,
                deployable_share_to,
            } => format!(
                "{contributor} adds {} {capability} (deployable share {} → {})",
                fmt(*units),
                fmt(*deployable_share_from),
                fmt(*deployable_share_to)
            ),
            Change::RelaxRedLine {
                actor,
                red_line,
                hardness,
                flexibility,
            } => format!(
                "{actor} relaxes its red line \"{red_line}\" ({}, flexibility {})",
                hardness.as_str(),
                fmt(*flexibility)
            ),
        }
    }
}
