//! The fitted DEU III forecast (`--model fitted`): a regularised linear correction of
//! the salience-weighted mean, learnt only from the training issues it is given.
//!
//! For issue i with weighted mean m_i the forecast is
//! `clamp(m_i + Σ_k β_k x_ik, 0, 100)` ([`predict_point`]), where every feature x_ik is
//! a signed distance from m_i in points of the 0–100 scale ([`issue_features`]): the
//! weighted median, the Commission's and the Parliament's positions (per procedure),
//! the reference point (per decision rule), the veto player nearest the reference point
//! under unanimity, the centre of the scale and the GDP-weighted mean. With β = 0 the
//! forecast is the weighted mean itself, so the ridge penalty shrinks towards the
//! baseline. There is no intercept, so the forecast does not depend on which end of an
//! issue's scale is called 0 (mirroring every position mirrors the forecast).
//!
//! β is fitted by ridge-penalised least squares or least absolute deviations
//! ([`fit_coefficients`]); the loss and the penalty λ are chosen by grouped (by dossier)
//! cross-validation inside the training issues ([`fit`]). Nothing is fitted on any data
//! outside the training issues, and no fitted number is stored in the code.

use serde::{Deserialize, Serialize};

use crate::deu3::{Deu3, Deu3Issue};
use crate::error::{Error, Result};
use crate::simple::{weighted_mean, weighted_median};

/// The features, in design-matrix order. Each is a signed distance from the weighted
/// mean, in points (0–100 scale); see [`issue_features`].
pub const FEATURE_NAMES: &[&str] = &[
    "median",
    "commission_cod",
    "commission_cns",
    "parliament_cod",
    "parliament_cns",
    "status_quo_qmv",
    "status_quo_unanimity",
    "veto_unanimity",
    "centre",
    "gdp_mean",
    "unweighted_mean",
    "nearest_position",
];

/// Number of features.
pub const NUM_FEATURES: usize = 12;

/// One issue ready for fitting or forecasting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRow {
    /// The `isnr` id.
    pub issue: String,
    /// The dossier (`prnr`), or the issue id when the file gives none.
    pub dossier: String,
    /// Salience-weighted mean of all actors' positions (equal capabilities), 0–100.
    pub mean: f64,
    /// The features, [`FEATURE_NAMES`] order, points.
    pub x: [f64; NUM_FEATURES],
    /// The real outcome, 0–100.
    pub outcome: f64,
}

/// The procedure of an issue: co-decision gives the Parliament a veto, consultation
/// only an opinion.
fn is_codecision(data: &Deu3, issue: &Deu3Issue) -> Result<bool> {
    match issue.procedure.trim().to_ascii_uppercase().as_str() {
        "COD" => Ok(true),
        "CNS" => Ok(false),
        other => Err(Error::parse(
            issue.line,
            data.columns.procedure.unwrap_or(1),
            "procedure (proc)",
            if data.columns.procedure.is_none() {
                "the file has no \"proc\" column".to_string()
            } else {
                format!("\"{other}\" is neither COD nor CNS")
            },
            "the fitted model needs each issue's procedure: COD (co-decision) or CNS (consultation)",
        )),
    }
}

/// The Council's rule: unanimity (`Unan`) or qualified majority (`QMV`, `QMV(10)`).
fn is_unanimity(data: &Deu3, issue: &Deu3Issue) -> Result<bool> {
    let r = issue.rule.trim().to_ascii_uppercase();
    if r == "UNAN" {
        Ok(true)
    } else if r.starts_with("QMV") {
        Ok(false)
    } else {
        Err(Error::parse(
            issue.line,
            data.columns.rule.unwrap_or(1),
            "decision rule (counvte)",
            if data.columns.rule.is_none() {
                "the file has no \"counvte\" column".to_string()
            } else {
                format!("\"{r}\" is neither QMV nor Unan")
            },
            "the fitted model needs the Council's decision rule: QMV or Unan",
        ))
    }
}

/// The veto player nearest the status quo: among the member states with a position,
/// the position closest to the reference point (points, 0–100). Under unanimity any
/// state can block, and the state that likes change least bounds how far the outcome
/// moves from the status quo (Tsebelis 2002, *Veto Players*). Ties go to the first
/// state in column order.
///
/// Example: states at 20, 60 and 90 with the reference point at 100 give 90.
pub fn nearest_veto_player(member_positions: &[f64], reference_point: f64) -> Option<f64> {
    member_positions
        .iter()
        .copied()
        .fold(None, |best, x| match best {
            Some(b) if (b - reference_point).abs() <= (x - reference_point).abs() => Some(b),
            _ => Some(x),
        })
}

/// The features of one issue (points; each is a signed distance from the weighted
/// mean m, so 0 means "no information beyond m"):
///
/// - `median`: weighted median − m;
/// - `commission_cod` / `commission_cns`: (pcom − m) under co-decision / consultation
///   (0 when pcom is missing or under the other procedure);
/// - `parliament_cod` / `parliament_cns`: the same for pep;
/// - `status_quo_qmv` / `status_quo_unanimity`: (rp − m) under QMV / unanimity (0 when rp
///   is missing);
/// - `veto_unanimity`: ([`nearest_veto_player`] − m) under unanimity with rp known;
/// - `centre`: 50 − m;
/// - `gdp_mean`: GDP × salience weighted mean − m (0 without a GDP line);
/// - `unweighted_mean`: plain mean of the positions − m (saliences ignored);
/// - `nearest_position`: the actor position nearest m − m (β = 1 snaps the forecast to
///   a position someone holds; ties go to the lower position).
///
/// Weights are saliences (capabilities equal), as in the baseline. Source: the
/// procedural and compromise models compared on DEU data by Thomson et al. (2006, *The
/// European Union Decides*) and the veto-player argument of Tsebelis (2002). Example (hand-checked
/// in the tests): com 100, ep 0, two states at 0 and 60, all saliences 50, rp 100,
/// COD, Unan: m = 40, median = 0, so median −40, commission_cod 60, parliament_cod −40,
/// status_quo_unanimity 60, veto_unanimity 20, centre 10, unweighted_mean 0,
/// nearest_position 20 (60 is the position nearest 40).
pub fn issue_features(data: &Deu3, issue: &Deu3Issue) -> Result<FeatureRow> {
    let cod = is_codecision(data, issue)?;
    let unan = is_unanimity(data, issue)?;
    let known = issue.known_actors();
    let x: Vec<f64> = known
        .iter()
        .map(|&i| issue.positions[i].unwrap_or(0.0))
        .collect();
    let w: Vec<f64> = known
        .iter()
        .map(|&i| issue.saliences[i].unwrap_or(0.0))
        .collect();
    let ones = vec![1.0; x.len()];
    let mean = weighted_mean(&x, &w)
        .or_else(|| weighted_mean(&x, &ones))
        .ok_or_else(|| {
            Error::parse(
                issue.line,
                1,
                "positions",
                "no actor has both a position and a salience",
                "give at least one actor's position and salience",
            )
        })?;
    let median = weighted_median(&x, &w)
        .or_else(|| weighted_median(&x, &ones))
        .unwrap_or(mean);
    let gdp_w: Vec<f64> = known
        .iter()
        .zip(&w)
        .map(|(&i, s)| data.gdp[i].filter(|g| *g > 0.0).map(|g| g * s))
        .collect::<Option<Vec<f64>>>()
        .unwrap_or_default();
    let gdp_mean = if gdp_w.len() == x.len() {
        weighted_mean(&x, &gdp_w).unwrap_or(mean)
    } else {
        mean
    };
    let actor = |code: &str| {
        data.actors
            .iter()
            .position(|a| a == code)
            .and_then(|i| issue.positions[i])
    };
    let dev = |v: Option<f64>| v.map_or(0.0, |v| v - mean);
    let (com, ep) = (dev(actor("com")), dev(actor("ep")));
    let rp = issue.reference_point;
    let members: Vec<f64> = data
        .actors
        .iter()
        .enumerate()
        .filter(|(_, a)| *a != "com" && *a != "ep")
        .filter_map(|(i, _)| issue.positions[i])
        .collect();
    let veto = rp.and_then(|r| nearest_veto_player(&members, r));
    let by = |flag: bool, v: f64| if flag { v } else { 0.0 };
    let plain = weighted_mean(&x, &ones).unwrap_or(mean);
    let nearest = x
        .iter()
        .copied()
        .min_by(|a, b| {
            (a - mean)
                .abs()
                .total_cmp(&(b - mean).abs())
                .then(a.total_cmp(b))
        })
        .unwrap_or(mean);
    Ok(FeatureRow {
        issue: issue.id.clone(),
        dossier: if issue.dossier.is_empty() {
            issue.id.clone()
        } else {
            issue.dossier.clone()
        },
        mean,
        x: [
            median - mean,
            by(cod, com),
            by(!cod, com),
            by(cod, ep),
            by(!cod, ep),
            by(!unan, dev(rp)),
            by(unan, dev(rp)),
            by(unan, dev(veto)),
            50.0 - mean,
            gdp_mean - mean,
            plain - mean,
            nearest - mean,
        ],
        outcome: issue.outcome.unwrap_or(f64::NAN),
    })
}

/// The feature rows of every scoreable issue of a file, in file order.
pub fn feature_rows(data: &Deu3) -> Result<Vec<FeatureRow>> {
    data.issues
        .iter()
        .filter(|i| i.is_scoreable())
        .map(|i| issue_features(data, i))
        .collect()
}

/// The forecast for one issue: clamp(m + Σ_k β_k x_k, 0, 100), in points (0–100).
/// Source: this module's design, a linear correction of the weighted mean
/// (`docs/forecast.md`).
///
/// Example: m = 40, x = (10, −20), β = (0.5, 0.25) give 40 + 5 − 5 = 40; m = 95,
/// x = (20), β = (0.5) give 105, clamped to 100.
pub fn predict_point(mean: f64, x: &[f64], beta: &[f64]) -> f64 {
    let y = mean + x.iter().zip(beta).map(|(a, b)| a * b).sum::<f64>();
    y.clamp(0.0, 100.0)
}

/// The training loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// Mean squared error (ordinary ridge regression).
    Squared,
    /// Mean absolute error (least absolute deviations, the score's own loss), solved by
    /// iteratively reweighted least squares.
    Absolute,
}

/// Hyper-parameters: the loss, the relative ridge penalty λ (see
/// [`fit_coefficients`]) and the features used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hyper {
    /// The training loss.
    pub loss: Loss,
    /// Relative penalty (unit-free): 0 is no shrinkage; λ = 1 penalises ‖β‖² as much as
    /// one average squared feature value per issue; infinity (`null` in JSON) gives
    /// β = 0, the weighted mean itself.
    pub lambda: f64,
    /// The features used (names from [`FEATURE_NAMES`]); the others have β = 0.
    pub features: Vec<String>,
}

/// Solves A β = b for a small dense symmetric positive-definite system by Gaussian
/// elimination with partial pivoting (Golub & Van Loan, *Matrix Computations*, §3.4);
/// β in the units of b over those of A. `None` if A is singular to working precision.
///
/// Example: A = [[2, 1], [1, 3]], b = [3, 5] give β = (0.8, 1.4).
pub fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let scale = a
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() <= 1e-13 * scale {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            if f != 0.0 {
                let pivot_row = a[c].clone();
                for (v, p) in a[r].iter_mut().zip(&pivot_row).skip(c) {
                    *v -= f * p;
                }
                b[r] -= f * b[c];
            }
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = (b[c] - s) / a[c][c];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Weighted ridge normal equations: (Xᵀ W X + ρ I) β = Xᵀ W r, with r = outcome − m.
fn weighted_ridge(rows: &[&FeatureRow], weights: &[f64], rho: f64) -> Option<Vec<f64>> {
    let p = NUM_FEATURES;
    let mut a = vec![vec![0.0; p]; p];
    let mut b = vec![0.0; p];
    for (row, &w) in rows.iter().zip(weights) {
        let r = row.outcome - row.mean;
        for (j, (aj, bj)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
            *bj += w * row.x[j] * r;
            for (ajk, xk) in aj.iter_mut().zip(&row.x) {
                *ajk += w * row.x[j] * xk;
            }
        }
    }
    for (j, aj) in a.iter_mut().enumerate() {
        aj[j] += rho;
    }
    solve_linear(a, b)
}

/// Smallest |residual| used as an IRLS weight denominator, points: keeps weights finite
/// when a fit passes through an outcome exactly.
pub const IRLS_FLOOR: f64 = 0.05;

/// Fits β on the training rows. With n rows, s = the mean squared feature value
/// (points², over all rows and features) and σ = the mean |outcome − m| (points):
///
/// - squared loss minimises (1/n) Σ r_i² + λ s ‖β‖²;
/// - absolute loss minimises (1/n) Σ |r_i| + λ (s/σ) ‖β‖² by iteratively reweighted
///   least squares (weights 1/max(|r_i|, [`IRLS_FLOOR`]), at most 200 rounds, stop
///   when no coefficient moves by 1e-9),
///
/// where r_i = outcome_i − m_i − β·x_i (points); β is unit-free. Sources: ridge
/// regression (Hoerl & Kennard 1970), least absolute deviations by iteratively
/// reweighted least squares (Schlossmacher 1973). The factors s and s/σ make λ unit-free. A
/// 1e-9 · s ridge is always added so that a feature that is 0 on every training issue
/// (e.g. no unanimity issue) gets β = 0 instead of a singular system. λ = ∞ gives β = 0.
///
/// Example (tests): outcomes exactly m + 0.5·x₀ recover β₀ = 0.5 with λ = 0.
pub fn fit_coefficients(rows: &[&FeatureRow], loss: Loss, lambda: f64) -> Result<Vec<f64>> {
    let n = rows.len();
    if n == 0 {
        return Err(Error::scenario(
            "no training issue to fit on",
            "give a training file with scoreable issues (an outcome in 0–100 and at least 3 actors)",
        ));
    }
    if lambda.is_infinite() {
        return Ok(vec![0.0; NUM_FEATURES]);
    }
    let s = rows
        .iter()
        .flat_map(|r| r.x.iter())
        .map(|v| v * v)
        .sum::<f64>()
        / (n * NUM_FEATURES) as f64;
    let s = if s > 0.0 { s } else { 1.0 };
    let singular = || {
        Error::scenario(
            "the training issues give a singular least-squares system",
            "use more training issues",
        )
    };
    let ones = vec![1.0; n];
    let beta =
        weighted_ridge(rows, &ones, n as f64 * (lambda * s + 1e-9 * s)).ok_or_else(singular)?;
    match loss {
        Loss::Squared => Ok(beta),
        Loss::Absolute => {
            let sigma = rows.iter().map(|r| (r.outcome - r.mean).abs()).sum::<f64>() / n as f64;
            let sigma = sigma.max(IRLS_FLOOR);
            // (1/n) Σ r²/(2 a_i) + λ (s/σ) ‖β‖²  ⇒  (XᵀWX + 2nλ(s/σ) I) β = XᵀW r.
            let rho = 2.0 * n as f64 * (lambda * s / sigma) + n as f64 * 1e-9 * s;
            let mut beta = beta;
            for _ in 0..200 {
                let w: Vec<f64> = rows
                    .iter()
                    .map(|r| {
                        let res = r.outcome - r.mean - dot(&r.x, &beta);
                        1.0 / res.abs().max(IRLS_FLOOR)
                    })
                    .collect();
                let next = weighted_ridge(rows, &w, rho).ok_or_else(singular)?;
                let moved = next
                    .iter()
                    .zip(&beta)
                    .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
                beta = next;
                if moved < 1e-9 {
                    break;
                }
            }
            Ok(beta)
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Mean absolute error of β on rows (points).
fn mae_of(rows: &[&FeatureRow], beta: &[f64]) -> f64 {
    rows.iter()
        .map(|r| (predict_point(r.mean, &r.x, beta) - r.outcome).abs())
        .sum::<f64>()
        / rows.len().max(1) as f64
}

/// How [`fit`] chooses its hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Losses tried.
    pub losses: Vec<Loss>,
    /// Relative penalties λ tried (infinity = the weighted mean itself).
    pub lambdas: Vec<f64>,
    /// Feature sets tried (indices into [`FEATURE_NAMES`]).
    pub feature_sets: Vec<Vec<usize>>,
    /// Inner cross-validation folds (grouped by dossier).
    pub inner_folds: usize,
    /// Seed of the inner fold assignment.
    pub seed: u64,
}

impl Default for FitOptions {
    /// Both losses; λ ∈ {∞, 10, 3, 1, 0.3, 0.1, 0.03, 0.01, 0}; all features together
    /// (choosing among subsets as well was tried and did worse, see
    /// `docs/forecast.md`); 5 inner folds; seed 21.
    fn default() -> Self {
        FitOptions {
            losses: vec![Loss::Squared, Loss::Absolute],
            lambdas: vec![f64::INFINITY, 10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.0],
            feature_sets: vec![(0..NUM_FEATURES).collect()],
            inner_folds: 5,
            seed: 21,
        }
    }
}

impl FitOptions {
    /// The default search restricted to one feature set.
    pub fn only(features: Vec<usize>) -> Self {
        FitOptions {
            feature_sets: vec![features],
            ..FitOptions::default()
        }
    }
}

/// A model fitted on training issues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedModel {
    /// The chosen hyper-parameters.
    pub hyper: Hyper,
    /// `[feature, β]`, [`FEATURE_NAMES`] order.
    pub coefficients: Vec<(String, f64)>,
    /// The inner cross-validated MAE of the chosen hyper-parameters (points).
    pub inner_cv_mae: f64,
    /// Number of training issues.
    pub training_issues: usize,
}

impl FittedModel {
    /// The forecast for one issue (points, 0–100).
    pub fn predict(&self, row: &FeatureRow) -> f64 {
        let beta: Vec<f64> = self.coefficients.iter().map(|c| c.1).collect();
        predict_point(row.mean, &row.x, &beta)
    }
}

/// Keeps only the chosen features (the others are set to 0).
fn masked(rows: &[FeatureRow], features: &[usize]) -> Vec<FeatureRow> {
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            for (j, v) in r.x.iter_mut().enumerate() {
                if !features.contains(&j) {
                    *v = 0.0;
                }
            }
            r
        })
        .collect()
}

/// Grouped cross-validated MAE of one (features, loss, λ) inside `rows` (points).
fn inner_score(
    rows: &[FeatureRow],
    folds: &[usize],
    k: usize,
    loss: Loss,
    lambda: f64,
) -> Result<f64> {
    let mut total = 0.0;
    for f in 0..k {
        let tr: Vec<&FeatureRow> = rows
            .iter()
            .zip(folds)
            .filter(|(_, g)| **g != f)
            .map(|p| p.0)
            .collect();
        let te: Vec<&FeatureRow> = rows
            .iter()
            .zip(folds)
            .filter(|(_, g)| **g == f)
            .map(|p| p.0)
            .collect();
        let beta = fit_coefficients(&tr, loss, lambda)?;
        total += mae_of(&te, &beta) * te.len() as f64;
    }
    Ok(total / rows.len().max(1) as f64)
}

/// Fits the model on `train` only. For every feature set, loss and λ of the options,
/// the MAE of grouped `inner_folds`-fold cross-validation inside `train` (folds by
/// dossier, [`crate::folds::grouped_folds`]); the combination with the smallest MAE wins
/// (it must beat the ones tried before it by more than 1e-9 points, and the search
/// runs from the simplest: λ = ∞ first, the full feature set before single features,
/// squared loss before absolute); β is then fitted on all of `train` with it. With a
/// single dossier there is nothing to cross-validate and λ = ∞ (the weighted mean) is
/// returned when the options offer it.
pub fn fit(train: &[FeatureRow], options: &FitOptions) -> Result<FittedModel> {
    if train.is_empty() {
        return Err(Error::scenario(
            "the training set holds no scoreable issue",
            "give a training file with issues that have an outcome in 0–100 and at least 3 actors with a position and a salience",
        ));
    }
    let groups: Vec<&str> = train.iter().map(|r| r.dossier.as_str()).collect();
    let folds = crate::folds::grouped_folds(&groups, options.inner_folds, options.seed);
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let mut lambdas = options.lambdas.clone();
    lambdas.sort_by(|a, b| b.total_cmp(a));
    let mut best: Option<(f64, Loss, f64, &Vec<usize>)> = None;
    for lambda in lambdas {
        for set in &options.feature_sets {
            let rows = masked(train, set);
            for &loss in &options.losses {
                let score = if k < 2 {
                    0.0
                } else {
                    inner_score(&rows, &folds, k, loss, lambda)?
                };
                if best.is_none_or(|b| score < b.0 - 1e-9) {
                    best = Some((score, loss, lambda, set));
                }
            }
        }
    }
    let (inner_cv_mae, loss, lambda, set) = best.ok_or_else(|| {
        Error::scenario(
            "no hyper-parameter to choose from",
            "give at least one loss, one λ and one feature set",
        )
    })?;
    let rows = masked(train, set);
    let all: Vec<&FeatureRow> = rows.iter().collect();
    let beta = fit_coefficients(&all, loss, lambda)?;
    Ok(FittedModel {
        hyper: Hyper {
            loss,
            lambda,
            features: set.iter().map(|&j| FEATURE_NAMES[j].to_string()).collect(),
        },
        coefficients: FEATURE_NAMES
            .iter()
            .zip(beta)
            .map(|(n, b)| (n.to_string(), b))
            .collect(),
        inner_cv_mae,
        training_issues: rows.len(),
    })
}
