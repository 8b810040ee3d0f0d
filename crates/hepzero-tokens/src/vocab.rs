//! The token vocabulary: structure tokens, reconstruction tokens and one token per particle of the
//! decay table (plus any extra particle a signal needs). The particle data come through the small
//! [`ParticleData`] trait, so the language can be tested on a toy table and used on the real one
//! (`hepzero-pdg`, see [`crate::pdg`]).
//!
//! Token ids are dense `u16`s: the nine special tokens first, then the particles sorted by name, then
//! extra particles in the order given. Two vocabularies built from the same table therefore give the
//! same ids whatever the signal, which is what a network trained on several signals needs.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::error::{Error, Position, Result};

/// A token id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TokenId(pub u16);

/// A particle of the vocabulary (index into [`Vocabulary::particles`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ParticleId(pub u16);

/// Padding (never produced by the grammar; for batching sequences).
pub const PAD: TokenId = TokenId(0);
/// End of the background (and of the whole sequence).
pub const END: TokenId = TokenId(1);
/// Separates the signal tokens from the background tokens.
pub const SEP: TokenId = TokenId(2);
/// The decay arrow `->`.
pub const ARROW: TokenId = TokenId(3);
/// Opens a sub-decay `(`.
pub const OPEN: TokenId = TokenId(4);
/// Closes a sub-decay `)`.
pub const CLOSE: TokenId = TokenId(5);
/// Reconstruction: the final-state particle is reconstructed as itself (bare name in the syntax).
pub const AS_ITSELF: TokenId = TokenId(6);
/// Reconstruction: mis-identified as the species whose particle token follows (`K-{pi-}`).
pub const AS_SPECIES: TokenId = TokenId(7);
/// Reconstruction: not reconstructed at all (`pi+{miss}`).
pub const MISSING: TokenId = TokenId(8);
/// Number of special tokens; particle `i` has token `FIRST_PARTICLE + i`.
pub const FIRST_PARTICLE: u16 = 9;

const SPECIAL_NAMES: [&str; 9] = ["<pad>", "<end>", "<sep>", "->", "(", ")", "<self>", "<as>", "<miss>"];

/// The charged long-lived species that particle identification distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Species {
    /// e+-
    Electron,
    /// mu+-
    Muon,
    /// pi+-
    Pion,
    /// K+-
    Kaon,
    /// p, anti-p
    Proton,
}

impl Species {
    /// The species of a PDG id, if it is one of the five.
    pub fn from_pdg_id(id: i32) -> Option<Species> {
        match id.unsigned_abs() {
            11 => Some(Species::Electron),
            13 => Some(Species::Muon),
            211 => Some(Species::Pion),
            321 => Some(Species::Kaon),
            2212 => Some(Species::Proton),
            _ => None,
        }
    }
    /// Short name: e, mu, pi, K, p.
    pub fn symbol(self) -> &'static str {
        match self {
            Species::Electron => "e",
            Species::Muon => "mu",
            Species::Pion => "pi",
            Species::Kaon => "K",
            Species::Proton => "p",
        }
    }
}

/// What the language needs to know about one particle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticleInfo {
    /// PDG Monte Carlo id (for aliases: the id of the particle they stand for).
    pub pdg_id: i32,
    /// Electric charge in units of e/3.
    pub charge3: i32,
    /// Stable for detector purposes: a final-state particle of a decay tree, never decayed.
    pub stable: bool,
}

/// One decay mode as the decay table lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeInfo {
    /// Branching fraction (normalised as the table normalises it).
    pub br: f64,
    /// Daughter names.
    pub daughters: Vec<String>,
}

/// The particle lookups the language needs: implemented for `hepzero-pdg` tables in
/// [`crate::pdg`] and by [`SimpleData`] for toy tables.
pub trait ParticleData {
    /// Every particle name that occurs in the decay table, as parent or daughter (any order).
    fn decay_table_names(&self) -> Vec<String>;
    /// Properties of a particle, by (EvtGen) name.
    fn particle(&self, name: &str) -> Option<ParticleInfo>;
    /// The decay modes of a particle (empty if it has none).
    fn modes(&self, name: &str) -> Vec<ModeInfo>;
}

/// A small in-memory particle and decay table (for tests, examples and toy studies).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SimpleData {
    /// Particles by name.
    pub particles: Vec<(String, ParticleInfo)>,
    /// Decay modes as (parent, mode).
    pub modes: Vec<(String, ModeInfo)>,
}

impl SimpleData {
    /// Adds a particle (charge in units of e).
    pub fn particle(mut self, name: &str, pdg_id: i32, charge: i32, stable: bool) -> Self {
        self.particles.push((name.to_string(), ParticleInfo { pdg_id, charge3: 3 * charge, stable }));
        self
    }
    /// Adds a decay mode `parent -> daughters` (space-separated names).
    pub fn mode(mut self, parent: &str, br: f64, daughters: &str) -> Self {
        let daughters = daughters.split_whitespace().map(str::to_string).collect();
        self.modes.push((parent.to_string(), ModeInfo { br, daughters }));
        self
    }
}

impl ParticleData for SimpleData {
    fn decay_table_names(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for (p, m) in &self.modes {
            v.push(p.clone());
            v.extend(m.daughters.iter().cloned());
        }
        v
    }
    fn particle(&self, name: &str) -> Option<ParticleInfo> {
        self.particles.iter().find(|(n, _)| n == name).map(|(_, i)| i.clone())
    }
    fn modes(&self, name: &str) -> Vec<ModeInfo> {
        self.modes.iter().filter(|(p, _)| p == name).map(|(_, m)| m.clone()).collect()
    }
}

/// A particle of the vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    /// EvtGen name.
    pub name: String,
    /// PDG id.
    pub pdg_id: i32,
    /// Charge in units of e/3.
    pub charge3: i32,
    /// Stable for detector purposes.
    pub stable: bool,
    /// PID species, for e, mu, pi, K, p.
    pub species: Option<Species>,
}

/// A decay mode with its daughters as a sorted multiset of particle ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mode {
    /// Branching fraction: the sum over the table's modes with this daughter multiset.
    pub br: f64,
    /// Daughters, sorted by id.
    pub daughters: Vec<ParticleId>,
}

pub(crate) type Multiset = SmallVec<[ParticleId; 8]>;

/// The token vocabulary and the particle data behind it.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    particles: Vec<Particle>,
    by_name: FxHashMap<String, ParticleId>,
    modes: Vec<Vec<Mode>>,
    mode_br: FxHashMap<(ParticleId, Multiset), f64>,
}

impl Vocabulary {
    /// Builds the vocabulary of a decay table: every particle the table names, sorted by name, then
    /// the `extra` particles (e.g. a signal's particles the table lacks) in the order given.
    /// Names the particle data cannot resolve are an error.
    pub fn new(data: &dyn ParticleData, extra: &[&str]) -> Result<Vocabulary> {
        let mut names = data.decay_table_names();
        names.sort();
        names.dedup();
        for e in extra {
            if !names.iter().any(|n| n == e) {
                names.push((*e).to_string());
            }
        }
        if names.len() + FIRST_PARTICLE as usize > u16::MAX as usize {
            return Err(Error::Config(format!("{} particles do not fit 16-bit token ids", names.len())));
        }
        let mut particles = Vec::with_capacity(names.len());
        let mut by_name = FxHashMap::default();
        for (i, name) in names.iter().enumerate() {
            let info = data
                .particle(name)
                .ok_or_else(|| Error::UnknownParticle { name: name.clone(), at: Position::Token(i) })?;
            by_name.insert(name.clone(), ParticleId(i as u16));
            particles.push(Particle {
                name: name.clone(),
                pdg_id: info.pdg_id,
                charge3: info.charge3,
                stable: info.stable,
                species: Species::from_pdg_id(info.pdg_id),
            });
        }
        let mut modes = vec![Vec::new(); particles.len()];
        let mut mode_br: FxHashMap<(ParticleId, Multiset), f64> = FxHashMap::default();
        for (i, name) in names.iter().enumerate() {
            let mut merged: Vec<Mode> = Vec::new();
            for m in data.modes(name) {
                let mut d: Vec<ParticleId> = Vec::with_capacity(m.daughters.len());
                for dn in &m.daughters {
                    let id = by_name
                        .get(dn)
                        .copied()
                        .ok_or_else(|| Error::UnknownParticle { name: dn.clone(), at: Position::Token(i) })?;
                    d.push(id);
                }
                d.sort();
                match merged.iter_mut().find(|x| x.daughters == d) {
                    Some(x) => x.br += m.br,
                    None => merged.push(Mode { br: m.br, daughters: d }),
                }
            }
            // A mode listed with BR 0 (a placeholder line in some decay files) is not a decay.
            merged.retain(|m| m.br > 0.0);
            for m in &merged {
                mode_br.insert((ParticleId(i as u16), m.daughters.iter().copied().collect()), m.br);
            }
            if let Some(slot) = modes.get_mut(i) {
                *slot = merged;
            }
        }
        Ok(Vocabulary { particles, by_name, modes, mode_br })
    }

    /// Number of tokens (special + particles).
    pub fn len(&self) -> usize {
        FIRST_PARTICLE as usize + self.particles.len()
    }
    /// Never empty: the special tokens are always there.
    pub fn is_empty(&self) -> bool {
        false
    }
    /// All particles, indexed by [`ParticleId`].
    pub fn particles(&self) -> &[Particle] {
        &self.particles
    }
    /// A particle by id.
    pub fn particle(&self, id: ParticleId) -> Option<&Particle> {
        self.particles.get(id.0 as usize)
    }
    /// The particle's name ("?" for an id outside the vocabulary).
    pub fn name(&self, id: ParticleId) -> &str {
        self.particle(id).map_or("?", |p| p.name.as_str())
    }
    /// Charge in units of e/3 (0 for an id outside the vocabulary).
    pub fn charge3(&self, id: ParticleId) -> i32 {
        self.particle(id).map_or(0, |p| p.charge3)
    }
    /// Whether the particle is stable for detector purposes.
    pub fn is_stable(&self, id: ParticleId) -> bool {
        self.particle(id).is_some_and(|p| p.stable)
    }
    /// A particle id by name.
    pub fn id(&self, name: &str) -> Option<ParticleId> {
        self.by_name.get(name).copied()
    }
    /// The decay modes of a particle (daughter multisets merged, BRs summed; modes of BR 0 dropped).
    pub fn modes(&self, id: ParticleId) -> &[Mode] {
        self.modes.get(id.0 as usize).map_or(&[], Vec::as_slice)
    }
    /// The branching fraction of `parent -> daughters` (any order), if the table has it.
    pub fn mode_br(&self, parent: ParticleId, daughters: &[ParticleId]) -> Option<f64> {
        let mut key: Multiset = daughters.iter().copied().collect();
        key.sort();
        self.mode_br.get(&(parent, key)).copied()
    }
    /// The token of a particle.
    pub fn token(&self, id: ParticleId) -> TokenId {
        TokenId(FIRST_PARTICLE + id.0)
    }
    /// The particle a token stands for, if it is a particle token.
    pub fn token_particle(&self, t: TokenId) -> Option<ParticleId> {
        let i = t.0.checked_sub(FIRST_PARTICLE)?;
        ((i as usize) < self.particles.len()).then_some(ParticleId(i))
    }
    /// A readable name for any token.
    pub fn token_name(&self, t: TokenId) -> &str {
        match SPECIAL_NAMES.get(t.0 as usize) {
            Some(s) => s,
            None => self.token_particle(t).map_or("<invalid>", |p| self.name(p)),
        }
    }
    /// The particle with the given species and charge, if the vocabulary has it.
    pub fn species_particle(&self, species: Species, charge3: i32) -> Option<ParticleId> {
        self.particles
            .iter()
            .position(|p| p.species == Some(species) && p.charge3 == charge3)
            .map(|i| ParticleId(i as u16))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_sorted_names_and_modes_merge() {
        let data = SimpleData::default()
            .particle("pi+", 211, 1, true)
            .particle("pi-", -211, -1, true)
            .particle("rho0", 113, 0, false)
            .mode("rho0", 0.6, "pi+ pi-")
            .mode("rho0", 0.4, "pi- pi+");
        let v = Vocabulary::new(&data, &[]).unwrap();
        assert_eq!(v.len(), 12);
        assert_eq!(v.name(ParticleId(0)), "pi+");
        assert_eq!(v.name(ParticleId(2)), "rho0");
        let rho = v.id("rho0").unwrap();
        assert_eq!(v.modes(rho).len(), 1);
        let br = v.mode_br(rho, &[v.id("pi-").unwrap(), v.id("pi+").unwrap()]).unwrap();
        assert!((br - 1.0).abs() < 1e-15);
        assert_eq!(v.token_name(ARROW), "->");
        assert_eq!(v.token_particle(v.token(rho)), Some(rho));
    }
}
