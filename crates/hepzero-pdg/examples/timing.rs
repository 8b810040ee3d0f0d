//! Mean times over N repetitions (default 20): parsing DECAY_LHCB.DEC (syntax tree), building the
//! full decay table, and the chain query K+ pi- pi0 (+ up to 2 extras, BR >= 1e-9) over every b
//! hadron. Wrapped in `perf stat -e task-clock` it gives CPU time, which on a loaded machine is what
//! the work costs (criterion reports wall-clock time).
//!
//! `cargo run --release -p hepzero-pdg --example timing -- 20 [parse|build|chains]` (a second
//! argument times only that part, so `perf stat` can attribute CPU time to it).

use hepzero_pdg::{ChainFinder, DECAY_LHCB_DEC, DecayTable, ParticleTable, parse_dec};
use std::hint::black_box;
use std::time::Instant;

fn main() -> Result<(), hepzero_pdg::Error> {
    let _ = ParticleTable::lhcb_default();
    let n: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20).max(1);
    let only = std::env::args().nth(2).unwrap_or_default();
    let run = |part: &str| only.is_empty() || only == part;
    let t = Instant::now();
    for _ in 0..n * u32::from(run("parse")) {
        black_box(parse_dec(DECAY_LHCB_DEC, "DECAY_LHCB.DEC")?);
    }
    let parse = t.elapsed() / n;
    let t = Instant::now();
    for _ in 0..n * u32::from(run("build")) {
        black_box(DecayTable::parse_str(DECAY_LHCB_DEC, "DECAY_LHCB.DEC")?);
    }
    let build = t.elapsed() / n;
    let table = DecayTable::lhcb_default();
    let b_hadrons = table.b_hadrons();
    let t = Instant::now();
    let mut chains = 0;
    for _ in 0..n * u32::from(run("chains")) {
        let mut f = ChainFinder::new(table, &["K+", "pi-", "pi0"], 2, 1e-9)?;
        chains = 0;
        for b in &b_hadrons {
            chains += black_box(f.chains(b)?).len();
        }
    }
    let query = t.elapsed() / n;
    println!(
        "parse_dec {parse:?}; DecayTable::parse_str {build:?}; chain query {query:?} ({} b hadrons, {chains} chains); wall clock, mean of {n}",
        b_hadrons.len()
    );
    Ok(())
}
