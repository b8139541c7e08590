//! Uncertainty analysis for Guarantor: which package is robust, and what its
//! verdict hangs on.
//!
//! Data flow: a validated scenario with `[[uncertainty]]` declarations →
//! [`Space`] (declarations resolved, grouped into independent factors) →
//! a sampling [`Plan`] (Monte Carlo or Latin hypercube, one random stream per
//! draw) → every draw is a perturbed copy of the scenario, on which the engine
//! evaluates the packages under study → [`robust`] ranking, [`tornado`] and
//! [`sobol`] sensitivity of the robust top package, [`prim`] boxes where it fails.
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

pub mod dist;
mod error;
pub mod prim;
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

pub use error::Error;
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
}

impl PackageSet {
    /// "top:K" or "all".
    pub fn parse(s: &str) -> Result<PackageSet, Error> {
        if s == "all" {
            return Ok(PackageSet::All);
        }
        let k = s
            .strip_prefix("top:")
            .and_then(|k| k.parse::<usize>().ok())
            .filter(|&k| k >= 1);
        k.map(PackageSet::Top).ok_or_else(|| {
            Error::Options(format!(
                "--packages \"{s}\" must be top:K with K ≥ 1 (e.g. top:10) or all"
            ))
        })
    }
}

/// How to run an analysis.
#[derive(Debug, Clone)]
pub struct Options {
    pub draws: usize,
    pub sampler: Sampler,
    pub seed: u64,
    pub packages: PackageSet,
    /// Base draws per tornado bar end (0: no tornado).
    pub tornado_draws: usize,
    /// Saltelli base rows N (0: no Sobol' indices).
    pub sobol_rows: usize,
    pub bootstrap: usize,
    pub prim: PrimParams,
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
            packages: PackageSet::Top(10),
            tornado_draws: 200,
            sobol_rows: 256,
            bootstrap: 200,
            prim: PrimParams::default(),
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
    /// "robust top package" or "chosen with --option".
    pub chosen_as: String,
    pub outcome: String,
    pub tornado: Option<tornado::Tornado>,
    pub sobol: Option<sobol::SobolIndices>,
    /// Why Sobol' indices are missing, when they are.
    pub sobol_note: Option<String>,
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
    pub packages: PackageSet,
    pub required_acceptance: Vec<String>,
    pub uncertainties: Vec<Parameter>,
    pub factors: Vec<String>,
    /// Robust ranking of the packages studied.
    pub ranking: Vec<PackageRobustness>,
    pub sensitivity: Option<Sensitivity>,
    pub discovery: Option<Discovery>,
}

/// Check options that would otherwise fail after minutes of work.
pub fn check_options(o: &Options) -> Result<(), Error> {
    if o.draws < 2 {
        return Err(Error::Options(format!(
            "--draws must be at least 2, got {}",
            o.draws
        )));
    }
    if o.sobol_rows > 0 {
        sobol::check_base_rows(o.sobol_rows)?;
    }
    if o.threads == Some(0) {
        return Err(Error::Options("--threads must be at least 1".into()));
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
                        "{} red line, flexibility {} (--all-red-lines)",
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
    match o.threads {
        None => analyse_inner(s, &space, o, progress),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Threads {
                threads: n,
                message: e.to_string(),
            })?
            .install(|| analyse_inner(s, &space, o, progress)),
    }
}

fn analyse_inner(
    s: &Scenario,
    space: &Space,
    o: &Options,
    progress: &dyn Progress,
) -> Result<Report, Error> {
    // The deterministic ranking: streamed (any size) when only the top K are
    // studied, in memory when every package is.
    let det = match o.packages {
        PackageSet::Top(k) => guarantor_engine::search(
            s,
            &guarantor_engine::SearchOptions {
                top: k,
                ..guarantor_engine::SearchOptions::default()
            },
        ),
        PackageSet::All => evaluate(s, &EvalOptions::default()),
    }
    .map_err(|e| Error::Deterministic(e.to_string()))?;
    let (choices, focus) = studied_packages(s, &det.packages, o)?;
    if choices.len().saturating_mul(o.draws) > MAX_OUTCOMES {
        return Err(Error::Options(format!(
            "{} packages × {} draws is more than the {MAX_OUTCOMES} package outcomes one run keeps in memory; \
             lower --draws or study fewer packages (--packages top:K)",
            choices.len(),
            o.draws
        )));
    }
    let plan = Plan::new(o.sampler, o.seed, o.draws, space.n_factors());
    progress.phase("draws", o.draws);
    let step = |n: usize| progress.step(n);
    // Allocation solves recur across draws (integer pools and availabilities
    // take few distinct values); one cache serves the whole analysis.
    let cache = SolveCache::new();
    let run = robust::run(s, space, &plan, &choices, &cache, &step)?;

    let at = focus
        .as_ref()
        .and_then(|fc| run.choices.iter().position(|c| c == fc))
        .unwrap_or(0);
    let top = run.ranking.get(at).map(|r| r.label.clone());
    let (sensitivity, discovery) = match (&top, run.choices.get(at)) {
        (Some(label), Some(choice)) => {
            let passes = |u: &[f64]| -> Result<bool, Error> {
                let sc = space.scenario(s, &space.values(u));
                let v = evaluate_choices_cached(&sc, std::slice::from_ref(choice), &cache)
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
                    &plan,
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
            let (sobol, sobol_note) = if o.sobol_rows > 0 {
                progress.phase("sobol", o.sobol_rows * (space.n_factors() + 2));
                match sobol::sobol(
                    o.sobol_rows,
                    space.n_factors(),
                    &space.factors,
                    o.seed,
                    o.bootstrap,
                    |u| passes(u).map(|b| f64::from(u8::from(b))),
                    &step,
                ) {
                    Ok(x) => (Some(x), None),
                    Err(e @ Error::NoVariance { .. }) => (None, Some(e.to_string())),
                    Err(e) => return Err(e),
                }
            } else {
                (None, Some("skipped (--sobol 0)".to_string()))
            };
            let sens = Sensitivity {
                package: label.clone(),
                chosen_as: if focus.is_some() {
                    "chosen with --option".into()
                } else {
                    "robust top package".into()
                },
                outcome: "feasible and acceptable to every required actor".into(),
                tornado,
                sobol,
                sobol_note,
            };
            (Some(sens), Some(discover(space, &run, at, o)))
        }
        _ => (None, None),
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
        packages: o.packages,
        required_acceptance: required,
        uncertainties: space.parameters.clone(),
        factors: space.factors.clone(),
        ranking: run.ranking,
        sensitivity,
        discovery,
    })
}

/// Most (package, draw) outcomes one run keeps (a cost and a pass flag each).
pub const MAX_OUTCOMES: usize = 20_000_000;

/// A package under study: its choice, its deterministic verdict and rank.
type Studied = (Choice, PackageVerdict, usize);

/// The packages to study (top K of the deterministic ranking, or all), plus
/// the `--option` package if it is not among them; and that package's choice.
fn studied_packages(
    s: &Scenario,
    ranked: &[PackageVerdict],
    o: &Options,
) -> Result<(Vec<Studied>, Option<Choice>), Error> {
    let take = match o.packages {
        PackageSet::Top(k) => k.min(ranked.len()),
        PackageSet::All => ranked.len(),
    };
    let mut choices = ranked[..take]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let c =
                resolve_choice(s, &v.options).map_err(|e| Error::Deterministic(e.to_string()))?;
            Ok((c, v.clone(), i + 1))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let Some(f) = &o.focus else {
        return Ok((choices, None));
    };
    let fc = resolve_choice(s, f).map_err(|e| Error::Options(format!("--option: {e}")))?;
    if !choices.iter().any(|c| c.0 == fc) {
        let v = evaluate_choices(s, std::slice::from_ref(&fc))
            .map_err(|e| Error::Deterministic(e.to_string()))?
            .remove(0);
        let rank = ranked
            .iter()
            .position(|p| p.label == v.label)
            .map_or(0, |i| i + 1);
        choices.push((fc.clone(), v, rank));
    }
    Ok((choices, Some(fc)))
}

/// Below this many draws PRIM boxes are flagged as possibly fitting noise.
pub const FEW_DRAWS_FOR_PRIM: usize = 500;

/// PRIM on the draws where package `ranking[at]` fails.
fn discover(space: &Space, run: &robust::RobustRun, at: usize, o: &Options) -> Discovery {
    let label = &run.ranking[at].label;
    let y: Vec<bool> = run.passes[at].iter().map(|p| !p).collect();
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
        let found = prim::prim(&run.values, &y, &o.prim);
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
                text: prim::describe(b, &names, &binary, "fails"),
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
            })
            .collect();
        (boxes, note)
    };
    Discovery {
        package: label.to_string(),
        outcome: "fails (infeasible or rejected by a required actor)".into(),
        failures,
        draws: y.len(),
        params: o.prim,
        boxes,
        note,
    }
}
