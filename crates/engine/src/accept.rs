//! Acceptability: red lines as hard vetoes, utility against the reservation.

use std::collections::BTreeMap;

use guarantor_model::{Actor, Comparison, RedLine, RedLineRule, Scenario};

use crate::prepare::Prepared;
use crate::verdict::{ActorVerdict, AllocationLine, Reason, ReasonKind, Verdict};
use guarantor_model::number::fmt;

/// Spatial utility of a package to an actor: the salience-weighted mean of
/// closeness `1 − |level − position|` over the dimensions the actor weighs,
///
/// u_i = Σ_d s_id · (1 − |x_d − p_id|) ÷ Σ_d s_id,
///
/// on [0, 1]. Example: one dimension, position 0.2, level 0.6 → 0.6.
pub fn spatial_utility(actor: &Actor, s: &Scenario, levels: &[f64]) -> f64 {
    let mut num = 0.0;
    let mut den = 0.0;
    for (i, d) in s.dimensions.iter().enumerate() {
        let (Some(&w), Some(&pos)) = (actor.salience.get(&d.id), actor.position.get(&d.id)) else {
            continue;
        };
        num += w * (1.0 - (levels[i] - pos).abs());
        den += w;
    }
    if den > 0.0 { num / den } else { 0.0 }
}

/// Best spatial utility an actor can get from any completion of a partial
/// package (utility units, 0–1): with the options of the components chosen
/// so far, each dimension's level can still only lie in a range [lo, hi]
/// (a package's level is the largest any of its options sets, so the
/// options still to choose only raise it, docs/model.md §1 and §6a), and the
/// term s·(1 − |x − p|) is largest at the level of that range nearest the
/// actor's position p:
///
/// ū_i = Σ_d s_id · (1 − |clamp(p_id, lo_d, hi_d) − p_id|) ÷ Σ_d s_id.
///
/// `terms` are (salience, position, lo, hi) in dimension order and `den`
/// the saliences' sum in the same order, as [`spatial_utility`] sums them:
/// with non-negative saliences every IEEE 754 step (subtraction, product,
/// sum, division by a positive number) is monotone, so the bound holds bit
/// for bit, not only in exact arithmetic. Example: saliences 0.5 and 0.5,
/// positions 0.1 and 0.0, levels still in [0.6, 0.9] and [0.2, 0.2] →
/// (0.5 × 0.5 + 0.5 × 0.8) ÷ 1.0 = 0.65.
///
/// ```
/// use guarantor_engine::utility_upper_bound;
/// let u = utility_upper_bound([(0.5, 0.1, 0.6, 0.9), (0.5, 0.0, 0.2, 0.2)].into_iter(), 1.0);
/// assert!((u - 0.65).abs() < 1e-12);
/// ```
pub fn utility_upper_bound(terms: impl Iterator<Item = (f64, f64, f64, f64)>, den: f64) -> f64 {
    let mut num = 0.0;
    for (w, pos, lo, hi) in terms {
        // `clamp` without its panic on lo > hi (never the case here).
        let nearest = pos.max(lo).min(hi);
        num += w * (1.0 - (nearest - pos).abs());
    }
    if den > 0.0 { num / den } else { 0.0 }
}

/// Acceptance margin: utility minus reservation utility. The actor accepts
/// only if no red line is violated and the margin is ≥ 0.
pub fn acceptance_margin(utility: f64, reservation: f64) -> f64 {
    utility - reservation
}

/// Verdict on an acceptance margin m (utility units) given the precision p
/// of the codings: undetermined when |m| < p (the band is symmetric), else
/// rejects when m < 0, else accepts. With p = 0 this is "accepts ⇔ m ≥ 0".
/// Example: m = +0.001, p = 0.02 → undetermined; m = −0.02 → rejects;
/// m = +0.02 → accepts.
pub fn margin_verdict(margin: f64, precision: f64) -> Verdict {
    if margin.abs() < precision {
        Verdict::Undetermined
    } else if margin < 0.0 {
        Verdict::Rejects
    } else {
        Verdict::Accepts
    }
}

/// Verdict on a level red line `level op value` given the precision p: a
/// level within p of the boundary (|level − value| < p) is undetermined,
/// else the red line is broken (rejects) when `op` holds, else kept
/// (accepts). Example: air_policing 0.33 against "> 0.33" with p = 0.02 →
/// undetermined; 0.5 → rejects; 0.2 → accepts.
pub fn level_red_line_verdict(level: f64, op: Comparison, value: f64, precision: f64) -> Verdict {
    if (level - value).abs() < precision {
        Verdict::Undetermined
    } else if op.holds(level, value) {
        Verdict::Rejects
    } else {
        Verdict::Accepts
    }
}

pub(crate) fn judge_actor(
    p: &Prepared<'_>,
    a: &Actor,
    required: bool,
    options: &BTreeMap<String, String>,
    levels: &[f64],
    allocation: &[AllocationLine],
) -> ActorVerdict {
    let s = p.scenario;
    let precision = s.parameters.acceptance_precision;
    let mut reasons = Vec::new();
    let mut unsure = Vec::new();
    for rl in &a.red_lines {
        if let RedLineRule::Level {
            dimension,
            op,
            value,
        } = &rl.rule
            && let Some(i) = s.dimensions.iter().position(|d| &d.id == dimension)
            && level_red_line_verdict(levels[i], *op, *value, precision) == Verdict::Undetermined
        {
            unsure.push(Reason {
                kind: ReasonKind::Undetermined,
                red_line: Some(rl.id.clone()),
                text: format!(
                    "red line \"{}\" ({dimension} {} {}) undetermined: the package's level {} is within the precision {} of the boundary",
                    rl.id,
                    op.symbol(),
                    fmt(*value),
                    fmt(levels[i]),
                    fmt(precision)
                ),
            });
            continue;
        }
        if let Some(detail) = violation(p, a, rl, options, levels, allocation) {
            let statement = if rl.statement.is_empty() {
                String::new()
            } else {
                format!(" — \"{}\"", rl.statement)
            };
            reasons.push(Reason {
                kind: ReasonKind::RedLine,
                red_line: Some(rl.id.clone()),
                text: format!(
                    "red line \"{}\" ({}, flexibility {}) violated: {detail}{statement}",
                    rl.id,
                    rl.hardness.as_str(),
                    fmt(rl.flexibility)
                ),
            });
        }
    }
    let utility = spatial_utility(a, s, levels);
    let margin = acceptance_margin(utility, a.reservation);
    let on_margin = margin_verdict(margin, precision);
    if on_margin == Verdict::Undetermined {
        unsure.push(Reason {
            kind: ReasonKind::Undetermined,
            red_line: None,
            text: format!(
                "margin {:+.3} (utility {:.3}, reservation {:.3}) is within the precision ±{} of the codings",
                margin,
                utility,
                a.reservation,
                fmt(precision)
            ),
        });
    }
    if on_margin == Verdict::Rejects {
        reasons.push(Reason {
            kind: ReasonKind::Utility,
            red_line: None,
            text: format!(
                "utility {:.3} is below its reservation {:.3} (margin {:.3}); largest losses: {}",
                utility,
                a.reservation,
                margin,
                largest_losses(a, s, levels)
            ),
        });
    }
    let verdict = if !reasons.is_empty() {
        Verdict::Rejects
    } else if !unsure.is_empty() {
        reasons = unsure;
        Verdict::Undetermined
    } else {
        Verdict::Accepts
    };
    ActorVerdict {
        accepts: verdict == Verdict::Accepts,
        verdict,
        utility,
        reservation: a.reservation,
        margin,
        required,
        reasons,
    }
}

/// The dimensions that cost the actor most utility, in words.
fn largest_losses(a: &Actor, s: &Scenario, levels: &[f64]) -> String {
    let mut losses: Vec<(f64, String)> = s
        .dimensions
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let w = *a.salience.get(&d.id)?;
            let pos = *a.position.get(&d.id)?;
            let loss = w * (levels[i] - pos).abs();
            (loss > 0.0).then(|| {
                (
                    loss,
                    format!(
                        "{} (level {}, position {}, salience {})",
                        d.id,
                        fmt(levels[i]),
                        fmt(pos),
                        fmt(w)
                    ),
                )
            })
        })
        .collect();
    losses.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let top: Vec<String> = losses.into_iter().take(2).map(|(_, t)| t).collect();
    if top.is_empty() {
        "none".into()
    } else {
        top.join("; ")
    }
}

/// If the package violates the red line, say how.
fn violation(
    p: &Prepared<'_>,
    a: &Actor,
    rl: &RedLine,
    options: &BTreeMap<String, String>,
    levels: &[f64],
    allocation: &[AllocationLine],
) -> Option<String> {
    let s = p.scenario;
    match &rl.rule {
        RedLineRule::Option {
            component,
            options: banned,
        } => {
            let chosen = options.get(component)?;
            banned
                .contains(chosen)
                .then(|| format!("forbids {component} = {chosen}"))
        }
        RedLineRule::Level {
            dimension,
            op,
            value,
        } => {
            let i = s.dimensions.iter().position(|d| &d.id == dimension)?;
            op.holds(levels[i], *value).then(|| {
                format!(
                    "forbids {dimension} {} {}; the package's level is {}",
                    op.symbol(),
                    fmt(*value),
                    fmt(levels[i])
                )
            })
        }
        RedLineRule::Contribution {
            applies_to,
            from_actors,
            from_members_of,
        } => {
            let offending: Vec<String> = allocation
                .iter()
                .filter(|l| l.units > 0.0 && l.contributor != a.id)
                .filter(|l| {
                    s.actor(&l.contributor).is_some_and(|c| {
                        from_actors.contains(&c.id)
                            || c.member_of.iter().any(|m| from_members_of.contains(m))
                    })
                })
                .filter(|l| {
                    p.capability_index(&l.capability)
                        .is_some_and(|k| p.filter_covers(applies_to, k, l.in_theatre))
                })
                .map(|l| format!("{} {} {}", l.contributor, fmt(l.units), l.capability))
                .collect();
            (!offending.is_empty())
                .then(|| format!("the allocation takes {}", offending.join(", ")))
        }
    }
}
