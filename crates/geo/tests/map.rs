//! Maps: the structure of a rendered fixture, and a headless-Chromium
//! screenshot saved under target/maps/ for a person to look at.

use guarantor_geo::basemap::Basemap;
use guarantor_geo::cover::{CoverRequest, cover};
use guarantor_geo::svg::{LineKind, Map, MapCircle, MapLine, MapPoint, MapZone, ZoneKind, render};
use guarantor_geo::{Circle, LatLon, Zone};
use std::path::PathBuf;
use std::process::Command;

fn p(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

/// A small hand-made fixture: a patrol zone over western Ukraine, a hostile
/// block to the east with a threat ring, two bases, two defended places with
/// air defence, a garrison and a monitored line.
fn fixture(basemap: Option<&Basemap>) -> Map<'_> {
    let zone = Zone::from_pairs(&[
        (48.0, 24.0),
        (48.0, 30.0),
        (51.0, 30.0),
        (51.0, 24.0),
        (48.0, 24.0),
    ])
    .unwrap();
    let hostile = Zone::from_pairs(&[
        (47.0, 33.0),
        (47.0, 38.0),
        (52.0, 38.0),
        (52.0, 33.0),
        (47.0, 33.0),
    ])
    .unwrap();
    let ring = Circle::new(p(50.0, 33.5), 200.0).unwrap();
    let covering = cover(&CoverRequest {
        zones: std::slice::from_ref(&zone),
        radius_km: 120.0,
        hostile: std::slice::from_ref(&hostile),
        threat_rings: std::slice::from_ref(&ring),
        standoff_km: 200.0,
    })
    .unwrap();
    assert!(covering.uncovered_area_km2 > 0.0);
    Map {
        title: "Fixture: patrol zone with stand-off".into(),
        frame: [20.0, 44.5, 40.0, 53.5],
        basemap,
        zones: vec![
            MapZone {
                name: "patrol zone".into(),
                kind: ZoneKind::Cover,
                ring: zone.ring().to_vec(),
            },
            MapZone {
                name: "hostile block".into(),
                kind: ZoneKind::Hostile,
                ring: hostile.ring().to_vec(),
            },
            MapZone {
                name: "buffer".into(),
                kind: ZoneKind::Buffer,
                ring: Zone::from_pairs(&[
                    (47.0, 32.0),
                    (47.0, 33.0),
                    (49.0, 33.0),
                    (49.0, 32.0),
                    (47.0, 32.0),
                ])
                .unwrap()
                .ring()
                .to_vec(),
            },
        ],
        lines: vec![MapLine {
            name: "monitored line".into(),
            kind: LineKind::Monitored,
            points: vec![p(47.0, 32.0), p(48.0, 32.2), p(49.0, 32.0)],
        }],
        uncovered: covering.uncovered.clone(),
        threat_rings: vec![MapCircle {
            name: "long-range SAM".into(),
            circle: ring,
        }],
        stations: covering
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| MapCircle {
                name: format!("CAP {}", i + 1),
                circle: s.circle(),
            })
            .collect(),
        air_defence: vec![
            MapCircle {
                name: "Patrol & friends <Kyiv>".into(),
                circle: Circle::new(p(50.45, 30.52), 40.0).unwrap(),
            },
            MapCircle {
                name: "IRIS-T Odesa".into(),
                circle: Circle::new(p(46.48, 30.72), 40.0).unwrap(),
            },
        ],
        bases: vec![
            MapPoint {
                name: "Rzeszów".into(),
                at: p(50.11, 22.02),
            },
            MapPoint {
                name: "Câmpia Turzii".into(),
                at: p(46.50, 23.89),
            },
        ],
        garrisons: vec![MapPoint {
            name: "Brigade (Zhytomyr)".into(),
            at: p(50.25, 28.66),
        }],
        places: vec![
            MapPoint {
                name: "Kyiv".into(),
                at: p(50.45, 30.52),
            },
            MapPoint {
                name: "Odesa".into(),
                at: p(46.48, 30.72),
            },
        ],
    }
}

/// Every element opened is closed, in order (a small well-formedness check).
fn balanced(svg: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("").to_string();
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("left open: {stack:?}"))
    }
}

#[test]
fn the_fixture_map_has_every_layer_a_legend_and_no_script() {
    let basemap = Basemap::ukraine().unwrap();
    let map = fixture(Some(&basemap));
    let svg = render(&map);
    balanced(&svg).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(!svg.contains("<script"), "no script");
    assert!(
        !svg.contains("http://") || svg.matches("http://").count() == 1,
        "only the xmlns URL"
    );
    for id in [
        "countries",
        "occupied-basemap",
        "zones",
        "uncovered",
        "coasts",
        "borders",
        "lines",
        "threat-rings",
        "stations",
        "air-defence",
        "bases",
        "garrisons",
        "legend",
        "scale-bar",
        "north-arrow",
    ] {
        assert!(svg.contains(&format!("id=\"{id}\"")), "missing layer {id}");
    }
    assert_eq!(svg.matches("class=\"station\"").count(), map.stations.len());
    assert_eq!(svg.matches("class=\"ad-site\"").count(), 2);
    // Names are escaped.
    assert!(svg.contains("Patrol &amp; friends &lt;Kyiv&gt;"));
    // Legend: borders (2), coast, occupied, cover, buffer, hostile,
    // uncovered, monitored line, threat ring, station, AD, base, garrison,
    // place = 15 rows; occupied territory is named as such.
    assert_eq!(svg.matches("class=\"legend-row\"").count(), 15);
    assert!(svg.contains("Occupied by Russia (part of Ukraine)"));
    assert!(svg.contains("Border of Ukraine (internationally recognised)"));
    // Patterns, not colour alone.
    for pattern in [
        "hatch-occupied",
        "hatch-hostile",
        "dots-cover",
        "lines-buffer",
        "cross-uncovered",
    ] {
        assert!(
            svg.contains(&format!("url(#{pattern})")),
            "{pattern} unused"
        );
    }
}

#[test]
fn a_map_without_basemap_or_layers_still_renders_a_frame_and_legend() {
    let map = Map {
        title: "Empty".into(),
        frame: [30.0, 46.0, 32.0, 48.0],
        ..Map::default()
    };
    let svg = render(&map);
    balanced(&svg).unwrap();
    assert_eq!(svg.matches("class=\"legend-row\"").count(), 0);
    assert!(svg.contains("id=\"scale-bar\""));
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("maps")
}

/// Print straight to stderr, past the test harness's capture, so that a
/// skipped screenshot is visible in a passing run.
fn notice(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn screenshot_of_the_fixture_map_with_headless_chromium() {
    let basemap = Basemap::ukraine().unwrap();
    let svg = render(&fixture(Some(&basemap)));
    let dir = target_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let svg_path = dir.join("fixture.svg");
    std::fs::write(&svg_path, &svg).unwrap();
    let Some(browser) = chromium() else {
        notice(&format!(
            "NOTICE: chromium not found; screenshot test skipped (SVG written to {})",
            svg_path.display()
        ));
        return;
    };
    let png = dir.join("fixture.png");
    let _ = std::fs::remove_file(&png);
    let height = svg
        .split("height=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .and_then(|h| h.parse::<f64>().ok())
        .unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            &format!("--window-size=1000,{}", height.ceil() as i64),
            &format!("--screenshot={}", png.display()),
        ])
        .arg(format!(
            "file://{}",
            svg_path.canonicalize().unwrap().display()
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        bytes.len() > 20_000,
        "screenshot is suspiciously small: {} bytes",
        bytes.len()
    );
    println!("screenshot: {}", png.display());
}
