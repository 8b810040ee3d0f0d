//! C/A clustering of the fixture events (constituents of the two hardest anti-kt R = 1.0 jets,
//! N ~ 100-300), whole and truncated to the first 20 / 40 particles, for the side-by-side with
//! FastJet's C++ timing (`fixtures/jets/fastjet_groom bench`, same events and truncations).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_jets::{Algorithm, JetDefinition, Momentum, Strategy, cluster_with, read_events};
use std::hint::black_box;
use std::path::PathBuf;

fn events(sample: &str, keep: usize) -> Vec<Vec<Momentum>> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/jets").join(format!("{sample}.hzj"));
    let evs = read_events(&path).expect("fixture events");
    evs.into_iter()
        .map(|e| {
            let mut p = e.particles;
            if keep > 0 {
                p.truncate(keep);
            }
            p
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for (r, keeps) in [(1.0, &[0usize, 40, 20][..]), (0.4, &[0usize][..])] {
        for &keep in keeps {
            for sample in ["qcd", "top"] {
                let evs = events(sample, keep);
                let mean_n = evs.iter().map(Vec::len).sum::<usize>() as f64 / evs.len() as f64;
                let mut g = c.benchmark_group(format!("ca_R{r}_{sample}_keep{keep}_meanN{mean_n:.0}"));
                g.throughput(Throughput::Elements(evs.len() as u64));
                g.sample_size(20);
                for (name, s) in
                    [("auto", Strategy::Auto), ("plain", Strategy::Plain), ("tiled", Strategy::Tiled)]
                {
                    g.bench_function(name, |b| {
                        b.iter(|| {
                            let mut n = 0;
                            for e in &evs {
                                let cs = cluster_with(
                                    black_box(e),
                                    JetDefinition::new(Algorithm::CambridgeAachen, r),
                                    s,
                                )
                                .expect("valid");
                                n += cs.inclusive_jet_nodes(0.0).len();
                            }
                            n
                        })
                    });
                }
                g.finish();
            }
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
