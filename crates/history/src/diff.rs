//! What changed between two runs: the inputs (a path-level diff of the two
//! scenario files) and the verdicts (packages whose feasibility, acceptability
//! or pass/fail changed, with the reasons that appeared or went away).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use toml::Value;

use crate::PackageRecord;

/// One input that differs: a dotted path into the scenario and its values.
/// Arrays of tables with an `id` key are addressed by id
/// (`actors.de.inventory.gbad_long.readiness`), other arrays by index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputChange {
    pub path: String,
    /// `None`: the key is new in B.
    pub before: Option<String>,
    /// `None`: the key was removed in B.
    pub after: Option<String>,
}

/// The scenario text of one side could not be read as TOML.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{side}: not a TOML scenario: {message}")]
pub struct InputError {
    pub side: String,
    pub message: String,
}

/// Every input that differs between two scenario texts, in path order.
pub fn input_changes(a: &str, b: &str) -> Result<Vec<InputChange>, InputError> {
    let parse = |side: &str, t: &str| {
        t.parse::<toml::Table>().map_err(|e| InputError {
            side: side.to_string(),
            message: e.to_string(),
        })
    };
    let (ta, tb) = (parse("A", a)?, parse("B", b)?);
    let (mut fa, mut fb) = (BTreeMap::new(), BTreeMap::new());
    flatten("", &Value::Table(ta), &mut fa);
    flatten("", &Value::Table(tb), &mut fb);
    let keys: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let (x, y) = (fa.get(k), fb.get(k));
            (x != y).then(|| InputChange {
                path: k.clone(),
                before: x.cloned(),
                after: y.cloned(),
            })
        })
        .collect())
}

fn join(prefix: &str, key: &str) -> String {
    let needs_quotes = key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if needs_quotes {
        format!("\"{}\"", key.replace('"', "\\\""))
    } else {
        key.to_string()
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Table(t) => {
            for (k, x) in t {
                flatten(&join(prefix, k), x, out);
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.is_table()) => {
            let ids: Option<Vec<&str>> = items
                .iter()
                .map(|i| i.get("id").and_then(Value::as_str))
                .collect();
            let unique = ids
                .as_ref()
                .is_some_and(|ids| ids.iter().collect::<BTreeSet<_>>().len() == ids.len());
            for (n, item) in items.iter().enumerate() {
                let key = match (&ids, unique) {
                    (Some(ids), true) => join(prefix, ids[n]),
                    _ => format!("{prefix}[{n}]"),
                };
                if let Value::Table(t) = item {
                    for (k, x) in t.iter().filter(|(k, _)| !(unique && *k == "id")) {
                        flatten(&join(&key, k), x, out);
                    }
                }
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// A package whose verdict differs between A and B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictChange {
    pub label: String,
    /// The package for people (the label in runs recorded before schema 2).
    pub title: String,
    pub before: Verdict,
    pub after: Verdict,
    /// Failure reasons in B that A did not have.
    pub new_reasons: Vec<String>,
    /// Failure reasons of A that B no longer has.
    pub gone_reasons: Vec<String>,
}

/// The three tests of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub feasible: bool,
    pub acceptable_to_required: bool,
    pub passes: bool,
}

impl Verdict {
    fn of(p: &PackageRecord) -> Verdict {
        Verdict {
            feasible: p.feasible,
            acceptable_to_required: p.acceptable_to_required,
            passes: p.passes,
        }
    }

    /// `passes`, `infeasible`, `rejected` or `infeasible and rejected`.
    pub fn word(self) -> &'static str {
        match (self.passes, self.feasible, self.acceptable_to_required) {
            (true, _, _) => "passes",
            (false, false, true) => "infeasible",
            (false, true, false) => "rejected",
            (false, false, false) => "infeasible and rejected",
            (false, true, true) => "fails",
        }
    }
}

/// How the verdicts of two runs differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictDiff {
    /// Packages present in both runs.
    pub compared: usize,
    /// Packages only in A / only in B (their options differ).
    pub only_in_a: usize,
    pub only_in_b: usize,
    /// Packages whose pass/fail flipped, in A's order.
    pub flipped: Vec<VerdictChange>,
    /// Packages whose pass/fail is the same but whose feasibility or
    /// acceptability changed, in A's order.
    pub changed: Vec<VerdictChange>,
    pub passing_before: usize,
    pub passing_after: usize,
    /// What matters first: the top package, the frontier, and how scores moved.
    pub headline: Headline,
}

/// A package as a headline names it, with its rank in its own run (1 = best).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: usize,
    pub label: String,
    pub title: String,
    pub passes: bool,
    pub cost_per_year: f64,
    pub deterrence: f64,
    pub max_share: Option<f64>,
    pub min_margin: Option<f64>,
}

impl Ranked {
    fn of(rank: usize, p: &PackageRecord) -> Ranked {
        Ranked {
            rank: rank + 1,
            label: p.label.clone(),
            title: p.display_title().to_string(),
            passes: p.passes,
            cost_per_year: p.cost_per_year,
            deterrence: p.deterrence,
            max_share: p.max_share,
            min_margin: p.min_margin,
        }
    }
}

/// One package's scores in A and in B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreChange {
    pub before: Ranked,
    pub after: Ranked,
}

/// What a planner asks first of a what-if: did the best package change, did
/// the frontier gain or lose packages (and at what cost), and how did cost,
/// deterrence, burden and margins move for packages that pass in either run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The best passing package of each run (`None`: nothing passes).
    pub top_before: Option<Ranked>,
    pub top_after: Option<Ranked>,
    /// On B's frontier, not on A's (B's ranks), best first.
    pub frontier_joined: Vec<Ranked>,
    /// On A's frontier, not on B's (A's ranks), best first.
    pub frontier_left: Vec<Ranked>,
    /// Packages passing in A or B whose cost, deterrence, burden or smallest
    /// margin moved (by more than 1e-9), largest cost change first.
    pub scores: Vec<ScoreChange>,
}

/// The two numbers differ by more than binary noise (a relative 1e-9): the
/// one test of "changed" that the diff's lists and its text share.
pub fn moved(a: f64, b: f64) -> bool {
    (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// [`moved`] for numbers a run may lack (`None` vs a number counts as moved).
pub fn moved_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => moved(a, b),
        (None, None) => false,
        _ => true,
    }
}

fn frontier_labels(ps: &[PackageRecord]) -> BTreeSet<&str> {
    ps.iter()
        .filter(|p| p.frontier)
        .map(|p| p.label.as_str())
        .collect()
}

/// The [`Headline`] of two runs' package verdicts (each in rank order).
pub fn headline(a: &[PackageRecord], b: &[PackageRecord]) -> Headline {
    let top = |ps: &[PackageRecord]| {
        ps.iter()
            .enumerate()
            .find(|(_, p)| p.passes)
            .map(|(i, p)| Ranked::of(i, p))
    };
    let (fa, fb) = (frontier_labels(a), frontier_labels(b));
    let frontier_joined = b
        .iter()
        .enumerate()
        .filter(|(_, p)| p.frontier && !fa.contains(p.label.as_str()))
        .map(|(i, p)| Ranked::of(i, p))
        .collect();
    let frontier_left = a
        .iter()
        .enumerate()
        .filter(|(_, p)| p.frontier && !fb.contains(p.label.as_str()))
        .map(|(i, p)| Ranked::of(i, p))
        .collect();
    let bmap: BTreeMap<&str, (usize, &PackageRecord)> = b
        .iter()
        .enumerate()
        .map(|(i, p)| (p.label.as_str(), (i, p)))
        .collect();
    let mut scores: Vec<ScoreChange> = a
        .iter()
        .enumerate()
        .filter_map(|(i, pa)| {
            let &(j, pb) = bmap.get(pa.label.as_str())?;
            let relevant = pa.passes || pb.passes;
            let changed = moved(pa.cost_per_year, pb.cost_per_year)
                || moved(pa.deterrence, pb.deterrence)
                || moved_opt(pa.max_share, pb.max_share)
                || moved_opt(pa.min_margin, pb.min_margin);
            (relevant && changed).then(|| ScoreChange {
                before: Ranked::of(i, pa),
                after: Ranked::of(j, pb),
            })
        })
        .collect();
    scores.sort_by(|x, y| {
        let dx = (x.after.cost_per_year - x.before.cost_per_year).abs();
        let dy = (y.after.cost_per_year - y.before.cost_per_year).abs();
        dy.total_cmp(&dx).then(x.before.rank.cmp(&y.before.rank))
    });
    Headline {
        top_before: top(a),
        top_after: top(b),
        frontier_joined,
        frontier_left,
        scores,
    }
}

/// Compares two runs' package verdicts, matching packages by label.
pub fn verdict_changes(a: &[PackageRecord], b: &[PackageRecord]) -> VerdictDiff {
    let bmap: BTreeMap<&str, &PackageRecord> = b.iter().map(|p| (p.label.as_str(), p)).collect();
    let alabels: BTreeSet<&str> = a.iter().map(|p| p.label.as_str()).collect();
    let mut flipped = Vec::new();
    let mut changed = Vec::new();
    let mut compared = 0;
    for pa in a {
        let Some(pb) = bmap.get(pa.label.as_str()) else {
            continue;
        };
        compared += 1;
        let (va, vb) = (Verdict::of(pa), Verdict::of(pb));
        if va == vb {
            continue;
        }
        let ra: BTreeSet<&String> = pa.reasons.iter().collect();
        let rb: BTreeSet<&String> = pb.reasons.iter().collect();
        let c = VerdictChange {
            label: pa.label.clone(),
            title: pb.display_title().to_string(),
            before: va,
            after: vb,
            new_reasons: pb
                .reasons
                .iter()
                .filter(|r| !ra.contains(r))
                .cloned()
                .collect(),
            gone_reasons: pa
                .reasons
                .iter()
                .filter(|r| !rb.contains(r))
                .cloned()
                .collect(),
        };
        if va.passes != vb.passes {
            flipped.push(c);
        } else {
            changed.push(c);
        }
    }
    VerdictDiff {
        compared,
        only_in_a: a.len() - compared,
        only_in_b: b
            .iter()
            .filter(|p| !alabels.contains(p.label.as_str()))
            .count(),
        flipped,
        changed,
        passing_before: a.iter().filter(|p| p.passes).count(),
        passing_after: b.iter().filter(|p| p.passes).count(),
        headline: headline(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_of_tables_are_keyed_by_id() {
        let a = r#"
[[actors]]
id = "de"
reservation = 0.5
[actors.inventory]
gbad_long = { count = 12, readiness = 0.6 }
[[actors]]
id = "fr"
reservation = 0.5
"#;
        let b = a.replace("readiness = 0.6", "readiness = 0.4");
        let ch = input_changes(a, &b).unwrap();
        assert_eq!(
            ch,
            vec![InputChange {
                path: "actors.de.inventory.gbad_long.readiness".into(),
                before: Some("0.6".into()),
                after: Some("0.4".into()),
            }]
        );
    }

    #[test]
    fn added_and_removed_keys_are_reported() {
        let ch = input_changes("a = 1\nb = \"x\"\n", "a = 1\nc = [1, 2]\n").unwrap();
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0].path, "b");
        assert_eq!(ch[0].after, None);
        assert_eq!(ch[1].path, "c");
        assert_eq!(ch[1].before, None);
        assert_eq!(ch[1].after.as_deref(), Some("[1, 2]"));
    }

    #[test]
    fn bad_toml_names_the_side() {
        let e = input_changes("a = 1", "a = ").unwrap_err();
        assert_eq!(e.side, "B");
    }

    fn rec(label: &str, feasible: bool, reasons: &[&str]) -> PackageRecord {
        PackageRecord {
            label: label.into(),
            options: BTreeMap::new(),
            feasible,
            acceptable_to_required: true,
            passes: feasible,
            frontier: false,
            deterrence: 0.5,
            cost_per_year: 1.0,
            reasons: reasons.iter().map(|s| s.to_string()).collect(),
            title: String::new(),
            max_share: Some(0.5),
            min_margin: Some(0.0),
        }
    }

    #[test]
    fn flips_carry_the_new_reasons() {
        let a = vec![
            rec("p", true, &[]),
            rec("q", false, &["short"]),
            rec("r", true, &[]),
        ];
        let b = vec![
            rec("p", false, &["short of gbad"]),
            rec("q", false, &["short"]),
        ];
        let d = verdict_changes(&a, &b);
        assert_eq!(d.compared, 2);
        assert_eq!(d.only_in_a, 1);
        assert_eq!(d.flipped.len(), 1);
        assert_eq!(d.flipped[0].label, "p");
        assert_eq!(d.flipped[0].new_reasons, vec!["short of gbad".to_string()]);
        assert!(d.changed.is_empty());
        assert_eq!((d.passing_before, d.passing_after), (2, 0));
    }

    #[test]
    fn the_headline_names_the_top_the_frontier_moves_and_the_cost_changes() {
        let mut p = rec("p", true, &[]);
        p.frontier = true;
        p.cost_per_year = 31_810.0;
        let mut q = rec("q", true, &[]);
        q.cost_per_year = 20_000.0;
        let r = rec("r", false, &["short"]);
        let a = vec![p.clone(), q.clone(), r.clone()];
        // B: q gets cheaper and joins the frontier, p leaves it, r is unchanged.
        let mut q2 = q.clone();
        q2.cost_per_year = 7_704.0;
        q2.frontier = true;
        let mut p2 = p.clone();
        p2.frontier = false;
        let b = vec![q2, p2, r];
        let h = headline(&a, &b);
        assert_eq!(h.top_before.as_ref().unwrap().label, "p");
        assert_eq!(h.top_after.as_ref().unwrap().label, "q");
        assert_eq!(h.frontier_joined.len(), 1);
        assert_eq!(h.frontier_joined[0].label, "q");
        assert_eq!(h.frontier_joined[0].rank, 1);
        assert_eq!(h.frontier_joined[0].cost_per_year, 7_704.0);
        assert_eq!(h.frontier_left[0].label, "p");
        assert_eq!(h.scores.len(), 1, "only q's scores moved");
        assert_eq!(h.scores[0].before.cost_per_year, 20_000.0);
        assert_eq!(h.scores[0].after.cost_per_year, 7_704.0);
        // Nothing changed: an empty headline but the same top.
        let same = headline(&a, &a);
        assert!(same.frontier_joined.is_empty() && same.frontier_left.is_empty());
        assert!(same.scores.is_empty());
        assert_eq!(same.top_before, same.top_after);
    }
}
