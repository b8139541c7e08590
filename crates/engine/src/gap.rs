//! Distance to passing: how far a failing package is from passing, so that
//! "closest packages" are the ones a planner could most easily fix.
//!
//! gap = Σ over capabilities short of their shortfall share (units short ÷
//! units needed, 1 when the allocation could not be computed)
//!     + Σ over required actors that reject of their margin deficit
//!       (reservation − utility when below, else 0)
//!       plus, per red line of theirs the package breaks, its weight
//!       1 − flexibility (the chance the line holds; a stated line that never
//!       relaxes weighs 1).
//!
//! Every term is a share on [0, 1], so the gap is unitless; it is 0 exactly
//! when the package passes. Worked example: short of 96 of 186 fighters
//! (0.516), Russia below its reservation by 0.199 and breaking one red line
//! of flexibility 0.2 (0.8): gap = 0.516 + 0.199 + 0.8 = 1.515.
//!
//! Both `evaluate` (from a full verdict) and `search` (from screened values)
//! build the same terms in the same order — capabilities by index, then
//! required actors by id, each with its red lines in declaration order — so
//! the two agree to the bit.

/// Share of a capability's need that is short, on [0, 1]; an allocation that
/// could not be computed counts as wholly short.
///
/// ```
/// use guarantor_engine::shortfall_share;
/// assert_eq!(shortfall_share(96.0, 192.0, false), 0.5);
/// assert_eq!(shortfall_share(0.0, 10.0, true), 1.0);
/// ```
pub fn shortfall_share(short: f64, need: f64, failed: bool) -> f64 {
    if failed {
        1.0
    } else if need > 0.0 {
        (short / need).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// How far below its reservation an actor's utility is (0 when it is not).
///
/// ```
/// use guarantor_engine::margin_deficit;
/// assert_eq!(margin_deficit(-0.199), 0.199);
/// assert_eq!(margin_deficit(0.05), 0.0);
/// ```
pub fn margin_deficit(margin: f64) -> f64 {
    (-margin).max(0.0)
}

/// Weight of a broken red line: the chance it holds, 1 − flexibility.
///
/// ```
/// use guarantor_engine::red_line_weight;
/// assert!((red_line_weight(0.2) - 0.8).abs() < 1e-12);
/// assert_eq!(red_line_weight(0.0), 1.0);
/// ```
pub fn red_line_weight(flexibility: f64) -> f64 {
    (1.0 - flexibility).clamp(0.0, 1.0)
}

/// The gap to passing: the sum of the terms, in the canonical order the
/// module documentation gives.
///
/// ```
/// use guarantor_engine::gap_to_passing;
/// let gap = gap_to_passing(&[96.0 / 186.0, 0.199, 0.8]);
/// assert!((gap - 1.5151).abs() < 1e-4);
/// ```
pub fn gap_to_passing(terms: &[f64]) -> f64 {
    terms.iter().sum()
}
