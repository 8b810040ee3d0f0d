//! The background finder's physics reward (seed 000; Hijano Mendizabal et al., arXiv:2509.14894):
//!
//! R = [sigma(pp -> H_B) / sigma(pp -> H_S)] x [BR_B / BR_S] x M x K
//!
//! with the production ratio from measured b- and c-hadron production ([`Production`]), the
//! branching-fraction ratio from the EvtGen decay table (hepzero-pdg), the mis-identification factor
//! M from an LHCb PID matrix ([`MisIdMatrix`]) and the kinematic overlap K from the fast simulation
//! (hepzero-fastsim). Each factor is reported separately.

mod misid;
mod model;
mod production;

pub use misid::{DEFAULT_MISID_TOML, MisIdMatrix};
pub use model::{Breakdown, OverlapFigures, RangeChoice, RewardConfig, RewardModel, chain_tree};
pub use production::{DEFAULT_PRODUCTION_TOML, Flavour, Measured, Production};

/// What can go wrong while building or evaluating a reward.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration file (production fractions, mis-ID matrix) is malformed.
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    /// A signal or background the reward cannot score (unknown production, zero BR, bad range).
    #[error("{0}")]
    Input(String),
    /// The fast simulation refused the decay or its configuration.
    #[error("fast simulation: {0}")]
    Simulation(#[from] hepzero_fastsim::Error),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
