//! How verdicts move from one dated scenario to the next, and why.
//!
//! A timeline is a list of scenarios in date order (`meta.as_of`). Each step
//! compares two neighbours with the machinery of [`crate::diff`] (packages
//! matched by their component → option ids, not by their position) and
//! explains the moves: the inputs are diffed as *units* — a red line, an
//! option, a capability of a contributor, one level, one position — and every
//! unit that can move a verdict is applied to the earlier scenario **alone**;
//! the scenario is evaluated again, and a package's move is attributed to the
//! units that reproduce it on their own (see [`attribute`]).
//!
//! The module evaluates nothing itself: the caller passes an evaluator (scenario
//! text → package records), so this crate keeps out of the engine.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use toml::Value;

use crate::PackageRecord;
use crate::diff::{Ranked, Verdict, VerdictChange, verdict_changes};

/// One dated scenario: its id, title, date, text, and its package verdicts in
/// rank order (best first).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: String,
    pub title: String,
    pub as_of: String,
    pub text: String,
    pub packages: Vec<PackageRecord>,
}

/// One step of a segment of a key path: a table key, an element of an array of
/// tables addressed by its `id`, or by its index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Id(String),
    Index(usize),
}

/// What a unit of change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Edit {
    Added,
    Removed,
    Changed,
}

/// One unit of input change between two scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputUnit {
    /// Dotted path, as [`crate::diff::InputChange`] writes it
    /// (`actors.us.red_lines.no_nato_troops_in_ukraine`).
    pub path: String,
    /// `red line`, `option`, `capacity`, `level`, `position`, `requirement`,
    /// `parameter`, `wording` or `other` (see [`kind_of`]).
    pub kind: String,
    pub edit: Edit,
    /// The value before (a TOML fragment), absent when added.
    pub before: Option<String>,
    /// The value after, absent when removed.
    pub after: Option<String>,
    /// Whether the unit was applied alone and re-evaluated (wording never is:
    /// it cannot move a verdict).
    pub tested: bool,
    /// Why it could not be tested alone (e.g. it names an option another
    /// unit adds), when it could not.
    pub untestable: Option<String>,
    #[serde(skip)]
    segs: Vec<Seg>,
    #[serde(skip)]
    value_after: Option<Value>,
}

impl InputUnit {
    /// "red line actors.us.red_lines.x added", "position actors.us.position.army_cap 0.3 → 1".
    pub fn describe(&self) -> String {
        match self.edit {
            Edit::Added => format!("{} {} added", self.kind, self.path),
            Edit::Removed => format!("{} {} removed", self.kind, self.path),
            Edit::Changed => format!(
                "{} {}: {} → {}",
                self.kind,
                self.path,
                short(self.before.as_deref().unwrap_or("")),
                short(self.after.as_deref().unwrap_or(""))
            ),
        }
    }
}

/// A value shortened for one line of text.
fn short(v: &str) -> String {
    let v = v.replace('\n', " ");
    if v.chars().count() > 60 {
        format!("{}…", v.chars().take(59).collect::<String>())
    } else {
        v
    }
}

/// Keys whose values are words for people: changing them cannot move a verdict.
pub const WORDING_KEYS: [&str; 12] = [
    "name",
    "short",
    "note",
    "notes",
    "statement",
    "source",
    "label",
    "citation",
    "url",
    "disclaimer",
    "title",
    "date",
];

/// The kind of an input path, for people: what a planner calls the change.
///
/// `actors.X.red_lines.Y…` is a red line; `components.C.options.O.tasks…` a
/// requirement and `….levels…` a level; other `components.C.options.O…` an
/// option; `actors.X.inventory…` a capacity; `actors.X.position…` or
/// `….salience…` a position; `parameters…` a parameter; a last key in
/// [`WORDING_KEYS`] is wording (checked first).
pub fn kind_of(path: &[&str]) -> &'static str {
    if path.last().is_some_and(|k| WORDING_KEYS.contains(k)) {
        return "wording";
    }
    match path {
        ["actors", _, "red_lines", ..] => "red line",
        ["actors", _, "inventory", ..] => "capacity",
        ["actors", _, "position" | "salience", ..] => "position",
        ["components", _, "options", _, "tasks", ..] => "requirement",
        ["components", _, "options", _, "levels", ..] => "level",
        ["components", _, "options", ..] => "option",
        ["parameters", ..] => "parameter",
        _ => "other",
    }
}

fn seg_text(s: &Seg) -> String {
    match s {
        Seg::Key(k) | Seg::Id(k) => {
            if !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                k.clone()
            } else {
                format!("\"{}\"", k.replace('"', "\\\""))
            }
        }
        Seg::Index(i) => format!("[{i}]"),
    }
}

fn path_text(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Index(_) => out.push_str(&seg_text(s)),
            _ => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&seg_text(s));
            }
        }
    }
    out
}

fn fragment(v: &Value) -> String {
    v.to_string()
}

/// The ids of an array of tables, when every element has a distinct string `id`.
fn ids_of(items: &[Value]) -> Option<Vec<&str>> {
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i.get("id").and_then(Value::as_str))
        .collect::<Option<_>>()?;
    let distinct: BTreeSet<&&str> = ids.iter().collect();
    (!items.is_empty() && distinct.len() == ids.len() && items.iter().all(Value::is_table))
        .then_some(ids)
}

fn unit(segs: Vec<Seg>, before: Option<&Value>, after: Option<&Value>) -> InputUnit {
    let words: Vec<&str> = segs
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) | Seg::Id(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    InputUnit {
        path: path_text(&segs),
        kind: kind_of(&words).to_string(),
        edit: match (before, after) {
            (None, _) => Edit::Added,
            (_, None) => Edit::Removed,
            _ => Edit::Changed,
        },
        before: before.map(fragment),
        after: after.map(fragment),
        tested: false,
        untestable: None,
        value_after: after.cloned(),
        segs,
    }
}

fn diff_values(segs: &mut Vec<Seg>, a: &Value, b: &Value, out: &mut Vec<InputUnit>) {
    match (a, b) {
        (Value::Table(ta), Value::Table(tb)) => {
            let keys: BTreeSet<&String> = ta.keys().chain(tb.keys()).collect();
            for k in keys {
                segs.push(Seg::Key(k.clone()));
                match (ta.get(k), tb.get(k)) {
                    (Some(x), Some(y)) => diff_values(segs, x, y, out),
                    // A new or dropped array of id-keyed tables: one unit per
                    // element (a red line each), as when the array exists.
                    (Some(Value::Array(x)), None) if ids_of(x).is_some() => {
                        diff_values(
                            segs,
                            &Value::Array(x.clone()),
                            &Value::Array(Vec::new()),
                            out,
                        );
                    }
                    (None, Some(Value::Array(y))) if ids_of(y).is_some() => {
                        diff_values(
                            segs,
                            &Value::Array(Vec::new()),
                            &Value::Array(y.clone()),
                            out,
                        );
                    }
                    (x, y) => out.push(unit(segs.clone(), x, y)),
                }
                segs.pop();
            }
        }
        (Value::Array(xa), Value::Array(xb)) => match (
            ids_of(xa).or_else(|| xa.is_empty().then(Vec::new)),
            ids_of(xb).or_else(|| xb.is_empty().then(Vec::new)),
        ) {
            (Some(ia), Some(ib)) if !(ia.is_empty() && ib.is_empty()) => {
                let mut seen = BTreeSet::new();
                for (id, x) in ia.iter().zip(xa) {
                    seen.insert(*id);
                    segs.push(Seg::Id((*id).to_string()));
                    match ib.iter().position(|j| j == id) {
                        Some(n) => diff_values(segs, x, &xb[n], out),
                        None => out.push(unit(segs.clone(), Some(x), None)),
                    }
                    segs.pop();
                }
                for (id, y) in ib.iter().zip(xb) {
                    if !seen.contains(id) {
                        segs.push(Seg::Id((*id).to_string()));
                        out.push(unit(segs.clone(), None, Some(y)));
                        segs.pop();
                    }
                }
            }
            _ if xa.len() == xb.len()
                && !xa.is_empty()
                && xa.iter().chain(xb).all(Value::is_table) =>
            {
                for (n, (x, y)) in xa.iter().zip(xb).enumerate() {
                    segs.push(Seg::Index(n));
                    diff_values(segs, x, y, out);
                    segs.pop();
                }
            }
            _ if a != b => out.push(unit(segs.clone(), Some(a), Some(b))),
            _ => {}
        },
        _ if a != b => out.push(unit(segs.clone(), Some(a), Some(b))),
        _ => {}
    }
}

/// The text could not be read as TOML.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{scenario}: not a TOML scenario: {message}")]
pub struct TimelineError {
    pub scenario: String,
    pub message: String,
}

fn parse(name: &str, text: &str) -> Result<Value, TimelineError> {
    text.parse::<toml::Table>()
        .map(Value::Table)
        .map_err(|e| TimelineError {
            scenario: name.to_string(),
            message: e.to_string(),
        })
}

/// Every unit of input change from `a` to `b`, in path order, leaving out
/// `[meta]` (titles, dates and sources move no verdict). An added or removed
/// table or id-keyed element is one unit (a new red line, a new option); a
/// changed value is one unit.
pub fn input_units(a: &str, b: &str) -> Result<Vec<InputUnit>, TimelineError> {
    let (va, vb) = (parse("A", a)?, parse("B", b)?);
    let mut out = Vec::new();
    diff_values(&mut Vec::new(), &va, &vb, &mut out);
    out.retain(|u| !matches!(u.segs.first(), Some(Seg::Key(k)) if k == "meta"));
    Ok(out)
}

/// Apply one unit to a parsed scenario: set, insert or remove its value.
fn apply_unit(root: &mut Value, u: &InputUnit) -> bool {
    let Some((last, parents)) = u.segs.split_last() else {
        return false;
    };
    let mut at = root;
    for (n, s) in parents.iter().enumerate() {
        let into_ids = matches!(u.segs.get(n + 1), Some(Seg::Id(_)));
        let next = match (s, at) {
            (Seg::Key(k), Value::Table(t)) => {
                if into_ids && !t.contains_key(k) {
                    // An element of an array the scenario does not have yet.
                    t.insert(k.clone(), Value::Array(Vec::new()));
                }
                t.get_mut(k)
            }
            (Seg::Id(id), Value::Array(items)) => items
                .iter_mut()
                .find(|i| i.get("id").and_then(Value::as_str) == Some(id)),
            (Seg::Index(n), Value::Array(items)) => items.get_mut(*n),
            _ => None,
        };
        match next {
            Some(n) => at = n,
            None => return false,
        }
    }
    match (last, at, &u.value_after) {
        (Seg::Key(k), Value::Table(t), Some(v)) => {
            t.insert(k.clone(), v.clone());
        }
        (Seg::Key(k), Value::Table(t), None) => {
            t.remove(k);
        }
        (Seg::Id(id), Value::Array(items), after) => {
            let pos = items
                .iter()
                .position(|i| i.get("id").and_then(Value::as_str) == Some(id));
            match (pos, after) {
                (Some(p), Some(v)) => items[p] = v.clone(),
                (Some(p), None) => {
                    items.remove(p);
                }
                (None, Some(v)) => items.push(v.clone()),
                (None, None) => return false,
            }
        }
        (Seg::Index(n), Value::Array(items), Some(v)) if *n < items.len() => items[*n] = v.clone(),
        _ => return false,
    }
    true
}

/// The text of scenario `a` with one unit of change applied.
pub fn with_unit(a: &str, u: &InputUnit) -> Result<String, TimelineError> {
    let mut v = parse("A", a)?;
    if !apply_unit(&mut v, u) {
        return Err(TimelineError {
            scenario: "A".into(),
            message: format!("cannot apply {} to it", u.path),
        });
    }
    match v {
        Value::Table(t) => toml::to_string(&t).map_err(|e| TimelineError {
            scenario: "A".into(),
            message: e.to_string(),
        }),
        _ => Err(TimelineError {
            scenario: "A".into(),
            message: "not a table".into(),
        }),
    }
}

/// The key packages are matched by across dates: their component → option ids.
pub fn match_key(p: &PackageRecord) -> String {
    p.options
        .iter()
        .map(|(c, o)| format!("{c}={o}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn keyed(ps: &[PackageRecord]) -> Vec<PackageRecord> {
    ps.iter()
        .map(|p| PackageRecord {
            label: match_key(p),
            ..p.clone()
        })
        .collect()
}

fn verdict(p: &PackageRecord) -> Verdict {
    Verdict {
        feasible: p.feasible,
        acceptable_to_required: p.acceptable_to_required,
        passes: p.passes,
    }
}

/// One package whose verdict moved, and the input units that move it alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub package: String,
    pub title: String,
    pub before: Verdict,
    pub after: Verdict,
    /// Units that, applied alone to the earlier scenario, move the package as
    /// the later scenario does (see [`attribute`]).
    pub causes: Vec<String>,
    /// Units that move the verdict alone but not all the way (none of them
    /// reproduces the later verdict), when `causes` is empty.
    pub partial: Vec<String>,
}

/// One unit's share of the moves of a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub input: String,
    pub kind: String,
    /// The change in words ([`InputUnit::describe`]).
    pub change: String,
    /// Moves this unit reproduces alone.
    pub moves: usize,
    /// Of them, packages that go from failing to passing, and back.
    pub to_pass: usize,
    pub to_fail: usize,
    /// Up to three packages it moves, for people.
    pub examples: Vec<String>,
}

/// The best-ranked package of a date (passing or not).
fn top(ps: &[PackageRecord]) -> Option<Ranked> {
    ps.first().map(|p| Ranked {
        rank: 1,
        label: match_key(p),
        title: p.display_title().to_string(),
        passes: p.passes,
        cost_per_year: p.cost_per_year,
        deterrence: p.deterrence,
        max_share: p.max_share,
        min_margin: p.min_margin,
    })
}

/// One step of a timeline: from one date to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub from: String,
    pub to: String,
    pub from_as_of: String,
    pub to_as_of: String,
    pub changed_inputs: Vec<InputUnit>,
    /// Packages (in both scenarios) whose pass/fail flipped.
    pub flipped: usize,
    /// Packages whose feasibility or acceptability changed without flipping.
    pub changed: usize,
    pub passing_before: usize,
    pub passing_after: usize,
    pub evaluated_before: usize,
    pub evaluated_after: usize,
    /// Packages only in the later scenario (an option was added) or only in
    /// the earlier one.
    pub only_after: usize,
    pub only_before: usize,
    /// The best-ranked package of each date, passing or not.
    pub top_before: Option<Ranked>,
    pub top_after: Option<Ranked>,
    /// When the top package changed: the input units that alone make the
    /// later top package the top one.
    pub top_causes: Vec<String>,
    pub frontier_before: usize,
    pub frontier_after: usize,
    pub frontier_joined: Vec<Ranked>,
    pub frontier_left: Vec<Ranked>,
    /// Each tested unit with the moves it causes alone, most moves first.
    pub reasons: Vec<Reason>,
    /// Every move with its causes.
    pub moves: Vec<Move>,
    /// Moves no single unit reproduces (the changes act only together).
    pub joint: usize,
}

/// Attribute the moves from `a` to `b` to the input units that cause them:
/// apply each unit that can move a verdict (not wording) to `a` alone,
/// evaluate, and name the unit as a cause of every moved package it moves the
/// way `b` does: for a package that flips, to `b`'s pass/fail; for one whose
/// feasibility or acceptability changed without a flip, to `b`'s whole
/// verdict. A unit that moves the package otherwise is listed as partial.
///
/// Worked example (the constructed fixture of the tests): from A to B one red
/// line is added that vetoes option `x` and one capacity is cut that makes
/// option `y` infeasible; the packages with `x` flip to failing with the red
/// line alone as cause, those with `y` with the capacity alone, and a package
/// with both flips under either unit alone: both are named.
pub fn attribute<E>(
    a: &Snapshot,
    units: &mut [InputUnit],
    moves: &[VerdictChange],
    top_after: Option<&str>,
    eval: &E,
) -> Attribution
where
    E: Fn(&str) -> Result<Vec<PackageRecord>, String>,
{
    let mut out: Vec<Move> = moves
        .iter()
        .map(|c| Move {
            package: c.label.clone(),
            title: c.title.clone(),
            before: c.before,
            after: c.after,
            causes: Vec::new(),
            partial: Vec::new(),
        })
        .collect();
    let top_before = a.packages.first().map(match_key);
    let mut top_causes = Vec::new();
    if out.is_empty() && top_after == top_before.as_deref() {
        return Attribution {
            moves: out,
            top_causes,
        };
    }
    for u in units.iter_mut() {
        if u.kind == "wording" {
            continue;
        }
        let text = match with_unit(&a.text, u) {
            Ok(t) => t,
            Err(e) => {
                u.untestable = Some(e.message);
                continue;
            }
        };
        let ps = match eval(&text) {
            Ok(ps) => ps,
            Err(e) => {
                u.untestable = Some(first_line(&e));
                continue;
            }
        };
        u.tested = true;
        if top_after.is_some() && ps.first().map(match_key).as_deref() == top_after {
            top_causes.push(u.path.clone());
        }
        let by_key: BTreeMap<String, Verdict> =
            ps.iter().map(|p| (match_key(p), verdict(p))).collect();
        for m in &mut out {
            let Some(&v) = by_key.get(&m.package) else {
                continue;
            };
            let flip = m.before.passes != m.after.passes;
            if (flip && v.passes == m.after.passes) || (!flip && v == m.after) {
                m.causes.push(u.path.clone());
            } else if v != m.before {
                m.partial.push(u.path.clone());
            }
        }
    }
    Attribution {
        moves: out,
        top_causes,
    }
}

/// What [`attribute`] finds: every move with its causes, and the units that
/// alone make the later top package the top one.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub moves: Vec<Move>,
    pub top_causes: Vec<String>,
}

fn first_line(e: &str) -> String {
    e.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// Compare two dated scenarios and explain the moves (see the module
/// documentation). `eval` evaluates a scenario text into package records in
/// rank order.
pub fn step<E>(a: &Snapshot, b: &Snapshot, eval: &E) -> Result<Step, TimelineError>
where
    E: Fn(&str) -> Result<Vec<PackageRecord>, String>,
{
    let mut units = input_units(&a.text, &b.text).map_err(|e| TimelineError {
        scenario: if e.scenario == "A" {
            a.id.clone()
        } else {
            b.id.clone()
        },
        message: e.message,
    })?;
    let (ka, kb) = (keyed(&a.packages), keyed(&b.packages));
    let d = verdict_changes(&ka, &kb);
    let all: Vec<VerdictChange> = d.flipped.iter().chain(&d.changed).cloned().collect();
    let top_after = b.packages.first().map(match_key);
    let Attribution { moves, top_causes } =
        attribute(a, &mut units, &all, top_after.as_deref(), eval);
    let mut reasons: Vec<Reason> = units
        .iter()
        .filter(|u| u.tested)
        .map(|u| {
            let mine: Vec<&Move> = moves
                .iter()
                .filter(|m| m.causes.contains(&u.path))
                .collect();
            Reason {
                input: u.path.clone(),
                kind: u.kind.clone(),
                change: u.describe(),
                moves: mine.len(),
                to_pass: mine
                    .iter()
                    .filter(|m| m.after.passes && !m.before.passes)
                    .count(),
                to_fail: mine
                    .iter()
                    .filter(|m| !m.after.passes && m.before.passes)
                    .count(),
                examples: mine.iter().take(3).map(|m| m.title.clone()).collect(),
            }
        })
        .collect();
    reasons.sort_by(|x, y| y.moves.cmp(&x.moves).then(x.input.cmp(&y.input)));
    let frontier = |ps: &[PackageRecord]| ps.iter().filter(|p| p.frontier).count();
    Ok(Step {
        from: a.id.clone(),
        to: b.id.clone(),
        from_as_of: a.as_of.clone(),
        to_as_of: b.as_of.clone(),
        flipped: d.flipped.len(),
        changed: d.changed.len(),
        passing_before: d.passing_before,
        passing_after: d.passing_after,
        evaluated_before: a.packages.len(),
        evaluated_after: b.packages.len(),
        only_after: d.only_in_b,
        only_before: d.only_in_a,
        top_before: top(&a.packages),
        top_after: top(&b.packages),
        top_causes: if top_after == a.packages.first().map(match_key) {
            Vec::new()
        } else {
            top_causes
        },
        frontier_before: frontier(&a.packages),
        frontier_after: frontier(&b.packages),
        frontier_joined: d.headline.frontier_joined.clone(),
        frontier_left: d.headline.frontier_left.clone(),
        joint: moves.iter().filter(|m| m.causes.is_empty()).count(),
        reasons,
        moves,
        changed_inputs: units,
    })
}

/// Sort snapshots by date (`as_of`, then id): the order a timeline runs in.
pub fn in_date_order(snapshots: &mut [Snapshot]) {
    snapshots.sort_by(|x, y| x.as_of.cmp(&y.as_of).then(x.id.cmp(&y.id)));
}

/// Every step of a timeline over snapshots already in date order.
pub fn timeline<E>(snapshots: &[Snapshot], eval: &E) -> Result<Vec<Step>, TimelineError>
where
    E: Fn(&str) -> Result<Vec<PackageRecord>, String>,
{
    snapshots
        .windows(2)
        .map(|w| step(&w[0], &w[1], eval))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_whole_elements_or_single_values() {
        let a = r#"
[meta]
id = "a"
[[actors]]
id = "us"
position = { cap = 0.3 }
[[actors.red_lines]]
id = "x"
value = 1
"#;
        let b = r#"
[meta]
id = "b"
[[actors]]
id = "us"
position = { cap = 1.0 }
[[actors.red_lines]]
id = "x"
value = 1
[[actors.red_lines]]
id = "y"
value = 2
"#;
        let u = input_units(a, b).unwrap();
        let paths: Vec<(&str, &str, Edit)> = u
            .iter()
            .map(|u| (u.path.as_str(), u.kind.as_str(), u.edit))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("actors.us.position.cap", "position", Edit::Changed),
                ("actors.us.red_lines.y", "red line", Edit::Added),
            ]
        );
        // Applying the red line alone gives A with the new red line.
        let t = with_unit(a, &u[1]).unwrap();
        let back = input_units(&t, b).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].path, "actors.us.position.cap");
        // Removal applies too.
        let t = with_unit(b, &input_units(b, a).unwrap()[1]).unwrap();
        assert!(!t.contains("\"y\""));
    }

    #[test]
    fn kinds_name_what_a_planner_calls_the_change() {
        assert_eq!(
            kind_of(&["actors", "ru", "red_lines", "x", "value"]),
            "red line"
        );
        assert_eq!(
            kind_of(&["actors", "de", "inventory", "fighters", "count"]),
            "capacity"
        );
        assert_eq!(
            kind_of(&["components", "c", "options", "o", "levels", "d"]),
            "level"
        );
        assert_eq!(kind_of(&["components", "c", "options", "o"]), "option");
        assert_eq!(
            kind_of(&["components", "c", "options", "o", "name"]),
            "wording"
        );
        assert_eq!(kind_of(&["parameters", "horizon_years"]), "parameter");
    }
}
