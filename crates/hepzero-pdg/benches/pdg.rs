//! Criterion benches: parsing DECAY_LHCB.DEC (target: under 20 ms), building the full decay table,
//! and the background finder's chain query (K+ pi- pi0 with up to 2 extra particles, BR floor
//! 1e-9, over every b hadron with decays in the table).
//!
//! `cargo bench -p hepzero-pdg --bench pdg`

use criterion::{Criterion, criterion_group, criterion_main};
use hepzero_pdg::{ChainFinder, DECAY_LHCB_DEC, DecayTable, ParticleTable, parse_dec};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    // Build the particle table outside the timing (it is built once per process and shared).
    let _ = ParticleTable::lhcb_default();
    let mut g = c.benchmark_group("parse");
    g.sample_size(30);
    g.bench_function("parse_dec DECAY_LHCB.DEC (syntax tree)", |b| {
        b.iter(|| black_box(parse_dec(black_box(DECAY_LHCB_DEC), "DECAY_LHCB.DEC").unwrap()))
    });
    g.bench_function("DecayTable DECAY_LHCB.DEC (parse + build + normalise + charge check)", |b| {
        b.iter(|| black_box(DecayTable::parse_str(black_box(DECAY_LHCB_DEC), "DECAY_LHCB.DEC").unwrap()))
    });
    g.bench_function("ParticleTable from embedded CSVs", |b| {
        b.iter(|| black_box(ParticleTable::from_embedded().unwrap()))
    });
    g.finish();
}

fn chains(c: &mut Criterion) {
    let t = DecayTable::lhcb_default();
    let b_hadrons = t.b_hadrons();
    let mut total = 0;
    let mut finder = ChainFinder::new(t, &["K+", "pi-", "pi0"], 2, 1e-9).unwrap();
    for b in &b_hadrons {
        total += finder.chains(b).unwrap().len();
    }
    eprintln!(
        "chain query: {} b hadrons, {total} chains (K+ pi- pi0 + <= 2 extras, BR >= 1e-9)",
        b_hadrons.len()
    );
    let mut g = c.benchmark_group("chains");
    g.sample_size(10);
    g.bench_function("K+ pi- pi0, k=2, floor 1e-9, all b hadrons (fresh memo, trees built)", |b| {
        b.iter(|| {
            let mut f = ChainFinder::new(t, &["K+", "pi-", "pi0"], 2, 1e-9).unwrap();
            let mut n = 0;
            for h in &b_hadrons {
                n += f.chains(h).unwrap().len();
            }
            black_box(n)
        })
    });
    g.bench_function("K+ pi- pi0, k=2, floor 1e-9, all b hadrons (fresh memo, count only)", |b| {
        b.iter(|| {
            let mut f = ChainFinder::new(t, &["K+", "pi-", "pi0"], 2, 1e-9).unwrap();
            let mut n = 0;
            for h in &b_hadrons {
                n += f.count(h).unwrap();
            }
            black_box(n)
        })
    });
    g.bench_function("K+ pi- pi0, k=0, floor 1e-9, B0 only", |b| {
        b.iter(|| black_box(t.find_chains("B0", &["K+", "pi-", "pi0"], 0, 1e-9).unwrap().len()))
    });
    g.finish();
}

criterion_group!(benches, parse, chains);
criterion_main!(benches);
