//! The background finder as a library: a signal in, the ranked backgrounds out.
//!
//! `cargo run --release -p hepzero-examples --example find_backgrounds -- "B0 -> K+ pi-"`

use hepzero_finder::{OracleConfig, run_oracle};
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, GrammarConfig, ParentPolicy, Vocabulary};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signal = std::env::args().nth(1).unwrap_or_else(|| "B0 -> K+ pi-".to_string());
    let (particles, table) = (ParticleTable::lhcb_default(), DecayTable::lhcb_default());
    let (production, misid) = (Production::lhcb_default(), MisIdMatrix::lhcb_default());
    let head = signal.split_whitespace().next().unwrap_or_default();
    let config = GrammarConfig {
        parents: ParentPolicy::List(production.same_flavour_parents(head, particles)),
        misid: misid.rules(1e-3),
        ..GrammarConfig::default()
    };
    let grammar = Arc::new(Grammar::new(Arc::new(Vocabulary::from_pdg(table, &[])?), &signal, config)?);
    let model = RewardModel::new(grammar, particles, production, misid, RewardConfig::default())?;
    let ranking = run_oracle(&model, table, &OracleConfig::default(), &|_, _| {})?;
    for b in ranking.backgrounds.iter().take(10) {
        println!("{:>10.3e}  {}", b.reward, b.background);
    }
    Ok(())
}
