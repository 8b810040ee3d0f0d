//! Dalitz-plot variables of a three-body decay P -> 1 2 3 and the dilepton q^2 of a
//! semileptonic or rare decay.
//!
//! m_ij^2 = (p_i + p_j)^2 with m_12^2 + m_23^2 + m_13^2 = M^2 + m_1^2 + m_2^2 + m_3^2; for fixed
//! m_12^2 the kinematic limits of m_23^2 are those of PDG Review "Kinematics", eq. 49.23.
//! q^2 = (p_P - p_hadrons)^2, the invariant mass squared of everything else (e.g. the lepton
//! pair in B -> K* l+ l-).

use crate::error::{Error, Result, check_non_negative};
use crate::fourvec::FourMomentum;
use serde::{Deserialize, Serialize};

/// The three pair invariant masses squared of a three-body final state (GeV^2).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DalitzPoint {
    /// (p1 + p2)^2.
    pub m12_sq: f64,
    /// (p2 + p3)^2.
    pub m23_sq: f64,
    /// (p1 + p3)^2.
    pub m13_sq: f64,
}

/// Dalitz variables of three daughters.
#[inline]
#[must_use]
pub fn dalitz(p1: &FourMomentum, p2: &FourMomentum, p3: &FourMomentum) -> DalitzPoint {
    DalitzPoint { m12_sq: (*p1 + *p2).mass2(), m23_sq: (*p2 + *p3).mass2(), m13_sq: (*p1 + *p3).mass2() }
}

/// Kinematic limits (min, max) of m_23^2 at fixed m_12^2 for P -> 1 2 3 with parent mass `m`
/// and daughter masses `m1`, `m2`, `m3` (PDG Review "Kinematics", eq. 49.23).
///
/// # Errors
/// [`Error::InvalidValue`] for a negative mass, [`Error::EmptyRange`] when `m12_sq` lies
/// outside [(m1 + m2)^2, (m - m3)^2].
pub fn m23_sq_limits(m: f64, m1: f64, m2: f64, m3: f64, m12_sq: f64) -> Result<(f64, f64)> {
    for (what, x) in
        [("parent mass", m), ("daughter mass 1", m1), ("daughter mass 2", m2), ("daughter mass 3", m3)]
    {
        check_non_negative(what, x)?;
    }
    let lo = (m1 + m2) * (m1 + m2);
    let hi = (m - m3) * (m - m3);
    if !(m12_sq >= lo && m12_sq <= hi) || m12_sq <= 0.0 {
        return Err(Error::EmptyRange { min: lo, max: hi });
    }
    let m12 = m12_sq.sqrt();
    // Energies of 2 and 3 in the rest frame of the (12) system.
    let e2 = (m12_sq - m1 * m1 + m2 * m2) / (2.0 * m12);
    let e3 = (m * m - m12_sq - m3 * m3) / (2.0 * m12);
    let p2 = (e2 * e2 - m2 * m2).max(0.0).sqrt();
    let p3 = (e3 * e3 - m3 * m3).max(0.0).sqrt();
    let sum = (e2 + e3) * (e2 + e3);
    Ok((sum - (p2 + p3) * (p2 + p3), sum - (p2 - p3) * (p2 - p3)))
}

/// q^2 = (parent - hadrons)^2 (GeV^2): the invariant mass squared of the rest of the decay.
#[inline]
#[must_use]
pub fn q2(parent: &FourMomentum, hadrons: &FourMomentum) -> f64 {
    (*parent - *hadrons).mass2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dalitz_sum_rule_holds() {
        let p1 = FourMomentum::from_p3_mass(0.3, 1.1, -0.2, 0.4937);
        let p2 = FourMomentum::from_p3_mass(-0.8, 0.1, 0.7, 0.1396);
        let p3 = FourMomentum::from_p3_mass(0.5, -1.2, -0.5, 0.1350);
        let d = dalitz(&p1, &p2, &p3);
        let big_m2 = (p1 + p2 + p3).mass2();
        let sum = big_m2 + p1.mass2() + p2.mass2() + p3.mass2();
        assert!((d.m12_sq + d.m23_sq + d.m13_sq - sum).abs() < 1e-12 * sum);
    }

    #[test]
    fn limits_close_at_the_edges() {
        let (m, m1, m2, m3) = (5.279, 0.4937, 0.1396, 0.1350);
        let (lo, hi) = m23_sq_limits(m, m1, m2, m3, (m - m3) * (m - m3)).unwrap();
        assert!((hi - lo).abs() < 1e-9);
        assert!(m23_sq_limits(m, m1, m2, m3, 0.01).is_err());
    }
}
