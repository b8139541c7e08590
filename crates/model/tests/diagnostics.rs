//! Every bad input in `tests/bad/` yields every error at once, each pointing at
//! a line with a hint, and never a panic. The rendered diagnostics are snapshots.

use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme};

fn render(name: &str) -> (String, guarantor_model::ScenarioError) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("bad input exists");
    let err = guarantor_model::load(&format!("bad/{name}.toml"), &text)
        .expect_err("bad input must be rejected");
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, &err)
        .unwrap();
    (out, err)
}

macro_rules! bad_inputs {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (rendered, err) = render(stringify!($name));
                assert!(!err.problems.is_empty());
                for p in err.located() {
                    assert!(p.line >= 1, "every problem has a line: {p:?}");
                    if stringify!($name) != "empty_file" {
                        assert!(p.help.is_some(), "every problem has a hint: {p:?}");
                    }
                }
                insta::assert_snapshot!(stringify!($name), rendered);
            }
        )*
        const ALL: &[&str] = &[$(stringify!($name)),*];
    };
}

bad_inputs!(
    syntax_error,
    unknown_key_typo,
    wrong_type,
    negative_count,
    share_out_of_range,
    nan_value,
    infinite_value,
    dangling_actor_in_required,
    dangling_dimension_in_position,
    duplicate_actor_id,
    empty_option_list,
    unknown_sizing_rule,
    unknown_capability_in_task,
    unknown_organisation,
    missing_rotation_ratio,
    rotation_below_one,
    unknown_red_line_kind,
    bad_hardness,
    salience_without_position,
    no_salience,
    dimension_never_set,
    red_line_names_no_contributors,
    several_errors_at_once,
    missing_required_key,
    not_a_table,
    empty_file,
    uncertainty_path_typo,
    uncertainty_min_above_max,
    uncertainty_mode_outside_range,
    uncertainty_weight_not_positive,
    uncertainty_readiness_above_one,
    uncertainty_unknown_distribution,
    uncertainty_bernoulli_on_a_number,
);

#[test]
fn every_file_in_the_corpus_has_a_test() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let mut listed: Vec<String> = ALL.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[test]
fn several_errors_are_all_reported() {
    let (_, err) = render("several_errors_at_once");
    assert_eq!(err.problems.len(), 4, "{:#?}", err.problems);
}

#[test]
fn the_base_of_the_corpus_is_valid() {
    let text = include_str!("data/small.toml");
    guarantor_model::load("small.toml", text).expect("valid");
}

#[test]
fn the_embedded_scenario_is_valid() {
    let s = guarantor_model::default_scenario();
    assert_eq!(s.meta.id, "ukraine-2025-08");
}

#[test]
fn the_reader_agrees_with_serde_on_the_embedded_scenario() {
    // The hand-written reader and the serde derives (which also produce the
    // JSON Schema) must describe the same format.
    let by_reader = guarantor_model::default_scenario();
    let by_serde: guarantor_model::Scenario =
        toml::from_str(guarantor_model::DEFAULT_SCENARIO).expect("serde reads the scenario");
    assert_eq!(by_reader, by_serde);
}

#[test]
fn arbitrary_bytes_never_panic() {
    for text in [
        "",
        "=",
        "[[",
        "[meta]\nid = 1",
        "\u{feff}[meta]",
        "a = [1, \"x\"]",
        "[[actors]]\nposition = 3",
    ] {
        let _ = guarantor_model::load("x.toml", text);
    }
}

#[test]
fn the_schema_names_the_top_level_sections() {
    let schema = guarantor_model::json_schema();
    let props = schema["properties"].as_object().expect("object schema");
    for key in [
        "meta",
        "parameters",
        "capabilities",
        "dimensions",
        "actors",
        "components",
        "synergies",
    ] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
}
