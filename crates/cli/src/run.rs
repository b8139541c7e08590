//! `guarantor run`: stream the whole option space; the ranked table, the
//! frontier and the why-not counts.

use std::process::ExitCode;

use guarantor_engine::{EvalOptions, Objective, SearchOptions, evaluate, search_with_stats};

use crate::common::{
    Failure, HistoryArgs, ScenarioArgs, ThreadsArgs, emit, emit_json, engine_failure,
    what_if_header,
};
use crate::{history, progress};

/// Option spaces above this get a note on stderr before `run` starts.
const LARGE_OPTION_SPACE: u128 = 100_000_000;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// How many passing packages to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    threads: ThreadsArgs,
    /// Frontier objectives, comma-separated: deterrence, margin, cost, burden.
    #[arg(long, default_value = "deterrence,margin,cost,burden")]
    objectives: String,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Skip subtrees that cannot contain a passing package (faster; the
    /// why-not counts then cover the screened packages only).
    #[arg(long)]
    prune: bool,
    /// Record the run in the run history (see `guarantor history`).
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    history: HistoryArgs,
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let threads = a.threads.get()?;
    let objectives = Objective::parse_list(&a.objectives)
        .map_err(|m| Failure(format!("error: --objectives: {m}")))?;
    let (s, what_ifs) = a.scenario.load_with_what_ifs()?;
    let size = s.option_space_size();
    if size > LARGE_OPTION_SPACE && !a.quiet {
        eprintln!(
            "note: {size} packages; the search streams them in constant memory at roughly \
             a million packages a second per core{}",
            if a.prune {
                ""
            } else {
                "; --prune skips subtrees that cannot pass"
            }
        );
    }
    let bar = progress::Bar::new(
        u64::try_from(size).unwrap_or(u64::MAX),
        !(a.json || a.quiet),
    );
    let tick = |done: u64| bar.set(done);
    let (e, stats) = search_with_stats(
        &s,
        &SearchOptions {
            threads,
            top: a.top,
            objectives: objectives.clone(),
            progress: Some(&tick),
            prune: a.prune,
        },
    )
    .map_err(engine_failure)?;
    bar.finish();
    if a.json {
        let mut out = guarantor_report::run_json(&e, a.top);
        out["what_if"] = serde_json::json!(what_ifs);
        out["stats"] = serde_json::to_value(&stats).expect("statistics are plain data");
        emit_json(&out);
    } else {
        let style = guarantor_report::Style {
            color: progress::stdout_wants_color(),
        };
        emit(&what_if_header(&what_ifs));
        emit(&guarantor_report::render_run_styled(&e, a.top, style));
    }
    if a.record {
        // The history keeps every package's verdict (for `diff`), which the
        // streaming search does not hold: evaluate the space in memory.
        let all = evaluate(
            &s,
            &EvalOptions {
                threads,
                objectives,
            },
        )
        .map_err(|e| {
            Failure(format!(
                "error: the run was not recorded: {e}; --record keeps every package's verdict for `guarantor diff`"
            ))
        })?;
        let id = history::record(
            "run",
            &a.scenario,
            &s,
            &all,
            serde_json::json!({ "threads": threads, "top": a.top, "set": a.scenario.set }),
            a.history.history.as_deref(),
        )?;
        eprintln!("Recorded as run {id} (see `guarantor history`).");
    }
    Ok(ExitCode::SUCCESS)
}
