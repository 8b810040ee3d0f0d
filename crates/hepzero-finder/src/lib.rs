//! The background finder: given a signal, find every decay that can fake it, ranked by the physics
//! reward of hepzero-reward. This crate holds the search methods and their common report:
//!
//! * [`oracle`]: exhaustive enumeration of every background the table-restricted grammar allows
//!   (up to `k` missing particles, allowed mis-ID pairs, a product-BR floor), each scored, the
//!   ground truth the other methods are measured against.
//!
//! Every method reports a [`Ranking`]: backgrounds in canonical form (hepzero-tokens) with their
//! reward factors, so results of different methods, runs and versions compare as plain strings.

pub mod ga;
pub mod mcts;
pub mod oracle;
pub mod ranking;
mod setup;

pub use ga::{BackgroundGenome, BackgroundProblem, GaSearchConfig, run_ga};
pub use mcts::{MctsConfig, MctsStats, run_mcts, run_mcts_with_stats};
pub use oracle::{OracleConfig, enumerate_backgrounds, run_oracle};
pub use ranking::Ranking;
pub use setup::{MISID_FLOOR, all_measured_parents_limits, model_for_signal};

/// What can go wrong in a search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The decay table query failed.
    #[error(transparent)]
    Pdg(#[from] hepzero_pdg::Error),
    /// The token language refused something.
    #[error(transparent)]
    Tokens(#[from] hepzero_tokens::Error),
    /// The reward could not be computed.
    #[error(transparent)]
    Reward(#[from] hepzero_reward::Error),
    /// A search setting that cannot work.
    #[error("invalid search setting: {0}")]
    Config(String),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
