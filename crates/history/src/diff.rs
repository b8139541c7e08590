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
}
