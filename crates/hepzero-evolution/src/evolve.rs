//! Evolution settings and direct Mellin-space evolution of PDFs given by their moments.
//!
//! f(x, Q^2) = (1/2 pi i) int_C x^{-N} E(N; Q^2 <- Q0^2) f(N, Q0^2) dN on the Talbot contour
//! of [`crate::talbot`]; the delta-function part of E (flavours never active) is applied in x space.

use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};

use crate::coupling::{Coupling, CouplingMethod, Order, Scheme};
use crate::error::{Result, invalid};
use crate::flavour::NFL;
use crate::kernel::EvolutionKernel;
use crate::talbot::Talbot;
use crate::toy::{LHA_ALPHA_S, LHA_Q0_2};

/// The theory of an evolution: order, flavour scheme, coupling reference and initial scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Theory {
    /// LO or NLO.
    pub order: Order,
    /// FFNS or ZM-VFNS.
    pub scheme: Scheme,
    /// alpha_s at `mu2_ref`.
    pub alpha_s_ref: f64,
    /// Reference scale of alpha_s, GeV^2.
    pub mu2_ref: f64,
    /// Initial scale Q0^2 of the PDFs, GeV^2.
    pub q0_2: f64,
    /// Magnus steps per unit ln a_s (NLO singlet).
    #[serde(default = "default_magnus")]
    pub magnus_steps: usize,
    /// Talbot nodes for the inverse Mellin transform.
    #[serde(default = "default_talbot")]
    pub talbot_nodes: usize,
}

fn default_magnus() -> usize {
    24
}
fn default_talbot() -> usize {
    28
}

impl Theory {
    /// The Les Houches benchmark settings (Q0^2 = 2, alpha_s(Q0^2) = 0.35, mu_R = mu_F).
    /// `vfns` selects ZM-VFNS with m_c^2 = 2, m_b^2 = 20.25, m_t^2 = 175^2; otherwise FFNS nf = 4.
    pub fn lha(order: Order, vfns: bool) -> Self {
        Self {
            order,
            scheme: if vfns { Scheme::LHA_VFNS } else { Scheme::Ffns { nf: 4 } },
            alpha_s_ref: LHA_ALPHA_S,
            mu2_ref: LHA_Q0_2,
            q0_2: LHA_Q0_2,
            magnus_steps: default_magnus(),
            talbot_nodes: default_talbot(),
        }
    }

    /// The running coupling of this theory (exact solution).
    pub fn coupling(&self) -> Result<Coupling> {
        Coupling::new(self.order, CouplingMethod::Exact, self.scheme, self.alpha_s_ref, self.mu2_ref)
    }

    /// The Mellin-space kernel from Q0^2 to `q2`.
    pub fn kernel(&self, q2: f64) -> Result<EvolutionKernel> {
        Ok(EvolutionKernel::new(self.order, self.scheme, self.alpha_s_ref, self.mu2_ref, self.q0_2, q2)?
            .with_magnus_steps(self.magnus_steps))
    }
}

/// Evolves a PDF given by exact moments (`mellin`, rightmost singularity at Re N <= `shift`)
/// and x-space values (`xspace`, used for never-evolved flavours) to `q2`; returns f(x) (not x f)
/// in the flavour basis at each x.
pub fn evolve_analytic(
    theory: &Theory,
    q2: f64,
    xs: &[f64],
    shift: f64,
    mellin: &dyn Fn(C64) -> [C64; NFL],
    xspace: &dyn Fn(f64) -> [f64; NFL],
) -> Result<Vec<[f64; NFL]>> {
    let kernel = theory.kernel(q2)?;
    let frozen = kernel.frozen_flavours();
    let tal = Talbot { nodes: theory.talbot_nodes, shift };
    let mut out = Vec::with_capacity(xs.len());
    for &x in xs {
        if !(x > 0.0 && x < 1.0) {
            return Err(invalid("x", x, "must be in (0, 1)"));
        }
        let mut f = [0.0; NFL];
        for nd in tal.nodes(-x.ln()) {
            let e = kernel.regular(nd.n);
            let f0 = mellin(nd.n);
            for (a, fa) in f.iter_mut().enumerate() {
                let mut acc = C64::new(0.0, 0.0);
                for (b, fb) in f0.iter().enumerate() {
                    acc += e[a][b] * fb;
                }
                *fa += (nd.weight * acc).re;
            }
        }
        let fx = xspace(x);
        for a in 0..NFL {
            if frozen[a] {
                f[a] += fx[a];
            }
        }
        out.push(f);
    }
    Ok(out)
}

/// Evolves Mellin moments at real or complex N (no inversion): f(N, Q^2) = E(N) f(N, Q0^2).
/// Frozen flavours keep their moments. Used for sum rules (N = 1: numbers, N = 2: momentum).
pub fn evolve_moments(theory: &Theory, q2: f64, n: C64, f0: &[C64; NFL]) -> Result<[C64; NFL]> {
    let kernel = theory.kernel(q2)?;
    let frozen = kernel.frozen_flavours();
    let e = kernel.regular(n);
    let mut out = [C64::new(0.0, 0.0); NFL];
    for (a, o) in out.iter_mut().enumerate() {
        for (b, fb) in f0.iter().enumerate() {
            *o += e[a][b] * fb;
        }
        if frozen[a] {
            *o += f0[a];
        }
    }
    Ok(out)
}
