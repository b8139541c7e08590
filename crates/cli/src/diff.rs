//! `guarantor diff A B`: two scenario files or two recorded runs — which
//! inputs changed and which packages changed verdict, and why.

use std::path::{Path, PathBuf};

use guarantor_engine::{EvalOptions, evaluate};
use guarantor_history::PackageRecord;
use guarantor_history::diff::{
    Headline, InputChange, Ranked, VerdictChange, VerdictDiff, input_changes, moved, moved_opt,
    verdict_changes,
};
use guarantor_model::number::grouped;
use serde_json::json;

use crate::common::{
    Failure, HistoryArgs, ThreadsArgs, WhatIf, apply_what_ifs, describe_what_ifs, emit,
    read_scenario_text, render_diagnostics,
};

/// One side of a diff: its name, scenario text, the what-ifs applied to it,
/// and its package verdicts.
pub struct Side {
    pub name: String,
    pub text: String,
    pub what_ifs: Vec<WhatIf>,
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
pub fn side(
    arg: &str,
    history: Option<&Path>,
    threads: Option<usize>,
    set: &[String],
) -> Result<Side, Failure> {
    let path = PathBuf::from(arg);
    // An embedded scenario's id (`guarantor scenarios`), unless a file has that name.
    let embedded = guarantor_model::embedded_scenario(arg).filter(|_| !path.exists());
    if embedded.is_some() || path.is_file() || run_id(arg).is_none() {
        let text = match embedded {
            Some(e) => e.text.to_string(),
            None if !path.exists() => {
                return Err(Failure(format!(
                    "error: \"{arg}\" is neither a scenario file nor a run id (a number from `guarantor history`, e.g. run:3) nor an embedded scenario id (`guarantor scenarios` lists them)"
                )));
            }
            None => read_scenario_text(&path)?,
        };
        let mut s =
            guarantor_model::load(arg, &text).map_err(|e| Failure(render_diagnostics(&e)))?;
        let what_ifs = apply_what_ifs(&mut s, set)?;
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
            what_ifs,
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
    if !set.is_empty() {
        return Err(Failure(format!(
            "error: --set applies to a scenario file, and {arg} is a recorded run; diff the run with its scenario file and --set"
        )));
    }
    // The what-ifs the run was recorded with, against its own scenario text.
    let recorded: Vec<String> = run.info.parameters["set"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let what_ifs = match guarantor_model::load(arg, &run.scenario_text) {
        Ok(mut s) => apply_what_ifs(&mut s, &recorded).unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    Ok(Side {
        what_ifs,
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

/// Compare A with B; `set` what-ifs apply to B (which is A itself when absent).
pub fn run_diff(
    a: &str,
    b: Option<&str>,
    set: &[String],
    history: Option<&Path>,
    threads: Option<usize>,
) -> Result<DiffOutput, Failure> {
    let b = match b {
        Some(b) => b,
        None if !set.is_empty() => a,
        None => {
            return Err(Failure(
                "error: give B (a scenario file or a run id), or --set PATH=VALUE to compare A with a what-if of itself".into(),
            ));
        }
    };
    let (sa, sb) = (
        side(a, history, threads, &[])?,
        side(b, history, threads, set)?,
    );
    let mut inputs =
        input_changes(&sa.text, &sb.text).map_err(|e| Failure(format!("error: {e}")))?;
    inputs.extend(what_if_changes(&sa.what_ifs, &sb.what_ifs));
    let b_name = if sb.what_ifs.is_empty() {
        sb.name
    } else {
        format!(
            "{} with what-ifs: {}",
            sb.name,
            describe_what_ifs(&sb.what_ifs)
        )
    };
    Ok(DiffOutput {
        verdicts: verdict_changes(&sa.packages, &sb.packages),
        a: sa.name,
        b: b_name,
        inputs,
    })
}

/// What-ifs that differ between the sides, as input changes named
/// "PATH (what-if)": before and after are each side's value, its what-if's or
/// else the scenario's own.
fn what_if_changes(a: &[WhatIf], b: &[WhatIf]) -> Vec<InputChange> {
    let mut paths: Vec<&str> = a.iter().chain(b).map(|w| w.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    let fmt = guarantor_model::number::fmt;
    paths
        .into_iter()
        .filter_map(|p| {
            let wa = a.iter().find(|w| w.path == p);
            let wb = b.iter().find(|w| w.path == p);
            let before = wa.map_or_else(|| wb.map(|w| w.was), |w| Some(w.value))?;
            let after = wb.map_or_else(|| wa.map(|w| w.was), |w| Some(w.value))?;
            (before != after).then(|| InputChange {
                path: format!("{p} (what-if)"),
                before: Some(fmt(before)),
                after: Some(fmt(after)),
            })
        })
        .collect()
}

pub fn diff_json(d: &DiffOutput) -> serde_json::Value {
    json!({ "a": d.a, "b": d.b, "inputs": d.inputs, "verdicts": d.verdicts })
}

fn value(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(absent)")
}

/// Red-line statements quoted in a diff, each printed once at the end and
/// referred to by number in the reasons (a statement repeated under every
/// flipped package would drown the list).
#[derive(Default)]
struct Quotes {
    statements: Vec<String>,
}

impl Quotes {
    /// The reason with each quoted statement (the engine's ` — "…"` after a
    /// red line, closed by `"` at the end or before `; `) replaced by a
    /// reference `[n]`.
    fn cite(&mut self, reason: &str) -> String {
        let mut out = String::new();
        let mut rest = reason;
        while let Some(at) = rest.find(" — \"") {
            let body = &rest[at + " — \"".len()..];
            let close = body
                .match_indices('"')
                .map(|(i, _)| i)
                .find(|&i| body[i + 1..].is_empty() || body[i + 1..].starts_with("; "));
            let Some(close) = close else { break };
            let quote = format!("\"{}\"", &body[..close]);
            let n = match self.statements.iter().position(|q| *q == quote) {
                Some(i) => i + 1,
                None => {
                    self.statements.push(quote);
                    self.statements.len()
                }
            };
            out.push_str(&rest[..at]);
            out.push_str(&format!(" [{n}]"));
            rest = &body[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn text(&self) -> String {
        if self.statements.is_empty() {
            return String::new();
        }
        let mut out = String::from("\nRed-line statements quoted above:\n");
        for (i, q) in self.statements.iter().enumerate() {
            out.push_str(&format!("  [{}] {q}\n", i + 1));
        }
        out
    }
}

fn change_text(c: &VerdictChange, quotes: &mut Quotes, out: &mut String) {
    out.push_str(&format!(
        "  {}\n      {} → {}\n",
        c.title,
        c.before.word(),
        c.after.word()
    ));
    for r in &c.new_reasons {
        out.push_str(&format!("      + {}\n", quotes.cite(r)));
    }
    for r in &c.gone_reasons {
        out.push_str(&format!("      − {}\n", quotes.cite(r)));
    }
}

fn ranked_text(r: &Ranked) -> String {
    let mut s = format!(
        "#{} {}: cost {}/yr, deterrence {:.2}",
        r.rank,
        r.title,
        grouped(r.cost_per_year),
        r.deterrence
    );
    if let Some(m) = r.min_margin {
        s.push_str(&format!(", smallest margin {m:+.3}"));
    }
    if let Some(b) = r.max_share {
        s.push_str(&format!(", largest share {:.0}%", b * 100.0));
    }
    s
}

/// The top package, the frontier's moves and the score changes, first.
fn headline_text(h: &Headline, limit: usize) -> String {
    let mut out = String::from("\n");
    match (&h.top_before, &h.top_after) {
        (Some(a), Some(b)) if a.label == b.label => out.push_str(&format!(
            "Top package: unchanged, {}\n",
            if moved_scores(a, b) {
                format!("{}\n  now {}", ranked_text(a), ranked_text(b))
            } else {
                ranked_text(a)
            }
        )),
        (a, b) => out.push_str(&format!(
            "Top package:\n  A: {}\n  B: {}\n",
            a.as_ref().map_or("nothing passes".into(), ranked_text),
            b.as_ref().map_or("nothing passes".into(), ranked_text)
        )),
    }
    if h.frontier_joined.is_empty() && h.frontier_left.is_empty() {
        out.push_str("Frontier: unchanged.\n");
    } else {
        out.push_str(&format!(
            "Frontier: {} joined, {} left\n",
            h.frontier_joined.len(),
            h.frontier_left.len()
        ));
        for r in h.frontier_joined.iter().take(limit) {
            out.push_str(&format!("  + {}\n", ranked_text(r)));
        }
        for r in h.frontier_left.iter().take(limit) {
            out.push_str(&format!("  − {}\n", ranked_text(r)));
        }
    }
    if !h.scores.is_empty() {
        out.push_str(&format!(
            "Scores: {} packages passing in A or B changed cost, deterrence, burden or margin; largest cost changes first:\n",
            h.scores.len()
        ));
        for c in h.scores.iter().take(limit) {
            out.push_str(&format!(
                "  {}\n      {}\n",
                c.before.title,
                score_moves(&c.before, &c.after)
            ));
        }
    }
    out
}

fn moved_scores(a: &Ranked, b: &Ranked) -> bool {
    moved(a.cost_per_year, b.cost_per_year)
        || moved(a.deterrence, b.deterrence)
        || moved_opt(a.max_share, b.max_share)
        || moved_opt(a.min_margin, b.min_margin)
}

/// "cost 20,000 → 7,704 (−12,296); largest share 100% → 60%".
fn score_moves(a: &Ranked, b: &Ranked) -> String {
    let mut parts = Vec::new();
    if moved(a.cost_per_year, b.cost_per_year) {
        parts.push(format!(
            "cost {} → {} ({}{})",
            grouped(a.cost_per_year),
            grouped(b.cost_per_year),
            if b.cost_per_year >= a.cost_per_year {
                "+"
            } else {
                ""
            },
            grouped(b.cost_per_year - a.cost_per_year)
        ));
    }
    if moved(a.deterrence, b.deterrence) {
        parts.push(format!(
            "deterrence {:.2} → {:.2}",
            a.deterrence, b.deterrence
        ));
    }
    if moved_opt(a.max_share, b.max_share) {
        let pct = |x: Option<f64>| x.map_or("n/a".into(), |x| format!("{:.0}%", x * 100.0));
        parts.push(format!(
            "largest share {} → {}",
            pct(a.max_share),
            pct(b.max_share)
        ));
    }
    if moved_opt(a.min_margin, b.min_margin) {
        let m = |x: Option<f64>| x.map_or("n/a".into(), |x| format!("{x:+.3}"));
        parts.push(format!(
            "smallest margin {} → {}",
            m(a.min_margin),
            m(b.min_margin)
        ));
    }
    if a.rank != b.rank {
        parts.push(format!("rank #{} → #{}", a.rank, b.rank));
    }
    parts.join("; ")
}

pub fn diff_text(d: &DiffOutput, limit: usize) -> String {
    let mut out = format!("A: {}\nB: {}\n\n", d.a, d.b);
    let mut quotes = Quotes::default();
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
    out.push_str(&headline_text(&d.verdicts.headline, limit));
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
            change_text(c, &mut quotes, &mut out);
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
            change_text(c, &mut quotes, &mut out);
        }
    }
    out.push_str(&quotes.text());
    out
}

#[derive(clap::Args)]
pub struct Args {
    /// A scenario file, an embedded scenario id (ukraine-2025-11) or a recorded run (run:3).
    a: String,
    /// A scenario file or a recorded run (run:3); default: A itself, with --set.
    b: Option<String>,
    /// What-if for B: set one number by its dotted path (e.g.
    /// actors.ru.reservation=0.55). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
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
    let d = run_diff(
        &a.a,
        a.b.as_deref(),
        &a.set,
        a.history.history.as_deref(),
        threads,
    )?;
    if a.json {
        emit(&format!("{}\n", diff_json(&d)));
    } else {
        emit(&diff_text(&d, a.limit));
    }
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::Quotes;

    #[test]
    fn each_statement_is_quoted_once_and_cited_by_number() {
        let mut q = Quotes::default();
        let a = q.cite(
            "ru rejects: red line \"x\" violated: forbids y — \"Said 'no' (2025).\"; utility 0.5 is below 0.6",
        );
        assert_eq!(
            a,
            "ru rejects: red line \"x\" violated: forbids y [1]; utility 0.5 is below 0.6"
        );
        let b = q.cite("ru rejects: red line \"x\" violated: forbids z — \"Said 'no' (2025).\"");
        assert_eq!(b, "ru rejects: red line \"x\" violated: forbids z [1]");
        let c = q.cite("ua rejects: red line \"w\" violated — \"Other.\"; red line \"v\" — \"Said 'no' (2025).\"");
        assert_eq!(
            c,
            "ua rejects: red line \"w\" violated [2]; red line \"v\" [1]"
        );
        assert_eq!(
            q.cite("infeasible: short of 3 fighters"),
            "infeasible: short of 3 fighters"
        );
        assert_eq!(
            q.text(),
            "\nRed-line statements quoted above:\n  [1] \"Said 'no' (2025).\"\n  [2] \"Other.\"\n"
        );
    }
}
