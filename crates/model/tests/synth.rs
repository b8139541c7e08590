//! Synthetic scenarios are valid for every shape and reproducible per seed.

use guarantor_model::load;
use guarantor_model::synth::{SynthParams, synth};

#[test]
fn every_shape_loads_and_the_seed_fixes_the_text() {
    let shapes = [
        (1, 2, 1, 1, 0),
        (2, 2, 1, 8, 2),
        (3, 5, 4, 9, 1),
        (8, 3, 30, 8, 20),
        (12, 2, 12, 17, 6),
    ];
    for (components, options, contributors, capabilities, actors) in shapes {
        for seed in 0..20 {
            let p = SynthParams {
                components,
                options,
                contributors,
                capabilities,
                actors,
                seed,
            };
            p.check().unwrap();
            let text = synth(&p);
            let s = load("synth.toml", &text)
                .unwrap_or_else(|e| panic!("{p:?} writes an invalid scenario: {e:?}"));
            assert_eq!(s.option_space_size(), p.packages());
            assert_eq!(s.components.len(), components);
            assert_eq!(s.capabilities.len(), capabilities);
            let contributors_written = s.actors.iter().filter(|a| !a.inventory.is_empty()).count();
            assert!(contributors_written <= contributors);
            assert_eq!(text, synth(&p));
        }
    }
}

#[test]
fn impossible_shapes_are_refused_naming_the_parameter_to_change() {
    let base = SynthParams {
        components: 3,
        options: 3,
        contributors: 3,
        capabilities: 3,
        actors: 3,
        seed: 0,
    };
    let msg = |f: fn(&mut SynthParams)| {
        let mut p = base.clone();
        f(&mut p);
        p.check().unwrap_err()
    };
    assert_eq!(msg(|p| p.components = 0), "components must be at least 1");
    assert!(msg(|p| p.options = 1).starts_with("options must be at least 2"));
    assert_eq!(
        msg(|p| p.capabilities = 0),
        "capabilities must be at least 1"
    );
    assert_eq!(
        msg(|p| p.contributors = 0),
        "contributors must be at least 1"
    );
}
