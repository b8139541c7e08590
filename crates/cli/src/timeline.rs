//! `guarantor timeline [IDS…|FILES…]`: run dated scenarios in date order and
//! explain each step (the logic is `guarantor_history::timeline`; this verb
//! reads the scenarios, evaluates them and prints).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use guarantor_engine::{EvalOptions, evaluate};
use guarantor_history::PackageRecord;
use guarantor_history::timeline::{Snapshot, Step, in_date_order, timeline};
use guarantor_model::number::grouped;
use guarantor_report::timeline::{DatePoint, timeline_section};
use serde_json::json;

use crate::common::{
    Failure, ThreadsArgs, embedded_source, emit, read_scenario_text, render_diagnostics,
};

#[derive(clap::Args)]
pub struct Args {
    /// Embedded scenario ids (`guarantor scenarios`) or scenario files, in any
    /// order: they run in date order (meta.as_of). Default: every embedded scenario.
    inputs: Vec<String>,
    /// How many input changes, causes and moves to list per step (--json lists all).
    #[arg(long, default_value_t = 12)]
    limit: usize,
    /// Also write DIR/report.html: the timeline section with its charts.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Draws of the declared uncertainties for each date's P(pass) of its top
    /// package in the report (0: none).
    #[arg(long, default_value_t = 64)]
    draws: usize,
    #[command(flatten)]
    threads: ThreadsArgs,
    /// Print {steps: [{from, to, changed_inputs, flipped, top_before, top_after, reasons, …}], dates: […]}.
    #[arg(long)]
    json: bool,
}

/// An argument as a scenario: an existing file, else an embedded id.
fn source(arg: &str) -> Result<(String, String), Failure> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok((arg.to_string(), read_scenario_text(path)?));
    }
    if guarantor_model::embedded_scenario(arg).is_none()
        && (arg.contains('/') || arg.ends_with(".toml"))
    {
        return Err(Failure(format!(
            "error: \"{arg}\" is neither a scenario file nor an embedded scenario id (`guarantor scenarios` lists them)"
        )));
    }
    embedded_source(arg)
}

/// Evaluate a scenario text into package records in rank order.
fn records(name: &str, text: &str, threads: Option<usize>) -> Result<Vec<PackageRecord>, String> {
    let s = guarantor_model::load(name, text).map_err(|e| {
        e.problems
            .first()
            .map_or_else(|| e.to_string(), |p| p.message.clone())
    })?;
    let e = evaluate(
        &s,
        &EvalOptions {
            threads,
            ..EvalOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(e.packages
        .iter()
        .map(crate::history::package_record)
        .collect())
}

fn snapshot(arg: &str, threads: Option<usize>) -> Result<Snapshot, Failure> {
    let (name, text) = source(arg)?;
    let s = guarantor_model::load(&name, &text).map_err(|e| Failure(render_diagnostics(&e)))?;
    let packages =
        records(&name, &text, threads).map_err(|e| Failure(format!("error: {name}: {e}")))?;
    Ok(Snapshot {
        id: s.meta.id.clone(),
        title: s.meta.title.clone(),
        as_of: s.meta.as_of.clone(),
        text,
        packages,
    })
}

/// P(pass) of the top-ranked package under the scenario's declared
/// uncertainties, from `draws` Latin-hypercube draws (no tornado, no Sobol').
fn p_pass(snap: &Snapshot, draws: usize, threads: Option<usize>) -> Option<(f64, usize)> {
    if draws < 2 {
        return None;
    }
    let s = guarantor_model::load(&snap.id, &snap.text).ok()?;
    if s.uncertainty.is_empty() {
        return None;
    }
    let top = snap.packages.first()?;
    let o = guarantor_uncertainty::Options {
        draws,
        packages: guarantor_uncertainty::PackageSet::Top(1),
        tornado_draws: 0,
        sobol_rows: 0,
        threads,
        focus: Some(top.options.clone()),
        ..guarantor_uncertainty::Options::default()
    };
    let r = guarantor_uncertainty::analyse(&s, &o, &()).ok()?;
    r.ranking
        .iter()
        .find(|p| p.options == top.options)
        .map(|p| (p.passes.p, draws))
}

fn date_point(s: &Snapshot, p_pass: Option<(f64, usize)>) -> DatePoint {
    let top = s.packages.first();
    DatePoint {
        id: s.id.clone(),
        as_of: s.as_of.clone(),
        title: s.title.clone(),
        evaluated: s.packages.len(),
        feasible: s.packages.iter().filter(|p| p.feasible).count(),
        passing: s.packages.iter().filter(|p| p.passes).count(),
        top_title: top.map_or(String::new(), |p| p.display_title().to_string()),
        top_deterrence: top.map_or(0.0, |p| p.deterrence),
        top_passes: top.is_some_and(|p| p.passes),
        p_pass,
    }
}

fn top_text(r: &Option<guarantor_history::diff::Ranked>) -> String {
    match r {
        None => "no package".into(),
        Some(r) => format!(
            "{} — deterrence {:.2}, cost {}/yr, {}",
            r.title,
            r.deterrence,
            grouped(r.cost_per_year),
            if r.passes { "passes" } else { "does not pass" }
        ),
    }
}

/// One step in words (terminal and report).
pub fn step_text(s: &Step, limit: usize) -> String {
    let mut out = format!(
        "{} ({}) → {} ({})\n",
        s.from, s.from_as_of, s.to, s.to_as_of
    );
    out.push_str(&format!(
        "  Packages: {} → {} evaluated ({} only in the later, {} only in the earlier); passing {} → {}; {} flipped pass/fail, {} changed feasibility or acceptability.\n",
        grouped(s.evaluated_before as f64),
        grouped(s.evaluated_after as f64),
        grouped(s.only_after as f64),
        grouped(s.only_before as f64),
        s.passing_before,
        s.passing_after,
        grouped(s.flipped as f64),
        grouped(s.changed as f64)
    ));
    let same_top = match (&s.top_before, &s.top_after) {
        (Some(a), Some(b)) => a.label == b.label,
        _ => false,
    };
    if same_top {
        out.push_str(&format!(
            "  Top package: unchanged, {}\n",
            top_text(&s.top_after)
        ));
        if let (Some(a), Some(b)) = (&s.top_before, &s.top_after)
            && (guarantor_history::diff::moved(a.deterrence, b.deterrence)
                || guarantor_history::diff::moved(a.cost_per_year, b.cost_per_year))
        {
            out.push_str(&format!(
                "    (was deterrence {:.2}, cost {}/yr)\n",
                a.deterrence,
                grouped(a.cost_per_year)
            ));
        }
    } else {
        out.push_str(&format!(
            "  Top package: before {}\n               after  {}\n",
            top_text(&s.top_before),
            top_text(&s.top_after)
        ));
    }
    if !s.top_causes.is_empty() {
        out.push_str(&format!(
            "    made top, applied alone: {}\n",
            s.top_causes.join("; ")
        ));
    } else if !same_top {
        out.push_str("    no single change makes it the top package alone.\n");
    }
    out.push_str(&format!(
        "  Frontier: {} → {} packages ({} joined, {} left).\n",
        s.frontier_before,
        s.frontier_after,
        s.frontier_joined.len(),
        s.frontier_left.len()
    ));
    let (wording, rest): (Vec<_>, Vec<_>) =
        s.changed_inputs.iter().partition(|u| u.kind == "wording");
    out.push_str(&format!(
        "  Input changes: {} ({} more change only wording: names, notes, statements)\n",
        rest.len(),
        wording.len()
    ));
    for u in rest.iter().take(limit) {
        out.push_str(&format!("    {}\n", u.describe()));
    }
    if rest.len() > limit {
        out.push_str(&format!(
            "    … and {} more (--limit, or --json)\n",
            rest.len() - limit
        ));
    }
    let moved = s.flipped + s.changed;
    if moved == 0 {
        out.push_str("  No verdict moved.\n");
    } else {
        out.push_str(&format!(
            "  Why the {} verdicts moved (each change applied alone to {}):\n",
            grouped(moved as f64),
            s.from
        ));
        for r in s.reasons.iter().filter(|r| r.moves > 0).take(limit) {
            out.push_str(&format!(
                "    {}: moves {} ({} to pass, {} to fail)\n",
                r.change,
                grouped(r.moves as f64),
                r.to_pass,
                r.to_fail
            ));
            if let Some(e) = r.examples.first() {
                out.push_str(&format!("        e.g. {e}\n"));
            }
        }
        let idle = s.reasons.iter().filter(|r| r.moves == 0).count();
        if idle > 0 {
            out.push_str(&format!(
                "    {idle} other tested changes move no verdict alone.\n"
            ));
        }
        if s.joint > 0 {
            out.push_str(&format!(
                "    {} moves need several changes together (no single change reproduces them).\n",
                grouped(s.joint as f64)
            ));
        }
    }
    for u in s
        .changed_inputs
        .iter()
        .filter(|u| u.untestable.is_some())
        .take(limit)
    {
        out.push_str(&format!(
            "  Not testable alone: {} — {}\n",
            u.path,
            u.untestable.as_deref().unwrap_or("")
        ));
    }
    out
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let threads = a.threads.get()?;
    let args: Vec<String> = if a.inputs.is_empty() {
        guarantor_model::SCENARIOS
            .iter()
            .map(|e| e.id.to_string())
            .collect()
    } else {
        a.inputs.clone()
    };
    if args.len() < 2 {
        return Err(Failure(
            "error: a timeline needs at least two scenarios (ids or files), e.g. guarantor timeline ukraine-2025-08 ukraine-2025-11".into(),
        ));
    }
    let mut snaps = args
        .iter()
        .map(|x| snapshot(x, threads))
        .collect::<Result<Vec<_>, _>>()?;
    in_date_order(&mut snaps);
    let eval = |text: &str| records("timeline step", text, threads);
    let steps = timeline(&snaps, &eval).map_err(|e| Failure(format!("error: {e}")))?;
    let with_p = a.out.is_some();
    let points: Vec<DatePoint> = snaps
        .iter()
        .map(|s| {
            date_point(
                s,
                if with_p {
                    p_pass(s, a.draws, threads)
                } else {
                    None
                },
            )
        })
        .collect();
    if let Some(dir) = &a.out {
        let words: Vec<String> = steps
            .iter()
            .flat_map(|s| {
                step_text(s, a.limit)
                    .lines()
                    .map(|l| l.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let section =
            timeline_section(&points, &words).map_err(|e| Failure(format!("error: {e}")))?;
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure(format!(
                "error: cannot create the output folder {}: {e}",
                dir.display()
            ))
        })?;
        let page = guarantor_report::html::render_document(
            "Timeline of dated scenarios",
            "Notional open-source planning exercise built from public figures; not an assessment of any real plan, force offer or intention.",
            &[section],
        );
        crate::report::write_atomic(&dir.join("report.html"), page.as_bytes())?;
    }
    if a.json {
        emit(&format!(
            "{}\n",
            json!({
                "steps": steps,
                "dates": points.iter().map(|p| json!({
                    "id": p.id, "as_of": p.as_of, "title": p.title, "evaluated": p.evaluated,
                    "feasible": p.feasible, "passing": p.passing, "top": p.top_title,
                    "top_deterrence": p.top_deterrence, "top_passes": p.top_passes,
                    "p_pass": p.p_pass.map(|(v, _)| v), "p_pass_draws": p.p_pass.map(|(_, n)| n),
                })).collect::<Vec<_>>(),
            })
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "Timeline: {}\n\n",
        snaps
            .iter()
            .map(|s| format!("{} ({})", s.id, s.as_of))
            .collect::<Vec<_>>()
            .join(" → ")
    );
    for s in &steps {
        out.push_str(&step_text(s, a.limit));
        out.push('\n');
    }
    if let Some(dir) = &a.out {
        out.push_str(&format!("Wrote {}\n", dir.join("report.html").display()));
    }
    emit(&out);
    Ok(ExitCode::SUCCESS)
}
