//! Sizing rules that follow from geography and aircraft performance.
//!
//! Each rule is one pure, named function with its unit, source and a worked
//! example; docs/model.md ("Geography") explains them together. Distances
//! and areas come from `guarantor_geo` (geodesics on WGS84, Karney 2013).
//! Tags: `[src]` read in a cited public source, `[RECALLED]` general
//! knowledge still to check, `[EST]` an estimate of ours.
//!
//! Chain for a combat air patrol (CAP), no-fly zone or air policing area:
//! zone → [`guarantor_geo::cover::cover`] (stations, uncovered area) →
//! nearest eligible base per station → [`transit_h`] →
//! [`sortie_endurance_h`] (with tanker support) → [`time_on_station_h`] →
//! [`sorties_per_aircraft_day`] → [`station_aircraft`] →
//! [`patrol_aircraft_deployed`]; tankers by [`tanker_orbits`] from
//! [`refuelling_fuel_t_per_day`]. [`size_patrol`] runs the chain.

use super::whole_units;
use guarantor_geo::cover::{Covering, nearest_base};
use guarantor_geo::{GeoError, LatLon, Polyline};
use serde::Serialize;
use thiserror::Error;

/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;

/// Bad input to a geographic sizing rule.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeographySizingError {
    #[error("{what} must be a positive number of {unit}, got {value}")]
    NotPositive {
        what: &'static str,
        unit: &'static str,
        value: f64,
    },
    #[error("{what} must not be negative, got {value}")]
    Negative { what: &'static str, value: f64 },
    #[error("{what} must be a share within 0 (excluded) and 1, got {value}")]
    NotAShare { what: &'static str, value: f64 },
    #[error("unknown place \"{0}\" (a zone's centre or a base's place)")]
    UnknownPlace(String),
    #[error("unknown {what} \"{id}\"")]
    UnknownId { what: &'static str, id: String },
    #[error(transparent)]
    Geo(#[from] GeoError),
}

fn positive(
    what: &'static str,
    unit: &'static str,
    value: f64,
) -> Result<f64, GeographySizingError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(GeographySizingError::NotPositive { what, unit, value })
    }
}

fn non_negative(what: &'static str, value: f64) -> Result<f64, GeographySizingError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(GeographySizingError::Negative { what, value })
    }
}

fn share(what: &'static str, value: f64) -> Result<f64, GeographySizingError> {
    if value.is_finite() && value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(GeographySizingError::NotAShare { what, value })
    }
}

// ---------------------------------------------------------------------------
// Combat air patrol: time and sorties
// ---------------------------------------------------------------------------

/// Transit time, hours: distance from base to station ÷ cruise speed.
///
/// Unit: km ÷ km/h = h. Source: definition; cruise speed 780 km/h `[EST]`
/// (domain data §A5).
///
/// Example: Rzeszów-Jasionka → Kyiv, 605 km at 780 km/h → 0.78 h each way.
///
/// ```
/// use guarantor_engine::geography::transit_h;
/// let t = transit_h(605.0, 780.0).unwrap();
/// assert!((t - 0.7756).abs() < 1e-4);
/// ```
pub fn transit_h(distance_km: f64, cruise_speed_kmh: f64) -> Result<f64, GeographySizingError> {
    non_negative("distance from base to station", distance_km)?;
    positive("cruise speed", "km/h", cruise_speed_kmh)?;
    Ok(distance_km / cruise_speed_kmh)
}

/// Sortie endurance with tanker support, hours: unrefuelled endurance +
/// refuellings per sortie × hours each refuelling adds.
///
/// Unit: h. Sources: F-16C/D ~2.5 h unrefuelled `[src]`; Rafale over Libya
/// 2011: more than 2 h without a tanker, 4-h sorties with 2 refuellings
/// `[src]`, so about 1 h added per refuelling `[computed]`.
///
/// Example: 2.5 h + 1 refuelling × 1.0 h = 3.5 h.
///
/// ```
/// use guarantor_engine::geography::sortie_endurance_h;
/// assert_eq!(sortie_endurance_h(2.5, 1.0, 1.0).unwrap(), 3.5);
/// ```
pub fn sortie_endurance_h(
    unrefuelled_endurance_h: f64,
    refuellings_per_sortie: f64,
    hours_added_per_refuelling: f64,
) -> Result<f64, GeographySizingError> {
    positive("sortie endurance", "hours", unrefuelled_endurance_h)?;
    non_negative("refuellings per sortie", refuellings_per_sortie)?;
    non_negative("hours added per refuelling", hours_added_per_refuelling)?;
    Ok(unrefuelled_endurance_h + refuellings_per_sortie * hours_added_per_refuelling)
}

/// Time on station per sortie, hours: sortie endurance − 2 × transit.
/// Zero or less means the station cannot be held from that base.
///
/// Unit: h. Source: definition (the same arithmetic as the Rafale example:
/// a 4-h sortie gave 2 h 20 min on station, so 1 h 40 min went to transit).
///
/// Example: 3.5 h − 2 × 0.78 h = 1.94 h on station over Kyiv from Rzeszów.
///
/// ```
/// use guarantor_engine::geography::time_on_station_h;
/// let tos = time_on_station_h(3.5, 605.0 / 780.0);
/// assert!((tos - 1.9487).abs() < 1e-4);
/// ```
pub fn time_on_station_h(sortie_endurance_h: f64, transit_h: f64) -> f64 {
    sortie_endurance_h - 2.0 * transit_h
}

/// Sorties one aircraft flies a day: 24 h ÷ (sortie length + turnaround),
/// capped at the sustained rate that maintenance and crews allow.
///
/// Unit: sorties per aircraft per day. Sources: RAND sortie-rate model
/// SR = 24 h ÷ (flight time + turnaround + maintenance), F-15/F-16
/// turnaround 180 min `[src]`; sustained cap 1.5 `[EST]` (RAF land-based:
/// Suez 1.4, Gulf 1991 0.9 `[src, weak]`).
///
/// Example: 3.5-h sortie + 3 h turnaround → 24 ÷ 6.5 = 3.7, capped at 1.5.
///
/// ```
/// use guarantor_engine::geography::sorties_per_aircraft_day;
/// assert_eq!(sorties_per_aircraft_day(3.5, 3.0, 1.5).unwrap(), 1.5);
/// ```
pub fn sorties_per_aircraft_day(
    sortie_h: f64,
    turnaround_h: f64,
    max_sustained: f64,
) -> Result<f64, GeographySizingError> {
    positive("sortie length", "hours", sortie_h)?;
    non_negative("turnaround", turnaround_h)?;
    positive(
        "sustained sorties per aircraft per day",
        "sorties",
        max_sustained,
    )?;
    Ok((HOURS_PER_DAY / (sortie_h + turnaround_h)).min(max_sustained))
}

/// Sorties a day to hold one station: aircraft on station × hours of
/// coverage ÷ time on station per sortie.
///
/// Unit: sorties/day. Example: a two-ship held 24 h with 1.94 h on station
/// → 2 × 24 ÷ 1.94 = 24.7 sorties a day.
///
/// ```
/// use guarantor_engine::geography::station_sorties_per_day;
/// let n = station_sorties_per_day(2.0, 24.0, 1.9487).unwrap();
/// assert!((n - 24.632).abs() < 1e-3);
/// ```
pub fn station_sorties_per_day(
    aircraft_on_station: f64,
    hours_per_day: f64,
    time_on_station_h: f64,
) -> Result<f64, GeographySizingError> {
    positive("aircraft per station", "aircraft", aircraft_on_station)?;
    non_negative("hours of coverage a day", hours_per_day)?;
    positive("time on station", "hours", time_on_station_h)?;
    Ok(aircraft_on_station * hours_per_day / time_on_station_h)
}

/// Mission-ready aircraft that hold one station: its sorties a day ÷ sorties
/// per aircraft per day (before availability).
///
/// Unit: aircraft. Example: 24.7 sorties ÷ 1.5 = 16.5 aircraft.
///
/// ```
/// use guarantor_engine::geography::station_aircraft;
/// assert!((station_aircraft(24.632, 1.5) - 16.42).abs() < 0.01);
/// ```
pub fn station_aircraft(sorties_per_day: f64, sorties_per_aircraft_day: f64) -> f64 {
    sorties_per_day / sorties_per_aircraft_day
}

/// Aircraft deployed for a patrol: the mission-ready aircraft of all
/// stations ÷ availability, rounded up, + quick-reaction alert aircraft.
///
/// Unit: aircraft. Sources: availability 0.6 `[EST]` (European peacetime
/// readiness 40–70% `[src]`); QRA 4 per base `[EST]`.
///
/// Example: 4 stations × 16.5 = 66 ready ÷ 0.6 = 110, + 8 QRA = 118.
///
/// ```
/// use guarantor_engine::geography::patrol_aircraft_deployed;
/// // 4 × 16.42 = 65.69 ready ÷ 0.6 = 109.5 → 110, + 8 QRA.
/// assert_eq!(patrol_aircraft_deployed(65.69, 0.6, 8.0).unwrap(), 118.0);
/// ```
pub fn patrol_aircraft_deployed(
    ready_aircraft: f64,
    availability: f64,
    qra_aircraft: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("mission-ready aircraft", ready_aircraft)?;
    share("availability", availability)?;
    non_negative("quick-reaction alert aircraft", qra_aircraft)?;
    Ok(whole_units(ready_aircraft / availability) + whole_units(qra_aircraft))
}

/// Air policing: aircraft deployed to keep `on_duty` aircraft on duty,
/// on duty ÷ availability rounded up (no stations: a QRA posture).
///
/// Unit: aircraft. Source: CSIS "safe skies": at least 24 on duty across 3
/// bases at a conservative 50% readiness ⇒ 48 relocated `[src]`.
///
/// Example: 24 ÷ 0.5 = 48.
///
/// ```
/// use guarantor_engine::geography::air_policing_deployed;
/// assert_eq!(air_policing_deployed(24.0, 0.5).unwrap(), 48.0);
/// ```
pub fn air_policing_deployed(on_duty: f64, availability: f64) -> Result<f64, GeographySizingError> {
    non_negative("aircraft on duty", on_duty)?;
    share("availability", availability)?;
    Ok(whole_units(on_duty / availability))
}

/// Fuel fighters take from tankers a day, tonnes: fighter sorties a day ×
/// refuellings per sortie × fuel per refuelling.
///
/// Unit: t/day. Source: fuel per refuelling 2.5 t `[EST]` (an F-16 carries
/// about 3.2 t internally `[RECALLED]`; one refuelling adds about an hour).
///
/// Example: 100 sorties × 1 × 2.5 t = 250 t a day.
///
/// ```
/// use guarantor_engine::geography::refuelling_fuel_t_per_day;
/// assert_eq!(refuelling_fuel_t_per_day(100.0, 1.0, 2.5).unwrap(), 250.0);
/// ```
pub fn refuelling_fuel_t_per_day(
    fighter_sorties_per_day: f64,
    refuellings_per_sortie: f64,
    fuel_per_refuelling_t: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("fighter sorties a day", fighter_sorties_per_day)?;
    non_negative("refuellings per sortie", refuellings_per_sortie)?;
    non_negative("fuel per refuelling", fuel_per_refuelling_t)?;
    Ok(fighter_sorties_per_day * refuellings_per_sortie * fuel_per_refuelling_t)
}

/// Tanker orbits, whole: fuel needed a day ÷ what one orbit held for the
/// day can give (offload per tanker sortie × hours ÷ hours on station).
///
/// Unit: orbits. Sources: KC-135R up to 90.7 t of transferable fuel `[src]`,
/// 68 t offload at 1,500 mi `[RECALLED]`; 60 t per sortie near the theatre
/// `[EST]`; 8 h on station per tanker sortie `[EST]`.
///
/// Example: 250 t a day ÷ (60 t × 24 h ÷ 8 h = 180 t per orbit-day) = 1.4
/// → 2 orbits.
///
/// ```
/// use guarantor_engine::geography::tanker_orbits;
/// assert_eq!(tanker_orbits(250.0, 60.0, 24.0, 8.0).unwrap(), 2.0);
/// ```
pub fn tanker_orbits(
    fuel_t_per_day: f64,
    offload_per_tanker_sortie_t: f64,
    hours_per_day: f64,
    tanker_on_station_h: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("fuel needed a day", fuel_t_per_day)?;
    positive(
        "offload per tanker sortie",
        "tonnes",
        offload_per_tanker_sortie_t,
    )?;
    positive("hours of coverage a day", "hours", hours_per_day)?;
    positive("tanker time on station", "hours", tanker_on_station_h)?;
    let per_orbit_day = offload_per_tanker_sortie_t * hours_per_day / tanker_on_station_h;
    Ok(whole_units(fuel_t_per_day / per_orbit_day))
}

/// Days in a year, for annual flight hours.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Annual cost of flying a patrol, USD million a year: flight hours a year
/// (sorties a day × sortie length × 365) × cost per flight hour ÷ 10⁶.
/// Every sortie is flown whole (transit, time on station and the hours
/// tanker support adds); quick-reaction-alert aircraft on the ground add
/// no hours.
///
/// Unit: USD million a year. Sources: F-35A ~USD 36,000 a flight hour,
/// ~USD 10,000 more than older USAF fighters (NBC, 2021) `[src]`, so an
/// F-16-class fighter ~USD 26,000 `[computed]`; the Jane's 2012 figure
/// for the F-16 Block 40/50 (USD 7,000) counts fuel, preparation and base
/// maintenance only `[src]`.
///
/// Example: 102.61 sorties a day × 3.5 h × 365 = 131,084 flight hours a
/// year × USD 26,000 = USD 3,408 m a year.
///
/// ```
/// use guarantor_engine::geography::patrol_flight_hour_cost_usd_m;
/// let (hours, cost) = patrol_flight_hour_cost_usd_m(102.61, 3.5, 26_000.0).unwrap();
/// assert!((hours - 131_084.3).abs() < 0.1);
/// assert!((cost - 3_408.19).abs() < 0.01);
/// ```
pub fn patrol_flight_hour_cost_usd_m(
    sorties_per_day: f64,
    sortie_h: f64,
    cost_per_flight_hour_usd: f64,
) -> Result<(f64, f64), GeographySizingError> {
    non_negative("sorties a day", sorties_per_day)?;
    non_negative("sortie length", sortie_h)?;
    non_negative("cost per flight hour", cost_per_flight_hour_usd)?;
    let hours = sorties_per_day * sortie_h * DAYS_PER_YEAR;
    Ok((hours, hours * cost_per_flight_hour_usd / 1e6))
}

// ---------------------------------------------------------------------------
// Combat air patrol: the whole chain over a covering
// ---------------------------------------------------------------------------

/// An aircraft type's performance, as a scenario declares it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AircraftType {
    pub name: String,
    /// Cruise speed for transit, km/h.
    pub cruise_speed_kmh: f64,
    /// Unrefuelled sortie endurance, h.
    pub endurance_h: f64,
    /// Farthest station from a base it may serve, km (combat radius).
    pub combat_radius_km: f64,
    /// Ground time between sorties, h.
    pub turnaround_h: f64,
    /// Cost per flight hour, USD (0: not costed by the hour).
    pub cost_per_flight_hour_usd: f64,
}

/// Air-to-air refuelling for a patrol.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TankerSupport {
    pub refuellings_per_sortie: f64,
    pub hours_added_per_refuelling: f64,
    pub fuel_per_refuelling_t: f64,
    pub offload_per_tanker_sortie_t: f64,
    pub tanker_on_station_h: f64,
}

/// How a patrol is flown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatrolPlan {
    pub aircraft_per_station: f64,
    pub hours_per_day: f64,
    pub max_sorties_per_aircraft_day: f64,
    pub availability: f64,
    pub qra_aircraft: f64,
}

/// An air base a station may be flown from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Base {
    pub name: String,
    pub at: LatLon,
}

/// One station's arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationSizing {
    pub centre: LatLon,
    pub base: String,
    pub transit_km: f64,
    pub transit_h: f64,
    pub sortie_h: f64,
    pub time_on_station_h: f64,
    pub sorties_per_aircraft_day: f64,
    pub sorties_per_day: f64,
    pub ready_aircraft: f64,
}

/// A station that cannot be held, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationShortfall {
    pub centre: LatLon,
    pub reason: String,
}

/// The derivation of a patrol's requirement: every named number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatrolDerivation {
    pub stations: usize,
    pub zone_area_km2: f64,
    pub uncovered_area_km2: f64,
    /// Mean transit distance over the stations held, km.
    pub transit_km: f64,
    /// Mean time on station over the stations held, h.
    pub time_on_station_h: f64,
    pub sorties_per_day: f64,
    pub ready_aircraft: f64,
    pub aircraft_deployed: f64,
    pub refuelling_fuel_t_per_day: f64,
    pub tanker_orbits: f64,
    pub per_station: Vec<StationSizing>,
    pub shortfalls: Vec<StationShortfall>,
}

/// Size a patrol over a covering: each station is flown from its nearest
/// base within the aircraft's combat radius; stations with no base within
/// reach, or with no time left on station, are shortfalls with a reason.
///
/// Example (4 stations, all 605 km from one base, 3.5-h sorties): each
/// needs 16.5 ready aircraft (see the functions above), 66 ready ÷ 0.6 =
/// 110 deployed, + QRA.
pub fn size_patrol(
    covering: &Covering,
    bases: &[Base],
    aircraft: &AircraftType,
    tanker: Option<&TankerSupport>,
    plan: &PatrolPlan,
) -> Result<PatrolDerivation, GeographySizingError> {
    positive("combat radius", "km", aircraft.combat_radius_km)?;
    positive(
        "aircraft per station",
        "aircraft",
        plan.aircraft_per_station,
    )?;
    share("availability", plan.availability)?;
    let (refuellings, added) = tanker
        .map(|t| (t.refuellings_per_sortie, t.hours_added_per_refuelling))
        .unwrap_or((0.0, 0.0));
    let sortie_h = sortie_endurance_h(aircraft.endurance_h, refuellings, added)?;
    // Check the aircraft and plan even when no station is held.
    let sr = sorties_per_aircraft_day(
        sortie_h,
        aircraft.turnaround_h,
        plan.max_sorties_per_aircraft_day,
    )?;
    positive("cruise speed", "km/h", aircraft.cruise_speed_kmh)?;
    let base_points: Vec<LatLon> = bases.iter().map(|b| b.at).collect();
    let mut per_station = Vec::new();
    let mut shortfalls = Vec::new();
    for st in &covering.stations {
        let Some((i, d)) = nearest_base(st.centre, &base_points, aircraft.combat_radius_km) else {
            shortfalls.push(StationShortfall {
                centre: st.centre,
                reason: format!(
                    "no base within reach: no eligible base within the {} combat radius of {} km",
                    aircraft.name, aircraft.combat_radius_km
                ),
            });
            continue;
        };
        let t = transit_h(d, aircraft.cruise_speed_kmh)?;
        let tos = time_on_station_h(sortie_h, t);
        if tos <= 0.0 {
            shortfalls.push(StationShortfall {
                centre: st.centre,
                reason: format!(
                    "no time on station: {:.2} h sortie − 2 × {:.2} h transit from {} ≤ 0",
                    sortie_h, t, bases[i].name
                ),
            });
            continue;
        }
        let sorties = station_sorties_per_day(plan.aircraft_per_station, plan.hours_per_day, tos)?;
        per_station.push(StationSizing {
            centre: st.centre,
            base: bases[i].name.clone(),
            transit_km: d,
            transit_h: t,
            sortie_h,
            time_on_station_h: tos,
            sorties_per_aircraft_day: sr,
            sorties_per_day: sorties,
            ready_aircraft: station_aircraft(sorties, sr),
        });
    }
    let n = per_station.len() as f64;
    let mean = |f: fn(&StationSizing) -> f64| {
        if n > 0.0 {
            per_station.iter().map(f).sum::<f64>() / n
        } else {
            0.0
        }
    };
    let sorties: f64 = per_station.iter().map(|s| s.sorties_per_day).sum();
    let ready: f64 = per_station.iter().map(|s| s.ready_aircraft).sum();
    let (fuel, orbits) = match tanker {
        Some(t) if refuellings > 0.0 => {
            let fuel = refuelling_fuel_t_per_day(
                sorties,
                t.refuellings_per_sortie,
                t.fuel_per_refuelling_t,
            )?;
            let hours = if plan.hours_per_day > 0.0 {
                plan.hours_per_day
            } else {
                HOURS_PER_DAY
            };
            (
                fuel,
                tanker_orbits(
                    fuel,
                    t.offload_per_tanker_sortie_t,
                    hours,
                    t.tanker_on_station_h,
                )?,
            )
        }
        _ => (0.0, 0.0),
    };
    Ok(PatrolDerivation {
        stations: covering.stations.len(),
        zone_area_km2: covering.zone_area_km2,
        uncovered_area_km2: covering.uncovered_area_km2,
        transit_km: mean(|s| s.transit_km),
        time_on_station_h: mean(|s| s.time_on_station_h),
        sorties_per_day: sorties,
        ready_aircraft: ready,
        aircraft_deployed: patrol_aircraft_deployed(ready, plan.availability, plan.qra_aircraft)?,
        refuelling_fuel_t_per_day: fuel,
        tanker_orbits: orbits,
        per_station,
        shortfalls,
    })
}

// ---------------------------------------------------------------------------
// Ground-based air defence
// ---------------------------------------------------------------------------

pub use guarantor_model::air_defence::{SYSTEM_COVERAGE, SystemCoverage, ThreatClass};

/// A system's coverage radius against a threat class, km, if known.
///
/// Example: Patriot PAC-3 MSE against ballistic missiles → 40 km.
///
/// ```
/// use guarantor_engine::geography::{coverage_radius_km, ThreatClass};
/// assert_eq!(coverage_radius_km("Patriot PAC-3 MSE", ThreatClass::Ballistic), Some(40.0));
/// ```
pub fn coverage_radius_km(system: &str, threat: ThreatClass) -> Option<f64> {
    guarantor_model::air_defence::system_coverage(system, threat).map(|c| c.radius_km)
}

/// Air-defence sites needed so that every defended place is within the
/// system's coverage radius of one (greedy set cover of the places, see
/// `guarantor_geo::airdefence`).
///
/// Unit: sites. Example: Kyiv and Zhytomyr (134 km apart) → 1 Patriot site
/// against cruise missiles (160 km), 2 against ballistic missiles (40 km).
///
/// ```
/// use guarantor_engine::geography::air_defence_sites;
/// use guarantor_geo::LatLon;
/// let places = [LatLon::new(50.45, 30.52).unwrap(), LatLon::new(50.25, 28.66).unwrap()];
/// assert_eq!(air_defence_sites(&places, 160.0).unwrap(), 1.0);
/// assert_eq!(air_defence_sites(&places, 40.0).unwrap(), 2.0);
/// ```
pub fn air_defence_sites(places: &[LatLon], radius_km: f64) -> Result<f64, GeographySizingError> {
    Ok(guarantor_geo::airdefence::point_coverage(places, radius_km)?.len() as f64)
}

/// Batteries for point defence: sites × batteries per site, rounded up.
///
/// Unit: batteries. Example: 5 sites × 2 batteries (a battery in reload or
/// maintenance) = 10.
///
/// ```
/// use guarantor_engine::geography::air_defence_batteries;
/// assert_eq!(air_defence_batteries(5.0, 2.0).unwrap(), 10.0);
/// ```
pub fn air_defence_batteries(
    sites: f64,
    batteries_per_site: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("air-defence sites", sites)?;
    non_negative("batteries per site", batteries_per_site)?;
    Ok(whole_units(sites * batteries_per_site))
}

/// Interceptors fired a year: threats engaged a year × interceptors per
/// engagement.
///
/// Unit: interceptors/year. Source: shots per engagement 2 `[EST]` (a
/// shoot-shoot doctrine against ballistic missiles).
///
/// Example: 150 ballistic missiles engaged a year × 2 = 300 PAC-3 MSE.
///
/// ```
/// use guarantor_engine::geography::interceptors_per_year;
/// assert_eq!(interceptors_per_year(150.0, 2.0).unwrap(), 300.0);
/// ```
pub fn interceptors_per_year(
    engagements_per_year: f64,
    interceptors_per_engagement: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("engagements a year", engagements_per_year)?;
    non_negative("interceptors per engagement", interceptors_per_engagement)?;
    Ok(engagements_per_year * interceptors_per_engagement)
}

/// Share of a year's production that a requirement takes.
///
/// Unit: share (1 = the whole year's output). Source: PAC-3 MSE: 620
/// delivered in 2025, ~650 a year planned by 2027 `[src]`.
///
/// Example: 300 a year ÷ 620 = 0.48 of 2025 production.
///
/// ```
/// use guarantor_engine::geography::share_of_production;
/// assert!((share_of_production(300.0, 620.0).unwrap() - 0.4839).abs() < 1e-4);
/// ```
pub fn share_of_production(
    per_year: f64,
    production_per_year: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("interceptors a year", per_year)?;
    positive("production a year", "units", production_per_year)?;
    Ok(per_year / production_per_year)
}

// ---------------------------------------------------------------------------
// Monitoring and ground forces
// ---------------------------------------------------------------------------

/// Monitors for a line: its length on the polyline (sum of geodesics) ×
/// monitors per km.
///
/// Unit: monitors. Source: OSCE SMM ~700 monitors for ~500 km of contact
/// line (≈ 1.4 per km) `[src]`.
///
/// Example: 500 km × 1.4 = 700 monitors.
///
/// ```
/// use guarantor_engine::geography::monitors_on_line;
/// use guarantor_geo::{destination, LatLon, Polyline};
/// let a = LatLon::new(47.0, 37.5).unwrap();
/// let line = Polyline::new(vec![a, destination(a, 0.0, 500.0)]).unwrap();
/// assert!((monitors_on_line(&line, 1.4).unwrap() - 700.0).abs() < 1e-6);
/// ```
pub fn monitors_on_line(
    line: &Polyline,
    monitors_per_km: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("monitors per km", monitors_per_km)?;
    Ok(line.length_km() * monitors_per_km)
}

/// Brigades a sector needs by force-to-space: sector length ÷ frontage per
/// brigade, rounded up.
///
/// Unit: brigades. Source: ~10–25 km per brigade in a prepared defence
/// `[RECALLED]`; Ukraine 2025: sections 5–10 km wide held by thin units `[src]`.
///
/// Example: 200 km ÷ 20 km = 10 brigades.
///
/// ```
/// use guarantor_engine::geography::brigades_for_sector;
/// assert_eq!(brigades_for_sector(200.0, 20.0).unwrap(), 10.0);
/// ```
pub fn brigades_for_sector(
    sector_km: f64,
    km_per_brigade: f64,
) -> Result<f64, GeographySizingError> {
    non_negative("sector length", sector_km)?;
    positive("frontage per brigade", "km", km_per_brigade)?;
    Ok(whole_units(sector_km / km_per_brigade))
}

/// Force-to-space warning: `Some(text)` when the brigades deployed in a
/// sector are fewer than [`brigades_for_sector`] asks.
///
/// Example: 4 brigades for 200 km at 20 km each → "4 brigades for 200 km
/// hold 80 km at 20 km per brigade; force-to-space asks for 10".
///
/// ```
/// use guarantor_engine::geography::force_to_space_warning;
/// let w = force_to_space_warning(4.0, 200.0, 20.0).unwrap().unwrap();
/// assert!(w.ends_with("force-to-space asks for 10"));
/// ```
pub fn force_to_space_warning(
    brigades: f64,
    sector_km: f64,
    km_per_brigade: f64,
) -> Result<Option<String>, GeographySizingError> {
    non_negative("brigades", brigades)?;
    let needed = brigades_for_sector(sector_km, km_per_brigade)?;
    Ok((brigades < needed).then(|| {
        format!(
            "{} brigades for {} km hold {} km at {} km per brigade; force-to-space asks for {}",
            super::fmt(brigades),
            super::fmt(sector_km),
            super::fmt(brigades * km_per_brigade),
            super::fmt(km_per_brigade),
            super::fmt(needed)
        )
    }))
}

// ---------------------------------------------------------------------------
// From the scenario's [geography] section to geometry
// ---------------------------------------------------------------------------

fn point(lat: f64, lon: f64) -> Result<LatLon, GeographySizingError> {
    Ok(LatLon::new(lat, lon)?)
}

/// A scenario place as a checked point.
pub fn place_point(p: &guarantor_model::geography::Place) -> Result<LatLon, GeographySizingError> {
    point(p.lat, p.lon)
}

/// A scenario zone as a validated polygon: its `points`, or its circle
/// (centre place, `radius_km`) as a 72-gon.
///
/// ```
/// use guarantor_engine::geography::zone_polygon;
/// use guarantor_model::geography::{Geography, Place, PlaceKind, Zone, ZoneKind};
/// let kyiv = Place { id: "kyiv".into(), name: String::new(), kind: PlaceKind::City,
///     lat: 50.45, lon: 30.52, source: String::new() };
/// let g = Geography { places: vec![kyiv], ..Geography::default() };
/// let ring = Zone { id: "ring".into(), name: String::new(), kind: ZoneKind::ThreatRing,
///     points: vec![], centre: Some("kyiv".into()), radius_km: Some(40.0), source: String::new() };
/// let z = zone_polygon(&ring, &g).unwrap();
/// // π × 40² = 5,027 km², the 72-gon 0.13% less.
/// assert!((z.area_km2() - 5_020.0).abs() < 10.0);
/// ```
pub fn zone_polygon(
    z: &guarantor_model::geography::Zone,
    g: &guarantor_model::Geography,
) -> Result<guarantor_geo::Zone, GeographySizingError> {
    match (&z.centre, z.radius_km) {
        (Some(c), Some(r)) => {
            let place = g
                .place(c)
                .ok_or_else(|| GeographySizingError::UnknownPlace(c.clone()))?;
            Ok(guarantor_geo::Circle::new(place_point(place)?, r)?.zone())
        }
        _ => {
            let ring = z
                .points
                .iter()
                .map(|&[lat, lon]| point(lat, lon))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(guarantor_geo::Zone::new(ring)?)
        }
    }
}

/// A scenario line as a polyline.
pub fn line_polyline(
    l: &guarantor_model::geography::Line,
) -> Result<Polyline, GeographySizingError> {
    let pts = l
        .points
        .iter()
        .map(|&[lat, lon]| point(lat, lon))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Polyline::new(pts)?)
}

/// The air bases a contributor may fly from (a base with no contributors
/// listed is open to all), at their places.
pub fn bases_for(
    g: &guarantor_model::Geography,
    contributor: Option<&str>,
) -> Result<Vec<Base>, GeographySizingError> {
    g.bases
        .iter()
        .filter(|b| {
            b.contributors.is_empty()
                || contributor.is_none_or(|c| b.contributors.iter().any(|x| x == c))
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

/// A scenario aircraft type as the sizing rules take it.
pub fn aircraft_type(a: &guarantor_model::geography::AircraftType) -> AircraftType {
    AircraftType {
        name: if a.name.is_empty() {
            a.id.clone()
        } else {
            a.name.clone()
        },
        cruise_speed_kmh: a.cruise_speed_kmh,
        endurance_h: a.endurance_h,
        combat_radius_km: a.combat_radius_km,
        turnaround_h: a.turnaround_h,
        cost_per_flight_hour_usd: a.cost_per_flight_hour_usd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sizing::rotation_pool;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn transit_from_rzeszow_to_kyiv_is_0_78_h_at_780_kmh() {
        assert!(close(transit_h(605.0, 780.0).unwrap(), 0.7756, 1e-4));
        assert!(matches!(
            transit_h(605.0, 0.0),
            Err(GeographySizingError::NotPositive {
                what: "cruise speed",
                ..
            })
        ));
        assert!(matches!(
            transit_h(-1.0, 780.0),
            Err(GeographySizingError::Negative { .. })
        ));
    }

    #[test]
    fn one_refuelling_adds_an_hour_and_leaves_1_94_h_over_kyiv() {
        let sortie = sortie_endurance_h(2.5, 1.0, 1.0).unwrap();
        assert_eq!(sortie, 3.5);
        let tos = time_on_station_h(sortie, 605.0 / 780.0);
        // 3.5 − 2 × 0.7756 = 1.9487
        assert!(close(tos, 1.9487, 1e-4), "{tos}");
        assert!(matches!(
            sortie_endurance_h(0.0, 1.0, 1.0),
            Err(GeographySizingError::NotPositive { .. })
        ));
    }

    #[test]
    fn the_rafale_example_gives_2_h_20_on_station_from_1_h_40_of_transit() {
        // 4-h sortie with 2 refuellings; 2 h 20 min on station ⇒ transit
        // 50 min each way.
        let sortie = sortie_endurance_h(2.0, 2.0, 1.0).unwrap();
        let tos = time_on_station_h(sortie, 50.0 / 60.0);
        assert!(close(tos, 2.0 + 20.0 / 60.0, 1e-9));
    }

    #[test]
    fn sortie_rate_is_the_rand_formula_capped_at_the_sustained_rate() {
        // 24 ÷ (3.5 + 3) = 3.69 → capped at 1.5.
        assert_eq!(sorties_per_aircraft_day(3.5, 3.0, 1.5).unwrap(), 1.5);
        // A long sortie: 24 ÷ (10 + 6) = 1.5 exactly, 24 ÷ (12 + 6) = 1.33.
        assert!(close(
            sorties_per_aircraft_day(12.0, 6.0, 1.5).unwrap(),
            4.0 / 3.0,
            1e-12
        ));
    }

    #[test]
    fn four_stations_over_kyiv_from_rzeszow_need_118_aircraft_with_qra() {
        let tos = time_on_station_h(3.5, 605.0 / 780.0);
        let sorties = station_sorties_per_day(2.0, 24.0, tos).unwrap();
        // 48 ÷ 1.9487 = 24.63 sorties a day per station.
        assert!(close(sorties, 24.632, 1e-3), "{sorties}");
        let ready = 4.0 * station_aircraft(sorties, 1.5);
        // 4 × 16.42 = 65.69 ready ÷ 0.6 = 109.5 → 110, + 8 QRA = 118.
        assert_eq!(patrol_aircraft_deployed(ready, 0.6, 8.0).unwrap(), 118.0);
        assert!(matches!(
            station_sorties_per_day(2.0, 24.0, 0.0),
            Err(GeographySizingError::NotPositive { .. })
        ));
        assert!(matches!(
            patrol_aircraft_deployed(ready, 0.0, 8.0),
            Err(GeographySizingError::NotAShare { .. })
        ));
    }

    fn one_station_covering(lat: f64, lon: f64) -> Covering {
        let zone = guarantor_geo::Circle::new(LatLon::new(lat, lon).unwrap(), 30.0)
            .unwrap()
            .zone();
        guarantor_geo::cover::cover(&guarantor_geo::cover::CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        })
        .unwrap()
    }

    fn f16(radius: f64) -> AircraftType {
        AircraftType {
            name: "F-16C/D".into(),
            cruise_speed_kmh: 780.0,
            endurance_h: 2.5,
            combat_radius_km: radius,
            turnaround_h: 3.0,
            cost_per_flight_hour_usd: 26_000.0,
        }
    }

    const PLAN: PatrolPlan = PatrolPlan {
        aircraft_per_station: 2.0,
        hours_per_day: 24.0,
        max_sorties_per_aircraft_day: 1.5,
        availability: 0.6,
        qra_aircraft: 4.0,
    };

    #[test]
    fn a_station_over_lviv_from_rzeszow_by_hand() {
        let covering = one_station_covering(49.84, 24.03);
        assert_eq!(covering.stations.len(), 1);
        let rzeszow = Base {
            name: "Rzeszów-Jasionka".into(),
            at: LatLon::new(50.11, 22.02).unwrap(),
        };
        let d = size_patrol(&covering, &[rzeszow], &f16(800.0), None, &PLAN).unwrap();
        let s = &d.per_station[0];
        // Unrefuelled: 2.5 − 2 × km ÷ 780 on station; 2 × 24 ÷ that ÷ 1.5.
        let tos = 2.5 - 2.0 * s.transit_km / 780.0;
        assert!((s.time_on_station_h - tos).abs() < 1e-12);
        let ready = 48.0 / tos / 1.5;
        assert!((d.ready_aircraft - ready).abs() < 1e-12);
        assert_eq!(d.aircraft_deployed, (ready / 0.6 - 1e-9).ceil() + 4.0);
        assert_eq!(d.tanker_orbits, 0.0);
    }

    #[test]
    fn a_zone_no_base_can_reach_is_a_shortfall_not_a_panic() {
        // A station over Kharkiv, about 1,200 km from Łask (the lattice
        // may put it up to 100 km nearer).
        let covering = one_station_covering(50.0, 36.25);
        let lask = Base {
            name: "Łask".into(),
            at: LatLon::new(51.55, 19.18).unwrap(),
        };
        let d = size_patrol(
            &covering,
            std::slice::from_ref(&lask),
            &f16(800.0),
            None,
            &PLAN,
        )
        .unwrap();
        assert_eq!(d.per_station.len(), 0);
        assert_eq!(d.shortfalls.len(), 1);
        assert!(d.shortfalls[0].reason.starts_with("no base within reach"));
        // QRA only: nothing else can be flown.
        assert_eq!(d.aircraft_deployed, 4.0);
        // With a long combat radius it is reached, but 2.5 h cannot cover
        // 2 × 1,100 km of transit at 780 km/h (2.8 h): no time on station.
        let d = size_patrol(&covering, &[lask], &f16(2_000.0), None, &PLAN).unwrap();
        assert!(
            d.shortfalls[0].reason.starts_with("no time on station"),
            "{:?}",
            d.shortfalls
        );
        // No bases at all.
        let d = size_patrol(&covering, &[], &f16(800.0), None, &PLAN).unwrap();
        assert_eq!(d.shortfalls.len(), 1);
    }

    #[test]
    fn zero_speed_endurance_or_availability_are_typed_errors() {
        let covering = one_station_covering(49.84, 24.03);
        let mut a = f16(800.0);
        a.cruise_speed_kmh = 0.0;
        assert!(matches!(
            size_patrol(&covering, &[], &a, None, &PLAN),
            Err(GeographySizingError::NotPositive {
                what: "cruise speed",
                ..
            })
        ));
        let mut a = f16(800.0);
        a.endurance_h = 0.0;
        assert!(matches!(
            size_patrol(&covering, &[], &a, None, &PLAN),
            Err(GeographySizingError::NotPositive {
                what: "sortie endurance",
                ..
            })
        ));
        let plan = PatrolPlan {
            availability: 1.5,
            ..PLAN
        };
        assert!(matches!(
            size_patrol(&covering, &[], &f16(800.0), None, &plan),
            Err(GeographySizingError::NotAShare { .. })
        ));
    }

    fn scenario_geography() -> guarantor_model::Geography {
        use guarantor_model::geography::*;
        let place = |id: &str, name: &str, lat, lon| Place {
            id: id.into(),
            name: name.into(),
            kind: PlaceKind::AirBase,
            lat,
            lon,
            source: String::new(),
        };
        Geography {
            places: vec![
                place("rzeszow", "Rzeszów-Jasionka", 50.11, 22.02),
                place("mk", "", 44.36, 28.49),
            ],
            bases: vec![
                AirBase {
                    id: "rzeszow_base".into(),
                    place: "rzeszow".into(),
                    contributors: vec!["pl".into()],
                    source: String::new(),
                },
                AirBase {
                    id: "mk_base".into(),
                    place: "mk".into(),
                    contributors: vec![],
                    source: String::new(),
                },
            ],
            ..Geography::default()
        }
    }

    #[test]
    fn bases_follow_their_contributors_and_places() {
        let g = scenario_geography();
        let all = bases_for(&g, None).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].name, "Rzeszów-Jasionka");
        assert_eq!(all[1].name, "mk_base");
        let fr = bases_for(&g, Some("fr")).unwrap();
        assert_eq!(fr.len(), 1, "Rzeszów is for Poland only here");
        let mut bad = g.clone();
        bad.bases[1].place = "nowhere".into();
        assert_eq!(
            bases_for(&bad, None).unwrap_err(),
            GeographySizingError::UnknownPlace("nowhere".into())
        );
    }

    #[test]
    fn scenario_zones_and_lines_become_checked_geometry() {
        use guarantor_model::geography::{Line, LineKind, Zone, ZoneKind};
        let g = scenario_geography();
        let open = Zone {
            id: "z".into(),
            name: String::new(),
            kind: ZoneKind::Cover,
            points: vec![[48.0, 24.0], [48.0, 30.0], [51.0, 30.0]],
            centre: None,
            radius_km: None,
            source: String::new(),
        };
        assert!(matches!(
            zone_polygon(&open, &g),
            Err(GeographySizingError::Geo(GeoError::NotClosed { .. }))
        ));
        let line = Line {
            id: "l".into(),
            name: String::new(),
            kind: LineKind::Monitored,
            points: vec![[47.0, 37.5], [47.0, 38.5]],
            source: String::new(),
        };
        // 1° of longitude at 47 N ≈ 76 km.
        let km = line_polyline(&line).unwrap().length_km();
        assert!((km - 76.0).abs() < 1.0, "{km}");
    }

    #[test]
    fn csis_safe_skies_24_on_duty_at_50_percent_is_48() {
        assert_eq!(air_policing_deployed(24.0, 0.5).unwrap(), 48.0);
    }

    #[test]
    fn flight_hours_cost_the_patrol_by_the_hour() {
        // 100 sorties a day of 3.5 h: 127,750 h a year × USD 26,000.
        let (h, c) = patrol_flight_hour_cost_usd_m(100.0, 3.5, 26_000.0).unwrap();
        assert_eq!(h, 127_750.0);
        assert!(close(c, 3_321.5, 1e-9));
        assert_eq!(
            patrol_flight_hour_cost_usd_m(100.0, 3.5, 0.0).unwrap().1,
            0.0
        );
        assert!(patrol_flight_hour_cost_usd_m(-1.0, 3.5, 1.0).is_err());
    }

    #[test]
    fn tanker_orbits_follow_from_fuel() {
        let fuel = refuelling_fuel_t_per_day(100.0, 1.0, 2.5).unwrap();
        assert_eq!(fuel, 250.0);
        // 250 ÷ (60 × 24 ÷ 8 = 180) = 1.39 → 2 orbits; 180 t exactly → 1.
        assert_eq!(tanker_orbits(fuel, 60.0, 24.0, 8.0).unwrap(), 2.0);
        assert_eq!(tanker_orbits(180.0, 60.0, 24.0, 8.0).unwrap(), 1.0);
        assert_eq!(tanker_orbits(0.0, 60.0, 24.0, 8.0).unwrap(), 0.0);
        assert!(tanker_orbits(10.0, 0.0, 24.0, 8.0).is_err());
    }

    #[test]
    fn patriot_coverage_differs_by_threat() {
        assert_eq!(
            coverage_radius_km("Patriot PAC-3 MSE", ThreatClass::Ballistic),
            Some(40.0)
        );
        assert_eq!(
            coverage_radius_km("patriot pac-3 mse", ThreatClass::Cruise),
            Some(160.0)
        );
        assert_eq!(coverage_radius_km("S-400", ThreatClass::Cruise), None);
    }

    #[test]
    fn kyiv_and_zhytomyr_need_one_patriot_site_against_cruise_two_against_ballistic() {
        let places = [
            LatLon::new(50.45, 30.52).unwrap(),
            LatLon::new(50.25, 28.66).unwrap(),
        ];
        assert_eq!(air_defence_sites(&places, 160.0).unwrap(), 1.0);
        assert_eq!(air_defence_sites(&places, 40.0).unwrap(), 2.0);
        assert_eq!(air_defence_batteries(2.0, 2.0).unwrap(), 4.0);
        assert!(matches!(
            air_defence_sites(&places, 0.0),
            Err(GeographySizingError::Geo(GeoError::NotPositive { .. }))
        ));
    }

    #[test]
    fn interceptors_against_pac3_production() {
        let per_year = interceptors_per_year(150.0, 2.0).unwrap();
        assert_eq!(per_year, 300.0);
        // 300 ÷ 620 = 0.4839
        assert!(close(
            share_of_production(per_year, 620.0).unwrap(),
            0.4839,
            1e-4
        ));
        assert!(share_of_production(300.0, 0.0).is_err());
    }

    #[test]
    fn osce_700_monitors_for_a_500_km_line() {
        // A meridian line of 500 km: from 47.0 N at 37.5 E due north.
        let a = LatLon::new(47.0, 37.5).unwrap();
        let b = guarantor_geo::destination(a, 0.0, 250.0);
        let c = guarantor_geo::destination(b, 0.0, 250.0);
        let line = Polyline::new(vec![a, b, c]).unwrap();
        assert!(close(line.length_km(), 500.0, 1e-6));
        let m = monitors_on_line(&line, 700.0 / 500.0).unwrap();
        assert!(close(m, 700.0, 1e-6), "{m}");
    }

    #[test]
    fn force_to_space_and_the_rule_of_thirds() {
        assert_eq!(brigades_for_sector(200.0, 20.0).unwrap(), 10.0);
        assert_eq!(brigades_for_sector(201.0, 20.0).unwrap(), 11.0);
        assert_eq!(
            force_to_space_warning(4.0, 200.0, 20.0).unwrap().as_deref(),
            Some(
                "4 brigades for 200 km hold 80 km at 20 km per brigade; force-to-space asks for 10"
            )
        );
        assert_eq!(force_to_space_warning(10.0, 200.0, 20.0).unwrap(), None);
        assert!(brigades_for_sector(200.0, 0.0).is_err());
        // Rule of thirds: 10 brigades deployed need 30 in the rotation pool.
        assert_eq!(rotation_pool(10.0, 3.0), 30.0);
    }
}
