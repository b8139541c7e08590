//! Reader for KTAB's SMP CSV input format.
//!
//! ```text
//! <scenario name>,<description>,<number of actors>,<number of dimensions>[,...]
//! Actor,Description,<capability label>,<dim 1 name>,<salience 1 label>,...
//! <actor>,<description>,<capability>,<position 1>,<salience 1>,...   (one row per actor)
//! ```
//! Positions and saliences are on 0–100. Trailing commas (empty trailing cells) and
//! `\r\n` line ends are accepted, as are extra cells after the counts on line 1 (KTAB's
//! `dummyData_6Dim.csv` has them). Every other deviation is an [`Error::Parse`] that
//! names the line and the column (cell) and says how to fix it.

use std::path::Path;

use crate::error::{Error, Result};
use crate::scenario::{Actor, SALIENCE_SUM_TOLERANCE, Scenario};
use crate::text::{number, numbered_lines, read_text, split_cells};

/// Reads a KTAB CSV file from disk. See [`parse_ktab_csv`].
pub fn read_ktab_csv(path: impl AsRef<Path>) -> Result<Scenario> {
    let text = read_text(path.as_ref())?;
    parse_ktab_csv(&text)
}

/// Drops empty cells at the end of a row (trailing commas).
fn trim_trailing(mut cells: Vec<String>) -> Vec<String> {
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells
}

fn count(
    cell: Option<&String>,
    line: usize,
    column: usize,
    field: &str,
    min: usize,
) -> Result<usize> {
    let fix = format!(
        "line 1 must read <name>,<description>,<actors>,<dimensions>; give the {field} as a whole number ≥ {min}"
    );
    let cell = cell.ok_or_else(|| Error::parse(line, column, field, "missing", fix.clone()))?;
    match cell.parse::<usize>() {
        Ok(v) if v >= min => Ok(v),
        Ok(v) => Err(Error::parse(
            line,
            column,
            field,
            format!("{v} is below {min}"),
            fix,
        )),
        Err(_) => Err(Error::parse(
            line,
            column,
            field,
            format!("\"{cell}\" is not a whole number"),
            fix,
        )),
    }
}

/// Largest KTAB scenario accepted: SMP's cost grows with the cube of the actor
/// count per step (KTAB's largest bundled input has 80 actors).
pub const MAX_ACTORS: usize = 1000;
/// Largest number of dimensions accepted.
pub const MAX_DIMENSIONS: usize = 100;

/// Parses KTAB CSV text into a [`Scenario`] (positions and saliences 0–100).
///
/// Checks: line 1 has the actor and dimension counts (≥ 2 actors, ≥ 1 dimension);
/// line 2 has exactly 3 + 2 × dimensions labels; exactly that many actor rows follow,
/// each with 3 + 2 × dimensions cells; numbers are numbers; capability > 0;
/// positions and saliences within 0–100; each actor's saliences sum to at most 100
/// and are not all 0.
pub fn parse_ktab_csv(text: &str) -> Result<Scenario> {
    let mut lines =
        numbered_lines(text).filter(|(_, l)| !l.trim().trim_matches(',').trim().is_empty());
    let Some((l1, first)) = lines.next() else {
        return Err(Error::parse(
            1,
            1,
            "scenario line",
            "the file is empty",
            "start with <name>,<description>,<actors>,<dimensions> then a header line and one line per actor",
        ));
    };
    let head = split_cells(first, ',');
    let n = count(head.get(2), l1, 3, "number of actors", 2)?;
    let d = count(head.get(3), l1, 4, "number of dimensions", 1)?;
    if n > MAX_ACTORS || d > MAX_DIMENSIONS {
        return Err(Error::parse(
            l1,
            if n > MAX_ACTORS { 3 } else { 4 },
            "scenario line",
            format!(
                "{n} actors × {d} dimensions is beyond what a bargaining forecast can run (at most {MAX_ACTORS} actors and {MAX_DIMENSIONS} dimensions)"
            ),
            "split the scenario, or merge minor actors into blocs",
        ));
    }
    let width = 3 + 2 * d;

    let Some((l2, header_line)) = lines.next() else {
        return Err(Error::parse(
            l1 + 1,
            1,
            "header line",
            "missing",
            format!(
                "add the header Actor,Description,Power then a position and a salience label for each of the {d} dimensions"
            ),
        ));
    };
    let header = trim_trailing(split_cells(header_line, ','));
    if header.len() != width {
        return Err(Error::parse(
            l2,
            header.len().min(width) + 1,
            "header line",
            format!(
                "{} labels, but line 1 declares {d} dimension(s), which needs 3 + 2 × {d} = {width}",
                header.len()
            ),
            "make the dimension count on line 1 (column 4) match the position/salience label pairs on line 2",
        ));
    }
    let dimensions: Vec<String> = (0..d).map(|k| header[3 + 2 * k].clone()).collect();

    let mut actors = Vec::with_capacity(n);
    let mut last_line = l2;
    for (ln, line) in lines {
        last_line = ln;
        if actors.len() == n {
            return Err(Error::parse(
                ln,
                1,
                "actor row",
                format!("more actor rows than the {n} declared on line 1"),
                "raise the actor count on line 1 (column 3) or delete the extra rows",
            ));
        }
        let actor = parse_actor_row(&split_cells(line, ','), ln, &dimensions)?;
        if actors.iter().any(|a: &Actor| a.name == actor.name) {
            return Err(Error::parse(
                ln,
                1,
                "actor name",
                format!("actor \"{}\" appears twice", actor.name),
                "give every actor its own name (results are reported by name)",
            ));
        }
        actors.push(actor);
    }
    if actors.len() < n {
        return Err(Error::parse(
            last_line + 1,
            1,
            "actor row",
            format!(
                "line 1 declares {n} actors but only {} actor rows follow",
                actors.len()
            ),
            "add the missing actor rows or lower the actor count on line 1 (column 3)",
        ));
    }
    Ok(Scenario {
        name: head.first().cloned().unwrap_or_default(),
        description: head.get(1).cloned().unwrap_or_default(),
        dimensions,
        actors,
    })
}

fn parse_actor_row(raw: &[String], ln: usize, dims: &[String]) -> Result<Actor> {
    let d = dims.len();
    let width = 3 + 2 * d;
    let cells = trim_trailing(raw.to_vec());
    if cells.len() < width {
        let missing = cells.len() + 1;
        let what = column_name(missing, dims);
        return Err(Error::parse(
            ln,
            missing,
            what.clone(),
            format!(
                "the row has {} cells, expected {width}; the {what} is missing",
                cells.len()
            ),
            "give name, description, capability, then a position and a salience for every dimension",
        ));
    }
    if cells.len() > width {
        return Err(Error::parse(
            ln,
            width + 1,
            "extra cell",
            format!("the row has {} cells, expected {width}", cells.len()),
            "remove the extra cells, or fix the dimension count on line 1 (column 4)",
        ));
    }
    let name = cells[0].clone();
    if name.is_empty() {
        return Err(Error::parse(
            ln,
            1,
            "actor name",
            "the name is empty",
            "give every actor a name",
        ));
    }
    let capability = number(&cells[2], ln, 3, "capability")?;
    if capability <= 0.0 {
        return Err(Error::parse(
            ln,
            3,
            "capability",
            format!("{capability} is not positive"),
            "give a capability > 0 (drop actors without capability)",
        ));
    }
    let mut positions = Vec::with_capacity(d);
    let mut saliences = Vec::with_capacity(d);
    for k in 0..d {
        let (pc, sc) = (4 + 2 * k, 5 + 2 * k);
        let pos_field = column_name(pc, dims);
        let sal_field = column_name(sc, dims);
        let p = number(&cells[pc - 1], ln, pc, &pos_field)?;
        let s = number(&cells[sc - 1], ln, sc, &sal_field)?;
        if !(0.0..=100.0).contains(&p) {
            return Err(Error::parse(
                ln,
                pc,
                pos_field,
                format!("{p} is outside 0–100"),
                "positions are on the 0–100 scale",
            ));
        }
        if !(0.0..=100.0).contains(&s) {
            return Err(Error::parse(
                ln,
                sc,
                sal_field,
                format!("{s} is outside 0–100"),
                "saliences are on the 0–100 scale",
            ));
        }
        positions.push(p);
        saliences.push(s);
    }
    let total: f64 = saliences.iter().sum();
    if total > 100.0 + SALIENCE_SUM_TOLERANCE {
        return Err(Error::parse(
            ln,
            5,
            "saliences",
            format!("the saliences of \"{name}\" sum to {total}, over 100"),
            "scale this actor's saliences so that they sum to at most 100",
        ));
    }
    if total == 0.0 {
        return Err(Error::parse(
            ln,
            5,
            "saliences",
            format!("every salience of \"{name}\" is 0"),
            "give the actor a positive salience on some dimension, or delete the row",
        ));
    }
    Ok(Actor {
        name,
        description: cells[1].clone(),
        capability,
        positions,
        saliences,
    })
}

/// Human name of a 1-based column of an actor row.
fn column_name(column: usize, dims: &[String]) -> String {
    match column {
        1 => "actor name".into(),
        2 => "description".into(),
        3 => "capability".into(),
        c => {
            let k = (c - 4) / 2;
            let dim = dims.get(k).map(String::as_str).unwrap_or("?");
            if (c - 4) % 2 == 0 {
                format!("position on \"{dim}\"")
            } else {
                format!("salience on \"{dim}\"")
            }
        }
    }
}
