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
/// Largest data file read (the DEU III file is under 1 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) fn read_text(path: &std::path::Path) -> Result<String> {
    let io = |message: String| Error::Io {
        path: path.display().to_string(),
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| io(e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(io(format!(
            "the file is {:.0} MB, more than the {} MB accepted; is it the right file?",
            size as f64 / 1e6,
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| io(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        io(format!(
            "line {line}: the file is not UTF-8 text (invalid byte at offset {at}); save it as UTF-8"
        ))
    })
}
