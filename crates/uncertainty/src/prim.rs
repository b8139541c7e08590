//! Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman &
//! Fisher 1999), as used for scenario discovery by Bryant & Lempert (2010) and
//! the EMA Workbench (Kwakkel 2017).
//!
//! Given the draws (rows of parameter values) and a yes/no outcome of interest
//! (here: the package fails), PRIM looks for a box — a range per parameter —
//! where the outcome is much more frequent than overall:
//!
//! 1. **Peel**: repeatedly cut a slice holding a share α (0.05) of the box's
//!    draws off the low or high end of one parameter, choosing the cut with the
//!    best gain in density per draw removed (EMA's "lenient 1" objective),
//!    until the box would hold fewer than a share `mass_min` (0.05) of all draws.
//! 2. **Choose** the box on that peeling trajectory with the largest
//!    coverage × normalised lift, coverage × (density − base) ÷ (1 − base),
//!    a balance between explaining many failures and being specific to them
//!    (0 for the whole space, equal to coverage for a box of pure failures).
//! 3. **Paste**: widen the box again by slices of α while density does not drop.
//! 4. **Simplify**: drop the restrictions that cost less than 2% of the
//!    density, and keep at most three, so the box reads as one sentence.
//! 5. **Cover**: remove the box's draws and repeat for up to three boxes,
//!    while a box's normalised lift is at least 0.1 and its coverage 5%.
//!
//! Coverage = failures in the box ÷ all failures; density = failures in the
//! box ÷ draws in the box; mass = draws in the box ÷ all draws.

use serde::Serialize;

/// A box is reported only if its density is at least this share of the way
/// from the overall rate to certainty, (density − base) ÷ (1 − base).
pub const MIN_LIFT: f64 = 0.1;

/// PRIM settings (EMA Workbench defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PrimParams {
    pub peel_alpha: f64,
    pub paste_alpha: f64,
    pub mass_min: f64,
    pub max_boxes: usize,
    /// Most restricted parameters in a reported box.
    pub max_restrictions: usize,
}

impl Default for PrimParams {
    fn default() -> Self {
        PrimParams {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            max_boxes: 3,
            max_restrictions: 3,
        }
    }
}

/// Refuse settings under which PRIM cannot run or means nothing: α outside
/// (0, 0.5], a minimum mass outside (0, 1), no boxes or no restrictions.
pub fn check_params(p: &PrimParams) -> Result<(), crate::error::Error> {
    use crate::error::{Error, Setting};
    let bad = |s: Setting, m: String| Err(Error::setting(s, m));
    for (name, a) in [("peel", p.peel_alpha), ("paste", p.paste_alpha)] {
        if !(a > 0.0 && a <= 0.5) {
            return bad(
                Setting::PrimAlpha,
                format!(
                    "({name}) must be in (0, 0.5], got {a}: it is the share of a box's draws cut off per step"
                ),
            );
        }
    }
    if !(p.mass_min > 0.0 && p.mass_min < 1.0) {
        return bad(
            Setting::PrimMassMin,
            format!(
                "must be in (0, 1), got {}: it is the smallest share of all draws a box may hold",
                p.mass_min
            ),
        );
    }
    if p.max_boxes == 0 {
        return bad(Setting::PrimBoxes, "must be at least 1".into());
    }
    if p.max_restrictions == 0 {
        return bad(
            Setting::PrimRestrictions,
            "must be at least 1 (PRIM needs at least one restriction per box)".into(),
        );
    }
    Ok(())
}

/// A range on one parameter (bounds inclusive; `None`: unrestricted side).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Restriction {
    pub dim: usize,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Quasi-p-value (Bryant & Lempert 2010): the chance of at least the box's
    /// failures among its draws if failures came at the rate of the box without
    /// this restriction (one-sided binomial). Small: the restriction matters.
    pub quasi_p: f64,
}

/// One box found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrimBox {
    pub restrictions: Vec<Restriction>,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Draws in the box, and those of them with the outcome.
    pub draws: usize,
    pub hits: usize,
    /// How the box was found.
    pub trace: Trace,
}

/// A parameter's range in a box on the way (bounds inclusive; `None`: unrestricted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limit {
    pub dim: usize,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// One box of a peeling or pasting trajectory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Draws in the box (n) and those with the outcome (k).
    pub draws: usize,
    pub hits: usize,
    /// k ÷ all draws with the outcome.
    pub coverage: f64,
    /// k ÷ n.
    pub density: f64,
    /// n ÷ all draws.
    pub mass: f64,
    pub limits: Vec<Limit>,
}

/// A restriction the simplify step dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropped {
    pub limit: Limit,
    pub density_before: f64,
    pub density_after: f64,
    /// density_before − density_after (negative: dropping it made the box denser).
    pub density_cost: f64,
    pub reason: String,
}

/// How a box was found: the peeling trajectory, the box chosen on it and why,
/// the pasting steps, and the restrictions simplification dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// Box 0 is the whole (remaining) space; each next box is one peel.
    pub peeling: Vec<Step>,
    /// Index into `peeling` of the box chosen.
    pub chosen: usize,
    /// Its [`choice_score`], the largest on the trajectory.
    pub chosen_score: f64,
    pub why: String,
    /// Boxes after each paste (empty: nothing pasted).
    pub pasting: Vec<Step>,
    pub dropped: Vec<Dropped>,
}

/// The score by which a box is chosen on the peeling trajectory: coverage ×
/// normalised lift, c·(d − b)/(1 − b), with c the coverage, d the density and
/// b the base rate (density of the whole space searched).
///
/// Unitless, 0 for the whole space, equal to c for a box of pure failures.
/// Source: a single-number form of the coverage–density trade-off of Bryant &
/// Lempert (2010), who let the analyst pick by eye on that curve (the EMA
/// Workbench's `inspect`). Example: c = 0.75, d = 1.0, b = 0.4 → 0.75; c = 0.9,
/// d = 0.6, b = 0.4 → 0.9 · 0.2/0.6 = 0.3.
pub fn choice_score(coverage: f64, density: f64, base: f64) -> f64 {
    coverage * (density - base) / (1.0 - base).max(1e-12)
}

#[derive(Clone)]
struct Bounds {
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl Bounds {
    fn contains(&self, row: &[f64]) -> bool {
        row.iter()
            .zip(self.lo.iter().zip(&self.hi))
            .all(|(x, (lo, hi))| *x >= *lo && *x <= *hi)
    }
}

struct Data<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    dims: usize,
    /// All draws, and all of them with the outcome.
    total: usize,
    total_hits: usize,
}

impl Data<'_> {
    fn count(&self, b: &Bounds, rows: &[usize]) -> (usize, usize) {
        let mut n = 0;
        let mut h = 0;
        for &i in rows {
            if b.contains(&self.x[i]) {
                n += 1;
                h += usize::from(self.y[i]);
            }
        }
        (n, h)
    }
}

/// Find up to `params.max_boxes` boxes where `y` is frequent.
pub fn prim(x: &[Vec<f64>], y: &[bool], params: &PrimParams) -> Vec<PrimBox> {
    let total = y.len();
    let total_hits = y.iter().filter(|&&h| h).count();
    if total == 0 || total_hits == 0 || x.is_empty() {
        return Vec::new();
    }
    let data = Data {
        x,
        y,
        dims: x[0].len(),
        total,
        total_hits,
    };
    // Full range of every parameter, to tell which sides are restricted.
    let full = Bounds {
        lo: (0..data.dims)
            .map(|d| x.iter().map(|r| r[d]).fold(f64::INFINITY, f64::min))
            .collect(),
        hi: (0..data.dims)
            .map(|d| x.iter().map(|r| r[d]).fold(f64::NEG_INFINITY, f64::max))
            .collect(),
    };
    let min_draws = ((params.mass_min * total as f64).ceil() as usize).max(1);
    let mut remaining: Vec<usize> = (0..total).collect();
    let mut boxes = Vec::new();
    while boxes.len() < params.max_boxes {
        let rem_hits = remaining.iter().filter(|&&i| y[i]).count();
        if rem_hits == 0 || remaining.len() < min_draws {
            break;
        }
        let base_density = rem_hits as f64 / remaining.len() as f64;
        let (b, trace) = find_box(&data, &full, &remaining, min_draws, params);
        let (n, h) = data.count(&b, &remaining);
        let density = h as f64 / n.max(1) as f64;
        let coverage = h as f64 / total_hits as f64;
        let mut restrictions = restrictions(&b, &full);
        for r in &mut restrictions {
            let mut wider = b.clone();
            wider.lo[r.dim] = full.lo[r.dim];
            wider.hi[r.dim] = full.hi[r.dim];
            let (n0, h0) = data.count(&wider, &remaining);
            r.quasi_p = binomial_tail(n, h, h0 as f64 / n0 as f64);
        }
        let lift = (density - base_density) / (1.0 - base_density).max(1e-12);
        if restrictions.is_empty() || lift < MIN_LIFT || coverage < 0.05 {
            break;
        }
        boxes.push(PrimBox {
            restrictions,
            coverage,
            density,
            mass: n as f64 / total as f64,
            draws: n,
            hits: h,
            trace,
        });
        remaining.retain(|&i| !b.contains(&x[i]));
    }
    boxes
}

fn limits(b: &Bounds, full: &Bounds) -> Vec<Limit> {
    restrictions(b, full)
        .into_iter()
        .map(|r| Limit {
            dim: r.dim,
            lower: r.lower,
            upper: r.upper,
        })
        .collect()
}

fn step(data: &Data<'_>, b: &Bounds, full: &Bounds, n: usize, h: usize) -> Step {
    Step {
        draws: n,
        hits: h,
        coverage: h as f64 / data.total_hits.max(1) as f64,
        density: h as f64 / n.max(1) as f64,
        mass: n as f64 / data.total.max(1) as f64,
        limits: limits(b, full),
    }
}

fn restrictions(b: &Bounds, full: &Bounds) -> Vec<Restriction> {
    (0..b.lo.len())
        .filter_map(|d| {
            let lower = (b.lo[d] > full.lo[d]).then_some(b.lo[d]);
            let upper = (b.hi[d] < full.hi[d]).then_some(b.hi[d]);
            (lower.is_some() || upper.is_some()).then_some(Restriction {
                dim: d,
                lower,
                upper,
                quasi_p: f64::NAN,
            })
        })
        .collect()
}

/// New lower bound that peels about `alpha` of the sorted values off the low
/// end (at least every value equal to the smallest one), or None if all values
/// are equal (one value included: a box of one draw cannot be peeled).
fn peel_low(v: &[f64], alpha: f64) -> Option<f64> {
    if v.len() < 2 {
        return None;
    }
    let first = v[0];
    let cut = ((alpha * v.len() as f64).ceil() as usize).clamp(1, v.len() - 1);
    let threshold = v[cut].max(first);
    if threshold > first {
        Some(threshold)
    } else {
        v.iter().copied().find(|&x| x > first)
    }
}

fn peel_high(v: &[f64], alpha: f64) -> Option<f64> {
    if v.len() < 2 {
        return None;
    }
    let last = v[v.len() - 1];
    let cut = ((alpha * v.len() as f64).ceil() as usize).clamp(1, v.len() - 1);
    let threshold = v[v.len() - 1 - cut].min(last);
    if threshold < last {
        Some(threshold)
    } else {
        v.iter().rev().copied().find(|&x| x < last)
    }
}

fn find_box(
    data: &Data<'_>,
    full: &Bounds,
    rows: &[usize],
    min_draws: usize,
    p: &PrimParams,
) -> (Bounds, Trace) {
    let total_hits = data.total_hits as f64;
    let mut b = full.clone();
    let (mut n, mut h) = data.count(&b, rows);
    let base = h as f64 / n as f64;
    let mut trajectory: Vec<(Bounds, usize, usize)> = vec![(b.clone(), n, h)];
    // Peel. `inside` holds the rows in the current box, so a candidate cut on
    // one dimension is counted by checking that dimension only.
    let mut inside: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| b.contains(&data.x[i]))
        .collect();
    loop {
        let mean = h as f64 / n as f64;
        let mut best: Option<(f64, Bounds, usize, usize)> = None;
        for d in 0..data.dims {
            let mut v: Vec<f64> = inside.iter().map(|&i| data.x[i][d]).collect();
            v.sort_by(f64::total_cmp);
            for low in [true, false] {
                let bound = if low {
                    peel_low(&v, p.peel_alpha)
                } else {
                    peel_high(&v, p.peel_alpha)
                };
                let Some(bound) = bound else { continue };
                let mut c = b.clone();
                if low {
                    c.lo[d] = bound;
                } else {
                    c.hi[d] = bound;
                }
                let (lo, hi) = (c.lo[d], c.hi[d]);
                let (mut cn, mut ch) = (0, 0);
                for &i in &inside {
                    let x = data.x[i][d];
                    if x >= lo && x <= hi {
                        cn += 1;
                        ch += usize::from(data.y[i]);
                    }
                }
                if cn < min_draws || cn >= n {
                    continue;
                }
                let gain = (ch as f64 / cn as f64 - mean) / (n - cn) as f64;
                if best.as_ref().is_none_or(|x| gain > x.0) {
                    best = Some((gain, c, cn, ch));
                }
            }
        }
        match best {
            Some((gain, c, cn, ch)) if gain > 0.0 => {
                b = c;
                n = cn;
                h = ch;
                inside.retain(|&i| b.contains(&data.x[i]));
                trajectory.push((b.clone(), n, h));
            }
            _ => break,
        }
    }
    // Choose: largest coverage × normalised lift (density − base) ÷ (1 − base);
    // the last of equal scores (the narrowest box).
    let score =
        |n: usize, h: usize| choice_score(h as f64 / total_hits, h as f64 / n.max(1) as f64, base);
    let mut chosen = 0;
    for (i, t) in trajectory.iter().enumerate() {
        if score(t.1, t.2) >= score(trajectory[chosen].1, trajectory[chosen].2) {
            chosen = i;
        }
    }
    let peeling: Vec<Step> = trajectory
        .iter()
        .map(|(tb, tn, th)| step(data, tb, full, *tn, *th))
        .collect();
    let chosen_score = score(trajectory[chosen].1, trajectory[chosen].2);
    let why = format!(
        "largest coverage × normalised lift, c·(d − b)/(1 − b) = {chosen_score:.3}, on the peeling trajectory: step {chosen} of {} (coverage {:.1}%, density {:.1}%, base rate {:.1}%)",
        trajectory.len() - 1,
        peeling[chosen].coverage * 100.0,
        peeling[chosen].density * 100.0,
        base * 100.0
    );
    let mut pasting = Vec::new();
    let mut dropped = Vec::new();
    let (mut b, mut n, mut h) = trajectory[chosen].clone();
    // Paste.
    loop {
        let density = h as f64 / n as f64;
        let mut best: Option<(f64, Bounds, usize, usize)> = None;
        for d in 0..data.dims {
            for low in [true, false] {
                let restricted = if low {
                    b.lo[d] > full.lo[d]
                } else {
                    b.hi[d] < full.hi[d]
                };
                if !restricted {
                    continue;
                }
                // Rows outside the box only because of this side of d.
                let mut relaxed = b.clone();
                if low {
                    relaxed.lo[d] = full.lo[d];
                } else {
                    relaxed.hi[d] = full.hi[d];
                }
                let mut outside: Vec<f64> = rows
                    .iter()
                    .filter(|&&i| relaxed.contains(&data.x[i]) && !b.contains(&data.x[i]))
                    .map(|&i| data.x[i][d])
                    .collect();
                if outside.is_empty() {
                    continue;
                }
                outside.sort_by(f64::total_cmp);
                let take = ((p.paste_alpha * n as f64).ceil() as usize).clamp(1, outside.len());
                let mut c = b.clone();
                if low {
                    c.lo[d] = outside[outside.len() - take];
                } else {
                    c.hi[d] = outside[take - 1];
                }
                let (cn, ch) = data.count(&c, rows);
                let cd = ch as f64 / cn as f64;
                if cd >= density && best.as_ref().is_none_or(|x| cd > x.0) {
                    best = Some((cd, c, cn, ch));
                }
            }
        }
        match best {
            Some((_, c, cn, ch)) if cn > n => {
                b = c;
                n = cn;
                h = ch;
                pasting.push(step(data, &b, full, n, h));
            }
            _ => break,
        }
    }
    // Simplify: drop cheap restrictions, keep at most `max_restrictions`.
    loop {
        let density = h as f64 / n as f64;
        let rs = restrictions(&b, full);
        let mut cheapest: Option<(f64, Bounds, usize, usize, &Restriction)> = None;
        for r in &rs {
            let mut c = b.clone();
            c.lo[r.dim] = full.lo[r.dim];
            c.hi[r.dim] = full.hi[r.dim];
            let (cn, ch) = data.count(&c, rows);
            let cd = ch as f64 / cn as f64;
            if cheapest.as_ref().is_none_or(|x| cd > x.0) {
                cheapest = Some((cd, c, cn, ch, r));
            }
        }
        match cheapest {
            Some((cd, c, cn, ch, r))
                if cd >= density * SIMPLIFY_KEEP || rs.len() > p.max_restrictions =>
            {
                let reason = if cd >= density * SIMPLIFY_KEEP {
                    format!(
                        "costs less than {:.0}% of the density",
                        (1.0 - SIMPLIFY_KEEP) * 100.0
                    )
                } else {
                    format!(
                        "the cheapest of {} restrictions, more than the {} a box keeps",
                        rs.len(),
                        p.max_restrictions
                    )
                };
                dropped.push(Dropped {
                    limit: Limit {
                        dim: r.dim,
                        lower: r.lower,
                        upper: r.upper,
                    },
                    density_before: density,
                    density_after: cd,
                    density_cost: density - cd,
                    reason,
                });
                b = c;
                n = cn;
                h = ch;
            }
            _ => break,
        }
    }
    let trace = Trace {
        peeling,
        chosen,
        chosen_score,
        why,
        pasting,
        dropped,
    };
    (b, trace)
}

/// Simplification drops a restriction when the box without it keeps at least
/// this share of its density.
pub const SIMPLIFY_KEEP: f64 = 0.98;

/// P(X ≥ k) for X ~ Binomial(n, p), as I_p(k, n − k + 1) (the regularised
/// incomplete beta; Abramowitz & Stegun 26.5.24).
pub fn binomial_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    crate::dist::beta_cdf(k as f64, (n - k + 1) as f64, p)
}

/// A box limit to four significant digits, rounded outward (a lower bound
/// down, an upper bound up), so the printed box contains the box found and
/// "≥ 0.5049" is not shortened to a "≥ 0.5" that, applied literally, holds
/// other draws. Whole-number digits are never rounded away.
///
/// Unit: the parameter's. Example: lower 0.504873 → "0.5048", upper 0.504873
/// → "0.5049", lower 12 → "12", upper 1234.56 → "1235", lower 0.1 → "0.1".
pub fn limit_text(x: f64, lower: bool) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0);
    let scale = 10f64.powi(digits);
    let y = x * scale;
    let r = if (y - y.round()).abs() <= 1e-9 * y.abs().max(1.0) {
        y.round()
    } else if lower {
        y.floor()
    } else {
        y.ceil()
    };
    let s = format!("{:.*}", digits as usize, r / scale);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// One box in plain words: "fails in 87.0% of draws where de readiness ≤ 0.55
/// and ru red line X holds; covers 71% of failures (12% of draws)".
/// `binary[d]` marks yes/no parameters (red lines: 1 = holds).
pub fn describe(b: &PrimBox, names: &[String], binary: &[bool], outcome: &str) -> String {
    let parts: Vec<String> = b
        .restrictions
        .iter()
        .map(|r| {
            let name = &names[r.dim];
            if binary[r.dim] {
                let holds = r.lower.is_some_and(|l| l > 0.5);
                let stem = name.strip_suffix(" holds").unwrap_or(name);
                format!("{stem} {}", if holds { "holds" } else { "is relaxed" })
            } else {
                let lo = |l| limit_text(l, true);
                let hi = |u| limit_text(u, false);
                match (r.lower, r.upper) {
                    (Some(l), Some(u)) => format!("{} ≤ {name} ≤ {}", lo(l), hi(u)),
                    (Some(l), None) => format!("{name} ≥ {}", lo(l)),
                    (None, Some(u)) => format!("{name} ≤ {}", hi(u)),
                    (None, None) => name.clone(),
                }
            }
        })
        .collect();
    format!(
        "{outcome} in {:.1}% of draws where {}; covers {:.0}% of {outcome_noun} ({:.0}% of draws)",
        b.density * 100.0,
        parts.join(" and "),
        b.coverage * 100.0,
        b.mass * 100.0,
        outcome_noun = if outcome == "fails" {
            "failures"
        } else {
            "cases"
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the scale-out property test (one draw in a shard: n = 1,
    /// seed 6): peeling a box of one value panicked in `clamp(1, 0)`.
    #[test]
    fn a_box_of_one_or_no_value_cannot_be_peeled() {
        for alpha in [0.05, 0.5, 1.0] {
            assert_eq!(peel_low(&[0.3], alpha), None);
            assert_eq!(peel_high(&[0.3], alpha), None);
            assert_eq!(peel_low(&[], alpha), None);
            assert_eq!(peel_high(&[], alpha), None);
        }
        assert_eq!(peel_low(&[0.1, 0.2], 0.05), Some(0.2));
        assert_eq!(peel_high(&[0.1, 0.2], 0.05), Some(0.1));
    }

    #[test]
    fn boxes_read_as_one_sentence() {
        let b = PrimBox {
            restrictions: vec![
                Restriction {
                    dim: 0,
                    lower: None,
                    upper: Some(0.55),
                    quasi_p: 0.001,
                },
                Restriction {
                    dim: 1,
                    lower: Some(1.0),
                    upper: None,
                    quasi_p: 0.01,
                },
            ],
            coverage: 0.71,
            density: 0.87,
            mass: 0.12,
            draws: 120,
            hits: 104,
            trace: Trace {
                peeling: vec![],
                chosen: 0,
                chosen_score: 0.0,
                why: String::new(),
                pasting: vec![],
                dropped: vec![],
            },
        };
        let names = vec![
            "de readiness".to_string(),
            "ru red line no_air_policing holds".to_string(),
        ];
        assert_eq!(
            describe(&b, &names, &[false, true], "fails"),
            "fails in 87.0% of draws where de readiness ≤ 0.55 and ru red line no_air_policing holds; \
             covers 71% of failures (12% of draws)"
        );
    }

    #[test]
    fn limits_keep_four_significant_digits_rounded_outward() {
        assert_eq!(limit_text(0.504873, true), "0.5048");
        assert_eq!(limit_text(0.504873, false), "0.5049");
        assert_eq!(limit_text(0.5049, true), "0.5049");
        assert_eq!(limit_text(0.1, false), "0.1");
        assert_eq!(limit_text(12.0, true), "12");
        assert_eq!(limit_text(1234.56, false), "1235");
        assert_eq!(limit_text(123456.7, true), "123456");
        assert_eq!(limit_text(-0.0123456, true), "-0.01235");
        assert_eq!(choice_score(0.75, 1.0, 0.4), 0.75);
        assert!((choice_score(0.9, 0.6, 0.4) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn binomial_tail_matches_a_hand_count() {
        // n = 3, p = 0.5: P(X ≥ 2) = (3 + 1)/8.
        assert!((binomial_tail(3, 2, 0.5) - 0.5).abs() < 1e-12);
        assert!((binomial_tail(3, 3, 0.5) - 0.125).abs() < 1e-12);
        assert_eq!(binomial_tail(3, 0, 0.5), 1.0);
    }

    #[test]
    fn peels_take_at_least_one_category() {
        assert_eq!(peel_low(&[0.0, 0.0, 0.0, 1.0, 1.0], 0.05), Some(1.0));
        assert_eq!(peel_high(&[0.0, 0.0, 0.0, 1.0, 1.0], 0.05), Some(0.0));
        assert_eq!(peel_low(&[1.0, 1.0], 0.05), None);
        let v: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(peel_low(&v, 0.05), Some(5.0));
        assert_eq!(peel_high(&v, 0.05), Some(94.0));
    }
}
