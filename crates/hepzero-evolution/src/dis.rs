//! Neutral-current electromagnetic DIS structure functions F2 and FL with massless coefficient
//! functions at LO and NLO (photon exchange only).
//!
//! F2/x = sum_q e_q^2 [(q + qbar) (x) (1 + a_s c_q) + a_s c_g (x) g], FL/x = same with c_Lq, c_Lg
//! and no LO term; a_s = alpha_s(Q^2)/(4 pi), mu_R = mu_F = Q. The MSbar coefficient functions are
//! those of Furmanski and Petronzio, Z. Phys. C11 (1982) 293, in the form of Ellis, Stirling,
//! Webber, "QCD and collider physics", eq. (4.80), (4.84) (there normalised to alpha_s/(2 pi): our
//! c = 2 C_q, 4 C_g per flavour, as in the c_{2,ns}^(1), c_{2,g}^(1) of Moch, Vermaseren, Vogt);
//! the Mellin transforms are ours, checked against numerical integration of the x-space forms.
//! Only the quark flavours active at Q^2 contribute (never-evolved heavy quarks are zero).

use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};

use crate::constants::{CF, TR};
use crate::coupling::Order;
use crate::error::{Result, invalid};
use crate::evolve::Theory;
use crate::flavour::{GLUON, NFL, antiquark, quark};
use crate::harmonics::{s1, s2};
use crate::kernel::EvolutionKernel;
use crate::talbot::Talbot;

/// A structure function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Observable {
    /// F2 (electromagnetic, neutral current).
    F2,
    /// FL (starts at O(alpha_s)).
    FL,
}

/// One kinematic point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DisPoint {
    /// Bjorken x.
    pub x: f64,
    /// Q^2 in GeV^2.
    pub q2: f64,
    /// Which structure function.
    pub observable: Observable,
}

/// Quark charges squared, d u s c b t.
pub const CHARGE2: [f64; 6] = [1.0 / 9.0, 4.0 / 9.0, 1.0 / 9.0, 4.0 / 9.0, 1.0 / 9.0, 4.0 / 9.0];

/// NLO quark coefficient function of F2, a_s normalisation.
pub fn c2q(n: C64) -> C64 {
    let (s1n, s2n) = (s1(n), s2(n));
    let s1m = s1n - 1.0 / n;
    let s2m = s2n - 1.0 / (n * n);
    let n1 = n + 1.0;
    let s1p = s1n + 1.0 / n1;
    let esw = s1m * s1m - s2m + 1.5 * s1m + s1n / n + s1p / n1 - 1.0 / (n * n) - 1.0 / (n1 * n1)
        + 3.0 / n
        + 2.0 / n1
        - 4.5;
    2.0 * CF * esw
}

/// NLO gluon coefficient function of F2 per quark flavour (multiplies e_q^2), a_s normalisation.
pub fn c2g(n: C64) -> C64 {
    let (n1, n2) = (n + 1.0, n + 2.0);
    let s1n = s1(n);
    let s1p = s1n + 1.0 / n1;
    let s1pp = s1p + 1.0 / n2;
    let log1mz = -s1n / n + 2.0 * s1p / n1 - 2.0 * s1pp / n2;
    let logz = -1.0 / (n * n) + 2.0 / (n1 * n1) - 2.0 / (n2 * n2);
    let esw = TR * (log1mz - logz - 8.0 / n2 + 8.0 / n1 - 1.0 / n);
    4.0 * esw
}

/// NLO quark coefficient function of FL, a_s normalisation.
pub fn clq(n: C64) -> C64 {
    4.0 * CF / (n + 1.0)
}

/// NLO gluon coefficient function of FL per quark flavour, a_s normalisation.
pub fn clg(n: C64) -> C64 {
    16.0 * TR / ((n + 1.0) * (n + 2.0))
}

/// Coefficients in the flavour basis at N: row such that F/x = InvMellin[sum_b C_b f_b].
pub(crate) fn coefficients(order: Order, obs: Observable, nf: u8, a_s: f64, n: C64) -> [C64; NFL] {
    let zero = C64::new(0.0, 0.0);
    let mut c = [zero; NFL];
    let nlo = order == Order::Nlo;
    let (cq, cg) = match (obs, nlo) {
        (Observable::F2, false) => (zero, zero),
        (Observable::F2, true) => (c2q(n) * a_s, c2g(n) * a_s),
        (Observable::FL, false) => return c,
        (Observable::FL, true) => (clq(n) * a_s, clg(n) * a_s),
    };
    let lo = if obs == Observable::F2 { 1.0 } else { 0.0 };
    let mut sum_e2 = 0.0;
    for k in 1..=usize::from(nf) {
        let e2 = CHARGE2[k - 1];
        sum_e2 += e2;
        c[quark(k)] = (cq + lo) * e2;
        c[antiquark(k)] = (cq + lo) * e2;
    }
    c[GLUON] = cg * sum_e2;
    c
}

/// The Mellin-space kernel of a DIS point: K_b(N) = sum_a C_a(N) E_ab(N) (regular part).
pub(crate) struct DisKernel {
    kernel: EvolutionKernel,
    order: Order,
    obs: Observable,
    nf: u8,
    a_s: f64,
}

impl DisKernel {
    pub(crate) fn new(theory: &Theory, point: &DisPoint) -> Result<Self> {
        if !(point.x > 0.0 && point.x < 1.0) {
            return Err(invalid("x", point.x, "must be in (0, 1)"));
        }
        if point.q2.partial_cmp(&theory.q0_2) != Some(std::cmp::Ordering::Greater) {
            return Err(invalid("q2", point.q2, "DIS points must lie above the initial scale Q0^2"));
        }
        let kernel = theory.kernel(point.q2)?;
        let a_s = theory.coupling()?.a_s(point.q2)?;
        Ok(Self { kernel, order: theory.order, obs: point.observable, nf: theory.scheme.nf(point.q2), a_s })
    }

    pub(crate) fn row(&self, n: C64) -> Vec<C64> {
        let c = coefficients(self.order, self.obs, self.nf, self.a_s, n);
        let e = self.kernel.regular(n);
        let mut out = vec![C64::new(0.0, 0.0); NFL];
        for (a, ca) in c.iter().enumerate() {
            if *ca == C64::new(0.0, 0.0) {
                continue;
            }
            for (b, o) in out.iter_mut().enumerate() {
                *o += ca * e[a][b];
            }
        }
        out
    }
}

/// A structure function computed directly from analytic moments of the PDFs at Q0^2
/// (rightmost singularity at Re N <= `shift`).
pub fn structure_function_analytic(
    theory: &Theory,
    point: &DisPoint,
    shift: f64,
    mellin: &dyn Fn(C64) -> [C64; NFL],
) -> Result<f64> {
    let k = DisKernel::new(theory, point)?;
    let tal = Talbot { nodes: theory.talbot_nodes, shift };
    let v = tal.invert(point.x, |n| {
        let row = k.row(n);
        let f = mellin(n);
        row.iter().zip(f.iter()).map(|(a, b)| a * b).sum()
    });
    Ok(point.x * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// int_0^1 g(z) dz with z = (1 - cos(pi s))/2, composite Simpson; g may have log endpoints.
    fn integrate(g: impl Fn(f64) -> f64) -> f64 {
        let m = 20000;
        let h = 1.0 / m as f64;
        let mut acc = 0.0;
        for i in 0..=m {
            let s = i as f64 * h;
            let z = 0.5 * (1.0 - (std::f64::consts::PI * s).cos());
            let jac = 0.5 * std::f64::consts::PI * (std::f64::consts::PI * s).sin();
            let v = if z <= 0.0 || z >= 1.0 { 0.0 } else { g(z) * jac };
            let w = if i == 0 || i == m {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            acc += w * v;
        }
        acc * h / 3.0
    }

    #[test]
    fn mellin_transforms_match_x_space_formulas() {
        for nr in [1.5_f64, 2.0, 3.7] {
            let n = C64::new(nr, 0.0);
            // ESW (4.80) C_q with plus distributions, times 2 CF... written for alpha_s/(2 pi).
            let cq = integrate(|z| {
                let zn = z.powf(nr - 1.0);
                let l1 = (1.0 - z).ln();
                let plus = (zn - 1.0) * (2.0 * l1 / (1.0 - z) - 1.5 / (1.0 - z));
                plus + zn * (-(1.0 + z) * l1 - (1.0 + z * z) / (1.0 - z) * z.ln() + 3.0 + 2.0 * z)
            }) - (std::f64::consts::PI.powi(2) / 3.0 + 4.5);
            assert!(
                (c2q(n).re - 2.0 * CF * cq).abs() < 1e-6,
                "c2q({nr}): {} vs {}",
                c2q(n).re,
                2.0 * CF * cq
            );
            let cg = integrate(|z| {
                z.powf(nr - 1.0)
                    * TR
                    * ((z * z + (1.0 - z) * (1.0 - z)) * ((1.0 - z) / z).ln() - 8.0 * z * z + 8.0 * z - 1.0)
            });
            assert!((c2g(n).re - 4.0 * cg).abs() < 1e-6, "c2g({nr})");
            let lq = integrate(|z| z.powf(nr - 1.0) * CF * 2.0 * z);
            assert!((clq(n).re - 2.0 * lq).abs() < 1e-8);
            let lg = integrate(|z| z.powf(nr - 1.0) * TR * 4.0 * z * (1.0 - z));
            assert!((clg(n).re - 4.0 * lg).abs() < 1e-8);
        }
    }

    #[test]
    fn adler_like_first_moment_of_c2q_vanishes() {
        // Quark-number conservation of F2's non-singlet coefficient at N = 1.
        assert!(c2q(C64::new(1.0, 0.0)).norm() < 1e-12);
    }
}
