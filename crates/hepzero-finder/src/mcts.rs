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
//!   terminal node). Episode `i` draws from stream `i` of the seed.
//! - By default ([`MctsConfig::distinct_sequences`]) every sequence built is new: the playouts draw
//!   **without replacement** (Shi, Bieber, Singh, ICML 2020, arXiv:2002.09067) from the playout
//!   policy's per-token probabilities ([`Environment::playout_policy`]: the GA sampler's, computed
//!   here by `TablePolicy`, or uniform), through one `hepzero_mcts::DrawTrie` shared by all the
//!   episodes of the run; subtrees whose sequences were all built are skipped (MCTS-Solver style),
//!   and the run stops if the grammar is enumerated. The finder's product is the *set* of
//!   backgrounds above threshold, and with replacement most of the budget re-built the same
//!   high-branching-fraction chains (`docs/benchmarks.md`). The episodes then run one after another
//!   (each sees the trie its predecessors left), so the result does not depend on the thread count.
//!   Two token orders of one background are two sequences; distinct backgrounds are counted by
//!   canonical hash.
//! - Without it, episodes run in rounds of up to [`EPISODES_PER_ROUND`] in parallel (fewer when
//!   the budget left is less than that many times `simulations`); each is capped with the budget
//!   left at the start of its round, and episodes are merged in index order, so the result does not
//!   depend on the thread count either.

use crate::ga::BackgroundProblem;
use crate::ranking::sort_breakdowns;
use crate::{Error, Ranking, Result};
use hepzero_mcts::{
    ActionMask, DrawTrie, Environment, Normalisation, Search, SearchConfig, UniformEvaluator,
};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::{
    AS_ITSELF, AS_SPECIES, BitMask, CLOSE, Decay, END, Grammar, Node, OPEN, ParticleId, State, TokenId,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
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
    /// Simulations per move of an episode (default 5: with replacement, many short episodes found
    /// the most oracle backgrounds and one long search the fewest; drawing without replacement,
    /// 1, 5, 20 and 50 per move are within a few backgrounds of each other at partial budgets, 5
    /// slightly ahead over both signals and seeds 0-1, and every setting enumerates both test
    /// grammars within 100,000 sequences; `docs/benchmarks.md`); at least `sequences` spends the
    /// whole budget on one search from the empty background.
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
    /// Draw every playout **without replacement** (hepzero-mcts's `DrawTrie`, Shi et al. 2020): one
    /// trie of the sequences built, shared by every episode of the run, so each playout ends on a
    /// token sequence never built before (the playout policy conditioned on "not built yet"), and
    /// subtrees whose sequences were all built are skipped by the tree and by the move choice. The
    /// run stops early when the whole grammar is enumerated. Episodes then run one after another
    /// (each sees the trie its predecessors left), so only the reward's own parallelism is used.
    pub distinct_sequences: bool,
    /// With `distinct_sequences`: once a background is built in one daughter order, its other
    /// orders count as built too (they are the same background), so the budget goes to
    /// backgrounds not reached in any order. Orders marked this way are not counted in `sequences`.
    pub mark_equivalent_orders: bool,
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
            distinct_sequences: true,
            mark_equivalent_orders: true,
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
    policy: Option<TablePolicy<'m>>,
    orders: bool,
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
            policy: mode_weight.map(|w| TablePolicy::new(grammar, w)),
            orders: true,
        }
    }

    /// Whether [`Environment::equivalent_sequences`] offers the other daughter orders of a
    /// complete background (default: yes), so that a search drawing without replacement builds
    /// each background in one order only.
    pub fn with_equivalent_orders(mut self, on: bool) -> Self {
        self.orders = on;
        self
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

    fn playout_policy(&self, state: &BgState, mask: &ActionMask, out: &mut Vec<(u32, f64)>) -> bool {
        match &self.policy {
            Some(p) => p.probabilities(&state.grammar, &state.tokens, mask, out),
            None => false,
        }
    }

    /// The other daughter orders of a complete background (every vertex's daughters permuted,
    /// at most [`MAX_ORDERS`]), as token sequences.
    fn equivalent_sequences(&self, state: &BgState, out: &mut Vec<Vec<u32>>) {
        if !(self.orders && state.grammar.is_complete()) {
            return;
        }
        let Ok(decay) = self.grammar.decode_background(&state.tokens) else { return };
        let mut seen: FxHashSet<Vec<TokenId>> = FxHashSet::default();
        seen.insert(state.tokens.clone());
        for d in daughter_orders(&decay, MAX_ORDERS) {
            let tokens = self.grammar.background_tokens(&d);
            if seen.insert(tokens.clone()) {
                out.push(tokens.iter().map(|t| u32::from(t.0)).collect());
            }
        }
    }
}

/// Most daughter orders of one background marked as drawn (a 5-body vertex with a 3-body sub-decay
/// has 720).
const MAX_ORDERS: usize = 1024;

/// The trees equal to `d` up to the order of the daughters at each vertex (at most `limit`; equal
/// daughters give repeated trees).
fn daughter_orders(d: &Decay, limit: usize) -> Vec<Decay> {
    let variants: Vec<Vec<Node>> = d
        .daughters
        .iter()
        .map(|n| match n {
            Node::Final { .. } => vec![n.clone()],
            Node::Decay(sub) => daughter_orders(sub, limit).into_iter().map(Node::Decay).collect(),
        })
        .collect();
    let mut out = Vec::new();
    let mut order: Vec<usize> = (0..variants.len()).collect();
    permute(&mut order, 0, &mut |order| {
        // Every choice of variant for each daughter, in this order.
        let mut pick = vec![0usize; order.len()];
        loop {
            if out.len() >= limit {
                return;
            }
            let daughters = order.iter().zip(&pick).map(|(&i, &k)| variants[i][k].clone()).collect();
            out.push(Decay { parent: d.parent, daughters });
            // Next combination (odometer).
            let mut j = 0;
            while j < pick.len() {
                pick[j] += 1;
                if pick[j] < variants[order[j]].len() {
                    break;
                }
                pick[j] = 0;
                j += 1;
            }
            if j == pick.len() {
                return;
            }
        }
    });
    out
}

/// Calls `f` with every permutation of `items[k..]` (items before `k` fixed).
fn permute(items: &mut Vec<usize>, k: usize, f: &mut dyn FnMut(&[usize])) {
    if k + 1 >= items.len() {
        f(items);
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permute(items, k + 1, f);
        items.swap(k, i);
    }
}

/// Flat weight of END and CLOSE, and of "reconstructed as itself", against 1 for any other token:
/// the GA sampler's flat weights ([`crate::ga`]), so that a playout drawn token by token from
/// [`TablePolicy`] has the distribution of [`BackgroundProblem`]'s sampler.
const FLAT_CLOSE: f64 = 4.0;
const FLAT_AS_ITSELF: f64 = 2.0;

/// A vertex's proposal: (daughter, weight) sorted by daughter, and the weight of closing it.
type Proposal = (Vec<(ParticleId, f64)>, f64);
/// (parent, its daughters so far, sorted).
type ProposalKey = (u16, Vec<u16>);

/// The per-token probabilities of the GA's table-weighted sampler (which only returns a sampled
/// token): flat token weights, mixed at `mode_weight` with the decay table's proposal where a
/// daughter (or the end of a vertex) comes next. The proposal at a vertex draws one of the parent's
/// modes containing the daughters so far by branching fraction, then one of its remaining daughters
/// uniformly (closing the vertex when none remain). Drawing without replacement needs each token's
/// probability; a unit test checks this against the sampler's choices.
struct TablePolicy<'g> {
    grammar: &'g Grammar,
    mode_weight: f64,
    /// (parent, sorted daughters so far) -> (daughter, weight) sorted by daughter, and the weight of
    /// closing the vertex.
    proposals: RwLock<FxHashMap<ProposalKey, Arc<Proposal>>>,
}

impl<'g> TablePolicy<'g> {
    fn new(grammar: &'g Grammar, mode_weight: f64) -> Self {
        let mode_weight = if mode_weight.is_finite() { mode_weight.clamp(0.0, 1.0) } else { 0.0 };
        Self { grammar, mode_weight, proposals: RwLock::new(FxHashMap::default()) }
    }

    /// The vertex whose next daughter (or end) the next token is, and its daughters so far; `None`
    /// when a parent, an arrow or a reconstruction comes next.
    fn open_vertex(&self, tokens: &[TokenId]) -> Option<(ParticleId, Vec<u16>)> {
        let vocab = self.grammar.vocab();
        let mut stack: Vec<(ParticleId, Vec<u16>)> = Vec::new();
        let mut prev: Option<TokenId> = None;
        // Whether the last token was a final-state daughter (its reconstruction comes next).
        let mut awaiting_recon = false;
        for &t in tokens {
            awaiting_recon = false;
            match t {
                CLOSE | END => {
                    stack.pop();
                }
                _ => {
                    if let Some(p) = vocab.token_particle(t)
                        && prev != Some(AS_SPECIES)
                    {
                        match stack.last_mut() {
                            None => stack.push((p, Vec::new())),
                            Some(top) => {
                                top.1.push(p.0);
                                if prev == Some(OPEN) {
                                    stack.push((p, Vec::new()));
                                } else {
                                    awaiting_recon = true;
                                }
                            }
                        }
                    }
                }
            }
            prev = Some(t);
        }
        if awaiting_recon || prev.is_none_or(|t| t == AS_SPECIES) {
            return None;
        }
        let (parent, mut so_far) = stack.pop()?;
        so_far.sort_unstable();
        Some((parent, so_far))
    }

    /// The decay-table proposal at a vertex (memoised).
    fn proposal(&self, parent: ParticleId, so_far: Vec<u16>) -> Arc<Proposal> {
        let key = (parent.0, so_far);
        if let Some(p) = self.proposals.read().ok().and_then(|m| m.get(&key).cloned()) {
            return p;
        }
        let mut weights: FxHashMap<ParticleId, f64> = FxHashMap::default();
        let mut close = 0.0;
        let mut rest: Vec<ParticleId> = Vec::new();
        for mode in self.grammar.vocab().modes(parent) {
            if mode.br.is_nan() || mode.br <= 0.0 {
                continue;
            }
            // Daughters of the mode left once the daughters so far are taken out (both sorted).
            rest.clear();
            let mut want = key.1.iter().peekable();
            for &d in &mode.daughters {
                if want.peek().is_some_and(|&&w| w == d.0) {
                    want.next();
                } else {
                    rest.push(d);
                }
            }
            if want.peek().is_some() {
                continue;
            }
            if rest.is_empty() {
                close += mode.br;
            } else {
                let share = mode.br / rest.len() as f64;
                for &d in &rest {
                    *weights.entry(d).or_default() += share;
                }
            }
        }
        let mut next: Vec<(ParticleId, f64)> = weights.into_iter().collect();
        next.sort_unstable_by_key(|x| x.0);
        let p = Arc::new((next, close));
        if let Ok(mut m) = self.proposals.write() {
            m.insert(key, p.clone());
        }
        p
    }

    /// `(token, probability)` for every token of `mask` after `tokens` (grammar state `state`).
    fn probabilities(
        &self,
        state: &State,
        tokens: &[TokenId],
        mask: &ActionMask,
        out: &mut Vec<(u32, f64)>,
    ) -> bool {
        let flat = |a: u32| match TokenId(a as u16) {
            END | CLOSE => FLAT_CLOSE,
            AS_ITSELF => FLAT_AS_ITSELF,
            _ => 1.0,
        };
        out.extend(mask.iter().map(|a| (a, flat(a))));
        let vocab = self.grammar.vocab();
        if self.mode_weight > 0.0
            && let Some((parent, so_far)) = self.open_vertex(tokens)
        {
            let prop = self.proposal(parent, so_far);
            let weight =
                |p: ParticleId| prop.0.binary_search_by_key(&p, |x| x.0).map_or(0.0, |i| prop.0[i].1);
            let mut by_br: Vec<f64> = Vec::with_capacity(out.len());
            for &(a, _) in out.iter() {
                let t = TokenId(a as u16);
                let w = match t {
                    END | CLOSE => prop.1,
                    OPEN => {
                        // The particles that may open a sub-decay here.
                        let mut s = state.clone();
                        if self.grammar.push(&mut s, OPEN).is_ok() {
                            self.grammar
                                .valid_next(&s)
                                .iter()
                                .filter_map(|x| vocab.token_particle(x))
                                .map(weight)
                                .sum()
                        } else {
                            0.0
                        }
                    }
                    t => vocab.token_particle(t).map_or(0.0, weight),
                };
                by_br.push(w);
            }
            let bs: f64 = by_br.iter().sum();
            let fs: f64 = out.iter().map(|x| x.1).sum();
            if bs > 0.0 && fs > 0.0 {
                let m = self.mode_weight;
                for (x, b) in out.iter_mut().zip(&by_br) {
                    x.1 = m * b / bs + (1.0 - m) * x.1 / fs;
                }
            }
        }
        let total: f64 = out.iter().map(|x| x.1).sum();
        if !(total > 0.0 && total.is_finite()) {
            out.clear();
            return false;
        }
        out.iter_mut().for_each(|x| x.1 /= total);
        true
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

    fn playout_policy(&self, state: &BgState, mask: &ActionMask, out: &mut Vec<(u32, f64)>) -> bool {
        self.base.playout_policy(state, mask, out)
    }

    fn equivalent_sequences(&self, state: &BgState, out: &mut Vec<Vec<u32>>) {
        self.base.equivalent_sequences(state, out);
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
    draws: &mut Option<DrawTrie>,
) -> Result<EpisodeResult> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(index);
    let env =
        EpisodeEnv { base, known, mine: Mutex::new(FxHashSet::default()), factor: config.revisit_reward };
    let mut search = Search::new(&env, config.search.clone(), rng).map_err(mcts_error)?;
    if let Some(trie) = draws.take() {
        search.attach_draws(trie).map_err(mcts_error)?;
    }
    let result = play(&mut search, base, config, cap);
    *draws = search.detach_draws();
    result
}

fn play(
    search: &mut Search<'_, EpisodeEnv<'_, '_>>,
    base: &BackgroundEnv<'_>,
    config: &MctsConfig,
    cap: u64,
) -> Result<EpisodeResult> {
    let per_move = config.simulations.max(1);
    while !search.root_is_terminal() && !search.is_exhausted() {
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
    /// With `distinct_sequences`: every token sequence of the grammar was built before the budget
    /// was spent (the search stopped early).
    pub enumerated: bool,
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
    let env = BackgroundEnv::with_playout(model, config.playout_mode_weight)
        .with_equivalent_orders(config.mark_equivalent_orders);
    let mut used = 0u64;
    let mut next = 0u64;
    let mut found: FxHashSet<u64> = FxHashSet::default();
    let mut episodes = 0u64;
    let mut enumerated = false;
    if config.distinct_sequences {
        // One trie for the whole run, so episodes run one after another, in index order.
        let mut draws = Some(DrawTrie::new());
        while used < config.sequences {
            if draws.as_ref().is_some_and(|t| t.is_exhausted(DrawTrie::ROOT)) {
                enumerated = true;
                break;
            }
            let r = episode(&env, &found, config, next, config.sequences - used, &mut draws)?;
            next += 1;
            if let Some(e) = env.take_error() {
                return Err(e);
            }
            episodes += 1;
            found.extend(r.found);
            used += r.simulations;
            let exhausted = draws.as_ref().is_none_or(|t| t.is_exhausted(DrawTrie::ROOT));
            if r.simulations == 0 && !exhausted {
                return Err(Error::Config(
                    "an episode made no simulation (the grammar offers no token)".into(),
                ));
            }
            if episodes.is_multiple_of(EPISODES_PER_ROUND as u64) || used >= config.sequences {
                progress(used.min(config.sequences), config.sequences);
            }
        }
    }
    while !config.distinct_sequences && used < config.sequences {
        let cap = config.sequences - used;
        // Episodes use at least `simulations` each: start no more than the budget left can use.
        let round = cap.div_ceil(config.simulations.max(1)).min(EPISODES_PER_ROUND as u64);
        let indices: Vec<u64> = (next..next + round).collect();
        next += round;
        let results: Vec<Result<EpisodeResult>> =
            indices.par_iter().map(|&i| episode(&env, &found, config, i, cap, &mut None)).collect();
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
    let stats = MctsStats { sequences: used, episodes, refused, first_refusal, enumerated };
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

#[cfg(test)]
mod tests {
    use super::*;
    use hepzero_reward::{MisIdMatrix, Production};
    use hepzero_tokens::Vocabulary;
    use rand::Rng;

    /// The GA's sampler returns token `i` of the legal tokens (in order) for `u` in
    /// `[P_<i, P_<i + p_i)`: so at the middle of each interval that [`TablePolicy`] computes, the
    /// sampler must return that token. Checked along random walks of the sampler itself, where the
    /// decay-table proposal is mixed in (daughters, sub-decays, vertex ends).
    #[test]
    fn table_policy_gives_the_probabilities_of_the_ga_sampler() {
        let production = Production::lhcb_default();
        let misid = MisIdMatrix::lhcb_default();
        let config = crate::all_measured_parents_limits(&production, &misid);
        let vocab = Arc::new(Vocabulary::lhcb_default().unwrap());
        let grammar = Grammar::new(vocab, "B0 -> K+ pi- pi0", config).unwrap();
        let sampler = BackgroundProblem::with_mode_weight(&grammar, 0.5);
        let policy = TablePolicy::new(&grammar, 0.5);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (mut checked, mut mixed) = (0usize, 0usize);
        for _ in 0..60 {
            let mut state = grammar.initial_state();
            let mut tokens: Vec<TokenId> = Vec::new();
            while !state.is_complete() {
                let bits = grammar.valid_next(&state);
                let mut mask = ActionMask::new(grammar.vocab().len());
                for t in bits.iter() {
                    mask.set(u32::from(t.0));
                }
                let mut probs = Vec::new();
                assert!(policy.probabilities(&state, &tokens, &mask, &mut probs));
                let total: f64 = probs.iter().map(|x| x.1).sum();
                assert!((total - 1.0).abs() < 1e-9);
                let flat = |a: u32| match TokenId(a as u16) {
                    END | CLOSE => FLAT_CLOSE,
                    AS_ITSELF => FLAT_AS_ITSELF,
                    _ => 1.0,
                };
                let flat_sum: f64 = probs.iter().map(|&(a, _)| flat(a)).sum();
                let flat_only = probs.iter().all(|&(a, p)| (p - flat(a) / flat_sum).abs() < 1e-12);
                mixed += usize::from(!flat_only);
                let mut below = 0.0;
                for &(a, p) in &probs {
                    if p > 1e-9 {
                        let got = sampler.choose(&state, &tokens, None, None, below + p / 2.0);
                        assert_eq!(got, Some(TokenId(a as u16)), "after {tokens:?}: p = {p}");
                        checked += 1;
                    }
                    below += p;
                }
                let t = sampler.choose(&state, &tokens, None, None, rng.random::<f64>()).unwrap();
                grammar.push(&mut state, t).unwrap();
                tokens.push(t);
            }
        }
        assert!(
            checked > 1000 && mixed > 100,
            "{checked} tokens checked, {mixed} states with the table mixed in"
        );
    }
}
