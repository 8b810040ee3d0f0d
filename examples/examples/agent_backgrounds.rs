//! The trained agent as a library: a signal in (seen in training or not), the backgrounds it
//! proposes out, scored with the physics reward and ranked.
//!
//! `cargo run --release -p hepzero-examples --example agent_backgrounds -- "B_s0 -> K- pi+"`

use hepzero_agent::{ProposeConfig, propose, shipped_model};
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_finder::model_for_signal;
use hepzero_pdg::DecayTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig};
use hepzero_tokens::GrammarConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signal = std::env::args().nth(1).unwrap_or_else(|| "B_s0 -> K- pi+".to_string());
    let (production, misid) = (Production::lhcb_default(), MisIdMatrix::lhcb_default());
    let table = DecayTable::lhcb_default();
    let model = model_for_signal(
        &signal,
        table,
        production,
        misid,
        GrammarConfig::default(),
        RewardConfig::default(),
    )?;
    let device = select_device(DeviceChoice::Auto)?.device;
    let agent = shipped_model(&device)?;
    let config = ProposeConfig { samples: 20_000, ..ProposeConfig::default() };
    let proposal = propose(&agent, &device, &model, &config, &mut |_, _| {})?;
    for b in proposal.ranking.backgrounds.iter().take(10) {
        println!("{:>10.3e}  {}", b.reward, b.background);
    }
    Ok(())
}
