//! The crate's single error type.

use std::path::PathBuf;

/// Everything that can go wrong in `hepzero-evolution`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A physical or numerical parameter is out of its allowed range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: String,
        /// The offending value, formatted.
        value: String,
        /// Why it is invalid.
        reason: String,
    },
    /// An x grid is malformed.
    #[error("invalid x grid: {0}")]
    InvalidGrid(String),
    /// A file could not be read or written.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A text file (LHAPDF `.info`/`.dat`, runcard) failed to parse.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong, naming the token.
        message: String,
    },
    /// A binary FK table is malformed.
    #[error("FK table {path}: {message}")]
    FkFormat {
        /// The file (or `<memory>`).
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// A PDF set does not cover a requested point or flavour.
    #[error("PDF lookup: {0}")]
    Lookup(String),
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn invalid(name: &str, value: impl std::fmt::Display, reason: &str) -> Error {
    Error::InvalidParameter { name: name.to_string(), value: value.to_string(), reason: reason.to_string() }
}
