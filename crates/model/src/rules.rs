//! The sizing-rule format in one table: every rule a task may name, and every
//! key that rule takes with its kind, domain and default. The reader checks
//! tasks against it, did-you-mean hints and the list of task keys come from
//! it, `[[uncertainty]]` paths find a task's numbers and their domains in it,
//! and docs/scenario-format.md documents the same rows.
//!
//! Adding a rule: see CONTRIBUTING.md, "Add a sizing rule".

use crate::types::Domain;

/// What one key of a sizing rule holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// A number in `domain`; `default: None` makes the key required.
    Number {
        domain: Domain,
        default: Option<f64>,
    },
    /// A number that, when absent, falls back to `[parameters.air]`.
    AirOverride(Domain),
    /// A capability id; `default: None` makes the key required.
    Capability { default: Option<&'static str> },
    /// true or false.
    Flag { default: bool },
    /// A hand-set number that, when given, replaces one the rule derives from
    /// `[geography]` (shown as an override in explanations).
    Override(Domain),
    /// The id of a `[geography]` entry (`what`: "zone", "place", "line",
    /// "aircraft type"); required.
    Id { what: &'static str },
    /// A non-empty list of ids of `[geography]` entries; required.
    Ids { what: &'static str },
    /// A free label (e.g. a system's name); defaults to "".
    Text,
}

/// One key of a sizing rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub kind: FieldKind,
}

/// One sizing rule: its name in a scenario, what it sizes, and its keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub fields: &'static [FieldSpec],
}

impl RuleSpec {
    /// The rule's numeric keys (those an `[[uncertainty]]` path may name), with their domains.
    pub fn numbers(&self) -> impl Iterator<Item = (&'static str, Domain)> + '_ {
        self.fields.iter().filter_map(|f| match f.kind {
            FieldKind::Number { domain, .. }
            | FieldKind::AirOverride(domain)
            | FieldKind::Override(domain) => Some((f.key, domain)),
            _ => None,
        })
    }

    /// The spec of key `key`.
    pub fn field(&self, key: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }
}

const fn required(key: &'static str, domain: Domain) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Number {
            domain,
            default: None,
        },
    }
}

const fn number(key: &'static str, domain: Domain, default: f64) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Number {
            domain,
            default: Some(default),
        },
    }
}

const fn air(key: &'static str, domain: Domain) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::AirOverride(domain),
    }
}

const fn capability(key: &'static str, default: Option<&'static str>) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Capability { default },
    }
}

const fn flag(key: &'static str, default: bool) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Flag { default },
    }
}

const fn over(key: &'static str, domain: Domain) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Override(domain),
    }
}

const fn id(key: &'static str, what: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Id { what },
    }
}

const fn ids(key: &'static str, what: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Ids { what },
    }
}

const fn text(key: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        kind: FieldKind::Text,
    }
}

use Domain::{Hours, NonNegative, Positive, UnitPositive};

/// Every sizing rule. The formulas are in `guarantor-engine`'s `sizing`
/// module and docs/model.md §2.
pub const SIZING_RULES: &[RuleSpec] = &[
    RuleSpec {
        name: "standing_ground_force",
        summary: "personnel and manoeuvre units deployed continuously, times the land rotation ratio",
        fields: &[
            required("personnel", NonNegative),
            number("units", NonNegative, 0.0),
            capability("personnel_capability", Some("ground_personnel")),
            capability("unit_capability", Some("brigades")),
        ],
    },
    RuleSpec {
        name: "combat_air_patrol",
        summary: "fighter stations held for hours_per_day, with tanker and AEW orbits",
        fields: &[
            required("stations", NonNegative),
            number("tanker_orbits", NonNegative, 0.0),
            number("aew_orbits", NonNegative, 0.0),
            air("aircraft_per_station", Positive),
            air("hours_per_day", Hours),
            air("time_on_station_h", Positive),
            air("sorties_per_aircraft_day", Positive),
            air("availability", UnitPositive),
            air("qra_aircraft", NonNegative),
            capability("fighter_capability", Some("fighters")),
            capability("tanker_capability", Some("tankers")),
            capability("aew_capability", Some("aew")),
        ],
    },
    RuleSpec {
        name: "air_policing",
        summary: "fighters on duty (alert or patrol), divided by availability",
        fields: &[
            required("aircraft_on_duty", NonNegative),
            air("availability", UnitPositive),
            capability("fighter_capability", Some("fighters")),
        ],
    },
    RuleSpec {
        name: "orbit",
        summary: "support-aircraft orbits (tanker, AEW, ISR) held for hours_per_day",
        fields: &[
            capability("capability", None),
            required("orbits", NonNegative),
            required("on_station_h", Positive),
            air("availability", UnitPositive),
        ],
    },
    RuleSpec {
        name: "point_air_defence",
        summary: "air-defence batteries per protected site",
        fields: &[
            required("sites", NonNegative),
            required("batteries_per_site", NonNegative),
            capability("capability", Some("gbad_long")),
            flag("transfer", false),
        ],
    },
    RuleSpec {
        name: "monitoring",
        summary: "ceasefire monitors per km of line",
        fields: &[
            required("line_km", NonNegative),
            required("monitors_per_km", NonNegative),
            capability("capability", Some("monitors")),
        ],
    },
    RuleSpec {
        name: "garrison",
        summary: "personnel held at named sites (hubs, bases, headquarters), times the land rotation ratio",
        fields: &[
            required("sites", NonNegative),
            required("personnel_per_site", NonNegative),
            capability("capability", Some("ground_personnel")),
        ],
    },
    RuleSpec {
        name: "materiel_supply",
        summary: "annual value of materiel delivered; no rotation",
        fields: &[
            required("value_per_year", NonNegative),
            capability("capability", Some("materiel")),
        ],
    },
    RuleSpec {
        name: "fixed_units",
        summary: "a fixed number of units deployed continuously",
        fields: &[
            capability("capability", None),
            required("units", NonNegative),
        ],
    },
    // Rules that read `[geography]` (docs/model.md §9).
    RuleSpec {
        name: "patrol_zone",
        summary: "fighter stations from a covering of a zone by engagement circles, flown from the nearest eligible base, with tanker orbits from the fuel they need",
        fields: &[
            id("zone", "zone"),
            id("aircraft", "aircraft type"),
            required("engagement_radius_km", Positive),
            number("standoff_km", NonNegative, 0.0),
            number("refuellings_per_sortie", NonNegative, 0.0),
            number("hours_per_refuelling", NonNegative, 1.0),
            number("fuel_per_refuelling_t", NonNegative, 2.5),
            number("tanker_offload_t", Positive, 60.0),
            number("aew_orbits", NonNegative, 0.0),
            over("stations", NonNegative),
            over("tanker_orbits", NonNegative),
            air("aircraft_per_station", Positive),
            air("hours_per_day", Hours),
            air("time_on_station_h", Positive),
            air("sorties_per_aircraft_day", Positive),
            air("availability", UnitPositive),
            air("qra_aircraft", NonNegative),
            capability("fighter_capability", Some("fighters")),
            capability("tanker_capability", Some("tankers")),
            capability("aew_capability", Some("aew")),
        ],
    },
    RuleSpec {
        name: "air_defence_umbrella",
        summary: "air-defence sites so that every defended place is within the system's coverage radius against the threat (looked up in the cited table), times batteries per site; interceptors a year as a requirement",
        fields: &[
            ids("places", "place"),
            over("coverage_radius_km", Positive),
            text("system"),
            text("threat"),
            required("batteries_per_site", NonNegative),
            over("sites", NonNegative),
            number("engagements_per_year", NonNegative, 0.0),
            number("interceptors_per_engagement", NonNegative, 2.0),
            number("interceptor_production_per_year", NonNegative, 0.0),
            capability("capability", Some("gbad_long")),
            capability("interceptor_capability", Some("interceptors_per_year")),
            flag("transfer", false),
        ],
    },
    RuleSpec {
        name: "monitor_line",
        summary: "ceasefire monitors per km of a line measured on its polyline",
        fields: &[
            id("line", "line"),
            required("monitors_per_km", NonNegative),
            over("line_km", NonNegative),
            capability("capability", Some("monitors")),
        ],
    },
    RuleSpec {
        name: "garrison_places",
        summary: "personnel held at named places, times the land rotation ratio; brigades checked against a sector's force-to-space",
        fields: &[
            ids("places", "place"),
            required("personnel_per_place", NonNegative),
            number("brigades", NonNegative, 0.0),
            text("sector"),
            number("km_per_brigade", Positive, 20.0),
            capability("capability", Some("ground_personnel")),
            capability("unit_capability", Some("brigades")),
        ],
    },
];

/// The row of rule `name`.
pub fn rule_spec(name: &str) -> Option<&'static RuleSpec> {
    SIZING_RULES.iter().find(|r| r.name == name)
}

/// Every rule's name, in table order.
pub fn rule_names() -> Vec<&'static str> {
    SIZING_RULES.iter().map(|r| r.name).collect()
}

/// Every key any rule takes (for tasks whose rule is unknown: their keys are
/// not reported again as unknown).
pub fn all_task_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = SIZING_RULES
        .iter()
        .flat_map(|r| r.fields.iter().map(|f| f.key))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Task;

    /// A task of `spec` with its required keys only, as TOML.
    fn minimal_task(spec: &RuleSpec) -> String {
        let mut out = format!("id = \"t\"\nrule = \"{}\"\n", spec.name);
        for f in spec.fields {
            match f.kind {
                FieldKind::Number { default: None, .. } => {
                    out.push_str(&format!("{} = 3\n", f.key))
                }
                FieldKind::Capability { default: None } | FieldKind::Id { .. } => {
                    out.push_str(&format!("{} = \"cap\"\n", f.key))
                }
                FieldKind::Ids { .. } => out.push_str(&format!("{} = [\"cap\"]\n", f.key)),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_table_and_the_serde_defaults_in_types_agree() {
        for spec in SIZING_RULES {
            let task: Task = toml::from_str(&minimal_task(spec))
                .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(task.rule.name(), spec.name);
            let json = serde_json::to_value(&task.rule).unwrap();
            for f in spec.fields {
                let v = &json[f.key];
                match f.kind {
                    FieldKind::Number { default, .. } => {
                        assert_eq!(
                            v.as_f64(),
                            Some(default.unwrap_or(3.0)),
                            "{}.{}",
                            spec.name,
                            f.key
                        )
                    }
                    FieldKind::AirOverride(_) | FieldKind::Override(_) => {
                        assert!(v.is_null(), "{}.{}", spec.name, f.key)
                    }
                    FieldKind::Id { .. } => assert_eq!(v.as_str(), Some("cap")),
                    FieldKind::Ids { .. } => assert_eq!(v, &serde_json::json!(["cap"])),
                    FieldKind::Text => assert_eq!(v.as_str(), Some(""), "{}.{}", spec.name, f.key),
                    FieldKind::Capability { default } => {
                        assert_eq!(
                            v.as_str(),
                            Some(default.unwrap_or("cap")),
                            "{}.{}",
                            spec.name,
                            f.key
                        )
                    }
                    FieldKind::Flag { default } => {
                        assert_eq!(v.as_bool(), Some(default), "{}.{}", spec.name, f.key)
                    }
                }
            }
        }
    }

    #[test]
    fn every_number_a_rule_takes_is_readable_and_writable_by_path() {
        let mut task: Task = toml::from_str(&minimal_task(&SIZING_RULES[0])).unwrap();
        for spec in SIZING_RULES {
            task = toml::from_str(&minimal_task(spec)).unwrap();
            for (key, _) in spec.numbers() {
                let slot = task.rule.number_mut(key);
                assert!(slot.is_some(), "{}.{key} has no storage", spec.name);
                *slot.unwrap() = 7.5;
                assert_eq!(task.rule.number(key), 7.5, "{}.{key}", spec.name);
            }
        }
        assert_eq!(task.rule.name(), SIZING_RULES.last().unwrap().name);
    }

    #[test]
    fn rule_names_and_keys_come_from_the_table() {
        assert_eq!(rule_names().len(), SIZING_RULES.len());
        assert!(all_task_keys().contains(&"monitors_per_km"));
        assert_eq!(
            rule_spec("monitoring")
                .unwrap()
                .numbers()
                .collect::<Vec<_>>(),
            vec![
                ("line_km", Domain::NonNegative),
                ("monitors_per_km", Domain::NonNegative)
            ]
        );
    }
}
