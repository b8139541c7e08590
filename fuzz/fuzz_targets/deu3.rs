//! DEU III reader on arbitrary text: data or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = guarantor_bargaining::deu3::parse_deu3(text);
    }
});
