//! The per-package core shared by `evaluate` and `search`: decoding package
//! numbers, levels, requirement lines and their allocation sub-problems,
//! solving sub-problems, judging one package in full, and the rank order.
//! It depends on nothing above it; `evaluate`, `search`, `batch` and `fixes`
//! are its peers and never import each other.

use std::collections::{BTreeMap, BTreeSet};

use guarantor_model::Scenario;
use rayon::prelude::*;

use crate::accept::judge_actor;
use crate::allocate::{
    AllocationError, CapabilityData, LineKey, SubProblem, SubSolution, solve_in_blocks,
};
use crate::deterrence::{Allotted, assess};
use crate::error::EngineError;
use crate::frontier::Objective;
use crate::gap::{gap_to_passing, margin_deficit, red_line_weight, shortfall_share};
use crate::prepare::Prepared;
use crate::sizing::Requirement;
use crate::verdict::*;
use guarantor_model::number::fmt;
use guarantor_model::suggest::closest;

/// A package: one option index per component, in the scenario's component order.
pub type Choice = Vec<u16>;

/// Where a requirement line may be supplied from: pinned providers (empty: anyone),
/// whether it is inside the theatre, and within how many days it must be in
/// place (`f64::to_bits` of the option's `within_days`; none: no deadline).
pub(crate) type LineSite = (Vec<String>, bool, Option<u64>);

/// One capability's requirement lines in one package.
pub(crate) struct CapPlan {
    pub(crate) k: usize,
    /// (providers, in theatre) of each line, parallel to the sub-problem's lines.
    pub(crate) lines: Vec<LineSite>,
    pub(crate) caveat_key: SubProblem,
    pub(crate) honour_key: Option<SubProblem>,
}

pub(crate) struct Plan {
    pub(crate) choice: Choice,
    pub(crate) levels: Vec<f64>,
    pub(crate) caps: Vec<CapPlan>,
}

pub(crate) fn in_pool<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, EngineError> {
    match threads {
        None => Ok(f()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| EngineError::Threads {
                    threads: n,
                    message: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

/// The result object, with the scenario's identification and the required actors.
pub(crate) fn evaluation(
    p: &Prepared<'_>,
    counts: Counts,
    failures: Failures,
    objectives: &[Objective],
    packages: Vec<PackageVerdict>,
) -> Evaluation {
    let s = p.scenario;
    Evaluation {
        scenario: s.meta.id.clone(),
        title: s.meta.title.clone(),
        disclaimer: s.meta.disclaimer.clone(),
        currency: s.meta.currency.clone(),
        required_acceptance: p.required.iter().map(|&i| s.actors[i].id.clone()).collect(),
        counts,
        failures,
        objectives: objectives.iter().map(|o| o.name().to_string()).collect(),
        packages,
    }
}

/// Turn component → option ids into a choice, checking every name.
pub fn resolve_choice(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
) -> Result<Choice, EngineError> {
    for c in chosen.keys() {
        if s.component(c).is_none() {
            let known: Vec<&str> = s.components.iter().map(|c| c.id.as_str()).collect();
            let near = closest(c, &known)
                .map(|n| format!("; did you mean \"{n}\"?"))
                .unwrap_or_default();
            return Err(EngineError::UnknownComponent {
                component: c.clone(),
                hint: format!("{near}; components are: {}", known.join(", ")),
            });
        }
    }
    s.components
        .iter()
        .map(|comp| match chosen.get(&comp.id) {
            None => Ok(0),
            Some(o) => comp
                .options
                .iter()
                .position(|x| &x.id == o)
                .map(|i| i as u16)
                .ok_or_else(|| {
                    let known: Vec<&str> = comp.options.iter().map(|x| x.id.as_str()).collect();
                    EngineError::UnknownOption {
                        component: comp.id.clone(),
                        option: o.clone(),
                        hint: closest(o, &known)
                            .map(|n| format!("; did you mean \"{n}\"?"))
                            .unwrap_or_default(),
                        known: known.join(", "),
                    }
                }),
        })
        .collect()
}

/// Package number `i` in mixed radix, first component slowest.
pub fn decode(mut i: u64, radices: &[usize]) -> Choice {
    let mut out = vec![0u16; radices.len()];
    for (slot, &r) in out.iter_mut().zip(radices).rev() {
        *slot = (i % r as u64) as u16;
        i /= r as u64;
    }
    out
}

/// Package level on every dimension: the largest level any chosen option sets,
/// else the dimension's default.
pub fn package_levels(s: &Scenario, choice: &[u16]) -> Vec<f64> {
    s.dimensions
        .iter()
        .map(|d| {
            s.components
                .iter()
                .zip(choice)
                .filter_map(|(c, &o)| c.options[o as usize].levels.get(&d.id).copied())
                .reduce(f64::max)
                .or(d.default)
                .unwrap_or(0.0)
        })
        .collect()
}

fn level_of(s: &Scenario, levels: &[f64], dim: &str) -> Option<f64> {
    s.dimensions
        .iter()
        .position(|d| d.id == dim)
        .map(|i| levels[i])
}

pub(crate) fn plan(p: &Prepared<'_>, choice: Choice) -> Plan {
    let levels = package_levels(p.scenario, &choice);
    let caps = cap_lines(p, &choice)
        .into_iter()
        .map(|(k, ls)| cap_plan(p, k, ls, &levels))
        .collect();
    Plan {
        choice,
        levels,
        caps,
    }
}

/// Requirement lines of a package grouped by capability: pools summed over
/// lines with the same providers and site.
pub(crate) fn cap_lines(p: &Prepared<'_>, choice: &[u16]) -> BTreeMap<usize, CapLines> {
    let mut lines: Lines = BTreeMap::new();
    for (ci, &o) in choice.iter().enumerate() {
        let within = p.scenario.components[ci].options[o as usize]
            .within_days
            .map(f64::to_bits);
        for r in &p.requirements[ci][o as usize] {
            let k = p
                .capability_index(&r.capability)
                .expect("validated capability");
            let mut providers = r.providers.clone();
            providers.sort();
            // Lines costed by the flight hour never merge with lines costed
            // by the unit-year; their flight-hour costs add up.
            let e = lines
                .entry((
                    k,
                    providers,
                    r.in_theatre,
                    within,
                    r.flight_hour_cost_per_year.is_some(),
                ))
                .or_insert((0.0, 0.0));
            e.0 += r.pool;
            e.1 += r.flight_hour_cost_per_year.unwrap_or(0.0);
        }
    }
    // Capabilities whose bundles the package asks for (before crediting).
    let leads: BTreeSet<usize> = lines
        .keys()
        .map(|l| l.0)
        .filter(|&k| !p.bundles[k].is_empty())
        .collect();
    credit_bundles(&p.bundles, &mut lines);
    let mut by_cap: BTreeMap<usize, CapLines> = BTreeMap::new();
    for ((k, prov, inth, within, by_hour), (pool, flight_hours)) in lines {
        let cl = by_cap.entry(k).or_insert_with(|| CapLines {
            lines: Vec::new(),
            in_bundles_too: p.loose[k].is_some()
                && leads
                    .iter()
                    .any(|&l| p.bundles[l].iter().any(|&(j, _)| j == k)),
        });
        cl.lines
            .push(((prov, inth, within), pool, by_hour.then_some(flight_hours)));
    }
    by_cap
}

/// One capability's requirement lines in a package, and whether the package
/// also asks for bundles that bring this capability (then only the units
/// outside bundles are allocated loose: `Prepared::availability`).
#[derive(Default)]
pub(crate) struct CapLines {
    /// (site, pool, flight-hour cost a year when costed by the flight hour).
    pub(crate) lines: Vec<(LineSite, f64, Option<f64>)>,
    pub(crate) in_bundles_too: bool,
}

/// A requirement line's capability and site: (capability, providers, in
/// theatre, deadline, costed by the flight hour).
type LineAt = (usize, Vec<String>, bool, Option<u64>, bool);

/// Requirement lines: (pool, flight-hour cost a year) by capability and site.
type Lines = BTreeMap<LineAt, (f64, f64)>;

/// Whole force packages on the requirement side (docs/model.md §3): a line of
/// a capability L whose units come in bundles of n units of capability j
/// brings n × ⌈pool_L⌉ units of j to the line of j on the same site
/// (providers, theatre, deadline), whose pool shrinks by as much (units of
/// j); a line left with nothing to fill is dropped. The bundles' units are
/// allocated with L (`judge` lists them), so they are not allocated twice.
/// Example: 9 brigades of 5,000 personnel in the pool with 75,000 personnel
/// on the same site → 45,000 come with the brigades, 30,000 are left to
/// allocate in battalion groups.
pub(crate) fn credit_bundles(bundles: &[Vec<(usize, f64)>], lines: &mut Lines) {
    let credits: Vec<(LineAt, f64)> = lines
        .iter()
        .flat_map(|((k, prov, inth, within, _), &(pool, _))| {
            bundles[*k].iter().map(move |&(j, n)| {
                (
                    (j, prov.clone(), *inth, *within, false),
                    n * crate::sizing::whole_units(pool),
                )
            })
        })
        .collect();
    for (key, credit) in credits {
        if let Some((pool, _)) = lines.get_mut(&key) {
            *pool -= credit;
            if *pool <= 0.0 {
                lines.remove(&key);
            }
        }
    }
}

/// One capability's allocation sub-problems in a package: with the required
/// actors' contribution red lines honoured, and with caveats only.
pub(crate) fn cap_plan(p: &Prepared<'_>, k: usize, cl: CapLines, levels: &[f64]) -> CapPlan {
    let s = p.scenario;
    let ls = cl.lines;
    let available = p.availability(k, cl.in_bundles_too);
    let capability = k as u32
        | if cl.in_bundles_too {
            SubProblem::LOOSE
        } else {
            0
        };
    let active = |lifted: &Option<guarantor_model::LevelCondition>| match lifted {
        None => true,
        Some(c) => !level_of(s, levels, &c.dimension).is_some_and(|x| c.op.holds(x, c.value)),
    };
    let eligible = |prov: &[String], inth: bool, within: Option<f64>, honour: bool| -> Vec<u32> {
        (0..p.contributors.len() as u32)
            .filter(|&c| {
                let cu = c as usize;
                available[cu] > 0.0
                    && within.is_none_or(|w| p.days[k][cu] <= w)
                    && (prov.is_empty() || prov.contains(&p.contributors[cu].id))
                    && !p.caveats.iter().any(|x| {
                        active(&x.lifted_when)
                            && x.contributors.contains(&c)
                            && p.filter_covers(&x.filter, k, inth)
                    })
                    && !(honour
                        && p.honoured.iter().any(|x| {
                            x.contributors.contains(&c) && p.filter_covers(&x.filter, k, inth)
                        }))
            })
            .collect()
    };
    let key = |honour: bool| SubProblem {
        capability,
        lines: ls
            .iter()
            .map(|((prov, inth, within), pool, flight_hours)| LineKey {
                pool_bits: pool.to_bits(),
                eligible: eligible(prov, *inth, within.map(f64::from_bits), honour),
                flight_hour_cost_bits: flight_hours.map(f64::to_bits),
            })
            .collect(),
    };
    let caveat_key = key(false);
    let honour = key(true);
    CapPlan {
        k,
        lines: ls.into_iter().map(|(l, _, _)| l).collect(),
        honour_key: (honour != caveat_key).then_some(honour),
        caveat_key,
    }
}

/// The allocation a package gets for one capability: the one that honours the
/// required actors' contribution red lines when it leaves no shortfall, else
/// the one that honours caveats only.
pub(crate) fn chosen_solution<'m>(
    memo: &'m Memo,
    cp: &'m CapPlan,
) -> Result<(&'m SubProblem, &'m SubSolution), AllocationError> {
    let caveat = memo[&cp.caveat_key].as_ref().map_err(Clone::clone)?;
    Ok(match &cp.honour_key {
        Some(h) => match &memo[h] {
            Ok(hs) if hs.total_shortfall() <= 1e-9 && hs.error.is_none() => (h, hs),
            _ => (&cp.caveat_key, caveat),
        },
        None => (&cp.caveat_key, caveat),
    })
}

pub(crate) type Memo = BTreeMap<SubProblem, Result<SubSolution, AllocationError>>;

pub(crate) fn solve_all<'a>(
    p: &Prepared<'_>,
    plans: impl Iterator<Item = &'a Plan>,
) -> Result<Memo, EngineError> {
    let mut keys: BTreeSet<&SubProblem> = BTreeSet::new();
    for pl in plans {
        for cp in &pl.caps {
            keys.insert(&cp.caveat_key);
            if let Some(h) = &cp.honour_key {
                keys.insert(h);
            }
        }
    }
    let keys: Vec<SubProblem> = keys.into_iter().cloned().collect();
    let solved = solve_keys(p, &keys);
    Ok(keys.into_iter().zip(solved).collect())
}

/// Solve allocation sub-problems in parallel, in the order given.
pub(crate) fn solve_keys(
    p: &Prepared<'_>,
    keys: &[SubProblem],
) -> Vec<Result<SubSolution, AllocationError>> {
    let limit = p.scenario.parameters.solver_time_limit_s;
    keys.par_iter()
        .map(|key| {
            let k = key.capability_index();
            let data = CapabilityData {
                name: &p.capabilities[k].id,
                integer: p.capabilities[k].integer,
                available: p.availability(k, key.loose()),
                cost: &p.cost[k],
            };
            solve_in_blocks(key, &data, p.capabilities[k].granularity, limit)
        })
        .collect()
}

pub(crate) fn label(s: &Scenario, choice: &[u16]) -> String {
    s.components
        .iter()
        .zip(choice)
        .map(|(c, &o)| c.options[o as usize].id.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The package for people: "Component: option" for every component, from the
/// short names the scenario gives (else the names), joined by " · ".
pub fn package_title(s: &Scenario, choice: &[u16]) -> String {
    s.components
        .iter()
        .zip(choice)
        .map(|(c, &o)| format!("{}: {}", c.title(), c.options[o as usize].title()))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(crate) fn judge(
    p: &Prepared<'_>,
    pl: &Plan,
    memo: &Memo,
) -> Result<PackageVerdict, EngineError> {
    let s = p.scenario;
    let label = label(s, &pl.choice);
    let mut allocation: BTreeMap<(String, String, bool), Allocated> = BTreeMap::new();
    let mut shortfalls = Vec::new();
    let mut op_cost = 0.0;
    let mut max_share: f64 = 0.0;
    let mut max_share_of: Option<(f64, ShareHolder)> = None;
    // Gap terms of the capabilities short, by capability index.
    let mut short_terms: Vec<(usize, f64)> = Vec::new();
    let mut allotted: Vec<Allotted> = Vec::new();
    let mut cost_lines: Vec<CostLine> = Vec::new();
    for cp in &pl.caps {
        let (key, sol) = chosen_solution(memo, cp).map_err(|e| EngineError::Allocation {
            package: label.clone(),
            source: e,
        })?;
        let cap = p.capabilities[cp.k];
        for a in allotted_units(p, cp, key, sol) {
            let e = allocation
                .entry((
                    p.contributors[a.contributor as usize].id.clone(),
                    p.capabilities[a.capability as usize].id.clone(),
                    a.in_theatre,
                ))
                .or_default();
            e.units += a.units;
            if a.capability as usize != cp.k {
                *e.in_bundles.entry(cap.id.clone()).or_insert(0.0) += a.units;
                let lead = allocation
                    .entry((
                        p.contributors[a.contributor as usize].id.clone(),
                        cap.id.clone(),
                        a.in_theatre,
                    ))
                    .or_default();
                *lead
                    .brings
                    .entry(p.capabilities[a.capability as usize].id.clone())
                    .or_insert(0.0) += a.units;
            }
            allotted.push(a);
        }
        op_cost += sol.cost;
        cost_lines.extend(cost_lines_of(p, cp, key, sol));
        max_share = max_share.max(sol.max_share);
        // Who holds the largest share: the allocator's holder of this
        // capability, the first capability in order on ties.
        if let Some(c) = sol.max_share_holder
            && max_share_of
                .as_ref()
                .is_none_or(|(best, _)| sol.max_share > *best)
        {
            max_share_of = Some((
                sol.max_share,
                ShareHolder {
                    contributor: p.contributors[c as usize].id.clone(),
                    capability: cap.id.clone(),
                },
            ));
        }
        let short = sol.total_shortfall();
        if short > 1e-9 || sol.error.is_some() {
            let sf = describe_shortfall(p, cp, key, sol);
            short_terms.push((cp.k, shortfall_share(short, sf.need, sol.error.is_some())));
            shortfalls.push(sf);
        }
    }
    let allocation: Vec<AllocationLine> = allocation
        .into_iter()
        .map(
            |((contributor, capability, in_theatre), a)| AllocationLine {
                days_to_deploy: days_to_deploy(p, &contributor, &capability),
                contributor,
                capability,
                units: a.units,
                in_theatre,
                in_bundles: a.in_bundles,
                brings: a.brings,
            },
        )
        .collect();
    let in_place_by_days = in_place_by(&allocation);

    let mut deterrence = 0.0;
    let mut fixed_cost = 0.0;
    let mut options = BTreeMap::new();
    let mut requirements: Vec<Requirement> = Vec::new();
    for (ci, (comp, &o)) in s.components.iter().zip(&pl.choice).enumerate() {
        let opt = &comp.options[o as usize];
        options.insert(comp.id.clone(), opt.id.clone());
        deterrence += opt.deterrence;
        let option_cost = opt.cost_per_year + opt.one_off_cost / s.parameters.horizon_years;
        fixed_cost += option_cost;
        if option_cost != 0.0 {
            cost_lines.push(CostLine {
                item: format!("{}.{}", comp.id, opt.id),
                basis: CostBasis::Option,
                units: 0.0,
                cost: option_cost,
                working: format!(
                    "option: {} a year + {} one-off ÷ {} years = {}",
                    fmt(opt.cost_per_year),
                    fmt(opt.one_off_cost),
                    fmt(s.parameters.horizon_years),
                    fmt(option_cost)
                ),
            });
        }
        requirements.extend(p.requirements[ci][o as usize].iter().cloned());
    }
    let mut synergies = Vec::new();
    for sy in &s.synergies {
        if sy
            .when
            .iter()
            .all(|(c, opts)| options.get(c).is_some_and(|o| opts.contains(o)))
        {
            deterrence += sy.bonus;
            synergies.push(sy.id.clone());
        }
    }
    let assessment = assess(
        s,
        &p.deterrence,
        &pl.choice,
        &pl.levels,
        &allotted,
        deterrence,
        true,
    );
    let levels = &assessment.levels;
    let feasible = shortfalls.is_empty();
    let mut acceptance = BTreeMap::new();
    for &ai in &p.actor_order {
        let a = &s.actors[ai];
        let required = p.required.contains(&ai);
        acceptance.insert(
            a.id.clone(),
            judge_actor(p, a, required, &options, levels, &allocation),
        );
    }
    // Gap to passing: shortfall shares by capability, then each rejecting
    // required actor's margin deficit and broken red lines (the `gap` module).
    short_terms.sort_by_key(|t| t.0);
    let mut gap_terms: Vec<f64> = short_terms.into_iter().map(|t| t.1).collect();
    for &ai in &p.required {
        let a = &s.actors[ai];
        let v = &acceptance[&a.id];
        if v.accepts {
            continue;
        }
        gap_terms.push(margin_deficit(v.margin));
        for rl in &a.red_lines {
            let broken = v.reasons.iter().any(|r| {
                r.kind == ReasonKind::RedLine && r.red_line.as_deref() == Some(rl.id.as_str())
            });
            if broken {
                gap_terms.push(red_line_weight(rl.flexibility));
            }
        }
    }
    let acceptable_to_required = p
        .required
        .iter()
        .all(|&i| acceptance[&s.actors[i].id].accepts);
    let undetermined = feasible
        && !acceptable_to_required
        && p.required
            .iter()
            .all(|&i| acceptance[&s.actors[i].id].verdict != Verdict::Rejects);
    let min_margin = p
        .required
        .iter()
        .map(|&i| Margin {
            actor: s.actors[i].id.clone(),
            margin: acceptance[&s.actors[i].id].margin,
        })
        .min_by(|a, b| a.margin.total_cmp(&b.margin));
    Ok(PackageVerdict {
        title: package_title(s, &pl.choice),
        options,
        label,
        levels: s
            .dimensions
            .iter()
            .map(|d| d.id.clone())
            .zip(levels.iter().copied())
            .collect(),
        level_derivations: s
            .dimensions
            .iter()
            .map(|d| d.id.clone())
            .zip(assessment.derivations)
            .collect(),
        escalation: assessment.escalation,
        requirements,
        feasible,
        shortfalls,
        allocation,
        acceptance,
        acceptable_to_required,
        in_place_by_days,
        passes: feasible && acceptable_to_required,
        undetermined,
        deterrence: assessment.deterrence,
        cost_per_year: op_cost + fixed_cost,
        cost_lines,
        max_share,
        max_share_of: max_share_of.map(|(_, holder)| holder),
        min_margin,
        frontier: false,
        synergies,
        gap_to_passing: gap_to_passing(&gap_terms),
    })
}

/// One allocation line being summed: units, and the bundles they came in
/// or bring.
#[derive(Default)]
struct Allocated {
    units: f64,
    in_bundles: BTreeMap<String, f64>,
    brings: BTreeMap<String, f64>,
}

/// The units one capability's allocation puts in place, line by line: each
/// contributor's allocated units of the capability and, right after them,
/// for a capability allocated in bundles, the units each bundle brings from
/// the same contributor to the same site (n per unit; docs/model.md §3).
/// Example: 3 brigades from uk in theatre, 5,000 personnel per brigade →
/// (uk, brigades, 3), (uk, ground_personnel, 15,000).
pub(crate) fn allotted_units(
    p: &Prepared<'_>,
    cp: &CapPlan,
    key: &SubProblem,
    sol: &SubSolution,
) -> Vec<Allotted> {
    let mut out = Vec::new();
    for ((line, units), (_, inth, _)) in key.lines.iter().zip(&sol.units).zip(&cp.lines) {
        for (&c, &x) in line.eligible.iter().zip(units) {
            if x > 0.0 {
                out.push(Allotted {
                    contributor: c,
                    capability: cp.k as u32,
                    in_theatre: *inth,
                    units: x,
                });
                for &(j, n) in &p.bundles[cp.k] {
                    out.push(Allotted {
                        contributor: c,
                        capability: j as u32,
                        in_theatre: *inth,
                        units: n * x,
                    });
                }
            }
        }
    }
    out
}

/// The cost lines of one capability's allocation (what `explain` shows;
/// they add up to `sol.cost`): the lines costed by the unit-year together,
/// as Σ units × each contributor's cost per unit-year, then each line
/// costed by the flight hour, as F × min(1, allocated ÷ pool)
/// ([`crate::sizing::flight_hour_line_cost`]). Example: 10 US batteries at
/// 12.5 → "us 10 × 12.5 = 125"; a patrol of USD 3,408.2 m of flight hours
/// with 186 of its 186 fighters allocated → 3,408.2.
fn cost_lines_of(
    p: &Prepared<'_>,
    cp: &CapPlan,
    key: &SubProblem,
    sol: &SubSolution,
) -> Vec<CostLine> {
    let cap = &p.capabilities[cp.k].id;
    let mut out = Vec::new();
    let mut by_unit: BTreeMap<u32, f64> = BTreeMap::new();
    for ((line, units), (_, inth, _)) in key.lines.iter().zip(&sol.units).zip(&cp.lines) {
        match line.flight_hour_cost() {
            Some(f) => {
                let given: f64 = units.iter().sum();
                let cost = crate::sizing::flight_hour_line_cost(f, line.pool(), given);
                out.push(CostLine {
                    item: cap.clone(),
                    basis: CostBasis::FlightHours,
                    units: given,
                    cost,
                    working: format!(
                        "{cap} {}: flight hours USD {} m a year × min(1, {} allocated ÷ {} in the pool) = {} (by the flight hour, replacing {} × cost per unit-year: the aircraft and crews exist anyway)",
                        if *inth { "in theatre" } else { "outside the theatre" },
                        fmt(f),
                        fmt(given),
                        fmt(line.pool()),
                        fmt(cost),
                        fmt(given)
                    ),
                });
            }
            None => {
                for (&c, &x) in line.eligible.iter().zip(units) {
                    if x > 0.0 {
                        *by_unit.entry(c).or_insert(0.0) += x;
                    }
                }
            }
        }
    }
    if !by_unit.is_empty() {
        let mut units = 0.0;
        let mut cost = 0.0;
        let mut parts = Vec::new();
        for (&c, &x) in &by_unit {
            let k = p.cost[cp.k][c as usize];
            units += x;
            cost += x * k;
            parts.push(format!(
                "{} {} × {}",
                p.contributors[c as usize].id,
                fmt(x),
                fmt(k)
            ));
        }
        out.insert(
            0,
            CostLine {
                item: cap.clone(),
                basis: CostBasis::UnitYear,
                units,
                cost,
                working: format!(
                    "{cap}: {} = {} (units × cost per unit-year)",
                    parts.join(" + "),
                    fmt(cost)
                ),
            },
        );
    }
    out
}

/// Days until contributor `c`'s units of capability `k` can be in place
/// (`InventoryItem::days_to_deploy`).
fn days_to_deploy(p: &Prepared<'_>, c: &str, k: &str) -> f64 {
    match (
        p.contributors.iter().position(|x| x.id == c),
        p.capability_index(k),
    ) {
        (Some(ci), Some(ki)) => p.days[ki][ci],
        _ => 0.0,
    }
}

/// "In place by D+N": the largest days to deploy of any allocated line
/// (days); none when nothing is allocated. Example: fr fighters in 10 days,
/// uk personnel in 30 → D+30.
pub fn in_place_by(allocation: &[AllocationLine]) -> Option<f64> {
    allocation
        .iter()
        .filter(|a| a.units > 0.0)
        .map(|a| a.days_to_deploy)
        .reduce(f64::max)
}

/// The lines of a capability's allocation that are short, in line order.
fn short_lines(cp: &CapPlan, key: &SubProblem, sol: &SubSolution) -> Vec<LineShortfall> {
    key.lines
        .iter()
        .zip(&sol.shortfall)
        .zip(&cp.lines)
        .filter(|((_, short), _)| **short > 0.0)
        .map(
            |((line, &short), (providers, in_theatre, within))| LineShortfall {
                within_days: within.map(f64::from_bits),
                providers: providers.clone(),
                in_theatre: *in_theatre,
                need: line.pool(),
                short,
            },
        )
        .collect()
}

/// "in theatre, only us: 30 of 186" — where a short line is and how short.
fn describe_line(l: &LineShortfall) -> String {
    format!(
        "{}, {}{}: {} of {}",
        if l.in_theatre {
            "in theatre"
        } else {
            "out of theatre"
        },
        if l.providers.is_empty() {
            "any eligible contributor".to_string()
        } else {
            format!("only {}", l.providers.join(", "))
        },
        l.within_days
            .map(|w| format!(", in place within {} days", fmt(w)))
            .unwrap_or_default(),
        fmt(l.short),
        fmt(l.need)
    )
}

fn describe_shortfall(
    p: &Prepared<'_>,
    cp: &CapPlan,
    key: &SubProblem,
    sol: &SubSolution,
) -> Shortfall {
    let short = sol.total_shortfall();
    let lines = short_lines(cp, key, sol);
    let k = cp.k;
    let cap = p.capabilities[k];
    let avail = p.availability(k, cp.caveat_key.loose());
    let need: f64 = cp.caveat_key.lines.iter().map(LineKey::pool).sum();
    let eligible: BTreeSet<u32> = cp
        .caveat_key
        .lines
        .iter()
        .flat_map(|l| l.eligible.iter().copied())
        .collect();
    let available: f64 = eligible.iter().map(|&c| avail[c as usize]).sum();
    let mut by: Vec<(f64, &str)> = eligible
        .iter()
        .map(|&c| (avail[c as usize], p.contributors[c as usize].id.as_str()))
        .collect();
    by.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let list = if by.is_empty() {
        "none".to_string()
    } else {
        by.iter()
            .map(|(u, c)| format!("{c} {}", fmt(*u)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let holders_excluded: Vec<&str> = (0..p.contributors.len())
        .filter(|&c| avail[c] > 0.0 && !eligible.contains(&(c as u32)))
        .map(|c| p.contributors[c].id.as_str())
        .collect();
    let pinned: BTreeSet<&str> = cp
        .lines
        .iter()
        .flat_map(|(prov, _, _)| prov.iter().map(String::as_str))
        .collect();
    let mut text = format!(
        "{} short by {} (need {} in pool, available {}: {list})",
        cap.name,
        fmt(short),
        fmt(need),
        fmt(available)
    );
    if !p.bundles[k].is_empty() {
        text.push_str(&format!(
            "; each with {} (sent whole)",
            p.bundles[k]
                .iter()
                .map(|&(j, n)| format!(
                    "{} {}",
                    guarantor_model::number::grouped(n),
                    p.capabilities[j].name
                ))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    if !pinned.is_empty() {
        text.push_str(&format!(
            "; only {} may supply",
            pinned.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !holders_excluded.is_empty() {
        text.push_str(&format!(
            "; held but not usable here (caveat, red line or provider pin{}): {}",
            if cp.lines.iter().any(|l| l.2.is_some()) {
                ", or too slow to deploy by the deadline"
            } else {
                ""
            },
            holders_excluded.join(", ")
        ));
    }
    if let Some(e) = &sol.error {
        text.push_str(&format!("; the allocation could not be computed: {e}"));
    }
    if cp.lines.len() > 1
        || lines
            .iter()
            .any(|l| !l.providers.is_empty() || l.within_days.is_some())
    {
        text.push_str(&format!(
            "; short on {}",
            lines
                .iter()
                .map(describe_line)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Shortfall {
        capability: cap.id.clone(),
        short,
        need,
        available,
        text,
        lines,
    }
}

/// Order packages: passing first (deterrence ↓, min margin ↓, cost ↑), then
/// the undetermined ones, then the failing ones; within each class by the gap
/// to passing (closest first), then the same keys; the label breaks ties.
pub fn rank(vs: &mut [PackageVerdict]) {
    vs.sort_by(|a, b| {
        b.passes
            .cmp(&a.passes)
            .then(b.undetermined.cmp(&a.undetermined))
            .then(a.gap_to_passing.total_cmp(&b.gap_to_passing))
            .then(b.deterrence.total.total_cmp(&a.deterrence.total))
            .then(b.smallest_margin().total_cmp(&a.smallest_margin()))
            .then(a.cost_per_year.total_cmp(&b.cost_per_year))
            .then(a.label.cmp(&b.label))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_is_mixed_radix_with_the_first_component_slowest() {
        assert_eq!(decode(0, &[2, 3]), vec![0, 0]);
        assert_eq!(decode(1, &[2, 3]), vec![0, 1]);
        assert_eq!(decode(3, &[2, 3]), vec![1, 0]);
        assert_eq!(decode(5, &[2, 3]), vec![1, 2]);
    }
}
