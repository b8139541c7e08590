//! Small helpers shared by the text readers: splitting a line into cells and
//! reading numbers with located errors.

use crate::error::{Error, Result};

/// Splits one line at `sep`, honouring double quotes (a quoted cell may contain `sep`;
/// `""` inside quotes is a literal quote). Cells are trimmed and unquoted.
pub(crate) fn split_cells(line: &str, sep: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.trim().is_empty() {
            cur.clear();
            in_quotes = true;
        } else if c == sep {
            cells.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    cells.push(cur.trim().to_string());
    cells
}

/// Parses a finite number from a cell, or says where and why it is not one.
pub(crate) fn number(cell: &str, line: usize, column: usize, field: &str) -> Result<f64> {
    if cell.is_empty() {
        return Err(Error::parse(
            line,
            column,
            field,
            "the cell is empty",
            format!("write the {field} as a number"),
        ));
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(Error::parse(
            line,
            column,
            field,
            format!("\"{cell}\" is not a number"),
            format!("write the {field} as a plain decimal number such as 42.5"),
        )),
    }
}

/// Lines of a text with their 1-based numbers, without a byte-order mark and `\r`.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
}

/// Reads a whole input file; the only file access the readers share.
pub(crate) fn read_text(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
