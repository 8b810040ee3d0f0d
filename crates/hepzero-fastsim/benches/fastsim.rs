//! Throughput of the full fast simulation (FONLL production, phase space, acceptance, smearing,
//! candidate mass), single-threaded, as quoted in docs/benchmarks.md:
//! - `fastsim/b0_kpipi0_200k_1thread`: B0 -> K+ pi- pi0, the single three-body decay that takes
//!   the vectorised path;
//! - `generic_chain/*`: chains of the shapes the background finder's oracle simulates most (a
//!   resonance with a Breit-Wigner mass, two-body sub-decays, mis-identified and missing
//!   particles), which take the generic path.
//!
//! Run: `cargo bench -p hepzero-fastsim --bench fastsim`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_fastsim::{ChainTree, DecayChain, FastSim, SimOptions};
use std::hint::black_box;

fn simulation(tree: &ChainTree) -> FastSim {
    let table = hepzero_pdg::ParticleTable::lhcb_default();
    let chain = DecayChain::from_tree(table, tree).expect("known particles");
    FastSim::new(chain, SimOptions::default()).expect("valid options")
}

fn b0_kpipi0(c: &mut Criterion) {
    let tree =
        ChainTree::decay("B0", vec![ChainTree::leaf("K+"), ChainTree::leaf("pi-"), ChainTree::leaf("pi0")]);
    let sim = simulation(&tree);
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

fn generic_chains(c: &mut Criterion) {
    use ChainTree as T;
    let chains = [
        // A wide resonance from a narrow head (its Breit-Wigner limits are the same every event).
        (
            "b0_kstplus_pi",
            T::decay("B0", vec![T::decay("K*+", vec![T::leaf("K+"), T::leaf("pi0")]), T::leaf("pi-")]),
        ),
        // The oracle's top background for B0 -> K+ pi- pi0: two-body sub-decays, one missing pion.
        (
            "bplus_d0_rho_missing",
            T::decay(
                "B+",
                vec![
                    T::decay("anti-D0", vec![T::leaf("K+"), T::leaf("pi-")]),
                    T::decay("rho+", vec![T::missing("pi+"), T::leaf("pi0")]),
                ],
            ),
        ),
        // A three-body sub-decay with a mis-identified and a missing particle.
        (
            "bplus_d0_kpipi0_rho_misid",
            T::decay(
                "B+",
                vec![
                    T::decay("anti-D0", vec![T::leaf("K+"), T::as_species("pi-", "K-"), T::missing("pi0")]),
                    T::decay("rho+", vec![T::leaf("pi+"), T::leaf("pi0")]),
                ],
            ),
        ),
    ];
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("thread pool");
    let n = 100_000u64;
    let mut group = c.benchmark_group("generic_chain");
    group.throughput(Throughput::Elements(n));
    group.sample_size(10);
    for (name, tree) in &chains {
        let sim = simulation(tree);
        group.bench_function(format!("{name}_100k_1thread"), |b| {
            let mut seed = 0;
            b.iter(|| {
                seed += 1;
                pool.install(|| black_box(sim.histogram(n, seed, 4.0, 6.0, 100).expect("runs")))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, b0_kpipi0, generic_chains);
criterion_main!(benches);
