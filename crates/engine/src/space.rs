//! The package space: one option per component, numbered in mixed radix
//! (first component slowest), less the packages that break an option's
//! `requires` or `excludes` (docs/model.md §1). Such packages are
//! meaningless (US command and control of no force) and are never
//! enumerated: `search`, `evaluate`, the uncertainty analysis and the
//! exercise all walk this space, and count what it leaves out by rule.

use std::collections::BTreeMap;

use guarantor_model::Scenario;

use crate::package::decode;

/// One `requires` or `excludes` rule in index form: a package breaks it when
/// it holds option `opt` of component `comp` and, on component `target`, an
/// option marked in `forbidden`.
#[derive(Debug, Clone)]
pub struct OptionRule {
    /// The rule in words, e.g. "command.national_flags_us_c2 requires
    /// ground_force ∈ {reassurance_small, reassurance_medium}".
    pub text: String,
    comp: usize,
    opt: u16,
    target: usize,
    forbidden: Vec<bool>,
    /// The slower-varying of the two components: the rule is decided by the
    /// options of components 0..=depth.
    depth: usize,
}

impl OptionRule {
    fn broken(&self, choice: &[u16]) -> bool {
        choice[self.comp] == self.opt && self.forbidden[choice[self.target] as usize]
    }
}

/// The package space of a scenario.
#[derive(Debug, Clone)]
pub struct PackageSpace {
    /// Options per component.
    pub radices: Vec<usize>,
    /// Packages per value of each component (the size of its blocks).
    strides: Vec<u64>,
    /// The rules, by depth, then in declared order (component, option,
    /// `requires` by target component, then `excludes`).
    rules: Vec<OptionRule>,
}

impl PackageSpace {
    pub fn new(s: &Scenario) -> Self {
        let radices: Vec<usize> = s.components.iter().map(|c| c.options.len()).collect();
        let mut strides = vec![1u64; radices.len()];
        for ci in (0..radices.len().saturating_sub(1)).rev() {
            strides[ci] = strides[ci + 1].saturating_mul(radices[ci + 1] as u64);
        }
        let find = |entry: &str| -> Option<(usize, usize)> {
            let (c, o) = entry.split_once('.')?;
            let ci = s.components.iter().position(|x| x.id == c)?;
            let oi = s.components[ci].options.iter().position(|x| x.id == o)?;
            Some((ci, oi))
        };
        let mut rules = Vec::new();
        for (ci, comp) in s.components.iter().enumerate() {
            for (oi, o) in comp.options.iter().enumerate() {
                let me = format!("{}.{}", comp.id, o.id);
                let mut required: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for e in &o.requires {
                    if let Some((t, to)) = find(e)
                        && t != ci
                    {
                        required.entry(t).or_default().push(to);
                    }
                }
                for (t, allowed) in required {
                    let tc = &s.components[t];
                    let mut names: Vec<&str> =
                        allowed.iter().map(|&x| tc.options[x].id.as_str()).collect();
                    names.dedup();
                    rules.push(OptionRule {
                        text: format!("{me} requires {} ∈ {{{}}}", tc.id, names.join(", ")),
                        comp: ci,
                        opt: oi as u16,
                        target: t,
                        forbidden: (0..tc.options.len())
                            .map(|x| !allowed.contains(&x))
                            .collect(),
                        depth: ci.max(t),
                    });
                }
                for e in &o.excludes {
                    if let Some((t, to)) = find(e)
                        && t != ci
                    {
                        let tc = &s.components[t];
                        rules.push(OptionRule {
                            text: format!("{me} excludes {e}"),
                            comp: ci,
                            opt: oi as u16,
                            target: t,
                            forbidden: (0..tc.options.len()).map(|x| x == to).collect(),
                            depth: ci.max(t),
                        });
                    }
                }
            }
        }
        // Stable: equal depths keep the declared order.
        rules.sort_by_key(|r| r.depth);
        PackageSpace {
            radices,
            strides,
            rules,
        }
    }

    /// Every rule in words, indexed as [`PackageSpace::excluded_by`] answers.
    pub fn rule_texts(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.text.clone()).collect()
    }

    /// Does the scenario declare any `requires` / `excludes`?
    pub fn has_rules(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The rule a package breaks, if any: the one decided by the fewest
    /// leading components (then the first declared), as (rule index, depth).
    /// Every package sharing the options of components 0..=depth breaks the
    /// same first rule, so a whole block can be skipped and counted at once.
    pub fn excluded_by(&self, choice: &[u16]) -> Option<(usize, usize)> {
        self.rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.broken(choice))
            .map(|(i, r)| (i, r.depth))
    }

    /// Packages per value of component `ci` (the size of its blocks).
    pub fn stride(&self, ci: usize) -> u64 {
        self.strides[ci]
    }

    /// Visit every package of `a..b` that no rule excludes, in order, with
    /// its choice; excluded blocks are skipped in one step. Returns the
    /// packages excluded, per rule.
    pub fn walk(&self, a: u64, b: u64, mut visit: impl FnMut(u64, &[u16])) -> Vec<u64> {
        let mut excluded = vec![0u64; self.rules.len()];
        let mut i = a;
        while i < b {
            let choice = decode(i, &self.radices);
            if let Some((r, depth)) = self.excluded_by(&choice) {
                let stop = self.block_end(i, depth).min(b);
                excluded[r] += stop - i;
                i = stop;
                continue;
            }
            visit(i, &choice);
            i += 1;
        }
        excluded
    }

    /// The first package after the block of component `ci` holding `i`.
    pub fn block_end(&self, i: u64, ci: usize) -> u64 {
        let stride = self.strides[ci];
        (i / stride + 1).saturating_mul(stride)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_the_next_value_of_the_component() {
        let s = PackageSpace {
            radices: vec![2, 3, 4],
            strides: vec![12, 4, 1],
            rules: Vec::new(),
        };
        assert_eq!(s.block_end(0, 0), 12);
        assert_eq!(s.block_end(5, 1), 8);
        assert_eq!(s.block_end(5, 2), 6);
    }
}
