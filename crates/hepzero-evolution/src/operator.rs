//! The evolution operator on an x grid: f_a(x_i, Q^2) = sum_{b,k} O[a][i][b][k] f_b(x_k, Q0^2).
//!
//! Entries are inverse Mellin transforms of E(N) times the Mellin transform of each interpolation
//! basis function p_k restricted to y >= x (EKO's construction; Candido et al., Eur. Phys. J. C 82
//! (2022) 976). Integrating by parts on every interval turns that transform into a sum over the nodes
//! y_m > x of e^{N ln(y_m/x)} sum_j (-1)^j J_{k,m,j} / N^{j+1}, with J the jumps of the ln-x
//! derivatives of p_k at y_m (`interpolation::XGrid::jumps`). The boundary term at y = x drops out
//! exactly: it is the inverse transform at z = 1 of E(N)/N^{j+1}, an integral over an empty range
//! (E(N) -> 0 as |N| -> infinity once the evolution is non-trivial). So each entry is a combination
//! of the functions F_j(z) = (1/2 pi i) int E(N) z^{-N} / N^{j+1} dN at z = x/y_m, each obtained on
//! its own Talbot contour. The never-evolved flavours (delta functions) map through the
//! interpolation weights.

use num_complex::Complex64 as C64;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Result, invalid};
use crate::evolve::Theory;
use crate::flavour::NFL;
use crate::interpolation::{MAX_DEGREE, XGrid};
use crate::talbot::Talbot;

/// Inverse-Mellin weights of `rows` x 13 kernel entries against the grid basis, at each x:
/// result[x][(r * 13 + b) * nk + k].
pub(crate) fn mellin_weights(
    grid: &XGrid,
    xs: &[f64],
    rows: usize,
    talbot: Talbot,
    kernel: &(dyn Fn(C64) -> Vec<C64> + Sync),
) -> Result<Vec<Vec<f64>>> {
    let nk = grid.len();
    let d = grid.degree();
    let jumps = grid.jumps();
    let nodes = grid.x();
    for &x in xs {
        if !(x >= nodes[0] * (1.0 - 1e-12) && x <= 1.0) {
            return Err(invalid("x", x, "outside the interpolation grid"));
        }
    }
    let width = rows * NFL;
    // F_j depends on x and y_m only through t = ln(y_m/x); on logarithmic grids many pairs share t,
    // so each distinct t (to 1e-12) is inverted once.
    let key = |t: f64| (t * 1e12).round() as i64;
    let mut ts: Vec<(i64, f64)> = Vec::new();
    for &x in xs {
        for (m, ym) in nodes.iter().enumerate() {
            let t = (ym / x).ln();
            if t > 1e-12 && !jumps[m].is_empty() {
                ts.push((key(t), t));
            }
        }
    }
    ts.sort_by_key(|e| e.0);
    ts.dedup_by_key(|e| e.0);
    let fs: Vec<Vec<[f64; MAX_DEGREE + 1]>> = ts
        .par_iter()
        .map(|&(_, t)| {
            let mut fj = vec![[0.0f64; MAX_DEGREE + 1]; width];
            for nd in talbot.nodes(t) {
                let kv = kernel(nd.n);
                let inv_n = 1.0 / nd.n;
                let mut pw = nd.weight * inv_n;
                let mut powers = [C64::new(0.0, 0.0); MAX_DEGREE + 1];
                for p in powers.iter_mut().take(d + 1) {
                    *p = pw;
                    pw *= inv_n;
                }
                for (e, f) in kv.iter().zip(fj.iter_mut()) {
                    if *e == C64::new(0.0, 0.0) {
                        continue;
                    }
                    for j in 0..=d {
                        f[j] += (powers[j] * e).re;
                    }
                }
            }
            fj
        })
        .collect();
    Ok(xs
        .par_iter()
        .map(|&x| {
            let mut w = vec![0.0; width * nk];
            for (m, ym) in nodes.iter().enumerate() {
                let t = (ym / x).ln();
                if t <= 1e-12 || jumps[m].is_empty() {
                    continue;
                }
                let Ok(idx) = ts.binary_search_by_key(&key(t), |e| e.0) else {
                    continue;
                };
                let fj = &fs[idx];
                for (k, jump) in &jumps[m] {
                    for (rb, f) in fj.iter().enumerate() {
                        let mut acc = 0.0;
                        let mut sign = 1.0;
                        for j in 0..=d {
                            acc += sign * f[j] * jump[j];
                            sign = -sign;
                        }
                        w[rb * nk + k] += acc;
                    }
                }
            }
            w
        })
        .collect())
}

/// A PDF set sampled on a grid: values[b * n + k] = f_b(x_k) (not x f), b in flavour-basis order.
pub fn sample_on_grid(grid: &XGrid, f: &dyn Fn(f64) -> [f64; NFL]) -> Vec<f64> {
    let n = grid.len();
    let mut out = vec![0.0; NFL * n];
    for (k, x) in grid.x().iter().enumerate() {
        let v = f(*x);
        for b in 0..NFL {
            out[b * n + k] = v[b];
        }
    }
    out
}

/// The evolution operator from Q0^2 to Q^2 on an x grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridOperator {
    /// The theory used.
    pub theory: Theory,
    /// Final scale, GeV^2.
    pub q2: f64,
    /// Input grid.
    pub grid: XGrid,
    /// Output x values.
    pub x_out: Vec<f64>,
    /// O[a][i][b][k], flattened ((a * n_out + i) * 13 + b) * n_in + k.
    pub data: Vec<f64>,
}

impl GridOperator {
    /// Builds the operator with the output on the input grid's nodes.
    pub fn build(theory: &Theory, grid: &XGrid, q2: f64) -> Result<Self> {
        let x_out = grid.x().to_vec();
        Self::build_at(theory, grid, q2, &x_out)
    }

    /// Builds the operator with output at arbitrary x in [x_0, 1].
    pub fn build_at(theory: &Theory, grid: &XGrid, q2: f64, x_out: &[f64]) -> Result<Self> {
        let kernel = theory.kernel(q2)?;
        let frozen = kernel.frozen_flavours();
        let talbot = Talbot { nodes: theory.talbot_nodes, shift: 1.0 };
        let flat = |n: C64| {
            let e = kernel.regular(n);
            e.iter().flat_map(|row| row.iter().copied()).collect::<Vec<C64>>()
        };
        let nk = grid.len();
        let no = x_out.len();
        let w = mellin_weights(grid, x_out, NFL, talbot, &flat)?;
        let mut data = vec![0.0; NFL * no * NFL * nk];
        for (i, wi) in w.iter().enumerate() {
            let interp = grid.weights(x_out[i])?;
            for a in 0..NFL {
                for b in 0..NFL {
                    let dst = ((a * no + i) * NFL + b) * nk;
                    let src = (a * NFL + b) * nk;
                    data[dst..dst + nk].copy_from_slice(&wi[src..src + nk]);
                }
                if frozen[a] {
                    for (k, v) in &interp {
                        data[((a * no + i) * NFL + a) * nk + k] += v;
                    }
                }
            }
        }
        Ok(Self { theory: *theory, q2, grid: grid.clone(), x_out: x_out.to_vec(), data })
    }

    /// Applies the operator to grid values (see [`sample_on_grid`]); returns out[a * n_out + i].
    pub fn apply(&self, f0: &[f64]) -> Result<Vec<f64>> {
        let nk = self.grid.len();
        if f0.len() != NFL * nk {
            return Err(invalid("f0.len()", f0.len(), "must be 13 x grid size"));
        }
        let no = self.x_out.len();
        let mut out = vec![0.0; NFL * no];
        for (ai, o) in out.iter_mut().enumerate() {
            let row = &self.data[ai * NFL * nk..(ai + 1) * NFL * nk];
            *o = row.iter().zip(f0).map(|(a, b)| a * b).sum();
        }
        Ok(out)
    }
}
