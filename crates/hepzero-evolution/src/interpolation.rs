//! Piecewise Lagrange interpolation in ln x on an x grid, the basis of the evolution operator.
//!
//! As in EKO (Candido et al., Eur. Phys. J. C 82 (2022) 976, section "Interpolation"): on each
//! interval [x_m, x_{m+1}] the function is the degree-d Lagrange polynomial in ln x through a block of
//! d+1 consecutive nodes around the interval; the basis function p_k is node k's Lagrange
//! polynomial on every interval whose block contains k. For the Mellin-space operator we need only
//! the jumps of the ln-x derivatives of p_k at the nodes (see `operator`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Largest supported polynomial degree.
pub const MAX_DEGREE: usize = 6;

/// An interpolation grid: increasing nodes 0 < x_0 < ... < x_{n-1} <= 1 and a degree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XGrid {
    x: Vec<f64>,
    degree: usize,
}

impl XGrid {
    /// Validates and builds a grid.
    pub fn new(x: Vec<f64>, degree: usize) -> Result<Self> {
        if degree == 0 || degree > MAX_DEGREE {
            return Err(Error::InvalidGrid(format!("degree {degree} not in 1..={MAX_DEGREE}")));
        }
        if x.len() < degree + 1 {
            return Err(Error::InvalidGrid(format!("{} nodes are too few for degree {degree}", x.len())));
        }
        for (i, w) in x.windows(2).enumerate() {
            if w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater) {
                return Err(Error::InvalidGrid(format!(
                    "nodes {i} ({}) and {} ({}) not increasing",
                    w[0],
                    i + 1,
                    w[1]
                )));
            }
        }
        let (first, last) = (x[0], x[x.len() - 1]);
        if first.is_nan() || first <= 0.0 || last.is_nan() || last > 1.0 {
            return Err(Error::InvalidGrid(format!("nodes must lie in (0, 1], got [{first}, {last}]")));
        }
        Ok(Self { x, degree })
    }

    /// A grid of `n` nodes, two thirds logarithmic in [x_min, 0.1) and the rest linear in [0.1, 1].
    pub fn log_lin(n: usize, x_min: f64, degree: usize) -> Result<Self> {
        if n < 6 || !(x_min > 0.0 && x_min < 0.1) {
            return Err(Error::InvalidGrid(format!(
                "log_lin needs n >= 6 and 0 < x_min < 0.1, got n={n}, x_min={x_min}"
            )));
        }
        let n_log = (2 * n) / 3;
        let n_lin = n - n_log;
        let mut x = Vec::with_capacity(n);
        let (l0, l1) = (x_min.ln(), 0.1f64.ln());
        for i in 0..n_log {
            x.push((l0 + (l1 - l0) * i as f64 / n_log as f64).exp());
        }
        for i in 0..n_lin {
            x.push(0.1 + 0.9 * i as f64 / (n_lin - 1) as f64);
        }
        if let Some(last) = x.last_mut() {
            *last = 1.0;
        }
        Self::new(x, degree)
    }

    /// The nodes.
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether the grid has no nodes (never true for a validated grid).
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Polynomial degree.
    pub fn degree(&self) -> usize {
        self.degree
    }

    fn u(&self, i: usize) -> f64 {
        self.x[i].ln()
    }

    /// First node of the block used on interval m.
    fn block_start(&self, m: usize) -> usize {
        let n = self.x.len();
        let s = m.saturating_sub((self.degree - 1) / 2);
        s.min(n - 1 - self.degree)
    }

    /// Monomial coefficients in w = ln x - ln x_m of node k's Lagrange polynomial on interval m.
    fn piece(&self, m: usize, k: usize) -> Option<[f64; MAX_DEGREE + 1]> {
        let s = self.block_start(m);
        if k < s || k > s + self.degree {
            return None;
        }
        let um = self.u(m);
        let wk = self.u(k) - um;
        let mut c = [0.0; MAX_DEGREE + 1];
        c[0] = 1.0;
        let mut deg = 0;
        for l in s..=s + self.degree {
            if l == k {
                continue;
            }
            let wl = self.u(l) - um;
            let inv = 1.0 / (wk - wl);
            // multiply by (w - wl) / (wk - wl)
            for i in (0..=deg + 1).rev() {
                let lower = if i > 0 { c[i - 1] } else { 0.0 };
                c[i] = (lower - wl * c[i]) * inv;
            }
            deg += 1;
        }
        Some(c)
    }

    /// Interpolation weights at x (x_0 <= x <= x_{n-1}): f(x) = sum_k w_k f(x_k).
    pub fn weights(&self, x: f64) -> Result<Vec<(usize, f64)>> {
        let n = self.x.len();
        if !(x >= self.x[0] * (1.0 - 1e-12) && x <= self.x[n - 1] * (1.0 + 1e-12)) {
            return Err(Error::InvalidGrid(format!(
                "x = {x} outside the grid [{}, {}]",
                self.x[0],
                self.x[n - 1]
            )));
        }
        let m = self.x.partition_point(|xi| *xi <= x).saturating_sub(1).min(n - 2);
        let w = x.ln() - self.u(m);
        let s = self.block_start(m);
        let mut out = Vec::with_capacity(self.degree + 1);
        for k in s..=s + self.degree {
            if let Some(c) = self.piece(m, k) {
                let v = c.iter().rev().fold(0.0, |acc, ci| acc * w + ci);
                out.push((k, v));
            }
        }
        Ok(out)
    }

    /// Interpolates nodal values at x.
    pub fn interpolate(&self, values: &[f64], x: f64) -> Result<f64> {
        if values.len() != self.x.len() {
            return Err(Error::InvalidGrid(format!("{} values for {} nodes", values.len(), self.x.len())));
        }
        Ok(self.weights(x)?.iter().map(|(k, w)| w * values[*k]).sum())
    }

    /// For each node m: the basis functions k with a derivative jump there and
    /// J_j = d^j p_k/d(ln x)^j (x_m^-) - d^j p_k/d(ln x)^j (x_m^+), j = 0..=degree.
    pub(crate) fn jumps(&self) -> Vec<Vec<(usize, [f64; MAX_DEGREE + 1])>> {
        let n = self.x.len();
        let d = self.degree;
        let mut out = vec![Vec::new(); n];
        let mut fact = [1.0; MAX_DEGREE + 1];
        for j in 1..=MAX_DEGREE {
            fact[j] = fact[j - 1] * j as f64;
        }
        for (m, slot) in out.iter_mut().enumerate() {
            let mut entries: Vec<(usize, [f64; MAX_DEGREE + 1])> = Vec::new();
            let mut add = |k: usize, j: usize, v: f64| {
                if let Some(e) = entries.iter_mut().find(|e| e.0 == k) {
                    e.1[j] += v;
                } else {
                    let mut a = [0.0; MAX_DEGREE + 1];
                    a[j] = v;
                    entries.push((k, a));
                }
            };
            // left limit: interval m-1 at its right end
            if m > 0 {
                let h = self.u(m) - self.u(m - 1);
                for k in 0..n {
                    if let Some(c) = self.piece(m - 1, k) {
                        for j in 0..=d {
                            let mut v = 0.0;
                            for (l, cl) in c.iter().enumerate().take(d + 1).skip(j) {
                                v += cl * fact[l] / fact[l - j] * h.powi((l - j) as i32);
                            }
                            add(k, j, v);
                        }
                    }
                }
            }
            // right limit: interval m at its left end
            if m + 1 < n {
                for k in 0..n {
                    if let Some(c) = self.piece(m, k) {
                        for j in 0..=d {
                            add(k, j, -c[j] * fact[j]);
                        }
                    }
                }
            }
            entries.retain(|e| e.1.iter().any(|v| v.abs() > 1e-300));
            *slot = entries;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_polynomials_in_ln_x_exactly() {
        let g = XGrid::log_lin(20, 1e-5, 4).unwrap();
        let f = |x: f64| {
            let u = x.ln();
            1.0 + 0.3 * u - 0.02 * u * u + 0.001 * u.powi(4)
        };
        let vals: Vec<f64> = g.x().iter().map(|x| f(*x)).collect();
        for x in [1.3e-5, 3e-4, 0.05, 0.33, 0.97] {
            assert!((g.interpolate(&vals, x).unwrap() - f(x)).abs() < 1e-10);
        }
    }

    #[test]
    fn rejects_bad_grids() {
        assert!(XGrid::new(vec![0.1, 0.05, 1.0], 1).is_err());
        assert!(XGrid::new(vec![0.0, 0.5, 1.0], 1).is_err());
        assert!(XGrid::new(vec![0.1, 0.5], 3).is_err());
    }
}
