//! Deterrence computed from the forces a package actually commits, escalation
//! risk, and dimension levels that follow the allocation (docs/model.md §1 and
//! §5). Each formula is one function; [`assess`] applies them to one package.
//!
//! Everything is computed from *deployed* units: a contributor's allocated
//! pool units × the package's deployed ÷ pool on that capability and site
//! ([`deployed_units`]). Contributors are visited in id order and sums run in
//! a fixed order, so results do not depend on the order of actors.

use std::collections::BTreeMap;

use guarantor_model::deterrence::{DeriveSource, DeterrenceParameters, EscalationParameters};
use guarantor_model::{Actor, Capability, CapabilityKind, Scenario, SizingRule};

use crate::sizing::size_task;
use crate::verdict::{AxisDenial, Deterrence, Escalation, Exposure, LevelDerivation};

/// Deployed units of a contributor from its allocated pool units (units):
/// pool units × deployed ÷ pool of the package's requirements on that
/// capability and site. Example: 30,000 personnel in the pool at 3:1 of a
/// 10,000-deployed force → 30,000 × 10,000 ÷ 30,000 = 10,000 deployed.
pub fn deployed_units(pool_units: f64, deployed_total: f64, pool_total: f64) -> f64 {
    if pool_total > 0.0 {
        pool_units * deployed_total / pool_total
    } else {
        0.0
    }
}

/// Chance the defence of one axis holds (0–1): the ratio form of the contest
/// success function (Tullock 1980; Hirshleifer 1989, *Public Choice* 63)
/// with the defender's combat power D multiplied by the breakthrough ratio
/// b the attacker needs (3:1, Mearsheimer 1989, *International Security*
/// 13(4); critiques Epstein 1989 and Dupuy 1989: a crude rule of thumb):
///
///   denial = (b·D)^m ÷ ((b·D)^m + A^m)
///
/// so an attacker with exactly b times the defender's power has an even
/// chance. m (decisiveness) sharpens the curve. A = 0 gives 1; D = 0 < A gives 0.
/// Example: D = 160,000, A = 350,000, b = 3, m = 1 → 480 ÷ 830 = 0.578.
pub fn denial_on_axis(defender: f64, attacker: f64, breakthrough_ratio: f64, m: f64) -> f64 {
    if attacker <= 0.0 {
        return 1.0;
    }
    let d = (breakthrough_ratio * defender).max(0.0);
    if d <= 0.0 {
        return 0.0;
    }
    // (bD)^m / ((bD)^m + A^m) = 1 / (1 + (A / bD)^m), finite for any magnitudes.
    1.0 / (1.0 + (attacker / d).powf(m))
}

/// Exposure of a nation's forces at distance d km from the line (0–1):
/// h ÷ (h + d), 1 at the line, ½ at the half-distance h.
/// Example: d = 600 km, h = 200 km → 200 ÷ 800 = 0.25.
pub fn exposure(distance_km: f64, half_distance_km: f64) -> f64 {
    half_distance_km / (half_distance_km + distance_km.max(0.0))
}

/// Tripwire strength (0–1): the exposures of the nations with combat units
/// (capabilities with combat power, not handed over) in the theatre, in
/// harm's way, summed and divided by the number of nations at which the
/// tripwire is full, capped at 1. Schelling (*Arms and Influence*, 1966):
/// forces in harm's way commit their governments `[RECALLED]`.
/// Example: three nations at exposure 0.25, full at 5 → 0.75 ÷ 5 = 0.15.
pub fn tripwire(exposures: &[f64], nations_full: f64) -> f64 {
    // Folded from +0 (an empty `sum` of floats is −0).
    let sum: f64 = exposures.iter().fold(0.0, |a, x| a + x);
    (sum / nations_full).min(1.0)
}

/// Credibility of punishment (0–1): three channels that may each bring a
/// response — the commitment's strength c, the US share u of the forces
/// allocated, the tripwire t — combined as independent chances, each
/// weighted by the most credibility it can give alone:
///
///   punishment = 1 − (1 − w_c·c)(1 − w_u·u)(1 − w_t·t)
///
/// Example: c = 0.67, u = 0.2, t = 0.15, weights 0.6, 0.5, 0.5 →
/// 1 − 0.598 × 0.9 × 0.925 = 0.502.
pub fn punishment_credibility(c: f64, u: f64, t: f64, wc: f64, wu: f64, wt: f64) -> f64 {
    1.0 - (1.0 - wc * c) * (1.0 - wu * u) * (1.0 - wt * t)
}

/// The judgement term on [0, 1]: the options' and synergies' hand-set
/// deterrence (a scenario-declared judgment), clamped to [0, 1].
/// Example: 1.25 → 1.
pub fn judgement_term(declared: f64) -> f64 {
    declared.clamp(0.0, 1.0)
}

/// Deterrence total (0–1): w_d·denial + w_p·punishment + w_j·judgement, with
/// weights that add up to 1. Example: 0.4·0.8 + 0.4·0.5 + 0.2·0.3 = 0.58.
pub fn deterrence_total(denial: f64, punishment: f64, judgement: f64, w: [f64; 3]) -> f64 {
    w[0] * denial + w[1] * punishment + w[2] * judgement
}

/// Escalation risk (0–1): direct combat with the attacker's aircraft
/// (guarantor fighters over the theatre, d = 1) and forces in harm's way
/// that the attacker calls legitimate targets (the largest exposure e),
/// combined as independent chances: 1 − (1 − w_d·d)(1 − w_t·e).
/// Example: a no-fly zone (d = 1, w_d = 0.5) with troops at exposure 0.25
/// (w_t = 0.4) → 1 − 0.5 × 0.9 = 0.55.
pub fn escalation_risk(direct: f64, targets: f64, wd: f64, wt: f64) -> f64 {
    1.0 - (1.0 - wd * direct) * (1.0 - wt * targets)
}

/// A level derived from the allocation (0–1): level_at_full × min(1, value ÷ full_at).
/// Example: the US supplies 0.87 of the tankers and AEW, full at 0.5, level 0.25 → 0.25.
pub fn derived_level(value: f64, full_at: f64, level_at_full: f64) -> f64 {
    level_at_full * (value / full_at).min(1.0)
}

/// Per (capability, site): deployed and pool of one option's tasks, whether
/// they are forces (people deployed, not handed-over batteries or materiel),
/// and the option's distance from the line.
#[derive(Debug, Clone)]
struct OptionSite {
    k: usize,
    in_theatre: bool,
    deployed: f64,
    pool: f64,
    exposed: bool,
    distance_km: f64,
}

struct CompiledDerivation {
    source: DeriveSource,
    /// Per contributor: selected.
    selected: Vec<bool>,
    /// Per capability: counted.
    caps: Vec<bool>,
    in_theatre_only: bool,
    full_at: f64,
    level_at_full: f64,
}

/// Index tables for [`assess`], built once per scenario.
pub struct Tables {
    /// `[component][option]`.
    sites: Vec<Vec<Vec<OptionSite>>>,
    defender: Vec<Vec<Option<f64>>>,
    combat_power: Vec<f64>,
    direct: Vec<bool>,
    us: Vec<bool>,
    contributor_ids: Vec<String>,
    commitment_dim: Option<usize>,
    derivations: Vec<Vec<CompiledDerivation>>,
    n_caps: usize,
}

impl Tables {
    /// Build from the scenario, with contributors and capabilities in the
    /// engine's (id) order.
    pub fn new(s: &Scenario, contributors: &[&Actor], capabilities: &[&Capability]) -> Tables {
        let d = &s.parameters.deterrence;
        let cap_index = |id: &str| capabilities.iter().position(|k| k.id == id);
        // Munitions and supply flows are never forces in harm's way
        // (`CapabilityKind::Munitions`, docs/model.md §5.2).
        let munitions: Vec<bool> = capabilities
            .iter()
            .map(|k| k.kind == CapabilityKind::Munitions)
            .collect();
        let sites = s
            .components
            .iter()
            .map(|comp| {
                comp.options
                    .iter()
                    .map(|o| {
                        let dist = o.distance_to_line_km.unwrap_or(d.default_distance_km);
                        let mut out: Vec<OptionSite> = Vec::new();
                        for t in &o.tasks {
                            // Equipment handed over is Ukraine's to operate:
                            // never a guarantor's force in harm's way (§5.2).
                            let handed_over = match &t.rule {
                                SizingRule::PointAirDefence { transfer, .. } => *transfer,
                                SizingRule::AirDefenceUmbrella(u) => u.transfer,
                                SizingRule::MaterielSupply { .. } => true,
                                _ => false,
                            };
                            for r in size_task(s, t, "") {
                                let Some(k) = cap_index(&r.capability) else {
                                    continue;
                                };
                                out.push(OptionSite {
                                    k,
                                    in_theatre: r.in_theatre,
                                    deployed: r.deployed,
                                    pool: r.pool,
                                    exposed: !handed_over && !munitions[k],
                                    distance_km: dist,
                                });
                            }
                        }
                        out
                    })
                    .collect()
            })
            .collect();
        let defender = s
            .components
            .iter()
            .map(|c| c.options.iter().map(|o| o.defender_personnel).collect())
            .collect();
        let combat_power = capabilities
            .iter()
            .map(|k| d.combat_power.get(&k.id).copied().unwrap_or(0.0))
            .collect();
        let direct = capabilities
            .iter()
            .map(|k| {
                s.parameters
                    .escalation
                    .direct_combat_capabilities
                    .contains(&k.id)
            })
            .collect();
        let us = contributors
            .iter()
            .map(|c| d.us_actors.contains(&c.id))
            .collect();
        let commitment_dim = s
            .dimensions
            .iter()
            .position(|x| x.id == d.commitment_dimension);
        let derivations = s
            .dimensions
            .iter()
            .map(|dim| {
                dim.derive
                    .iter()
                    .map(|dv| {
                        let all = dv.contributors.is_empty() && dv.members_of.is_empty();
                        CompiledDerivation {
                            source: dv.from,
                            selected: contributors
                                .iter()
                                .map(|c| {
                                    all || dv.contributors.contains(&c.id)
                                        || c.member_of.iter().any(|m| dv.members_of.contains(m))
                                })
                                .collect(),
                            // "Every capability" means every force: a
                            // munitions flow counts only where named.
                            caps: capabilities
                                .iter()
                                .enumerate()
                                .map(|(i, k)| {
                                    if dv.capabilities.is_empty() {
                                        !munitions[i]
                                    } else {
                                        dv.capabilities.contains(&k.id)
                                    }
                                })
                                .collect(),
                            in_theatre_only: dv.in_theatre_only,
                            full_at: dv.full_at,
                            level_at_full: dv.level_at_full,
                        }
                    })
                    .collect()
            })
            .collect();
        Tables {
            sites,
            defender,
            combat_power,
            direct,
            us,
            contributor_ids: contributors.iter().map(|c| c.id.clone()).collect(),
            commitment_dim,
            derivations,
            n_caps: capabilities.len(),
        }
    }
}

/// One contributor's allocated pool units of one capability on one site
/// (contributor and capability as engine indices, in id order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allotted {
    pub contributor: u32,
    pub capability: u32,
    pub in_theatre: bool,
    pub units: f64,
}

/// What [`assess`] finds for one package.
pub struct Assessment {
    pub levels: Vec<f64>,
    pub derivations: Vec<LevelDerivation>,
    pub deterrence: Deterrence,
    pub escalation: Escalation,
}

/// Share of the selected contributors' deployed units, averaged over the
/// capabilities with anything deployed (0 when none).
fn unit_share(
    deployed: &[(u32, usize, bool, f64)],
    selected: impl Fn(usize) -> bool,
    cap_ok: impl Fn(usize) -> bool,
    site_ok: impl Fn(bool) -> bool,
    n_caps: usize,
) -> f64 {
    let mut all = vec![0.0; n_caps];
    let mut sel = vec![0.0; n_caps];
    for &(c, k, inth, x) in deployed {
        if cap_ok(k) && site_ok(inth) {
            all[k] += x;
            if selected(c as usize) {
                sel[k] += x;
            }
        }
    }
    let shares: Vec<f64> = (0..n_caps)
        .filter(|&k| all[k] > 0.0)
        .map(|k| sel[k] / all[k])
        .collect();
    if shares.is_empty() {
        0.0
    } else {
        shares.iter().fold(0.0, |a, x| a + x) / shares.len() as f64
    }
}

/// Levels, deterrence and escalation of one package from its option levels,
/// its allocation (sorted or not) and the declared (judgement) deterrence.
pub fn assess(
    s: &Scenario,
    t: &Tables,
    choice: &[u16],
    option_levels: &[f64],
    allotted: &[Allotted],
    declared: f64,
    text: bool,
) -> Assessment {
    let d = &s.parameters.deterrence;
    // Deployed ÷ pool per capability and site, and the nearest distance of
    // exposed in-theatre units per capability.
    let n = t.n_caps;
    let mut dep = vec![0.0; 2 * n];
    let mut pool = vec![0.0; 2 * n];
    let mut exposed_dist: Vec<Option<f64>> = vec![None; n];
    let mut force_site = vec![false; 2 * n];
    for (ci, &o) in choice.iter().enumerate() {
        for st in &t.sites[ci][o as usize] {
            let i = 2 * st.k + usize::from(st.in_theatre);
            dep[i] += st.deployed;
            pool[i] += st.pool;
            force_site[i] |= st.exposed;
            if st.in_theatre && st.exposed && t.combat_power[st.k] > 0.0 {
                let e = &mut exposed_dist[st.k];
                *e = Some(e.map_or(st.distance_km, |x: f64| x.min(st.distance_km)));
            }
        }
    }
    let mut deployed: Vec<(u32, usize, bool, f64)> = allotted
        .iter()
        .filter(|a| a.units > 0.0)
        .map(|a| {
            let k = a.capability as usize;
            let i = 2 * k + usize::from(a.in_theatre);
            (
                a.contributor,
                k,
                a.in_theatre,
                deployed_units(a.units, dep[i], pool[i]),
            )
        })
        .collect();
    deployed.sort_by_key(|a| (a.0, a.1, a.2));

    // Levels that follow the allocation.
    let mut levels = option_levels.to_vec();
    let mut derivations = Vec::with_capacity(s.dimensions.len());
    for (di, dim) in s.dimensions.iter().enumerate() {
        let from_options = option_levels[di];
        let mut parts = Vec::new();
        let mut level = from_options;
        for (j, cd) in t.derivations[di].iter().enumerate() {
            let site_ok = |inth: bool| inth || !cd.in_theatre_only;
            let value = match cd.source {
                DeriveSource::UnitShare => {
                    unit_share(&deployed, |c| cd.selected[c], |k| cd.caps[k], site_ok, n)
                }
                DeriveSource::Units => deployed
                    .iter()
                    .filter(|x| cd.selected[x.0 as usize] && cd.caps[x.1] && site_ok(x.2))
                    .map(|x| x.3)
                    .fold(0.0, |a, x| a + x),
                DeriveSource::Contributors => {
                    let mut seen: Vec<u32> = deployed
                        .iter()
                        .filter(|x| {
                            x.3 > 0.0 && cd.selected[x.0 as usize] && cd.caps[x.1] && site_ok(x.2)
                        })
                        .map(|x| x.0)
                        .collect();
                    seen.dedup();
                    seen.len() as f64
                }
            };
            let l = derived_level(value, cd.full_at, cd.level_at_full);
            level = level.max(l);
            if !text {
                parts.push(String::new());
                continue;
            }
            let dv = &dim.derive[j];
            parts.push(format!(
                "{} {} of {}{}: {} → {} × min(1, {} ÷ {}) = {}",
                cd.source.name(),
                selection_words(dv),
                if dv.capabilities.is_empty() {
                    "every capability".to_string()
                } else {
                    dv.capabilities.join(", ")
                },
                if cd.in_theatre_only {
                    " in theatre"
                } else {
                    ""
                },
                f3(value),
                f3(cd.level_at_full),
                f3(value),
                f3(cd.full_at),
                f3(l)
            ));
        }
        levels[di] = level;
        derivations.push(LevelDerivation {
            level,
            from_options,
            derived: !parts.is_empty(),
            text: if !text {
                String::new()
            } else if parts.is_empty() {
                "set by the options chosen".to_string()
            } else {
                format!(
                    "max(options {}, {}) = {}",
                    f3(from_options),
                    parts.join("; "),
                    f3(level)
                )
            },
        });
    }

    // Denial.
    let defender = choice
        .iter()
        .enumerate()
        .filter_map(|(ci, &o)| t.defender[ci][o as usize])
        .reduce(f64::min)
        .unwrap_or(d.defender_personnel);
    let guarantor: f64 = deployed
        .iter()
        .filter(|x| x.2)
        .map(|x| x.3 * t.combat_power[x.1])
        .fold(0.0, |a, x| a + x);
    let one_axis = [guarantor_model::deterrence::Axis {
        id: "front".into(),
        name: "the whole front".into(),
        attacker_share: 1.0,
        defender_share: 1.0,
        guarantor_share: 1.0,
        source: String::new(),
    }];
    let axes_decl = if d.axes.is_empty() {
        &one_axis[..]
    } else {
        &d.axes[..]
    };
    let axes: Vec<AxisDenial> = axes_decl
        .iter()
        .map(|a| {
            let attacker = d.attacker_personnel * a.attacker_share;
            let own = defender * a.defender_share;
            let guar = guarantor * a.guarantor_share;
            let denial = denial_on_axis(own + guar, attacker, d.breakthrough_ratio, d.decisiveness);
            AxisDenial {
                axis: a.id.clone(),
                attacker,
                defender_own: own,
                guarantor: guar,
                denial,
            }
        })
        .collect();
    let denial = if d.attacker_personnel > 0.0 {
        axes.iter().map(|a| a.denial).fold(1.0, f64::min)
    } else {
        0.0
    };

    // Punishment.
    let commitment = t.commitment_dim.map_or(0.0, |i| levels[i]);
    // US involvement: the US share of the forces deployed (not of equipment
    // handed over), averaged over capabilities.
    let forces: Vec<(u32, usize, bool, f64)> = deployed
        .iter()
        .copied()
        .filter(|x| force_site[2 * x.1 + usize::from(x.2)])
        .collect();
    let us_share = unit_share(&forces, |c| t.us[c], |_| true, |_| true, n);
    let mut nation_dist: BTreeMap<u32, f64> = BTreeMap::new();
    for &(c, k, inth, x) in &deployed {
        if inth
            && x > 0.0
            && let Some(dk) = exposed_dist[k]
        {
            let e = nation_dist.entry(c).or_insert(dk);
            *e = e.min(dk);
        }
    }
    let exposures: Vec<Exposure> = nation_dist
        .iter()
        .map(|(&c, &dist)| Exposure {
            contributor: t.contributor_ids[c as usize].clone(),
            distance_km: dist,
            exposure: exposure(dist, d.half_distance_km),
        })
        .collect();
    let ex: Vec<f64> = exposures.iter().map(|e| e.exposure).collect();
    let trip = tripwire(&ex, d.tripwire_nations);
    let punishment = punishment_credibility(
        commitment,
        us_share,
        trip,
        d.commitment_weight,
        d.us_weight,
        d.tripwire_weight,
    );
    let judgement = judgement_term(declared);
    let w = [d.weights.denial, d.weights.punishment, d.weights.judgement];
    let total = deterrence_total(denial, punishment, judgement, w);

    // Escalation.
    let esc: &EscalationParameters = &s.parameters.escalation;
    let direct = if forces.iter().any(|x| x.2 && x.3 > 0.0 && t.direct[x.1]) {
        1.0
    } else {
        0.0
    };
    let targets = ex.iter().copied().fold(0.0, f64::max);
    let risk = escalation_risk(
        direct,
        targets,
        esc.direct_combat_weight,
        esc.targets_weight,
    );

    let working = if text {
        working(
            s, &axes, denial, defender, guarantor, commitment, us_share, &ex, trip, &exposures,
            punishment, declared, judgement, w, total,
        )
    } else {
        Vec::new()
    };
    Assessment {
        levels,
        derivations,
        deterrence: Deterrence {
            denial,
            punishment,
            judgement,
            judgement_declared: declared,
            total,
            commitment,
            us_share,
            tripwire: trip,
            defender_personnel: defender,
            guarantor_power: guarantor,
            axes,
            exposures,
            working,
        },
        escalation: Escalation {
            risk,
            direct_combat: direct > 0.0,
            targets,
            working: if !text {
                String::new()
            } else {
                format!(
                    "escalation = 1 − (1 − {}·{})(1 − {}·{}) = {} [{}; largest exposure of forces in harm's way {}]",
                    f3(esc.direct_combat_weight),
                    f3(direct),
                    f3(esc.targets_weight),
                    f3(targets),
                    f3(risk),
                    if direct > 0.0 {
                        "guarantor aircraft over the theatre: direct combat"
                    } else {
                        "no guarantor aircraft over the theatre"
                    },
                    f3(targets)
                )
            },
        },
    }
}

/// Reusable buffers of [`assess_total`], held by a screening worker so that
/// screening a package allocates nothing.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The package's dimension levels after [`assess_total`] (options, then derivations).
    pub levels: Vec<f64>,
    dep: Vec<f64>,
    pool: Vec<f64>,
    force_site: Vec<bool>,
    exposed_dist: Vec<Option<f64>>,
    keys: Vec<u64>,
    filtered: Vec<(u32, usize, bool, f64)>,
    deployed: Vec<(u32, usize, bool, f64)>,
    all: Vec<f64>,
    sel: Vec<f64>,
    ex: Vec<f64>,
    counts: Vec<u32>,
}

/// Stable-order key of a deployed entry: (contributor, capability, site) in
/// that order of significance, as the reference path sorts them.
fn entry_key(c: u32, k: usize, in_theatre: bool, n_caps: usize) -> u64 {
    ((u64::from(c) * n_caps as u64 + k as u64) << 1) | u64::from(in_theatre)
}

/// [`unit_share`] over buffers reused across packages: the same sums in the
/// same order, so the same bits.
fn unit_share_into<'a>(
    entries: impl Iterator<Item = &'a (u32, usize, bool, f64)>,
    selected: impl Fn(usize) -> bool,
    all: &mut [f64],
    sel: &mut [f64],
) -> f64 {
    all.fill(0.0);
    sel.fill(0.0);
    for &(c, k, _, x) in entries {
        all[k] += x;
        if selected(c as usize) {
            sel[k] += x;
        }
    }
    mean_share(all, sel)
}

/// The mean over capabilities with anything deployed of selected ÷ all, as
/// [`unit_share`] averages them (0 when none).
fn mean_share(all: &[f64], sel: &[f64]) -> f64 {
    let mut sum = 0.0;
    let mut count = 0usize;
    for (a, s) in all.iter().zip(sel.iter()) {
        if *a > 0.0 {
            sum += s / a;
            count += 1;
        }
    }
    if count == 0 { 0.0 } else { sum / count as f64 }
}

/// The screen's part of [`assess`]: the package's levels (left in
/// `scratch.levels`) and its deterrence total, with no allocation once the
/// buffers have grown and no comparison sort of tuples (entries are ordered
/// by one integer key, position breaking ties, which is the stable order
/// [`assess`] uses). Bit-identical to `assess(..).deterrence.total` and
/// `assess(..).levels`: every sum runs over the same terms in the same order
/// (property-tested against [`assess`] through the search).
#[allow(clippy::too_many_arguments)]
pub fn assess_total<'a>(
    s: &Scenario,
    t: &Tables,
    choice: &[u16],
    option_levels: &[f64],
    allotted: impl Iterator<Item = &'a Allotted>,
    declared: f64,
    scratch: &mut Scratch,
) -> f64 {
    let d = &s.parameters.deterrence;
    let n = t.n_caps;
    let sc = scratch;
    sc.dep.clear();
    sc.dep.resize(2 * n, 0.0);
    sc.pool.clear();
    sc.pool.resize(2 * n, 0.0);
    sc.force_site.clear();
    sc.force_site.resize(2 * n, false);
    sc.exposed_dist.clear();
    sc.exposed_dist.resize(n, None);
    for (ci, &o) in choice.iter().enumerate() {
        for st in &t.sites[ci][o as usize] {
            let i = 2 * st.k + usize::from(st.in_theatre);
            sc.dep[i] += st.deployed;
            sc.pool[i] += st.pool;
            sc.force_site[i] |= st.exposed;
            if st.in_theatre && st.exposed && t.combat_power[st.k] > 0.0 {
                let e = &mut sc.exposed_dist[st.k];
                *e = Some(e.map_or(st.distance_km, |x: f64| x.min(st.distance_km)));
            }
        }
    }
    // The entries in the order `assess` sorts them to, stably by
    // (contributor, capability, site). When the allotted units arrive
    // already ordered by (capability, site) — each memoised outcome sorted
    // once, outcomes in capability order — a stable counting sort by
    // contributor gives that order in one pass (a least-significant-first
    // radix sort); otherwise the keys are sorted.
    sc.filtered.clear();
    sc.counts.clear();
    sc.counts.resize(t.contributor_ids.len() + 1, 0);
    let mut ordered = true;
    let mut last = 0u64;
    for a in allotted.filter(|a| a.units > 0.0) {
        let k = a.capability as usize;
        let i = 2 * k + usize::from(a.in_theatre);
        let x = deployed_units(a.units, sc.dep[i], sc.pool[i]);
        let site_key = i as u64;
        ordered &= site_key >= last;
        last = site_key;
        sc.counts[a.contributor as usize + 1] += 1;
        sc.filtered.push((a.contributor, k, a.in_theatre, x));
    }
    sc.deployed.clear();
    if ordered {
        for c in 1..sc.counts.len() {
            sc.counts[c] += sc.counts[c - 1];
        }
        sc.deployed.resize(sc.filtered.len(), (0, 0, false, 0.0));
        for e in &sc.filtered {
            let at = &mut sc.counts[e.0 as usize];
            sc.deployed[*at as usize] = *e;
            *at += 1;
        }
    } else {
        sc.keys.clear();
        for (pos, e) in sc.filtered.iter().enumerate() {
            sc.keys
                .push((entry_key(e.0, e.1, e.2, n) << 32) | pos as u64);
        }
        // Unique keys (position in the low bits): the unstable sort of the
        // keys is the stable sort of the entries.
        sc.keys.sort_unstable();
        for &key in &sc.keys {
            sc.deployed.push(sc.filtered[(key & 0xffff_ffff) as usize]);
        }
    }
    let deployed = &sc.deployed;
    sc.all.clear();
    sc.all.resize(n, 0.0);
    sc.sel.clear();
    sc.sel.resize(n, 0.0);

    // Levels that follow the allocation.
    sc.levels.clear();
    sc.levels.extend_from_slice(option_levels);
    for (di, derivs) in t.derivations.iter().enumerate() {
        let mut level = option_levels[di];
        for cd in derivs {
            let site_ok = |inth: bool| inth || !cd.in_theatre_only;
            let value = match cd.source {
                DeriveSource::UnitShare => unit_share_into(
                    deployed.iter().filter(|x| cd.caps[x.1] && site_ok(x.2)),
                    |c| cd.selected[c],
                    &mut sc.all,
                    &mut sc.sel,
                ),
                DeriveSource::Units => deployed
                    .iter()
                    .filter(|x| cd.selected[x.0 as usize] && cd.caps[x.1] && site_ok(x.2))
                    .map(|x| x.3)
                    .fold(0.0, |a, x| a + x),
                DeriveSource::Contributors => {
                    let mut count = 0usize;
                    let mut last = None;
                    for x in deployed.iter().filter(|x| {
                        x.3 > 0.0 && cd.selected[x.0 as usize] && cd.caps[x.1] && site_ok(x.2)
                    }) {
                        if last != Some(x.0) {
                            count += 1;
                            last = Some(x.0);
                        }
                    }
                    count as f64
                }
            };
            level = level.max(derived_level(value, cd.full_at, cd.level_at_full));
        }
        sc.levels[di] = level;
    }

    // Denial.
    let defender = choice
        .iter()
        .enumerate()
        .filter_map(|(ci, &o)| t.defender[ci][o as usize])
        .reduce(f64::min)
        .unwrap_or(d.defender_personnel);
    // One pass over the ordered entries for the guarantor's combat power in
    // theatre, the US share of forces (per capability) and the nations in
    // harm's way: each sum still runs over its own terms in contributor
    // order, as in `assess`.
    let mut guarantor = 0.0;
    sc.all.fill(0.0);
    sc.sel.fill(0.0);
    sc.ex.clear();
    let mut current: Option<(u32, f64)> = None;
    for &(c, k, inth, x) in deployed {
        if inth {
            guarantor += x * t.combat_power[k];
        }
        if sc.force_site[2 * k + usize::from(inth)] {
            sc.all[k] += x;
            if t.us[c as usize] {
                sc.sel[k] += x;
            }
        }
        if inth
            && x > 0.0
            && let Some(dk) = sc.exposed_dist[k]
        {
            current = match current {
                Some((pc, pd)) if pc == c => Some((c, pd.min(dk))),
                Some((_, pd)) => {
                    sc.ex.push(exposure(pd, d.half_distance_km));
                    Some((c, dk))
                }
                None => Some((c, dk)),
            };
        }
    }
    if let Some((_, pd)) = current {
        sc.ex.push(exposure(pd, d.half_distance_km));
    }
    let denial = screened_denial(d, defender, guarantor);

    // Punishment.
    let commitment = t.commitment_dim.map_or(0.0, |i| sc.levels[i]);
    let us_share = mean_share(&sc.all, &sc.sel);
    screened_total(d, denial, commitment, us_share, &sc.ex, declared)
}

/// What one memoised capability outcome brings to a package's deterrence,
/// when the outcome holds units of its own capability only and that
/// capability's sites are set by the projection's components alone (so the
/// deployed ÷ pool scale is the same for every package sharing the outcome).
#[derive(Debug, Clone, Default)]
pub struct OutcomeSummary {
    /// Deployed units of forces (per capability sums of the US share):
    /// all contributors and the US ones, in contributor order.
    forces_all: f64,
    forces_us: f64,
    /// Non-zero guarantor combat power terms in theatre, in contributor order.
    power: Vec<(u32, f64)>,
    /// Their sum from +0, in that order.
    power_sum: f64,
    /// Per contributor in harm's way (ascending): the nearest exposed distance.
    nearest: Vec<(u32, f64)>,
}

impl Tables {
    /// Whether some dimension's level is derived from the allocation: then a
    /// package's levels are not the options' alone and may exceed them.
    pub fn derives_levels(&self) -> bool {
        !self.derivations.iter().all(Vec::is_empty)
    }

    /// Whether the fast path of `assess_from_summaries` applies to this
    /// scenario: no derived levels, and every option's sites of capability k
    /// belong to components that decide capability k's outcome
    /// (`decides(component, k)`).
    pub fn summaries_apply(&self, decides: impl Fn(usize, usize) -> bool) -> bool {
        !self.derives_levels()
            && self.sites.iter().enumerate().all(|(ci, opts)| {
                opts.iter()
                    .all(|sites| sites.iter().all(|st| decides(ci, st.k)))
            })
    }
}

/// Summarise the outcome of capability `k` (its allotted units, as memoised:
/// units > 0, in (capability, site) order) for the package `choice` that
/// showed it; `None` when it holds another capability's units (a bundle).
pub fn summarise(
    t: &Tables,
    choice: &[u16],
    k: usize,
    allotted: &[Allotted],
) -> Option<OutcomeSummary> {
    if allotted.iter().any(|a| a.capability as usize != k) {
        return None;
    }
    let mut dep = [0.0; 2];
    let mut pool = [0.0; 2];
    let mut force_site = [false; 2];
    let mut exposed_dist: Option<f64> = None;
    for (ci, &o) in choice.iter().enumerate() {
        for st in t.sites[ci][o as usize].iter().filter(|st| st.k == k) {
            let i = usize::from(st.in_theatre);
            dep[i] += st.deployed;
            pool[i] += st.pool;
            force_site[i] |= st.exposed;
            if st.in_theatre && st.exposed && t.combat_power[st.k] > 0.0 {
                exposed_dist = Some(exposed_dist.map_or(st.distance_km, |x| x.min(st.distance_km)));
            }
        }
    }
    // The order `assess` sums in: by contributor, then site, stably.
    let mut entries: Vec<(u32, bool, f64)> = allotted
        .iter()
        .map(|a| {
            let i = usize::from(a.in_theatre);
            (
                a.contributor,
                a.in_theatre,
                deployed_units(a.units, dep[i], pool[i]),
            )
        })
        .collect();
    entries.sort_by_key(|e| (e.0, e.1));
    let mut out = OutcomeSummary::default();
    for &(c, inth, x) in &entries {
        if inth {
            let term = x * t.combat_power[k];
            if term != 0.0 {
                out.power.push((c, term));
                out.power_sum += term;
            }
        }
        if force_site[usize::from(inth)] {
            out.forces_all += x;
            if t.us[c as usize] {
                out.forces_us += x;
            }
        }
        if inth
            && x > 0.0
            && let Some(dk) = exposed_dist
        {
            match out.nearest.last_mut() {
                Some((pc, pd)) if *pc == c => *pd = pd.min(dk),
                _ => out.nearest.push((c, dk)),
            }
        }
    }
    Some(out)
}

/// [`assess_total`] from the package's outcome summaries (one per
/// projection, in capability order), when [`Tables::summaries_apply`]: the
/// same sums over the same terms in the same order, without visiting the
/// units. Levels are the options' (no derivations); left in
/// `scratch.levels`. Terms that are +0 or −0 are left out of the guarantor's
/// power: adding a zero to a sum that starts at +0 never changes its bits.
pub fn assess_from_summaries<'a>(
    s: &Scenario,
    t: &Tables,
    choice: &[u16],
    option_levels: &[f64],
    summaries: impl Iterator<Item = &'a OutcomeSummary> + Clone,
    declared: f64,
    scratch: &mut Scratch,
) -> f64 {
    let d = &s.parameters.deterrence;
    let sc = scratch;
    sc.levels.clear();
    sc.levels.extend_from_slice(option_levels);
    let defender = choice
        .iter()
        .enumerate()
        .filter_map(|(ci, &o)| t.defender[ci][o as usize])
        .reduce(f64::min)
        .unwrap_or(d.defender_personnel);
    // Guarantor power: one outcome with terms is its own sum; several are
    // merged by contributor (outcomes in capability order break ties).
    let mut with_power = summaries.clone().filter(|o| !o.power.is_empty());
    let guarantor = match (with_power.next(), with_power.next()) {
        (None, _) => 0.0,
        (Some(o), None) => o.power_sum,
        _ => {
            sc.keys.clear();
            sc.filtered.clear();
            for (j, o) in summaries.clone().enumerate() {
                for &(c, term) in &o.power {
                    let pos = sc.filtered.len() as u64;
                    sc.keys
                        .push((((u64::from(c) << 16) | j as u64) << 32) | pos);
                    sc.filtered.push((c, 0, true, term));
                }
            }
            sc.keys.sort_unstable();
            sc.keys
                .iter()
                .map(|&key| sc.filtered[(key & 0xffff_ffff) as usize].3)
                .fold(0.0, |a, x| a + x)
        }
    };
    let denial = screened_denial(d, defender, guarantor);
    let commitment = t.commitment_dim.map_or(0.0, |i| sc.levels[i]);
    let mut sum = 0.0;
    let mut count = 0usize;
    for o in summaries.clone() {
        if o.forces_all > 0.0 {
            sum += o.forces_us / o.forces_all;
            count += 1;
        }
    }
    let us_share = if count == 0 { 0.0 } else { sum / count as f64 };
    sc.exposed_dist.clear();
    sc.exposed_dist.resize(t.contributor_ids.len(), None);
    for o in summaries {
        for &(c, dk) in &o.nearest {
            let e = &mut sc.exposed_dist[c as usize];
            *e = Some(e.map_or(dk, |x: f64| x.min(dk)));
        }
    }
    sc.ex.clear();
    for dist in sc.exposed_dist.iter().flatten() {
        sc.ex.push(exposure(*dist, d.half_distance_km));
    }
    screened_total(d, denial, commitment, us_share, &sc.ex, declared)
}

/// Denial for the screen: the weakest axis (or the whole theatre when no
/// axis is declared), with the same arithmetic and order as `assess`.
fn screened_denial(d: &DeterrenceParameters, defender: f64, guarantor: f64) -> f64 {
    let axis_denial = |attacker_share: f64, defender_share: f64, guarantor_share: f64| {
        let attacker = d.attacker_personnel * attacker_share;
        let own = defender * defender_share;
        let guar = guarantor * guarantor_share;
        denial_on_axis(own + guar, attacker, d.breakthrough_ratio, d.decisiveness)
    };
    if d.attacker_personnel <= 0.0 {
        0.0
    } else if d.axes.is_empty() {
        1.0f64.min(axis_denial(1.0, 1.0, 1.0))
    } else {
        d.axes
            .iter()
            .map(|a| axis_denial(a.attacker_share, a.defender_share, a.guarantor_share))
            .fold(1.0, f64::min)
    }
}

/// Punishment, judgement and the total for the screen, from the parts both
/// screening paths compute their own way (exposures `ex` in contributor order).
fn screened_total(
    d: &DeterrenceParameters,
    denial: f64,
    commitment: f64,
    us_share: f64,
    ex: &[f64],
    declared: f64,
) -> f64 {
    let trip = tripwire(ex, d.tripwire_nations);
    let punishment = punishment_credibility(
        commitment,
        us_share,
        trip,
        d.commitment_weight,
        d.us_weight,
        d.tripwire_weight,
    );
    let judgement = judgement_term(declared);
    let w = [d.weights.denial, d.weights.punishment, d.weights.judgement];
    deterrence_total(denial, punishment, judgement, w)
}

/// The deterrence arithmetic in words, one line per part.
#[allow(clippy::too_many_arguments)]
fn working(
    s: &Scenario,
    axes: &[AxisDenial],
    denial: f64,
    defender: f64,
    guarantor: f64,
    commitment: f64,
    us_share: f64,
    ex: &[f64],
    trip: f64,
    exposures: &[Exposure],
    punishment: f64,
    declared: f64,
    judgement: f64,
    w: [f64; 3],
    total: f64,
) -> Vec<String> {
    let d = &s.parameters.deterrence;
    let axes_text = axes
        .iter()
        .map(|a| {
            format!(
                "{}: defender {} own + {} guarantor vs attacker {} → ({}·D) ÷ ({}·D + A) = {}",
                a.axis,
                f0(a.defender_own),
                f0(a.guarantor),
                f0(a.attacker),
                f3(d.breakthrough_ratio),
                f3(d.breakthrough_ratio),
                f3(a.denial)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let denial_text = if d.attacker_personnel > 0.0 {
        format!(
            "denial = weakest axis = {} [{axes_text}; own forces {}, guarantor combat power in theatre {}]",
            f3(denial),
            f0(defender),
            f0(guarantor)
        )
    } else {
        "denial = 0 (the scenario declares no attacker_personnel)".to_string()
    };
    let punishment_text = format!(
        "punishment = 1 − (1 − {}·{})(1 − {}·{})(1 − {}·{}) = {} [commitment {}, US share {}, tripwire min(1, {} ÷ {}) = {} from {}]",
        f3(d.commitment_weight),
        f3(commitment),
        f3(d.us_weight),
        f3(us_share),
        f3(d.tripwire_weight),
        f3(trip),
        f3(punishment),
        f3(commitment),
        f3(us_share),
        f3(ex.iter().fold(0.0, |a, x| a + x)),
        f3(d.tripwire_nations),
        f3(trip),
        if exposures.is_empty() {
            "no nation in harm's way".to_string()
        } else {
            exposures
                .iter()
                .map(|e| {
                    format!(
                        "{} at {} km: {}",
                        e.contributor,
                        f0(e.distance_km),
                        f3(e.exposure)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let total_text = format!(
        "total = {}·{} + {}·{} + {}·{} = {}",
        f3(w[0]),
        f3(denial),
        f3(w[1]),
        f3(punishment),
        f3(w[2]),
        f3(judgement),
        f3(total)
    );
    vec![
        denial_text,
        punishment_text,
        format!(
            "judgement = min(1, declared {}) = {}",
            f3(declared),
            f3(judgement)
        ),
        total_text,
    ]
}

fn selection_words(dv: &guarantor_model::deterrence::Derivation) -> String {
    let mut w: Vec<String> = dv.contributors.clone();
    w.extend(dv.members_of.iter().map(|o| format!("members of {o}")));
    if w.is_empty() {
        "all contributors".to_string()
    } else {
        w.join(", ")
    }
}

fn f3(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn f0(x: f64) -> String {
    guarantor_model::number::fmt(x.round())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_examples_of_the_doc_comments() {
        assert_eq!(deployed_units(30_000.0, 10_000.0, 30_000.0), 10_000.0);
        assert!((denial_on_axis(160_000.0, 350_000.0, 3.0, 1.0) - 480.0 / 830.0).abs() < 1e-12);
        assert_eq!(exposure(600.0, 200.0), 0.25);
        assert!((tripwire(&[0.25, 0.25, 0.25], 5.0) - 0.15).abs() < 1e-12);
        let p = punishment_credibility(0.67, 0.2, 0.15, 0.6, 0.5, 0.5);
        assert!((p - (1.0 - 0.598 * 0.9 * 0.925)).abs() < 1e-12);
        assert_eq!(judgement_term(1.25), 1.0);
        assert!((deterrence_total(0.8, 0.5, 0.3, [0.4, 0.4, 0.2]) - 0.58).abs() < 1e-12);
        assert!((escalation_risk(1.0, 0.25, 0.5, 0.4) - 0.55).abs() < 1e-12);
        assert_eq!(derived_level(0.87, 0.5, 0.25), 0.25);
    }
}
