//! The OneMax run compared side by side with DEAP (`bench/deap_onemax.py`): 100 bits,
//! population 6,000, 40 generations, DEAP's `eaSimple` with `cxTwoPoint`, `mutFlipBit(0.05)`,
//! `selTournament(3)`, cxpb 0.5, mutpb 0.2, no elitism, no cache (DEAP re-evaluates only the
//! individuals that changed; so does the engine).

#[path = "common/cpu_time.rs"]
mod cpu_time;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hepzero_genetic::testbeds::{self, BitString, StringCrossover};
use hepzero_genetic::{CacheConfig, Config, Engine, FnFitness, Mode, Selection, Silent, Stop};

fn bench(c: &mut Criterion<cpu_time::CpuTime>) {
    let problem = BitString { len: 100, flip_probability: 0.05, crossover: StringCrossover::TwoPoint };
    let fitness = FnFitness(|g: &Vec<u8>| testbeds::onemax(g));
    let config = Config {
        seed: 1,
        population: 6_000,
        mode: Mode::Generational {
            selection: Selection::Tournament { size: 3 },
            crossover_rate: 0.5,
            mutation_rate: 0.2,
            elitism: 0,
        },
        stop: Stop { max_generations: 40, ..Stop::default() },
        cache: CacheConfig { enabled: false, max_entries: None },
        ..Config::default()
    };
    let mut group = c.benchmark_group("onemax_deap_side_by_side");
    group.sample_size(10);
    group.throughput(Throughput::Elements(6_000 * 40));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        group.bench_function(format!("bits100_pop6000_gen40/{threads}thread"), |b| {
            b.iter(|| {
                pool.install(|| {
                    Engine::new(&problem, &fitness, config.clone())
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
