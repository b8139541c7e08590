//! The samplers reproduce known moments, and Latin hypercube draws are stratified.

use guarantor_model::uncertainty::Distribution;
use guarantor_uncertainty::dist::{normal_cdf, quantile};
use guarantor_uncertainty::{Plan, Sampler};

const N: usize = 200_000;

/// Mean and variance of `dist` over N Monte Carlo draws.
fn moments(dist: &Distribution, sampler: Sampler) -> (f64, f64) {
    let plan = Plan::new(sampler, 42, N, 1);
    let x: Vec<f64> = (0..N)
        .map(|i| quantile(dist, 0.5, plan.draw(i)[0]))
        .collect();
    let mean = x.iter().sum::<f64>() / N as f64;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (N - 1) as f64;
    (mean, var)
}

fn close(label: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{label}: got {got}, want {want} ± {tol}"
    );
}

#[test]
fn uniform_moments() {
    let (m, v) = moments(&Distribution::Uniform { min: 2.0, max: 5.0 }, Sampler::Mc);
    close("mean", m, 3.5, 0.01);
    close("variance", v, 9.0 / 12.0, 0.01);
}

#[test]
fn triangular_moments() {
    let (a, c, b) = (2.0, 3.0, 5.0);
    let (m, v) = moments(
        &Distribution::Triangular {
            min: a,
            mode: c,
            max: b,
        },
        Sampler::Mc,
    );
    close("mean", m, (a + b + c) / 3.0, 0.01);
    close(
        "variance",
        v,
        (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
        0.005,
    );
}

#[test]
fn pert_moments() {
    let (a, c, b) = (0.1, 0.2, 0.3 + 0.2);
    let (m, v) = moments(
        &Distribution::Pert {
            min: a,
            mode: c,
            max: b,
        },
        Sampler::Mc,
    );
    let mean = (a + 4.0 * c + b) / 6.0;
    close("mean", m, mean, 0.001);
    close("variance", v, (mean - a) * (b - mean) / 7.0, 0.0001);
}

#[test]
fn truncated_normal_mean() {
    let (mu, sd, a, b) = (0.5, 0.08, 0.3, 0.6);
    let (m, _) = moments(
        &Distribution::Normal {
            mean: mu,
            sd,
            min: a,
            max: b,
        },
        Sampler::Mc,
    );
    let phi = |z: f64| (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let (al, be) = ((a - mu) / sd, (b - mu) / sd);
    let want = mu + sd * (phi(al) - phi(be)) / (normal_cdf(be) - normal_cdf(al));
    close("mean", m, want, 0.001);
}

#[test]
fn discrete_frequencies_follow_the_weights() {
    let d = Distribution::Discrete {
        values: vec![2.0, 3.0, 4.0],
        weights: vec![1.0, 2.0, 1.0],
    };
    let plan = Plan::new(Sampler::Mc, 9, N, 1);
    let threes = (0..N)
        .filter(|&i| quantile(&d, 0.5, plan.draw(i)[0]) == 3.0)
        .count();
    close("share of 3", threes as f64 / N as f64, 0.5, 0.005);
}

#[test]
fn bernoulli_holds_with_its_probability() {
    let d = Distribution::Bernoulli { p: None };
    let plan = Plan::new(Sampler::Mc, 3, N, 1);
    let holds = (0..N)
        .filter(|&i| quantile(&d, 0.7, plan.draw(i)[0]) == 1.0)
        .count();
    close("P(holds)", holds as f64 / N as f64, 0.7, 0.005);
}

#[test]
fn latin_hypercube_uses_every_stratum_once_per_factor() {
    let n = 250;
    let plan = Plan::new(Sampler::Lhs, 11, n, 6);
    let rows: Vec<Vec<f64>> = (0..n).map(|i| plan.draw(i)).collect();
    for f in 0..6 {
        let mut strata: Vec<usize> = rows.iter().map(|r| (r[f] * n as f64) as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..n).collect::<Vec<_>>(), "factor {f}");
    }
    // Factors are paired at random, not along the diagonal.
    let same = rows
        .iter()
        .filter(|r| (r[0] * n as f64) as usize == (r[1] * n as f64) as usize)
        .count();
    assert!(same < 10);
}

#[test]
fn latin_hypercube_gives_the_exact_uniform_mean_more_closely_than_monte_carlo() {
    let d = Distribution::Uniform { min: 0.0, max: 1.0 };
    let n = 1000;
    let err = |sampler| {
        let plan = Plan::new(sampler, 5, n, 1);
        let m = (0..n)
            .map(|i| quantile(&d, 0.5, plan.draw(i)[0]))
            .sum::<f64>()
            / n as f64;
        (m - 0.5).abs()
    };
    assert!(err(Sampler::Lhs) < 1e-3, "LHS error {}", err(Sampler::Lhs));
    assert!(err(Sampler::Lhs) < err(Sampler::Mc));
}
