//! Fuzz the binary FK-table reader: arbitrary bytes give Ok or Err, never a panic.
#![no_main]

use hepzero_evolution::FkTable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = FkTable::from_bytes(data, std::path::Path::new("fuzz.fk"));
});
