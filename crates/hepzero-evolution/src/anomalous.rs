//! Unpolarised space-like anomalous dimensions at LO and NLO in Mellin space.
//!
//! Convention: d f(N, mu^2) / d ln mu^2 = -gamma(N, a_s) f(N, mu^2) with
//! gamma = a_s gamma^(0) + a_s^2 gamma^(1), a_s = alpha_s / (4 pi), i.e. gamma = -P (splitting
//! function moments). LO: Gross-Wilczek / Altarelli-Parisi. NLO: Floratos, Ross, Sachrajda;
//! Gonzalez-Arroyo, Lopez, Yndurain; Curci, Furmanski, Petronzio; Furmanski, Petronzio,
//! Phys. Lett. B97 (1980) 437, in the N-space form of A. Vogt, Comput. Phys. Commun. 170 (2005)
//! 65 (QCD-PEGASUS), with the analytic continuations S'_k(N/2) (even N: "+" and singlet) and
//! S'_k((N-1)/2) (odd N: "-", valence).

use std::f64::consts::LN_2;

use num_complex::Complex64 as C64;

use crate::constants::{CA, CF, TR, ZETA2, ZETA3};
use crate::harmonics::{g3, s1, s2, s3};

/// Harmonic sums needed at one Mellin point.
#[derive(Debug, Clone, Copy)]
pub struct Sums {
    /// N.
    pub n: C64,
    s1: C64,
    s2: C64,
    s1h: C64,
    s2h: C64,
    s3h: C64,
    s1mh: C64,
    s2mh: C64,
    s3mh: C64,
    g3: C64,
}

impl Sums {
    /// Computes the sums; `nlo` = false skips the ones only NLO needs.
    pub fn new(n: C64, nlo: bool) -> Self {
        let s1n = s1(n);
        let zero = C64::new(0.0, 0.0);
        if !nlo {
            return Self {
                n,
                s1: s1n,
                s2: zero,
                s1h: zero,
                s2h: zero,
                s3h: zero,
                s1mh: zero,
                s2mh: zero,
                s3mh: zero,
                g3: zero,
            };
        }
        let h = n / 2.0;
        let mh = (n - 1.0) / 2.0;
        Self {
            n,
            s1: s1n,
            s2: s2(n),
            s1h: s1(h),
            s2h: s2(h),
            s3h: s3(h),
            s1mh: s1(mh),
            s2mh: s2(mh),
            s3mh: s3(mh),
            g3: g3(n, s1n),
        }
    }
}

/// LO anomalous dimensions: non-singlet and the 2x2 singlet matrix [[qq, qg], [gq, gg]]
/// acting on (Sigma, g).
pub fn lo(s: &Sums, nf: u8) -> (C64, [[C64; 2]; 2]) {
    let n = s.n;
    let nff = f64::from(nf);
    let ns = CF * (4.0 * s.s1 - 3.0 - 2.0 / (n * (n + 1.0)));
    let poly = n * n + n + 2.0;
    let qg = -2.0 * TR * 2.0 * nff * poly / (n * (n + 1.0) * (n + 2.0));
    let gq = -2.0 * CF * poly / (n * (n + 1.0) * (n - 1.0));
    let gg = CA * (4.0 * (s.s1 - 1.0 / (n * (n - 1.0)) - 1.0 / ((n + 1.0) * (n + 2.0))) - 11.0 / 3.0)
        + 4.0 / 3.0 * TR * nff;
    (ns, [[ns, qg], [gq, gg]])
}

fn p(n: C64, k: i32) -> C64 {
    n.powi(k)
}

/// sum_k c_k n^k.
fn horner(n: C64, c: &[f64]) -> C64 {
    c.iter().rev().fold(C64::new(0.0, 0.0), |acc, ck| acc * n + ck)
}

/// NLO non-singlet "minus" (valence-type, q - qbar) anomalous dimension.
pub fn nlo_ns_minus(s: &Sums, nf: u8) -> C64 {
    let n = s.n;
    let (s1, s2, sp1, sp2, sp3) = (s.s1, s.s2, s.s1mh, s.s2mh, s.s3mh);
    let n1 = n + 1.0;
    let cfca = 16.0 * s.g3
        - (144.0 + n * n1 * (156.0 + n * (340.0 + n * (655.0 + 51.0 * n * (2.0 + n)))))
            / (18.0 * p(n, 3) * p(n1, 3))
        + (-44.0 / 3.0 + 8.0 / n - 8.0 / n1) * s2
        - 4.0 * sp2 / (n + n * n)
        + s1 * (268.0 / 9.0 + 16.0 / (n * n) - 16.0 * s2 + 8.0 * sp2)
        + 2.0 * sp3
        + 10.0 * ZETA3
        + ZETA2 * (16.0 * s1 - 16.0 * sp1 - 16.0 * (1.0 + n * LN_2) / n);
    let cfcf = -32.0 * s.g3
        + (24.0 - n * (-32.0 + 3.0 * n * (-8.0 + n * (3.0 + n) * (3.0 + n * n))))
            / (2.0 * p(n, 3) * p(n1, 3))
        + (12.0 - 8.0 / n + 8.0 / n1) * s2
        + s1 * (-24.0 / (n * n) - 8.0 / (n1 * n1) + 16.0 * s2 - 16.0 * sp2)
        + 8.0 * sp2 / (n + n * n)
        - 4.0 * sp3
        - 20.0 * ZETA3
        + ZETA2 * (-32.0 * s1 + 32.0 * sp1 + 32.0 * (1.0 / n + LN_2));
    CF * (CA * cfca + CF * cfcf + 2.0 * TR * f64::from(nf) * ns_nf(n, s1, s2))
}

fn ns_nf(n: C64, s1: C64, s2: C64) -> C64 {
    let n1 = n + 1.0;
    (-12.0 + n * (20.0 + n * (47.0 + 3.0 * n * (2.0 + n)))) / (9.0 * n * n * n1 * n1) - 40.0 * s1 / 9.0
        + 8.0 * s2 / 3.0
}

/// NLO non-singlet "plus" (q + qbar differences) anomalous dimension.
pub fn nlo_ns_plus(s: &Sums, nf: u8) -> C64 {
    let n = s.n;
    let (s1, s2, sp1, sp2, sp3) = (s.s1, s.s2, s.s1h, s.s2h, s.s3h);
    let n1 = n + 1.0;
    let cfca = -16.0 * s.g3
        + (132.0 - n * (340.0 + n * (655.0 + 51.0 * n * (2.0 + n)))) / (18.0 * n * n * n1 * n1)
        + (-44.0 / 3.0 + 8.0 / n - 8.0 / n1) * s2
        - 4.0 * sp2 / (n + n * n)
        + s1 * (268.0 / 9.0 - 16.0 / (n * n) - 16.0 * s2 + 8.0 * sp2)
        + 2.0 * sp3
        + 10.0 * ZETA3
        + ZETA2 * (16.0 * s1 - 16.0 * sp1 + 16.0 * (1.0 / n - LN_2));
    let cfcf = 32.0 * s.g3
        - (8.0 + n * (32.0 + n * (40.0 + 3.0 * n * (3.0 + n) * (3.0 + n * n)))) / (2.0 * p(n, 3) * p(n1, 3))
        + (12.0 - 8.0 / n + 8.0 / n1) * s2
        + s1 * (40.0 / (n * n) - 8.0 / (n1 * n1) + 16.0 * s2 - 16.0 * sp2)
        + 8.0 * sp2 / (n + n * n)
        - 4.0 * sp3
        - 20.0 * ZETA3
        + ZETA2 * (-32.0 * s1 + 32.0 * sp1 + 32.0 * (-1.0 / n + LN_2));
    CF * (CA * cfca + CF * cfcf + 2.0 * TR * f64::from(nf) * ns_nf(n, s1, s2))
}

/// NLO singlet matrix [[qq, qg], [gq, gg]] on (Sigma, g); qq = ns_plus + pure singlet.
pub fn nlo_singlet(s: &Sums, nf: u8) -> [[C64; 2]; 2] {
    let n = s.n;
    let (s1, s2, sp1, sp2, sp3) = (s.s1, s.s2, s.s1h, s.s2h, s.s3h);
    let nff = f64::from(nf);
    let (nm1, n1, n2) = (n - 1.0, n + 1.0, n + 2.0);
    let poly = 2.0 + n + n * n;

    let ps = 2.0 * TR * nff * CF * (-4.0 * (2.0 + n * (5.0 + n)) * (4.0 + n * (4.0 + n * (7.0 + 5.0 * n))))
        / (nm1 * p(n, 3) * p(n1, 3) * n2 * n2);

    let d12 = 2.0 + 3.0 * n + n * n; // (N+1)(N+2)
    let qg_ca = -4.0
        * (16.0
            + n * (64.0
                + n * (104.0
                    + n * (128.0 + n * (85.0 + n * (36.0 + n * (25.0 + n * (15.0 + n * (6.0 + n)))))))))
        / (nm1 * p(n, 3) * p(n1, 3) * p(n2, 3))
        - 16.0 * (3.0 + 2.0 * n) * s1 / (d12 * d12)
        + 4.0 * poly * s1 * s1 / (n * d12)
        - 4.0 * poly * s2 / (n * d12)
        + 4.0 * poly * sp2 / (n * d12);
    let qg_cf = -2.0 * (4.0 + n * (8.0 + n * n1 * (25.0 + n * (26.0 + 5.0 * n * (2.0 + n)))))
        / (p(n, 3) * p(n1, 3) * n2)
        + 8.0 * s1 / (n * n)
        - 4.0 * poly * s1 * s1 / (n * d12)
        + 4.0 * poly * s2 / (n * d12);
    let qg = 2.0 * TR * nff * (CA * qg_ca + CF * qg_cf);

    let nn1 = n * (n * n - 1.0);
    let gq_cfcf = (-8.0
        + 2.0 * n * (-12.0 + n * (-1.0 + n * (28.0 + n * (43.0 + 6.0 * n * (5.0 + 2.0 * n))))))
        / (nm1 * p(n, 3) * p(n1, 3))
        - 4.0 * (10.0 + n * (17.0 + n * (8.0 + 5.0 * n))) * s1 / (nm1 * n * n1 * n1)
        + 4.0 * poly * s1 * s1 / nn1
        + 4.0 * poly * s2 / nn1;
    let dm = -2.0 + n + n * n; // (N-1)(N+2)
    let gq_cfca = -4.0
        * (144.0
            + n * (432.0
                + n * (-152.0
                    + n * (-1304.0
                        + n * (-1031.0
                            + n * (695.0 + n * (1678.0 + n * (1400.0 + n * (621.0 + 109.0 * n)))))))))
        / (9.0 * p(n, 3) * p(n1, 3) * dm * dm)
        + 4.0 * (-12.0 + n * (-22.0 + 41.0 * n + 17.0 * p(n, 3))) * s1 / (3.0 * nm1 * nm1 * n * n * n1)
        - 4.0 * poly * s1 * s1 / nn1
        - 4.0 * poly * s2 / nn1
        + 4.0 * poly * sp2 / nn1;
    let gq_cfnf = 8.0 * (16.0 + n * (27.0 + n * (13.0 + 8.0 * n))) / (9.0 * nm1 * n * n1 * n1)
        - 8.0 * poly * s1 / (3.0 * nn1);
    let gq = CF * (CA * gq_cfca + CF * gq_cfcf + 2.0 * TR * nff * gq_cfnf);

    let gg_caca = 16.0 * s.g3
        - 2.0
            * horner(
                n,
                &[
                    576.0, 1488.0, 560.0, -1248.0, -1384.0, 1663.0, 4514.0, 4744.0, 3030.0, 1225.0, 336.0,
                    48.0,
                ],
            )
            / (9.0 * nm1 * nm1 * p(n, 3) * p(n1, 3) * p(n2, 3))
        + s1 * (268.0 / 9.0 + 16.0 / (nm1 * nm1) + 16.0 / (n1 * n1) - 16.0 / (n2 * n2) - 8.0 * sp2)
        + 16.0 * (1.0 + n + n * n) * sp2 / (n * n1 * dm)
        - 2.0 * sp3
        - 10.0 * ZETA3
        + ZETA2 * (-16.0 * s1 + 16.0 * sp1 + 16.0 * (-1.0 / n + LN_2));
    let gg_canf = 8.0 * (6.0 + n * n1 * (28.0 + n * n1 * (13.0 + 3.0 * n * n1)))
        / (9.0 * n * n * n1 * n1 * dm)
        - 40.0 * s1 / 9.0;
    let gg_cfnf = 2.0
        * (-8.0
            + n * (-8.0 + n * (-10.0 + n * (-22.0 + n * (-3.0 + n * (6.0 + n * (8.0 + n * (4.0 + n))))))))
        / (p(n, 3) * p(n1, 3) * dm);
    let gg = CA * CA * gg_caca + 2.0 * TR * nff * (CA * gg_canf + CF * gg_cfnf);

    [[nlo_ns_plus(s, nf) + ps, qg], [gq, gg]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lo_conservation_laws() {
        let s1 = Sums::new(C64::new(1.0, 0.0), false);
        assert!(lo(&s1, 4).0.norm() < 1e-12);
        let s2 = Sums::new(C64::new(2.0, 0.0), false);
        let (_, g) = lo(&s2, 5);
        assert!((g[0][0] + g[1][0]).norm() < 1e-11);
        assert!((g[0][1] + g[1][1]).norm() < 1e-11);
    }

    #[test]
    fn nlo_conservation_laws() {
        for nf in 3..=6 {
            let s1 = Sums::new(C64::new(1.0, 0.0), true);
            assert!(nlo_ns_minus(&s1, nf).norm() < 1e-10, "valence number, nf={nf}");
            let s2 = Sums::new(C64::new(2.0, 0.0), true);
            let g = nlo_singlet(&s2, nf);
            assert!((g[0][0] + g[1][0]).norm() < 1e-10, "quark momentum, nf={nf}");
            assert!((g[0][1] + g[1][1]).norm() < 1e-10, "gluon momentum, nf={nf}");
        }
    }
}
