//! KTAB CSV reader on arbitrary text; a small scenario it accepts is forecast
//! by the compromise model, whose outcome must be finite.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = guarantor_bargaining::ktab_csv::parse_ktab_csv(text)
        && s.actors.len() <= 40
        && let Ok(f) = guarantor_bargaining::Model::Compromise.run(&s)
    {
        assert!(f.final_state.outcome.iter().all(|x| x.is_finite()));
    }
});
