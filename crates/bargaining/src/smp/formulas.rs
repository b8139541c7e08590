//! SMP's scalar formulas, one function per concept. Positions and saliences here
//! are on KTAB's internal 0–1 scale. Source for all: SMP-SPEC (KTAB commit 3b5b063).

use super::options::{BigRAdjust, BigRRange, ThirdPartyCommit};

/// Positions closer than this (unweighted Euclidean, 0–1 scale) count as one option
/// when win probabilities are reported (KTAB: 1e-3).
pub const POSITION_TOLERANCE: f64 = 1e-3;

/// Seed strength of each side in a challenge (KTAB: 1e-10).
pub const CHALLENGE_SEED: f64 = 1e-10;

/// Smallest expected gain for which an actor bothers to challenge (KTAB: 1e-5).
pub const MIN_SIGNIFICANT_GAIN: f64 = 1e-5;

/// Floor added to bargain interpolation weights (KTAB: 1e-6).
pub const INTERPOLATION_FLOOR: f64 = 1e-6;

/// Added to the first step's movement in the stopping ratio (KTAB: 1e-4).
pub const FIRST_STEP_FLOOR: f64 = 1e-4;

/// Salience-weighted distance from an ideal point `q` to a position `y` as seen by an
/// actor with saliences `s` (0–1 scale, result ≥ 0, ≤ 1 when Σ s ≤ 1):
/// sqrt(Σ_k (s_k (q_k − y_k))² / Σ_k s_k²). KTAB `bvDiff`.
/// Example: q = (0, 0), y = (1, 0), s = (0.5, 0.5) → sqrt(0.25/0.5) ≈ 0.7071.
pub fn salience_weighted_distance(q: &[f64], y: &[f64], s: &[f64]) -> f64 {
    let mut ds2 = 0.0;
    let mut ss2 = 0.0;
    for k in 0..q.len() {
        let ds = (q[k] - y[k]) * s[k];
        ds2 += ds * ds;
        ss2 += s[k] * s[k];
    }
    (ds2 / ss2).sqrt()
}

/// Unweighted Euclidean distance between two positions (0–1 scale); used for the
/// movement per step and for grouping equal positions.
pub fn euclidean_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        let d = a[k] - b[k];
        s += d * d;
    }
    s.sqrt()
}

/// Utility of a position at salience-weighted distance `d` to an actor with risk
/// attitude `r` (unitless, 1 at d = 0): (1 − d)(1 + d·r) for d ≤ 1, else (1 − d)(1 + r).
/// KTAB `bsUtil`. Example: d = 0.5, r = 0 → 0.5; r = 1 → 0.75.
pub fn spatial_utility(d: f64, r: f64) -> f64 {
    if d <= 1.0 {
        (1.0 - d) * (1.0 + d * r)
    } else {
        (1.0 - d) * (1.0 + r)
    }
}

/// Risk attitude R of an actor whose position wins with probability `p`, given the
/// smallest and largest win probabilities `p_min` < `p_max` in the state (unitless).
/// Mid: (3p − (p_max + 2p_min)) / (2(p_max − p_min)) ∈ [−0.5, 1]; Min: ∈ [0, 1];
/// Max: ∈ [−1, 1]. The most likely winner is the most risk-accepting.
/// Degenerate case (not in KTAB, which produces NaN): p_max = p_min gives 0, risk-neutral.
pub fn risk_attitude(range: BigRRange, p: f64, p_min: f64, p_max: f64) -> f64 {
    let spread = p_max - p_min;
    if spread.is_nan() || spread <= 0.0 {
        return 0.0;
    }
    match range {
        BigRRange::Mid => (3.0 * p - (p_max + 2.0 * p_min)) / (2.0 * spread),
        BigRRange::Min => (p - p_min) / spread,
        BigRRange::Max => (2.0 * p - p_max - p_min) / spread,
    }
}

/// Actor h's estimate of actor i's risk attitude from their true attitudes
/// (KTAB `BigRAdjust`). OneThird: (2R_h + R_i)/3.
pub fn estimated_risk_attitude(adjust: BigRAdjust, r_h: f64, r_i: f64) -> f64 {
    match adjust {
        BigRAdjust::OneThird => (2.0 * r_h + r_i) / 3.0,
        BigRAdjust::None => r_h,
        BigRAdjust::Half => (r_h + r_i) / 2.0,
        BigRAdjust::TwoThirds => (r_h + 2.0 * r_i) / 3.0,
        BigRAdjust::Full => r_i,
    }
}

/// What third party n expects from joining i's side and from joining j's side of a
/// challenge, given π = probability that i wins and n's utilities of i's position,
/// j's position and its own (unitless, "expected utility over 3 positions").
/// SemiCommit: joining i gives π(2U_ni + U_nn) + (1 − π)·3U_nj, joining j gives
/// π·3U_ni + (1 − π)(2U_nj + U_nn).
pub fn third_party_join_values(
    commit: ThirdPartyCommit,
    pi: f64,
    u_ni: f64,
    u_nj: f64,
    u_nn: f64,
) -> (f64, f64) {
    match commit {
        ThirdPartyCommit::SemiCommit => (
            pi * (2.0 * u_ni + u_nn) + (1.0 - pi) * (3.0 * u_nj),
            pi * (3.0 * u_ni) + (1.0 - pi) * (2.0 * u_nj + u_nn),
        ),
        ThirdPartyCommit::FullCommit => {
            let v = pi * (3.0 * u_ni) + (1.0 - pi) * (3.0 * u_nj);
            (v, v)
        }
        ThirdPartyCommit::NoCommit => {
            let v = pi * (2.0 * u_ni + u_nn) + (1.0 - pi) * (2.0 * u_nj + u_nn);
            (v, v)
        }
    }
}

/// Expected gain to actor k of actor i challenging actor j (unitless, utility over
/// two positions): with p = P(i wins), s_j = j's total salience (probability that j
/// resists), EU_chlg = (1 − s_j)·2U_ki + s_j·(p·2U_ki + (1 − p)·2U_kj), minus the
/// status quo U_ki + U_kj. KTAB `probEduChlg`.
pub fn challenge_gain(p: f64, s_j: f64, u_ki: f64, u_kj: f64) -> f64 {
    let eu_sq = u_ki + u_kj;
    let eu_vict = 2.0 * u_ki;
    let eu_contest = p * (2.0 * u_ki) + (1.0 - p) * (2.0 * u_kj);
    let eu_chlg = (1.0 - s_j) * eu_vict + s_j * eu_contest;
    eu_chlg - eu_sq
}

/// KTAB's rounding of bargain coordinates to 4 decimals on the 0–1 scale:
/// trunc(0.5 + 1e4·x) / 1e4 (x ≥ 0).
pub fn round4(x: f64) -> f64 {
    (0.5 + 1e4 * x).trunc() / 1e4
}

/// Interpolated bargain on one dimension with weights `w_i` for i's position `x_i`
/// and `w_j` for j's `x_j` (S2P2: w = s²p², S1P1: w = s·p); each side keeps a 1e-6
/// extra pull toward itself. Returns (i's side, j's side), rounded to 4 dp (0–1 scale).
pub fn interpolated_bargain(w_i: f64, x_i: f64, w_j: f64, x_j: f64) -> (f64, f64) {
    let denom = w_i + INTERPOLATION_FLOOR + w_j;
    let b_i = ((w_i + INTERPOLATION_FLOOR) * x_i + w_j * x_j) / denom;
    let b_j = (w_i * x_i + (INTERPOLATION_FLOOR + w_j) * x_j) / denom;
    (round4(b_i), round4(b_j))
}

/// S2PMax bargain on one dimension: the side less likely to win (margin
/// d = max(0, p_other − p_own)) moves toward the other by
/// δ = d·s_other² / (d·s_other² + 1e-6 + (1 − d)·s_own²). Not rounded.
/// Returns (i's side, j's side).
pub fn max_margin_bargain(
    p_i: f64,
    s_i: f64,
    x_i: f64,
    p_j: f64,
    s_j: f64,
    x_j: f64,
) -> (f64, f64) {
    let step = |d: f64, s_own: f64, s_other: f64| {
        let a = d * s_other * s_other;
        a / (a + INTERPOLATION_FLOOR + (1.0 - d) * s_own * s_own)
    };
    let d_i = (p_j - p_i).max(0.0);
    let d_j = (p_i - p_j).max(0.0);
    let b_i = x_i + step(d_i, s_i, s_j) * (x_j - x_i);
    let b_j = x_j + step(d_j, s_j, s_i) * (x_i - x_j);
    (b_i, b_j)
}

/// The stopping ratio: this step's movement over the first step's (+1e-4).
pub fn movement_ratio(movement: f64, first_movement: f64) -> f64 {
    movement / (first_movement + FIRST_STEP_FLOOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_match_hand_computation() {
        let d = salience_weighted_distance(&[0.0, 0.0], &[1.0, 0.0], &[0.5, 0.5]);
        assert!((d - 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(spatial_utility(0.5, 0.0), 0.5);
        assert_eq!(spatial_utility(0.5, 1.0), 0.75);
        assert_eq!(risk_attitude(BigRRange::Mid, 0.5, 0.0, 0.5), 1.0);
        assert_eq!(risk_attitude(BigRRange::Mid, 0.0, 0.0, 0.5), -0.5);
        assert_eq!(risk_attitude(BigRRange::Mid, 0.2, 0.2, 0.2), 0.0);
        assert_eq!(round4(0.123_45), 0.1235);
        assert_eq!(round4(0.123_44), 0.1234);
        // Equal weights: halfway (up to the 1e-6 pull).
        let (bi, bj) = interpolated_bargain(0.25, 0.0, 0.25, 1.0);
        assert_eq!((bi, bj), (0.5, 0.5));
        // Certain win for i and j never resists: the gain is U_ki − U_kj.
        assert!((challenge_gain(1.0, 0.0, 1.0, 0.4) - 0.6).abs() < 1e-15);
    }
}
