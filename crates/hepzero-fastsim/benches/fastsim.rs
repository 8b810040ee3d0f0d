//! Throughput of the full fast simulation of B0 -> K+ pi- pi0 (FONLL production, phase space,
//! acceptance, smearing, candidate mass), single-threaded, as quoted in docs/benchmarks.md.
//! Run: `cargo bench -p hepzero-fastsim --bench fastsim`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_fastsim::{ChainTree, DecayChain, FastSim, SimOptions};
use std::hint::black_box;

fn b0_kpipi0(c: &mut Criterion) {
    let table = hepzero_pdg::ParticleTable::lhcb_default();
    let tree =
        ChainTree::decay("B0", vec![ChainTree::leaf("K+"), ChainTree::leaf("pi-"), ChainTree::leaf("pi0")]);
    let chain = DecayChain::from_tree(table, &tree).expect("known particles");
    let sim = FastSim::new(chain, SimOptions::default()).expect("valid options");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("thread pool");
    let n = 200_000u64;
    let mut group = c.benchmark_group("fastsim");
    group.throughput(Throughput::Elements(n));
    group.sample_size(20);
    group.bench_function("b0_kpipi0_200k_1thread", |b| {
        let mut seed = 0;
        b.iter(|| {
            seed += 1;
            pool.install(|| black_box(sim.histogram(n, seed, 4.5, 6.0, 150).expect("runs")))
        })
    });
    group.finish();
}

criterion_group!(benches, b0_kpipi0);
criterion_main!(benches);
