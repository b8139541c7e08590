//! The map section: the top package drawn on the scenario's geography
//! (`guarantor_engine::package_map`), inline SVG with no script, and a table
//! of the numbers its geographic tasks derived.

use guarantor_engine::{Evaluation, map_title, package_map};
use guarantor_model::Scenario;
use guarantor_model::number::fmt;

use crate::document::{DataTable, Figure, Section};

/// Derived numbers shown in the map's table, in this order, when present.
const SHOWN: [(&str, &str); 10] = [
    ("stations", "patrol stations"),
    ("transit_km", "mean transit (km)"),
    ("time_on_station_h", "mean time on station (h)"),
    ("uncovered_area_km2", "uncovered (km²)"),
    ("sites", "air-defence sites"),
    ("interceptors_per_year", "interceptors a year"),
    ("line_km", "line (km)"),
    ("places", "places"),
    ("brigades_for_sector", "brigades by force-to-space"),
    ("deployed", "deployed"),
];

/// The map of the top-ranked package, or `None` when the scenario has no
/// `[geography]` or nothing was evaluated.
pub(crate) fn map_section(s: &Scenario, e: &Evaluation) -> Option<Section> {
    let top = e.packages.first()?;
    let title = map_title(s, &top.requirements);
    let svg = package_map(s, &top.requirements, &title)?;
    let mut table = DataTable {
        caption: format!("What the geographic tasks of {} derive", top.title),
        headers: ["task", "capability", "derived numbers"]
            .map(String::from)
            .to_vec(),
        ..DataTable::default()
    };
    for r in top.requirements.iter().filter(|r| r.geometry.is_some()) {
        let numbers: Vec<String> = SHOWN
            .iter()
            .filter_map(|(k, label)| r.derivation.get(*k).map(|v| format!("{label} {}", fmt(*v))))
            .collect();
        table.rows.push(vec![
            r.task.clone(),
            r.capability.clone(),
            numbers.join("; "),
        ]);
    }
    let mut paragraphs = vec![format!(
        "The top-ranked package ({}) on the scenario's geography: zones, lines, the bases patrols fly from, patrol stations with their engagement circles, air-defence sites with their coverage, garrisons and any area left uncovered. guarantor explain --map FILE.svg draws any package.",
        top.title
    )];
    if table.rows.is_empty() {
        paragraphs.push(
            "None of its tasks is sized from geography; the map shows the scenario's places, zones and lines only."
                .into(),
        );
    }
    Some(Section {
        id: "map".into(),
        heading: "Map of the top package".into(),
        paragraphs,
        tables: Vec::new(),
        figures: vec![Figure {
            id: "map-top".into(),
            title,
            description: "Borders from Natural Earth (public domain); azimuthal equidistant projection, scale true at the centre; patterns and line styles read in greyscale.".into(),
            svg,
            table,
        }],
        grid: false,
    })
}
