//! The self-contained HTML report: one file with inline CSS and inline SVG
//! charts, no scripts, no fonts, no network (a Content-Security-Policy of
//! `default-src 'none'` makes the browser refuse any fetch).
//!
//! It renders the [`crate::document`] types; `markdown` renders the same
//! sections as Markdown.

use std::fmt::Write;

use crate::charts::ChartError;
use crate::document::{
    CELL_CLASSES, DataTable, Figure, LONG_TABLE_ROWS, ReportInput, Section, document_title,
};
use crate::sections::all_sections;

/// The full HTML report.
pub fn render_report_html(input: &ReportInput) -> Result<String, ChartError> {
    Ok(render_document(
        &document_title(input.scenario),
        &input.scenario.meta.disclaimer,
        &all_sections(input)?,
    ))
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1a1a1a; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
header { border-bottom: 3px solid #0072B2; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
.disclaimer { background: #fff6d6; border-left: 4px solid #E69F00; padding: 0.6rem 0.9rem; margin: 0.8rem 0 1.2rem; }
nav ol { columns: 2; padding-left: 1.4rem; margin: 0.3rem 0 1rem; }
figure { margin: 1.2rem 0; padding: 0.6rem; border: 1px solid #ddd; border-radius: 4px; page-break-inside: avoid; }
figure .chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-size: 0.92rem; color: #333; margin: 0.2rem 0 0.4rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #d4d4d4; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f1f4f8; }
td:first-child { white-space: nowrap; }
td.accepts { background: #0072B2; color: #fff; }
td.red-line { background: #D55E00; color: #fff; }
td.utility { background: #F0E442; color: #000; }
td[title] { cursor: help; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
details { margin: 0.3rem 0; }
summary { cursor: pointer; color: #0b5394; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0.6rem; }
.grid figure { margin: 0; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #555; }
@media print { nav { display: none; } a { color: inherit; } figure { break-inside: avoid; } }
"#;

fn is_number(s: &str) -> bool {
    let t = s.trim_start_matches(['+', '-', '−', '★', ' ']);
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '%' | 'e' | '-'))
}

/// One table as HTML.
pub fn table_html(t: &DataTable) -> String {
    let mut out = String::from("<table>");
    if !t.caption.is_empty() {
        write!(out, "<caption>{}</caption>", esc(&t.caption)).unwrap();
    }
    out.push_str("<thead><tr>");
    for h in &t.headers {
        write!(out, "<th scope=\"col\">{}</th>", esc(h)).unwrap();
    }
    out.push_str("</tr></thead><tbody>");
    for (i, r) in t.rows.iter().enumerate() {
        out.push_str("<tr>");
        for (j, c) in r.iter().enumerate() {
            let mut classes = Vec::new();
            if is_number(c) {
                classes.push("num");
            }
            if let Some(m) = t.marks.get(i).and_then(|m| m.get(j))
                && let Some(known) = CELL_CLASSES.iter().find(|k| *k == m)
            {
                classes.push(known);
            }
            out.push_str("<td");
            if !classes.is_empty() {
                write!(out, " class=\"{}\"", classes.join(" ")).unwrap();
            }
            if let Some(n) = t
                .notes
                .get(i)
                .and_then(|n| n.get(j))
                .filter(|n| !n.is_empty())
            {
                write!(out, " title=\"{}\"", esc(n)).unwrap();
            }
            write!(out, ">{}</td>", esc(c)).unwrap();
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// Chart data tables longer than this are folded behind a `<details>` element.
const FOLD_ROWS: usize = 12;

fn figure_html(f: &Figure) -> String {
    let mut out = String::new();
    let title_id = format!("{}-title", f.id);
    write!(
        out,
        "<figure id=\"{}\" aria-labelledby=\"{title_id}\"><h3 id=\"{title_id}\">{}</h3><figcaption>{}</figcaption><div class=\"chart\" role=\"img\" aria-label=\"{}\">{}</div>",
        esc(&f.id),
        esc(&f.title),
        esc(&f.description),
        esc(&f.title),
        f.svg
    )
    .unwrap();
    write!(
        out,
        "<details{}><summary>Data behind this chart ({} rows)</summary>{}</details></figure>",
        if f.table.rows.len() <= FOLD_ROWS {
            " open"
        } else {
            ""
        },
        f.table.rows.len(),
        table_html(&f.table)
    )
    .unwrap();
    out
}

/// The HTML document for `sections`.
pub fn render_document(title: &str, disclaimer: &str, sections: &[Section]) -> String {
    let mut out = String::new();
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"guarantor {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<header><h1>{}</h1>",
        env!("CARGO_PKG_VERSION"),
        esc(title),
        esc(title)
    )
    .unwrap();
    if !disclaimer.is_empty() {
        write!(
            out,
            "<p class=\"disclaimer\"><strong>Disclaimer.</strong> {}</p>",
            esc(disclaimer)
        )
        .unwrap();
    }
    out.push_str("</header>\n<nav aria-label=\"Contents\"><strong>Contents</strong><ol>");
    for s in sections {
        write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            esc(&s.id),
            esc(&s.heading)
        )
        .unwrap();
    }
    out.push_str("</ol></nav>\n");
    for s in sections {
        write!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            esc(&s.id),
            esc(&s.heading)
        )
        .unwrap();
        for p in &s.paragraphs {
            writeln!(out, "<p>{}</p>", esc(p)).unwrap();
        }
        let long = |t: &&DataTable| t.rows.len() > LONG_TABLE_ROWS;
        for t in s.tables.iter().filter(|t| !long(t)) {
            out.push_str(&table_html(t));
            out.push('\n');
        }
        let small = s.grid && s.figures.len() > 1;
        if small {
            out.push_str("<div class=\"grid\">");
        }
        for f in &s.figures {
            out.push_str(&figure_html(f));
            out.push('\n');
        }
        if small {
            out.push_str("</div>");
        }
        // Long tables are folded and come after the charts.
        for t in s.tables.iter().filter(long) {
            writeln!(
                out,
                "<details><summary>{} ({} rows)</summary>{}</details>",
                esc(&t.caption),
                t.rows.len(),
                table_html(t)
            )
            .unwrap();
        }
        out.push_str("</section>\n");
    }
    write!(
        out,
        "<footer>Generated by guarantor {} — charts drawn with plotters; colours from the Okabe–Ito palette. This file loads nothing from the network.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )
    .unwrap();
    out
}
