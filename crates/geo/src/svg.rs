//! SVG maps: a plain string, no script, no external resource.
//!
//! Every layer differs by pattern or line style as well as by colour, so the
//! map reads in greyscale and on paper: hatching for occupied and hostile
//! territory, cross-hatching for uncovered area, dots for zones to cover,
//! solid rings for patrol stations, dotted rings for air-defence coverage,
//! long dashes for threat rings. The projection is azimuthal equidistant
//! about the centre of the frame, so north is straight up at the centre; the
//! scale bar is true at the centre (within 0.4% up to 1,000 km from it).

use crate::basemap::Basemap;
use crate::latlon::LatLon;
use crate::projection::LocalProjection;
use crate::shapes::Circle;
use std::fmt::Write;

/// What a zone on the map stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneKind {
    /// An area to cover (patrol zone, no-fly zone).
    Cover,
    /// A no-contact or buffer zone.
    Buffer,
    /// Hostile territory.
    Hostile,
    /// Occupied territory.
    Occupied,
}

/// What a line on the map stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Line of contact.
    Contact,
    /// A line to monitor (a ceasefire line, a border section).
    Monitored,
    /// A declared sector or other line.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapZone {
    pub name: String,
    pub kind: ZoneKind,
    pub ring: Vec<LatLon>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapLine {
    pub name: String,
    pub kind: LineKind,
    pub points: Vec<LatLon>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    pub name: String,
    pub at: LatLon,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapCircle {
    pub name: String,
    pub circle: Circle,
}

/// Everything a map can show. Empty layers are left out of the legend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map<'a> {
    pub title: String,
    /// Frame: west, south, east, north in degrees.
    pub frame: [f64; 4],
    pub basemap: Option<&'a Basemap>,
    pub zones: Vec<MapZone>,
    pub lines: Vec<MapLine>,
    /// Uncovered parts of zones: polygons, each outer ring then holes.
    pub uncovered: Vec<Vec<Vec<LatLon>>>,
    pub threat_rings: Vec<MapCircle>,
    pub stations: Vec<MapCircle>,
    pub air_defence: Vec<MapCircle>,
    pub bases: Vec<MapPoint>,
    pub garrisons: Vec<MapPoint>,
    pub places: Vec<MapPoint>,
}

/// Width of the map in SVG units (pixels at 100%).
pub const WIDTH: f64 = 1000.0;
const LEGEND_W: f64 = 320.0;
const MARGIN: f64 = 12.0;

struct View {
    proj: LocalProjection,
    scale: f64, // px per km
    cx: f64,
    cy: f64,
    w: f64,
    h: f64,
}

impl View {
    fn new(frame: [f64; 4]) -> View {
        let [w, s, e, n] = frame;
        let centre = LatLon {
            lat: (s + n) / 2.0,
            lon: (w + e) / 2.0,
        };
        let proj = LocalProjection::new(centre);
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for k in 0..=8 {
            let t = k as f64 / 8.0;
            for p in [
                LatLon {
                    lat: s,
                    lon: w + t * (e - w),
                },
                LatLon {
                    lat: n,
                    lon: w + t * (e - w),
                },
                LatLon {
                    lat: s + t * (n - s),
                    lon: w,
                },
                LatLon {
                    lat: s + t * (n - s),
                    lon: e,
                },
            ] {
                let (x, y) = proj.project(p);
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
        // Fit the frame's width; the frame's height follows.
        let inner_w = WIDTH - LEGEND_W - 3.0 * MARGIN;
        let scale = inner_w / (x1 - x0);
        View {
            proj,
            scale,
            cx: MARGIN - scale * x0,
            cy: MARGIN + scale * y1,
            w: inner_w,
            h: scale * (y1 - y0),
        }
    }

    fn xy(&self, p: LatLon) -> (f64, f64) {
        let (x, y) = self.proj.project(p);
        (self.cx + self.scale * x, self.cy - self.scale * y)
    }

    fn path(&self, points: &[LatLon], close: bool) -> String {
        let mut d = String::new();
        for (i, p) in points.iter().enumerate() {
            let (x, y) = self.xy(*p);
            let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y);
        }
        if close {
            d.push('Z');
        }
        d
    }

    fn rings(&self, rings: &[Vec<LatLon>]) -> String {
        rings
            .iter()
            .map(|r| self.path(r, true))
            .collect::<Vec<_>>()
            .join("")
    }

    /// A circle: a polygon of destinations, so that it is right far from the
    /// centre too.
    fn circle(&self, c: &Circle) -> String {
        self.path(&c.ring(), true)
    }
}

/// Escape text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const DEFS: &str = r##"<defs>
<pattern id="hatch-occupied" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#efe3e3"/><line x1="0" y1="0" x2="0" y2="8" stroke="#6b2b2b" stroke-width="2"/></pattern>
<pattern id="hatch-hostile" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="7" height="7" fill="#e9e0e0"/><line x1="0" y1="0" x2="0" y2="7" stroke="#444" stroke-width="1.2"/></pattern>
<pattern id="dots-cover" width="10" height="10" patternUnits="userSpaceOnUse"><circle cx="5" cy="5" r="1.3" fill="#2a5d8f"/></pattern>
<pattern id="lines-buffer" width="8" height="8" patternUnits="userSpaceOnUse"><line x1="0" y1="4" x2="8" y2="4" stroke="#7a6a2a" stroke-width="1.2"/></pattern>
<pattern id="cross-uncovered" width="9" height="9" patternUnits="userSpaceOnUse"><rect width="9" height="9" fill="#fbe9c9" fill-opacity="0.6"/><path d="M0,0L9,9M9,0L0,9" stroke="#b35900" stroke-width="1.3"/></pattern>
</defs>"##;

/// Render the map as a standalone SVG document.
pub fn render(map: &Map<'_>) -> String {
    let v = View::new(map.frame);
    let legend_h = legend_height(map);
    let total_h = (v.h.max(legend_h) + 2.0 * MARGIN + 34.0).ceil();
    let top = 34.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0} {total_h:.0}" width="{WIDTH:.0}" height="{total_h:.0}" font-family="sans-serif" role="img" aria-label="{}">"#,
        esc(&map.title)
    );
    s.push_str(DEFS);
    let _ = write!(
        s,
        r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="{MARGIN}" y="22" font-size="17" font-weight="bold">{}</text>"##,
        esc(&map.title)
    );
    let _ = write!(
        s,
        r#"<g transform="translate(0,{top})"><clipPath id="frame"><rect x="{MARGIN}" y="{MARGIN}" width="{:.1}" height="{:.1}"/></clipPath>"#,
        v.w, v.h
    );
    let _ = write!(
        s,
        r##"<rect x="{MARGIN}" y="{MARGIN}" width="{:.1}" height="{:.1}" fill="#dde6ee"/><g clip-path="url(#frame)">"##,
        v.w, v.h
    );
    // Basemap fills, then zones, then lines and markers.
    if let Some(b) = map.basemap {
        s.push_str(r#"<g id="countries">"#);
        for c in &b.countries {
            let fill = if c.name == "Ukraine" {
                "#ffffff"
            } else {
                "#f1efe9"
            };
            for p in &c.polygons {
                let _ = write!(
                    s,
                    r#"<path d="{}" fill="{fill}" fill-rule="evenodd"><title>{}</title></path>"#,
                    v.rings(p),
                    esc(&c.name)
                );
            }
        }
        s.push_str("</g>");
        s.push_str(r#"<g id="occupied-basemap">"#);
        for o in &b.occupied {
            let _ = write!(
                s,
                r##"<path d="{}" fill="url(#hatch-occupied)" stroke="#6b2b2b" stroke-width="1" stroke-dasharray="4 2"><title>{}</title></path>"##,
                v.path(&o.ring, true),
                esc(&o.name)
            );
        }
        s.push_str("</g>");
    }
    s.push_str(r#"<g id="zones">"#);
    for z in &map.zones {
        let (fill, stroke, dash) = match z.kind {
            ZoneKind::Cover => ("url(#dots-cover)", "#2a5d8f", "8 3 2 3"),
            ZoneKind::Buffer => ("url(#lines-buffer)", "#7a6a2a", "6 3"),
            ZoneKind::Hostile => ("url(#hatch-hostile)", "#333", "none"),
            ZoneKind::Occupied => ("url(#hatch-occupied)", "#6b2b2b", "4 2"),
        };
        let _ = write!(
            s,
            r#"<path class="zone {:?}" d="{}" fill="{fill}" fill-opacity="0.75" stroke="{stroke}" stroke-width="1.5" stroke-dasharray="{dash}"><title>{}</title></path>"#,
            z.kind,
            v.path(&z.ring, true),
            esc(&z.name)
        );
    }
    s.push_str("</g>");
    s.push_str(r#"<g id="uncovered">"#);
    for u in &map.uncovered {
        let _ = write!(
            s,
            r##"<path d="{}" fill="url(#cross-uncovered)" fill-rule="evenodd" stroke="#b35900" stroke-width="1"><title>not covered</title></path>"##,
            v.rings(u)
        );
    }
    s.push_str("</g>");
    if let Some(b) = map.basemap {
        s.push_str(r#"<g id="coasts">"#);
        for c in &b.coasts {
            let _ = write!(
                s,
                r##"<path d="{}" fill="none" stroke="#5d7f99" stroke-width="0.8"/>"##,
                v.path(c, false)
            );
        }
        s.push_str(r#"</g><g id="borders">"#);
        for br in &b.borders {
            let ua = br.countries.iter().any(|c| c == "Ukraine");
            let (w, dash) = if ua {
                (2.0, "10 3 2 3")
            } else {
                (1.0, "6 2 1.5 2")
            };
            let _ = write!(
                s,
                r##"<path d="{}" fill="none" stroke="#222" stroke-width="{w}" stroke-dasharray="{dash}"><title>{} – {}</title></path>"##,
                v.path(&br.line, false),
                esc(&br.countries[0]),
                esc(&br.countries[1])
            );
        }
        s.push_str("</g>");
    }
    s.push_str(r#"<g id="lines">"#);
    for l in &map.lines {
        let (stroke, w, dash) = match l.kind {
            LineKind::Contact => ("#8b0000", 3.0, "none"),
            LineKind::Monitored => ("#4b3b8f", 2.5, "10 3 2 3 2 3"),
            LineKind::Other => ("#333", 1.5, "2 3"),
        };
        let _ = write!(
            s,
            r#"<path class="line {:?}" d="{}" fill="none" stroke="{stroke}" stroke-width="{w}" stroke-dasharray="{dash}" stroke-linejoin="round"><title>{}</title></path>"#,
            l.kind,
            v.path(&l.points, false),
            esc(&l.name)
        );
    }
    s.push_str(r#"</g><g id="threat-rings">"#);
    for t in &map.threat_rings {
        let (x, y) = v.xy(t.circle.centre);
        let _ = write!(
            s,
            r##"<path d="{}" fill="none" stroke="#8b0000" stroke-width="2" stroke-dasharray="12 5"><title>{} ({:.0} km)</title></path><path d="M{:.1},{:.1}l5,5m0,-5l-5,5" transform="translate(-2.5,-2.5)" stroke="#8b0000" stroke-width="2"/>"##,
            v.circle(&t.circle),
            esc(&t.name),
            t.circle.radius_km,
            x,
            y
        );
    }
    s.push_str(r#"</g><g id="stations">"#);
    for st in &map.stations {
        let (x, y) = v.xy(st.circle.centre);
        let _ = write!(
            s,
            r##"<g class="station"><path d="{}" fill="none" stroke="#2a5d8f" stroke-width="1.4"/><path d="M{x:.1},{:.1}l5,5l-5,5l-5,-5z" fill="#2a5d8f" stroke="#fff" stroke-width="0.8"/><title>{} ({:.0} km)</title></g>"##,
            v.circle(&st.circle),
            y - 5.0,
            esc(&st.name),
            st.circle.radius_km
        );
    }
    s.push_str(r#"</g><g id="air-defence">"#);
    for a in &map.air_defence {
        let (x, y) = v.xy(a.circle.centre);
        let _ = write!(
            s,
            r##"<g class="ad-site"><path d="{}" fill="none" stroke="#1d6b3a" stroke-width="1.8" stroke-dasharray="1.5 3" stroke-linecap="round"/><path d="M{x:.1},{:.1}l6,10h-12z" fill="#1d6b3a" stroke="#fff" stroke-width="0.8"/><title>{} ({:.0} km)</title></g>"##,
            v.circle(&a.circle),
            y - 6.0,
            esc(&a.name),
            a.circle.radius_km
        );
    }
    s.push_str("</g>");
    let mut labels = Labels::default();
    s.push_str(r#"<g id="places">"#);
    for p in &map.places {
        let (x, y) = v.xy(p.at);
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="#000"/>"##
        );
        labels.add(x, y, &p.name);
    }
    s.push_str(r#"</g><g id="bases">"#);
    for b in &map.bases {
        let (x, y) = v.xy(b.at);
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="#fff" stroke="#000" stroke-width="1.8"/><path d="M{:.1},{y:.1}h7" stroke="#000" stroke-width="1.5"/>"##,
            x - 4.5,
            y - 4.5,
            x - 3.5
        );
        labels.add(x, y, &b.name);
    }
    s.push_str(r#"</g><g id="garrisons">"#);
    for g in &map.garrisons {
        let (x, y) = v.xy(g.at);
        let _ = write!(
            s,
            r##"<path d="M{x:.1},{:.1}v-14h9l-3,3l3,3h-9" fill="#555" stroke="#000" stroke-width="1.2"/>"##,
            y + 1.0
        );
        labels.add(x, y, &g.name);
    }
    s.push_str("</g>");
    let _ = write!(s, r#"<g id="labels" font-size="11">{}</g>"#, labels.svg);
    s.push_str("</g>");
    let _ = write!(
        s,
        r##"<rect x="{MARGIN}" y="{MARGIN}" width="{:.1}" height="{:.1}" fill="none" stroke="#000" stroke-width="1"/>"##,
        v.w, v.h
    );
    north_arrow(&mut s, MARGIN + v.w - 28.0, MARGIN + 14.0);
    scale_bar(&mut s, &v);
    legend(&mut s, map, MARGIN * 2.0 + v.w, MARGIN);
    s.push_str("</g></svg>\n");
    s
}

/// Labels placed beside their marker, moved to another side when they would
/// overlap a label already placed.
#[derive(Default)]
struct Labels {
    svg: String,
    placed: Vec<(f64, f64, f64, f64)>,
}

impl Labels {
    fn add(&mut self, x: f64, y: f64, name: &str) {
        // Width estimated at 6.2 px a character for an 11 px sans-serif.
        let w = 6.2 * name.chars().count() as f64;
        let h = 12.0;
        let options = [
            (x + 7.0, y - 4.0, "start"),
            (x + 7.0, y + 13.0, "start"),
            (x - 7.0, y - 4.0, "end"),
            (x - 7.0, y + 13.0, "end"),
        ];
        let rect = |&(lx, ly, anchor): &(f64, f64, &str)| {
            let x0 = if anchor == "end" { lx - w } else { lx };
            (x0, ly - h + 2.0, x0 + w, ly + 2.0)
        };
        let free = |r: (f64, f64, f64, f64)| {
            self.placed
                .iter()
                .all(|p| r.2 <= p.0 || r.0 >= p.2 || r.3 <= p.1 || r.1 >= p.3)
        };
        let choice = options
            .iter()
            .find(|o| free(rect(o)))
            .unwrap_or(&options[0]);
        self.placed.push(rect(choice));
        let _ = write!(
            self.svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="{}" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
            choice.0,
            choice.1,
            choice.2,
            esc(name)
        );
    }
}

fn north_arrow(s: &mut String, x: f64, y: f64) {
    let _ = write!(
        s,
        r##"<g id="north-arrow"><path d="M{x:.1},{y:.1}l9,26l-9,-7l-9,7z" fill="#000" stroke="#000"/><text x="{x:.1}" y="{:.1}" font-size="13" font-weight="bold" text-anchor="middle">N</text></g>"##,
        y + 40.0
    );
}

/// A round length of about a fifth of the frame width.
fn nice_km(approx: f64) -> f64 {
    let p = 10f64.powf(approx.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= approx {
            return m * p;
        }
    }
    p
}

fn scale_bar(s: &mut String, v: &View) {
    let km = nice_km(v.w / v.scale / 5.0);
    let px = km * v.scale;
    let (x, y) = (MARGIN + 14.0, MARGIN + v.h - 20.0);
    let _ = write!(
        s,
        r##"<g id="scale-bar"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="26" fill="#fff" fill-opacity="0.85"/><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="6" fill="#000"/><rect x="{:.1}" y="{y:.1}" width="{:.1}" height="6" fill="#fff" stroke="#000"/><text x="{x:.1}" y="{:.1}" font-size="11">0</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{} km</text></g>"##,
        x - 6.0,
        y - 16.0,
        px + 40.0,
        px / 2.0,
        x + px / 2.0,
        px / 2.0,
        y - 4.0,
        x + px + 20.0,
        y - 4.0,
        km
    );
}

fn legend_height(map: &Map<'_>) -> f64 {
    let mut scratch = String::new();
    legend(&mut scratch, map, 0.0, 0.0)
}

/// Draw the legend; returns its height.
fn legend(s: &mut String, map: &Map<'_>, x: f64, y: f64) -> f64 {
    let mut rows: Vec<(String, String)> = Vec::new();
    let swatch_area = |fill: &str, stroke: &str, dash: &str| {
        format!(
            r#"<rect x="0" y="-10" width="30" height="14" fill="{fill}" stroke="{stroke}" stroke-width="1.5" stroke-dasharray="{dash}"/>"#
        )
    };
    let swatch_line = |stroke: &str, w: f64, dash: &str| {
        format!(
            r#"<path d="M0,-3h30" stroke="{stroke}" stroke-width="{w}" stroke-dasharray="{dash}" fill="none"/>"#
        )
    };
    if let Some(b) = map.basemap {
        rows.push((
            swatch_line("#222", 2.0, "10 3 2 3"),
            "Border of Ukraine (internationally recognised)".into(),
        ));
        rows.push((
            swatch_line("#222", 1.0, "6 2 1.5 2"),
            "Other land border".into(),
        ));
        rows.push((swatch_line("#5d7f99", 0.8, "none"), "Coastline".into()));
        if !b.occupied.is_empty() || map.zones.iter().any(|z| z.kind == ZoneKind::Occupied) {
            rows.push((
                swatch_area("url(#hatch-occupied)", "#6b2b2b", "4 2"),
                "Occupied by Russia (part of Ukraine)".into(),
            ));
        }
    } else if map.zones.iter().any(|z| z.kind == ZoneKind::Occupied) {
        rows.push((
            swatch_area("url(#hatch-occupied)", "#6b2b2b", "4 2"),
            "Occupied territory".into(),
        ));
    }
    let has = |k: ZoneKind| map.zones.iter().any(|z| z.kind == k);
    if has(ZoneKind::Cover) {
        rows.push((
            swatch_area("url(#dots-cover)", "#2a5d8f", "8 3 2 3"),
            "Area to cover".into(),
        ));
    }
    if has(ZoneKind::Buffer) {
        rows.push((
            swatch_area("url(#lines-buffer)", "#7a6a2a", "6 3"),
            "No-contact / buffer zone".into(),
        ));
    }
    if has(ZoneKind::Hostile) {
        rows.push((
            swatch_area("url(#hatch-hostile)", "#333", "none"),
            "Hostile territory".into(),
        ));
    }
    if !map.uncovered.is_empty() {
        rows.push((
            swatch_area("url(#cross-uncovered)", "#b35900", "none"),
            "Not covered (stand-off)".into(),
        ));
    }
    let has_line = |k: LineKind| map.lines.iter().any(|l| l.kind == k);
    if has_line(LineKind::Contact) {
        rows.push((
            swatch_line("#8b0000", 3.0, "none"),
            "Line of contact".into(),
        ));
    }
    if has_line(LineKind::Monitored) {
        rows.push((
            swatch_line("#4b3b8f", 2.5, "10 3 2 3 2 3"),
            "Monitored line".into(),
        ));
    }
    if has_line(LineKind::Other) {
        rows.push((swatch_line("#333", 1.5, "2 3"), "Other line".into()));
    }
    if !map.threat_rings.is_empty() {
        rows.push((swatch_line("#8b0000", 2.0, "12 5"), "Threat ring".into()));
    }
    if !map.stations.is_empty() {
        rows.push((
            r##"<path d="M0,-3h30" stroke="#2a5d8f" stroke-width="1.3"/><path d="M15,-8l5,5l-5,5l-5,-5z" fill="#2a5d8f"/>"##.into(),
            "Patrol station and its engagement circle".into(),
        ));
    }
    if !map.air_defence.is_empty() {
        rows.push((
            r##"<path d="M0,-3h30" stroke="#1d6b3a" stroke-width="1.8" stroke-dasharray="1.5 3" stroke-linecap="round"/><path d="M15,-9l6,10h-12z" fill="#1d6b3a"/>"##.into(),
            "Air-defence site and its coverage".into(),
        ));
    }
    if !map.bases.is_empty() {
        rows.push((
            r##"<rect x="10.5" y="-7.5" width="9" height="9" fill="#fff" stroke="#000" stroke-width="1.8"/><path d="M11.5,-3h7" stroke="#000" stroke-width="1.5"/>"##.into(),
            "Air base".into(),
        ));
    }
    if !map.garrisons.is_empty() {
        rows.push((
            r##"<path d="M12,4v-14h9l-3,3l3,3h-9" fill="#555" stroke="#000" stroke-width="1.2"/>"##
                .into(),
            "Garrison".into(),
        ));
    }
    if !map.places.is_empty() {
        rows.push((
            r##"<circle cx="15" cy="-3" r="3" fill="#000"/>"##.into(),
            "Place".into(),
        ));
    }
    let h = 44.0 + 22.0 * rows.len() as f64 + 42.0;
    let _ = write!(
        s,
        r##"<g id="legend" transform="translate({x:.1},{y:.1})" font-size="11.5"><rect width="{LEGEND_W}" height="{h:.0}" fill="#fff" stroke="#000"/><text x="10" y="20" font-size="13" font-weight="bold">Legend</text>"##
    );
    for (i, (swatch, text)) in rows.iter().enumerate() {
        let _ = write!(
            s,
            r#"<g class="legend-row" transform="translate(10,{:.0})">{swatch}<text x="38" y="0">{}</text></g>"#,
            44.0 + 22.0 * i as f64,
            esc(text)
        );
    }
    let foot = 44.0 + 22.0 * rows.len() as f64;
    let _ = write!(
        s,
        r##"<text x="10" y="{:.0}" font-size="9.5" fill="#333">Borders: Natural Earth (public domain),</text><text x="10" y="{:.0}" font-size="9.5" fill="#333">Crimea redrawn as part of Ukraine.</text><text x="10" y="{:.0}" font-size="9.5" fill="#333">Azimuthal equidistant; scale true at centre.</text></g>"##,
        foot + 4.0,
        foot + 17.0,
        foot + 30.0
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_km_rounds_down_to_1_2_5() {
        assert_eq!(nice_km(260.0), 200.0);
        assert_eq!(nice_km(99.0), 50.0);
        assert_eq!(nice_km(510.0), 500.0);
        assert_eq!(nice_km(1.0), 1.0);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc(r#"A & B <"C">"#), "A &amp; B &lt;&quot;C&quot;&gt;");
    }
}
