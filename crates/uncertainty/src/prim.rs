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
        let b = find_box(&data, &full, &remaining, min_draws, params);
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
        });
        remaining.retain(|&i| !b.contains(&x[i]));
    }
    boxes
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
/// are equal.
fn peel_low(v: &[f64], alpha: f64) -> Option<f64> {
    let first = *v.first()?;
    let cut = ((alpha * v.len() as f64).ceil() as usize).clamp(1, v.len() - 1);
    let threshold = v[cut].max(first);
    if threshold > first {
        Some(threshold)
    } else {
        v.iter().copied().find(|&x| x > first)
    }
}

fn peel_high(v: &[f64], alpha: f64) -> Option<f64> {
    let last = *v.last()?;
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
) -> Bounds {
    let total_hits = data.y.iter().filter(|&&h| h).count() as f64;
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
    // Choose: largest coverage × normalised lift (density − base) ÷ (1 − base).
    let score = |n: usize, h: usize| {
        (h as f64 / total_hits) * (h as f64 / n.max(1) as f64 - base) / (1.0 - base).max(1e-12)
    };
    let (mut b, mut n, mut h) = trajectory
        .iter()
        .max_by(|x, y| score(x.1, x.2).total_cmp(&score(y.1, y.2)))
        .cloned()
        .expect("the trajectory starts with the full box");
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
            }
            _ => break,
        }
    }
    // Simplify: drop cheap restrictions, keep at most `max_restrictions`.
    loop {
        let density = h as f64 / n as f64;
        let rs = restrictions(&b, full);
        let mut cheapest: Option<(f64, Bounds, usize, usize)> = None;
        for r in &rs {
            let mut c = b.clone();
            c.lo[r.dim] = full.lo[r.dim];
            c.hi[r.dim] = full.hi[r.dim];
            let (cn, ch) = data.count(&c, rows);
            let cd = ch as f64 / cn as f64;
            if cheapest.as_ref().is_none_or(|x| cd > x.0) {
                cheapest = Some((cd, c, cn, ch));
            }
        }
        match cheapest {
            Some((cd, c, cn, ch)) if cd >= density * 0.98 || rs.len() > p.max_restrictions => {
                b = c;
                n = cn;
                h = ch;
            }
            _ => break,
        }
    }
    b
}

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

/// One box in plain words: "fails in 87% of draws where de readiness ≤ 0.55
/// and ru red line X holds; covers 71% of failures (12% of draws)".
/// `binary[d]` marks yes/no parameters (red lines: 1 = holds).
pub fn describe(b: &PrimBox, names: &[String], binary: &[bool], outcome: &str) -> String {
    let fmt = guarantor_model::number::fmt;
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
                match (r.lower, r.upper) {
                    (Some(l), Some(u)) => format!("{} ≤ {name} ≤ {}", fmt(l), fmt(u)),
                    (Some(l), None) => format!("{name} ≥ {}", fmt(l)),
                    (None, Some(u)) => format!("{name} ≤ {}", fmt(u)),
                    (None, None) => name.clone(),
                }
            }
        })
        .collect();
    format!(
        "{outcome} in {:.0}% of draws where {}; covers {:.0}% of {outcome_noun} ({:.0}% of draws)",
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
        };
        let names = vec![
            "de readiness".to_string(),
            "ru red line no_air_policing holds".to_string(),
        ];
        assert_eq!(
            describe(&b, &names, &[false, true], "fails"),
            "fails in 87% of draws where de readiness ≤ 0.55 and ru red line no_air_policing holds; \
             covers 71% of failures (12% of draws)"
        );
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
