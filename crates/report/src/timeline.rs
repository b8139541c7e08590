//! The report's timeline section: how the answer moves across dated
//! scenarios — packages passing, feasible and infeasible per date, the top
//! package's deterrence and its P(pass) under the declared uncertainties — with
//! each step's explanation in words. The CLI (`guarantor timeline -o DIR`)
//! computes the points and the step summaries; this module only draws them.

use crate::charts::{self, BarSeries, ChartError, Line, series_colour};
use crate::document::{DataTable, Figure, Section};

/// One date of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct DatePoint {
    pub id: String,
    pub as_of: String,
    pub title: String,
    /// Packages evaluated (in the package space).
    pub evaluated: usize,
    pub feasible: usize,
    pub passing: usize,
    /// The best-ranked package (passing or not), its deterrence and whether it passes.
    pub top_title: String,
    pub top_deterrence: f64,
    pub top_passes: bool,
    /// P(pass) of the top package under the scenario's `[[uncertainty]]`
    /// declarations, and the draws it is estimated from; `None` when not computed.
    pub p_pass: Option<(f64, usize)>,
}

fn category(p: &DatePoint) -> String {
    format!("{} ({})", p.as_of, p.id)
}

fn counts_figure(points: &[DatePoint]) -> Result<Figure, ChartError> {
    let cats: Vec<String> = points.iter().map(category).collect();
    let series = [
        (
            "passing",
            points.iter().map(|p| p.passing as f64).collect::<Vec<_>>(),
        ),
        (
            "feasible, not passing",
            points
                .iter()
                .map(|p| p.feasible.saturating_sub(p.passing) as f64)
                .collect(),
        ),
        (
            "infeasible",
            points
                .iter()
                .map(|p| p.evaluated.saturating_sub(p.feasible) as f64)
                .collect(),
        ),
    ];
    let bars: Vec<BarSeries> = series
        .iter()
        .enumerate()
        .map(|(i, (name, values))| BarSeries {
            name: (*name).to_string(),
            colour: series_colour(i),
            values: values.clone(),
            labels: Vec::new(),
        })
        .collect();
    let svg = charts::horizontal_bars("Packages per date", "packages", &cats, &bars)?;
    Ok(Figure {
        id: "fig-timeline-counts".into(),
        title: "Packages per date".into(),
        description: "Each bar is one dated scenario: the packages that pass (feasible and acceptable to every required actor), those feasible but rejected or undetermined, and the infeasible ones.".into(),
        svg,
        table: DataTable {
            caption: "Packages per date".into(),
            headers: ["Date", "Scenario", "Evaluated", "Feasible", "Passing"]
                .map(String::from)
                .to_vec(),
            rows: points
                .iter()
                .map(|p| {
                    vec![
                        p.as_of.clone(),
                        p.id.clone(),
                        p.evaluated.to_string(),
                        p.feasible.to_string(),
                        p.passing.to_string(),
                    ]
                })
                .collect(),
            ..DataTable::default()
        },
    })
}

fn scores_figure(points: &[DatePoint]) -> Result<Figure, ChartError> {
    let xs = |f: &dyn Fn(&DatePoint) -> Option<f64>| -> Vec<(f64, f64)> {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| f(p).map(|y| ((i + 1) as f64, y)))
            .collect()
    };
    let mut series = vec![Line {
        name: "top package: deterrence".into(),
        colour: series_colour(0),
        points: xs(&|p| Some(p.top_deterrence)),
        in_legend: true,
    }];
    let p_pass = xs(&|p| p.p_pass.map(|(v, _)| v));
    if !p_pass.is_empty() {
        series.push(Line {
            name: "top package: P(pass)".into(),
            colour: series_colour(1),
            points: p_pass,
            in_legend: true,
        });
    }
    let dates: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} = {}", i + 1, p.as_of))
        .collect();
    let svg = charts::lines(
        "Top package per date",
        &format!("date ({})", dates.join(", ")),
        "score",
        (0.0, 1.0),
        &series,
        (640, 320),
    )?;
    let pct = |p: &DatePoint| {
        p.p_pass.map_or("not computed".into(), |(v, n)| {
            format!("{:.1}% of {n} draws", v * 100.0)
        })
    };
    Ok(Figure {
        id: "fig-timeline-top".into(),
        title: "Top package per date".into(),
        description: "The best-ranked package of each date (passing or not): its computed deterrence, and how often it passes across draws of the scenario's declared uncertainties.".into(),
        svg,
        table: DataTable {
            caption: "Top package per date".into(),
            headers: ["Date", "Scenario", "Top package", "Passes", "Deterrence", "P(pass)"]
                .map(String::from)
                .to_vec(),
            rows: points
                .iter()
                .map(|p| {
                    vec![
                        p.as_of.clone(),
                        p.id.clone(),
                        p.top_title.clone(),
                        if p.top_passes { "yes" } else { "no" }.into(),
                        format!("{:.3}", p.top_deterrence),
                        pct(p),
                    ]
                })
                .collect(),
            ..DataTable::default()
        },
    })
}

/// The timeline section: two figures (packages per date; the top package's
/// deterrence and P(pass)) and one paragraph per step (`steps`, in words).
pub fn timeline_section(points: &[DatePoint], steps: &[String]) -> Result<Section, ChartError> {
    let mut paragraphs = vec![format!(
        "{} dated scenarios in date order, from {} to {}. Each step lists the input changes and the verdicts they move; every move is attributed by applying each change alone to the earlier scenario and evaluating again.",
        points.len(),
        points.first().map_or("", |p| p.as_of.as_str()),
        points.last().map_or("", |p| p.as_of.as_str()),
    )];
    paragraphs.extend(steps.iter().cloned());
    Ok(Section {
        id: "scenario-timeline".into(),
        heading: "Timeline: how the answer moves between dates".into(),
        paragraphs,
        tables: Vec::new(),
        figures: vec![counts_figure(points)?, scores_figure(points)?],
        grid: true,
    })
}
