//! The trained agent at work: backgrounds proposed for any signal (seen in training or not) by
//! sampling complete token sequences from the network's masked policy, or by MCTS self-play guided
//! by the network, then scored with the physics reward and ranked in the oracle's form
//! (method `agent`). What the draws find is expanded by the GA's mutation operators (a local
//! search around each background found: its neighbours along the decay table are where the
//! backgrounds the policy ranks low lie). Each distinct background is scored once; its first
//! appearance is recorded so recall can be read against the number of reward evaluations.

use crate::{Error, Result};
use hepzero_backend::burn::tensor::Device;
use hepzero_finder::mcts::{BackgroundEnv, BgState};
use hepzero_finder::{
    BackgroundGenome, BackgroundProblem, GaSearchConfig, Ranking, ranking::sort_breakdowns,
};
use hepzero_genetic::{Context, GaRng, Genome, Problem};
use hepzero_mcts::{DrawTrie, Environment, Normalisation, SearchConfig, SelfPlayConfig, self_play};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::{Decay, END, Grammar, TokenId};
use hepzero_transformer::{NetEvaluator, OrderMarking, PolicyValueNet, SampleConfig, StateQuery};
use rand::SeedableRng;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Instant;

/// The GA operators' context for expansions (they do not depend on the generation).
const EXPANSION: Context = Context { generation: 1, max_generations: 1 };

/// Mutants scored together during an expansion.
const EXPANSION_BATCH: usize = 1024;

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
    /// Expansion of what the draws find: each background at or above threshold gets this many
    /// mutants by the GA's operators (decay-table regrouping, neighbouring modes, re-sampled
    /// parts; GA defaults), the new ones are scored, and those found are expanded in turn. A new
    /// mutant counts against `samples` like a draw (a repeat costs nothing). Best-first scoring
    /// uses `considered_mutants` instead where that is not 0. Chunks of draws and
    /// of mutants alternate by yield: each chunk goes to whichever found the larger share of
    /// backgrounds last time. 0: the network's draws alone.
    pub neighbours: usize,
    /// Sequences decoded (or games played, or mutants built) between progress reports, reward
    /// batches and choices between drawing and expanding.
    pub chunk: usize,
    /// Screen before the reward: a drawn background whose value-head estimate of its reward
    /// ([`crate::value_reward`]) is below this is not scored (it costs a sequence, not a reward
    /// evaluation). 0 (the default) scores every draw. Mutants (`neighbours`) are not screened:
    /// the local search around what was found may still score a background the screen held back.
    /// For experiments: it needs a value head trained on the log-reward scale with below-threshold
    /// examples (`train-agent` since this option; the shipped model's head predates that scale),
    /// and the heads trained so far are calibrated too loosely for a fixed cut to be safe
    /// (`docs/benchmarks.md`, hepzero-agent, "A screen before the reward").
    pub screen: f64,
    /// Keep the scored backgrounds below threshold in [`Proposal::below`] (training data for
    /// the value head).
    pub keep_below: bool,
    /// Score best-first ([`crate::propose_best_first`]): in descending order of the agent's own
    /// estimate of the reward (tables and the overlap estimator) instead of the order built.
    pub best_first: bool,
    /// With `best_first`: the share of `samples` drawn before scoring starts; the rest goes to
    /// the expansion's mutants (and to more draws if they do not use it).
    pub draw_share: f64,
    /// With `best_first`, if > 0: each background found gets this many mutants (instead of
    /// `neighbours`), made and estimated but not built: one costs a sequence only when it
    /// reaches the top of the queue while budget is left, so the budget goes to the mutants the
    /// agent rates best rather than to the first made. 0: each new mutant is built when made.
    pub considered_mutants: usize,
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
            neighbours: 32,
            chunk: 8192,
            screen: 0.0,
            keep_below: false,
            best_first: false,
            draw_share: 0.5,
            considered_mutants: 4096,
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
    /// to read off the time a recall took. Best-first: `(backgrounds scored, seconds)` after
    /// each batch scored, as it scores what it built earlier (`scored`'s order).
    #[serde(default)]
    pub timeline: Vec<(usize, f64)>,
    /// Draws the screen kept from the reward ([`ProposeConfig::screen`]).
    #[serde(default)]
    pub screened: usize,
    /// With [`ProposeConfig::keep_below`]: every background scored below threshold, canonical
    /// form, with its reward (a bound where it was not simulated), in the order scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub below: Vec<(String, f64)>,
    /// Best-first scoring only: `(canonical hash, sequences built by then)` of every background in
    /// the order the reward scored it (the order built, `first_seen`, otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scored: Vec<(u64, usize)>,
    /// Best-first with [`ProposeConfig::considered_mutants`]: mutants the agent made and
    /// estimated but never built (the budget ran out before they reached the top of the queue).
    #[serde(default)]
    pub considered: usize,
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
    check_budget(net, model, config)?;
    if config.screen.is_nan() || config.screen < 0.0 {
        return Err(Error::Config(format!("the screen must be a reward >= 0 (got {})", config.screen)));
    }
    let start = Instant::now();
    let (sim0, events0) = model.simulation_counts();
    let grammar = model.grammar().as_ref();
    let threshold = model.config().threshold;
    let mut seen = FxHashSet::default();
    // Draws the screen kept from the reward (a mutant may still bring one to be scored).
    let mut screened_out = FxHashSet::default();
    let mut first_seen = Vec::new();
    // A background built for the first time joins `fresh` (to be scored) with its sequence count.
    let mut record = |decay: Decay, at: usize, fresh: &mut Vec<Decay>| -> bool {
        let hash = grammar.canonical_hash(&decay);
        let new = seen.insert(hash);
        if new {
            first_seen.push((hash, at));
            fresh.push(decay);
        }
        new
    };
    let mut kept: Vec<Breakdown> = Vec::new();
    let mut below: Vec<(String, f64)> = Vec::new();
    let mut keep_below = |b: Breakdown| {
        if config.keep_below {
            below.push((b.background, b.reward));
        }
    };
    let mut done = 0usize;
    let mut chunk_index = 0u64;
    let mut drawer = Drawer::new(net, device, model);
    let mut exhausted = false;
    let mut timeline = Vec::new();
    let ga = GaSearchConfig::default();
    let expander = (config.neighbours > 0).then(|| BackgroundProblem::from_config(grammar, &ga));
    // Backgrounds found and not yet expanded, in the order found.
    let mut frontier: VecDeque<Decay> = VecDeque::new();
    // Share of new backgrounds at or above threshold in the last chunk of draws and of mutants:
    // each chunk goes to whichever did better (untried counts as best).
    let (mut draw_yield, mut expand_yield) = (f64::INFINITY, f64::INFINITY);
    loop {
        let can_draw = done < config.samples && !exhausted;
        let can_expand = expander.is_some() && done < config.samples && !frontier.is_empty();
        if !can_draw && !can_expand {
            break;
        }
        let draw = can_draw && (!can_expand || draw_yield >= expand_yield);
        let mut fresh = Vec::new();
        if draw {
            let n = config.chunk.min(config.samples - done);
            let seed = chunk_seed(config.seed, chunk_index);
            let sample = SampleConfig {
                count: n,
                batch_size: config.batch_size,
                temperature: config.temperature,
                seed,
            };
            if config.mcts_simulations == 0 && config.distinct {
                let drawn = drawer.draw(&sample, config.order_marking)?;
                for (i, decay, value) in drawn.decays {
                    if config.screen > 0.0 && crate::value_reward(value) < config.screen {
                        screened_out.insert(grammar.canonical_hash(&decay));
                        continue;
                    }
                    record(decay, done + i + 1, &mut fresh);
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
            if !exhausted {
                done += n;
            }
            let new = fresh.len();
            let found = score(model, std::mem::take(&mut fresh), &mut kept, &mut keep_below)?;
            draw_yield = found.len() as f64 / new.max(1) as f64;
            if expander.is_some() {
                frontier.extend(found);
            }
        } else if let Some(problem) = &expander {
            // A chunk of new mutants of the backgrounds found, those found queued in turn.
            let (begin, before) = (done, kept.len());
            let end = config.samples.min(done + config.chunk);
            while done < end
                && let Some(decay) = frontier.pop_front()
            {
                for child in mutants(problem, grammar, decay, config, config.neighbours)? {
                    if record(child, done + 1, &mut fresh) {
                        done += 1;
                        if done == end {
                            break;
                        }
                    }
                }
                if fresh.len() >= EXPANSION_BATCH || done == end || frontier.is_empty() {
                    frontier.extend(score(model, std::mem::take(&mut fresh), &mut kept, &mut keep_below)?);
                }
            }
            expand_yield = (kept.len() - before) as f64 / (done - begin).max(1) as f64;
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
    Ok(Proposal {
        ranking,
        first_seen,
        timeline,
        screened: screened_out.len(),
        below,
        scored: Vec::new(),
        considered: 0,
    })
}

/// What every way of proposing needs: a budget in whole chunks, and a network whose vocabulary is
/// the signal grammar's.
pub(crate) fn check_budget(net: &PolicyValueNet, model: &RewardModel, config: &ProposeConfig) -> Result<()> {
    if config.samples == 0 || config.chunk == 0 {
        return Err(Error::Config("the agent needs at least one sample per chunk".into()));
    }
    net.config().check_vocabulary(model.grammar().vocab())?;
    Ok(())
}

/// `count` mutants of a background found (the expansion), each from its own seed (the parent's
/// canonical hash and its number), so they do not depend on when it is expanded.
pub(crate) fn mutants(
    problem: &BackgroundProblem<'_>,
    grammar: &Grammar,
    decay: Decay,
    config: &ProposeConfig,
    count: usize,
) -> Result<Vec<Decay>> {
    let parent = BackgroundGenome::new(grammar, decay)?;
    Ok((0..count as u64)
        .into_par_iter()
        .map(|m| {
            let seed = crate::derive_seed(config.seed, &[0xe4, parent.canonical_hash(), m]);
            let mut child = parent.clone();
            problem.mutate(&mut child, &EXPANSION, &mut GaRng::seed_from_u64(seed));
            child.decay().clone()
        })
        .collect())
}

/// Draws without replacement from the network's policy for one signal, chunk after chunk: the
/// trie of what was drawn persists, and the other daughter orders of each background drawn are
/// marked as drawn too.
pub(crate) struct Drawer<'a> {
    net: &'a PolicyValueNet,
    device: &'a Device,
    grammar: &'a Grammar,
    trie: DrawTrie,
    orders: BackgroundEnv<'a>,
}

/// One chunk of draws: `(index within the chunk, background, value-head output)` of each new
/// sequence, and the sequences drawn (fewer than asked once the whole space has been drawn).
pub(crate) struct Drawn {
    pub decays: Vec<(usize, Decay, f32)>,
    pub draws: usize,
}

impl<'a> Drawer<'a> {
    pub(crate) fn new(net: &'a PolicyValueNet, device: &'a Device, model: &'a RewardModel) -> Self {
        Self {
            net,
            device,
            grammar: model.grammar().as_ref(),
            trie: DrawTrie::new(),
            orders: BackgroundEnv::new(model).with_equivalent_orders(true),
        }
    }

    pub(crate) fn draw(&mut self, sample: &SampleConfig, marking: OrderMarking) -> Result<Drawn> {
        let orders = &self.orders;
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
        let drawn = self.net.sample_distinct(
            self.grammar,
            sample,
            &mut self.trie,
            &mut equivalents,
            marking,
            self.device,
        )?;
        let mut decays = Vec::with_capacity(drawn.sequences.len());
        for ((i, mut tokens), value) in drawn.sequences.into_iter().zip(drawn.values) {
            tokens.push(END);
            decays.push((i, self.grammar.decode_background(&tokens)?, value));
        }
        Ok(Drawn { decays, draws: drawn.draws })
    }
}

/// Scores `fresh` in parallel, keeps the backgrounds at or above threshold (exact rewards) in
/// `kept`, hands the others to `below` and returns the trees of those kept.
pub(crate) fn score(
    model: &RewardModel,
    fresh: Vec<Decay>,
    kept: &mut Vec<Breakdown>,
    below: &mut dyn FnMut(Breakdown),
) -> Result<Vec<Decay>> {
    let scored: Vec<Breakdown> =
        fresh.par_iter().map(|d| model.evaluate(d)).collect::<std::result::Result<_, _>>()?;
    let threshold = model.config().threshold;
    let mut found = Vec::new();
    for (decay, b) in fresh.into_iter().zip(scored) {
        if b.is_exact() && b.reward >= threshold {
            found.push(decay);
            kept.push(b);
        } else {
            below(b);
        }
    }
    Ok(found)
}

/// Seed of chunk `i` (splitmix64 of the pair), so chunks draw independent streams.
pub(crate) fn chunk_seed(seed: u64, i: u64) -> u64 {
    crate::derive_seed(seed, &[0x5eed, i])
}

/// A trained agent: its policy network and, for best-first scoring, its overlap estimator.
#[derive(Clone, Copy)]
pub struct Agent<'a> {
    /// The transformer policy.
    pub net: &'a PolicyValueNet,
    /// The overlap estimator ([`ProposeConfig::best_first`] needs one).
    pub overlap: Option<&'a crate::OverlapEstimator>,
    /// Where both run.
    pub device: &'a Device,
}

impl Agent<'_> {
    /// Proposes backgrounds for `model`'s signal: best-first if `config.best_first`, else scored
    /// in the order built ([`propose`]).
    pub fn propose(
        &self,
        model: &RewardModel,
        config: &ProposeConfig,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Proposal> {
        if !config.best_first {
            return propose(self.net, self.device, model, config, progress);
        }
        let overlap = self.overlap.ok_or_else(|| {
            Error::Config("best-first scoring needs an overlap estimator (`hepzero train-overlap`)".into())
        })?;
        crate::propose_best_first(self.net, overlap, self.device, model, config, progress)
    }

    /// What identifies this agent's proposals under `config`: the network's weights and, when
    /// scoring best-first, the estimator's.
    pub fn fingerprint(&self, config: &ProposeConfig) -> String {
        let net = format!("{:016x}", hepzero_backend::weights_fingerprint(self.net));
        match self.overlap.filter(|_| config.best_first) {
            Some(o) => format!("{net}+{:016x}", o.fingerprint()),
            None => net,
        }
    }
}
