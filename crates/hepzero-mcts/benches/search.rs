//! Search throughput on the synthetic target-path game (branching 30, depth 10).
//!
//! - `uniform/*`: simulations per second of one search on one core with the uniform evaluator
//!   (target >= 500,000/s/core), with and without a random playout per new leaf, with leaf batches of
//!   1 and of 256.
//! - `batched/*`: searches feeding one evaluator call per round of 256 leaves (one search of 256, or
//!   eight of 32), in a one-thread pool so the figure is per core, with the fill of those batches
//!   printed once.
//!
//! Times are process CPU time (see `common/cpu_clock.rs`), so a figure is per core busy.
//!
//! Run: `cargo bench -p hepzero-mcts --bench search`

#[path = "common/cpu_clock.rs"]
mod cpu_clock;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hepzero_mcts::synthetic::{PathState, TargetPathGame};
use hepzero_mcts::{BatchRunner, Evaluation, Evaluator, Search, SearchConfig, UniformEvaluator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Duration;

const SIMS: u64 = 20_000;

fn uniform(c: &mut Criterion<cpu_clock::CpuClock>) {
    let g = TargetPathGame::new(30, 10, 1).unwrap();
    let mut group = c.benchmark_group("uniform");
    group.throughput(Throughput::Elements(SIMS));
    for (name, rollouts, batch) in [
        ("rollout_batch1", 1, 1),
        ("rollout_batch256", 1, 256),
        ("norollout_batch1", 0, 1),
        ("norollout_batch256", 0, 256),
    ] {
        let cfg = SearchConfig { rollouts, batch_size: batch, ..SearchConfig::default() };
        // One search restarted each iteration: the arena keeps its allocations, as in a long run of
        // many episodes.
        let mut s = Search::new(&g, cfg.clone(), ChaCha8Rng::seed_from_u64(3)).unwrap();
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                s.restart(ChaCha8Rng::seed_from_u64(3));
                s.run(&UniformEvaluator, SIMS).unwrap();
                black_box(s.stats().simulations)
            })
        });
    }
    group.finish();
}

/// The uniform prior, but it touches every prior and value like a network's output would be copied.
struct DenseEvaluator;

impl Evaluator<PathState> for DenseEvaluator {
    fn evaluate(&self, states: &[PathState], out: &mut Evaluation) -> hepzero_mcts::Result<()> {
        out.priors.iter_mut().for_each(|p| *p = 1.0);
        for (v, s) in out.values.iter_mut().zip(states) {
            *v = s.depth as f32 * 0.01;
        }
        Ok(())
    }
}

fn batched(c: &mut Criterion<cpu_clock::CpuClock>) {
    let g = TargetPathGame::new(30, 10, 1).unwrap();
    let mut group = c.benchmark_group("batched");
    group.throughput(Throughput::Elements(SIMS));
    for (name, searches, batch) in [("1x256", 1usize, 256usize), ("8x32", 8, 32)] {
        let cfg = SearchConfig { batch_size: batch, ..SearchConfig::default() };
        let run = || {
            let mut ss: Vec<_> = (0..searches)
                .map(|i| {
                    let mut rng = ChaCha8Rng::seed_from_u64(3);
                    rng.set_stream(i as u64);
                    Search::new(&g, cfg.clone(), rng).unwrap()
                })
                .collect();
            let mut runner = BatchRunner::new();
            runner.run(&mut ss, &DenseEvaluator, SIMS / searches as u64).unwrap();
            runner.stats
        };
        // One worker thread: the figure is per core (idle rayon workers would add spin time).
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let st = pool.install(run);
        eprintln!(
            "batched/{name}: {} calls, mean batch {:.1}, {} of {} calls full (256 leaves), max {}",
            st.calls,
            st.mean_batch(),
            st.full_calls,
            st.calls,
            st.max_batch
        );
        group.bench_function(BenchmarkId::from_parameter(name), |b| b.iter(|| black_box(pool.install(run))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu_clock::CpuClock::default()).sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = uniform, batched
}
criterion_main!(benches);
