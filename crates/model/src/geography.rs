//! Geography in the scenario: named places, zones, lines, air bases and
//! aircraft types (issue #14). Plain data; `guarantor-geo` measures it and
//! `engine::sizing::geography` sizes from it. Coordinates are WGS84 decimal
//! degrees, written `[lat, lon]`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The `[geography]` section. Every entry carries its source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Geography {
    #[serde(default)]
    pub places: Vec<Place>,
    #[serde(default)]
    pub zones: Vec<Zone>,
    #[serde(default)]
    pub lines: Vec<Line>,
    #[serde(default)]
    pub bases: Vec<AirBase>,
    #[serde(default)]
    pub aircraft: Vec<AircraftType>,
}

impl Geography {
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
            && self.zones.is_empty()
            && self.lines.is_empty()
            && self.bases.is_empty()
            && self.aircraft.is_empty()
    }

    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id)
    }

    pub fn aircraft_type(&self, id: &str) -> Option<&AircraftType> {
        self.aircraft.iter().find(|a| a.id == id)
    }
}

/// What a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    City,
    NuclearPlant,
    Port,
    AirBase,
    StagingBase,
    Headquarters,
    Other,
}

/// The place kinds as written in a scenario.
pub const PLACE_KINDS: &[(&str, PlaceKind)] = &[
    ("city", PlaceKind::City),
    ("nuclear_plant", PlaceKind::NuclearPlant),
    ("port", PlaceKind::Port),
    ("air_base", PlaceKind::AirBase),
    ("staging_base", PlaceKind::StagingBase),
    ("headquarters", PlaceKind::Headquarters),
    ("other", PlaceKind::Other),
];

/// A named point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: PlaceKind,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub source: String,
}

/// What a zone stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    /// An area to cover (patrol zone, no-fly zone).
    Cover,
    /// A no-contact or buffer zone.
    Buffer,
    /// Hostile territory.
    Hostile,
    /// A threat ring (e.g. a long-range surface-to-air system).
    ThreatRing,
    /// Occupied territory.
    Occupied,
}

pub const ZONE_KINDS: &[(&str, ZoneKind)] = &[
    ("cover", ZoneKind::Cover),
    ("buffer", ZoneKind::Buffer),
    ("hostile", ZoneKind::Hostile),
    ("threat_ring", ZoneKind::ThreatRing),
    ("occupied", ZoneKind::Occupied),
];

/// A zone: a polygon (`points`, closed: the first point repeated last) or a
/// circle (`centre`, a place id, and `radius_km`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: ZoneKind,
    /// Polygon vertices `[lat, lon]`, closed.
    #[serde(default)]
    pub points: Vec<[f64; 2]>,
    /// Circle centre: a place id.
    #[serde(default)]
    pub centre: Option<String>,
    #[serde(default)]
    pub radius_km: Option<f64>,
    #[serde(default)]
    pub source: String,
}

/// What a line stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Contact,
    Border,
    Monitored,
    Sector,
}

pub const LINE_KINDS: &[(&str, LineKind)] = &[
    ("contact", LineKind::Contact),
    ("border", LineKind::Border),
    ("monitored", LineKind::Monitored),
    ("sector", LineKind::Sector),
];

/// A polyline: a line of contact, a border section, a sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: LineKind,
    /// Vertices `[lat, lon]`, at least 2.
    pub points: Vec<[f64; 2]>,
    #[serde(default)]
    pub source: String,
}

/// An air base patrols may be flown from: a place, and who may use it
/// (empty: anyone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AirBase {
    pub id: String,
    /// A place id.
    pub place: String,
    #[serde(default)]
    pub contributors: Vec<String>,
    #[serde(default)]
    pub source: String,
}

/// An aircraft type's performance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AircraftType {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Cruise speed for transit, km/h.
    pub cruise_speed_kmh: f64,
    /// Unrefuelled sortie endurance, hours.
    pub endurance_h: f64,
    /// Farthest station from a base, km.
    pub combat_radius_km: f64,
    /// Ground time between sorties, hours.
    pub turnaround_h: f64,
    /// Cost per flight hour, USD (0: patrols flown by the type are not
    /// costed by the hour).
    #[serde(default)]
    pub cost_per_flight_hour_usd: f64,
    #[serde(default)]
    pub source: String,
}

// ---------------------------------------------------------------------------
// Sizing rules that read the geography (their rows are in `crate::rules`)
// ---------------------------------------------------------------------------

/// A patrol's overrides of the `[parameters.air]` defaults (the same keys
/// as a `combat_air_patrol` task's); `time_on_station_h` replaces the
/// derived time on station.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PatrolOverrides {
    pub aircraft_per_station: Option<f64>,
    pub hours_per_day: Option<f64>,
    pub time_on_station_h: Option<f64>,
    pub sorties_per_aircraft_day: Option<f64>,
    pub availability: Option<f64>,
    pub qra_aircraft: Option<f64>,
}

impl PatrolOverrides {
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

fn one() -> f64 {
    1.0
}
fn two() -> f64 {
    2.0
}
fn fuel_per_refuelling_t() -> f64 {
    2.5
}
fn tanker_offload_t() -> f64 {
    60.0
}
fn cap(s: &str) -> String {
    s.to_string()
}
fn cap_fighters() -> String {
    cap("fighters")
}
fn cap_tankers() -> String {
    cap("tankers")
}
fn cap_aew() -> String {
    cap("aew")
}
fn cap_gbad_long() -> String {
    cap("gbad_long")
}
fn cap_monitors() -> String {
    cap("monitors")
}
fn cap_ground_personnel() -> String {
    cap("ground_personnel")
}
fn cap_brigades() -> String {
    cap("brigades")
}

/// `patrol_zone`: fighter stations from a covering of a zone by engagement
/// circles, each flown from the nearest eligible base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PatrolZoneRule {
    /// A zone id (the area to cover).
    pub zone: String,
    /// An aircraft type id.
    pub aircraft: String,
    /// Radius a station covers, km.
    pub engagement_radius_km: f64,
    /// Distance stations keep from hostile zones and threat rings, km.
    #[serde(default)]
    pub standoff_km: f64,
    #[serde(default)]
    pub refuellings_per_sortie: f64,
    #[serde(default = "one")]
    pub hours_per_refuelling: f64,
    #[serde(default = "fuel_per_refuelling_t")]
    pub fuel_per_refuelling_t: f64,
    #[serde(default = "tanker_offload_t")]
    pub tanker_offload_t: f64,
    #[serde(default)]
    pub aew_orbits: f64,
    /// Hand-set number of stations replacing the covering's (an override).
    #[serde(default)]
    pub stations: Option<f64>,
    /// Hand-set tanker orbits replacing the derived ones (an override).
    #[serde(default)]
    pub tanker_orbits: Option<f64>,
    #[serde(flatten)]
    pub overrides: PatrolOverrides,
    #[serde(default = "cap_fighters")]
    pub fighter_capability: String,
    #[serde(default = "cap_tankers")]
    pub tanker_capability: String,
    #[serde(default = "cap_aew")]
    pub aew_capability: String,
}

impl PatrolZoneRule {
    pub fn capabilities(&self) -> Vec<&str> {
        let mut v = vec![self.fighter_capability.as_str()];
        if self.refuellings_per_sortie > 0.0 || self.tanker_orbits.is_some_and(|t| t > 0.0) {
            v.push(&self.tanker_capability);
        }
        if self.aew_orbits > 0.0 {
            v.push(&self.aew_capability);
        }
        v
    }

    pub(crate) fn slot_mut(&mut self, f: &str) -> Option<&mut f64> {
        Some(match f {
            "engagement_radius_km" => &mut self.engagement_radius_km,
            "standoff_km" => &mut self.standoff_km,
            "refuellings_per_sortie" => &mut self.refuellings_per_sortie,
            "hours_per_refuelling" => &mut self.hours_per_refuelling,
            "fuel_per_refuelling_t" => &mut self.fuel_per_refuelling_t,
            "tanker_offload_t" => &mut self.tanker_offload_t,
            "aew_orbits" => &mut self.aew_orbits,
            "stations" => self.stations.get_or_insert(0.0),
            "tanker_orbits" => self.tanker_orbits.get_or_insert(0.0),
            f => self.overrides.slot_mut(f)?.get_or_insert(0.0),
        })
    }

    pub(crate) fn number(&self, f: &str) -> f64 {
        match f {
            "engagement_radius_km" => self.engagement_radius_km,
            "standoff_km" => self.standoff_km,
            "refuellings_per_sortie" => self.refuellings_per_sortie,
            "hours_per_refuelling" => self.hours_per_refuelling,
            "fuel_per_refuelling_t" => self.fuel_per_refuelling_t,
            "tanker_offload_t" => self.tanker_offload_t,
            "aew_orbits" => self.aew_orbits,
            "stations" => self.stations.unwrap_or(f64::NAN),
            "tanker_orbits" => self.tanker_orbits.unwrap_or(f64::NAN),
            f => self
                .overrides
                .clone()
                .slot_mut(f)
                .and_then(|x| *x)
                .unwrap_or(f64::NAN),
        }
    }
}

/// `air_defence_umbrella`: batteries from the places defended and a system's
/// coverage radius against a threat class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AirDefenceUmbrellaRule {
    /// Place ids to defend.
    pub places: Vec<String>,
    /// Hand-set coverage radius, km, replacing the one the cited table
    /// (`crate::air_defence::SYSTEM_COVERAGE`) gives `system` against
    /// `threat` (an override).
    #[serde(default)]
    pub coverage_radius_km: Option<f64>,
    /// The system's name, one of the table's (a free label when
    /// `coverage_radius_km` is set).
    #[serde(default)]
    pub system: String,
    /// The threat class the radius is given against (ballistic, cruise, drone).
    #[serde(default)]
    pub threat: String,
    pub batteries_per_site: f64,
    /// Hand-set number of sites replacing the covering's (an override).
    #[serde(default)]
    pub sites: Option<f64>,
    /// Threats engaged a year (0: no interceptor estimate).
    #[serde(default)]
    pub engagements_per_year: f64,
    #[serde(default = "two")]
    pub interceptors_per_engagement: f64,
    /// Interceptors produced a year (0: not compared).
    #[serde(default)]
    pub interceptor_production_per_year: f64,
    #[serde(default = "cap_gbad_long")]
    pub capability: String,
    /// Batteries handed over to the defended state: no rotation pool.
    #[serde(default)]
    pub transfer: bool,
    /// Capability the interceptors fired a year are a requirement in
    /// (when `engagements_per_year` > 0); contributors declare what they
    /// can supply a year.
    #[serde(default = "cap_interceptors_per_year")]
    pub interceptor_capability: String,
}

fn cap_interceptors_per_year() -> String {
    "interceptors_per_year".into()
}

impl AirDefenceUmbrellaRule {
    /// Capability ids the rule has requirements in.
    pub fn capabilities(&self) -> Vec<&str> {
        let mut v = vec![self.capability.as_str()];
        if self.engagements_per_year > 0.0 {
            v.push(&self.interceptor_capability);
        }
        v
    }
}

impl AirDefenceUmbrellaRule {
    pub(crate) fn number(&self, f: &str) -> f64 {
        match f {
            "sites" => self.sites.unwrap_or(f64::NAN),
            "coverage_radius_km" => self.coverage_radius_km.unwrap_or(f64::NAN),
            f => self.clone().slot_mut(f).map_or(f64::NAN, |x| *x),
        }
    }

    pub(crate) fn slot_mut(&mut self, f: &str) -> Option<&mut f64> {
        Some(match f {
            "coverage_radius_km" => self.coverage_radius_km.get_or_insert(0.0),
            "batteries_per_site" => &mut self.batteries_per_site,
            "sites" => self.sites.get_or_insert(0.0),
            "engagements_per_year" => &mut self.engagements_per_year,
            "interceptors_per_engagement" => &mut self.interceptors_per_engagement,
            "interceptor_production_per_year" => &mut self.interceptor_production_per_year,
            _ => return None,
        })
    }
}

/// `monitor_line`: monitors along a line, its length measured on the polyline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MonitorLineRule {
    /// A line id.
    pub line: String,
    pub monitors_per_km: f64,
    /// Hand-set length replacing the measured one (an override), km.
    #[serde(default)]
    pub line_km: Option<f64>,
    #[serde(default = "cap_monitors")]
    pub capability: String,
}

impl MonitorLineRule {
    pub(crate) fn number(&self, f: &str) -> f64 {
        match f {
            "line_km" => self.line_km.unwrap_or(f64::NAN),
            f => self.clone().slot_mut(f).map_or(f64::NAN, |x| *x),
        }
    }

    pub(crate) fn slot_mut(&mut self, f: &str) -> Option<&mut f64> {
        Some(match f {
            "monitors_per_km" => &mut self.monitors_per_km,
            "line_km" => self.line_km.get_or_insert(0.0),
            _ => return None,
        })
    }
}

/// `garrison_places`: personnel held at named places, with an optional
/// force-to-space check of the brigades against a declared sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GarrisonPlacesRule {
    /// Place ids garrisoned.
    pub places: Vec<String>,
    pub personnel_per_place: f64,
    /// Manoeuvre brigades deployed with the garrisons (0: none).
    #[serde(default)]
    pub brigades: f64,
    /// A line id: the sector the brigades are meant to deter along ("": none).
    #[serde(default)]
    pub sector: String,
    /// Frontage one brigade holds, km.
    #[serde(default = "km_per_brigade")]
    pub km_per_brigade: f64,
    #[serde(default = "cap_ground_personnel")]
    pub capability: String,
    #[serde(default = "cap_brigades")]
    pub unit_capability: String,
}

fn km_per_brigade() -> f64 {
    20.0
}

impl GarrisonPlacesRule {
    pub(crate) fn number(&self, f: &str) -> f64 {
        self.clone().slot_mut(f).map_or(f64::NAN, |x| *x)
    }

    pub fn capabilities(&self) -> Vec<&str> {
        if self.brigades > 0.0 {
            vec![&self.capability, &self.unit_capability]
        } else {
            vec![&self.capability]
        }
    }

    pub(crate) fn slot_mut(&mut self, f: &str) -> Option<&mut f64> {
        Some(match f {
            "personnel_per_place" => &mut self.personnel_per_place,
            "brigades" => &mut self.brigades,
            "km_per_brigade" => &mut self.km_per_brigade,
            _ => return None,
        })
    }
}
