//! `guarantor run`: stream the whole option space; the ranked table, the
//! frontier and the why-not counts.

use std::process::ExitCode;

use guarantor_engine::{
    EvalOptions, Evaluation, Objective, SearchOptions, evaluate, search_partial, search_with_stats,
};

use crate::common::{
    Failure, HistoryArgs, ScenarioArgs, ThreadsArgs, emit, emit_json, engine_failure,
    what_if_header,
};
use crate::{history, progress};

/// A listed passing package whose smallest acceptance margin among required
/// actors is below this is flagged as passing on a thin margin: a modest
/// change in the numbers could flip its verdict (utility units, the scale
/// of margins; docs/reports.md).
pub const THIN_MARGIN: f64 = 0.05;

/// A listed passing package on a thin margin.
pub struct Thin {
    pub label: String,
    pub title: String,
    pub actor: String,
    pub margin: f64,
}

/// The passing packages among the first `top` listed whose smallest margin
/// is below [`THIN_MARGIN`], thinnest first.
pub fn thin_margins(e: &guarantor_engine::Evaluation, top: usize) -> Vec<Thin> {
    let mut thin: Vec<Thin> = e
        .packages
        .iter()
        .take(top)
        .filter(|v| v.passes)
        .filter_map(|v| v.min_margin.as_ref().map(|m| (v, m)))
        .filter(|(_, m)| m.margin < THIN_MARGIN)
        .map(|(v, m)| Thin {
            label: v.label.clone(),
            title: v.title.clone(),
            actor: m.actor.clone(),
            margin: m.margin,
        })
        .collect();
    thin.sort_by(|a, b| a.margin.total_cmp(&b.margin));
    thin
}

/// The note `run` prints under its table when listed packages pass on thin
/// margins (None: none does).
pub fn thin_margin_note(thin: &[Thin]) -> Option<String> {
    let Thin {
        title,
        actor,
        margin,
        ..
    } = thin.first()?;
    let n = thin.len();
    Some(format!(
        "Thin margins: {n} listed passing package{} {} with a margin below {THIN_MARGIN} \
         (thinnest: {title}, {margin:.3} for {actor}); a small change in the numbers could \
         flip {}. See how often they pass under the declared uncertainties with \
         `guarantor uncertainty`.\n",
        if n == 1 { "" } else { "s" },
        if n == 1 { "passes" } else { "pass" },
        if n == 1 {
            "its verdict"
        } else {
            "their verdicts"
        },
    ))
}

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
    pub(crate) history: HistoryArgs,
    #[command(flatten)]
    pub(crate) shard: crate::shard::ShardArgs,
}

impl Args {
    /// The objectives, checked.
    pub(crate) fn objectives(&self) -> Result<Vec<Objective>, Failure> {
        Objective::parse_list(&self.objectives)
            .map_err(|m| Failure(format!("error: --objectives: {m}")))
    }

    /// The search options a merge of this run's partials uses.
    pub(crate) fn search_options(
        &self,
        threads: Option<usize>,
    ) -> Result<SearchOptions<'static>, Failure> {
        Ok(SearchOptions {
            threads,
            top: self.top,
            objectives: self.objectives()?,
            progress: None,
            prune: self.prune,
        })
    }

    pub(crate) fn set(&self) -> &[String] {
        &self.scenario.set
    }

    pub(crate) fn top(&self) -> usize {
        self.top
    }
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let threads = a.threads.get()?;
    let objectives = a.objectives()?;
    if let Some(shard) = a.shard.get()? {
        if a.record {
            return Err(Failure(
                "error: --record with --shard: a shard is not a whole run; record the merged run with `guarantor merge --record`".into(),
            ));
        }
        let partial = a.shard.partial_path()?;
        let (s, _) = a.scenario.load_with_what_ifs()?;
        let size = u64::try_from(s.option_space_size()).map_err(|_| {
            Failure("error: the option space is too large to number in 64 bits".into())
        })?;
        let space = guarantor_engine::PackageSpace::new(&s);
        let strides: Vec<u64> = (0..space.radices.len()).map(|c| space.stride(c)).collect();
        let range = shard.package_range(size, &strides);
        let (part, stats) = search_partial(
            &s,
            &SearchOptions {
                threads,
                top: a.top,
                objectives,
                progress: None,
                prune: a.prune,
            },
            range.clone(),
        )
        .map_err(engine_failure)?;
        let line = crate::shard::write_package_partial(
            partial,
            "run",
            &a.scenario,
            shard,
            size,
            range,
            serde_json::to_value(&stats).expect("plain data"),
            part,
        )?;
        if !a.quiet {
            eprintln!("{line}");
        }
        return Ok(ExitCode::SUCCESS);
    }
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
    print(
        &e,
        serde_json::to_value(&stats).expect("statistics are plain data"),
        &what_ifs,
        a.top,
        a.json,
    );
    if a.record {
        let (name, text) = a.scenario.source()?;
        record(
            (name, text, &a.scenario.set),
            &s,
            threads,
            objectives,
            a.top,
            a.history.history.as_deref(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Record a run in the history: every package's verdict (for `diff`),
/// which the streaming search does not hold, so the space is evaluated in
/// memory.
pub(crate) fn record(
    (name, text, set): (String, String, &[String]),
    s: &guarantor_model::Scenario,
    threads: Option<usize>,
    objectives: Vec<Objective>,
    top: usize,
    history: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let all = evaluate(
        s,
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
    let id = history::record_source(
        "run",
        name,
        text,
        set,
        s,
        &all,
        serde_json::json!({ "threads": threads, "top": top, "set": set }),
        history,
    )?;
    eprintln!("Recorded as run {id} (see `guarantor history`).");
    Ok(())
}

/// Print a run's result: the table, or with `json` one JSON object
/// (`stats` is the measurement object of the work done).
pub(crate) fn print(
    e: &Evaluation,
    stats: serde_json::Value,
    what_ifs: &[crate::common::WhatIf],
    top: usize,
    json: bool,
) {
    if json {
        let mut out = guarantor_report::run_json(e, top);
        out["what_if"] = serde_json::json!(what_ifs);
        out["stats"] = stats;
        out["thin_margins"] = serde_json::json!({
            "threshold": THIN_MARGIN,
            "packages": thin_margins(e, top)
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "label": t.label,
                        "title": t.title,
                        "actor": t.actor,
                        "margin": t.margin,
                    })
                })
                .collect::<Vec<_>>(),
        });
        emit_json(&out);
    } else {
        let style = guarantor_report::Style {
            color: progress::stdout_wants_color(),
        };
        emit(&what_if_header(what_ifs));
        emit(&guarantor_report::render_run_styled(e, top, style));
        if let Some(note) = thin_margin_note(&thin_margins(e, top)) {
            emit(&format!("\n{note}"));
        }
    }
}
