//! `guarantor report`: the folder it writes, read back as a user would.

use assert_cmd::Command;
use predicates::prelude::*;

fn guarantor() -> Command {
    Command::cargo_bin("guarantor").unwrap()
}

#[test]
fn report_writes_html_markdown_and_every_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    let o = guarantor()
        .args([
            "report", "--format", "csv,json", "--format", "parquet", "--json", "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in [
        "report.html",
        "summary.md",
        "packages.csv",
        "packages.json",
        "packages.parquet",
        "allocations.csv",
        "allocations.parquet",
        "shortfalls.json",
    ] {
        assert!(files.contains(&f), "{f} not listed");
        assert!(out.join(f).is_file(), "{f} not written");
    }
    // No temporary file is left behind.
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.starts_with('.'), "left over: {name}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // The default forecast model (smp) adds the forecast section: one chart per dimension.
    assert!(html.contains("<section id=\"forecast\">"));
    assert!(html.contains("Model smp"));
    assert!(html.matches("<svg").count() >= 5 + 6);
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("## Negotiation forecast"));
    assert!(md.contains("- `packages.parquet`"));
}

#[test]
fn parquet_written_by_report_reads_back() {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let dir = tempfile::tempdir().unwrap();
    guarantor()
        .args([
            "report",
            "--format",
            "parquet",
            "--forecast-model",
            "none",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let read = |name: &str| {
        let f = std::fs::File::open(dir.path().join(name)).unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        let names: Vec<String> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let rows: usize = b
            .build()
            .unwrap()
            .map(|batch| batch.unwrap().num_rows())
            .sum();
        (rows, names)
    };
    let (rows, names) = read("packages.parquet");
    assert_eq!(rows, 8208, "one row per package of the package space");
    for c in [
        "rank",
        "label",
        "option.ground_force",
        "option.air_defence",
        "feasible",
        "acceptable_to_required",
        "passes",
        "frontier",
        "deterrence",
        "cost_per_year",
        "min_margin",
        "rejected_by",
        "accepts.ru",
        "margin.us",
    ] {
        assert!(names.iter().any(|n| n == c), "packages.parquet lacks {c}");
    }
    let (rows, names) = read("allocations.parquet");
    assert!(rows > 2160, "every package allocates several lines");
    assert_eq!(
        names,
        [
            "rank",
            "label",
            "contributor",
            "capability",
            "units",
            "in_theatre"
        ]
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(!html.contains("<section id=\"forecast\">"));
}

#[test]
fn an_unknown_format_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    guarantor()
        .args(["report", "--format", "csv,xlsx", "-o"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("\"xlsx\"")
                .and(predicate::str::contains("csv, json or parquet")),
        );
    assert!(!out.exists());
}

#[test]
fn an_unknown_forecast_model_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    guarantor()
        .args(["report", "--forecast-model", "oracle", "-o"])
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("oracle"));
}

#[test]
fn a_scenario_without_a_negotiation_still_gets_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let o = guarantor()
        .args([
            "report",
            "../model/tests/data/small.toml",
            "--format",
            "csv,json,parquet",
            "-o",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("warning: the report has no negotiation forecast")
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("<section id=\"ranked\">"));
    assert!(!html.contains("<section id=\"forecast\">"));
    assert!(dir.path().join("packages.parquet").is_file());
}

#[test]
fn report_draws_adds_the_uncertainty_section_and_the_experiments_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    let o = guarantor()
        .args([
            "report",
            "--draws",
            "120",
            "--experiments",
            "--forecast-model",
            "none",
            "--json",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "experiments.csv")
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"uncertainty\">"));
    for id in ["fig-robust-ranking", "fig-tornado", "fig-sobol"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // Before the sources.
    assert!(html.find("id=\"uncertainty\"").unwrap() < html.find("id=\"sources\"").unwrap());
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("## Robustness under uncertainty"));
    assert!(md.contains("- `experiments.csv`"));
    // One row per draw, plus the header.
    let csv = std::fs::read_to_string(out.join("experiments.csv")).unwrap();
    assert_eq!(csv.lines().count(), 121);
}

#[test]
fn report_experiments_needs_draws_and_bad_draws_name_the_flag() {
    guarantor()
        .args(["report", "--experiments", "-o", "/nonexistent/never"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("add --draws N"));
    guarantor()
        .args(["report", "--draws", "1", "-o", "/nonexistent/never"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--draws must be at least 2"));
}
