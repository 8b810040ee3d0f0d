//! Fuzz the EvtGen decay-file parser: any input either fails with an error or parses; what parses
//! prints back to text that parses to the same statements, and building a decay table from it
//! never panics. Run with `cargo fuzz run parse_dec` from `crates/hepzero-pdg`.
#![no_main]

use hepzero_pdg::{DecayTable, ParticleTable, TableRef, parse_dec, print_dec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(file) = parse_dec(text, "fuzz.dec") else { return };
    let printed = print_dec(&file);
    let again = parse_dec(&printed, "fuzz.dec").expect("printed decay file must parse");
    assert_eq!(file, again, "print-then-parse changed the statements");
    if let Ok(table) = DecayTable::build(vec![file], TableRef::Static(ParticleTable::lhcb_default())) {
        for name in table.decaying_names() {
            let _ = table.find_chains(name, &["pi+"], 1, 0.01);
        }
    }
});
