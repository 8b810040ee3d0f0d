//! The crate's error type.

/// Everything that can go wrong training the agent, proposing backgrounds or benchmarking.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A search (oracle, GA, MCTS) or its reward model failed.
    #[error(transparent)]
    Finder(#[from] hepzero_finder::Error),
    /// The reward model failed.
    #[error(transparent)]
    Reward(#[from] hepzero_reward::Error),
    /// The network failed (shape, device, checkpoint).
    #[error(transparent)]
    Network(#[from] hepzero_transformer::Error),
    /// Self-play or its records failed.
    #[error(transparent)]
    Search(#[from] hepzero_mcts::Error),
    /// The token grammar refused a background.
    #[error(transparent)]
    Tokens(#[from] hepzero_tokens::Error),
    /// Device selection or module I/O failed.
    #[error(transparent)]
    Backend(#[from] hepzero_backend::Error),
    /// A signal of a list that cannot be used (unknown particle, not producible, ...).
    #[error("{origin}, line {line}: signal '{signal}': {message}")]
    Signal { origin: String, line: usize, signal: String, message: String },
    /// Reading or writing a file of the training folder failed.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// A setting that cannot work.
    #[error("invalid agent setting: {0}")]
    Config(String),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// An [`Error::File`] for `path`.
pub(crate) fn file_error(path: &std::path::Path, message: impl ToString) -> Error {
    Error::File { path: path.display().to_string(), message: message.to_string() }
}
