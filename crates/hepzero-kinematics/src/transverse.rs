//! Transverse mass m_T and the stransverse mass m_T2.
//!
//! m_T^2 = m_a^2 + m_b^2 + 2 (E_T,a E_T,b - pT_a . pT_b), E_T = sqrt(m^2 + pT^2) (PDG Review
//! "Kinematics", section 49.6); for A -> b C it never exceeds m_A.
//!
//! m_T2 (C. G. Lester and D. J. Summers, Phys. Lett. B 463 (1999) 99, hep-ph/9906349) is
//! min over p1 + p2 = pT_miss of max(m_T(vis1, p1; chi1), m_T(vis2, p2; chi2)), computed by the
//! bisection of C. G. Lester and B. Nachman, JHEP 03 (2015) 100, arXiv:1411.4312: for a trial
//! value M each side's allowed invisible momenta {m_T <= M} form a conic region (an ellipse, or
//! a parabola for a massless visible particle); m_T2 <= M exactly when the two regions meet.
//! Whether two such regions are disjoint is decided from the cubic det(lambda A + B) = 0 of the
//! pencil of their 3x3 conic matrices: disjoint iff it has two distinct positive roots
//! (W. Wang, J. Wang, M.-S. Kim, Comput. Aided Geom. Des. 18 (2001) 531, in its planar form), read
//! off here from the cubic's discriminant and Descartes' sign rule. The invisible masses chi1 and
//! chi2 may differ (asymmetric m_T2).

use crate::fourvec::FourMomentum;

/// Transverse mass of two systems with masses `m_a`, `m_b` and transverse momenta `pt_a`,
/// `pt_b` (GeV): sqrt(m_a^2 + m_b^2 + 2 (E_T,a E_T,b - pT_a . pT_b)).
#[inline]
#[must_use]
pub fn transverse_mass(m_a: f64, pt_a: [f64; 2], m_b: f64, pt_b: [f64; 2]) -> f64 {
    let et_a = (m_a * m_a + pt_a[0] * pt_a[0] + pt_a[1] * pt_a[1]).sqrt();
    let et_b = (m_b * m_b + pt_b[0] * pt_b[0] + pt_b[1] * pt_b[1]).sqrt();
    let mt2 = m_a * m_a + m_b * m_b + 2.0 * (et_a * et_b - pt_a[0] * pt_b[0] - pt_a[1] * pt_b[1]);
    mt2.max(0.0).sqrt()
}

/// Transverse mass of two four-momenta, each with its own invariant mass.
#[inline]
#[must_use]
pub fn transverse_mass_of(a: &FourMomentum, b: &FourMomentum) -> f64 {
    transverse_mass(a.mass().max(0.0), [a.px, a.py], b.mass().max(0.0), [b.px, b.py])
}

/// One side of an m_T2 event: a visible system's mass and transverse momentum.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Side {
    m: f64,
    px: f64,
    py: f64,
    chi: f64,
}

impl Side {
    fn mt(&self, qx: f64, qy: f64) -> f64 {
        transverse_mass(self.m, [self.px, self.py], self.chi, [qx, qy])
    }
    fn lower_bound(&self) -> f64 {
        self.m + self.chi
    }
}

/// A conic x^T C x <= 0 over (qx, qy, 1), stored as its symmetric 3x3 matrix
/// [[a, b, d], [b, c, e], [d, e, f]].
#[derive(Clone, Copy, Debug)]
struct Conic {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    f: f64,
}

impl Conic {
    fn det(&self) -> f64 {
        self.a * (self.c * self.f - self.e * self.e) - self.b * (self.b * self.f - self.d * self.e)
            + self.d * (self.b * self.e - self.c * self.d)
    }
    /// Cofactor matrix (= adjugate, the matrix being symmetric).
    fn cofactor(&self) -> Conic {
        Conic {
            a: self.c * self.f - self.e * self.e,
            b: self.d * self.e - self.b * self.f,
            c: self.a * self.f - self.d * self.d,
            d: self.b * self.e - self.c * self.d,
            e: self.b * self.d - self.a * self.e,
            f: self.a * self.c - self.b * self.b,
        }
    }
    /// Frobenius product sum_ij X_ij Y_ij of two symmetric matrices.
    fn frobenius(&self, o: &Conic) -> f64 {
        self.a * o.a + self.c * o.c + self.f * o.f + 2.0 * (self.b * o.b + self.d * o.d + self.e * o.e)
    }
}

/// Whether the convex regions {x^T A x <= 0} and {x^T B x <= 0} are disjoint, and the
/// discriminant of the pencil's cubic (positive when disjoint, it passes through zero where
/// the regions touch, which the bisection uses to place its next trial).
fn disjoint(a_m: &Conic, b_m: &Conic) -> (bool, f64) {
    // det(lambda A + B) = a l^3 + b l^2 + c l + d.
    let a = a_m.det();
    let b = a_m.cofactor().frobenius(b_m);
    let c = a_m.frobenius(&b_m.cofactor());
    let d = b_m.det();
    let disc = 18.0 * a * b * c * d - 4.0 * b * b * b * d + b * b * c * c
        - 4.0 * a * c * c * c
        - 27.0 * a * a * d * d;
    if disc <= 0.0 {
        return (false, disc);
    }
    // Three distinct real roots: Descartes' rule counts the positive ones exactly.
    let mut changes = 0;
    let mut last = 0.0;
    for x in [a, b, c, d] {
        if x != 0.0 {
            if last != 0.0 && (x > 0.0) != (last > 0.0) {
                changes += 1;
            }
            last = x;
        }
    }
    (changes == 2, disc)
}

/// Precomputed pieces of both sides' conics that do not depend on the trial mass.
struct Pencil {
    s1: Side,
    s2: Side,
    et1_sq: f64,
    et2_sq: f64,
    /// Side 2's quadratic form applied to the missing momentum, and its value there.
    m2_met: [f64; 2],
    met_m2_met: f64,
    t_dot_met: f64,
}

impl Pencil {
    fn new(s1: Side, s2: Side, met: [f64; 2]) -> Self {
        let et1_sq = s1.m * s1.m + s1.px * s1.px + s1.py * s1.py;
        let et2_sq = s2.m * s2.m + s2.px * s2.px + s2.py * s2.py;
        let (q11, q12, q22) = (et2_sq - s2.px * s2.px, -s2.px * s2.py, et2_sq - s2.py * s2.py);
        let m2_met = [q11 * met[0] + q12 * met[1], q12 * met[0] + q22 * met[1]];
        Self {
            s1,
            s2,
            et1_sq,
            et2_sq,
            m2_met,
            met_m2_met: met[0] * m2_met[0] + met[1] * m2_met[1],
            t_dot_met: s2.px * met[0] + s2.py * met[1],
        }
    }

    /// Do the regions {m_T1 <= trial} and {m_T2 <= trial} (in side 1's invisible momentum)
    /// intersect? Also returns the pencil discriminant at `trial`.
    fn intersect(&self, trial: f64) -> (bool, f64) {
        let (s1, s2) = (&self.s1, &self.s2);
        // Side 1: E_T^2 (chi^2 + q^2) - (k + s.q)^2 <= 0 with k = (M^2 - m^2 - chi^2)/2.
        let k1 = 0.5 * (trial * trial - s1.m * s1.m - s1.chi * s1.chi);
        let c1 = Conic {
            a: self.et1_sq - s1.px * s1.px,
            b: -s1.px * s1.py,
            c: self.et1_sq - s1.py * s1.py,
            d: -k1 * s1.px,
            e: -k1 * s1.py,
            f: self.et1_sq * s1.chi * s1.chi - k1 * k1,
        };
        // Side 2 in terms of side 1's invisible momentum p: q = met - p.
        let k2 = 0.5 * (trial * trial - s2.m * s2.m - s2.chi * s2.chi);
        let c2 = Conic {
            a: self.et2_sq - s2.px * s2.px,
            b: -s2.px * s2.py,
            c: self.et2_sq - s2.py * s2.py,
            d: -self.m2_met[0] + k2 * s2.px,
            e: -self.m2_met[1] + k2 * s2.py,
            f: self.met_m2_met - 2.0 * k2 * self.t_dot_met + self.et2_sq * s2.chi * s2.chi - k2 * k2,
        };
        let (apart, disc) = disjoint(&c1, &c2);
        (!apart, disc)
    }
}

/// Relative precision to which [`mt2`] bisects.
pub const MT2_RELATIVE_PRECISION: f64 = 1e-13;

/// Asymmetric stransverse mass m_T2 (GeV) for visible systems of masses `m_vis1`, `m_vis2` and
/// transverse momenta `pt_vis1`, `pt_vis2`, missing transverse momentum `met`, and invisible
/// masses `m_invis1`, `m_invis2` (Lester-Nachman bisection, arXiv:1411.4312).
///
/// Negative masses are treated as zero (as the reference implementation does). Inputs that
/// are not finite give NaN.
#[must_use]
pub fn mt2(
    m_vis1: f64,
    pt_vis1: [f64; 2],
    m_vis2: f64,
    pt_vis2: [f64; 2],
    met: [f64; 2],
    m_invis1: f64,
    m_invis2: f64,
) -> f64 {
    let inputs =
        [m_vis1, pt_vis1[0], pt_vis1[1], m_vis2, pt_vis2[0], pt_vis2[1], met[0], met[1], m_invis1, m_invis2];
    if inputs.iter().any(|x| !x.is_finite()) {
        return f64::NAN;
    }
    // Work in units of the event's overall scale: keeps the conic determinants (fourth powers
    // of momenta, and the discriminant built from them) far from overflow and underflow.
    let scale: f64 = inputs.iter().map(|x| x.abs()).sum();
    if scale == 0.0 {
        return 0.0;
    }
    let side = |m: f64, p: [f64; 2], chi: f64| Side {
        m: m.max(0.0) / scale,
        px: p[0] / scale,
        py: p[1] / scale,
        chi: chi.max(0.0) / scale,
    };
    let s1 = side(m_vis1, pt_vis1, m_invis1);
    let s2 = side(m_vis2, pt_vis2, m_invis2);
    let met = [met[0] / scale, met[1] / scale];
    scale * mt2_scaled(s1, s2, met)
}

/// [`mt2`] taking the visible systems as four-momenta (their masses and pT are used).
#[must_use]
pub fn mt2_of(vis1: &FourMomentum, vis2: &FourMomentum, met: [f64; 2], m_invis1: f64, m_invis2: f64) -> f64 {
    mt2(vis1.mass(), [vis1.px, vis1.py], vis2.mass(), [vis2.px, vis2.py], met, m_invis1, m_invis2)
}

fn mt2_scaled(s1: Side, s2: Side, met: [f64; 2]) -> f64 {
    let mut lo = s1.lower_bound().max(s2.lower_bound());
    // Unbalanced solutions: one side sits at its own minimum m + chi (invisible moving with the
    // visible system's velocity) while the other side stays below it.
    for (a, b) in [(&s1, &s2), (&s2, &s1)] {
        if a.lower_bound() >= b.lower_bound() && a.m > 0.0 {
            let (qx, qy) = (a.chi * a.px / a.m, a.chi * a.py / a.m);
            let other = b.mt(met[0] - qx, met[1] - qy);
            if other <= lo {
                return lo;
            }
        }
    }
    // All four masses zero: m_T2 = 0 exactly when the missing momentum lies in the cone of the
    // two visible momenta (each invisible parallel to its visible partner).
    if s1.m == 0.0 && s2.m == 0.0 && s1.chi == 0.0 && s2.chi == 0.0 {
        let cross = |u: [f64; 2], v: [f64; 2]| u[0] * v[1] - u[1] * v[0];
        let (u, v) = ([s1.px, s1.py], [s2.px, s2.py]);
        let uv = cross(u, v);
        if uv != 0.0 && cross(u, met) * uv >= 0.0 && cross(met, v) * uv >= 0.0 {
            return 0.0;
        }
    }
    // Upper bound: any split of the missing momentum gives max(m_T1, m_T2) >= m_T2.
    let mut splits = [[0.5 * met[0], 0.5 * met[1]]; 3];
    if s1.m > 0.0 {
        splits[1] = [s1.chi * s1.px / s1.m, s1.chi * s1.py / s1.m];
    }
    if s2.m > 0.0 {
        splits[2] = [met[0] - s2.chi * s2.px / s2.m, met[1] - s2.chi * s2.py / s2.m];
    }
    let mut hi = f64::INFINITY;
    for p in splits {
        hi = hi.min(s1.mt(p[0], p[1]).max(s2.mt(met[0] - p[0], met[1] - p[1])));
    }
    if hi <= lo {
        return lo;
    }
    let pencil = Pencil::new(s1, s2, met);
    // Bisection of Lester-Nachman, accelerated: the trial point is the Illinois (modified
    // regula falsi) estimate of where the pencil discriminant changes sign, whenever the
    // discriminants at the two ends bracket zero; otherwise the midpoint. The bracket itself is
    // only ever moved by the exact intersection test, so the result is that of plain bisection.
    let lower = lo;
    let (_, mut d_lo) = pencil.intersect(lo);
    let (_, mut d_hi) = pencil.intersect(hi);
    let mut last_side = 0i8;
    let mut width_before = hi - lo;
    let mut iteration = 0u32;
    // Inputs are O(1) after scaling; 1e-15 is an absolute floor for m_T2 -> 0.
    while hi - lo > MT2_RELATIVE_PRECISION * hi + 1e-15 && iteration < 500 {
        iteration += 1;
        let mut trial = 0.5 * (lo + hi);
        // Every third step must have at least halved the bracket, else bisect.
        let stalled = iteration.is_multiple_of(3) && hi - lo > 0.5 * width_before;
        if iteration.is_multiple_of(3) {
            width_before = hi - lo;
        }
        // Until the lower end has moved, bisect: at the initial lower bound one region is
        // degenerate (point-like) and its discriminant says nothing about where the root is,
        // and the disjointness test is unreliable for the nearly degenerate regions just above
        // it, which plain bisection only probes when m_T2 is really there.
        if !stalled && lo > lower && d_lo > 0.0 && d_hi < 0.0 {
            let t = lo + (hi - lo) * d_lo / (d_lo - d_hi);
            if t > lo && t < hi {
                trial = t;
            }
        }
        if trial <= lo || trial >= hi {
            break;
        }
        let (meet, d) = pencil.intersect(trial);
        if meet {
            hi = trial;
            d_hi = d;
            if last_side == -1 {
                d_lo *= 0.5;
            }
            last_side = -1;
        } else {
            lo = trial;
            d_lo = d;
            if last_side == 1 {
                d_hi *= 0.5;
            }
            last_side = 1;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transverse_mass_of_back_to_back_massless_pair() {
        // Two massless particles back to back in the transverse plane: m_T = 2 pT.
        let m = transverse_mass(0.0, [40.0, 0.0], 0.0, [-40.0, 0.0]);
        assert!((m - 80.0).abs() < 1e-12);
    }

    #[test]
    fn mt2_unbalanced_and_symmetric_cases() {
        // Zero missing momentum and massless invisibles: the lower bound max(m_vis) is reached.
        let v = mt2(10.0, [3.0, 4.0], 5.0, [-1.0, 2.0], [0.0, 0.0], 0.0, 0.0);
        assert!(v >= 10.0 - 1e-9);
        // Swapping the two sides leaves m_T2 unchanged.
        let a = mt2(2.0, [30.0, 5.0], 7.0, [-20.0, 15.0], [12.0, -8.0], 3.0, 50.0);
        let b = mt2(7.0, [-20.0, 15.0], 2.0, [30.0, 5.0], [12.0, -8.0], 50.0, 3.0);
        assert!((a - b).abs() < 1e-10 * a);
        assert!(a >= 57.0 - 1e-9); // >= m_vis2 + chi2
        assert!(mt2(f64::NAN, [0.0, 0.0], 0.0, [0.0, 0.0], [0.0, 0.0], 0.0, 0.0).is_nan());
    }
}
