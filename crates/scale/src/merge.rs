//! Checking that a set of partial files makes one whole run, before any is
//! merged: same verb, engine version, scenario, options, seed, sampler and
//! plan; every shard 0..N present exactly once; their ranges tiling the
//! numbering. Errors name the files.

use std::collections::BTreeMap;

use crate::partial::{Meta, Partial};

/// A partial with the name of the file it came from.
pub struct Named {
    pub name: String,
    pub partial: Partial,
}

/// Check that partials (or a partial and a stage plan) `a` and `b`, named
/// `an` and `bn`, come from one run: same verb, engine version, scenario,
/// options, seed and sampler.
pub fn same_run(an: &str, a: &Meta, bn: &str, b: &Meta) -> Result<(), String> {
    let differ = |what: &str, x: &dyn std::fmt::Display, y: &dyn std::fmt::Display| {
        Err(format!(
            "{an} and {bn} come from different runs: {what} {x} ≠ {y}; merge only the partials of one run"
        ))
    };
    if b.verb != a.verb {
        return differ("verb", &a.verb, &b.verb);
    }
    if b.engine_version != a.engine_version {
        return differ("engine version", &a.engine_version, &b.engine_version);
    }
    if b.scenario_sha256 != a.scenario_sha256 {
        return differ(
            "scenario (SHA-256)",
            &format!("{} ({})", a.scenario_name, &a.scenario_sha256[..12]),
            &format!("{} ({})", b.scenario_name, &b.scenario_sha256[..12]),
        );
    }
    if b.args != a.args {
        let words = |v: &[String]| {
            if v.is_empty() {
                "(none)".to_string()
            } else {
                v.join(" ")
            }
        };
        return differ("options", &words(&a.args), &words(&b.args));
    }
    if b.seed != a.seed {
        return differ("seed", &format!("{:?}", a.seed), &format!("{:?}", b.seed));
    }
    if b.sampler != a.sampler {
        return differ(
            "sampler",
            &format!("{:?}", a.sampler),
            &format!("{:?}", b.sampler),
        );
    }
    Ok(())
}

/// Check that `plan` (named `plan_name`, whose file's SHA-256 is
/// `plan_sha256`) is the stage plan the partial `part` was made from.
pub fn check_stage_plan(
    plan_name: &str,
    plan: &Meta,
    plan_sha256: &str,
    part_name: &str,
    part: &Meta,
) -> Result<(), String> {
    let Some(ps) = plan.stage.as_ref().filter(|s| s.is_plan) else {
        return Err(format!(
            "{plan_name} is not a stage plan (one written by `guarantor merge --next-stage-plan`)"
        ));
    };
    same_run(plan_name, plan, part_name, part)?;
    match part.stage.as_ref() {
        Some(s) if s.plan_sha256.as_deref() == Some(plan_sha256) && s.halving == ps.halving => {
            Ok(())
        }
        Some(s) => {
            Err(format!(
                "{part_name} was made from {}, not from the stage plan {plan_name} (stage {}); give the plan its shards read",
                s.plan_sha256.as_deref().map_or(
                    "no stage plan (stage 0)".to_string(),
                    |x| format!("another stage plan (SHA-256 {})", &x[..12.min(x.len())])
                ),
                ps.halving.stage
            ))
        }
        None => Err(format!(
            "{part_name} is not a stage of an adaptive analysis; --stage-plan is for the partials of `uncertainty --packages adaptive:K --shard`"
        )),
    }
}

/// Check that `parts` are the N shards of one run. Merging is associative
/// and commutative, so their order does not matter.
pub fn check_set(parts: &[Named]) -> Result<(), String> {
    let Some(first) = parts.first() else {
        return Err("no partial files given".into());
    };
    let m0 = &first.partial.meta;
    for p in parts {
        if p.partial.meta.stage.as_ref().is_some_and(|s| s.is_plan) {
            return Err(format!(
                "{} is a stage plan written by `merge`, not a shard's partial; give it with --stage-plan",
                p.name
            ));
        }
    }
    for p in &parts[1..] {
        let m = &p.partial.meta;
        same_run(&first.name, m0, &p.name, m)?;
        let differ = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            Err(format!(
                "{} and {} come from different runs: {what} {a} ≠ {b}; merge only the partials of one run",
                first.name, p.name
            ))
        };
        if m.stage != m0.stage {
            let words = |s: &Option<crate::partial::Stage>| match s {
                None => "none".to_string(),
                Some(s) => format!(
                    "{} (draws {}..{}, plan {})",
                    s.halving.stage,
                    s.halving.from,
                    s.halving.to,
                    s.plan_sha256
                        .as_deref()
                        .map_or("none", |x| &x[..12.min(x.len())])
                ),
            };
            return differ("stage", &words(&m0.stage), &words(&m.stage));
        }
        if m.shard.count != m0.shard.count || m.plan != m0.plan {
            return differ(
                "shard plan",
                &format!(
                    "{} shards of {} {}",
                    m0.shard.count, m0.plan.total, m0.plan.unit
                ),
                &format!(
                    "{} shards of {} {}",
                    m.shard.count, m.plan.total, m.plan.unit
                ),
            );
        }
    }
    let n = m0.shard.count;
    let mut seen: BTreeMap<u64, &str> = BTreeMap::new();
    for p in parts {
        let k = p.partial.meta.shard.index;
        if k >= n {
            return Err(format!(
                "{} claims shard {k} of {n}, which does not exist (shards are 0 to {})",
                p.name,
                n - 1
            ));
        }
        if let Some(other) = seen.insert(k, &p.name) {
            return Err(format!(
                "shard {k}/{n} is given twice: {other} and {}; give each shard once",
                p.name
            ));
        }
    }
    let missing: Vec<String> = (0..n)
        .filter(|k| !seen.contains_key(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} of the {n} shards {} missing: {} (numbered from 0); run {} and merge every shard",
            missing.len(),
            if missing.len() == 1 { "is" } else { "are" },
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" },
        ));
    }
    // Ranges in shard order must tile 0..total.
    let mut by_index: Vec<&Named> = parts.iter().collect();
    by_index.sort_by_key(|p| p.partial.meta.shard.index);
    let mut at = m0.stage.as_ref().map_or(0, |s| s.halving.from as u64);
    for p in by_index {
        let m = &p.partial.meta;
        if m.start != at || m.end < m.start {
            return Err(format!(
                "{} covers {} {}..{}, but shard {} of this plan starts at {at}; it was written by another plan",
                p.name, m.plan.unit, m.start, m.end, m.shard
            ));
        }
        at = m.end;
    }
    if at != m0.plan.total {
        return Err(format!(
            "the shards cover {} 0..{at} of 0..{}",
            m0.plan.unit, m0.plan.total
        ));
    }
    Ok(())
}
