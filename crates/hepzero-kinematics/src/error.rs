//! The crate's single error type. Every variant names the offending value so a caller can
//! report which particle or mass was wrong.

use thiserror::Error;

/// Errors from hepzero-kinematics.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// A mass, width or momentum that must be finite and non-negative was not.
    #[error("invalid {what}: {value} (must be finite and non-negative)")]
    InvalidValue {
        /// What the value was (e.g. "daughter mass 2", "width").
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A parent is too light to decay into the requested daughters.
    #[error("parent mass {parent} GeV is below the threshold {threshold} GeV (sum of daughter masses)")]
    BelowThreshold {
        /// Parent mass in GeV.
        parent: f64,
        /// Sum of the daughter masses in GeV.
        threshold: f64,
    },
    /// A decay needs at least two daughters.
    #[error("a decay needs at least 2 daughters, got {0}")]
    TooFewDaughters(usize),
    /// The caller's output slice does not match the number of daughters.
    #[error("output slice holds {got} four-momenta but the decay has {expected} daughters")]
    OutputLength {
        /// Number of daughters of the generator.
        expected: usize,
        /// Length of the slice given.
        got: usize,
    },
    /// Accept-reject sampling ran out of attempts (only for pathological inputs).
    #[error("accept-reject gave up after {0} attempts")]
    AcceptRejectExhausted(u64),
    /// A range of masses is empty or inverted.
    #[error("empty mass range [{min}, {max}] GeV")]
    EmptyRange {
        /// Lower end in GeV.
        min: f64,
        /// Upper end in GeV.
        max: f64,
    },
}

/// Result alias for hepzero-kinematics.
pub type Result<T> = std::result::Result<T, Error>;

/// Check that `value` is finite and non-negative.
pub(crate) fn check_non_negative(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 { Ok(value) } else { Err(Error::InvalidValue { what, value }) }
}
