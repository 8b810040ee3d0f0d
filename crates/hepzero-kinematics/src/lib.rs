//! hepzero-kinematics: the relativistic kinematics every other hepzero physics crate uses.
//!
//! Units: GeV, c = 1, metric (+,-,-,-). Stable public names:
//!
//! - [`FourMomentum`] (`px, py, pz, e`; `+`, `-`, `Sum`; [`FourMomentum::from_p3_mass`];
//!   `mass`, `mass2`, `p`, `pt`, `eta`, `rapidity`, `phi`, `delta_r`; boosts
//!   [`FourMomentum::boost`] (by a beta vector), [`FourMomentum::boost_to_rest_frame_of`] and
//!   [`FourMomentum::boost_from_rest_frame_of`] (by a four-momentum)).
//! - [`kallen`] and [`two_body_momentum`].
//! - [`PhaseSpace`]: Raubold-Lynch (GENBOD) n-body phase space, weighted
//!   ([`PhaseSpace::generate_weighted`]) and unweighted ([`PhaseSpace::generate_unweighted`]),
//!   writing into a caller-provided `&mut [FourMomentum]` with no heap allocation per event.
//!
//! Definitions and references are collected in `docs/physics.md` ("hepzero-kinematics").

mod error;
mod fourvec;
mod phasespace;
mod twobody;

pub use error::{Error, Result};
pub use fourvec::{FourMomentum, wrap_phi};
pub use phasespace::{INLINE_DAUGHTERS, MAX_ACCEPT_REJECT_TRIES, PhaseSpace, massless_phase_space_volume};
pub use twobody::{kallen, two_body_momentum, two_body_momentum_unchecked};
