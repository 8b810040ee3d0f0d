//! Best-first scoring: the agent builds candidates as [`crate::propose`] does (draws without
//! replacement from the network, then mutants of what it finds), but scores them in descending
//! order of its own estimate of their reward, ln A + ln P(overlap > 0) + ln K: A (production x BR x
//! mis-ID) from the particle, production and decay tables the agent shares with the reward, P and
//! K from the [`OverlapEstimator`]. No detector simulation goes into the order; every candidate
//! built is still scored in the end, so the recall is that of what was built, and the order
//! decides how many reward evaluations it takes to get there.
//!
//! The budget: `ProposeConfig::draw_share` of the sequences are drawn first, into the queue; the
//! rest go to the mutants of each background found, which join the queue with their own
//! estimates. By default (`ProposeConfig::considered_mutants`) a background found gets many
//! mutants, made and estimated but not built: one is built, and costs a sequence, only when it
//! reaches the top of the queue while budget is left. Random mutants of a background are rarely
//! backgrounds themselves (1 in 100 of those built as made on the D_s training signal), but the
//! estimate puts those that are near the top, so the budget goes to them rather than to the first
//! mutants made. Once the queue is empty, any budget left is drawn.

use crate::overlap::{OverlapEstimator, overlap_features};
use crate::propose::{Drawer, Proposal, ProposeConfig, check_budget, chunk_seed, mutants, score};
use crate::{Error, Result};
use hepzero_backend::burn::tensor::Device;
use hepzero_finder::{BackgroundProblem, GaSearchConfig, Ranking, ranking::sort_breakdowns};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::Decay;
use hepzero_transformer::{PolicyValueNet, SampleConfig};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

/// Candidates scored together (in parallel) from the top of the queue.
const SCORE_BATCH: usize = 256;

/// A candidate waiting in the queue: highest estimate first, ties by canonical hash.
struct Queued {
    key: f64,
    hash: u64,
    decay: Decay,
    /// Already counted against the budget: a draw, or a mutant built when made.
    built: bool,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.total_cmp(&other.key).then(other.hash.cmp(&self.hash))
    }
}

/// The agent's estimate of ln R for each candidate: ln A from the tables plus the estimator's
/// ln P + ln K, the latter capped at the largest overlap the signal allows.
pub fn estimated_log_rewards(
    model: &RewardModel,
    overlap: &OverlapEstimator,
    decays: &[Decay],
) -> Result<Vec<f64>> {
    let prepared: Vec<(f64, crate::Features)> = decays
        .par_iter()
        .map(|d| {
            let (production, br, misid) = model.cheap_factors(d)?;
            let ln_a = (production * br * misid).max(f64::MIN_POSITIVE).ln();
            Ok((ln_a, overlap_features(model, d)?))
        })
        .collect::<Result<_>>()?;
    let features: Vec<crate::Features> = prepared.iter().map(|p| p.1).collect();
    let cap = model.overlap_bound().ln();
    Ok(overlap
        .estimate(&features)?
        .into_iter()
        .zip(&prepared)
        .map(|(e, (ln_a, _))| ln_a + e.ln_expected().min(cap))
        .collect())
}

/// Proposes backgrounds for `model`'s signal with `net` and `overlap` (on `device`), scoring
/// best-first; `progress(scored, built)` after each batch. Needs draws without replacement and no
/// MCTS (`config.distinct`, `config.mcts_simulations == 0`); `screen` and `keep_below` are not used.
pub fn propose_best_first(
    net: &PolicyValueNet,
    overlap: &OverlapEstimator,
    device: &Device,
    model: &RewardModel,
    config: &ProposeConfig,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Proposal> {
    check_budget(net, model, config)?;
    if !config.distinct || config.mcts_simulations > 0 {
        return Err(Error::Config(
            "best-first scoring draws without replacement from the network: it needs `distinct` and no MCTS"
                .into(),
        ));
    }
    if !(0.0..=1.0).contains(&config.draw_share) {
        return Err(Error::Config(format!(
            "the draws' share of the budget must be in [0, 1] (got {})",
            config.draw_share
        )));
    }
    let start = Instant::now();
    let (sim0, events0) = model.simulation_counts();
    let grammar = model.grammar().as_ref();
    let ga = GaSearchConfig::default();
    let expander = (config.neighbours > 0 || config.considered_mutants > 0)
        .then(|| BackgroundProblem::from_config(grammar, &ga));
    let mut search = Search {
        model,
        overlap,
        config,
        drawer: Drawer::new(net, device, model),
        seen: FxHashSet::default(),
        first_seen: Vec::new(),
        queue: BinaryHeap::new(),
        built: 0,
        chunk_index: 0,
        exhausted: false,
        considered: 0,
    };
    // Mutants per background found: considered (built at the top of the queue) or built as made.
    let (per_find, build_until) = if config.considered_mutants > 0 {
        (config.considered_mutants, None)
    } else {
        (config.neighbours, Some(config.samples))
    };
    let draw_budget = ((config.samples as f64) * config.draw_share).round() as usize;
    while search.built < draw_budget && !search.exhausted {
        search.draw_chunk(draw_budget)?;
        progress(0, search.built as u64);
    }
    let mut kept: Vec<Breakdown> = Vec::new();
    let mut scored: Vec<(u64, usize)> = Vec::new();
    let mut timeline = Vec::new();
    loop {
        if search.queue.is_empty() {
            if search.built < config.samples && !search.exhausted {
                search.draw_chunk(config.samples)?;
                continue;
            }
            break;
        }
        let batch = search.next_batch();
        if batch.is_empty() {
            continue;
        }
        scored.extend(batch.iter().map(|q| (q.hash, search.built)));
        let found = score(model, batch.into_iter().map(|q| q.decay).collect(), &mut kept, &mut |_| {})?;
        if let Some(problem) = &expander {
            for decay in found {
                if search.built >= config.samples {
                    break;
                }
                search.enqueue(mutants(problem, grammar, decay, config, per_find)?, build_until)?;
            }
        }
        timeline.push((scored.len(), start.elapsed().as_secs_f64()));
        progress(scored.len() as u64, search.built as u64);
    }
    sort_breakdowns(&mut kept);
    let (sim1, events1) = model.simulation_counts();
    let ranking = Ranking {
        method: "agent".into(),
        signal: grammar.format_signal(),
        threshold: model.config().threshold,
        backgrounds: kept,
        candidates: search.built as u64,
        evaluations: scored.len() as u64,
        simulated: sim1.saturating_sub(sim0),
        events_simulated: events1.saturating_sub(events0),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok(Proposal {
        ranking,
        first_seen: search.first_seen,
        timeline,
        screened: 0,
        below: Vec::new(),
        scored,
        considered: search.considered,
    })
}

/// What is built and waiting to be scored.
struct Search<'a> {
    model: &'a RewardModel,
    overlap: &'a OverlapEstimator,
    config: &'a ProposeConfig,
    drawer: Drawer<'a>,
    seen: FxHashSet<u64>,
    first_seen: Vec<(u64, usize)>,
    queue: BinaryHeap<Queued>,
    /// Sequences built: draws, and mutants that were new.
    built: usize,
    chunk_index: u64,
    /// The network's whole reachable space has been drawn.
    exhausted: bool,
    /// Mutants made and estimated but not built (yet).
    considered: usize,
}

impl Search<'_> {
    /// Queues the new backgrounds among `decays` with their estimates. With `build_until`, each is
    /// built as it is queued (costing a sequence) until that many sequences are built; without,
    /// each waits unbuilt and costs a sequence only if it reaches the top of the queue while
    /// budget is left.
    fn enqueue(&mut self, decays: Vec<Decay>, build_until: Option<usize>) -> Result<()> {
        let grammar = self.model.grammar();
        let built = build_until.is_some();
        let (mut hashes, mut fresh) = (Vec::new(), Vec::new());
        for d in decays {
            if build_until.is_some_and(|limit| self.built >= limit) {
                break;
            }
            let hash = grammar.canonical_hash(&d);
            if self.seen.insert(hash) {
                if built {
                    self.built += 1;
                    self.first_seen.push((hash, self.built));
                }
                hashes.push(hash);
                fresh.push(d);
            }
        }
        if !built {
            self.considered += fresh.len();
        }
        let keys = estimated_log_rewards(self.model, self.overlap, &fresh)?;
        self.queue.extend(fresh.into_iter().zip(hashes).zip(keys).map(|((decay, hash), key)| Queued {
            key,
            hash,
            decay,
            built,
        }));
        Ok(())
    }

    /// The next candidates to score, best first: up to [`SCORE_BATCH`], building the unbuilt
    /// ones met on the way while budget is left and dropping them once it is spent.
    fn next_batch(&mut self) -> Vec<Queued> {
        let mut batch = Vec::with_capacity(SCORE_BATCH);
        while batch.len() < SCORE_BATCH {
            let Some(q) = self.queue.pop() else { break };
            if !q.built {
                if self.built >= self.config.samples {
                    continue;
                }
                self.considered -= 1;
                self.built += 1;
                self.first_seen.push((q.hash, self.built));
            }
            batch.push(q);
        }
        batch
    }

    /// Draws a chunk (at most up to `limit` sequences) into the queue; every draw costs a sequence.
    fn draw_chunk(&mut self, limit: usize) -> Result<()> {
        let config = self.config;
        let n = config.chunk.min(limit - self.built);
        let sample = SampleConfig {
            count: n,
            batch_size: config.batch_size,
            temperature: config.temperature,
            seed: chunk_seed(config.seed, self.chunk_index),
        };
        self.chunk_index += 1;
        let drawn = self.drawer.draw(&sample, config.order_marking)?;
        self.exhausted |= drawn.draws < n;
        let before = self.built;
        self.enqueue(drawn.decays.into_iter().map(|(_, d, _)| d).collect(), Some(limit))?;
        self.built = before + drawn.draws;
        Ok(())
    }
}
