//! Streaming search of the option space.
//!
//! `search` never materialises the option space. Packages are numbered in
//! mixed radix and screened in chunks; each chunk runs in three phases:
//!
//! 1. find the allocation sub-problems the chunk needs that are not yet known,
//! 2. solve those (in parallel, each distinct sub-problem once),
//! 3. screen every package of the chunk (in parallel) into the why-not tally,
//!    a bounded list of the best packages and the frontier.
//!
//! A capability's sub-problem depends only on the options of the components
//! that require that capability and on which caveats are lifted, so it is
//! memoised under that *projection* of the package: a package costs a handful
//! of table look-ups, not a solve. Memory holds the memo, the top N and the
//! frontier; it does not grow with the number of packages.
//!
//! The kept packages are then evaluated in full (`judge`), so their verdicts
//! are exactly those of `evaluate`. Every accumulator is order-independent
//! (sums, a strict total order, a non-dominated set), so results do not depend
//! on the number of threads.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use guarantor_model::{Comparison, RedLineRule, Scenario};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::accept::{level_red_line_verdict, margin_verdict};
use crate::allocate::{AllocationError, LineKey, SubProblem};
use crate::error::EngineError;
use crate::frontier::{Frontier, Objective};
use crate::gap::{gap_to_passing, margin_deficit, red_line_weight, shortfall_share};
use crate::package::{
    CapPlan, Memo, cap_lines, cap_plan, chosen_solution, decode, evaluation, in_pool, judge, label,
    package_levels, plan, rank, solve_keys,
};
use crate::prepare::Prepared;
use crate::space::PackageSpace;
use crate::tally::{ActorBits, Screen, Tally};
use crate::verdict::*;

/// Packages screened per chunk.
const CHUNK: u64 = 1 << 15;
/// Packages per parallel task within a chunk: one task walks its slice in
/// order, so that a pruned subtree is skipped in one step.
const SLICE: u64 = 1 << 10;

/// How to run a search.
pub struct SearchOptions<'a> {
    /// Worker threads; `None` lets rayon choose (one per core).
    pub threads: Option<usize>,
    /// How many of the best packages to keep in full.
    pub top: usize,
    /// Objectives of the frontier.
    pub objectives: Vec<Objective>,
    /// Called after each chunk with the number of packages screened so far.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Cut subtrees that cannot contain a passing package (a required actor's
    /// option or level red line, or an option short for every completion)
    /// without screening them. The ranking of passing packages, the frontier
    /// and the passing count are unchanged; the why-not counts then cover the
    /// screened packages only, and `Failures::pruned_by` says what was cut.
    pub prune: bool,
}

impl Default for SearchOptions<'_> {
    fn default() -> Self {
        SearchOptions {
            threads: None,
            top: 10,
            objectives: Objective::ALL.to_vec(),
            progress: None,
            prune: false,
        }
    }
}

/// Search the whole option space, keeping the best `top` packages, the
/// frontier and the why-not counts. `Evaluation::packages` holds the kept
/// packages, ranked.
pub fn search(s: &Scenario, opts: &SearchOptions<'_>) -> Result<Evaluation, EngineError> {
    Ok(search_with_stats(s, opts)?.0)
}

/// [`search`], with how much work the search did and where the time went
/// (what `run --json` reports as `stats`). The statistics are measurements,
/// not results: the evaluation is the same as [`search`]'s.
pub fn search_with_stats(
    s: &Scenario,
    opts: &SearchOptions<'_>,
) -> Result<(Evaluation, SearchStats), EngineError> {
    in_pool(opts.threads, || search_inner(s, opts))?
}

fn search_inner(
    s: &Scenario,
    opts: &SearchOptions<'_>,
) -> Result<(Evaluation, SearchStats), EngineError> {
    let p = Prepared::new(s);
    let size = space_size(s)?;
    let sc = Screener::new(&p)?.with_level_verdicts(size);
    let (acc, mut stats, mut memo) = scan(&p, &sc, opts, 0..size, false)?;
    let e = finish(&p, &sc, opts, acc, &mut memo, &mut stats)?;
    Ok((e, stats))
}

/// The number of packages of `s`'s option space, if it fits the numbering.
fn space_size(s: &Scenario) -> Result<u64, EngineError> {
    let size = s.option_space_size();
    u64::try_from(size).map_err(|_| EngineError::TooLarge {
        size,
        limit: u64::MAX as u128,
    })
}

/// The mergeable state of a search over one contiguous range of the
/// package numbering: the why-not tally, the best `top` packages under the
/// rank order, and the range's own non-dominated set. Floating-point values
/// are kept as their IEEE 754 bit patterns, so a partial written to a file
/// and read back merges to exactly the same result.
///
/// A search of the whole space is [`search_partial`] over `0..size`
/// followed by [`finish_search`]; splitting the range into shards and
/// finishing with every shard's partial gives the same evaluation, because
/// the tally is a sum, the top list is the first `top` under a strict total
/// order and the frontier is a non-dominated set — each independent of how
/// the packages were grouped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SearchPartial {
    /// First package number of the range.
    pub start: u64,
    /// One past the last package number of the range.
    pub end: u64,
    tally: Tally,
    /// (passes, undetermined, [gap, deterrence, margin, cost] as bits, package).
    top: Vec<(bool, bool, [u64; 4], u64)>,
    /// (objective vector as bits, package).
    frontier: Vec<(Vec<u64>, u64)>,
}

impl SearchPartial {
    /// Packages screened in the range (not cut by `prune`, not excluded).
    pub fn screened(&self) -> u64 {
        self.tally.screened()
    }
}

/// Search the packages numbered `range` (mixed radix, first component
/// slowest) and return the mergeable state with the work statistics, for
/// [`finish_search`]. Results do not depend on `opts.threads`.
pub fn search_partial(
    s: &Scenario,
    opts: &SearchOptions<'_>,
    range: std::ops::Range<u64>,
) -> Result<(SearchPartial, SearchStats), EngineError> {
    partial(s, opts, range, Screening::Fast)
}

/// How a partial search screens, for the property tests of the screen.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    /// As [`search_partial`]: the buffered screen, with the table of the
    /// actors' verdicts by levels where it has fewer entries than packages.
    Fast,
    /// The buffered screen with that table wherever it applies, however few
    /// the packages.
    FastWithTable,
    /// The straightforward per-package screen (fresh vectors and the full
    /// deterrence assessment for every package): the reference the others
    /// are tested against.
    Reference,
}

/// [`search_partial`] screened as `screening` says: for the property tests
/// of the buffered screen against the reference. Not for use.
#[doc(hidden)]
pub fn search_partial_screened(
    s: &Scenario,
    opts: &SearchOptions<'_>,
    range: std::ops::Range<u64>,
    screening: Screening,
) -> Result<(SearchPartial, SearchStats), EngineError> {
    partial(s, opts, range, screening)
}

fn partial(
    s: &Scenario,
    opts: &SearchOptions<'_>,
    range: std::ops::Range<u64>,
    screening: Screening,
) -> Result<(SearchPartial, SearchStats), EngineError> {
    in_pool(opts.threads, || {
        let p = Prepared::new(s);
        let size = space_size(s)?;
        if range.start > range.end || range.end > size {
            return Err(EngineError::Partials(format!(
                "the range {}..{} is not within the {size} packages of the option space",
                range.start, range.end
            )));
        }
        let sc = Screener::new(&p)?.with_level_verdicts(match screening {
            Screening::Fast => range.end - range.start,
            Screening::FastWithTable => u64::MAX,
            Screening::Reference => 0,
        });
        let reference = screening == Screening::Reference;
        let (mut acc, stats, _) = scan(&p, &sc, opts, range.clone(), reference)?;
        acc.flush();
        Ok((
            SearchPartial {
                start: range.start,
                end: range.end,
                tally: acc.tally,
                top: acc
                    .top
                    .into_iter()
                    .map(|(k, i)| {
                        (
                            k.passes,
                            k.undetermined,
                            [
                                k.gap.to_bits(),
                                k.deterrence.to_bits(),
                                k.margin.to_bits(),
                                k.cost.to_bits(),
                            ],
                            i,
                        )
                    })
                    .collect(),
                frontier: acc
                    .frontier
                    .members
                    .into_iter()
                    .map(|(v, i)| (v.into_iter().map(f64::to_bits).collect(), i))
                    .collect(),
            },
            stats,
        ))
    })?
}

/// Merge partial searches that together cover the option space exactly
/// once (in any order) and evaluate the kept packages in full: the same
/// evaluation as [`search_with_stats`] with the same options, whatever the
/// split. The statistics count the work of the final evaluation only.
pub fn finish_search(
    s: &Scenario,
    opts: &SearchOptions<'_>,
    parts: Vec<SearchPartial>,
) -> Result<(Evaluation, SearchStats), EngineError> {
    in_pool(opts.threads, || {
        let p = Prepared::new(s);
        let size = space_size(s)?;
        let sc = Screener::new(&p)?;
        let mut ranges: Vec<(u64, u64)> = parts.iter().map(|x| (x.start, x.end)).collect();
        ranges.sort_unstable();
        let mut at = 0u64;
        for &(a, b) in &ranges {
            if a != at {
                return Err(EngineError::Partials(if a < at {
                    format!("packages {a}..{} are covered twice", at.min(b))
                } else {
                    format!("packages {at}..{a} are covered by no partial")
                }));
            }
            at = b;
        }
        if at != size {
            return Err(EngineError::Partials(format!(
                "packages {at}..{size} are covered by no partial"
            )));
        }
        let mut acc = Acc::new(&sc, opts.top);
        for part in parts {
            let fresh = Acc::new(&sc, opts.top);
            if !fresh.tally.same_shape(&part.tally) {
                return Err(EngineError::Partials(format!(
                    "the partial of packages {}..{} tallies another scenario's capabilities, actors or rules",
                    part.start, part.end
                )));
            }
            if part
                .frontier
                .iter()
                .any(|(v, _)| v.len() != opts.objectives.len())
            {
                return Err(EngineError::Partials(format!(
                    "the partial of packages {}..{} has a frontier on other objectives",
                    part.start, part.end
                )));
            }
            if let Some(i) = part
                .top
                .iter()
                .map(|t| t.3)
                .chain(part.frontier.iter().map(|f| f.1))
                .find(|&i| i < part.start || i >= part.end)
            {
                return Err(EngineError::Partials(format!(
                    "the partial of packages {}..{} keeps package {i}, outside its range",
                    part.start, part.end
                )));
            }
            let mut other = Acc {
                tally: part.tally,
                top: Vec::new(),
                n: opts.top,
                frontier: Frontier::default(),
                floor: RankBar::Everyone,
                bar: RankBar::Everyone,
                combinations: Vec::new(),
            };
            for (passes, undetermined, [gap, deterrence, margin, cost], i) in part.top {
                let key = RankKey {
                    passes,
                    undetermined,
                    gap: f64::from_bits(gap),
                    deterrence: f64::from_bits(deterrence),
                    margin: f64::from_bits(margin),
                    cost: f64::from_bits(cost),
                };
                if opts.top > 0 {
                    other.offer_top(&sc, (key, i));
                }
            }
            for (v, i) in part.frontier {
                other
                    .frontier
                    .offer(v.into_iter().map(f64::from_bits).collect(), i);
            }
            acc = acc.merge(&sc, other);
        }
        let mut stats = SearchStats::default();
        let mut memo: Memo = BTreeMap::new();
        let e = finish(&p, &sc, opts, acc, &mut memo, &mut stats)?;
        Ok((e, stats))
    })?
}

/// Screen the packages of `range` into an accumulator; returns it with the
/// work statistics and the memo of solved sub-problems.
///
/// Each chunk's slices are screened with the tables as they stand; a slice
/// that meets a projection key not solved yet stops there, lists the keys
/// its remaining packages miss (with the first package showing each), and is
/// screened again from that package once they are solved. The packages
/// before the stop are counted once, so the accumulator is that of screening
/// every package once. The reference path keeps the earlier separate pass
/// over every package that finds the missing keys first.
fn scan(
    p: &Prepared<'_>,
    sc: &Screener<'_, '_>,
    opts: &SearchOptions<'_>,
    range: std::ops::Range<u64>,
    reference: bool,
) -> Result<(Acc, SearchStats, Memo), EngineError> {
    let mut stats = SearchStats::default();
    let mut memo: Memo = BTreeMap::new();
    let mut tables: Vec<KeyTable> = sc.projs.iter().map(KeyTable::for_projection).collect();
    let mut outcomes: Vec<Result<CapOutcome, AllocationError>> = Vec::new();
    let mut acc = Acc::new(sc, opts.top);
    let size = range.end;
    let mut start = range.start;
    while start < size {
        let end = (start + CHUNK).min(size);
        let mut todo: Vec<(u64, u64)> = (0..(end - start).div_ceil(SLICE))
            .map(|j| (start + j * SLICE, (start + (j + 1) * SLICE).min(end)))
            .collect();
        if reference {
            // Phase 1: projections not yet in the tables, with a package showing each.
            let t = Instant::now();
            let missing = todo
                .par_iter()
                .map(|&(a, b)| sc.missing_keys(a, b, opts.prune, &tables))
                .reduce(BTreeMap::new, merge_missing);
            stats.screening_seconds += t.elapsed().as_secs_f64();
            // Phase 2: solve what they need, once per distinct sub-problem.
            let t = Instant::now();
            solve_missing(
                p,
                sc,
                &missing,
                &mut memo,
                &mut tables,
                &mut outcomes,
                &mut stats,
            );
            stats.allocation_seconds += t.elapsed().as_secs_f64();
        }
        // Phase 3: screen the chunk; solve what a slice missed and screen
        // the rest of that slice again.
        while !todo.is_empty() {
            let t = Instant::now();
            let floor = acc.bar();
            let (part, redo) = todo
                .par_iter()
                .try_fold(
                    || (Acc::new(sc, opts.top).with_floor(floor), Vec::new()),
                    |(mut acc, mut redo), &(a, b)| {
                        let mut failed = None;
                        let mut buf = ScreenBuffers::new();
                        let walked =
                            sc.each_live(a, b, opts.prune, reference, |i, choice, changed| {
                                let screened = if reference {
                                    sc.screen_reference(i, choice, &tables, &outcomes)
                                        .map(|scr| {
                                            scr.map(|scr| acc.add(sc, i, &scr, &opts.objectives))
                                                .is_some()
                                        })
                                } else {
                                    let rank = acc.bar();
                                    sc.screen_into(
                                        i, choice, changed, &tables, &outcomes, rank, &mut buf,
                                    )
                                    .inspect(|&done| {
                                        if done {
                                            acc.add(sc, i, &buf.screen, &opts.objectives);
                                        }
                                    })
                                };
                                screened.unwrap_or_else(|e| {
                                    failed = Some(e);
                                    false
                                })
                            });
                        if let Some(e) = failed {
                            return Err(e);
                        }
                        for (r, n) in walked.cut.into_iter().enumerate() {
                            acc.tally.pruned[r] += n;
                        }
                        for (r, n) in walked.excluded.into_iter().enumerate() {
                            acc.tally.excluded[r] += n;
                        }
                        if let Some(m) = walked.stopped {
                            redo.push((m, b, sc.missing_keys(m, b, opts.prune, &tables)));
                        }
                        Ok::<_, EngineError>((acc, redo))
                    },
                )
                .try_reduce(
                    || (Acc::new(sc, opts.top), Vec::new()),
                    |(a, mut ra), (b, rb)| {
                        ra.extend(rb);
                        Ok((a.merge(sc, b), ra))
                    },
                )?;
            acc = acc.merge(sc, part);
            stats.screening_seconds += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let missing = redo
                .iter()
                .map(|r| r.2.clone())
                .fold(BTreeMap::new(), merge_missing);
            solve_missing(
                p,
                sc,
                &missing,
                &mut memo,
                &mut tables,
                &mut outcomes,
                &mut stats,
            );
            stats.allocation_seconds += t.elapsed().as_secs_f64();
            todo = redo.into_iter().map(|r| (r.0, r.1)).collect();
        }
        if let Some(f) = opts.progress {
            f(end - range.start);
        }
        start = end;
    }

    Ok((acc, stats, memo))
}

/// Projection keys missing from the tables, each with the first package
/// showing it.
type Missing = BTreeMap<(usize, u64), u64>;

/// Two lists of missing keys as one, keeping each key's first package.
fn merge_missing(mut a: Missing, b: Missing) -> Missing {
    for (k, i) in b {
        let e = a.entry(k).or_insert(i);
        *e = (*e).min(i);
    }
    a
}

/// Solve the sub-problems the `missing` projection keys need, once per
/// distinct sub-problem, and add each key's outcome to the tables (keys in
/// order, so outcome indices do not depend on the threads).
fn solve_missing(
    p: &Prepared<'_>,
    sc: &Screener<'_, '_>,
    missing: &Missing,
    memo: &mut Memo,
    tables: &mut [KeyTable],
    outcomes: &mut Vec<Result<CapOutcome, AllocationError>>,
    stats: &mut SearchStats,
) {
    if missing.is_empty() {
        return;
    }
    let plans: Vec<((usize, u64), (CapPlan, crate::package::Choice))> = missing
        .par_iter()
        .map(|(&(j, key), &i)| {
            let choice = decode(i, &sc.radices);
            let levels = sc.levels(&choice);
            let k = sc.projs[j].k;
            let lines = cap_lines(p, &choice).remove(&k).unwrap_or_default();
            ((j, key), (cap_plan(p, k, lines, &levels), choice))
        })
        .collect();
    let need: BTreeSet<&SubProblem> = plans
        .iter()
        .flat_map(|(_, (cp, _))| std::iter::once(&cp.caveat_key).chain(cp.honour_key.iter()))
        .filter(|k| !memo.contains_key(*k))
        .collect();
    let need: Vec<SubProblem> = need.into_iter().cloned().collect();
    stats.subproblems += need.len() as u64;
    let solved = solve_keys(p, &need);
    memo.extend(need.into_iter().zip(solved));
    for ((j, key), (cp, choice)) in &plans {
        let out = chosen_solution(memo, cp).map(|(sp, sol)| sc.cap_outcome(cp, sp, sol, choice));
        tables[*j].insert(*key, outcomes.len() as u32);
        outcomes.push(out);
    }
}

/// Evaluate the kept packages of an accumulator in full (`judge`), rank
/// them and finish the tally into the evaluation.
fn finish(
    p: &Prepared<'_>,
    sc: &Screener<'_, '_>,
    opts: &SearchOptions<'_>,
    mut acc: Acc,
    memo: &mut Memo,
    stats: &mut SearchStats,
) -> Result<Evaluation, EngineError> {
    // The kept packages in full.
    let mut keep: BTreeSet<u64> = acc.top.iter().map(|t| t.1).collect();
    let on_frontier: BTreeSet<u64> = acc.frontier.members.iter().map(|m| m.1).collect();
    keep.extend(on_frontier.iter().copied());
    let radices = sc.radices.clone();
    let plans: Vec<_> = keep.iter().map(|&i| plan(p, decode(i, &radices))).collect();
    let need: BTreeSet<&SubProblem> = plans
        .iter()
        .flat_map(|pl| {
            pl.caps
                .iter()
                .flat_map(|cp| std::iter::once(&cp.caveat_key).chain(cp.honour_key.iter()))
        })
        .filter(|k| !memo.contains_key(*k))
        .collect();
    let need: Vec<SubProblem> = need.into_iter().cloned().collect();
    let t = Instant::now();
    stats.subproblems += need.len() as u64;
    let solved = solve_keys(p, &need);
    memo.extend(need.into_iter().zip(solved));
    stats.allocation_seconds += t.elapsed().as_secs_f64();
    let mut packages: Vec<PackageVerdict> = plans
        .par_iter()
        .map(|pl| judge(p, pl, memo))
        .collect::<Result<_, _>>()?;
    for (v, i) in packages.iter_mut().zip(&keep) {
        v.frontier = on_frontier.contains(i);
    }
    rank(&mut packages);
    acc.flush();
    let (counts, failures) = acc.tally.finish(sc.p, on_frontier.len() as u64);
    Ok(evaluation(p, counts, failures, &opts.objectives, packages))
}

/// The memoised outcome of one capability under one projection.
#[derive(Debug, Clone)]
pub(crate) struct CapOutcome {
    short: f64,
    /// Shortfall share of the capability's need (the gap's term).
    share: f64,
    cost: f64,
    max_share: f64,
    /// (required actor, red line index) of contribution red lines the allocation violates.
    violates: Vec<(u16, u16)>,
    /// `violates` as bits `Screener::red_bit` (when every red line has one).
    violates_bits: u64,
    /// The allocation, for computed deterrence and derived levels.
    allotted: Vec<crate::deterrence::Allotted>,
    /// What it brings to deterrence, when `Screener::summaries` holds and it
    /// holds its own capability's units only.
    summary: Option<crate::deterrence::OutcomeSummary>,
}

/// One projection's outcomes (indices into the outcome list) by key: an
/// array indexed by key when its keys are few (`KeyTable::DENSE_MAX`), else
/// a hash map.
#[derive(Debug, Clone)]
enum KeyTable {
    /// `u32::MAX`: no outcome yet.
    Dense(Vec<u32>),
    Sparse(FxHashMap<u64, u32>),
}

impl KeyTable {
    /// Keys at most for the array (64 KiB of indices).
    const DENSE_MAX: u64 = 1 << 14;

    fn for_projection(pr: &Projection) -> KeyTable {
        if pr.keys <= Self::DENSE_MAX {
            KeyTable::Dense(vec![u32::MAX; pr.keys as usize])
        } else {
            KeyTable::Sparse(FxHashMap::default())
        }
    }

    fn get(&self, key: u64) -> Option<u32> {
        match self {
            KeyTable::Dense(v) => v
                .get(usize::try_from(key).ok()?)
                .copied()
                .filter(|&at| at != u32::MAX),
            KeyTable::Sparse(m) => m.get(&key).copied(),
        }
    }

    fn contains_key(&self, key: u64) -> bool {
        self.get(key).is_some()
    }

    fn insert(&mut self, key: u64, at: u32) {
        match self {
            KeyTable::Dense(v) => match usize::try_from(key).ok().and_then(|k| v.get_mut(k)) {
                Some(slot) => *slot = at,
                // Keys stay below `Projection::keys`; keep any other anyway.
                None => {
                    let mut m: FxHashMap<u64, u32> = v
                        .iter()
                        .enumerate()
                        .filter(|&(_, &a)| a != u32::MAX)
                        .map(|(k, &a)| (k as u64, a))
                        .collect();
                    m.insert(key, at);
                    *self = KeyTable::Sparse(m);
                }
            },
            KeyTable::Sparse(m) => {
                m.insert(key, at);
            }
        }
    }
}

/// A projection's key and outcome for the package screened last, with what
/// the screen reads of the outcome (`Screener::screen_into`), and its caveat
/// bits with their part of the key.
#[derive(Debug, Clone, Copy)]
struct LastOutcome {
    key: u64,
    at: u32,
    violates_bits: u64,
    short: bool,
    summarised: bool,
    /// The package's caveat bits under `Projection::cond_mask`, and the
    /// key's low bits they give (`Screener::cond_part`).
    conds: Option<(u64, u64)>,
}

impl LastOutcome {
    const NONE: LastOutcome = LastOutcome {
        key: u64::MAX,
        at: 0,
        violates_bits: 0,
        short: false,
        summarised: false,
        conds: None,
    };
}

/// What the projections that do not read the last component bring to a
/// package, for a run of packages that differ in their last option only
/// (`Screener::screen_into`).
#[derive(Debug, Clone, Copy, Default)]
struct Batch {
    /// Computed for the run under way.
    valid: bool,
    violates_bits: u64,
    summarised: bool,
    /// Bit k: capability k short.
    short_bits: u64,
}

/// A screening worker's reusable buffers: the screen it fills and the
/// intermediate vectors, so that screening a package allocates nothing.
struct ScreenBuffers {
    screen: Screen,
    option_levels: Vec<f64>,
    /// Index of each projection's outcome for the package.
    outs: Vec<u32>,
    /// `[component + 1][dimension]`: (level, set) after the options of the
    /// components before; row 0 holds none (`Screener::prefix_into`).
    rows: Vec<(f64, bool)>,
    /// `[component + 1][dimension]`: the level's rank in
    /// [`LevelVerdicts::option_ranks`] after the options of the components
    /// before, when the screener has the table.
    ranks: Vec<u16>,
    /// The package's index in [`LevelVerdicts::flags`].
    level_index: usize,
    /// `option_levels` and the last entries of `det_prefix` and
    /// `cost_prefix` are the package's (`Screener::last_into`).
    levels_ready: bool,
    /// `[component + 1]`: option red lines broken by the components before
    /// (`LevelVerdicts::option_hits`).
    hit_prefix: Vec<u64>,
    /// The index of rank row n − 1 (the components before the last).
    prefix_index: usize,
    /// The caveat bits (`cond_bits`) of the package screened last.
    prev_bits: u64,
    /// `[component + 1]`: summed option deterrence of the components before.
    det_prefix: Vec<f64>,
    /// `[component + 1]`: summed fixed cost of the components before.
    cost_prefix: Vec<f64>,
    /// Per projection: the last key looked up and its outcome index (the
    /// tables only grow between chunks, so an index stays valid). `u64::MAX`
    /// is never a key: `Screener::new` bounds keys below `stride << conds`.
    last: Vec<LastOutcome>,
    /// The projections not reading the last component, for the run.
    batch: Batch,
    gap_terms: Vec<f64>,
    assess: crate::deterrence::Scratch,
}

impl ScreenBuffers {
    fn new() -> ScreenBuffers {
        ScreenBuffers {
            screen: Screen {
                passes: false,
                undetermined: false,
                undetermined_mask: 0,
                feasible: false,
                deterrence: 0.0,
                cost: 0.0,
                max_share: 0.0,
                margin: 0.0,
                fail_mask: 0,
                short: Vec::new(),
                actors: Vec::new(),
                gap: 0.0,
                scored: false,
                bits: None,
            },
            option_levels: Vec::new(),
            outs: Vec::new(),
            rows: Vec::new(),
            ranks: Vec::new(),
            level_index: 0,
            levels_ready: false,
            hit_prefix: Vec::new(),
            prefix_index: 0,
            prev_bits: 0,
            det_prefix: Vec::new(),
            cost_prefix: Vec::new(),
            last: Vec::new(),
            batch: Batch::default(),
            gap_terms: Vec::new(),
            assess: crate::deterrence::Scratch::default(),
        }
    }
}

/// What [`Screener::each_live`] walked: the packages cut by reason, those
/// excluded by rule, and the package the visitor stopped at.
struct Walked {
    cut: Vec<u64>,
    excluded: Vec<u64>,
    stopped: Option<u64>,
}

/// [`decode`] into a buffer of the right length.
fn decode_into(mut i: u64, radices: &[usize], out: &mut [u16]) {
    for (slot, &r) in out.iter_mut().zip(radices).rev() {
        *slot = (i % r as u64) as u16;
        i /= r as u64;
    }
}

/// The part of a package that decides one capability's allocation.
struct Projection {
    k: usize,
    /// (component, stride) of the components that require capability `k`.
    comps: Vec<(usize, u64)>,
    /// Caveat lift conditions that can change who may supply `k`.
    conds: Vec<usize>,
    /// One past the last component whose option can change the key (its
    /// own components, and those setting a level its conditions read).
    read_until: usize,
    /// One past its last own component (0 when it has none).
    own_until: usize,
    /// Its conditions as bits of the package's caveat bits
    /// (`cond_bits`; only used when there are at most 64).
    cond_mask: u64,
    /// Its keys are below this (options in mixed radix, then conditions).
    keys: u64,
}

/// A synergy's bonus and its conditions as (component, allowed options).
type SynergyCheck = (f64, Vec<(usize, Vec<bool>)>);

enum Check {
    Option {
        comp: usize,
        banned: Vec<bool>,
    },
    Level {
        dim: usize,
        op: Comparison,
        value: f64,
    },
    Contribution,
}

struct RequiredActor {
    /// (dimension, salience, position) in dimension order.
    weights: Vec<(usize, f64, f64)>,
    reservation: f64,
    /// The sum of the saliences in `weights`, in their order (the
    /// utility's denominator, the same for every package).
    den: f64,
    /// Bit of the first red line in a package's violated contribution red
    /// lines, when all required actors' red lines fit in 64 bits.
    red_bits_from: Option<u32>,
    checks: Vec<Check>,
    /// Per red line (as `checks`): its weight in the gap to passing.
    red_line_weights: Vec<f64>,
}

impl RequiredActor {
    /// The actor's acceptance margin on `levels` (utility units): its
    /// utility summed over `weights` in dimension order, as
    /// [`crate::accept::spatial_utility`] sums it, minus its reservation.
    fn margin_on(&self, levels: &[f64]) -> f64 {
        let mut num = 0.0;
        for &(d, w, pos) in &self.weights {
            num += w * (1.0 - (levels[d] - pos).abs());
        }
        let utility = if self.den > 0.0 { num / self.den } else { 0.0 };
        crate::accept::acceptance_margin(utility, self.reservation)
    }
}

/// The required actors' verdict parts that depend on the levels alone —
/// utility below the reservation, undetermined, each level red line broken
/// — for every combination of levels the options can set, computed once
/// (`level_verdicts`); with the red lines broken by each option, as bits.
/// A package then finds its actors' verdicts by one index and a few bit
/// operations instead of a utility per actor; where it may pass or enter
/// the best N, the screen computes the margins themselves as before.
///
/// Red lines are numbered over the required actors in order (actor r's
/// red line i is bit `RequiredActor::red_bits_from + i`, as in
/// `CapOutcome::violates_bits`): the table applies when they fit in 64.
struct LevelVerdicts {
    /// `[component][option]` → (dimension, rank) of each level the option
    /// sets: rank = 1 + the level's place among the dimension's distinct
    /// option levels (0: no option sets the dimension, its default applies).
    /// A dimension's level is the highest set, so its rank is the highest.
    option_ranks: Vec<Vec<Vec<(usize, u16)>>>,
    /// Per dimension: the multiplier of its rank in a table index (0 when
    /// neither a required actor nor a caveat condition reads it).
    mult: Vec<usize>,
    /// Per index: the required actors' verdict parts on those levels.
    flags: Vec<LevelFlags>,
    /// `[component][option]`: the option red lines the option breaks.
    option_hits: Vec<Vec<u64>>,
    /// The contribution red lines (bits of `CapOutcome::violates_bits`).
    contribution: u64,
    /// Per required actor: its red lines.
    actor_lines: Vec<u64>,
}

/// One entry of [`LevelVerdicts::flags`].
#[derive(Debug, Clone, Copy)]
struct LevelFlags {
    /// Bit r: required actor r's utility is below its reservation (the
    /// margin's verdict rejects).
    below: u64,
    /// Bit r: the margin or one of its level red lines is within the
    /// precision (undetermined).
    unsure: u64,
    /// The level red lines broken.
    hits: u64,
    /// The caveat lift conditions that hold (`cond_bits`), when
    /// there are at most 64.
    conds: u64,
}

/// Entries of [`LevelVerdicts::flags`] times required actors at most,
/// whatever the number of packages: 32 MiB of 32-byte entries divided by
/// the number of required actors (5.3 MB for the 10^7 benchmark space).
const LEVEL_VERDICTS_MAX: usize = 1 << 20;

/// The levels the options of components `start..` can still set on one
/// dimension (`UtilityBounds::suffix`).
#[derive(Debug, Clone, Copy)]
struct SuffixLevels {
    /// Lowest and highest level an option of one of these components sets.
    lo: f64,
    hi: f64,
    /// Some option of one of them sets the dimension.
    may_set: bool,
    /// Each of them has an option that leaves it unset.
    may_unset: bool,
}

/// What pruning by utility bound needs (`--prune`, when no level is derived
/// from the allocation): a subtree is cut when some required actor's best
/// utility over all its completions ([`crate::accept::utility_upper_bound`])
/// leaves it clearly below its reservation.
struct UtilityBounds {
    /// `[start][dimension]`, start in 0..=components.
    suffix: Vec<Vec<SuffixLevels>>,
    /// Per required actor: its reason in `Screener::cut_reasons`; `None`
    /// when a salience is negative or not finite (the bound would not hold).
    reasons: Vec<Option<usize>>,
}

/// Precomputed, index-based form of the scenario for the per-package screen.
pub(crate) struct Screener<'p, 's> {
    p: &'p Prepared<'s>,
    radices: Vec<usize>,
    /// `[component][option]` → (dimension, level) the option sets.
    option_levels: Vec<Vec<Vec<(usize, f64)>>>,
    dim_default: Vec<f64>,
    deterrence: Vec<Vec<f64>>,
    fixed_cost: Vec<Vec<f64>>,
    synergies: Vec<SynergyCheck>,
    /// Caveat lift conditions: (dimension, op, value); `None` when the dimension is unknown.
    conds: Vec<Option<(usize, Comparison, f64)>>,
    projs: Vec<Projection>,
    required: Vec<RequiredActor>,
    /// Packages per value of each component (the size of its subtrees).
    strides: Vec<u64>,
    /// `[component][option]`: why no package with this option can pass, as an
    /// index into `cut_reasons`.
    dead: Vec<Vec<Option<usize>>>,
    cut_reasons: Vec<String>,
    /// The package space with its `requires` / `excludes` rules.
    space: PackageSpace,
    excluded_reasons: Vec<String>,
    /// Whether outcomes carry deterrence summaries (`Tables::summaries_apply`).
    summaries: bool,
    /// Whether some level follows the allocation (`Tables::derives_levels`):
    /// the verdicts then need the deterrence assessment first.
    derives_levels: bool,
    /// Pruning by utility bound, when it is sound for this scenario.
    bounds: Option<UtilityBounds>,
    /// The actors' verdicts by levels, when the table applies.
    verdicts: Option<LevelVerdicts>,
}

impl<'p, 's> Screener<'p, 's> {
    pub(crate) fn new(p: &'p Prepared<'s>) -> Result<Self, EngineError> {
        let s = p.scenario;
        let dim = |id: &str| s.dimensions.iter().position(|d| d.id == id);
        let radices: Vec<usize> = s.components.iter().map(|c| c.options.len()).collect();
        let option_levels: Vec<Vec<Vec<(usize, f64)>>> = s
            .components
            .iter()
            .map(|c| {
                c.options
                    .iter()
                    .map(|o| {
                        s.dimensions
                            .iter()
                            .enumerate()
                            .filter_map(|(di, d)| o.levels.get(&d.id).map(|&l| (di, l)))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let dim_default: Vec<f64> = s
            .dimensions
            .iter()
            .map(|d| d.default.unwrap_or(0.0))
            .collect();
        let deterrence = s
            .components
            .iter()
            .map(|c| c.options.iter().map(|o| o.deterrence).collect())
            .collect();
        let fixed_cost = s
            .components
            .iter()
            .map(|c| {
                c.options
                    .iter()
                    .map(|o| o.cost_per_year + o.one_off_cost / s.parameters.horizon_years)
                    .collect()
            })
            .collect();
        let allowed = |comp: usize, ids: &[String]| -> Vec<bool> {
            s.components[comp]
                .options
                .iter()
                .map(|o| ids.contains(&o.id))
                .collect()
        };
        let synergies = s
            .synergies
            .iter()
            .map(|sy| {
                let conds = sy
                    .when
                    .iter()
                    .map(
                        |(c, opts)| match s.components.iter().position(|x| &x.id == c) {
                            Some(ci) => (ci, allowed(ci, opts)),
                            // An unknown component never matches.
                            None => (usize::MAX, Vec::new()),
                        },
                    )
                    .collect();
                (sy.bonus, conds)
            })
            .collect();
        let conds: Vec<Option<(usize, Comparison, f64)>> = p
            .caveats
            .iter()
            .map(|x| {
                x.lifted_when
                    .as_ref()
                    .and_then(|c| dim(&c.dimension).map(|d| (d, c.op, c.value)))
            })
            .collect();
        let mut projs = Vec::new();
        for k in 0..p.capabilities.len() {
            let cap_id = &p.capabilities[k].id;
            let comps: Vec<usize> = (0..s.components.len())
                .filter(|&ci| {
                    p.requirements[ci].iter().any(|rs| {
                        rs.iter()
                            .any(|r| &r.capability == cap_id || p.bundle_brings(&r.capability, k))
                    })
                })
                .collect();
            if comps.is_empty() {
                continue;
            }
            let mut stride = 1u64;
            let mut with_strides = Vec::new();
            for &ci in comps.iter().rev() {
                with_strides.push((ci, stride));
                stride = stride
                    .checked_mul(radices[ci] as u64)
                    .ok_or(EngineError::TooLarge {
                        size: u128::MAX,
                        limit: u64::MAX as u128,
                    })?;
            }
            with_strides.reverse();
            let pc: Vec<usize> = p
                .caveats
                .iter()
                .enumerate()
                .filter(|(i, x)| {
                    conds[*i].is_some()
                        && (p.filter_covers(&x.filter, k, true)
                            || p.filter_covers(&x.filter, k, false))
                })
                .map(|(i, _)| i)
                .collect();
            if pc.len() > 24 || stride > (u64::MAX >> pc.len()) {
                return Err(EngineError::TooLarge {
                    size: u128::from(stride) << pc.len().min(64),
                    limit: u64::MAX as u128,
                });
            }
            let sets_level = |ci: usize, d: usize| {
                s.components[ci]
                    .options
                    .iter()
                    .any(|o| o.levels.contains_key(&s.dimensions[d].id))
            };
            let read_until = (0..s.components.len())
                .filter(|&ci| {
                    comps.contains(&ci)
                        || pc
                            .iter()
                            .any(|&c| conds[c].is_some_and(|(d, _, _)| sets_level(ci, d)))
                })
                .map(|ci| ci + 1)
                .max()
                .unwrap_or(0);
            let own_until = comps.iter().map(|&ci| ci + 1).max().unwrap_or(0);
            let cond_mask = pc
                .iter()
                .filter(|&&c| c < 64)
                .fold(0u64, |m, &c| m | 1 << c);
            let keys = stride << pc.len();
            projs.push(Projection {
                k,
                comps: with_strides,
                conds: pc,
                read_until,
                own_until,
                cond_mask,
                keys,
            });
        }
        if p.required.len() > 63 {
            return Err(EngineError::TooManyRequired {
                count: p.required.len(),
            });
        }
        let total_red_lines: usize = p
            .required
            .iter()
            .map(|&ai| s.actors[ai].red_lines.len())
            .sum();
        let mut red_bits_from = 0u32;
        let required: Vec<RequiredActor> = p
            .required
            .iter()
            .map(|&ai| {
                let a = &s.actors[ai];
                let from = (total_red_lines <= 64).then_some(red_bits_from);
                red_bits_from += a.red_lines.len() as u32;
                let weights: Vec<(usize, f64, f64)> = s
                    .dimensions
                    .iter()
                    .enumerate()
                    .filter_map(|(di, d)| {
                        Some((di, *a.salience.get(&d.id)?, *a.position.get(&d.id)?))
                    })
                    .collect();
                let checks = a
                    .red_lines
                    .iter()
                    .map(|rl| match &rl.rule {
                        RedLineRule::Option { component, options } => {
                            match s.components.iter().position(|c| &c.id == component) {
                                Some(ci) => Check::Option {
                                    comp: ci,
                                    banned: allowed(ci, options),
                                },
                                None => Check::Option {
                                    comp: usize::MAX,
                                    banned: Vec::new(),
                                },
                            }
                        }
                        RedLineRule::Level {
                            dimension,
                            op,
                            value,
                        } => Check::Level {
                            dim: dim(dimension).unwrap_or(usize::MAX),
                            op: *op,
                            value: *value,
                        },
                        RedLineRule::Contribution { .. } => Check::Contribution,
                    })
                    .collect();
                let mut den = 0.0;
                for &(_, w, _) in &weights {
                    den += w;
                }
                RequiredActor {
                    weights,
                    den,
                    red_bits_from: from,
                    reservation: a.reservation,
                    checks,
                    red_line_weights: a
                        .red_lines
                        .iter()
                        .map(|rl| red_line_weight(rl.flexibility))
                        .collect(),
                }
            })
            .collect();
        let mut strides = vec![1u64; radices.len()];
        for ci in (0..radices.len().saturating_sub(1)).rev() {
            strides[ci] = strides[ci + 1].saturating_mul(radices[ci + 1] as u64);
        }
        let (dead, mut cut_reasons) = dead_options(p);
        let bounds = utility_bounds(p, &option_levels, &required, &mut cut_reasons);
        let space = PackageSpace::new(s);
        let summaries = p.deterrence.summaries_apply(|ci, k| {
            projs
                .iter()
                .any(|pr| pr.k == k && pr.comps.iter().any(|&(c, _)| c == ci))
        });
        Ok(Screener {
            summaries,
            derives_levels: p.deterrence.derives_levels(),
            bounds,
            verdicts: None,
            p,
            excluded_reasons: space.rule_texts(),
            space,
            strides,
            dead,
            cut_reasons,
            radices,
            option_levels,
            dim_default,
            deterrence,
            fixed_cost,
            synergies,
            conds,
            projs,
            required,
        })
    }

    /// The screener with its table of verdicts by levels ([`LevelVerdicts`])
    /// when it applies and has at most one entry per required actor and
    /// package to screen (an entry costs about what the required actors'
    /// margins cost one package), so that a small search or a short range
    /// does not pay for a large table.
    fn with_level_verdicts(mut self, packages: u64) -> Self {
        let limit =
            usize::try_from(packages).map_or(LEVEL_VERDICTS_MAX, |n| n.min(LEVEL_VERDICTS_MAX));
        self.verdicts = level_verdicts(
            self.p,
            &self.option_levels,
            &self.dim_default,
            &self.required,
            &self.conds,
            limit,
        );
        self
    }

    /// Visit every package in `a..b` in order, with its choice, skipping
    /// each block of packages an option's `requires` / `excludes` rules out.
    /// With `prune`, also skip each subtree whose prefix holds a dead option
    /// (a block decided by fewer components goes first; a tie is excluded).
    ///
    /// The visitor also gets the slowest component whose option may differ
    /// from the package it saw last (0 for the first package and after a
    /// skipped block): consecutive packages in mixed-radix order differ in
    /// their fastest components only, so the choice is advanced like an
    /// odometer instead of decoded (`decode_each` decodes every package, for
    /// the reference path). The visitor returns `false` to stop the walk
    /// there; `Walked::stopped` then names that package, and the counts
    /// cover the packages before it only.
    fn each_live(
        &self,
        a: u64,
        b: u64,
        prune: bool,
        decode_each: bool,
        mut visit: impl FnMut(u64, &[u16], usize) -> bool,
    ) -> Walked {
        let mut cut = vec![0u64; self.cut_reasons.len()];
        let mut excluded = vec![0u64; self.excluded_reasons.len()];
        let mut i = a;
        let n = self.radices.len();
        let mut choice = vec![0u16; n];
        let mut fresh = true;
        let mut changed = 0;
        let bounds = self.bounds.as_ref().filter(|_| prune);
        let mut rows = Vec::new();
        let mut bound_cuts = vec![None; n.saturating_sub(1)];
        while i < b {
            if fresh || decode_each {
                decode_into(i, &self.radices, &mut choice);
                fresh = false;
                changed = 0;
            }
            let ex = self.space.excluded_by(&choice);
            let dead = if prune {
                let option = choice
                    .iter()
                    .enumerate()
                    .find_map(|(ci, &o)| self.dead[ci][o as usize].map(|r| (ci, r)));
                let bound = bounds.and_then(|bd| {
                    self.bound_cuts_into(bd, &choice, changed, &mut rows, &mut bound_cuts);
                    bound_cuts
                        .iter()
                        .enumerate()
                        .find_map(|(ci, r)| r.map(|r| (ci, r)))
                });
                // The block decided by fewer components goes first; on a
                // tie, the dead option.
                match (option, bound) {
                    (Some(o), Some(u)) => Some(if u.0 < o.0 { u } else { o }),
                    (o, u) => o.or(u),
                }
            } else {
                None
            };
            match (ex, dead) {
                (Some((r, de)), d) if d.is_none_or(|(ci, _)| de <= ci) => {
                    let stop = self.space.block_end(i, de).min(b);
                    excluded[r] += stop - i;
                    i = stop;
                    fresh = true;
                    continue;
                }
                (_, Some((ci, r))) => {
                    let stride = self.strides[ci];
                    let stop = ((i / stride + 1) * stride).min(b);
                    cut[r] += stop - i;
                    i = stop;
                    fresh = true;
                    continue;
                }
                _ => {}
            }
            if !visit(i, &choice, changed) {
                return Walked {
                    cut,
                    excluded,
                    stopped: Some(i),
                };
            }
            i += 1;
            // The next package: the fastest component advances, carrying.
            changed = n;
            loop {
                if changed == 0 {
                    fresh = true;
                    break;
                }
                changed -= 1;
                if usize::from(choice[changed]) + 1 < self.radices[changed] {
                    choice[changed] += 1;
                    break;
                }
                choice[changed] = 0;
            }
        }
        Walked {
            cut,
            excluded,
            stopped: None,
        }
    }

    /// For each component ci < n − 1: whether some required actor's best
    /// utility over every package sharing `choice`'s options of components
    /// 0..=ci stays clearly below its reservation (beyond the precision
    /// band, so every such package is rejected), as that actor's reason.
    /// `rows` holds (level, set) after each prefix as in `prefix_into`; the
    /// rows and cuts before `from` are those of the package seen last.
    fn bound_cuts_into(
        &self,
        bd: &UtilityBounds,
        choice: &[u16],
        from: usize,
        rows: &mut Vec<(f64, bool)>,
        cuts: &mut [Option<usize>],
    ) {
        let nd = self.dim_default.len();
        let from = if rows.len() != (cuts.len() + 1) * nd {
            *rows = vec![(f64::NEG_INFINITY, false); (cuts.len() + 1) * nd];
            0
        } else {
            from
        };
        let precision = self.p.scenario.parameters.acceptance_precision;
        for ci in from..cuts.len() {
            let row = self.level_row(rows, ci, usize::from(choice[ci]));
            let suffix = &bd.suffix[ci + 1];
            let range = |d: usize| {
                let (level, set) = row[d];
                let sf = suffix[d];
                if set {
                    (level, if sf.may_set { level.max(sf.hi) } else { level })
                } else {
                    let default = self.dim_default[d];
                    match (sf.may_set, sf.may_unset) {
                        (true, true) => (sf.lo.min(default), sf.hi.max(default)),
                        (true, false) => (sf.lo, sf.hi),
                        (false, _) => (default, default),
                    }
                }
            };
            cuts[ci] = self.required.iter().zip(&bd.reasons).find_map(|(ra, r)| {
                let r = (*r)?;
                let best = crate::accept::utility_upper_bound(
                    ra.weights.iter().map(|&(d, w, pos)| {
                        let (lo, hi) = range(d);
                        (w, pos, lo, hi)
                    }),
                    ra.den,
                );
                let m = crate::accept::acceptance_margin(best, ra.reservation);
                (margin_verdict(m, precision) == Verdict::Rejects).then_some(r)
            });
        }
    }

    /// The projection keys packages `a..b` need that the tables lack, each
    /// with the first package needing it.
    fn missing_keys(&self, a: u64, b: u64, prune: bool, tables: &[KeyTable]) -> Missing {
        let mut m: FxHashMap<(usize, u64), u64> = FxHashMap::default();
        let mut buf = ScreenBuffers::new();
        let mut last = vec![u64::MAX; self.projs.len()];
        // With the table by levels the caveat bits come from it (as in
        // `screen_into`), and the package's levels are not needed.
        let from_table = self.verdicts.is_some() && self.conds.len() <= 64;
        self.each_live(a, b, prune, false, |i, choice, changed| {
            self.prefix_into(choice, changed, &mut buf, !from_table);
            let mut bits = None;
            for (j, pr) in self.projs.iter().enumerate() {
                // No component the key reads changed: already checked.
                if changed > 0 && pr.read_until <= changed {
                    continue;
                }
                let key = if from_table {
                    let b = *bits.get_or_insert_with(|| {
                        self.package_cond_bits(buf.level_index, &buf.option_levels)
                    });
                    Self::key_from_bits(pr, choice, b)
                } else {
                    self.key_in(pr, choice, &buf.option_levels, &mut bits)
                };
                // The same key as the package before: already checked.
                if key == last[j] {
                    continue;
                }
                last[j] = key;
                if !tables[j].contains_key(key) {
                    m.entry((j, key)).or_insert(i);
                }
            }
            true
        });
        m.into_iter().collect()
    }

    /// Option levels, summed option deterrence and summed fixed cost of
    /// `choice` into `buf`, from the prefix rows of the package it last
    /// held: the components before `from` are those of that package, so
    /// only the rows from `from` on are recomputed. Each row repeats the
    /// straightforward computation's steps in component order, so the
    /// values are the same bit for bit (`levels_into`, the sums of
    /// `screen_reference`).
    ///
    /// The last component's part — its sums and the package's levels
    /// (`last_into`) — only with `levels`: the screen with a table by levels
    /// needs them for packages it computes margins for only. Its index in
    /// the table and its option red lines always.
    fn prefix_into(&self, choice: &[u16], from: usize, buf: &mut ScreenBuffers, levels: bool) {
        let n = choice.len();
        let nd = self.dim_default.len();
        let from = if buf.det_prefix.len() != n + 1 {
            buf.rows = vec![(f64::NEG_INFINITY, false); (n + 1) * nd];
            buf.ranks = vec![0; (n + 1) * nd];
            buf.det_prefix = vec![0.0; n + 1];
            buf.cost_prefix = vec![0.0; n + 1];
            buf.hit_prefix = vec![0; n + 1];
            0
        } else {
            from.min(n)
        };
        let before = n.saturating_sub(1);
        for ci in from..before {
            let o = usize::from(choice[ci]);
            buf.det_prefix[ci + 1] = buf.det_prefix[ci] + self.deterrence[ci][o];
            buf.cost_prefix[ci + 1] = buf.cost_prefix[ci] + self.fixed_cost[ci][o];
            self.level_row(&mut buf.rows, ci, o);
            if let Some(lv) = &self.verdicts {
                buf.hit_prefix[ci + 1] = buf.hit_prefix[ci] | lv.option_hits[ci][o];
                let (head, tail) = buf.ranks.split_at_mut((ci + 1) * nd);
                let row = &mut tail[..nd];
                row.copy_from_slice(&head[ci * nd..]);
                for &(d, rank) in &lv.option_ranks[ci][o] {
                    row[d] = row[d].max(rank);
                }
            }
        }
        // The rank index and option red lines of the whole package from row
        // n − 1 and the last option.
        if let Some(lv) = &self.verdicts {
            if from < before.max(1) {
                buf.prefix_index = buf.ranks[before * nd..][..nd]
                    .iter()
                    .zip(&lv.mult)
                    .map(|(&rank, &m)| usize::from(rank) * m)
                    .sum();
            }
            buf.level_index = match choice.last() {
                Some(&o) => {
                    let o = usize::from(o);
                    buf.hit_prefix[n] = buf.hit_prefix[before] | lv.option_hits[before][o];
                    let ranks = &buf.ranks[before * nd..][..nd];
                    let mut index = buf.prefix_index;
                    for &(d, rank) in &lv.option_ranks[before][o] {
                        if rank > ranks[d] {
                            index += usize::from(rank - ranks[d]) * lv.mult[d];
                        }
                    }
                    index
                }
                None => 0,
            };
        }
        buf.levels_ready = levels;
        if levels {
            self.last_into(
                choice,
                &buf.rows,
                &mut buf.det_prefix,
                &mut buf.cost_prefix,
                &mut buf.option_levels,
            );
        }
    }

    /// The last component's part of `prefix_into`: summed option deterrence
    /// and fixed cost of the whole package, and its levels, from row n − 1
    /// and the last option (the same steps as one more row, `level_row`).
    fn last_into(
        &self,
        choice: &[u16],
        rows: &[(f64, bool)],
        det_prefix: &mut [f64],
        cost_prefix: &mut [f64],
        option_levels: &mut Vec<f64>,
    ) {
        let n = choice.len();
        let nd = self.dim_default.len();
        let before = n.saturating_sub(1);
        let prev = &rows[before * nd..][..nd];
        option_levels.clear();
        option_levels.extend(
            prev.iter()
                .zip(&self.dim_default)
                .map(|(&(l, set), &default)| if set { l } else { default }),
        );
        if let Some(&o) = choice.last() {
            let o = usize::from(o);
            det_prefix[n] = det_prefix[before] + self.deterrence[before][o];
            cost_prefix[n] = cost_prefix[before] + self.fixed_cost[before][o];
            for &(d, l) in &self.option_levels[before][o] {
                let (level, set) = prev[d];
                option_levels[d] = if set { level.max(l) } else { l };
            }
        }
        debug_assert_eq!(*option_levels, package_levels(self.p.scenario, choice));
    }

    /// Row ci + 1 of `rows` (`[component + 1][dimension]`: level and whether
    /// an option set it) from row ci and option `o` of component ci: each
    /// level the option sets, raised to it. Returns the new row.
    fn level_row<'r>(&self, rows: &'r mut [(f64, bool)], ci: usize, o: usize) -> &'r [(f64, bool)] {
        let nd = self.dim_default.len();
        let (head, tail) = rows.split_at_mut((ci + 1) * nd);
        let row = &mut tail[..nd];
        row.copy_from_slice(&head[ci * nd..]);
        for &(d, l) in &self.option_levels[ci][o] {
            let (level, set) = &mut row[d];
            *level = if *set { level.max(l) } else { l };
            *set = true;
        }
        row
    }

    fn levels(&self, choice: &[u16]) -> Vec<f64> {
        let mut levels = Vec::new();
        self.levels_into(choice, &mut levels, &mut Vec::new());
        levels
    }

    /// [`Screener::levels`] into reused buffers (`set` is scratch).
    fn levels_into(&self, choice: &[u16], levels: &mut Vec<f64>, set: &mut Vec<bool>) {
        levels.clear();
        levels.resize(self.dim_default.len(), f64::NEG_INFINITY);
        set.clear();
        set.resize(levels.len(), false);
        for (ci, &o) in choice.iter().enumerate() {
            for &(d, l) in &self.option_levels[ci][o as usize] {
                levels[d] = if set[d] { levels[d].max(l) } else { l };
                set[d] = true;
            }
        }
        for (d, l) in levels.iter_mut().enumerate() {
            if !set[d] {
                *l = self.dim_default[d];
            }
        }
        debug_assert_eq!(*levels, package_levels(self.p.scenario, choice));
    }

    fn key(&self, pr: &Projection, choice: &[u16], levels: &[f64]) -> u64 {
        let idx: u64 = pr
            .comps
            .iter()
            .map(|&(ci, stride)| u64::from(choice[ci]) * stride)
            .sum();
        let mut mask = 0u64;
        for (b, &ci) in pr.conds.iter().enumerate() {
            let (d, op, v) = self.conds[ci].expect("projection conditions are known");
            if op.holds(levels[d], v) {
                mask |= 1 << b;
            }
        }
        (idx << pr.conds.len()) | mask
    }

    /// [`Screener::key`], with the caveat conditions evaluated once per
    /// package for all projections: `bits` holds which conditions hold at
    /// `levels` once the first projection has asked (reset it for another
    /// package). The same key as [`Screener::key`].
    fn key_in(
        &self,
        pr: &Projection,
        choice: &[u16],
        levels: &[f64],
        bits: &mut Option<u64>,
    ) -> u64 {
        if self.conds.len() > 64 {
            return self.key(pr, choice, levels);
        }
        let bits = *bits.get_or_insert_with(|| cond_bits(&self.conds, levels));
        let key = Self::key_from_bits(pr, choice, bits);
        debug_assert_eq!(key, self.key(pr, choice, levels));
        key
    }

    /// Projection `pr`'s key from the package's caveat bits (at most 64
    /// caveats with conditions): its components' options in mixed radix,
    /// then its conditions' bits (`cond_part`).
    fn key_from_bits(pr: &Projection, choice: &[u16], bits: u64) -> u64 {
        (Self::key_index(pr, choice) << pr.conds.len()) | Self::cond_part(pr, bits)
    }

    /// Projection `pr`'s components' options in mixed radix (the key's high
    /// bits).
    fn key_index(pr: &Projection, choice: &[u16]) -> u64 {
        pr.comps
            .iter()
            .map(|&(ci, stride)| u64::from(choice[ci]) * stride)
            .sum()
    }

    /// The low bits of projection `pr`'s key: bit b, whether its b-th
    /// caveat condition holds (`bits` from [`cond_bits`]).
    fn cond_part(pr: &Projection, bits: u64) -> u64 {
        let mut mask = 0u64;
        for (b, &ci) in pr.conds.iter().enumerate() {
            mask |= ((bits >> ci) & 1) << b;
        }
        mask
    }

    /// [`cond_bits`] of a package with these option levels and
    /// this index in the table by levels (`prefix_into`): from the table
    /// when there is one (its option levels may then not be computed).
    #[inline]
    fn package_cond_bits(&self, level_index: usize, option_levels: &[f64]) -> u64 {
        match &self.verdicts {
            Some(lv) => lv.flags[level_index].conds,
            None => cond_bits(&self.conds, option_levels),
        }
    }

    /// The bit of required actor `r`'s red line `ri` in `CapOutcome::violates_bits`.
    fn red_bit(&self, r: usize, ri: usize) -> Option<u32> {
        Some(self.required[r].red_bits_from? + ri as u32)
    }

    /// Summarise a solved capability for the screen.
    fn cap_outcome(
        &self,
        cp: &CapPlan,
        sp: &SubProblem,
        sol: &crate::allocate::SubSolution,
        choice: &[u16],
    ) -> CapOutcome {
        let p = self.p;
        let s = p.scenario;
        let mut violates = BTreeSet::new();
        let mut allotted = crate::package::allotted_units(p, cp, sp, sol);
        // Once per outcome, for the screen's counting sort: nothing
        // deployed is dropped (as `assess` drops it) and the rest is put in
        // (capability, site) order, stably, which leaves the order `assess`
        // sorts the package's units to unchanged.
        allotted.retain(|a| a.units > 0.0);
        allotted.sort_by_key(|a| (a.capability, a.in_theatre));
        for ((line, units), (_, inth, _)) in sp.lines.iter().zip(&sol.units).zip(&cp.lines) {
            for (&c, &x) in line.eligible.iter().zip(units) {
                if x <= 0.0 {
                    continue;
                }
                let contributor = p.contributors[c as usize];
                for (r, &ai) in p.required.iter().enumerate() {
                    let a = &s.actors[ai];
                    if contributor.id == a.id {
                        continue;
                    }
                    for (ri, rl) in a.red_lines.iter().enumerate() {
                        if let RedLineRule::Contribution {
                            applies_to,
                            from_actors,
                            from_members_of,
                        } = &rl.rule
                            && (from_actors.contains(&contributor.id)
                                || contributor
                                    .member_of
                                    .iter()
                                    .any(|m| from_members_of.contains(m)))
                            && p.filter_covers(applies_to, cp.k, *inth)
                        {
                            violates.insert((r as u16, ri as u16));
                        }
                    }
                }
            }
        }
        let need: f64 = cp.caveat_key.lines.iter().map(LineKey::pool).sum();
        CapOutcome {
            share: shortfall_share(sol.total_shortfall(), need, sol.error.is_some()),
            // An allocation that could not be computed counts as short, as in `judge`.
            short: if sol.error.is_some() {
                sol.total_shortfall().max(1.0)
            } else {
                sol.total_shortfall()
            },
            cost: sol.cost,
            max_share: sol.max_share,
            violates_bits: violates
                .iter()
                .filter_map(|&(r, ri)| self.red_bit(r as usize, ri as usize))
                .fold(0, |m, b| m | 1 << b),
            violates: violates.into_iter().collect(),
            summary: if self.summaries {
                crate::deterrence::summarise(&p.deterrence, choice, cp.k, &allotted)
            } else {
                None
            },
            allotted,
        }
    }

    /// Screen package `i` into `buf.screen`: feasibility, acceptance by every
    /// required actor and the scores, from memoised capability outcomes,
    /// with every buffer reused (no allocation per package once they have
    /// grown). The same values, bit for bit, as [`Screener::screen_reference`].
    ///
    /// `changed`: the components before it hold the options of the package
    /// `buf` screened last (0 when unknown), whose prefix rows and outcome
    /// indices are then reused. Returns `false`, with the screen unfinished,
    /// when a projection key is not in the tables yet.
    #[allow(clippy::too_many_arguments)]
    fn screen_into(
        &self,
        i: u64,
        choice: &[u16],
        changed: usize,
        tables: &[KeyTable],
        outcomes: &[Result<CapOutcome, AllocationError>],
        rank: RankBar,
        buf: &mut ScreenBuffers,
    ) -> Result<bool, EngineError> {
        debug_assert_eq!(choice, decode(i, &self.radices));
        // Without the table by levels (or with over 64 caveat conditions,
        // read from the levels) every package needs its levels; with it,
        // only those whose margins are computed. The same in debug builds,
        // so that the tests run the lazy path.
        self.prefix_into(
            choice,
            changed,
            buf,
            self.verdicts.is_none() || self.conds.len() > 64,
        );
        let scr = &mut buf.screen;
        scr.short.clear();
        buf.outs.clear();
        buf.gap_terms.clear();
        let mut violates_bits = 0u64;
        let mut all_summarised = self.summaries;
        let mut short_bits = 0u64;
        let mut bits = None;
        buf.last.resize(self.projs.len(), LastOutcome::NONE);
        let few_conds = self.conds.len() <= 64;
        // Within a run of packages that differ in their last option only,
        // the projections that do not read the last component keep their
        // outcomes: their part (`Batch`) is summed once for the run, and
        // only the others are visited per package. Needs the table by levels
        // (no level derived) and the capabilities' shortfalls as bits.
        let n = choice.len();
        let batched = self.verdicts.is_some() && self.projs.iter().all(|pr| pr.k < 64);
        let reuse = batched && n >= 2 && changed == n - 1 && buf.batch.valid;
        if reuse {
            violates_bits = buf.batch.violates_bits;
            all_summarised = buf.batch.summarised;
            short_bits = buf.batch.short_bits;
        } else {
            buf.batch.valid = false;
        }
        for (j, pr) in self.projs.iter().enumerate() {
            if reuse && pr.read_until < n {
                continue;
            }
            // In mixed-radix order most projections keep their key from one
            // package to the next: none of the components it reads changed,
            // or none of its own and none of its conditions' verdicts, or the
            // key is the same; look the outcome up only otherwise.
            let kept = changed > 0
                && (pr.read_until <= changed
                    || (few_conds
                        && pr.own_until <= changed
                        && (*bits.get_or_insert_with(|| {
                            self.package_cond_bits(buf.level_index, &buf.option_levels)
                        }) ^ buf.prev_bits)
                            & pr.cond_mask
                            == 0));
            if !kept {
                let key = if few_conds {
                    let last = &mut buf.last[j];
                    let low = if pr.conds.is_empty() {
                        0
                    } else {
                        let b = *bits.get_or_insert_with(|| {
                            self.package_cond_bits(buf.level_index, &buf.option_levels)
                        });
                        match last.conds {
                            Some((masked, low)) if masked == b & pr.cond_mask => low,
                            _ => {
                                let low = Self::cond_part(pr, b);
                                last.conds = Some((b & pr.cond_mask, low));
                                low
                            }
                        }
                    };
                    (Self::key_index(pr, choice) << pr.conds.len()) | low
                } else {
                    self.key_in(pr, choice, &buf.option_levels, &mut bits)
                };
                debug_assert!(!buf.levels_ready || key == self.key(pr, choice, &buf.option_levels));
                if buf.last[j].key != key {
                    let Some(at) = tables[j].get(key) else {
                        return Ok(false);
                    };
                    let out =
                        outcomes[at as usize]
                            .as_ref()
                            .map_err(|e| EngineError::Allocation {
                                package: label(self.p.scenario, choice),
                                source: e.clone(),
                            })?;
                    let last = &mut buf.last[j];
                    last.key = key;
                    last.at = at;
                    last.violates_bits = out.violates_bits;
                    last.short = out.short > 1e-9;
                    last.summarised = out.summary.is_some();
                }
            }
            // An outcome is kept only once looked up and not an error.
            let last = &buf.last[j];
            violates_bits |= last.violates_bits;
            all_summarised &= last.summarised;
            if batched {
                short_bits |= u64::from(last.short) << pr.k;
            } else {
                if last.short {
                    scr.short.push(pr.k);
                }
                buf.outs.push(last.at);
            }
        }
        if batched {
            if !reuse && n >= 2 {
                // The batch part: the projections that do not read the last
                // component, from the outcomes just kept.
                let mut b = Batch {
                    valid: true,
                    violates_bits: 0,
                    summarised: self.summaries,
                    short_bits: 0,
                };
                for (pr, last) in self.projs.iter().zip(&buf.last) {
                    if pr.read_until < n {
                        b.violates_bits |= last.violates_bits;
                        b.summarised &= last.summarised;
                        b.short_bits |= u64::from(last.short) << pr.k;
                    }
                }
                buf.batch = b;
            }
            let mut rest = short_bits;
            while rest != 0 {
                scr.short.push(rest.trailing_zeros() as usize);
                rest &= rest - 1;
            }
        }
        // No bits computed: no component setting a level that a
        // projection's condition reads changed, so those bits are the same.
        if let Some(b) = bits {
            buf.prev_bits = b;
        }
        // Levels that follow the allocation come out of the deterrence
        // assessment, which the verdicts then need first; otherwise the
        // levels are the options' and deterrence waits until the package can
        // pass or enter the best N (`RankBar`).
        let derived = self.derives_levels.then(|| {
            self.package_deterrence(
                choice,
                all_summarised,
                &buf.outs,
                outcomes,
                &buf.option_levels,
                buf.det_prefix[choice.len()],
                &mut buf.assess,
            )
        });
        let feasible = scr.short.is_empty();
        scr.actors
            .resize_with(self.required.len(), || (Vec::new(), false));
        let precision = self.p.scenario.parameters.acceptance_precision;
        // The verdicts' flags from the table by levels: enough for the tally
        // of a package that fails and ranks below the best N on pass and
        // undetermined alone; its margin and gap are then not computed (NaN).
        let flagged = derived
            .is_none()
            .then_some(self.verdicts.as_ref())
            .flatten()
            .and_then(|lv| {
                let f = lv.flags[buf.level_index];
                let hits =
                    f.hits | buf.hit_prefix[choice.len()] | (violates_bits & lv.contribution);
                let mut red_actors = 0u64;
                for (r, &lines) in lv.actor_lines.iter().enumerate() {
                    red_actors |= u64::from(hits & lines != 0) << r;
                }
                let rejecting = f.below | red_actors;
                let fail_mask = u64::from(!feasible) | rejecting << 1;
                let undetermined_mask = f.unsure & !rejecting;
                let passes = fail_mask == 0 && undetermined_mask == 0;
                let undetermined = fail_mask == 0 && undetermined_mask != 0;
                (!passes && !rank.may_admit(passes, undetermined)).then(|| {
                    scr.bits = Some(ActorBits {
                        below: f.below,
                        red_actors,
                        hits,
                    });
                    (fail_mask, undetermined_mask, f64::NAN, f64::NAN)
                })
            });
        if batched && flagged.is_none() {
            // Margins, gap or score to compute: the outcomes in projection order.
            buf.outs.extend(buf.last.iter().map(|l| l.at));
        }
        let outs = &buf.outs;
        let violated = |r: u16, ri: u16| {
            outs.iter().any(|&at| match &outcomes[at as usize] {
                Ok(o) => o.violates.contains(&(r, ri)),
                Err(_) => false,
            })
        };
        // Red lines on options and on contributions (`None`: a level red line).
        let choice_hit = |r: usize, ra: &RequiredActor, ri: usize, check: &Check| match check {
            Check::Option { comp, banned } => {
                Some(*comp != usize::MAX && banned[choice[*comp] as usize])
            }
            Check::Level { .. } => None,
            Check::Contribution => Some(match ra.red_bits_from {
                Some(from) => violates_bits >> (from + ri as u32) & 1 == 1,
                None => violated(r as u16, ri as u16),
            }),
        };
        let (mut op_cost, mut max_share) = (f64::NAN, f64::NAN);
        let (fail_mask, undetermined_mask, margin, gap) = match flagged {
            Some(flags) => flags,
            None => {
                scr.bits = None;
                if !buf.levels_ready {
                    self.last_into(
                        choice,
                        &buf.rows,
                        &mut buf.det_prefix,
                        &mut buf.cost_prefix,
                        &mut buf.option_levels,
                    );
                    buf.levels_ready = true;
                }
                let levels: &[f64] = if derived.is_some() {
                    &buf.assess.levels
                } else {
                    &buf.option_levels
                };
                // The projections' sums, in capability order; the shortfall
                // terms of the gap come first, sorted.
                (op_cost, max_share) = (0.0, 0.0);
                for &at in outs {
                    if let Ok(out) = &outcomes[at as usize] {
                        op_cost += out.cost;
                        max_share = max_share.max(out.max_share);
                        if out.short > 1e-9 {
                            buf.gap_terms.push(out.share);
                        }
                    }
                }
                let mut fail_mask = u64::from(!feasible);
                let mut margin = f64::INFINITY;
                let mut undetermined_mask = 0u64;
                for (r, ra) in self.required.iter().enumerate() {
                    let (red, below_slot) = &mut scr.actors[r];
                    red.clear();
                    let mut unsure = false;
                    for (ri, check) in ra.checks.iter().enumerate() {
                        let hit = choice_hit(r, ra, ri, check).unwrap_or_else(|| match check {
                            Check::Level { dim, op, value } if *dim != usize::MAX => {
                                match level_red_line_verdict(levels[*dim], *op, *value, precision) {
                                    Verdict::Rejects => true,
                                    Verdict::Undetermined => {
                                        unsure = true;
                                        false
                                    }
                                    Verdict::Accepts => false,
                                }
                            }
                            _ => false,
                        });
                        if hit {
                            red.push(ri as u16);
                        }
                    }
                    let m = ra.margin_on(levels);
                    margin = margin.min(m);
                    let on_margin = margin_verdict(m, precision);
                    let below = on_margin == Verdict::Rejects;
                    unsure |= on_margin == Verdict::Undetermined;
                    if below || !red.is_empty() {
                        fail_mask |= 1 << (r + 1);
                        buf.gap_terms.push(margin_deficit(m));
                        buf.gap_terms
                            .extend(red.iter().map(|&ri| ra.red_line_weights[ri as usize]));
                    } else if unsure {
                        undetermined_mask |= 1 << r;
                        buf.gap_terms.push(margin_deficit(m));
                    }
                    *below_slot = below;
                }
                if self.required.is_empty() {
                    margin = 0.0;
                }
                (
                    fail_mask,
                    undetermined_mask,
                    margin,
                    gap_to_passing(&buf.gap_terms),
                )
            }
        };
        let passes = fail_mask == 0 && undetermined_mask == 0;
        let undetermined = fail_mask == 0 && undetermined_mask != 0;
        scr.scored = derived.is_some() || passes || rank.admits(passes, undetermined, gap);
        scr.deterrence = match derived {
            Some(d) => d,
            None if scr.scored => self.package_deterrence(
                choice,
                all_summarised,
                &buf.outs,
                outcomes,
                &buf.option_levels,
                buf.det_prefix[choice.len()],
                &mut buf.assess,
            ),
            None => f64::NAN,
        };
        scr.passes = passes;
        scr.undetermined = undetermined;
        scr.undetermined_mask = undetermined_mask;
        scr.feasible = feasible;
        scr.cost = op_cost + buf.cost_prefix[choice.len()];
        scr.max_share = max_share;
        scr.margin = margin;
        scr.fail_mask = fail_mask;
        scr.gap = gap;
        Ok(true)
    }

    /// A package's deterrence total: its options' declared deterrence summed
    /// in component order (`declared`, from `prefix_into`), synergy bonuses
    /// in declaration order, then the assessment from its projections'
    /// outcomes (`outs`), by summaries where every outcome has one.
    #[allow(clippy::too_many_arguments)]
    fn package_deterrence(
        &self,
        choice: &[u16],
        all_summarised: bool,
        outs: &[u32],
        outcomes: &[Result<CapOutcome, AllocationError>],
        option_levels: &[f64],
        declared: f64,
        assess: &mut crate::deterrence::Scratch,
    ) -> f64 {
        let mut deterrence = declared;
        for (bonus, when) in &self.synergies {
            if when
                .iter()
                .all(|(ci, ok)| *ci != usize::MAX && ok[choice[*ci] as usize])
            {
                deterrence += bonus;
            }
        }
        if all_summarised {
            crate::deterrence::assess_from_summaries(
                self.p.scenario,
                &self.p.deterrence,
                choice,
                option_levels,
                outs.iter()
                    .filter_map(|&at| outcomes[at as usize].as_ref().ok()?.summary.as_ref()),
                deterrence,
                assess,
            )
        } else {
            crate::deterrence::assess_total(
                self.p.scenario,
                &self.p.deterrence,
                choice,
                option_levels,
                outs.iter().flat_map(|&at| match &outcomes[at as usize] {
                    Ok(o) => o.allotted.iter(),
                    Err(_) => [].iter(),
                }),
                deterrence,
                assess,
            )
        }
    }

    /// Screen package `i` the straightforward way (fresh vectors, the full
    /// [`crate::deterrence::assess`]): the reference the buffered
    /// [`Screener::screen_into`] is tested against. `None` when a projection
    /// key is not in the tables yet.
    fn screen_reference(
        &self,
        i: u64,
        choice: &[u16],
        tables: &[KeyTable],
        outcomes: &[Result<CapOutcome, AllocationError>],
    ) -> Result<Option<Screen>, EngineError> {
        debug_assert_eq!(choice, decode(i, &self.radices));
        let option_levels = self.levels(choice);
        let mut allotted: Vec<crate::deterrence::Allotted> = Vec::new();
        let mut short = Vec::new();
        let mut op_cost = 0.0;
        let mut max_share: f64 = 0.0;
        let mut violated: Vec<(u16, u16)> = Vec::new();
        let mut short_terms: Vec<(usize, f64)> = Vec::new();
        for (j, pr) in self.projs.iter().enumerate() {
            let key = self.key(pr, choice, &option_levels);
            let Some(at) = tables[j].get(key) else {
                return Ok(None);
            };
            let out = &outcomes[at as usize];
            let out = out.as_ref().map_err(|e| EngineError::Allocation {
                package: label(self.p.scenario, choice),
                source: e.clone(),
            })?;
            op_cost += out.cost;
            max_share = max_share.max(out.max_share);
            if out.short > 1e-9 {
                short.push(pr.k);
                short_terms.push((pr.k, out.share));
            }
            violated.extend_from_slice(&out.violates);
            allotted.extend_from_slice(&out.allotted);
        }
        let mut deterrence = 0.0;
        let mut fixed_cost = 0.0;
        for (ci, &o) in choice.iter().enumerate() {
            deterrence += self.deterrence[ci][o as usize];
            fixed_cost += self.fixed_cost[ci][o as usize];
        }
        for (bonus, when) in &self.synergies {
            if when
                .iter()
                .all(|(ci, ok)| *ci != usize::MAX && ok[choice[*ci] as usize])
            {
                deterrence += bonus;
            }
        }
        let assessment = crate::deterrence::assess(
            self.p.scenario,
            &self.p.deterrence,
            choice,
            &option_levels,
            &allotted,
            deterrence,
            false,
        );
        let levels = &assessment.levels;
        let deterrence = assessment.deterrence.total;
        let feasible = short.is_empty();
        let mut fail_mask = u64::from(!feasible);
        let mut margin = f64::INFINITY;
        let mut actors = Vec::with_capacity(self.required.len());
        short_terms.sort_by_key(|t| t.0);
        let mut gap_terms: Vec<f64> = short_terms.into_iter().map(|t| t.1).collect();
        let precision = self.p.scenario.parameters.acceptance_precision;
        let mut undetermined_mask = 0u64;
        for (r, ra) in self.required.iter().enumerate() {
            let mut red = Vec::new();
            let mut unsure = false;
            for (ri, check) in ra.checks.iter().enumerate() {
                let hit = match check {
                    Check::Option { comp, banned } => {
                        *comp != usize::MAX && banned[choice[*comp] as usize]
                    }
                    Check::Level { dim, op, value } => {
                        *dim != usize::MAX
                            && match level_red_line_verdict(levels[*dim], *op, *value, precision) {
                                Verdict::Rejects => true,
                                Verdict::Undetermined => {
                                    unsure = true;
                                    false
                                }
                                Verdict::Accepts => false,
                            }
                    }
                    Check::Contribution => violated.contains(&(r as u16, ri as u16)),
                };
                if hit {
                    red.push(ri as u16);
                }
            }
            let mut num = 0.0;
            let mut den = 0.0;
            for &(d, w, pos) in &ra.weights {
                num += w * (1.0 - (levels[d] - pos).abs());
                den += w;
            }
            let utility = if den > 0.0 { num / den } else { 0.0 };
            let m = crate::accept::acceptance_margin(utility, ra.reservation);
            margin = margin.min(m);
            let on_margin = margin_verdict(m, precision);
            let below = on_margin == Verdict::Rejects;
            unsure |= on_margin == Verdict::Undetermined;
            if below || !red.is_empty() {
                fail_mask |= 1 << (r + 1);
                gap_terms.push(margin_deficit(m));
                gap_terms.extend(red.iter().map(|&ri| ra.red_line_weights[ri as usize]));
            } else if unsure {
                undetermined_mask |= 1 << r;
                gap_terms.push(margin_deficit(m));
            }
            actors.push((red, below));
        }
        if self.required.is_empty() {
            margin = 0.0;
        }
        Ok(Some(Screen {
            passes: fail_mask == 0 && undetermined_mask == 0,
            undetermined: fail_mask == 0 && undetermined_mask != 0,
            undetermined_mask,
            feasible,
            deterrence,
            cost: op_cost + fixed_cost,
            max_share,
            margin,
            fail_mask,
            short,
            actors,
            gap: gap_to_passing(&gap_terms),
            scored: true,
            bits: None,
        }))
    }
}

/// Options no passing package can hold: banned by a required actor's option
/// red line; setting a level that trips a required actor's `>`/`≥` level red
/// line (a package's level is the largest any option sets, so it can only
/// rise); or needing more of a capability than every contributor together
/// has available, whatever else is chosen.
fn dead_options(p: &Prepared<'_>) -> (Vec<Vec<Option<usize>>>, Vec<String>) {
    let s = p.scenario;
    let mut reasons: Vec<String> = Vec::new();
    let mut reason = |text: String| -> usize {
        match reasons.iter().position(|r| *r == text) {
            Some(i) => i,
            None => {
                reasons.push(text);
                reasons.len() - 1
            }
        }
    };
    let dead = s
        .components
        .iter()
        .enumerate()
        .map(|(ci, comp)| {
            comp.options
                .iter()
                .enumerate()
                .map(|(oi, o)| {
                    for &ai in &p.required {
                        let a = &s.actors[ai];
                        for rl in &a.red_lines {
                            let hit = match &rl.rule {
                                RedLineRule::Option { component, options } => {
                                    component == &comp.id && options.contains(&o.id)
                                }
                                RedLineRule::Level {
                                    dimension,
                                    op: op @ (Comparison::Gt | Comparison::Ge),
                                    value,
                                } => o.levels.get(dimension).is_some_and(|&l| {
                                    // Clearly beyond the boundary, not within
                                    // the precision band (undetermined).
                                    level_red_line_verdict(
                                        l,
                                        *op,
                                        *value,
                                        s.parameters.acceptance_precision,
                                    ) == Verdict::Rejects
                                }),
                                _ => false,
                            };
                            if hit {
                                return Some(reason(format!("{}: red line {}", a.id, rl.id)));
                            }
                        }
                    }
                    let mut need: BTreeMap<usize, f64> = BTreeMap::new();
                    for r in &p.requirements[ci][oi] {
                        if let Some(k) = p.capability_index(&r.capability) {
                            *need.entry(k).or_insert(0.0) += r.pool;
                        }
                    }
                    for (k, n) in need {
                        let total: f64 = p.available[k].iter().sum();
                        if n > total + 1e-9 * n.max(1.0) {
                            return Some(reason(format!(
                                "short of {} whatever else is chosen",
                                p.capabilities[k].id
                            )));
                        }
                    }
                    None
                })
                .collect()
        })
        .collect();
    (dead, reasons)
}

/// Pruning by utility bound for `p`, when it is sound: no level derived
/// from the allocation (a package's levels are then its options' maxima).
/// Adds one cut reason per required actor it applies to.
fn utility_bounds(
    p: &Prepared<'_>,
    option_levels: &[Vec<Vec<(usize, f64)>>],
    required: &[RequiredActor],
    cut_reasons: &mut Vec<String>,
) -> Option<UtilityBounds> {
    if p.deterrence.derives_levels() {
        return None;
    }
    let s = p.scenario;
    let nd = s.dimensions.len();
    let n = option_levels.len();
    let none = SuffixLevels {
        lo: f64::INFINITY,
        hi: f64::NEG_INFINITY,
        may_set: false,
        may_unset: true,
    };
    let mut suffix = vec![vec![none; nd]; n + 1];
    for ci in (0..n).rev() {
        let mut row = suffix[ci + 1].clone();
        for (d, sl) in row.iter_mut().enumerate() {
            let mut unset_here = false;
            for opt in &option_levels[ci] {
                match opt.iter().find(|&&(od, _)| od == d) {
                    Some(&(_, l)) => {
                        sl.lo = sl.lo.min(l);
                        sl.hi = sl.hi.max(l);
                        sl.may_set = true;
                    }
                    None => unset_here = true,
                }
            }
            sl.may_unset &= unset_here;
        }
        suffix[ci] = row;
    }
    let reasons = p
        .required
        .iter()
        .zip(required)
        .map(|(&ai, ra)| {
            ra.weights
                .iter()
                .all(|&(_, w, pos)| w >= 0.0 && w.is_finite() && pos.is_finite())
                .then(|| {
                    cut_reasons.push(format!(
                        "{}: utility below its reservation whatever else is chosen",
                        s.actors[ai].id
                    ));
                    cut_reasons.len() - 1
                })
        })
        .collect();
    Some(UtilityBounds { suffix, reasons })
}

/// Bit c: caveat lift condition c (dimension, comparison, value) holds at
/// `levels`; at most 64 conditions (`Screener::key_in` falls back to
/// `Screener::key` beyond).
fn cond_bits(conds: &[Option<(usize, Comparison, f64)>], levels: &[f64]) -> u64 {
    let mut bits = 0u64;
    for (c, cond) in conds.iter().enumerate() {
        if let Some((d, op, v)) = cond
            && op.holds(levels[*d], *v)
        {
            bits |= 1 << c;
        }
    }
    bits
}

/// The table of [`LevelVerdicts`], when it applies: no level is derived
/// from the allocation, some actor is required, every option level is
/// finite, the required actors' red lines fit in 64 bits, and the table
/// times the required actors has at most `limit` entries. Each entry is
/// computed by the same functions, on the same values, as the screen's own
/// actor loop.
fn level_verdicts(
    p: &Prepared<'_>,
    option_levels: &[Vec<Vec<(usize, f64)>>],
    dim_default: &[f64],
    required: &[RequiredActor],
    conds: &[Option<(usize, Comparison, f64)>],
    limit: usize,
) -> Option<LevelVerdicts> {
    if p.deterrence.derives_levels() || required.is_empty() {
        return None;
    }
    let nd = dim_default.len();
    let mut read = vec![false; nd];
    let mut contribution = 0u64;
    let mut actor_lines = Vec::new();
    for ra in required {
        // Red lines as bits: all of them within 64.
        let from = ra.red_bits_from?;
        for &(d, _, _) in &ra.weights {
            read[d] = true;
        }
        let mut lines = 0u64;
        for (ri, check) in ra.checks.iter().enumerate() {
            lines |= 1 << (from + ri as u32);
            match check {
                Check::Level { dim, .. } if *dim != usize::MAX => read[*dim] = true,
                Check::Contribution => contribution |= 1 << (from + ri as u32),
                _ => {}
            }
        }
        actor_lines.push(lines);
    }
    let few_conds = conds.len() <= 64;
    if few_conds {
        for &(d, _, _) in conds.iter().flatten() {
            read[d] = true;
        }
    }
    let option_hits = option_levels
        .iter()
        .enumerate()
        .map(|(ci, opts)| {
            (0..opts.len())
                .map(|o| {
                    let mut hits = 0u64;
                    for ra in required {
                        for (ri, check) in ra.checks.iter().enumerate() {
                            if let Check::Option { comp, banned } = check
                                && *comp == ci
                                && banned[o]
                            {
                                hits |= 1 << (ra.red_bits_from.unwrap_or(0) + ri as u32);
                            }
                        }
                    }
                    hits
                })
                .collect()
        })
        .collect();
    // Each dimension's distinct option levels, ascending (equal values,
    // ±0 included, share a rank: every use of a level treats them alike).
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); nd];
    for opts in option_levels {
        for opt in opts {
            for &(d, l) in opt {
                if !l.is_finite() {
                    return None;
                }
                values[d].push(l);
            }
        }
    }
    for v in &mut values {
        v.sort_by(f64::total_cmp);
        v.dedup_by(|a, b| a == b);
    }
    let mut mult = vec![0usize; nd];
    let mut size = 1usize;
    for d in (0..nd).filter(|&d| read[d]) {
        mult[d] = size;
        size = size.checked_mul(values[d].len() + 1)?;
    }
    if size.checked_mul(required.len())? > limit {
        return None;
    }
    let option_ranks = option_levels
        .iter()
        .map(|opts| {
            opts.iter()
                .map(|opt| {
                    opt.iter()
                        .map(|&(d, l)| {
                            let at = values[d].partition_point(|&v| v < l);
                            (d, u16::try_from(at + 1).unwrap_or(u16::MAX))
                        })
                        .collect()
                })
                .collect()
        })
        .collect::<Vec<Vec<Vec<(usize, u16)>>>>();
    if values.iter().any(|v| v.len() >= usize::from(u16::MAX)) {
        return None;
    }
    let precision = p.scenario.parameters.acceptance_precision;
    let mut flags = Vec::with_capacity(size);
    let mut levels = dim_default.to_vec();
    for index in 0..size {
        for d in (0..nd).filter(|&d| read[d]) {
            let rank = index / mult[d] % (values[d].len() + 1);
            levels[d] = if rank == 0 {
                dim_default[d]
            } else {
                values[d][rank - 1]
            };
        }
        let mut f = LevelFlags {
            below: 0,
            unsure: 0,
            hits: 0,
            conds: 0,
        };
        if few_conds {
            f.conds = cond_bits(conds, &levels);
        }
        for (r, ra) in required.iter().enumerate() {
            let on_margin = margin_verdict(ra.margin_on(&levels), precision);
            f.below |= u64::from(on_margin == Verdict::Rejects) << r;
            f.unsure |= u64::from(on_margin == Verdict::Undetermined) << r;
            for (ri, check) in ra.checks.iter().enumerate() {
                if let Check::Level { dim, op, value } = check
                    && *dim != usize::MAX
                {
                    match level_red_line_verdict(levels[*dim], *op, *value, precision) {
                        Verdict::Rejects => f.hits |= 1 << (ra.red_bits_from? + ri as u32),
                        Verdict::Undetermined => f.unsure |= 1 << r,
                        Verdict::Accepts => {}
                    }
                }
            }
        }
        flags.push(f);
    }
    Some(LevelVerdicts {
        option_ranks,
        mult,
        flags,
        option_hits,
        contribution,
        actor_lines,
    })
}

/// Rank order of `rank`, on screened values: passing first, smaller gap to
/// passing, deterrence ↓, smallest margin ↓, cost ↑, then the label.
#[derive(Debug, Clone)]
struct RankKey {
    passes: bool,
    undetermined: bool,
    gap: f64,
    deterrence: f64,
    margin: f64,
    cost: f64,
}

fn cmp_rank(sc: &Screener<'_, '_>, a: &(RankKey, u64), b: &(RankKey, u64)) -> Ordering {
    let (x, y) = (&a.0, &b.0);
    cmp_head(
        (x.passes, x.undetermined, x.gap),
        (y.passes, y.undetermined, y.gap),
    )
    .then(y.deterrence.total_cmp(&x.deterrence))
    .then(y.margin.total_cmp(&x.margin))
    .then(x.cost.total_cmp(&y.cost))
    .then_with(|| {
        if a.1 == b.1 {
            Ordering::Equal
        } else {
            let s = sc.p.scenario;
            label(s, &decode(a.1, &sc.radices)).cmp(&label(s, &decode(b.1, &sc.radices)))
        }
    })
}

/// The rank order's first keys (`cmp_rank`): passing first, then
/// undetermined before failing (`Less`: `a` ranks higher).
fn cmp_status(a: (bool, bool), b: (bool, bool)) -> Ordering {
    b.0.cmp(&a.0).then(b.1.cmp(&a.1))
}

/// The rank order's first three keys (`cmp_rank`): status, then the smaller
/// gap to passing, on (passes, undetermined, gap).
fn cmp_head(a: (bool, bool, f64), b: (bool, bool, f64)) -> Ordering {
    cmp_status((a.0, a.1), (b.0, b.1)).then(a.2.total_cmp(&b.2))
}

/// Which failing packages the screen scores (deterrence), from the best N
/// kept so far: a package that fails and ranks strictly below the N-th on
/// (passes, undetermined, gap) can enter neither the best N nor the
/// frontier, and its why-not counts do not need the score.
#[derive(Debug, Clone, Copy)]
enum RankBar {
    /// Fewer than N kept: every package.
    Everyone,
    /// N = 0: none (passing packages are always scored).
    Nobody,
    /// The N-th kept package's first three ranking keys (passes,
    /// undetermined, gap; `cmp_head`).
    Beat((bool, bool, f64)),
}

impl RankBar {
    /// The higher of two bars: the one a package must rank at or above in
    /// both.
    fn tighter(self, other: RankBar) -> RankBar {
        match (self, other) {
            (RankBar::Nobody, _) | (_, RankBar::Nobody) => RankBar::Nobody,
            (RankBar::Everyone, x) | (x, RankBar::Everyone) => x,
            (RankBar::Beat(a), RankBar::Beat(b)) => {
                if cmp_head(a, b) == Ordering::Less {
                    self
                } else {
                    other
                }
            }
        }
    }

    /// Whether a package may rank at or above the bar, judged on pass and
    /// undetermined alone: `false` only when these already rank it below.
    fn may_admit(self, passes: bool, undetermined: bool) -> bool {
        match self {
            RankBar::Everyone => true,
            RankBar::Nobody => false,
            RankBar::Beat((p, u, _)) => {
                cmp_status((passes, undetermined), (p, u)) != Ordering::Greater
            }
        }
    }

    /// Whether a package with these keys may rank at or above the bar: the
    /// first three comparisons of `cmp_rank`, not `Greater`.
    fn admits(self, passes: bool, undetermined: bool, gap: f64) -> bool {
        match self {
            RankBar::Everyone => true,
            RankBar::Nobody => false,
            RankBar::Beat(bar) => cmp_head((passes, undetermined, gap), bar) != Ordering::Greater,
        }
    }
}

/// Per-thread accumulator: tally, best packages, frontier.
struct Acc {
    tally: Tally,
    top: Vec<(RankKey, u64)>,
    n: usize,
    frontier: Frontier,
    /// The bar of packages screened elsewhere before (`Acc::bar`).
    floor: RankBar,
    /// `Acc::bar`, kept up to date by `refresh_bar`.
    bar: RankBar,
    /// Packages per combination of failed tests (index: the fail mask), not
    /// yet in the tally (`Acc::flush`); empty when the masks are too wide.
    combinations: Vec<u64>,
}

impl Acc {
    fn new(sc: &Screener<'_, '_>, n: usize) -> Acc {
        Acc {
            tally: Tally::new(sc.p)
                .with_cut_reasons(&sc.cut_reasons)
                .with_exclusion_rules(&sc.excluded_reasons),
            top: Vec::new(),
            n,
            frontier: Frontier::default(),
            floor: RankBar::Everyone,
            bar: if n == 0 {
                RankBar::Nobody
            } else {
                RankBar::Everyone
            },
            combinations: if sc.required.len() < 10 {
                vec![0; 2 << sc.required.len()]
            } else {
                Vec::new()
            },
        }
    }

    /// The combinations counted here into the tally.
    fn flush(&mut self) {
        for (mask, n) in self.combinations.iter_mut().enumerate() {
            if *n > 0 {
                self.tally.add_combination(mask as u64, *n);
                *n = 0;
            }
        }
    }

    fn add(&mut self, sc: &Screener<'_, '_>, i: u64, scr: &Screen, objectives: &[Objective]) {
        match self.combinations.get_mut(scr.fail_mask as usize) {
            Some(n) if scr.fail_mask != 0 => {
                *n += 1;
                self.tally.add(scr, false);
            }
            _ => self.tally.add(scr, true),
        }
        if !scr.scored {
            // Fails and ranks below the N best on (passes, undetermined,
            // gap) already (`Acc::bar`): neither the frontier nor the top.
            debug_assert!(!scr.passes && !self.bar().admits(false, scr.undetermined, scr.gap));
            return;
        }
        if scr.passes {
            let v = objectives
                .iter()
                .map(|o| o.value(scr.deterrence, scr.margin, scr.cost, scr.max_share))
                .collect();
            self.frontier.offer(v, i);
        }
        if self.n > 0 {
            let key = (
                RankKey {
                    passes: scr.passes,
                    undetermined: scr.undetermined,
                    gap: scr.gap,
                    deterrence: scr.deterrence,
                    margin: scr.margin,
                    cost: scr.cost,
                },
                i,
            );
            self.offer_top(sc, key);
        }
    }

    /// Which packages still need their deterrence scored: those that could
    /// enter the best N (ranked by `cmp_rank`, whose first keys are pass,
    /// undetermined and gap); passing packages always are, for the frontier.
    ///
    /// A worker's accumulator starts with the bar of the packages screened
    /// before its chunk (`floor`): a package below the N-th best of those
    /// cannot enter the final best N either.
    fn bar(&self) -> RankBar {
        self.bar
    }

    /// `bar` from the best N kept and the floor (after either changes).
    fn refresh_bar(&mut self) {
        let own = match self.top.last() {
            _ if self.n == 0 => RankBar::Nobody,
            Some((k, _)) if self.top.len() == self.n => {
                RankBar::Beat((k.passes, k.undetermined, k.gap))
            }
            _ => RankBar::Everyone,
        };
        self.bar = own.tighter(self.floor);
    }

    /// A fresh accumulator whose bar is at least `floor`.
    fn with_floor(mut self, floor: RankBar) -> Acc {
        self.floor = floor;
        self.refresh_bar();
        self
    }

    fn offer_top(&mut self, sc: &Screener<'_, '_>, key: (RankKey, u64)) {
        if self.top.len() == self.n
            && cmp_rank(sc, &key, self.top.last().expect("n > 0")) != Ordering::Less
        {
            return;
        }
        let at = self
            .top
            .partition_point(|x| cmp_rank(sc, x, &key) == Ordering::Less);
        self.top.insert(at, key);
        self.top.truncate(self.n);
        self.refresh_bar();
    }

    fn merge(mut self, sc: &Screener<'_, '_>, mut o: Acc) -> Acc {
        if self.combinations.len() == o.combinations.len() {
            for (a, b) in self.combinations.iter_mut().zip(&o.combinations) {
                *a += b;
            }
        } else {
            self.flush();
            o.flush();
        }
        self.tally = self.tally.merge(o.tally);
        for k in o.top {
            self.offer_top(sc, k);
        }
        self.frontier = self.frontier.merge(o.frontier);
        self
    }
}

/// What the screen says about one package: no allocation and no reasons, only
/// the numbers an analysis over many perturbed copies of a scenario keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenedPackage {
    pub feasible: bool,
    /// Feasible and acceptable to every required actor.
    pub passes: bool,
    /// Feasible, rejected by no required actor, but some required actor's
    /// verdict is undetermined (within the codings' precision).
    pub undetermined: bool,
    /// Per required actor (sorted by actor id, as [`screen_choices_cached`]
    /// returns them): whether it accepts.
    pub accepts: Vec<bool>,
    pub deterrence: f64,
    /// Per year, in the scenario's currency.
    pub cost_per_year: f64,
    /// Smallest acceptance margin among required actors (0 when none is required).
    pub min_margin: f64,
}

/// The packages `choices` of `s` screened as `search` screens the option
/// space (each capability's allocation solved once per projection, from
/// `cache` when the same sub-problem recurs): the same feasibility,
/// acceptance, pass, deterrence and cost as their full verdicts, at a
/// fraction of the cost. Returns the required actors' ids (sorted) and one
/// screen per choice, in order. Runs on the calling thread.
pub fn screen_choices_cached(
    s: &Scenario,
    choices: &[crate::package::Choice],
    cache: &crate::batch::SolveCache,
) -> Result<(Vec<String>, Vec<ScreenedPackage>), EngineError> {
    let p = Prepared::new(s);
    let sc = Screener::new(&p)?;
    let required: Vec<String> = p
        .required
        .iter()
        .map(|&ai| s.actors[ai].id.clone())
        .collect();
    let mut tables: Vec<KeyTable> = sc.projs.iter().map(KeyTable::for_projection).collect();
    let mut outcomes: Vec<Result<CapOutcome, AllocationError>> = Vec::new();
    let mut memo: Memo = BTreeMap::new();
    let mut out = Vec::with_capacity(choices.len());
    let mut buf = ScreenBuffers::new();
    for choice in choices {
        let levels = sc.levels(choice);
        for (j, pr) in sc.projs.iter().enumerate() {
            let key = sc.key(pr, choice, &levels);
            if tables[j].contains_key(key) {
                continue;
            }
            let k = pr.k;
            let lines = cap_lines(&p, choice).remove(&k).unwrap_or_default();
            let cp = cap_plan(&p, k, lines, &levels);
            for sp in std::iter::once(&cp.caveat_key).chain(cp.honour_key.iter()) {
                if !memo.contains_key(sp) {
                    let sol = crate::batch::solve_cached(&p, sp, cache);
                    memo.insert(sp.clone(), sol);
                }
            }
            let o =
                chosen_solution(&memo, &cp).map(|(sp, sol)| sc.cap_outcome(&cp, sp, sol, choice));
            tables[j].insert(key, outcomes.len() as u32);
            outcomes.push(o);
        }
        let i: u64 = choice
            .iter()
            .zip(&sc.strides)
            .map(|(&o, &stride)| u64::from(o) * stride)
            .sum();
        // Every key was added above: the screen completes.
        let complete = sc.screen_into(
            i,
            choice,
            0,
            &tables,
            &outcomes,
            RankBar::Everyone,
            &mut buf,
        )?;
        debug_assert!(complete);
        let scr = &buf.screen;
        out.push(ScreenedPackage {
            feasible: scr.feasible,
            passes: scr.passes,
            undetermined: scr.undetermined,
            accepts: scr
                .actors
                .iter()
                .enumerate()
                .map(|(r, (red, below))| {
                    red.is_empty() && !below && scr.undetermined_mask & (1 << r) == 0
                })
                .collect(),
            deterrence: scr.deterrence,
            cost_per_year: scr.cost,
            min_margin: scr.margin,
        });
    }
    Ok((required, out))
}

#[cfg(test)]
mod tests {
    use super::KeyTable;

    /// Both forms of a projection's table answer alike, and a key beyond a
    /// dense table's range moves it to the hash map without losing any.
    #[test]
    fn key_tables_dense_and_sparse_agree() {
        let mut dense = KeyTable::Dense(vec![u32::MAX; 8]);
        let mut sparse = KeyTable::Sparse(Default::default());
        for (key, at) in [(3, 0), (7, 1), (0, 2), (3, 4)] {
            dense.insert(key, at);
            sparse.insert(key, at);
        }
        for key in 0..10 {
            assert_eq!(dense.get(key), sparse.get(key), "key {key}");
            assert_eq!(dense.contains_key(key), sparse.contains_key(key));
        }
        assert_eq!(dense.get(3), Some(4));
        assert_eq!(dense.get(5), None);
        assert!(matches!(dense, KeyTable::Dense(_)));
        dense.insert(1 << 40, 9);
        assert!(matches!(dense, KeyTable::Sparse(_)));
        assert_eq!(dense.get(1 << 40), Some(9));
        assert_eq!(dense.get(7), Some(1));
        assert_eq!(dense.get(0), Some(2));
    }
}
