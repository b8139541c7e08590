//! Inverse cumulative distribution functions: a uniform quantile u ∈ [0, 1)
//! becomes a value of the declared distribution.
//!
//! Every sampler (Monte Carlo, Latin hypercube, Saltelli) draws uniforms and
//! maps them through [`quantile`], so one code path serves them all and a
//! quantile such as the 5th percentile of a tornado bar is the same function.
//! Each mapping is monotone non-decreasing in u.

use guarantor_model::uncertainty::Distribution;

/// Value of `dist` at quantile `u`. `p_holds` is the chance a Bernoulli is 1
/// (already resolved from a red line's flexibility when `p` is not given).
pub fn quantile(dist: &Distribution, p_holds: f64, u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    match dist {
        Distribution::Uniform { min, max } => uniform_quantile(*min, *max, u),
        Distribution::Triangular { min, mode, max } => triangular_quantile(*min, *mode, *max, u),
        Distribution::Normal { mean, sd, min, max } => {
            truncated_normal_quantile(*mean, *sd, *min, *max, u)
        }
        Distribution::Pert { min, mode, max } => pert_quantile(*min, *mode, *max, u),
        Distribution::Discrete { values, weights } => discrete_quantile(values, weights, u),
        Distribution::Bernoulli { .. } => bernoulli_quantile(p_holds, u),
    }
}

/// Uniform on [a, b]: a + u(b − a).
pub fn uniform_quantile(a: f64, b: f64, u: f64) -> f64 {
    a + u * (b - a)
}

/// Triangular on [a, b] with mode c (e.g. Law & Kelton, *Simulation Modeling
/// and Analysis*, §8.3.15): below F(c) = (c − a)/(b − a) the value is
/// a + √(u(b − a)(c − a)), above it b − √((1 − u)(b − a)(b − c)).
///
/// Example: a = 2, c = 3, b = 5, u = 0.5 → 5 − √(0.5·3·2) ≈ 3.268.
pub fn triangular_quantile(a: f64, c: f64, b: f64, u: f64) -> f64 {
    let fc = (c - a) / (b - a);
    if u < fc {
        a + (u * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
    }
}

/// Standard normal cumulative distribution Φ(z) = ½ erfc(−z/√2).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Standard normal quantile Φ⁻¹(p): Acklam's rational approximation
/// (relative error 1.15e-9) refined by one Halley step on Φ, which brings it
/// to about machine precision.
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.02425;
    let x = if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step: e = Φ(x) − p, u = e·√(2π)·exp(x²/2).
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Normal(μ, σ) truncated to [a, b], by inversion:
/// x = μ + σ Φ⁻¹(Φ(α) + u(Φ(β) − Φ(α))), α = (a − μ)/σ, β = (b − μ)/σ
/// (e.g. Robert 1995, "Simulation of truncated normal variables"). The result
/// is clamped to [a, b] against rounding.
pub fn truncated_normal_quantile(mean: f64, sd: f64, a: f64, b: f64, u: f64) -> f64 {
    let fa = normal_cdf((a - mean) / sd);
    let fb = normal_cdf((b - mean) / sd);
    let p = fa + u * (fb - fa);
    (mean + sd * normal_quantile(p)).clamp(a, b)
}

/// PERT on [a, b] with mode m: a + (b − a)·X with X ~ Beta(α, β),
/// α = 1 + 4(m − a)/(b − a), β = 1 + 4(b − m)/(b − a) (Malcolm et al. 1959;
/// Vose, *Risk Analysis*, 2008). Mean (a + 4m + b)/6, variance (μ − a)(b − μ)/7.
///
/// Example: a = 0, m = 0.5, b = 1 → Beta(3, 3), median 0.5.
pub fn pert_quantile(a: f64, m: f64, b: f64, u: f64) -> f64 {
    let alpha = 1.0 + 4.0 * (m - a) / (b - a);
    let beta = 1.0 + 4.0 * (b - m) / (b - a);
    a + (b - a) * beta_quantile(alpha, beta, u)
}

/// Regularised incomplete beta function I_x(a, b), by the continued fraction
/// of Numerical Recipes (Press et al., 3rd ed., §6.4) with the modified Lentz
/// method, using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges faster.
pub fn beta_cdf(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front =
        libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Quantile of Beta(a, b) by bisection on [`beta_cdf`] (60 halvings: below 1e-15).
pub fn beta_quantile(a: f64, b: f64, u: f64) -> f64 {
    if u <= 0.0 {
        return 0.0;
    }
    if u >= 1.0 {
        return 1.0;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if beta_cdf(a, b, mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Discrete values with weights (equal when none are given): the smallest
/// value whose cumulative weight share exceeds u, values taken in ascending order.
pub fn discrete_quantile(values: &[f64], weights: &[f64], u: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = if weights.len() == values.len() {
        values
            .iter()
            .copied()
            .zip(weights.iter().copied())
            .collect()
    } else {
        values.iter().map(|&v| (v, 1.0)).collect()
    };
    pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let mut cum = 0.0;
    for &(v, w) in &pairs {
        cum += w / total;
        if u < cum {
            return v;
        }
    }
    pairs.last().map_or(f64::NAN, |p| p.0)
}

/// Bernoulli: 1 (holds) with probability p, else 0; 1 for the top p of quantiles.
pub fn bernoulli_quantile(p: f64, u: f64) -> f64 {
    if u >= 1.0 - p { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for p in [1e-10, 0.001, 0.02, 0.3, 0.5, 0.8, 0.975, 0.999_999] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() < 1e-13 * p.max(1e-3), "p {p}");
        }
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    }

    #[test]
    fn beta_cdf_matches_closed_forms() {
        // Beta(1, 1) is uniform; Beta(2, 1) has CDF x².
        assert!((beta_cdf(1.0, 1.0, 0.3) - 0.3).abs() < 1e-14);
        assert!((beta_cdf(2.0, 1.0, 0.3) - 0.09).abs() < 1e-14);
        // Beta(3, 3) is symmetric.
        assert!((beta_cdf(3.0, 3.0, 0.5) - 0.5).abs() < 1e-14);
        assert!((beta_quantile(2.0, 1.0, 0.25) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn worked_examples() {
        assert!((triangular_quantile(2.0, 3.0, 5.0, 0.5) - (5.0 - 3f64.sqrt())).abs() < 1e-12);
        assert!((pert_quantile(0.0, 0.5, 1.0, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(
            discrete_quantile(&[4.0, 2.0, 3.0], &[1.0, 1.0, 2.0], 0.2),
            2.0
        );
        assert_eq!(
            discrete_quantile(&[4.0, 2.0, 3.0], &[1.0, 1.0, 2.0], 0.5),
            3.0
        );
        assert_eq!(
            discrete_quantile(&[4.0, 2.0, 3.0], &[1.0, 1.0, 2.0], 0.9),
            4.0
        );
        assert_eq!(bernoulli_quantile(0.7, 0.29), 0.0);
        assert_eq!(bernoulli_quantile(0.7, 0.31), 1.0);
        let x = truncated_normal_quantile(0.7, 0.1, 0.5, 0.8, 0.0);
        assert!((x - 0.5).abs() < 1e-12);
    }
}
