//! Scenario reader and validator on arbitrary text: a scenario or a located
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match guarantor_model::load("fuzz.toml", text) {
            Ok(s) => {
                // A valid scenario is also a valid JSON value.
                serde_json::to_string(&s).expect("serialises");
            }
            Err(e) => {
                for p in e.located() {
                    assert!(p.line >= 1 && p.column >= 1);
                }
            }
        }
    }
});
