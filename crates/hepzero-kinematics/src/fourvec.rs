//! The Lorentz four-momentum (px, py, pz, E) in GeV with metric (+,-,-,-), its invariants,
//! collider coordinates (pT, eta, y, phi, Delta R) and pure Lorentz boosts.
//!
//! Definitions follow the PDG Review "Kinematics" (sections 49.1-49.5): rapidity
//! y = 1/2 ln((E + pz)/(E - pz)), pseudorapidity eta = -ln tan(theta/2) = asinh(pz/pT),
//! Delta R = sqrt(Delta eta^2 + Delta phi^2) with Delta phi wrapped into (-pi, pi].

use serde::{Deserialize, Serialize};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

/// A four-momentum in GeV (c = 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FourMomentum {
    /// x component of the momentum.
    pub px: f64,
    /// y component of the momentum.
    pub py: f64,
    /// z component of the momentum (beam axis).
    pub pz: f64,
    /// Energy.
    pub e: f64,
}

impl FourMomentum {
    /// The zero vector.
    pub const ZERO: Self = Self::new(0.0, 0.0, 0.0, 0.0);

    /// From components.
    #[inline]
    #[must_use]
    pub const fn new(px: f64, py: f64, pz: f64, e: f64) -> Self {
        Self { px, py, pz, e }
    }

    /// A particle of mass `m` at rest.
    #[inline]
    #[must_use]
    pub const fn at_rest(m: f64) -> Self {
        Self::new(0.0, 0.0, 0.0, m)
    }

    /// From a three-momentum and a mass: E = sqrt(p^2 + m^2).
    #[inline]
    #[must_use]
    pub fn from_p3_mass(px: f64, py: f64, pz: f64, m: f64) -> Self {
        Self::new(px, py, pz, (px * px + py * py + pz * pz + m * m).sqrt())
    }

    /// From collider coordinates (pT, pseudorapidity, azimuth, mass).
    #[inline]
    #[must_use]
    pub fn from_pt_eta_phi_m(pt: f64, eta: f64, phi: f64, m: f64) -> Self {
        let (s, c) = phi.sin_cos();
        Self::from_p3_mass(pt * c, pt * s, pt * eta.sinh(), m)
    }

    /// The three-momentum.
    #[inline]
    #[must_use]
    pub const fn p3(&self) -> [f64; 3] {
        [self.px, self.py, self.pz]
    }

    /// Minkowski product a.b = Ea Eb - pa.pb.
    #[inline]
    #[must_use]
    pub fn dot(&self, other: &Self) -> f64 {
        self.e * other.e - self.px * other.px - self.py * other.py - self.pz * other.pz
    }

    /// |p|^2.
    #[inline]
    #[must_use]
    pub fn p2(&self) -> f64 {
        self.px * self.px + self.py * self.py + self.pz * self.pz
    }

    /// |p|.
    #[inline]
    #[must_use]
    pub fn p(&self) -> f64 {
        self.p2().sqrt()
    }

    /// Invariant mass squared E^2 - p^2 (negative for space-like vectors).
    #[inline]
    #[must_use]
    pub fn mass2(&self) -> f64 {
        (self.e - self.p()) * (self.e + self.p())
    }

    /// Invariant mass; for a space-like vector -sqrt(-m^2), as ROOT's `TLorentzVector::M`.
    #[inline]
    #[must_use]
    pub fn mass(&self) -> f64 {
        let m2 = self.mass2();
        if m2 >= 0.0 { m2.sqrt() } else { -(-m2).sqrt() }
    }

    /// pT^2 = px^2 + py^2.
    #[inline]
    #[must_use]
    pub fn pt2(&self) -> f64 {
        self.px * self.px + self.py * self.py
    }

    /// Transverse momentum.
    #[inline]
    #[must_use]
    pub fn pt(&self) -> f64 {
        self.px.hypot(self.py)
    }

    /// Transverse energy sqrt(m^2 + pT^2) (the "transverse mass" of one particle).
    #[inline]
    #[must_use]
    pub fn et(&self) -> f64 {
        (self.mass2() + self.pt2()).max(0.0).sqrt()
    }

    /// Pseudorapidity asinh(pz / pT); +-infinity along the beam.
    #[inline]
    #[must_use]
    pub fn eta(&self) -> f64 {
        let pt = self.pt();
        if pt > 0.0 {
            (self.pz / pt).asinh()
        } else if self.pz > 0.0 {
            f64::INFINITY
        } else if self.pz < 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        }
    }

    /// Rapidity 1/2 ln((E + pz)/(E - pz)).
    #[inline]
    #[must_use]
    pub fn rapidity(&self) -> f64 {
        0.5 * ((self.e + self.pz) / (self.e - self.pz)).ln()
    }

    /// Azimuth atan2(py, px) in (-pi, pi].
    #[inline]
    #[must_use]
    pub fn phi(&self) -> f64 {
        self.py.atan2(self.px)
    }

    /// Polar angle to the z axis in [0, pi].
    #[inline]
    #[must_use]
    pub fn theta(&self) -> f64 {
        self.pt().atan2(self.pz)
    }

    /// Azimuthal difference self.phi - other.phi wrapped into (-pi, pi].
    #[inline]
    #[must_use]
    pub fn delta_phi(&self, other: &Self) -> f64 {
        wrap_phi(self.phi() - other.phi())
    }

    /// Delta R = sqrt(Delta eta^2 + Delta phi^2) with pseudorapidity.
    #[inline]
    #[must_use]
    pub fn delta_r(&self, other: &Self) -> f64 {
        (self.eta() - other.eta()).hypot(self.delta_phi(other))
    }

    /// Delta R with rapidity instead of pseudorapidity (the jet-clustering convention).
    #[inline]
    #[must_use]
    pub fn delta_r_rapidity(&self, other: &Self) -> f64 {
        (self.rapidity() - other.rapidity()).hypot(self.delta_phi(other))
    }

    /// Velocity p/E of the frame in which this vector is at rest.
    #[inline]
    #[must_use]
    pub fn beta(&self) -> [f64; 3] {
        [self.px / self.e, self.py / self.e, self.pz / self.e]
    }

    /// Lorentz factor E/m.
    #[inline]
    #[must_use]
    pub fn gamma(&self) -> f64 {
        self.e / self.mass()
    }

    /// Pure boost by velocity `beta` (|beta| < 1): a vector given in a frame S is returned as
    /// seen from a frame in which S moves with velocity `beta` (ROOT's `TLorentzVector::Boost`).
    #[inline]
    #[must_use]
    pub fn boost(&self, beta: [f64; 3]) -> Self {
        let b2 = beta[0] * beta[0] + beta[1] * beta[1] + beta[2] * beta[2];
        if b2 <= 0.0 {
            return *self;
        }
        let gamma = 1.0 / (1.0 - b2).sqrt();
        let bp = beta[0] * self.px + beta[1] * self.py + beta[2] * self.pz;
        let g2 = (gamma - 1.0) / b2;
        let f = g2 * bp + gamma * self.e;
        Self::new(self.px + f * beta[0], self.py + f * beta[1], self.pz + f * beta[2], gamma * (self.e + bp))
    }

    /// Takes a vector given in the rest frame of `frame` into the frame where `frame` has the
    /// four-momentum it carries (e.g. daughter from parent rest frame to lab).
    ///
    /// Uses the mass of `frame`, which must be time-like (m > 0).
    #[inline]
    #[must_use]
    pub fn boost_from_rest_frame_of(&self, frame: &Self) -> Self {
        self.boost_from_rest_frame_with_mass(frame, frame.mass())
    }

    /// Takes a vector into the rest frame of `frame` (e.g. daughter from lab to parent rest
    /// frame). `frame` must be time-like (m > 0).
    #[inline]
    #[must_use]
    pub fn boost_to_rest_frame_of(&self, frame: &Self) -> Self {
        let inverse = Self::new(-frame.px, -frame.py, -frame.pz, frame.e);
        self.boost_from_rest_frame_with_mass(&inverse, frame.mass())
    }

    /// [`boost_from_rest_frame_of`](Self::boost_from_rest_frame_of) with the frame's mass
    /// supplied by the caller, which saves a square root and keeps the frame's own mass exact
    /// in phase-space generation. With E' = (E_F E + P_F.p)/m_F and
    /// p' = p + P_F (E + E')/(E_F + m_F), which has no 1/(1-beta^2) cancellation.
    #[inline]
    #[must_use]
    pub fn boost_from_rest_frame_with_mass(&self, frame: &Self, frame_mass: f64) -> Self {
        let pp = frame.px * self.px + frame.py * self.py + frame.pz * self.pz;
        let e = (frame.e * self.e + pp) / frame_mass;
        let f = (self.e + e) / (frame.e + frame_mass);
        Self::new(self.px + f * frame.px, self.py + f * frame.py, self.pz + f * frame.pz, e)
    }
}

/// Wrap an angle into (-pi, pi].
#[inline]
#[must_use]
pub fn wrap_phi(phi: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    let mut x = phi % TAU;
    if x > PI {
        x -= TAU;
    } else if x <= -PI {
        x += TAU;
    }
    x
}

impl Add for FourMomentum {
    type Output = Self;
    #[inline]
    fn add(self, o: Self) -> Self {
        Self::new(self.px + o.px, self.py + o.py, self.pz + o.pz, self.e + o.e)
    }
}

impl Sub for FourMomentum {
    type Output = Self;
    #[inline]
    fn sub(self, o: Self) -> Self {
        Self::new(self.px - o.px, self.py - o.py, self.pz - o.pz, self.e - o.e)
    }
}

impl AddAssign for FourMomentum {
    #[inline]
    fn add_assign(&mut self, o: Self) {
        *self = *self + o;
    }
}

impl SubAssign for FourMomentum {
    #[inline]
    fn sub_assign(&mut self, o: Self) {
        *self = *self - o;
    }
}

impl Neg for FourMomentum {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self::new(-self.px, -self.py, -self.pz, -self.e)
    }
}

impl Mul<f64> for FourMomentum {
    type Output = Self;
    #[inline]
    fn mul(self, k: f64) -> Self {
        Self::new(self.px * k, self.py * k, self.pz * k, self.e * k)
    }
}

impl Sum for FourMomentum {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a FourMomentum> for FourMomentum {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn mass_and_collider_coordinates() {
        let p = FourMomentum::from_pt_eta_phi_m(3.0, 1.2, -2.0, 0.13957);
        assert!(close(p.mass(), 0.13957, 1e-12));
        assert!(close(p.pt(), 3.0, 1e-14));
        assert!(close(p.eta(), 1.2, 1e-13));
        assert!(close(p.phi(), -2.0, 1e-14));
        // For a massless particle rapidity equals pseudorapidity.
        let g = FourMomentum::from_pt_eta_phi_m(2.0, -0.7, 0.3, 0.0);
        assert!(close(g.rapidity(), g.eta(), 1e-12));
    }

    #[test]
    fn delta_r_wraps_phi() {
        let a = FourMomentum::from_pt_eta_phi_m(1.0, 0.0, 3.1, 0.0);
        let b = FourMomentum::from_pt_eta_phi_m(1.0, 0.0, -3.1, 0.0);
        assert!(close(a.delta_r(&b), std::f64::consts::TAU - 6.2, 1e-12));
    }

    #[test]
    fn boost_round_trip_and_rest_frame() {
        let parent = FourMomentum::from_p3_mass(1.0, -2.0, 30.0, 5.279);
        let rest = parent.boost_to_rest_frame_of(&parent);
        assert!(rest.p() < 1e-12 * parent.e);
        assert!(close(rest.e, 5.279, 1e-12));
        let d = FourMomentum::from_p3_mass(0.3, 2.0, -1.0, 0.4937);
        let back = d.boost_from_rest_frame_of(&parent).boost_to_rest_frame_of(&parent);
        for (x, y) in back.p3().iter().zip(d.p3()) {
            assert!(close(*x, y, 1e-12));
        }
        // Beta-vector boost agrees with the four-momentum form.
        let via_beta = d.boost(parent.beta());
        let via_p4 = d.boost_from_rest_frame_of(&parent);
        assert!(close(via_beta.e, via_p4.e, 1e-12));
        assert!(close(via_beta.pz, via_p4.pz, 1e-12));
        assert!(close(via_beta.mass(), 0.4937, 1e-9));
    }

    #[test]
    fn sums() {
        let v = [FourMomentum::new(1.0, 2.0, 3.0, 4.0); 3];
        let s: FourMomentum = v.iter().sum();
        assert_eq!(s, FourMomentum::new(3.0, 6.0, 9.0, 12.0));
        assert_eq!(s - v[0] - v[1], v[2]);
    }
}
