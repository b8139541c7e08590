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
    #[serde(default)]
    pub source: String,
}
