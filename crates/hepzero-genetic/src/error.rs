//! The crate's one error type.

use thiserror::Error;

/// Boxed error a fitness function may return; the engine wraps it with the generation it happened in.
pub type FitnessError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a run.
#[derive(Debug, Error)]
pub enum Error {
    /// A configuration value is out of its allowed range.
    #[error("invalid configuration: {field} = {value}: {reason}")]
    InvalidConfig {
        /// Dotted name of the offending field, e.g. `mode.selection.size`.
        field: &'static str,
        /// The value that was given, formatted.
        value: String,
        /// What the allowed range is.
        reason: &'static str,
    },
    /// The fitness function reported an error.
    #[error("fitness evaluation failed in generation {generation}: {source}")]
    Fitness {
        /// Generation (0 = initial population) being evaluated.
        generation: u64,
        /// The fitness function's own error.
        #[source]
        source: FitnessError,
    },
    /// The fitness function returned NaN, which cannot be ranked.
    #[error("fitness of individual {index} in generation {generation} is NaN (hash {hash:#018x})")]
    NanFitness {
        /// Generation of the individual.
        generation: u64,
        /// Its position in the batch sent to the fitness function.
        index: usize,
        /// Its canonical hash.
        hash: u64,
    },
    /// Fitness-proportional selection needs non-negative fitness.
    #[error("fitness-proportional selection needs fitness >= 0, got {value} in generation {generation}")]
    NegativeFitness {
        /// Generation whose population was being selected from.
        generation: u64,
        /// The negative fitness found.
        value: f64,
    },
    /// An initial population of the wrong size was passed.
    #[error("initial population has {got} individuals, the configuration asks for {expected}")]
    InitialPopulation {
        /// Size required by the configuration.
        expected: usize,
        /// Size given.
        got: usize,
    },
    /// A rayon thread pool could not be built (only used by helpers, never by the engine itself).
    #[error("thread pool: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
