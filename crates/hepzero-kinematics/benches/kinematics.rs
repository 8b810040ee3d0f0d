//! Criterion benchmarks: GENBOD three-body events per second (weighted, unweighted, boosted
//! into the lab), Breit-Wigner samples per second and m_T2 evaluations per second.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_kinematics::{BreitWigner, FourMomentum, MassDependentBreitWigner, PhaseSpace, mt2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const M_B0: f64 = 5.27966;
const M_K: f64 = 0.493677;
const M_PI: f64 = 0.13957039;
const M_PI0: f64 = 0.1349768;

fn genbod(c: &mut Criterion) {
    let ps = PhaseSpace::new(M_B0, &[M_K, M_PI, M_PI0]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut out = [FourMomentum::ZERO; 3];
    let parent = FourMomentum::from_p3_mass(3.0, -2.0, 80.0, M_B0);
    let mut g = c.benchmark_group("genbod_B0_Kpipi0");
    g.throughput(Throughput::Elements(1));
    g.bench_function("weighted", |b| b.iter(|| black_box(ps.generate_weighted(&mut rng, &mut out).unwrap())));
    g.bench_function("weighted_in_lab", |b| {
        b.iter(|| black_box(ps.generate_weighted_in_frame(&mut rng, &parent, &mut out).unwrap()))
    });
    g.bench_function("unweighted", |b| {
        b.iter(|| {
            ps.generate_unweighted(&mut rng, &mut out).unwrap();
            black_box(out[0].e)
        })
    });
    let tight = ps.clone().with_tight_max_weight();
    g.bench_function("unweighted_tight_bound", |b| {
        b.iter(|| {
            tight.generate_unweighted(&mut rng, &mut out).unwrap();
            black_box(out[0].e)
        })
    });
    g.finish();
}

fn lineshapes(c: &mut Criterion) {
    let fixed = BreitWigner::new(0.89555, 0.0473, M_K + M_PI, 1.6).unwrap();
    let pwave = MassDependentBreitWigner::new(0.89555, 0.0473, M_K, M_PI, 1, 1.5, 1.6).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut g = c.benchmark_group("breit_wigner_Kstar");
    g.throughput(Throughput::Elements(1));
    g.bench_function("fixed_width", |b| b.iter(|| black_box(fixed.sample(&mut rng))));
    g.bench_function("p_wave_blatt_weisskopf", |b| b.iter(|| black_box(pwave.sample(&mut rng))));
    g.finish();
}

const REFERENCE: &str = include_str!("../../../fixtures/mt2/mt2_reference.csv");

fn mt2_bench(c: &mut Criterion) {
    // The 370 reference events of fixtures/mt2 (balanced, unbalanced, asymmetric, massless...).
    let events: Vec<Vec<f64>> = REFERENCE
        .lines()
        .skip(1)
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect();
    let mut g = c.benchmark_group("mt2");
    g.throughput(Throughput::Elements(events.len() as u64));
    g.bench_function("fixture_370_events", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for x in &events {
                acc += mt2(x[0], [x[1], x[2]], x[3], [x[4], x[5]], [x[6], x[7]], x[8], x[9]);
            }
            black_box(acc)
        })
    });
    g.finish();
}

criterion_group!(benches, genbod, lineshapes, mt2_bench);
criterion_main!(benches);
