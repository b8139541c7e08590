//! `--record` on `run` and `report`, and `guarantor history`: the CLI side of
//! the run history (crate `guarantor-history`).

use std::path::{Path, PathBuf};

use guarantor_engine::{Evaluation, PackageVerdict};
use guarantor_history::{History, NewRun, PackageRecord, RunInfo};
use guarantor_model::Scenario;
use serde_json::json;

use crate::common::{Failure, HistoryArgs, ScenarioArgs, apply_what_ifs, emit};

/// The history database: `--history PATH`, else the documented default.
pub fn history_path(flag: Option<&Path>) -> Result<PathBuf, Failure> {
    match flag {
        Some(p) => Ok(p.to_path_buf()),
        None => guarantor_history::default_path(|k| std::env::var_os(k))
            .map_err(|e| Failure(format!("error: {e} (--history PATH)"))),
    }
}

pub fn open(flag: Option<&Path>) -> Result<History, Failure> {
    let path = history_path(flag)?;
    History::open(&path).map_err(|e| Failure(format!("error: {e}")))
}

/// What the history keeps of one package.
pub fn package_record(p: &PackageVerdict) -> PackageRecord {
    PackageRecord {
        label: p.label.clone(),
        options: p.options.clone(),
        feasible: p.feasible,
        acceptable_to_required: p.acceptable_to_required,
        passes: p.passes,
        frontier: p.frontier,
        deterrence: p.deterrence.total,
        cost_per_year: p.cost_per_year,
        reasons: guarantor_report::why::failure_reasons(p),
        title: p.title.clone(),
        max_share: Some(p.max_share),
        min_margin: p.min_margin.as_ref().map(|m| m.margin),
    }
}

/// The counts and headline packages of an evaluation.
pub fn summary(e: &Evaluation) -> serde_json::Value {
    json!({
        "counts": e.counts,
        "required_acceptance": e.required_acceptance,
        "top": e.packages.iter().find(|p| p.passes).map(|p| &p.label),
        "frontier": e.packages.iter().filter(|p| p.frontier).map(|p| &p.label).collect::<Vec<_>>(),
    })
}

/// Records an evaluated run. The scenario text is read again and must still
/// describe the scenario that was evaluated; if the file changed meanwhile,
/// nothing is recorded and the user is told.
pub fn record(
    verb: &str,
    input: &ScenarioArgs,
    s: &Scenario,
    e: &Evaluation,
    parameters: serde_json::Value,
    history: Option<&Path>,
) -> Result<i64, Failure> {
    let (name, text) = input.source()?;
    record_source(verb, name, text, &input.set, s, e, parameters, history)
}

/// Records an evaluated run of the scenario `text` (named `name`) with the
/// what-ifs `set`; refuses if they do not describe the scenario evaluated.
#[allow(clippy::too_many_arguments, reason = "one record's parts")]
pub fn record_source(
    verb: &str,
    name: String,
    text: String,
    set: &[String],
    s: &Scenario,
    e: &Evaluation,
    parameters: serde_json::Value,
    history: Option<&Path>,
) -> Result<i64, Failure> {
    // The scenario as evaluated: the file's text with the what-ifs (recorded
    // in the parameters as `set`) applied again.
    let now = guarantor_model::load(&name, &text)
        .ok()
        .and_then(|mut now| apply_what_ifs(&mut now, set).ok().map(|_| now));
    match now {
        Some(now) if &now == s => {}
        _ => {
            return Err(Failure(format!(
                "error: {name} changed while it was being evaluated; the run was not recorded (run it again)"
            )));
        }
    }
    let run = NewRun {
        verb: verb.to_string(),
        scenario_id: s.meta.id.clone(),
        scenario_file: name,
        scenario_text: text,
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        parameters,
        summary: summary(e),
        packages: e.packages.iter().map(package_record).collect(),
    };
    open(history)?
        .record(&run)
        .map_err(|e| Failure(format!("error: {e}")))
}

fn info_json(r: &RunInfo) -> serde_json::Value {
    serde_json::to_value(r).expect("plain data")
}

/// `guarantor history`: the most recent runs, newest first.
pub fn list(history: Option<&Path>, limit: usize, json_out: bool) -> Result<String, Failure> {
    let path = history_path(history)?;
    if !path.exists() {
        return Ok(if json_out {
            format!("{}\n", json!({ "history": path, "runs": [] }))
        } else {
            format!(
                "No run history at {} yet: record runs with `guarantor run --record` or `guarantor report --record`.\n",
                path.display()
            )
        });
    }
    let h = History::open(&path).map_err(|e| Failure(format!("error: {e}")))?;
    let runs = h.list(limit).map_err(|e| Failure(format!("error: {e}")))?;
    if json_out {
        return Ok(format!(
            "{}\n",
            json!({ "history": path, "runs": runs.iter().map(info_json).collect::<Vec<_>>() })
        ));
    }
    let mut out = format!(
        "Run history {} ({} shown, newest first):\n",
        path.display(),
        runs.len()
    );
    out.push_str(&format!(
        "{:>4}  {:<20}  {:<6}  {:<16}  {:<12}  {:>6}  {:>5}  {:>7}  file\n",
        "id", "recorded (UTC)", "verb", "scenario", "sha256", "passes", "of", "version"
    ));
    for r in &runs {
        let c = &r.summary["counts"];
        out.push_str(&format!(
            "{:>4}  {:<20}  {:<6}  {:<16}  {:<12}  {:>6}  {:>5}  {:>7}  {}\n",
            r.id,
            r.recorded_at,
            r.verb,
            r.scenario_id,
            &r.scenario_hash[..12.min(r.scenario_hash.len())],
            c["passing"],
            c["evaluated"],
            r.engine_version,
            r.scenario_file
        ));
    }
    if runs.is_empty() {
        out.push_str("(no runs recorded yet)\n");
    }
    Ok(out)
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    history: HistoryArgs,
    /// How many runs to list.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Print the runs as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<std::process::ExitCode, Failure> {
    emit(&list(a.history.history.as_deref(), a.limit, a.json)?);
    Ok(std::process::ExitCode::SUCCESS)
}
