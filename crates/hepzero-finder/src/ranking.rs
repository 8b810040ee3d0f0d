//! The common output of every search method.

use hepzero_reward::Breakdown;
use serde::{Deserialize, Serialize};

/// Backgrounds ranked by reward, with what the search cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// Which method produced it (`oracle`, `ga`, `mcts`, `agent`).
    pub method: String,
    /// The signal, as the grammar prints it.
    pub signal: String,
    /// Reporting threshold on the reward.
    pub threshold: f64,
    /// Backgrounds at or above the threshold, best first (ties by name).
    pub backgrounds: Vec<Breakdown>,
    /// Distinct candidate backgrounds considered.
    pub candidates: u64,
    /// Reward evaluations made (cache hits excluded).
    pub evaluations: u64,
    /// Candidates whose overlap was simulated (the others were pruned exactly).
    pub simulated: u64,
    /// Background events simulated in total.
    pub events_simulated: u64,
    /// Wall time of the search (s).
    pub seconds: f64,
}

/// Sorts best first with a deterministic tie-break.
pub fn sort_breakdowns(list: &mut [Breakdown]) {
    list.sort_by(|a, b| b.reward.total_cmp(&a.reward).then_with(|| a.background.cmp(&b.background)));
}
