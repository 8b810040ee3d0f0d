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
//! - Line shapes: [`BreitWigner`] (fixed width) and [`MassDependentBreitWigner`] (running
//!   width with Blatt-Weisskopf factors, [`blatt_weisskopf_f2`]), truncated at thresholds;
//!   [`LineShapeKind`] (serde configuration) builds a [`LineShape`] sampler.
//! - Event variables: [`transverse_mass`], [`mt2`] (Lester-Nachman bisection, asymmetric
//!   invisible masses), [`dalitz`] / [`m23_sq_limits`], [`q2`].
//!
//! Definitions and references are collected in `docs/physics.md` ("hepzero-kinematics").
//!
//! ```
//! use hepzero_kinematics::{FourMomentum, PhaseSpace, mt2};
//! use rand::SeedableRng;
//!
//! // B0 -> K+ pi- pi0 in the lab, one unweighted event.
//! let ps = PhaseSpace::new(5.27966, &[0.493677, 0.13957039, 0.1349768])?;
//! let b0 = FourMomentum::from_pt_eta_phi_m(5.0, 3.0, 0.1, 5.27966);
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
//! let mut out = [FourMomentum::ZERO; 3];
//! ps.generate_unweighted_in_frame(&mut rng, &b0, &mut out)?;
//! let sum: FourMomentum = out.iter().sum();
//! assert!((sum.mass() - 5.27966).abs() < 1e-9);
//!
//! // m_T2 of two visible systems with 100 GeV invisible partners.
//! let v = mt2(10.0, [40.0, 5.0], 20.0, [-30.0, 10.0], [25.0, -10.0], 100.0, 100.0);
//! assert!(v >= 120.0);
//! # Ok::<(), hepzero_kinematics::Error>(())
//! ```

mod dalitz;
mod error;
mod fourvec;
mod lineshape;
mod phasespace;
mod transverse;
mod twobody;

pub use dalitz::{DalitzPoint, dalitz, m23_sq_limits, q2};
pub use error::{Error, Result};
pub use fourvec::{FourMomentum, wrap_phi};
pub use lineshape::{
    BreitWigner, DEFAULT_BW_RADIUS, LineShape, LineShapeKind, MassDependentBreitWigner, blatt_weisskopf_f2,
};
pub use phasespace::{INLINE_DAUGHTERS, MAX_ACCEPT_REJECT_TRIES, PhaseSpace, massless_phase_space_volume};
pub use transverse::{MT2_RELATIVE_PRECISION, mt2, mt2_of, transverse_mass, transverse_mass_of};
pub use twobody::{kallen, two_body_momentum, two_body_momentum_unchecked};
