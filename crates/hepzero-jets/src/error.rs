//! The crate's error type: every error names the event, particle, file, line or value at fault.

/// Everything that can go wrong in hepzero-jets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A particle with a non-finite component or a negative energy.
    #[error("particle {index}: {reason} (px={px}, py={py}, pz={pz}, E={e})")]
    BadParticle {
        /// Index of the particle in its event's input order.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
        /// x momentum (GeV).
        px: f64,
        /// y momentum (GeV).
        py: f64,
        /// z momentum (GeV).
        pz: f64,
        /// Energy (GeV).
        e: f64,
    },
    /// An event with no particles.
    #[error("empty event: no particles to cluster")]
    EmptyEvent,
    /// An error attached to one event of a sample.
    #[error("event {event}: {error}")]
    Event {
        /// The event number (HepMC's, or the 0-based index in a fixture file or slice).
        event: usize,
        /// The underlying error (its text is part of this one's, so it is not a separate `source`).
        error: Box<Error>,
    },
    /// A jet radius or other parameter out of its domain.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A node index that is not in the cluster sequence.
    #[error("node {0} is not in the cluster sequence")]
    NoSuchNode(usize),
    /// A malformed input file.
    #[error("{file}: line {line}: {message}")]
    Parse {
        /// File name (or `<memory>`).
        file: String,
        /// Line number (1-based; for binary files, the event index).
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// An I/O error on a named file.
    #[error("{file}: {error}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error (part of this one's text).
        error: std::io::Error,
    },
    /// Evaluation helpers given no usable values.
    #[error("empty distribution: {0}")]
    EmptyDistribution(&'static str),
}

impl Error {
    /// Attaches the event index to an error.
    #[must_use]
    pub fn in_event(self, event: usize) -> Error {
        match self {
            e @ Error::Event { .. } => e,
            e => Error::Event { event, error: Box::new(e) },
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
