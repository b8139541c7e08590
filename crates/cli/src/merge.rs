//! `guarantor merge PARTIALS…`: fold the partial files of a sharded `run`
//! or `uncertainty` into the result a single machine would have printed,
//! byte for byte (the `stats` measurements aside). The shard flags and the
//! writing of partials are in `shard.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use guarantor_scale::{Body, Meta, Named, Partial, Shard, check_set};

use crate::common::{
    Failure, HistoryArgs, ThreadsArgs, apply_what_ifs, engine_failure, render_diagnostics,
};

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
    /// Partials of a stage after the first of a sharded adaptive analysis:
    /// the stage plan their shards read (`--stage-plan` of `uncertainty`).
    #[arg(long, value_name = "FILE")]
    stage_plan: Option<PathBuf>,
    /// Partials of a stage of a sharded adaptive analysis that is not the
    /// last: where to write the next stage's plan (the surviving packages
    /// and their draws so far), which the next stage's shards read.
    #[arg(long, value_name = "FILE")]
    next_stage_plan: Option<PathBuf>,
    /// Partials of `report --shard`: render the report folder (HTML report,
    /// Markdown summary, data exports in the shards' --format) into DIR,
    /// as `report -o DIR` does on one machine.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
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
struct ReportWords {
    #[command(flatten)]
    a: crate::report::Args,
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
    let name0 = parts[0].name.clone();
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
    if a.report.is_some() && meta.verb != "report" {
        return Err(Failure(format!(
            "error: {name0} holds the partial of `{}`; --report renders the partials of `guarantor report --shard K/N --partial FILE` (a run's partial keeps only its top N and frontier, not every package a report exports)",
            meta.verb
        )));
    }
    match meta.verb.as_str() {
        "report" => {
            let Some(dir) = &a.report else {
                return Err(Failure(format!(
                    "error: {name0} is a report shard's partial: give --report DIR for the folder to render the report into"
                )));
            };
            if a.out.is_some() || a.record || a.stage_plan.is_some() || a.next_stage_plan.is_some()
            {
                return Err(Failure(
                    "error: report partials are merged into --report DIR only (not with -o, --record, --stage-plan or --next-stage-plan)".into(),
                ));
            }
            let mut w = ReportWords::try_parse_from(words("report")).map_err(bad_words)?;
            w.a.out = dir.clone();
            w.a.json = a.json;
            w.a.threads = threads;
            let what_ifs = apply_what_ifs(&mut s, &w.a.scenario.set)?;
            let bodies = parts
                .into_iter()
                .map(|p| match p.partial.body {
                    Body::Run(x) => Ok(x),
                    Body::Draws(_) => Err(Failure(format!(
                        "error: {} holds draws, not a report's packages",
                        p.name
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let (e, _) = guarantor_engine::finish_search(
                &s,
                &crate::report::report_search(threads, meta.plan.total),
                bodies,
            )
            .map_err(engine_failure)?;
            crate::common::emit(&crate::report::render_report(
                &w.a, &s, &what_ifs, &e, None,
            )?);
        }
        "run" => {
            if a.stage_plan.is_some() || a.next_stage_plan.is_some() {
                return Err(Failure(format!(
                    "error: {name0} holds a run's packages; --stage-plan and --next-stage-plan are for the partials of `uncertainty --packages adaptive:K --shard`"
                )));
            }
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
            if let Some(stage) = meta.stage.clone() {
                return merge_stage(&a, w.a, s, &stage, &name0, &meta, shards, threads);
            }
            if a.stage_plan.is_some() || a.next_stage_plan.is_some() {
                return Err(Failure(format!(
                    "error: {name0} is not a stage of an adaptive analysis; --stage-plan and --next-stage-plan are for the partials of `uncertainty --packages adaptive:K --shard`"
                )));
            }
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

/// The merge of one stage of a sharded adaptive analysis: the next stage's
/// plan, or (the last stage) the result one machine prints.
#[allow(clippy::too_many_arguments, reason = "one stage's parts")]
fn merge_stage(
    a: &Args,
    w: crate::uncertainty::Args,
    s: guarantor_model::Scenario,
    stage: &guarantor_scale::Stage,
    name0: &str,
    meta: &Meta,
    shards: Vec<guarantor_uncertainty::DrawShard>,
    threads: Option<usize>,
) -> Result<ExitCode, Failure> {
    if a.out.is_some() {
        return Err(Failure(
            "error: -o DIR writes every draw of every package studied, but adaptive choice drops packages between stages; study a fixed set (--packages top:K) for draws.parquet, or merge the stages without -o".into(),
        ));
    }
    let h = &stage.halving;
    // The round that reaches every draw is the last; any other needs a
    // place for the next stage's plan (checked before any work).
    if h.to < w.draws() && a.next_stage_plan.is_none() {
        return Err(Failure(format!(
            "error: {name0} is of stage {} (draws {}..{} of {}), not the last: give --next-stage-plan FILE for the plan of the next stage",
            h.stage,
            h.from,
            h.to,
            w.draws()
        )));
    }
    let before = match (&stage.plan_sha256, &a.stage_plan) {
        (None, None) => None,
        (None, Some(p)) => {
            return Err(Failure(format!(
                "error: {name0} is of stage 0, which reads no stage plan; drop --stage-plan {}",
                p.display()
            )));
        }
        (Some(sha), None) => {
            return Err(Failure(format!(
                "error: {name0} is of stage {} (draws {}..{}), made from a stage plan (SHA-256 {}); give that plan with --stage-plan FILE",
                h.stage,
                h.from,
                h.to,
                &sha[..12.min(sha.len())]
            )));
        }
        (Some(sha), Some(path)) => {
            let (plan, plan_sha) = crate::shard::read_stage_plan(path)?;
            if &plan_sha != sha {
                return Err(Failure(format!(
                    "error: {name0} was made from another stage plan (SHA-256 {}) than {} ({}); give the plan its shards read",
                    &sha[..12.min(sha.len())],
                    plan.name,
                    &plan_sha[..12]
                )));
            }
            guarantor_scale::check_stage_plan(
                &plan.name,
                &plan.partial.meta,
                &plan_sha,
                name0,
                meta,
            )
            .map_err(|e| Failure(format!("error: {e}")))?;
            match plan.partial.body {
                Body::Draws(d) => Some(d),
                Body::Run(_) => {
                    return Err(Failure(format!(
                        "error: {} holds a run's packages, not draws",
                        plan.name
                    )));
                }
            }
        }
    };
    let next = crate::uncertainty::merge_stage(w, s, h, before, shards, threads, a.json)?;
    let Some((next, rows)) = next else {
        return Ok(ExitCode::SUCCESS);
    };
    let Some(out) = &a.next_stage_plan else {
        return Err(Failure(format!(
            "error: stage {} is not the last: {} packages go on to stage {} (draws {}..{}); give --next-stage-plan FILE to write its plan",
            h.stage,
            next.alive.len(),
            next.stage,
            next.from,
            next.to
        )));
    };

    let words = format!(
        "stage {}: {} packages on draws {}..{}; {} kept for stage {} (draws {}..{}), whose plan is written to {}: run its shards with --stage-plan {}, then merge them with the same --stage-plan",
        h.stage,
        h.alive.len(),
        h.from,
        h.to,
        next.alive.len(),
        next.stage,
        next.from,
        next.to,
        out.display(),
        out.display()
    );
    let plan = Partial {
        meta: Meta {
            shard: Shard { index: 0, count: 1 },
            plan: guarantor_scale::Plan {
                unit: "draws".into(),
                total: next.to as u64,
            },
            start: 0,
            end: next.from as u64,
            stats: serde_json::Value::Null,
            stage: Some(guarantor_scale::Stage {
                halving: next,
                plan_sha256: None,
                is_plan: true,
            }),
            ..meta.clone()
        },
        body: Body::Draws(rows),
    };
    crate::shard::write_atomically(out, &plan)?;
    eprintln!("{words}");
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
