//! End-to-end: the `guarantor` binary as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn guarantor() -> Command {
    Command::cargo_bin("guarantor").unwrap()
}

/// A file of the bad-input corpus.
fn bad(name: &str) -> String {
    format!(
        "{}/../../tests/bad-inputs/scenario/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn data(path: &str) -> String {
    format!("{}/../model/tests/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn run_with_no_arguments_uses_the_embedded_scenario() {
    guarantor()
        .arg("run")
        .assert()
        .success()
        .stdout(predicate::str::contains("ukraine-2025-08"))
        .stdout(predicate::str::contains("8,208 packages evaluated"))
        .stdout(predicate::str::contains("Excluded: 432 packages"))
        .stdout(predicate::str::contains("ru undetermined"));
    // With exact codings (precision 0) packages pass and form a frontier.
    guarantor()
        .args(["run", "--set", "parameters.acceptance_precision=0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("rejected by ru"))
        .stdout(predicate::str::contains("Frontier"));
}

#[test]
fn run_json_has_the_documented_fields() {
    let out = guarantor()
        .args([
            "run",
            "--json",
            "--top",
            "3",
            "--set",
            "parameters.acceptance_precision=0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["evaluated"], 8208);
    assert_eq!(v["counts"]["excluded"], 432);
    assert_eq!(v["failures"]["excluded_by"].as_object().unwrap().len(), 1);
    // How many distinct allocation sub-problems were solved, and where the time went.
    assert!(v["stats"]["subproblems"].as_u64().unwrap() > 0);
    assert!(v["stats"]["allocation_seconds"].as_f64().unwrap() >= 0.0);
    assert!(v["stats"]["screening_seconds"].as_f64().unwrap() >= 0.0);
    let packages = v["packages"].as_array().unwrap();
    // The top 3 of the 4 passing packages (exact codings).
    assert_eq!(packages.len(), 3);
    for p in packages {
        for key in [
            "options",
            "feasible",
            "shortfalls",
            "allocation",
            "acceptance",
            "acceptable_to_required",
            "deterrence",
            "cost_per_year",
            "frontier",
            "undetermined",
            "in_place_by_days",
        ] {
            assert!(p.get(key).is_some(), "missing {key}");
        }
        let ru = &p["acceptance"]["ru"];
        for key in ["accepts", "verdict", "utility", "margin", "reasons"] {
            assert!(ru.get(key).is_some(), "missing acceptance.{key}");
        }
    }
    assert!(!v["frontier"].as_array().unwrap().is_empty());
}

#[test]
fn explain_says_when_the_package_is_in_place() {
    // Fighters and materiel are Tier 1 (10 days), US batteries and monitors
    // Tier 2 (30 days): in place by D+30.
    let options = [
        "--option",
        "command=coalition_national_flags",
        "--option",
        "air_defence=us_systems",
        "--option",
        "air_cover=border_air_policing",
        "--option",
        "weapons=halted",
        "--option",
        "commitment=art5_like_binding",
        "--option",
        "monitoring=ground_teams",
    ];
    let out = guarantor()
        .arg("explain")
        .args(options)
        .arg("--json")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["in_place_by_days"], 30.0);
    let lines = v["allocation"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["capability"] == "fighters" && l["days_to_deploy"] == 10.0)
    );
    assert!(
        lines
            .iter()
            .any(|l| l["capability"] == "gbad_long" && l["days_to_deploy"] == 30.0)
    );
    assert_eq!(v["acceptance"]["ru"]["verdict"], "undetermined");
    guarantor()
        .arg("explain")
        .args(options)
        .assert()
        .success()
        .stdout(predicate::str::contains("In place by D+30"))
        .stdout(predicate::str::contains("? undetermined"))
        .stdout(predicate::str::contains("UNDETERMINED"));
}

#[test]
fn explain_the_reuters_option() {
    let out = guarantor()
        .args([
            "explain",
            "--option",
            "ground_force=reassurance_medium",
            "--option",
            "command=national_flags_us_c2",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Brigades are sent whole with their 5,000 personnel: only fr and uk can
    // fill whole brigades, 6 of the 9 needed.
    assert_eq!(v["feasible"], false);
    assert_eq!(v["shortfalls"][0]["capability"], "brigades");
    assert_eq!(v["shortfalls"][0]["short"], 3.0);
    assert_eq!(v["levels"]["us_role"]["from_options"].as_f64(), Some(0.25));
    assert_eq!(v["acceptance"]["ru"]["verdict"], "rejects");
    assert_eq!(
        v["options"]["air_cover"], "none",
        "unnamed components take their first option"
    );
    let reasons = v["acceptance"]["ru"]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["kind"] == "red_line" && r["red_line"] == "no_nato_country_ground_troops")
    );
    guarantor()
        .args(["explain", "--option", "ground_force=reassurance_medium"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pool = 25000 × 3 = 75000"))
        .stdout(predicate::str::contains(
            "red line \"no_nato_country_ground_troops\"",
        ));
}

#[test]
fn explain_names_a_bad_option_and_lists_the_valid_ones() {
    guarantor()
        .args(["explain", "--option", "ground_force=huge"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "component \"ground_force\" has no option \"huge\"",
        ))
        .stderr(predicate::str::contains("reassurance_medium"));
    guarantor()
        .args(["explain", "--option", "ground_force"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("COMPONENT=OPTION"));
}

#[test]
fn check_accepts_a_valid_file_and_lists_every_error_of_a_bad_one() {
    guarantor()
        .args(["check", &data("data/small.toml")])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"));
    guarantor()
        .args(["check", &bad("several_errors_at_once.toml")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4 errors"))
        .stderr(predicate::str::contains(
            "several_errors_at_once.toml:24:15",
        ));
    let out = guarantor()
        .args(["check", "--json", &bad("several_errors_at_once.toml")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"].as_array().unwrap().len(), 4);
    assert_eq!(v["errors"][0]["line"], 24);
    assert_eq!(v["errors"][0]["kind"], "out_of_range");
}

#[test]
fn run_on_a_bad_file_fails_with_the_diagnostics_and_no_result() {
    guarantor()
        .args(["run", &bad("negative_inventory_count.toml")])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("count"));
    guarantor()
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read scenario file"));
}

#[test]
fn schema_is_json_schema() {
    let out = guarantor().arg("schema").output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["$schema"].as_str().unwrap().contains("json-schema.org"));
}

#[test]
fn forecast_maps_the_bargaining_outcome_to_a_package() {
    let out = guarantor()
        .args(["forecast", "--model", "compromise", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["steps"], 0);
    assert_eq!(
        v["final"]["outcome"].as_array().unwrap().len(),
        7,
        "one value per dimension"
    );
    assert!(v["nearest_package"]["options"]["ground_force"].is_string());
    assert!(
        v["turns"][0]["positions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p[0] == "ru")
    );
}

#[test]
fn forecast_reads_ktab_csv_and_rejects_a_bad_one() {
    let csv = format!(
        "{}/../bargaining/tests/data/ktab/inputs/dummyData_3Dim.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = guarantor()
        .args(["forecast", "--model", "smp", "--ktab-csv", &csv, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["steps"], 10, "KTAB takes 10 steps on dummyData_3Dim");
    let bad = format!(
        "{}/../model/tests/data/small.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    guarantor()
        .args(["forecast", "--ktab-csv", &bad])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("line"));
}

#[test]
fn validate_deu3_reproduces_the_weighted_mean_baseline() {
    let tsv = format!(
        "{}/../bargaining/tests/data/deu3/deu3.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = guarantor()
        .args(["validate", "deu3", &tsv, "--model", "compromise", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["issues"], 351);
    assert!((v["mae"].as_f64().unwrap() - 23.64).abs() < 0.005);
    assert!(v["rows"][0]["issue"].is_string());
}

#[test]
fn explain_tells_whether_a_passing_package_is_on_the_frontier() {
    let out = guarantor()
        .args([
            "explain",
            "--set",
            "parameters.acceptance_precision=0",
            "--option",
            "ground_force=none",
            "--option",
            "command=coalition_national_flags",
            "--option",
            "air_defence=us_systems",
            "--option",
            "air_cover=none",
            "--option",
            "weapons=halted",
            "--option",
            "commitment=art5_like_binding",
            "--option",
            "monitoring=ground_teams",
            "--json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passes"], true);
    assert_eq!(v["frontier"], true);
}

/// DEU III cut into a training file (header, GDP line, first 250 issues) and a test
/// file (header and GDP line, the rest), as the maintainers' own split would be.
fn deu3_split(dir: &std::path::Path) -> (String, String) {
    let tsv = format!(
        "{}/../bargaining/tests/data/deu3/deu3.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(tsv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::create_dir_all(dir).unwrap();
    let train = dir.join("train.tsv");
    let test = dir.join("test.tsv");
    std::fs::write(&train, lines[..252].join("\n")).unwrap();
    let mut t = lines[..2].to_vec();
    t.extend(&lines[252..]);
    std::fs::write(&test, t.join("\n")).unwrap();
    (
        train.to_str().unwrap().to_string(),
        test.to_str().unwrap().to_string(),
    )
}

#[test]
fn validate_deu3_fitted_learns_from_the_training_file_only() {
    let dir = std::env::temp_dir().join(format!("guarantor-h21-cli-{}", std::process::id()));
    let (train, test) = deu3_split(&dir);
    let run = |args: &[&str]| {
        let out = guarantor().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let v = run(&[
        "validate", "deu3", &test, "--model", "fitted", "--train", &train, "--json",
    ]);
    assert_eq!(v["mode"], "train-test");
    assert_eq!(v["fits"][0]["training_issues"], 241);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), v["issues"].as_u64().unwrap() as usize);
    assert_eq!(rows.len(), 351 - 241);
    let mae = rows
        .iter()
        .map(|r| (r["forecast"].as_f64().unwrap() - r["outcome"].as_f64().unwrap()).abs())
        .sum::<f64>()
        / rows.len() as f64;
    assert!((mae - v["mae"].as_f64().unwrap()).abs() < 1e-9);
    let d = &v["difference"];
    assert!(d["low"].as_f64().unwrap() <= d["estimate"].as_f64().unwrap());
    assert!(d["estimate"].as_f64().unwrap() <= d["high"].as_f64().unwrap());
    // Same seed, same interval; the parameter-free models ignore --train.
    let again = run(&[
        "validate", "deu3", &test, "--model", "fitted", "--train", &train, "--json",
    ]);
    assert_eq!(v, again);
    let c = run(&[
        "validate",
        "deu3",
        &test,
        "--model",
        "compromise",
        "--train",
        &train,
        "--json",
    ]);
    assert_eq!(c["mae"], c["baseline_mae"]);
    // A malformed training file is named with its line.
    let bad = dir.join("bad.tsv");
    let text = std::fs::read_to_string(&train)
        .unwrap()
        .replacen("\t100\t", "\tx\t", 1);
    std::fs::write(&bad, text).unwrap();
    let out = guarantor()
        .args(["validate", "deu3", &test, "--model", "fitted", "--train"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("bad.tsv") && e.contains("line 3"), "{e}");
}

#[test]
fn forecast_institutional_switches_move_the_point_and_are_reported() {
    let sq = [
        "status_quo.foreign_ground_troops=0",
        "status_quo.command_flag=0",
        "status_quo.us_role=0",
        "status_quo.air_policing=0",
        "status_quo.commitment=0",
        "status_quo.ukraine_armed_forces=0.5",
        "status_quo.army_cap=0",
    ];
    let mut args = vec!["forecast", "--model", "compromise", "--json"];
    let plain = guarantor().args(&args).output().unwrap();
    let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(plain.get("institutions").is_none(), "off by default");
    for s in &sq {
        args.extend(["--switch", s]);
    }
    args.extend(["--switch", "status_quo_pull=1"]);
    let out = guarantor().args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // A full pull lands on the status quo (scenario scale 0–1 → 0–100).
    assert_eq!(
        v["final"]["outcome"],
        serde_json::json!([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 50.0])
    );
    assert_eq!(
        v["institutions"]["model_outcome"],
        plain["final"]["outcome"]
    );
    let out = guarantor()
        .args([
            "forecast",
            "--model",
            "compromise",
            "--switch",
            "status_quo_pull=0.5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("status_quo.foreign_ground_troops"));
}

#[test]
fn run_flags_listed_packages_that_pass_on_thin_margins() {
    // Exact codings (precision 0): at 0.02 nothing passes on the default.
    let out = guarantor()
        .args([
            "run",
            "--json",
            "--set",
            "parameters.acceptance_precision=0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let threshold = v["thin_margins"]["threshold"].as_f64().unwrap();
    assert_eq!(threshold, 0.05);
    let thin = v["thin_margins"]["packages"].as_array().unwrap();
    // Exactly the listed passing packages whose smallest margin is below 0.05.
    let expected: Vec<&Value> = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["passes"] == true && p["min_margin"]["margin"].as_f64().unwrap() < threshold)
        .collect();
    assert!(
        !expected.is_empty(),
        "the default scenario has thin margins"
    );
    assert_eq!(thin.len(), expected.len());
    for p in &expected {
        let t = thin.iter().find(|t| t["label"] == p["label"]).unwrap();
        assert_eq!(t["actor"], p["min_margin"]["actor"]);
        assert_eq!(t["margin"], p["min_margin"]["margin"]);
    }
    // Thinnest first, and the text points to `uncertainty`.
    let m: Vec<f64> = thin.iter().map(|t| t["margin"].as_f64().unwrap()).collect();
    assert!(m.windows(2).all(|w| w[0] <= w[1]));
    let text = guarantor()
        .args(["run", "--set", "parameters.acceptance_precision=0"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "Thin margins: {} listed passing packages pass with a margin below 0.05",
            thin.len()
        )),
        "{text}"
    );
    assert!(text.contains("`guarantor uncertainty`"));
}
