//! The O(N^2) clustering path for small events, after FastJet's `N2Plain` strategy (Cacciari and
//! Salam, hep-ph/0512210, section 2; FastJet's `_simple_N2_cluster`): every active pseudojet keeps
//! its nearest geometric neighbour within R and that distance in one contiguous array; a merging
//! puts the new pseudojet in the lower of the two freed slots and the last slot in the higher, then
//! one pass over the array revisits only the pseudojets whose neighbour was merged, compares each
//! with the new pseudojet and relabels pointers to the moved slot. No tiles, no per-step
//! allocation: below about a hundred particles this beats the tiled engine's bookkeeping.
//!
//! Distances and the merging decisions use the same floating-point expressions as the tiled engine
//! in `cluster.rs` (and as FastJet), so both paths give identical histories.

use crate::cluster::{Algorithm, JetDefinition, Node, geo_dist};
use crate::momentum::Momentum;

const NONE: usize = usize::MAX;

/// One active pseudojet: its geometry, momentum factor k_t^2p, nearest neighbour (a slot) and
/// history node, together in one small record (the whole array stays in L1 for small N).
#[derive(Clone, Copy)]
struct Brief {
    rap: f64,
    phi: f64,
    mom: f64,
    nn_dist: f64,
    nn: usize,
    node: usize,
}

impl Brief {
    fn new(p: &Momentum, alg: Algorithm, r2: f64, node: usize) -> Self {
        Brief { rap: p.rap(), phi: p.phi(), mom: alg.scale(p.pt2()), nn_dist: r2, nn: NONE, node }
    }
}

/// d_iJ before the 1/R^2 factor: the neighbour distance times the smaller momentum factor (d_iB R^2
/// when there is no neighbour within R).
#[inline]
fn dij(bj: &[Brief], s: usize) -> f64 {
    let b = bj[s];
    let m = if b.nn == NONE { b.mom } else { b.mom.min(bj[b.nn].mom) };
    b.nn_dist * m
}

/// Clusters `particles` (already validated) and returns the history nodes and beam mergings.
pub(crate) fn cluster_plain(particles: &[Momentum], def: JetDefinition) -> (Vec<Node>, Vec<(usize, f64)>) {
    let n = particles.len();
    let alg = def.algorithm;
    let r2 = def.r * def.r;
    let inv_r2 = 1.0 / r2;
    let mut nodes = Vec::with_capacity(2 * n);
    let mut beam = Vec::new();
    let mut bj: Vec<Brief> = Vec::with_capacity(n);
    for (i, p) in particles.iter().enumerate() {
        nodes.push(Node { momentum: *p, parents: None, child: None, dij: 0.0 });
        bj.push(Brief::new(p, alg, r2, i));
    }
    // Initial neighbours: each pair once, updating both (a full row per pseudojet, with no stores
    // to the other end, measured slower).
    for a in 0..n {
        let (head, rest) = bj.split_at_mut(a + 1);
        let me = &mut head[a];
        let (ra, pa) = (me.rap, me.phi);
        let (mut best, mut nn) = (me.nn_dist, me.nn);
        for (k, o) in rest.iter_mut().enumerate() {
            let d = geo_dist(ra, pa, o.rap, o.phi);
            let closer = d < best;
            best = if closer { d } else { best };
            nn = if closer { a + 1 + k } else { nn };
            if d < o.nn_dist {
                o.nn_dist = d;
                o.nn = a;
            }
        }
        me.nn_dist = best;
        me.nn = nn;
    }
    let mut dijs: Vec<f64> = (0..n).map(|s| dij(&bj, s)).collect();
    let mut len = n;
    while len > 0 {
        // The smallest d_iJ; strict < keeps the first of equal values.
        let mut kmin = 0;
        let mut dmin = f64::INFINITY;
        for (k, &d) in dijs[..len].iter().enumerate() {
            if d < dmin {
                dmin = d;
                kmin = k;
            }
        }
        let dmin = dmin * inv_r2;
        let a = kmin;
        let b = bj[a].nn;
        let tail = len - 1;
        // `gone`: slots whose old occupants no longer exist (pseudojets whose neighbour was there
        // look again); `new_slot`: where the merged pseudojet now lives, if any; `moved`: where
        // the old last slot now lives (pointers to `tail` are relabelled to it).
        let (gone, new_slot, moved) = if b == NONE {
            beam.push((bj[a].node, dmin));
            bj[a] = bj[tail];
            dijs[a] = dijs[tail];
            ([a, a], NONE, a)
        } else {
            let (ia, ib) = (bj[a].node, bj[b].node);
            let (pa, pb) = (nodes[ia].momentum, nodes[ib].momentum);
            let parents: (usize, usize) = if pa.pt2() >= pb.pt2() { (ia, ib) } else { (ib, ia) };
            let k = nodes.len();
            let pk = pa + pb;
            nodes.push(Node { momentum: pk, parents: Some(parents), child: None, dij: dmin });
            nodes[ia].child = Some(k);
            nodes[ib].child = Some(k);
            let (lo, hi) = (a.min(b), a.max(b));
            bj[lo] = Brief::new(&pk, alg, r2, k);
            if hi != tail {
                bj[hi] = bj[tail];
                dijs[hi] = dijs[tail];
            }
            ([lo, hi], lo, hi)
        };
        len = tail;
        let live = &mut bj[..len];
        let (rk, pk) = live.get(new_slot).map_or((0.0, 0.0), |k| (k.rap, k.phi));
        for s in 0..len {
            if s == new_slot {
                continue;
            }
            let mut changed = false;
            let nn = live[s].nn;
            if nn == gone[0] || nn == gone[1] {
                let (rs, ps) = (live[s].rap, live[s].phi);
                let (mut best, mut nn) = (r2, NONE);
                for (t, o) in live.iter().enumerate() {
                    let d = geo_dist(rs, ps, o.rap, o.phi);
                    let closer = d < best && t != s;
                    best = if closer { d } else { best };
                    nn = if closer { t } else { nn };
                }
                live[s].nn_dist = best;
                live[s].nn = nn;
                changed = true;
            }
            if new_slot != NONE {
                let d = geo_dist(live[s].rap, live[s].phi, rk, pk);
                if d < live[s].nn_dist {
                    live[s].nn_dist = d;
                    live[s].nn = new_slot;
                    changed = true;
                }
                if d < live[new_slot].nn_dist {
                    live[new_slot].nn_dist = d;
                    live[new_slot].nn = s;
                }
            }
            if live[s].nn == tail {
                live[s].nn = moved;
            }
            if changed {
                dijs[s] = dij(live, s);
            }
        }
        if new_slot != NONE {
            dijs[new_slot] = dij(live, new_slot);
        }
    }
    (nodes, beam)
}
