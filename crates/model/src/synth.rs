//! Synthetic scenarios for benchmarks and property tests: valid, seeded and
//! shaped like a real guarantee scenario (parties and guarantors, an alliance,
//! contribution and option red lines, caveats lifted by the package, components
//! whose options escalate in size, deterrence and cost), but every number is
//! drawn at random and means nothing.
//!
//! The generator writes TOML text so that its output goes through the same
//! reader and validator as a hand-written file.

use std::fmt::Write;

/// Shape of a synthetic scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthParams {
    /// Components (a package picks one option of each).
    pub components: usize,
    /// Options per component (≥ 2).
    pub options: usize,
    /// Actors with an inventory.
    pub contributors: usize,
    /// Capabilities (unit types).
    pub capabilities: usize,
    /// Actors besides the contributors (the two parties and other judges; at least 2).
    pub actors: usize,
    pub seed: u64,
}

impl SynthParams {
    /// Check the shape; the message names the flag to change.
    pub fn check(&self) -> Result<(), String> {
        let bad = |field: &str, why: &str| Err(format!("{field} {why}"));
        if self.components == 0 {
            return bad("components", "must be at least 1");
        }
        if self.options < 2 {
            return bad("options", "must be at least 2 (a component is a choice)");
        }
        if self.capabilities == 0 {
            return bad("capabilities", "must be at least 1");
        }
        if self.contributors == 0 {
            return bad("contributors", "must be at least 1");
        }
        if self.components > 64 || self.options > 64 {
            return bad("components and options", "must each be at most 64");
        }
        if self.contributors > 500 || self.actors > 500 || self.capabilities > 200 {
            return bad(
                "contributors, actors and capabilities",
                "are limited to 500, 500 and 200",
            );
        }
        Ok(())
    }

    /// Number of packages the scenario will have.
    pub fn packages(&self) -> u128 {
        (self.options as u128).saturating_pow(self.components as u32)
    }
}

/// SplitMix64: a small, fixed, well-mixed generator, so that a seed gives the
/// same scenario on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.range(0.0, 1.0) < p
    }
}

/// Round to two decimals, so the file reads like a hand-written one.
fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

struct CapKind {
    id: &'static str,
    name: &'static str,
    unit: &'static str,
    force_type: &'static str,
    ground: bool,
    integer: bool,
    /// Typical national holding of a contributor.
    holding: (f64, f64),
    cost_per_unit: (f64, f64),
}

const KINDS: [CapKind; 8] = [
    CapKind {
        id: "brigades",
        name: "Manoeuvre brigades",
        unit: "brigades",
        force_type: "land",
        ground: true,
        integer: true,
        holding: (2.0, 12.0),
        cost_per_unit: (150.0, 400.0),
    },
    CapKind {
        id: "fighters",
        name: "Fighter aircraft",
        unit: "aircraft",
        force_type: "air",
        ground: false,
        integer: true,
        holding: (20.0, 250.0),
        cost_per_unit: (5.0, 12.0),
    },
    CapKind {
        id: "gbad_long",
        name: "Long-range air-defence batteries",
        unit: "batteries",
        force_type: "air_defence",
        ground: true,
        integer: true,
        holding: (2.0, 16.0),
        cost_per_unit: (40.0, 90.0),
    },
    CapKind {
        id: "monitors",
        name: "Ceasefire monitors",
        unit: "personnel",
        force_type: "monitors",
        ground: true,
        integer: false,
        holding: (50.0, 600.0),
        cost_per_unit: (0.1, 0.3),
    },
    CapKind {
        id: "tankers",
        name: "Air-to-air refuelling aircraft",
        unit: "aircraft",
        force_type: "air",
        ground: false,
        integer: true,
        holding: (2.0, 40.0),
        cost_per_unit: (10.0, 25.0),
    },
    CapKind {
        id: "engineers",
        name: "Engineer battalions",
        unit: "battalions",
        force_type: "land",
        ground: true,
        integer: true,
        holding: (2.0, 20.0),
        cost_per_unit: (30.0, 80.0),
    },
    CapKind {
        id: "isr_drones",
        name: "ISR drone orbits",
        unit: "aircraft",
        force_type: "air",
        ground: false,
        integer: true,
        holding: (4.0, 60.0),
        cost_per_unit: (3.0, 8.0),
    },
    CapKind {
        id: "frigates",
        name: "Frigates",
        unit: "ships",
        force_type: "naval",
        ground: false,
        integer: true,
        holding: (2.0, 20.0),
        cost_per_unit: (60.0, 120.0),
    },
];

const DIMENSIONS: [(&str, &str); 4] = [
    (
        "presence",
        "Foreign military presence in the defended state",
    ),
    ("air_commitment", "Air commitment of the guarantors"),
    ("escalation_risk", "Risk of direct confrontation"),
    (
        "burden_outside",
        "Share of the burden carried by non-regional states",
    ),
];

/// Write a synthetic scenario as TOML.
pub fn synth(p: &SynthParams) -> String {
    let mut rng = Rng(p.seed ^ 0x5EED_6A2A_u64.rotate_left(17));
    let mut out = String::new();
    let o = &mut out;
    let n_actors = p.contributors + p.actors.max(2);
    writeln!(
        o,
        "# Synthetic scenario written by `guarantor synth --components {} --options {} \
         --contributors {} --capabilities {} --actors {} --seed {}`.\n\
         # Every number is random: use it for benchmarks and tests, never for analysis.\n",
        p.components, p.options, p.contributors, p.capabilities, p.actors, p.seed
    )
    .unwrap();
    writeln!(o, "[meta]").unwrap();
    writeln!(o, "id = \"synthetic-{}\"", p.seed).unwrap();
    writeln!(
        o,
        "title = \"Synthetic guarantee scenario ({} components × {} options, {} contributors, seed {})\"",
        p.components, p.options, p.contributors, p.seed
    )
    .unwrap();
    writeln!(
        o,
        "disclaimer = \"SYNTHETIC: random numbers with a realistic shape; not a description of any real actor.\""
    )
    .unwrap();
    writeln!(o, "currency = \"USD million\"\n").unwrap();

    // Actor ids: two parties, then contributors, then other judges.
    let ids: Vec<String> = (0..n_actors)
        .map(|i| match i {
            0 => "defender".to_string(),
            1 => "adversary".to_string(),
            i if i < p.contributors + 2 => format!("c{:03}", i - 1),
            i => format!("o{:03}", i - p.contributors - 1),
        })
        .collect();
    let n_required = n_actors.min(5);
    writeln!(o, "[parameters]").unwrap();
    writeln!(o, "horizon_years = 5").unwrap();
    let required: Vec<String> = ids[..n_required]
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect();
    writeln!(o, "required_acceptance = [{}]", required.join(", ")).unwrap();
    let kinds: Vec<&CapKind> = (0..p.capabilities)
        .map(|k| &KINDS[k % KINDS.len()])
        .collect();
    let cap_id = |k: usize| -> String {
        if k < KINDS.len() {
            KINDS[k].id.to_string()
        } else {
            format!("{}_{}", KINDS[k % KINDS.len()].id, k / KINDS.len() + 1)
        }
    };
    let mut types: Vec<&str> = kinds.iter().map(|k| k.force_type).collect();
    types.sort();
    types.dedup();
    writeln!(o, "[parameters.rotation]").unwrap();
    for t in &types {
        writeln!(o, "{t} = {}", r2(rng.range(2.5, 4.0))).unwrap();
    }
    writeln!(o).unwrap();

    for (k, kind) in kinds.iter().enumerate() {
        writeln!(o, "[[capabilities]]").unwrap();
        writeln!(o, "id = \"{}\"", cap_id(k)).unwrap();
        writeln!(o, "name = \"{}\"", kind.name).unwrap();
        writeln!(o, "unit = \"{}\"", kind.unit).unwrap();
        writeln!(o, "force_type = \"{}\"", kind.force_type).unwrap();
        writeln!(o, "ground = {}", kind.ground).unwrap();
        writeln!(o, "integer = {}\n", kind.integer).unwrap();
    }
    for (id, name) in DIMENSIONS {
        writeln!(o, "[[dimensions]]").unwrap();
        writeln!(o, "id = \"{id}\"").unwrap();
        writeln!(o, "name = \"{name}\"").unwrap();
        writeln!(o, "default = 0.0\n").unwrap();
    }

    // Inventories first: they set the scale of the requirements.
    let mut supply = vec![0.0; p.capabilities];
    // (capability, count, readiness, deployable share, cost) per contributor.
    type Holding = (usize, f64, f64, f64, f64);
    let mut inventories: Vec<Vec<Holding>> = Vec::new();
    for _ in 0..p.contributors {
        let mut inv = Vec::new();
        for (k, kind) in kinds.iter().enumerate() {
            if !rng.chance(0.6) {
                continue;
            }
            let raw = rng.range(kind.holding.0, kind.holding.1);
            let count = if kind.integer {
                raw.round().max(1.0)
            } else {
                r2(raw)
            };
            let readiness = r2(rng.range(0.5, 0.9));
            let share = r2(rng.range(0.1, 0.5));
            let cost = r2(rng.range(kind.cost_per_unit.0, kind.cost_per_unit.1));
            supply[k] += count * readiness * share;
            inv.push((k, count, readiness, share, cost));
        }
        inventories.push(inv);
    }

    // Components: each requires one or two capabilities, more with each option.
    struct Comp {
        caps: Vec<usize>,
        dims: Vec<usize>,
    }
    let comps: Vec<Comp> = (0..p.components)
        .map(|_| {
            let mut caps = vec![rng.below(p.capabilities)];
            if p.capabilities > 1 && rng.chance(0.4) {
                let c2 = rng.below(p.capabilities);
                if c2 != caps[0] {
                    caps.push(c2);
                }
            }
            let mut dims = vec![rng.below(DIMENSIONS.len())];
            let d2 = rng.below(DIMENSIONS.len());
            if d2 != dims[0] && rng.chance(0.5) {
                dims.push(d2);
            }
            Comp { caps, dims }
        })
        .collect();
    let users: Vec<usize> = (0..p.capabilities)
        .map(|k| comps.iter().filter(|c| c.caps.contains(&k)).count().max(1))
        .collect();

    let alliance: Vec<bool> = (0..n_actors)
        // The first contributor always belongs, so the alliance exists.
        .map(|i| i == 2 || (i > 2 && i < p.contributors + 2 && rng.chance(0.6)))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        writeln!(o, "[[actors]]").unwrap();
        writeln!(o, "id = \"{id}\"").unwrap();
        writeln!(o, "name = \"Synthetic actor {id}\"").unwrap();
        writeln!(o, "capability = {}", r2(rng.range(0.1, 1.0))).unwrap();
        let reservation = if i == 1 {
            rng.range(0.45, 0.6)
        } else {
            rng.range(0.3, 0.55)
        };
        writeln!(o, "reservation = {}", r2(reservation)).unwrap();
        if alliance[i] {
            writeln!(o, "member_of = [\"alliance\"]").unwrap();
        }
        writeln!(o, "[actors.position]").unwrap();
        for (d, (dim, _)) in DIMENSIONS.iter().enumerate() {
            // The adversary wants little presence and risk; the defender much.
            let pos = match (i, d) {
                (1, 0) | (1, 2) => rng.range(0.0, 0.2),
                (0, 0) | (0, 1) => rng.range(0.7, 1.0),
                _ => rng.range(0.0, 1.0),
            };
            writeln!(o, "{dim} = {}", r2(pos)).unwrap();
        }
        writeln!(o, "[actors.salience]").unwrap();
        for (dim, _) in DIMENSIONS {
            writeln!(o, "{dim} = {}", r2(rng.range(0.1, 1.0))).unwrap();
        }
        if i == 1 {
            writeln!(o, "[[actors.red_lines]]").unwrap();
            writeln!(o, "id = \"no_alliance_ground_troops\"").unwrap();
            writeln!(o, "hardness = \"stated\"").unwrap();
            writeln!(o, "flexibility = 0.1").unwrap();
            writeln!(o, "kind = \"contribution\"").unwrap();
            writeln!(o, "ground = true").unwrap();
            writeln!(o, "from_members_of = [\"alliance\"]").unwrap();
            writeln!(o, "[[actors.red_lines]]").unwrap();
            writeln!(o, "id = \"escalation_ceiling\"").unwrap();
            writeln!(o, "hardness = \"inferred\"").unwrap();
            writeln!(o, "flexibility = 0.3").unwrap();
            writeln!(o, "kind = \"level\"").unwrap();
            writeln!(o, "dimension = \"escalation_risk\"").unwrap();
            writeln!(o, "op = \"gt\"").unwrap();
            writeln!(o, "value = {}", r2(rng.range(0.7, 0.9))).unwrap();
        }
        if i >= 2 && i < n_required {
            let c = rng.below(p.components);
            writeln!(o, "[[actors.red_lines]]").unwrap();
            writeln!(o, "id = \"no_largest_c{c:02}\"").unwrap();
            writeln!(o, "hardness = \"inferred\"").unwrap();
            writeln!(o, "flexibility = {}", r2(rng.range(0.2, 0.6))).unwrap();
            writeln!(o, "kind = \"option\"").unwrap();
            writeln!(o, "component = \"comp{c:02}\"").unwrap();
            writeln!(o, "options = [\"comp{c:02}_opt{}\"]", p.options - 1).unwrap();
        }
        if i >= 2 && i < p.contributors + 2 {
            let inv = &inventories[i - 2];
            if inv.iter().any(|x| kinds[x.0].ground) && rng.chance(0.25) {
                writeln!(o, "[[actors.caveats]]").unwrap();
                writeln!(o, "id = \"no_ground_in_theatre\"").unwrap();
                writeln!(o, "ground = true").unwrap();
                writeln!(
                    o,
                    "lifted_when = {{ dimension = \"air_commitment\", op = \"ge\", value = {} }}",
                    r2(rng.range(0.6, 0.9))
                )
                .unwrap();
            }
            for &(k, count, readiness, share, cost) in inv {
                writeln!(o, "[actors.inventory.{}]", cap_id(k)).unwrap();
                writeln!(
                    o,
                    "count = {count}\nreadiness = {readiness}\ndeployable_share = {share}\ncost_per_unit_year = {cost}"
                )
                .unwrap();
            }
        }
        writeln!(o).unwrap();
    }

    for (c, comp) in comps.iter().enumerate() {
        writeln!(o, "[[components]]").unwrap();
        writeln!(o, "id = \"comp{c:02}\"").unwrap();
        writeln!(o, "name = \"Component {c}\"").unwrap();
        let base_det = rng.range(0.5, 2.0);
        for j in 0..p.options {
            let scale = j as f64 / (p.options - 1) as f64;
            writeln!(o, "[[components.options]]").unwrap();
            writeln!(o, "id = \"comp{c:02}_opt{j}\"").unwrap();
            writeln!(o, "name = \"Component {c}, option {j}\"").unwrap();
            writeln!(
                o,
                "deterrence = {}",
                r2(base_det * scale * rng.range(0.8, 1.2))
            )
            .unwrap();
            writeln!(o, "cost_per_year = {}", r2(scale * rng.range(10.0, 200.0))).unwrap();
            writeln!(o, "[components.options.levels]").unwrap();
            for &d in &comp.dims {
                let level = (scale * rng.range(0.8, 1.1)).clamp(0.0, 1.0);
                writeln!(o, "{} = {}", DIMENSIONS[d].0, r2(level)).unwrap();
            }
            if j == 0 {
                continue;
            }
            for &k in &comp.caps {
                // Demand at the largest option: a share of what contributors
                // offer, split among the components that need the capability.
                let kind = kinds[k];
                let want = supply[k] * scale * rng.range(0.3, 1.3) / users[k] as f64 / 3.0;
                let in_theatre = !rng.chance(0.15);
                writeln!(o, "[[components.options.tasks]]").unwrap();
                writeln!(o, "id = \"{}_{j}\"", cap_id(k)).unwrap();
                match kind.id {
                    "monitors" => {
                        let per_km = 0.5;
                        writeln!(o, "rule = \"monitoring\"").unwrap();
                        writeln!(o, "line_km = {}", r2((want / per_km).max(1.0))).unwrap();
                        writeln!(o, "monitors_per_km = {per_km}").unwrap();
                        writeln!(o, "capability = \"{}\"", cap_id(k)).unwrap();
                    }
                    "gbad_long" => {
                        writeln!(o, "rule = \"point_air_defence\"").unwrap();
                        writeln!(o, "sites = {}", want.round().max(1.0)).unwrap();
                        writeln!(o, "batteries_per_site = 1").unwrap();
                        writeln!(o, "capability = \"{}\"", cap_id(k)).unwrap();
                    }
                    _ => {
                        writeln!(o, "rule = \"fixed_units\"").unwrap();
                        writeln!(o, "capability = \"{}\"", cap_id(k)).unwrap();
                        let units = if kind.integer {
                            want.round().max(1.0)
                        } else {
                            r2(want.max(0.01))
                        };
                        writeln!(o, "units = {units}").unwrap();
                    }
                }
                writeln!(o, "in_theatre = {in_theatre}").unwrap();
            }
        }
        writeln!(o).unwrap();
    }
    if p.components >= 2 {
        writeln!(o, "[[synergies]]").unwrap();
        writeln!(o, "id = \"combined_posture\"").unwrap();
        writeln!(o, "bonus = {}", r2(rng.range(0.2, 0.8))).unwrap();
        writeln!(o, "[synergies.when]").unwrap();
        for c in 0..2 {
            let opts: Vec<String> = (p.options / 2..p.options)
                .map(|j| format!("\"comp{c:02}_opt{j}\""))
                .collect();
            writeln!(o, "comp{c:02} = [{}]", opts.join(", ")).unwrap();
        }
    }
    out
}

/// Overwrite the values of some `key = number` lines of a scenario text: edit
/// `(k, v)` sets the `k`-th such line (modulo their count) to `v`. For
/// property tests and fuzzing: synthetic scenarios with arbitrary numbers.
pub fn overwrite_numbers(text: &str, edits: &[(usize, f64)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let numeric: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.split_once(" = ")
                .is_some_and(|(_, v)| v.parse::<f64>().is_ok())
        })
        .map(|(i, _)| i)
        .collect();
    if numeric.is_empty() {
        return text.to_string();
    }
    for &(which, value) in edits {
        let i = numeric[which % numeric.len()];
        let key = lines[i]
            .split_once(" = ")
            .map_or("", |(k, _)| k)
            .to_string();
        lines[i] = format!("{key} = {value:?}");
    }
    lines.join("\n")
}
