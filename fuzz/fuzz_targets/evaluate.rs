//! Structure-aware: a small synthetic scenario with some numbers overwritten by
//! arbitrary values. Whatever loads must evaluate without panic, with no NaN or
//! infinity in the output, and the streaming search must agree with the
//! in-memory evaluation.
#![no_main]

use arbitrary::Arbitrary;
use guarantor_engine::{EvalOptions, SearchOptions, evaluate, search};
use guarantor_model::synth::{SynthParams, overwrite_numbers, synth};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    components: u8,
    options: u8,
    contributors: u8,
    capabilities: u8,
    actors: u8,
    seed: u64,
    /// (which numeric assignment, new value) pairs.
    edits: Vec<(u16, f64)>,
    prune: bool,
}

fuzz_target!(|input: Input| {
    let p = SynthParams {
        components: 1 + usize::from(input.components % 4),
        options: 2 + usize::from(input.options % 2),
        contributors: 1 + usize::from(input.contributors % 5),
        capabilities: 1 + usize::from(input.capabilities % 4),
        actors: usize::from(input.actors % 4),
        seed: input.seed,
    };
    let text = synth(&p);
    let edits: Vec<(usize, f64)> = input
        .edits
        .iter()
        .take(8)
        .map(|&(k, v)| (usize::from(k), v))
        .collect();
    let text = overwrite_numbers(&text, &edits);
    let Ok(s) = guarantor_model::load("fuzz.toml", &text) else {
        return;
    };
    let full = evaluate(&s, &EvalOptions::default());
    let found = search(
        &s,
        &SearchOptions {
            top: 5,
            prune: input.prune,
            ..SearchOptions::default()
        },
    );
    match (full, found) {
        (Ok(full), Ok(found)) => {
            for v in full.packages.iter().chain(&found.packages) {
                assert!(v.is_finite(), "NaN or infinity in {}", v.label);
            }
            assert_eq!(found.counts.passing, full.counts.passing);
            if !input.prune {
                assert_eq!(found.counts, full.counts);
                assert_eq!(found.failures, full.failures);
            }
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!(
            "evaluate and search disagree: {:?} vs {:?}",
            a.is_ok(),
            b.is_ok()
        ),
    }
});
