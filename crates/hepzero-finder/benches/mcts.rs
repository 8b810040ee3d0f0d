//! Pure MCTS speed on the background grammar with cached rewards (target >= 200,000 simulations per
//! second per core): `B0 -> K+ pi-` and `B0 -> K+ pi- pi0`, one search of 20,000 simulations (uniform
//! evaluator, one random playout per new leaf, batch 1) on one thread. A first untimed run with the
//! same seed scores every background it reaches, so the timed runs (same seed, same sequences) only
//! hit the memo: the figure is the search + grammar + memo cost, not the physics simulation.
//!
//! Times are process CPU time (hepzero-mcts's `benches/common/cpu_clock.rs`), so a figure is per busy
//! core. Run: `cargo bench -p hepzero-finder --bench mcts`

#[path = "../../hepzero-mcts/benches/common/cpu_clock.rs"]
mod cpu_clock;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hepzero_finder::mcts::{BackgroundEnv, default_search};
use hepzero_mcts::{DrawTrie, Search, UniformEvaluator};
use hepzero_pdg::ParticleTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, Vocabulary};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

const SIMS: u64 = 20_000;

fn model(vocab: &Arc<Vocabulary>, signal: &str) -> RewardModel {
    let particles = ParticleTable::lhcb_default();
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let config = hepzero_finder::all_measured_parents_limits(&production, &misid);
    let grammar = Arc::new(Grammar::new(vocab.clone(), signal, config).expect("grammar"));
    let reward = RewardConfig {
        signal_events: 20_000,
        streaming: hepzero_fastsim::StreamingConfig {
            max_events: 8192,
            min_events: 4096,
            ..Default::default()
        },
        ..Default::default()
    };
    RewardModel::new(grammar, particles, production, misid, reward).expect("model")
}

fn cached(c: &mut Criterion<cpu_clock::CpuClock>) {
    let vocab = Arc::new(Vocabulary::lhcb_default().expect("vocabulary"));
    let mut group = c.benchmark_group("background_cached");
    group.throughput(Throughput::Elements(SIMS));
    // Uniform playouts, the table-weighted playouts (`MctsConfig::playout_mode_weight`), and the
    // default: table-weighted playouts drawn without replacement from a fresh `DrawTrie` per run,
    // other daughter orders marked (`MctsConfig::distinct_sequences`, `mark_equivalent_orders`).
    for (name, signal, playout, distinct) in [
        ("B0_Kpi", "B0 -> K+ pi-", None, false),
        ("B0_Kpipi0", "B0 -> K+ pi- pi0", None, false),
        ("B0_Kpi_table_playouts", "B0 -> K+ pi-", Some(0.5), false),
        ("B0_Kpipi0_table_playouts", "B0 -> K+ pi- pi0", Some(0.5), false),
        ("B0_Kpi_distinct", "B0 -> K+ pi-", Some(0.5), true),
        ("B0_Kpipi0_distinct", "B0 -> K+ pi- pi0", Some(0.5), true),
    ] {
        let m = model(&vocab, signal);
        let env = BackgroundEnv::with_playout(&m, playout);
        let mut s = Search::new(&env, default_search(), ChaCha8Rng::seed_from_u64(3)).expect("search");
        let one_run = |s: &mut Search<'_, BackgroundEnv<'_>>| {
            s.restart(ChaCha8Rng::seed_from_u64(3));
            if distinct {
                s.attach_draws(DrawTrie::new()).expect("draws");
            }
            s.run(&UniformEvaluator, SIMS).expect("search");
            s.stats().simulations
        };
        one_run(&mut s);
        let scored = env.evaluations();
        group.bench_function(BenchmarkId::from_parameter(name), |b| b.iter(|| black_box(one_run(&mut s))));
        assert_eq!(env.evaluations(), scored, "a timed run scored a new background");
    }
    group.finish();
}

fn config() -> Criterion<cpu_clock::CpuClock> {
    Criterion::default()
        .with_measurement(cpu_clock::CpuClock::default())
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! { name = benches; config = config(); targets = cached }
criterion_main!(benches);
