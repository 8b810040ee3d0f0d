//! Fuzzes both event parsers (HZJ1/HZJ2 binary, HepMC3 ASCII) and clusters whatever parses: neither may
//! panic on any input.
#![no_main]

use hepzero_jets::io::{parse_hepmc3, parse_hzj};
use hepzero_jets::{Algorithm, JetDefinition, cluster};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut events = Vec::new();
    if let Ok(e) = parse_hzj(data, "fuzz") {
        events.extend(e);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(e) = parse_hepmc3(text, "fuzz")
    {
        events.extend(e);
    }
    for ev in events.iter().take(4) {
        if ev.particles.len() <= 512 {
            let _ = cluster(&ev.particles, JetDefinition::new(Algorithm::CambridgeAachen, 0.8));
        }
    }
});
