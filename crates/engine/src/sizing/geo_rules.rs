//! The sizing rules that read `[geography]` (`patrol_zone`,
//! `air_defence_umbrella`, `monitor_line`, `garrison_places`): from a task to
//! requirement lines, their named numbers (`derivation`), hand-set overrides,
//! warnings and what the task puts on a map. The formulas are the named
//! functions of [`super::geography`]; this module only wires them to the
//! scenario. It runs once per option, in the prepare stage
//! (`Prepared::new`), never per package.

use std::sync::Arc;

use guarantor_geo::cover::{CoverRequest, Covering, cover};
use guarantor_geo::{Circle, LatLon, Zone};
use guarantor_model::geography::{
    AirDefenceUmbrellaRule, GarrisonPlacesRule, MonitorLineRule, PatrolZoneRule, ZoneKind,
};
use guarantor_model::number::fmt;
use guarantor_model::{Scenario, SizingRule, Task};

use super::geography::{
    Base, GeographySizingError, PatrolPlan, TankerSupport, ThreatClass, air_defence_batteries,
    aircraft_type, brigades_for_sector, force_to_space_warning, interceptors_per_year,
    line_polyline, patrol_aircraft_deployed, place_point, refuelling_fuel_t_per_day,
    share_of_production, size_patrol, station_aircraft, station_sorties_per_day, tanker_orbits,
    zone_polygon,
};
use super::{garrison_personnel, orbit_aircraft_deployed, whole_units};

/// Provider of a requirement line no contributor can fill: a patrol station
/// with no eligible base within the aircraft's combat radius.
pub const NO_BASE_WITHIN_REACH: &str = "no base within reach";

/// What a geographic task puts on a map.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskGeometry {
    /// `component.option.task`.
    pub task: String,
    /// Zone ids the task covers.
    pub zones: Vec<String>,
    /// Line ids the task measures (monitored line, sector).
    pub lines: Vec<String>,
    /// Patrol stations and their engagement circles.
    pub stations: Vec<Circle>,
    /// Uncovered parts of the zone: polygons, outer ring then holes.
    pub uncovered: Vec<Vec<Vec<LatLon>>>,
    /// Bases the stations are flown from.
    pub bases: Vec<(String, LatLon)>,
    /// Air-defence sites and their coverage.
    pub air_defence: Vec<Circle>,
    /// Places defended or garrisoned.
    pub defended: Vec<(String, LatLon)>,
    pub garrisons: Vec<(String, LatLon)>,
}

/// One requirement line of a geographic task, before rotation.
pub(super) struct GeoLine {
    pub capability: String,
    pub deployed: f64,
    pub rotate: bool,
    pub working: String,
    pub derivation: Vec<(&'static str, f64)>,
    pub overrides: Vec<String>,
    pub warnings: Vec<String>,
    /// Replaces the task's providers (a line no one can fill).
    pub providers: Option<Vec<String>>,
    /// The line's flight-hour cost a year (`Requirement::flight_hour_cost_per_year`).
    pub flight_hour_cost_per_year: Option<f64>,
}

impl GeoLine {
    fn new(capability: &str, deployed: f64, rotate: bool, working: String) -> Self {
        GeoLine {
            capability: capability.to_string(),
            deployed,
            rotate,
            working,
            derivation: Vec::new(),
            overrides: Vec::new(),
            warnings: Vec::new(),
            providers: None,
            flight_hour_cost_per_year: None,
        }
    }
}

/// A geographic task's lines and map geometry.
pub(super) struct GeoSizing {
    pub lines: Vec<GeoLine>,
    pub geometry: Arc<TaskGeometry>,
}

/// Size a geographic task; `None` for the hand-set rules.
pub(super) fn size_geographic(s: &Scenario, task: &Task, label: &str) -> Option<GeoSizing> {
    let mut geometry = TaskGeometry {
        task: label.to_string(),
        ..TaskGeometry::default()
    };
    let (capability, result) = match &task.rule {
        SizingRule::PatrolZone(r) => (
            r.fighter_capability.as_str(),
            patrol(s, task, r, &mut geometry),
        ),
        SizingRule::AirDefenceUmbrella(r) => (r.capability.as_str(), umbrella(s, r, &mut geometry)),
        SizingRule::MonitorLine(r) => (r.capability.as_str(), monitor_line(s, r, &mut geometry)),
        SizingRule::GarrisonPlaces(r) => (r.capability.as_str(), garrison(s, r, &mut geometry)),
        _ => return None,
    };
    let lines = result.unwrap_or_else(|e| {
        // Never a panic: a task that cannot be sized is a line no one fills.
        let reason = format!("cannot be sized: {e}");
        let mut l = GeoLine::new(capability, 1.0, false, reason.clone());
        l.providers = Some(vec![reason]);
        vec![l]
    });
    Some(GeoSizing {
        lines,
        geometry: Arc::new(geometry),
    })
}

fn zone_name(z: &guarantor_model::geography::Zone) -> &str {
    if z.name.is_empty() { &z.id } else { &z.name }
}

/// Hostile zones (hostile, occupied, polygon threat rings) and circular
/// threat rings, which patrol stations keep their stand-off from.
fn hostile_areas(s: &Scenario) -> Result<(Vec<Zone>, Vec<Circle>), GeographySizingError> {
    let g = &s.geography;
    let mut zones = Vec::new();
    let mut rings = Vec::new();
    for z in &g.zones {
        match z.kind {
            ZoneKind::Hostile | ZoneKind::Occupied => zones.push(zone_polygon(z, g)?),
            ZoneKind::ThreatRing => match (&z.centre, z.radius_km) {
                (Some(c), Some(r)) => {
                    let place = g
                        .place(c)
                        .ok_or_else(|| GeographySizingError::UnknownPlace(c.clone()))?;
                    rings.push(Circle::new(place_point(place)?, r)?);
                }
                _ => zones.push(zone_polygon(z, g)?),
            },
            ZoneKind::Cover | ZoneKind::Buffer => {}
        }
    }
    Ok((zones, rings))
}

/// The bases a task may fly from: a base open to all, or one whose
/// contributors include one of the task's providers (any base when the
/// task names no providers).
fn eligible_bases(s: &Scenario, task: &Task) -> Result<Vec<Base>, GeographySizingError> {
    let g = &s.geography;
    g.bases
        .iter()
        .filter(|b| {
            b.contributors.is_empty()
                || task.providers.is_empty()
                || b.contributors.iter().any(|c| task.providers.contains(c))
        })
        .map(|b| {
            let place = g
                .place(&b.place)
                .ok_or_else(|| GeographySizingError::UnknownPlace(b.place.clone()))?;
            Ok(Base {
                name: if place.name.is_empty() {
                    b.id.clone()
                } else {
                    place.name.clone()
                },
                at: place_point(place)?,
            })
        })
        .collect()
}

fn patrol(
    s: &Scenario,
    task: &Task,
    r: &PatrolZoneRule,
    geo: &mut TaskGeometry,
) -> Result<Vec<GeoLine>, GeographySizingError> {
    let g = &s.geography;
    let air = &s.parameters.air;
    let o = &r.overrides;
    let zone =
        g.zones
            .iter()
            .find(|z| z.id == r.zone)
            .ok_or_else(|| GeographySizingError::UnknownId {
                what: "zone",
                id: r.zone.clone(),
            })?;
    let area = zone_polygon(zone, g)?;
    let (hostile, rings) = hostile_areas(s)?;
    let covering = cached_cover(&CoverRequest {
        zones: std::slice::from_ref(&area),
        radius_km: r.engagement_radius_km,
        hostile: &hostile,
        threat_rings: &rings,
        standoff_km: r.standoff_km,
    })?;
    let ac_def = g
        .aircraft_type(&r.aircraft)
        .ok_or_else(|| GeographySizingError::UnknownId {
            what: "aircraft type",
            id: r.aircraft.clone(),
        })?;
    let aircraft = aircraft_type(ac_def);
    let bases = eligible_bases(s, task)?;
    let tanker = (r.refuellings_per_sortie > 0.0).then_some(TankerSupport {
        refuellings_per_sortie: r.refuellings_per_sortie,
        hours_added_per_refuelling: r.hours_per_refuelling,
        fuel_per_refuelling_t: r.fuel_per_refuelling_t,
        offload_per_tanker_sortie_t: r.tanker_offload_t,
        tanker_on_station_h: air.tanker_on_station_h,
    });
    let plan = PatrolPlan {
        aircraft_per_station: o.aircraft_per_station.unwrap_or(air.aircraft_per_station),
        hours_per_day: o.hours_per_day.unwrap_or(air.hours_per_day),
        max_sorties_per_aircraft_day: o
            .sorties_per_aircraft_day
            .unwrap_or(air.sorties_per_aircraft_day),
        availability: o.availability.unwrap_or(air.availability),
        qra_aircraft: o.qra_aircraft.unwrap_or(air.qra_aircraft),
    };
    let d = size_patrol(&covering, &bases, &aircraft, tanker.as_ref(), &plan)?;
    let sortie_h = super::geography::sortie_endurance_h(
        aircraft.endurance_h,
        r.refuellings_per_sortie,
        r.hours_per_refuelling,
    )?;
    let sr = super::geography::sorties_per_aircraft_day(
        sortie_h,
        aircraft.turnaround_h,
        plan.max_sorties_per_aircraft_day,
    )?;

    // Per held station: (sorties a day, ready aircraft), with a hand-set
    // time on station replacing the derived one.
    let mut overrides = Vec::new();
    let per_station: Vec<(f64, f64)> = match o.time_on_station_h {
        Some(tos) => {
            overrides.push(format!(
                "time_on_station_h = {} (override; derived mean {} h)",
                fmt(tos),
                fmt(d.time_on_station_h)
            ));
            d.per_station
                .iter()
                .map(|_| {
                    let sorties = station_sorties_per_day(
                        plan.aircraft_per_station,
                        plan.hours_per_day,
                        tos,
                    )?;
                    Ok((sorties, station_aircraft(sorties, sr)))
                })
                .collect::<Result<_, GeographySizingError>>()?
        }
        None => d
            .per_station
            .iter()
            .map(|p| (p.sorties_per_day, p.ready_aircraft))
            .collect(),
    };
    let held = per_station.len() as f64;
    let (stations, mut sorties, mut ready) = (
        held,
        per_station.iter().map(|x| x.0).sum::<f64>(),
        per_station.iter().map(|x| x.1).sum::<f64>(),
    );
    let mut unreachable = d.shortfalls.len() as f64;
    let stations = match r.stations {
        Some(n) => {
            overrides.push(format!(
                "stations = {} (override; the covering gives {})",
                fmt(n),
                d.stations
            ));
            if held > 0.0 {
                sorties *= n / held;
                ready *= n / held;
            } else {
                // No station held: take the whole sortie (or the hand-set
                // time) on station.
                let tos = o.time_on_station_h.unwrap_or(sortie_h);
                sorties = n * station_sorties_per_day(
                    plan.aircraft_per_station,
                    plan.hours_per_day,
                    tos,
                )?;
                ready = station_aircraft(sorties, sr);
            }
            unreachable = 0.0;
            n
        }
        None => stations,
    };
    let fighters = if stations > 0.0 {
        patrol_aircraft_deployed(ready, plan.availability, plan.qra_aircraft)?
    } else {
        0.0
    };
    let fuel = match &tanker {
        Some(t) => {
            refuelling_fuel_t_per_day(sorties, t.refuellings_per_sortie, t.fuel_per_refuelling_t)?
        }
        None => 0.0,
    };
    let derived_orbits = match &tanker {
        Some(t) if fuel > 0.0 => tanker_orbits(
            fuel,
            t.offload_per_tanker_sortie_t,
            plan.hours_per_day,
            t.tanker_on_station_h,
        )?,
        _ => 0.0,
    };
    let orbits = match r.tanker_orbits {
        Some(n) => {
            overrides.push(format!(
                "tanker_orbits = {} (override; derived {})",
                fmt(n),
                fmt(derived_orbits)
            ));
            n
        }
        None => derived_orbits,
    };
    let mean_transit = d.transit_km;
    let mean_tos = o.time_on_station_h.unwrap_or(d.time_on_station_h);
    let base_names: Vec<&str> = {
        let mut v: Vec<&str> = d.per_station.iter().map(|p| p.base.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let over = if overrides.is_empty() {
        String::new()
    } else {
        format!(" [{}]", overrides.join("; "))
    };
    let working = format!(
        "patrol over {zone}: {n} stations (hexagonal covering, R = {radius} km, {standoff} km stand-off; {unc} of {area} km² uncovered); flown from {bases}, mean transit {transit} km at {speed} km/h; sortie {sortie} h ({endurance} h + {refuel} × {per} h refuelling) − 2 × transit = {tos} h on station (mean); {aps} aircraft × {hours} h ÷ time on station, summed over stations = {sorties} sorties/day ÷ {sr} sorties/aircraft/day = {ready} ready ÷ {avail} availability, rounded up, + {qra} QRA = {fighters} deployed{over}",
        zone = zone_name(zone),
        n = fmt(stations),
        radius = fmt(r.engagement_radius_km),
        standoff = fmt(r.standoff_km),
        unc = fmt(d.uncovered_area_km2.round()),
        area = fmt(d.zone_area_km2.round()),
        bases = if base_names.is_empty() {
            "no base".to_string()
        } else {
            base_names.join(", ")
        },
        transit = fmt(mean_transit.round()),
        speed = fmt(aircraft.cruise_speed_kmh),
        sortie = fmt(sortie_h),
        endurance = fmt(aircraft.endurance_h),
        refuel = fmt(r.refuellings_per_sortie),
        per = fmt(r.hours_per_refuelling),
        tos = fmt(mean_tos),
        aps = fmt(plan.aircraft_per_station),
        hours = fmt(plan.hours_per_day),
        sorties = fmt(sorties),
        sr = fmt(sr),
        ready = fmt(ready),
        avail = fmt(plan.availability),
        qra = fmt(plan.qra_aircraft),
        fighters = fmt(fighters),
    );
    let derivation = vec![
        ("stations", stations),
        ("stations_covering", d.stations as f64),
        ("zone_area_km2", d.zone_area_km2),
        ("uncovered_area_km2", d.uncovered_area_km2),
        ("engagement_radius_km", r.engagement_radius_km),
        ("standoff_km", r.standoff_km),
        ("transit_km", mean_transit),
        ("sortie_h", sortie_h),
        ("time_on_station_h", mean_tos),
        ("sorties_per_day", sorties),
        ("sorties_per_aircraft_day", sr),
        ("ready_aircraft", ready),
        ("availability", plan.availability),
        ("qra_aircraft", plan.qra_aircraft),
        ("aircraft_deployed", fighters),
        ("refuelling_fuel_t_per_day", fuel),
        ("tanker_orbits", orbits),
        ("unreachable_stations", unreachable),
    ];
    let mut derivation = derivation;
    let mut working = working;
    let mut flight_hour_cost = None;
    if aircraft.cost_per_flight_hour_usd > 0.0 {
        let (hours, cost) = super::geography::patrol_flight_hour_cost_usd_m(
            sorties,
            sortie_h,
            aircraft.cost_per_flight_hour_usd,
        )?;
        working.push_str(&format!(
            "; flight hours: {} sorties/day × {} h × 365 = {} h a year × USD {} per flight hour = USD {} m a year (the line's cost: it replaces units × cost per unit-year)",
            fmt(sorties),
            fmt(sortie_h),
            fmt(hours.round()),
            fmt(aircraft.cost_per_flight_hour_usd),
            fmt(cost.round())
        ));
        flight_hour_cost = Some(cost);
        derivation.push(("flight_hours_per_year", hours));
        derivation.push((
            "cost_per_flight_hour_usd",
            aircraft.cost_per_flight_hour_usd,
        ));
        derivation.push(("flight_hour_cost_usd_m_per_year", cost));
    }
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    if let Some(w) = uncovered_warning(
        zone_name(zone),
        d.uncovered_area_km2,
        d.zone_area_km2,
        r.standoff_km,
    ) {
        working.push_str(&format!(" — warning: {w}"));
        warnings.push(w);
    }
    let mut fl = GeoLine::new(&r.fighter_capability, fighters, true, working);
    fl.flight_hour_cost_per_year = flight_hour_cost;
    fl.derivation = derivation;
    fl.overrides = overrides;
    fl.warnings = warnings;
    lines.push(fl);
    // Stations that cannot be held: a line no contributor can fill, sized
    // as if flown with the whole sortie on station (a lower bound).
    if unreachable > 0.0 {
        let mut reasons: Vec<&str> = d
            .shortfalls
            .iter()
            .map(|x| x.reason.split(':').next().unwrap_or(&x.reason))
            .collect();
        reasons.sort_unstable();
        reasons.dedup();
        let need_sorties = unreachable
            * station_sorties_per_day(plan.aircraft_per_station, plan.hours_per_day, sortie_h)?;
        let need = whole_units(station_aircraft(need_sorties, sr) / plan.availability);
        let detail = d
            .shortfalls
            .first()
            .map(|x| x.reason.clone())
            .unwrap_or_default();
        let mut l = GeoLine::new(
            &r.fighter_capability,
            need,
            true,
            format!(
                "{} of {} stations over {} cannot be held ({detail}); at least {} fighters that no contributor can fly there",
                fmt(unreachable),
                d.stations,
                zone_name(zone),
                fmt(need)
            ),
        );
        l.derivation = vec![
            ("unreachable_stations", unreachable),
            ("aircraft_deployed", need),
        ];
        l.providers = Some(reasons.iter().map(|x| x.to_string()).collect());
        lines.push(l);
    }
    if orbits > 0.0 {
        let n = orbit_aircraft_deployed(
            orbits,
            plan.hours_per_day,
            air.tanker_on_station_h,
            plan.availability,
        );
        let mut l = GeoLine::new(
            &r.tanker_capability,
            n,
            true,
            format!(
                "tankers: {} t of fuel a day ÷ ({} t per sortie × {} h ÷ {} h on station) = {} orbits; {} × ⌈{} h ÷ {} h⌉ ÷ {} availability, rounded up = {} deployed",
                fmt(fuel),
                fmt(r.tanker_offload_t),
                fmt(plan.hours_per_day),
                fmt(air.tanker_on_station_h),
                fmt(orbits),
                fmt(orbits),
                fmt(plan.hours_per_day),
                fmt(air.tanker_on_station_h),
                fmt(plan.availability),
                fmt(n)
            ),
        );
        l.derivation = vec![
            ("refuelling_fuel_t_per_day", fuel),
            ("tanker_orbits", orbits),
            ("aircraft_deployed", n),
        ];
        lines.push(l);
    }
    if r.aew_orbits > 0.0 {
        let n = orbit_aircraft_deployed(
            r.aew_orbits,
            plan.hours_per_day,
            air.aew_on_station_h,
            plan.availability,
        );
        let mut l = GeoLine::new(
            &r.aew_capability,
            n,
            true,
            format!(
                "airborne early warning: {} × ⌈{} h ÷ {} h⌉ ÷ {} availability, rounded up = {} deployed",
                fmt(r.aew_orbits),
                fmt(plan.hours_per_day),
                fmt(air.aew_on_station_h),
                fmt(plan.availability),
                fmt(n)
            ),
        );
        l.derivation = vec![("aew_orbits", r.aew_orbits), ("aircraft_deployed", n)];
        lines.push(l);
    }
    geo.zones.push(r.zone.clone());
    geo.stations = covering.stations.iter().map(|st| st.circle()).collect();
    geo.uncovered = covering.uncovered.clone();
    for name in base_names {
        if let Some(b) = bases.iter().find(|b| b.name == name) {
            geo.bases.push((b.name.clone(), b.at));
        }
    }
    Ok(lines)
}

/// A warning when part of a patrol's zone cannot be covered (stations kept
/// the stand-off from hostile territory and threat rings); `None` below
/// 0.1% of the zone (the covering's own tolerance, §9.2 of docs/model.md).
fn uncovered_warning(
    zone: &str,
    uncovered_km2: f64,
    area_km2: f64,
    standoff_km: f64,
) -> Option<String> {
    (area_km2 > 0.0 && uncovered_km2 > 1e-3 * area_km2).then(|| {
        format!(
            "{} of {} km² ({:.0}%) of {zone} stay uncovered: stations keep {} km from hostile territory and threat rings",
            fmt(uncovered_km2.round()),
            fmt(area_km2.round()),
            100.0 * uncovered_km2 / area_km2,
            fmt(standoff_km)
        )
    })
}

/// Coverings kept, most recent last.
const COVER_CACHE: usize = 8;

/// Coverings of this process, shared by every thread (workers are started
/// afresh for each batch of packages or draws).
static COVERINGS: std::sync::Mutex<Vec<(Vec<u64>, Arc<Covering>)>> =
    std::sync::Mutex::new(Vec::new());

/// [`cover`], remembered: two options covering the same zone with the same
/// radius and stand-off (the default scenario's European and US no-fly
/// zones), and every draw of an uncertainty run that leaves the geography
/// alone, compute the covering once. The key is every input number, bit
/// for bit, so a changed input never reuses a covering.
fn cached_cover(req: &CoverRequest<'_>) -> Result<Arc<Covering>, guarantor_geo::GeoError> {
    let mut key = vec![req.radius_km.to_bits(), req.standoff_km.to_bits()];
    let ring = |key: &mut Vec<u64>, z: &Zone| {
        key.push(z.ring().len() as u64);
        for p in z.ring() {
            key.push(p.lat.to_bits());
            key.push(p.lon.to_bits());
        }
    };
    for z in req.zones {
        ring(&mut key, z);
    }
    key.push(u64::MAX);
    for z in req.hostile {
        ring(&mut key, z);
    }
    key.push(u64::MAX);
    for c in req.threat_rings {
        key.extend([
            c.centre.lat.to_bits(),
            c.centre.lon.to_bits(),
            c.radius_km.to_bits(),
        ]);
    }
    // A poisoned lock only means another thread panicked mid-insert: the
    // entries are whole either way.
    let hit = {
        let cache = COVERINGS.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    };
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let covering = Arc::new(cover(req)?);
    let mut cache = COVERINGS.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= COVER_CACHE {
        cache.remove(0);
    }
    cache.push((key, covering.clone()));
    Ok(covering)
}

fn place_named(s: &Scenario, id: &str) -> Result<(String, LatLon), GeographySizingError> {
    let p = s
        .geography
        .place(id)
        .ok_or_else(|| GeographySizingError::UnknownPlace(id.to_string()))?;
    let name = if p.name.is_empty() { &p.id } else { &p.name };
    Ok((name.clone(), place_point(p)?))
}

/// The named places `ids`, each with its name (or id) and point.
fn places_named(
    s: &Scenario,
    ids: &[String],
) -> Result<Vec<(String, LatLon)>, GeographySizingError> {
    ids.iter().map(|id| place_named(s, id)).collect()
}

/// The coverage radius of an umbrella: the cited table's for its system
/// against its threat class ([`super::geography::coverage_radius_km`]), or
/// the hand-set `coverage_radius_km` (an override, with the table's beside
/// it when the table has one). Returns (radius, the table's radius if any,
/// the override's words if any).
fn umbrella_radius(
    r: &AirDefenceUmbrellaRule,
) -> Result<(f64, Option<f64>, Option<String>), GeographySizingError> {
    let threat = if r.threat.is_empty() {
        None
    } else {
        Some(
            ThreatClass::parse(&r.threat).ok_or_else(|| GeographySizingError::UnknownId {
                what: "threat class",
                id: r.threat.clone(),
            })?,
        )
    };
    let table = threat.and_then(|t| super::geography::coverage_radius_km(&r.system, t));
    match r.coverage_radius_km {
        Some(km) => {
            let beside = match table {
                Some(t) => format!("the table gives {} km", fmt(t)),
                None => "not in the coverage table".to_string(),
            };
            Ok((
                km,
                table,
                Some(format!(
                    "coverage_radius_km = {} (override; {beside})",
                    fmt(km)
                )),
            ))
        }
        None => match table {
            Some(t) => Ok((t, Some(t), None)),
            None => Err(GeographySizingError::UnknownId {
                what: "air-defence system and threat in the coverage table",
                id: format!("{} against {}", r.system, r.threat),
            }),
        },
    }
}

fn umbrella(
    s: &Scenario,
    r: &AirDefenceUmbrellaRule,
    geo: &mut TaskGeometry,
) -> Result<Vec<GeoLine>, GeographySizingError> {
    let places = places_named(s, &r.places)?;
    let points: Vec<LatLon> = places.iter().map(|p| p.1).collect();
    let (radius, table_radius, radius_override) = umbrella_radius(r)?;
    let covering = guarantor_geo::airdefence::point_coverage(&points, radius)?;
    let derived = covering.len() as f64;
    let mut overrides: Vec<String> = radius_override.into_iter().collect();
    let sites = match r.sites {
        Some(n) => {
            overrides.push(format!(
                "sites = {} (override; the coverage gives {})",
                fmt(n),
                fmt(derived)
            ));
            n
        }
        None => derived,
    };
    let batteries = air_defence_batteries(sites, r.batteries_per_site)?;
    let system = if r.system.is_empty() {
        "system".to_string()
    } else {
        r.system.clone()
    };
    let threat = if r.threat.is_empty() {
        String::new()
    } else {
        format!(" against {} threats", r.threat)
    };
    let mut working = format!(
        "air-defence umbrella ({system}{threat}, {} km): {} places → {} sites (every place within {} km of one) × {} batteries = {}",
        fmt(radius),
        places.len(),
        fmt(sites),
        fmt(radius),
        fmt(r.batteries_per_site),
        fmt(batteries)
    );
    let mut derivation = vec![
        ("places", places.len() as f64),
        ("coverage_radius_km", radius),
        ("sites_covering", derived),
        ("sites", sites),
        ("batteries_per_site", r.batteries_per_site),
        ("batteries", batteries),
    ];
    if let Some(t) = table_radius {
        derivation.push(("coverage_radius_km_table", t));
    }
    if r.transfer {
        working.push_str(" (transferred: no rotation)");
    }
    if !overrides.is_empty() {
        working.push_str(&format!(" [{}]", overrides.join("; ")));
    }
    let mut l = GeoLine::new(&r.capability, batteries, !r.transfer, working);
    l.derivation = derivation;
    l.overrides = overrides;
    let mut lines = vec![l];
    // Interceptors fired a year: an annual requirement (never rotated) that
    // feasibility checks against what contributors can supply a year.
    if r.engagements_per_year > 0.0 {
        let per_year =
            interceptors_per_year(r.engagements_per_year, r.interceptors_per_engagement)?;
        let mut working = format!(
            "interceptors ({system}{threat}): {} engagements a year × {} interceptors per engagement = {} a year",
            fmt(r.engagements_per_year),
            fmt(r.interceptors_per_engagement),
            fmt(per_year)
        );
        let mut derivation = vec![
            ("engagements_per_year", r.engagements_per_year),
            ("interceptors_per_engagement", r.interceptors_per_engagement),
            ("interceptors_per_year", per_year),
        ];
        if r.interceptor_production_per_year > 0.0 {
            let share = share_of_production(per_year, r.interceptor_production_per_year)?;
            working.push_str(&format!(
                " = {:.0}% of the {} produced a year",
                100.0 * share,
                fmt(r.interceptor_production_per_year)
            ));
            derivation.push((
                "interceptor_production_per_year",
                r.interceptor_production_per_year,
            ));
            derivation.push(("share_of_production", share));
        }
        let mut l = GeoLine::new(&r.interceptor_capability, per_year, false, working);
        l.derivation = derivation;
        lines.push(l);
    }
    geo.air_defence = covering.iter().map(|c| c.circle()).collect();
    geo.defended = places;
    Ok(lines)
}

fn monitor_line(
    s: &Scenario,
    r: &MonitorLineRule,
    geo: &mut TaskGeometry,
) -> Result<Vec<GeoLine>, GeographySizingError> {
    let line = s
        .geography
        .lines
        .iter()
        .find(|l| l.id == r.line)
        .ok_or_else(|| GeographySizingError::UnknownId {
            what: "line",
            id: r.line.clone(),
        })?;
    let measured = line_polyline(line)?.length_km();
    let mut overrides = Vec::new();
    let km = match r.line_km {
        Some(km) => {
            overrides.push(format!(
                "line_km = {} (override; measured {} km)",
                fmt(km),
                fmt(measured.round())
            ));
            km
        }
        None => measured,
    };
    let monitors = super::monitors_needed(km, r.monitors_per_km);
    let name = if line.name.is_empty() {
        &line.id
    } else {
        &line.name
    };
    let mut working = format!(
        "monitoring {name}: {} km (measured on the polyline) × {} per km = {} monitors",
        fmt(km.round()),
        fmt(r.monitors_per_km),
        fmt(monitors.round())
    );
    if !overrides.is_empty() {
        working.push_str(&format!(" [{}]", overrides.join("; ")));
    }
    let mut l = GeoLine::new(&r.capability, monitors, true, working);
    l.derivation = vec![
        ("line_km_measured", measured),
        ("line_km", km),
        ("monitors_per_km", r.monitors_per_km),
        ("monitors", monitors),
    ];
    l.overrides = overrides;
    geo.lines.push(r.line.clone());
    Ok(vec![l])
}

fn garrison(
    s: &Scenario,
    r: &GarrisonPlacesRule,
    geo: &mut TaskGeometry,
) -> Result<Vec<GeoLine>, GeographySizingError> {
    let places = places_named(s, &r.places)?;
    let n = places.len() as f64;
    let personnel = garrison_personnel(n, r.personnel_per_place);
    let names: Vec<&str> = places.iter().map(|p| p.0.as_str()).collect();
    let mut l = GeoLine::new(
        &r.capability,
        personnel,
        true,
        format!(
            "garrisons at {}: {} places × {} personnel = {} deployed",
            names.join(", "),
            fmt(n),
            fmt(r.personnel_per_place),
            fmt(personnel)
        ),
    );
    l.derivation = vec![
        ("places", n),
        ("personnel_per_place", r.personnel_per_place),
        ("personnel", personnel),
    ];
    let mut lines = vec![l];
    if r.brigades > 0.0 || !r.sector.is_empty() {
        let mut derivation = vec![("brigades", r.brigades)];
        let mut warnings = Vec::new();
        let mut working = format!("{} brigades deployed", fmt(r.brigades));
        if !r.sector.is_empty() {
            let line = s
                .geography
                .lines
                .iter()
                .find(|l| l.id == r.sector)
                .ok_or_else(|| GeographySizingError::UnknownId {
                    what: "line",
                    id: r.sector.clone(),
                })?;
            let km = line_polyline(line)?.length_km();
            let needed = brigades_for_sector(km, r.km_per_brigade)?;
            working.push_str(&format!(
                "; force-to-space: {} km ÷ {} km per brigade = {} brigades",
                fmt(km.round()),
                fmt(r.km_per_brigade),
                fmt(needed)
            ));
            if let Some(w) = force_to_space_warning(r.brigades, km.round(), r.km_per_brigade)? {
                working.push_str(&format!(" — warning: {w}"));
                warnings.push(w);
            }
            derivation.push(("sector_km", km));
            derivation.push(("km_per_brigade", r.km_per_brigade));
            derivation.push(("brigades_for_sector", needed));
            geo.lines.push(r.sector.clone());
        }
        if r.brigades > 0.0 {
            let mut b = GeoLine::new(&r.unit_capability, r.brigades, true, working);
            b.derivation = derivation;
            b.warnings = warnings;
            lines.push(b);
        } else {
            // No brigades: the check goes with the garrison line.
            let l = &mut lines[0];
            l.working.push_str(&format!("; {working}"));
            l.derivation.extend(derivation);
            l.warnings.extend(warnings);
        }
    }
    geo.garrisons = places;
    Ok(lines)
}
