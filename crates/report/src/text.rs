//! Plain-text rendering for the terminal.

use std::fmt::Write;

use comfy_table::{Cell, CellAlignment, Table, presets};
use guarantor_engine::sizing::fmt;
use guarantor_engine::{Evaluation, PackageVerdict};

/// Money in the scenario's unit (e.g. USD million), with thousands separators.
pub fn money(x: f64) -> String {
    let r = x.round() as i64;
    let s = r.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if r < 0 { format!("-{out}") } else { out }
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t
}

/// The `run` report: a ranked table, the frontier and the failure counts.
pub fn render_run(e: &Evaluation, top: usize) -> String {
    let mut out = String::new();
    let c = &e.counts;
    writeln!(out, "{} — {}", e.scenario, e.title).unwrap();
    if !e.disclaimer.is_empty() {
        writeln!(out, "{}", e.disclaimer).unwrap();
    }
    writeln!(out).unwrap();
    writeln!(
        out,
        "{} packages evaluated: {} feasible, {} pass (feasible and acceptable to {}), {} on the frontier.",
        c.evaluated,
        c.feasible,
        c.passing,
        e.required_acceptance.join(", "),
        c.frontier
    )
    .unwrap();
    let mut fails = vec![format!("{} infeasible", c.infeasible)];
    fails.extend(c.short_of.iter().map(|(k, n)| format!("{n} short of {k}")));
    for (a, n) in &c.rejected_by {
        if *n > 0 {
            fails.push(format!("{n} rejected by {a}"));
        }
    }
    writeln!(out, "Fail: {}.", fails.join("; ")).unwrap();
    writeln!(out).unwrap();

    let passing: Vec<&PackageVerdict> = e.packages.iter().filter(|p| p.passes).take(top).collect();
    if passing.is_empty() {
        writeln!(out, "No package passes every test. Closest packages:").unwrap();
        let closest: Vec<&PackageVerdict> = e.packages.iter().take(top).collect();
        out.push_str(&package_table(&closest, &e.currency, false).to_string());
    } else {
        writeln!(
            out,
            "Top {} passing packages (★ = frontier: deterrence ↑, smallest margin ↑, cost ↓):",
            passing.len()
        )
        .unwrap();
        out.push_str(&package_table(&passing, &e.currency, true).to_string());
    }
    out.push('\n');
    let frontier: Vec<&PackageVerdict> = e.packages.iter().filter(|p| p.frontier).collect();
    if !frontier.is_empty() {
        writeln!(out, "\nFrontier ({} packages):", frontier.len()).unwrap();
        for p in frontier {
            writeln!(
                out,
                "  ★ {}  deterrence {:.2}, smallest margin {}, cost {} {}/yr",
                p.label,
                p.deterrence,
                margin_text(p),
                money(p.cost_per_year),
                e.currency
            )
            .unwrap();
        }
    }
    writeln!(
        out,
        "\nExplain one: guarantor explain --option COMPONENT=OPTION …"
    )
    .unwrap();
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
        "smallest margin".into(),
        format!("cost/yr ({currency})"),
    ];
    if !passing {
        header.push("fails".into());
    }
    t.set_header(header);
    for (i, p) in ps.iter().enumerate() {
        let star = if p.frontier { "★ " } else { "" };
        let mut row = vec![
            Cell::new(i + 1).set_alignment(CellAlignment::Right),
            Cell::new(format!("{star}{}", p.label)),
            Cell::new(format!("{:.2}", p.deterrence)).set_alignment(CellAlignment::Right),
            Cell::new(margin_text(p)).set_alignment(CellAlignment::Right),
            Cell::new(money(p.cost_per_year)).set_alignment(CellAlignment::Right),
        ];
        if !passing {
            row.push(Cell::new(failures(p)));
        }
        t.add_row(row);
    }
    t
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
            .map(|(id, _)| format!("{id} rejects")),
    );
    f.join(", ")
}

/// The `explain` report: every number and reason behind one verdict.
pub fn render_explain(scenario: &str, currency: &str, p: &PackageVerdict) -> String {
    let mut out = String::new();
    writeln!(out, "Package: {}", p.label).unwrap();
    for (c, o) in &p.options {
        writeln!(out, "  {c} = {o}").unwrap();
    }
    let verdict = if p.passes {
        "PASSES: feasible and acceptable to every required actor".to_string()
    } else {
        let mut why = Vec::new();
        if !p.feasible {
            why.push("infeasible".to_string());
        }
        let rejecting: Vec<&str> = p
            .acceptance
            .iter()
            .filter(|(_, a)| a.required && !a.accepts)
            .map(|(id, _)| id.as_str())
            .collect();
        if !rejecting.is_empty() {
            why.push(format!("rejected by {}", rejecting.join(", ")));
        }
        format!("FAILS: {}", why.join("; "))
    };
    writeln!(out, "\nVerdict ({scenario}): {verdict}").unwrap();
    writeln!(
        out,
        "Deterrence {:.2}{}; cost {} {currency}/yr; largest share of a contributor's available force used {:.0}%{}",
        p.deterrence,
        if p.synergies.is_empty() { String::new() } else { format!(" (synergies: {})", p.synergies.join(", ")) },
        money(p.cost_per_year),
        p.max_share * 100.0,
        if p.frontier { "; on the frontier" } else { "" }
    )
    .unwrap();

    writeln!(out, "\nLevels:").unwrap();
    for (d, x) in &p.levels {
        writeln!(out, "  {d} = {}", fmt(*x)).unwrap();
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
        t.set_header(vec!["contributor", "capability", "units", "where"]);
        for a in &p.allocation {
            t.add_row(vec![
                Cell::new(&a.contributor),
                Cell::new(&a.capability),
                Cell::new(fmt(a.units)).set_alignment(CellAlignment::Right),
                Cell::new(if a.in_theatre {
                    "in theatre"
                } else {
                    "outside"
                }),
            ]);
        }
        writeln!(out, "Allocation:\n{t}").unwrap();
    }

    writeln!(out, "\nAcceptance (utility − reservation = margin):").unwrap();
    for (id, a) in &p.acceptance {
        let mark = if a.accepts {
            "✓ accepts"
        } else {
            "✗ rejects"
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
