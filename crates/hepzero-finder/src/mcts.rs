//! Pure Monte-Carlo tree search for backgrounds: the token grammar of hepzero-tokens played as a
//! single-player game with hepzero-mcts, scored at the end by the physics reward of hepzero-reward.
//!
//! Seed 000 (Hijano Mendizabal et al., arXiv:2509.14894) builds a background token by token with
//! AlphaZero; this module is that search with a uniform prior and random playouts (no network), the
//! baseline the agent is measured against and the CLI's `--method mcts`. By default the playouts
//! draw their tokens with the GA's sampler ([`crate::ga`]: decay modes by branching fraction, mixed
//! with flat token weights, [`MctsConfig::playout_mode_weight`]); the tree's prior stays uniform.
//!
//! - [`BackgroundEnv`], the game: state = grammar [`State`] + the token prefix (+ its running FNV-1a hash);
//!   legal actions = the grammar's valid-next mask (no dead ends, so every playout ends in a valid
//!   background); terminal reward = [`RewardModel::evaluate`] of the decoded background, memoised by
//!   token sequence and, below that, by canonical hash (each distinct background is scored once, even
//!   when two threads reach it at the same time). A background the reward model refuses (e.g. a
//!   species the simulation has no mass for) scores 0 and is counted ([`BackgroundEnv::refused`]).
//! - Transpositions: a complete background's key is its canonical hash, so two daughter orders of the
//!   same background share one terminal node. The grammar offers no canonical form of a *partial*
//!   prefix, and the hash of the token prefix would only name the tree path the node already has, so
//!   incomplete prefixes have no key (no merge, no table insert).
//! - [`run_mcts`] plays episodes (one search each, `simulations` per move, temperature choice, tree reuse)
//!   until `sequences` terminal sequences have been built (one per simulation: the playout's end or a
//!   terminal node). Episodes run in rounds of up to [`EPISODES_PER_ROUND`] in parallel (fewer when
//!   the budget left is less than that many times `simulations`); episode `i` draws
//!   from stream `i` of the seed and is capped with the budget left at the start of its round, and
//!   episodes are merged in index order, so the result does not depend on the thread count.

use crate::ga::BackgroundProblem;
use crate::ranking::sort_breakdowns;
use crate::{Error, Ranking, Result};
use hepzero_mcts::{ActionMask, Environment, Normalisation, Search, SearchConfig, UniformEvaluator};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::{BitMask, Grammar, State, TokenId};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// Episodes started together (a constant, not the thread count, so results are thread-independent).
pub const EPISODES_PER_ROUND: usize = 8;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// MCTS settings (serde, so a runcard can carry them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MctsConfig {
    /// Terminal sequences to build in total (the seed's budget per signal: 100,000).
    pub sequences: u64,
    /// Simulations per move of an episode (default 5: many short episodes found the most oracle
    /// backgrounds; one long search concentrates on a few); at least `sequences` spends the whole
    /// budget on one search from the empty background.
    pub simulations: u64,
    /// Temperature of the move choice (visits^(1/T)); 0 plays the most visited move.
    pub temperature: f64,
    /// Seed of every random choice (noise, playouts, moves); episode `i` uses stream `i`.
    pub seed: u64,
    /// The PUCT search.
    pub search: SearchConfig,
    /// Terminal reward of a background already reached, as a fraction of its reward: reached by an
    /// earlier round of episodes, or earlier in the same episode (1: every visit scores the full
    /// reward). The finder's product is the set of backgrounds above threshold, so one already
    /// found should stop pulling visits into its subtree. A terminal node of the tree keeps the value
    /// of its first visit (the engine stores it); playouts that end on a known background see the
    /// reduced reward.
    pub revisit_reward: f64,
    /// Playout policy: `None` plays uniformly among the legal tokens (the engine's random
    /// playout); `Some(w)` draws playout tokens with the GA's sampler at mode weight `w`
    /// ([`crate::GaSearchConfig::mode_weight`]: decay modes by branching fraction, mixed with flat
    /// token weights). The tree's prior stays uniform either way.
    pub playout_mode_weight: Option<f64>,
}

impl Default for MctsConfig {
    fn default() -> Self {
        Self {
            sequences: 100_000,
            simulations: 5,
            temperature: 1.0,
            seed: 0,
            search: default_search(),
            revisit_reward: 0.1,
            playout_mode_weight: Some(0.5),
        }
    }
}

/// The search settings of the pure background search: one leaf per evaluator call (the uniform
/// evaluator costs nothing, and batches only dilute the statistics), one playout per leaf, every
/// terminal recorded, ranked reward (alpha 0.75, window 256), the engine's `c_puct` 1.25. Measured on
/// `B0 -> K+ pi-` at 100,000 sequences, seeds 0-4 (`docs/benchmarks.md`, hepzero-mcts): with 5
/// simulations per move this is tied for the best mean recall (124.2 of 176 oracle backgrounds, as
/// log min-max with `c_puct` 4), and at 20 simulations per move ranked reward is ahead in 5 of 5 seeds.
pub fn default_search() -> SearchConfig {
    SearchConfig {
        batch_size: 1,
        rollouts: 1,
        record_terminals: true,
        normalisation: Normalisation::Ranked { alpha: 0.75, window: 256 },
        ..SearchConfig::default()
    }
}

/// Search state: grammar state, token prefix, FNV-1a hash of the prefix (equal to
/// `hepzero_tokens::hash_tokens` of the tokens).
#[derive(Clone, Debug)]
pub struct BgState {
    grammar: State,
    tokens: Vec<TokenId>,
    hash: u64,
}

impl BgState {
    /// The background tokens so far (END included once complete).
    pub fn tokens(&self) -> &[TokenId] {
        &self.tokens
    }

    /// Whether the background is complete.
    pub fn is_complete(&self) -> bool {
        self.grammar.is_complete()
    }

    /// The grammar's state after these tokens (for the valid-next mask a network needs).
    pub fn grammar_state(&self) -> &State {
        &self.grammar
    }
}

/// What is known about one complete token sequence.
#[derive(Clone, Copy, Debug)]
struct SeqEntry {
    canonical: u64,
    reward: f64,
}

/// What is known about one distinct background.
#[derive(Clone, Debug)]
struct BgEntry {
    reward: f64,
    /// The breakdown, kept only when exact and at or above the threshold.
    kept: Option<Breakdown>,
}

/// The background grammar as an [`Environment`], rewards memoised and shared by every search on it.
pub struct BackgroundEnv<'m> {
    model: &'m RewardModel,
    grammar: &'m Grammar,
    threshold: f64,
    num_actions: usize,
    by_sequence: Mutex<FxHashMap<u64, SeqEntry>>,
    by_background: Mutex<FxHashMap<u64, Arc<OnceLock<BgEntry>>>>,
    evaluations: AtomicU64,
    refused: Mutex<(u64, Option<String>)>,
    first_error: Mutex<Option<Error>>,
    playout: Option<BackgroundProblem<'m>>,
}

thread_local! {
    static SCRATCH: RefCell<BitMask> = RefCell::new(BitMask::new(0));
}

impl<'m> BackgroundEnv<'m> {
    /// The environment of `model`'s signal, with uniform random playouts.
    pub fn new(model: &'m RewardModel) -> Self {
        Self::with_playout(model, None)
    }

    /// The environment of `model`'s signal; `Some(w)`: playouts draw tokens with the GA's sampler
    /// at mode weight `w` (see [`MctsConfig::playout_mode_weight`]).
    pub fn with_playout(model: &'m RewardModel, mode_weight: Option<f64>) -> Self {
        let grammar = model.grammar().as_ref();
        Self {
            model,
            grammar,
            threshold: model.config().threshold,
            num_actions: grammar.vocab().len(),
            by_sequence: Mutex::new(FxHashMap::default()),
            by_background: Mutex::new(FxHashMap::default()),
            evaluations: AtomicU64::new(0),
            refused: Mutex::new((0, None)),
            first_error: Mutex::new(None),
            playout: mode_weight.map(|w| BackgroundProblem::with_mode_weight(grammar, w)),
        }
    }

    /// Distinct backgrounds scored so far.
    pub fn evaluations(&self) -> u64 {
        self.evaluations.load(Ordering::Relaxed)
    }

    /// Distinct backgrounds the reward model refused to score (they count as reward 0), and the
    /// first refusal's message.
    pub fn refused(&self) -> (u64, Option<String>) {
        self.refused.lock().map(|r| r.clone()).unwrap_or((0, None))
    }

    /// The first error met while decoding or scoring (the search saw reward 0 for it).
    pub fn take_error(&self) -> Option<Error> {
        self.first_error.lock().ok().and_then(|mut e| e.take())
    }

    /// The breakdown of a background already seen, if it is exact and at or above the threshold.
    pub fn kept(&self, canonical: u64) -> Option<Breakdown> {
        let cell = self.by_background.lock().ok()?.get(&canonical).cloned()?;
        cell.get().and_then(|e| e.kept.clone())
    }

    /// Every background scored so far that is exact and at or above the threshold, in no
    /// particular order (the search's whole harvest, not only the sequences its moves ended on).
    pub fn kept_all(&self) -> Vec<Breakdown> {
        let cells: Vec<_> =
            self.by_background.lock().map(|m| m.values().cloned().collect()).unwrap_or_default();
        cells.iter().filter_map(|c| c.get().and_then(|e| e.kept.clone())).collect()
    }

    /// Canonical hash of a complete token sequence already resolved.
    fn canonical_of(&self, actions: &[u32]) -> Option<u64> {
        let mut h = FNV_OFFSET;
        for &a in actions {
            for b in u16::try_from(a).ok()?.to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(FNV_PRIME);
            }
        }
        self.by_sequence.lock().ok()?.get(&h).map(|e| e.canonical)
    }

    fn fail(&self, e: Error) {
        if let Ok(mut slot) = self.first_error.lock()
            && slot.is_none()
        {
            *slot = Some(e);
        }
    }

    /// Canonical hash and reward of a complete sequence (memoised).
    fn resolve(&self, state: &BgState) -> SeqEntry {
        if let Some(hit) = self.by_sequence.lock().ok().and_then(|m| m.get(&state.hash).copied()) {
            return hit;
        }
        let entry = match self.grammar.decode_background(&state.tokens) {
            Ok(decay) => {
                let canonical = self.grammar.canonical_hash(&decay);
                let cell = self
                    .by_background
                    .lock()
                    .map(|mut m| m.entry(canonical).or_default().clone())
                    .unwrap_or_default();
                // One thread scores a background; another reaching it meanwhile waits for the result.
                let bg = cell.get_or_init(|| {
                    self.evaluations.fetch_add(1, Ordering::Relaxed);
                    match self.model.evaluate(&decay) {
                        Ok(b) => {
                            let keep = b.is_exact() && b.reward >= self.threshold;
                            BgEntry { reward: b.reward, kept: keep.then_some(b) }
                        }
                        // A background the reward cannot score (e.g. a species without a mass in the
                        // simulation's particle table) scores 0 and is counted; the search goes on.
                        Err(e) => {
                            if let Ok(mut r) = self.refused.lock() {
                                r.0 += 1;
                                r.1.get_or_insert_with(|| e.to_string());
                            }
                            BgEntry { reward: 0.0, kept: None }
                        }
                    }
                });
                SeqEntry { canonical, reward: bg.reward }
            }
            Err(e) => {
                self.fail(e.into());
                SeqEntry { canonical: state.hash, reward: 0.0 }
            }
        };
        if let Ok(mut m) = self.by_sequence.lock() {
            m.insert(state.hash, entry);
        }
        entry
    }
}

impl Environment for BackgroundEnv<'_> {
    type State = BgState;

    fn num_actions(&self) -> usize {
        self.num_actions
    }

    fn initial_state(&self) -> BgState {
        BgState { grammar: self.grammar.initial_state(), tokens: Vec::new(), hash: FNV_OFFSET }
    }

    fn legal_actions(&self, state: &BgState, mask: &mut ActionMask) {
        SCRATCH.with(|s| {
            let mut bits = s.borrow_mut();
            self.grammar.valid_next_into(&state.grammar, &mut bits);
            for (i, &w) in bits.words().iter().enumerate() {
                let mut w = w;
                while w != 0 {
                    mask.set((i * 64) as u32 + w.trailing_zeros());
                    w &= w - 1;
                }
            }
        });
    }

    fn apply(&self, state: &mut BgState, action: u32) {
        let Ok(id) = u16::try_from(action) else { return };
        let t = TokenId(id);
        if self.grammar.push(&mut state.grammar, t).is_ok() {
            state.tokens.push(t);
            for b in id.to_le_bytes() {
                state.hash ^= u64::from(b);
                state.hash = state.hash.wrapping_mul(FNV_PRIME);
            }
        }
    }

    fn is_terminal(&self, state: &BgState) -> bool {
        state.grammar.is_complete()
    }

    fn terminal_reward(&self, state: &BgState) -> f64 {
        if state.grammar.is_complete() { self.resolve(state).reward } else { 0.0 }
    }

    fn transposition_key(&self, state: &BgState) -> Option<u64> {
        state.grammar.is_complete().then(|| self.resolve(state).canonical)
    }

    fn has_playout_policy(&self) -> bool {
        self.playout.is_some()
    }

    fn playout_action(&self, state: &BgState, _mask: &ActionMask, u: f64) -> Option<u32> {
        let p = self.playout.as_ref()?;
        p.choose(&state.grammar, &state.tokens, None, None, u).map(|t| u32::from(t.0))
    }
}

/// One episode's view of the environment: terminal rewards of backgrounds already reached (by an
/// earlier round, or earlier in this episode) are scaled by `factor`. Everything else is the shared
/// [`BackgroundEnv`]. The known set is fixed for a round and the episode's own set is filled by its
/// single sequential search, so rewards do not depend on how episodes are scheduled.
struct EpisodeEnv<'a, 'm> {
    base: &'a BackgroundEnv<'m>,
    known: &'a FxHashSet<u64>,
    mine: Mutex<FxHashSet<u64>>,
    factor: f64,
}

impl Environment for EpisodeEnv<'_, '_> {
    type State = BgState;

    fn num_actions(&self) -> usize {
        self.base.num_actions()
    }

    fn initial_state(&self) -> BgState {
        self.base.initial_state()
    }

    fn legal_actions(&self, state: &BgState, mask: &mut ActionMask) {
        self.base.legal_actions(state, mask);
    }

    fn apply(&self, state: &mut BgState, action: u32) {
        self.base.apply(state, action);
    }

    fn is_terminal(&self, state: &BgState) -> bool {
        self.base.is_terminal(state)
    }

    fn terminal_reward(&self, state: &BgState) -> f64 {
        if !state.grammar.is_complete() {
            return 0.0;
        }
        let e = self.base.resolve(state);
        if self.factor >= 1.0 {
            return e.reward;
        }
        let new = !self.known.contains(&e.canonical)
            && self.mine.lock().map(|mut m| m.insert(e.canonical)).unwrap_or(true);
        if new { e.reward } else { e.reward * self.factor }
    }

    fn transposition_key(&self, state: &BgState) -> Option<u64> {
        self.base.transposition_key(state)
    }

    fn has_playout_policy(&self) -> bool {
        self.base.has_playout_policy()
    }

    fn playout_action(&self, state: &BgState, mask: &ActionMask, u: f64) -> Option<u32> {
        self.base.playout_action(state, mask, u)
    }
}

/// Distinct backgrounds (canonical hashes) one episode reached, and the simulations it used.
struct EpisodeResult {
    found: Vec<u64>,
    simulations: u64,
}

fn episode(
    base: &BackgroundEnv<'_>,
    known: &FxHashSet<u64>,
    config: &MctsConfig,
    index: u64,
    cap: u64,
) -> Result<EpisodeResult> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(index);
    let env =
        EpisodeEnv { base, known, mine: Mutex::new(FxHashSet::default()), factor: config.revisit_reward };
    let mut search = Search::new(&env, config.search.clone(), rng).map_err(mcts_error)?;
    let per_move = config.simulations.max(1);
    while !search.root_is_terminal() {
        let used = search.stats().simulations;
        if used >= cap {
            break;
        }
        search.run(&UniformEvaluator, per_move.min(cap - used)).map_err(mcts_error)?;
        let Some(action) = search.choose_action(config.temperature) else { break };
        search.advance(action).map_err(mcts_error)?;
    }
    // The terminal records hold the action sequence; its FNV hash names the memo entry.
    let found: Vec<u64> = search.terminals().filter_map(|t| base.canonical_of(&t.tokens)).collect();
    Ok(EpisodeResult { found, simulations: search.stats().simulations })
}

fn mcts_error(e: hepzero_mcts::Error) -> Error {
    Error::Config(format!("search: {e}"))
}

/// Runs pure MCTS (uniform prior, random playouts) on `model`'s signal until `config.sequences`
/// terminal sequences have been built, and ranks every distinct background reached whose reward is
/// exact and at least the model's threshold, in the oracle's form (`method = "mcts"`).
///
/// `progress(done, total)` is called after each round of episodes with the sequences built so far.
/// Work is spread over the current rayon pool; the result does not depend on its size.
pub fn run_mcts(
    model: &RewardModel,
    config: &MctsConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Ranking> {
    run_mcts_with_stats(model, config, progress).map(|(ranking, _)| ranking)
}

/// What a run of [`run_mcts`] did beyond its ranking.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MctsStats {
    /// Terminal sequences built by the episodes kept (each episode is capped by the budget left when
    /// its round started, so the last one may pass the total by at most one episode's share).
    pub sequences: u64,
    /// Episodes kept.
    pub episodes: u64,
    /// Distinct backgrounds the reward model refused to score (counted as reward 0).
    pub refused: u64,
    /// The first refusal's message.
    pub first_refusal: Option<String>,
}

/// [`run_mcts`], with its counters.
pub fn run_mcts_with_stats(
    model: &RewardModel,
    config: &MctsConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Ranking, MctsStats)> {
    if config.sequences == 0 {
        return Err(Error::Config("MCTS needs a budget of at least one sequence".into()));
    }
    if !(config.temperature.is_finite() && config.temperature >= 0.0) {
        return Err(Error::Config(format!(
            "temperature {} must be a non-negative number",
            config.temperature
        )));
    }
    config.search.validate().map_err(mcts_error)?;
    if !(config.revisit_reward >= 0.0 && config.revisit_reward <= 1.0) {
        return Err(Error::Config(format!("revisit reward {} must be in [0, 1]", config.revisit_reward)));
    }
    if let Some(w) = config.playout_mode_weight
        && !(0.0..=1.0).contains(&w)
    {
        return Err(Error::Config(format!("playout mode weight {w} must be in [0, 1]")));
    }
    let start = Instant::now();
    let (sim0, events0) = model.simulation_counts();
    let env = BackgroundEnv::with_playout(model, config.playout_mode_weight);
    let mut used = 0u64;
    let mut next = 0u64;
    let mut found: FxHashSet<u64> = FxHashSet::default();
    let mut episodes = 0u64;
    while used < config.sequences {
        let cap = config.sequences - used;
        // Episodes use at least `simulations` each: start no more than the budget left can use.
        let round = cap.div_ceil(config.simulations.max(1)).min(EPISODES_PER_ROUND as u64);
        let indices: Vec<u64> = (next..next + round).collect();
        next += round;
        let results: Vec<Result<EpisodeResult>> =
            indices.par_iter().map(|&i| episode(&env, &found, config, i, cap)).collect();
        if let Some(e) = env.take_error() {
            return Err(e);
        }
        for r in results {
            let r = r?;
            episodes += 1;
            found.extend(r.found);
            used += r.simulations;
            if used >= config.sequences {
                break;
            }
            if r.simulations == 0 {
                return Err(Error::Config(
                    "an episode made no simulation (the grammar offers no token)".into(),
                ));
            }
        }
        progress(used.min(config.sequences), config.sequences);
    }
    let mut backgrounds: Vec<Breakdown> = found.iter().filter_map(|&h| env.kept(h)).collect();
    sort_breakdowns(&mut backgrounds);
    let (sim1, events1) = model.simulation_counts();
    let (refused, first_refusal) = env.refused();
    let stats = MctsStats { sequences: used, episodes, refused, first_refusal };
    let ranking = Ranking {
        method: "mcts".into(),
        signal: model.grammar().format_signal(),
        threshold: model.config().threshold,
        backgrounds,
        candidates: found.len() as u64,
        evaluations: env.evaluations(),
        simulated: sim1.saturating_sub(sim0),
        events_simulated: events1.saturating_sub(events0),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((ranking, stats))
}
