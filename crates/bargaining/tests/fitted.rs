//! The fitted DEU III model and its honest scoring: hand-checked features and fits,
//! grouped folds that never split a dossier, a deterministic bootstrap, the report's
//! JSON layout, and located errors for bad training and test files.

use crate::common;

use guarantor_bargaining::cv::{
    Forecaster, RunOptions, cross_validate, grouped_folds, paired_bootstrap, percentile,
    train_test, validate_files,
};
use guarantor_bargaining::deu3::{Deu3, parse_deu3, read_deu3};
use guarantor_bargaining::fitted::{
    FEATURE_NAMES, FeatureRow, FitOptions, Loss, NUM_FEATURES, feature_rows, fit, fit_coefficients,
    issue_features, nearest_veto_player, predict_point, solve_linear,
};
use proptest::prelude::*;

/// A small DEU III-shaped file: com, ep and two states (a, b).
const HEADER: &str = "\"prnr\"\t\"isnr\"\t\"proc\"\t\"counvte\"\t\"pcom\"\t\"pep\"\t\"pa\"\t\"pb\"\t\"scom\"\t\"sep\"\t\"sa\"\t\"sb\"\t\"rp\"\t\"out\"";
const GDP: &str = "\t\t\t\t1\t1\t2\t1\t\t\t\t\t\t";

fn small(rows: &[&str]) -> Deu3 {
    let text = format!("{HEADER}\n{GDP}\n{}\n", rows.join("\n"));
    parse_deu3(&text).unwrap()
}

#[test]
fn features_of_the_documented_example() {
    let d = small(&["d1\td1i1\tCOD\tUnan\t100\t0\t0\t60\t50\t50\t50\t50\t100\t70"]);
    let r = issue_features(&d, &d.issues[0]).unwrap();
    assert_eq!(r.mean, 40.0);
    assert_eq!(r.dossier, "d1");
    let named: Vec<(&str, f64)> = FEATURE_NAMES.iter().copied().zip(r.x).collect();
    let expect = [
        ("median", -40.0),
        ("commission_cod", 60.0),
        ("commission_cns", 0.0),
        ("parliament_cod", -40.0),
        ("parliament_cns", 0.0),
        ("status_quo_qmv", 0.0),
        ("status_quo_unanimity", 60.0),
        ("veto_unanimity", 20.0),
        ("centre", 10.0),
        // GDP weights 1, 1, 2, 1 × salience 50: (100 + 0 + 0 + 60) / 5 = 32.
        ("gdp_mean", -8.0),
        ("unweighted_mean", 0.0),
        ("nearest_position", 20.0),
    ];
    assert_eq!(named, expect);
}

#[test]
fn consultation_and_qmv_move_the_features_to_their_own_columns() {
    let d = small(&["d1\td1i1\tCNS\tQMV(10)\t100\t0\t0\t60\t50\t50\t50\t50\t\t70"]);
    let r = issue_features(&d, &d.issues[0]).unwrap();
    // No reference point: both status-quo features and the veto feature are 0.
    assert_eq!(&r.x[1..8], &[0.0, 60.0, 0.0, -40.0, 0.0, 0.0, 0.0]);
}

#[test]
fn veto_player_and_prediction_examples() {
    assert_eq!(nearest_veto_player(&[20.0, 60.0, 90.0], 100.0), Some(90.0));
    assert_eq!(nearest_veto_player(&[40.0, 60.0], 50.0), Some(40.0));
    assert_eq!(nearest_veto_player(&[], 50.0), None);
    assert_eq!(predict_point(40.0, &[10.0, -20.0], &[0.5, 0.25]), 40.0);
    assert_eq!(predict_point(95.0, &[20.0], &[0.5]), 100.0);
    assert_eq!(predict_point(5.0, &[-20.0], &[0.5]), 0.0);
}

#[test]
fn linear_solver_example() {
    let x = solve_linear(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]).unwrap();
    assert!(
        (x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12,
        "{x:?}"
    );
    assert!(solve_linear(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]).is_none());
}

fn row(id: &str, dossier: &str, mean: f64, x0: f64, outcome: f64) -> FeatureRow {
    let mut x = [0.0; NUM_FEATURES];
    x[0] = x0;
    FeatureRow {
        issue: id.into(),
        dossier: dossier.into(),
        mean,
        x,
        outcome,
    }
}

#[test]
fn least_squares_recovers_an_exact_slope_and_lad_ignores_an_outlier() {
    // outcome = mean + 0.5 x0 exactly.
    let rows: Vec<FeatureRow> = [-20.0, -10.0, 10.0, 20.0, 30.0]
        .iter()
        .enumerate()
        .map(|(i, &x)| row(&format!("i{i}"), "d", 50.0, x, 50.0 + 0.5 * x))
        .collect();
    let refs: Vec<&FeatureRow> = rows.iter().collect();
    let b = fit_coefficients(&refs, Loss::Squared, 0.0).unwrap();
    assert!((b[0] - 0.5).abs() < 1e-6, "{b:?}");
    assert!(
        b[1..].iter().all(|v| v.abs() < 1e-9),
        "unused features stay 0"
    );
    // A ridge penalty shrinks the slope towards 0 (the weighted mean): Σx² = 1900,
    // s = 1900 / (5 issues · 12 features), so β = 0.5 · 1900 / (1900 + 5 · 1 · s).
    let shrunk = fit_coefficients(&refs, Loss::Squared, 1.0).unwrap();
    let s = 1900.0 / 60.0;
    assert!(
        (shrunk[0] - 0.5 * 1900.0 / (1900.0 + 5.0 * s)).abs() < 1e-6,
        "{shrunk:?}"
    );
    assert_eq!(
        fit_coefficients(&refs, Loss::Squared, f64::INFINITY).unwrap(),
        vec![0.0; NUM_FEATURES]
    );
    // One wild outcome drags least squares but not least absolute deviations.
    let mut bad = rows.clone();
    bad.push(row("out", "d", 50.0, 40.0, 0.0));
    let refs: Vec<&FeatureRow> = bad.iter().collect();
    let ls = fit_coefficients(&refs, Loss::Squared, 0.0).unwrap();
    let lad = fit_coefficients(&refs, Loss::Absolute, 0.0).unwrap();
    assert!(ls[0] < 0.2, "least squares follows the outlier: {ls:?}");
    assert!((lad[0] - 0.5).abs() < 0.01, "LAD keeps the slope: {lad:?}");
}

#[test]
fn fit_chooses_no_shrinkage_when_the_signal_is_exact_and_the_mean_when_there_is_none() {
    let exact: Vec<FeatureRow> = (0..40)
        .map(|i| {
            let x = (i as f64 * 7.0) % 41.0 - 20.0;
            row(
                &format!("i{i}"),
                &format!("d{}", i / 2),
                50.0,
                x,
                50.0 + 0.5 * x,
            )
        })
        .collect();
    let m = fit(&exact, &FitOptions::default()).unwrap();
    assert!((m.coefficients[0].1 - 0.5).abs() < 1e-3, "{m:?}");
    assert!(m.hyper.lambda < 0.01, "{m:?}");
    assert!(m.inner_cv_mae < 0.05);
    // Outcomes unrelated to x0 (alternating ±10 around the mean): λ = ∞ wins.
    let noise: Vec<FeatureRow> = (0..40)
        .map(|i| {
            let x = (i as f64 * 7.0) % 41.0 - 20.0;
            let y = if (i / 2) % 2 == 0 { 60.0 } else { 40.0 };
            row(&format!("i{i}"), &format!("d{}", i / 2), 50.0, x, y)
        })
        .collect();
    let m = fit(&noise, &FitOptions::default()).unwrap();
    assert!(m.hyper.lambda.is_infinite(), "{m:?}");
    assert_eq!(m.predict(&noise[3]), 50.0);
    assert!(fit(&[], &FitOptions::default()).is_err());
}

proptest! {
    /// No dossier is split across folds, every fold is used, and no fold is empty.
    #[test]
    fn grouped_folds_never_mix_dossiers(
        groups in proptest::collection::vec(0u8..30, 1..200),
        k in 1usize..12,
        seed in any::<u64>(),
    ) {
        let names: Vec<String> = groups.iter().map(|g| format!("d{g}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let folds = grouped_folds(&refs, k, seed);
        prop_assert_eq!(folds.len(), refs.len());
        let distinct: std::collections::BTreeSet<&str> = refs.iter().copied().collect();
        let kk = k.min(distinct.len());
        for d in &distinct {
            let f: std::collections::BTreeSet<usize> = refs
                .iter()
                .zip(&folds)
                .filter(|(g, _)| *g == d)
                .map(|(_, f)| *f)
                .collect();
            prop_assert_eq!(f.len(), 1, "dossier {} is in folds {:?}", d, f);
        }
        for f in 0..kk {
            prop_assert!(folds.contains(&f), "fold {} is empty", f);
        }
        prop_assert!(folds.iter().all(|&f| f < kk));
        prop_assert_eq!(&folds, &grouped_folds(&refs, k, seed));
    }
}

#[test]
fn folds_balance_issue_counts() {
    // 20 dossiers of 1 to 4 issues into 4 folds: the greedy fill keeps folds within the
    // largest dossier's size of each other.
    let names: Vec<String> = (0..20)
        .flat_map(|d| std::iter::repeat_n(format!("d{d}"), 1 + d % 4))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let folds = grouped_folds(&refs, 4, 7);
    let sizes: Vec<usize> = (0..4)
        .map(|f| folds.iter().filter(|&&g| g == f).count())
        .collect();
    let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    assert!(hi - lo <= 4, "{sizes:?}");
}

#[test]
fn percentile_examples() {
    assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    assert!((percentile(&[1.0, 2.0, 3.0, 4.0], 0.025) - 1.075).abs() < 1e-12);
    assert!(percentile(&[], 0.5).is_nan());
}

#[test]
fn bootstrap_is_deterministic_for_a_seed_and_pairs_errors() {
    // The documented example: one dossier, every draw gives −1.
    let one = paired_bootstrap(&[1.0, 3.0], &[2.0, 4.0], &["d", "d"], 200, 5);
    assert_eq!((one.estimate, one.low, one.high), (-1.0, -1.0, -1.0));
    assert!(one.excludes_zero());
    let m: Vec<f64> = (0..60).map(|i| ((i * 37) % 23) as f64).collect();
    let b: Vec<f64> = (0..60).map(|i| ((i * 11) % 19) as f64).collect();
    let names: Vec<String> = (0..60).map(|i| format!("d{}", i / 3)).collect();
    let g: Vec<&str> = names.iter().map(String::as_str).collect();
    let a1 = paired_bootstrap(&m, &b, &g, 500, 42);
    let a2 = paired_bootstrap(&m, &b, &g, 500, 42);
    let a3 = paired_bootstrap(&m, &b, &g, 500, 43);
    assert_eq!(a1, a2);
    assert_ne!((a1.low, a1.high), (a3.low, a3.high));
    assert!(a1.low < a1.estimate && a1.estimate < a1.high, "{a1:?}");
    let mean_diff = m.iter().zip(&b).map(|(x, y)| x - y).sum::<f64>() / 60.0;
    assert!((a1.estimate - mean_diff).abs() < 1e-12);
}

fn deu3() -> Deu3 {
    read_deu3(common::data("deu3/deu3.tsv")).unwrap()
}

/// A quick search for the debug-build tests (the default searches more).
fn quick() -> FitOptions {
    FitOptions {
        losses: vec![Loss::Squared],
        lambdas: vec![f64::INFINITY, 1.0, 0.1],
        inner_folds: 3,
        ..FitOptions::default()
    }
}

#[test]
fn cross_validated_weighted_mean_is_the_23_64_baseline_with_zero_difference() {
    let r = cross_validate(
        &deu3(),
        &Forecaster::from_name("compromise").unwrap(),
        RunOptions::default(),
    )
    .unwrap();
    assert_eq!(r.issues, 351);
    assert_eq!(format!("{:.2}", r.mae), "23.64");
    assert_eq!(r.mae, r.baseline_mae);
    assert_eq!((r.difference.low, r.difference.high), (0.0, 0.0));
    assert_eq!(r.folds, Some(10));
}

#[test]
fn fitted_cross_validation_keeps_dossiers_whole_and_fits_each_fold() {
    let d = deu3();
    let opts = RunOptions {
        folds: 5,
        draws: 200,
        ..RunOptions::default()
    };
    let r = cross_validate(&d, &Forecaster::Fitted(quick()), opts).unwrap();
    assert_eq!(r.issues, 351);
    assert_eq!(r.fits.len(), 5);
    let mut fold_of = std::collections::BTreeMap::new();
    for row in &r.rows {
        let f = row.fold.unwrap();
        assert_eq!(
            *fold_of.entry(row.dossier.clone()).or_insert(f),
            f,
            "{}",
            row.dossier
        );
        assert!((0.0..=100.0).contains(&row.forecast));
    }
    // Each fold's model was fitted on the issues of the other folds only.
    for (f, m) in r.fits.iter().enumerate() {
        let held_out = r.rows.iter().filter(|x| x.fold == Some(f)).count();
        assert_eq!(m.training_issues, 351 - held_out);
    }
    // The same seed gives the same report.
    let again = cross_validate(&d, &Forecaster::Fitted(quick()), opts).unwrap();
    assert_eq!(r, again);
}

#[test]
fn report_json_layout() {
    let d = deu3();
    let mut train = d.clone();
    let mut test = d.clone();
    train.issues.truncate(250);
    test.issues.drain(..250);
    let opts = RunOptions {
        draws: 100,
        ..RunOptions::default()
    };
    let r = train_test(Some(&train), &test, &Forecaster::Fitted(quick()), opts).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["model"], "fitted");
    assert_eq!(v["mode"], "train-test");
    assert!(v["folds"].is_null());
    assert!(v["mae"].as_f64().unwrap() > 0.0);
    let row = &v["rows"][0];
    for key in ["issue", "forecast", "outcome", "baseline", "dossier"] {
        assert!(!row[key].is_null(), "rows[0].{key}");
    }
    assert_eq!(
        row["issue"],
        test.issues.iter().find(|i| i.is_scoreable()).unwrap().id
    );
    for key in ["estimate", "low", "high", "draws", "seed"] {
        assert!(!v["difference"][key].is_null(), "difference.{key}");
    }
    assert_eq!(v["difference"]["resampled"], "dossiers");
    assert_eq!(
        v["fits"][0]["coefficients"].as_array().unwrap().len(),
        NUM_FEATURES
    );
    // 241 of the first 250 issues are scoreable.
    assert_eq!(
        train.issues.iter().filter(|i| i.is_scoreable()).count(),
        241
    );
    assert_eq!(v["fits"][0]["training_issues"], 241);
}

fn tmp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("guarantor-h21-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn bad_training_and_test_files_name_the_file_and_line() {
    let good = tmp(
        "good.tsv",
        &format!(
            "{HEADER}\n{GDP}\n{}\n{}\n",
            "d1\td1i1\tCOD\tQMV\t100\t0\t0\t60\t50\t50\t50\t50\t100\t70",
            "d2\td2i1\tCNS\tUnan\t0\t20\t0\t60\t50\t50\t50\t50\t0\t10"
        ),
    );
    let opts = RunOptions {
        draws: 50,
        ..RunOptions::default()
    };
    // A malformed training file.
    let bad = tmp(
        "bad_train.tsv",
        &format!("{HEADER}\n{GDP}\nd1\td1i1\tCOD\tQMV\t100\tabc\t0\t60\t50\t50\t50\t50\t100\t70\n"),
    );
    let e = validate_files(&good, Some(&bad), "fitted", opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bad_train.tsv") && e.contains("line 3, column 6"),
        "{e}"
    );
    // An empty training set (header and GDP line only).
    let empty = tmp("empty_train.tsv", &format!("{HEADER}\n{GDP}\n"));
    let e = validate_files(&good, Some(&empty), "fitted", opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty_train.tsv") && e.contains("line"), "{e}");
    // A test file without the columns the fitted model needs.
    let no_proc = tmp(
        "no_proc.tsv",
        "\"prnr\"\t\"isnr\"\t\"pa\"\t\"pb\"\t\"pc\"\t\"sa\"\t\"sb\"\t\"sc\"\t\"out\"\n\t\t1\t1\t1\t\t\t\t\nd1\tx1\t10\t20\t30\t50\t50\t50\t20\n",
    );
    let e = validate_files(&no_proc, Some(&good), "fitted", opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no_proc.tsv") && e.contains("line 3") && e.contains("proc"),
        "{e}"
    );
    // An unknown procedure value is located too.
    let odd = tmp(
        "odd_proc.tsv",
        &format!("{HEADER}\n{GDP}\nd1\td1i1\tXYZ\tQMV\t100\t0\t0\t60\t50\t50\t50\t50\t100\t70\n"),
    );
    let e = validate_files(&odd, Some(&good), "fitted", opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("odd_proc.tsv") && e.contains("line 3, column 3") && e.contains("XYZ"),
        "{e}"
    );
    // Parameter-free models ignore --train (even a bad one) and still need no proc.
    let r = validate_files(&no_proc, Some(&bad), "compromise", opts).unwrap();
    assert_eq!(r.mode, "train-test");
    // Cross-validation needs the dossier column.
    let no_prnr = tmp(
        "no_prnr.tsv",
        "\"isnr\"\t\"pa\"\t\"pb\"\t\"pc\"\t\"sa\"\t\"sb\"\t\"sc\"\t\"out\"\n\t1\t1\t1\t\t\t\t\nx1\t10\t20\t30\t50\t50\t50\t20\n",
    );
    let e = validate_files(&no_prnr, None, "fitted", opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no_prnr.tsv") && e.contains("prnr"), "{e}");
    // The parameter-free models need no dossiers: each issue is its own.
    let r = validate_files(&no_prnr, None, "compromise", opts).unwrap();
    assert_eq!(r.rows[0].dossier, "x1");
    let one_fold = RunOptions { folds: 1, ..opts };
    let e = validate_files(&good, None, "fitted", one_fold)
        .unwrap_err()
        .to_string();
    assert!(e.contains("--folds 2 or more"), "{e}");
    let e = validate_files(&good, None, "nonsense", opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("fitted"), "{e}");
}

#[test]
fn a_file_without_the_gdp_line_starts_its_issues_on_line_2() {
    let text = format!("{HEADER}\nd1\td1i1\tCOD\tQMV\t100\t0\t0\t60\t50\t50\t50\t50\t100\t70\n");
    let d = parse_deu3(&text).unwrap();
    assert_eq!(d.issues.len(), 1);
    assert_eq!(d.issues[0].line, 2);
    assert!(d.gdp.iter().all(Option::is_none));
    // Without GDP the GDP-weighted mean is the weighted mean.
    let r = feature_rows(&d).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].x[9], 0.0);
}

#[test]
fn a_gdp_line_in_only_one_file_keeps_gdp_mean_out_of_the_fit() {
    let d = deu3();
    let mut train = d.clone();
    let mut test = d.clone();
    train.issues.truncate(250);
    test.issues.drain(..250);
    test.gdp = vec![None; test.gdp.len()];
    let opts = RunOptions {
        draws: 50,
        ..RunOptions::default()
    };
    let r = train_test(Some(&train), &test, &Forecaster::Fitted(quick()), opts).unwrap();
    let fit = &r.fits[0];
    assert!(
        !fit.hyper.features.iter().any(|f| f == "gdp_mean"),
        "{fit:?}"
    );
    assert_eq!(fit.coefficients[9], ("gdp_mean".to_string(), 0.0));
    assert!(r.notes[0].contains("training file only"), "{:?}", r.notes);
    // With the line in both files there is no note.
    let both = train_test(Some(&train), &d, &Forecaster::Fitted(quick()), opts).unwrap();
    assert!(both.notes.is_empty());
}
