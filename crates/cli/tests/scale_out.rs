//! Sharded runs through the binary: `--shard K/N --partial FILE` then
//! `guarantor merge` prints what one machine prints; bad partial sets give
//! clear errors (pinned by snapshots); and, where Slurm is installed and
//! this runs as root, the job templates in deploy/slurm run for real on a
//! single-node cluster.

use std::path::{Path, PathBuf};
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

fn without_stats(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_object_mut().unwrap().remove("stats");
    v
}

fn synth(dir: &Path) {
    let s = ok(
        dir,
        &[
            "synth",
            "--components",
            "5",
            "--options",
            "4",
            "--contributors",
            "6",
            "--capabilities",
            "4",
            "--actors",
            "5",
            "--seed",
            "7",
        ],
    );
    std::fs::write(dir.join("s.toml"), s).unwrap();
}

fn shards(dir: &Path, verb: &[&str], n: usize, prefix: &str) -> Vec<String> {
    (0..n)
        .map(|k| {
            let file = format!("{prefix}{k}.parquet");
            let shard = format!("{k}/{n}");
            let mut args = verb.to_vec();
            args.extend(["--shard", &shard, "--partial", &file]);
            ok(dir, &args);
            file
        })
        .collect()
}

#[test]
fn merged_run_prints_what_one_machine_prints() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    synth(dir);
    let run = ["run", "s.toml", "--top", "4", "--prune"];
    let mut files = shards(dir, &run, 3, "p");
    files.reverse();
    let mut merge = vec!["merge"];
    merge.extend(files.iter().map(String::as_str));
    assert_eq!(ok(dir, &run), ok(dir, &merge), "text output");
    let mut single = run.to_vec();
    single.push("--json");
    merge.extend(["--json", "-o", "out"]);
    assert_eq!(
        without_stats(&ok(dir, &single)),
        without_stats(&ok(dir, &merge))
    );
    // The merged exports are Parquet, read back.
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let f = std::fs::File::open(dir.join("out/packages.parquet")).unwrap();
    let rows: usize = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    assert!(rows >= 1);
    // The merged run goes into the history like `run --record`.
    let mut rec = vec!["merge", "--record", "--history", "h.sqlite"];
    rec.extend(files.iter().map(String::as_str));
    ok(dir, &rec);
    let h: serde_json::Value =
        serde_json::from_str(&ok(dir, &["history", "--history", "h.sqlite", "--json"])).unwrap();
    assert_eq!(h["runs"].as_array().unwrap().len(), 1, "{h}");
    assert_eq!(h["runs"][0]["verb"], "run");
}

#[test]
fn merged_uncertainty_is_byte_identical_and_its_draws_read_back() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let u = [
        "uncertainty",
        "--draws",
        "24",
        "--packages",
        "top:2",
        "--sobol",
        "0",
        "--tornado-draws",
        "6",
        "--seed",
        "9",
        "--json",
    ];
    let single = ok(dir, &u);
    let files = shards(dir, &u, 4, "u");
    let mut merge = vec!["merge", "--json", "-o", "out"];
    merge.extend(files.iter().rev().map(String::as_str));
    assert_eq!(single, ok(dir, &merge));
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let f = std::fs::File::open(dir.join("out/draws.parquet")).unwrap();
    let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let names: Vec<String> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert!(names.contains(&"passes".to_string()) && names.contains(&"value_0".to_string()));
    let rows: usize = b.build().unwrap().map(|x| x.unwrap().num_rows()).sum();
    assert_eq!(rows, 24 * 2, "one row per draw and package");
}

/// Bad partial sets: exit 1, no panic, the message names the files; the
/// messages are pinned by snapshots (tests/bad-inputs/snapshots).
#[test]
fn bad_partial_sets_are_refused_with_clear_messages() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    synth(dir);
    let run = ["run", "s.toml", "--top", "3"];
    let files = shards(dir, &run, 3, "p");
    let other = shards(
        dir,
        &[
            "run",
            "s.toml",
            "--top",
            "3",
            "--set",
            "parameters.acceptance_precision=0.01",
        ],
        3,
        "q",
    );
    let bytes = std::fs::read(dir.join(&files[1])).unwrap();
    std::fs::write(dir.join("truncated.parquet"), &bytes[..bytes.len() - 100]).unwrap();
    let mut flipped = bytes.clone();
    let at = flipped.windows(9).position(|w| w == b"evaluated").unwrap();
    let digit = flipped[at..]
        .iter()
        .position(|b| b.is_ascii_digit())
        .unwrap()
        + at;
    flipped[digit] = if flipped[digit] == b'9' {
        b'8'
    } else {
        flipped[digit] + 1
    };
    std::fs::write(dir.join("corrupted.parquet"), flipped).unwrap();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "merge_missing_shard",
            vec!["merge", "p0.parquet", "p2.parquet"],
        ),
        (
            "merge_duplicate_shard",
            vec![
                "merge",
                "p0.parquet",
                "p1.parquet",
                "p1.parquet",
                "p2.parquet",
            ],
        ),
        (
            "merge_other_options",
            vec!["merge", "p0.parquet", "q1.parquet", "p2.parquet"],
        ),
        (
            "merge_truncated",
            vec!["merge", "p0.parquet", "truncated.parquet", "p2.parquet"],
        ),
        (
            "merge_corrupted",
            vec!["merge", "p0.parquet", "corrupted.parquet", "p2.parquet"],
        ),
        ("merge_not_a_partial", vec!["merge", "s.toml"]),
        (
            "shard_k_not_below_n",
            vec!["run", "s.toml", "--shard", "3/3", "--partial", "x.parquet"],
        ),
        (
            "shard_without_partial",
            vec!["run", "s.toml", "--shard", "0/3"],
        ),
        (
            "shard_slurm_outside_an_array",
            vec![
                "run",
                "s.toml",
                "--shard",
                "slurm",
                "--partial",
                "x.parquet",
            ],
        ),
    ];
    assert_eq!(other.len(), 3);
    for (name, args) in cases {
        let o = Command::new(env!("CARGO_BIN_EXE_guarantor"))
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("SLURM_ARRAY_TASK_ID")
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(o.stdout.is_empty(), "{name}: printed a result");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs/snapshots"),
        );
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix("partials");
        settings.bind(|| insta::assert_snapshot!(name, stderr));
    }
}

/// deploy/slurm for real: a single-node cluster (deploy/slurm/local-cluster.sh),
/// the array and the merge submitted with `sbatch --wait`, the merged result
/// compared with a single-machine run. Skips with a notice where Slurm is
/// absent or this is not root.
#[test]
fn slurm_array_and_merge_match_one_machine() {
    let have = |c: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !(have("sbatch") && have("slurmctld") && have("slurmd") && have("munged") && root) {
        eprintln!(
            "NOTICE: slurm_array_and_merge_match_one_machine skipped: Slurm (slurm-wlm, munge) is not installed or this is not root; .ci/setup installs it"
        );
        return;
    }
    let deploy: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/slurm");
    let up = Command::new(deploy.join("local-cluster.sh"))
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "the local cluster did not start: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let conf = String::from_utf8_lossy(&up.stdout).trim().to_string();
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    synth(dir);
    let bin = env!("CARGO_BIN_EXE_guarantor");
    let out = dir.join("job");
    let o = Command::new(deploy.join("submit.sh"))
        .env("SLURM_CONF", &conf)
        .env("GUARANTOR", bin)
        .env("WAIT", "1")
        .args(["3", "s.toml", out.to_str().unwrap(), "run", "--top", "4"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sbatch: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let merged = std::fs::read_to_string(out.join("merged.json")).unwrap();
    let single = ok(dir, &["run", "s.toml", "--top", "4", "--json"]);
    assert_eq!(without_stats(&single), without_stats(&merged));
    assert_eq!(
        (0..3)
            .filter(|k| out.join(format!("part-{k}.parquet")).exists())
            .count(),
        3
    );
    eprintln!("slurm: 3 array tasks and an afterok merge matched the single-machine run");
}
