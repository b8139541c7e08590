//! End-to-end: `guarantor uncertainty` as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn guarantor() -> Command {
    Command::cargo_bin("guarantor").unwrap()
}

const SMALL: &[&str] = &[
    "uncertainty",
    "--draws",
    "40",
    "--packages",
    "top:2",
    "--tornado-draws",
    "4",
    "--sobol",
    "64",
    "--threads",
    "2",
];

#[test]
fn text_output_has_the_ranking_the_tornado_and_the_prim_boxes() {
    guarantor()
        .args(SMALL)
        .assert()
        .success()
        .stdout(predicate::str::contains("Robust ranking"))
        .stdout(predicate::str::contains(
            "P(accepted) for the robust top package",
        ))
        .stdout(predicate::str::contains("Tornado for"))
        .stdout(predicate::str::contains("Where"))
        .stdout(predicate::str::contains("of draws where"))
        // No progress bar: stderr is not a terminal here.
        .stderr(predicate::str::is_empty());
}

#[test]
fn json_carries_everything_and_repeats_exactly() {
    let run = || {
        let out = guarantor().args(SMALL).arg("--json").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = run();
    assert_eq!(first, run(), "same seed, same output");
    let v: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(v["draws"], 40);
    assert_eq!(v["sampler"], "lhs");
    let ranking = v["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), 2);
    for key in [
        "passes",
        "feasible",
        "accepted",
        "cost_per_year",
        "expected_deterrence",
    ] {
        assert!(ranking[0].get(key).is_some(), "ranking lacks {key}");
    }
    assert!(ranking[0]["passes"]["se"].is_number());
    assert!(ranking[0]["accepted"]["ru"]["p"].is_number());
    let sens = &v["sensitivity"];
    assert!(sens["tornado"]["bars"].as_array().unwrap().len() > 5);
    assert!(sens["sobol"].is_object() || sens["sobol_note"].is_string());
    assert!(v["discovery"]["boxes"].is_array());
    let paths: Vec<&str> = v["uncertainties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"parameters.rotation.land"));
}

#[test]
fn bad_options_get_clear_errors() {
    guarantor()
        .args(["uncertainty", "--sampler", "sobolx"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--sampler \"sobolx\" must be mc"));
    guarantor()
        .args(["uncertainty", "--sobol", "10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("at least 64 base rows"));
    guarantor()
        .args(["uncertainty", "--packages", "top:0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("top:K with K ≥ 1"));
    guarantor()
        .args(["uncertainty", "--packages", "all", "--draws", "100000"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "lower --draws or study fewer packages",
        ));
}

#[test]
fn a_scenario_without_uncertainties_is_refused_with_a_hint() {
    let file = format!(
        "{}/../model/tests/data/small.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    guarantor()
        .args(["uncertainty", &file, "--draws", "10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("declares no uncertainties"))
        .stderr(predicate::str::contains("[[uncertainty]]"));
}

#[test]
fn option_chooses_the_package_to_study_and_joins_it_to_the_ranking() {
    let out = guarantor()
        .args([
            "uncertainty",
            "--draws",
            "30",
            "--packages",
            "top:1",
            "--tornado-draws",
            "3",
            "--sobol",
            "0",
            "--option",
            "ground_force=reassurance_small",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let label = v["sensitivity"]["package"].as_str().unwrap();
    assert!(label.starts_with("reassurance_small · "), "{label}");
    assert_eq!(v["sensitivity"]["chosen_as"], "chosen by the user");
    assert_eq!(v["discovery"]["package"], label);
    let ranking = v["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), 2);
    assert!(ranking.iter().any(|p| p["label"] == label));

    guarantor()
        .args([
            "uncertainty",
            "--draws",
            "5",
            "--option",
            "ground_forse=none",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "unknown component \"ground_forse\"",
        ));
}

/// The P(pass) of each package from the experiments table's `pkgR.pass` column.
fn p_pass_from_columns(names: &[String], rows: &[Vec<String>], rank: usize) -> f64 {
    let col = names
        .iter()
        .position(|n| *n == format!("pkg{rank}.pass"))
        .unwrap_or_else(|| panic!("no pkg{rank}.pass column"));
    let hits = rows.iter().filter(|r| r[col] == "true").count();
    hits as f64 / rows.len() as f64
}

#[test]
fn the_experiments_table_reads_back_and_gives_the_ranking_s_p_pass() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "parquet"] {
        let path = dir.path().join(format!("draws.{ext}"));
        let out = guarantor()
            .args(SMALL)
            .args(["--json", "--experiments"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        // Read the table back as strings, whatever the format.
        let (names, rows): (Vec<String>, Vec<Vec<String>>) = if ext == "csv" {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut lines = text.lines();
            let names = lines
                .next()
                .unwrap()
                .split(',')
                .map(str::to_string)
                .collect();
            let rows = lines
                .map(|l| l.split(',').map(str::to_string).collect())
                .collect();
            (names, rows)
        } else {
            let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
            let names = r
                .metadata()
                .file_metadata()
                .schema_descr()
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect();
            let rows = r
                .get_row_iter(None)
                .unwrap()
                .map(|row| {
                    row.unwrap()
                        .get_column_iter()
                        .map(|(_, f)| match f {
                            Field::Bool(b) => b.to_string(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (names, rows)
        };
        assert_eq!(rows.len(), 40, "{ext}: one row per draw");
        assert_eq!(names[0], "draw");
        let draw: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
        assert_eq!(draw[0], "0");
        assert_eq!(draw[39], "39");
        let factors = v["factors"].as_array().unwrap().len();
        assert_eq!(
            names.iter().filter(|n| n.starts_with("quantile.")).count(),
            factors
        );
        for u in v["uncertainties"].as_array().unwrap() {
            let c = format!("value.{}", u["path"].as_str().unwrap());
            assert!(names.contains(&c), "{ext}: no {c}");
        }
        let ranking = v["ranking"].as_array().unwrap();
        for p in ranking {
            let rank = p["rank"].as_u64().unwrap() as usize;
            let want = p["passes"]["p"].as_f64().unwrap();
            assert_eq!(
                p_pass_from_columns(&names, &rows, rank),
                want,
                "{ext}: P(pass) of pkg{rank}"
            );
            for actor in ["ru", "ua"] {
                for what in ["accepts", "margin"] {
                    let c = format!("pkg{rank}.{what}.{actor}");
                    assert!(names.contains(&c), "{ext}: no {c}");
                }
            }
        }
    }
}

#[test]
fn a_bad_experiments_path_fails_at_once_with_a_clear_error() {
    guarantor()
        .args(SMALL)
        .args(["--experiments", "draws.xlsx"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "must end in .csv, .parquet or .json",
        ));
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/draws.csv");
    guarantor()
        .args(SMALL)
        .arg("--experiments")
        .arg(&missing)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "cannot write the experiments table",
        ));
}

#[test]
fn metric_and_prim_options_are_checked() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["uncertainty", "--regret-outcome", "utility"],
            "--regret-outcome \"utility\" is not an outcome",
        ),
        (
            &["uncertainty", "--satisfice", "cost>=5"],
            "must be an upper bound",
        ),
        (&["uncertainty", "--prim-alpha", "0.9"], "--prim-alpha"),
        (&["uncertainty", "--prim-mass-min", "0"], "--prim-mass-min"),
        (&["uncertainty", "--prim-boxes", "0"], "--prim-boxes"),
        (
            &["uncertainty", "--replicates", "600"],
            "--replicates must be between 1 and half the draws",
        ),
        (
            &["uncertainty", "--morris", "1"],
            "--morris needs at least 2",
        ),
        (
            &["uncertainty", "--sobol-rows", "halton"],
            "--sobol-rows \"halton\"",
        ),
        (&["uncertainty", "--packages", "adaptive:0"], "adaptive:K"),
    ];
    for (args, expected) in cases {
        guarantor()
            .args(*args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(*expected));
    }
}

#[test]
fn json_has_the_prim_trace_the_metrics_and_the_sobol_convergence() {
    let out = guarantor()
        .args(SMALL)
        .args([
            "--json",
            "--satisfice",
            "cost<=100000,deterrence>=0.1",
            "--morris",
            "3",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["comparison"];
    assert_eq!(c["regret_outcome"], "deterrence-if-pass");
    let ps = c["packages"].as_array().unwrap();
    assert_eq!(ps.len(), 2);
    assert!(ps[0]["behind_top"].is_null());
    assert!(ps[1]["behind_top"]["se_paired"].is_number());
    assert!(ps[0]["satisficing"]["p"].is_number());
    assert!(ps[0]["max_regret"].as_f64().unwrap() >= ps[0]["p90_regret"].as_f64().unwrap());
    if let Some(b) = v["discovery"]["boxes"].as_array().unwrap().first() {
        let t = &b["trace"];
        let peeling = t["peeling"].as_array().unwrap();
        let chosen = t["chosen"].as_u64().unwrap() as usize;
        assert!(chosen < peeling.len());
        assert!(t["why"].as_str().unwrap().contains("coverage"));
        assert_eq!(peeling[0]["restrictions"].as_array().unwrap().len(), 0);
    }
    let m = &v["sensitivity"]["morris"];
    let factors = v["factors"].as_array().unwrap().len();
    assert_eq!(m["factors"].as_array().unwrap().len(), factors);
    assert_eq!(m["runs"].as_u64().unwrap() as usize, 3 * (factors + 1));
    for f in m["factors"].as_array().unwrap() {
        assert!(f["mu_star"].as_f64().unwrap() >= f["mu"].as_f64().unwrap().abs() - 1e-12);
    }
    if v["sensitivity"]["sobol"].is_object() {
        let s = &v["sensitivity"]["sobol"];
        assert_eq!(s["rows"], "scrambled-sobol");
        assert_eq!(s["bootstrap"], 200);
        assert_eq!(s["convergence"].as_array().unwrap().len(), 3);
        assert!(s["factors"][0]["total_order_raw"].is_number());
        // Failure modes, cost and deterrence from the same runs.
        let required = v["required_acceptance"].as_array().unwrap().len();
        let others = v["sensitivity"]["sobol_outcomes"].as_array().unwrap();
        assert_eq!(others.len(), 1 + required + 2);
        assert_eq!(others[0]["outcome"], "infeasible");
        assert_eq!(others[required + 1]["outcome"], "cost per year");
        for x in others {
            assert!(x["indices"].is_object() || x["note"].is_string());
        }
    }
}

#[test]
fn the_saltelli_design_reads_back_and_gives_the_total_order_indices() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saltelli.csv");
    let out = guarantor()
        .args(SMALL)
        .args(["--json", "--saltelli"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sobol = &v["sensitivity"]["sobol"];
    let factors = sobol["factors"].as_array().unwrap();
    let k = factors.len();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let names: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 64 * (k + 2), "one row per run");
    let col = |name: &str| names.iter().position(|n| *n == name).unwrap();
    let (matrix, row, pass) = (col("matrix"), col("row"), col("out.pass"));
    // f(A), f(B) and f(A_B⁽ⁱ⁾) by base row.
    let mut f = vec![vec![f64::NAN; 64]; k + 2];
    for r in &rows {
        let m: usize = r[matrix].parse().unwrap();
        let j: usize = r[row].parse().unwrap();
        f[m][j] = r[pass].parse().unwrap();
    }
    assert!(f.iter().flatten().all(|x| *x == 0.0 || *x == 1.0));
    let n = 64.0;
    let mean = (f[0].iter().sum::<f64>() + f[1].iter().sum::<f64>()) / (2.0 * n);
    let var = f[0]
        .iter()
        .chain(&f[1])
        .map(|y| (y - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n - 1.0);
    assert!((sobol["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
    // Jansen's total-order estimator from the table, against the raw index reported.
    for (i, fi) in factors.iter().enumerate() {
        let total = f[0]
            .iter()
            .zip(&f[2 + i])
            .map(|(a, ab)| (a - ab).powi(2))
            .sum::<f64>()
            / (2.0 * n * var);
        let reported = fi["total_order_raw"].as_f64().unwrap();
        assert!(
            (total - reported).abs() < 1e-12,
            "{}: {total} vs {reported}",
            fi["factor"]
        );
    }
    // Refused when there is no Sobol' analysis to write.
    guarantor()
        .args(["uncertainty", "--sobol", "0", "--saltelli"])
        .arg(dir.path().join("none.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("--sobol 0 skips it"));
}
