//! The agent of hepzero's background finder (seed 000, Hijano Mendizabal et al., arXiv:2509.14894):
//! a transformer policy that learns, from the genetic algorithm's findings and then from its own
//! network-guided MCTS self-play (AlphaZero), to write the decays that can fake a signal, and
//! generalises to signals it never saw.
//!
//! - [`TrainAgent`]: GA hall of fame -> pre-training -> AlphaZero iterations, resumable after a
//!   kill with the same final network;
//! - [`propose`]: backgrounds for any signal from a trained network, ranked in the oracle's form;
//! - [`benchmark`]: oracle, GA and agent side by side on the benchmark's signal lists
//!   (`fixtures/benchmarks/`), recall against the oracle, reward evaluations and wall time;
//! - [`scaling`]: the oracle's cost against the GA's and the agent's as the search space grows.
//!
//! This crate sits on top of `hepzero-finder` (oracle, GA, MCTS: no burn) and
//! `hepzero-transformer` (the network), so the finder stays usable without the network stack.

pub mod benchmark;
mod best_first;
mod data;
mod error;
mod overlap;
mod propose;
pub mod scaling;
mod shipped;
mod signals;
mod train;

pub use best_first::{estimated_log_rewards, propose_best_first};
pub use data::{VALUE_CEILING, VALUE_FLOOR, episode_example, ranking_examples, value_reward, value_target};
pub(crate) use error::file_error;
pub use error::{Error, Result};
pub use overlap::{
    ChainSummary, Features, OVERLAP_FEATURES, OverlapEstimate, OverlapEstimator, OverlapFitConfig,
    OverlapHeader, OverlapSample, chain_summary, fit_overlap, overlap_features, overlap_samples,
    shipped_overlap, train_overlap,
};
pub use propose::{Agent, Proposal, ProposeConfig, guided_search, propose, state_query};
pub use shipped::shipped_model;
pub use signals::{ListedSignal, SignalList, benchmark_generalisation, benchmark_training};
pub use train::{GaFigures, PhaseReport, ProgressFn, TrainAgent, TrainAgentConfig, TrainingReport};

/// The reward model of `signal` on the embedded LHCb tables (decay table, production fractions,
/// mis-ID matrix), with the given search limits and reward settings: the setup of training and
/// of the benchmark alike.
pub fn lhcb_model(
    signal: &str,
    limits: &hepzero_tokens::GrammarConfig,
    reward: &hepzero_reward::RewardConfig,
) -> hepzero_finder::Result<hepzero_reward::RewardModel> {
    hepzero_finder::model_for_signal(
        signal,
        hepzero_pdg::DecayTable::lhcb_default(),
        hepzero_reward::Production::lhcb_default(),
        hepzero_reward::MisIdMatrix::lhcb_default(),
        limits.clone(),
        reward.clone(),
    )
}

/// Canonical hashes of a ranking's backgrounds under `model`'s grammar (to compare methods).
pub fn ranking_hashes(
    model: &hepzero_reward::RewardModel,
    ranking: &hepzero_finder::Ranking,
) -> Result<Vec<u64>> {
    let grammar = model.grammar();
    let mut out = Vec::with_capacity(ranking.backgrounds.len());
    for b in &ranking.backgrounds {
        out.push(grammar.canonical_hash(&grammar.parse_background(&b.background)?));
    }
    Ok(out)
}

/// A seed for one task of a run (splitmix64 over the run's seed and the task's indices), so every
/// phase, signal, iteration and chunk draws its own independent stream.
pub fn derive_seed(seed: u64, path: &[u64]) -> u64 {
    let mut z = seed;
    for &p in path {
        z = splitmix(z ^ splitmix(p.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    }
    z
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fraction of `oracle` (canonical hashes) among the backgrounds of `first_seen` that appeared
/// within the first `budget` sequences (1 for an empty oracle list).
pub fn recall(oracle: &[u64], first_seen: &[(u64, usize)], budget: usize) -> f64 {
    if oracle.is_empty() {
        return 1.0;
    }
    let seen: rustc_hash::FxHashSet<u64> =
        first_seen.iter().filter(|&&(_, at)| at <= budget).map(|&(h, _)| h).collect();
    oracle.iter().filter(|h| seen.contains(h)).count() as f64 / oracle.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_counts_only_within_budget() {
        let seen = [(1, 1), (2, 5), (3, 9)];
        assert_eq!(recall(&[1, 2, 3, 4], &seen, usize::MAX), 0.75);
        assert_eq!(recall(&[1, 2, 3, 4], &seen, 5), 0.5);
        assert_eq!(recall(&[], &seen, 5), 1.0);
    }

    #[test]
    fn derived_seeds_differ_by_task() {
        assert_ne!(derive_seed(0, &[1, 2]), derive_seed(0, &[2, 1]));
        assert_ne!(derive_seed(0, &[1]), derive_seed(1, &[1]));
        assert_eq!(derive_seed(7, &[3, 4]), derive_seed(7, &[3, 4]));
    }
}
