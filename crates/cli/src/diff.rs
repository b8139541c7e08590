//! `guarantor diff A B`: two scenario files or two recorded runs — which
//! inputs changed and which packages changed verdict, and why.

use std::path::{Path, PathBuf};

use guarantor_engine::{EvalOptions, evaluate};
use guarantor_history::PackageRecord;
use guarantor_history::diff::{
    InputChange, VerdictChange, VerdictDiff, input_changes, verdict_changes,
};
use serde_json::json;

use crate::common::{
    Failure, HistoryArgs, ThreadsArgs, emit, read_scenario_text, render_diagnostics,
};

/// One side of a diff: its name, scenario text and package verdicts.
pub struct Side {
    pub name: String,
    pub text: String,
    pub packages: Vec<PackageRecord>,
}

/// A run id: `run:12`, `#12` or `12` (when no file of that name exists).
fn run_id(arg: &str) -> Option<i64> {
    let t = arg
        .strip_prefix("run:")
        .or_else(|| arg.strip_prefix('#'))
        .unwrap_or(arg);
    t.parse::<i64>().ok()
}

/// Reads one side: an existing file is a scenario to evaluate; otherwise the
/// argument must be a recorded run's id.
pub fn side(arg: &str, history: Option<&Path>, threads: Option<usize>) -> Result<Side, Failure> {
    let path = PathBuf::from(arg);
    if path.is_file() || run_id(arg).is_none() {
        if !path.exists() {
            return Err(Failure(format!(
                "error: \"{arg}\" is neither a scenario file nor a run id (a number from `guarantor history`, e.g. run:3)"
            )));
        }
        let text = read_scenario_text(&path)?;
        let s = guarantor_model::load(arg, &text).map_err(|e| Failure(render_diagnostics(&e)))?;
        let e = evaluate(
            &s,
            &EvalOptions {
                threads,
                ..EvalOptions::default()
            },
        )
        .map_err(|e| Failure(format!("error: {e}")))?;
        return Ok(Side {
            name: arg.to_string(),
            text,
            packages: e
                .packages
                .iter()
                .map(crate::history::package_record)
                .collect(),
        });
    }
    let id = run_id(arg).expect("checked above");
    let h = crate::history::open(history)?;
    let run = h
        .get(id)
        .map_err(|e| Failure(format!("error: {e}")))?
        .ok_or_else(|| {
            Failure(format!(
                "error: there is no recorded run {id}; `guarantor history` lists the runs"
            ))
        })?;
    Ok(Side {
        name: format!(
            "run {id} ({}, {}, {})",
            run.info.scenario_file,
            run.info.recorded_at,
            run.info.scenario_hash.get(..12).unwrap_or("")
        ),
        text: run.scenario_text,
        packages: run.packages,
    })
}

pub struct DiffOutput {
    pub a: String,
    pub b: String,
    pub inputs: Vec<InputChange>,
    pub verdicts: VerdictDiff,
}

pub fn run_diff(
    a: &str,
    b: &str,
    history: Option<&Path>,
    threads: Option<usize>,
) -> Result<DiffOutput, Failure> {
    let (sa, sb) = (side(a, history, threads)?, side(b, history, threads)?);
    let inputs = input_changes(&sa.text, &sb.text).map_err(|e| Failure(format!("error: {e}")))?;
    Ok(DiffOutput {
        verdicts: verdict_changes(&sa.packages, &sb.packages),
        a: sa.name,
        b: sb.name,
        inputs,
    })
}

pub fn diff_json(d: &DiffOutput) -> serde_json::Value {
    json!({ "a": d.a, "b": d.b, "inputs": d.inputs, "verdicts": d.verdicts })
}

fn value(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(absent)")
}

fn change_text(c: &VerdictChange, out: &mut String) {
    out.push_str(&format!(
        "  {}\n      {} → {}\n",
        c.label,
        c.before.word(),
        c.after.word()
    ));
    for r in &c.new_reasons {
        out.push_str(&format!("      + {r}\n"));
    }
    for r in &c.gone_reasons {
        out.push_str(&format!("      − {r}\n"));
    }
}

pub fn diff_text(d: &DiffOutput, limit: usize) -> String {
    let mut out = format!("A: {}\nB: {}\n\n", d.a, d.b);
    if d.inputs.is_empty() {
        out.push_str("Inputs: identical.\n");
    } else {
        out.push_str(&format!("Inputs: {} changed\n", d.inputs.len()));
        for c in d.inputs.iter().take(limit) {
            out.push_str(&format!(
                "  {}: {} → {}\n",
                c.path,
                value(&c.before),
                value(&c.after)
            ));
        }
        if d.inputs.len() > limit {
            out.push_str(&format!(
                "  … and {} more (--limit, or --json for all)\n",
                d.inputs.len() - limit
            ));
        }
    }
    let v = &d.verdicts;
    out.push_str(&format!(
        "\nVerdicts: {} packages compared; passing {} → {}; {} flipped pass/fail, {} changed otherwise",
        v.compared,
        v.passing_before,
        v.passing_after,
        v.flipped.len(),
        v.changed.len()
    ));
    if v.only_in_a + v.only_in_b > 0 {
        out.push_str(&format!(
            "; {} only in A, {} only in B",
            v.only_in_a, v.only_in_b
        ));
    }
    out.push_str(".\n");
    if !v.flipped.is_empty() {
        out.push_str("\nFlipped (+ new reason, − reason gone):\n");
        for c in v.flipped.iter().take(limit) {
            change_text(c, &mut out);
        }
        if v.flipped.len() > limit {
            out.push_str(&format!("  … and {} more\n", v.flipped.len() - limit));
        }
    }
    if !v.changed.is_empty() {
        let n = limit.min(v.changed.len());
        out.push_str(&format!(
            "\nChanged without flipping (first {n} of {}):\n",
            v.changed.len()
        ));
        for c in v.changed.iter().take(n) {
            change_text(c, &mut out);
        }
    }
    out
}

#[derive(clap::Args)]
pub struct Args {
    /// A scenario file or a recorded run (run:3).
    a: String,
    /// A scenario file or a recorded run (run:3).
    b: String,
    #[command(flatten)]
    history: HistoryArgs,
    /// How many changes of each kind to list (--json lists all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[command(flatten)]
    threads: ThreadsArgs,
    /// Print the differences as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<std::process::ExitCode, Failure> {
    let threads = a.threads.get()?;
    let d = run_diff(&a.a, &a.b, a.history.history.as_deref(), threads)?;
    if a.json {
        emit(&format!("{}\n", diff_json(&d)));
    } else {
        emit(&diff_text(&d, a.limit));
    }
    Ok(std::process::ExitCode::SUCCESS)
}
