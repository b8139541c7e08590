//! Uncertainty analysis for Guarantor: which package is robust, and what its
//! verdict hangs on.
//!
//! Data flow: a validated scenario with `[[uncertainty]]` declarations →
//! [`Space`] (declarations resolved, grouped into independent factors) →
//! a sampling [`Plan`] (Monte Carlo or Latin hypercube, one random stream per
//! draw) → every draw is a perturbed copy of the scenario, on which the engine
//! evaluates the packages under study → [`robust`] ranking, [`tornado`] and
//! [`sobol`] sensitivity of the robust top package, [`prim`] boxes where it fails.
//! Split over machines, [`analyse_draws`] evaluates one range of draws and
//! [`analyse_shards`] folds every range into the report [`analyse`] gives;
//! adaptive choice is split one halving round (stage) at a time
//! ([`first_stage`], [`stage_draws`], [`finish_stage`]).
//!
//! Invariants:
//! - Results are bit-identical for any number of threads and for the same
//!   seed across runs: every random number comes from a stream keyed by
//!   (seed, purpose, index), and results are folded in draw order.
//! - The crate does no I/O; progress is reported through [`Progress`].
//! - Sampling and analysis are one call, so outputs can never be matched to
//!   the wrong inputs.

/// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod adaptive;
pub mod cart;
pub mod compare;
pub mod dist;
mod error;
pub mod experiments;
pub mod morris;
pub mod prim;
pub mod qmc;
pub mod robust;
pub mod sample;
pub mod sobol;
pub mod space;
pub mod tornado;

use std::collections::BTreeMap;

use guarantor_engine::Choice;
use guarantor_engine::{
    EvalOptions, PackageVerdict, SolveCache, evaluate, evaluate_choices, evaluate_choices_cached,
    resolve_choice,
};
use guarantor_model::Scenario;
use serde::Serialize;

pub use adaptive::{Halving, Screening};
pub use compare::{Comparison, RegretOutcome, Thresholds};
pub use error::{Error, Setting};
pub use experiments::{Cells, Experiments};
pub use prim::PrimParams;
pub use robust::{Estimate, PackageRobustness};
pub use sample::{Plan, Sampler};
pub use space::{Parameter, Space};

/// Which packages to study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageSet {
    /// The first K of the deterministic ranking.
    Top(usize),
    /// Every package of the option space.
    All,
    /// The best K by successive halving over every package (see [`adaptive`]).
    Adaptive(usize),
}

impl PackageSet {
    /// "adaptive:K", "top:K" or "all" ("adaptive" alone: adaptive:10).
    pub fn parse(s: &str) -> Result<PackageSet, Error> {
        if s == "all" {
            return Ok(PackageSet::All);
        }
        if s == "adaptive" {
            return Ok(PackageSet::Adaptive(10));
        }
        let k = |prefix: &str| {
            s.strip_prefix(prefix)
                .and_then(|k| k.parse::<usize>().ok())
                .filter(|&k| k >= 1)
        };
        k("top:")
            .map(PackageSet::Top)
            .or_else(|| k("adaptive:").map(PackageSet::Adaptive))
            .ok_or_else(|| {
                Error::setting(
                    Setting::Packages,
                    format!(
                        "\"{s}\" must be adaptive:K or top:K with K ≥ 1 (e.g. adaptive:10), or all"
                    ),
                )
            })
    }
}

/// Most packages the adaptive choice screens: beyond it, the screen covers the
/// first this many of the deterministic ranking.
pub const MAX_SCREENED: usize = 20_000;

/// How to run an analysis.
#[derive(Debug, Clone)]
pub struct Options {
    pub draws: usize,
    pub sampler: Sampler,
    pub seed: u64,
    pub packages: PackageSet,
    /// Latin hypercube only: split the draws into this many independent
    /// Latin hypercubes, for a replicated standard error of P(pass) (1: one).
    pub replicates: usize,
    /// Draws of the adaptive screen (n₀ of successive halving).
    pub screen_draws: usize,
    /// Keep every draw's outcomes for the experiments table
    /// ([`Report::experiments`]).
    pub experiments: bool,
    /// Keep the Saltelli design and its outputs ([`Report::saltelli`]).
    pub saltelli_design: bool,
    /// The outcome regret is measured on.
    pub regret_outcome: RegretOutcome,
    /// Satisficing thresholds (none: no satisficing metric).
    pub thresholds: Option<Thresholds>,
    /// Base draws per tornado bar end (0: no tornado).
    pub tornado_draws: usize,
    /// Saltelli base rows N (0: no Sobol' indices).
    pub sobol_rows: usize,
    /// Morris trajectories r (0: no elementary effects).
    pub morris_trajectories: usize,
    pub bootstrap: usize,
    /// How the Saltelli A and B rows are drawn.
    pub sobol_sampling: sobol::Rows,
    pub prim: PrimParams,
    /// The classification tree beside PRIM (see [`cart`]).
    pub cart: cart::CartParams,
    /// Worker threads; `None` lets rayon choose. Results do not depend on it.
    pub threads: Option<usize>,
    /// The package whose sensitivity and failures to study (component → option;
    /// components not named take their first option). Default: the robust top
    /// package. It joins the packages studied if it is not among them.
    pub focus: Option<BTreeMap<String, String>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            draws: 1000,
            sampler: Sampler::Lhs,
            seed: 1,
            packages: PackageSet::Adaptive(10),
            replicates: 1,
            screen_draws: 32,
            experiments: false,
            saltelli_design: false,
            regret_outcome: RegretOutcome::DeterrenceIfPass,
            thresholds: None,
            tornado_draws: 200,
            sobol_rows: 256,
            morris_trajectories: 0,
            bootstrap: 200,
            sobol_sampling: sobol::Rows::ScrambledSobol,
            prim: PrimParams::default(),
            cart: cart::CartParams::default(),
            threads: None,
            focus: None,
        }
    }
}

/// Receives progress; the CLI draws a bar with it. `()` ignores it.
pub trait Progress: Sync {
    /// A phase starts with `total` steps.
    fn phase(&self, name: &str, total: usize);
    /// `n` more steps are done.
    fn step(&self, n: usize);
}

impl Progress for () {
    fn phase(&self, _: &str, _: usize) {}
    fn step(&self, _: usize) {}
}

/// Sensitivity of one package's P(feasible and acceptable): the robust top
/// package, or the one chosen in [`Options::focus`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub package: String,
    /// "robust top package" or "chosen by the user" ([`Options::focus`]).
    pub chosen_as: String,
    pub outcome: String,
    pub tornado: Option<tornado::Tornado>,
    pub sobol: Option<sobol::SobolIndices>,
    /// Why Sobol' indices are missing, when they are.
    pub sobol_note: Option<String>,
    /// Sobol' indices of other outcomes of the same runs: each failure mode
    /// (infeasible, rejected by each required actor), cost per year, and
    /// deterrence if passing (else 0).
    pub sobol_outcomes: Vec<OutcomeIndices>,
    /// Morris elementary effects (with `--morris R`).
    pub morris: Option<morris::Morris>,
}

/// Sobol' indices of one more outcome of the Saltelli runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeIndices {
    pub outcome: String,
    pub indices: Option<sobol::SobolIndices>,
    /// Why the indices are missing (an outcome that never varies).
    pub note: Option<String>,
}

/// One PRIM box, with its restrictions named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveredBox {
    pub text: String,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    pub draws: usize,
    pub failures: usize,
    pub restrictions: Vec<NamedRestriction>,
    /// How PRIM found the box.
    pub trace: BoxTrace,
}

/// A parameter's range in a box on PRIM's way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedLimit {
    pub parameter: String,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// One box of a peeling or pasting trajectory (see [`prim::Step`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    pub draws: usize,
    pub failures: usize,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    pub restrictions: Vec<NamedLimit>,
}

/// A restriction simplification dropped, and what it cost in density.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedRestriction {
    pub restriction: NamedLimit,
    pub density_before: f64,
    pub density_after: f64,
    pub density_cost: f64,
    pub reason: String,
}

/// PRIM's trajectory for one box (see [`prim::Trace`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxTrace {
    pub peeling: Vec<TraceStep>,
    /// Index into `peeling` of the box chosen.
    pub chosen: usize,
    pub chosen_score: f64,
    pub why: String,
    pub pasting: Vec<TraceStep>,
    pub dropped: Vec<DroppedRestriction>,
}

fn named_trace(t: &prim::Trace, names: &[String]) -> BoxTrace {
    let limit = |l: &prim::Limit| NamedLimit {
        parameter: names[l.dim].clone(),
        lower: l.lower,
        upper: l.upper,
    };
    let step = |s: &prim::Step| TraceStep {
        draws: s.draws,
        failures: s.hits,
        coverage: s.coverage,
        density: s.density,
        mass: s.mass,
        restrictions: s.limits.iter().map(limit).collect(),
    };
    BoxTrace {
        peeling: t.peeling.iter().map(step).collect(),
        chosen: t.chosen,
        chosen_score: t.chosen_score,
        why: t.why.clone(),
        pasting: t.pasting.iter().map(step).collect(),
        dropped: t
            .dropped
            .iter()
            .map(|d| DroppedRestriction {
                restriction: limit(&d.limit),
                density_before: d.density_before,
                density_after: d.density_after,
                density_cost: d.density_cost,
                reason: d.reason.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedRestriction {
    pub parameter: String,
    pub path: String,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// See [`prim::Restriction::quasi_p`].
    pub quasi_p: f64,
}

/// Where the studied package fails.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discovery {
    pub package: String,
    pub outcome: String,
    pub failures: usize,
    pub draws: usize,
    pub params: PrimParams,
    pub boxes: Vec<DiscoveredBox>,
    pub note: Option<String>,
}

/// One leaf of the classification tree as a rule, with parameters named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeRule {
    /// "fails in 96.0% of the 120 draws where a ≤ 0.5 and b > 3".
    pub text: String,
    pub draws: usize,
    pub failures: usize,
    pub density: f64,
}

/// Where the studied package fails, by a classification tree (CART).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeDiscovery {
    pub package: String,
    pub outcome: String,
    pub params: cart::CartParams,
    /// The tree, one line per node (indented).
    pub text: String,
    /// Every leaf, left to right.
    pub rules: Vec<TreeRule>,
    /// The tree itself; `dim` indexes [`Report::uncertainties`].
    pub tree: cart::Node,
}

/// Everything an analysis found; the CLI's `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub title: String,
    pub disclaimer: String,
    pub currency: String,
    pub sampler: Sampler,
    pub seed: u64,
    pub draws: usize,
    /// Independent Latin hypercubes the draws were split into.
    pub replicates: usize,
    pub packages: PackageSet,
    pub required_acceptance: Vec<String>,
    pub uncertainties: Vec<Parameter>,
    pub factors: Vec<String>,
    /// How the packages studied were chosen (adaptive choice only).
    pub screening: Option<Screening>,
    /// Robust ranking of the packages studied.
    pub ranking: Vec<PackageRobustness>,
    /// Regret, satisficing and paired differences of the packages studied.
    pub comparison: Option<Comparison>,
    pub sensitivity: Option<Sensitivity>,
    pub discovery: Option<Discovery>,
    /// The same failures explained by a classification tree.
    pub tree: Option<TreeDiscovery>,
    /// PRIM per failure mode of the same package (infeasible, rejected by each
    /// required actor), one box each, for modes in at least 1% of the draws.
    pub failure_modes: Vec<Discovery>,
    /// PRIM on continuous outcomes of the same package, made binary at a
    /// quantile: cost per year above its 75th percentile, deterrence below
    /// its 25th (each only if it varies enough), one box each.
    pub outcome_boxes: Vec<Discovery>,
    /// One row per draw (with [`Options::experiments`]); not in the JSON.
    #[serde(skip)]
    pub experiments: Option<Experiments>,
    /// One row per Saltelli run (with [`Options::saltelli_design`] and Sobol'
    /// indices), see [`experiments::saltelli_table`]; not in the JSON.
    #[serde(skip)]
    pub saltelli: Option<Experiments>,
}

/// Check options that would otherwise fail after minutes of work.
pub fn check_options(o: &Options) -> Result<(), Error> {
    if o.draws < 2 {
        return Err(Error::setting(
            Setting::Draws,
            format!("must be at least 2, got {}", o.draws),
        ));
    }
    if o.sobol_rows > 0 {
        sobol::check_base_rows(o.sobol_rows)?;
    }
    if o.morris_trajectories == 1 {
        return Err(Error::setting(
            Setting::Morris,
            "needs at least 2 trajectories (σ needs two effects per factor); use 0 to skip it",
        ));
    }
    if o.threads == Some(0) {
        return Err(Error::setting(Setting::Threads, "must be at least 1"));
    }
    prim::check_params(&o.prim)?;
    if o.cart.min_leaf == 0 {
        return Err(Error::setting(Setting::CartMinLeaf, "must be at least 1"));
    }
    if o.replicates == 0 || (o.replicates > 1 && o.replicates > o.draws / 2) {
        return Err(Error::setting(
            Setting::Replicates,
            format!(
                "must be between 1 and half the draws ({}), got {}",
                o.draws / 2,
                o.replicates
            ),
        ));
    }
    if o.replicates > 1 && o.sampler != Sampler::Lhs {
        return Err(Error::setting(
            Setting::Replicates,
            "splits a Latin hypercube; Monte Carlo draws need none (use the Latin hypercube sampler)",
        ));
    }
    if matches!(o.packages, PackageSet::Adaptive(_)) && o.screen_draws < 2 {
        return Err(Error::setting(
            Setting::ScreenDraws,
            format!("must be at least 2, got {}", o.screen_draws),
        ));
    }
    Ok(())
}

/// A copy of `s` in which every red line with a flexibility strictly between 0
/// and 1 that has no declaration of its own is declared uncertain: it holds
/// with probability 1 − flexibility (`guarantor uncertainty --all-red-lines`).
pub fn with_all_red_lines(s: &Scenario) -> Scenario {
    use guarantor_model::uncertainty::{Distribution, Uncertainty};
    let mut out = s.clone();
    for a in &s.actors {
        for r in &a.red_lines {
            let path = format!("actors.{}.red_lines.{}.holds", a.id, r.id);
            if r.flexibility > 0.0
                && r.flexibility < 1.0
                && !s.uncertainty.iter().any(|u| u.path == path)
            {
                out.uncertainty.push(Uncertainty {
                    path,
                    dist: Distribution::Bernoulli { p: None },
                    label: String::new(),
                    source: format!(
                        "{} red line, flexibility {} (every red line declared uncertain)",
                        r.hardness.as_str(),
                        r.flexibility
                    ),
                    group: String::new(),
                });
            }
        }
    }
    out
}

/// Run the whole analysis on a validated scenario.
pub fn analyse(s: &Scenario, o: &Options, progress: &dyn Progress) -> Result<Report, Error> {
    check_options(o)?;
    let space = Space::new(s)?;
    in_threads(o.threads, || analyse_inner(s, &space, o, progress))
}

/// What every stage of an analysis shares: the packages under study (with
/// the one chosen with `--option`) and the sampling plan.
struct Setup {
    choices: Vec<Studied>,
    focus: Option<Choice>,
    plan: Plan,
    size: u128,
}

fn setup(s: &Scenario, space: &Space, o: &Options) -> Result<Setup, Error> {
    let size = s.option_space_size();
    let det = match o.packages {
        PackageSet::Top(k) => guarantor_engine::search(
            s,
            &guarantor_engine::SearchOptions {
                top: k,
                ..guarantor_engine::SearchOptions::default()
            },
        ),
        PackageSet::Adaptive(_) if size > MAX_SCREENED as u128 => guarantor_engine::search(
            s,
            &guarantor_engine::SearchOptions {
                top: MAX_SCREENED,
                ..guarantor_engine::SearchOptions::default()
            },
        ),
        PackageSet::All | PackageSet::Adaptive(_) => evaluate(s, &EvalOptions::default()),
    }
    .map_err(|e| Error::Deterministic(e.to_string()))?;
    let (choices, focus) = studied_packages(s, &det.packages, o)?;
    drop(det);
    let final_count = match o.packages {
        PackageSet::Adaptive(k) => {
            k.min(choices.len()) + usize::from(choices.len() > k) + usize::from(focus.is_some())
        }
        _ => choices.len(),
    };
    if final_count.saturating_mul(o.draws) > MAX_OUTCOMES {
        return Err(Error::TooManyOutcomes {
            packages: final_count,
            draws: o.draws,
            max: MAX_OUTCOMES,
        });
    }
    let plan = Plan::replicated(o.sampler, o.seed, o.draws, space.n_factors(), o.replicates);
    Ok(Setup {
        choices,
        focus,
        plan,
        size,
    })
}

/// One shard of an analysis: the outcomes of every studied package on the
/// draws `start..end` of the plan, for [`analyse_shards`].
#[derive(Debug, Clone, PartialEq)]
pub struct DrawShard {
    pub start: usize,
    pub end: usize,
    /// The studied packages' labels, in the order of each row's outcomes.
    pub packages: Vec<String>,
    /// Required actors, sorted (the order of [`robust::Outcome::accepted`]).
    pub required: Vec<String>,
    /// Draw `start + i` at index i.
    pub rows: Vec<robust::DrawRow>,
}

fn check_shardable(o: &Options) -> Result<(), Error> {
    if let PackageSet::Adaptive(_) = o.packages {
        return Err(Error::setting(
            Setting::Packages,
            "adaptive choice cannot be split into draw ranges: each halving round ranks the \
             packages on every draw so far; study a fixed set (top:K or all)",
        ));
    }
    Ok(())
}

/// Evaluate the studied packages (a fixed set: `top:K` or `all`, with the
/// package of [`Options::focus`]) on the draws `range` of the plan. Draw i
/// is a function of the seed and i only, so shards over a partition of
/// `0..draws` merge ([`analyse_shards`]) to the same report as [`analyse`].
pub fn analyse_draws(
    s: &Scenario,
    o: &Options,
    range: std::ops::Range<usize>,
    progress: &dyn Progress,
) -> Result<DrawShard, Error> {
    check_options(o)?;
    check_shardable(o)?;
    if range.start > range.end || range.end > o.draws {
        return Err(Error::Internal(format!(
            "draws {}..{} are not within the {} draws of the plan",
            range.start, range.end, o.draws
        )));
    }
    let space = Space::new(s)?;
    in_threads(o.threads, || {
        let st = setup(s, &space, o)?;
        let cache = SolveCache::new();
        let packages: Vec<String> = st.choices.iter().map(|c| c.1.label.clone()).collect();
        let study = robust::Study::new(s, &space, &st.plan, &cache, st.choices, o.experiments);
        let ids: Vec<usize> = (0..study.candidates.len()).collect();
        progress.phase("draws", range.len());
        let step = |n: usize| progress.step(n);
        let rows = study.rows(&ids, range.clone(), &step)?;
        Ok(DrawShard {
            start: range.start,
            end: range.end,
            packages,
            required: study.required.clone(),
            rows,
        })
    })
}

/// The report of [`analyse`] from shards that together hold every draw of
/// the plan exactly once (in any order). The sensitivity runs (tornado,
/// Sobol', Morris) of the one package studied in depth are run here.
pub fn analyse_shards(
    s: &Scenario,
    o: &Options,
    mut shards: Vec<DrawShard>,
    progress: &dyn Progress,
) -> Result<Report, Error> {
    check_options(o)?;
    check_shardable(o)?;
    let space = Space::new(s)?;
    shards.sort_by_key(|x| (x.start, x.end));
    let mut at = 0;
    for x in &shards {
        if x.start != at || x.rows.len() != x.end - x.start {
            return Err(Error::Internal(format!(
                "the shards do not hold draws 0..{} once each: draws {}..{} follow draw {at}",
                o.draws, x.start, x.end
            )));
        }
        at = x.end;
    }
    if at != o.draws {
        return Err(Error::Internal(format!(
            "the shards hold draws 0..{at}, not 0..{}",
            o.draws
        )));
    }
    in_threads(o.threads, || {
        let st = setup(s, &space, o)?;
        let cache = SolveCache::new();
        let labels: Vec<String> = st.choices.iter().map(|c| c.1.label.clone()).collect();
        let mut study = robust::Study::new(s, &space, &st.plan, &cache, st.choices, o.experiments);
        let ids: Vec<usize> = (0..study.candidates.len()).collect();
        for x in shards {
            if x.packages != labels || x.required != study.required {
                return Err(Error::Internal(format!(
                    "the shard of draws {}..{} studied other packages or actors",
                    x.start, x.end
                )));
            }
            study.push_rows(&ids, x.rows);
        }
        conclude(
            s, &space, o, progress, &st.plan, &cache, st.focus, study, ids, None,
        )
    })
}

/// Where the merge of one stage of a sharded adaptive analysis leads.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per merge; boxing buys nothing"
)]
pub enum StageEnd {
    /// Halving goes on: the next stage's plan, and the survivors' outcomes
    /// on the draws `0..next.from` (the rows the next merge starts from).
    Next { next: Halving, rows: DrawShard },
    /// The last stage: the report [`analyse`] gives.
    Done(Report),
}

fn check_adaptive(o: &Options) -> Result<usize, Error> {
    match o.packages {
        PackageSet::Adaptive(k) => Ok(k),
        _ => Err(Error::Internal(
            "stages are for adaptive choice (--packages adaptive:K)".into(),
        )),
    }
}

/// The first stage of a sharded adaptive analysis: every candidate package
/// on the first n₀ draws (the screen of [`adaptive::successive_halving`]).
pub fn first_stage(s: &Scenario, o: &Options) -> Result<Halving, Error> {
    check_options(o)?;
    check_adaptive(o)?;
    let space = Space::new(s)?;
    in_threads(o.threads, || {
        let st = setup(s, &space, o)?;
        Ok(Halving::first(st.choices.len(), o.screen_draws, o.draws))
    })
}

/// One shard of one stage of a sharded adaptive analysis: the outcomes of
/// the stage's packages (`stage.alive`) on the draws `range` (within
/// `stage.from..stage.to`). The rows' packages are in `stage.alive` order.
pub fn stage_draws(
    s: &Scenario,
    o: &Options,
    stage: &Halving,
    range: std::ops::Range<usize>,
    progress: &dyn Progress,
) -> Result<DrawShard, Error> {
    check_options(o)?;
    check_adaptive(o)?;
    if range.start < stage.from || range.start > range.end || range.end > stage.to {
        return Err(Error::Internal(format!(
            "draws {}..{} are not within the draws {}..{} of stage {}",
            range.start, range.end, stage.from, stage.to, stage.stage
        )));
    }
    let space = Space::new(s)?;
    in_threads(o.threads, || {
        let st = setup(s, &space, o)?;
        check_alive(stage, st.choices.len())?;
        let packages: Vec<String> = stage
            .alive
            .iter()
            .map(|&k| st.choices[k].1.label.clone())
            .collect();
        let cache = SolveCache::new();
        let study = robust::Study::new(s, &space, &st.plan, &cache, st.choices, false);
        progress.phase("draws", range.len());
        let step = |n: usize| progress.step(n);
        let rows = study.rows(&stage.alive, range.clone(), &step)?;
        Ok(DrawShard {
            start: range.start,
            end: range.end,
            packages,
            required: study.required.clone(),
            rows,
        })
    })
}

fn check_alive(stage: &Halving, candidates: usize) -> Result<(), Error> {
    if stage.alive.is_empty()
        || stage.alive.windows(2).any(|w| w[0] >= w[1])
        || stage.alive.iter().any(|&k| k >= candidates)
    {
        return Err(Error::Internal(format!(
            "stage {} names packages that are not among the {candidates} candidates",
            stage.stage
        )));
    }
    Ok(())
}

/// The merge of one stage of a sharded adaptive analysis: `before` holds the
/// stage's packages' outcomes on the draws `0..stage.from` (from the previous
/// stage's merge; `None` at stage 0), `shards` their outcomes on the stage's
/// draws `stage.from..stage.to`, each exactly once. Ends the halving round
/// exactly as [`analyse`] does on one machine, so the last stage's report is
/// the one [`analyse`] gives.
pub fn finish_stage(
    s: &Scenario,
    o: &Options,
    stage: &Halving,
    before: Option<DrawShard>,
    mut shards: Vec<DrawShard>,
    progress: &dyn Progress,
) -> Result<StageEnd, Error> {
    check_options(o)?;
    let keep = check_adaptive(o)?;
    let space = Space::new(s)?;
    shards.sort_by_key(|x| (x.start, x.end));
    let mut at = stage.from;
    for x in &shards {
        if x.start != at || x.rows.len() != x.end - x.start {
            return Err(Error::Internal(format!(
                "the shards do not hold draws {}..{} once each: draws {}..{} follow draw {at}",
                stage.from, stage.to, x.start, x.end
            )));
        }
        at = x.end;
    }
    if at != stage.to {
        return Err(Error::Internal(format!(
            "the shards hold draws {}..{at}, not {}..{}",
            stage.from, stage.from, stage.to
        )));
    }
    in_threads(o.threads, || {
        let st = setup(s, &space, o)?;
        check_alive(stage, st.choices.len())?;
        let size = st.size;
        let candidates = st.choices.len();
        let labels: Vec<String> = stage
            .alive
            .iter()
            .map(|&k| st.choices[k].1.label.clone())
            .collect();
        let focus_id = st
            .focus
            .as_ref()
            .and_then(|fc| st.choices.iter().position(|c| &c.0 == fc));
        let mut protected = vec![0];
        protected.extend(focus_id.filter(|&f| f != 0));
        let cache = SolveCache::new();
        let mut study = robust::Study::new(s, &space, &st.plan, &cache, st.choices, false);
        let earlier = match before {
            Some(b) => {
                if b.start != 0 || b.end != stage.from || b.rows.len() != stage.from {
                    return Err(Error::Internal(format!(
                        "the stage plan holds draws {}..{}, not 0..{}",
                        b.start, b.end, stage.from
                    )));
                }
                vec![b]
            }
            None if stage.from == 0 => Vec::new(),
            None => {
                return Err(Error::Internal(format!(
                    "stage {} starts at draw {} but no earlier draws were given",
                    stage.stage, stage.from
                )));
            }
        };
        let mut all: Vec<robust::DrawRow> = Vec::with_capacity(stage.to);
        for x in earlier.into_iter().chain(shards) {
            if x.packages != labels || x.required != study.required {
                return Err(Error::Internal(format!(
                    "the draws {}..{} studied other packages or actors than stage {}",
                    x.start, x.end, stage.stage
                )));
            }
            all.extend(x.rows);
        }
        study.push_rows(&stage.alive, all.clone());
        let required = study.required.clone();
        let mut h = stage.clone();
        match h.round(&mut study, keep, &protected, o.draws) {
            Some(ids) => {
                let mut sc = h.screening(candidates, o.screen_draws, o.draws, keep);
                if size > MAX_SCREENED as u128 {
                    sc.note = Some(format!(
                        "the option space has {size} packages: the screen covers the first {MAX_SCREENED} of the deterministic ranking"
                    ));
                }
                conclude(
                    s,
                    &space,
                    o,
                    progress,
                    &st.plan,
                    &cache,
                    st.focus,
                    study,
                    ids,
                    Some(sc),
                )
                .map(StageEnd::Done)
            }
            None => {
                // The survivors' columns of every row so far.
                let at: Vec<usize> = h
                    .alive
                    .iter()
                    .map(|k| stage.alive.iter().position(|x| x == k))
                    .collect::<Option<_>>()
                    .ok_or_else(|| Error::Internal("a survivor was not alive".into()))?;
                let rows: Vec<robust::DrawRow> = all
                    .into_iter()
                    .map(|(v, outs)| (v, at.iter().map(|&j| outs[j].clone()).collect()))
                    .collect();
                Ok(StageEnd::Next {
                    rows: DrawShard {
                        start: 0,
                        end: h.from,
                        packages: at.iter().map(|&j| labels[j].clone()).collect(),
                        required,
                        rows,
                    },
                    next: h,
                })
            }
        }
    })
}

fn in_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> Result<T, Error> + Send,
) -> Result<T, Error> {
    match threads {
        None => f(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Threads {
                threads: n,
                message: e.to_string(),
            })?
            .install(f),
    }
}

fn analyse_inner(
    s: &Scenario,
    space: &Space,
    o: &Options,
    progress: &dyn Progress,
) -> Result<Report, Error> {
    let Setup {
        choices,
        focus,
        plan,
        size,
    } = setup(s, space, o)?;
    progress.phase("draws", o.draws);
    let step = |n: usize| progress.step(n);
    let cache = SolveCache::new();
    let focus_id = focus
        .as_ref()
        .and_then(|fc| choices.iter().position(|c| &c.0 == fc));
    let mut study = robust::Study::new(s, space, &plan, &cache, choices, o.experiments);
    let (ids, screening) = match o.packages {
        PackageSet::Adaptive(k) => {
            let mut protected = vec![0];
            protected.extend(focus_id.filter(|&f| f != 0));
            let (ids, mut sc) = adaptive::successive_halving(
                &mut study,
                k,
                &protected,
                o.screen_draws,
                o.draws,
                &step,
            )?;
            if size > MAX_SCREENED as u128 {
                sc.note = Some(format!(
                    "the option space has {size} packages: the screen covers the first {MAX_SCREENED} of the deterministic ranking"
                ));
            }
            (ids, Some(sc))
        }
        _ => {
            let ids: Vec<usize> = (0..study.candidates.len()).collect();
            study.extend(&ids, o.draws, &step)?;
            (ids, None)
        }
    };
    conclude(
        s, space, o, progress, &plan, &cache, focus, study, ids, screening,
    )
}

/// Everything after the draws: the robust ranking, comparison, sensitivity
/// of the studied package, PRIM and the tree.
#[allow(
    clippy::too_many_arguments,
    reason = "the shared state of one analysis"
)]
fn conclude(
    s: &Scenario,
    space: &Space,
    o: &Options,
    progress: &dyn Progress,
    plan: &Plan,
    cache: &SolveCache,
    focus: Option<Choice>,
    study: robust::Study<'_>,
    ids: Vec<usize>,
    screening: Option<Screening>,
) -> Result<Report, Error> {
    let step = |n: usize| progress.step(n);
    let run = robust::RobustRun::from_study(study, &ids);
    let experiments = o
        .experiments
        .then(|| experiments::experiments(space, plan, &run));
    let comparison = (!run.ranking.is_empty()).then(|| {
        let labels: Vec<(usize, String)> = run
            .ranking
            .iter()
            .map(|r| (r.rank, r.label.clone()))
            .collect();
        let draws: Vec<&robust::PackageDraws> = run.draws.iter().collect();
        compare::compare(&labels, &draws, o.regret_outcome, o.thresholds)
    });

    let at = focus
        .as_ref()
        .and_then(|fc| run.choices.iter().position(|c| c == fc))
        .unwrap_or(0);
    let top = run.ranking.get(at).map(|r| r.label.clone());
    let tree = top
        .as_ref()
        .filter(|_| run.draws.get(at).is_some() && o.cart.max_depth > 0)
        .map(|label| discover_tree(space, &run, at, label, o));
    let mut saltelli = None;
    let outcome_boxes = if top.is_some() && run.draws.get(at).is_some() {
        discover_continuous(space, &run, at, o, &s.meta.currency)
    } else {
        Vec::new()
    };
    let (sensitivity, discovery, failure_modes) =
        match (&top, run.choices.get(at)) {
            (Some(label), Some(choice)) => {
                let passes = |u: &[f64]| -> Result<bool, Error> {
                    let sc = space.scenario(s, &space.values(u));
                    let v = evaluate_choices_cached(&sc, std::slice::from_ref(choice), cache)
                        .map_err(|e| Error::Engine {
                            what: "a sensitivity run".into(),
                            message: e.to_string(),
                        })?;
                    Ok(v[0].passes)
                };
                let tornado = if o.tornado_draws > 0 {
                    let m = o.tornado_draws.min(o.draws);
                    progress.phase("tornado", m * (2 * space.n_factors() + 1));
                    Some(tornado::tornado(
                        plan,
                        m,
                        &space.factors,
                        &space.tornado_ends(),
                        |f| {
                            let (lo, hi) = space.tornado_ends()[f];
                            space
                                .members(f)
                                .map(|p| (p.name.clone(), p.value_at(lo), p.value_at(hi)))
                                .collect()
                        },
                        passes,
                        &step,
                    )?)
                } else {
                    None
                };
                // One set of Saltelli runs, several outcomes: pass first, then the
                // failure modes, cost and deterrence if passing.
                let mut outcome_names: Vec<String> = vec!["infeasible".into()];
                outcome_names.extend(run.required.iter().map(|a| format!("rejected by {a}")));
                outcome_names.push("cost per year".into());
                outcome_names.push("deterrence if passing (else 0)".into());
                let outcomes = |u: &[f64]| -> Result<Vec<f64>, Error> {
                    let sc = space.scenario(s, &space.values(u));
                    let v = evaluate_choices_cached(&sc, std::slice::from_ref(choice), cache)
                        .map_err(|e| Error::Engine {
                            what: "a sensitivity run".into(),
                            message: e.to_string(),
                        })?;
                    let v = &v[0];
                    let one = |b: bool| f64::from(u8::from(b));
                    let mut y = vec![one(v.passes), one(!v.feasible)];
                    y.extend(run.required.iter().map(|a| one(!v.acceptance[a].accepts)));
                    y.push(v.cost_per_year);
                    y.push(if v.passes { v.deterrence.total } else { 0.0 });
                    Ok(y)
                };
                let (sobol, sobol_note, sobol_outcomes) = if o.sobol_rows > 0 {
                    progress.phase("sobol", o.sobol_rows * (space.n_factors() + 2));
                    let (all, design) = sobol::sobol_multi_design(
                        o.sobol_rows,
                        space.n_factors(),
                        &space.factors,
                        o.seed,
                        o.bootstrap,
                        o.sobol_sampling,
                        outcomes,
                        &step,
                        o.saltelli_design,
                    )?;
                    saltelli = design.map(|d| {
                        // Column names: the outcomes of `outcomes`, in order.
                        let mut names = vec!["pass".to_string(), "infeasible".to_string()];
                        names.extend(run.required.iter().map(|a| format!("rejected.{a}")));
                        names.push("cost".into());
                        names.push("deterrence_if_pass".into());
                        experiments::saltelli_table(space, &d, &names)
                    });
                    let mut all = all.into_iter();
                    let split = |r: Result<sobol::SobolIndices, Error>| match r {
                        Ok(x) => Ok((Some(x), None)),
                        Err(e @ Error::NoVariance { .. }) => Ok((None, Some(e.to_string()))),
                        Err(e) => Err(e),
                    };
                    let (first, note) = split(all.next().expect("pass is the first outcome"))?;
                    let others = outcome_names
                        .iter()
                        .zip(all)
                        .map(|(name, r)| {
                            split(r).map(|(indices, note)| OutcomeIndices {
                                outcome: name.clone(),
                                indices,
                                note,
                            })
                        })
                        .collect::<Result<Vec<_>, Error>>()?;
                    (first, note, others)
                } else {
                    (
                        None,
                        Some("skipped (no Sobol' base rows asked for)".to_string()),
                        Vec::new(),
                    )
                };
                let morris = if o.morris_trajectories > 0 {
                    progress.phase("morris", o.morris_trajectories * (space.n_factors() + 1));
                    Some(morris::morris(
                        o.morris_trajectories,
                        space.n_factors(),
                        &space.factors,
                        o.seed,
                        |u| passes(u).map(|b| f64::from(u8::from(b))),
                        &step,
                    )?)
                } else {
                    None
                };
                let sens = Sensitivity {
                    package: label.clone(),
                    chosen_as: if focus.is_some() {
                        "chosen by the user".into()
                    } else {
                        "robust top package".into()
                    },
                    outcome: "feasible and acceptable to every required actor".into(),
                    tornado,
                    sobol,
                    sobol_note,
                    sobol_outcomes,
                    morris,
                };
                (
                    Some(sens),
                    Some(discover(space, &run, at, o)),
                    discover_modes(space, &run, at, o),
                )
            }
            _ => (None, None, Vec::new()),
        };
    let mut required = s.parameters.required_acceptance.clone();
    required.sort();
    required.dedup();
    Ok(Report {
        scenario: s.meta.id.clone(),
        title: s.meta.title.clone(),
        disclaimer: s.meta.disclaimer.clone(),
        currency: s.meta.currency.clone(),
        sampler: o.sampler,
        seed: o.seed,
        draws: o.draws,
        replicates: plan.replicates,
        packages: o.packages,
        required_acceptance: required,
        uncertainties: space.parameters.clone(),
        factors: space.factors.clone(),
        screening,
        ranking: run.ranking,
        comparison,
        sensitivity,
        discovery,
        tree,
        failure_modes,
        outcome_boxes,
        experiments,
        saltelli,
    })
}

/// Most (package, draw) outcomes one run keeps (a cost and a pass flag each).
pub const MAX_OUTCOMES: usize = 20_000_000;

/// A package under study: its choice, its deterministic verdict and rank.
type Studied = (Choice, robust::AsWritten, usize);

/// The packages to study (top K of the deterministic ranking, or all), plus
/// the `--option` package if it is not among them; and that package's choice.
fn studied_packages(
    s: &Scenario,
    ranked: &[PackageVerdict],
    o: &Options,
) -> Result<(Vec<Studied>, Option<Choice>), Error> {
    let take = match o.packages {
        PackageSet::Top(k) => k.min(ranked.len()),
        PackageSet::All | PackageSet::Adaptive(_) => ranked.len(),
    };
    let mut choices = ranked[..take]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let c =
                resolve_choice(s, &v.options).map_err(|e| Error::Deterministic(e.to_string()))?;
            Ok((c, robust::AsWritten::of(v), i + 1))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let Some(f) = &o.focus else {
        return Ok((choices, None));
    };
    let fc = resolve_choice(s, f).map_err(|e| Error::setting(Setting::Focus, e.to_string()))?;
    if !choices.iter().any(|c| c.0 == fc) {
        let v = evaluate_choices(s, std::slice::from_ref(&fc))
            .map_err(|e| Error::Deterministic(e.to_string()))?
            .remove(0);
        let rank = ranked
            .iter()
            .position(|p| p.label == v.label)
            .map_or(0, |i| i + 1);
        choices.push((fc.clone(), robust::AsWritten::of(&v), rank));
    }
    Ok((choices, Some(fc)))
}

/// Below this many draws PRIM boxes are flagged as possibly fitting noise.
pub const FEW_DRAWS_FOR_PRIM: usize = 500;

/// PRIM on the draws where package `ranking[at]` fails.
fn discover(space: &Space, run: &robust::RobustRun, at: usize, o: &Options) -> Discovery {
    let y: Vec<bool> = run.draws[at].passes.iter().map(|p| !p).collect();
    discover_outcome(
        space,
        &run.values,
        &run.ranking[at].label,
        y,
        (
            "fails (infeasible or rejected by a required actor)",
            "fails",
        ),
        &o.prim,
    )
}

/// A classification tree on the draws where package `ranking[at]` fails.
fn discover_tree(
    space: &Space,
    run: &robust::RobustRun,
    at: usize,
    label: &str,
    o: &Options,
) -> TreeDiscovery {
    let y: Vec<bool> = run.draws[at].passes.iter().map(|p| !p).collect();
    let names: Vec<String> = space.parameters.iter().map(|p| p.name.clone()).collect();
    let tree = cart::cart(&run.values, &y, &o.cart);
    let rules = cart::rules(&tree)
        .iter()
        .map(|r| {
            let conds: Vec<String> = r
                .conditions
                .iter()
                // One printed threshold for both sides of a split (as in
                // `cart::describe`): rounded up to four significant digits.
                .map(|&(d, op, t)| format!("{} {op} {}", names[d], prim::limit_text(t, false)))
                .collect();
            TreeRule {
                text: format!(
                    "fails in {:.1}% of the {} draws{}",
                    100.0 * r.density(),
                    r.draws,
                    if conds.is_empty() {
                        String::new()
                    } else {
                        format!(" where {}", conds.join(" and "))
                    }
                ),
                draws: r.draws,
                failures: r.hits,
                density: r.density(),
            }
        })
        .collect();
    TreeDiscovery {
        package: label.to_string(),
        outcome: "fails (infeasible or rejected by a required actor)".into(),
        params: o.cart,
        text: cart::describe(&tree, &names, "fails"),
        rules,
        tree,
    }
}

/// PRIM on cost per year above its 75th percentile and on deterrence below
/// its 25th, for package `ranking[at]`: where the package is expensive, or
/// deters least. An outcome is studied when at least [`MIN_MODE_SHARE`] of
/// the draws (and 10) are on each side of the cut.
fn discover_continuous(
    space: &Space,
    run: &robust::RobustRun,
    at: usize,
    o: &Options,
    currency: &str,
) -> Vec<Discovery> {
    let d = &run.draws[at];
    let n = d.len();
    let params = PrimParams {
        max_boxes: 1,
        ..o.prim
    };
    let min = ((MIN_MODE_SHARE * n as f64).ceil() as usize).max(10);
    let sorted = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        s
    };
    let q75 = robust::quantile_sorted(&sorted(&d.cost), 0.75);
    let q25 = robust::quantile_sorted(&sorted(&d.deterrence), 0.25);
    let cases: Vec<(String, String, Vec<bool>)> = vec![
        (
            format!(
                "cost per year above its 75th percentile ({} {currency})",
                prim::limit_text(q75, true)
            ),
            "costs more than the 75th percentile".into(),
            d.cost.iter().map(|&c| c > q75).collect(),
        ),
        (
            format!(
                "deterrence below its 25th percentile ({})",
                prim::limit_text(q25, false)
            ),
            "deters less than the 25th percentile".into(),
            d.deterrence.iter().map(|&x| x < q25).collect(),
        ),
    ];
    cases
        .into_iter()
        .filter(|(_, _, y)| {
            let k = y.iter().filter(|&&b| b).count();
            k >= min && n - k >= min
        })
        .map(|(outcome, verb, y)| {
            discover_outcome(
                space,
                &run.values,
                &run.ranking[at].label,
                y,
                (&outcome, &verb),
                &params,
            )
        })
        .collect()
}

/// A failure mode is studied when it occurs in at least this share of draws
/// (and at least 10 of them).
pub const MIN_MODE_SHARE: f64 = 0.01;

/// PRIM per failure mode of package `ranking[at]`: infeasible, and rejected by
/// each required actor (whatever the others do), one box each.
fn discover_modes(
    space: &Space,
    run: &robust::RobustRun,
    at: usize,
    o: &Options,
) -> Vec<Discovery> {
    let d = &run.draws[at];
    let n = d.len();
    let actors = run.required.len();
    let mut modes: Vec<(String, String, Vec<bool>)> = vec![(
        "infeasible".into(),
        "is infeasible".into(),
        d.feasible.iter().map(|f| !f).collect(),
    )];
    if d.accepts.len() == n * actors {
        for (a, name) in run.required.iter().enumerate() {
            modes.push((
                format!("rejected by {name}"),
                format!("is rejected by {name}"),
                (0..n).map(|i| !d.accepts[i * actors + a]).collect(),
            ));
        }
    }
    let params = PrimParams {
        max_boxes: 1,
        ..o.prim
    };
    let min = ((MIN_MODE_SHARE * n as f64).ceil() as usize).max(10);
    modes
        .into_iter()
        .filter(|(_, _, y)| {
            let k = y.iter().filter(|&&b| b).count();
            k >= min && k < n
        })
        .map(|(outcome, verb, y)| {
            discover_outcome(
                space,
                &run.values,
                &run.ranking[at].label,
                y,
                (&outcome, &verb),
                &params,
            )
        })
        .collect()
}

/// PRIM on the draws (parameter values `values`) where `y` holds; `outcome`
/// is (what y means, the verb of the box sentences).
fn discover_outcome(
    space: &Space,
    values: &[Vec<f64>],
    label: &str,
    y: Vec<bool>,
    outcome: (&str, &str),
    params: &PrimParams,
) -> Discovery {
    let failures = y.iter().filter(|&&f| f).count();
    let names: Vec<String> = space.parameters.iter().map(|p| p.name.clone()).collect();
    let binary: Vec<bool> = space
        .parameters
        .iter()
        .map(Parameter::is_red_line)
        .collect();
    let (boxes, note) = if failures == 0 {
        (
            Vec::new(),
            Some("the package passes in every draw: there is no failure to explain".to_string()),
        )
    } else if failures == y.len() {
        (
            Vec::new(),
            Some(
                "the package fails in every draw: no region of the uncertainty space saves it"
                    .to_string(),
            ),
        )
    } else {
        let found = prim::prim(values, &y, params);
        let note = if found.is_empty() {
            Some("no box concentrates the failures well (density less than a tenth of the way from the overall rate to certainty, or coverage below 5%)".to_string())
        } else if y.len() < FEW_DRAWS_FOR_PRIM {
            Some(format!(
                "only {} draws: boxes found in fewer than {FEW_DRAWS_FOR_PRIM} draws may fit noise",
                y.len()
            ))
        } else {
            None
        };
        let boxes = found
            .iter()
            .map(|b| DiscoveredBox {
                text: prim::describe(b, &names, &binary, outcome.1),
                coverage: b.coverage,
                density: b.density,
                mass: b.mass,
                draws: b.draws,
                failures: b.hits,
                restrictions: b
                    .restrictions
                    .iter()
                    .map(|r| NamedRestriction {
                        parameter: names[r.dim].clone(),
                        path: space.parameters[r.dim].path.clone(),
                        lower: r.lower,
                        upper: r.upper,
                        quasi_p: r.quasi_p,
                    })
                    .collect(),
                trace: named_trace(&b.trace, &names),
            })
            .collect();
        (boxes, note)
    };
    Discovery {
        package: label.to_string(),
        outcome: outcome.0.into(),
        failures,
        draws: y.len(),
        params: *params,
        boxes,
        note,
    }
}
