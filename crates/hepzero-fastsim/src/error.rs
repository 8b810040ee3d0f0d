//! The crate's single error type: every failure names the particle, value or line that caused it.

use thiserror::Error;

/// Everything that can go wrong while building or running a fast simulation.
#[derive(Debug, Error)]
pub enum Error {
    /// A particle name that the particle table does not know.
    #[error("unknown particle `{name}`")]
    UnknownParticle {
        /// The name as given.
        name: String,
    },
    /// A decay that is kinematically closed for nominal (threshold) masses.
    #[error(
        "decay of `{parent}` is kinematically forbidden: parent mass {parent_mass} GeV < sum of daughter thresholds {threshold} GeV"
    )]
    KinematicallyForbidden {
        /// The decaying particle.
        parent: String,
        /// Its maximal mass (GeV).
        parent_mass: f64,
        /// Sum of the minimal daughter masses (GeV).
        threshold: f64,
    },
    /// A node with exactly one child, which phase space cannot decay.
    #[error("`{parent}` has {count} daughter(s); a decay needs at least two")]
    TooFewDaughters {
        /// The decaying particle.
        parent: String,
        /// How many daughters it was given.
        count: usize,
    },
    /// A node with more daughters than the phase-space generator handles.
    #[error("`{parent}` has {count} daughters; at most 16 are supported")]
    TooManyDaughters {
        /// The decaying particle.
        parent: String,
        /// How many daughters it was given.
        count: usize,
    },
    /// A final-state leaf that decays (not stable per the particle table) and is not marked missing.
    #[error("final-state particle `{name}` is not stable; give its decay or mark it missing")]
    UnstableLeaf {
        /// The particle.
        name: String,
    },
    /// A reconstruction request that cannot be honoured (e.g. a mass hypothesis on a decaying node).
    #[error("invalid reconstruction for `{name}`: {reason}")]
    InvalidReco {
        /// The particle.
        name: String,
        /// Why.
        reason: String,
    },
    /// A configuration value out of its allowed domain.
    #[error("invalid configuration `{field}` = {value}: {reason}")]
    InvalidConfig {
        /// The configuration field.
        field: String,
        /// Its value, as text.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// A malformed spectrum (histogram) text file.
    #[error("{source_name}:{line}: {reason}")]
    Spectrum {
        /// The file or built-in spectrum.
        source_name: String,
        /// One-based line number.
        line: usize,
        /// What was wrong.
        reason: String,
    },
    /// The chain reconstructs no particle at all, so no mass can be formed.
    #[error("decay chain of `{head}` has no reconstructed particle")]
    NothingReconstructed {
        /// The head of the chain.
        head: String,
    },
    /// A statistic asked of an empty sample (e.g. no event in acceptance).
    #[error("empty sample: {what}")]
    EmptySample {
        /// Which statistic.
        what: String,
    },
    /// An error from hepzero-kinematics (phase-space generation).
    #[error("kinematics: {0}")]
    Kinematics(#[from] hepzero_kinematics::Error),
    /// rayon failed to build a local thread pool.
    #[error("thread pool: {0}")]
    ThreadPool(String),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn config(field: &str, value: impl std::fmt::Display, reason: &str) -> Self {
        Error::InvalidConfig {
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }
}
