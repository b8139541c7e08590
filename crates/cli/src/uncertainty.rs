//! `guarantor uncertainty`: robust ranking, tornado, Sobol' indices and PRIM
//! boxes, as text or JSON, with a progress bar on long runs in a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use guarantor_model::Scenario;
use guarantor_model::number::fmt;
use guarantor_report::export::{Column, Format, Frame};
use guarantor_uncertainty::{
    Cells, Error, Experiments, Options, PackageSet, Progress, Report, Sampler, Setting, analyse,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::common::{Failure, ScenarioArgs, check_threads, emit, parse_choice, what_if_header};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Number of draws.
    #[arg(long, default_value_t = 1000)]
    draws: usize,
    /// mc (Monte Carlo) or lhs (Latin hypercube).
    #[arg(long, default_value = "lhs")]
    sampler: String,
    /// Random seed; the same seed gives the same results on any number of threads.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// adaptive:K (the best K of every package, found by successive halving), top:K (the
    /// first K of the deterministic ranking) or all.
    #[arg(long, default_value = "adaptive:10")]
    packages: String,
    /// Split the Latin hypercube into R independent ones, for a replicated standard error of
    /// P(pass) (1: one hypercube; the Monte Carlo formula, an upper bound, is shown).
    #[arg(long, default_value_t = 1, value_name = "R")]
    replicates: usize,
    /// Draws on which every package is screened first (adaptive choice only).
    #[arg(long, default_value_t = 32)]
    screen_draws: usize,
    /// Write one row per draw (factor quantiles and values; per package studied: pass,
    /// feasible, cost, deterrence, per required actor accepts and margin) to FILE;
    /// .csv, .parquet or .json by extension.
    #[arg(long, value_name = "FILE")]
    experiments: Option<PathBuf>,
    /// Write the Saltelli design of the Sobol' analysis with its outputs (one row per
    /// run: matrix, row, quantiles, values, pass, failure modes, cost, deterrence if
    /// passing) to FILE; .csv, .parquet or .json by extension.
    #[arg(long, value_name = "FILE")]
    saltelli: Option<PathBuf>,
    /// Base draws per tornado bar end (0: no tornado).
    #[arg(long, default_value_t = 200)]
    tornado_draws: usize,
    /// Saltelli base rows for Sobol' indices (0: skip; at least 64).
    #[arg(long, default_value_t = 256)]
    sobol: usize,
    /// Outcome for regret: deterrence-if-pass (deterrence when the package passes, else 0),
    /// pass (1 or 0) or deterrence.
    #[arg(long, default_value = "deterrence-if-pass")]
    regret_outcome: String,
    /// Satisficing thresholds, e.g. cost<=800,deterrence>=0.6: P(passes and meets them).
    #[arg(long, value_name = "THRESHOLDS")]
    satisfice: Option<String>,
    /// PRIM: share of a box's draws peeled (and pasted back) per step, in (0, 0.5].
    #[arg(long, default_value_t = 0.05)]
    prim_alpha: f64,
    /// PRIM: smallest share of all draws a box may hold, in (0, 1).
    #[arg(long, default_value_t = 0.05)]
    prim_mass_min: f64,
    /// PRIM: most boxes to find.
    #[arg(long, default_value_t = 3)]
    prim_boxes: usize,
    /// Classification tree (CART): most splits from the root to a leaf (0: no tree).
    #[arg(long, default_value_t = 3)]
    cart_depth: usize,
    /// Classification tree: fewest draws in a leaf.
    #[arg(long, default_value_t = 20)]
    cart_min_leaf: usize,
    /// Morris elementary effects of P(pass) over R trajectories (R·(factors + 1) runs; 0: skip).
    #[arg(long, default_value_t = 0, value_name = "R")]
    morris: usize,
    /// How Sobol' A and B rows are drawn: sobol (scrambled Sobol' sequence) or mc.
    #[arg(long, default_value = "sobol")]
    sobol_rows: String,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// COMPONENT=OPTION: study this package's sensitivity and failures instead of the
    /// robust top package's (components not named take their first option).
    #[arg(long = "option", value_name = "COMPONENT=OPTION")]
    options: Vec<String>,
    /// Also let every other red line with a flexibility hold with probability 1 − flexibility.
    #[arg(long)]
    all_red_lines: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    shard: crate::shard::ShardArgs,
    /// With --shard and adaptive choice: the stage plan the previous stage's
    /// `guarantor merge --next-stage-plan FILE` wrote (none for the first stage).
    #[arg(long, value_name = "FILE")]
    stage_plan: Option<PathBuf>,
    /// Print the most stages (halving rounds) a sharded adaptive analysis
    /// with these options can take, and exit (for job scripts; 1 for a fixed
    /// package set).
    #[arg(long)]
    max_stages: bool,
}

/// The verb: check the options, load the scenario, analyse, print.
pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let o = options(&a)?;
    if a.max_stages {
        let n = match o.packages {
            PackageSet::Adaptive(_) => {
                guarantor_uncertainty::Halving::max_stages(o.screen_draws, o.draws)
            }
            _ => 1,
        };
        emit(&format!("{n}\n"));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(shard) = a.shard.get()? {
        return run_shard(&a, &o, shard);
    }
    if a.stage_plan.is_some() {
        return Err(Failure(
            "error: --stage-plan is read by the shards of a stage (--shard K/N --partial FILE); without --shard, run the whole analysis with no stage plan".into(),
        ));
    }
    let table = a
        .experiments
        .as_ref()
        .map(|p| ExperimentsFile::create(p, "--experiments", "the experiments table"))
        .transpose()?;
    let saltelli = a
        .saltelli
        .as_ref()
        .map(|p| ExperimentsFile::create(p, "--saltelli", "the Saltelli design"))
        .transpose()?;
    let (mut s, what_ifs) = a.scenario.load_with_what_ifs()?;
    if a.all_red_lines {
        s = guarantor_uncertainty::with_all_red_lines(&s);
    }
    let r = run_uncertainty(&s, &o, a.json).map_err(Failure)?;
    let mut written = String::new();
    if let (Some(t), Some(x)) = (table, &r.experiments) {
        written = t.write(x, "Experiments table", "draws")?;
    }
    if let (Some(t), Some(x)) = (saltelli, &r.saltelli) {
        written.push_str(&t.write(x, "Saltelli design", "runs")?);
    }
    print(&r, &what_ifs, a.json, &written);
    Ok(ExitCode::SUCCESS)
}

/// One shard of the draws: evaluate them and write the partial file.
fn run_shard(a: &Args, o: &Options, shard: guarantor_scale::Shard) -> Result<ExitCode, Failure> {
    if a.experiments.is_some() || a.saltelli.is_some() {
        return Err(Failure(
            "error: --experiments and --saltelli write whole-run tables; a shard cannot: merge the partials with `guarantor merge -o DIR` for every draw's outcomes (draws.parquet)".into(),
        ));
    }
    let partial = a.shard.partial_path()?;
    let (mut s, _) = a.scenario.load_with_what_ifs()?;
    if a.all_red_lines {
        s = guarantor_uncertainty::with_all_red_lines(&s);
    }
    let adaptive = matches!(o.packages, PackageSet::Adaptive(_));
    if a.stage_plan.is_some() && !adaptive {
        return Err(Failure(
            "error: --stage-plan is for adaptive choice (--packages adaptive:K); a fixed package set (top:K, all) is split over draws in one stage".into(),
        ));
    }
    let t = std::time::Instant::now();
    let (halving, plan_sha256) = if adaptive {
        match &a.stage_plan {
            None => (
                Some(
                    guarantor_uncertainty::first_stage(&s, o)
                        .map_err(|e| Failure(error_message(&e)))?,
                ),
                None,
            ),
            Some(path) => {
                let (plan, sha) = crate::shard::read_stage_plan(path)?;
                let h = plan
                    .partial
                    .meta
                    .stage
                    .as_ref()
                    .map(|st| st.halving.clone())
                    .ok_or_else(|| {
                        Failure(format!(
                            "error: {} is not a stage plan (one written by `guarantor merge --next-stage-plan`)",
                            plan.name
                        ))
                    })?;
                (Some(h), Some((plan, sha)))
            }
        }
    } else {
        (None, None)
    };
    let (first, total) = match &halving {
        Some(h) => (h.from as u64, h.to as u64),
        None => (0, a.draws as u64),
    };
    let r = shard.split(total - first);
    let range = first + r.start..first + r.end;
    let plan_words = guarantor_scale::Plan {
        unit: "draws".into(),
        total,
    };
    let stage = halving.as_ref().map(|h| guarantor_scale::Stage {
        halving: h.clone(),
        plan_sha256: plan_sha256.as_ref().map(|p| p.1.clone()),
        is_plan: false,
    });
    // What this shard's partial will say, built before any work: the stage
    // plan must come from this run.
    let mut meta = crate::shard::partial_meta(
        "uncertainty",
        &a.scenario,
        shard,
        plan_words,
        range.clone(),
        Some((a.seed, a.sampler.clone())),
        serde_json::Value::Null,
        stage,
    )?;
    if let Some((plan, sha)) = &plan_sha256 {
        guarantor_scale::check_stage_plan(
            &plan.name,
            &plan.partial.meta,
            sha,
            &partial.display().to_string(),
            &meta,
        )
        .map_err(|e| Failure(format!("error: --stage-plan: {e}")))?;
    }
    let d = match &halving {
        Some(h) => guarantor_uncertainty::stage_draws(
            &s,
            o,
            h,
            range.start as usize..range.end as usize,
            &(),
        ),
        None => guarantor_uncertainty::analyse_draws(
            &s,
            o,
            range.start as usize..range.end as usize,
            &(),
        ),
    }
    .map_err(|e| Failure(error_message(&e)))?;
    let stage_words = meta
        .stage
        .as_ref()
        .map(|st| format!("stage {} ", st.halving.stage))
        .unwrap_or_default();
    meta.stats = serde_json::json!({ "seconds": t.elapsed().as_secs_f64() });
    crate::shard::write_atomically(
        partial,
        &guarantor_scale::Partial {
            meta,
            body: guarantor_scale::Body::Draws(d),
        },
    )?;
    eprintln!(
        "shard {shard}: {stage_words}draws {}..{} of {} written to {}",
        range.start,
        range.end,
        a.draws,
        partial.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The analysis of merged shards: the same report as one machine's.
pub fn merge(
    a: Args,
    mut s: Scenario,
    shards: Vec<guarantor_uncertainty::DrawShard>,
    threads: Option<usize>,
    json: bool,
) -> Result<(), Failure> {
    let mut o = options(&a)?;
    o.threads = threads;
    let what_ifs = crate::common::apply_what_ifs(&mut s, &a.scenario.set)?;
    if a.all_red_lines {
        s = guarantor_uncertainty::with_all_red_lines(&s);
    }
    let r = guarantor_uncertainty::analyse_shards(&s, &o, shards, &())
        .map_err(|e| Failure(error_message(&e)))?;
    print(&r, &what_ifs, json, "");
    Ok(())
}

impl Args {
    /// Draws of the plan (`--draws`).
    pub fn draws(&self) -> usize {
        self.draws
    }
}

/// The merge of one stage of a sharded adaptive analysis: the next stage's
/// plan and the survivors' rows, or (the last stage) the report printed as
/// one machine prints it.
#[allow(clippy::too_many_arguments, reason = "one stage's parts")]
pub fn merge_stage(
    a: Args,
    mut s: Scenario,
    stage: &guarantor_uncertainty::Halving,
    before: Option<guarantor_uncertainty::DrawShard>,
    shards: Vec<guarantor_uncertainty::DrawShard>,
    threads: Option<usize>,
    json: bool,
) -> Result<
    Option<(
        guarantor_uncertainty::Halving,
        guarantor_uncertainty::DrawShard,
    )>,
    Failure,
> {
    let mut o = options(&a)?;
    o.threads = threads;
    let what_ifs = crate::common::apply_what_ifs(&mut s, &a.scenario.set)?;
    if a.all_red_lines {
        s = guarantor_uncertainty::with_all_red_lines(&s);
    }
    match guarantor_uncertainty::finish_stage(&s, &o, stage, before, shards, &())
        .map_err(|e| Failure(error_message(&e)))?
    {
        guarantor_uncertainty::StageEnd::Done(r) => {
            print(&r, &what_ifs, json, "");
            Ok(None)
        }
        guarantor_uncertainty::StageEnd::Next { next, rows } => Ok(Some((next, rows))),
    }
}

fn print(r: &Report, what_ifs: &[crate::common::WhatIf], json: bool, written: &str) {
    if json {
        let mut out = serde_json::to_value(r).expect("the report serialises");
        out["what_if"] = serde_json::json!(what_ifs);
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out).expect("plain JSON")
        ));
    } else {
        emit(&what_if_header(what_ifs));
        emit(&uncertainty_text(r, 10));
        emit(written);
    }
}

/// The analysis options of the flags, checked.
fn options(a: &Args) -> Result<Options, Failure> {
    let sampler = Sampler::parse(&a.sampler).ok_or_else(|| {
        Failure(format!(
            "error: --sampler \"{}\" must be mc (Monte Carlo) or lhs (Latin hypercube)",
            a.sampler
        ))
    })?;
    let packages = PackageSet::parse(&a.packages).map_err(|e| Failure(error_message(&e)))?;
    check_threads(a.threads)?;
    let focus = if a.options.is_empty() {
        None
    } else {
        Some(parse_choice(&a.options)?)
    };
    let regret_outcome = guarantor_uncertainty::RegretOutcome::parse(&a.regret_outcome)
        .map_err(|e| Failure(error_message(&e)))?;
    let thresholds = a
        .satisfice
        .as_deref()
        .map(guarantor_uncertainty::Thresholds::parse)
        .transpose()
        .map_err(|e| Failure(error_message(&e)))?;
    let sobol_sampling = match a.sobol_rows.as_str() {
        "sobol" => guarantor_uncertainty::sobol::Rows::ScrambledSobol,
        "mc" => guarantor_uncertainty::sobol::Rows::MonteCarlo,
        other => {
            return Err(Failure(format!(
                "error: --sobol-rows \"{other}\" must be sobol (scrambled Sobol' sequence) or mc (Monte Carlo)"
            )));
        }
    };
    if a.saltelli.is_some() && a.sobol == 0 {
        return Err(Failure(
            "error: --saltelli writes the runs of the Sobol' analysis; --sobol 0 skips it".into(),
        ));
    }
    let o = Options {
        focus,
        draws: a.draws,
        sampler,
        seed: a.seed,
        packages,
        screen_draws: a.screen_draws,
        replicates: a.replicates,
        experiments: a.experiments.is_some(),
        saltelli_design: a.saltelli.is_some(),
        regret_outcome,
        thresholds,
        sobol_sampling,
        tornado_draws: a.tornado_draws,
        sobol_rows: a.sobol,
        morris_trajectories: a.morris,
        threads: a.threads,
        prim: guarantor_uncertainty::PrimParams {
            peel_alpha: a.prim_alpha,
            paste_alpha: a.prim_alpha,
            mass_min: a.prim_mass_min,
            max_boxes: a.prim_boxes,
            ..guarantor_uncertainty::PrimParams::default()
        },
        cart: guarantor_uncertainty::cart::CartParams {
            max_depth: a.cart_depth,
            min_leaf: a.cart_min_leaf,
        },
        ..Options::default()
    };
    guarantor_uncertainty::check_options(&o).map_err(|e| Failure(error_message(&e)))?;
    Ok(o)
}

/// The `--experiments` file: checked and created before the analysis, so a
/// bad path fails at once and not after minutes of work; removed again if the
/// analysis fails.
struct ExperimentsFile {
    path: PathBuf,
    format: Format,
    file: Option<std::fs::File>,
}

impl ExperimentsFile {
    fn create(path: &Path, flag: &str, what: &str) -> Result<ExperimentsFile, Failure> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let format = match ext.as_str() {
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            "json" => Format::Json,
            _ => {
                return Err(Failure(format!(
                    "error: {flag} \"{}\" must end in .csv, .parquet or .json (the format is chosen by extension)",
                    path.display()
                )));
            }
        };
        let file = std::fs::File::create(path).map_err(|e| {
            Failure(format!(
                "error: cannot write {what} to \"{}\": {e}",
                path.display()
            ))
        })?;
        Ok(ExperimentsFile {
            path: path.to_path_buf(),
            format,
            file: Some(file),
        })
    }

    /// Write the table; returns a line saying where it went.
    fn write(mut self, x: &Experiments, what: &str, rows: &str) -> Result<String, Failure> {
        let frame = experiments_frame(x);
        let file = self.file.take().expect("created with a file");
        let mut out = std::io::BufWriter::new(file);
        frame
            .write(self.format, &mut out)
            .and_then(|()| {
                use std::io::Write;
                out.flush().map_err(Into::into)
            })
            .map_err(|e| {
                Failure(format!(
                    "error: writing the {} to \"{}\": {e}",
                    what.to_lowercase(),
                    self.path.display()
                ))
            })?;
        Ok(format!(
            "\n{what}: {} {rows} × {} columns in {}{}\n",
            x.rows(),
            x.columns.len(),
            self.path.display(),
            if rows == "draws" {
                " (pkgR = the package of robust rank R)"
            } else {
                " (matrix 0 = A, 1 = B, 2 + i = A with factor i from B)"
            }
        ))
    }
}

impl Drop for ExperimentsFile {
    fn drop(&mut self) {
        // Still holding the file: the table was never written.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The experiments table as a report frame (CSV, JSON or Parquet writer).
pub fn experiments_frame(x: &Experiments) -> Frame {
    Frame {
        name: "experiments",
        columns: x
            .columns
            .iter()
            .map(|(name, c)| {
                let col = match c {
                    Cells::U32(v) => Column::U32(v.clone()),
                    Cells::F64(v) => Column::F64(v.iter().map(|&x| Some(x)).collect()),
                    Cells::Bool(v) => Column::Bool(v.clone()),
                };
                (name.clone(), col)
            })
            .collect(),
    }
}

/// The flag that sets an analysis setting.
pub fn flag(s: Setting) -> &'static str {
    match s {
        Setting::Draws => "--draws",
        Setting::Packages => "--packages",
        Setting::Replicates => "--replicates",
        Setting::ScreenDraws => "--screen-draws",
        Setting::SobolRows => "--sobol-rows",
        Setting::Morris => "--morris",
        Setting::Threads => "--threads",
        Setting::PrimAlpha => "--prim-alpha",
        Setting::PrimMassMin => "--prim-mass-min",
        Setting::PrimBoxes => "--prim-boxes",
        // Not a flag: the CLI keeps PRIM's default of 3.
        Setting::PrimRestrictions => "PRIM's restrictions per box",
        Setting::CartMinLeaf => "--cart-min-leaf",
        Setting::RegretOutcome => "--regret-outcome",
        Setting::Thresholds => "--satisfice",
        Setting::Focus => "--option",
    }
}

/// An analysis error in the CLI's words: settings named by their flags, and
/// the flags that fix it.
pub fn error_message(e: &Error) -> String {
    match e {
        Error::Setting {
            setting: Setting::Focus,
            message,
        } => format!("error: --option: {message}"),
        Error::Setting { setting, message } => format!("error: {} {message}", flag(*setting)),
        Error::TooManyOutcomes { .. } => format!(
            "error: {e}: lower --draws or study fewer packages (--packages top:K or adaptive:K)"
        ),
        Error::SobolSampleSize { .. } => format!("error: --sobol: {e}"),
        other => format!("error: {other}"),
    }
}

/// Draws above which a terminal gets a progress bar.
const BAR_FROM_DRAWS: usize = 500;

/// A progress bar on stderr, one phase at a time.
struct Bar {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Bar {
    fn phase(&self, name: &str, total: usize) {
        let mut slot = self.bar.lock().expect("progress lock");
        if let Some(b) = slot.take() {
            b.finish_and_clear();
        }
        let b = ProgressBar::new(total as u64);
        b.set_style(
            ProgressStyle::with_template("{prefix:>8} [{bar:40}] {pos}/{len} ({eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        );
        b.set_prefix(name.to_string());
        b.enable_steady_tick(Duration::from_millis(200));
        *slot = Some(b);
    }
    fn step(&self, n: usize) {
        if let Some(b) = self.bar.lock().expect("progress lock").as_ref() {
            b.inc(n as u64);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = self.bar.lock().ok().and_then(|mut s| s.take()) {
            b.finish_and_clear();
        }
    }
}

/// Run the analysis; a bar is shown only on a terminal, without --json, on long runs.
pub fn run_uncertainty(s: &Scenario, o: &Options, json: bool) -> Result<Report, String> {
    let show_bar = !json && o.draws >= BAR_FROM_DRAWS && std::io::stderr().is_terminal();
    let result = if show_bar {
        let bar = Bar {
            bar: Mutex::new(None),
        };
        analyse(s, o, &bar)
    } else {
        analyse(s, o, &())
    };
    result.map_err(|e| error_message(&e))
}

fn pct(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// The report as text: robust ranking, tornado, Sobol' indices, PRIM boxes.
pub fn uncertainty_text(r: &Report, top: usize) -> String {
    let mut o = String::new();
    o.push_str(&format!("{} — uncertainty\n", r.title));
    if !r.disclaimer.is_empty() {
        o.push_str(&format!("{}\n", r.disclaimer));
    }
    o.push_str(&format!(
        "\n{} draws ({} sampler, seed {}), {} uncertain parameters in {} independent factors, {} packages studied\n",
        r.draws,
        r.sampler.name(),
        r.seed,
        r.uncertainties.len(),
        r.factors.len(),
        r.ranking.len()
    ));
    o.push_str(&format!(
        "Required acceptance: {}\n",
        r.required_acceptance.join(", ")
    ));
    if let Some(sc) = &r.screening {
        o.push_str(&screening_text(sc, r.draws));
    }

    if r.replicates >= 2 {
        o.push_str(&format!(
            "\nRobust ranking (by P(feasible and acceptable), ties by expected deterrence; ± one standard error from {} independent Latin hypercubes)\n",
            r.replicates
        ));
    } else {
        o.push_str(
            "\nRobust ranking (by P(feasible and acceptable), ties by expected deterrence; ± one standard error)\n",
        );
    }
    o.push_str(&format!(
        "{:>4} {:>4}  {:<16} {:<10} {:<13} {:>8} {:>22}  {}\n",
        "rank",
        "det.",
        "P(pass)",
        "P(undet.)",
        "P(feasible)",
        "E[det.]",
        format!("cost/yr p5·p50·p95 ({})", short_currency(&r.currency)),
        "package"
    ));
    for p in r.ranking.iter().take(top) {
        o.push_str(&format!(
            "{:>4} {:>4}  {:<16} {:<10} {:<13} {:>8.3} {:>22}  {}\n",
            p.rank,
            p.deterministic_rank,
            format!(
                "{} ± {}",
                pct(p.passes.p),
                pct(p.passes_se_replicated.unwrap_or(p.passes.se))
            ),
            pct(p.undetermined.p),
            pct(p.feasible.p),
            p.expected_deterrence,
            format!(
                "{}·{}·{}",
                fmt(p.cost_per_year.p5.round()),
                fmt(p.cost_per_year.p50.round()),
                fmt(p.cost_per_year.p95.round())
            ),
            p.label
        ));
    }
    if r.ranking.len() > top {
        o.push_str(&format!("  … {} more in --json\n", r.ranking.len() - top));
    }
    if let Some(c) = &r.comparison {
        o.push_str(&comparison_text(c, top));
    }
    let studied = r.sensitivity.as_ref().map(|x| x.package.as_str());
    for (i, p) in r.ranking.iter().enumerate() {
        let what = if i == 0 {
            "the robust top package"
        } else if Some(p.label.as_str()) == studied {
            "the chosen package"
        } else {
            continue;
        };
        o.push_str(&format!("\nP(accepted) for {what} ({}):\n  ", p.label));
        let parts: Vec<String> = p
            .accepted
            .iter()
            .map(|(a, e)| format!("{a} {}", pct(e.p)))
            .collect();
        o.push_str(&parts.join(", "));
        o.push('\n');
    }

    if let Some(sens) = &r.sensitivity {
        if let Some(t) = &sens.tornado {
            o.push_str(&format!(
                "\nTornado for {} ({}): P(pass) with one factor at its 5th / 95th percentile (a red line: relaxed / holds), the others varying ({} draws each; base {})\n",
                sens.package,
                sens.chosen_as,
                t.draws,
                pct(t.base)
            ));
            for b in t.bars.iter().filter(|b| b.swing > 0.0).take(12) {
                let vals: Vec<String> = b
                    .values
                    .iter()
                    .take(1)
                    .map(|(_, lo, hi)| format!("{} → {}", fmt(*lo), fmt(*hi)))
                    .collect();
                o.push_str(&format!(
                    "  {:<42} {:>6} → {:>6}  swing {:>5.1} pts  [{}]\n",
                    b.factor,
                    pct(b.low),
                    pct(b.high),
                    b.swing * 100.0,
                    vals.join("")
                ));
            }
            let flat = t.bars.iter().filter(|b| b.swing == 0.0).count();
            if flat > 0 {
                o.push_str(&format!("  ({flat} factors move nothing)\n"));
            }
        }
        match (&sens.sobol, &sens.sobol_note) {
            (Some(si), _) => {
                let rows = match si.rows {
                    guarantor_uncertainty::sobol::Rows::ScrambledSobol => "scrambled Sobol' rows",
                    guarantor_uncertainty::sobol::Rows::MonteCarlo => "Monte Carlo rows",
                };
                o.push_str(&format!(
                    "\nSobol' indices of P(pass) for {} (Saltelli sampling, {rows}, Jansen estimators; {} base rows, {} runs; 95% bootstrap intervals, {} replicates)\n",
                    sens.package, si.base_rows, si.runs, si.bootstrap
                ));
                let conv_head: Vec<String> =
                    si.convergence.iter().map(|c| c.rows.to_string()).collect();
                let mut rows: Vec<(usize, _)> = si.factors.iter().enumerate().collect();
                rows.sort_by(|a, b| b.1.total_order.total_cmp(&a.1.total_order));
                o.push_str(&format!(
                    "  {:<42} {:>20} {:>20}  total order at {} rows (interval width)\n",
                    "factor",
                    "first order",
                    "total order",
                    conv_head.join(" · ")
                ));
                let zero = rows.iter().filter(|f| f.1.total_order == 0.0).count();
                for (i, f) in rows.iter().filter(|f| f.1.total_order > 0.0).take(12) {
                    let conv: Vec<String> = si
                        .convergence
                        .iter()
                        .map(|c| {
                            format!("{:.2} ({:.2})", c.total_order[*i], c.total_order_width[*i])
                        })
                        .collect();
                    o.push_str(&format!(
                        "  {:<42} {:>20} {:>20}  {}\n",
                        f.factor,
                        format!(
                            "{:.2} [{:.2}, {:.2}]",
                            f.first_order, f.first_order_ci.0, f.first_order_ci.1
                        ),
                        format!(
                            "{:.2} [{:.2}, {:.2}]",
                            f.total_order, f.total_order_ci.0, f.total_order_ci.1
                        ),
                        conv.join(" · ")
                    ));
                }
                if zero > 0 {
                    o.push_str(&format!(
                        "  ({zero} factors never change the outcome in the sample: both indices 0)\n"
                    ));
                }
                let clipped = si
                    .factors
                    .iter()
                    .filter(|f| f.total_order_raw > 0.0)
                    .filter(|f| {
                        f.first_order != f.first_order_raw || f.total_order != f.total_order_raw
                    })
                    .count();
                if clipped > 0 {
                    o.push_str(&format!(
                        "  ({clipped} factors that matter had raw estimates outside 0 ≤ S_i ≤ S_Ti ≤ 1, clipped; raw values in --json)\n"
                    ));
                }
            }
            (None, Some(note)) => o.push_str(&format!("\nSobol' indices: {note}\n")),
            (None, None) => {}
        }
        if !sens.sobol_outcomes.is_empty() {
            o.push_str(&format!(
                "\nSobol' total-order indices of other outcomes of {} (same runs; the three largest, 95% intervals)\n",
                sens.package
            ));
            for x in &sens.sobol_outcomes {
                let line = match (&x.indices, &x.note) {
                    (Some(si), _) => {
                        let mut fs: Vec<_> = si.factors.iter().collect();
                        fs.sort_by(|a, b| b.total_order.total_cmp(&a.total_order));
                        let parts: Vec<String> = fs
                            .iter()
                            .filter(|f| f.total_order > 0.0)
                            .take(3)
                            .map(|f| {
                                format!(
                                    "{} {:.2} [{:.2}, {:.2}]",
                                    f.factor, f.total_order, f.total_order_ci.0, f.total_order_ci.1
                                )
                            })
                            .collect();
                        parts.join("; ")
                    }
                    (None, Some(n)) => n.clone(),
                    (None, None) => String::new(),
                };
                o.push_str(&format!("  {:<32} {line}\n", x.outcome));
            }
        }
        if let Some(m) = &sens.morris {
            o.push_str(&format!(
                "\nMorris elementary effects of pass (1/0) for {} ({} trajectories, {} levels, Δ = {:.3}, {} runs; μ* = mean |effect|, σ = spread: non-linearity or interactions)\n",
                sens.package,
                m.trajectories,
                m.levels,
                m.delta,
                m.runs
            ));
            let mut rows: Vec<_> = m.factors.iter().collect();
            rows.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
            o.push_str(&format!(
                "  {:<42} {:>7} {:>7} {:>7}\n",
                "factor", "μ*", "μ", "σ"
            ));
            for f in rows.iter().filter(|f| f.mu_star > 0.0).take(12) {
                o.push_str(&format!(
                    "  {:<42} {:>7.3} {:>7.3} {:>7.3}\n",
                    f.factor, f.mu_star, f.mu, f.sigma
                ));
            }
            let zero = rows.iter().filter(|f| f.mu_star == 0.0).count();
            if zero > 0 {
                o.push_str(&format!("  ({zero} factors never moved the outcome)\n"));
            }
        }
    }

    if let Some(d) = &r.discovery {
        o.push_str(&discovery_text(d));
    }
    if let Some(t) = &r.tree {
        o.push_str(&format!(
            "\nClassification tree of where {} fails (CART, Gini; depth ≤ {}, leaves ≥ {} draws)\n",
            t.package, t.params.max_depth, t.params.min_leaf
        ));
        for line in t.text.lines() {
            o.push_str(&format!("  {line}\n"));
        }
    }
    if !r.failure_modes.is_empty() {
        o.push_str(&format!(
            "\nFailure modes of {} (PRIM, one box each; modes in at least 1% of draws)\n",
            r.failure_modes[0].package
        ));
        for m in &r.failure_modes {
            let what = m
                .boxes
                .first()
                .map_or_else(|| m.note.clone().unwrap_or_default(), |b| b.text.clone());
            o.push_str(&format!(
                "  {} in {} of draws: {what}\n",
                m.outcome,
                pct(m.failures as f64 / m.draws as f64)
            ));
        }
    }
    if !r.outcome_boxes.is_empty() {
        o.push_str(&format!(
            "\nContinuous outcomes of {} (PRIM, one box each)\n",
            r.outcome_boxes[0].package
        ));
        for m in &r.outcome_boxes {
            let what = m
                .boxes
                .first()
                .map_or_else(|| m.note.clone().unwrap_or_default(), |b| b.text.clone());
            o.push_str(&format!("  {}: {what}\n", m.outcome));
        }
    }
    o.push_str("\nDeclared uncertainties (value as written → distribution; source)\n");
    for p in &r.uncertainties {
        let group = if p.group.is_empty() {
            String::new()
        } else {
            format!(", group {}", p.group)
        };
        o.push_str(&format!(
            "  {:<42} {:>8} → {}{group}; {}\n",
            p.name,
            if p.is_red_line() {
                "holds".to_string()
            } else {
                fmt(p.nominal)
            },
            describe_dist(p),
            if p.source.is_empty() {
                "no source given"
            } else {
                &p.source
            }
        ));
    }
    o
}

/// A distribution parameter: whole numbers as such, others to 4 significant digits.
fn num(x: f64) -> String {
    if x == x.round() || x.abs() >= 1000.0 {
        fmt(x)
    } else {
        let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.digits$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A distribution in a few words: "triangular 2 · 3 · 5".
fn describe_dist(p: &guarantor_uncertainty::Parameter) -> String {
    use guarantor_model::uncertainty::Distribution as D;
    let fmt = num;
    match &p.dist {
        D::Uniform { min, max } => format!("uniform {} – {}", fmt(*min), fmt(*max)),
        D::Triangular { min, mode, max } => {
            format!("triangular {} · {} · {}", fmt(*min), fmt(*mode), fmt(*max))
        }
        D::Pert { min, mode, max } => {
            format!("PERT {} · {} · {}", fmt(*min), fmt(*mode), fmt(*max))
        }
        D::Normal { mean, sd, min, max } => format!(
            "normal {} ± {} in [{}, {}]",
            fmt(*mean),
            fmt(*sd),
            fmt(*min),
            fmt(*max)
        ),
        D::Discrete { values, weights } => {
            let v: Vec<String> = values.iter().map(|x| fmt(*x)).collect();
            if weights.is_empty() {
                format!("one of {}", v.join(", "))
            } else {
                let w: Vec<String> = weights.iter().map(|x| fmt(*x)).collect();
                format!("one of {} (weights {})", v.join(", "), w.join(", "))
            }
        }
        D::Bernoulli { .. } => format!("holds with p = {}", fmt(p.p_holds.unwrap_or(0.5))),
    }
}

fn discovery_text(d: &guarantor_uncertainty::Discovery) -> String {
    let mut o = format!(
        "\nWhere {} fails (PRIM, peel/paste α {}, minimum mass {}): {} of {} draws fail\n",
        d.package, d.params.peel_alpha, d.params.mass_min, d.failures, d.draws
    );
    for (i, b) in d.boxes.iter().enumerate() {
        o.push_str(&format!("  {}. {}\n", i + 1, b.text));
        let t = &b.trace;
        o.push_str(&format!(
            "     chosen: {}; {} paste step{}\n",
            t.why,
            t.pasting.len(),
            if t.pasting.len() == 1 { "" } else { "s" }
        ));
        for x in &t.dropped {
            o.push_str(&format!(
                "     dropped {} ({}): density {:.1}% → {:.1}%\n",
                limit_words(&x.restriction),
                x.reason,
                x.density_before * 100.0,
                x.density_after * 100.0
            ));
        }
    }
    if let Some(n) = &d.note {
        o.push_str(&format!("  {n}\n"));
    }
    o
}

/// How the adaptive choice went, in two lines.
fn screening_text(sc: &guarantor_uncertainty::Screening, draws: usize) -> String {
    let mut o = format!(
        "Packages chosen adaptively: {} screened on {} common draws, then successive halving ({} rounds) down to the best {} on all {} draws; {} package evaluations instead of {}\n",
        fmt(sc.candidates as f64),
        sc.first_draws,
        sc.rounds.len(),
        sc.keep,
        fmt(draws as f64),
        fmt(sc.evaluations as f64),
        fmt(sc.exhaustive_evaluations as f64),
    );
    let steps: Vec<String> = sc
        .rounds
        .iter()
        .map(|r| format!("{}×{}", r.packages, r.draws))
        .collect();
    o.push_str(&format!(
        "  rounds (packages × draws): {}; the deterministic #1 is always kept for comparison\n",
        steps.join(" → ")
    ));
    if let Some(n) = &sc.note {
        o.push_str(&format!("  {n}\n"));
    }
    o
}

/// Regret, satisficing and paired differences, one line per package.
fn comparison_text(c: &guarantor_uncertainty::Comparison, top: usize) -> String {
    let mut o = format!(
        "\nRobustness metrics (regret on {} against the best package studied in each draw; P(pass) behind #1 on the common draws, ± paired SE [unpaired SE])\n",
        c.regret_outcome.name()
    );
    o.push_str(&format!(
        "{:>4}  {:>10} {:>10}  {:<24} {:<14}  {}\n",
        "rank",
        "max regret",
        "p90 regret",
        "P(pass) behind #1",
        if c.thresholds.is_some() {
            "P(satisfice)"
        } else {
            ""
        },
        "package"
    ));
    for p in c.packages.iter().take(top) {
        let behind = p.behind_top.map_or("—".to_string(), |d| {
            format!(
                "{:.1} ± {:.1} [{:.1}] pts",
                d.diff * 100.0,
                d.se_paired * 100.0,
                d.se_unpaired * 100.0
            )
        });
        let sat = p
            .satisficing
            .map_or(String::new(), |e| format!("{} ± {}", pct(e.p), pct(e.se)));
        o.push_str(&format!(
            "{:>4}  {:>10.3} {:>10.3}  {:<24} {:<14}  {}\n",
            p.rank, p.max_regret, p.p90_regret, behind, sat, p.label
        ));
    }
    if let Some(t) = &c.thresholds {
        o.push_str(&format!("  satisficing: {}\n", t.describe()));
    }
    match &c.note {
        Some(n) => o.push_str(&format!("  Note: {n}\n")),
        None => o.push_str("  The metrics agree on the best package.\n"),
    }
    o
}

/// A dropped restriction in words, limits to four significant digits.
fn limit_words(l: &guarantor_uncertainty::NamedLimit) -> String {
    use guarantor_uncertainty::prim::limit_text;
    match (l.lower, l.upper) {
        (Some(a), Some(b)) => format!(
            "{} ≤ {} ≤ {}",
            limit_text(a, true),
            l.parameter,
            limit_text(b, false)
        ),
        (Some(a), None) => format!("{} ≥ {}", l.parameter, limit_text(a, true)),
        (None, Some(b)) => format!("{} ≤ {}", l.parameter, limit_text(b, false)),
        (None, None) => l.parameter.clone(),
    }
}

fn short_currency(c: &str) -> String {
    c.replace(" million", " m")
}
