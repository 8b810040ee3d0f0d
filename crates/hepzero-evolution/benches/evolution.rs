//! Criterion benches: the NLO evolution operator on a 50-point x grid from 2 to 10^4 GeV^2
//! (Les Houches settings, ZM-VFNS), applying it to one PDF set, and the direct Mellin-space
//! benchmark evaluation. Peer comparison: `bench/eko_operator.py` (same grid, same settings).

use criterion::{Criterion, criterion_group, criterion_main};
use hepzero_evolution::toy::{LHA_X, lha_benchmark_grid, lha_toy_mellin, lha_toy_x};
use hepzero_evolution::{GridOperator, Order, Theory, evolve_analytic, sample_on_grid};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let theory = Theory::lha(Order::Nlo, true);
    let grid = lha_benchmark_grid().expect("grid");
    let mut g = c.benchmark_group("evolution");
    g.sample_size(10);
    g.bench_function("nlo_operator_50pt_2_to_1e4", |b| {
        b.iter(|| GridOperator::build(black_box(&theory), black_box(&grid), 1e4).expect("operator"))
    });
    let op = GridOperator::build(&theory, &grid, 1e4).expect("operator");
    let f0 = sample_on_grid(&grid, &lha_toy_x);
    g.bench_function("apply_nlo_operator_one_pdf", |b| b.iter(|| op.apply(black_box(&f0)).expect("apply")));
    g.bench_function("lha_direct_nlo_11x", |b| {
        b.iter(|| {
            evolve_analytic(black_box(&theory), 1e4, &LHA_X, 1.1, &lha_toy_mellin, &lha_toy_x)
                .expect("evolve")
        })
    });
    g.finish();
}

criterion_group!(evolution, benches);
criterion_main!(evolution);
