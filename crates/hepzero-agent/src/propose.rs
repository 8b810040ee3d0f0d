//! The trained agent at work: backgrounds proposed for any signal (seen in training or not) by
//! sampling complete token sequences from the network's masked policy, or by MCTS self-play guided
//! by the network, then scored with the physics reward and ranked in the oracle's form
//! (method `agent`). Each distinct background is scored once; its first appearance is recorded so
//! recall can be read against the number of reward evaluations.

use crate::{Error, Result};
use hepzero_backend::burn::tensor::Device;
use hepzero_finder::mcts::{BackgroundEnv, BgState};
use hepzero_finder::{Ranking, ranking::sort_breakdowns};
use hepzero_mcts::{DrawTrie, Environment, Normalisation, SearchConfig, SelfPlayConfig, self_play};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::{END, Grammar, TokenId};
use hepzero_transformer::{NetEvaluator, OrderMarking, PolicyValueNet, SampleConfig, StateQuery};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Sequences decoded (or games played) between progress reports and reward batches.
const CHUNK: usize = 8192;

/// How the agent proposes backgrounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProposeConfig {
    /// Complete sequences to build (seed 000's budget per signal: 100,000).
    pub samples: usize,
    /// Softmax temperature of sampling (1 = the policy as trained).
    pub temperature: f32,
    /// Sequences decoded together.
    pub batch_size: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// 0: plain sampling; M > 0: each sequence is one self-play game with M network-guided MCTS
    /// simulations per token (far slower per sequence).
    pub mcts_simulations: u64,
    /// Sampling draws without replacement (each draw follows the policy conditioned on not
    /// repeating an earlier background, Shi et al. 2020), so the budget goes to new backgrounds;
    /// `false` draws independently (repeats cost a sequence each).
    pub distinct: bool,
    /// With `distinct`: how the other daughter orders of a drawn background are marked as drawn
    /// (default: without the network, see [`OrderMarking`]).
    pub order_marking: OrderMarking,
}

impl Default for ProposeConfig {
    fn default() -> Self {
        Self {
            samples: 100_000,
            temperature: 1.0,
            batch_size: 256,
            seed: 0,
            mcts_simulations: 0,
            distinct: true,
            order_marking: OrderMarking::default(),
        }
    }
}

/// A proposal: the ranking and, for every distinct background built, the sequence count at which
/// it first appeared (in order), for recall-against-evaluations curves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// Backgrounds at or above threshold, ranked (method `agent`).
    pub ranking: Ranking,
    /// `(canonical hash, sequences built when first seen)` of every distinct background, in order.
    pub first_seen: Vec<(u64, usize)>,
    /// `(sequences built, seconds since the start)` after each chunk, its new backgrounds scored,
    /// to read off the time a recall took.
    #[serde(default)]
    pub timeline: Vec<(usize, f64)>,
}

/// The search settings of network-guided self-play: the network's value at the leaves (no random
/// playouts), small batches per search so many games share one network call, every terminal
/// recorded, Dirichlet noise at the root for exploration.
pub fn guided_search() -> SearchConfig {
    SearchConfig {
        batch_size: 8,
        rollouts: 0,
        record_terminals: true,
        normalisation: Normalisation::LogMinMax { floor: 1e-12 },
        ..SearchConfig::default()
    }
}

/// The network's view of a search state of `grammar`'s signal.
pub fn state_query(grammar: &Grammar, state: &BgState) -> StateQuery {
    StateQuery {
        signal: grammar.signal_tokens().to_vec(),
        background: state.tokens().to_vec(),
        valid: grammar.valid_next(state.grammar_state()).words().to_vec(),
    }
}

/// Proposes backgrounds for `model`'s signal with `net` (on `device`); `progress(done, total)`
/// after each chunk of sequences.
pub fn propose(
    net: &PolicyValueNet,
    device: &Device,
    model: &RewardModel,
    config: &ProposeConfig,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Proposal> {
    if config.samples == 0 {
        return Err(Error::Config("the agent needs at least one sample".into()));
    }
    net.config().check_vocabulary(model.grammar().vocab())?;
    let start = Instant::now();
    let (sim0, events0) = model.simulation_counts();
    let grammar = model.grammar().as_ref();
    let threshold = model.config().threshold;
    let mut seen = FxHashSet::default();
    let mut first_seen = Vec::new();
    // A background built for the first time joins `fresh` (to be scored) with its sequence count.
    let mut record = |decay: hepzero_tokens::Decay, at: usize, fresh: &mut Vec<hepzero_tokens::Decay>| {
        let hash = grammar.canonical_hash(&decay);
        if seen.insert(hash) {
            first_seen.push((hash, at));
            fresh.push(decay);
        }
    };
    let mut kept: Vec<Breakdown> = Vec::new();
    let mut done = 0usize;
    let mut chunk_index = 0u64;
    let mut trie = DrawTrie::new();
    // The other daughter orders of a background just drawn are marked as drawn too.
    let orders = BackgroundEnv::new(model).with_equivalent_orders(true);
    let mut equivalents = |tokens: &[TokenId]| -> Vec<Vec<TokenId>> {
        let mut state = orders.initial_state();
        for &t in tokens.iter().chain(std::iter::once(&END)) {
            orders.apply(&mut state, u32::from(t.0));
        }
        let mut out = Vec::new();
        orders.equivalent_sequences(&state, &mut out);
        out.into_iter()
            .map(|seq| {
                seq.into_iter()
                    .filter_map(|a| u16::try_from(a).ok())
                    .map(TokenId)
                    .filter(|&t| t != END)
                    .collect()
            })
            .collect()
    };
    let mut exhausted = false;
    let mut timeline = Vec::new();
    while done < config.samples && !exhausted {
        let n = CHUNK.min(config.samples - done);
        let seed = chunk_seed(config.seed, chunk_index);
        let mut fresh = Vec::new();
        let sample =
            SampleConfig { count: n, batch_size: config.batch_size, temperature: config.temperature, seed };
        if config.mcts_simulations == 0 && config.distinct {
            let drawn = net.sample_distinct(
                grammar,
                &sample,
                &mut trie,
                &mut equivalents,
                config.order_marking,
                device,
            )?;
            for (i, mut tokens) in drawn.sequences {
                tokens.push(END);
                record(grammar.decode_background(&tokens)?, done + i + 1, &mut fresh);
            }
            if drawn.draws < n {
                // The whole space the policy can reach has been drawn.
                done += drawn.draws;
                exhausted = true;
            }
        } else if config.mcts_simulations == 0 {
            let sampled = net.sample(grammar, &sample, device)?;
            for (i, mut tokens) in sampled.into_iter().enumerate() {
                tokens.push(END);
                record(grammar.decode_background(&tokens)?, done + i + 1, &mut fresh);
            }
        } else {
            let env = BackgroundEnv::new(model);
            let evaluator = NetEvaluator::new(net, device.clone(), |s: &BgState| state_query(grammar, s));
            let play = SelfPlayConfig {
                search: guided_search(),
                simulations: config.mcts_simulations,
                temperature: f64::from(config.temperature),
                // A game may not outgrow the decoder's context.
                max_moves: net.config().max_decoder_len.saturating_sub(1),
                ..SelfPlayConfig::default()
            };
            let (episodes, _) = self_play(&env, &evaluator, &play, n, seed)?;
            for (i, ep) in episodes.iter().enumerate() {
                let tokens: Vec<_> = ep
                    .tokens
                    .iter()
                    .filter_map(|&a| u16::try_from(a).ok())
                    .map(hepzero_tokens::TokenId)
                    .collect();
                record(grammar.decode_background(&tokens)?, done + i + 1, &mut fresh);
            }
            // Terminals the searches reached beyond the moves they played count as found too.
            for b in env.kept_all() {
                record(grammar.parse_background(&b.background)?, done + n, &mut fresh);
            }
        }
        let scored: Vec<Breakdown> =
            fresh.par_iter().map(|d| model.evaluate(d)).collect::<std::result::Result<_, _>>()?;
        kept.extend(scored.into_iter().filter(|b| b.is_exact() && b.reward >= threshold));
        if !exhausted {
            done += n;
        }
        chunk_index += 1;
        timeline.push((done, start.elapsed().as_secs_f64()));
        progress(done as u64, config.samples as u64);
    }
    sort_breakdowns(&mut kept);
    let (sim1, events1) = model.simulation_counts();
    let ranking = Ranking {
        method: "agent".into(),
        signal: grammar.format_signal(),
        threshold,
        backgrounds: kept,
        candidates: done as u64,
        evaluations: first_seen.len() as u64,
        simulated: sim1.saturating_sub(sim0),
        events_simulated: events1.saturating_sub(events0),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok(Proposal { ranking, first_seen, timeline })
}

/// Seed of chunk `i` (splitmix64 of the pair), so chunks draw independent streams.
fn chunk_seed(seed: u64, i: u64) -> u64 {
    crate::derive_seed(seed, &[0x5eed, i])
}
