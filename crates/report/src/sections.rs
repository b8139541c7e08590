//! The report's built-in sections: what every evaluation shows, each chart
//! with the table of its data. Shared by the HTML report; the Markdown summary
//! reuses the tables.

use std::collections::BTreeMap;

use guarantor_engine::{Evaluation, PackageVerdict};
use guarantor_model::Scenario;

use crate::charts::{
    self, BLUE, BarSeries, ChartError, GREY, HeatCell, Line, Marker, ORANGE, PointGroup,
    REDDISH_PURPLE, SKY_BLUE, VERMILLION,
};
use crate::document::{DataTable, Figure, ForecastInput, ReportInput, Section};
use crate::why::{Stance, actor_reason, failure_reasons, stance};
use guarantor_model::number::grouped as money;

/// Packages (columns) in the acceptance heatmap.
pub const HEATMAP_PACKAGES: usize = 12;
/// Rows in the ranked table.
pub const RANKED_ROWS: usize = 20;

/// Contributors with their own colour in the allocation chart (Okabe–Ito without black).
pub const ALLOCATION_COLOURS: usize = 7;

/// Most points drawn in the frontier scatter (more are thinned, see [`thin`]).
pub const SCATTER_POINTS: usize = 5_000;
/// Passing packages listed under the frontier chart (frontier packages always are).
pub const FRONTIER_TABLE_ROWS: usize = 200;

/// Margin bins of the frontier chart: below the first bound is "thin".
pub const MARGIN_BINS: [f64; 2] = [0.01, 0.05];

fn f2(x: f64) -> String {
    format!("{x:.2}")
}

fn f3s(x: f64) -> String {
    format!("{x:+.3}")
}

fn units(x: f64) -> String {
    if (x - x.round()).abs() < 1e-6 || x.abs() >= 100.0 {
        money(x)
    } else {
        format!("{x:.1}")
    }
}

fn margin_text(p: &PackageVerdict) -> String {
    p.min_margin
        .as_ref()
        .map_or("—".into(), |m| format!("{:+.3} ({})", m.margin, m.actor))
}

/// The package whose allocation is shown: the top passing one, else the top one.
pub fn showcase(e: &Evaluation) -> Option<(usize, &PackageVerdict)> {
    e.packages
        .iter()
        .enumerate()
        .find(|(_, p)| p.passes)
        .or_else(|| e.packages.iter().enumerate().next())
        .map(|(i, p)| (i + 1, p))
}

/// One sentence of counts.
pub fn headline(e: &Evaluation) -> String {
    let c = &e.counts;
    format!(
        "{} packages evaluated: {} feasible, {} acceptable to every required actor ({}), {} pass both tests, {} on the frontier.",
        c.evaluated,
        c.feasible,
        c.acceptable_to_required,
        e.required_acceptance.join(", "),
        c.passing,
        c.frontier
    ) + &if c.undetermined > 0 {
        format!(
            " {} more are undetermined (a required actor's margin or level within the precision of the codings).",
            c.undetermined
        )
    } else {
        String::new()
    } + &if c.excluded > 0 {
        format!(
            " {} packages are outside the package space (an option's requires / excludes).",
            c.excluded
        )
    } else {
        String::new()
    }
}

/// The ranked table: passing packages, or the closest ones with their reasons.
pub fn ranked_table(e: &Evaluation, rows: usize) -> DataTable {
    let any_pass = e.counts.passing > 0;
    let mut t = DataTable {
        caption: if any_pass {
            format!(
                "Passing packages, best first (deterrence ↓, smallest margin ↓, cost ↑); ★ = frontier. Cost in {} per year.",
                e.currency
            )
        } else {
            format!(
                "No package passes; the closest packages (smallest gap to passing: shortfall shares + margin deficits + weights of broken red lines) and why they fail. Cost in {} per year.",
                e.currency
            )
        },
        headers: [
            "#",
            "package",
            "deterrence",
            "escalation",
            "smallest margin (actor)",
            "cost / yr",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    if !any_pass {
        t.headers.push("gap to passing".into());
        t.headers.push("why it fails".into());
    }
    // The packages `run` lists; passing ones rank first, so a listed
    // package's position is its rank.
    for (i, p) in crate::listing::listing(e, rows)
        .packages
        .into_iter()
        .enumerate()
    {
        let mut r = vec![
            format!("{}{}", i + 1, if p.frontier { " ★" } else { "" }),
            p.title.clone(),
            f2(p.deterrence.total),
            f2(p.escalation.risk),
            margin_text(p),
            money(p.cost_per_year),
        ];
        if !any_pass {
            r.push(format!("{:.3}", p.gap_to_passing));
            r.push(failure_reasons(p).join(" | "));
        }
        t.rows.push(r);
    }
    t
}

fn summary_section(input: &ReportInput) -> Section {
    let s = input.scenario;
    let e = input.evaluation;
    let mut paragraphs = vec![headline(e)];
    if !input.what_if.is_empty() {
        paragraphs.push(format!(
            "What-if: this report is for the scenario with {}.",
            input.what_if.join("; ")
        ));
    }
    if !s.meta.as_of.is_empty() {
        paragraphs.push(format!(
            "Scenario {} as of {}; horizon {} years; costs in {}.",
            s.meta.id, s.meta.as_of, s.parameters.horizon_years, e.currency
        ));
    }
    paragraphs.push(
        "Deterrence (0–1) is computed from the forces each package commits: denial (the defender's combat power \
         against the attacker's on each axis, by the 3:1 rule), punishment (the commitment's strength, the US share \
         of the forces, nations in harm's way) and the scenario's declared judgement, weighted (docs/model.md §5); \
         escalation risk (0–1) counts direct air combat and forces near the line. \
         The acceptance margin is an actor's utility minus its reservation utility; a package passes when it is feasible \
         (no shortfall) and every required actor accepts it (no red line violated and margin ≥ 0)."
            .into(),
    );
    paragraphs.push(format!(
        "The codings are precise to ±{}: a margin, or a level's distance from a level red line's boundary, within that band is \
         undetermined — neither accept nor reject. Undetermined packages rank after the passing ones and before the failing ones.",
        guarantor_model::number::fmt(s.parameters.acceptance_precision)
    ));
    Section {
        id: "summary".into(),
        heading: "Summary".into(),
        paragraphs,
        ..Section::default()
    }
}

fn ranked_section(e: &Evaluation) -> Section {
    let table = ranked_table(e, RANKED_ROWS);
    let shown = table.rows.len();
    let what = if e.counts.passing > 0 && shown as u64 == e.counts.passing {
        format!("All {shown} passing packages")
    } else if e.counts.passing > 0 {
        format!(
            "The {shown} best of the {} passing packages",
            money(e.counts.passing as f64)
        )
    } else {
        format!("No package passes; the {shown} closest of the ranking")
    };
    Section {
        id: "ranked".into(),
        heading: "Ranked packages".into(),
        paragraphs: vec![format!(
            "{what} (at most {RANKED_ROWS} are listed here; guarantor run --top N lists as many). Every evaluated package, with its options, verdicts and scores, is in the exported packages file."
        )],
        tables: vec![table],
        ..Section::default()
    }
}

/// At most `max` items, evenly spread over `items` in order (all of them when
/// there are few enough): keeps a chart of a huge option space readable and small.
pub fn thin<T: Copy>(items: &[T], max: usize) -> Vec<T> {
    if items.len() <= max || max == 0 {
        return items.to_vec();
    }
    (0..max).map(|k| items[k * items.len() / max]).collect()
}

fn frontier_section(e: &Evaluation) -> Result<Section, ChartError> {
    let feasible_at: Vec<usize> = (0..e.packages.len())
        .filter(|&i| e.packages[i].feasible)
        .collect();
    // Frontier packages are always drawn; the rest is thinned in rank order.
    let mut keep = thin(&feasible_at, SCATTER_POINTS);
    keep.extend(feasible_at.iter().filter(|&&i| e.packages[i].frontier));
    keep.sort_unstable();
    keep.dedup();
    let feasible: Vec<&PackageVerdict> = keep.iter().map(|&i| &e.packages[i]).collect();
    let pt = |p: &PackageVerdict| (p.cost_per_year, p.deterrence.total);
    let bin = |p: &PackageVerdict| {
        let m = p.smallest_margin();
        MARGIN_BINS.iter().filter(|&&b| m >= b).count()
    };
    let rejected: Vec<(f64, f64)> = feasible
        .iter()
        .filter(|p| !p.passes)
        .map(|p| pt(p))
        .collect();
    let passing = |k: usize| -> Vec<(f64, f64)> {
        feasible
            .iter()
            .filter(|p| p.passes && bin(p) == k)
            .map(|p| pt(p))
            .collect()
    };
    let (lo, hi) = (MARGIN_BINS[0], MARGIN_BINS[1]);
    let groups = vec![
        PointGroup {
            name: "feasible, rejected by a required actor".into(),
            colour: GREY,
            marker: Marker::Cross,
            size: 3,
            points: rejected,
        },
        PointGroup {
            name: format!("passes, smallest margin < {lo}"),
            colour: ORANGE,
            marker: Marker::Triangle,
            size: 6,
            points: passing(0),
        },
        PointGroup {
            name: format!("passes, margin {lo}–{hi}"),
            colour: SKY_BLUE,
            marker: Marker::Square,
            size: 5,
            points: passing(1),
        },
        PointGroup {
            name: format!("passes, margin ≥ {hi}"),
            colour: BLUE,
            marker: Marker::Circle,
            size: 6,
            points: passing(2),
        },
        PointGroup {
            name: "frontier".into(),
            colour: charts::OKABE_ITO[7],
            marker: Marker::Ring,
            size: 11,
            points: feasible
                .iter()
                .filter(|p| p.frontier)
                .map(|p| pt(p))
                .collect(),
        },
    ];
    let svg = charts::scatter(
        "Deterrence against cost, feasible packages",
        &format!("Cost ({} per year)", e.currency),
        "Deterrence score (scenario-declared, unitless)",
        &groups,
    )?;
    let mut table = DataTable {
        caption: format!(
            "Passing packages (the first {FRONTIER_TABLE_ROWS} and every frontier package): cost, deterrence and smallest acceptance margin"
        ),
        headers: [
            "#",
            "package",
            "cost / yr",
            "deterrence",
            "smallest margin (actor)",
            "frontier",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    for (i, p) in e
        .packages
        .iter()
        .enumerate()
        .filter(|(i, p)| p.passes && (*i < FRONTIER_TABLE_ROWS || p.frontier))
    {
        table.rows.push(vec![
            (i + 1).to_string(),
            p.title.clone(),
            money(p.cost_per_year),
            f2(p.deterrence.total),
            margin_text(p),
            if p.frontier { "yes" } else { "no" }.into(),
        ]);
    }
    Ok(Section {
        id: "frontier".into(),
        heading: "Frontier".into(),
        paragraphs: vec![format!(
            "{} feasible packages are plotted{} ({} infeasible ones are not: their cost covers only what could be allocated). \
             Up and to the left is better; ringed packages are on the frontier (no other passing package is at least as good on deterrence, smallest margin and cost, and better on one).",
            feasible.len(),
            if feasible.len() < feasible_at.len() {
                format!(
                    " (of {}: an even sample in rank order, every frontier package included)",
                    feasible_at.len()
                )
            } else {
                String::new()
            },
            e.counts.infeasible
        )],
        figures: vec![Figure {
            id: "fig-frontier".into(),
            title: "Deterrence against cost".into(),
            description: "Each mark is a feasible package; marker shape and colour give the smallest acceptance margin among the required actors.".into(),
            svg,
            table,
        }],
        ..Section::default()
    })
}

fn heatmap_section(s: &Scenario, e: &Evaluation) -> Result<Section, ChartError> {
    let cols: Vec<(usize, &PackageVerdict)> = e
        .packages
        .iter()
        .enumerate()
        .take(HEATMAP_PACKAGES)
        .map(|(i, p)| (i + 1, p))
        .collect();
    let mut actors: Vec<&str> = e.required_acceptance.iter().map(String::as_str).collect();
    for a in &s.actors {
        if !actors.contains(&a.id.as_str()) {
            actors.push(&a.id);
        }
    }
    let required = |a: &str| e.required_acceptance.iter().any(|r| r == a);
    let row_names: Vec<String> = actors
        .iter()
        .map(|a| format!("{a}{}", if required(a) { " *" } else { "" }))
        .collect();
    let col_names: Vec<String> = cols.iter().map(|(r, _)| format!("#{r}")).collect();
    let mut cells = Vec::new();
    let mut table = DataTable {
        caption: "Every cell: the actor's verdict on the package and the reasons".into(),
        headers: [
            "package #",
            "actor",
            "required",
            "verdict",
            "utility",
            "reservation",
            "margin",
            "reasons",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    // The chart's own data: the same grid as a table, every cell coloured like
    // the chart and carrying the reasons as a tooltip.
    let mut matrix = DataTable {
        caption: "The grid: margin, or RL for a violated red line, per actor and package (in the HTML report each cell shows its reasons on hover)"
            .into(),
        headers: std::iter::once("actor".to_string())
            .chain(col_names.iter().cloned())
            .collect(),
        ..DataTable::default()
    };
    for (a, name) in actors.iter().zip(&row_names) {
        let mut row = Vec::new();
        let mut m_row = vec![name.clone()];
        let mut notes = vec![String::new()];
        let mut marks = vec![String::new()];
        for (rank, p) in &cols {
            let Some(v) = p.acceptance.get(*a) else {
                row.push(HeatCell {
                    class: 3,
                    text: "n/a".into(),
                });
                m_row.push("n/a".into());
                notes.push(String::new());
                marks.push(String::new());
                continue;
            };
            let st = stance(v);
            let (class, text, word) = match st {
                Stance::Accepts => (0, format!("{:+.2}", v.margin), "accepts"),
                Stance::RedLine => (1, "RL".to_string(), "rejects (red line)"),
                Stance::Utility => (2, format!("{:+.2}", v.margin), "rejects (utility)"),
                Stance::Undetermined => (4, format!("?{:+.2}", v.margin), "undetermined"),
            };
            m_row.push(text.clone());
            notes.push(format!("#{rank} · {a}: {}", actor_reason(v)));
            marks
                .push(["accepts", "red-line", "utility", "n/a", "undetermined"][class].to_string());
            row.push(HeatCell { class, text });
            table.rows.push(vec![
                rank.to_string(),
                a.to_string(),
                if v.required { "yes" } else { "no" }.into(),
                word.into(),
                format!("{:.3}", v.utility),
                format!("{:.3}", v.reservation),
                f3s(v.margin),
                actor_reason(v),
            ]);
        }
        cells.push(row);
        matrix.rows.push(m_row);
        matrix.notes.push(notes);
        matrix.marks.push(marks);
    }
    let svg = charts::heatmap(
        &format!("Acceptance by actor, top {} packages", cols.len()),
        "Package (rank; options in the ranked table)",
        "Actor (* = required)",
        &col_names,
        &row_names,
        &cells,
        &[
            ("accepts (margin shown)".into(), BLUE),
            ("rejects: red line (RL)".into(), VERMILLION),
            (
                "rejects: below reservation (margin shown)".into(),
                charts::OKABE_ITO[3],
            ),
            ("not judged".into(), GREY),
            (
                "undetermined: within the precision of the codings (?margin)".into(),
                charts::ORANGE,
            ),
        ],
    )?;
    let mut legend = DataTable {
        caption: "Packages in the columns".into(),
        headers: vec!["#".into(), "package".into(), "passes".into()],
        rows: Vec::new(),
        ..DataTable::default()
    };
    for (r, p) in &cols {
        legend.rows.push(vec![
            r.to_string(),
            p.title.clone(),
            if p.passes {
                "yes"
            } else if p.undetermined {
                "undetermined"
            } else {
                "no"
            }
            .into(),
        ]);
    }
    Ok(Section {
        id: "acceptance".into(),
        heading: "Acceptance by actor".into(),
        paragraphs: vec![
            "Each cell is one actor's verdict on one package. Numbers are acceptance margins (utility − reservation utility); \
             RL marks a violated red line. The grid under the chart gives the reasons of each cell as a tooltip, \
             and the long table after it lists the red line or the utility behind every cell in words."
                .into(),
        ],
        tables: vec![legend, table],
        figures: vec![Figure {
            id: "fig-acceptance".into(),
            title: "Acceptance heatmap".into(),
            description: "Rows: actors, required ones first; columns: the top packages of the ranking.".into(),
            svg,
            table: matrix,
        }],
        ..Section::default()
    })
}

fn allocation_section(s: &Scenario, e: &Evaluation) -> Result<Option<Section>, ChartError> {
    let Some((rank, p)) = showcase(e) else {
        return Ok(None);
    };
    if p.allocation.is_empty() {
        return Ok(None);
    }
    let mut caps: Vec<&str> = Vec::new();
    let mut by_contributor: BTreeMap<&str, f64> = BTreeMap::new();
    let mut cap_total: BTreeMap<&str, f64> = BTreeMap::new();
    for a in &p.allocation {
        if !caps.contains(&a.capability.as_str()) {
            caps.push(&a.capability);
        }
        *cap_total.entry(&a.capability).or_default() += a.units;
    }
    for a in &p.allocation {
        let t = cap_total[a.capability.as_str()];
        if t > 0.0 {
            *by_contributor.entry(&a.contributor).or_default() += a.units / t;
        }
    }
    let mut contributors: Vec<(&str, f64)> = by_contributor.into_iter().collect();
    contributors.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let unit = |c: &str| {
        s.capabilities
            .iter()
            .find(|k| k.id == c)
            .map_or(String::new(), |k| k.unit.clone())
    };
    let categories: Vec<String> = caps
        .iter()
        .map(|c| format!("{c} ({} {})", units(cap_total[c]), unit(c)))
        .collect();
    let share = |c: &str, who: &[&str]| {
        let t = cap_total[c];
        let u: f64 = p
            .allocation
            .iter()
            .filter(|a| a.capability == c && who.contains(&a.contributor.as_str()))
            .map(|a| a.units)
            .sum();
        if t > 0.0 { 100.0 * u / t } else { 0.0 }
    };
    // The largest contributors get their own colour; the rest share one grey bar
    // segment (the table lists everyone).
    let named = contributors
        .len()
        .min(if contributors.len() > ALLOCATION_COLOURS {
            ALLOCATION_COLOURS - 1
        } else {
            ALLOCATION_COLOURS
        });
    let mut series: Vec<BarSeries> = contributors[..named]
        .iter()
        .enumerate()
        .map(|(i, (who, _))| BarSeries {
            name: who.to_string(),
            colour: charts::series_colour(i),
            labels: vec![who.to_string(); caps.len()],
            values: caps.iter().map(|c| share(c, &[who])).collect(),
        })
        .collect();
    if named < contributors.len() {
        let rest: Vec<&str> = contributors[named..].iter().map(|(w, _)| *w).collect();
        series.push(BarSeries {
            name: format!("{} others: {}", rest.len(), rest.join(", ")),
            colour: GREY,
            labels: vec!["others".into(); caps.len()],
            values: caps.iter().map(|c| share(c, &rest)).collect(),
        });
    }
    let svg = charts::horizontal_bars(
        &format!("Who supplies what, package #{rank}"),
        "Share of the units allocated for the capability (%)",
        &categories,
        &series,
    )?;
    let mut table = DataTable {
        caption: format!("Allocation of package #{rank}: {}", p.title),
        headers: [
            "capability",
            "contributor",
            "units",
            "unit",
            "share",
            "in theatre",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    for a in &p.allocation {
        let t = cap_total[a.capability.as_str()];
        table.rows.push(vec![
            a.capability.clone(),
            a.contributor.clone(),
            units(a.units),
            unit(&a.capability),
            format!("{:.1}%", if t > 0.0 { 100.0 * a.units / t } else { 0.0 }),
            if a.in_theatre { "yes" } else { "no" }.into(),
        ]);
    }
    Ok(Some(Section {
        id: "allocation".into(),
        heading: "Allocation".into(),
        paragraphs: vec![format!(
            "Package #{rank} ({}): how each capability's pool is split between contributors. Bars are shares of the units allocated; the total is in the label. \
             Allocations of every package are in the exported allocations file.",
            p.title
        )],
        figures: vec![Figure {
            id: "fig-allocation".into(),
            title: format!("Allocation of package #{rank}"),
            description: "One bar per capability, split by contributor (labelled inside each segment wide enough).".into(),
            svg,
            table,
        }],
        ..Section::default()
    }))
}

/// The deployment timeline of the showcased package: per capability, the
/// days from the decision (D) until its last allocated unit can be in place,
/// and the package's "in place by D+N" (the slowest capability).
fn timeline_section(e: &Evaluation) -> Result<Option<Section>, ChartError> {
    let Some((rank, p)) = showcase(e) else {
        return Ok(None);
    };
    let Some(by) = p.in_place_by_days else {
        return Ok(None);
    };
    // Capability → (days until its last unit is in place, contributors).
    let mut caps: BTreeMap<&str, (f64, Vec<&str>)> = BTreeMap::new();
    for a in p.allocation.iter().filter(|a| a.units > 0.0) {
        let e = caps.entry(&a.capability).or_insert((0.0, Vec::new()));
        e.0 = e.0.max(a.days_to_deploy);
        if !e.1.contains(&a.contributor.as_str()) {
            e.1.push(&a.contributor);
        }
    }
    let mut rows: Vec<(&str, f64, Vec<&str>)> =
        caps.into_iter().map(|(k, (d, c))| (k, d, c)).collect();
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let categories: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let series = vec![BarSeries {
        name: "days to deploy".into(),
        colour: BLUE,
        labels: rows.iter().map(|r| format!("D+{}", units(r.1))).collect(),
        values: rows.iter().map(|r| r.1).collect(),
    }];
    let svg = charts::horizontal_bars(
        &format!(
            "Deployment timeline, package #{rank}: in place by D+{}",
            units(by)
        ),
        "Days from the decision (D) until the capability's last allocated unit is in place",
        &categories,
        &series,
    )?;
    let mut table = DataTable {
        caption: format!("Days to deploy of package #{rank}: {}", p.title),
        headers: ["capability", "contributor", "units", "in place by"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    let mut lines: Vec<_> = p.allocation.iter().filter(|a| a.units > 0.0).collect();
    lines.sort_by(|a, b| {
        a.days_to_deploy
            .total_cmp(&b.days_to_deploy)
            .then(a.capability.cmp(&b.capability))
            .then(a.contributor.cmp(&b.contributor))
    });
    for a in lines {
        table.rows.push(vec![
            a.capability.clone(),
            a.contributor.clone(),
            units(a.units),
            format!("D+{}", units(a.days_to_deploy)),
        ]);
    }
    Ok(Some(Section {
        id: "timeline".into(),
        heading: "Deployment timeline".into(),
        paragraphs: vec![format!(
            "Package #{rank} ({}) is in place by D+{}: the slowest of its allocated contributions. \
             Each contributor declares its days to deploy per capability, else the bound of its NATO Force Model tier \
             (Tier 1 10 days, Tier 2 30, Tier 3 180; Tier 3 when nothing is declared).",
            p.title,
            units(by)
        )],
        figures: vec![Figure {
            id: "fig-timeline".into(),
            title: format!("Deployment timeline of package #{rank}"),
            description: "One bar per capability: days from the decision until its last allocated unit is in place.".into(),
            svg,
            table,
        }],
        ..Section::default()
    }))
}

fn shortfall_section(s: &Scenario, e: &Evaluation) -> Result<Section, ChartError> {
    let c = &e.counts;
    let mut largest: BTreeMap<&str, f64> = BTreeMap::new();
    for p in &e.packages {
        for sf in &p.shortfalls {
            let x = largest.entry(&sf.capability).or_default();
            *x = x.max(sf.short);
        }
    }
    let caps: Vec<(&String, &u64)> = e
        .failures
        .short_of
        .iter()
        .filter(|(_, n)| **n > 0)
        .collect();
    let categories: Vec<String> = caps.iter().map(|(k, _)| k.to_string()).collect();
    let values: Vec<f64> = caps.iter().map(|(_, n)| **n as f64).collect();
    let labels: Vec<String> = caps.iter().map(|(_, n)| n.to_string()).collect();
    let mut paragraphs = vec![format!(
        "{} of {} packages are infeasible: for at least one capability, the eligible contributors do not have enough available \
         (inventory × readiness × deployable share, within caveats and red lines).",
        c.infeasible, c.evaluated
    )];
    let mut figures = Vec::new();
    if caps.is_empty() {
        paragraphs.push("No package is short of any capability.".into());
    } else {
        let svg = charts::horizontal_bars(
            "Packages short of each capability",
            &format!("Packages (of {} evaluated)", c.evaluated),
            &categories,
            &[BarSeries {
                name: "packages short".into(),
                // The colour of "infeasible" in the why-not chart.
                colour: REDDISH_PURPLE,
                values,
                labels,
            }],
        )?;
        let unit = |k: &str| {
            s.capabilities
                .iter()
                .find(|x| x.id == k)
                .map_or(String::new(), |x| x.unit.clone())
        };
        let table = DataTable {
            caption: "Shortfalls by capability".into(),
            headers: ["capability", "packages short", "largest shortfall", "unit"]
                .map(String::from)
                .to_vec(),
            rows: caps
                .iter()
                .map(|(k, n)| {
                    vec![
                        k.to_string(),
                        n.to_string(),
                        units(largest.get(k.as_str()).copied().unwrap_or(0.0)),
                        unit(k),
                    ]
                })
                .collect(),
            ..DataTable::default()
        };
        figures.push(Figure {
            id: "fig-shortfalls".into(),
            title: "Shortfalls by capability".into(),
            description: "A package short of several capabilities counts once in each bar.".into(),
            svg,
            table,
        });
    }
    Ok(Section {
        id: "shortfalls".into(),
        heading: "Shortfalls".into(),
        paragraphs,
        figures,
        ..Section::default()
    })
}

fn why_not_section(e: &Evaluation) -> Result<Section, ChartError> {
    let c = &e.counts;
    let mut categories = vec!["infeasible".to_string()];
    let mut infeasible = vec![c.infeasible as f64];
    let mut red = vec![0.0];
    let mut util = vec![0.0];
    let mut table = DataTable {
        caption: "Why packages fail".into(),
        headers: [
            "test",
            "packages failing",
            "red line violated",
            "below reservation only",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![vec![
            "feasibility (no shortfall)".into(),
            c.infeasible.to_string(),
            "—".into(),
            "—".into(),
        ]],
        ..DataTable::default()
    };
    for a in &e.required_acceptance {
        let f = e.failures.rejected_by.get(a);
        let total = f.map_or(0, |f| f.rejects);
        let below = f.map_or(0, |f| f.utility_only);
        categories.push(format!("rejected by {a}"));
        infeasible.push(0.0);
        red.push(total.saturating_sub(below) as f64);
        util.push(below as f64);
        table.rows.push(vec![
            format!("acceptable to {a}"),
            total.to_string(),
            total.saturating_sub(below).to_string(),
            below.to_string(),
        ]);
    }
    let n = categories.len();
    let count_labels = |v: &[f64]| {
        v.iter()
            .map(|x| {
                if *x > 0.0 {
                    format!("{x}")
                } else {
                    String::new()
                }
            })
            .collect::<Vec<_>>()
    };
    let svg = charts::horizontal_bars(
        "Why packages fail",
        &format!("Packages (of {} evaluated)", c.evaluated),
        &categories,
        &[
            BarSeries {
                name: "infeasible (shortfall)".into(),
                colour: REDDISH_PURPLE,
                labels: count_labels(&infeasible),
                values: infeasible,
            },
            BarSeries {
                name: "red line violated".into(),
                colour: VERMILLION,
                labels: count_labels(&red),
                values: red,
            },
            BarSeries {
                name: "below reservation utility only".into(),
                colour: charts::OKABE_ITO[3],
                labels: count_labels(&util),
                values: util,
            },
        ],
    )?;
    debug_assert_eq!(n, table.rows.len());
    let mut lines = DataTable {
        caption: "Red lines of required actors, by packages violating them".into(),
        headers: ["actor", "red line", "packages violating"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    for (a, f) in &e.failures.rejected_by {
        for (id, k) in &f.red_lines {
            lines.rows.push(vec![a.clone(), id.clone(), k.to_string()]);
        }
    }
    let combinations = DataTable {
        caption: "Exact combinations of failed tests, most frequent first".into(),
        headers: ["fails on", "packages", "share of all packages"]
            .map(String::from)
            .to_vec(),
        rows: e
            .failures
            .combinations
            .iter()
            .take(12)
            .map(|k| {
                vec![
                    if k.fails.len() == 1 {
                        format!("{} alone", k.fails[0])
                    } else {
                        k.fails.join(" + ")
                    },
                    k.packages.to_string(),
                    format!("{:.1}%", k.share * 100.0),
                ]
            })
            .collect(),
        ..DataTable::default()
    };
    Ok(Section {
        id: "why-not".into(),
        heading: "Why not".into(),
        paragraphs: vec![
            "A package can fail several tests at once, so the bars overlap: it counts in every test it fails.".into(),
        ],
        tables: vec![lines, combinations],
        figures: vec![Figure {
            id: "fig-why-not".into(),
            title: "Failures by test".into(),
            description: "Rejections are split into those with a violated red line and those on utility alone.".into(),
            svg,
            table,
        }],
        ..Section::default()
    })
}

fn forecast_section(
    s: &Scenario,
    e: &Evaluation,
    f: &ForecastInput,
) -> Result<Section, ChartError> {
    let fc = f.forecast;
    let required = |a: &str| e.required_acceptance.iter().any(|r| r == a);
    let mut figures = Vec::new();
    for (d, dim) in fc.dimensions.iter().enumerate() {
        let name = s
            .dimensions
            .iter()
            .find(|x| &x.id == dim)
            .map_or(dim.clone(), |x| x.name.clone());
        let mut lines_out: Vec<Line> = Vec::new();
        let mut colour_i = 0;
        let mut highlighted = Vec::new();
        for (a, (actor, _)) in fc.turns[0].positions.iter().enumerate() {
            let points: Vec<(f64, f64)> = fc
                .turns
                .iter()
                .filter_map(|t| t.positions.get(a).map(|p| (t.turn as f64, p.1[d])))
                .collect();
            if required(actor) {
                highlighted.push(Line {
                    name: actor.clone(),
                    colour: charts::series_colour(colour_i),
                    points,
                    in_legend: true,
                });
                colour_i += 1;
            } else {
                lines_out.push(Line {
                    name: actor.clone(),
                    colour: charts::LIGHT_GREY,
                    points,
                    in_legend: false,
                });
            }
        }
        lines_out.extend(highlighted);
        let outcome = fc.final_state.outcome.get(d).copied().unwrap_or(f64::NAN);
        let svg = charts::lines(
            &format!("{name}: forecast {outcome:.0}"),
            "Turn",
            "Position (0–100)",
            (0.0, 100.0),
            &lines_out,
            (430, 300),
        )?;
        let mut table = DataTable {
            caption: format!("Positions on {dim} (0–100), first and last turn"),
            headers: ["actor", "required", "turn 0", "last turn"]
                .map(String::from)
                .to_vec(),
            rows: Vec::new(),
            ..DataTable::default()
        };
        let last = fc.turns.last().expect("a forecast has turn 0");
        for (a, (actor, start)) in fc.turns[0].positions.iter().enumerate() {
            table.rows.push(vec![
                actor.clone(),
                if required(actor) { "yes" } else { "no" }.into(),
                format!("{:.1}", start[d]),
                last.positions
                    .get(a)
                    .map_or("—".into(), |p| format!("{:.1}", p.1[d])),
            ]);
        }
        figures.push(Figure {
            id: format!("fig-forecast-{dim}"),
            title: name,
            description: format!(
                "Positions by turn; required actors in colour (legend), others in grey. Forecast point {outcome:.1}."
            ),
            svg,
            table,
        });
    }
    let mut paragraphs = vec![format!(
        "Model {}: {} steps over {} dimensions. Positions are on a 0–100 scale (the dimension's 0–1 level × 100).",
        fc.model,
        fc.steps,
        fc.dimensions.len()
    )];
    if let Some(p) = f.nearest {
        paragraphs.push(format!(
            "Package nearest the forecast point: {} — {}{}",
            p.title,
            if p.passes {
                "passes (feasible and acceptable to every required actor)."
            } else {
                "fails: "
            },
            if p.passes {
                String::new()
            } else {
                failure_reasons(p).join("; ")
            }
        ));
    }
    let point = DataTable {
        caption: "Forecast point".into(),
        headers: vec!["dimension".into(), "forecast (0–100)".into()],
        rows: fc
            .dimensions
            .iter()
            .zip(&fc.final_state.outcome)
            .map(|(d, x)| vec![d.clone(), format!("{x:.1}")])
            .collect(),
        ..DataTable::default()
    };
    Ok(Section {
        id: "forecast".into(),
        heading: "Negotiation forecast".into(),
        paragraphs,
        tables: vec![point],
        figures,
        grid: true,
    })
}

fn sources_section(s: &Scenario) -> Section {
    let mut t = DataTable {
        caption: "Sources cited by the scenario".into(),
        headers: ["id", "date", "citation", "address"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
        ..DataTable::default()
    };
    for src in &s.meta.sources {
        t.rows.push(vec![
            src.id.clone(),
            src.date.clone(),
            src.citation.clone(),
            src.url.clone(),
        ]);
    }
    let mut paragraphs = Vec::new();
    if !s.meta.disclaimer.is_empty() {
        paragraphs.push(s.meta.disclaimer.clone());
    }
    Section {
        id: "sources".into(),
        heading: "Disclaimer and sources".into(),
        paragraphs,
        tables: vec![t],
        ..Section::default()
    }
}

/// The built-in sections, in order; the last one is always the sources.
pub fn builtin_sections(input: &ReportInput) -> Result<Vec<Section>, ChartError> {
    let (s, e) = (input.scenario, input.evaluation);
    let mut out = vec![
        summary_section(input),
        ranked_section(e),
        frontier_section(e)?,
        heatmap_section(s, e)?,
    ];
    out.extend(allocation_section(s, e)?);
    out.extend(crate::map::map_section(s, e));
    out.extend(timeline_section(e)?);
    out.push(shortfall_section(s, e)?);
    out.push(why_not_section(e)?);
    if let Some(f) = &input.forecast {
        out.push(forecast_section(s, e, f)?);
    }
    out.push(sources_section(s));
    Ok(out)
}

/// Every section of the report: built-in ones, then the extra ones, then the sources.
pub fn all_sections(input: &ReportInput) -> Result<Vec<Section>, ChartError> {
    let mut sections = builtin_sections(input)?;
    let sources = sections.pop();
    sections.extend(input.extra_sections.iter().cloned());
    sections.extend(sources);
    Ok(sections)
}
