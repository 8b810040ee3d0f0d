//! The Les Houches toy PDFs at Q0^2 = 2 GeV^2 (Giele et al., hep-ph/0204316, section 4.2,
//! eq. (29)) in x space and as exact Mellin moments, and the benchmark's flavour combinations.
//!
//! x u_v = 5.107200 x^0.8 (1-x)^3,   x d_v = 3.064320 x^0.8 (1-x)^4,
//! x g   = 1.700000 x^-0.1 (1-x)^5,  x dbar = 0.1939875 x^-0.1 (1-x)^6,
//! x ubar = (1-x) x dbar,            x s = x sbar = 0.2 x (ubar + dbar),  c = b = t = 0.

use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};

use crate::flavour::{GLUON, NFL, antiquark, quark};

/// A term A x^(a-1) (1-x)^b of f(x) (not x f).
#[derive(Debug, Clone, Copy)]
struct Term {
    norm: f64,
    a: f64,
    b: u32,
}

impl Term {
    fn x(&self, x: f64) -> f64 {
        self.norm * x.powf(self.a - 1.0) * (1.0 - x).powi(self.b as i32)
    }

    /// Mellin moment: norm * B(N + a - 1, b + 1) = norm * b! / prod_{k=0}^{b} (N + a - 1 + k).
    fn mellin(&self, n: C64) -> C64 {
        let mut den = C64::new(1.0, 0.0);
        let mut fact = 1.0;
        for k in 0..=self.b {
            den *= n + (self.a - 1.0 + f64::from(k));
            if k > 0 {
                fact *= f64::from(k);
            }
        }
        self.norm * fact / den
    }
}

const UV: Term = Term { norm: 5.1072, a: 0.8, b: 3 };
const DV: Term = Term { norm: 3.06432, a: 0.8, b: 4 };
const GL: Term = Term { norm: 1.7, a: -0.1, b: 5 };
const DBAR: Term = Term { norm: 0.1939875, a: -0.1, b: 6 };
const UBAR: Term = Term { norm: 0.1939875, a: -0.1, b: 7 };

/// Initial scale of the toy set, GeV^2.
pub const LHA_Q0_2: f64 = 2.0;
/// alpha_s at the initial scale.
pub const LHA_ALPHA_S: f64 = 0.35;
/// Final scale of the benchmark tables, GeV^2.
pub const LHA_Q2: f64 = 1e4;
/// The x values of the benchmark tables.
pub const LHA_X: [f64; 11] = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.3, 0.5, 0.7, 0.9];

/// A 50-node grid (interpolation degree 4) that contains the 11 benchmark x values: 30 nodes
/// 10^(-7 + 0.2 i) and 20 linear nodes 0.1, 0.15, ..., 0.95, 0.975, 1. Used by the benches and the
/// EKO comparison (`bench/eko_operator.py`).
pub fn lha_benchmark_grid() -> crate::Result<crate::XGrid> {
    let mut x: Vec<f64> = (0..30).map(|i| 10f64.powf(-7.0 + 0.2 * f64::from(i))).collect();
    x.extend((0..18).map(|j| 0.1 + 0.05 * f64::from(j)));
    x.push(0.975);
    x.push(1.0);
    x.sort_by(f64::total_cmp);
    crate::XGrid::new(x, 4)
}

fn assemble<T: Copy + std::ops::Add<Output = T> + std::ops::Mul<f64, Output = T>>(
    uv: T,
    dv: T,
    g: T,
    ub: T,
    db: T,
    zero: T,
) -> [T; NFL] {
    let mut f = [zero; NFL];
    let s = (ub + db) * 0.2;
    f[quark(2)] = uv + ub;
    f[antiquark(2)] = ub;
    f[quark(1)] = dv + db;
    f[antiquark(1)] = db;
    f[quark(3)] = s;
    f[antiquark(3)] = s;
    f[GLUON] = g;
    f
}

/// The toy PDFs f(x) (not x f) in the flavour basis.
pub fn lha_toy_x(x: f64) -> [f64; NFL] {
    assemble(UV.x(x), DV.x(x), GL.x(x), UBAR.x(x), DBAR.x(x), 0.0)
}

/// The toy PDFs' Mellin moments int x^(N-1) f(x) dx in the flavour basis.
/// The rightmost singularity is at N = 1.1.
pub fn lha_toy_mellin(n: C64) -> [C64; NFL] {
    assemble(UV.mellin(n), DV.mellin(n), GL.mellin(n), UBAR.mellin(n), DBAR.mellin(n), C64::new(0.0, 0.0))
}

/// The eight combinations tabulated by the benchmark, each multiplied by x.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LhaCombinations {
    /// x u_v.
    pub u_v: f64,
    /// x d_v.
    pub d_v: f64,
    /// x (dbar - ubar).
    pub l_m: f64,
    /// 2 x (ubar + dbar).
    pub l_p: f64,
    /// x (s + sbar).
    pub s_p: f64,
    /// x (c + cbar).
    pub c_p: f64,
    /// x (b + bbar).
    pub b_p: f64,
    /// x g.
    pub g: f64,
}

impl LhaCombinations {
    /// From f(x) in the flavour basis at x.
    pub fn from_flavours(x: f64, f: &[f64; NFL]) -> Self {
        let q = |k| f[quark(k)];
        let qb = |k| f[antiquark(k)];
        Self {
            u_v: x * (q(2) - qb(2)),
            d_v: x * (q(1) - qb(1)),
            l_m: x * (qb(1) - qb(2)),
            l_p: 2.0 * x * (qb(1) + qb(2)),
            s_p: x * (q(3) + qb(3)),
            c_p: x * (q(4) + qb(4)),
            b_p: x * (q(5) + qb(5)),
            g: x * f[GLUON],
        }
    }

    /// Values in the benchmark's column order u_v, d_v, L_m, L_p, s_p, c_p, b_p, g.
    pub fn as_array(&self) -> [f64; 8] {
        [self.u_v, self.d_v, self.l_m, self.l_p, self.s_p, self.c_p, self.b_p, self.g]
    }

    /// Column names in order.
    pub const NAMES: [&'static str; 8] = ["u_v", "d_v", "L_m", "L_p", "s_p", "c_p", "b_p", "g"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::talbot::Talbot;

    #[test]
    fn initial_conditions_match_table_2_part_1() {
        // Giele et al. Table 2, part 1 (mu_f^2 = mu_f0^2), x = 1e-3 and 0.5.
        let c = LhaCombinations::from_flavours(1e-3, &lha_toy_x(1e-3));
        assert!((c.u_v / 2.0271e-2 - 1.0).abs() < 5e-5);
        assert!((c.l_p / 1.5382 - 1.0).abs() < 5e-5);
        assert!((c.g / 3.3750 - 1.0).abs() < 5e-5);
        let c = LhaCombinations::from_flavours(0.5, &lha_toy_x(0.5));
        assert!((c.d_v / 1.1000e-1 - 1.0).abs() < 5e-5);
        assert!((c.s_p / 1.9492e-3 - 1.0).abs() < 5e-5);
    }

    #[test]
    fn moments_invert_to_the_x_space_functions() {
        let tal = Talbot { nodes: 32, shift: 1.1 };
        for x in [1e-6, 0.01, 0.7] {
            let fx = lha_toy_x(x);
            for (fl, v) in fx.iter().enumerate() {
                let got = tal.invert(x, |n| lha_toy_mellin(n)[fl]);
                assert!((got - v).abs() <= 1e-9 * v.abs().max(1e-12), "fl {fl} x {x}: {got} vs {v}");
            }
        }
    }
}
