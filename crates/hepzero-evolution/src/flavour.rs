//! Flavour bookkeeping: the 13-entry PDG flavour basis used by operators, FK tables and LHAPDF
//! grids, and the internal (g, q+_k, q-_k) basis in which the DGLAP operator is block diagonal.
//!
//! PDG order (as in LHAPDF/EKO flavour basis): tbar, bbar, cbar, sbar, ubar, dbar, g, d, u, s, c, b, t.

/// PDG ids of the 13 flavour-basis entries (gluon = 21).
pub const PIDS: [i32; 13] = [-6, -5, -4, -3, -2, -1, 21, 1, 2, 3, 4, 5, 6];

/// Number of flavour-basis entries.
pub const NFL: usize = 13;

/// Index of the gluon in [`PIDS`].
pub const GLUON: usize = 6;

/// Index of a PDG id in [`PIDS`] (0 is accepted as gluon, as LHAPDF does).
pub fn pid_index(pid: i32) -> Option<usize> {
    let pid = if pid == 0 { 21 } else { pid };
    PIDS.iter().position(|p| *p == pid)
}

/// Index of quark k (1 = d .. 6 = t) in the flavour basis.
pub(crate) fn quark(k: usize) -> usize {
    6 + k
}

/// Index of antiquark k in the flavour basis.
pub(crate) fn antiquark(k: usize) -> usize {
    6 - k
}

/// Internal basis: 0 = g, k = q+_k = q_k + qbar_k, 6 + k = q-_k = q_k - qbar_k (k = 1..=6).
pub(crate) fn plus(k: usize) -> usize {
    k
}

pub(crate) fn minus(k: usize) -> usize {
    6 + k
}

/// Sparse rows of the map flavour <- (+/-): each flavour entry is a combination of internal ones.
pub(crate) fn flavour_from_pm(fl: usize) -> [(usize, f64); 2] {
    if fl == GLUON {
        return [(0, 1.0), (0, 0.0)];
    }
    if fl > GLUON {
        let k = fl - 6;
        [(plus(k), 0.5), (minus(k), 0.5)]
    } else {
        let k = 6 - fl;
        [(plus(k), 0.5), (minus(k), -0.5)]
    }
}

/// Sparse rows of the map (+/-) <- flavour.
pub(crate) fn pm_from_flavour(pm: usize) -> [(usize, f64); 2] {
    if pm == 0 {
        return [(GLUON, 1.0), (GLUON, 0.0)];
    }
    if pm <= 6 {
        [(quark(pm), 1.0), (antiquark(pm), 1.0)]
    } else {
        let k = pm - 6;
        [(quark(k), 1.0), (antiquark(k), -1.0)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_maps_are_inverse() {
        for a in 0..NFL {
            for b in 0..NFL {
                let mut s = 0.0;
                for (m, w) in flavour_from_pm(a) {
                    for (f, v) in pm_from_flavour(m) {
                        if f == b {
                            s += w * v;
                        }
                    }
                }
                assert!((s - if a == b { 1.0 } else { 0.0 }).abs() < 1e-15, "{a} {b}");
            }
        }
    }
}
