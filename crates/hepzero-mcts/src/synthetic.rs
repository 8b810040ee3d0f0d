//! A synthetic single-player game with a known, unique optimum, for tests and benchmarks.
//!
//! **Target-path game.** `depth` moves, each choosing one of `branching` actions (all always legal).
//! A hidden target path `t_0 .. t_{depth-1}` is drawn from a seed. The terminal reward depends on
//! `k`, the length of the longest common prefix of the played sequence and the target:
//!
//! `reward = 10^(k + 1 - depth)`
//!
//! so with `depth = 10` rewards run from `1e-9` (first move wrong) to `10` (the whole target), the
//! range of the background finder's physics reward. Only the target reaches `k = depth`, so the
//! optimum is unique and known: the target, reward `10`. The partial credit gives a search signal
//! (each correct move multiplies the reward by 10) without giving the answer away: a uniformly
//! random playout from a state with `k` correct moves scores `10^(k+1-depth)` with probability
//! `1 - 1/branching`. With branching 30 and depth 10 there are `30^10 ~ 5.9e14` sequences.
//!
//! [`OracleEvaluator`] knows the target and puts prior mass `confidence` on the correct next move of
//! an on-target state (uniform elsewhere): the "perfect network" against which the uniform prior is
//! compared.

use crate::env::Environment;
use crate::error::{Error, Result};
use crate::eval::{Evaluation, Evaluator};
use crate::mask::ActionMask;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The target-path game (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetPathGame {
    branching: u32,
    target: Vec<u32>,
}

/// State of the target-path game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct PathState {
    /// Moves played.
    pub depth: u32,
    /// Length of the common prefix with the target.
    pub matched: u32,
}

impl TargetPathGame {
    /// A game with a target drawn from `seed`.
    pub fn new(branching: u32, depth: u32, seed: u64) -> Result<Self> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // A stream of its own, so a search seeded with the same number does not replay the target.
        rng.set_stream(0x7461_7267_6574);
        let target = (0..depth).map(|_| rng.random_range(0..branching.max(1))).collect();
        Self::with_target(branching, target)
    }

    /// A game with a given target.
    pub fn with_target(branching: u32, target: Vec<u32>) -> Result<Self> {
        if branching < 2 {
            return Err(Error::Config {
                field: "branching",
                value: branching.to_string(),
                reason: "must be >= 2",
            });
        }
        if target.is_empty() || target.len() > 300 {
            return Err(Error::Config {
                field: "depth",
                value: target.len().to_string(),
                reason: "must be in 1..=300",
            });
        }
        if let Some(&a) = target.iter().find(|&&a| a >= branching) {
            return Err(Error::ActionOutOfRange { action: a, num_actions: branching as usize });
        }
        Ok(Self { branching, target })
    }

    /// The hidden target (the unique optimum).
    pub fn target(&self) -> &[u32] {
        &self.target
    }

    /// Number of moves.
    pub fn depth(&self) -> u32 {
        self.target.len() as u32
    }

    /// Reward of a terminal state with `k` correct leading moves.
    pub fn reward_for(&self, k: u32) -> f64 {
        10f64.powi(k as i32 + 1 - self.depth() as i32)
    }

    /// The optimal reward, 10.
    pub fn optimal_reward(&self) -> f64 {
        self.reward_for(self.depth())
    }
}

impl Environment for TargetPathGame {
    type State = PathState;

    fn num_actions(&self) -> usize {
        self.branching as usize
    }

    fn initial_state(&self) -> PathState {
        PathState::default()
    }

    fn legal_actions(&self, state: &PathState, mask: &mut ActionMask) {
        if state.depth < self.depth() {
            mask.set_all();
        }
    }

    #[inline]
    fn apply(&self, state: &mut PathState, action: u32) {
        if state.matched == state.depth && self.target.get(state.depth as usize) == Some(&action) {
            state.matched += 1;
        }
        state.depth += 1;
    }

    fn is_terminal(&self, state: &PathState) -> bool {
        state.depth >= self.depth()
    }

    fn terminal_reward(&self, state: &PathState) -> f64 {
        self.reward_for(state.matched)
    }
}

/// A prior that knows the target: mass `confidence` on the correct next move of on-target states,
/// the rest spread uniformly; uniform off target. Value 0 (the rollouts supply values).
#[derive(Clone, Debug)]
pub struct OracleEvaluator<'g> {
    /// The game whose target is known.
    pub game: &'g TargetPathGame,
    /// Prior of the correct move, in `(0, 1]`.
    pub confidence: f32,
}

impl Evaluator<PathState> for OracleEvaluator<'_> {
    fn evaluate(&self, states: &[PathState], out: &mut Evaluation) -> Result<()> {
        let b = out.num_actions;
        let rest = (1.0 - self.confidence) / (b.max(2) - 1) as f32;
        for (i, s) in states.iter().enumerate() {
            let row = &mut out.priors[i * b..(i + 1) * b];
            match self.game.target.get(s.depth as usize) {
                Some(&t) if s.matched == s.depth => {
                    row.iter_mut().for_each(|p| *p = rest);
                    row[t as usize] = self.confidence;
                }
                _ => row.iter_mut().for_each(|p| *p = 1.0),
            }
            out.values[i] = 0.0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewards_span_1e_minus_9_to_10_and_optimum_is_unique() {
        let g = TargetPathGame::new(30, 10, 7).unwrap();
        assert_eq!(g.reward_for(0), 1e-9);
        assert_eq!(g.optimal_reward(), 10.0);
        let mut s = g.initial_state();
        for &a in g.target() {
            g.apply(&mut s, a);
        }
        assert!(g.is_terminal(&s));
        assert_eq!(g.terminal_reward(&s), 10.0);
        // Any deviation, even at the last move, loses a factor 10.
        let mut s = g.initial_state();
        for (i, &a) in g.target().iter().enumerate() {
            g.apply(&mut s, if i == 9 { (a + 1) % 30 } else { a });
        }
        assert!((g.terminal_reward(&s) - 1.0).abs() < 1e-12);
    }
}
