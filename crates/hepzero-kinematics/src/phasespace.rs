//! n-body phase space by the Raubold-Lynch method (F. James, "Monte Carlo phase space",
//! CERN 68-15 (1968); the GENBOD routine of CERNLIB W515, as in ROOT's `TGenPhaseSpace`).
//!
//! The decay P -> 1 2 ... n is written as a chain of two-body decays through intermediate
//! invariant masses M_2 < ... < M_{n-1}, with M_k - (m_1 + ... + m_k) = r_k T, T = M - sum m_i,
//! and r_k ordered uniform numbers. Each two-body decay is isotropic in its rest frame.
//!
//! **Normalisation.** The weight returned is
//! w = 2^(n-2) pi^(n-1) T^(n-2) / (M (n-2)!) * prod_k p*_k, whose mean over events is the
//! Lorentz-invariant phase-space volume without (2 pi) factors,
//! R_n = integral delta^4(P - sum p_i) prod d^3p_i / (2 E_i) (GeV^(2n-4)); for massless
//! daughters R_n = (pi/2)^(n-1) s^(n-2) / ((n-1)! (n-2)!). Multiply by (2 pi)^(4-3n) for the
//! PDG convention (PDG Review "Kinematics", eq. 49.29 and below).
//!
//! Events are written into a caller-provided slice; scratch space lives on the stack for up
//! to [`INLINE_DAUGHTERS`] daughters, so generating an event performs no heap allocation.

use crate::error::{Error, Result, check_non_negative};
use crate::fourvec::FourMomentum;
use crate::twobody::two_body_momentum_unchecked;
use rand::Rng;
use smallvec::SmallVec;
use std::f64::consts::{PI, TAU};

/// Number of daughters handled without any heap allocation (more are allowed, but then the
/// per-event scratch space is heap-allocated).
pub const INLINE_DAUGHTERS: usize = 16;

/// Attempts after which [`PhaseSpace::generate_unweighted`] gives up.
pub const MAX_ACCEPT_REJECT_TRIES: u64 = 100_000_000;

type Masses = SmallVec<[f64; INLINE_DAUGHTERS]>;

/// A Raubold-Lynch (GENBOD) generator for one parent mass and one list of daughter masses.
///
/// Cheap to build (no heap for up to [`INLINE_DAUGHTERS`] daughters), so a new one can be made
/// per event when the parent mass varies (e.g. a resonance drawn from a Breit-Wigner).
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseSpace {
    parent_mass: f64,
    masses: Masses,
    /// T = M - sum m_i, the kinetic energy released.
    t_ecm: f64,
    /// 2^(n-2) pi^(n-1) T^(n-2) / (M (n-2)!): turns prod p*_k into the weight.
    norm: f64,
    /// Upper bound on the weight (GENBOD's bound, with `norm` applied).
    max_weight: f64,
}

impl PhaseSpace {
    /// A generator for a parent of mass `parent_mass` decaying to `daughter_masses` (GeV).
    ///
    /// # Errors
    /// [`Error::TooFewDaughters`] for fewer than 2 daughters, [`Error::InvalidValue`] for a
    /// negative or non-finite mass, [`Error::BelowThreshold`] unless the parent is heavier than
    /// the sum of the daughters.
    pub fn new(parent_mass: f64, daughter_masses: &[f64]) -> Result<Self> {
        let n = daughter_masses.len();
        if n < 2 {
            return Err(Error::TooFewDaughters(n));
        }
        check_non_negative("parent mass", parent_mass)?;
        let mut sum = 0.0;
        for &m in daughter_masses {
            sum += check_non_negative("daughter mass", m)?;
        }
        let t_ecm = parent_mass - sum;
        if t_ecm <= 0.0 {
            return Err(Error::BelowThreshold { parent: parent_mass, threshold: sum });
        }
        let mut norm =
            2f64.powi(n as i32 - 2) * PI.powi(n as i32 - 1) * t_ecm.powi(n as i32 - 2) / parent_mass;
        for k in 2..n.saturating_sub(1) {
            norm /= k as f64;
        }
        // GENBOD's bound: each momentum is at most the one with all kinetic energy available.
        let mut em_max = t_ecm + daughter_masses[0];
        let mut em_min = 0.0;
        let mut bound = 1.0;
        for i in 1..n {
            em_min += daughter_masses[i - 1];
            em_max += daughter_masses[i];
            bound *= two_body_momentum_unchecked(em_max, em_min, daughter_masses[i]);
        }
        Ok(Self {
            parent_mass,
            masses: daughter_masses.iter().copied().collect(),
            t_ecm,
            norm,
            max_weight: norm * bound,
        })
    }

    /// Number of daughters.
    #[must_use]
    pub fn n_daughters(&self) -> usize {
        self.masses.len()
    }

    /// Parent mass in GeV.
    #[must_use]
    pub fn parent_mass(&self) -> f64 {
        self.parent_mass
    }

    /// Daughter masses in GeV, in generation order.
    #[must_use]
    pub fn daughter_masses(&self) -> &[f64] {
        &self.masses
    }

    /// Upper bound on [`generate_weighted`](Self::generate_weighted)'s weight; used by the
    /// unweighted generator.
    #[must_use]
    pub fn max_weight(&self) -> f64 {
        self.max_weight
    }

    /// Replace the accept-reject bound by `max_weight` (for example a few per cent above the
    /// largest weight seen by [`estimate_max_weight`](Self::estimate_max_weight)). GENBOD's
    /// default bound is always safe but loose for many daughters; a bound below the true
    /// maximum biases the unweighted events, which is the caller's responsibility.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] unless `max_weight` is finite and positive.
    pub fn with_max_weight(mut self, max_weight: f64) -> Result<Self> {
        if !(max_weight.is_finite() && max_weight > 0.0) {
            return Err(Error::InvalidValue { what: "maximum weight", value: max_weight });
        }
        self.max_weight = max_weight;
        Ok(self)
    }

    /// For three daughters, replaces GENBOD's bound by the exact maximum weight,
    /// max over M_1 of p*(M_1; m_1, m_2) p*(M; M_1, m_3) (a grid scan refined by golden-section
    /// search, plus a 1e-9 relative margin); unweighted generation then accepts about twice as
    /// often for light daughters. Costs about a microsecond, so build the generator once per
    /// parent mass. Other numbers of daughters keep GENBOD's bound.
    #[must_use]
    pub fn with_tight_max_weight(mut self) -> Self {
        if self.masses.len() != 3 {
            return self;
        }
        let (m0, m1, m2) = (self.masses[0], self.masses[1], self.masses[2]);
        let big = self.parent_mass;
        let f = |x: f64| two_body_momentum_unchecked(x, m0, m1) * two_body_momentum_unchecked(big, x, m2);
        let (lo, hi) = (m0 + m1, big - m2);
        // Coarse scan brackets the single peak, then golden-section search refines it.
        const SCAN: usize = 32;
        let step = (hi - lo) / SCAN as f64;
        let best =
            (0..=SCAN).map(|i| lo + step * i as f64).max_by(|a, b| f(*a).total_cmp(&f(*b))).unwrap_or(lo);
        let (mut a, mut b) = ((best - step).max(lo), (best + step).min(hi));
        let ratio = 0.5 * (5f64.sqrt() - 1.0);
        for _ in 0..80 {
            let c = b - ratio * (b - a);
            let d = a + ratio * (b - a);
            if f(c) > f(d) {
                b = d;
            } else {
                a = c;
            }
        }
        let peak = f(0.5 * (a + b)).max(f(best));
        self.max_weight = self.norm * peak * (1.0 + 1e-9);
        self
    }

    /// Largest weight in `trials` weighted events (a lower estimate of the true maximum).
    pub fn estimate_max_weight(&self, rng: &mut (impl Rng + ?Sized), trials: usize) -> f64 {
        let n = self.masses.len();
        let (mut inv, mut pk) = (vec![0.0; n], vec![0.0; n]);
        let mut top: f64 = 0.0;
        for _ in 0..trials {
            top = top.max(self.sample_masses(rng, &mut inv, &mut pk));
        }
        top
    }

    /// One weighted event in the parent rest frame, written to `out` (one entry per daughter,
    /// in the order of the masses). Returns the weight (see the module docs for its
    /// normalisation: the mean weight is the phase-space volume R_n).
    ///
    /// # Errors
    /// [`Error::OutputLength`] when `out.len()` differs from the number of daughters.
    pub fn generate_weighted(&self, rng: &mut (impl Rng + ?Sized), out: &mut [FourMomentum]) -> Result<f64> {
        self.check_output(out)?;
        let n = self.masses.len();
        if n <= INLINE_DAUGHTERS {
            let mut inv = [0.0; INLINE_DAUGHTERS];
            let mut pk = [0.0; INLINE_DAUGHTERS];
            let w = self.sample_masses(rng, &mut inv[..n], &mut pk[..n]);
            self.build_momenta(rng, &inv[..n], &pk[..n], out);
            Ok(w)
        } else {
            let (mut inv, mut pk) = (vec![0.0; n], vec![0.0; n]);
            let w = self.sample_masses(rng, &mut inv, &mut pk);
            self.build_momenta(rng, &inv, &pk, out);
            Ok(w)
        }
    }

    fn check_output(&self, out: &[FourMomentum]) -> Result<()> {
        if out.len() == self.masses.len() {
            Ok(())
        } else {
            Err(Error::OutputLength { expected: self.masses.len(), got: out.len() })
        }
    }

    /// Draws the intermediate masses M_k into `inv` (M_0 = m_0, M_{n-1} = M) and the two-body
    /// momenta p*_k into `pk` (k >= 1); returns the weight. `inv` and `pk` have length n.
    #[inline]
    fn sample_masses(&self, rng: &mut (impl Rng + ?Sized), inv: &mut [f64], pk: &mut [f64]) -> f64 {
        let n = inv.len();
        // inv is reused between attempts: M_0 must restart from zero kinetic energy.
        inv[0] = 0.0;
        for r in inv.iter_mut().take(n - 1).skip(1) {
            *r = rng.random::<f64>();
        }
        insertion_sort(&mut inv[1..n - 1]);
        let mut cum = 0.0;
        for (m, &mass) in inv.iter_mut().zip(self.masses.iter()).take(n - 1) {
            cum += mass;
            *m = *m * self.t_ecm + cum;
        }
        inv[n - 1] = self.parent_mass;
        let mut weight = self.norm;
        for k in 1..n {
            pk[k] = two_body_momentum_unchecked(inv[k], inv[k - 1], self.masses[k]);
            weight *= pk[k];
        }
        weight
    }

    /// Builds the daughters' momenta from the masses and momenta of [`Self::sample_masses`].
    #[inline]
    fn build_momenta(
        &self,
        rng: &mut (impl Rng + ?Sized),
        inv: &[f64],
        pk: &[f64],
        out: &mut [FourMomentum],
    ) {
        let n = inv.len();
        // First split: daughters 0 and 1 back to back in the rest frame of M_1.
        let p1 = pk[1];
        let d = random_direction(rng);
        out[0] = FourMomentum::from_p3_mass(p1 * d[0], p1 * d[1], p1 * d[2], self.masses[0]);
        out[1] = FourMomentum::from_p3_mass(-p1 * d[0], -p1 * d[1], -p1 * d[2], self.masses[1]);
        // Each further split: daughter k recoils against the system (0..k) of mass M_{k-1}.
        for k in 2..n {
            let p = pk[k];
            let d = random_direction(rng);
            let system = FourMomentum::from_p3_mass(-p * d[0], -p * d[1], -p * d[2], inv[k - 1]);
            for v in out.iter_mut().take(k) {
                *v = v.boost_from_rest_frame_with_mass(&system, inv[k - 1]);
            }
            out[k] = FourMomentum::from_p3_mass(p * d[0], p * d[1], p * d[2], self.masses[k]);
        }
    }

    /// As [`generate_weighted`](Self::generate_weighted), then boosts every daughter into the
    /// frame where the parent has four-momentum `parent` (whose mass should equal
    /// [`parent_mass`](Self::parent_mass); the daughters then sum exactly to `parent`).
    ///
    /// # Errors
    /// As [`generate_weighted`](Self::generate_weighted).
    pub fn generate_weighted_in_frame(
        &self,
        rng: &mut (impl Rng + ?Sized),
        parent: &FourMomentum,
        out: &mut [FourMomentum],
    ) -> Result<f64> {
        let w = self.generate_weighted(rng, out)?;
        for v in out.iter_mut() {
            *v = v.boost_from_rest_frame_with_mass(parent, self.parent_mass);
        }
        Ok(w)
    }

    /// One unweighted event in the parent rest frame: weighted events are accepted with
    /// probability w / [`max_weight`](Self::max_weight).
    ///
    /// # Errors
    /// [`Error::OutputLength`] as for the weighted generator;
    /// [`Error::AcceptRejectExhausted`] after [`MAX_ACCEPT_REJECT_TRIES`] rejections.
    pub fn generate_unweighted(&self, rng: &mut (impl Rng + ?Sized), out: &mut [FourMomentum]) -> Result<()> {
        self.check_output(out)?;
        let n = self.masses.len();
        // The weight depends only on the intermediate masses: accept or reject before building
        // any momenta.
        let mut run = |inv: &mut [f64], pk: &mut [f64]| {
            for _ in 0..MAX_ACCEPT_REJECT_TRIES {
                let w = self.sample_masses(rng, inv, pk);
                if rng.random::<f64>() * self.max_weight < w {
                    self.build_momenta(rng, inv, pk, out);
                    return Ok(());
                }
            }
            Err(Error::AcceptRejectExhausted(MAX_ACCEPT_REJECT_TRIES))
        };
        if n <= INLINE_DAUGHTERS {
            let mut inv = [0.0; INLINE_DAUGHTERS];
            let mut pk = [0.0; INLINE_DAUGHTERS];
            run(&mut inv[..n], &mut pk[..n])
        } else {
            run(&mut vec![0.0; n], &mut vec![0.0; n])
        }
    }

    /// As [`generate_unweighted`](Self::generate_unweighted), boosted into the frame where the
    /// parent has four-momentum `parent`.
    ///
    /// # Errors
    /// As [`generate_unweighted`](Self::generate_unweighted).
    pub fn generate_unweighted_in_frame(
        &self,
        rng: &mut (impl Rng + ?Sized),
        parent: &FourMomentum,
        out: &mut [FourMomentum],
    ) -> Result<()> {
        self.generate_unweighted(rng, out)?;
        for v in out.iter_mut() {
            *v = v.boost_from_rest_frame_with_mass(parent, self.parent_mass);
        }
        Ok(())
    }
}

/// Analytic phase-space volume R_n for `n` massless daughters at centre-of-mass energy squared
/// `s`, in this module's normalisation: (pi/2)^(n-1) s^(n-2) / ((n-1)! (n-2)!).
#[must_use]
pub fn massless_phase_space_volume(n: usize, s: f64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let mut v = (PI / 2.0).powi(n as i32 - 1) * s.powi(n as i32 - 2);
    for k in 2..n {
        v /= k as f64; // (n-1)!
    }
    for k in 2..n - 1 {
        v /= k as f64; // (n-2)!
    }
    v
}

/// A direction drawn uniformly on the unit sphere.
#[inline]
pub(crate) fn random_direction(rng: &mut (impl Rng + ?Sized)) -> [f64; 3] {
    let cos_theta = 2.0 * rng.random::<f64>() - 1.0;
    let sin_theta = (1.0 - cos_theta * cos_theta).max(0.0).sqrt();
    let (s, c) = (TAU * rng.random::<f64>()).sin_cos();
    [sin_theta * c, sin_theta * s, cos_theta]
}

/// Sorting network for the few (n - 2) uniform numbers of an event.
#[inline]
fn insertion_sort(v: &mut [f64]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(PhaseSpace::new(1.0, &[0.5]), Err(Error::TooFewDaughters(1))));
        assert!(matches!(PhaseSpace::new(1.0, &[0.5, 0.6]), Err(Error::BelowThreshold { .. })));
        assert!(PhaseSpace::new(1.0, &[f64::NAN, 0.1]).is_err());
        let ps = PhaseSpace::new(5.0, &[0.1, 0.2, 0.3]).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut out = [FourMomentum::ZERO; 2];
        assert!(matches!(
            ps.generate_weighted(&mut rng, &mut out),
            Err(Error::OutputLength { expected: 3, got: 2 })
        ));
    }

    #[test]
    fn weights_never_exceed_the_bound_and_masses_are_on_shell() {
        let masses = [0.4937, 0.1396, 0.1350, 0.1057];
        let ps = PhaseSpace::new(5.279, &masses).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut out = [FourMomentum::ZERO; 4];
        for _ in 0..10_000 {
            let w = ps.generate_weighted(&mut rng, &mut out).unwrap();
            assert!(w >= 0.0 && w <= ps.max_weight());
            for (p, m) in out.iter().zip(masses) {
                assert!((p.mass() - m).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn tight_three_body_bound_is_an_upper_bound_and_tighter() {
        let loose = PhaseSpace::new(5.279, &[0.4937, 0.1396, 0.1350]).unwrap();
        let tight = loose.clone().with_tight_max_weight();
        assert!(tight.max_weight() < 0.7 * loose.max_weight());
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let seen = tight.estimate_max_weight(&mut rng, 200_000);
        assert!(seen <= tight.max_weight() && seen > 0.99 * tight.max_weight());
    }

    #[test]
    fn massless_volume_formula_for_two_bodies() {
        // R_2 = pi p* / M = pi / 2 for massless daughters.
        assert!((massless_phase_space_volume(2, 9.0) - PI / 2.0).abs() < 1e-15);
    }
}
