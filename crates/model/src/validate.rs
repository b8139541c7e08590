//! Semantic checks on a structurally valid scenario: references, duplicates,
//! empty sets, coverage of dimensions. Every check reports and goes on, so a
//! file yields all of its problems at once.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Problem, ProblemKind};
use crate::read::SpanMap;
use crate::suggest::closest;
use crate::types::*;

struct Checker<'a> {
    spans: &'a SpanMap,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn error(
        &mut self,
        kind: ProblemKind,
        path: &str,
        message: String,
        label: &str,
        help: impl Into<Option<String>>,
    ) {
        self.problems.push(Problem {
            kind,
            message,
            span: self.spans.get(path),
            label: label.to_string(),
            help: help.into(),
        });
    }

    /// Check that `id` is one of `known`; report a dangling reference otherwise.
    fn reference(&mut self, path: &str, id: &str, what: &str, known: &BTreeSet<&str>) -> bool {
        if known.contains(id) {
            return true;
        }
        let folded = fold_lookalikes(id);
        let near = known
            .contains(folded.as_str())
            .then_some(folded.as_str())
            .or_else(|| closest(id, known));
        let list: Vec<&str> = known.iter().copied().take(12).collect();
        let more = if known.len() > 12 { ", …" } else { "" };
        let mut help = match near {
            Some(n) => format!("did you mean \"{n}\"?"),
            None if known.is_empty() => format!("the scenario defines no {what}; define it first"),
            None => format!("known {what} ids: {}{more}", list.join(", ")),
        };
        let odd: Vec<String> = id
            .chars()
            .filter(|c| !c.is_ascii())
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        if !odd.is_empty() {
            help.push_str(&format!(
                " (the id holds non-ASCII characters {} that may look like ASCII or be invisible)",
                odd.join(", ")
            ));
        }
        self.error(
            ProblemKind::UnknownReference,
            path,
            format!("unknown {what} \"{id}\""),
            &format!("no {what} with this id"),
            help,
        );
        false
    }

    /// Report ids that are empty, malformed or defined twice.
    fn ids<'s>(
        &mut self,
        what: &str,
        base: &str,
        ids: impl Iterator<Item = &'s str>,
    ) -> BTreeSet<&'s str> {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, id) in ids.enumerate() {
            let path = format!("{base}[{i}].id");
            if id.is_empty() {
                self.error(
                    ProblemKind::BadId,
                    &path,
                    format!("{what} id must not be empty"),
                    "empty id",
                    "give it a short snake_case id".to_string(),
                );
                continue;
            }
            if !id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                self.error(
                    ProblemKind::BadId,
                    &path,
                    format!("{what} id \"{id}\" may only contain letters, digits, `_` and `-`"),
                    "malformed id",
                    Some(format!("use e.g. \"{}\"", sanitize(id))),
                );
            }
            if let Some(first) = seen.insert(id, i) {
                self.error(
                    ProblemKind::Duplicate,
                    &path,
                    format!("duplicate {what} id \"{id}\" (first defined at {base}[{first}])"),
                    "defined again here",
                    "rename one of them; ids must be unique".to_string(),
                );
            }
        }
        seen.into_keys().collect()
    }
}

/// An id with invisible characters dropped and common Cyrillic and Greek
/// look-alikes of Latin letters replaced, to suggest the id that was meant.
fn fold_lookalikes(id: &str) -> String {
    id.chars()
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{FEFF}'))
        .map(|c| match c {
            'а' => 'a',
            'е' => 'e',
            'о' | 'ο' => 'o',
            'р' | 'ρ' => 'p',
            'с' => 'c',
            'х' | 'χ' => 'x',
            'у' => 'y',
            'і' | 'ι' => 'i',
            'ѕ' => 's',
            'ј' => 'j',
            'к' | 'κ' => 'k',
            'т' | 'τ' => 't',
            'ν' => 'v',
            c => c,
        })
        .collect()
}

fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The ids each section may refer to, collected once.
struct Known<'s> {
    caps: BTreeSet<&'s str>,
    dims: BTreeSet<&'s str>,
    actors: BTreeSet<&'s str>,
    comps: BTreeSet<&'s str>,
    orgs: BTreeSet<&'s str>,
}

/// Check references and invariants the types cannot express: one `check_*`
/// function per section of the file, each reporting and going on.
pub(crate) fn validate(s: &Scenario, spans: &SpanMap) -> Vec<Problem> {
    let mut ck = Checker {
        spans,
        problems: Vec::new(),
    };
    let known = check_ids(&mut ck, s, spans);
    check_not_empty(&mut ck, s);
    check_parameters(&mut ck, s, &known);
    check_dimensions(&mut ck, s);
    check_actors(&mut ck, s, &known);
    check_components(&mut ck, s, &known);
    check_synergies(&mut ck, s, &known);
    check_option_rules(&mut ck, s, &known);
    check_granularity(&mut ck, s);
    check_bundles(&mut ck, s, &known);
    check_uncertainties(&mut ck, s);
    check_geography(&mut ck, s, &known);
    check_deterrence(&mut ck, s, &known);
    check_injects(&mut ck, s, &known);
    ck.problems
}

/// Ids: empty, malformed or defined twice; the sets of known ids.
fn check_ids<'s>(ck: &mut Checker<'_>, s: &'s Scenario, spans: &SpanMap) -> Known<'s> {
    ck.ids(
        "source",
        "meta.sources",
        s.meta.sources.iter().map(|x| x.id.as_str()),
    );
    if s.meta.id.is_empty() && spans.get("meta.id") != (0..0) {
        ck.error(
            ProblemKind::BadId,
            "meta.id",
            "scenario id must not be empty".into(),
            "empty id",
            Some("give the scenario a short snake_case id, e.g. \"ukraine-2025-08\"".into()),
        );
    }
    let caps = ck.ids(
        "capability",
        "capabilities",
        s.capabilities.iter().map(|x| x.id.as_str()),
    );
    let dims = ck.ids(
        "dimension",
        "dimensions",
        s.dimensions.iter().map(|x| x.id.as_str()),
    );
    let actors = ck.ids("actor", "actors", s.actors.iter().map(|x| x.id.as_str()));
    let comps = ck.ids(
        "component",
        "components",
        s.components.iter().map(|x| x.id.as_str()),
    );
    ck.ids(
        "synergy",
        "synergies",
        s.synergies.iter().map(|x| x.id.as_str()),
    );
    let orgs: BTreeSet<&str> = s
        .actors
        .iter()
        .flat_map(|a| a.member_of.iter().map(String::as_str))
        .collect();

    Known {
        caps,
        dims,
        actors,
        comps,
        orgs,
    }
}

/// A scenario needs actors, components and dimensions.
fn check_not_empty(ck: &mut Checker<'_>, s: &Scenario) {
    if s.actors.is_empty() {
        ck.error(
            ProblemKind::Empty,
            "",
            "the scenario defines no actors".into(),
            "here",
            "add at least one `[[actors]]` table".to_string(),
        );
    }
    if s.components.is_empty() {
        ck.error(
            ProblemKind::Empty,
            "",
            "the scenario defines no components".into(),
            "here",
            "add at least one `[[components]]` table with options".to_string(),
        );
    }
    if s.dimensions.is_empty() {
        ck.error(
            ProblemKind::Empty,
            "",
            "the scenario defines no dimensions".into(),
            "here",
            "add at least one `[[dimensions]]` table; utilities are computed over dimensions"
                .to_string(),
        );
    }
}

/// `[parameters]`: required actors and rotation ratios.
fn check_parameters(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    for (i, a) in s.parameters.required_acceptance.iter().enumerate() {
        ck.reference(
            &format!("parameters.required_acceptance[{i}]"),
            a,
            "actor",
            &known.actors,
        );
        if s.parameters.required_acceptance[..i].contains(a) {
            ck.error(
                ProblemKind::Duplicate,
                &format!("parameters.required_acceptance[{i}]"),
                format!("duplicate actor \"{a}\" in required_acceptance"),
                "listed twice",
                Some("list each required actor once".to_string()),
            );
        }
    }
    let force_types: BTreeSet<&str> = s
        .capabilities
        .iter()
        .map(|c| c.force_type.as_str())
        .collect();
    for (i, c) in s.capabilities.iter().enumerate() {
        if !c.force_type.is_empty() && !s.parameters.rotation.contains_key(&c.force_type) {
            ck.error(
    ProblemKind::Inconsistent,
                &format!("capabilities[{i}].force_type"),
                format!("capability \"{}\" has force type \"{}\" but `parameters.rotation` gives no ratio for it", c.id, c.force_type),
                "no rotation ratio",
                Some(format!("add `{} = 3.0` under `[parameters.rotation]` (use 1.0 for no rotation)", c.force_type)),
            );
        }
    }
    for k in s.parameters.rotation.keys() {
        if !force_types.contains(k.as_str()) {
            let path = format!("parameters.rotation.{k}#key");
            let near = closest(k, &force_types);
            ck.error(
                ProblemKind::Inconsistent,
                &path,
                format!("rotation ratio for force type \"{k}\", which no capability has"),
                "unused force type",
                Some(match near {
                    Some(n) => format!("did you mean \"{n}\"?"),
                    None => format!(
                        "force types in use: {}",
                        force_types.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                }),
            );
        }
    }
}

/// `[[dimensions]]`: anchors and whether every package sets a level.
fn check_dimensions(ck: &mut Checker<'_>, s: &Scenario) {
    for (i, d) in s.dimensions.iter().enumerate() {
        let mut ats = BTreeSet::new();
        for (j, a) in d.anchors.iter().enumerate() {
            if !ats.insert(a.at.to_bits()) {
                ck.error(
                    ProblemKind::Duplicate,
                    &format!("dimensions[{i}].anchors[{j}].at"),
                    format!("dimension \"{}\" has two anchors at {}", d.id, a.at),
                    "duplicate anchor",
                    "give each anchor its own level".to_string(),
                );
            }
        }
        if d.default.is_none() && !s.components.is_empty() {
            let always_set = s.components.iter().any(|c| {
                !c.options.is_empty() && c.options.iter().all(|o| o.levels.contains_key(&d.id))
            });
            if !always_set {
                let unset: Vec<String> = s
                    .components
                    .iter()
                    .flat_map(|c| {
                        c.options
                            .iter()
                            .filter(|o| !o.levels.contains_key(&d.id))
                            .map(move |o| format!("{}={}", c.id, o.id))
                    })
                    .take(4)
                    .collect();
                ck.error(
    ProblemKind::Inconsistent,
                    &format!("dimensions[{i}].id"),
                    format!("dimension \"{}\" has no `default` and some packages leave it unset (e.g. {})", d.id, unset.join(", ")),
                    "level undefined in some packages",
                    Some("add `default = <level>` (the level when no chosen option sets it), or set it in every option of one component".into()),
                );
            }
        }
    }
}

/// `[[actors]]`: positions, saliences, inventories, caveats and red lines.
fn check_actors(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    for (i, a) in s.actors.iter().enumerate() {
        let base = format!("actors[{i}]");
        for d in a.position.keys() {
            ck.reference(
                &format!("{base}.position.{d}#key"),
                d,
                "dimension",
                &known.dims,
            );
        }
        for (d, w) in &a.salience {
            if ck.reference(
                &format!("{base}.salience.{d}#key"),
                d,
                "dimension",
                &known.dims,
            ) && *w > 0.0
                && !a.position.contains_key(d)
            {
                ck.error(
                    ProblemKind::Inconsistent,
                    &format!("{base}.salience.{d}"),
                    format!(
                        "actor \"{}\" has a salience on \"{d}\" but no position there",
                        a.id
                    ),
                    "no matching position",
                    Some(format!("add `{d} = <level>` to the actor's `position`")),
                );
            }
        }
        if !a.salience.values().any(|w| *w > 0.0) && !s.dimensions.is_empty() {
            ck.error(
    ProblemKind::Inconsistent,
                &format!("{base}.id"),
                format!("actor \"{}\" has no positive salience on any dimension, so its utility is undefined", a.id),
                "no salience",
                Some("add `[actors.salience]` with at least one weight above 0".into()),
            );
        }
        for cap in a.inventory.keys() {
            ck.reference(
                &format!("{base}.inventory.{cap}#key"),
                cap,
                "capability",
                &known.caps,
            );
        }
        ck.ids(
            "red line",
            &format!("{base}.red_lines"),
            a.red_lines.iter().map(|r| r.id.as_str()),
        );
        ck.ids(
            "caveat",
            &format!("{base}.caveats"),
            a.caveats.iter().map(|r| r.id.as_str()),
        );
        for (j, rl) in a.red_lines.iter().enumerate() {
            check_red_line(
                ck,
                s,
                &format!("{base}.red_lines[{j}]"),
                rl,
                &known.comps,
                &known.dims,
                &known.caps,
                &known.actors,
                &known.orgs,
            );
        }
        for (j, cv) in a.caveats.iter().enumerate() {
            let p = format!("{base}.caveats[{j}]");
            check_filter(ck, &p, &cv.applies_to, &known.caps);
            if let Some(c) = &cv.lifted_when {
                ck.reference(
                    &format!("{p}.lifted_when.dimension"),
                    &c.dimension,
                    "dimension",
                    &known.dims,
                );
            }
            if a.inventory.is_empty() {
                ck.error(
                    ProblemKind::Inconsistent,
                    &format!("{p}.id"),
                    format!(
                        "actor \"{}\" has a caveat but no inventory to apply it to",
                        a.id
                    ),
                    "caveat without inventory",
                    Some("remove the caveat or add `[actors.inventory]`".into()),
                );
            }
        }
    }
}

/// `[[components]]`: options, levels and tasks.
fn check_components(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    for (i, c) in s.components.iter().enumerate() {
        let base = format!("components[{i}]");
        if c.options.is_empty() {
            ck.error(ProblemKind::Empty, &format!("{base}.id"), format!("component \"{}\" has no options", c.id), "empty option list", Some("add at least one `[[components.options]]`; a package picks one option per component".into()));
        }
        ck.ids(
            "option",
            &format!("{base}.options"),
            c.options.iter().map(|o| o.id.as_str()),
        );
        for (j, o) in c.options.iter().enumerate() {
            let ob = format!("{base}.options[{j}]");
            for d in o.levels.keys() {
                ck.reference(&format!("{ob}.levels.{d}#key"), d, "dimension", &known.dims);
            }
            ck.ids(
                "task",
                &format!("{ob}.tasks"),
                o.tasks.iter().map(|t| t.id.as_str()),
            );
            for (k, t) in o.tasks.iter().enumerate() {
                let tb = format!("{ob}.tasks[{k}]");
                check_task_geography(ck, s, &tb, &t.rule);
                for cap in t.rule.capabilities() {
                    if ck.reference(&format!("{tb}.rule"), cap, "capability", &known.caps)
                        && !t.providers.is_empty()
                    {
                        let holders: Vec<&str> = t
                            .providers
                            .iter()
                            .filter(|p| {
                                s.actor(p).is_some_and(|a| {
                                    a.inventory.get(cap).is_some_and(|it| it.count > 0.0)
                                })
                            })
                            .map(String::as_str)
                            .collect();
                        if holders.is_empty()
                            && t.providers
                                .iter()
                                .all(|p| known.actors.contains(p.as_str()))
                        {
                            ck.error(
    ProblemKind::Inconsistent,
                                &format!("{tb}.providers"),
                                format!("task \"{}\" of option \"{}.{}\" can only be supplied by {}, who hold no \"{cap}\"", t.id, c.id, o.id, t.providers.join(", ")),
                                "impossible task",
                                Some(format!("add \"{cap}\" to a provider's inventory or widen `providers`")),
                            );
                        }
                    }
                }
                let mut seen = BTreeSet::new();
                for (m, p) in t.providers.iter().enumerate() {
                    let pp = format!("{tb}.providers[{m}]");
                    if ck.reference(&pp, p, "actor", &known.actors) && !seen.insert(p) {
                        ck.error(
                            ProblemKind::Duplicate,
                            &pp,
                            format!("provider \"{p}\" listed twice"),
                            "duplicate",
                            Some("list each provider once".into()),
                        );
                    }
                }
            }
        }
    }
}

/// `[[synergies]]`: conditions naming components and options.
fn check_synergies(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    for (i, sy) in s.synergies.iter().enumerate() {
        let base = format!("synergies[{i}]");
        if sy.when.is_empty() {
            ck.error(
                ProblemKind::Empty,
                &format!("{base}.when"),
                format!("synergy \"{}\" has an empty `when`", sy.id),
                "empty condition",
                Some("name at least one component and its qualifying options".into()),
            );
        }
        for (cid, opts) in &sy.when {
            let cp = format!("{base}.when.{cid}");
            if !ck.reference(&format!("{cp}#key"), cid, "component", &known.comps) {
                continue;
            }
            let comp = s.component(cid).expect("checked above");
            let known: BTreeSet<&str> = comp.options.iter().map(|o| o.id.as_str()).collect();
            if opts.is_empty() {
                ck.error(
                    ProblemKind::Empty,
                    &cp,
                    format!(
                        "synergy \"{}\" lists no options for component \"{cid}\"",
                        sy.id
                    ),
                    "empty list",
                    Some("list the options that qualify".into()),
                );
            }
            for (j, o) in opts.iter().enumerate() {
                ck.reference(&format!("{cp}[{j}]"), o, "option", &known);
            }
        }
    }
}

/// An option's `requires` / `excludes` entry as (component index, option
/// index), when both exist.
fn option_ref(s: &Scenario, entry: &str) -> Option<(usize, usize)> {
    let (c, o) = entry.split_once('.')?;
    let ci = s.components.iter().position(|x| x.id == c)?;
    let oi = s.components[ci].options.iter().position(|x| x.id == o)?;
    Some((ci, oi))
}

/// `requires` / `excludes` of options: "component.option" ids that exist,
/// never of the option's own component, never both required and excluded,
/// and no option whose requirements can never hold with it (every option it
/// requires of a component excludes it or requires another option of its
/// component — a requires cycle).
fn check_option_rules(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    for (i, c) in s.components.iter().enumerate() {
        for (j, o) in c.options.iter().enumerate() {
            let ob = format!("components[{i}].options[{j}]");
            for (key, list) in [("requires", &o.requires), ("excludes", &o.excludes)] {
                for (m, entry) in list.iter().enumerate() {
                    let path = format!("{ob}.{key}[{m}]");
                    let Some((cid, oid)) = entry.split_once('.') else {
                        ck.error(
                            ProblemKind::BadId,
                            &path,
                            format!("`{key}` entry \"{entry}\" of option \"{}.{}\" is not a \"component.option\" id", c.id, o.id),
                            "expected component.option",
                            Some("write e.g. \"ground_force.reassurance_small\"".into()),
                        );
                        continue;
                    };
                    if !ck.reference(&path, cid, "component", &known.comps) {
                        continue;
                    }
                    let comp = s.component(cid).expect("checked above");
                    let opts: BTreeSet<&str> = comp.options.iter().map(|x| x.id.as_str()).collect();
                    if !ck.reference(&path, oid, "option", &opts) {
                        continue;
                    }
                    if cid == c.id {
                        ck.error(
                            ProblemKind::Inconsistent,
                            &path,
                            format!("option \"{}.{}\" {key} \"{entry}\" of its own component", c.id, o.id),
                            "own component",
                            Some("a package holds exactly one option per component; name options of other components".into()),
                        );
                    }
                    if key == "requires" && o.excludes.contains(entry) {
                        ck.error(
                            ProblemKind::Inconsistent,
                            &path,
                            format!(
                                "option \"{}.{}\" both requires and excludes \"{entry}\"",
                                c.id, o.id
                            ),
                            "required and excluded",
                            Some("keep it in one of the two lists".into()),
                        );
                    }
                }
            }
            // A requires cycle: some component it requires offers no option
            // that can be chosen together with it.
            let me = format!("{}.{}", c.id, o.id);
            let mut by_comp: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for e in &o.requires {
                if let Some((ci, oi)) = option_ref(s, e)
                    && ci != i
                {
                    by_comp.entry(ci).or_default().push(oi);
                }
            }
            for (ci, oks) in by_comp {
                let compatible = oks.iter().any(|&oi| {
                    let other = &s.components[ci].options[oi];
                    let own_req: Vec<&String> = other
                        .requires
                        .iter()
                        .filter(|e| e.split_once('.').is_some_and(|(x, _)| x == c.id))
                        .collect();
                    !other.excludes.contains(&me)
                        && !o
                            .excludes
                            .contains(&format!("{}.{}", s.components[ci].id, other.id))
                        && (own_req.is_empty() || own_req.contains(&&me))
                });
                if !compatible {
                    ck.error(
                        ProblemKind::Inconsistent,
                        &format!("{ob}.requires"),
                        format!(
                            "option \"{me}\" can never be chosen: every option of \"{}\" it requires excludes it or requires another option of \"{}\" (a requires cycle)",
                            s.components[ci].id, c.id
                        ),
                        "unsatisfiable",
                        Some("drop one of the conflicting `requires` / `excludes` entries".into()),
                    );
                }
            }
        }
    }
}

/// `granularity` of a capability counted in whole units must be whole.
fn check_granularity(ck: &mut Checker<'_>, s: &Scenario) {
    for (i, k) in s.capabilities.iter().enumerate() {
        if let Some(g) = k.granularity
            && k.integer
            && g.fract() != 0.0
        {
            ck.error(
                ProblemKind::Inconsistent,
                &format!("capabilities[{i}].granularity"),
                format!(
                    "capability \"{}\" counts whole units but its granularity {g} is not whole",
                    k.id
                ),
                "not a whole number",
                Some("give a whole number of units per block, or set `integer = false`".into()),
            );
        }
    }
}

/// `bundle` (whole force packages): the capability counts whole units; every
/// bundled capability exists, is another capability, carries no bundle of
/// its own (one level deep) and, when it counts whole units, comes in whole
/// units per bundle. Sizes are > 0 (the reader checks that).
fn check_bundles(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    for (i, k) in s.capabilities.iter().enumerate() {
        if k.bundle.is_empty() {
            continue;
        }
        let base = format!("capabilities[{i}].bundle");
        if !k.integer {
            ck.error(
                ProblemKind::Inconsistent,
                &base,
                format!(
                    "capability \"{}\" is allocated in bundles but does not count whole units",
                    k.id
                ),
                "bundles need whole units",
                Some("a bundle is one whole unit with what comes with it: remove `integer = false`, or move the bundle to a capability counted in whole units".into()),
            );
        }
        for (other, &n) in &k.bundle {
            let path = format!("{base}.{other}");
            let key = format!("{path}#key");
            if !ck.reference(&key, other, "capability", &known.caps) {
                continue;
            }
            if other == &k.id {
                ck.error(
                    ProblemKind::Inconsistent,
                    &key,
                    format!("capability \"{}\" bundles itself", k.id),
                    "a bundle of itself",
                    Some("list the other capabilities each unit comes with, e.g. `bundle = { ground_personnel = 5000 }`".into()),
                );
                continue;
            }
            let Some(inner) = s.capabilities.iter().find(|c| &c.id == other) else {
                continue;
            };
            if !inner.bundle.is_empty() {
                ck.error(
                    ProblemKind::Inconsistent,
                    &key,
                    format!(
                        "capability \"{}\" bundles \"{other}\", which has a bundle of its own",
                        k.id
                    ),
                    "bundles nest one level only",
                    Some(format!(
                        "list what \"{other}\" brings directly in the bundle of \"{}\"",
                        k.id
                    )),
                );
            }
            if inner.integer && n.fract() != 0.0 {
                ck.error(
                    ProblemKind::Inconsistent,
                    &path,
                    format!(
                        "each unit of \"{}\" comes with {n} \"{other}\", which counts whole units",
                        k.id
                    ),
                    "not a whole number",
                    Some("give a whole number of units per bundle".into()),
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_red_line(
    ck: &mut Checker<'_>,
    s: &Scenario,
    base: &str,
    rl: &RedLine,
    comps: &BTreeSet<&str>,
    dims: &BTreeSet<&str>,
    caps: &BTreeSet<&str>,
    actors: &BTreeSet<&str>,
    orgs: &BTreeSet<&str>,
) {
    match &rl.rule {
        RedLineRule::Option { component, options } => {
            if component.is_empty() {
                return;
            }
            if !ck.reference(&format!("{base}.component"), component, "component", comps) {
                return;
            }
            let comp = s.component(component).expect("checked above");
            let known: BTreeSet<&str> = comp.options.iter().map(|o| o.id.as_str()).collect();
            if options.is_empty() {
                ck.error(
                    ProblemKind::Empty,
                    &format!("{base}.options"),
                    format!("red line \"{}\" forbids no option", rl.id),
                    "empty list",
                    Some(format!("list the options of \"{component}\" it forbids")),
                );
            }
            for (j, o) in options.iter().enumerate() {
                ck.reference(&format!("{base}.options[{j}]"), o, "option", &known);
            }
            if !options.is_empty() && known.iter().all(|k| options.iter().any(|o| o == k)) {
                ck.error(
    ProblemKind::Inconsistent,
                    &format!("{base}.options"),
                    format!("red line \"{}\" forbids every option of \"{component}\", so no package could ever pass it", rl.id),
                    "forbids everything",
                    Some("drop one option from the list, or add an option the actor accepts".into()),
                );
            }
        }
        RedLineRule::Level {
            dimension,
            op,
            value,
        } => {
            if ck.reference(&format!("{base}.dimension"), dimension, "dimension", dims)
                && let Some((low, high)) = level_range(s, dimension)
                && op.holds(low, *value)
                && op.holds(high, *value)
            {
                // `op` is monotone, so it holds at both ends only if it holds everywhere between.
                ck.error(
    ProblemKind::Inconsistent,
                    &format!("{base}.value"),
                    format!(
                        "red line \"{}\" forbids {dimension} {} {}, but every package's level is between {low} and {high}, so no package could ever pass it",
                        rl.id,
                        op.symbol(),
                        value
                    ),
                    "forbids everything",
                    Some(format!("choose a value that some package's level of {dimension} avoids")),
                );
            }
        }
        RedLineRule::Contribution {
            applies_to,
            from_actors,
            from_members_of,
        } => {
            check_filter(ck, base, applies_to, caps);
            if from_actors.is_empty() && from_members_of.is_empty() {
                ck.error(
                    ProblemKind::Empty,
                    &format!("{base}.id"),
                    format!("contribution red line \"{}\" names no contributors", rl.id),
                    "no contributors",
                    Some("add `from_actors = [\"…\"]` or `from_members_of = [\"nato\"]`".into()),
                );
            }
            for (j, a) in from_actors.iter().enumerate() {
                ck.reference(&format!("{base}.from_actors[{j}]"), a, "actor", actors);
            }
            for (j, o) in from_members_of.iter().enumerate() {
                ck.reference(
                    &format!("{base}.from_members_of[{j}]"),
                    o,
                    "organisation (in any actor's `member_of`)",
                    orgs,
                );
            }
        }
    }
}

/// Lowest and highest level a package can have on a dimension: a package's
/// level is the largest any chosen option sets, else the dimension's default.
fn level_range(s: &Scenario, dimension: &str) -> Option<(f64, f64)> {
    let default = s.dimension(dimension)?.default.unwrap_or(0.0);
    // The lowest: components whose every option sets the level force at least
    // their smallest; if no component forces it, the default is reachable, and
    // so is any single option's level.
    let forced = s
        .components
        .iter()
        .filter(|c| {
            !c.options.is_empty() && c.options.iter().all(|o| o.levels.contains_key(dimension))
        })
        .map(|c| {
            c.options
                .iter()
                .map(|o| o.levels[dimension])
                .fold(f64::INFINITY, f64::min)
        })
        .reduce(f64::max);
    // The highest: the largest level any option sets, or the default when it is reachable.
    let set = || {
        s.components.iter().flat_map(|c| {
            c.options
                .iter()
                .filter_map(|o| o.levels.get(dimension).copied())
        })
    };
    let set_max = set().reduce(f64::max);
    // Without a forcing component, one option alone may set a level below the default.
    let low = forced.unwrap_or_else(|| set().fold(default, f64::min));
    let high = match (set_max, forced) {
        (None, _) => default,
        (Some(h), Some(_)) => h,
        (Some(h), None) => h.max(default),
    };
    Some((low, high))
}

fn check_filter(ck: &mut Checker<'_>, base: &str, f: &ContributionFilter, caps: &BTreeSet<&str>) {
    for (j, c) in f.capabilities.iter().enumerate() {
        ck.reference(&format!("{base}.capabilities[{j}]"), c, "capability", caps);
    }
}

/// Declared uncertainties: the path names an existing number, the distribution
/// stays inside that number's domain, no path is declared twice.
fn check_uncertainties(ck: &mut Checker<'_>, s: &Scenario) {
    use crate::paths::{Target, resolve};
    use crate::uncertainty::Distribution;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, u) in s.uncertainty.iter().enumerate() {
        let base = format!("uncertainty[{i}]");
        let target = match resolve(s, &u.path) {
            Ok(t) => t,
            Err(e) => {
                ck.error(
                    ProblemKind::UnknownReference,
                    &format!("{base}.path"),
                    e.message,
                    "no such parameter",
                    e.help,
                );
                continue;
            }
        };
        if let Some(first) = seen.insert(u.path.as_str(), i) {
            ck.error(
                ProblemKind::Duplicate,
                &format!("{base}.path"),
                format!(
                    "uncertainty \"{}\" is declared twice (first at uncertainty[{first}])",
                    u.path
                ),
                "declared again here",
                "keep one declaration per parameter".to_string(),
            );
        }
        let domain = target.domain(s);
        let is_holds = matches!(target, Target::RedLineHolds { .. });
        let is_bernoulli = matches!(u.dist, Distribution::Bernoulli { .. });
        if is_holds != is_bernoulli {
            let (msg, help) = if is_holds {
                (
                    format!("`{}` is a red line holding or not; it needs `dist = \"bernoulli\"`", u.path),
                    "write `dist = \"bernoulli\"`; `p` (chance it holds) defaults to 1 − the red line's flexibility".to_string(),
                )
            } else {
                (
                    format!(
                        "`dist = \"bernoulli\"` is only for red lines (`….holds`), not `{}`",
                        u.path
                    ),
                    "use uniform, triangular, normal, pert or discrete for a number".to_string(),
                )
            };
            ck.error(
                ProblemKind::Inconsistent,
                &format!("{base}.dist"),
                msg,
                "wrong distribution for this parameter",
                help,
            );
            continue;
        }
        if is_holds {
            continue;
        }
        let (lo, hi) = u.dist.support();
        if !(domain.contains(lo) && domain.contains(hi)) {
            let (key, x) = match &u.dist {
                Distribution::Discrete { .. } => {
                    ("values", if domain.contains(lo) { hi } else { lo })
                }
                _ if !domain.contains(lo) => ("min", lo),
                _ => ("max", hi),
            };
            ck.error(
                ProblemKind::OutOfRange,
                &format!("{base}.{key}"),
                format!(
                    "uncertainty \"{}\" reaches {x}, but the parameter must be {}",
                    u.path,
                    domain.describe()
                ),
                "outside the parameter's domain",
                format!("keep the whole distribution {}", domain.describe()),
            );
        }
        // A task parameter that brings in a capability the base value does not
        // use would need that capability defined: only vary ones already in use.
        if let Target::TaskField {
            component,
            option,
            task,
            field,
        } = &target
            && matches!(*field, "units" | "tanker_orbits" | "aew_orbits")
            && target.value(s) == 0.0
            && !matches!(
                s.components[*component].options[*option].tasks[*task].rule,
                SizingRule::FixedUnits { .. }
            )
        {
            ck.error(
                ProblemKind::Inconsistent,
                &format!("{base}.path"),
                format!(
                    "`{}` is 0 in the scenario, so the capability it would need is not checked",
                    u.path
                ),
                "zero base value",
                "give the task a nonzero value first (the uncertainty may still reach 0)"
                    .to_string(),
            );
        }
    }
}

/// A geographic task's references into `[geography]`: its zone, aircraft
/// type, line, sector and places must exist (did-you-mean on a near miss).
fn check_task_geography(ck: &mut Checker<'_>, s: &Scenario, tb: &str, rule: &SizingRule) {
    let g = &s.geography;
    let zones = || {
        g.zones
            .iter()
            .map(|x| x.id.as_str())
            .collect::<BTreeSet<_>>()
    };
    let places = || {
        g.places
            .iter()
            .map(|x| x.id.as_str())
            .collect::<BTreeSet<_>>()
    };
    let lines = || {
        g.lines
            .iter()
            .map(|x| x.id.as_str())
            .collect::<BTreeSet<_>>()
    };
    let aircraft = || {
        g.aircraft
            .iter()
            .map(|x| x.id.as_str())
            .collect::<BTreeSet<_>>()
    };
    match rule {
        SizingRule::PatrolZone(r) => {
            ck.reference(&format!("{tb}.zone"), &r.zone, "zone", &zones());
            ck.reference(
                &format!("{tb}.aircraft"),
                &r.aircraft,
                "aircraft type",
                &aircraft(),
            );
        }
        SizingRule::AirDefenceUmbrella(r) => {
            let known = places();
            for (i, p) in r.places.iter().enumerate() {
                ck.reference(&format!("{tb}.places[{i}]"), p, "place", &known);
            }
            check_air_defence_system(ck, tb, r);
        }
        SizingRule::MonitorLine(r) => {
            ck.reference(&format!("{tb}.line"), &r.line, "line", &lines());
        }
        SizingRule::GarrisonPlaces(r) => {
            let known = places();
            for (i, p) in r.places.iter().enumerate() {
                ck.reference(&format!("{tb}.places[{i}]"), p, "place", &known);
            }
            if !r.sector.is_empty() {
                ck.reference(&format!("{tb}.sector"), &r.sector, "line", &lines());
            }
        }
        _ => {}
    }
}

/// An air-defence umbrella's `threat` must be a known class; without a
/// hand-set `coverage_radius_km`, its `system` must be one of the cited
/// table's (`crate::air_defence`) and have a radius against the threat.
fn check_air_defence_system(
    ck: &mut Checker<'_>,
    tb: &str,
    r: &crate::geography::AirDefenceUmbrellaRule,
) {
    use crate::air_defence::{ThreatClass, known_systems, system_coverage, threats_of};
    let classes: Vec<&str> = ThreatClass::ALL.iter().map(|c| c.name()).collect();
    let threat = ThreatClass::parse(&r.threat);
    if !r.threat.is_empty() && threat.is_none() {
        let near = closest(&r.threat.to_lowercase(), &classes);
        ck.error(
            ProblemKind::UnknownValue,
            &format!("{tb}.threat"),
            format!("unknown threat class \"{}\"", r.threat),
            "not a threat class",
            match near {
                Some(n) => format!(
                    "did you mean \"{n}\"? Threat classes: {}",
                    classes.join(", ")
                ),
                None => format!("threat classes: {}", classes.join(", ")),
            },
        );
        return;
    }
    if r.coverage_radius_km.is_some() {
        return;
    }
    let systems = known_systems();
    let list = systems
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let fix = "or set `coverage_radius_km` (km) as an override";
    if r.system.is_empty() || r.threat.is_empty() {
        let missing = if r.system.is_empty() {
            "system"
        } else {
            "threat"
        };
        ck.error(
            ProblemKind::MissingKey,
            tb,
            format!(
                "an air_defence_umbrella task needs `{missing}` to look up its coverage radius"
            ),
            "no coverage radius",
            format!(
                "name `system` (one of {list}) and `threat` ({}), {fix}",
                classes.join(", ")
            ),
        );
        return;
    }
    let threat = threat.expect("checked above");
    if !systems
        .iter()
        .any(|s| s.eq_ignore_ascii_case(r.system.trim()))
    {
        let lower: Vec<String> = systems.iter().map(|s| s.to_lowercase()).collect();
        let near = closest(
            &r.system.to_lowercase(),
            &lower.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .and_then(|n| systems.iter().find(|s| s.to_lowercase() == n));
        ck.error(
            ProblemKind::UnknownValue,
            &format!("{tb}.system"),
            format!(
                "unknown air-defence system \"{}\" (no cited coverage radius)",
                r.system
            ),
            "not in the coverage table",
            match near {
                Some(n) => format!("did you mean \"{n}\"? Known systems: {list}; {fix}"),
                None => format!("known systems: {list}; {fix}"),
            },
        );
        return;
    }
    if system_coverage(&r.system, threat).is_none() {
        let has: Vec<&str> = threats_of(&r.system).iter().map(|c| c.name()).collect();
        ck.error(
            ProblemKind::UnknownValue,
            &format!("{tb}.threat"),
            format!(
                "the coverage table gives {} no radius against {} threats",
                r.system,
                threat.name()
            ),
            "no radius for this threat",
            format!("{} is listed against: {}; {fix}", r.system, has.join(", ")),
        );
    }
}

/// Geography: ids; a base's place and contributors; a circle's centre.
fn check_geography(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    let g = &s.geography;
    let places = ck.ids(
        "place",
        "geography.places",
        g.places.iter().map(|x| x.id.as_str()),
    );
    ck.ids(
        "zone",
        "geography.zones",
        g.zones.iter().map(|x| x.id.as_str()),
    );
    ck.ids(
        "line",
        "geography.lines",
        g.lines.iter().map(|x| x.id.as_str()),
    );
    ck.ids(
        "air base",
        "geography.bases",
        g.bases.iter().map(|x| x.id.as_str()),
    );
    ck.ids(
        "aircraft type",
        "geography.aircraft",
        g.aircraft.iter().map(|x| x.id.as_str()),
    );
    for (i, b) in g.bases.iter().enumerate() {
        ck.reference(
            &format!("geography.bases[{i}].place"),
            &b.place,
            "place",
            &places,
        );
        for (j, a) in b.contributors.iter().enumerate() {
            ck.reference(
                &format!("geography.bases[{i}].contributors[{j}]"),
                a,
                "actor",
                &known.actors,
            );
        }
    }
    for (i, z) in g.zones.iter().enumerate() {
        if let Some(c) = &z.centre {
            ck.reference(&format!("geography.zones[{i}].centre"), c, "place", &places);
        }
    }
}

/// `[parameters.deterrence]`, `[parameters.escalation]` and dimensions'
/// `derive`: references to actors, organisations, capabilities and the
/// commitment dimension; axis shares that add up to at most 1. (A caveat's
/// `lifted_when` is judged on the levels the options set: the allocation
/// depends on the caveats, so it cannot depend on levels derived from it.)
fn check_deterrence(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    let d = &s.parameters.deterrence;
    let base = "parameters.deterrence";
    if !d.commitment_dimension.is_empty() {
        ck.reference(
            &format!("{base}.commitment_dimension"),
            &d.commitment_dimension,
            "dimension",
            &known.dims,
        );
    }
    for (i, a) in d.us_actors.iter().enumerate() {
        ck.reference(&format!("{base}.us_actors[{i}]"), a, "actor", &known.actors);
    }
    for k in d.combat_power.keys() {
        ck.reference(
            &format!("{base}.combat_power.{k}#key"),
            k,
            "capability",
            &known.caps,
        );
    }
    for (field, total) in [
        (
            "attacker_share",
            d.axes.iter().map(|a| a.attacker_share).sum::<f64>(),
        ),
        (
            "defender_share",
            d.axes.iter().map(|a| a.defender_share).sum::<f64>(),
        ),
        (
            "guarantor_share",
            d.axes.iter().map(|a| a.guarantor_share).sum::<f64>(),
        ),
    ] {
        if total > 1.0 + 1e-9 {
            ck.error(
                ProblemKind::Inconsistent,
                &format!("{base}.axes"),
                format!(
                    "the axes' `{field}` add up to {}, more than the whole force",
                    crate::number::fmt(total)
                ),
                "shares above 1",
                Some(format!(
                    "make the `{field}` of all axes add up to at most 1"
                )),
            );
        }
    }
    for (i, c) in s
        .parameters
        .escalation
        .direct_combat_capabilities
        .iter()
        .enumerate()
    {
        ck.reference(
            &format!("parameters.escalation.direct_combat_capabilities[{i}]"),
            c,
            "capability",
            &known.caps,
        );
    }
    for (di, dim) in s.dimensions.iter().enumerate() {
        for (j, dv) in dim.derive.iter().enumerate() {
            let p = format!("dimensions[{di}].derive[{j}]");
            for (i, a) in dv.contributors.iter().enumerate() {
                ck.reference(&format!("{p}.contributors[{i}]"), a, "actor", &known.actors);
            }
            for (i, o) in dv.members_of.iter().enumerate() {
                ck.reference(
                    &format!("{p}.members_of[{i}]"),
                    o,
                    "organisation",
                    &known.orgs,
                );
            }
            for (i, c) in dv.capabilities.iter().enumerate() {
                ck.reference(
                    &format!("{p}.capabilities[{i}]"),
                    c,
                    "capability",
                    &known.caps,
                );
            }
        }
    }
}

/// Pre-scripted injects: one time each (round, day or date; a date not
/// before `meta.as_of`), and every change checked against the scenario as the
/// earlier injects leave it ([`crate::injects::check_inject`]), each problem
/// at its own key's line with its own kind. The injects are taken in the order
/// the default clock releases them (round 1 on `as_of`, 14 days a round).
fn check_injects(ck: &mut Checker<'_>, s: &Scenario, known: &Known<'_>) {
    use crate::injects::{When, format_date, inject_when, parse_date};
    const DEFAULT_INTERVAL_DAYS: i64 = 14;
    let start = parse_date(&s.meta.as_of).ok();
    let at = |w: &Result<When, _>| match w {
        Ok(When::Round(r)) => start.unwrap_or(0) + (i64::from(*r) - 1) * DEFAULT_INTERVAL_DAYS,
        Ok(When::Day(d)) => start.unwrap_or(0) + i64::from(*d) - 1,
        Ok(When::Date(d)) => *d,
        Err(_) => i64::MAX,
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ordered: Vec<(usize, &crate::injects::Inject, i64)> = s
        .injects
        .iter()
        .enumerate()
        .map(|(i, inj)| (i, inj, at(&inject_when(inj))))
        .collect();
    ordered.sort_by_key(|(i, _, t)| (*t, *i));
    let mut current = s.clone();
    for (i, inj, _) in ordered {
        let base = format!("injects[{i}]");
        if let Some(first) = seen.insert(inj.id.as_str(), i) {
            ck.error(
                ProblemKind::Duplicate,
                &format!("{base}.id"),
                format!(
                    "inject \"{}\" is declared twice (first at injects[{first}])",
                    inj.id
                ),
                "declared again here",
                "give each inject its own id".to_string(),
            );
        }
        if let (Ok(When::Date(d)), Some(start)) = (inject_when(inj), start)
            && d < start
        {
            ck.error(
                ProblemKind::OutOfRange,
                &format!("{base}.date"),
                format!(
                    "inject \"{}\": {} is before the exercise: it starts on the scenario's as_of, {}",
                    inj.id,
                    format_date(d),
                    format_date(start)
                ),
                "before the game",
                format!(
                    "date the inject on or after {} (or give its round or day instead)",
                    format_date(start)
                ),
            );
        }
        // A red line an inject adds is checked as a scenario's own red lines
        // are (its component, options, dimension, capabilities, organisations
        // exist), at the inject's own keys — as the live-inject form does.
        for (k, added) in inj.add_red_lines.iter().enumerate() {
            check_red_line(
                ck,
                s,
                &format!("{base}.add_red_lines[{k}]"),
                &added.red_line,
                &known.comps,
                &known.dims,
                &known.caps,
                &known.actors,
                &known.orgs,
            );
        }
        if let Err(p) = crate::injects::apply_inject(&mut current, inj) {
            let path = if p.field.is_empty() {
                base.clone()
            } else {
                format!("{base}.{}", p.field)
            };
            ck.error(
                p.kind,
                &path,
                format!("inject \"{}\": {}", inj.id, p.message),
                p.label,
                p.help,
            );
        }
    }
}
