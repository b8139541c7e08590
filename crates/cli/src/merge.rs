//! `guarantor merge PARTIALS…`: fold the partial files of a sharded `run`
//! or `uncertainty` into the result a single machine would have printed,
//! byte for byte (the `stats` measurements aside). Also the shared shard
//! flags (`--shard K/N --partial FILE`) and the writing of partials.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use guarantor_scale::{Body, Meta, Named, Partial, Plan, Shard, check_set, sha256_hex};

use crate::common::{
    Failure, HistoryArgs, ScenarioArgs, ThreadsArgs, apply_what_ifs, engine_failure,
    render_diagnostics, scenario_source,
};

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
    const WITH_VALUE: [&str; 4] = ["--shard", "--partial", "--threads", "--history"];
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

/// Write a shard's partial file.
#[allow(clippy::too_many_arguments, reason = "one partial's parts")]
pub fn write_partial(
    path: &Path,
    verb: &str,
    scenario: &ScenarioArgs,
    file: Option<&PathBuf>,
    shard: Shard,
    plan: Plan,
    range: std::ops::Range<u64>,
    seed_sampler: Option<(u64, String)>,
    stats: serde_json::Value,
    body: Body,
) -> Result<(), Failure> {
    let (name, text) = scenario_source(scenario.file.as_ref())?;
    let (seed, sampler) = match seed_sampler {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    let p = Partial {
        meta: Meta {
            format: guarantor_scale::FORMAT,
            verb: verb.into(),
            engine_version: env!("CARGO_PKG_VERSION").into(),
            scenario_name: name,
            scenario_sha256: sha256_hex(text.as_bytes()),
            scenario_text: text,
            args: result_args(file),
            seed,
            sampler,
            shard,
            plan,
            start: range.start,
            end: range.end,
            stats,
        },
        body,
    };
    let bytes = p
        .to_parquet()
        .map_err(|e| Failure(format!("error: cannot write the partial: {e}")))?;
    // Written beside and renamed, so a partial is never seen half-written.
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

#[derive(clap::Args)]
pub struct Args {
    /// The partial files of every shard of one run (written with
    /// `--shard K/N --partial FILE`), in any order.
    #[arg(required = true, value_name = "PARTIALS")]
    partials: Vec<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Also write the merged data as Parquet into DIR: packages,
    /// allocations and shortfalls of a run; every draw's outcomes of an
    /// uncertainty analysis.
    #[arg(short = 'o', long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadsArgs,
    /// Record the merged run in the run history (a run's partials only).
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    history: HistoryArgs,
}

/// Largest partial file read (a run's partial is small; an uncertainty
/// shard's holds its draws' rows).
const MAX_PARTIAL_BYTES: u64 = 4 * 1024 * 1024 * 1024;

fn read(path: &Path) -> Result<Named, Failure> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| Failure(format!("error: cannot read partial file {name}: {e}")))?
        .len();
    if size > MAX_PARTIAL_BYTES {
        return Err(Failure(format!(
            "error: partial file {name} is {size} bytes, more than a partial may have; is it the right file?"
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Failure(format!("error: cannot read partial file {name}: {e}")))?;
    let partial = Partial::from_parquet(bytes)
        .map_err(|e| Failure(format!("error: partial file {name}: {e}")))?;
    Ok(Named { name, partial })
}

#[derive(Parser)]
struct RunWords {
    #[command(flatten)]
    a: crate::run::Args,
}

#[derive(Parser)]
struct UncertaintyWords {
    #[command(flatten)]
    a: crate::uncertainty::Args,
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let threads = a.threads.get()?;
    let parts = a
        .partials
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    check_set(&parts).map_err(|e| Failure(format!("error: {e}")))?;
    let meta = parts[0].partial.meta.clone();
    if meta.engine_version != env!("CARGO_PKG_VERSION") {
        return Err(Failure(format!(
            "error: {} was written by engine {}, this is {}; merge with the version that wrote the partials",
            parts[0].name,
            meta.engine_version,
            env!("CARGO_PKG_VERSION")
        )));
    }
    let mut s = guarantor_model::load(&meta.scenario_name, &meta.scenario_text)
        .map_err(|e| Failure(render_diagnostics(&e)))?;
    let words = |verb: &str| std::iter::once(verb.to_string()).chain(meta.args.iter().cloned());
    let bad_words = |e: clap::Error| {
        Failure(format!(
            "error: {}: its options \"{}\" do not parse: {e}",
            parts[0].name,
            meta.args.join(" ")
        ))
    };
    match meta.verb.as_str() {
        "run" => {
            let w = RunWords::try_parse_from(words("run")).map_err(bad_words)?;
            let what_ifs = apply_what_ifs(&mut s, w.a.set())?;
            let opts = w.a.search_options(threads)?;
            let objectives = opts.objectives.clone();
            let bodies = parts
                .into_iter()
                .map(|p| match p.partial.body {
                    Body::Run(x) => Ok(x),
                    Body::Draws(_) => Err(Failure(format!(
                        "error: {} holds draws, not a run's packages",
                        p.name
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let (e, stats) =
                guarantor_engine::finish_search(&s, &opts, bodies).map_err(engine_failure)?;
            crate::run::print(
                &e,
                serde_json::to_value(&stats).expect("plain data"),
                &what_ifs,
                w.a.top(),
                a.json,
            );
            if let Some(dir) = &a.out {
                write_frames(dir, &e)?;
            }
            if a.record {
                crate::run::record(
                    (
                        meta.scenario_name.clone(),
                        meta.scenario_text.clone(),
                        w.a.set(),
                    ),
                    &s,
                    threads,
                    objectives,
                    w.a.top(),
                    a.history.history.as_deref(),
                )?;
            }
        }
        "uncertainty" => {
            if a.record {
                return Err(Failure(
                    "error: --record keeps runs of `run` and `report`; an uncertainty analysis is not recorded".into(),
                ));
            }
            let w = UncertaintyWords::try_parse_from(words("uncertainty")).map_err(bad_words)?;
            let shards = parts
                .into_iter()
                .map(|p| match p.partial.body {
                    Body::Draws(x) => Ok(x),
                    Body::Run(_) => Err(Failure(format!(
                        "error: {} holds a run's packages, not draws",
                        p.name
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let merged = a.out.as_ref().map(|_| concat(&shards));
            crate::uncertainty::merge(w.a, s, shards, threads, a.json)?;
            if let (Some(dir), Some(all)) = (&a.out, merged) {
                let p = Partial {
                    meta: Meta {
                        shard: Shard { index: 0, count: 1 },
                        start: 0,
                        end: meta.plan.total,
                        stats: serde_json::Value::Null,
                        ..meta
                    },
                    body: Body::Draws(all),
                };
                let bytes = p.to_parquet().map_err(|e| Failure(format!("error: {e}")))?;
                write_file(&dir.join("draws.parquet"), &bytes)?;
            }
        }
        other => {
            return Err(Failure(format!(
                "error: {}: partials of `{other}` cannot be merged",
                a.partials[0].display()
            )));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Every shard's draws in draw order, as one shard.
fn concat(shards: &[guarantor_uncertainty::DrawShard]) -> guarantor_uncertainty::DrawShard {
    let mut sorted: Vec<&guarantor_uncertainty::DrawShard> = shards.iter().collect();
    sorted.sort_by_key(|x| x.start);
    let mut rows = Vec::new();
    for x in &sorted {
        rows.extend(x.rows.iter().cloned());
    }
    guarantor_uncertainty::DrawShard {
        start: 0,
        end: rows.len(),
        packages: sorted
            .first()
            .map(|x| x.packages.clone())
            .unwrap_or_default(),
        required: sorted
            .first()
            .map(|x| x.required.clone())
            .unwrap_or_default(),
        rows,
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure(format!("error: cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| Failure(format!("error: cannot write {}: {e}", path.display())))
}

fn write_frames(dir: &Path, e: &guarantor_engine::Evaluation) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|err| Failure(format!("error: cannot create {}: {err}", dir.display())))?;
    for frame in guarantor_report::export::frames(e) {
        let mut buf = Vec::new();
        frame
            .write(guarantor_report::export::Format::Parquet, &mut buf)
            .map_err(|err| Failure(format!("error: {}: {err}", frame.name)))?;
        write_file(&dir.join(format!("{}.parquet", frame.name)), &buf)?;
    }
    Ok(())
}
