//! Structural reading: TOML text → [`Scenario`], collecting every error.
//!
//! The reader walks toml's spanned document tree by hand instead of using
//! serde, because serde stops at the first error and users want all of them.
//! It checks syntax, types, unknown keys and the range of every number, and
//! records the source span of every value it reads in a [`SpanMap`] keyed by
//! an index path (`actors[2].red_lines[0].component`), so that the semantic
//! checks in [`crate::validate`] can point at the right token.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod deterrence;
mod geography;

use crate::diagnostic::{Problem, ProblemKind};
use crate::rules::{FieldKind, RuleSpec, all_task_keys, rule_names, rule_spec};
use crate::suggest::closest;
use crate::types::*;

/// Source spans of every value read, keyed by index path.
#[derive(Debug, Default, Clone)]
pub struct SpanMap {
    spans: BTreeMap<String, Range<usize>>,
}

impl SpanMap {
    fn insert(&mut self, path: &str, span: Range<usize>) {
        self.spans.insert(path.to_string(), span);
    }

    /// Span of `path`, or of its nearest recorded ancestor.
    pub fn get(&self, path: &str) -> Range<usize> {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(p) {
                return s.clone();
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 0..0,
            }
        }
    }
}

type Val<'i> = Spanned<DeValue<'i>>;

/// Largest magnitude of any number in a scenario. Real planning figures stay far
/// below it (the largest are personnel counts and costs in millions); the bound
/// keeps every product the engine forms finite.
pub(crate) const MAX_MAGNITUDE: f64 = 1e12;

/// Valid range of a number.
#[derive(Clone, Copy)]
enum Range01 {
    /// Any finite number.
    Finite,
    /// ≥ 0.
    NonNegative,
    /// > 0.
    Positive,
    /// In [0, 1].
    Unit,
    /// ≥ 1.
    AtLeastOne,
    /// In [0, 0.5] (a precision on utilities and levels).
    Precision,
    /// 1, 2 or 3 (a NATO Force Model readiness tier).
    Tier,
}

impl Range01 {
    fn check(self, x: f64) -> Result<(), &'static str> {
        let ok = match self {
            Range01::Finite => true,
            Range01::NonNegative => x >= 0.0,
            Range01::Positive => x > 0.0,
            Range01::Unit => (0.0..=1.0).contains(&x),
            Range01::AtLeastOne => x >= 1.0,
            Range01::Precision => (0.0..=0.5).contains(&x),
            Range01::Tier => x == 1.0 || x == 2.0 || x == 3.0,
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                Range01::Finite => "a finite number",
                Range01::NonNegative => "a number ≥ 0",
                Range01::Positive => "a number > 0",
                Range01::Unit => "a number between 0 and 1",
                Range01::AtLeastOne => "a number ≥ 1",
                Range01::Precision => "a number between 0 and 0.5",
                Range01::Tier => "1, 2 or 3 (NATO Force Model tier)",
            })
        }
    }
}

struct Cx {
    problems: Vec<Problem>,
    spans: SpanMap,
}

impl Cx {
    fn error(
        &mut self,
        kind: ProblemKind,
        span: Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.problems.push(Problem {
            kind,
            message,
            span,
            label: label.to_string(),
            help,
        });
    }
}

/// A table being read; remembers which keys were asked for so that
/// [`Tbl::finish`] can report the rest as unknown.
struct Tbl<'a, 'i> {
    t: &'a DeTable<'i>,
    span: Range<usize>,
    path: String,
    what: &'static str,
    known: Vec<&'static str>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    fn new(v: &'a Val<'i>, path: &str, what: &'static str, cx: &mut Cx) -> Option<Self> {
        cx.spans.insert(path, v.span());
        match v.get_ref() {
            DeValue::Table(t) => Some(Tbl {
                t,
                span: v.span(),
                path: path.to_string(),
                what,
                known: Vec::new(),
            }),
            other => {
                cx.error(
                    ProblemKind::WrongType,
                    v.span(),
                    format!(
                        "`{}` must be a table ({what}), found {}",
                        path,
                        other.type_str()
                    ),
                    "expected a table",
                    Some(format!(
                        "write it as a `[{path}]` section or an inline table `{{ key = value }}`"
                    )),
                );
                None
            }
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Val<'i>> {
        self.known.push(key);
        self.t.get(key)
    }

    fn missing(&self, key: &str, cx: &mut Cx, hint: &str) {
        cx.error(
            ProblemKind::MissingKey,
            self.span.clone(),
            format!(
                "{} `{}` is missing the required key `{key}`",
                self.what, self.path
            ),
            "in this table",
            Some(format!("add `{key} = {hint}`")),
        );
    }

    fn finish(self, cx: &mut Cx) {
        for (k, v) in self.t.iter() {
            let name: &str = k.get_ref();
            if self.known.contains(&name) {
                continue;
            }
            let suggestion = closest(name, &self.known);
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? Known keys here: {}",
                    self.known.join(", ")
                ),
                None => format!("known keys here: {}", self.known.join(", ")),
            };
            let _ = v;
            cx.error(
                ProblemKind::UnknownKey,
                k.span(),
                format!("unknown key `{name}` in {} `{}`", self.what, self.path),
                "unknown key",
                Some(help),
            );
        }
    }

    // ---- typed getters ----

    fn req_str(&mut self, key: &'static str, cx: &mut Cx) -> String {
        match self.get(key) {
            Some(v) => read_str(v, &self.key_path(key), cx).unwrap_or_default(),
            None => {
                self.missing(key, cx, "\"…\"");
                String::new()
            }
        }
    }

    fn opt_str(&mut self, key: &'static str, cx: &mut Cx) -> Option<String> {
        let v = self.get(key)?;
        read_str(v, &self.key_path(key), cx)
    }

    fn str_or(&mut self, key: &'static str, cx: &mut Cx, default: &str) -> String {
        self.opt_str(key, cx).unwrap_or_else(|| default.to_string())
    }

    fn req_num(&mut self, key: &'static str, range: Range01, cx: &mut Cx) -> f64 {
        match self.get(key) {
            Some(v) => read_num(v, &self.key_path(key), range, cx).unwrap_or(0.0),
            None => {
                self.missing(key, cx, "<number>");
                0.0
            }
        }
    }

    fn opt_num(&mut self, key: &'static str, range: Range01, cx: &mut Cx) -> Option<f64> {
        let v = self.get(key)?;
        read_num(v, &self.key_path(key), range, cx)
    }

    fn num_or(&mut self, key: &'static str, range: Range01, cx: &mut Cx, default: f64) -> f64 {
        self.opt_num(key, range, cx).unwrap_or(default)
    }

    fn bool_or(&mut self, key: &'static str, cx: &mut Cx, default: bool) -> bool {
        let Some(v) = self.get(key) else {
            return default;
        };
        let path = self.key_path(key);
        cx.spans.insert(&path, v.span());
        match v.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                cx.error(
                    ProblemKind::WrongType,
                    v.span(),
                    format!("`{path}` must be true or false, found {}", other.type_str()),
                    "expected a boolean",
                    Some("write true or false, without quotes".into()),
                );
                default
            }
        }
    }

    fn str_list(&mut self, key: &'static str, cx: &mut Cx) -> Vec<String> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let path = self.key_path(key);
        each(v, &path, cx, read_str)
    }

    fn num_map(&mut self, key: &'static str, range: Range01, cx: &mut Cx) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        let Some(v) = self.get(key) else {
            return out;
        };
        let path = self.key_path(key);
        cx.spans.insert(&path, v.span());
        let DeValue::Table(t) = v.get_ref() else {
            cx.error(
                ProblemKind::WrongType,
                v.span(),
                format!(
                    "`{path}` must be a table of numbers, found {}",
                    v.get_ref().type_str()
                ),
                "expected a table",
                Some(format!("write `{key} = {{ some_id = 0.5 }}`")),
            );
            return out;
        };
        for (k, item) in t.iter() {
            let kp = format!("{path}.{}", k.get_ref());
            cx.spans.insert(&format!("{kp}#key"), k.span());
            if let Some(x) = read_num(item, &kp, range, cx) {
                out.insert(k.get_ref().to_string(), x);
            }
        }
        out
    }

    /// An array of tables, each read by `f`.
    fn tables<T>(
        &mut self,
        key: &'static str,
        what: &'static str,
        cx: &mut Cx,
        mut f: impl FnMut(&mut Tbl<'a, 'i>, &mut Cx) -> T,
    ) -> Vec<T> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let path = self.key_path(key);
        each(v, &path, cx, |item, p, cx| {
            let mut t = Tbl::new(item, p, what, cx)?;
            let out = f(&mut t, cx);
            t.finish(cx);
            Some(out)
        })
    }
}

fn each<'a, 'i, T>(
    v: &'a Val<'i>,
    path: &str,
    cx: &mut Cx,
    mut f: impl FnMut(&'a Val<'i>, &str, &mut Cx) -> Option<T>,
) -> Vec<T> {
    cx.spans.insert(path, v.span());
    let DeValue::Array(items) = v.get_ref() else {
        cx.error(
            ProblemKind::WrongType,
            v.span(),
            format!(
                "`{path}` must be an array, found {}",
                v.get_ref().type_str()
            ),
            "expected an array",
            Some(
                "write a list in brackets, e.g. `[\"a\", \"b\"]`, or repeat `[[table]]` headers"
                    .into(),
            ),
        );
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| f(item, &format!("{path}[{i}]"), cx))
        .collect()
}

fn read_str(v: &Val<'_>, path: &str, cx: &mut Cx) -> Option<String> {
    cx.spans.insert(path, v.span());
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Datetime(d) => Some(d.to_string()),
        other => {
            cx.error(
                ProblemKind::WrongType,
                v.span(),
                format!("`{path}` must be a string, found {}", other.type_str()),
                "expected a string",
                Some("put the value in double quotes".into()),
            );
            None
        }
    }
}

fn read_num(v: &Val<'_>, path: &str, range: Range01, cx: &mut Cx) -> Option<f64> {
    cx.spans.insert(path, v.span());
    let x = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        other => {
            cx.error(
                ProblemKind::WrongType,
                v.span(),
                format!("`{path}` must be a number, found {}", other.type_str()),
                "expected a number",
                Some("write a number without quotes, e.g. `0.5` or `12`".into()),
            );
            return None;
        }
    };
    let Some(x) = x else {
        cx.error(
            ProblemKind::OutOfRange,
            v.span(),
            format!("`{path}` is not a representable number"),
            "out of range",
            Some(
                "write a number between -1e308 and 1e308; planning figures are far smaller".into(),
            ),
        );
        return None;
    };
    if !x.is_finite() {
        cx.error(
            ProblemKind::OutOfRange,
            v.span(),
            format!("`{path}` must be a finite number, found {x}"),
            "not finite",
            Some("NaN and infinity are not allowed; write the intended value".into()),
        );
        return None;
    }
    if x.abs() > MAX_MAGNITUDE {
        cx.error(
    ProblemKind::OutOfRange,
            v.span(),
            format!("`{path}` is {x:e}, beyond any plausible planning figure"),
            "implausibly large",
            Some(format!(
                "numbers are limited to ±{MAX_MAGNITUDE:e} (counts, units, personnel and costs in the scenario's currency unit); check the unit and the exponent"
            )),
        );
        return None;
    }
    if let Err(expected) = range.check(x) {
        cx.error(
            ProblemKind::OutOfRange,
            v.span(),
            format!("`{path}` must be {expected}, found {x}"),
            "out of range",
            Some(format!("change the value to {expected}")),
        );
        return None;
    }
    Some(x)
}

/// Read a scenario's structure. Returns the scenario (with defaults where
/// values were bad) and every problem found.
pub(crate) fn read(src: &str) -> (Option<Scenario>, Vec<Problem>, SpanMap) {
    let mut cx = Cx {
        problems: Vec::new(),
        spans: SpanMap::default(),
    };
    let (doc, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            cx.error(
                ProblemKind::Syntax,
                span,
                format!("TOML syntax error: {}", e.message().trim()),
                "here",
                Some("fix the TOML syntax (quotes, brackets, `key = value`)".into()),
            );
        }
        return (None, cx.problems, cx.spans);
    }
    let root_val: Val<'_> = Spanned::new(doc.span(), DeValue::Table(doc.into_inner()));
    let Some(mut root) = Tbl::new(&root_val, "", "scenario", &mut cx) else {
        return (None, cx.problems, cx.spans);
    };
    let scenario = read_scenario(&mut root, &mut cx);
    root.finish(&mut cx);
    (Some(scenario), cx.problems, cx.spans)
}

/// Read one red line an inject adds, written as TOML keys (`actor` and the
/// keys of an `[[actors.red_lines]]` entry), with the scenario reader's own
/// checks (types, kinds, unknown keys). Problems come with their spans in `src`.
pub(crate) fn read_added_red_line(src: &str) -> Result<crate::injects::AddedRedLine, Vec<Problem>> {
    let mut cx = Cx {
        problems: Vec::new(),
        spans: SpanMap::default(),
    };
    let (doc, errors) = DeTable::parse_recoverable(src);
    for e in errors {
        cx.error(
            ProblemKind::Syntax,
            e.span().unwrap_or(0..0),
            format!("TOML syntax error: {}", e.message().trim()),
            "here",
            Some("write one `key = value` a line, e.g. `id = \"no_ground_force\"`".into()),
        );
    }
    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    let root_val: Val<'_> = Spanned::new(doc.span(), DeValue::Table(doc.into_inner()));
    let Some(mut t) = Tbl::new(&root_val, "add_red_line", "red line", &mut cx) else {
        return Err(cx.problems);
    };
    let actor = t.req_str("actor", &mut cx);
    let red_line = read_red_line(&mut t, &mut cx);
    t.finish(&mut cx);
    if cx.problems.is_empty() {
        Ok(crate::injects::AddedRedLine { actor, red_line })
    } else {
        Err(cx.problems)
    }
}

fn sub<'a, 'i>(
    t: &mut Tbl<'a, 'i>,
    key: &'static str,
    what: &'static str,
    cx: &mut Cx,
) -> Option<Tbl<'a, 'i>> {
    let v = t.get(key)?;
    let p = t.key_path(key);
    Tbl::new(v, &p, what, cx)
}

fn read_scenario(root: &mut Tbl<'_, '_>, cx: &mut Cx) -> Scenario {
    let meta = match sub(root, "meta", "section", cx) {
        Some(mut t) => {
            let m = read_meta(&mut t, cx);
            t.finish(cx);
            m
        }
        None => {
            if root.t.get("meta").is_none() {
                root.missing("meta", cx, "{ id = \"…\", title = \"…\" }");
            }
            Meta {
                id: String::new(),
                title: String::new(),
                as_of: String::new(),
                disclaimer: String::new(),
                currency: default_currency(),
                sources: Vec::new(),
            }
        }
    };
    let parameters = match sub(root, "parameters", "section", cx) {
        Some(mut t) => {
            let p = read_parameters(&mut t, cx);
            t.finish(cx);
            p
        }
        None => Parameters::default(),
    };
    let capabilities = root.tables("capabilities", "capability", cx, read_capability);
    let dimensions = root.tables("dimensions", "dimension", cx, read_dimension);
    let actors = root.tables("actors", "actor", cx, read_actor);
    let components = root.tables("components", "component", cx, read_component);
    let synergies = root.tables("synergies", "synergy", cx, read_synergy);
    let uncertainty = root.tables("uncertainty", "uncertainty", cx, read_uncertainty);
    let geography = match sub(root, "geography", "section", cx) {
        Some(mut t) => {
            let g = geography::read_geography(&mut t, cx);
            t.finish(cx);
            g
        }
        None => crate::geography::Geography::default(),
    };
    let injects = root.tables("injects", "inject", cx, read_inject);
    Scenario {
        meta,
        parameters,
        capabilities,
        dimensions,
        actors,
        components,
        synergies,
        uncertainty,
        geography,
        injects,
    }
}

fn read_meta(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Meta {
    Meta {
        id: t.req_str("id", cx),
        title: t.req_str("title", cx),
        as_of: t.str_or("as_of", cx, ""),
        disclaimer: t.str_or("disclaimer", cx, ""),
        currency: t.opt_str("currency", cx).unwrap_or_else(default_currency),
        sources: t.tables("sources", "source", cx, |s, cx| Source {
            id: s.req_str("id", cx),
            citation: s.req_str("citation", cx),
            url: s.str_or("url", cx, ""),
            date: s.str_or("date", cx, ""),
        }),
    }
}

fn read_parameters(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Parameters {
    let d = Parameters::default();
    let horizon_years = t.num_or("horizon_years", Range01::Positive, cx, d.horizon_years);
    let required_acceptance = t.str_list("required_acceptance", cx);
    let rotation = t.num_map("rotation", Range01::AtLeastOne, cx);
    let air = match sub(t, "air", "section", cx) {
        Some(mut a) => {
            let air = read_air(&mut a, cx);
            a.finish(cx);
            air
        }
        None => AirParameters::default(),
    };
    let solver_time_limit_s = t.num_or(
        "solver_time_limit_s",
        Range01::Positive,
        cx,
        d.solver_time_limit_s,
    );
    let acceptance_precision = t.num_or(
        "acceptance_precision",
        Range01::Precision,
        cx,
        d.acceptance_precision,
    );
    let deterrence = match sub(t, "deterrence", "section", cx) {
        Some(mut a) => {
            let x = deterrence::read_deterrence(&mut a, cx);
            a.finish(cx);
            x
        }
        None => d.deterrence.clone(),
    };
    let escalation = match sub(t, "escalation", "section", cx) {
        Some(mut a) => {
            let x = deterrence::read_escalation(&mut a, cx);
            a.finish(cx);
            x
        }
        None => d.escalation.clone(),
    };
    Parameters {
        horizon_years,
        required_acceptance,
        rotation,
        air,
        solver_time_limit_s,
        acceptance_precision,
        deterrence,
        escalation,
    }
}

fn read_air(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> AirParameters {
    let d = AirParameters::default();
    AirParameters {
        aircraft_per_station: t.num_or(
            "aircraft_per_station",
            Range01::Positive,
            cx,
            d.aircraft_per_station,
        ),
        hours_per_day: hours(t, "hours_per_day", cx).unwrap_or(d.hours_per_day),
        time_on_station_h: t.num_or(
            "time_on_station_h",
            Range01::Positive,
            cx,
            d.time_on_station_h,
        ),
        sorties_per_aircraft_day: t.num_or(
            "sorties_per_aircraft_day",
            Range01::Positive,
            cx,
            d.sorties_per_aircraft_day,
        ),
        availability: availability(t, "availability", cx).unwrap_or(d.availability),
        qra_aircraft: t.num_or("qra_aircraft", Range01::NonNegative, cx, d.qra_aircraft),
        tanker_on_station_h: t.num_or(
            "tanker_on_station_h",
            Range01::Positive,
            cx,
            d.tanker_on_station_h,
        ),
        aew_on_station_h: t.num_or(
            "aew_on_station_h",
            Range01::Positive,
            cx,
            d.aew_on_station_h,
        ),
    }
}

/// Hours per day: in (0, 24].
fn hours(t: &mut Tbl<'_, '_>, key: &'static str, cx: &mut Cx) -> Option<f64> {
    let h = t.opt_num(key, Range01::Positive, cx)?;
    if h > 24.0 {
        let path = t.key_path(key);
        cx.error(
            ProblemKind::OutOfRange,
            cx.spans.get(&path),
            format!("`{path}` must be at most 24 hours a day, found {h}"),
            "more than a day",
            Some("use 24 for round-the-clock coverage".into()),
        );
        return None;
    }
    Some(h)
}

/// Availability: in (0, 1].
fn availability(t: &mut Tbl<'_, '_>, key: &'static str, cx: &mut Cx) -> Option<f64> {
    let a = t.opt_num(key, Range01::Unit, cx)?;
    if a == 0.0 {
        let path = t.key_path(key);
        cx.error(
            ProblemKind::OutOfRange,
            cx.spans.get(&path),
            format!("`{path}` must be above 0: no aircraft would ever be available"),
            "zero availability",
            Some("use the share of aircraft mission-capable on a day, e.g. 0.6".into()),
        );
        return None;
    }
    Some(a)
}

fn read_capability(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Capability {
    Capability {
        id: t.req_str("id", cx),
        name: t.req_str("name", cx),
        unit: t.str_or("unit", cx, ""),
        force_type: t.req_str("force_type", cx),
        ground: t.bool_or("ground", cx, false),
        integer: t.bool_or("integer", cx, true),
        granularity: t.opt_num("granularity", Range01::Positive, cx),
        bundle: t.num_map("bundle", Range01::Positive, cx),
        kind: read_capability_kind(t, cx),
    }
}

/// `kind` of a capability: `forces` (the default) or `munitions`.
fn read_capability_kind(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> CapabilityKind {
    let Some(s) = t.opt_str("kind", cx) else {
        return CapabilityKind::Forces;
    };
    match CapabilityKind::ALL.iter().find(|(w, _)| *w == s) {
        Some((_, k)) => *k,
        None => {
            let names: Vec<&str> = CapabilityKind::ALL.iter().map(|w| w.0).collect();
            let path = t.key_path("kind");
            let near = closest(&s, &names)
                .map(|n| format!("did you mean \"{n}\"? "))
                .unwrap_or_default();
            cx.error(
                ProblemKind::UnknownValue,
                cx.spans.get(&path),
                format!("unknown capability kind \"{s}\" in `{path}`"),
                "unknown kind",
                Some(format!(
                    "{near}use \"forces\" (units that deploy; the default, so the key can be left out) or \"munitions\" (a flow of munitions or supplies, such as interceptors a year)"
                )),
            );
            CapabilityKind::Forces
        }
    }
}

fn read_dimension(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Dimension {
    Dimension {
        id: t.req_str("id", cx),
        name: t.req_str("name", cx),
        anchors: t.tables("anchors", "anchor", cx, |a, cx| Anchor {
            at: a.req_num("at", Range01::Unit, cx),
            label: a.req_str("label", cx),
        }),
        default: t.opt_num("default", Range01::Unit, cx),
        derive: t.tables("derive", "derivation", cx, deterrence::read_derivation),
    }
}

fn read_actor(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Actor {
    let id = t.req_str("id", cx);
    let name = t.req_str("name", cx);
    let capability = t.num_or("capability", Range01::NonNegative, cx, 0.0);
    let reservation = t.req_num("reservation", Range01::Unit, cx);
    let member_of = t.str_list("member_of", cx);
    let position = t.num_map("position", Range01::Unit, cx);
    let salience = t.num_map("salience", Range01::Unit, cx);
    let red_lines = t.tables("red_lines", "red line", cx, read_red_line);
    let inventory = read_inventory(t, cx);
    let caveats = t.tables("caveats", "caveat", cx, read_caveat);
    let notes = t.str_or("notes", cx, "");
    Actor {
        id,
        name,
        capability,
        reservation,
        member_of,
        position,
        salience,
        red_lines,
        inventory,
        caveats,
        notes,
    }
}

fn read_inventory(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> BTreeMap<String, InventoryItem> {
    let mut out = BTreeMap::new();
    let Some(inv) = sub(t, "inventory", "inventory", cx) else {
        return out;
    };
    let entries: Vec<_> = inv.t.iter().collect();
    for (k, v) in entries {
        let cap: &str = k.get_ref();
        let path = format!("{}.{cap}", inv.path);
        cx.spans.insert(&format!("{path}#key"), k.span());
        let Some(mut item) = Tbl::new(v, &path, "inventory item", cx) else {
            continue;
        };
        let it = InventoryItem {
            count: item.req_num("count", Range01::NonNegative, cx),
            readiness: item.num_or("readiness", Range01::Unit, cx, 1.0),
            deployable_share: item.num_or("deployable_share", Range01::Unit, cx, 1.0),
            cost_per_unit_year: item.num_or("cost_per_unit_year", Range01::NonNegative, cx, 0.0),
            source: item.str_or("source", cx, ""),
            deploy_days: item.opt_num("deploy_days", Range01::NonNegative, cx),
            force_model_tier: item
                .opt_num("force_model_tier", Range01::Tier, cx)
                .map(|t| t as u8),
        };
        item.finish(cx);
        out.insert(cap.to_string(), it);
    }
    // Every key of the inventory table is a capability id (checked in validation),
    // so the table has no unknown keys of its own: `inv.finish` is not called.
    drop(inv);
    out
}

fn read_filter(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> ContributionFilter {
    ContributionFilter {
        capabilities: t.str_list("capabilities", cx),
        ground: t.bool_or("ground", cx, false),
        in_theatre_only: t.bool_or("in_theatre_only", cx, true),
    }
}

fn read_condition(t: &mut Tbl<'_, '_>, key: &'static str, cx: &mut Cx) -> Option<LevelCondition> {
    let mut c = sub(t, key, "condition", cx)?;
    let dimension = c.req_str("dimension", cx);
    let op = read_op(&mut c, cx);
    let value = c.req_num("value", Range01::Unit, cx);
    c.finish(cx);
    Some(LevelCondition {
        dimension,
        op,
        value,
    })
}

fn read_op(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Comparison {
    let s = t.req_str("op", cx);
    if s.is_empty() {
        return Comparison::Gt;
    }
    Comparison::parse(&s).unwrap_or_else(|| {
        let path = t.key_path("op");
        cx.error(
            ProblemKind::UnknownValue,
            cx.spans.get(&path),
            format!("`{path}` must be one of lt, le, gt, ge; found \"{s}\""),
            "unknown comparison",
            Some("use \"lt\" (<), \"le\" (≤), \"gt\" (>) or \"ge\" (≥)".into()),
        );
        Comparison::Gt
    })
}

fn read_caveat(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Caveat {
    Caveat {
        id: t.req_str("id", cx),
        applies_to: read_filter(t, cx),
        lifted_when: read_condition(t, "lifted_when", cx),
        statement: t.str_or("statement", cx, ""),
    }
}

fn read_red_line(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> RedLine {
    let id = t.req_str("id", cx);
    let hardness = match t.req_str("hardness", cx).as_str() {
        "stated" | "" => Hardness::Stated,
        "inferred" => Hardness::Inferred,
        other => {
            let path = t.key_path("hardness");
            cx.error(
                ProblemKind::UnknownValue,
                cx.spans.get(&path),
                format!("`{path}` must be \"stated\" or \"inferred\", found \"{other}\""),
                "unknown hardness",
                Some(
                    "\"stated\": said publicly by the actor; \"inferred\": read by analysts".into(),
                ),
            );
            Hardness::Stated
        }
    };
    let flexibility = t.num_or("flexibility", Range01::Unit, cx, 0.0);
    let statement = t.str_or("statement", cx, "");
    let source = t.str_or("source", cx, "");
    let kind = t.req_str("kind", cx);
    let rule = match kind.as_str() {
        "option" => RedLineRule::Option {
            component: t.req_str("component", cx),
            options: t.str_list("options", cx),
        },
        "level" => RedLineRule::Level {
            dimension: t.req_str("dimension", cx),
            op: read_op(t, cx),
            value: t.req_num("value", Range01::Unit, cx),
        },
        "contribution" => RedLineRule::Contribution {
            applies_to: read_filter(t, cx),
            from_actors: t.str_list("from_actors", cx),
            from_members_of: t.str_list("from_members_of", cx),
        },
        other => {
            if !other.is_empty() {
                let path = t.key_path("kind");
                cx.error(
    ProblemKind::UnknownValue,
                    cx.spans.get(&path),
                    format!("`{path}` must be \"option\", \"level\" or \"contribution\", found \"{other}\""),
                    "unknown red-line kind",
                    Some(
                        "\"option\" forbids options of a component, \"level\" a level on a dimension, \
                         \"contribution\" forces from some contributors"
                            .into(),
                    ),
                );
            }
            // Mark the rule keys as known so one bad `kind` gives one error.
            for k in [
                "component",
                "options",
                "dimension",
                "op",
                "value",
                "capabilities",
                "ground",
                "in_theatre_only",
                "from_actors",
                "from_members_of",
            ] {
                t.known.push(k);
            }
            RedLineRule::Option {
                component: String::new(),
                options: Vec::new(),
            }
        }
    };
    RedLine {
        id,
        hardness,
        flexibility,
        statement,
        source,
        rule,
    }
}

fn read_component(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Component {
    Component {
        id: t.req_str("id", cx),
        name: t.req_str("name", cx),
        short: t.str_or("short", cx, ""),
        options: t.tables("options", "option", cx, read_option),
    }
}

fn read_option(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> OptionDef {
    OptionDef {
        id: t.req_str("id", cx),
        name: t.str_or("name", cx, ""),
        short: t.str_or("short", cx, ""),
        levels: t.num_map("levels", Range01::Unit, cx),
        deterrence: t.num_or("deterrence", Range01::Finite, cx, 0.0),
        defender_personnel: t.opt_num("defender_personnel", Range01::NonNegative, cx),
        distance_to_line_km: t.opt_num("distance_to_line_km", Range01::NonNegative, cx),
        cost_per_year: t.num_or("cost_per_year", Range01::NonNegative, cx, 0.0),
        one_off_cost: t.num_or("one_off_cost", Range01::NonNegative, cx, 0.0),
        tasks: t.tables("tasks", "task", cx, read_task),
        note: t.str_or("note", cx, ""),
        requires: t.str_list("requires", cx),
        excludes: t.str_list("excludes", cx),
        within_days: t.opt_num("within_days", Range01::NonNegative, cx),
    }
}

/// A task's keys as its rule's row in [`crate::rules::SIZING_RULES`] says:
/// numbers checked against their domains, defaults filled in.
struct RuleFields {
    numbers: BTreeMap<&'static str, Option<f64>>,
    capabilities: BTreeMap<&'static str, String>,
    flags: BTreeMap<&'static str, bool>,
    lists: BTreeMap<&'static str, Vec<String>>,
}

impl RuleFields {
    fn num(&self, key: &str) -> f64 {
        self.numbers.get(key).copied().flatten().unwrap_or(0.0)
    }
    fn opt(&self, key: &str) -> Option<f64> {
        self.numbers.get(key).copied().flatten()
    }
    fn cap(&self, key: &str) -> String {
        self.capabilities.get(key).cloned().unwrap_or_default()
    }
    fn flag(&self, key: &str) -> bool {
        self.flags.get(key).copied().unwrap_or(false)
    }
    fn list(&self, key: &str) -> Vec<String> {
        self.lists.get(key).cloned().unwrap_or_default()
    }
}

/// A number in `domain`, or `None` (reported) when it is outside.
fn num_in(t: &mut Tbl<'_, '_>, key: &'static str, domain: Domain, cx: &mut Cx) -> Option<f64> {
    match domain {
        Domain::Hours => hours(t, key, cx),
        Domain::UnitPositive => availability(t, key, cx),
        Domain::Finite => t.opt_num(key, Range01::Finite, cx),
        Domain::NonNegative => t.opt_num(key, Range01::NonNegative, cx),
        Domain::Positive => t.opt_num(key, Range01::Positive, cx),
        Domain::Unit | Domain::Binary => t.opt_num(key, Range01::Unit, cx),
        Domain::AtLeastOne => t.opt_num(key, Range01::AtLeastOne, cx),
    }
}

fn read_rule_fields(t: &mut Tbl<'_, '_>, spec: &RuleSpec, cx: &mut Cx) -> RuleFields {
    let mut f = RuleFields {
        numbers: BTreeMap::new(),
        capabilities: BTreeMap::new(),
        flags: BTreeMap::new(),
        lists: BTreeMap::new(),
    };
    for field in spec.fields {
        let key = field.key;
        match field.kind {
            FieldKind::Number {
                domain,
                default: None,
            } => {
                let present = t.get(key).is_some();
                let v = if present {
                    num_in(t, key, domain, cx)
                } else {
                    Some(t.req_num(key, Range01::Finite, cx))
                };
                f.numbers.insert(key, v);
            }
            FieldKind::Number {
                domain,
                default: Some(d),
            } => {
                let v = if t.get(key).is_some() {
                    num_in(t, key, domain, cx)
                } else {
                    t.known.push(key);
                    Some(d)
                };
                f.numbers.insert(key, v);
            }
            FieldKind::AirOverride(domain) | FieldKind::Override(domain) => {
                let v = num_in(t, key, domain, cx);
                f.numbers.insert(key, v);
            }
            FieldKind::Id { .. } => {
                f.capabilities.insert(key, t.req_str(key, cx));
            }
            FieldKind::Text => {
                f.capabilities.insert(key, t.str_or(key, cx, ""));
            }
            FieldKind::Ids { what } => {
                if t.get(key).is_none() {
                    t.missing(key, cx, "[\"…\"]");
                }
                let list = t.str_list(key, cx);
                if list.is_empty() && t.get(key).is_some() {
                    let path = t.key_path(key);
                    cx.error(
                        ProblemKind::Empty,
                        cx.spans.get(&path),
                        format!("`{path}` lists no {what}"),
                        "empty list",
                        Some(format!("name at least one {what} id from `[geography]`")),
                    );
                }
                f.lists.insert(key, list);
            }
            FieldKind::Capability { default: None } => {
                f.capabilities.insert(key, t.req_str(key, cx));
            }
            FieldKind::Capability { default: Some(d) } => {
                f.capabilities.insert(key, t.str_or(key, cx, d));
            }
            FieldKind::Flag { default } => {
                f.flags.insert(key, t.bool_or(key, cx, default));
            }
        }
    }
    f
}

/// The rule of a task from its checked keys: the one place that maps a row of
/// the table onto its [`SizingRule`] variant.
fn build_rule(name: &str, f: &RuleFields) -> SizingRule {
    match name {
        "standing_ground_force" => SizingRule::StandingGroundForce {
            personnel: f.num("personnel"),
            units: f.num("units"),
            personnel_capability: f.cap("personnel_capability"),
            unit_capability: f.cap("unit_capability"),
        },
        "combat_air_patrol" => SizingRule::CombatAirPatrol {
            stations: f.num("stations"),
            tanker_orbits: f.num("tanker_orbits"),
            aew_orbits: f.num("aew_orbits"),
            overrides: AirOverrides {
                aircraft_per_station: f.opt("aircraft_per_station"),
                hours_per_day: f.opt("hours_per_day"),
                time_on_station_h: f.opt("time_on_station_h"),
                sorties_per_aircraft_day: f.opt("sorties_per_aircraft_day"),
                availability: f.opt("availability"),
                qra_aircraft: f.opt("qra_aircraft"),
            },
            fighter_capability: f.cap("fighter_capability"),
            tanker_capability: f.cap("tanker_capability"),
            aew_capability: f.cap("aew_capability"),
        },
        "air_policing" => SizingRule::AirPolicing {
            aircraft_on_duty: f.num("aircraft_on_duty"),
            availability: f.opt("availability"),
            fighter_capability: f.cap("fighter_capability"),
        },
        "orbit" => SizingRule::Orbit {
            capability: f.cap("capability"),
            orbits: f.num("orbits"),
            on_station_h: f.num("on_station_h"),
            availability: f.opt("availability"),
        },
        "point_air_defence" => SizingRule::PointAirDefence {
            sites: f.num("sites"),
            batteries_per_site: f.num("batteries_per_site"),
            capability: f.cap("capability"),
            transfer: f.flag("transfer"),
        },
        "monitoring" => SizingRule::Monitoring {
            line_km: f.num("line_km"),
            monitors_per_km: f.num("monitors_per_km"),
            capability: f.cap("capability"),
        },
        "garrison" => SizingRule::Garrison {
            sites: f.num("sites"),
            personnel_per_site: f.num("personnel_per_site"),
            capability: f.cap("capability"),
        },
        "materiel_supply" => SizingRule::MaterielSupply {
            value_per_year: f.num("value_per_year"),
            capability: f.cap("capability"),
        },
        "fixed_units" => SizingRule::FixedUnits {
            capability: f.cap("capability"),
            units: f.num("units"),
        },
        "patrol_zone" => SizingRule::PatrolZone(crate::geography::PatrolZoneRule {
            zone: f.cap("zone"),
            aircraft: f.cap("aircraft"),
            engagement_radius_km: f.num("engagement_radius_km"),
            standoff_km: f.num("standoff_km"),
            refuellings_per_sortie: f.num("refuellings_per_sortie"),
            hours_per_refuelling: f.num("hours_per_refuelling"),
            fuel_per_refuelling_t: f.num("fuel_per_refuelling_t"),
            tanker_offload_t: f.num("tanker_offload_t"),
            aew_orbits: f.num("aew_orbits"),
            stations: f.opt("stations"),
            tanker_orbits: f.opt("tanker_orbits"),
            overrides: crate::geography::PatrolOverrides {
                aircraft_per_station: f.opt("aircraft_per_station"),
                hours_per_day: f.opt("hours_per_day"),
                time_on_station_h: f.opt("time_on_station_h"),
                sorties_per_aircraft_day: f.opt("sorties_per_aircraft_day"),
                availability: f.opt("availability"),
                qra_aircraft: f.opt("qra_aircraft"),
            },
            fighter_capability: f.cap("fighter_capability"),
            tanker_capability: f.cap("tanker_capability"),
            aew_capability: f.cap("aew_capability"),
        }),
        "air_defence_umbrella" => {
            SizingRule::AirDefenceUmbrella(crate::geography::AirDefenceUmbrellaRule {
                places: f.list("places"),
                coverage_radius_km: f.opt("coverage_radius_km"),
                system: f.cap("system"),
                threat: f.cap("threat"),
                batteries_per_site: f.num("batteries_per_site"),
                sites: f.opt("sites"),
                engagements_per_year: f.num("engagements_per_year"),
                interceptors_per_engagement: f.num("interceptors_per_engagement"),
                interceptor_production_per_year: f.num("interceptor_production_per_year"),
                capability: f.cap("capability"),
                transfer: f.flag("transfer"),
                interceptor_capability: f.cap("interceptor_capability"),
            })
        }
        "monitor_line" => SizingRule::MonitorLine(crate::geography::MonitorLineRule {
            line: f.cap("line"),
            monitors_per_km: f.num("monitors_per_km"),
            line_km: f.opt("line_km"),
            capability: f.cap("capability"),
        }),
        "garrison_places" => SizingRule::GarrisonPlaces(crate::geography::GarrisonPlacesRule {
            places: f.list("places"),
            personnel_per_place: f.num("personnel_per_place"),
            brigades: f.num("brigades"),
            sector: f.cap("sector"),
            km_per_brigade: f.num("km_per_brigade"),
            capability: f.cap("capability"),
            unit_capability: f.cap("unit_capability"),
        }),
        other => unreachable!("rule \"{other}\" has a row in SIZING_RULES but no variant"),
    }
}

fn read_task(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Task {
    let id = t.req_str("id", cx);
    let providers = t.str_list("providers", cx);
    let in_theatre = t.bool_or("in_theatre", cx, true);
    let rule_name = t.req_str("rule", cx);
    let rule = match rule_spec(&rule_name) {
        Some(spec) => {
            let fields = read_rule_fields(t, spec, cx);
            build_rule(spec.name, &fields)
        }
        None => {
            let names = rule_names();
            if !rule_name.is_empty() {
                let path = t.key_path("rule");
                let help = match closest(&rule_name, &names) {
                    Some(s) => format!("did you mean \"{s}\"? Sizing rules: {}", names.join(", ")),
                    None => format!("sizing rules: {}", names.join(", ")),
                };
                cx.error(
                    ProblemKind::UnknownValue,
                    cx.spans.get(&path),
                    format!("`{path}` names an unknown sizing rule \"{rule_name}\""),
                    "unknown sizing rule",
                    Some(help),
                );
            }
            // The parameters cannot be checked without a known rule: accept any key.
            let all = all_task_keys();
            let keys: Vec<&str> = t.t.keys().map(|k| k.get_ref().as_ref()).collect();
            for k in keys {
                if let Some(known) = all.iter().find(|x| **x == k) {
                    t.known.push(known);
                }
            }
            SizingRule::FixedUnits {
                capability: String::new(),
                units: 0.0,
            }
        }
    };
    Task {
        id,
        rule,
        providers,
        in_theatre,
    }
}

fn read_synergy(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Synergy {
    let id = t.req_str("id", cx);
    let mut when = BTreeMap::new();
    if let Some(v) = t.get("when") {
        let path = t.key_path("when");
        cx.spans.insert(&path, v.span());
        match v.get_ref() {
            DeValue::Table(w) => {
                for (k, opts) in w.iter() {
                    let kp = format!("{path}.{}", k.get_ref());
                    cx.spans.insert(&format!("{kp}#key"), k.span());
                    let list = each(opts, &kp, cx, read_str);
                    when.insert(k.get_ref().to_string(), list);
                }
            }
            other => cx.error(
                ProblemKind::WrongType,
                v.span(),
                format!(
                    "`{path}` must be a table of component = [options], found {}",
                    other.type_str()
                ),
                "expected a table",
                Some("write `when = { ground_force = [\"reassurance_medium\"] }`".into()),
            ),
        }
    } else {
        t.missing("when", cx, "{ component = [\"option\"] }");
    }
    Synergy {
        id,
        when,
        bonus: t.req_num("bonus", Range01::Finite, cx),
        statement: t.str_or("statement", cx, ""),
    }
}

const DIST_KEYS: &[&str] = &["min", "max", "mode", "mean", "sd", "values", "weights", "p"];

fn read_uncertainty(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> crate::uncertainty::Uncertainty {
    use crate::uncertainty::{DISTRIBUTIONS, Distribution, Uncertainty};
    let path = t.req_str("path", cx);
    let label = t.str_or("label", cx, "");
    let source = t.str_or("source", cx, "");
    let group = t.str_or("group", cx, "");
    let name = t.req_str("dist", cx);
    let fin = Range01::Finite;
    let dist = match name.as_str() {
        "uniform" => {
            let min = t.req_num("min", fin, cx);
            let max = t.req_num("max", fin, cx);
            ordered(t, cx, min, max);
            Distribution::Uniform { min, max }
        }
        "triangular" | "pert" => {
            let min = t.req_num("min", fin, cx);
            let mode = t.req_num("mode", fin, cx);
            let max = t.req_num("max", fin, cx);
            if ordered(t, cx, min, max) && !(min..=max).contains(&mode) {
                let p = t.key_path("mode");
                cx.error(
                    ProblemKind::OutOfRange,
                    cx.spans.get(&p),
                    format!("`{p}` ({mode}) must lie between min ({min}) and max ({max})"),
                    "mode outside the range",
                    Some("the mode is the most likely value; put it inside [min, max]".into()),
                );
            }
            if name == "pert" {
                Distribution::Pert { min, mode, max }
            } else {
                Distribution::Triangular { min, mode, max }
            }
        }
        "normal" => {
            let mean = t.req_num("mean", fin, cx);
            let sd = t.req_num("sd", Range01::Positive, cx);
            let min = t.req_num("min", fin, cx);
            let max = t.req_num("max", fin, cx);
            if ordered(t, cx, min, max) && !(min..=max).contains(&mean) {
                let p = t.key_path("mean");
                cx.error(
                    ProblemKind::OutOfRange,
                    cx.spans.get(&p),
                    format!("`{p}` ({mean}) must lie between min ({min}) and max ({max})"),
                    "mean outside the truncation range",
                    Some("a normal is truncated to [min, max]; centre it inside the range".into()),
                );
            }
            Distribution::Normal { mean, sd, min, max }
        }
        "discrete" => {
            let values = num_list(t, "values", fin, cx);
            let weights = num_list(t, "weights", Range01::Positive, cx);
            if values.is_empty() && t.t.get("values").is_some() {
                let p = t.key_path("values");
                cx.error(
                    ProblemKind::Empty,
                    cx.spans.get(&p),
                    format!("`{p}` must list at least one value"),
                    "no values",
                    Some("write e.g. `values = [2, 3, 4]`".into()),
                );
            } else if t.t.get("values").is_none() {
                t.missing("values", cx, "[…]");
            }
            let n_weights = match t.t.get("weights").map(|v| v.get_ref()) {
                Some(DeValue::Array(a)) => a.len(),
                _ => 0,
            };
            if n_weights > 0 && n_weights != values.len() {
                let p = t.key_path("weights");
                cx.error(
                    ProblemKind::Inconsistent,
                    cx.spans.get(&p),
                    format!("`{p}` has {n_weights} weights for {} values", values.len()),
                    "one weight per value",
                    Some(
                        "give one positive weight per value, or omit `weights` for equal weights"
                            .into(),
                    ),
                );
            }
            Distribution::Discrete { values, weights }
        }
        "bernoulli" => Distribution::Bernoulli {
            p: t.opt_num("p", Range01::Unit, cx),
        },
        other => {
            if !other.is_empty() {
                let p = t.key_path("dist");
                let help = match closest(other, DISTRIBUTIONS) {
                    Some(s) => format!(
                        "did you mean \"{s}\"? Distributions: {}",
                        DISTRIBUTIONS.join(", ")
                    ),
                    None => format!("distributions: {}", DISTRIBUTIONS.join(", ")),
                };
                cx.error(
                    ProblemKind::UnknownValue,
                    cx.spans.get(&p),
                    format!("`{p}` names an unknown distribution \"{other}\""),
                    "unknown distribution",
                    Some(help),
                );
            }
            // The parameters cannot be checked without a known distribution.
            for k in DIST_KEYS {
                t.known.push(k);
            }
            Distribution::Uniform { min: 0.0, max: 0.0 }
        }
    };
    Uncertainty {
        path,
        dist,
        label,
        source,
        group,
    }
}

/// Check min < max, reporting at `max`. Returns whether they are ordered.
fn ordered(t: &mut Tbl<'_, '_>, cx: &mut Cx, min: f64, max: f64) -> bool {
    if min < max {
        return true;
    }
    let p = t.key_path("max");
    cx.error(
        ProblemKind::OutOfRange,
        cx.spans.get(&p),
        format!("`{p}` ({max}) must be above `min` ({min})"),
        "empty range",
        Some("swap min and max, or remove the declaration if the value is not uncertain".into()),
    );
    false
}

fn num_list(t: &mut Tbl<'_, '_>, key: &'static str, range: Range01, cx: &mut Cx) -> Vec<f64> {
    let Some(v) = t.get(key) else {
        return Vec::new();
    };
    let path = t.key_path(key);
    each(v, &path, cx, |item, p, cx| read_num(item, p, range, cx))
}

fn read_inject(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> crate::injects::Inject {
    let id = t.req_str("id", cx);
    // One of round, day and date (checked in `injects::inject_when`).
    let whole = |t: &mut Tbl<'_, '_>, key: &'static str, cx: &mut Cx| -> Option<u32> {
        let v = t.opt_num(key, Range01::AtLeastOne, cx)?;
        if v.fract() != 0.0 || v > f64::from(u32::MAX) {
            let p = t.key_path(key);
            cx.error(
                ProblemKind::OutOfRange,
                cx.spans.get(&p),
                format!("`{p}` must be a whole {key} number (1, 2, …), found {v}"),
                "not a whole number",
                Some(match key {
                    "round" => "write the round whose opening releases the inject, e.g. `round = 2`".into(),
                    _ => "write the in-game day that releases the inject, e.g. `day = 17` (day 1: round 1 opens)".into(),
                }),
            );
            return None;
        }
        Some(v as u32)
    };
    let round = whole(t, "round", cx).unwrap_or(0);
    let day = whole(t, "day", cx);
    let date = t.opt_str("date", cx);
    let text = t.req_str("text", cx);
    let targets = t.str_list("targets", cx);
    let set = t.str_list("set", cx);
    let add_red_lines = t.tables("add_red_lines", "red line", cx, |r, cx| {
        let actor = r.req_str("actor", cx);
        crate::injects::AddedRedLine {
            actor,
            red_line: read_red_line(r, cx),
        }
    });
    let source = t.str_or("source", cx, "");
    crate::injects::Inject {
        id,
        round,
        day,
        date,
        text,
        targets,
        set,
        add_red_lines,
        source,
    }
}
