//! Groomers acting on a Cambridge/Aachen tree, in grooming mode (a jet that never passes keeps its
//! hardest single constituent), with fjcontrib RecursiveTools' defaults: symmetry measure
//! z = min(pt_1, pt_2) / (pt_1 + pt_2), recursion into the larger-pt branch, no mass-drop condition.
//!
//! - modified Mass Drop Tagger, Dasgupta, Fregoso, Marzani, Salam (arXiv:1307.0007): stop at the
//!   first declustering with z > z_cut;
//! - Soft Drop, Larkoski, Marzani, Soyez, Thaler (arXiv:1402.2657): stop at the first declustering
//!   with z > z_cut (Delta R_12 / R0)^beta (beta = 0 is mMDT);
//! - Recursive Soft Drop, Dreyer, Necib, Soyez, Thaler (arXiv:1804.03657): apply the Soft Drop
//!   condition on both branches after each success until N prongs are found; N = infinity keeps
//!   every branch that ever passes, down to single particles.

use crate::cluster::ClusterSequence;
use crate::error::{Error, Result};
use crate::lund::CaTree;
use crate::momentum::Momentum;
use serde::{Deserialize, Serialize};

/// A groomer and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Groomer {
    /// Modified Mass Drop Tagger (grooming mode).
    Mmdt {
        /// z_cut.
        zcut: f64,
    },
    /// Soft Drop.
    SoftDrop {
        /// z_cut.
        zcut: f64,
        /// Angular exponent beta.
        beta: f64,
        /// Characteristic radius R0.
        r0: f64,
    },
    /// Recursive Soft Drop.
    RecursiveSoftDrop {
        /// z_cut.
        zcut: f64,
        /// Angular exponent beta.
        beta: f64,
        /// Characteristic radius R0.
        r0: f64,
        /// Number of prongs to find, `None` for infinity.
        n: Option<usize>,
    },
}

/// A groomed jet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Groomed {
    /// Its four-momentum.
    pub momentum: Momentum,
    /// Its mass (as [`Momentum::m`]).
    pub mass: f64,
    /// The tree nodes kept (one for mMDT and Soft Drop; the final prongs for Recursive Soft Drop).
    pub prongs: Vec<usize>,
}

impl Groomer {
    fn check(self) -> Result<Self> {
        let (zcut, beta, r0) = match self {
            Groomer::Mmdt { zcut } => (zcut, 0.0, 1.0),
            Groomer::SoftDrop { zcut, beta, r0 } | Groomer::RecursiveSoftDrop { zcut, beta, r0, .. } => {
                (zcut, beta, r0)
            }
        };
        if !(zcut.is_finite() && (0.0..1.0).contains(&zcut)) {
            return Err(Error::InvalidParameter { name: "zcut", value: zcut, reason: "must be in [0, 1)" });
        }
        if !(beta.is_finite() && beta >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "beta",
                value: beta,
                reason: "must be finite and >= 0",
            });
        }
        if !(r0.is_finite() && r0 > 0.0) {
            return Err(Error::InvalidParameter { name: "R0", value: r0, reason: "must be positive" });
        }
        Ok(self)
    }

    /// Does the declustering into `a`, `b` pass the symmetry condition?
    fn passes(self, a: &Momentum, b: &Momentum) -> bool {
        let (pa, pb) = (a.pt(), b.pt());
        let z = if pa + pb > 0.0 { pa.min(pb) / (pa + pb) } else { 0.0 };
        let cut = match self {
            Groomer::Mmdt { zcut } => zcut,
            Groomer::SoftDrop { zcut, beta, r0 } | Groomer::RecursiveSoftDrop { zcut, beta, r0, .. } => {
                if beta == 0.0 {
                    zcut
                } else {
                    zcut * (a.delta_r2(b) / (r0 * r0)).powf(0.5 * beta)
                }
            }
        };
        z > cut
    }

    /// Grooms the jet at `node` of a C/A `sequence`.
    ///
    /// # Errors
    /// Parameters out of range or an unknown node.
    pub fn groom_node(self, sequence: &ClusterSequence, node: usize) -> Result<Groomed> {
        let g = self.check()?;
        let nodes = sequence.nodes();
        nodes.get(node).ok_or(Error::NoSuchNode(node))?;
        let larger =
            |a: usize, b: usize| if nodes[a].momentum.pt2() >= nodes[b].momentum.pt2() { a } else { b };
        let prongs = match g {
            Groomer::Mmdt { .. } | Groomer::SoftDrop { .. } => {
                let mut j = node;
                while let Some((a, b)) = nodes[j].parents {
                    if g.passes(&nodes[a].momentum, &nodes[b].momentum) {
                        break;
                    }
                    j = larger(a, b);
                }
                vec![j]
            }
            Groomer::RecursiveSoftDrop { n, .. } => {
                // Prongs are declustered widest first, as in the paper, so that a finite N keeps
                // the N - 1 widest successful splittings.
                let mut prongs = vec![node];
                let mut found = 0usize;
                loop {
                    if n.is_some_and(|n| found + 1 >= n) {
                        break;
                    }
                    let widest = prongs
                        .iter()
                        .enumerate()
                        .filter_map(|(k, &p)| {
                            nodes[p].parents.map(|(a, b)| (k, nodes[a].momentum.delta_r2(&nodes[b].momentum)))
                        })
                        .max_by(|x, y| x.1.total_cmp(&y.1));
                    let Some((k, _)) = widest else { break };
                    let p = prongs.swap_remove(k);
                    let Some((a, b)) = nodes[p].parents else { break };
                    if g.passes(&nodes[a].momentum, &nodes[b].momentum) {
                        prongs.push(a);
                        prongs.push(b);
                        found += 1;
                    } else {
                        prongs.push(larger(a, b));
                    }
                }
                prongs.sort_unstable();
                prongs
            }
        };
        let mut iter = prongs.iter().map(|&p| nodes[p].momentum);
        let first = iter.next().ok_or(Error::NoSuchNode(node))?;
        let momentum = iter.fold(first, |acc, p| acc + p);
        Ok(Groomed { momentum, mass: momentum.m(), prongs })
    }

    /// Grooms a C/A tree from its root.
    ///
    /// # Errors
    /// As [`Groomer::groom_node`].
    pub fn groom(self, tree: &CaTree) -> Result<Groomed> {
        self.groom_node(&tree.sequence, tree.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (CaTree, [Momentum; 4]) {
        // A two-prong jet (W-like) plus a soft wide-angle particle.
        let ps = [
            Momentum::from_pt_y_phi_m(300.0, 0.0, 1.0, 0.0),
            Momentum::from_pt_y_phi_m(150.0, 0.3, 1.2, 0.0),
            Momentum::from_pt_y_phi_m(4.0, -0.6, 0.4, 0.0),
            Momentum::from_pt_y_phi_m(2.0, 0.32, 1.25, 0.0),
        ];
        (CaTree::new(&ps).unwrap(), ps)
    }

    #[test]
    fn soft_wide_particle_is_groomed_away() {
        let (t, ps) = tree();
        let g = Groomer::SoftDrop { zcut: 0.1, beta: 0.0, r0: 1.0 }.groom(&t).unwrap();
        let kept = ps[0] + ps[1] + ps[3];
        assert!((g.mass - kept.m()).abs() < 1e-9 * kept.m());
        let m = Groomer::Mmdt { zcut: 0.1 }.groom(&t).unwrap();
        assert_eq!(m, g);
        // zcut = 0 keeps everything.
        let all = Groomer::SoftDrop { zcut: 0.0, beta: 1.0, r0: 1.0 }.groom(&t).unwrap();
        assert!((all.mass - t.momentum().m()).abs() < 1e-9 * all.mass);
    }

    #[test]
    fn recursive_soft_drop_drops_only_failing_branches() {
        let (t, ps) = tree();
        let g = Groomer::RecursiveSoftDrop { zcut: 0.05, beta: 1.0, r0: 1.0, n: None }.groom(&t).unwrap();
        // (p1, p3) at Delta ~ 0.058: z = 2/152 = 0.013 < 0.05 * 0.058? no: 0.0029, so p3 stays.
        let kept = ps[0] + ps[1] + ps[3];
        assert!((g.mass - kept.m()).abs() < 1e-9 * kept.m(), "{} vs {}", g.mass, kept.m());
        assert_eq!(g.prongs.len(), 3);
        let n2 = Groomer::RecursiveSoftDrop { zcut: 0.05, beta: 1.0, r0: 1.0, n: Some(2) }.groom(&t).unwrap();
        assert_eq!(n2.prongs.len(), 2);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let (t, _) = tree();
        assert!(Groomer::SoftDrop { zcut: f64::NAN, beta: 0.0, r0: 1.0 }.groom(&t).is_err());
        assert!(Groomer::SoftDrop { zcut: 0.1, beta: -1.0, r0: 1.0 }.groom(&t).is_err());
        assert!(Groomer::SoftDrop { zcut: 0.1, beta: 1.0, r0: 0.0 }.groom(&t).is_err());
    }
}
