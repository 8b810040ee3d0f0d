//! Engine throughput with a trivial fitness: individuals bred, hashed, evaluated and reported per
//! second, for the seed-000 scale (population 6,000, genomes of 20 tokens, 40 generations).
//! Single-threaded (a 1-thread rayon pool), so the figure is per core (process CPU time, see
//! `common/cpu_time.rs`); the 2-thread row shows the
//! scaling. Target (issue 7): >= 5 million individuals per second per core.

#[path = "common/cpu_time.rs"]
mod cpu_time;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_genetic::testbeds::{StringCrossover, TokenString};
use hepzero_genetic::{CacheConfig, Config, Engine, FnFitness, Mode, Selection, Silent, Stop};

const POPULATION: usize = 6_000;
const GENERATIONS: u64 = 40;

fn config(cache: bool) -> Config {
    Config {
        seed: 1,
        population: POPULATION,
        mode: Mode::Generational {
            selection: Selection::Tournament { size: 3 },
            crossover_rate: 0.5,
            mutation_rate: 0.2,
            elitism: 1,
        },
        stop: Stop { max_generations: GENERATIONS, ..Stop::default() },
        cache: CacheConfig { enabled: cache, max_entries: None },
        ..Config::default()
    }
}

fn bench(c: &mut Criterion<cpu_time::CpuTime>) {
    let problem = TokenString {
        len: 20,
        vocabulary: 64,
        replace_probability: 0.05,
        crossover: StringCrossover::OnePoint,
    };
    // Trivial fitness: the sum of the tokens.
    let fitness = FnFitness(|g: &Vec<u16>| g.iter().map(|&t| f64::from(t)).sum::<f64>());
    let mut group = c.benchmark_group("engine_throughput");
    group.sample_size(10);
    group.throughput(Throughput::Elements(POPULATION as u64 * GENERATIONS));
    for (threads, cache) in [(1, false), (1, true), (2, false)] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        let name =
            format!("pop6000_tokens20_gen40/{threads}thread/cache_{}", if cache { "on" } else { "off" });
        group.bench_function(name, |b| {
            b.iter(|| {
                pool.install(|| {
                    Engine::new(&problem, &fitness, config(cache))
                        .and_then(|e| e.run(&mut Silent))
                        .map(|r| r.best.fitness)
                })
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu_time::CpuTime::default());
    targets = bench
}
criterion_main!(benches);
