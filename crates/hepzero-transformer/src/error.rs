//! The crate's error type.

/// Everything that can go wrong building, running, training or saving the network.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration that cannot be built (zero width, heads not dividing the width, ...).
    #[error("invalid transformer configuration: {0}")]
    InvalidConfig(String),
    /// A sequence longer than the model's context.
    #[error("{what} has {len} tokens but the model's context holds at most {max}")]
    TooLong { what: &'static str, len: usize, max: usize },
    /// A token id outside the model's vocabulary.
    #[error("token id {token} in the {what} is outside the model's vocabulary of {vocab} tokens")]
    TokenOutOfRange { what: &'static str, token: u16, vocab: usize },
    /// A signal with no tokens.
    #[error("item {index} of the batch has an empty signal")]
    EmptySignal { index: usize },
    /// A batch with no items.
    #[error("empty batch")]
    EmptyBatch,
    /// A valid-next mask that does not fit the vocabulary or the sequence.
    #[error("item {index}: {message}")]
    BadMask { index: usize, message: String },
    /// The token grammar refused a token (a bug in the mask handling if it happens while sampling).
    #[error(transparent)]
    Tokens(#[from] hepzero_tokens::Error),
    /// Reading a tensor back from the device failed.
    #[error("reading a tensor back from the device failed: {0}")]
    Device(String),
    /// Device selection, module saving or loading failed in hepzero-backend.
    #[error(transparent)]
    Backend(#[from] hepzero_backend::Error),
    /// Reading or writing a checkpoint's files failed.
    #[error("checkpoint {path}: {message}")]
    Checkpoint { path: String, message: String },
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
