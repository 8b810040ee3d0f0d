//! Simulations the search needs to reach the unique optimum of the target-path game (branching 30,
//! depth 10) over 20 games, for the uniform and the oracle prior, both value normalisations and
//! several evaluator batch sizes. The figures in docs/benchmarks.md come from this program.
//!
//! Run: `cargo run --release -p hepzero-mcts --example synthetic_budget`

use hepzero_mcts::synthetic::{OracleEvaluator, PathState, TargetPathGame};
use hepzero_mcts::{Evaluator, Fpu, Normalisation, Search, SearchConfig, UniformEvaluator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const GAMES: u64 = 20;
const CAP: u64 = 200_000;

fn sims_to_optimum<V: Evaluator<PathState>>(
    g: &TargetPathGame,
    ev: &V,
    cfg: &SearchConfig,
    seed: u64,
) -> hepzero_mcts::Result<Option<u64>> {
    let mut s = Search::new(g, cfg.clone(), ChaCha8Rng::seed_from_u64(seed))?;
    while s.stats().simulations < CAP {
        s.run(ev, cfg.batch_size as u64)?;
        if s.best_terminal().is_some_and(|t| t.reward == g.optimal_reward()) {
            return Ok(Some(s.stats().simulations));
        }
    }
    Ok(None)
}

fn main() -> hepzero_mcts::Result<()> {
    println!("| prior | normalisation | batch | min | median | max | found |");
    println!("|---|---|---|---|---|---|---|");
    let norms = [
        ("log min-max", Normalisation::LogMinMax { floor: 1e-12 }),
        ("ranked (0.75, 256)", Normalisation::Ranked { alpha: 0.75, window: 256 }),
    ];
    for (prior, oracle) in [("uniform", false), ("oracle 0.5", true)] {
        for (nname, norm) in &norms {
            for batch in [1usize, 32, 256] {
                let cfg = SearchConfig {
                    batch_size: batch,
                    dirichlet_epsilon: 0.0,
                    c_puct: 1.25,
                    fpu: Fpu::ParentMinus(0.1),
                    rollouts: 1,
                    normalisation: norm.clone(),
                    ..SearchConfig::default()
                };
                let mut found = Vec::new();
                for seed in 0..GAMES {
                    let g = TargetPathGame::new(30, 10, seed)?;
                    let r = if oracle {
                        sims_to_optimum(&g, &OracleEvaluator { game: &g, confidence: 0.5 }, &cfg, seed)?
                    } else {
                        sims_to_optimum(&g, &UniformEvaluator, &cfg, seed)?
                    };
                    found.extend(r);
                }
                found.sort_unstable();
                let (min, med, max) = match found.as_slice() {
                    [] => (0, 0, 0),
                    f => (f[0], f[f.len() / 2], f[f.len() - 1]),
                };
                println!("| {prior} | {nname} | {batch} | {min} | {med} | {max} | {}/{GAMES} |", found.len());
            }
        }
    }
    Ok(())
}
