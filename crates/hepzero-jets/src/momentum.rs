//! The compact four-momentum jets are built from: (px, py, pz, E) with cached pt^2, rapidity and
//! azimuth. Rapidity and azimuth follow FastJet's `PseudoJet` conventions exactly (phi in [0, 2pi),
//! rapidity from the safer light-cone component, tachyonic masses clipped to zero in the rapidity,
//! +-(1e5 + |pz|) along the beam), so that clustering decisions agree with FastJet bit for bit.

use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};

/// Rapidity given to a massless particle moving exactly along the beam (as FastJet's `MaxRap`).
pub const MAX_RAP: f64 = 1e5;

/// A four-momentum with cached transverse momentum squared, rapidity and azimuth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Momentum {
    /// x component (GeV).
    pub px: f64,
    /// y component (GeV).
    pub py: f64,
    /// z component (GeV).
    pub pz: f64,
    /// Energy (GeV).
    pub e: f64,
    pt2: f64,
    rap: f64,
    phi: f64,
}

impl Momentum {
    /// Builds a momentum from Cartesian components.
    #[must_use]
    pub fn new(px: f64, py: f64, pz: f64, e: f64) -> Self {
        let pt2 = px * px + py * py;
        let mut phi = if pt2 == 0.0 { 0.0 } else { py.atan2(px) };
        if phi < 0.0 {
            phi += TAU;
        }
        if phi >= TAU {
            phi -= TAU;
        }
        let rap = if e == pz.abs() && pt2 == 0.0 {
            let max = MAX_RAP + pz.abs();
            if pz >= 0.0 { max } else { -max }
        } else {
            let m2 = ((e + pz) * (e - pz) - pt2).max(0.0);
            let e_plus = e + pz.abs();
            let r = 0.5 * ((pt2 + m2) / (e_plus * e_plus)).ln();
            if pz > 0.0 { -r } else { r }
        };
        Momentum { px, py, pz, e, pt2, rap, phi }
    }

    /// Builds a momentum from (pt, y, phi, m).
    #[must_use]
    pub fn from_pt_y_phi_m(pt: f64, y: f64, phi: f64, m: f64) -> Self {
        let mt = (pt * pt + m * m).sqrt();
        Momentum::new(pt * phi.cos(), pt * phi.sin(), mt * y.sinh(), mt * y.cosh())
    }

    /// Transverse momentum squared.
    #[must_use]
    pub fn pt2(&self) -> f64 {
        self.pt2
    }
    /// Transverse momentum.
    #[must_use]
    pub fn pt(&self) -> f64 {
        self.pt2.sqrt()
    }
    /// Rapidity y = 1/2 ln((E + pz)/(E - pz)).
    #[must_use]
    pub fn rap(&self) -> f64 {
        self.rap
    }
    /// Azimuth in [0, 2pi).
    #[must_use]
    pub fn phi(&self) -> f64 {
        self.phi
    }
    /// Invariant mass squared, (E + pz)(E - pz) - pt^2 (may be slightly negative from rounding).
    #[must_use]
    pub fn m2(&self) -> f64 {
        (self.e + self.pz) * (self.e - self.pz) - self.pt2
    }
    /// Invariant mass, negative for a tachyonic m^2 (as FastJet reports it).
    #[must_use]
    pub fn m(&self) -> f64 {
        let m2 = self.m2();
        if m2 < 0.0 { -(-m2).sqrt() } else { m2.sqrt() }
    }
    /// Azimuthal difference other.phi - self.phi wrapped into [-pi, pi).
    #[must_use]
    pub fn delta_phi_to(&self, other: &Momentum) -> f64 {
        let mut d = other.phi - self.phi;
        if d >= PI {
            d -= TAU;
        }
        if d < -PI {
            d += TAU;
        }
        d
    }
    /// Squared rapidity-azimuth distance Delta y^2 + Delta phi^2.
    #[must_use]
    pub fn delta_r2(&self, other: &Momentum) -> f64 {
        let mut dphi = (self.phi - other.phi).abs();
        if dphi > PI {
            dphi = TAU - dphi;
        }
        let dy = self.rap - other.rap;
        dy * dy + dphi * dphi
    }
    /// Rapidity-azimuth distance.
    #[must_use]
    pub fn delta_r(&self, other: &Momentum) -> f64 {
        self.delta_r2(other).sqrt()
    }
    /// Checks that every component is finite and the energy is not negative.
    ///
    /// # Errors
    /// [`Error::BadParticle`](crate::Error::BadParticle) naming `index`.
    pub fn validate(&self, index: usize) -> crate::Result<()> {
        let reason =
            if !(self.px.is_finite() && self.py.is_finite() && self.pz.is_finite() && self.e.is_finite()) {
                Some("non-finite momentum component")
            } else if self.e < 0.0 {
                Some("negative energy")
            } else {
                None
            };
        match reason {
            Some(reason) => Err(crate::Error::BadParticle {
                index,
                reason,
                px: self.px,
                py: self.py,
                pz: self.pz,
                e: self.e,
            }),
            None => Ok(()),
        }
    }
}

impl std::ops::Add for Momentum {
    type Output = Momentum;
    fn add(self, o: Momentum) -> Momentum {
        Momentum::new(self.px + o.px, self.py + o.py, self.pz + o.pz, self.e + o.e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rapidity_and_phi_conventions() {
        let p = Momentum::new(3.0, -4.0, 2.0, 10.0);
        let y = 0.5 * ((10.0 + 2.0) / (10.0 - 2.0_f64)).ln();
        assert!((p.rap() - y).abs() < 1e-15);
        assert!((p.phi() - ((-4.0_f64).atan2(3.0) + TAU)).abs() < 1e-15);
        assert!((p.pt() - 5.0).abs() < 1e-15);
        assert!((p.m2() - (100.0 - 4.0 - 25.0)).abs() < 1e-12);
        let beam = Momentum::new(0.0, 0.0, -7.0, 7.0);
        assert_eq!(beam.rap(), -(MAX_RAP + 7.0));
        let q = Momentum::from_pt_y_phi_m(50.0, -1.3, 6.0, 4.0);
        assert!(
            (q.rap() + 1.3).abs() < 1e-13 && (q.phi() - 6.0).abs() < 1e-13 && (q.m() - 4.0).abs() < 1e-10
        );
    }

    #[test]
    fn delta_phi_wraps() {
        let a = Momentum::from_pt_y_phi_m(1.0, 0.0, 0.1, 0.0);
        let b = Momentum::from_pt_y_phi_m(1.0, 0.0, TAU - 0.1, 0.0);
        assert!((a.delta_phi_to(&b) + 0.2).abs() < 1e-12);
        assert!((a.delta_r2(&b) - 0.04).abs() < 1e-12);
    }

    #[test]
    fn validation_rejects_nan_and_negative_energy() {
        assert!(Momentum::new(f64::NAN, 0.0, 0.0, 1.0).validate(3).is_err());
        assert!(Momentum::new(0.0, 0.0, 0.0, -1.0).validate(3).is_err());
        assert!(Momentum::new(0.0, 0.0, 1.0, 1.0).validate(3).is_ok());
    }
}
