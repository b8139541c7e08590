//! Index structures built once per scenario: contributors, availability,
//! requirements per option, restrictions and red lines in matchable form.

use guarantor_model::{
    Actor, Capability, ContributionFilter, LevelCondition, RedLineRule, Scenario,
};

use crate::sizing::{Requirement, size_task};

/// A rule that keeps some forces of some contributors out of an allocation.
#[derive(Debug, Clone)]
pub struct Exclusion {
    pub filter: ContributionFilter,
    /// Contributor indices it covers.
    pub contributors: Vec<u32>,
    /// Not in force in packages where this holds.
    pub lifted_when: Option<LevelCondition>,
}

/// Scenario data in the form the evaluation needs, with contributors and
/// capabilities in id order so that results never depend on input order.
pub struct Prepared<'s> {
    pub scenario: &'s Scenario,
    /// Actors with an inventory, sorted by id.
    pub contributors: Vec<&'s Actor>,
    /// Capabilities sorted by id.
    pub capabilities: Vec<&'s Capability>,
    /// `available[k][c]`: units of capability k contributor c can put in the pool.
    pub available: Vec<Vec<f64>>,
    /// `cost[k][c]`: cost per unit-year.
    pub cost: Vec<Vec<f64>>,
    /// `days[k][c]`: days until contributor c's units of capability k can be
    /// in place (`InventoryItem::days_to_deploy`; 0 when it holds none).
    pub days: Vec<Vec<f64>>,
    /// `requirements[component][option]`.
    pub requirements: Vec<Vec<Vec<Requirement>>>,
    /// Contributors' own caveats and own-contribution red lines: always honoured.
    pub caveats: Vec<Exclusion>,
    /// Required actors' contribution red lines on others: honoured where that leaves no shortfall.
    pub honoured: Vec<Exclusion>,
    /// Indices into `scenario.actors` of the required actors, sorted by actor id.
    pub required: Vec<usize>,
    /// Indices into `scenario.actors`, sorted by actor id.
    pub actor_order: Vec<usize>,
    /// Tables for computed deterrence and derived levels.
    pub deterrence: crate::deterrence::Tables,
    /// `bundles[k]`: (capability, units per unit) each unit of capability k
    /// brings from the same contributor (`Capability::bundle`), by index.
    /// `available[k]` of such a capability counts whole bundles.
    pub bundles: Vec<Vec<(usize, f64)>>,
    /// `loose[k][c]`, for a capability that comes in other capabilities'
    /// bundles: what contributor c has outside the bundles it can field,
    /// used in packages that ask for those bundles (docs/model.md §3).
    pub loose: Vec<Option<Vec<f64>>>,
}

/// Relative distance below a whole number within which a product of inputs is
/// that whole number: 64 ulp (64 · 2⁻⁵²), far above the ≤ 2 ulp error of two
/// multiplications and far below any real difference in a scenario's inputs.
pub const WHOLE_NOISE_REL: f64 = 64.0 * f64::EPSILON;

/// Units a contributor can put in a mission's pool (units): inventory ×
/// readiness × deployable share, rounded down to whole units for unit
/// capabilities — ⌊x⌋, unless x is within [`WHOLE_NOISE_REL`] below a whole
/// number, which is binary noise and gives that number.
///
/// Examples: 120 × 0.75 × 0.7 = 62.99999999999999 → 63 units;
/// 7 × 0.99999999993 = 6.99999999951 → 6 units; 10 × 0.65 × 0.5 = 3.25 → 3.
pub fn available_units(count: f64, readiness: f64, deployable_share: f64, integer: bool) -> f64 {
    let x = count * readiness * deployable_share;
    if !integer {
        return x;
    }
    let up = x.ceil();
    if up - x <= WHOLE_NOISE_REL * up.abs() {
        up
    } else {
        x.floor()
    }
}

/// Whole bundles a contributor can field (bundles): its available units of
/// the lead capability, but no more than each bundled capability's
/// availability allows, ⌊available ÷ units per bundle⌋ (within 64 ulp below
/// a whole number: that number, as [`crate::available_blocks`]). The
/// bundled units inside these bundles are then no longer available loose
/// (docs/model.md §3). Example: 3 brigades available, 29,963 personnel,
/// 5,000 per brigade → min(3, 5) = 3 bundles, 14,963 personnel left loose;
/// 2 brigades and 7,000 personnel → 1 bundle.
pub fn bundles_available(lead: f64, parts: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    parts.into_iter().fold(lead, |m, (have, per)| {
        if per > 0.0 && have.is_finite() {
            m.min(crate::allocate::available_blocks(have.max(0.0), per))
        } else {
            m
        }
    })
}

impl<'s> Prepared<'s> {
    pub fn new(s: &'s Scenario) -> Self {
        let mut contributors: Vec<&Actor> = s
            .actors
            .iter()
            .filter(|a| !a.inventory.is_empty())
            .collect();
        contributors.sort_by(|a, b| a.id.cmp(&b.id));
        let mut capabilities: Vec<&Capability> = s.capabilities.iter().collect();
        capabilities.sort_by(|a, b| a.id.cmp(&b.id));
        let available = capabilities
            .iter()
            .map(|k| {
                contributors
                    .iter()
                    .map(|c| match c.inventory.get(&k.id) {
                        Some(it) => {
                            available_units(it.count, it.readiness, it.deployable_share, k.integer)
                        }
                        None => 0.0,
                    })
                    .collect()
            })
            .collect();
        let cost = capabilities
            .iter()
            .map(|k| {
                contributors
                    .iter()
                    .map(|c| {
                        c.inventory
                            .get(&k.id)
                            .map_or(0.0, |it| it.cost_per_unit_year)
                    })
                    .collect()
            })
            .collect();
        let days = capabilities
            .iter()
            .map(|k| {
                contributors
                    .iter()
                    .map(|c| c.inventory.get(&k.id).map_or(0.0, |it| it.days_to_deploy()))
                    .collect()
            })
            .collect();
        let mut available: Vec<Vec<f64>> = available;
        let mut cost: Vec<Vec<f64>> = cost;
        let mut days: Vec<Vec<f64>> = days;
        let bundles: Vec<Vec<(usize, f64)>> = capabilities
            .iter()
            .map(|k| {
                k.bundle
                    .iter()
                    .filter_map(|(id, &n)| {
                        capabilities
                            .iter()
                            .position(|x| &x.id == id)
                            .map(|j| (j, n))
                    })
                    .collect()
            })
            .collect();
        let mut loose: Vec<Option<Vec<f64>>> = vec![None; capabilities.len()];
        for (lead, b) in bundles.iter().enumerate() {
            for c in 0..contributors.len() {
                let whole = bundles_available(
                    available[lead][c],
                    b.iter().map(|&(j, n)| (available[j][c], n)),
                );
                available[lead][c] = whole;
                for &(j, n) in b {
                    let l = loose[j].get_or_insert_with(|| available[j].clone());
                    l[c] = (l[c] - n * whole).max(0.0);
                    cost[lead][c] += n * cost[j][c];
                    if whole > 0.0 {
                        days[lead][c] = days[lead][c].max(days[j][c]);
                    }
                }
            }
        }
        let requirements = s
            .components
            .iter()
            .map(|comp| {
                comp.options
                    .iter()
                    .map(|o| {
                        o.tasks
                            .iter()
                            .flat_map(|t| {
                                size_task(s, t, &format!("{}.{}.{}", comp.id, o.id, t.id))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();

        let index_of = |id: &str| {
            contributors
                .iter()
                .position(|c| c.id == id)
                .map(|i| i as u32)
        };
        let covered = |from_actors: &[String], from_members_of: &[String]| -> Vec<u32> {
            contributors
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    from_actors.contains(&c.id)
                        || c.member_of.iter().any(|m| from_members_of.contains(m))
                })
                .map(|(i, _)| i as u32)
                .collect()
        };
        let mut caveats = Vec::new();
        let mut honoured = Vec::new();
        for a in &s.actors {
            if let Some(ci) = index_of(&a.id) {
                for cv in &a.caveats {
                    caveats.push(Exclusion {
                        filter: cv.applies_to.clone(),
                        contributors: vec![ci],
                        lifted_when: cv.lifted_when.clone(),
                    });
                }
            }
            let required = s.parameters.required_acceptance.contains(&a.id);
            for rl in &a.red_lines {
                if let RedLineRule::Contribution {
                    applies_to,
                    from_actors,
                    from_members_of,
                } = &rl.rule
                {
                    let all = covered(from_actors, from_members_of);
                    let (own, others): (Vec<u32>, Vec<u32>) = all
                        .into_iter()
                        .partition(|&c| contributors[c as usize].id == a.id);
                    if !own.is_empty() {
                        caveats.push(Exclusion {
                            filter: applies_to.clone(),
                            contributors: own,
                            lifted_when: None,
                        });
                    }
                    if required && !others.is_empty() {
                        honoured.push(Exclusion {
                            filter: applies_to.clone(),
                            contributors: others,
                            lifted_when: None,
                        });
                    }
                }
            }
        }
        let mut actor_order: Vec<usize> = (0..s.actors.len()).collect();
        actor_order.sort_by(|&a, &b| s.actors[a].id.cmp(&s.actors[b].id));
        let required = actor_order
            .iter()
            .copied()
            .filter(|&i| s.parameters.required_acceptance.contains(&s.actors[i].id))
            .collect();
        let deterrence = crate::deterrence::Tables::new(s, &contributors, &capabilities);
        Prepared {
            deterrence,
            scenario: s,
            contributors,
            capabilities,
            available,
            cost,
            days,
            requirements,
            caveats,
            honoured,
            required,
            actor_order,
            bundles,
            loose,
        }
    }

    pub fn capability_index(&self, id: &str) -> Option<usize> {
        self.capabilities.iter().position(|k| k.id == id)
    }

    /// Does `filter` cover units of capability `k` on a line in or out of
    /// theatre? A bundle is covered when its lead capability or anything it
    /// brings is (a brigade brings ground personnel).
    pub fn filter_covers(&self, filter: &ContributionFilter, k: usize, in_theatre: bool) -> bool {
        let covers = |k: usize| {
            let cap = self.capabilities[k];
            (filter.capabilities.is_empty() || filter.capabilities.contains(&cap.id))
                && (!filter.ground || cap.ground)
        };
        (!filter.in_theatre_only || in_theatre)
            && (covers(k) || self.bundles[k].iter().any(|&(j, _)| covers(j)))
    }

    /// Do units of capability `lead` come in bundles that bring capability
    /// `k`? Then `k`'s requirement lines depend on `lead`'s (`credit_bundles`).
    pub fn bundle_brings(&self, lead: &str, k: usize) -> bool {
        self.capability_index(lead)
            .is_some_and(|l| self.bundles[l].iter().any(|&(j, _)| j == k))
    }

    /// Units of capability `k` contributor by contributor on a sub-problem:
    /// outside the bundles (`loose`) when `in_bundles_too` — the package also
    /// asks for bundles that bring `k` — else everything available.
    pub fn availability(&self, k: usize, in_bundles_too: bool) -> &[f64] {
        match (&self.loose[k], in_bundles_too) {
            (Some(l), true) => l,
            _ => &self.available[k],
        }
    }
}
