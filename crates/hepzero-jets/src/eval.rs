//! Evaluation helpers for comparing groomers, as in GroomRL (arXiv:1903.09644): the narrowest window
//! containing a given fraction of a mass distribution (its width is the resolution), the
//! distribution's median, and the fraction of another (background) sample that falls in a window.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A mass window [lo, hi] and the median of the distribution it was built from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Median of the (finite) values.
    pub median: f64,
    /// Number of values inside [lo, hi].
    pub count: usize,
}

impl Window {
    /// hi - lo.
    #[must_use]
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

fn sorted_finite(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Median of the finite values (mean of the two middle ones for an even count).
///
/// # Errors
/// [`Error::EmptyDistribution`] when no value is finite.
pub fn median(values: &[f64]) -> Result<f64> {
    let v = sorted_finite(values);
    let n = v.len();
    if n == 0 {
        return Err(Error::EmptyDistribution("median of no finite values"));
    }
    Ok(if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) })
}

/// The narrowest closed window [v_i, v_j] of the sorted finite values containing at least
/// ceil(fraction * n) of them (ties: the lowest window).
///
/// # Errors
/// [`Error::EmptyDistribution`] for no finite value; [`Error::InvalidParameter`] unless 0 < fraction <= 1.
pub fn narrowest_window(values: &[f64], fraction: f64) -> Result<Window> {
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(Error::InvalidParameter {
            name: "fraction",
            value: fraction,
            reason: "must be in (0, 1]",
        });
    }
    let v = sorted_finite(values);
    let n = v.len();
    if n == 0 {
        return Err(Error::EmptyDistribution("window of no finite values"));
    }
    let k = ((fraction * n as f64).ceil() as usize).clamp(1, n);
    let mut best = (f64::INFINITY, 0);
    for i in 0..=n - k {
        let w = v[i + k - 1] - v[i];
        if w < best.0 {
            best = (w, i);
        }
    }
    let (lo, hi) = (v[best.1], v[best.1 + k - 1]);
    let count = v.iter().filter(|&&x| x >= lo && x <= hi).count();
    Ok(Window { lo, hi, median: median(&v)?, count })
}

/// Fraction of the finite `values` inside [lo, hi] (e.g. the background kept by a signal window).
///
/// # Errors
/// [`Error::EmptyDistribution`] when no value is finite.
pub fn fraction_in_window(values: &[f64], window: &Window) -> Result<f64> {
    let v = sorted_finite(values);
    if v.is_empty() {
        return Err(Error::EmptyDistribution("fraction of no finite values"));
    }
    let inside = v.iter().filter(|&&x| x >= window.lo && x <= window.hi).count();
    Ok(inside as f64 / v.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Brute force: every pair (i, j) of values as window edges.
    fn brute(values: &[f64], fraction: f64) -> f64 {
        let need = (fraction * values.len() as f64).ceil() as usize;
        let mut best = f64::INFINITY;
        for &a in values {
            for &b in values {
                if b >= a && values.iter().filter(|&&x| x >= a && x <= b).count() >= need {
                    best = best.min(b - a);
                }
            }
        }
        best
    }

    proptest! {
        #[test]
        fn narrowest_window_matches_brute_force(values in proptest::collection::vec(0.0..200.0f64, 1..60), fraction in 0.05..1.0f64) {
            let w = narrowest_window(&values, fraction).unwrap();
            prop_assert_eq!(w.width(), brute(&values, fraction));
            prop_assert!(w.count as f64 >= (fraction * values.len() as f64).ceil());
        }
    }

    #[test]
    fn median_and_background_fraction() {
        let v = [5.0, 1.0, 3.0, f64::NAN, 2.0];
        assert_eq!(median(&v).unwrap(), 2.5);
        let w = narrowest_window(&[1.0, 2.0, 2.1, 2.2, 9.0], 0.6).unwrap();
        assert_eq!((w.lo, w.hi, w.median), (2.0, 2.2, 2.1));
        assert_eq!(fraction_in_window(&[0.0, 2.05, 3.0, 2.2], &w).unwrap(), 0.5);
        assert!(narrowest_window(&[f64::NAN], 0.6).is_err());
        assert!(narrowest_window(&[1.0], 0.0).is_err());
    }
}
