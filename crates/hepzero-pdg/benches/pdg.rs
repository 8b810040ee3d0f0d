//! Criterion benches for hepzero-pdg (filled in below).
fn main() {}
