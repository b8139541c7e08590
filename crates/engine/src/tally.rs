//! The why-not tally: counts of packages by the tests they fail, per
//! capability short, per required actor's red line and reservation, and the
//! exact combinations of failed tests. `search` feeds it screens, `evaluate`
//! full verdicts; both finish it into the same `Counts` and `Failures`.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::prepare::Prepared;
use crate::verdict::*;

/// What the screen concludes about one package.
pub(crate) struct Screen {
    pub(crate) passes: bool,
    /// Feasible, no required actor rejects, some required actor undetermined.
    pub(crate) undetermined: bool,
    /// Bit r: required actor r's verdict is undetermined.
    pub(crate) undetermined_mask: u64,
    pub(crate) feasible: bool,
    pub(crate) deterrence: f64,
    pub(crate) cost: f64,
    pub(crate) max_share: f64,
    pub(crate) margin: f64,
    /// Bit 0: infeasible; bit r + 1: required actor r rejects.
    pub(crate) fail_mask: u64,
    /// Capability indices short.
    pub(crate) short: Vec<usize>,
    /// Per required actor: red line indices violated and whether utility is below reservation.
    pub(crate) actors: Vec<(Vec<u16>, bool)>,
    /// Gap to passing (0 when it passes).
    pub(crate) gap: f64,
    /// Whether `deterrence` was computed: the fast screen leaves it NaN for
    /// a failing package that cannot enter the best N (`search::RankBar`).
    pub(crate) scored: bool,
    /// The required actors' verdicts as bits, when the screen found them in
    /// its table (`actors` is then not filled).
    pub(crate) bits: Option<ActorBits>,
}

/// Required actors' verdicts as bits: bit r for actor r; red lines numbered
/// over the required actors in order (actor r's red line i after the red
/// lines of actors 0..r), as the tally's `red_lines` are laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActorBits {
    /// Utility below the reservation.
    pub(crate) below: u64,
    /// Some red line broken.
    pub(crate) red_actors: u64,
    /// The red lines broken.
    pub(crate) hits: u64,
}

/// Why-not tally over the packages screened, indexed by capability, required
/// actor and red line. Serialisable so that a shard's tally travels in a
/// partial file (`SearchPartial`) and merges by [`Tally::merge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tally {
    evaluated: u64,
    feasible: u64,
    acceptable: u64,
    passing: u64,
    undetermined: u64,
    undetermined_by: Vec<u64>,
    short_of: Vec<u64>,
    rejects: Vec<u64>,
    red_lines: Vec<Vec<u64>>,
    below: Vec<u64>,
    utility_only: Vec<u64>,
    /// Written sorted by mask, so that a partial's bytes do not depend on
    /// the hash order.
    #[serde(serialize_with = "sorted_counts")]
    combinations: FxHashMap<u64, u64>,
    /// Packages cut unscreened, per reason (search with `prune` only).
    pub(crate) pruned: Vec<u64>,
    pruned_reasons: Vec<String>,
    /// Packages outside the package space, per `requires` / `excludes` rule.
    pub(crate) excluded: Vec<u64>,
    excluded_reasons: Vec<String>,
}

fn sorted_counts<S: serde::Serializer>(m: &FxHashMap<u64, u64>, s: S) -> Result<S::Ok, S::Error> {
    let sorted: std::collections::BTreeMap<&u64, &u64> = m.iter().collect();
    serde::Serialize::serialize(&sorted, s)
}

impl Tally {
    /// The tallies index the same capabilities, required actors, red lines,
    /// cut reasons and exclusion rules (a partial from the same scenario).
    pub(crate) fn same_shape(&self, o: &Tally) -> bool {
        self.undetermined_by.len() == o.undetermined_by.len()
            && self.short_of.len() == o.short_of.len()
            && self.rejects.len() == o.rejects.len()
            && self.below.len() == o.below.len()
            && self.utility_only.len() == o.utility_only.len()
            && self.red_lines.len() == o.red_lines.len()
            && self
                .red_lines
                .iter()
                .zip(&o.red_lines)
                .all(|(a, b)| a.len() == b.len())
            && self.pruned_reasons == o.pruned_reasons
            && self.pruned.len() == o.pruned.len()
            && self.excluded_reasons == o.excluded_reasons
            && self.excluded.len() == o.excluded.len()
    }

    /// Packages screened (added one by one, not cut or excluded).
    pub(crate) fn screened(&self) -> u64 {
        self.evaluated
    }

    pub(crate) fn new(p: &Prepared<'_>) -> Tally {
        let s = p.scenario;
        let nr = p.required.len();
        Tally {
            evaluated: 0,
            feasible: 0,
            acceptable: 0,
            passing: 0,
            undetermined: 0,
            undetermined_by: vec![0; nr],
            short_of: vec![0; p.capabilities.len()],
            rejects: vec![0; nr],
            red_lines: p
                .required
                .iter()
                .map(|&ai| vec![0; s.actors[ai].red_lines.len()])
                .collect(),
            below: vec![0; nr],
            utility_only: vec![0; nr],
            combinations: FxHashMap::default(),
            pruned: Vec::new(),
            pruned_reasons: Vec::new(),
            excluded: Vec::new(),
            excluded_reasons: Vec::new(),
        }
    }

    pub(crate) fn with_exclusion_rules(mut self, rules: &[String]) -> Tally {
        self.excluded = vec![0; rules.len()];
        self.excluded_reasons = rules.to_vec();
        self
    }

    pub(crate) fn with_cut_reasons(mut self, reasons: &[String]) -> Tally {
        self.pruned = vec![0; reasons.len()];
        self.pruned_reasons = reasons.to_vec();
        self
    }

    /// Count one screened package; its combination of failed tests too
    /// unless the caller counts those itself (`add_combination`).
    pub(crate) fn add(&mut self, scr: &Screen, combination: bool) {
        self.evaluated += 1;
        self.feasible += u64::from(scr.feasible);
        self.passing += u64::from(scr.passes);
        self.undetermined += u64::from(scr.undetermined);
        if scr.undetermined_mask != 0 {
            for (r, n) in self.undetermined_by.iter_mut().enumerate() {
                *n += (scr.undetermined_mask >> r) & 1;
            }
        }
        self.acceptable += u64::from(scr.fail_mask >> 1 == 0 && scr.undetermined_mask == 0);
        for &k in &scr.short {
            self.short_of[k] += 1;
        }
        if let Some(b) = scr.bits {
            let rejecting = b.below | b.red_actors;
            let mut from = 0u32;
            for (r, lines) in self.red_lines.iter_mut().enumerate() {
                let n = lines.len() as u32;
                if rejecting >> r & 1 == 1 {
                    self.rejects[r] += 1;
                    self.below[r] += b.below >> r & 1;
                    self.utility_only[r] += (b.red_actors >> r & 1) ^ 1;
                    let mut mine = match n {
                        0 => 0,
                        n => b.hits.checked_shr(from).unwrap_or(0) & (u64::MAX >> (64 - n.min(64))),
                    };
                    while mine != 0 {
                        lines[mine.trailing_zeros() as usize] += 1;
                        mine &= mine - 1;
                    }
                }
                from += n;
            }
        } else {
            for (r, (red, below)) in scr.actors.iter().enumerate() {
                if red.is_empty() && !below {
                    continue;
                }
                self.rejects[r] += 1;
                for &ri in red {
                    self.red_lines[r][ri as usize] += 1;
                }
                self.below[r] += u64::from(*below);
                self.utility_only[r] += u64::from(red.is_empty());
            }
        }
        if combination && scr.fail_mask != 0 {
            *self.combinations.entry(scr.fail_mask).or_insert(0) += 1;
        }
    }

    /// `n` more packages failing exactly the tests of `fail_mask`.
    pub(crate) fn add_combination(&mut self, fail_mask: u64, n: u64) {
        *self.combinations.entry(fail_mask).or_insert(0) += n;
    }

    /// Tally a fully judged verdict (the in-memory `evaluate` path).
    pub(crate) fn add_verdict(&mut self, p: &Prepared<'_>, v: &PackageVerdict) {
        let s = p.scenario;
        let short = v
            .shortfalls
            .iter()
            .filter_map(|sf| p.capability_index(&sf.capability))
            .collect();
        let mut fail_mask = u64::from(!v.feasible);
        let mut undetermined_mask = 0u64;
        let precision = s.parameters.acceptance_precision;
        let actors = p
            .required
            .iter()
            .enumerate()
            .map(|(r, &ai)| {
                let a = &s.actors[ai];
                let av = &v.acceptance[&a.id];
                match av.verdict {
                    Verdict::Rejects => fail_mask |= 1 << (r + 1),
                    Verdict::Undetermined => undetermined_mask |= 1 << r,
                    Verdict::Accepts => {}
                }
                let red = av
                    .reasons
                    .iter()
                    .filter(|x| x.kind == ReasonKind::RedLine)
                    .filter_map(|x| x.red_line.as_ref())
                    .filter_map(|id| a.red_lines.iter().position(|rl| &rl.id == id))
                    .map(|i| i as u16)
                    .collect();
                (
                    red,
                    crate::accept::margin_verdict(av.margin, precision) == Verdict::Rejects,
                )
            })
            .collect();
        self.add(
            &Screen {
                passes: v.passes,
                undetermined: v.undetermined,
                undetermined_mask,
                feasible: v.feasible,
                deterrence: v.deterrence.total,
                cost: v.cost_per_year,
                max_share: v.max_share,
                margin: v.smallest_margin(),
                fail_mask,
                short,
                actors,
                gap: v.gap_to_passing,
                scored: true,
                bits: None,
            },
            true,
        );
    }

    pub(crate) fn merge(mut self, o: Tally) -> Tally {
        self.evaluated += o.evaluated;
        self.feasible += o.feasible;
        self.acceptable += o.acceptable;
        self.passing += o.passing;
        self.undetermined += o.undetermined;
        for (a, b) in self.undetermined_by.iter_mut().zip(o.undetermined_by) {
            *a += b;
        }
        for (a, b) in self.short_of.iter_mut().zip(o.short_of) {
            *a += b;
        }
        for r in 0..self.rejects.len() {
            self.rejects[r] += o.rejects[r];
            self.below[r] += o.below[r];
            self.utility_only[r] += o.utility_only[r];
            for (a, b) in self.red_lines[r].iter_mut().zip(&o.red_lines[r]) {
                *a += b;
            }
        }
        for (m, n) in o.combinations {
            *self.combinations.entry(m).or_insert(0) += n;
        }
        for (a, b) in self.pruned.iter_mut().zip(o.pruned) {
            *a += b;
        }
        for (a, b) in self.excluded.iter_mut().zip(o.excluded) {
            *a += b;
        }
        self
    }

    pub(crate) fn finish(self, p: &Prepared<'_>, frontier: u64) -> (Counts, Failures) {
        let s = p.scenario;
        let counts = Counts {
            evaluated: self.evaluated,
            feasible: self.feasible,
            infeasible: self.evaluated - self.feasible,
            acceptable_to_required: self.acceptable,
            passing: self.passing,
            undetermined: self.undetermined,
            frontier,
            pruned: self.pruned.iter().sum(),
            excluded: self.excluded.iter().sum(),
        };
        let excluded_by = self
            .excluded_reasons
            .iter()
            .zip(&self.excluded)
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (r.clone(), *n))
            .collect();
        let pruned_by = self
            .pruned_reasons
            .iter()
            .zip(&self.pruned)
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (r.clone(), *n))
            .collect();
        let short_of = p
            .capabilities
            .iter()
            .zip(&self.short_of)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.id.clone(), *n))
            .collect();
        let rejected_by = p
            .required
            .iter()
            .enumerate()
            .map(|(r, &ai)| {
                let a = &s.actors[ai];
                (
                    a.id.clone(),
                    ActorFailures {
                        rejects: self.rejects[r],
                        red_lines: a
                            .red_lines
                            .iter()
                            .zip(&self.red_lines[r])
                            .filter(|(_, n)| **n > 0)
                            .map(|(rl, n)| (rl.id.clone(), *n))
                            .collect(),
                        below_reservation: self.below[r],
                        utility_only: self.utility_only[r],
                        undetermined: self.undetermined_by[r],
                    },
                )
            })
            .collect();
        let name = |mask: u64| -> Vec<String> {
            let mut v = Vec::new();
            if mask & 1 != 0 {
                v.push("infeasible".to_string());
            }
            for (r, &ai) in p.required.iter().enumerate() {
                if mask & (1 << (r + 1)) != 0 {
                    v.push(s.actors[ai].id.clone());
                }
            }
            v
        };
        let total = self.evaluated.max(1) as f64;
        let mut combinations: Vec<FailureCombination> = self
            .combinations
            .iter()
            .map(|(&m, &n)| FailureCombination {
                fails: name(m),
                packages: n,
                share: n as f64 / total,
            })
            .collect();
        combinations.sort_by(|a, b| b.packages.cmp(&a.packages).then(a.fails.cmp(&b.fails)));
        let failing = self.combinations.values().sum();
        (
            counts,
            Failures {
                failing,
                infeasible: self.evaluated - self.feasible,
                short_of,
                rejected_by,
                combinations,
                pruned_by,
                excluded_by,
            },
        )
    }
}
