//! `guarantor uncertainty`: robust ranking, tornado, Sobol' indices and PRIM
//! boxes, as text or JSON, with a progress bar on long runs in a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use std::path::PathBuf;
use std::process::ExitCode;

use guarantor_model::Scenario;
use guarantor_model::number::fmt;
use guarantor_uncertainty::{Options, PackageSet, Progress, Report, Sampler, analyse};
use indicatif::{ProgressBar, ProgressStyle};

use crate::common::{Failure, check_threads, emit, load, parse_choice};

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (default: the embedded scenario).
    file: Option<PathBuf>,
    /// Number of draws.
    #[arg(long, default_value_t = 1000)]
    draws: usize,
    /// mc (Monte Carlo) or lhs (Latin hypercube).
    #[arg(long, default_value = "lhs")]
    sampler: String,
    /// Random seed; the same seed gives the same results on any number of threads.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// top:K (the first K of the deterministic ranking) or all.
    #[arg(long, default_value = "top:10")]
    packages: String,
    /// Base draws per tornado bar end (0: no tornado).
    #[arg(long, default_value_t = 200)]
    tornado_draws: usize,
    /// Saltelli base rows for Sobol' indices (0: skip; at least 64).
    #[arg(long, default_value_t = 256)]
    sobol: usize,
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
}

/// The verb: check the options, load the scenario, analyse, print.
pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let sampler = Sampler::parse(&a.sampler).ok_or_else(|| {
        Failure(format!(
            "error: --sampler \"{}\" must be mc (Monte Carlo) or lhs (Latin hypercube)",
            a.sampler
        ))
    })?;
    let packages = PackageSet::parse(&a.packages).map_err(|e| Failure(format!("error: {e}")))?;
    check_threads(a.threads)?;
    let focus = if a.options.is_empty() {
        None
    } else {
        Some(parse_choice(&a.options)?)
    };
    let o = Options {
        focus,
        draws: a.draws,
        sampler,
        seed: a.seed,
        packages,
        tornado_draws: a.tornado_draws,
        sobol_rows: a.sobol,
        threads: a.threads,
        ..Options::default()
    };
    guarantor_uncertainty::check_options(&o).map_err(|e| Failure(format!("error: {e}")))?;
    let mut s = load(a.file.as_ref())?;
    if a.all_red_lines {
        s = guarantor_uncertainty::with_all_red_lines(&s);
    }
    let r = run_uncertainty(&s, &o, a.json).map_err(Failure)?;
    if a.json {
        emit(&format!("{}\n", uncertainty_json(&r)));
    } else {
        emit(&uncertainty_text(&r, 10));
    }
    Ok(ExitCode::SUCCESS)
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
    result.map_err(|e| format!("error: {e}"))
}

pub fn uncertainty_json(r: &Report) -> String {
    serde_json::to_string_pretty(r).expect("the report serialises")
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

    o.push_str(
        "\nRobust ranking (by P(feasible and acceptable), ties by expected deterrence; ± one standard error)\n",
    );
    o.push_str(&format!(
        "{:>4} {:>4}  {:<16} {:<13} {:>8} {:>22}  {}\n",
        "rank",
        "det.",
        "P(pass)",
        "P(feasible)",
        "E[det.]",
        format!("cost/yr p5·p50·p95 ({})", short_currency(&r.currency)),
        "package"
    ));
    for p in r.ranking.iter().take(top) {
        o.push_str(&format!(
            "{:>4} {:>4}  {:<16} {:<13} {:>8.3} {:>22}  {}\n",
            p.rank,
            p.deterministic_rank,
            format!("{} ± {}", pct(p.passes.p), pct(p.passes.se)),
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
                o.push_str(&format!(
                    "\nSobol' indices of P(pass) for {} (Saltelli sampling, Jansen estimators; {} base rows, {} runs; 95% bootstrap intervals)\n",
                    sens.package, si.base_rows, si.runs
                ));
                let mut rows: Vec<_> = si.factors.iter().collect();
                rows.sort_by(|a, b| b.total_order.total_cmp(&a.total_order));
                o.push_str(&format!(
                    "  {:<42} {:>20} {:>20}\n",
                    "factor", "first order", "total order"
                ));
                let zero = rows.iter().filter(|f| f.total_order == 0.0).count();
                for f in rows.iter().filter(|f| f.total_order > 0.0).take(12) {
                    o.push_str(&format!(
                        "  {:<42} {:>20} {:>20}\n",
                        f.factor,
                        format!(
                            "{:.2} [{:.2}, {:.2}]",
                            f.first_order, f.first_order_ci.0, f.first_order_ci.1
                        ),
                        format!(
                            "{:.2} [{:.2}, {:.2}]",
                            f.total_order, f.total_order_ci.0, f.total_order_ci.1
                        ),
                    ));
                }
                if zero > 0 {
                    o.push_str(&format!(
                        "  ({zero} factors never change the outcome in the sample: both indices 0)\n"
                    ));
                }
            }
            (None, Some(note)) => o.push_str(&format!("\nSobol' indices: {note}\n")),
            (None, None) => {}
        }
    }

    if let Some(d) = &r.discovery {
        o.push_str(&discovery_text(d));
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
    }
    if let Some(n) = &d.note {
        o.push_str(&format!("  {n}\n"));
    }
    o
}

fn short_currency(c: &str) -> String {
    c.replace(" million", " m")
}
