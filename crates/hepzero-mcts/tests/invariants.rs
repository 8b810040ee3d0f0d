//! Bookkeeping invariants of the search for random small games and configurations: every
//! simulation is counted once at the root and once on a root edge, virtual loss is fully released,
//! and a search of a small game long enough to visit all of it finds the true optimum.

use hepzero_mcts::synthetic::TargetPathGame;
use hepzero_mcts::{BatchRunner, Fpu, Normalisation, Search, SearchConfig, UniformEvaluator};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn config(batch: usize, vl: u32, ranked: bool, fpu: f32) -> SearchConfig {
    SearchConfig {
        batch_size: batch,
        virtual_loss: vl,
        normalisation: if ranked {
            Normalisation::Ranked { alpha: 0.75, window: 64 }
        } else {
            Normalisation::LogMinMax { floor: 1e-12 }
        },
        fpu: Fpu::Constant(fpu),
        ..SearchConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn visits_add_up(branching in 2u32..6, depth in 1u32..5, seed in 0u64..1000, batch in 1usize..40,
                     vl in 0u32..3, ranked in any::<bool>(), fpu in 0.0f32..1.0, sims in 1u64..400) {
        let g = TargetPathGame::new(branching, depth, seed).unwrap();
        let mut s = Search::new(&g, config(batch, vl, ranked, fpu), ChaCha8Rng::seed_from_u64(seed)).unwrap();
        s.run(&UniformEvaluator, sims).unwrap();
        prop_assert_eq!(s.stats().simulations, sims);
        prop_assert_eq!(u64::from(s.node_visits(&[]).unwrap()), sims);
        let edge_sum: u64 = s.root_visits().iter().map(|&(_, n)| u64::from(n)).sum();
        prop_assert_eq!(edge_sum, sims - 1);
        // A second run after the first adds exactly its simulations (no in-flight left behind).
        s.run(&UniformEvaluator, 7).unwrap();
        prop_assert_eq!(u64::from(s.node_visits(&[]).unwrap()), sims + 7);
        // Each child's node visits equal its edge visits (a tree: one parent per node).
        for (a, n) in s.root_visits() {
            if n > 0 {
                prop_assert_eq!(s.node_visits(&[a]), Some(n));
            }
        }
    }

    #[test]
    fn small_games_are_solved(branching in 2u32..5, depth in 1u32..4, seed in 0u64..1000, searches in 1usize..4) {
        // At most 4^3 = 64 terminal sequences: 2000 simulations visit them all.
        let g = TargetPathGame::new(branching, depth, seed).unwrap();
        let mut ss: Vec<_> = (0..searches)
            .map(|i| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(i as u64);
                Search::new(&g, config(8, 1, false, 1.0), rng).unwrap()
            })
            .collect();
        BatchRunner::new().run(&mut ss, &UniformEvaluator, 2000).unwrap();
        for s in &ss {
            let best = s.best_terminal().unwrap();
            prop_assert_eq!(&best.tokens[..], g.target());
            prop_assert_eq!(best.reward, g.optimal_reward());
            prop_assert_eq!(&s.principal_variation()[..], g.target());
        }
    }
}
