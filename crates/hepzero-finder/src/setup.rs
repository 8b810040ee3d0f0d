//! Building the reward model for one signal from a decay table, the production and mis-ID tables,
//! and the search limits: the setup every search method and every caller shares.

use crate::{Error, Result};
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, GrammarConfig, ParentPolicy, Vocabulary};
use std::sync::Arc;

/// Mis-ID pairs with a probability below this are not searched.
pub const MISID_FLOOR: f64 = 1e-3;

/// Grammar limits whose parents are every hadron the production table measures, with its conjugate,
/// whatever the signal's flavour, and whose mis-ID pairs are those the matrix gives at least
/// [`MISID_FLOOR`]: the wider search space of the GA and MCTS recall measurements.
pub fn all_measured_parents_limits(production: &Production, misid: &MisIdMatrix) -> GrammarConfig {
    let particles = ParticleTable::lhcb_default();
    let mut parents = Vec::new();
    for name in production.hadrons() {
        parents.push(name.to_string());
        if let Some(p) = particles.find(name) {
            parents.push(particles.antiparticle(p).evtgen_name.clone());
        }
    }
    GrammarConfig {
        parents: ParentPolicy::List(parents),
        misid: misid.rules(MISID_FLOOR),
        ..Default::default()
    }
}

/// The reward model of `signal`. The grammar takes its limits (missing particles, depth, table
/// restriction) from `limits`; its parents are the measured hadrons of the signal's flavour with their
/// conjugates, and its mis-ID pairs those the matrix gives at least [`MISID_FLOOR`].
pub fn model_for_signal(
    signal: &str,
    table: &DecayTable,
    production: Production,
    misid: MisIdMatrix,
    limits: GrammarConfig,
    reward: RewardConfig,
) -> Result<RewardModel> {
    let particles = ParticleTable::lhcb_default();
    let head = signal.split_whitespace().next().unwrap_or_default();
    let parents = production.same_flavour_parents(head, particles);
    if parents.is_empty() {
        return Err(Error::Config(format!(
            "the signal parent '{head}' has no production fraction: the production table lists {}",
            production.hadrons().collect::<Vec<_>>().join(", ")
        )));
    }
    let config =
        GrammarConfig { parents: ParentPolicy::List(parents), misid: misid.rules(MISID_FLOOR), ..limits };
    let grammar = Arc::new(Grammar::new(Arc::new(Vocabulary::from_pdg(table, &[])?), signal, config)?);
    Ok(RewardModel::new(grammar, particles, production, misid, reward)?)
}
