//! Self-play: many games played in lockstep, one search per game, all searches of a move sharing
//! evaluator calls (see `batch.rs`). Each game records, per move, the root visit counts (the
//! AlphaZero policy target) and at the end the final reward (the value target).

use crate::batch::{BatchRunner, BatchStats};
use crate::config::SearchConfig;
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::eval::Evaluator;
use crate::search::Search;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Self-play parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelfPlayConfig {
    /// The search.
    pub search: SearchConfig,
    /// Simulations per move (on top of what the reused subtree already holds).
    pub simulations: u64,
    /// Temperature of the action choice for the first `temperature_moves` moves; greedy after.
    pub temperature: f64,
    /// Number of moves played with `temperature`.
    pub temperature_moves: usize,
    /// Moves after which a game is stopped even if not terminal.
    pub max_moves: usize,
}

impl Default for SelfPlayConfig {
    fn default() -> Self {
        Self {
            search: SearchConfig::default(),
            simulations: 800,
            temperature: 1.0,
            temperature_moves: 1000,
            max_moves: 4096,
        }
    }
}

/// One played game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// Actions played, from the initial state.
    pub tokens: Vec<u32>,
    /// For step `t` (state `tokens[..t]`): `(action, visits)` of every visited root action, in action
    /// order.
    pub policies: Vec<Vec<(u32, u32)>>,
    /// Raw reward of the final state.
    pub reward: f64,
}

impl Episode {
    /// Token prefix that was the state at step `t`.
    pub fn state_tokens(&self, t: usize) -> &[u32] {
        &self.tokens[..t.min(self.tokens.len())]
    }

    /// Visit distribution (sums to 1) at step `t`.
    pub fn visit_distribution(&self, t: usize) -> Vec<(u32, f32)> {
        let Some(p) = self.policies.get(t) else { return Vec::new() };
        let total: u64 = p.iter().map(|&(_, n)| u64::from(n)).sum();
        if total == 0 {
            return Vec::new();
        }
        p.iter().map(|&(a, n)| (a, n as f32 / total as f32)).collect()
    }
}

/// Play `games` games from `env.initial_state()`; game `i` draws from stream `i` of `seed`, so the
/// episodes do not depend on the number of threads. Returns the episodes in game order and the batch
/// statistics of the shared evaluator calls.
pub fn self_play<E, V>(
    env: &E,
    evaluator: &V,
    config: &SelfPlayConfig,
    games: usize,
    seed: u64,
) -> Result<(Vec<Episode>, BatchStats)>
where
    E: Environment,
    V: Evaluator<E::State> + ?Sized,
{
    if config.simulations == 0 {
        return Err(Error::Config { field: "simulations", value: "0".into(), reason: "must be >= 1" });
    }
    let mut searches = (0..games)
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(i as u64);
            Search::new(env, config.search.clone(), rng)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut ids: Vec<usize> = (0..games).collect();
    let mut policies: Vec<Vec<Vec<(u32, u32)>>> = vec![Vec::new(); games];
    let mut episodes: Vec<Option<Episode>> = vec![None; games];
    let mut runner = BatchRunner::new();
    loop {
        let mut i = 0;
        while i < searches.len() {
            let s = &searches[i];
            if s.root_is_terminal() || s.root_actions().len() >= config.max_moves {
                let id = ids[i];
                episodes[id] = Some(Episode {
                    tokens: s.root_actions().to_vec(),
                    policies: std::mem::take(&mut policies[i]),
                    reward: env.terminal_reward(s.root_state()),
                });
                searches.swap_remove(i);
                ids.swap_remove(i);
                policies.swap_remove(i);
            } else {
                i += 1;
            }
        }
        if searches.is_empty() {
            break;
        }
        runner.run(&mut searches, evaluator, config.simulations)?;
        searches.par_iter_mut().zip(policies.par_iter_mut()).try_for_each(|(s, pol)| -> Result<()> {
            let visits: Vec<(u32, u32)> = s.root_visits().into_iter().filter(|&(_, n)| n > 0).collect();
            let t = if s.root_actions().len() < config.temperature_moves { config.temperature } else { 0.0 };
            let depth = s.root_actions().len();
            let a = s.choose_action(t).ok_or(Error::IllegalAction { action: u32::MAX, depth })?;
            pol.push(visits);
            s.advance(a)
        })?;
    }
    Ok((episodes.into_iter().flatten().collect(), runner.stats))
}
