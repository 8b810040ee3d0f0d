//! The crate's single error type. Every variant names where the problem is: the file, line and
//! column and the offending token for decay files, the row for particle tables, the particle name
//! for queries.

use std::sync::Arc;

/// A position in a text file, 1-based line and column (column counted in characters).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// File name as given to the parser (for embedded tables: the fixture's file name).
    pub file: Arc<str>,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column of the first character of the token.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Everything that can go wrong in `hepzero-pdg`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A syntax error in a `.DEC` file.
    #[error("{location}: {message} (token `{token}`)")]
    DecSyntax {
        /// Where the offending token starts.
        location: Location,
        /// The offending token (empty at end of file).
        token: String,
        /// What was expected or what is wrong.
        message: String,
    },
    /// A `.DEC` file names a particle that is neither in the particle table nor an `Alias`.
    #[error("{location}: unknown particle `{name}` (not in the particle table and not an Alias)")]
    UnknownParticleInDec {
        /// Where the name appears.
        location: Location,
        /// The unknown name.
        name: String,
    },
    /// A malformed row of a particle table.
    #[error("{file}:{line}: {message}")]
    ParticleTable {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u32,
        /// What is wrong with the row.
        message: String,
    },
    /// A query named a particle the table does not know.
    #[error("unknown particle `{0}`")]
    UnknownParticle(String),
    /// A query named a particle that has no decay modes in the decay table.
    #[error("particle `{0}` has no decay modes in this decay table")]
    NoDecays(String),
    /// A query argument is invalid (message says which and why).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// Reading a file failed.
    #[error("cannot read `{path}`: {reason}")]
    Io {
        /// Path as given.
        path: String,
        /// The underlying error (in the message, so it is not repeated as a source).
        reason: std::io::Error,
    },
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
