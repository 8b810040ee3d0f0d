//! The bridge to `hepzero-pdg`: its decay table (and the particle table behind it) as
//! [`ParticleData`], so the vocabulary and the grammar use the real EvtGen names, charges,
//! stability convention and branching fractions.
//!
//! EvtGen aliases (`K*0T`, `B0sig`, ...) are generator devices for forcing decays; the language
//! resolves them to the particle they stand for, so one physical decay has one spelling. Modes that
//! then coincide are merged by [`crate::Vocabulary`] (their BRs add).

use hepzero_pdg::DecayTable;

use crate::error::Result;
use crate::vocab::{ModeInfo, ParticleData, ParticleInfo, Vocabulary};

/// A `hepzero-pdg` decay table seen through [`ParticleData`].
#[derive(Debug, Clone, Copy)]
pub struct PdgData<'a> {
    /// The decay table (its particle table and stability convention come with it).
    pub table: &'a DecayTable,
}

impl PdgData<'_> {
    fn resolve<'n>(&'n self, name: &'n str) -> &'n str {
        self.table.alias_target(name).unwrap_or(name)
    }
}

impl ParticleData for PdgData<'_> {
    fn decay_table_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for n in self.table.decaying_names() {
            if self.table.alias_target(n).is_some() {
                continue;
            }
            out.push(n.to_string());
            for m in self.table.modes(n) {
                out.extend(m.daughters.iter().map(|d| self.resolve(d).to_string()));
            }
        }
        out
    }

    fn particle(&self, name: &str) -> Option<ParticleInfo> {
        match self.table.particle(name) {
            Some(p) => Some(ParticleInfo {
                pdg_id: p.pdg_id,
                charge3: p.three_charge,
                stable: self.table.stability().is_stable(p.pdg_id),
            }),
            // A name the decay file uses but no particle table knows: keep it as an undecayable
            // token so the vocabulary is complete; the grammar can never complete it.
            None if self.table.name_id(name).is_some() => {
                Some(ParticleInfo { pdg_id: 0, charge3: 0, stable: false })
            }
            None => None,
        }
    }

    fn modes(&self, name: &str) -> Vec<ModeInfo> {
        self.table
            .modes(name)
            .iter()
            .map(|m| ModeInfo {
                br: m.br,
                daughters: m.daughters.iter().map(|d| self.resolve(d).to_string()).collect(),
            })
            .collect()
    }
}

impl Vocabulary {
    /// The vocabulary of a `hepzero-pdg` decay table, plus `extra` particles (names the particle
    /// table knows but the decay table does not use).
    pub fn from_pdg(table: &DecayTable, extra: &[&str]) -> Result<Vocabulary> {
        Vocabulary::new(&PdgData { table }, extra)
    }

    /// The vocabulary of the embedded LHCb decay table (`DECAY_LHCB.DEC`).
    pub fn lhcb_default() -> Result<Vocabulary> {
        Vocabulary::from_pdg(DecayTable::lhcb_default(), &[])
    }
}
