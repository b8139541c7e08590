//! The report's uncertainty section: how robust the packages are under the
//! scenario's declared uncertainties (`guarantor report --draws N`).
//!
//! Built from a [`guarantor_uncertainty::Report`] and passed to the report in
//! [`crate::document::ReportInput::extra_sections`]: the robust ranking with
//! P(pass) and 95% intervals, the tornado, Sobol' indices with their
//! intervals, the PRIM boxes as sentences and as charts, and PRIM's
//! coverage–density trade-off. Every chart has the table of its data; every
//! number is one the analysis computed (intervals are estimate ± 1.96
//! standard errors, the bootstrap intervals for Sobol' indices).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use guarantor_uncertainty::{DiscoveredBox, Discovery, Parameter, Report};

use crate::charts::{
    BLUE, ChartError, FONT, GREY, LIGHT_GREY, Marker, ORANGE, PointGroup, REDDISH_PURPLE, SKY_BLUE,
    Swatch, VERMILLION, axis_number, draw_legend, legend_height, scatter,
};
use crate::document::{DataTable, Figure, Section};

/// z for a two-sided 95% normal interval.
const Z95: f64 = 1.96;

/// One row of an interval chart: a span `lo..hi` and an optional point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
    pub value: Option<f64>,
}

/// How a series of an interval chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IntervalStyle {
    /// A filled band from `lo` to `hi` (a range, e.g. a PRIM restriction).
    Span,
    /// A line from `lo` to `hi` with end caps and a dot at the value (an
    /// estimate and its interval).
    Whisker,
    /// A bar from the given origin to the value, plus the whisker when
    /// `lo < hi` (an index and its interval; a tornado end from the base).
    BarFrom(f64),
}

/// One series of an interval chart: one row per category (None: nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalSeries {
    pub name: String,
    pub colour: RGBColor,
    pub style: IntervalStyle,
    pub rows: Vec<Option<Interval>>,
}

/// Horizontal intervals, one band per category (first on top), the series
/// side by side within a band, an optional labelled vertical reference line,
/// and the legend under the plot. Colour is never the only cue: series differ
/// in position within the band and are named in the legend and the table.
pub fn interval_chart(
    title: &str,
    x_desc: &str,
    categories: &[String],
    series: &[IntervalSeries],
    x_range: (f64, f64),
    reference: Option<(f64, String)>,
) -> Result<String, ChartError> {
    let err = |e: &dyn std::fmt::Display| ChartError {
        chart: title.to_string(),
        message: e.to_string(),
    };
    let n = categories.len().max(1);
    let ns = series.len().max(1);
    let width = 860u32;
    let mut legend: Vec<(String, RGBColor, Swatch)> = series
        .iter()
        .map(|s| {
            let sw = match s.style {
                IntervalStyle::Whisker => Swatch::Line,
                _ => Swatch::Box,
            };
            (s.name.clone(), s.colour, sw)
        })
        .collect();
    if let Some((_, name)) = &reference {
        legend.push((name.clone(), RGBColor(0x44, 0x44, 0x44), Swatch::Line));
    }
    let lh = legend_height(&legend, width);
    let band = 14 + 16 * ns as u32;
    let height = 100 + band * n as u32 + lh;
    let longest = categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4);
    let label_area = (longest as u32 * 7 + 16).clamp(60, 320);
    let (x0, x1) = if x_range.1 > x_range.0 {
        x_range
    } else {
        (x_range.0, x_range.0 + 1.0)
    };
    let span = x1 - x0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let (plot, legend_area) = root.split_vertically(height - lh);
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, (FONT, 20))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(label_area)
            .build_cartesian_2d(x0..x1, 0f64..n as f64)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|x| axis_number(*x, span))
            .x_desc(x_desc)
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
            .draw()
            .map_err(|e| err(&e))?;
        // Band i spans y in [n − 1 − i, n − i]; series j sits at its j-th slot.
        let slot = |i: usize, j: usize| {
            let top = (n - i) as f64;
            top - (j as f64 + 0.5 + 0.15) / (ns as f64 + 0.3)
        };
        let half = 0.32 / (ns as f64 + 0.3);
        for (i, c) in categories.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(x0, (n - i) as f64 - 0.5));
            plot.draw(&Text::new(
                c.clone(),
                (px - 8, py),
                TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(|e| err(&e))?;
        }
        let clamp = |x: f64| x.clamp(x0, x1);
        for (j, s) in series.iter().enumerate() {
            for (i, row) in s.rows.iter().enumerate() {
                let Some(r) = row else { continue };
                let y = slot(i, j);
                let (lo, hi) = (clamp(r.lo.min(r.hi)), clamp(r.lo.max(r.hi)));
                let whisker = |chart: &mut ChartContext<'_, _, _>| -> Result<(), ChartError> {
                    let c = RGBColor(0x22, 0x22, 0x22);
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(lo, y), (hi, y)],
                            c.stroke_width(2),
                        )))
                        .map_err(|e| err(&e))?;
                    for x in [lo, hi] {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(x, y - half * 0.8), (x, y + half * 0.8)],
                                c.stroke_width(2),
                            )))
                            .map_err(|e| err(&e))?;
                    }
                    Ok(())
                };
                match s.style {
                    IntervalStyle::Span => {
                        chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [(lo, y - half), (hi.max(lo + span * 0.004), y + half)],
                                s.colour.filled(),
                            )))
                            .map_err(|e| err(&e))?;
                    }
                    IntervalStyle::Whisker => {
                        whisker(&mut chart)?;
                        if let Some(v) = r.value {
                            chart
                                .draw_series(std::iter::once(Circle::new(
                                    (clamp(v), y),
                                    6,
                                    s.colour.filled(),
                                )))
                                .map_err(|e| err(&e))?;
                        }
                    }
                    IntervalStyle::BarFrom(origin) => {
                        if let Some(v) = r.value {
                            let (a, b) = (clamp(origin.min(v)), clamp(origin.max(v)));
                            chart
                                .draw_series(std::iter::once(Rectangle::new(
                                    [(a, y - half), (b.max(a + span * 0.003), y + half)],
                                    s.colour.filled(),
                                )))
                                .map_err(|e| err(&e))?;
                        }
                        if hi > lo {
                            whisker(&mut chart)?;
                        }
                    }
                }
            }
        }
        if let Some((x, _)) = &reference {
            let x = clamp(*x);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, n as f64)],
                    RGBColor(0x44, 0x44, 0x44).stroke_width(2),
                )))
                .map_err(|e| err(&e))?;
        }
        draw_legend(&legend_area, &legend, width).map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn pct(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// An interval of a proportion: estimate ± 1.96 SE, clipped to [0, 1].
fn ci95(p: f64, se: f64) -> (f64, f64) {
    ((p - Z95 * se).max(0.0), (p + Z95 * se).min(1.0))
}

fn table(caption: &str, headers: &[&str], rows: Vec<Vec<String>>) -> DataTable {
    DataTable {
        caption: caption.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        ..DataTable::default()
    }
}

fn ranking_figure(r: &Report) -> Result<Figure, ChartError> {
    let cats: Vec<String> = r
        .ranking
        .iter()
        .map(|p| format!("#{} (deterministic #{})", p.rank, p.deterministic_rank))
        .collect();
    let rows = r
        .ranking
        .iter()
        .map(|p| {
            let (lo, hi) = ci95(p.passes.p, p.passes.se);
            Some(Interval {
                lo: 100.0 * lo,
                hi: 100.0 * hi,
                value: Some(100.0 * p.passes.p),
            })
        })
        .collect();
    let xmax = r
        .ranking
        .iter()
        .map(|p| ci95(p.passes.p, p.passes.se).1)
        .fold(0.0, f64::max);
    let xmax = ((xmax * 100.0 / 10.0).ceil() * 10.0).clamp(10.0, 100.0);
    let svg = interval_chart(
        "P(pass) of the packages studied",
        "P(feasible and acceptable to every required actor), % (95% interval)",
        &cats,
        &[IntervalSeries {
            name: "P(pass) and its 95% interval".into(),
            colour: BLUE,
            style: IntervalStyle::Whisker,
            rows,
        }],
        (0.0, xmax),
        None,
    )?;
    let rows = r
        .ranking
        .iter()
        .map(|p| {
            let (lo, hi) = ci95(p.passes.p, p.passes.se);
            vec![
                p.rank.to_string(),
                p.deterministic_rank.to_string(),
                p.label.clone(),
                pct(p.passes.p),
                format!("{}–{}", pct(lo), pct(hi)),
                pct(p.feasible.p),
                if p.passes_as_written { "yes" } else { "no" }.into(),
                format!("{:.3}", p.expected_deterrence),
                format!("{:.0}", p.cost_per_year.p50),
            ]
        })
        .collect();
    Ok(Figure {
        id: "fig-robust-ranking".into(),
        title: "Robust ranking".into(),
        description: format!(
            "Packages by how often they pass across {} draws of the declared uncertainties; the dot is P(pass), the whisker its 95% interval (± 1.96 standard errors). Labels give the robust rank and the rank in the deterministic run.",
            r.draws
        ),
        svg,
        table: table(
            "Robust ranking",
            &[
                "Robust rank",
                "Deterministic rank",
                "Package",
                "P(pass)",
                "95% interval",
                "P(feasible)",
                "Passes as written",
                "Expected deterrence",
                &format!("Median cost per year ({})", r.currency),
            ],
            rows,
        ),
    })
}

/// Tornado bars and Sobol' factors whose effect is below this (in P(pass) or
/// in share of variance) are left out of the chart; the table lists them all.
const NEGLIGIBLE: f64 = 0.005;

fn tornado_figure(t: &guarantor_uncertainty::tornado::Tornado) -> Result<Figure, ChartError> {
    let shown: Vec<&guarantor_uncertainty::tornado::Bar> =
        t.bars.iter().filter(|b| b.swing >= NEGLIGIBLE).collect();
    let cats: Vec<String> = shown.iter().map(|b| b.factor.clone()).collect();
    let end = |v: f64| {
        Some(Interval {
            lo: 100.0 * v,
            hi: 100.0 * v,
            value: Some(100.0 * v),
        })
    };
    let base = 100.0 * t.base;
    let series = [
        IntervalSeries {
            name: "factor at its 5th percentile (red line relaxed)".into(),
            colour: ORANGE,
            style: IntervalStyle::BarFrom(base),
            rows: shown.iter().map(|b| end(b.low)).collect(),
        },
        IntervalSeries {
            name: "factor at its 95th percentile (red line holding)".into(),
            colour: SKY_BLUE,
            style: IntervalStyle::BarFrom(base),
            rows: shown.iter().map(|b| end(b.high)).collect(),
        },
    ];
    let svg = interval_chart(
        "Tornado: P(pass) with one factor pinned",
        "P(pass), %",
        &cats,
        &series,
        (0.0, 100.0),
        Some((base, format!("no factor pinned ({})", pct(t.base)))),
    )?;
    let rows = t
        .bars
        .iter()
        .map(|b| {
            vec![
                b.factor.clone(),
                pct(b.low),
                pct(b.high),
                format!("{:.1} points", 100.0 * b.swing),
                b.values
                    .iter()
                    .map(|(n, lo, hi)| format!("{n}: {} / {}", short(*lo), short(*hi)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    Ok(Figure {
        id: "fig-tornado".into(),
        title: "Tornado".into(),
        description: format!(
            "Each factor pinned at its 5th and 95th percentiles (a red line: relaxed and holding) while the others vary over {} draws; bars run from P(pass) with nothing pinned (the vertical line) to P(pass) with the factor pinned. Widest swing first; {} of {} factors, which move P(pass) by less than {} points, are only in the table.",
            t.draws,
            t.bars.len() - shown.len(),
            t.bars.len(),
            100.0 * NEGLIGIBLE
        ),
        svg,
        table: table(
            "Tornado",
            &[
                "Factor",
                "P(pass) at 5th percentile",
                "P(pass) at 95th percentile",
                "Swing",
                "Pinned values (low / high)",
            ],
            rows,
        ),
    })
}

/// A number with enough digits to apply it literally.
fn short(x: f64) -> String {
    if x == x.round() && x.abs() < 1e9 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

fn sobol_figure(
    package: &str,
    s: &guarantor_uncertainty::sobol::SobolIndices,
) -> Result<Figure, ChartError> {
    let mut shown: Vec<&guarantor_uncertainty::sobol::FactorIndices> = s
        .factors
        .iter()
        .filter(|f| f.total_order_ci.1 >= NEGLIGIBLE || f.first_order_ci.1 >= NEGLIGIBLE)
        .collect();
    shown.sort_by(|a, b| b.total_order.total_cmp(&a.total_order));
    let cats: Vec<String> = shown.iter().map(|f| f.factor.clone()).collect();
    let iv = |v: f64, ci: (f64, f64)| {
        Some(Interval {
            lo: ci.0,
            hi: ci.1,
            value: Some(v),
        })
    };
    let series = [
        IntervalSeries {
            name: "first order S₁ (alone)".into(),
            colour: BLUE,
            style: IntervalStyle::BarFrom(0.0),
            rows: shown
                .iter()
                .map(|f| iv(f.first_order, f.first_order_ci))
                .collect(),
        },
        IntervalSeries {
            name: "total order Sₜ (with interactions)".into(),
            colour: VERMILLION,
            style: IntervalStyle::BarFrom(0.0),
            rows: shown
                .iter()
                .map(|f| iv(f.total_order, f.total_order_ci))
                .collect(),
        },
    ];
    let xmax = shown
        .iter()
        .map(|f| f.total_order_ci.1.max(f.first_order_ci.1))
        .fold(0.1, f64::max)
        .min(1.0);
    let svg = interval_chart(
        "Sobol' indices of P(pass)",
        "share of the variance of pass/fail (whiskers: bootstrap 95% intervals)",
        &cats,
        &series,
        (0.0, (xmax * 10.0).ceil() / 10.0),
        None,
    )?;
    let ci = |c: (f64, f64)| format!("{:.3}–{:.3}", c.0, c.1);
    let rows = s
        .factors
        .iter()
        .map(|f| {
            vec![
                f.factor.clone(),
                format!("{:.3}", f.first_order),
                ci(f.first_order_ci),
                format!("{:.3}", f.total_order),
                ci(f.total_order_ci),
            ]
        })
        .collect();
    Ok(Figure {
        id: "fig-sobol".into(),
        title: "Sobol' indices".into(),
        description: format!(
            "How much of the variation in whether {package} passes each factor explains alone (S₁) and with its interactions (Sₜ), from {} base rows ({} runs, {} bootstrap resamples for the intervals); largest Sₜ first. {} of {} factors, whose intervals stay below {}, are only in the table.",
            s.base_rows,
            s.runs,
            s.bootstrap,
            s.factors.len() - shown.len(),
            s.factors.len(),
            NEGLIGIBLE
        ),
        svg,
        table: table(
            "Sobol' indices",
            &["Factor", "S₁", "S₁ 95% interval", "Sₜ", "Sₜ 95% interval"],
            rows,
        ),
    })
}

/// The range a box restriction is drawn against: the parameter's 0.1st to
/// 99.9th percentile (a red line: 0 to 1).
fn param_range(p: &Parameter) -> (f64, f64) {
    if p.is_red_line() {
        (0.0, 1.0)
    } else {
        (p.value_at(0.001), p.value_at(0.999))
    }
}

fn box_figure(
    r: &Report,
    d: &Discovery,
    k: usize,
    b: &DiscoveredBox,
    id: &str,
) -> Result<Figure, ChartError> {
    let params: Vec<Option<&Parameter>> = b
        .restrictions
        .iter()
        .map(|x| r.uncertainties.iter().find(|p| p.name == x.parameter))
        .collect();
    let red = |p: Option<&Parameter>| p.is_some_and(Parameter::is_red_line);
    let cats: Vec<String> = b
        .restrictions
        .iter()
        .zip(&params)
        .map(|(x, p)| {
            if red(*p) {
                format!("{} (left half: relaxed, right: holds)", x.parameter)
            } else {
                x.parameter.clone()
            }
        })
        .collect();
    let share = |p: Option<&Parameter>, v: Option<f64>, dflt: f64| match (p, v) {
        // A red line (0 or 1): relaxed is the left half, holding the right.
        (Some(p), Some(_)) if p.is_red_line() => 0.5,
        (Some(p), Some(v)) => {
            let (a, z) = param_range(p);
            if z > a {
                ((v - a) / (z - a)).clamp(0.0, 1.0)
            } else {
                dflt
            }
        }
        _ => dflt,
    };
    let full = IntervalSeries {
        name: "the parameter's range (0.1st–99.9th percentile)".into(),
        colour: LIGHT_GREY,
        style: IntervalStyle::Span,
        rows: cats
            .iter()
            .map(|_| {
                Some(Interval {
                    lo: 0.0,
                    hi: 1.0,
                    value: None,
                })
            })
            .collect(),
    };
    let inside = IntervalSeries {
        name: "inside the box".into(),
        colour: REDDISH_PURPLE,
        style: IntervalStyle::Span,
        rows: b
            .restrictions
            .iter()
            .zip(&params)
            .map(|(x, p)| {
                Some(Interval {
                    lo: share(*p, x.lower, 0.0),
                    hi: share(*p, x.upper, 1.0),
                    value: None,
                })
            })
            .collect(),
    };
    let svg = interval_chart(
        &format!("Box {}: where the package {}", k + 1, d.outcome),
        "position within the parameter's range (0 = 0.1st percentile, 1 = 99.9th)",
        &cats,
        &[full, inside],
        (0.0, 1.0),
        None,
    )?;
    let bound = |v: Option<f64>, lower: bool| {
        v.map_or("—".to_string(), |x| {
            guarantor_uncertainty::prim::limit_text(x, lower)
        })
    };
    let rows = b
        .restrictions
        .iter()
        .zip(&params)
        .map(|(x, p)| {
            let (a, z) = p.map_or((f64::NAN, f64::NAN), param_range);
            vec![
                x.parameter.clone(),
                bound(x.lower, true),
                bound(x.upper, false),
                format!(
                    "{} to {}",
                    guarantor_uncertainty::prim::limit_text(a, true),
                    guarantor_uncertainty::prim::limit_text(z, false)
                ),
                format!("{:.3}", x.quasi_p),
            ]
        })
        .collect();
    Ok(Figure {
        id: id.into(),
        title: format!("Box {}", k + 1),
        description: format!(
            "The package {}; {} of the {} draws in the box fail. Limits are rounded outward to four significant digits, so the printed box contains the box found.",
            b.text, b.failures, b.draws
        ),
        svg,
        table: table(
            &format!("Box {} restrictions", k + 1),
            &[
                "Parameter",
                "Lower limit (≥)",
                "Upper limit (≤)",
                "Range drawn",
                "Quasi-p",
            ],
            rows,
        ),
    })
}

fn tradeoff_figure(b: &DiscoveredBox, id: &str) -> Result<Figure, ChartError> {
    let t = &b.trace;
    let pts = |steps: &[guarantor_uncertainty::TraceStep]| -> Vec<(f64, f64)> {
        steps
            .iter()
            .map(|s| (100.0 * s.coverage, 100.0 * s.density))
            .collect()
    };
    let mut groups = vec![PointGroup {
        name: "peeling step".into(),
        colour: GREY,
        marker: Marker::Circle,
        size: 4,
        points: pts(&t.peeling),
    }];
    if !t.pasting.is_empty() {
        groups.push(PointGroup {
            name: "pasting step".into(),
            colour: SKY_BLUE,
            marker: Marker::Triangle,
            size: 5,
            points: pts(&t.pasting),
        });
    }
    if let Some(c) = t.peeling.get(t.chosen) {
        groups.push(PointGroup {
            name: "box chosen (before pasting and simplifying)".into(),
            colour: VERMILLION,
            marker: Marker::Ring,
            size: 9,
            points: vec![(100.0 * c.coverage, 100.0 * c.density)],
        });
    }
    groups.push(PointGroup {
        name: "box reported".into(),
        colour: BLUE,
        marker: Marker::Square,
        size: 6,
        points: vec![(100.0 * b.coverage, 100.0 * b.density)],
    });
    let svg = scatter(
        "PRIM: coverage against density, step by step",
        "coverage: share of all failures inside the box, %",
        "density: share of the box's draws that fail, %",
        &groups,
    )?;
    let rows = t
        .peeling
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                format!("peel {i}"),
                s.draws.to_string(),
                s.failures.to_string(),
                pct(s.coverage),
                pct(s.density),
                s.restrictions.len().to_string(),
                if i == t.chosen { "chosen" } else { "" }.into(),
            ]
        })
        .chain(t.pasting.iter().enumerate().map(|(i, s)| {
            vec![
                format!("paste {}", i + 1),
                s.draws.to_string(),
                s.failures.to_string(),
                pct(s.coverage),
                pct(s.density),
                s.restrictions.len().to_string(),
                String::new(),
            ]
        }))
        .collect();
    Ok(Figure {
        id: id.into(),
        title: "Coverage–density trade-off".into(),
        description: format!(
            "Each peeling step trades coverage for density; PRIM chose the marked step ({}). Its restrictions were then pasted back where that helped and simplified{}.",
            t.why,
            if t.dropped.is_empty() {
                String::new()
            } else {
                format!(
                    " (dropped: {})",
                    t.dropped
                        .iter()
                        .map(|x| format!(
                            "{}, costing {:.1} points of density",
                            x.restriction.parameter,
                            100.0 * x.density_cost
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            }
        ),
        svg,
        table: table(
            "PRIM trajectory",
            &[
                "Step",
                "Draws in box",
                "Failures in box",
                "Coverage",
                "Density",
                "Restrictions",
                "",
            ],
            rows,
        ),
    })
}

/// The uncertainty section of the report.
pub fn uncertainty_section(r: &Report) -> Result<Section, ChartError> {
    let mut paragraphs = vec![format!(
        "{} draws of the {} declared uncertainties ({} independent factors, {} sampling, seed {}). A package passes in a draw when it is feasible and acceptable to every required actor ({}). These probabilities follow from the declared distributions, which are planning assumptions, not forecasts.",
        r.draws,
        r.uncertainties.len(),
        r.factors.len(),
        match r.sampler {
            guarantor_uncertainty::Sampler::Lhs => "Latin hypercube",
            guarantor_uncertainty::Sampler::Mc => "Monte Carlo",
        },
        r.seed,
        r.required_acceptance.join(", ")
    )];
    if let Some(sc) = &r.screening {
        paragraphs.push(format!(
            "The packages studied were chosen from all {} by successive halving on common draws: every package was screened on {} draws, the better half kept each round with the draws doubled, and the best {} evaluated on every draw ({} package evaluations, {:.1}% of evaluating every package on every draw).",
            sc.candidates,
            sc.first_draws,
            sc.keep,
            sc.evaluations,
            100.0 * sc.evaluations as f64 / sc.exhaustive_evaluations.max(1) as f64
        ));
    }
    if let (Some(top), Some(det)) = (
        r.ranking.first(),
        r.ranking.iter().find(|p| p.deterministic_rank == 1),
    ) {
        if top.deterministic_rank == 1 {
            paragraphs.push(format!(
                "The deterministic #1 is also the most robust package: it passes in {} of the draws.",
                pct(top.passes.p)
            ));
        } else {
            paragraphs.push(format!(
                "The most robust package ({}, deterministic #{}) passes in {} of the draws; the deterministic #1 ({}) in {} (robust #{}).",
                top.label,
                top.deterministic_rank,
                pct(top.passes.p),
                det.label,
                pct(det.passes.p),
                det.rank
            ));
        }
    }
    if let Some(note) = r.comparison.as_ref().and_then(|c| c.note.as_deref()) {
        paragraphs.push(capitalised(note));
    }
    let mut figures = Vec::new();
    if !r.ranking.is_empty() {
        figures.push(ranking_figure(r)?);
    }
    if let Some(sens) = &r.sensitivity {
        paragraphs.push(format!(
            "Sensitivity and failures are those of {} ({}).",
            sens.package, sens.chosen_as
        ));
        if let Some(t) = &sens.tornado {
            figures.push(tornado_figure(t)?);
        }
        match (&sens.sobol, &sens.sobol_note) {
            (Some(s), _) => figures.push(sobol_figure(&sens.package, s)?),
            (None, Some(note)) => paragraphs.push(format!("Sobol' indices: {note}.")),
            _ => {}
        }
    }
    if let Some(d) = &r.discovery {
        if let Some(note) = &d.note {
            paragraphs.push(format!("Where it fails (PRIM): {note}."));
        }
        for (k, b) in d.boxes.iter().enumerate() {
            paragraphs.push(format!("Box {}: the package {}.", k + 1, b.text));
            figures.push(box_figure(r, d, k, b, &format!("fig-prim-box-{}", k + 1))?);
        }
        if let Some(b) = d.boxes.first() {
            figures.push(tradeoff_figure(b, "fig-prim-tradeoff")?);
        }
    }
    for m in &r.outcome_boxes {
        if let Some(b) = m.boxes.first() {
            paragraphs.push(format!(
                "{} ({} of {} draws): the package {}.",
                capitalised(&m.outcome),
                m.failures,
                m.draws,
                b.text
            ));
        }
    }
    let mut tables = Vec::new();
    if let Some(t) = &r.tree {
        let worst: Vec<&str> = t
            .rules
            .iter()
            .filter(|x| x.density >= 0.5)
            .map(|x| x.text.as_str())
            .collect();
        if !worst.is_empty() {
            paragraphs.push(format!(
                "A classification tree (CART, depth ≤ {}) splits the same draws: the package {}.",
                t.params.max_depth,
                worst.join("; it ")
            ));
        }
        tables.push(table(
            "Classification tree (CART): every leaf",
            &["Leaf", "Draws", "Failures", "Share failing"],
            t.rules
                .iter()
                .map(|x| {
                    vec![
                        x.text.clone(),
                        x.draws.to_string(),
                        x.failures.to_string(),
                        pct(x.density),
                    ]
                })
                .collect(),
        ));
    }
    for m in &r.failure_modes {
        if let Some(b) = m.boxes.first() {
            paragraphs.push(format!(
                "Failure mode “{}” ({} of {} draws): the package {}.",
                m.outcome, m.failures, m.draws, b.text
            ));
        }
    }
    Ok(Section {
        id: "uncertainty".into(),
        heading: "Robustness under uncertainty".into(),
        paragraphs,
        tables,
        figures,
        grid: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_charts_draw_every_series_and_category() {
        let svg = interval_chart(
            "t",
            "x",
            &["alpha".into(), "beta".into()],
            &[
                IntervalSeries {
                    name: "whisker".into(),
                    colour: BLUE,
                    style: IntervalStyle::Whisker,
                    rows: vec![
                        Some(Interval {
                            lo: 0.1,
                            hi: 0.3,
                            value: Some(0.2),
                        }),
                        None,
                    ],
                },
                IntervalSeries {
                    name: "bar".into(),
                    colour: ORANGE,
                    style: IntervalStyle::BarFrom(0.5),
                    rows: vec![
                        None,
                        Some(Interval {
                            lo: 0.8,
                            hi: 0.8,
                            value: Some(0.8),
                        }),
                    ],
                },
            ],
            (0.0, 1.0),
            Some((0.5, "base".into())),
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        for label in ["alpha", "beta", "whisker", "bar", "base"] {
            assert!(svg.contains(label), "{label}");
        }
    }

    #[test]
    fn proportion_intervals_are_clipped_to_zero_and_one() {
        assert_eq!(ci95(0.5, 0.1), (0.5 - 0.196, 0.5 + 0.196));
        assert_eq!(ci95(0.01, 0.1).0, 0.0);
        assert_eq!(ci95(0.99, 0.1).1, 1.0);
    }
}
