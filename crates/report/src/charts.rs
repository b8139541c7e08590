//! Chart primitives rendered with plotters' SVG backend into strings (no fonts,
//! no files): scatter, bars (plain or stacked), heatmap and line charts.
//!
//! Each function takes plain data and returns one `<svg>` element. Colours come
//! from the Okabe–Ito palette, which stays distinguishable with the common
//! colour-vision deficiencies; wherever colour carries meaning, a marker shape
//! or a text label carries it too. Callers put a data table beside every chart
//! (see [`crate::document::Figure`]).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish
/// green, yellow, blue, vermillion, reddish purple, black.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x00, 0x00),
];
/// Named Okabe–Ito colours used for fixed meanings.
pub const ORANGE: RGBColor = OKABE_ITO[0];
pub const SKY_BLUE: RGBColor = OKABE_ITO[1];
pub const BLUISH_GREEN: RGBColor = OKABE_ITO[2];
pub const BLUE: RGBColor = OKABE_ITO[4];
pub const VERMILLION: RGBColor = OKABE_ITO[5];
pub const REDDISH_PURPLE: RGBColor = OKABE_ITO[6];
/// For "other" and context series.
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// For context lines behind highlighted ones.
pub const LIGHT_GREY: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

/// The `i`-th series colour: the palette without black and yellow first (they
/// read worst as areas), then shades of grey.
pub fn series_colour(i: usize) -> RGBColor {
    const ORDER: [usize; 7] = [4, 0, 2, 5, 1, 6, 3];
    match ORDER.get(i) {
        Some(&k) => OKABE_ITO[k],
        None => {
            let g = 60 + ((i - ORDER.len()) * 37 % 150) as u8;
            RGBColor(g, g, g)
        }
    }
}

/// A chart could not be drawn (plotters reported an error).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("chart \"{chart}\": {message}")]
pub struct ChartError {
    pub chart: String,
    pub message: String,
}

fn fail(chart: &str) -> impl Fn(&dyn std::fmt::Display) -> ChartError + '_ {
    move |e| ChartError {
        chart: chart.to_string(),
        message: e.to_string(),
    }
}

macro_rules! tryc {
    ($chart:expr, $e:expr) => {
        $e.map_err(|e| fail($chart)(&e))?
    };
}

pub(crate) const FONT: &str = "sans-serif";

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Swatch {
    Box,
    Line,
    Mark(Marker),
}

/// Legend entries laid out left to right, wrapping, in rows of `LEGEND_ROW` px.
const LEGEND_ROW: u32 = 22;

fn legend_layout(entries: &[(String, RGBColor, Swatch)], width: u32) -> Vec<(i32, i32)> {
    let (mut x, mut y) = (12i32, 4i32);
    entries
        .iter()
        .map(|(name, _, _)| {
            let w = 34 + 7 * name.chars().count() as i32;
            if x + w > width as i32 - 8 && x > 12 {
                x = 12;
                y += LEGEND_ROW as i32;
            }
            let at = (x, y);
            x += w + 8;
            at
        })
        .collect()
}

pub(crate) fn legend_height(entries: &[(String, RGBColor, Swatch)], width: u32) -> u32 {
    legend_layout(entries, width)
        .last()
        .map_or(0, |&(_, y)| y as u32 + LEGEND_ROW + 4)
}

pub(crate) fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    entries: &[(String, RGBColor, Swatch)],
    width: u32,
) -> Result<(), String> {
    for ((name, c, swatch), (x, y)) in entries.iter().zip(legend_layout(entries, width)) {
        let mid = y + LEGEND_ROW as i32 / 2;
        let e = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
        match swatch {
            Swatch::Box => area
                .draw(&Rectangle::new(
                    [(x, mid - 7), (x + 16, mid + 7)],
                    c.filled(),
                ))
                .map_err(e)?,
            Swatch::Line => area
                .draw(&PathElement::new(
                    vec![(x, mid), (x + 20, mid)],
                    c.stroke_width(3),
                ))
                .map_err(e)?,
            Swatch::Mark(m) => {
                let at = (x + 8, mid);
                match m {
                    Marker::Circle => area.draw(&Circle::new(at, 5, c.filled())),
                    Marker::Triangle => area.draw(&TriangleMarker::new(at, 6, c.filled())),
                    Marker::Cross => area.draw(&Cross::new(at, 4, c.stroke_width(2))),
                    Marker::Ring => area.draw(&Circle::new(at, 6, c.stroke_width(2))),
                    Marker::Square => area.draw(&Rectangle::new(
                        [(at.0 - 5, at.1 - 5), (at.0 + 5, at.1 + 5)],
                        c.filled(),
                    )),
                }
                .map_err(e)?
            }
        }
        area.draw(&Text::new(
            name.clone(),
            (x + 26, mid),
            TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Axis numbers: thousands separators, decimals only for small ranges.
pub fn axis_number(x: f64, span: f64) -> String {
    let s = axis_number_raw(x, span);
    // No "-0" or "-0.00" for values that round to zero.
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| matches!(c, '0' | '.' | ',')) => rest.to_string(),
        _ => s,
    }
}

fn axis_number_raw(x: f64, span: f64) -> String {
    if span >= 20.0 {
        let r = x.round() as i64;
        let digits = r.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if r < 0 { format!("-{out}") } else { out }
    } else if span >= 2.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A segmented axis with exactly `n` categories (plotters' segmented range
/// `0..k` has k + 1 segments).
fn categories(n: i32) -> std::ops::Range<i32> {
    0..(n - 1).max(1)
}

/// Marker shapes, so that groups differ by more than colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Cross,
    Square,
    /// A hollow circle, drawn around other markers to highlight them.
    Ring,
}

/// A group of points in a scatter chart.
#[derive(Debug, Clone, PartialEq)]
pub struct PointGroup {
    pub name: String,
    pub colour: RGBColor,
    pub marker: Marker,
    /// Marker radius in pixels.
    pub size: u32,
    pub points: Vec<(f64, f64)>,
}

/// A scatter chart of several point groups, drawn in order (later on top);
/// the legend sits under the plot so it never hides points.
pub fn scatter(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    groups: &[PointGroup],
) -> Result<String, ChartError> {
    let all = groups.iter().flat_map(|g| g.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    // 5% margins; a degenerate range (one point, or all equal) gets a unit-wide window.
    let pad = |a: f64, b: f64| {
        if b - a > 1e-9 {
            (b - a) * 0.05
        } else {
            (a.abs() * 0.1).max(1.0)
        }
    };
    let (px, py) = (pad(x0, x1), pad(y0, y1));
    let width = 860;
    let legend: Vec<(String, RGBColor, Swatch)> = groups
        .iter()
        .map(|g| (g.name.clone(), g.colour, Swatch::Mark(g.marker)))
        .collect();
    let lh = legend_height(&legend, width);
    let height = 500 + lh;
    let (xspan, yspan) = (x1 - x0 + 2.0 * px, y1 - y0 + 2.0 * py);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        tryc!(title, root.fill(&WHITE));
        let (plot, legend_area) = root.split_vertically(height - lh);
        let mut chart = tryc!(
            title,
            ChartBuilder::on(&plot)
                .caption(title, (FONT, 20))
                .margin(12)
                .x_label_area_size(50)
                .y_label_area_size(70)
                .build_cartesian_2d((x0 - px)..(x1 + px), (y0 - py)..(y1 + py))
        );
        tryc!(
            title,
            chart
                .configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(&|x| axis_number(*x, xspan))
                .y_label_formatter(&|y| axis_number(*y, yspan))
                .axis_desc_style((FONT, 15))
                .label_style((FONT, 12))
                .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
                .draw()
        );
        for g in groups {
            let (c, s) = (g.colour, g.size);
            let style = c.filled();
            let pts = g.points.clone();
            match g.marker {
                Marker::Circle => tryc!(
                    title,
                    chart.draw_series(pts.into_iter().map(move |p| Circle::new(p, s, style)))
                ),
                Marker::Triangle => tryc!(
                    title,
                    chart.draw_series(pts.into_iter().map(move |p| TriangleMarker::new(
                        p,
                        s as i32 + 1,
                        style
                    )))
                ),
                Marker::Cross => tryc!(
                    title,
                    chart.draw_series(pts.into_iter().map(move |p| Cross::new(
                        p,
                        s as i32,
                        c.stroke_width(1)
                    )))
                ),
                Marker::Ring => tryc!(
                    title,
                    chart.draw_series(pts.into_iter().map(move |p| Circle::new(
                        p,
                        s,
                        c.stroke_width(2)
                    )))
                ),
                Marker::Square => tryc!(
                    title,
                    chart.draw_series(pts.into_iter().map(move |p| {
                        EmptyElement::at(p)
                            + Rectangle::new(
                                [(-(s as i32), -(s as i32)), (s as i32, s as i32)],
                                style,
                            )
                    }))
                ),
            };
        }
        tryc!(title, draw_legend(&legend_area, &legend, width));
        tryc!(title, root.present());
    }
    Ok(svg)
}

/// One series of a bar chart: a value per category.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub name: String,
    pub colour: RGBColor,
    pub values: Vec<f64>,
    /// Text drawn inside each segment wide enough for it (empty: none).
    pub labels: Vec<String>,
}

/// Horizontal bars, one row per category (first category on top), the series
/// stacked left to right, the legend (when there are several series) under
/// the plot. Values must be ≥ 0.
pub fn horizontal_bars(
    title: &str,
    x_desc: &str,
    categories_: &[String],
    series: &[BarSeries],
) -> Result<String, ChartError> {
    let n = categories_.len().max(1) as i32;
    let totals: Vec<f64> = (0..categories_.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                .sum()
        })
        .collect();
    let xmax = totals.iter().cloned().fold(0.0, f64::max).max(1e-9) * 1.05;
    let longest = categories_
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4);
    let label_area = (longest as u32 * 7 + 16).clamp(60, 300);
    let width = 860;
    let legend: Vec<(String, RGBColor, Swatch)> = if series.len() > 1 {
        series
            .iter()
            .map(|s| (s.name.clone(), s.colour, Swatch::Box))
            .collect()
    } else {
        Vec::new()
    };
    let lh = legend_height(&legend, width);
    let height = 110 + 32 * n as u32 + lh;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        tryc!(title, root.fill(&WHITE));
        let (plot, legend_area) = root.split_vertically(height - lh);
        let mut chart = tryc!(
            title,
            ChartBuilder::on(&plot)
                .caption(title, (FONT, 20))
                .margin(12)
                .x_label_area_size(48)
                .y_label_area_size(label_area)
                .build_cartesian_2d(0f64..xmax, categories(n).into_segmented())
        );
        let flip = |i: usize| n - 1 - i as i32;
        tryc!(
            title,
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(n as usize)
                .y_label_formatter(&|v: &SegmentValue<i32>| match v {
                    SegmentValue::CenterOf(k) => categories_
                        .get((n - 1 - k) as usize)
                        .cloned()
                        .unwrap_or_default(),
                    _ => String::new(),
                })
                .x_label_formatter(&|x| axis_number(*x, xmax))
                .x_desc(x_desc)
                .axis_desc_style((FONT, 15))
                .label_style((FONT, 13))
                .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
                .draw()
        );
        let mut start = vec![0.0; categories_.len()];
        let px_per_unit = (width as f64 - label_area as f64 - 40.0) / xmax;
        for s in series {
            let mut rects = Vec::new();
            let mut texts = Vec::new();
            for (i, st) in start.iter_mut().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
                if v <= 0.0 {
                    continue;
                }
                let y = flip(i);
                let mut r = Rectangle::new(
                    [
                        (*st, SegmentValue::Exact(y)),
                        (*st + v, SegmentValue::Exact(y + 1)),
                    ],
                    s.colour.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                rects.push(r);
                if let Some(l) = s.labels.get(i).filter(|l| !l.is_empty())
                    && v * px_per_unit > l.chars().count() as f64 * 7.5 + 6.0
                {
                    texts.push((l.clone(), *st + v / 2.0, y, text_colour(s.colour)));
                }
                *st += v;
            }
            tryc!(title, chart.draw_series(rects));
            tryc!(
                title,
                chart.draw_series(texts.into_iter().map(|(l, x, y, tc)| {
                    Text::new(
                        l,
                        (x, SegmentValue::CenterOf(y)),
                        TextStyle::from((FONT, 12).into_font())
                            .color(tc)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )
                }))
            );
        }
        tryc!(title, draw_legend(&legend_area, &legend, width));
        tryc!(title, root.present());
    }
    Ok(svg)
}

/// Black or white, whichever reads better on `c`.
fn text_colour(c: RGBColor) -> &'static RGBColor {
    let RGBColor(r, g, b) = c;
    let luma = 0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64;
    if luma > 140.0 { &BLACK } else { &WHITE }
}

/// One cell of a heatmap: a class (index into the legend) and a short text.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    pub class: usize,
    pub text: String,
}

/// A grid of classified cells; `cells[row][col]`, first row on top. `classes`
/// names and colours the legend entries (drawn under the plot).
pub fn heatmap(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    columns: &[String],
    rows: &[String],
    cells: &[Vec<HeatCell>],
    classes: &[(String, RGBColor)],
) -> Result<String, ChartError> {
    let (nc, nr) = (columns.len().max(1) as i32, rows.len().max(1) as i32);
    let width = (120 + 60 * nc as u32).clamp(560, 860);
    let legend: Vec<(String, RGBColor, Swatch)> = classes
        .iter()
        .map(|(n, c)| (n.clone(), *c, Swatch::Box))
        .collect();
    let lh = legend_height(&legend, width);
    let height = 130 + 24 * nr as u32 + lh;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        tryc!(title, root.fill(&WHITE));
        let (plot, legend_area) = root.split_vertically(height - lh);
        let mut chart = tryc!(
            title,
            ChartBuilder::on(&plot)
                .caption(title, (FONT, 20))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(70)
                .build_cartesian_2d(
                    categories(nc).into_segmented(),
                    categories(nr).into_segmented()
                )
        );
        let fmt_col = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(k) => columns.get(*k as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let fmt_row = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(k) => {
                rows.get((nr - 1 - k) as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        tryc!(
            title,
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(nc as usize)
                .y_labels(nr as usize)
                .x_label_formatter(&fmt_col)
                .y_label_formatter(&fmt_row)
                .x_desc(x_desc)
                .y_desc(y_desc)
                .axis_desc_style((FONT, 15))
                .label_style((FONT, 12))
                .draw()
        );
        let mut rects = Vec::new();
        let mut texts = Vec::new();
        for (r, row) in cells.iter().enumerate() {
            let y = nr - 1 - r as i32;
            for (c, cell) in row.iter().enumerate() {
                let colour = classes.get(cell.class).map_or(GREY, |(_, k)| *k);
                let mut rect = Rectangle::new(
                    [
                        (SegmentValue::Exact(c as i32), SegmentValue::Exact(y)),
                        (
                            SegmentValue::Exact(c as i32 + 1),
                            SegmentValue::Exact(y + 1),
                        ),
                    ],
                    colour.filled(),
                );
                rect.set_margin(1, 1, 1, 1);
                rects.push(rect);
                texts.push((cell.text.clone(), c as i32, y, text_colour(colour)));
            }
        }
        tryc!(title, chart.draw_series(rects));
        tryc!(
            title,
            chart.draw_series(texts.into_iter().map(|(t, x, y, tc)| {
                Text::new(
                    t,
                    (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                    TextStyle::from((FONT, 11).into_font())
                        .color(tc)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )
            }))
        );
        tryc!(title, draw_legend(&legend_area, &legend, width));
        tryc!(title, root.present());
    }
    Ok(svg)
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub colour: RGBColor,
    pub points: Vec<(f64, f64)>,
    /// Listed in the legend under the plot (context lines are not).
    pub in_legend: bool,
}

/// A line chart with a fixed y range (e.g. 0–100 for positions).
pub fn lines(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    y_range: (f64, f64),
    series: &[Line],
    size: (u32, u32),
) -> Result<String, ChartError> {
    let xmax = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let legend: Vec<(String, RGBColor, Swatch)> = series
        .iter()
        .filter(|s| s.in_legend)
        .map(|s| (s.name.clone(), s.colour, Swatch::Line))
        .collect();
    let lh = legend_height(&legend, size.0);
    let height = size.1 + lh;
    let yspan = y_range.1 - y_range.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (size.0, height)).into_drawing_area();
        tryc!(title, root.fill(&WHITE));
        let (plot, legend_area) = root.split_vertically(size.1);
        let mut chart = tryc!(
            title,
            ChartBuilder::on(&plot)
                .caption(title, (FONT, 16))
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(0f64..xmax, y_range.0..y_range.1)
        );
        tryc!(
            title,
            chart
                .configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(&|x| axis_number(*x, xmax.max(20.0)))
                .y_label_formatter(&|y| axis_number(*y, yspan))
                .axis_desc_style((FONT, 13))
                .label_style((FONT, 11))
                .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
                .draw()
        );
        for s in series {
            tryc!(
                title,
                chart.draw_series(LineSeries::new(
                    s.points.clone(),
                    s.colour.stroke_width(if s.in_legend { 2 } else { 1 })
                ))
            );
        }
        tryc!(title, draw_legend(&legend_area, &legend, size.0));
        tryc!(title, root.present());
    }
    Ok(svg)
}
