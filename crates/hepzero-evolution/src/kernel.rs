//! The DGLAP evolution operator E(N) in Mellin space, between two factorisation scales.
//!
//! Per flavour-number segment (fixed nf) the operator is block diagonal in the internal basis
//! (g, q+_k, q-_k): q-_k evolve with the valence kernel (gamma_ns^-; at NLO gamma_ns^v = gamma_ns^-),
//! differences q+_k - Sigma/nf with gamma_ns^+, and (Sigma, g) with the 2x2 singlet kernel.
//! Inactive flavours are frozen. Segments are joined at the heavy-quark thresholds with
//! continuous matching, exact at NLO for mu = m_h in MSbar (Buza et al., Eur. Phys. J. C1 (1998) 301).
//!
//! Solutions ("exact", the Les Houches benchmark choice; Giele et al., hep-ph/0204316, sec. 4,
//! and Vogt, Comput. Phys. Commun. 170 (2005) 65, IMODEV=1): with u = ln a_s,
//! d E / d u = -(gamma0 + a gamma1)/(beta0 + beta1 a) ... written below with the sign convention
//! of `anomalous` (d f / d ln mu^2 = -gamma f), so d E / d u = (gamma0 + a gamma1)/(beta0 + beta1 a) E.
//! Non-singlet: closed form. Singlet at NLO: fourth-order Magnus integrator in u (exact up to
//! O(h^4) per step), which resolves the path ordering of the non-commuting matrices.

use num_complex::Complex64 as C64;

use crate::anomalous::{Sums, lo, nlo_ns_minus, nlo_ns_plus, nlo_singlet};
use crate::constants::{beta0, beta1};
use crate::coupling::{Coupling, CouplingMethod, Order, Scheme};
use crate::error::{Result, invalid};
use crate::flavour::{NFL, flavour_from_pm, minus, plus, pm_from_flavour};

/// 13x13 complex matrix.
pub type Mat13 = [[C64; NFL]; NFL];
type M2 = [[C64; 2]; 2];

const ZERO: C64 = C64 { re: 0.0, im: 0.0 };
const ONE: C64 = C64 { re: 1.0, im: 0.0 };

/// One fixed-nf stretch of the evolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Active flavours.
    pub nf: u8,
    /// a_s at the start.
    pub a_from: f64,
    /// a_s at the end.
    pub a_to: f64,
}

/// Everything needed to evaluate E(N) from mu0^2 to mu1^2.
#[derive(Debug, Clone, PartialEq)]
pub struct EvolutionKernel {
    order: Order,
    segments: Vec<Segment>,
    /// Internal-basis entries that are never evolved (the delta-function part of E).
    frozen: [bool; NFL],
    magnus_steps: usize,
}

impl EvolutionKernel {
    /// Plans the evolution from `mu2_from` to `mu2_to` (either direction) with mu_R = mu_F.
    pub fn new(
        order: Order,
        scheme: Scheme,
        alpha_s_ref: f64,
        mu2_ref: f64,
        mu2_from: f64,
        mu2_to: f64,
    ) -> Result<Self> {
        for (name, v) in [("mu2_from", mu2_from), ("mu2_to", mu2_to)] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(invalid(name, v, "must be positive"));
            }
        }
        let coupling = Coupling::new(order, CouplingMethod::Exact, scheme, alpha_s_ref, mu2_ref)?;
        let mut cuts = vec![mu2_from];
        cuts.extend(scheme.thresholds_between(mu2_from, mu2_to));
        cuts.push(mu2_to);
        let mut segments = Vec::new();
        for w in cuts.windows(2) {
            let (m0, m1) = (w[0], w[1]);
            if (m1 / m0).ln().abs() < 1e-13 {
                continue;
            }
            segments.push(Segment {
                nf: coupling.segment_nf(m0, m1),
                a_from: coupling.a_s(m0)?,
                a_to: coupling.a_s(m1)?,
            });
        }
        let max_nf = segments.iter().map(|s| s.nf).max().unwrap_or(0);
        let mut frozen = [false; NFL];
        if segments.is_empty() {
            frozen = [true; NFL];
        } else {
            for k in (usize::from(max_nf) + 1)..=6 {
                frozen[plus(k)] = true;
                frozen[minus(k)] = true;
            }
        }
        Ok(Self { order, segments, frozen, magnus_steps: 24 })
    }

    /// Magnus steps per unit of ln a_s for the NLO singlet (default 24).
    pub fn with_magnus_steps(mut self, steps: usize) -> Self {
        self.magnus_steps = steps.max(1);
        self
    }

    /// The fixed-nf segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Flavour-basis entries whose operator is the identity (delta function in x).
    pub fn frozen_flavours(&self) -> [bool; NFL] {
        let mut out = [false; NFL];
        for (fl, o) in out.iter_mut().enumerate() {
            *o = flavour_from_pm(fl).iter().all(|(m, w)| *w == 0.0 || self.frozen[*m]);
        }
        out
    }

    /// Regular part of E(N) (the identity on frozen flavours removed) in the flavour basis.
    pub fn regular(&self, n: C64) -> Mat13 {
        let pm = self.regular_pm(n);
        let mut out = [[ZERO; NFL]; NFL];
        for (a, row) in out.iter_mut().enumerate() {
            for (b, e) in row.iter_mut().enumerate() {
                let mut acc = ZERO;
                for (ma, wa) in flavour_from_pm(a) {
                    if wa == 0.0 {
                        continue;
                    }
                    for (mb, wb) in pm_from_flavour_col(b) {
                        if wb != 0.0 {
                            acc += pm[ma][mb] * (wa * wb);
                        }
                    }
                }
                *e = acc;
            }
        }
        out
    }

    /// Regular part of E(N) in the internal (g, q+, q-) basis.
    pub fn regular_pm(&self, n: C64) -> Mat13 {
        let nlo = self.order == Order::Nlo;
        let sums = Sums::new(n, nlo);
        let mut total = identity();
        for seg in &self.segments {
            let m = self.segment_matrix(&sums, seg);
            total = mul(&m, &total);
        }
        for (i, fz) in self.frozen.iter().enumerate() {
            if *fz {
                total[i][i] = ZERO;
            }
        }
        total
    }

    fn segment_matrix(&self, sums: &Sums, seg: &Segment) -> Mat13 {
        let nf = seg.nf;
        let (g0ns, g0s) = lo(sums, nf);
        let b0 = beta0(nf);
        let la = (seg.a_to / seg.a_from).ln();
        let (e_plus, e_minus, es) = match self.order {
            Order::Lo => {
                let e = (g0ns * (la / b0)).exp();
                (e, e, exp2(&scale(&g0s, la / b0)))
            }
            Order::Nlo => {
                let b1 = beta1(nf);
                let lb = ((b0 + b1 * seg.a_to) / (b0 + b1 * seg.a_from)).ln();
                let ns = |g1: C64| (g0ns * (la / b0) + (g1 - g0ns * (b1 / b0)) * (lb / b1)).exp();
                let g1s = nlo_singlet(sums, nf);
                let es = magnus(&g0s, &g1s, b0, b1, seg.a_from.ln(), seg.a_to.ln(), self.magnus_steps);
                (ns(nlo_ns_plus(sums, nf)), ns(nlo_ns_minus(sums, nf)), es)
            }
        };
        let mut m = identity();
        let nfu = usize::from(nf);
        let inv = 1.0 / nf as f64;
        for i in 1..=nfu {
            m[minus(i)][minus(i)] = e_minus;
            for j in 1..=nfu {
                let d = if i == j { e_plus } else { ZERO };
                m[plus(i)][plus(j)] = d + (es[0][0] - e_plus) * inv;
            }
            m[plus(i)][0] = es[0][1] * inv;
            m[0][plus(i)] = es[1][0];
        }
        m[0][0] = es[1][1];
        m
    }
}

fn pm_from_flavour_col(b: usize) -> [(usize, f64); 2] {
    // (E_flavour)[a][b] = sum F[a][ma] E_pm[ma][mb] P[mb][b], with P = pm <- flavour.
    // Column b of P: the internal entries mb that contain flavour b.
    let mut out = [(0usize, 0.0f64); 2];
    let mut k = 0;
    for mb in 0..NFL {
        for (f, w) in pm_from_flavour(mb) {
            if f == b && w != 0.0 && k < 2 {
                out[k] = (mb, w);
                k += 1;
            }
        }
    }
    out
}

fn identity() -> Mat13 {
    let mut m = [[ZERO; NFL]; NFL];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = ONE;
    }
    m
}

fn mul(a: &Mat13, b: &Mat13) -> Mat13 {
    let mut c = [[ZERO; NFL]; NFL];
    for i in 0..NFL {
        for k in 0..NFL {
            let aik = a[i][k];
            if aik == ZERO {
                continue;
            }
            for j in 0..NFL {
                c[i][j] += aik * b[k][j];
            }
        }
    }
    c
}

fn scale(m: &M2, s: f64) -> M2 {
    [[m[0][0] * s, m[0][1] * s], [m[1][0] * s, m[1][1] * s]]
}

fn mul2(a: &M2, b: &M2) -> M2 {
    [
        [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
        [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
    ]
}

/// exp of a 2x2 complex matrix: e^mu [cosh(d) 1 + sinh(d)/d (M - mu 1)], d^2 = ((a-d)/2)^2 + bc.
pub(crate) fn exp2(m: &M2) -> M2 {
    let mu = (m[0][0] + m[1][1]) * 0.5;
    let h = (m[0][0] - m[1][1]) * 0.5;
    let d = (h * h + m[0][1] * m[1][0]).sqrt();
    let (ch, sh) = if d.norm() < 1e-4 {
        let d2 = d * d;
        (ONE + d2 * 0.5 + d2 * d2 / 24.0, ONE + d2 / 6.0 + d2 * d2 / 120.0)
    } else {
        (d.cosh(), d.sinh() / d)
    };
    let e = mu.exp();
    [[e * (ch + sh * h), e * sh * m[0][1]], [e * sh * m[1][0], e * (ch - sh * h)]]
}

/// Path-ordered exponential of A(u) = (g0 + e^u g1)/(beta0 + beta1 e^u) from u0 to u1,
/// fourth-order Magnus with two Gauss points per step.
fn magnus(g0: &M2, g1: &M2, b0: f64, b1: f64, u0: f64, u1: f64, steps_per_unit: usize) -> M2 {
    let n = ((u1 - u0).abs() * steps_per_unit as f64).ceil().max(2.0) as usize;
    let h = (u1 - u0) / n as f64;
    let c = 3f64.sqrt() / 6.0;
    let a_of = |u: f64| {
        let a = u.exp();
        let den = 1.0 / (b0 + b1 * a);
        [
            [(g0[0][0] + g1[0][0] * a) * den, (g0[0][1] + g1[0][1] * a) * den],
            [(g0[1][0] + g1[1][0] * a) * den, (g0[1][1] + g1[1][1] * a) * den],
        ]
    };
    let mut e: M2 = [[ONE, ZERO], [ZERO, ONE]];
    for k in 0..n {
        let u = u0 + h * k as f64;
        let a1 = a_of(u + h * (0.5 - c));
        let a2 = a_of(u + h * (0.5 + c));
        let p = mul2(&a1, &a2);
        let q = mul2(&a2, &a1);
        let k2 = -(3f64.sqrt() / 12.0) * h * h;
        let mut om = [[ZERO; 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                om[i][j] = (a1[i][j] + a2[i][j]) * (0.5 * h) + (p[i][j] - q[i][j]) * k2;
            }
        }
        e = mul2(&exp2(&om), &e);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2_matches_series() {
        let m = [[C64::new(0.3, 0.1), C64::new(-0.2, 0.05)], [C64::new(0.7, -0.3), C64::new(-0.4, 0.2)]];
        let mut term = [[ONE, ZERO], [ZERO, ONE]];
        let mut sum = term;
        for k in 1..30 {
            term = scale(&mul2(&term, &m), 1.0 / k as f64);
            for i in 0..2 {
                for j in 0..2 {
                    sum[i][j] += term[i][j];
                }
            }
        }
        let e = exp2(&m);
        for i in 0..2 {
            for j in 0..2 {
                assert!((e[i][j] - sum[i][j]).norm() < 1e-14);
            }
        }
    }

    #[test]
    fn magnus_reduces_to_lo_exponential_for_commuting_case() {
        // gamma1 = 0 and beta1 = 0: E = exp(g0/beta0 * (u1-u0)).
        let g0 = [[C64::new(1.0, 0.2), C64::new(-0.5, 0.0)], [C64::new(0.3, 0.1), C64::new(-2.0, 0.0)]];
        let z = [[ZERO; 2]; 2];
        let e = magnus(&g0, &z, 8.0, 0.0, -3.0, -4.2, 24);
        let r = exp2(&scale(&g0, -1.2 / 8.0));
        for i in 0..2 {
            for j in 0..2 {
                assert!((e[i][j] - r[i][j]).norm() < 1e-13);
            }
        }
    }
}
