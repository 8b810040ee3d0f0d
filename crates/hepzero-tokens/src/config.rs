//! What the grammar allows: missing particles, depth, table restriction, parents and mis-ID pairs.

use serde::{Deserialize, Serialize};

use crate::vocab::{Particle, Species};

/// Which particles may be the parent (top of the tree) of a background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParentPolicy {
    /// Open-flavour hadrons whose heaviest quark is the heaviest quark of the signal's parent
    /// (all b-hadrons, excited states included, for a b-hadron signal; all c-hadrons for a charm
    /// signal). Quarkonia are excluded. For a parent without heavy flavour: only that parent.
    SameFlavour,
    /// Any unstable particle of the vocabulary.
    Any,
    /// Exactly these particles (EvtGen names).
    List(Vec<String>),
}

/// Which true species may be reconstructed as which other species (charge is always kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisIdRules {
    /// Allowed (true species, reconstructed as) pairs.
    pub pairs: Vec<(Species, Species)>,
}

impl MisIdRules {
    /// The pairs an LHCb-like PID model gives non-negligible rates for (LHCb PID performance,
    /// JINST 8 (2013) P10020 and LHCb-DP-2018-001): all pairs among the hadrons pi, K, p; pi, K and p
    /// reconstructed as mu (punch-through and decays in flight); mu as pi (muon-system
    /// inefficiency); e and pi into each other. K or p as e and e/mu as K or p are negligible.
    pub fn lhcb_default() -> MisIdRules {
        use Species::*;
        MisIdRules {
            pairs: vec![
                (Pion, Kaon),
                (Kaon, Pion),
                (Proton, Kaon),
                (Proton, Pion),
                (Kaon, Proton),
                (Pion, Proton),
                (Pion, Muon),
                (Kaon, Muon),
                (Proton, Muon),
                (Muon, Pion),
                (Electron, Pion),
                (Pion, Electron),
            ],
        }
    }
    /// No mis-identification at all.
    pub fn none() -> MisIdRules {
        MisIdRules { pairs: Vec::new() }
    }
    /// Whether `truth` may be reconstructed as `as_species`.
    pub fn allows(&self, truth: Species, as_species: Species) -> bool {
        self.pairs.contains(&(truth, as_species))
    }
}

impl Default for MisIdRules {
    fn default() -> Self {
        MisIdRules::lhcb_default()
    }
}

/// The grammar's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrammarConfig {
    /// At most this many final-state particles may be missing (default 2).
    pub max_missing: usize,
    /// At most this many decay levels (1 = a single vertex; default 3).
    pub max_depth: usize,
    /// Every decay must be a mode of the decay table (default true). With `false` any
    /// charge-conserving decay into 2..=`max_daughters` particles of the vocabulary is allowed
    /// (masses are not checked), so the search can propose modes the table lacks.
    pub table_restricted: bool,
    /// Most daughters of one decay in the table-unrestricted grammar (default 4; unused when
    /// table-restricted).
    #[serde(default = "default_max_daughters")]
    pub max_daughters: usize,
    /// Which parents a background may have.
    pub parents: ParentPolicy,
    /// Allowed mis-identifications.
    pub misid: MisIdRules,
}

impl Default for GrammarConfig {
    fn default() -> Self {
        GrammarConfig {
            max_missing: 2,
            max_depth: 3,
            table_restricted: true,
            max_daughters: default_max_daughters(),
            parents: ParentPolicy::SameFlavour,
            misid: MisIdRules::lhcb_default(),
        }
    }
}

fn default_max_daughters() -> usize {
    4
}

/// The heaviest quark of a hadron's PDG id (1..6), 0 for non-hadrons, and whether it is a
/// quarkonium-like meson (its two quarks equal).
pub(crate) fn heaviest_quark(pdg_id: i32) -> (u32, bool) {
    let a = pdg_id.unsigned_abs() % 10_000;
    let (q1, q2, q3) = ((a / 1000) % 10, (a / 100) % 10, (a / 10) % 10);
    if a < 100 || q3 == 0 {
        return (0, false);
    }
    if q1 == 0 { (q2.max(q3), q2 == q3) } else { (q1.max(q2).max(q3), false) }
}

pub(crate) fn same_flavour_allowed(signal_parent: &Particle, p: &Particle) -> bool {
    let (qs, _) = heaviest_quark(signal_parent.pdg_id);
    if qs < 3 {
        return p.name == signal_parent.name;
    }
    let (qp, onium) = heaviest_quark(p.pdg_id);
    qp == qs && !onium
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavour_of_pdg_ids() {
        assert_eq!(heaviest_quark(511), (5, false)); // B0
        assert_eq!(heaviest_quark(-521), (5, false)); // B-
        assert_eq!(heaviest_quark(5122), (5, false)); // Lambda_b0
        assert_eq!(heaviest_quark(553), (5, true)); // Upsilon
        assert_eq!(heaviest_quark(421), (4, false)); // D0
        assert_eq!(heaviest_quark(541), (5, false)); // B_c+
        assert_eq!(heaviest_quark(10513), (5, false)); // B_1(L)0
        assert_eq!(heaviest_quark(211), (2, false));
        assert_eq!(heaviest_quark(11), (0, false));
    }
}
