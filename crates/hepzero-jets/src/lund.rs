//! Cambridge/Aachen reclustering of a jet and its primary Lund-plane declusterings, with the
//! coordinates of fjcontrib's `LundGenerator` (Dreyer, Salam, Soyez, arXiv:1807.04758):
//! at each step j -> (harder, softer), ordered by pt,
//! Delta = Delta R(harder, softer), z = pt_s / (pt_h + pt_s), kt = pt_s Delta, kappa = z Delta,
//! psi = atan2(y_s - y_h, phi_s - phi_h wrapped into [-pi, pi)), m = m_j.
//! Also the per-node state GroomRL (arXiv:1903.09644) feeds its agent: (z, Delta_ab, psi, m, kt)
//! and their logarithms, guarded so that m^2 <= 0, Delta = 0 or kt = 0 never give NaN.

use crate::cluster::{Algorithm, ClusterSequence, JetDefinition, cluster};
use crate::error::{Error, Result};
use crate::momentum::Momentum;
use serde::{Deserialize, Serialize};

/// The radius used to recluster a whole jet into one C/A tree (FastJet's `max_allowable_R`).
pub const MAX_ALLOWABLE_R: f64 = 1000.0;

/// Smallest argument given to a logarithm: ln(1e-300) = -690.8 stands for ln(0).
pub const LN_FLOOR: f64 = 1e-300;

/// Guarded natural logarithm: finite for every non-NaN input (arguments below [`LN_FLOOR`] are raised to it).
#[must_use]
pub fn safe_ln(x: f64) -> f64 {
    if x.is_nan() { LN_FLOOR.ln() } else { x.max(LN_FLOOR).ln() }
}

/// A jet reclustered with Cambridge/Aachen into a single tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaTree {
    /// The cluster sequence (nodes `0..n` are the constituents in the order given).
    pub sequence: ClusterSequence,
    /// The node of the whole jet.
    pub root: usize,
}

impl CaTree {
    /// Reclusters `constituents` with C/A at R = [`MAX_ALLOWABLE_R`], which merges them all.
    ///
    /// # Errors
    /// Empty input or invalid particles.
    pub fn new(constituents: &[Momentum]) -> Result<Self> {
        let sequence =
            cluster(constituents, JetDefinition::new(Algorithm::CambridgeAachen, MAX_ALLOWABLE_R))?;
        let root = match sequence.beam_merges() {
            [(root, _)] => *root,
            _ => {
                return Err(Error::InvalidParameter {
                    name: "R",
                    value: MAX_ALLOWABLE_R,
                    reason: "the constituents did not merge into one jet",
                });
            }
        };
        Ok(CaTree { sequence, root })
    }

    /// The jet's four-momentum.
    #[must_use]
    pub fn momentum(&self) -> Momentum {
        self.sequence.nodes()[self.root].momentum
    }

    /// Primary Lund declusterings, from the root following the harder branch.
    #[must_use]
    pub fn primary_declusterings(&self) -> Vec<LundDeclustering> {
        primary_declusterings(&self.sequence, self.root)
    }
}

/// One declustering j -> (harder, softer) and its Lund coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LundDeclustering {
    /// Node of the parent j.
    pub node: usize,
    /// Node of the harder (larger pt) branch.
    pub harder: usize,
    /// Node of the softer branch.
    pub softer: usize,
    /// Mass of j (negative for a tachyonic m^2, as FastJet).
    pub m: f64,
    /// Rapidity-azimuth opening Delta between the branches.
    pub delta: f64,
    /// Momentum fraction of the softer branch.
    pub z: f64,
    /// pt_softer * Delta.
    pub kt: f64,
    /// z * Delta.
    pub kappa: f64,
    /// Azimuthal orientation atan2(y_s - y_h, Delta phi).
    pub psi: f64,
}

impl LundDeclustering {
    /// Builds the declustering from its parent and two branches (in either order).
    #[must_use]
    pub fn new(node: usize, j: &Momentum, a: (usize, &Momentum), b: (usize, &Momentum)) -> Self {
        let (h, s) = if a.1.pt2() < b.1.pt2() { (b, a) } else { (a, b) };
        let delta = h.1.delta_r(s.1);
        let (pth, pts) = (h.1.pt(), s.1.pt());
        let z = if pth + pts > 0.0 { pts / (pth + pts) } else { 0.0 };
        LundDeclustering {
            node,
            harder: h.0,
            softer: s.0,
            m: j.m(),
            delta,
            z,
            kt: pts * delta,
            kappa: z * delta,
            psi: (s.1.rap() - h.1.rap()).atan2(h.1.delta_phi_to(s.1)),
        }
    }

    /// The primary Lund-plane point (ln 1/Delta, ln kt), guarded.
    #[must_use]
    pub fn lund_coordinates(&self) -> (f64, f64) {
        (-safe_ln(self.delta), safe_ln(self.kt))
    }
}

/// Primary declusterings of `node` in `sequence`: decluster, follow the harder branch, repeat.
#[must_use]
pub fn primary_declusterings(sequence: &ClusterSequence, node: usize) -> Vec<LundDeclustering> {
    let nodes = sequence.nodes();
    let mut out = Vec::new();
    let mut j = node;
    while let Some(n) = nodes.get(j) {
        let Some((a, b)) = n.parents else { break };
        let (Some(na), Some(nb)) = (nodes.get(a), nodes.get(b)) else { break };
        let d = LundDeclustering::new(j, &n.momentum, (a, &na.momentum), (b, &nb.momentum));
        out.push(d);
        j = d.harder;
    }
    out
}

/// The state of one tree node as GroomRL's agent sees it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NodeState {
    /// Softer branch's momentum fraction z.
    pub z: f64,
    /// Opening Delta_ab between the branches.
    pub delta: f64,
    /// Orientation psi (as [`LundDeclustering::psi`]).
    pub psi: f64,
    /// Node mass sqrt(|m^2|).
    pub m: f64,
    /// kt = pt_softer * Delta.
    pub kt: f64,
}

impl NodeState {
    /// The state of a declustering.
    #[must_use]
    pub fn from_declustering(d: &LundDeclustering) -> Self {
        NodeState { z: d.z, delta: d.delta, psi: d.psi, m: d.m.abs(), kt: d.kt }
    }

    /// (ln z, ln Delta, psi, ln m, ln kt), every entry finite.
    #[must_use]
    pub fn ln_state(&self) -> [f64; 5] {
        [safe_ln(self.z), safe_ln(self.delta), self.psi, safe_ln(self.m), safe_ln(self.kt)]
    }
}

/// The state of every internal node of the tree under `node` (depth first, harder branch first).
#[must_use]
pub fn node_states(sequence: &ClusterSequence, node: usize) -> Vec<(usize, NodeState)> {
    let nodes = sequence.nodes();
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(j) = stack.pop() {
        let Some(n) = nodes.get(j) else { continue };
        let Some((a, b)) = n.parents else { continue };
        let (Some(na), Some(nb)) = (nodes.get(a), nodes.get(b)) else { continue };
        let d = LundDeclustering::new(j, &n.momentum, (a, &na.momentum), (b, &nb.momentum));
        out.push((j, NodeState::from_declustering(&d)));
        stack.push(d.softer);
        stack.push(d.harder);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn hand_built_tree_matches_the_definitions() {
        // Three particles: a hard core, a collinear-ish emission and a wide soft one.
        let p0 = Momentum::from_pt_y_phi_m(300.0, 0.5, 1.0, 0.0);
        let p1 = Momentum::from_pt_y_phi_m(100.0, 0.55, 1.08, 0.13957);
        let p2 = Momentum::from_pt_y_phi_m(20.0, 0.1, 0.6, 0.0);
        let tree = CaTree::new(&[p0, p1, p2]).unwrap();
        let d = tree.primary_declusterings();
        assert_eq!(d.len(), 2);
        // First step: (p0 + p1) vs p2.
        let h = p0 + p1;
        let dy: f64 = p2.rap() - h.rap();
        let mut dphi: f64 = p2.phi() - h.phi();
        if dphi >= PI {
            dphi -= 2.0 * PI;
        }
        let delta = (dy * dy + dphi * dphi).sqrt();
        let z = p2.pt() / (p2.pt() + h.pt());
        let tol = |a: f64, b: f64| assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
        tol(d[0].delta, delta);
        tol(d[0].z, z);
        tol(d[0].kt, p2.pt() * delta);
        tol(d[0].kappa, z * delta);
        tol(d[0].psi, dy.atan2(dphi));
        tol(d[0].m, (h + p2).m());
        tol(d[0].lund_coordinates().0, (1.0 / delta).ln());
        tol(d[0].lund_coordinates().1, (p2.pt() * delta).ln());
        // Second step: p0 vs p1.
        let dy = p1.rap() - p0.rap();
        let dphi = p1.phi() - p0.phi();
        let delta = (dy * dy + dphi * dphi).sqrt();
        tol(d[1].delta, delta);
        tol(d[1].z, 100.0 / 400.0);
        tol(d[1].psi, dy.atan2(dphi));
        tol(d[1].m, (p0 + p1).m());
        assert_eq!(d[1].softer, 1);
    }

    #[test]
    fn degenerate_nodes_give_finite_states() {
        // Two identical massless collinear particles: m = 0 and Delta = 0.
        let p = Momentum::from_pt_y_phi_m(50.0, 0.0, 1.0, 0.0);
        let tree = CaTree::new(&[p, p]).unwrap();
        let d = tree.primary_declusterings();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].delta, 0.0);
        let s = NodeState::from_declustering(&d[0]).ln_state();
        assert!(s.iter().all(|x| x.is_finite()), "{s:?}");
        let (a, b) = d[0].lund_coordinates();
        assert!(a.is_finite() && b.is_finite());
        assert_eq!(node_states(&tree.sequence, tree.root).len(), 1);
    }
}
