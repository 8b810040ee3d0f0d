//! Two-body decay kinematics: the Kallen (triangle) function and the daughter momentum in the
//! parent rest frame, p* = sqrt(lambda(M^2, m1^2, m2^2)) / (2M) (PDG Review "Kinematics", eq. 49.17).

use crate::error::{Error, Result, check_non_negative};

/// The Kallen function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc.
///
/// Evaluated as (a - b - c)^2 - 4bc, which is the same polynomial with less cancellation when
/// `b` and `c` are small compared with `a`.
#[inline]
#[must_use]
pub fn kallen(a: f64, b: f64, c: f64) -> f64 {
    let d = a - b - c;
    d * d - 4.0 * b * c
}

/// Momentum of either daughter in the rest frame of a parent of mass `m` decaying to daughters
/// of masses `m1` and `m2` (all GeV).
///
/// # Errors
/// [`Error::InvalidValue`] for a negative or non-finite mass, [`Error::BelowThreshold`] when
/// `m < m1 + m2`.
pub fn two_body_momentum(m: f64, m1: f64, m2: f64) -> Result<f64> {
    check_non_negative("parent mass", m)?;
    check_non_negative("daughter mass 1", m1)?;
    check_non_negative("daughter mass 2", m2)?;
    if m < m1 + m2 || m == 0.0 {
        return Err(Error::BelowThreshold { parent: m, threshold: m1 + m2 });
    }
    Ok(two_body_momentum_unchecked(m, m1, m2))
}

/// [`two_body_momentum`] without input checks, for hot loops whose inputs are valid by
/// construction; returns 0 at or below threshold.
#[inline]
#[must_use]
pub fn two_body_momentum_unchecked(m: f64, m1: f64, m2: f64) -> f64 {
    // Factorised form of lambda(M^2, m1^2, m2^2): no cancellation between large terms.
    let s = m1 + m2;
    let d = m1 - m2;
    let x = (m - s) * (m + s) * (m - d) * (m + d);
    if x > 0.0 { x.sqrt() / (2.0 * m) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kallen_is_symmetric_and_matches_expanded_form() {
        let (a, b, c) = (27.87, 0.2437, 0.01948);
        let expanded = a * a + b * b + c * c - 2.0 * a * b - 2.0 * a * c - 2.0 * b * c;
        assert!((kallen(a, b, c) - expanded).abs() < 1e-12 * expanded);
        assert!((kallen(a, b, c) - kallen(b, c, a)).abs() < 1e-12 * expanded);
    }

    #[test]
    fn massless_daughters_share_half_the_mass() {
        assert_eq!(two_body_momentum(5.0, 0.0, 0.0), Ok(2.5));
    }

    #[test]
    fn below_threshold_is_an_error() {
        assert!(matches!(two_body_momentum(0.5, 0.3, 0.3), Err(Error::BelowThreshold { .. })));
        assert!(two_body_momentum(-1.0, 0.0, 0.0).is_err());
    }
}
