//! The background finder as a library: a signal in, the ranked backgrounds out.
//!
//! `cargo run --release -p hepzero-examples --example find_backgrounds -- "B0 -> K+ pi-"`

use hepzero_finder::{OracleConfig, model_for_signal, run_oracle};
use hepzero_pdg::DecayTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig};
use hepzero_tokens::GrammarConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signal = std::env::args().nth(1).unwrap_or_else(|| "B0 -> K+ pi-".to_string());
    let table = DecayTable::lhcb_default();
    let (production, misid) = (Production::lhcb_default(), MisIdMatrix::lhcb_default());
    let limits = GrammarConfig::default(); // at most 2 missing particles, 3 decay levels
    let model = model_for_signal(&signal, table, production, misid, limits, RewardConfig::default())?;
    let ranking = run_oracle(&model, table, &OracleConfig::default(), &|_, _| {})?;
    for b in ranking.backgrounds.iter().take(10) {
        println!("{:>10.3e}  {}", b.reward, b.background);
    }
    Ok(())
}
