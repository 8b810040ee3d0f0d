//! Generic single-player Monte-Carlo tree search in the AlphaZero style.
//!
//! The background finder of the seed builds a background decay token by token and only learns its
//! physics reward at the end: a single-player game with purely terminal rewards and a large
//! trajectory space, searched with AlphaZero (Silver et al., Science 362 (2018) 1140). This crate is
//! the game-independent engine:
//!
//! - [`Environment`]: state, legal actions as an [`ActionMask`], `apply`, terminal reward, canonical
//!   transposition key;
//! - [`Evaluator`]: prior and value for a **batch** of states ([`UniformEvaluator`], [`FnEvaluator`]);
//! - [`Search`]: PUCT over an arena tree with transpositions, virtual loss, root Dirichlet noise,
//!   rollouts, temperature action choice and tree reuse ([`Search::advance`]);
//! - [`Normalisation`]: log-reward min-max or ranked reward (arXiv:1807.01672) for rewards spanning
//!   `1e-9 .. 10`;
//! - [`BatchRunner`]: many searches, one evaluator call per round, rayon across searches;
//! - [`DrawTrie`]: drawing sequences without replacement (each draw a new sequence);
//! - [`self_play`] and [`records`]: self-play episodes and their crash-safe record files;
//! - [`synthetic`]: a target-path game with a known optimum, for tests and benchmarks.

mod batch;
mod config;
mod crc32;
pub mod draws;
mod env;
mod error;
mod eval;
mod mask;
mod normalise;
pub mod records;
mod search;
mod selfplay;
pub mod synthetic;
mod tree;

pub use batch::{BatchRunner, BatchStats};
pub use config::{Fpu, SearchConfig};
pub use crc32::crc32;
pub use draws::DrawTrie;
pub use env::Environment;
pub use error::{Error, Result};
pub use eval::{Evaluation, Evaluator, FnEvaluator, UniformEvaluator};
pub use mask::ActionMask;
pub use normalise::{Normalisation, ValueNormaliser};
pub use records::{RecordFile, RecordWriter, read_records};
pub use search::{Search, SearchStats, Terminal};
pub use selfplay::{Episode, SelfPlayConfig, self_play};
