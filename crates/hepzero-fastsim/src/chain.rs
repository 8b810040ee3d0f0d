//! A resolved decay chain: the tree a user or the background finder writes (EvtGen names, each
//! final-state particle with how it is reconstructed), turned into flat arrays the simulation
//! walks without allocation. Particles are stored breadth first, so the daughters of every node
//! are contiguous and a node always precedes its daughters.
//!
//! Reconstruction follows RapidSim's mass hypotheses (arXiv:1612.07489, section 3): a particle
//! reconstructed as another species keeps its measured momentum and takes that species' mass, so
//! mis-identification shifts the candidate mass; missing particles are left out of the candidate.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a final-state particle enters the reconstructed candidate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reco {
    /// Reconstructed with its own mass.
    #[default]
    AsItself,
    /// Reconstructed with the mass hypothesis of another species (mis-identification), by
    /// EvtGen name (`pi+` taken as `K+`).
    AsSpecies(String),
    /// Not reconstructed: left out of the candidate and of the acceptance requirement.
    Missing,
}

/// A decay tree as written: EvtGen names, reconstruction of each final-state particle, children.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainTree {
    /// EvtGen name of the particle.
    pub name: String,
    /// How it is reconstructed (only meaningful for final-state particles; a decaying particle
    /// may be `Missing`, which marks its whole subtree missing).
    #[serde(default)]
    pub reco: Reco,
    /// Its decay products; empty for a final-state particle.
    #[serde(default)]
    pub children: Vec<ChainTree>,
}

impl ChainTree {
    /// A final-state particle reconstructed as itself.
    #[must_use]
    pub fn leaf(name: &str) -> Self {
        Self { name: name.to_string(), reco: Reco::AsItself, children: Vec::new() }
    }

    /// A final-state particle reconstructed with the mass hypothesis of `hypothesis`.
    #[must_use]
    pub fn as_species(name: &str, hypothesis: &str) -> Self {
        Self { name: name.to_string(), reco: Reco::AsSpecies(hypothesis.to_string()), children: Vec::new() }
    }

    /// A particle that is not reconstructed.
    #[must_use]
    pub fn missing(name: &str) -> Self {
        Self { name: name.to_string(), reco: Reco::Missing, children: Vec::new() }
    }

    /// A decaying particle.
    #[must_use]
    pub fn decay(name: &str, children: Vec<ChainTree>) -> Self {
        Self { name: name.to_string(), reco: Reco::AsItself, children }
    }
}

/// How a reconstructed particle is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    /// Charged track, or a neutral reconstructed from tracks (K_S0, Lambda0): momentum and slope
    /// resolution.
    Track,
    /// Photon or pi0/eta from photons: calorimeter energy resolution.
    Calorimeter,
    /// Never seen (neutrinos, K_L0, neutrons): always left out.
    Invisible,
}

impl Detection {
    /// The detection of a species from its PDG id and charge (in units of e/3).
    #[must_use]
    pub fn for_species(pdg_id: i32, three_charge: i32) -> Self {
        let a = pdg_id.abs();
        match a {
            12 | 14 | 16 | 18 | 130 | 2112 => Detection::Invisible,
            22 | 111 | 221 => Detection::Calorimeter,
            _ if three_charge == 0 && a < 100 => Detection::Invisible,
            _ => Detection::Track,
        }
    }
}

/// The properties of one species the simulation needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Species {
    /// EvtGen name.
    pub name: String,
    /// PDG id.
    pub pdg_id: i32,
    /// Nominal mass (GeV).
    pub mass: f64,
    /// Total width (GeV); 0 for a fixed mass.
    pub width: f64,
    /// Charge in units of e/3.
    pub three_charge: i32,
    /// Whether it reaches the detector as itself (a chain may end at it).
    pub stable: bool,
}

impl Species {
    /// From a hepzero-pdg particle, using `table`'s stability convention.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when the table has no mass for it.
    pub fn from_table(table: &hepzero_pdg::ParticleTable, p: &hepzero_pdg::Particle) -> Result<Self> {
        let mass = p.mass.ok_or_else(|| {
            Error::config(
                &format!("mass of `{}`", p.evtgen_name),
                "unknown",
                "the particle table has no mass for this species",
            )
        })?;
        Ok(Self {
            name: p.evtgen_name.clone(),
            pdg_id: p.pdg_id,
            mass,
            width: p.width.unwrap_or(0.0).max(0.0),
            three_charge: p.three_charge,
            stable: table.is_stable(p),
        })
    }
}

/// Widths below this fraction of the mass are treated as fixed masses (weak decays, narrow
/// states whose line shape is far below any detector resolution).
pub const NARROW_RELATIVE_WIDTH: f64 = 1e-4;

/// How far above its nominal mass (in widths) a wide head of chain is sampled; daughters are
/// bounded by their parent instead.
pub const HEAD_WIDTHS_ABOVE: f64 = 10.0;

/// Reconstruction of one final-state particle, resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeafReco {
    /// Index of the particle in [`DecayChain::particles`].
    pub index: usize,
    /// How it is measured.
    pub detection: Detection,
    /// Whether it enters the candidate.
    pub reconstructed: bool,
    /// EvtGen name of the assigned mass hypothesis.
    pub hypothesis: String,
    /// Assigned mass (GeV).
    pub hypothesis_mass: f64,
}

/// One particle of a resolved chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainParticle {
    /// Species.
    pub species: Species,
    /// Index of the mother (`None` for the head).
    pub parent: Option<usize>,
    /// Index of the first daughter; daughters are `first_child .. first_child + n_children`.
    pub first_child: usize,
    /// Number of daughters (0 for a final-state particle).
    pub n_children: usize,
    /// Whether its mass is sampled from a line shape (width above [`NARROW_RELATIVE_WIDTH`]).
    pub wide: bool,
    /// Lowest mass it can take (GeV): its mass if fixed, else its daughters' thresholds.
    pub min_mass: f64,
    /// Highest mass it can take (GeV) given its nominal value, its width and its ancestors.
    pub max_mass: f64,
}

/// A resolved decay chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecayChain {
    particles: Vec<ChainParticle>,
    /// Final-state particles in the depth-first order of the tree as written.
    leaves: Vec<LeafReco>,
}

impl DecayChain {
    /// Resolves `tree` against a hepzero-pdg particle table (EvtGen or PDG names).
    ///
    /// # Errors
    /// [`Error::UnknownParticle`], [`Error::TooFewDaughters`], [`Error::UnstableLeaf`],
    /// [`Error::InvalidReco`], [`Error::KinematicallyForbidden`], [`Error::NothingReconstructed`].
    pub fn from_tree(table: &hepzero_pdg::ParticleTable, tree: &ChainTree) -> Result<Self> {
        Self::from_tree_with(tree, |name| match table.find(name) {
            Some(p) => Species::from_table(table, p).map(Some),
            None => Ok(None),
        })
    }

    /// Resolves `tree` with any species lookup (`Ok(None)` = unknown name).
    ///
    /// # Errors
    /// As [`DecayChain::from_tree`], plus whatever `lookup` returns.
    pub fn from_tree_with<F>(tree: &ChainTree, mut lookup: F) -> Result<Self>
    where
        F: FnMut(&str) -> Result<Option<Species>>,
    {
        let mut get = |name: &str| -> Result<Species> {
            lookup(name)?.ok_or_else(|| Error::UnknownParticle { name: name.to_string() })
        };
        // Breadth-first flattening; `trees[i]` is the subtree of particle i, and `missing[i]`
        // whether an ancestor (or itself) is marked missing.
        let mut trees: Vec<&ChainTree> = vec![tree];
        let mut particles: Vec<ChainParticle> = Vec::new();
        let mut missing: Vec<bool> = vec![tree.reco == Reco::Missing];
        let mut i = 0;
        while i < trees.len() {
            let t = trees[i];
            let species = get(&t.name)?;
            let n = t.children.len();
            if n == 1 {
                return Err(Error::TooFewDaughters { parent: t.name.clone(), count: 1 });
            }
            let first_child = trees.len();
            for c in &t.children {
                trees.push(c);
                missing.push(missing[i] || c.reco == Reco::Missing);
            }
            if n > 0 && matches!(t.reco, Reco::AsSpecies(_)) {
                return Err(Error::InvalidReco {
                    name: t.name.clone(),
                    reason: "a mass hypothesis applies to a final-state particle, not to a decaying one"
                        .into(),
                });
            }
            let wide = species.width > NARROW_RELATIVE_WIDTH * species.mass;
            particles.push(ChainParticle {
                parent: None,
                first_child: if n > 0 { first_child } else { 0 },
                n_children: n,
                wide,
                min_mass: species.mass,
                max_mass: species.mass,
                species,
            });
            i += 1;
        }
        for p in 0..particles.len() {
            let (first, n) = (particles[p].first_child, particles[p].n_children);
            for c in &mut particles[first..first + n] {
                c.parent = Some(p);
            }
        }
        // Thresholds bottom-up (reverse BFS order visits daughters before mothers).
        for p in (0..particles.len()).rev() {
            let (first, n) = (particles[p].first_child, particles[p].n_children);
            if n == 0 {
                continue;
            }
            let thr: f64 = particles[first..first + n].iter().map(|c| c.min_mass).sum();
            let part = &mut particles[p];
            if part.wide {
                part.min_mass = thr;
            } else if part.species.mass <= thr {
                return Err(Error::KinematicallyForbidden {
                    parent: part.species.name.clone(),
                    parent_mass: part.species.mass,
                    threshold: thr,
                });
            }
        }
        // Upper bounds top-down: a daughter can use at most what its mother leaves after the
        // thresholds of its sisters.
        if let Some(head) = particles.first_mut().filter(|h| h.wide) {
            head.max_mass = head.species.mass + HEAD_WIDTHS_ABOVE * head.species.width;
        }
        for p in 0..particles.len() {
            let (first, n) = (particles[p].first_child, particles[p].n_children);
            if n == 0 {
                continue;
            }
            let thr: f64 = particles[first..first + n].iter().map(|c| c.min_mass).sum();
            let top = particles[p].max_mass;
            if top <= thr {
                return Err(Error::KinematicallyForbidden {
                    parent: particles[p].species.name.clone(),
                    parent_mass: top,
                    threshold: thr,
                });
            }
            for c in &mut particles[first..first + n] {
                if c.wide {
                    c.max_mass = top - (thr - c.min_mass);
                }
            }
        }
        // Leaves in depth-first order of the written tree.
        let mut leaves = Vec::new();
        let mut stack = vec![0usize];
        while let Some(p) = stack.pop() {
            let part = &particles[p];
            if part.n_children > 0 {
                for c in (part.first_child..part.first_child + part.n_children).rev() {
                    stack.push(c);
                }
                continue;
            }
            let t = trees[p];
            if !part.species.stable && !missing[p] {
                return Err(Error::UnstableLeaf { name: part.species.name.clone() });
            }
            let detection = Detection::for_species(part.species.pdg_id, part.species.three_charge);
            let (hypothesis, hypothesis_mass) = match &t.reco {
                Reco::AsSpecies(h) => {
                    let s = get(h)?;
                    if Detection::for_species(s.pdg_id, s.three_charge) != detection {
                        return Err(Error::InvalidReco {
                            name: t.name.clone(),
                            reason: format!(
                                "cannot be reconstructed as `{h}`: a {detection:?} particle needs a {detection:?} hypothesis"
                            ),
                        });
                    }
                    (s.name, s.mass)
                }
                _ => (part.species.name.clone(), part.species.mass),
            };
            leaves.push(LeafReco {
                index: p,
                detection,
                reconstructed: !missing[p] && detection != Detection::Invisible,
                hypothesis,
                hypothesis_mass,
            });
        }
        if !leaves.iter().any(|l| l.reconstructed) {
            return Err(Error::NothingReconstructed { head: tree.name.clone() });
        }
        Ok(Self { particles, leaves })
    }

    /// All particles, breadth first (index 0 is the head).
    #[must_use]
    pub fn particles(&self) -> &[ChainParticle] {
        &self.particles
    }

    /// The final-state particles in the depth-first order of the tree as written.
    #[must_use]
    pub fn leaves(&self) -> &[LeafReco] {
        &self.leaves
    }

    /// The head of the chain.
    #[must_use]
    pub fn head(&self) -> &Species {
        // The constructor always pushes the head first.
        &self.particles[0].species
    }

    /// Sum of the assigned masses of the reconstructed particles (the lowest candidate mass).
    #[must_use]
    pub fn reconstructed_threshold(&self) -> f64 {
        self.leaves.iter().filter(|l| l.reconstructed).map(|l| l.hypothesis_mass).sum()
    }

    /// The range the candidate mass can take before detector smearing: `(lo, hi)` in GeV, `hi`
    /// infinite where no finite bound holds.
    ///
    /// With true masses m_i and assigned masses h_i of the reconstructed particles and the head
    /// mass M, m^2 = sum h_i^2 + 2 sum_{i<j} (E'_i E'_j - p_i.p_j) with E'_i = sqrt(p_i^2 + h_i^2):
    /// - always m >= sum h_i;
    /// - if every h_i <= m_i, E'_i <= E_i, so m^2 <= m_vis^2 - sum (m_i^2 - h_i^2), and
    ///   m_vis <= M - (the masses of the particles left out);
    /// - if every h_i >= m_i and nothing is left out, m^2 >= M^2 + sum (h_i^2 - m_i^2).
    ///
    /// A heavier hypothesis shifts the mass up by an amount that grows with the momentum
    /// asymmetry of the tracks, so with one, `hi` is infinite.
    #[must_use]
    pub fn reconstructed_mass_range(&self) -> (f64, f64) {
        let (mut lo, mut lost) = (0.0f64, 0.0f64);
        let (mut lighter, mut heavier) = (0.0f64, 0.0f64);
        let (mut all_lighter, mut all_heavier, mut nothing_lost) = (true, true, true);
        for leaf in &self.leaves {
            let p = &self.particles[leaf.index];
            let m = p.species.mass;
            if !leaf.reconstructed {
                // A wide particle left out undecayed may be lighter than nominal.
                lost += if p.wide { 0.0 } else { m };
                nothing_lost = false;
                continue;
            }
            let h = leaf.hypothesis_mass;
            lo += h;
            all_lighter &= h <= m;
            all_heavier &= h >= m;
            lighter += m * m - h * h;
            heavier += h * h - m * m;
        }
        let head = &self.particles[0];
        if nothing_lost && all_heavier {
            lo = lo.max((head.min_mass * head.min_mass + heavier).sqrt());
        }
        let hi = if all_lighter {
            let visible = (head.max_mass - lost).max(0.0);
            (visible * visible - lighter).max(0.0).sqrt().max(lo)
        } else {
            f64::INFINITY
        };
        (lo, hi)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// PDG 2024 values (GeV) for the unit tests of this crate.
    pub(crate) fn lookup(name: &str) -> Result<Option<Species>> {
        let (id, m, w, q, stable) = match name {
            "B0" => (511, 5.279_66, 4.33e-13, 0, false),
            "K*+" => (323, 0.891_67, 0.0514, 3, false),
            "K*0" => (313, 0.895_55, 0.0473, 0, false),
            "K+" => (321, 0.493_677, 0.0, 3, true),
            "K-" => (-321, 0.493_677, 0.0, -3, true),
            "pi+" => (211, 0.139_570_39, 0.0, 3, true),
            "pi-" => (-211, 0.139_570_39, 0.0, -3, true),
            "pi0" => (111, 0.134_976_8, 0.0, 0, true),
            "gamma" => (22, 0.0, 0.0, 0, true),
            "nu_mu" => (14, 0.0, 0.0, 0, true),
            "D0" => (421, 1.864_84, 0.0, 0, false),
            _ => return Ok(None),
        };
        Ok(Some(Species { name: name.to_string(), pdg_id: id, mass: m, width: w, three_charge: q, stable }))
    }

    #[test]
    fn flattens_breadth_first_with_bounds() {
        let tree = ChainTree::decay(
            "B0",
            vec![
                ChainTree::decay("K*+", vec![ChainTree::leaf("K+"), ChainTree::missing("pi0")]),
                ChainTree::as_species("pi-", "K-"),
            ],
        );
        let c = DecayChain::from_tree_with(&tree, lookup).unwrap();
        let names: Vec<_> = c.particles().iter().map(|p| p.species.name.as_str()).collect();
        assert_eq!(names, ["B0", "K*+", "pi-", "K+", "pi0"]);
        let kst = &c.particles()[1];
        assert!(kst.wide && !c.particles()[0].wide);
        assert!((kst.min_mass - (0.493_677 + 0.134_976_8)).abs() < 1e-12);
        assert!((kst.max_mass - (5.279_66 - 0.139_570_39)).abs() < 1e-12);
        let leaves: Vec<_> = c.leaves().iter().map(|l| (l.index, l.reconstructed)).collect();
        assert_eq!(leaves, [(3, true), (4, false), (2, true)]);
        assert_eq!(c.leaves()[2].hypothesis, "K-");
        assert!((c.reconstructed_threshold() - 2.0 * 0.493_677).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_trees() {
        let e = |t: ChainTree| DecayChain::from_tree_with(&t, lookup).unwrap_err().to_string();
        assert!(
            e(ChainTree::decay("B0", vec![ChainTree::leaf("K+"), ChainTree::leaf("Zz")])).contains("`Zz`")
        );
        assert!(e(ChainTree::decay("B0", vec![ChainTree::leaf("K+")])).contains("at least two"));
        assert!(
            e(ChainTree::decay("B0", vec![ChainTree::leaf("D0"), ChainTree::leaf("pi0")]))
                .contains("not stable")
        );
        assert!(
            e(ChainTree::decay("B0", vec![ChainTree::as_species("pi0", "K+"), ChainTree::leaf("pi-")]))
                .contains("hypothesis")
        );
        assert!(
            e(ChainTree::decay("pi0", vec![ChainTree::leaf("K+"), ChainTree::leaf("K-")]))
                .contains("forbidden")
        );
        assert!(
            e(ChainTree::decay("B0", vec![ChainTree::missing("K+"), ChainTree::leaf("nu_mu")]))
                .contains("no reconstructed")
        );
        // A missing unstable particle is fine: it is never looked at.
        assert!(
            DecayChain::from_tree_with(
                &ChainTree::decay("B0", vec![ChainTree::missing("D0"), ChainTree::leaf("pi0")]),
                lookup
            )
            .is_ok()
        );
    }
}
