//! The crate's single error type.

use std::path::PathBuf;

/// Everything that can go wrong in `hepzero-mcts`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An evaluator returned buffers of the wrong length.
    #[error(
        "evaluator returned {what} of length {got}, expected {expected} (batch of {batch} states, {num_actions} actions)"
    )]
    EvaluatorShape {
        /// `"priors"` or `"values"`.
        what: &'static str,
        /// Length returned.
        got: usize,
        /// Length required.
        expected: usize,
        /// Number of states in the batch.
        batch: usize,
        /// Size of the action space.
        num_actions: usize,
    },
    /// An evaluator returned a NaN or infinite value.
    #[error("evaluator returned a non-finite value {value} for state {index} of the batch")]
    NonFiniteValue {
        /// Index of the state in the batch.
        index: usize,
        /// The offending value.
        value: f32,
    },
    /// An evaluator failed in its own way (for example a network error).
    #[error("evaluator failed: {0}")]
    Evaluator(String),
    /// A configuration value is out of its allowed range.
    #[error("invalid configuration: {field} = {value} ({reason})")]
    Config {
        /// Name of the field.
        field: &'static str,
        /// The value given, printed.
        value: String,
        /// What is allowed.
        reason: &'static str,
    },
    /// `advance` was asked to play an action that is not legal at the root.
    #[error("action {action} is not legal at the search root (after {depth} actions)")]
    IllegalAction {
        /// The action asked for.
        action: u32,
        /// Number of actions played before the root.
        depth: usize,
    },
    /// A search descended deeper than `SearchConfig::max_depth`: the environment probably has a cycle.
    #[error("search path exceeded the maximum depth {max_depth}: does the environment have a cycle?")]
    TooDeep {
        /// The configured limit.
        max_depth: usize,
    },
    /// An action mask and an environment disagree on the size of the action space.
    #[error("action {action} is outside the action space of size {num_actions}")]
    ActionOutOfRange {
        /// The action.
        action: u32,
        /// The size of the action space.
        num_actions: usize,
    },
    /// Reading or writing a self-play record file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A self-play record file is not in the expected format.
    #[error("{path}: byte {offset}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// Byte offset of the problem.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
