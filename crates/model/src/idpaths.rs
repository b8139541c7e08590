//! Paths in messages as people and `[[uncertainty]]` write them: by id, not
//! by position. The reader tracks values by index (`actors[3].reservation`);
//! before problems are shown, every such index whose item has a unique id is
//! replaced by that id (`actors.us.reservation`,
//! `components.ground_force.options.none.tasks.garrison`).

use crate::types::Scenario;

/// `text` with every `list[i]` of a scenario list replaced by `list.id`
/// where item i has an id no other item of its list shares.
///
/// ```
/// let s = guarantor_model::default_scenario();
/// let i = s.actors.iter().position(|a| a.id == "us").unwrap();
/// let text = format!("`actors[{i}].reservation` must be …");
/// assert_eq!(guarantor_model::idpaths::by_id(&text, &s), "`actors.us.reservation` must be …");
/// ```
pub fn by_id(text: &str, s: &Scenario) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // What the last replaced segment named, for nested lists.
    let mut actor: Option<usize> = None;
    let mut component: Option<usize> = None;
    let mut option: Option<usize> = None;
    while !rest.is_empty() {
        let Some((name, index, len)) = list_index(rest) else {
            let ch = rest.chars().next().expect("not empty");
            if !(ch.is_alphanumeric() || ch == '_' || ch == '.' || ch == '[' || ch == ']') {
                actor = None;
                component = None;
                option = None;
            }
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
            continue;
        };
        let nested = out.ends_with('.');
        let id: Option<String> = match (name, nested) {
            ("actors", false) => {
                actor = Some(index);
                unique(s.actors.iter().map(|a| a.id.as_str()), index)
            }
            ("red_lines", true) => actor.and_then(|a| {
                s.actors
                    .get(a)
                    .and_then(|a| unique(a.red_lines.iter().map(|r| r.id.as_str()), index))
            }),
            ("components", false) => {
                component = Some(index);
                option = None;
                unique(s.components.iter().map(|c| c.id.as_str()), index)
            }
            ("options", true) => {
                option = Some(index);
                component.and_then(|c| {
                    s.components
                        .get(c)
                        .and_then(|c| unique(c.options.iter().map(|o| o.id.as_str()), index))
                })
            }
            ("tasks", true) => component.zip(option).and_then(|(c, o)| {
                s.components
                    .get(c)
                    .and_then(|c| c.options.get(o))
                    .and_then(|o| unique(o.tasks.iter().map(|t| t.id.as_str()), index))
            }),
            ("capabilities", false) => unique(s.capabilities.iter().map(|c| c.id.as_str()), index),
            ("dimensions", false) => unique(s.dimensions.iter().map(|d| d.id.as_str()), index),
            ("synergies", false) => unique(s.synergies.iter().map(|x| x.id.as_str()), index),
            _ => None,
        };
        match id {
            Some(id) => {
                out.push_str(name);
                out.push('.');
                out.push_str(&id);
            }
            None => out.push_str(&rest[..len]),
        }
        rest = &rest[len..];
    }
    out
}

/// `name[digits]` at the start of `text`, with `name` one of the lists ids
/// can replace: (name, index, length matched).
fn list_index(text: &str) -> Option<(&'static str, usize, usize)> {
    const LISTS: [&str; 8] = [
        "actors",
        "red_lines",
        "components",
        "options",
        "tasks",
        "capabilities",
        "dimensions",
        "synergies",
    ];
    let name = LISTS.into_iter().find(|n| text.starts_with(n))?;
    let after = &text[name.len()..];
    let digits = after.strip_prefix('[')?;
    let end = digits.find(']')?;
    let index: usize = digits[..end].parse().ok()?;
    Some((name, index, name.len() + 1 + end + 1))
}

/// The id of item `index` when it exists, is a plain id and no other item has it.
fn unique<'a>(ids: impl Iterator<Item = &'a str> + Clone, index: usize) -> Option<String> {
    let id = ids.clone().nth(index)?;
    let plain = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (plain && ids.filter(|x| *x == id).count() == 1).then(|| id.to_string())
}
