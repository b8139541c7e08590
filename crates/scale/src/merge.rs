//! Checking that a set of partial files makes one whole run, before any is
//! merged: same verb, engine version, scenario, options, seed, sampler and
//! plan; every shard 0..N present exactly once; their ranges tiling the
//! numbering. Errors name the files.

use std::collections::BTreeMap;

use crate::partial::Partial;

/// A partial with the name of the file it came from.
pub struct Named {
    pub name: String,
    pub partial: Partial,
}

/// Check that `parts` are the N shards of one run. Merging is associative
/// and commutative, so their order does not matter.
pub fn check_set(parts: &[Named]) -> Result<(), String> {
    let Some(first) = parts.first() else {
        return Err("no partial files given".into());
    };
    let m0 = &first.partial.meta;
    for p in &parts[1..] {
        let m = &p.partial.meta;
        let differ = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            Err(format!(
                "{} and {} come from different runs: {what} {a} ≠ {b}; merge only the partials of one run",
                first.name, p.name
            ))
        };
        if m.verb != m0.verb {
            return differ("verb", &m0.verb, &m.verb);
        }
        if m.engine_version != m0.engine_version {
            return differ("engine version", &m0.engine_version, &m.engine_version);
        }
        if m.scenario_sha256 != m0.scenario_sha256 {
            return differ(
                "scenario (SHA-256)",
                &format!("{} ({})", m0.scenario_name, &m0.scenario_sha256[..12]),
                &format!("{} ({})", m.scenario_name, &m.scenario_sha256[..12]),
            );
        }
        if m.args != m0.args {
            return differ("options", &m0.args.join(" "), &m.args.join(" "));
        }
        if m.seed != m0.seed {
            return differ("seed", &format!("{:?}", m0.seed), &format!("{:?}", m.seed));
        }
        if m.sampler != m0.sampler {
            return differ(
                "sampler",
                &format!("{:?}", m0.sampler),
                &format!("{:?}", m.sampler),
            );
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
    let mut at = 0u64;
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
