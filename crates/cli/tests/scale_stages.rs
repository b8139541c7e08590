//! Adaptive choice under shards, through the binary: one array of shards per
//! halving round (`uncertainty --packages adaptive:K --shard K/N [--stage-plan
//! PLAN]`), each stage's `merge --next-stage-plan NEXT` writing the plan the
//! next stage reads, the last merge printing what one machine prints, byte
//! for byte; and the bad stage sets refused with clear messages (pinned by
//! snapshots next to the other `*@partials.snap`).

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

/// A 64-package synthetic scenario; its red lines with a flexibility are
/// the uncertainties (`--all-red-lines`).
fn small_scenario(dir: &Path) {
    let s = ok(
        dir,
        &[
            "synth",
            "--components",
            "3",
            "--options",
            "4",
            "--contributors",
            "4",
            "--capabilities",
            "3",
            "--actors",
            "4",
            "--seed",
            "3",
        ],
    );
    std::fs::write(dir.join("s.toml"), s).unwrap();
}

const ADAPTIVE: [&str; 13] = [
    "uncertainty",
    "s.toml",
    "--all-red-lines",
    "--packages",
    "adaptive:3",
    "--screen-draws",
    "4",
    "--draws",
    "40",
    "--tornado-draws",
    "4",
    "--sobol",
    "0",
];

fn adaptive(extra: &[&str]) -> Vec<String> {
    ADAPTIVE
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

/// Run every stage with `n` shards per stage into `prefix`; returns the
/// last merge's stdout and the number of stages.
fn staged(dir: &Path, n: usize, prefix: &str, json: bool) -> (String, usize) {
    let mut plan: Option<String> = None;
    for stage in 0.. {
        let mut files = Vec::new();
        for k in 0..n {
            let file = format!("{prefix}-s{stage}-{k}.parquet");
            let shard = format!("{k}/{n}");
            let mut args = adaptive(&["--shard", &shard, "--partial", &file]);
            if let Some(p) = &plan {
                args.extend(["--stage-plan".to_string(), p.clone()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(dir, &args);
            files.push(file);
        }
        let next = format!("{prefix}-plan{}.parquet", stage + 1);
        let mut merge: Vec<String> = vec!["merge".into()];
        // Any order.
        merge.extend(files.iter().rev().cloned());
        if let Some(p) = &plan {
            merge.extend(["--stage-plan".to_string(), p.clone()]);
        }
        merge.extend(["--next-stage-plan".to_string(), next.clone()]);
        if json {
            merge.push("--json".into());
        }
        let merge: Vec<&str> = merge.iter().map(String::as_str).collect();
        let out = ok(dir, &merge);
        if !dir.join(&next).exists() {
            return (out, stage + 1);
        }
        assert!(out.is_empty(), "a stage before the last prints nothing");
        plan = Some(next);
    }
    unreachable!()
}

#[test]
fn staged_adaptive_uncertainty_prints_what_one_machine_prints() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    small_scenario(dir);
    let single: Vec<String> = adaptive(&[]);
    let single: Vec<&str> = single.iter().map(String::as_str).collect();
    let one = ok(dir, &single);
    let (merged, stages) = staged(dir, 3, "t", false);
    assert!(stages >= 3, "{stages} stages: 4, 8, 16, … draws");
    assert_eq!(one, merged, "text output");
    let mut json = single.clone();
    json.push("--json");
    let (merged, _) = staged(dir, 2, "j", true);
    assert_eq!(ok(dir, &json), merged, "JSON output");
    let v: serde_json::Value = serde_json::from_str(&merged).unwrap();
    assert_eq!(
        v["screening"]["rounds"].as_array().unwrap().len(),
        stages,
        "one stage per halving round"
    );
}

/// Bad stage sets: exit 1, no panic, nothing printed, a message naming the
/// files and the fix.
#[test]
fn bad_stage_sets_are_refused_with_clear_messages() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    small_scenario(dir);
    let shard = |stage_plan: Option<&str>, k: usize, file: &str, extra: &[&str]| {
        let sh = format!("{k}/2");
        let mut args = adaptive(&["--shard", &sh, "--partial", file]);
        args.extend(extra.iter().map(|s| s.to_string()));
        if let Some(p) = stage_plan {
            args.extend(["--stage-plan".to_string(), p.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(dir, &args);
    };
    shard(None, 0, "a0.parquet", &[]);
    shard(None, 1, "a1.parquet", &[]);
    ok(
        dir,
        &[
            "merge",
            "a0.parquet",
            "a1.parquet",
            "--next-stage-plan",
            "plan1.parquet",
        ],
    );
    shard(Some("plan1.parquet"), 0, "b0.parquet", &[]);
    shard(Some("plan1.parquet"), 1, "b1.parquet", &[]);
    // Another seed's first stage and its plan.
    shard(None, 0, "c0.parquet", &["--seed", "5"]);
    shard(None, 1, "c1.parquet", &["--seed", "5"]);
    ok(
        dir,
        &[
            "merge",
            "c0.parquet",
            "c1.parquet",
            "--next-stage-plan",
            "other-plan1.parquet",
        ],
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "stage_merge_without_next_plan",
            vec!["merge", "a0.parquet", "a1.parquet"],
        ),
        (
            "stage_merge_without_stage_plan",
            vec!["merge", "b0.parquet", "b1.parquet"],
        ),
        (
            "stage_merge_with_another_stage_plan",
            vec![
                "merge",
                "b0.parquet",
                "b1.parquet",
                "--stage-plan",
                "other-plan1.parquet",
            ],
        ),
        (
            "stage_merge_mixed_stages",
            vec!["merge", "a0.parquet", "b1.parquet"],
        ),
        (
            "stage_plan_given_as_partial",
            vec!["merge", "plan1.parquet"],
        ),
        (
            "stage_merge_with_out_dir",
            vec!["merge", "a0.parquet", "a1.parquet", "-o", "out"],
        ),
        (
            "stage_plan_of_another_seed",
            vec![
                "uncertainty",
                "s.toml",
                "--all-red-lines",
                "--packages",
                "adaptive:3",
                "--screen-draws",
                "4",
                "--draws",
                "40",
                "--tornado-draws",
                "4",
                "--sobol",
                "0",
                "--shard",
                "0/2",
                "--partial",
                "x.parquet",
                "--stage-plan",
                "other-plan1.parquet",
            ],
        ),
        (
            "stage_plan_with_a_fixed_package_set",
            vec![
                "uncertainty",
                "s.toml",
                "--all-red-lines",
                "--packages",
                "top:2",
                "--draws",
                "10",
                "--shard",
                "0/2",
                "--partial",
                "x.parquet",
                "--stage-plan",
                "plan1.parquet",
            ],
        ),
    ];
    for (name, args) in cases {
        let o = guarantor(dir, &args);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(o.stdout.is_empty(), "{name}: printed a result");
        assert!(!dir.join("x.parquet").exists(), "{name}: wrote a partial");
        // A plan's hash follows the engine's verdicts and version: pin its
        // place in the message, not its value.
        let stderr = redact_plan_hashes(&stderr);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs/snapshots"),
        );
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix("partials");
        settings.bind(|| insta::assert_snapshot!(name, stderr));
    }
}

/// deploy/slurm/submit-stages.sh for real: one array and one afterok merge
/// per halving stage on the single-node cluster (deploy/slurm/local-cluster.sh),
/// the last merge waited for with `sbatch --wait`, its merged.json compared
/// with a single-machine run. Skips with a notice where Slurm is absent or
/// this is not root.
#[test]
fn slurm_stages_match_one_machine() {
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
            "NOTICE: slurm_stages_match_one_machine skipped: Slurm (slurm-wlm, munge) is not installed or this is not root; .ci/setup installs it"
        );
        return;
    }
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/slurm");
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
    small_scenario(dir);
    let out = dir.join("job");
    let options: Vec<String> = adaptive(&[]).into_iter().skip(2).collect();
    let started = std::time::Instant::now();
    let o = Command::new(deploy.join("submit-stages.sh"))
        .env("SLURM_CONF", &conf)
        .env("GUARANTOR", env!("CARGO_BIN_EXE_guarantor"))
        .env("WAIT", "1")
        .args(["2", "s.toml", out.to_str().unwrap()])
        .args(&options)
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
    let single = adaptive(&["--json"]);
    let single: Vec<&str> = single.iter().map(String::as_str).collect();
    assert_eq!(ok(dir, &single), merged);
    let stages = (0..)
        .take_while(|r| out.join(format!("stage-{r}")).exists())
        .count();
    assert!(stages >= 3, "{stages} stages ran");
    eprintln!(
        "slurm: {stages} stages of 2 array tasks and an afterok merge matched the single-machine run in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// `plan 877f4b0e9e63` → `plan [sha256 prefix]`: a stage plan's hash
/// changes with every verdict or version, the message around it does not.
fn redact_plan_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("plan ") {
        let (head, tail) = rest.split_at(i + "plan ".len());
        out.push_str(head);
        let hex = tail.chars().take_while(char::is_ascii_hexdigit).count();
        if hex == 12 {
            out.push_str("[sha256 prefix]");
            rest = &tail[hex..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn plan_hashes_are_redacted_and_nothing_else() {
    assert_eq!(
        redact_plan_hashes("stage 1 (plan 877f4b0e9e63); plan none, plan abc"),
        "stage 1 (plan [sha256 prefix]); plan none, plan abc"
    );
}
