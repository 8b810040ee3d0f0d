//! Results are identical for a seed with 1 and 2 threads: self-play of several games sharing
//! evaluator calls, and several independent searches run side by side.

use hepzero_mcts::synthetic::{OracleEvaluator, TargetPathGame};
use hepzero_mcts::{
    BatchRunner, FnEvaluator, Search, SearchConfig, SelfPlayConfig, UniformEvaluator, self_play,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

#[test]
fn self_play_is_identical_with_one_and_two_threads() {
    let g = TargetPathGame::new(30, 10, 5).unwrap();
    let config = SelfPlayConfig {
        search: SearchConfig { batch_size: 16, ..SearchConfig::default() },
        simulations: 64,
        temperature: 1.0,
        temperature_moves: 4,
        ..SelfPlayConfig::default()
    };
    let oracle = OracleEvaluator { game: &g, confidence: 0.3 };
    let run = || self_play(&g, &oracle, &config, 6, 42).unwrap();
    let (a, sa) = in_pool(1, run);
    let (b, sb) = in_pool(2, run);
    assert_eq!(a.len(), 6);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    // Each game is 10 moves, each move has a visit distribution, and the games differ (own streams).
    for e in &a {
        assert_eq!(e.tokens.len(), 10);
        assert_eq!(e.policies.len(), 10);
        assert!(e.reward > 0.0);
    }
    assert!(a.windows(2).any(|w| w[0].tokens != w[1].tokens));
}

#[test]
fn shared_batches_of_many_searches_are_identical_with_one_and_two_threads() {
    let g = TargetPathGame::new(30, 10, 9).unwrap();
    // A closure evaluator: a prior slightly favouring low actions, value from the depth.
    let ev = FnEvaluator::new(|states: &[hepzero_mcts::synthetic::PathState]| {
        let priors = states.iter().flat_map(|_| (0..30).map(|a| 1.0 / (1.0 + a as f32))).collect();
        let values = states.iter().map(|s| s.depth as f32 / 10.0).collect();
        (priors, values)
    });
    let run = || {
        let mut searches: Vec<Search<'_, TargetPathGame>> = (0..4)
            .map(|i| {
                let mut rng = ChaCha8Rng::seed_from_u64(7);
                rng.set_stream(i);
                let cfg = SearchConfig { batch_size: 64, rollout_weight: 0.5, ..SearchConfig::default() };
                Search::new(&g, cfg, rng).unwrap()
            })
            .collect();
        let mut runner = BatchRunner::new();
        runner.run(&mut searches, &ev, 2000).unwrap();
        let visits: Vec<_> = searches.iter().map(|s| (s.root_visits(), s.stats().clone())).collect();
        (visits, runner.stats)
    };
    let (a, sa) = in_pool(1, run);
    let (b, sb) = in_pool(2, run);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    for (_, st) in &a {
        assert!(st.simulations >= 2000);
    }
    // The same searches with the uniform evaluator give another, but again thread-independent, result.
    let u = |threads| {
        in_pool(threads, || {
            let mut s = Search::new(&g, SearchConfig::default(), ChaCha8Rng::seed_from_u64(1)).unwrap();
            s.run(&UniformEvaluator, 3000).unwrap();
            s.root_visits()
        })
    };
    assert_eq!(u(1), u(2));
}
