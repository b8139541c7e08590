//! Plain-text rendering for the terminal.

use std::fmt::Write;

use comfy_table::{Cell, CellAlignment, Table, presets};
use guarantor_engine::{Evaluation, Failures, Fix, FixPair, PackageVerdict};
use guarantor_model::number::{fmt, grouped, percent};

/// ANSI styling, on only when the caller says the output is a colour terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn good(self, text: &str) -> String {
        self.paint("32", text)
    }
    fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }
    fn strong(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Money in the scenario's unit (e.g. USD million), with thousands separators.
pub fn money(x: f64) -> String {
    grouped(x)
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t
}

/// The `run` report: a ranked table, the frontier and the why-not counts.
pub fn render_run(e: &Evaluation, top: usize) -> String {
    render_run_styled(e, top, Style::default())
}

/// `render_run` with optional colour.
pub fn render_run_styled(e: &Evaluation, top: usize, st: Style) -> String {
    let mut out = String::new();
    let c = &e.counts;
    writeln!(
        out,
        "{}",
        st.strong(&format!("{} — {}", e.scenario, e.title))
    )
    .unwrap();
    if !e.disclaimer.is_empty() {
        writeln!(out, "{}", e.disclaimer).unwrap();
    }
    writeln!(out).unwrap();
    let passing = format!("{} pass", count(c.passing));
    writeln!(
        out,
        "{} packages evaluated: {} feasible, {} (feasible and acceptable to {}), {} on the frontier.",
        count(c.evaluated),
        count(c.feasible),
        if c.passing > 0 { st.good(&passing) } else { st.bad(&passing) },
        e.required_acceptance.join(", "),
        count(c.frontier)
    )
    .unwrap();
    if c.undetermined > 0 {
        writeln!(
            out,
            "Undetermined: {} more feasible packages no required actor rejects, but some required actor's margin or level lies within the precision of the codings (ranked after passing packages).",
            count(c.undetermined)
        )
        .unwrap();
    }
    if c.excluded > 0 {
        writeln!(
            out,
            "Excluded: {} packages are not in the package space (an option's requires / excludes): {}.",
            count(c.excluded),
            e.failures
                .excluded_by
                .iter()
                .map(|(r, n)| format!("{r}: {}", count(*n)))
                .collect::<Vec<_>>()
                .join("; ")
        )
        .unwrap();
    }
    if c.pruned > 0 {
        writeln!(
            out,
            "Pruned: {} more packages cut unscreened (they cannot pass): {}.",
            count(c.pruned),
            e.failures
                .pruned_by
                .iter()
                .map(|(r, n)| format!("{r} {}", count(*n)))
                .collect::<Vec<_>>()
                .join("; ")
        )
        .unwrap();
    }
    writeln!(out).unwrap();

    let objectives = e.objectives.join(", ");
    let listed = crate::listing::listing(e, top);
    let passing = listed.packages;
    if !listed.passing {
        writeln!(out, "No package passes every test. Closest packages:").unwrap();
        out.push_str(&package_table(&passing, &e.currency, false).to_string());
    } else {
        writeln!(
            out,
            "Top {} passing packages (★ = frontier on {objectives}):",
            passing.len()
        )
        .unwrap();
        out.push_str(&package_table(&passing, &e.currency, true).to_string());
    }
    out.push('\n');
    let frontier: Vec<&PackageVerdict> = e.packages.iter().filter(|p| p.frontier).collect();
    if !frontier.is_empty() {
        writeln!(
            out,
            "\nFrontier ({} packages; objectives: {objectives}):",
            frontier.len()
        )
        .unwrap();
        for p in frontier {
            writeln!(
                out,
                "  {} {}\n     deterrence {:.2}, escalation risk {:.2}, smallest margin {}, cost {} {}/yr, largest share {}",
                st.good("★"),
                p.title,
                p.deterrence.total,
                p.escalation.risk,
                margin_text(p),
                money(p.cost_per_year),
                e.currency,
                p.largest_share_text()
            )
            .unwrap();
        }
    }
    out.push_str(&render_failures(&e.failures, c.evaluated, st));
    writeln!(
        out,
        "\nExplain one: guarantor explain --option COMPONENT=OPTION …"
    )
    .unwrap();
    out
}

/// A count with thousands separators.
fn count(n: u64) -> String {
    grouped(n as f64)
}

/// The why-not counts: what fails, how often, and in which combinations.
fn render_failures(f: &Failures, total: u64, st: Style) -> String {
    let mut out = String::new();
    writeln!(
        out,
        "\nWhy packages fail ({} of the {} evaluated fail at least one test):",
        count(f.failing),
        count(total)
    )
    .unwrap();
    let mut short: Vec<(&String, &u64)> = f.short_of.iter().collect();
    short.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let short_text = if short.is_empty() {
        String::new()
    } else {
        format!(
            " — short of {}",
            short
                .iter()
                .map(|(k, n)| format!("{k} {}", count(**n)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    writeln!(
        out,
        "  {} {} ({}){short_text}",
        st.bad("infeasible:"),
        count(f.infeasible),
        percent(f.infeasible, total)
    )
    .unwrap();
    for (actor, a) in &f.rejected_by {
        if a.rejects == 0 {
            continue;
        }
        let mut why: Vec<(u64, String)> = a
            .red_lines
            .iter()
            .map(|(id, n)| (*n, format!("red line {id} {}", count(*n))))
            .collect();
        why.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let mut parts: Vec<String> = why.into_iter().map(|(_, t)| t).collect();
        if a.below_reservation > 0 {
            parts.push(format!(
                "utility below reservation {} ({} on utility alone)",
                count(a.below_reservation),
                count(a.utility_only)
            ));
        }
        writeln!(
            out,
            "  {} {} ({}) — {}",
            st.bad(&format!("rejected by {actor}:")),
            count(a.rejects),
            percent(a.rejects, total),
            parts.join("; ")
        )
        .unwrap();
    }
    for (actor, a) in &f.rejected_by {
        if a.undetermined > 0 {
            writeln!(
                out,
                "  undetermined for {actor}: {} ({}) — a margin or level within the precision of the codings, and no rejection",
                count(a.undetermined),
                percent(a.undetermined, total)
            )
            .unwrap();
        }
    }
    if !f.combinations.is_empty() {
        writeln!(out, "  Most common combinations of failed tests:").unwrap();
        for c in f.combinations.iter().take(6) {
            let what = if c.fails.len() == 1 {
                match c.fails[0].as_str() {
                    "infeasible" => "fail on feasibility alone".to_string(),
                    a => format!("are rejected by {a} alone"),
                }
            } else {
                format!("fail on {}", c.fails.join(" + "))
            };
            writeln!(
                out,
                "    {:>6} {what} ({} packages)",
                format!("{:.1}%", c.share * 100.0),
                count(c.packages)
            )
            .unwrap();
        }
    }
    out
}

/// What `explain` found to make a failing package pass.
#[derive(Debug, Clone, Default)]
pub struct Fixes {
    /// Single changes that make it pass, ranked.
    pub single: Vec<Fix>,
    /// Pairs of changes, searched only when no single change is enough.
    pub pairs: Vec<FixPair>,
    /// The pair search stopped at its evaluation limit.
    pub pairs_truncated: bool,
}

/// The nearest fixes of a failing package, ranked; then, when no single
/// change is enough, the best two-change fixes.
pub fn render_fixes(fixes: &Fixes, currency: &str) -> String {
    let mut out = String::new();
    writeln!(out, "\nNearest fixes (single changes that make it pass):").unwrap();
    if fixes.single.is_empty() {
        writeln!(
            out,
            "  none: no single option swap, added contribution or relaxed red line is enough"
        )
        .unwrap();
    }
    let result = |r: &guarantor_engine::FixResult| {
        format!(
            "passes; deterrence {:.2}, smallest margin {:+.3}, cost {} {currency}/yr",
            r.deterrence,
            r.smallest_margin,
            money(r.cost_per_year)
        )
    };
    for (i, f) in fixes.single.iter().enumerate() {
        writeln!(
            out,
            "  {}. [{}] {} → {}",
            i + 1,
            f.kind,
            f.change,
            result(&f.result)
        )
        .unwrap();
    }
    if fixes.single.is_empty() {
        writeln!(out, "\nBest two-change fixes (both changes together):").unwrap();
        if fixes.pairs.is_empty() {
            writeln!(
                out,
                "  none: no pair of such changes is enough{}",
                if fixes.pairs_truncated {
                    " among the pairs tried (the search stopped at its limit)"
                } else {
                    ""
                }
            )
            .unwrap();
        }
        for (i, p) in fixes.pairs.iter().enumerate() {
            writeln!(
                out,
                "  {}. [{}] {}\n     and [{}] {}\n     → {}",
                i + 1,
                p.kinds[0],
                p.change[0],
                p.kinds[1],
                p.change[1],
                result(&p.result)
            )
            .unwrap();
        }
        if fixes.pairs_truncated && !fixes.pairs.is_empty() {
            writeln!(
                out,
                "  (the pair search stopped at its limit; better pairs may exist)"
            )
            .unwrap();
        }
    }
    out
}

fn margin_text(p: &PackageVerdict) -> String {
    match &p.min_margin {
        Some(m) => format!("{:+.3} ({})", m.margin, m.actor),
        None => "n/a".into(),
    }
}

fn package_table(ps: &[&PackageVerdict], currency: &str, passing: bool) -> Table {
    let mut t = table();
    let mut header = vec![
        "#".to_string(),
        "package".into(),
        "deterrence".into(),
        "escalation".into(),
        "smallest margin".into(),
        format!("cost/yr ({currency})"),
    ];
    if !passing {
        header.push("gap to passing".into());
        header.push("fails".into());
    }
    t.set_header(header);
    for (i, p) in ps.iter().enumerate() {
        let star = if p.frontier { "★ " } else { "" };
        let mut row = vec![
            Cell::new(i + 1).set_alignment(CellAlignment::Right),
            Cell::new(format!("{star}{}", title_lines(p))),
            Cell::new(format!("{:.2}", p.deterrence.total)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.2}", p.escalation.risk)).set_alignment(CellAlignment::Right),
            Cell::new(margin_text(p)).set_alignment(CellAlignment::Right),
            Cell::new(money(p.cost_per_year)).set_alignment(CellAlignment::Right),
        ];
        if !passing {
            row.push(
                Cell::new(format!("{:.3}", p.gap_to_passing)).set_alignment(CellAlignment::Right),
            );
            row.push(Cell::new(failures(p)));
        }
        t.add_row(row);
    }
    t
}

/// A package's title one component a line: the compact form for tables.
fn title_lines(p: &PackageVerdict) -> String {
    p.title.replace(" · ", "\n")
}

fn failures(p: &PackageVerdict) -> String {
    let mut f: Vec<String> = p
        .shortfalls
        .iter()
        .map(|s| format!("short {} {}", fmt(s.short), s.capability))
        .collect();
    f.extend(
        p.acceptance
            .iter()
            .filter(|(_, a)| a.required && !a.accepts)
            .map(|(id, a)| format!("{id} {}", a.verdict.as_str())),
    );
    f.join(", ")
}

/// The `explain` report: every number and reason behind one verdict.
pub fn render_explain(scenario: &str, currency: &str, p: &PackageVerdict) -> String {
    let mut out = String::new();
    writeln!(out, "Package: {}", p.title).unwrap();
    for (c, o) in &p.options {
        writeln!(out, "  {c} = {o}").unwrap();
    }
    let verdict = if p.passes {
        "PASSES: feasible and acceptable to every required actor".to_string()
    } else if p.undetermined {
        format!(
            "UNDETERMINED: feasible and rejected by no required actor, but undetermined for {} (within the precision of the codings)",
            crate::why::undetermined_actors(p, true).join(", ")
        )
    } else {
        let mut why = Vec::new();
        if !p.feasible {
            why.push("infeasible".to_string());
        }
        let rejecting: Vec<&str> = p
            .acceptance
            .iter()
            .filter(|(_, a)| a.required && a.verdict == guarantor_engine::Verdict::Rejects)
            .map(|(id, _)| id.as_str())
            .collect();
        if !rejecting.is_empty() {
            why.push(format!("rejected by {}", rejecting.join(", ")));
        }
        let unsure = crate::why::undetermined_actors(p, true);
        if !unsure.is_empty() {
            why.push(format!("undetermined for {}", unsure.join(", ")));
        }
        format!("FAILS: {}", why.join("; "))
    };
    writeln!(out, "\nVerdict ({scenario}): {verdict}").unwrap();
    writeln!(
        out,
        "Deterrence {:.2}{}; escalation risk {:.2}; cost {} {currency}/yr; largest share of a contributor's available force used {}{}",
        p.deterrence.total,
        if p.synergies.is_empty() { String::new() } else { format!(" (synergies: {})", p.synergies.join(", ")) },
        p.escalation.risk,
        money(p.cost_per_year),
        p.largest_share_text(),
        if p.frontier { "; on the frontier" } else { "" }
    )
    .unwrap();
    out.push_str(&deterrence_text(p));

    writeln!(out, "\nLevels:").unwrap();
    for (d, x) in &p.levels {
        match p.level_derivations.get(d) {
            Some(dv) if dv.derived => writeln!(out, "  {d} = {}   ({})", fmt(*x), dv.text).unwrap(),
            _ => writeln!(out, "  {d} = {}", fmt(*x)).unwrap(),
        }
    }

    writeln!(out, "\nRequirements:").unwrap();
    if p.requirements.is_empty() {
        writeln!(out, "  none").unwrap();
    }
    for r in &p.requirements {
        let pin = if r.providers.is_empty() {
            String::new()
        } else {
            format!(", only {}", r.providers.join(", "))
        };
        let place = if r.in_theatre {
            ""
        } else {
            ", outside the theatre"
        };
        writeln!(
            out,
            "  {} {}: {} in pool{pin}{place}\n      {}",
            r.task,
            r.capability,
            fmt(r.pool),
            r.working
        )
        .unwrap();
    }

    writeln!(
        out,
        "\nFeasibility: {}",
        if p.feasible {
            "feasible (no shortfall)"
        } else {
            "INFEASIBLE"
        }
    )
    .unwrap();
    for s in &p.shortfalls {
        writeln!(out, "  ✗ {}", s.text).unwrap();
    }
    if !p.allocation.is_empty() {
        let mut t = table();
        t.set_header(vec![
            "contributor",
            "capability",
            "units",
            "where",
            "in place by",
        ]);
        for a in &p.allocation {
            t.add_row(vec![
                Cell::new(&a.contributor),
                Cell::new(&a.capability),
                Cell::new(allocation_units(a)).set_alignment(CellAlignment::Right),
                Cell::new(if a.in_theatre {
                    "in theatre"
                } else {
                    "outside"
                }),
                Cell::new(format!("D+{}", fmt(a.days_to_deploy)))
                    .set_alignment(CellAlignment::Right),
            ]);
        }
        writeln!(out, "Allocation:\n{t}").unwrap();
    }
    match p.in_place_by_days {
        Some(d) => writeln!(
            out,
            "In place by D+{}: the slowest allocated contribution (days to deploy: the contributor's deploy_days, else its NATO Force Model tier's bound: Tier 1 10, Tier 2 30, Tier 3 180).",
            fmt(d)
        )
        .unwrap(),
        None => writeln!(out, "In place by: nothing is allocated.").unwrap(),
    }
    if !p.cost_lines.is_empty() {
        writeln!(out, "\nCost {} {currency}/yr:", money(p.cost_per_year)).unwrap();
        for c in &p.cost_lines {
            writeln!(out, "  {}", c.working).unwrap();
        }
    }

    writeln!(out, "\nAcceptance (utility − reservation = margin):").unwrap();
    for (id, a) in &p.acceptance {
        let mark = match a.verdict {
            guarantor_engine::Verdict::Accepts => "✓ accepts",
            guarantor_engine::Verdict::Undetermined => "? undetermined",
            guarantor_engine::Verdict::Rejects => "✗ rejects",
        };
        let req = if a.required { " [required]" } else { "" };
        writeln!(
            out,
            "  {id}{req}: {mark}; utility {:.3} − {:.3} = {:+.3}",
            a.utility, a.reservation, a.margin
        )
        .unwrap();
        for r in &a.reasons {
            writeln!(out, "      - {}", r.text).unwrap();
        }
    }
    out
}

/// Deterrence and escalation of one package, each part with its arithmetic
/// (docs/model.md §5).
pub fn deterrence_text(p: &PackageVerdict) -> String {
    let d = &p.deterrence;
    let mut out = format!(
        "\nDeterrence {:.3} = denial {:.3}, punishment {:.3}, judgement {:.3} (weighted):\n",
        d.total, d.denial, d.punishment, d.judgement
    );
    for w in &d.working {
        writeln!(out, "  {w}").unwrap();
    }
    writeln!(
        out,
        "Escalation risk {:.3}:\n  {}",
        p.escalation.risk, p.escalation.working
    )
    .unwrap();
    out
}

/// An allocation line's units with its bundles: "3 (each with 5,000
/// ground_personnel)" for brigades sent whole, "27,000 (15,000 with
/// brigades)" for the personnel that came with them.
fn allocation_units(a: &guarantor_engine::AllocationLine) -> String {
    let mut out = fmt(a.units);
    let mut notes: Vec<String> = a
        .brings
        .iter()
        .map(|(k, n)| format!("each with {} {k}", fmt(n / a.units)))
        .collect();
    notes.extend(
        a.in_bundles
            .iter()
            .map(|(k, n)| format!("{} with {k}", fmt(*n))),
    );
    if !notes.is_empty() {
        out.push_str(&format!(" ({})", notes.join("; ")));
    }
    out
}
