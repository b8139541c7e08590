//! The report's timeline section: how the answer moves across dated
//! scenarios — packages passing, feasible and infeasible per date, the top
//! package's deterrence and its P(pass) under the declared uncertainties — with
//! each step's explanation in words. The CLI (`guarantor timeline -o DIR`)
//! computes the points and the step summaries; this module only draws them.

use crate::charts::{self, BarSeries, ChartError, series_colour};
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

/// One bar per date: a single series, values on [0, 1].
fn one_series_bars(
    title: &str,
    x_desc: &str,
    points: &[DatePoint],
    values: Vec<f64>,
    colour: usize,
) -> Result<String, ChartError> {
    let cats: Vec<String> = points.iter().map(category).collect();
    let labels = values.iter().map(|v| format!("{v:.2}")).collect();
    charts::horizontal_bars(
        title,
        x_desc,
        &cats,
        &[BarSeries {
            name: x_desc.to_string(),
            colour: series_colour(colour),
            values,
            labels,
        }],
    )
}

fn deterrence_figure(points: &[DatePoint]) -> Result<Figure, ChartError> {
    let svg = one_series_bars(
        "Top package's deterrence per date",
        "deterrence (0-1)",
        points,
        points.iter().map(|p| p.top_deterrence).collect(),
        0,
    )?;
    Ok(Figure {
        id: "fig-timeline-top".into(),
        title: "Top package's deterrence per date".into(),
        description: "The best-ranked package of each date (passing or not) and its computed deterrence (docs/model.md §5).".into(),
        svg,
        table: DataTable {
            caption: "Top package per date".into(),
            headers: ["Date", "Scenario", "Top package", "Passes", "Deterrence"]
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
                    ]
                })
                .collect(),
            ..DataTable::default()
        },
    })
}

fn p_pass_figure(points: &[DatePoint]) -> Result<Option<Figure>, ChartError> {
    if points.iter().all(|p| p.p_pass.is_none()) {
        return Ok(None);
    }
    let svg = one_series_bars(
        "Top package's P(pass) per date",
        "P(pass)",
        points,
        points
            .iter()
            .map(|p| p.p_pass.map_or(0.0, |(v, _)| v))
            .collect(),
        1,
    )?;
    Ok(Some(Figure {
        id: "fig-timeline-p-pass".into(),
        title: "Top package's P(pass) per date".into(),
        description: "How often each date's top package passes across draws of that scenario's declared uncertainties (docs/model.md §8); a date without declarations shows 0 and \"not computed\" in the table.".into(),
        svg,
        table: DataTable {
            caption: "P(pass) of the top package per date".into(),
            headers: ["Date", "Scenario", "P(pass)", "Draws"]
                .map(String::from)
                .to_vec(),
            rows: points
                .iter()
                .map(|p| {
                    vec![
                        p.as_of.clone(),
                        p.id.clone(),
                        p.p_pass
                            .map_or("not computed".into(), |(v, _)| format!("{:.1}%", v * 100.0)),
                        p.p_pass.map_or(String::new(), |(_, n)| n.to_string()),
                    ]
                })
                .collect(),
            ..DataTable::default()
        },
    }))
}

/// The timeline section: figures of the packages per date, the top package's
/// deterrence and (when computed) its P(pass), and the steps in words (`steps`,
/// one paragraph per line).
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
        figures: [
            Some(counts_figure(points)?),
            Some(deterrence_figure(points)?),
            p_pass_figure(points)?,
        ]
        .into_iter()
        .flatten()
        .collect(),
        grid: true,
    })
}
