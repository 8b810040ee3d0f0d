//! Criterion benchmarks: GENBOD events per second.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_kinematics::{FourMomentum, PhaseSpace};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn genbod(c: &mut Criterion) {
    let ps = PhaseSpace::new(5.27966, &[0.493677, 0.13957039, 0.1349768]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut out = [FourMomentum::ZERO; 3];
    let mut g = c.benchmark_group("genbod");
    g.throughput(Throughput::Elements(1));
    g.bench_function("3body_weighted", |b| {
        b.iter(|| black_box(ps.generate_weighted(&mut rng, &mut out).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, genbod);
criterion_main!(benches);
