//! `guarantor report`: the HTML report, the Markdown summary and the data
//! exports, written into one folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use guarantor_engine::{EvalOptions, evaluate};
use guarantor_report::document::{ForecastInput, ReportInput, document_title};
use guarantor_report::export::{self, Format};
use guarantor_report::markdown;
use guarantor_report::{html, sections::all_sections};
use serde_json::json;

use crate::common::{Failure, ScenarioArgs, WhatIf, check_threads, emit};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder (created if missing; files in it are replaced).
    #[arg(short, long, value_name = "DIR", default_value = "report")]
    pub out: PathBuf,
    /// Data formats: csv, json, parquet; repeat or separate with commas.
    #[arg(long = "format", value_name = "FORMAT", default_value = "csv")]
    pub formats: Vec<String>,
    /// Negotiation model for the forecast section (compromise, median, smp, eum), or none.
    #[arg(long, default_value = "smp")]
    pub forecast_model: String,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Record the run in the run history.
    #[arg(long)]
    pub record: bool,
    /// Run history database (default: see `guarantor history --help`).
    #[arg(long, value_name = "PATH")]
    pub history: Option<PathBuf>,
    /// Print the written files as JSON.
    #[arg(long)]
    pub json: bool,
    /// Add a section on robustness under the scenario's declared uncertainties, from N
    /// draws (as `guarantor uncertainty --draws N`: adaptive choice of 10 packages,
    /// tornado, Sobol' indices, PRIM boxes). 0: no such section.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub draws: usize,
    /// Random seed of the uncertainty section (with --draws).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// With --draws: also write the experiments table (one row per draw) as
    /// experiments.FORMAT in every --format.
    #[arg(long)]
    pub experiments: bool,
    #[command(flatten)]
    pub shard: crate::shard::ShardArgs,
}

/// Parses `--format` values (each may be a comma-separated list); duplicates are dropped.
pub fn parse_formats(values: &[String]) -> Result<Vec<Format>, Failure> {
    let mut out = Vec::new();
    for v in values.iter().flat_map(|v| v.split(',')) {
        let f = Format::parse(v).ok_or_else(|| {
            Failure(format!(
                "error: --format \"{}\" is not a data format; use csv, json or parquet (several: --format csv,parquet)",
                v.trim()
            ))
        })?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename, so a reader never sees half a file and a failed write leaves the
/// old file as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure(format!("error: cannot write {}: {e}", path.display()));
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// The flags' checks that need no scenario (before any work).
fn check_flags(a: &Args) -> Result<(), Failure> {
    parse_formats(&a.formats)?;
    if a.forecast_model != "none" {
        guarantor_bargaining::Model::from_name(&a.forecast_model).map_err(|e| {
            Failure(format!(
                "error: --forecast-model: {e} (or \"none\" for no forecast)"
            ))
        })?;
    }
    if a.experiments && a.draws == 0 {
        return Err(Failure(
            "error: --experiments writes the draws of the uncertainty section; add --draws N (e.g. --draws 1000)".into(),
        ));
    }
    Ok(())
}

pub fn run_report(a: &Args) -> Result<String, Failure> {
    check_flags(a)?;
    let uncertainty_options = (a.draws > 0).then(|| guarantor_uncertainty::Options {
        draws: a.draws,
        seed: a.seed,
        threads: a.threads,
        experiments: a.experiments,
        tornado_draws: guarantor_uncertainty::Options::default()
            .tornado_draws
            .min(a.draws),
        ..guarantor_uncertainty::Options::default()
    });
    if let Some(o) = &uncertainty_options {
        guarantor_uncertainty::check_options(o)
            .map_err(|e| Failure(crate::uncertainty::error_message(&e)))?;
    }
    let (s, what_ifs) = a.scenario.load_with_what_ifs()?;
    let robustness = uncertainty_options
        .as_ref()
        .map(|o| crate::uncertainty::run_uncertainty(&s, o, a.json))
        .transpose()
        .map_err(Failure)?;
    let e = evaluate(
        &s,
        &EvalOptions {
            threads: a.threads,
            ..EvalOptions::default()
        },
    )
    .map_err(|e| Failure(format!("error: {e}")))?;
    render_report(a, &s, &what_ifs, &e, robustness)
}

/// Everything after the evaluation (and the uncertainty section): the
/// forecast, the data exports, the HTML report and the Markdown summary, the
/// history record; returns what to print. `guarantor merge --report` calls it
/// with the evaluation of merged report shards.
pub fn render_report(
    a: &Args,
    s: &guarantor_model::Scenario,
    what_ifs: &[WhatIf],
    e: &guarantor_engine::Evaluation,
    robustness: Option<guarantor_uncertainty::Report>,
) -> Result<String, Failure> {
    let formats = parse_formats(&a.formats)?;
    // A scenario the model cannot bargain over (e.g. fewer than two actors with
    // capability and salience) still gets its report, without the forecast section.
    let forecast = match a.forecast_model.as_str() {
        "none" => None,
        m => match crate::forecast::run_forecast(Some(s), None, m, &[]) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!(
                    "warning: the report has no negotiation forecast: {}",
                    e.trim_start_matches("error: ")
                );
                None
            }
        },
    };
    std::fs::create_dir_all(&a.out).map_err(|e| {
        Failure(format!(
            "error: cannot create the output folder {}: {e}",
            a.out.display()
        ))
    })?;
    let mut files: Vec<String> = Vec::new();
    let mut data_files = Vec::new();
    for frame in export::frames(e) {
        for &f in &formats {
            let name = format!("{}.{}", frame.name, f.extension());
            let mut buf = Vec::new();
            frame
                .write(f, &mut buf)
                .map_err(|e| Failure(format!("error: {name}: {e}")))?;
            write_atomic(&a.out.join(&name), &buf)?;
            data_files.push(name);
        }
    }
    if let Some(x) = robustness.as_ref().and_then(|r| r.experiments.as_ref()) {
        let frame = crate::uncertainty::experiments_frame(x);
        for &f in &formats {
            let name = format!("{}.{}", frame.name, f.extension());
            let mut buf = Vec::new();
            frame
                .write(f, &mut buf)
                .map_err(|e| Failure(format!("error: {name}: {e}")))?;
            write_atomic(&a.out.join(&name), &buf)?;
            data_files.push(name);
        }
    }
    let extra_sections = match &robustness {
        Some(r) => vec![
            guarantor_report::robustness::uncertainty_section(r)
                .map_err(|e| Failure(format!("error: {e}")))?,
        ],
        None => Vec::new(),
    };
    let input = ReportInput {
        scenario: s,
        evaluation: e,
        forecast: forecast.as_ref().map(|f| ForecastInput {
            forecast: &f.forecast,
            nearest: f.package.as_ref(),
        }),
        extra_sections,
        what_if: what_ifs.iter().map(WhatIf::describe).collect(),
    };
    let sections = all_sections(&input).map_err(|e| Failure(format!("error: {e}")))?;
    let title = document_title(s);
    let page = html::render_document(&title, &s.meta.disclaimer, &sections);
    write_atomic(&a.out.join("report.html"), page.as_bytes())?;
    files.push("report.html".into());
    let mut listed = vec!["report.html".to_string()];
    listed.extend(data_files.iter().cloned());
    let md = markdown::render_markdown(&title, &s.meta.disclaimer, &sections, &listed);
    write_atomic(&a.out.join("summary.md"), md.as_bytes())?;
    files.push("summary.md".into());
    files.extend(data_files);
    let run_id = if a.record {
        Some(crate::history::record(
            "report",
            &a.scenario,
            s,
            e,
            json!({
                "set": a.scenario.set,
                "threads": a.threads,
                "forecast_model": a.forecast_model,
                "formats": formats.iter().map(|f| f.extension()).collect::<Vec<_>>(),
                "draws": a.draws,
                "seed": a.seed,
            }),
            a.history.as_deref(),
        )?)
    } else {
        None
    };
    if a.json {
        return Ok(format!(
            "{}\n",
            json!({ "out": a.out, "files": files, "recorded_run": run_id })
        ));
    }
    let mut msg = format!(
        "{}: {} packages evaluated, {} pass. Wrote to {}:\n",
        s.meta.id,
        e.counts.evaluated,
        e.counts.passing,
        a.out.display()
    );
    for f in &files {
        msg.push_str(&format!("  {f}\n"));
    }
    if let Some(id) = run_id {
        msg.push_str(&format!(
            "Recorded as run {id} (see `guarantor history`).\n"
        ));
    }
    Ok(msg)
}

/// One shard of a report (`--shard K/N --partial FILE`): the screen of one
/// block of the package numbering, keeping every package (a report exports
/// them all), for `guarantor merge --report DIR`.
fn run_shard(a: &Args, shard: guarantor_scale::Shard) -> Result<(), Failure> {
    check_flags(a)?;
    if a.draws > 0 {
        return Err(Failure(
            "error: --draws with --shard: the robustness section chooses its packages by successive halving over all draws, so a report shard cannot hold a share of it; leave --draws out of the report shards, and shard the analysis itself with `guarantor uncertainty --shard K/N` in stages (docs/scale-out.md)".into(),
        ));
    }
    if a.record {
        return Err(Failure(
            "error: --record with --shard: a shard is not a whole report; render the merged report with `guarantor merge PARTIALS… --report DIR`".into(),
        ));
    }
    let partial = a.shard.partial_path()?;
    let (s, _) = a.scenario.load_with_what_ifs()?;
    let size = s.option_space_size();
    if size > guarantor_engine::MAX_PACKAGES_IN_MEMORY {
        return Err(Failure(format!(
            "error: {}",
            guarantor_engine::EngineError::TooLarge {
                size,
                limit: guarantor_engine::MAX_PACKAGES_IN_MEMORY,
            }
        )));
    }
    let size = size as u64;
    let space = guarantor_engine::PackageSpace::new(&s);
    let strides: Vec<u64> = (0..space.radices.len()).map(|c| space.stride(c)).collect();
    let range = shard.package_range(size, &strides);
    let (part, stats) =
        guarantor_engine::search_partial(&s, &report_search(a.threads, size), range.clone())
            .map_err(crate::common::engine_failure)?;
    let line = crate::shard::write_package_partial(
        partial,
        "report",
        &a.scenario,
        shard,
        size,
        range,
        serde_json::to_value(&stats).expect("plain data"),
        part,
    )?;
    eprintln!("{line}");
    Ok(())
}

/// The search a report shard runs and its merge finishes: every package
/// kept (the report's evaluation holds them all), the default objectives,
/// no pruning; the same evaluation as [`evaluate`].
pub fn report_search(
    threads: Option<usize>,
    size: u64,
) -> guarantor_engine::SearchOptions<'static> {
    guarantor_engine::SearchOptions {
        threads,
        top: usize::try_from(size).unwrap_or(usize::MAX),
        prune: false,
        ..guarantor_engine::SearchOptions::default()
    }
}

pub fn run(a: Args) -> Result<std::process::ExitCode, Failure> {
    check_threads(a.threads)?;
    if let Some(shard) = a.shard.get()? {
        run_shard(&a, shard)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    emit(&run_report(&a)?);
    Ok(std::process::ExitCode::SUCCESS)
}
