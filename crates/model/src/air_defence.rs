//! The cited table of air-defence coverage: each system's coverage radius
//! against a threat class. The `air_defence_umbrella` rule looks its radius
//! up here (unless a scenario sets `coverage_radius_km` as an override), and
//! the reader checks a task's `system` and `threat` against it, so that an
//! unknown name is a located error with the known ones as a hint.
//!
//! Tags: `[src]` read in a cited public source, `[RECALLED]` general
//! knowledge still to check.

use serde::Serialize;

/// Threat classes an air-defence system's coverage is given against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ThreatClass {
    Ballistic,
    Cruise,
    Drone,
}

impl ThreatClass {
    /// Every class, in the order hints list them.
    pub const ALL: [ThreatClass; 3] = [
        ThreatClass::Ballistic,
        ThreatClass::Cruise,
        ThreatClass::Drone,
    ];

    /// The word a scenario writes (`threat = "ballistic"`).
    pub fn name(self) -> &'static str {
        match self {
            ThreatClass::Ballistic => "ballistic",
            ThreatClass::Cruise => "cruise",
            ThreatClass::Drone => "drone",
        }
    }

    /// The class a scenario names, case-insensitively.
    ///
    /// ```
    /// use guarantor_model::air_defence::ThreatClass;
    /// assert_eq!(ThreatClass::parse("Cruise"), Some(ThreatClass::Cruise));
    /// assert_eq!(ThreatClass::parse("hypersonic"), None);
    /// ```
    pub fn parse(word: &str) -> Option<ThreatClass> {
        ThreatClass::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(word.trim()))
    }
}

/// One system's coverage radius against one threat class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SystemCoverage {
    pub system: &'static str,
    pub threat: ThreatClass,
    pub radius_km: f64,
    pub tag: &'static str,
    pub source: &'static str,
}

/// Coverage radii by system and threat (reference note on geography and
/// forces, §5).
pub const SYSTEM_COVERAGE: &[SystemCoverage] = &[
    SystemCoverage {
        system: "Patriot PAC-3 MSE",
        threat: ThreatClass::Ballistic,
        radius_km: 40.0,
        tag: "[src]",
        source: "tech.wp.pl (~2024-12): PAC-3 MSE vs ballistic ~40 km",
    },
    SystemCoverage {
        system: "Patriot PAC-3 MSE",
        threat: ThreatClass::Cruise,
        radius_km: 160.0,
        tag: "[src]",
        source: "tech.wp.pl (~2024-12): aircraft and cruise targets up to ~160 km",
    },
    SystemCoverage {
        system: "SAMP/T",
        threat: ThreatClass::Ballistic,
        radius_km: 25.0,
        tag: "[src]",
        source: "gagadget (2023-03), NATO: ballistic targets at ~25 km",
    },
    SystemCoverage {
        system: "SAMP/T",
        threat: ThreatClass::Cruise,
        radius_km: 100.0,
        tag: "[src]",
        source: "tech.wp.pl (2023): Aster 30 ~100 km vs high-flying aircraft (NATO: up to 150 km)",
    },
    SystemCoverage {
        system: "IRIS-T SLM",
        threat: ThreatClass::Cruise,
        radius_km: 40.0,
        tag: "[src]",
        source: "gagadget (2023-06): 40 km range, 20 km altitude",
    },
    SystemCoverage {
        system: "IRIS-T SLM",
        threat: ThreatClass::Drone,
        radius_km: 40.0,
        tag: "[src]",
        source: "gagadget (2023-06): 40 km range (same missile against drones)",
    },
    SystemCoverage {
        system: "NASAMS",
        threat: ThreatClass::Cruise,
        radius_km: 30.0,
        tag: "[RECALLED]",
        source: "en.wikipedia.org/wiki/NASAMS: ground-launched AMRAAM ~30-40 km",
    },
    SystemCoverage {
        system: "NASAMS",
        threat: ThreatClass::Drone,
        radius_km: 30.0,
        tag: "[RECALLED]",
        source: "en.wikipedia.org/wiki/NASAMS: ground-launched AMRAAM ~30-40 km",
    },
];

/// The table's row for `system` (case-insensitive) against `threat`.
///
/// ```
/// use guarantor_model::air_defence::{system_coverage, ThreatClass};
/// let row = system_coverage("samp/t", ThreatClass::Ballistic).unwrap();
/// assert_eq!(row.radius_km, 25.0);
/// assert!(system_coverage("SAMP/T", ThreatClass::Drone).is_none());
/// ```
pub fn system_coverage(system: &str, threat: ThreatClass) -> Option<&'static SystemCoverage> {
    SYSTEM_COVERAGE
        .iter()
        .find(|c| c.system.eq_ignore_ascii_case(system.trim()) && c.threat == threat)
}

/// The systems of the table, each once, in table order.
pub fn known_systems() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for c in SYSTEM_COVERAGE {
        if !v.contains(&c.system) {
            v.push(c.system);
        }
    }
    v
}

/// The threat classes the table gives `system` a radius against.
pub fn threats_of(system: &str) -> Vec<ThreatClass> {
    SYSTEM_COVERAGE
        .iter()
        .filter(|c| c.system.eq_ignore_ascii_case(system.trim()))
        .map(|c| c.threat)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_has_a_cited_radius_per_threat() {
        assert_eq!(
            known_systems(),
            ["Patriot PAC-3 MSE", "SAMP/T", "IRIS-T SLM", "NASAMS"]
        );
        assert_eq!(
            threats_of("IRIS-T SLM"),
            [ThreatClass::Cruise, ThreatClass::Drone]
        );
        for c in SYSTEM_COVERAGE {
            assert!(c.radius_km > 0.0 && !c.source.is_empty(), "{c:?}");
            assert!(c.tag == "[src]" || c.tag == "[RECALLED]");
        }
    }
}
