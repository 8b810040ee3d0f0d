//! Fuzz the LHAPDF6 `.dat` member parser: it must return Ok or Err, never panic, and what it
//! accepts must round-trip through the writer.
#![no_main]

use hepzero_evolution::lhapdf::Member;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let path = std::path::Path::new("fuzz.dat");
        if let Ok(m) = Member::parse_dat(text, path) {
            let again = Member::parse_dat(&m.to_dat(), path).expect("writer output parses");
            assert_eq!(again.subgrids.len(), m.subgrids.len());
        }
    }
});
