//! The running strong coupling a_s = alpha_s/(4 pi) at LO and NLO.
//!
//! Exact solutions integrate d a/d ln mu^2 = -beta0 a^2 - beta1 a^3 (LO analytic, NLO by Newton
//! on the closed-form implicit solution); the truncated NLO solution is the usual expansion
//! a = a_LO [1 - b1 a_LO ln(1 + beta0 a0 L)] (e.g. EKO documentation, Candido et al.,
//! Eur. Phys. J. C 82 (2022) 976, section "Strong coupling"). In the variable flavour number
//! scheme the coupling is matched continuously at mu^2 = m_h^2, which is exact at NLO in MSbar.

use serde::{Deserialize, Serialize};

use crate::constants::{beta0, beta1};
use crate::error::{Result, invalid};

/// Perturbative order of the evolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Leading order.
    Lo,
    /// Next-to-leading order.
    Nlo,
}

/// How the NLO coupling is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CouplingMethod {
    /// Exact numerical solution of the truncated beta function (the Les Houches choice).
    #[default]
    Exact,
    /// Expanded (truncated) solution.
    Truncated,
}

/// Flavour number scheme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Scheme {
    /// Fixed number of light flavours at every scale.
    Ffns {
        /// Number of flavours.
        nf: u8,
    },
    /// Zero-mass variable flavour number scheme with thresholds at the quark masses squared.
    Zmvfns {
        /// m_c^2, m_b^2, m_t^2 in GeV^2.
        masses2: [f64; 3],
    },
}

impl Scheme {
    /// Les Houches benchmark masses: m_c = sqrt(2), m_b = 4.5, m_t = 175 GeV.
    pub const LHA_VFNS: Scheme = Scheme::Zmvfns { masses2: [2.0, 20.25, 30625.0] };

    /// Number of active flavours at mu^2 (a threshold counts as crossed when mu^2 >= m^2).
    pub fn nf(&self, mu2: f64) -> u8 {
        match self {
            Scheme::Ffns { nf } => *nf,
            Scheme::Zmvfns { masses2 } => {
                3 + masses2.iter().filter(|m2| mu2 >= **m2 * (1.0 - 1e-12)).count() as u8
            }
        }
    }

    /// Thresholds strictly between `from` and `to` (either direction), in the order met.
    pub fn thresholds_between(&self, from: f64, to: f64) -> Vec<f64> {
        let Scheme::Zmvfns { masses2 } = self else {
            return Vec::new();
        };
        let (lo, hi) = if from < to { (from, to) } else { (to, from) };
        let mut t: Vec<f64> = masses2
            .iter()
            .copied()
            .filter(|m2| *m2 > lo * (1.0 + 1e-12) && *m2 < hi * (1.0 - 1e-12))
            .collect();
        t.sort_by(f64::total_cmp);
        if from > to {
            t.reverse();
        }
        t
    }

    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            Scheme::Ffns { nf } if !(3..=6).contains(nf) => Err(invalid("nf", nf, "must be 3..=6")),
            Scheme::Zmvfns { masses2 } => {
                if masses2.iter().any(|m| !m.is_finite() || *m <= 0.0)
                    || masses2[0] > masses2[1]
                    || masses2[1] > masses2[2]
                {
                    Err(invalid(
                        "masses2",
                        format!("{masses2:?}"),
                        "must be positive and ordered c <= b <= t",
                    ))
                } else {
                    Ok(())
                }
            }
            Scheme::Ffns { .. } => Ok(()),
        }
    }
}

/// A running coupling fixed by alpha_s at a reference scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coupling {
    /// Perturbative order of the beta function.
    pub order: Order,
    /// Exact or truncated solution.
    pub method: CouplingMethod,
    /// Flavour scheme.
    pub scheme: Scheme,
    /// alpha_s at the reference scale.
    pub alpha_s_ref: f64,
    /// Reference scale mu_0^2 in GeV^2.
    pub mu2_ref: f64,
}

impl Coupling {
    /// Builds and validates a coupling.
    pub fn new(
        order: Order,
        method: CouplingMethod,
        scheme: Scheme,
        alpha_s_ref: f64,
        mu2_ref: f64,
    ) -> Result<Self> {
        if !(alpha_s_ref > 0.0 && alpha_s_ref < 4.0) {
            return Err(invalid("alpha_s_ref", alpha_s_ref, "must be in (0, 4)"));
        }
        if !(mu2_ref > 0.0 && mu2_ref.is_finite()) {
            return Err(invalid("mu2_ref", mu2_ref, "must be positive"));
        }
        scheme.validate()?;
        Ok(Self { order, method, scheme, alpha_s_ref, mu2_ref })
    }

    /// a_s(mu^2) = alpha_s/(4 pi).
    pub fn a_s(&self, mu2: f64) -> Result<f64> {
        if !(mu2 > 0.0 && mu2.is_finite()) {
            return Err(invalid("mu2", mu2, "must be positive"));
        }
        let mut a = self.alpha_s_ref / (4.0 * std::f64::consts::PI);
        let mut from = self.mu2_ref;
        for th in self.scheme.thresholds_between(from, mu2) {
            a = self.run(a, from, th, self.segment_nf(from, th))?;
            from = th;
        }
        self.run(a, from, mu2, self.segment_nf(from, mu2))
    }

    /// alpha_s(mu^2).
    pub fn alpha_s(&self, mu2: f64) -> Result<f64> {
        Ok(4.0 * std::f64::consts::PI * self.a_s(mu2)?)
    }

    /// Active flavours on the segment between two scales with no threshold strictly inside.
    pub(crate) fn segment_nf(&self, a: f64, b: f64) -> u8 {
        self.scheme.nf((a * b).sqrt())
    }

    /// Runs a_s from mu0^2 to mu1^2 at fixed nf.
    pub(crate) fn run(&self, a0: f64, mu0: f64, mu1: f64, nf: u8) -> Result<f64> {
        let l = (mu1 / mu0).ln();
        let b0 = beta0(nf);
        let den = 1.0 + b0 * a0 * l;
        if den <= 0.0 {
            return Err(invalid("mu2", mu1, "below the Landau pole of the running coupling"));
        }
        let a_lo = a0 / den;
        match self.order {
            Order::Lo => Ok(a_lo),
            Order::Nlo => {
                let b1 = beta1(nf) / b0;
                match self.method {
                    CouplingMethod::Truncated => Ok(a_lo * (1.0 - b1 * a_lo * den.ln())),
                    CouplingMethod::Exact => exact_nlo(a0, l, b0, b1),
                }
            }
        }
    }
}

/// Solves 1/a - 1/a0 + b1 ln[a (1 + b1 a0) / (a0 (1 + b1 a))] = beta0 L by Newton's method.
fn exact_nlo(a0: f64, l: f64, b0: f64, b1: f64) -> Result<f64> {
    let target = b0 * l;
    let g = |a: f64| 1.0 / a - 1.0 / a0 + b1 * (a * (1.0 + b1 * a0) / (a0 * (1.0 + b1 * a))).ln() - target;
    let dg = |a: f64| -1.0 / (a * a * (1.0 + b1 * a));
    // Start from the truncated solution, which is within a few per cent.
    let den = 1.0 + b0 * a0 * l;
    let mut a = a0 / den;
    a *= 1.0 - b1 * a * den.ln();
    if a.is_nan() || a <= 0.0 {
        a = a0 / den;
    }
    for _ in 0..100 {
        let step = g(a) / dg(a);
        let mut next = a - step;
        if next <= 0.0 {
            next = 0.5 * a;
        }
        if (next - a).abs() <= 1e-15 * a {
            return Ok(next);
        }
        a = next;
    }
    Err(invalid("mu2", l, "NLO coupling did not converge (too close to the Landau pole)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lo_is_analytic_and_nlo_exact_solves_the_rge() {
        let c = Coupling::new(Order::Nlo, CouplingMethod::Exact, Scheme::Ffns { nf: 4 }, 0.35, 2.0).unwrap();
        // Check the ODE by a centred finite difference.
        let mu2 = 100.0_f64;
        let h = 1e-4_f64;
        let (ap, am, a) =
            (c.a_s(mu2 * (h).exp()).unwrap(), c.a_s(mu2 * (-h).exp()).unwrap(), c.a_s(mu2).unwrap());
        let lhs = (ap - am) / (2.0 * h);
        let rhs = -beta0(4) * a * a - beta1(4) * a * a * a;
        assert!((lhs / rhs - 1.0).abs() < 1e-7, "{lhs} vs {rhs}");
        // Running back returns the reference value.
        let back = Coupling::new(
            Order::Nlo,
            CouplingMethod::Exact,
            Scheme::Ffns { nf: 4 },
            c.alpha_s(1e4).unwrap(),
            1e4,
        )
        .unwrap();
        assert!((back.alpha_s(2.0).unwrap() / 0.35 - 1.0).abs() < 1e-12);
    }
}
