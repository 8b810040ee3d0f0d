//! hepzero-fastsim: a RapidSim-class fast simulation (G. A. Cowan, D. C. Craik, M. D. Needham,
//! "RapidSim: an application for the fast simulation of heavy-quark hadron decays",
//! Comput. Phys. Commun. 214 (2017) 239, arXiv:1612.07489) of a whole decay chain: FONLL
//! production, phase-space decays with resonance line shapes, LHCb-like acceptance and smearing,
//! candidates built with assigned mass hypotheses (mis-ID) and missing particles, and the
//! kinematic overlap of a background with a signal that the background finder's reward uses.
//!
//! ```
//! use hepzero_fastsim::{ChainTree, DecayChain, FastSim, SimOptions};
//! let table = hepzero_pdg::ParticleTable::lhcb_default();
//! let tree = ChainTree::decay("B0", vec![ChainTree::leaf("K+"), ChainTree::leaf("pi-")]);
//! let sim = FastSim::new(DecayChain::from_tree(table, &tree)?, SimOptions::default())?;
//! let summary = sim.sample(20_000, 1)?.summary()?;
//! assert!((summary.peak - 5.2797).abs() < 0.01);
//! # Ok::<(), hepzero_fastsim::Error>(())
//! ```

mod chain;
mod detector;
mod draws;
mod error;
mod genbod;
mod lineshape;
mod normal;
mod overlap;
mod production;
mod sim;
mod spectrum;

pub use chain::{
    ChainParticle, ChainTree, DecayChain, Detection, HEAD_WIDTHS_ABOVE, LeafReco, NARROW_RELATIVE_WIDTH,
    Reco, Species,
};
pub use detector::{
    BoxAcceptance, CaloResolution, DetectorConfig, LHCB_MOMENTUM_RESOLUTION, SlopeResolution,
};
pub use error::{Error, Result};
pub use overlap::{MassRange, Overlap, OverlapConfig, RangeOverlap, SignalReference, StreamingConfig};
pub use production::{ProductionConfig, Quark, SpectrumSource, fonll_histograms, fonll_text};
pub use sim::{EventView, FastSim, MassHistogram, MassSample, MassSummary, Observable, SimOptions};
pub use spectrum::Histogram1D;
