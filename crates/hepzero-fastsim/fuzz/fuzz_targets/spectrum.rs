//! Fuzzes the FONLL/user spectrum text parser: any input must give a histogram or an error,
//! never a panic, and a parsed histogram must survive a format/parse round trip.
#![no_main]

use hepzero_fastsim::Histogram1D;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(h) = Histogram1D::parse_block(text, "pT", "fuzz") {
            let again = Histogram1D::parse_block(&h.format_block("pT"), "pT", "fuzz");
            assert_eq!(again.ok(), Some(h));
        }
    }
});
