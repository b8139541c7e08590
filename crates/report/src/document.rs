//! The report as a document: sections of paragraphs, tables and figures, each
//! figure with the table of its data. `sections` builds them from an
//! evaluation; `html` and `markdown` render them. This module depends on
//! nothing else in the crate.
//!
//! **Extension point**: another analysis builds its own [`Section`]s — with
//! charts from [`crate::charts`] and a [`DataTable`] behind each — and passes
//! them in [`ReportInput::extra_sections`]; they are placed after the built-in
//! analysis sections and before the sources.

use guarantor_bargaining::Forecast;
use guarantor_engine::{Evaluation, PackageVerdict};
use guarantor_model::Scenario;

/// A table of strings with a caption: the data behind a chart, or a table of its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataTable {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Optional per-cell tooltip (`title`), same shape as `rows`; empty strings for none.
    pub notes: Vec<Vec<String>>,
    /// Optional per-cell class (one of [`CELL_CLASSES`]), same shape as `rows`.
    pub marks: Vec<Vec<String>>,
}

/// Cell classes a [`DataTable`] may use, with their colours in the report's CSS.
pub const CELL_CLASSES: [&str; 3] = ["accepts", "red-line", "utility"];

/// A chart (inline SVG) with its title, a sentence on how to read it and the
/// table of the data it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Unique within the document; used as the HTML id.
    pub id: String,
    pub title: String,
    pub description: String,
    /// One `<svg>` element from [`crate::charts`].
    pub svg: String,
    pub table: DataTable,
}

/// One section of the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    /// Unique within the document; used as the HTML id and in the contents.
    pub id: String,
    pub heading: String,
    /// Plain-text paragraphs (escaped when rendered).
    pub paragraphs: Vec<String>,
    pub tables: Vec<DataTable>,
    pub figures: Vec<Figure>,
    /// Lay the figures out side by side (small multiples).
    pub grid: bool,
}

/// A negotiation forecast to show: the model's trajectories and the package
/// nearest its forecast point.
#[derive(Debug, Clone, Copy)]
pub struct ForecastInput<'a> {
    pub forecast: &'a Forecast,
    pub nearest: Option<&'a PackageVerdict>,
}

/// Everything the report shows.
pub struct ReportInput<'a> {
    pub scenario: &'a Scenario,
    pub evaluation: &'a Evaluation,
    pub forecast: Option<ForecastInput<'a>>,
    /// Sections added by other analyses (see the module documentation).
    pub extra_sections: Vec<Section>,
}

/// Section tables longer than this are folded and placed after the charts
/// (and left out of the Markdown summary).
pub const LONG_TABLE_ROWS: usize = 40;

/// The report's title: scenario id and title.
pub fn document_title(s: &Scenario) -> String {
    format!("{} — {}", s.meta.id, s.meta.title)
}
