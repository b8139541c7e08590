//! `summary.md`: the report's sections as Markdown (GitHub-flavoured tables),
//! for a wiki, a pull request or an e-mail. Charts are named, not drawn; the
//! data tables behind them are included when short (not for small multiples).

use std::fmt::Write;

use crate::document::{DataTable, LONG_TABLE_ROWS, Section};

/// Figure tables longer than this are left to the HTML report and the exports,
/// and so are the tables of small multiples (`Section::grid`).
pub const MD_TABLE_ROWS: usize = 40;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// One table in Markdown.
pub fn table_md(t: &DataTable) -> String {
    let mut out = String::new();
    if !t.caption.is_empty() {
        writeln!(out, "*{}*\n", cell(&t.caption)).unwrap();
    }
    writeln!(
        out,
        "| {} |",
        t.headers
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )
    .unwrap();
    writeln!(
        out,
        "|{}",
        t.headers.iter().map(|_| "---|").collect::<String>()
    )
    .unwrap();
    for r in &t.rows {
        writeln!(
            out,
            "| {} |",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        )
        .unwrap();
    }
    out
}

/// The Markdown summary of `sections`. `files` lists the report's other files.
pub fn render_markdown(
    title: &str,
    disclaimer: &str,
    sections: &[Section],
    files: &[String],
) -> String {
    let mut out = String::new();
    writeln!(out, "# {title}\n").unwrap();
    if !disclaimer.is_empty() {
        writeln!(out, "> **Disclaimer.** {disclaimer}\n").unwrap();
    }
    for s in sections {
        writeln!(out, "## {}\n", s.heading).unwrap();
        for p in &s.paragraphs {
            writeln!(out, "{p}\n").unwrap();
        }
        for t in &s.tables {
            if t.rows.len() <= LONG_TABLE_ROWS {
                writeln!(out, "{}", table_md(t)).unwrap();
            } else {
                writeln!(
                    out,
                    "*{}*: {} rows, in report.html.\n",
                    cell(&t.caption),
                    t.rows.len()
                )
                .unwrap();
            }
        }
        for f in &s.figures {
            writeln!(out, "### {}\n", f.title).unwrap();
            writeln!(out, "{}\n", f.description).unwrap();
            if f.table.rows.len() <= MD_TABLE_ROWS && !s.grid {
                writeln!(out, "{}", table_md(&f.table)).unwrap();
            } else {
                writeln!(
                    out,
                    "The chart and its {} rows of data are in report.html.\n",
                    f.table.rows.len()
                )
                .unwrap();
            }
        }
    }
    if !files.is_empty() {
        writeln!(out, "## Files\n").unwrap();
        for f in files {
            writeln!(out, "- `{f}`").unwrap();
        }
    }
    out
}
