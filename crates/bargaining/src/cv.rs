//! Honest scoring on DEU III: grouped k-fold cross-validation by dossier, train/test
//! scoring, and a paired bootstrap interval of the MAE difference against the
//! weighted mean. What `guarantor validate deu3` runs.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::Model;
use crate::deu3::{Capability, Deu3, forecast_issue};
use crate::error::{Error, Result};
use crate::fitted::{FitOptions, FittedModel, feature_rows, fit};
pub use crate::folds::grouped_folds;
use crate::rng::uniform01;

/// A forecaster to score: a parameter-free model, or the fitted model.
#[derive(Debug, Clone, PartialEq)]
pub enum Forecaster {
    /// One of [`Model`] (nothing is fitted; `--train` is ignored).
    Plain(Model),
    /// [`crate::fitted`], with how it chooses its hyper-parameters.
    Fitted(FitOptions),
}

impl Forecaster {
    /// `fitted`, or any name [`Model::from_name`] accepts.
    pub fn from_name(name: &str) -> Result<Forecaster> {
        if name.trim().eq_ignore_ascii_case("fitted") {
            Ok(Forecaster::Fitted(FitOptions::default()))
        } else {
            Model::from_name(name)
                .map(Forecaster::Plain)
                .map_err(|e| match e {
                    Error::UnknownName {
                        what,
                        given,
                        allowed,
                    } => Error::UnknownName {
                        what,
                        given,
                        allowed: format!("fitted, {allowed}"),
                    },
                    e => e,
                })
        }
    }

    /// The label used in reports.
    pub fn label(&self) -> String {
        match self {
            Forecaster::Fitted(_) => "fitted".into(),
            Forecaster::Plain(m) => crate::deu3::model_label(m),
        }
    }
}

/// A percentile bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The point estimate on the data as observed.
    pub estimate: f64,
    /// 2.5th percentile of the bootstrap distribution.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
    /// Number of bootstrap draws.
    pub draws: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// What was resampled: `dossiers` (all issues of a drawn dossier together).
    pub resampled: String,
}

impl Interval {
    /// Whether the interval excludes 0.
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// Linear-interpolation percentile (Hyndman & Fan type 7) of sorted values, q in [0, 1].
///
/// Example: [1, 2, 3, 4] at q = 0.5 gives 2.5; at q = 0.025 gives 1.075.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Paired cluster bootstrap of MAE(model) − MAE(baseline), points. Each draw takes as
/// many dossiers as there are, with replacement (draw b, pick j: dossier
/// ⌊u(seed, b, j) · G⌋), keeps every issue of each drawn dossier with both models'
/// errors (paired), and computes Σ(|e_model| − |e_base|) / (issues drawn). Resampling
/// dossiers rather than issues respects that issues of one dossier are decided together
/// (the cluster bootstrap; Efron & Tibshirani 1993, *An Introduction to the Bootstrap*).
/// Negative = the model is better. Deterministic for a seed.
///
/// Example: one dossier whose model errors are (1, 3) and baseline errors (2, 4): every
/// draw gives −1, so the interval is [−1, −1].
pub fn paired_bootstrap(
    model_errors: &[f64],
    base_errors: &[f64],
    groups: &[&str],
    draws: usize,
    seed: u64,
) -> Interval {
    let mut distinct: Vec<&str> = Vec::new();
    let mut sums: Vec<(f64, usize)> = Vec::new();
    for ((m, b), g) in model_errors.iter().zip(base_errors).zip(groups) {
        let i = match distinct.iter().position(|d| d == g) {
            Some(i) => i,
            None => {
                distinct.push(g);
                sums.push((0.0, 0));
                distinct.len() - 1
            }
        };
        sums[i].0 += m.abs() - b.abs();
        sums[i].1 += 1;
    }
    let total: f64 = sums.iter().map(|s| s.0).sum();
    let count: usize = sums.iter().map(|s| s.1).sum();
    let estimate = total / count.max(1) as f64;
    let g = sums.len();
    let mut stats: Vec<f64> = (0..draws)
        .into_par_iter()
        .map(|b| {
            let (mut t, mut c) = (0.0, 0usize);
            for j in 0..g {
                let pick = ((uniform01(seed, b as u64, j as u64) * g as f64) as usize).min(g - 1);
                t += sums[pick].0;
                c += sums[pick].1;
            }
            t / c.max(1) as f64
        })
        .collect();
    stats.sort_by(f64::total_cmp);
    Interval {
        estimate,
        low: percentile(&stats, 0.025),
        high: percentile(&stats, 0.975),
        draws,
        seed,
        resampled: "dossiers".into(),
    }
}

/// One scored issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredRow {
    /// The `isnr` id.
    pub issue: String,
    /// The model's forecast (0–100).
    pub forecast: f64,
    /// The real outcome (0–100).
    pub outcome: f64,
    /// The weighted mean's forecast (the baseline), 0–100.
    pub baseline: f64,
    /// The dossier (`prnr`).
    pub dossier: String,
    /// The cross-validation fold that held the issue out (0-based); `null` for a
    /// train/test run.
    pub fold: Option<usize>,
}

/// The result of `guarantor validate deu3`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The model label.
    pub model: String,
    /// Capability proxy of the parameter-free models and of the baseline.
    pub capability: Capability,
    /// `cross-validation` (grouped by dossier) or `train-test`.
    pub mode: String,
    /// Number of folds (cross-validation), or `null`.
    pub folds: Option<usize>,
    /// Number of scored issues.
    pub issues: usize,
    /// Mean absolute error of the model, points (0–100 scale).
    pub mae: f64,
    /// Mean absolute error of the weighted mean (the baseline) on the same issues.
    pub baseline_mae: f64,
    /// MAE(model) − MAE(weighted mean) with its paired bootstrap 95% interval.
    pub difference: Interval,
    /// One row per scored issue, in file order.
    pub rows: Vec<ScoredRow>,
    /// The fitted model(s): one per fold in cross-validation, one in train/test;
    /// empty for parameter-free models.
    pub fits: Vec<FittedModel>,
    /// Warnings about the inputs (e.g. a GDP line in only one of the two files).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Options of a validation run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Capability proxy for the parameter-free models and the baseline.
    pub capability: Capability,
    /// Outer folds of the cross-validation.
    pub folds: usize,
    /// Seed of the fold assignment and of the bootstrap.
    pub seed: u64,
    /// Bootstrap draws.
    pub draws: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            capability: Capability::Equal,
            folds: 10,
            seed: 21,
            draws: 2000,
        }
    }
}

/// The scoreable issues of a file, or an error naming why there are none.
fn scoreable(data: &Deu3) -> Result<Vec<&crate::deu3::Deu3Issue>> {
    let s: Vec<_> = data.issues.iter().filter(|i| i.is_scoreable()).collect();
    if s.is_empty() {
        return Err(crate::deu3::no_scoreable_issue(data));
    }
    Ok(s)
}

/// Forecasts of a parameter-free model on every scoreable issue of `data`.
fn plain_forecasts(data: &Deu3, model: &Model, capability: Capability) -> Result<Vec<f64>> {
    scoreable(data)?
        .par_iter()
        .map(|i| forecast_issue(model, &i.scenario(data, capability)))
        .collect()
}

fn finish(
    data: &Deu3,
    forecaster: &Forecaster,
    options: RunOptions,
    forecasts: Vec<f64>,
    folds: Option<(usize, Vec<usize>)>,
    fits: Vec<FittedModel>,
) -> Result<Report> {
    let issues = scoreable(data)?;
    let base = plain_forecasts(data, &Model::Compromise, options.capability)?;
    let rows: Vec<ScoredRow> = issues
        .iter()
        .enumerate()
        .map(|(k, i)| ScoredRow {
            issue: i.id.clone(),
            forecast: forecasts[k],
            outcome: i.outcome.unwrap_or(f64::NAN),
            baseline: base[k],
            dossier: if i.dossier.is_empty() {
                i.id.clone()
            } else {
                i.dossier.clone()
            },
            fold: folds.as_ref().map(|f| f.1[k]),
        })
        .collect();
    let n = rows.len() as f64;
    let e_model: Vec<f64> = rows.iter().map(|r| r.forecast - r.outcome).collect();
    let e_base: Vec<f64> = rows.iter().map(|r| r.baseline - r.outcome).collect();
    let groups: Vec<&str> = rows.iter().map(|r| r.dossier.as_str()).collect();
    Ok(Report {
        model: forecaster.label(),
        capability: options.capability,
        mode: if folds.is_some() {
            "cross-validation".into()
        } else {
            "train-test".into()
        },
        folds: folds.map(|f| f.0),
        issues: rows.len(),
        mae: e_model.iter().map(|e| e.abs()).sum::<f64>() / n,
        baseline_mae: e_base.iter().map(|e| e.abs()).sum::<f64>() / n,
        difference: paired_bootstrap(&e_model, &e_base, &groups, options.draws, options.seed),
        rows,
        fits,
        notes: Vec::new(),
    })
}

/// Grouped k-fold cross-validation on one file: every issue is forecast by a model
/// fitted on the other folds only, and no fold shares a dossier with another
/// ([`grouped_folds`] on `prnr`). Parameter-free models are simply run on every issue
/// (their forecasts do not depend on the folds). The fitted model chooses its
/// hyper-parameters inside each outer training part (nested cross-validation), and
/// needs the `prnr` column; without it the other models treat each issue as its own
/// dossier (for the folds and the bootstrap).
pub fn cross_validate(data: &Deu3, forecaster: &Forecaster, options: RunOptions) -> Result<Report> {
    let issues = scoreable(data)?;
    if data.columns.dossier.is_none() && matches!(forecaster, Forecaster::Fitted(_)) {
        return Err(Error::parse(
            1,
            1,
            "header",
            "no \"prnr\" (dossier) column, so cross-validation cannot keep a dossier's issues together",
            "use the DEU III file with its original header, or score a separate test file with --train",
        ));
    }
    let groups: Vec<&str> = issues
        .iter()
        .map(|i| {
            if i.dossier.is_empty() {
                i.id.as_str()
            } else {
                i.dossier.as_str()
            }
        })
        .collect();
    let folds = grouped_folds(&groups, options.folds, options.seed);
    let k = folds.iter().copied().max().map_or(1, |m| m + 1);
    match forecaster {
        Forecaster::Plain(m) => {
            let f = plain_forecasts(data, m, options.capability)?;
            finish(data, forecaster, options, f, Some((k, folds)), Vec::new())
        }
        Forecaster::Fitted(fo) => {
            if options.folds < 2 {
                return Err(Error::scenario(
                    format!(
                        "{} fold(s): cross-validation needs at least 2",
                        options.folds
                    ),
                    "give --folds 2 or more (default 10)",
                ));
            }
            if k < 2 {
                return Err(Error::scenario(
                    "cross-validation needs at least 2 dossiers",
                    "give more issues, or score a separate test file with --train",
                ));
            }
            let rows = feature_rows(data)?;
            let per_fold = (0..k)
                .into_par_iter()
                .map(|f| {
                    let train: Vec<_> = rows
                        .iter()
                        .zip(&folds)
                        .filter(|(_, g)| **g != f)
                        .map(|p| p.0.clone())
                        .collect();
                    fit(&train, fo)
                })
                .collect::<Result<Vec<_>>>()?;
            let forecasts = rows
                .iter()
                .zip(&folds)
                .map(|(r, &f)| per_fold[f].predict(r))
                .collect();
            finish(
                data,
                forecaster,
                options,
                forecasts,
                Some((k, folds)),
                per_fold,
            )
        }
    }
}

/// Fits on `train` (the fitted model only) and scores every scoreable issue of `test`.
pub fn train_test(
    train: Option<&Deu3>,
    test: &Deu3,
    forecaster: &Forecaster,
    options: RunOptions,
) -> Result<Report> {
    match forecaster {
        Forecaster::Plain(m) => {
            let f = plain_forecasts(test, m, options.capability)?;
            finish(test, forecaster, options, f, None, Vec::new())
        }
        Forecaster::Fitted(fo) => {
            let train = train.ok_or_else(|| {
                Error::scenario(
                    "the fitted model was given no training file",
                    "pass --train FILE, or leave out --train to cross-validate on the one file",
                )
            })?;
            // A feature missing from one file would mean something else in the other:
            // without a GDP line in both, gdp_mean is left out of the fit.
            let has_gdp = |d: &Deu3| d.gdp.iter().any(Option::is_some);
            let gdp_mismatch = has_gdp(train) != has_gdp(test);
            let mut fo = fo.clone();
            if gdp_mismatch {
                let gdp = crate::fitted::FEATURE_NAMES
                    .iter()
                    .position(|n| *n == "gdp_mean")
                    .unwrap_or(usize::MAX);
                for set in &mut fo.feature_sets {
                    set.retain(|&j| j != gdp);
                }
            }
            let model = fit(&feature_rows(train)?, &fo)?;
            let rows = feature_rows(test)?;
            let forecasts = rows.iter().map(|r| model.predict(r)).collect();
            let mut report = finish(test, forecaster, options, forecasts, None, vec![model])?;
            if gdp_mismatch {
                report.notes.push(format!(
                    "the GDP line (line 2 of DEU III) is in the {} file only, so the gdp_mean feature was left out of the fit; copy that line into both files to use it",
                    if has_gdp(train) { "training" } else { "test" }
                ));
            }
            Ok(report)
        }
    }
}

/// The human-readable summary of a report.
pub fn report_text(r: &Report) -> String {
    let how = match r.folds {
        Some(k) => format!("{k}-fold cross-validation grouped by dossier"),
        None => "fitted on the training file, scored on this file".into(),
    };
    let d = &r.difference;
    let verdict = if d.excludes_zero() {
        if d.estimate < 0.0 {
            "significantly better than the weighted mean"
        } else {
            "significantly worse than the weighted mean"
        }
    } else {
        "not significantly different from the weighted mean"
    };
    let mut s = format!(
        "DEU III, model {}, {how}: {} issues, mean absolute error {:.2} (weighted mean {:.2}).\nDifference {:+.2}, 95% interval [{:+.2}, {:+.2}] ({} draws over {}, seed {}): {verdict}.\n",
        r.model,
        r.issues,
        r.mae,
        r.baseline_mae,
        d.estimate,
        d.low,
        d.high,
        d.draws,
        d.resampled,
        d.seed
    );
    for n in &r.notes {
        s.push_str(&format!("Note: {n}.\n"));
    }
    if let [m] = r.fits.as_slice() {
        s.push_str(&format!(
            "Fitted on {} issues: loss {:?}, λ {}, features {} (inner CV MAE {:.2}); coefficients:\n",
            m.training_issues,
            m.hyper.loss,
            m.hyper.lambda,
            if m.hyper.features.len() == crate::fitted::NUM_FEATURES {
                "all".to_string()
            } else {
                m.hyper.features.join(", ")
            },
            m.inner_cv_mae
        ));
        for (n, b) in &m.coefficients {
            s.push_str(&format!("  {n:<22} {b:+.3}\n"));
        }
    }
    s
}

/// `guarantor validate deu3 TEST [--train TRAIN]`: reads the files and scores `model`
/// on TEST — fitted on TRAIN when given (parameter-free models ignore it), else by
/// grouped cross-validation on TEST. Every error about a file's content names the file
/// and the line. `options.seed` also seeds the fitted model's inner folds.
pub fn validate_files(
    test_path: &std::path::Path,
    train_path: Option<&std::path::Path>,
    model: &str,
    options: RunOptions,
) -> Result<Report> {
    let forecaster = match Forecaster::from_name(model)? {
        Forecaster::Fitted(fo) => Forecaster::Fitted(FitOptions {
            seed: options.seed,
            ..fo
        }),
        plain => plain,
    };
    let test = crate::deu3::read_deu3(test_path)?;
    scoreable(&test).map_err(|e| e.in_file(test_path))?;
    let fitted = matches!(forecaster, Forecaster::Fitted(_));
    if fitted {
        feature_rows(&test).map_err(|e| e.in_file(test_path))?;
    }
    match train_path {
        Some(tp) if fitted => {
            let train = crate::deu3::read_deu3(tp)?;
            scoreable(&train).map_err(|e| e.in_file(tp))?;
            feature_rows(&train).map_err(|e| e.in_file(tp))?;
            train_test(Some(&train), &test, &forecaster, options)
        }
        Some(_) => train_test(None, &test, &forecaster, options),
        None => cross_validate(&test, &forecaster, options).map_err(|e| match e {
            e @ Error::Parse { .. } => e.in_file(test_path),
            e => e,
        }),
    }
}
