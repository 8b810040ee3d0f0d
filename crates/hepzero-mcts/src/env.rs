//! The environment a search plays: a single-player, deterministic, finite-horizon game whose only
//! reward comes at the end.
//!
//! The shape follows the background finder of the seed (a background decay built token by token): the
//! state is a token prefix plus whatever incremental grammar state makes `legal_actions` cheap, the
//! legal actions are a bit mask over a vocabulary of a few hundred tokens, and two token orders that
//! describe the same canonical object may share one [`Environment::transposition_key`].
//!
//! How the token grammar is meant to plug in: `State` = the token prefix (`Vec<u32>`, reused through
//! `clone_from`) plus the grammar's incremental parser state; `legal_actions` = the grammar's
//! valid-next mask; `apply` = push a token and advance the parser; `is_terminal` = the end token was
//! played; `terminal_reward` = the physics reward of the finished background (cached by canonical
//! form); `transposition_key` = a hash of the canonical form of the partial background, so that
//! daughters listed in another order share one node.

use crate::mask::ActionMask;

/// A single-player game with a terminal reward.
///
/// Requirements the search relies on:
/// - `apply` is only called with an action that `legal_actions` set for that state;
/// - every sequence of legal actions reaches a terminal state (no cycles; the search stops with
///   [`crate::Error::TooDeep`] after `SearchConfig::max_depth` actions);
/// - a state with no legal action is treated as terminal;
/// - rewards are non-negative; values below the normalisation floor count as the floor.
pub trait Environment: Sync {
    /// Game state. `clone_from` is used on the hot path, so a state that owns a `Vec` reuses its
    /// allocation.
    type State: Clone + Send + Sync;

    /// Size of the action space (vocabulary); actions are `0..num_actions`.
    fn num_actions(&self) -> usize;

    /// The state at the start of an episode.
    fn initial_state(&self) -> Self::State;

    /// Write the legal actions of `state` into `mask`, which arrives cleared with length
    /// `num_actions()`.
    fn legal_actions(&self, state: &Self::State, mask: &mut ActionMask);

    /// Play `action` (legal in `state`) in place.
    fn apply(&self, state: &mut Self::State, action: u32);

    /// Whether the episode is over.
    fn is_terminal(&self, state: &Self::State) -> bool;

    /// Reward of a terminal state (or of a state with no legal action).
    fn terminal_reward(&self, state: &Self::State) -> f64;

    /// Canonical key: states with equal keys are the same position and share search statistics.
    /// `None` (the default) means "no transpositions": every action path is its own node.
    fn transposition_key(&self, _state: &Self::State) -> Option<u64> {
        None
    }

    /// Whether random playouts ask [`Environment::playout_action`] for their moves. `false` (the
    /// default): playouts pick uniformly among the legal actions, and draw nothing else from the
    /// search's random stream.
    fn has_playout_policy(&self) -> bool {
        false
    }

    /// The playout policy's move in `state` (whose legal actions are `mask`), given `u`, a uniform
    /// number in [0, 1) drawn from the search's stream: a domain-knowledge playout (e.g. decay modes
    /// drawn by branching fraction) that leaves the tree's prior untouched. Must return a legal
    /// action or `None` (then the move is uniform). Only called when `has_playout_policy()`.
    fn playout_action(&self, _state: &Self::State, _mask: &ActionMask, _u: f64) -> Option<u32> {
        None
    }

    /// The playout policy's whole distribution in `state` (whose legal actions are `mask`): writes
    /// `(action, p)` for legal actions, `p >= 0` summing to one, into `out` (arriving empty) and
    /// returns `true`. Playouts that draw sequences without replacement ([`crate::DrawTrie`], see
    /// `Search::attach_draws`) need each move's probability, not only a sampled move. `false` (the
    /// default): the playouts of such a search are uniform among the legal actions.
    fn playout_policy(&self, _state: &Self::State, _mask: &ActionMask, _out: &mut Vec<(u32, f64)>) -> bool {
        false
    }

    /// Other action sequences from the initial state that end on the same terminal as `state`
    /// (e.g. the other daughter orders of one background), pushed onto `out` (arriving empty).
    /// A search drawing without replacement marks them as drawn once one of them is built, so its
    /// budget goes to terminals it has not reached in any order. Default: none.
    fn equivalent_sequences(&self, _state: &Self::State, _out: &mut Vec<Vec<u32>>) {}
}
