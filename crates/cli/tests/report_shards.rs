//! `report --shard K/N --partial FILE` then `merge PARTIALS… --report DIR`
//! renders the folder `report -o DIR` writes on one machine, byte for byte
//! (every file: HTML, Markdown, CSV, JSON, Parquet) and prints the same;
//! bad combinations are refused with clear messages (pinned by snapshots
//! next to the other `*@partials.snap`).

use std::path::Path;
use std::process::{Command, Output};

fn guarantor(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guarantor"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = guarantor(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn synth(dir: &Path) {
    let s = ok(
        dir,
        &[
            "synth",
            "--components",
            "4",
            "--options",
            "4",
            "--contributors",
            "5",
            "--capabilities",
            "4",
            "--actors",
            "4",
            "--seed",
            "11",
        ],
    );
    std::fs::write(dir.join("s.toml"), s).unwrap();
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn report_shards(dir: &Path, report: &[&str], n: usize, prefix: &str) -> Vec<String> {
    (0..n)
        .map(|k| {
            let file = format!("{prefix}{k}.parquet");
            let shard = format!("{k}/{n}");
            let mut args = report.to_vec();
            args.extend(["--shard", &shard, "--partial", &file]);
            ok(dir, &args);
            file
        })
        .collect()
}

#[test]
fn merged_report_folder_equals_one_machines() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    synth(dir);
    for (n, json) in [(3, false), (1, true), (4, false)] {
        let report = [
            "report",
            "s.toml",
            "--format",
            "csv,json,parquet",
            "--set",
            "parameters.acceptance_precision=0.02",
        ];
        let mut single = report.to_vec();
        single.extend(["-o", "rep"]);
        if json {
            single.push("--json");
        }
        let printed = ok(dir, &single);
        let one = files(&dir.join("rep"));
        std::fs::remove_dir_all(dir.join("rep")).unwrap();
        let parts = report_shards(dir, &report, n, "r");
        let mut merge = vec!["merge"];
        merge.extend(parts.iter().rev().map(String::as_str));
        merge.extend(["--report", "rep"]);
        if json {
            merge.push("--json");
        }
        assert_eq!(printed, ok(dir, &merge), "{n} shards: what is printed");
        let merged = files(&dir.join("rep"));
        assert_eq!(
            one.iter().map(|f| &f.0).collect::<Vec<_>>(),
            merged.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        assert!(one.len() >= 11, "HTML, Markdown, 3 tables × 3 formats");
        for (a, b) in one.iter().zip(&merged) {
            assert!(a.1 == b.1, "{n} shards: {} differs", a.0);
        }
        std::fs::remove_dir_all(dir.join("rep")).unwrap();
    }
}

#[test]
fn bad_report_merges_are_refused_with_clear_messages() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    synth(dir);
    report_shards(dir, &["report", "s.toml"], 2, "r");
    report_shards(dir, &["report", "s.toml", "--format", "parquet"], 2, "f");
    let run = ["run", "s.toml"];
    for k in 0..2 {
        let shard = format!("{k}/2");
        let file = format!("p{k}.parquet");
        let mut args = run.to_vec();
        args.extend(["--shard", &shard, "--partial", &file]);
        ok(dir, &args);
    }
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "report_merge_without_report_dir",
            vec!["merge", "r0.parquet", "r1.parquet"],
        ),
        (
            "report_merge_of_run_partials",
            vec!["merge", "p0.parquet", "p1.parquet", "--report", "out"],
        ),
        (
            "report_merge_mixed_with_run",
            vec!["merge", "r0.parquet", "p1.parquet", "--report", "out"],
        ),
        (
            "report_merge_other_formats",
            vec!["merge", "r0.parquet", "f1.parquet", "--report", "out"],
        ),
        (
            "report_merge_with_out_dir",
            vec![
                "merge",
                "r0.parquet",
                "r1.parquet",
                "--report",
                "out",
                "-o",
                "x",
            ],
        ),
        (
            "report_shard_with_draws",
            vec![
                "report",
                "s.toml",
                "--draws",
                "10",
                "--shard",
                "0/2",
                "--partial",
                "x.parquet",
            ],
        ),
    ];
    for (name, args) in cases {
        let o = guarantor(dir, &args);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(o.stdout.is_empty(), "{name}: printed a result");
        assert!(!dir.join("out").exists(), "{name}: wrote a report");
        assert!(!dir.join("x.parquet").exists(), "{name}: wrote a partial");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs/snapshots"),
        );
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix("partials");
        settings.bind(|| insta::assert_snapshot!(name, stderr));
    }
}
