//! The scenario as plain data.
//!
//! Every type here is a serde struct with no behaviour beyond small lookups:
//! the engine reads it, the reader (`read.rs`) builds it from TOML, and
//! [`crate::json_schema`] derives the JSON Schema from it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One scenario file: everything the engine knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub meta: Meta,
    #[serde(default)]
    pub parameters: Parameters,
    /// Capability units that requirements and inventories are counted in.
    pub capabilities: Vec<Capability>,
    /// Issue axes on [0, 1].
    pub dimensions: Vec<Dimension>,
    pub actors: Vec<Actor>,
    /// Guarantee components; a package picks one option of each.
    pub components: Vec<Component>,
    /// Deterrence bonuses for combinations of options.
    #[serde(default)]
    pub synergies: Vec<Synergy>,
    /// Uncertain parameters and their distributions (see `uncertainty.rs`).
    #[serde(default)]
    pub uncertainty: Vec<crate::uncertainty::Uncertainty>,
    /// Places, zones, lines, air bases and aircraft types (see `geography.rs`).
    #[serde(default, skip_serializing_if = "crate::geography::Geography::is_empty")]
    pub geography: crate::geography::Geography,
    /// Pre-scripted injects of a live exercise (see `injects.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub injects: Vec<Inject>,
}

/// Identification, provenance and the disclaimer shown with every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub title: String,
    /// Date the scenario describes, ISO 8601 (e.g. "2025-08-20").
    #[serde(default)]
    pub as_of: String,
    /// Shown at the top of every report.
    #[serde(default)]
    pub disclaimer: String,
    /// Currency and scale of every cost in the file, e.g. "USD million".
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default)]
    pub sources: Vec<Source>,
}

pub(crate) fn default_currency() -> String {
    "USD million".to_string()
}

/// A public source the scenario cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub citation: String,
    #[serde(default)]
    pub url: String,
    /// When the source was published, ISO 8601: a day ("2025-08-20"), a month
    /// ("2025-04") or a year ("2024"). `guarantor check` warns when a cited
    /// source is dated after `meta.as_of` (a month or a year counts from its
    /// first day).
    #[serde(default)]
    pub date: String,
}

/// Global engine parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    /// Years over which one-off costs are spread.
    #[serde(default = "default_horizon")]
    pub horizon_years: f64,
    /// Actors whose acceptance a package needs to pass.
    #[serde(default)]
    pub required_acceptance: Vec<String>,
    /// Rotation ratio per force type: units in the pool per unit deployed continuously.
    #[serde(default)]
    pub rotation: BTreeMap<String, f64>,
    /// Defaults for the combat air patrol and orbit sizing rules.
    #[serde(default)]
    pub air: AirParameters,
    /// Wall-clock limit for one allocation solve, in seconds.
    #[serde(default = "default_solver_time_limit")]
    pub solver_time_limit_s: f64,
    /// Precision of the acceptance codings (utility units, in [0, 0.5]): a
    /// margin, or a level's distance from a level red line's boundary, smaller
    /// than this is *undetermined* (docs/model.md §4).
    #[serde(default = "default_acceptance_precision")]
    pub acceptance_precision: f64,
    /// Computed deterrence: denial on axes, punishment credibility, weights
    /// (see `deterrence.rs` in the model crate and docs/model.md §5).
    #[serde(default)]
    pub deterrence: crate::deterrence::DeterrenceParameters,
    /// Escalation risk of a package (docs/model.md §5).
    #[serde(default)]
    pub escalation: crate::deterrence::EscalationParameters,
}

pub(crate) fn default_acceptance_precision() -> f64 {
    0.02
}

pub(crate) fn default_horizon() -> f64 {
    1.0
}
pub(crate) fn default_solver_time_limit() -> f64 {
    10.0
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            horizon_years: default_horizon(),
            required_acceptance: Vec::new(),
            rotation: BTreeMap::new(),
            air: AirParameters::default(),
            solver_time_limit_s: default_solver_time_limit(),
            acceptance_precision: default_acceptance_precision(),
            deterrence: Default::default(),
            escalation: Default::default(),
        }
    }
}

/// Combat-air-patrol geometry and aircraft availability defaults
/// (each can be overridden per task).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AirParameters {
    /// Fighters on each CAP station at any time (a two-ship).
    #[serde(default = "d_aircraft_per_station")]
    pub aircraft_per_station: f64,
    /// Hours of coverage per day.
    #[serde(default = "d_hours_per_day")]
    pub hours_per_day: f64,
    /// Time on station per fighter sortie, hours (sortie length minus transit).
    #[serde(default = "d_time_on_station_h")]
    pub time_on_station_h: f64,
    /// Sustained sorties one fighter flies per day.
    #[serde(default = "d_sorties_per_aircraft_day")]
    pub sorties_per_aircraft_day: f64,
    /// Share of deployed aircraft mission-capable on a given day.
    #[serde(default = "d_availability")]
    pub availability: f64,
    /// Quick-reaction-alert fighters added to each CAP deployment.
    #[serde(default)]
    pub qra_aircraft: f64,
    /// Time on station per tanker sortie, hours.
    #[serde(default = "d_orbit_on_station_h")]
    pub tanker_on_station_h: f64,
    /// Time on station per airborne-early-warning sortie, hours.
    #[serde(default = "d_orbit_on_station_h")]
    pub aew_on_station_h: f64,
}

fn d_aircraft_per_station() -> f64 {
    2.0
}
fn d_hours_per_day() -> f64 {
    24.0
}
fn d_time_on_station_h() -> f64 {
    4.0
}
fn d_sorties_per_aircraft_day() -> f64 {
    1.5
}
fn d_availability() -> f64 {
    0.6
}
fn d_orbit_on_station_h() -> f64 {
    8.0
}

impl Default for AirParameters {
    fn default() -> Self {
        AirParameters {
            aircraft_per_station: d_aircraft_per_station(),
            hours_per_day: d_hours_per_day(),
            time_on_station_h: d_time_on_station_h(),
            sorties_per_aircraft_day: d_sorties_per_aircraft_day(),
            availability: d_availability(),
            qra_aircraft: 0.0,
            tanker_on_station_h: d_orbit_on_station_h(),
            aew_on_station_h: d_orbit_on_station_h(),
        }
    }
}

/// A unit in which requirements and inventories are counted
/// (fighter aircraft, brigades, ground personnel, long-range air-defence batteries…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    pub id: String,
    pub name: String,
    /// Unit noun for reports ("aircraft", "batteries", "personnel").
    #[serde(default)]
    pub unit: String,
    /// Key into `parameters.rotation`.
    pub force_type: String,
    /// Counts as ground troops for contribution red lines that name ground forces.
    #[serde(default)]
    pub ground: bool,
    /// Whole units only (aircraft, batteries); false for personnel or money.
    #[serde(default = "yes")]
    pub integer: bool,
    /// Allocated only in whole blocks of this many units (a battalion group of
    /// 4,000 personnel); none: any amount (whole units for `integer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granularity: Option<f64>,
    /// Whole force packages: every unit of this capability comes with these
    /// units of other capabilities (capability id → units per unit), from
    /// the same contributor, allocated together as one bundle — a brigade
    /// with its 5,000 personnel (docs/model.md §3). The capability must
    /// count whole units.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bundle: BTreeMap<String, f64>,
    /// What the capability is: `forces` (units that deploy, the default) or
    /// `munitions` (a flow of munitions or supplies, such as interceptors a
    /// year): munitions are never forces in harm's way, so they count in no
    /// share of forces or units (docs/model.md §1, §5.2).
    #[serde(default, skip_serializing_if = "CapabilityKind::is_forces")]
    pub kind: CapabilityKind,
}

/// What a capability is (`[[capabilities]] kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityKind {
    /// Units that deploy: aircraft, batteries, brigades, personnel.
    #[default]
    Forces,
    /// A flow of munitions or supplies (interceptors a year): supplied, not
    /// deployed, so never in harm's way and in no share of forces or units.
    Munitions,
}

impl CapabilityKind {
    /// Every kind and its name in a scenario file.
    pub const ALL: [(&'static str, CapabilityKind); 2] = [
        ("forces", CapabilityKind::Forces),
        ("munitions", CapabilityKind::Munitions),
    ];

    /// The default kind (serde's `skip_serializing_if`).
    pub fn is_forces(&self) -> bool {
        *self == CapabilityKind::Forces
    }
}

fn yes() -> bool {
    true
}

/// An issue axis on [0, 1] with labelled anchor points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub anchors: Vec<Anchor>,
    /// Level when no chosen option sets this dimension.
    #[serde(default)]
    pub default: Option<f64>,
    /// Levels that follow the allocation: the package level is the largest
    /// of the options' level and every derivation's (docs/model.md §1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derive: Vec<crate::deterrence::Derivation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub at: f64,
    pub label: String,
}

/// A state or organisation: a party, a guarantor, a contributor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    pub name: String,
    /// Relative influence on the outcome (used by the negotiation forecast).
    #[serde(default)]
    pub capability: f64,
    /// Utility of no deal; the actor accepts a package only at or above it.
    pub reservation: f64,
    /// Organisations the actor belongs to ("nato", "eu"…), for red lines on contributors.
    #[serde(default)]
    pub member_of: Vec<String>,
    /// Ideal level per dimension, on [0, 1].
    #[serde(default)]
    pub position: BTreeMap<String, f64>,
    /// Weight per dimension, on [0, 1].
    #[serde(default)]
    pub salience: BTreeMap<String, f64>,
    #[serde(default)]
    pub red_lines: Vec<RedLine>,
    /// Forces the actor could contribute, by capability id.
    #[serde(default)]
    pub inventory: BTreeMap<String, InventoryItem>,
    /// Restrictions the contributor puts on the use of its own forces.
    #[serde(default)]
    pub caveats: Vec<Caveat>,
    #[serde(default)]
    pub notes: String,
}

/// One capability in a contributor's inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryItem {
    /// Whole national inventory in capability units.
    pub count: f64,
    /// Share of the inventory that is usable (mission-capable, trained).
    #[serde(default = "one")]
    pub readiness: f64,
    /// Share of the usable inventory the contributor would commit to this mission.
    #[serde(default = "one")]
    pub deployable_share: f64,
    /// Operating cost per unit in the pool per year, in `meta.currency`.
    #[serde(default)]
    pub cost_per_unit_year: f64,
    #[serde(default)]
    pub source: String,
    /// Days from the decision (D) until these units can be in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_days: Option<f64>,
    /// NATO Force Model readiness tier (1, 2 or 3), used when `deploy_days`
    /// is not given: the tier's upper bound (10, 30 or 180 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_model_tier: Option<u8>,
}

/// Upper bound of a NATO Force Model readiness tier, in days: Tier 1 ≤ 10,
/// Tier 2 10–30, Tier 3 30–180 (NATO Madrid summit factsheet, 2022)
/// `[RECALLED]`. `None` for any other tier.
pub fn force_model_tier_days(tier: u8) -> Option<f64> {
    match tier {
        1 => Some(10.0),
        2 => Some(30.0),
        3 => Some(180.0),
        _ => None,
    }
}

/// Tier assumed for an inventory item that declares neither `deploy_days`
/// nor `force_model_tier`: Tier 3, the slowest (180 days), so that nothing
/// undeclared counts as fast.
pub const DEFAULT_FORCE_MODEL_TIER: u8 = 3;

impl InventoryItem {
    /// Days until these units can be in place: `deploy_days`, else the upper
    /// bound of `force_model_tier`, else of Tier 3 (180 days).
    /// Example: `force_model_tier = 2` → 30 days.
    pub fn days_to_deploy(&self) -> f64 {
        self.deploy_days.unwrap_or_else(|| {
            force_model_tier_days(self.force_model_tier.unwrap_or(DEFAULT_FORCE_MODEL_TIER))
                .unwrap_or(180.0)
        })
    }
}

fn one() -> f64 {
    1.0
}

/// Which contributors a contribution rule covers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionFilter {
    /// Only these capabilities (empty: every capability, narrowed by `ground`).
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Only capabilities marked `ground = true`.
    #[serde(default)]
    pub ground: bool,
    /// Only units deployed in the theatre (tasks with `in_theatre = true`).
    #[serde(default = "yes")]
    pub in_theatre_only: bool,
}

/// A contributor's own restriction on its forces; the allocator always honours it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
// No `deny_unknown_fields`: serde does not support it with `flatten`;
// the reader in `read.rs` rejects unknown keys.
pub struct Caveat {
    pub id: String,
    #[serde(flatten)]
    pub applies_to: ContributionFilter,
    /// The caveat is lifted in packages where this holds.
    #[serde(default)]
    pub lifted_when: Option<LevelCondition>,
    #[serde(default)]
    pub statement: String,
}

/// `level(dimension) op value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelCondition {
    pub dimension: String,
    pub op: Comparison,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparison {
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Comparison::Lt => left < right,
            Comparison::Le => left <= right,
            Comparison::Gt => left > right,
            Comparison::Ge => left >= right,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Le => "≤",
            Comparison::Gt => ">",
            Comparison::Ge => "≥",
        }
    }

    pub fn parse(s: &str) -> Option<Comparison> {
        Some(match s {
            "lt" | "<" => Comparison::Lt,
            "le" | "<=" => Comparison::Le,
            "gt" | ">" => Comparison::Gt,
            "ge" | ">=" => Comparison::Ge,
            _ => return None,
        })
    }
}

/// How firmly a red line has been drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Hardness {
    /// Said publicly by the actor.
    Stated,
    /// Read by analysts from the actor's statements or behaviour.
    Inferred,
}

impl Hardness {
    pub fn as_str(self) -> &'static str {
        match self {
            Hardness::Stated => "stated",
            Hardness::Inferred => "inferred",
        }
    }
}

/// A hard constraint an actor puts on a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
// No `deny_unknown_fields`: serde does not support it with `flatten`;
// the reader in `read.rs` rejects unknown keys.
pub struct RedLine {
    pub id: String,
    pub hardness: Hardness,
    /// Chance the red line relaxes, on [0, 1].
    #[serde(default)]
    pub flexibility: f64,
    /// What the actor said, with who and when.
    #[serde(default)]
    pub statement: String,
    #[serde(default)]
    pub source: String,
    #[serde(flatten)]
    pub rule: RedLineRule,
}

/// What a red line forbids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RedLineRule {
    /// The package must not choose any of these options of a component.
    Option {
        component: String,
        options: Vec<String>,
    },
    /// The package's level on a dimension must not satisfy `op value`.
    Level {
        dimension: String,
        op: Comparison,
        value: f64,
    },
    /// The allocation must not take forces matching the filter from these contributors.
    Contribution {
        #[serde(flatten)]
        applies_to: ContributionFilter,
        /// Contributors named directly.
        #[serde(default)]
        from_actors: Vec<String>,
        /// Contributors that are members of any of these organisations.
        #[serde(default)]
        from_members_of: Vec<String>,
    },
}

/// A guarantee component: a choice among options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: String,
    pub name: String,
    /// A short name for package titles ("Ground force"); `name` when empty.
    #[serde(default)]
    pub short: String,
    pub options: Vec<OptionDef>,
}

impl Component {
    /// The name used in package titles: `short`, else `name`, else the id.
    pub fn title(&self) -> &str {
        first_given(&[&self.short, &self.name, &self.id])
    }
}

/// One option of a component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// A short name for package titles ("national flags, US C2"); `name` when empty.
    #[serde(default)]
    pub short: String,
    /// Level this option sets on each dimension, on [0, 1].
    #[serde(default)]
    pub levels: BTreeMap<String, f64>,
    /// Deterrence value (a judgment input, scenario-declared), shown as the
    /// `judgement` part of the computed deterrence.
    #[serde(default)]
    pub deterrence: f64,
    /// Personnel of the defended state's own forces under this option (an
    /// army-size cap); the smallest any chosen option sets counts, else
    /// `parameters.deterrence.defender_personnel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defender_personnel: Option<f64>,
    /// Distance of this option's in-theatre forces from the line of contact,
    /// km; else `parameters.deterrence.default_distance_km`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_to_line_km: Option<f64>,
    /// Fixed cost per year not tied to a capability, in `meta.currency`.
    #[serde(default)]
    pub cost_per_year: f64,
    /// One-off cost, spread over `parameters.horizon_years`.
    #[serde(default)]
    pub one_off_cost: f64,
    #[serde(default)]
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub note: String,
    /// Options this one needs, as "component.option" ids: for every component
    /// named, the package must choose one of the options listed for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Options this one cannot be combined with ("component.option" ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
    /// The option's tasks must be in place within this many days of the
    /// decision: only contributors that deploy that fast are allocated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<f64>,
}

impl OptionDef {
    /// The name used in package titles: `short`, else `name`, else the id.
    pub fn title(&self) -> &str {
        first_given(&[&self.short, &self.name, &self.id])
    }
}

/// Something a package needs done, sized by a named rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
// No `deny_unknown_fields`: serde does not support it with `flatten`;
// the reader in `read.rs` rejects unknown keys.
pub struct Task {
    pub id: String,
    #[serde(flatten)]
    pub rule: SizingRule,
    /// Only these contributors may supply this task (e.g. US aircraft only).
    #[serde(default)]
    pub providers: Vec<String>,
    /// The task's units are inside the theatre (Ukraine); false for e.g. backstop forces on NATO soil.
    #[serde(default = "yes")]
    pub in_theatre: bool,
}

/// A documented sizing rule and its parameters. See docs/model.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum SizingRule {
    /// Personnel and manoeuvre units deployed continuously, multiplied by the land rotation ratio.
    StandingGroundForce {
        personnel: f64,
        #[serde(default)]
        units: f64,
        #[serde(default = "cap_ground_personnel")]
        personnel_capability: String,
        #[serde(default = "cap_brigades")]
        unit_capability: String,
    },
    /// Fighter CAP stations held for `hours_per_day`, with tanker and AEW orbits.
    CombatAirPatrol {
        stations: f64,
        #[serde(default)]
        tanker_orbits: f64,
        #[serde(default)]
        aew_orbits: f64,
        #[serde(flatten)]
        overrides: AirOverrides,
        #[serde(default = "cap_fighters")]
        fighter_capability: String,
        #[serde(default = "cap_tankers")]
        tanker_capability: String,
        #[serde(default = "cap_aew")]
        aew_capability: String,
    },
    /// A number of fighters on duty (alert or patrol), divided by availability.
    AirPolicing {
        aircraft_on_duty: f64,
        #[serde(default)]
        availability: Option<f64>,
        #[serde(default = "cap_fighters")]
        fighter_capability: String,
    },
    /// Support aircraft orbits (tanker, AEW, ISR) held for `hours_per_day`.
    Orbit {
        capability: String,
        orbits: f64,
        on_station_h: f64,
        #[serde(default)]
        availability: Option<f64>,
    },
    /// Air-defence batteries per protected site.
    PointAirDefence {
        sites: f64,
        batteries_per_site: f64,
        #[serde(default = "cap_gbad_long")]
        capability: String,
        /// Batteries handed over to the defended state: no rotation pool.
        #[serde(default)]
        transfer: bool,
    },
    /// Ceasefire monitors per km of line.
    Monitoring {
        line_km: f64,
        monitors_per_km: f64,
        #[serde(default = "cap_monitors")]
        capability: String,
    },
    /// Personnel held at named sites (hubs, bases, headquarters).
    Garrison {
        sites: f64,
        personnel_per_site: f64,
        #[serde(default = "cap_ground_personnel")]
        capability: String,
    },
    /// Annual value of materiel delivered; no rotation.
    MaterielSupply {
        value_per_year: f64,
        #[serde(default = "cap_materiel")]
        capability: String,
    },
    /// A fixed number of units deployed continuously.
    FixedUnits {
        capability: String,
        units: f64,
    },
    // Rules that read `[geography]` (issue #14; see `crate::geography`).
    PatrolZone(crate::geography::PatrolZoneRule),
    AirDefenceUmbrella(crate::geography::AirDefenceUmbrellaRule),
    MonitorLine(crate::geography::MonitorLineRule),
    GarrisonPlaces(crate::geography::GarrisonPlacesRule),
}

impl SizingRule {
    /// The rule's name as written in a scenario (`rule = "…"`), the key of its
    /// row in [`crate::rules::SIZING_RULES`].
    pub fn name(&self) -> &'static str {
        match self {
            SizingRule::StandingGroundForce { .. } => "standing_ground_force",
            SizingRule::CombatAirPatrol { .. } => "combat_air_patrol",
            SizingRule::AirPolicing { .. } => "air_policing",
            SizingRule::Orbit { .. } => "orbit",
            SizingRule::PointAirDefence { .. } => "point_air_defence",
            SizingRule::Monitoring { .. } => "monitoring",
            SizingRule::Garrison { .. } => "garrison",
            SizingRule::MaterielSupply { .. } => "materiel_supply",
            SizingRule::FixedUnits { .. } => "fixed_units",
            SizingRule::PatrolZone(_) => "patrol_zone",
            SizingRule::AirDefenceUmbrella(_) => "air_defence_umbrella",
            SizingRule::MonitorLine(_) => "monitor_line",
            SizingRule::GarrisonPlaces(_) => "garrison_places",
        }
    }

    /// The value of numeric parameter `f`, NaN when the rule has none of that
    /// name or leaves it to `[parameters.air]`.
    pub fn number(&self, f: &str) -> f64 {
        match (self, f) {
            (SizingRule::StandingGroundForce { personnel, .. }, "personnel") => *personnel,
            (SizingRule::StandingGroundForce { units, .. }, "units")
            | (SizingRule::FixedUnits { units, .. }, "units") => *units,
            (SizingRule::CombatAirPatrol { stations, .. }, "stations") => *stations,
            (SizingRule::CombatAirPatrol { tanker_orbits, .. }, "tanker_orbits") => *tanker_orbits,
            (SizingRule::CombatAirPatrol { aew_orbits, .. }, "aew_orbits") => *aew_orbits,
            (
                SizingRule::AirPolicing {
                    aircraft_on_duty, ..
                },
                "aircraft_on_duty",
            ) => *aircraft_on_duty,
            (SizingRule::Orbit { orbits, .. }, "orbits") => *orbits,
            (SizingRule::Orbit { on_station_h, .. }, "on_station_h") => *on_station_h,
            (SizingRule::PointAirDefence { sites, .. }, "sites") => *sites,
            (
                SizingRule::PointAirDefence {
                    batteries_per_site, ..
                },
                "batteries_per_site",
            ) => *batteries_per_site,
            (SizingRule::Monitoring { line_km, .. }, "line_km") => *line_km,
            (
                SizingRule::Monitoring {
                    monitors_per_km, ..
                },
                "monitors_per_km",
            ) => *monitors_per_km,
            (SizingRule::Garrison { sites, .. }, "sites") => *sites,
            (
                SizingRule::Garrison {
                    personnel_per_site, ..
                },
                "personnel_per_site",
            ) => *personnel_per_site,
            (SizingRule::MaterielSupply { value_per_year, .. }, "value_per_year") => {
                *value_per_year
            }
            // An unset availability falls back to the air default.
            (SizingRule::AirPolicing { availability, .. }, "availability")
            | (SizingRule::Orbit { availability, .. }, "availability") => {
                availability.unwrap_or(f64::NAN)
            }
            (SizingRule::CombatAirPatrol { overrides, .. }, f) => {
                overrides.slot(f).and_then(|x| *x).unwrap_or(f64::NAN)
            }
            (SizingRule::PatrolZone(r), f) => r.number(f),
            (SizingRule::AirDefenceUmbrella(r), f) => r.number(f),
            (SizingRule::MonitorLine(r), f) => r.number(f),
            (SizingRule::GarrisonPlaces(r), f) => r.number(f),
            _ => f64::NAN,
        }
    }

    /// Where numeric parameter `f` is stored (an unset optional one is set to 0
    /// first), or `None` when the rule has no such number.
    pub fn number_mut(&mut self, f: &str) -> Option<&mut f64> {
        Some(match (self, f) {
            (SizingRule::StandingGroundForce { personnel, .. }, "personnel") => personnel,
            (SizingRule::StandingGroundForce { units, .. }, "units")
            | (SizingRule::FixedUnits { units, .. }, "units") => units,
            (SizingRule::CombatAirPatrol { stations, .. }, "stations") => stations,
            (SizingRule::CombatAirPatrol { tanker_orbits, .. }, "tanker_orbits") => tanker_orbits,
            (SizingRule::CombatAirPatrol { aew_orbits, .. }, "aew_orbits") => aew_orbits,
            (
                SizingRule::AirPolicing {
                    aircraft_on_duty, ..
                },
                "aircraft_on_duty",
            ) => aircraft_on_duty,
            (SizingRule::Orbit { orbits, .. }, "orbits") => orbits,
            (SizingRule::Orbit { on_station_h, .. }, "on_station_h") => on_station_h,
            (SizingRule::PointAirDefence { sites, .. }, "sites") => sites,
            (
                SizingRule::PointAirDefence {
                    batteries_per_site, ..
                },
                "batteries_per_site",
            ) => batteries_per_site,
            (SizingRule::Monitoring { line_km, .. }, "line_km") => line_km,
            (
                SizingRule::Monitoring {
                    monitors_per_km, ..
                },
                "monitors_per_km",
            ) => monitors_per_km,
            (SizingRule::Garrison { sites, .. }, "sites") => sites,
            (
                SizingRule::Garrison {
                    personnel_per_site, ..
                },
                "personnel_per_site",
            ) => personnel_per_site,
            (SizingRule::MaterielSupply { value_per_year, .. }, "value_per_year") => value_per_year,
            (SizingRule::AirPolicing { availability, .. }, "availability")
            | (SizingRule::Orbit { availability, .. }, "availability") => availability.insert(0.0),
            (SizingRule::CombatAirPatrol { overrides, .. }, f) => {
                overrides.slot_mut(f)?.get_or_insert(0.0)
            }
            (SizingRule::PatrolZone(r), f) => r.slot_mut(f)?,
            (SizingRule::AirDefenceUmbrella(r), f) => r.slot_mut(f)?,
            (SizingRule::MonitorLine(r), f) => r.slot_mut(f)?,
            (SizingRule::GarrisonPlaces(r), f) => r.slot_mut(f)?,
            _ => return None,
        })
    }
}

/// Per-task overrides of the CAP defaults in `parameters.air`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct AirOverrides {
    pub aircraft_per_station: Option<f64>,
    pub hours_per_day: Option<f64>,
    pub time_on_station_h: Option<f64>,
    pub sorties_per_aircraft_day: Option<f64>,
    pub availability: Option<f64>,
    pub qra_aircraft: Option<f64>,
}

impl AirOverrides {
    fn slot(&self, f: &str) -> Option<&Option<f64>> {
        Some(match f {
            "aircraft_per_station" => &self.aircraft_per_station,
            "hours_per_day" => &self.hours_per_day,
            "time_on_station_h" => &self.time_on_station_h,
            "sorties_per_aircraft_day" => &self.sorties_per_aircraft_day,
            "availability" => &self.availability,
            "qra_aircraft" => &self.qra_aircraft,
            _ => return None,
        })
    }

    fn slot_mut(&mut self, f: &str) -> Option<&mut Option<f64>> {
        Some(match f {
            "aircraft_per_station" => &mut self.aircraft_per_station,
            "hours_per_day" => &mut self.hours_per_day,
            "time_on_station_h" => &mut self.time_on_station_h,
            "sorties_per_aircraft_day" => &mut self.sorties_per_aircraft_day,
            "availability" => &mut self.availability,
            "qra_aircraft" => &mut self.qra_aircraft,
            _ => return None,
        })
    }
}

fn cap_ground_personnel() -> String {
    "ground_personnel".into()
}
fn cap_brigades() -> String {
    "brigades".into()
}
fn cap_fighters() -> String {
    "fighters".into()
}
fn cap_tankers() -> String {
    "tankers".into()
}
fn cap_aew() -> String {
    "aew".into()
}
fn cap_gbad_long() -> String {
    "gbad_long".into()
}
fn cap_monitors() -> String {
    "monitors".into()
}
fn cap_materiel() -> String {
    "materiel".into()
}

/// A deterrence bonus when every listed component has one of the listed options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Synergy {
    pub id: String,
    /// Component id → options that qualify.
    pub when: BTreeMap<String, Vec<String>>,
    pub bonus: f64,
    #[serde(default)]
    pub statement: String,
}

impl Scenario {
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }
    pub fn capability(&self, id: &str) -> Option<&Capability> {
        self.capabilities.iter().find(|c| c.id == id)
    }
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
    /// Number of packages in the option space: the product of the option counts.
    pub fn option_space_size(&self) -> u128 {
        self.components
            .iter()
            .map(|c| c.options.len() as u128)
            .product()
    }

    /// Rotation ratio for a force type; 1 when the scenario names none.
    pub fn rotation_ratio(&self, force_type: &str) -> f64 {
        self.parameters
            .rotation
            .get(force_type)
            .copied()
            .unwrap_or(1.0)
    }
}

impl SizingRule {
    /// Capability ids this rule produces requirements in.
    pub fn capabilities(&self) -> Vec<&str> {
        match self {
            SizingRule::StandingGroundForce {
                personnel_capability,
                unit_capability,
                units,
                ..
            } => {
                if *units > 0.0 {
                    vec![personnel_capability, unit_capability]
                } else {
                    vec![personnel_capability]
                }
            }
            SizingRule::CombatAirPatrol {
                fighter_capability,
                tanker_capability,
                aew_capability,
                tanker_orbits,
                aew_orbits,
                ..
            } => {
                let mut v = vec![fighter_capability.as_str()];
                if *tanker_orbits > 0.0 {
                    v.push(tanker_capability);
                }
                if *aew_orbits > 0.0 {
                    v.push(aew_capability);
                }
                v
            }
            SizingRule::AirPolicing {
                fighter_capability, ..
            } => vec![fighter_capability],
            SizingRule::Orbit { capability, .. }
            | SizingRule::PointAirDefence { capability, .. }
            | SizingRule::Monitoring { capability, .. }
            | SizingRule::Garrison { capability, .. }
            | SizingRule::MaterielSupply { capability, .. }
            | SizingRule::FixedUnits { capability, .. } => vec![capability],
            SizingRule::PatrolZone(r) => r.capabilities(),
            SizingRule::AirDefenceUmbrella(r) => r.capabilities(),
            SizingRule::MonitorLine(r) => vec![&r.capability],
            SizingRule::GarrisonPlaces(r) => r.capabilities(),
        }
    }
}

/// The values a parameter may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Any finite number.
    Finite,
    /// ≥ 0.
    NonNegative,
    /// > 0.
    Positive,
    /// [0, 1].
    Unit,
    /// (0, 1].
    UnitPositive,
    /// ≥ 1.
    AtLeastOne,
    /// (0, 24].
    Hours,
    /// 0 (does not hold) or 1 (holds).
    Binary,
}

impl Domain {
    pub fn contains(self, x: f64) -> bool {
        match self {
            Domain::Finite => x.is_finite(),
            Domain::NonNegative => x >= 0.0,
            Domain::Positive => x > 0.0,
            Domain::Unit => (0.0..=1.0).contains(&x),
            Domain::UnitPositive => x > 0.0 && x <= 1.0,
            Domain::AtLeastOne => x >= 1.0,
            Domain::Hours => x > 0.0 && x <= 24.0,
            Domain::Binary => x == 0.0 || x == 1.0,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Domain::Finite => "any finite number",
            Domain::NonNegative => "≥ 0",
            Domain::Positive => "> 0",
            Domain::Unit => "between 0 and 1",
            Domain::UnitPositive => "above 0 and at most 1",
            Domain::AtLeastOne => "≥ 1",
            Domain::Hours => "above 0 and at most 24 (hours a day)",
            Domain::Binary => "0 or 1 (holds or not)",
        }
    }
}

/// The first of `names` that is not empty ("" when all are).
fn first_given<'a>(names: &[&'a String]) -> &'a str {
    names
        .iter()
        .find(|x| !x.is_empty())
        .map_or("", |x| x.as_str())
}

/// An inject of a live exercise (checked and applied in `injects.rs`): news
/// the facilitator releases to some roles, optionally changing the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub id: String,
    /// The round (1, 2, …) whose opening releases it; it applies to that
    /// round's adjudication and every later one. 0 (absent): the inject gives
    /// its `day` or `date` instead.
    #[serde(default)]
    pub round: u32,
    /// In-game day of the exercise (day 1: the day round 1 opens) on which it
    /// is released: when the facilitator's clock reaches it, or at the latest
    /// before the round that day falls in closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// In-game calendar date (`YYYY-MM-DD`) on which it is released, as `day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What the targets read.
    pub text: String,
    /// Roles shown the inject: `"all"`, `"observer"`, `"notetaker"` or an
    /// actor id (its delegation). Empty: everyone. The facilitator sees every inject.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Scenario changes as `PATH=VALUE`, the `--set` form
    /// (e.g. `"actors.ru.red_lines.no_nato_mission.holds=0"` drops a red line).
    #[serde(default)]
    pub set: Vec<String>,
    /// Red lines the inject adds, each naming its actor.
    #[serde(default)]
    pub add_red_lines: Vec<AddedRedLine>,
    /// Who said it and when, with `[src]`/`[EST]` marks as elsewhere.
    #[serde(default)]
    pub source: String,
}

/// A red line an inject adds to an actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddedRedLine {
    pub actor: String,
    #[serde(flatten)]
    pub red_line: RedLine,
}
