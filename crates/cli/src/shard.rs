//! The shard flags shared by `run` and `uncertainty` (`--shard K/N
//! --partial FILE`) and the writing of a shard's partial file, which
//! `guarantor merge` (`merge.rs`) reads.

use std::path::{Path, PathBuf};

use guarantor_scale::{Body, Meta, Named, Partial, Plan, Shard, Stage, sha256_hex};

use crate::common::{Failure, ScenarioArgs};

/// `--shard` and `--partial`, shared by `run` and `uncertainty`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ShardArgs {
    /// Do one shard of the work and write its partial file (--partial) for
    /// `guarantor merge`: K/N (shard K of N, numbered from 0), slurm (from
    /// SLURM_ARRAY_TASK_ID, _MIN and _COUNT) or indexed/N (from
    /// JOB_COMPLETION_INDEX of a Kubernetes Indexed Job with N completions).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// The partial file a shard writes (Parquet; see docs/scale-out.md).
    #[arg(long, value_name = "FILE")]
    pub partial: Option<PathBuf>,
}

impl ShardArgs {
    /// The shard asked for, if any; `--partial` without `--shard` is refused.
    pub fn get(&self) -> Result<Option<Shard>, Failure> {
        match (&self.shard, &self.partial) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(Failure(
                "error: --partial needs --shard K/N (the shard whose partial file to write)"
                    .into(),
            )),
            (Some(_), None) => Err(Failure(
                "error: --shard needs --partial FILE (where to write the shard's partial file for `guarantor merge`)".into(),
            )),
            (Some(spec), Some(_)) => Shard::parse(spec, |k| std::env::var(k).ok())
                .map(Some)
                .map_err(|e| Failure(format!("error: --shard {spec}: {e}"))),
        }
    }

    pub fn partial_path(&self) -> Result<&Path, Failure> {
        self.partial
            .as_deref()
            .ok_or_else(|| Failure("error: --shard needs --partial FILE".into()))
    }
}

/// The verb's options that shape results, as words: the command line after
/// the verb less the scenario file, the shard flags and the options that
/// only choose threads, output or recording.
fn result_args(file: Option<&PathBuf>) -> Vec<String> {
    const WITH_VALUE: [&str; 5] = [
        "--shard",
        "--partial",
        "--threads",
        "--history",
        "--stage-plan",
    ];
    const ALONE: [&str; 4] = ["--json", "--quiet", "-q", "--record"];
    let file = file.map(|f| f.display().to_string());
    let mut out = Vec::new();
    let mut words = std::env::args().skip(2);
    let mut file_seen = false;
    while let Some(w) = words.next() {
        if WITH_VALUE.contains(&w.as_str()) {
            words.next();
            continue;
        }
        if ALONE.contains(&w.as_str()) || WITH_VALUE.iter().any(|f| w.starts_with(&format!("{f}=")))
        {
            continue;
        }
        if !file_seen && file.as_deref() == Some(w.as_str()) {
            file_seen = true;
            continue;
        }
        out.push(w);
    }
    out
}

/// Write the partial of a shard of the package space (`run --shard` and
/// `report --shard` alike) and return the line that says what it holds.
#[allow(clippy::too_many_arguments, reason = "one partial's parts")]
pub fn write_package_partial(
    path: &Path,
    verb: &str,
    scenario: &ScenarioArgs,
    shard: Shard,
    size: u64,
    range: std::ops::Range<u64>,
    stats: serde_json::Value,
    part: guarantor_engine::SearchPartial,
) -> Result<String, Failure> {
    let screened = part.screened();
    let plan = Plan {
        unit: "packages".into(),
        total: size,
    };
    let meta = partial_meta(
        verb,
        scenario,
        shard,
        plan,
        range.clone(),
        None,
        stats,
        None,
    )?;
    write_atomically(
        path,
        &Partial {
            meta,
            body: Body::Run(part),
        },
    )?;
    Ok(format!(
        "shard {shard}: packages {}..{} of {size} ({screened} screened) written to {}",
        range.start,
        range.end,
        path.display()
    ))
}

/// What a shard's partial says about where it comes from.
#[allow(clippy::too_many_arguments, reason = "one partial's parts")]
pub fn partial_meta(
    verb: &str,
    scenario: &ScenarioArgs,
    shard: Shard,
    plan: Plan,
    range: std::ops::Range<u64>,
    seed_sampler: Option<(u64, String)>,
    stats: serde_json::Value,
    stage: Option<Stage>,
) -> Result<Meta, Failure> {
    let (name, text) = scenario.source()?;
    let (seed, sampler) = match seed_sampler {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    Ok(Meta {
        format: guarantor_scale::FORMAT,
        verb: verb.into(),
        engine_version: env!("CARGO_PKG_VERSION").into(),
        scenario_name: name,
        scenario_sha256: sha256_hex(text.as_bytes()),
        scenario_text: text,
        args: result_args(scenario.file.as_ref()),
        seed,
        sampler,
        shard,
        plan,
        start: range.start,
        end: range.end,
        stats,
        stage,
    })
}

/// Write a partial (or a stage plan) beside `path` and rename it there, so
/// it is never seen half-written.
pub fn write_atomically(path: &Path, p: &Partial) -> Result<(), Failure> {
    let bytes = p
        .to_parquet()
        .map_err(|e| Failure(format!("error: cannot write the partial: {e}")))?;
    let tmp = path.with_extension("partial-tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            Failure(format!(
                "error: cannot write the partial file {}: {e}",
                path.display()
            ))
        })
}

/// Read a stage plan file: the plan and the SHA-256 of the file's bytes.
pub fn read_stage_plan(path: &Path) -> Result<(Named, String), Failure> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure(format!("error: cannot read stage plan {name}: {e}")))?;
    let sha = guarantor_scale::sha256_hex(&bytes);
    let partial = Partial::from_parquet(bytes)
        .map_err(|e| Failure(format!("error: stage plan {name}: {e}")))?;
    if !partial.meta.stage.as_ref().is_some_and(|s| s.is_plan) {
        return Err(Failure(format!(
            "error: {name} is not a stage plan (one written by `guarantor merge --next-stage-plan`); the shards of the first stage need no --stage-plan"
        )));
    }
    Ok((Named { name, partial }, sha))
}
