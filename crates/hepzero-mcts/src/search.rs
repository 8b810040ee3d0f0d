//! PUCT search (AlphaZero: Silver et al., Science 362 (2018) 1140) for single-player games with a
//! terminal reward, with batched leaf evaluation under virtual loss, transpositions, rollouts, root
//! Dirichlet noise, temperature-based action choice and tree reuse between moves.
//!
//! One simulation descends from the root choosing `argmax Q + c_puct P sqrt(N) / (1 + n)` until it
//! reaches a node that is new (sent to the evaluator), terminal (its value is backed up at once) or
//! already waiting for the evaluator (a collision: the simulation is dropped, not counted). Virtual
//! loss (each in-flight simulation counts as a visit of value 0 on its path) steers the next
//! descents of the same batch elsewhere, so one search fills a batch of many leaves
//! (Chaslot, Winands, van den Herik, "Parallel Monte-Carlo Tree Search", CG 2008).
//!
//! `Q(s, a)` is the mean of the child *node*, not of the edge, so with transpositions every path into
//! a position sees all of that position's statistics; the edge visit count `n(s, a)` drives the
//! exploration term and the policy target.

use crate::config::{Fpu, SearchConfig};
use crate::draws::DrawTrie;
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::eval::{Evaluation, Evaluator};
use crate::mask::ActionMask;
use crate::normalise::{Normalisation, ValueNormaliser};
use crate::tree::{Edge, Kind, NONE, Tree};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma};
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Counters of one search (cumulative over moves).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchStats {
    /// Completed simulations (evaluated leaves plus terminal visits).
    pub simulations: u64,
    /// Leaves sent to the evaluator.
    pub leaves_evaluated: u64,
    /// Simulations that ended on a terminal node.
    pub terminal_visits: u64,
    /// Selections dropped because they reached a leaf already waiting for the evaluator.
    pub collisions: u64,
    /// Random playouts run.
    pub rollouts: u64,
    /// New edges that joined an existing node through its transposition key.
    pub transposition_hits: u64,
    /// Distinct terminal rewards observed (tree terminals and rollout ends).
    pub terminals_observed: u64,
    /// Selections that met a subtree whose sequences were all drawn already (with a draw trie); they
    /// build nothing and are not counted as simulations.
    pub exhausted: u64,
}

/// A terminal state that was reached, as the full action sequence from the initial state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Terminal {
    /// Actions from `Environment::initial_state`.
    pub tokens: Vec<u32>,
    /// Its raw reward.
    pub reward: f64,
}

#[derive(Debug, Default)]
struct Pending {
    node: u32,
    path: Vec<u32>,
    legal: Vec<u32>,
    rollout_value: f64,
}

enum Outcome {
    Leaf,
    Terminal,
    Collision,
    /// The descent met an exhausted subtree (marked, so the next descent avoids it).
    Exhausted,
}

/// Terminal bookkeeping, kept apart from the tree so it can be borrowed alongside it.
#[derive(Debug, Default)]
struct Found {
    best: Option<Terminal>,
    all: FxHashMap<u64, Terminal>,
    tokens: Vec<u32>,
}

/// One search tree over an environment, from a root state that advances move by move.
pub struct Search<'e, E: Environment> {
    env: &'e E,
    config: SearchConfig,
    rng: ChaCha8Rng,
    tree: Tree,
    root: u32,
    root_state: E::State,
    root_actions: Vec<u32>,
    normaliser: ValueNormaliser,
    noise_pending: bool,
    gamma: Option<Gamma<f64>>,
    stats: SearchStats,
    found: Found,
    // Scratch reused by every simulation.
    state: E::State,
    rollout_state: E::State,
    mask: ActionMask,
    path: Vec<u32>,
    rollout_actions: Vec<u32>,
    pending: Vec<Pending>,
    n_pending: usize,
    leaf_states: Vec<E::State>,
    eval: Evaluation,
    /// Sequences drawn without replacement (see [`Search::attach_draws`]).
    draws: Option<DrawTrie>,
    probs: Vec<(u32, f64)>,
    equivalents: Vec<Vec<u32>>,
    walk_state: E::State,
    initial: E::State,
}

impl<'e, E: Environment> Search<'e, E> {
    /// A search from `env.initial_state()`. Its randomness (noise, rollouts, sampled actions) comes
    /// from `rng` only; give each parallel search its own stream.
    pub fn new(env: &'e E, config: SearchConfig, rng: ChaCha8Rng) -> Result<Self> {
        Self::from_state(env, env.initial_state(), Vec::new(), config, rng)
    }

    /// A search from `state`, reached from the initial state by `actions` (used in terminal records).
    pub fn from_state(
        env: &'e E,
        state: E::State,
        actions: Vec<u32>,
        config: SearchConfig,
        rng: ChaCha8Rng,
    ) -> Result<Self> {
        config.validate()?;
        let gamma = if config.dirichlet_epsilon > 0.0 {
            Some(Gamma::new(config.dirichlet_alpha, 1.0).map_err(|_| Error::Config {
                field: "dirichlet_alpha",
                value: config.dirichlet_alpha.to_string(),
                reason: "not a valid gamma shape",
            })?)
        } else {
            None
        };
        let mut tree = Tree::default();
        let key = if config.transpositions { env.transposition_key(&state) } else { None };
        let root = tree.add_node(key);
        let normaliser = ValueNormaliser::new(config.normalisation.clone());
        Ok(Self {
            env,
            rng,
            tree,
            root,
            root_actions: actions,
            normaliser,
            noise_pending: true,
            gamma,
            stats: SearchStats::default(),
            found: Found::default(),
            state: state.clone(),
            rollout_state: state.clone(),
            mask: ActionMask::new(env.num_actions()),
            path: Vec::new(),
            rollout_actions: Vec::new(),
            pending: Vec::new(),
            n_pending: 0,
            leaf_states: Vec::new(),
            eval: Evaluation::default(),
            draws: None,
            probs: Vec::new(),
            equivalents: Vec::new(),
            walk_state: state.clone(),
            initial: env.initial_state(),
            root_state: state,
            config,
        })
    }

    /// Start again from `env.initial_state()` with a new generator, keeping the arena's allocations
    /// (many short searches without re-faulting memory).
    pub fn restart(&mut self, rng: ChaCha8Rng) {
        self.rng = rng;
        self.root_state = self.env.initial_state();
        self.root_actions.clear();
        self.tree.clear();
        let key =
            if self.config.transpositions { self.env.transposition_key(&self.root_state) } else { None };
        self.root = self.tree.add_node(key);
        self.normaliser = ValueNormaliser::new(self.config.normalisation.clone());
        self.noise_pending = true;
        self.stats = SearchStats::default();
        self.found = Found::default();
        self.n_pending = 0;
        if self.draws.is_some() {
            self.tree.nodes[self.root as usize].draw = DrawTrie::ROOT;
        }
    }

    /// Make every playout draw a sequence **without replacement** from `trie` (Shi et al. 2020, see
    /// [`DrawTrie`]): a playout walks the trie with the environment's playout policy
    /// ([`Environment::playout_policy`], uniform without one) conditioned on not repeating a sequence
    /// finished before, and finishes the sequence it ends on; a terminal node of the tree is finished
    /// at its first visit. Subtrees whose sequences were all drawn are *exhausted* (MCTS-Solver
    /// style, Winands, Bjornsson, Saito, CG 2008, with "proven" read as "nothing new below"):
    /// selection and [`Search::choose_action`] skip them, and a search whose root is exhausted stops
    /// ([`Search::is_exhausted`]). Every simulation then builds a sequence never built before.
    ///
    /// The trie holds sequences from `Environment::initial_state`, so one trie can be shared by
    /// successive searches (move it back with [`Search::detach_draws`]). The tree is reset to its root
    /// (statistics kept from before would not know which subtrees are exhausted).
    pub fn attach_draws(&mut self, trie: DrawTrie) -> Result<()> {
        self.discard_pending();
        self.draws = Some(trie);
        let actions = self.root_actions.clone();
        let mut state = self.env.initial_state();
        let mut node = DrawTrie::ROOT;
        for (depth, &a) in actions.iter().enumerate() {
            self.mask.reset(self.env.num_actions());
            self.env.legal_actions(&state, &mut self.mask);
            if !self.mask.contains(a) {
                return Err(Error::IllegalAction { action: a, depth });
            }
            node = draw_step(self.env, &mut self.draws, &self.mask, &mut self.probs, &state, node, a);
            self.env.apply(&mut state, a);
        }
        self.tree.clear();
        let key =
            if self.config.transpositions { self.env.transposition_key(&self.root_state) } else { None };
        self.root = self.tree.add_node(key);
        self.tree.nodes[self.root as usize].draw = node;
        self.noise_pending = true;
        Ok(())
    }

    /// Take the draw trie back (playouts are plain random again).
    pub fn detach_draws(&mut self) -> Option<DrawTrie> {
        for n in &mut self.tree.nodes {
            n.draw = NONE;
        }
        self.draws.take()
    }

    /// The draw trie, when attached.
    pub fn draws(&self) -> Option<&DrawTrie> {
        self.draws.as_ref()
    }

    /// With a draw trie: whether every sequence below the root has been drawn (nothing new left).
    pub fn is_exhausted(&self) -> bool {
        self.draws.as_ref().is_some_and(|t| is_dead(&self.tree, t, self.root))
    }

    /// Run `simulations` more simulations, evaluating leaves in batches of `config.batch_size`.
    pub fn run<V: Evaluator<E::State> + ?Sized>(&mut self, evaluator: &V, simulations: u64) -> Result<()> {
        let target = self.stats.simulations + simulations;
        while self.stats.simulations < target && !self.root_is_terminal() && !self.is_exhausted() {
            let remaining = target - self.stats.simulations;
            let n = self.collect(self.config.batch_size, remaining)?;
            if n > 0 {
                self.eval.reset(n, self.env.num_actions());
                if let Err(e) = evaluator.evaluate(&self.leaf_states[..n], &mut self.eval) {
                    self.discard_pending();
                    return Err(e);
                }
                let eval = std::mem::take(&mut self.eval);
                let r = self.apply_evaluation(&eval, 0);
                self.eval = eval;
                r?;
            }
        }
        Ok(())
    }

    /// Select up to `max_leaves` new leaves (fewer if `budget` simulations are reached first or the
    /// tree has too few unexplored leaves), with virtual loss on their paths. Terminal visits are
    /// backed up at once. Returns the number of leaves now in [`Search::leaf_states`].
    pub fn collect(&mut self, max_leaves: usize, budget: u64) -> Result<usize> {
        if self.n_pending != 0 {
            return Err(Error::Evaluator(
                "collect called while leaves from the previous collect are still waiting".into(),
            ));
        }
        self.apply_root_noise();
        let mut done = 0u64;
        let mut collisions = 0usize;
        let collision_limit = max_leaves.max(8);
        while self.n_pending < max_leaves && (self.n_pending as u64 + done) < budget {
            match self.select()? {
                Outcome::Leaf => {}
                Outcome::Terminal => done += 1,
                Outcome::Collision => {
                    collisions += 1;
                    if collisions >= collision_limit {
                        break;
                    }
                }
                Outcome::Exhausted => {
                    if self.is_exhausted() {
                        break;
                    }
                }
            }
            if self.root_is_terminal_node() {
                break;
            }
        }
        Ok(self.n_pending)
    }

    /// Forget the leaves of the last [`Search::collect`] without evaluating them (after an evaluator
    /// error): their virtual loss is released and they can be selected again.
    pub fn discard_pending(&mut self) {
        for i in 0..self.n_pending {
            let p = &self.pending[i];
            undo_in_flight(&mut self.tree, self.root, &p.path);
            self.tree.nodes[p.node as usize].kind = Kind::Fresh;
        }
        self.n_pending = 0;
    }

    /// States of the leaves selected by the last [`Search::collect`], in order.
    pub fn leaf_states(&self) -> &[E::State] {
        &self.leaf_states[..self.n_pending]
    }

    /// Expand the pending leaves with rows `offset..offset + n` of `eval` and back up their values.
    pub fn apply_evaluation(&mut self, eval: &Evaluation, offset: usize) -> Result<()> {
        let n = self.n_pending;
        // Check every row before touching the tree, so a bad evaluator output leaves the search
        // usable (its leaves are discarded and may be selected again).
        if let Err(e) = self.check_rows(eval, offset) {
            self.discard_pending();
            return Err(e);
        }
        for i in 0..n {
            let row = offset + i;
            let v = eval.values[row];
            let priors = eval.prior_row(row);
            let p = &self.pending[i];
            let node = p.node;
            // Edges of the new node: one per legal action, contiguous.
            let first = self.tree.edges.len() as u32;
            let mut sum = 0.0f32;
            if !priors.is_empty() {
                for &a in &p.legal {
                    let w = priors[a as usize];
                    if w.is_finite() && w > 0.0 {
                        sum += w;
                    }
                }
            }
            let uniform = !(sum > 0.0 && sum.is_finite());
            let up = 1.0 / p.legal.len().max(1) as f32;
            for &a in &p.legal {
                let prior = if uniform {
                    up
                } else {
                    let w = priors[a as usize];
                    if w.is_finite() && w > 0.0 { w / sum } else { 0.0 }
                };
                self.tree.edges.push(Edge { action: a, prior, visits: 0, child: NONE });
            }
            let nd = &mut self.tree.nodes[node as usize];
            nd.first_edge = first;
            nd.num_edges = p.legal.len() as u32;
            nd.kind = Kind::Expanded;
            let net = self.normaliser.from_unit(v);
            let value = if self.config.rollouts > 0 {
                let w = self.config.rollout_weight;
                (1.0 - w) * net + w * p.rollout_value
            } else {
                net
            };
            backup(&mut self.tree, self.root, &self.pending[i].path, value);
            self.stats.simulations += 1;
            self.stats.leaves_evaluated += 1;
        }
        self.n_pending = 0;
        self.apply_root_noise();
        Ok(())
    }

    fn check_rows(&self, eval: &Evaluation, offset: usize) -> Result<()> {
        let n = self.n_pending;
        let na = self.env.num_actions();
        if eval.values.len() < offset + n {
            return Err(Error::EvaluatorShape {
                what: "values",
                got: eval.values.len(),
                expected: offset + n,
                batch: n,
                num_actions: na,
            });
        }
        if !eval.uniform_priors && (eval.num_actions != na || eval.priors.len() < (offset + n) * na) {
            return Err(Error::EvaluatorShape {
                what: "priors",
                got: eval.priors.len(),
                expected: (offset + n) * na,
                batch: n,
                num_actions: na,
            });
        }
        for row in offset..offset + n {
            let v = eval.values[row];
            if !v.is_finite() {
                return Err(Error::NonFiniteValue { index: row, value: v });
            }
        }
        Ok(())
    }

    fn root_is_terminal_node(&self) -> bool {
        self.tree.nodes[self.root as usize].kind == Kind::Terminal
    }

    /// Whether the root state ends the episode (terminal, or no legal action).
    pub fn root_is_terminal(&self) -> bool {
        match self.tree.nodes[self.root as usize].kind {
            Kind::Terminal => true,
            Kind::Expanded => false,
            _ => {
                if self.env.is_terminal(&self.root_state) {
                    return true;
                }
                let mut m = ActionMask::new(self.env.num_actions());
                self.env.legal_actions(&self.root_state, &mut m);
                m.count() == 0
            }
        }
    }

    fn apply_root_noise(&mut self) {
        if !self.noise_pending || self.tree.nodes[self.root as usize].kind != Kind::Expanded {
            return;
        }
        self.noise_pending = false;
        let Some(gamma) = self.gamma else { return };
        let range = self.tree.edge_range(self.root);
        if range.len() < 2 {
            return;
        }
        let eps = self.config.dirichlet_epsilon;
        let mut noise: Vec<f64> = range.clone().map(|_| gamma.sample(&mut self.rng)).collect();
        let total: f64 = noise.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return;
        }
        noise.iter_mut().for_each(|x| *x /= total);
        for (e, x) in self.tree.edges[range].iter_mut().zip(noise) {
            e.prior = ((1.0 - eps) * f64::from(e.prior) + eps * x) as f32;
        }
    }

    /// One descent. See the module documentation.
    fn select(&mut self) -> Result<Outcome> {
        let env = self.env;
        let vl = self.config.virtual_loss;
        self.state.clone_from(&self.root_state);
        self.path.clear();
        let mut node = self.root;
        self.tree.nodes[node as usize].in_flight += 1;
        // The normaliser does not change during a descent: hoist its affine map.
        // unit(x) = clamp((x - lo) * scale + offset, 0, 1): ranked values are already in [0, 1], and
        // before two distinct log-rewards are known every value maps to 1/2.
        let (lo, scale, offset) = match (self.normaliser.kind(), self.normaliser.bounds()) {
            (Normalisation::Ranked { .. }, _) => (0.0, 1.0, 0.0),
            (_, Some((lo, hi))) if hi > lo => (lo, 1.0 / (hi - lo), 0.0),
            _ => (0.0, 0.0, 0.5),
        };
        let unit = |x: f64| -> f32 { (((x - lo) * scale + offset) as f32).clamp(0.0, 1.0) };
        loop {
            if let Some(t) = self.draws.as_ref()
                && is_dead(&self.tree, t, node)
            {
                // Reached through an edge just linked by transposition, or the root itself.
                undo_in_flight(&mut self.tree, self.root, &self.path);
                self.stats.exhausted += 1;
                return Ok(Outcome::Exhausted);
            }
            let kind = self.tree.nodes[node as usize].kind;
            match kind {
                Kind::Terminal => {
                    let v = self.tree.nodes[node as usize].terminal_value;
                    backup(&mut self.tree, self.root, &self.path, v);
                    self.stats.simulations += 1;
                    self.stats.terminal_visits += 1;
                    return Ok(Outcome::Terminal);
                }
                Kind::Pending => {
                    undo_in_flight(&mut self.tree, self.root, &self.path);
                    self.stats.collisions += 1;
                    return Ok(Outcome::Collision);
                }
                Kind::Fresh => {
                    self.mask.reset(env.num_actions());
                    let terminal = env.is_terminal(&self.state) || {
                        env.legal_actions(&self.state, &mut self.mask);
                        self.mask.count() == 0
                    };
                    if terminal {
                        let reward = env.terminal_reward(&self.state);
                        let v = self.normaliser.observe(reward);
                        self.stats.terminals_observed += 1;
                        note_terminal(
                            &mut self.found,
                            env,
                            &self.config,
                            &self.state,
                            reward,
                            &self.root_actions,
                            &self.tree,
                            &self.path,
                            &[],
                        );
                        let nd = &mut self.tree.nodes[node as usize];
                        nd.kind = Kind::Terminal;
                        nd.terminal_value = v;
                        if let Some(t) = self.draws.as_mut() {
                            nd.exhausted = true;
                            if nd.draw != NONE {
                                t.finish(nd.draw);
                            }
                            self.finish_equivalents(false);
                        }
                        backup(&mut self.tree, self.root, &self.path, v);
                        self.stats.simulations += 1;
                        self.stats.terminal_visits += 1;
                        return Ok(Outcome::Terminal);
                    }
                    self.tree.nodes[node as usize].kind = Kind::Pending;
                    if self.pending.len() <= self.n_pending {
                        self.pending.push(Pending::default());
                    }
                    let slot = &mut self.pending[self.n_pending];
                    slot.node = node;
                    slot.path.clear();
                    slot.path.extend_from_slice(&self.path);
                    slot.legal.clear();
                    slot.legal.extend(self.mask.iter());
                    slot.rollout_value = 0.0;
                    if self.config.rollouts > 0 {
                        let mut sum = 0.0;
                        let leaf_draw = self.tree.nodes[node as usize].draw;
                        for _ in 0..self.config.rollouts {
                            sum += self.rollout(leaf_draw)?;
                        }
                        self.pending[self.n_pending].rollout_value = sum / f64::from(self.config.rollouts);
                    }
                    if self.leaf_states.len() <= self.n_pending {
                        self.leaf_states.push(self.state.clone());
                    } else {
                        self.leaf_states[self.n_pending].clone_from(&self.state);
                    }
                    self.n_pending += 1;
                    return Ok(Outcome::Leaf);
                }
                Kind::Expanded => {
                    let nd = &self.tree.nodes[node as usize];
                    let parent_n = (nd.visits + vl * nd.in_flight) as f32;
                    let sqrt_n = parent_n.max(1.0).sqrt();
                    let fpu = match self.config.fpu {
                        Fpu::Constant(c) => c,
                        Fpu::ParentMinus(r) => {
                            let q = if nd.visits > 0 { unit(nd.mean) } else { 0.5 };
                            q - r
                        }
                    };
                    let cs = self.config.c_puct * sqrt_n;
                    let range = self.tree.edge_range(node);
                    let first = range.start;
                    let mut best = f32::NEG_INFINITY;
                    let mut bi = first;
                    let mut live = false;
                    let draws = self.draws.as_ref();
                    for (i, e) in self.tree.edges[range].iter().enumerate() {
                        if let Some(t) = draws
                            && e.child != NONE
                            && is_dead(&self.tree, t, e.child)
                        {
                            continue;
                        }
                        live = true;
                        let ev = e.visits as f32;
                        let (q, vv) = if e.child == NONE {
                            (fpu, 0.0)
                        } else {
                            let ch = &self.tree.nodes[e.child as usize];
                            // Virtual loss sits on the child node: in-flight visits of value 0.
                            let vv = (ch.in_flight * vl) as f32;
                            if ch.visits > 0 {
                                let qn = unit(ch.mean);
                                let w = ev.max(1.0);
                                (qn * w / (w + vv), vv)
                            } else if vv > 0.0 {
                                (0.0, vv)
                            } else {
                                (fpu, 0.0)
                            }
                        };
                        let score = q + cs * e.prior / (1.0 + ev + vv);
                        if score > best {
                            best = score;
                            bi = first + i;
                        }
                    }
                    if !live {
                        // Every child is exhausted, so is this node.
                        self.tree.nodes[node as usize].exhausted = true;
                        undo_in_flight(&mut self.tree, self.root, &self.path);
                        self.stats.exhausted += 1;
                        return Ok(Outcome::Exhausted);
                    }
                    let action = self.tree.edges[bi].action;
                    let mut child = self.tree.edges[bi].child;
                    // With a draw trie: the new child's prefix, and whether playouts already drew
                    // everything below it (then it is marked and the choice is made again).
                    let mut draw = NONE;
                    if child == NONE && self.draws.is_some() {
                        self.mask.reset(env.num_actions());
                        env.legal_actions(&self.state, &mut self.mask);
                        let parent = self.tree.nodes[node as usize].draw;
                        draw = draw_step(
                            env,
                            &mut self.draws,
                            &self.mask,
                            &mut self.probs,
                            &self.state,
                            parent,
                            action,
                        );
                        if draw != NONE && self.draws.as_ref().is_some_and(|t| t.is_exhausted(draw)) {
                            let dead = self.tree.add_node(None);
                            let nd = &mut self.tree.nodes[dead as usize];
                            nd.draw = draw;
                            nd.exhausted = true;
                            self.tree.edges[bi].child = dead;
                            continue;
                        }
                    }
                    self.path.push(bi as u32);
                    env.apply(&mut self.state, action);
                    if child == NONE {
                        let key = if self.config.transpositions {
                            env.transposition_key(&self.state)
                        } else {
                            None
                        };
                        child = match key.and_then(|k| self.tree.table.get(&k).copied()) {
                            Some(existing) => {
                                self.stats.transposition_hits += 1;
                                // This action order is another name of a position the tree has:
                                // its sequences count as drawn.
                                if draw != NONE
                                    && let Some(t) = self.draws.as_mut()
                                {
                                    t.finish(draw);
                                }
                                existing
                            }
                            None => {
                                let c = self.tree.add_node(key);
                                self.tree.nodes[c as usize].draw = draw;
                                c
                            }
                        };
                        self.tree.edges[bi].child = child;
                    }
                    node = child;
                    self.tree.nodes[node as usize].in_flight += 1;
                    if self.path.len() > self.config.max_depth {
                        undo_in_flight(&mut self.tree, self.root, &self.path);
                        return Err(Error::TooDeep { max_depth: self.config.max_depth });
                    }
                }
            }
        }
    }

    /// A random playout from `self.state` (uniform, or the environment's playout policy); returns the
    /// backed-up value of its end. With a draw trie and the leaf's prefix `leaf_draw` in it, the
    /// playout draws without replacement.
    fn rollout(&mut self, leaf_draw: u32) -> Result<f64> {
        let env = self.env;
        self.rollout_state.clone_from(&self.state);
        self.rollout_actions.clear();
        if self.draws.is_some() && leaf_draw != NONE {
            self.draw_rollout(leaf_draw)?;
        } else {
            self.random_rollout()?;
        }
        let reward = env.terminal_reward(&self.rollout_state);
        self.stats.rollouts += 1;
        self.stats.terminals_observed += 1;
        note_terminal(
            &mut self.found,
            env,
            &self.config,
            &self.rollout_state,
            reward,
            &self.root_actions,
            &self.tree,
            &self.path,
            &self.rollout_actions,
        );
        Ok(self.normaliser.observe(reward))
    }

    /// The moves of a playout drawn without replacement: each move from the playout policy
    /// conditioned on not repeating a finished sequence; the sequence reached is finished.
    fn draw_rollout(&mut self, leaf_draw: u32) -> Result<()> {
        let env = self.env;
        let mut node = leaf_draw;
        // Once the walk has created a trie node, everything below it is new: plain sampling from
        // the policy then draws exactly what `DrawTrie::draw` would, without its look-ups.
        let mut fresh = false;
        while let Some(n) = self.playout_moves()? {
            policy_into(env, &self.rollout_state, &self.mask, &mut self.probs);
            let u = self.rng.random::<f64>();
            let Some(trie) = self.draws.as_mut() else { break };
            let drawn = if fresh { sample(&self.probs, u) } else { trie.draw(node, &self.probs, u) };
            // None only if every legal move is exhausted, which the caller's checks exclude; the
            // prefix is then finished as a dead end.
            let Some((a, p)) = drawn else { break };
            let before = trie.len();
            node = trie.descend(node, a, p, n as u32);
            fresh = trie.len() > before;
            env.apply(&mut self.rollout_state, a);
            self.rollout_actions.push(a);
        }
        if let Some(trie) = self.draws.as_mut() {
            trie.finish(node);
        }
        self.finish_equivalents(true);
        Ok(())
    }

    /// Marks as drawn the environment's other sequences to the terminal just built (the rollout's
    /// end, or `self.state`), walking each from the initial state through the trie.
    fn finish_equivalents(&mut self, rollout: bool) {
        let env = self.env;
        let mut equivalents = std::mem::take(&mut self.equivalents);
        equivalents.clear();
        env.equivalent_sequences(if rollout { &self.rollout_state } else { &self.state }, &mut equivalents);
        for seq in &equivalents {
            // Sequences are from the initial state: the walk starts there.
            self.walk_state.clone_from(&self.initial);
            let mut node = DrawTrie::ROOT;
            let mut ok = true;
            for &a in seq {
                let Some(trie) = self.draws.as_ref() else { return };
                if trie.is_exhausted(node) {
                    ok = false;
                    break;
                }
                // A prefix already in the trie was legal and has its probability: just step.
                if let Some(c) = trie.child(node, a) {
                    node = c;
                    env.apply(&mut self.walk_state, a);
                    continue;
                }
                self.mask.reset(env.num_actions());
                env.legal_actions(&self.walk_state, &mut self.mask);
                if !self.mask.contains(a) {
                    ok = false;
                    break;
                }
                node =
                    draw_step(env, &mut self.draws, &self.mask, &mut self.probs, &self.walk_state, node, a);
                env.apply(&mut self.walk_state, a);
            }
            if ok && let Some(t) = self.draws.as_mut() {
                t.finish(node);
            }
        }
        self.equivalents = equivalents;
    }

    /// The legal moves of the playout's state into `self.mask` and their count; `None` at a
    /// terminal or a dead end. A playout longer than `max_depth` is an error.
    #[inline]
    fn playout_moves(&mut self) -> Result<Option<usize>> {
        let env = self.env;
        if env.is_terminal(&self.rollout_state) {
            return Ok(None);
        }
        self.mask.reset(env.num_actions());
        env.legal_actions(&self.rollout_state, &mut self.mask);
        let n = self.mask.count();
        if n == 0 {
            return Ok(None);
        }
        if self.path.len() + self.rollout_actions.len() >= self.config.max_depth {
            return Err(Error::TooDeep { max_depth: self.config.max_depth });
        }
        Ok(Some(n))
    }

    /// The moves of a plain random playout.
    fn random_rollout(&mut self) -> Result<()> {
        let env = self.env;
        while let Some(n) = self.playout_moves()? {
            let policy = if env.has_playout_policy() {
                let u = self.rng.random::<f64>();
                env.playout_action(&self.rollout_state, &self.mask, u).filter(|&a| self.mask.contains(a))
            } else {
                None
            };
            let a = match policy {
                Some(a) => a,
                None => {
                    let k = self.rng.random_range(0..n);
                    let Some(a) = self.mask.nth(k) else { break };
                    a
                }
            };
            env.apply(&mut self.rollout_state, a);
            self.rollout_actions.push(a);
        }
        Ok(())
    }

    /// `(action, visits)` of every legal action at the root, in action order.
    pub fn root_visits(&self) -> Vec<(u32, u32)> {
        let root = self.root;
        if self.tree.nodes[root as usize].kind != Kind::Expanded {
            return Vec::new();
        }
        self.tree.edges[self.tree.edge_range(root)].iter().map(|e| (e.action, e.visits)).collect()
    }

    /// `(action, prior)` at the root (after noise), in action order.
    pub fn root_priors(&self) -> Vec<(u32, f32)> {
        let root = self.root;
        if self.tree.nodes[root as usize].kind != Kind::Expanded {
            return Vec::new();
        }
        self.tree.edges[self.tree.edge_range(root)].iter().map(|e| (e.action, e.prior)).collect()
    }

    /// Mean value of the root in `[0, 1]` (None before any simulation).
    pub fn root_value(&self) -> Option<f32> {
        let n = &self.tree.nodes[self.root as usize];
        (n.visits > 0).then(|| self.normaliser.to_unit(n.mean))
    }

    /// Choose the action to play: with `temperature <= 1e-6` the most visited (ties: higher prior, then
    /// lower action), otherwise sampled with probability proportional to `visits^(1/temperature)`.
    pub fn choose_action(&mut self, temperature: f64) -> Option<u32> {
        let root = self.root;
        if self.tree.nodes[root as usize].kind != Kind::Expanded {
            return None;
        }
        let all = &self.tree.edges[self.tree.edge_range(root)];
        // With a draw trie, exhausted children are never played.
        let live: Vec<Edge>;
        let edges = match self.draws.as_ref() {
            Some(t) => {
                let root_draw = self.tree.nodes[root as usize].draw;
                let alive = |e: &&Edge| {
                    if e.child != NONE {
                        return !is_dead(&self.tree, t, e.child);
                    }
                    // No tree node yet: playouts may still have drawn everything below it.
                    root_draw == NONE || t.child(root_draw, e.action).is_none_or(|c| !t.is_exhausted(c))
                };
                live = all.iter().filter(alive).cloned().collect();
                &live[..]
            }
            None => all,
        };
        let greedy = |edges: &[Edge]| {
            let mut best: Option<&Edge> = None;
            for e in edges {
                best = match best {
                    Some(b) if (b.visits, b.prior) >= (e.visits, e.prior) => Some(b),
                    _ => Some(e),
                };
            }
            best.map(|e| e.action)
        };
        let total: u64 = edges.iter().map(|e| u64::from(e.visits)).sum();
        if temperature <= 1e-6 || total == 0 {
            return greedy(edges);
        }
        // Weights visits^(1/T), computed in log space relative to the largest to avoid overflow.
        let inv_t = 1.0 / temperature;
        let max_ln = edges
            .iter()
            .filter(|e| e.visits > 0)
            .map(|e| f64::from(e.visits).ln())
            .fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = edges
            .iter()
            .map(|e| if e.visits == 0 { 0.0 } else { ((f64::from(e.visits).ln() - max_ln) * inv_t).exp() })
            .collect();
        let sum: f64 = weights.iter().sum();
        let mut u = self.rng.random::<f64>() * sum;
        for (e, w) in edges.iter().zip(&weights) {
            if *w > 0.0 {
                if u < *w {
                    return Some(e.action);
                }
                u -= w;
            }
        }
        greedy(edges)
    }

    /// Play `action` at the root and keep the subtree below it (tree reuse). Fresh Dirichlet noise is
    /// mixed into the new root's priors at the next search.
    pub fn advance(&mut self, action: u32) -> Result<()> {
        let root = self.root;
        let depth = self.root_actions.len();
        let child = match self.tree.nodes[root as usize].kind {
            Kind::Expanded => {
                let range = self.tree.edge_range(root);
                let e = self.tree.edges[range]
                    .iter()
                    .find(|e| e.action == action)
                    .ok_or(Error::IllegalAction { action, depth })?;
                e.child
            }
            Kind::Terminal => return Err(Error::IllegalAction { action, depth }),
            _ => {
                self.mask.reset(self.env.num_actions());
                self.env.legal_actions(&self.root_state, &mut self.mask);
                if !self.mask.contains(action) {
                    return Err(Error::IllegalAction { action, depth });
                }
                NONE
            }
        };
        let mut draw = NONE;
        if child == NONE && self.draws.is_some() {
            self.mask.reset(self.env.num_actions());
            self.env.legal_actions(&self.root_state, &mut self.mask);
            let parent = self.tree.nodes[root as usize].draw;
            draw = draw_step(
                self.env,
                &mut self.draws,
                &self.mask,
                &mut self.probs,
                &self.root_state,
                parent,
                action,
            );
        }
        self.env.apply(&mut self.root_state, action);
        self.root_actions.push(action);
        if child == NONE {
            self.tree.clear();
            let key =
                if self.config.transpositions { self.env.transposition_key(&self.root_state) } else { None };
            self.root = self.tree.add_node(key);
            self.tree.nodes[self.root as usize].draw = draw;
        } else {
            self.root = self.tree.compact(child);
        }
        self.noise_pending = true;
        Ok(())
    }

    /// The most visited line from the root, following expanded nodes.
    pub fn principal_variation(&self) -> Vec<u32> {
        let mut pv = Vec::new();
        let mut node = self.root;
        while self.tree.nodes[node as usize].kind == Kind::Expanded && pv.len() <= self.config.max_depth {
            let edges = &self.tree.edges[self.tree.edge_range(node)];
            let Some(e) =
                edges.iter().filter(|e| e.visits > 0).max_by_key(|e| (e.visits, std::cmp::Reverse(e.action)))
            else {
                break;
            };
            pv.push(e.action);
            if e.child == NONE {
                break;
            }
            node = e.child;
        }
        pv
    }

    /// Size of the environment's action space.
    pub fn num_actions(&self) -> usize {
        self.env.num_actions()
    }

    /// State at the root.
    pub fn root_state(&self) -> &E::State {
        &self.root_state
    }

    /// Actions played from the initial state to the root.
    pub fn root_actions(&self) -> &[u32] {
        &self.root_actions
    }

    /// Counters.
    pub fn stats(&self) -> &SearchStats {
        &self.stats
    }

    /// Number of nodes in the arena (after the last compaction).
    pub fn num_nodes(&self) -> usize {
        self.tree.nodes.len()
    }

    /// The configuration.
    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// The value normaliser (its running bounds or reward window).
    pub fn normaliser(&self) -> &ValueNormaliser {
        &self.normaliser
    }

    /// Best terminal reached so far (in the tree or in a rollout).
    pub fn best_terminal(&self) -> Option<&Terminal> {
        self.found.best.as_ref()
    }

    /// Every distinct terminal reached, when `record_terminals` is on (keyed by transposition key, or
    /// by a hash of the action sequence when the environment has none).
    pub fn terminals(&self) -> impl Iterator<Item = &Terminal> {
        self.found.all.values()
    }

    /// The generator, for callers that draw from the same stream (self-play).
    pub fn rng_mut(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// Visit count of the node reached by `actions` from the root, if it exists.
    pub fn node_visits(&self, actions: &[u32]) -> Option<u32> {
        let mut node = self.root;
        for &a in actions {
            if self.tree.nodes[node as usize].kind != Kind::Expanded {
                return None;
            }
            let e = self.tree.edges[self.tree.edge_range(node)].iter().find(|e| e.action == a)?;
            if e.child == NONE {
                return None;
            }
            node = e.child;
        }
        Some(self.tree.nodes[node as usize].visits)
    }

    /// Visit count of the last edge of the action path `actions` from the root.
    pub fn edge_visits(&self, actions: &[u32]) -> Option<u32> {
        let (last, head) = actions.split_last()?;
        let node = self.node_id(head)?;
        if self.tree.nodes[node as usize].kind != Kind::Expanded {
            return None;
        }
        self.tree.edges[self.tree.edge_range(node)].iter().find(|e| e.action == *last).map(|e| e.visits)
    }

    /// Arena index of the node reached by `actions` (for tests of transpositions).
    pub fn node_id(&self, actions: &[u32]) -> Option<u32> {
        let mut node = self.root;
        for &a in actions {
            if self.tree.nodes[node as usize].kind != Kind::Expanded {
                return None;
            }
            let e = self.tree.edges[self.tree.edge_range(node)].iter().find(|e| e.action == a)?;
            if e.child == NONE {
                return None;
            }
            node = e.child;
        }
        Some(node)
    }
}

/// Whether every sequence below tree node `c` was drawn already.
#[inline]
fn is_dead(tree: &Tree, trie: &DrawTrie, c: u32) -> bool {
    let n = &tree.nodes[c as usize];
    n.exhausted || (n.draw != NONE && trie.is_exhausted(n.draw))
}

/// `DrawTrie::draw` at a node with no child yet: the entry where the cumulative weight reaches
/// `u` times the total (entries of weight 0 skipped), or uniform among all if none has weight.
fn sample(probs: &[(u32, f64)], u: f64) -> Option<(u32, f64)> {
    let total: f64 = probs.iter().map(|x| x.1).sum();
    if total > 0.0 {
        let mut left = u * total;
        let mut last = None;
        for &entry in probs {
            if entry.1 > 0.0 {
                last = Some(entry);
                left -= entry.1;
                if left <= 0.0 {
                    break;
                }
            }
        }
        return last;
    }
    if probs.is_empty() {
        return None;
    }
    let k = ((u * probs.len() as f64) as usize).min(probs.len() - 1);
    Some(probs[k])
}

/// The playout policy's distribution in `state` (legal actions in `mask`) into `probs`: the
/// environment's, or uniform.
fn policy_into<E: Environment>(env: &E, state: &E::State, mask: &ActionMask, probs: &mut Vec<(u32, f64)>) {
    probs.clear();
    if env.playout_policy(state, mask, probs) && !probs.is_empty() {
        return;
    }
    probs.clear();
    let p = 1.0 / mask.count().max(1) as f64;
    probs.extend(mask.iter().map(|a| (a, p)));
}

/// The trie node of `action` played from `state` (legal actions in `mask`) below trie node `node`,
/// created with the playout policy's probability of `action`; `NONE` without a trie.
fn draw_step<E: Environment>(
    env: &E,
    draws: &mut Option<DrawTrie>,
    mask: &ActionMask,
    probs: &mut Vec<(u32, f64)>,
    state: &E::State,
    node: u32,
    action: u32,
) -> u32 {
    let Some(trie) = draws.as_mut() else { return NONE };
    if node == NONE {
        return NONE;
    }
    let legal = mask.count() as u32;
    policy_into(env, state, mask, probs);
    let p = probs.iter().find(|x| x.0 == action).map_or(0.0, |x| x.1);
    trie.descend(node, action, p, legal)
}

/// Add `value` to the root and along `path`, and release the path's virtual loss.
#[inline]
fn backup(tree: &mut Tree, root: u32, path: &[u32], value: f64) {
    let r = &mut tree.nodes[root as usize];
    r.visits += 1;
    r.mean += (value - r.mean) / f64::from(r.visits);
    r.in_flight -= 1;
    for &ei in path {
        let e = &mut tree.edges[ei as usize];
        e.visits += 1;
        let c = e.child as usize;
        let n = &mut tree.nodes[c];
        n.visits += 1;
        n.mean += (value - n.mean) / f64::from(n.visits);
        n.in_flight -= 1;
    }
}

fn undo_in_flight(tree: &mut Tree, root: u32, path: &[u32]) {
    tree.nodes[root as usize].in_flight -= 1;
    for &ei in path {
        let c = tree.edges[ei as usize].child as usize;
        tree.nodes[c].in_flight -= 1;
    }
}

/// Track the best terminal and, if asked, every distinct one. Allocates only for a new best or a new
/// distinct terminal.
#[allow(clippy::too_many_arguments)]
fn note_terminal<E: Environment>(
    found: &mut Found,
    env: &E,
    config: &SearchConfig,
    state: &E::State,
    reward: f64,
    root_actions: &[u32],
    tree: &Tree,
    path: &[u32],
    extra: &[u32],
) {
    let better = match &found.best {
        Some(b) => reward > b.reward,
        None => true,
    };
    if !better && !config.record_terminals {
        return;
    }
    found.tokens.clear();
    found.tokens.extend_from_slice(root_actions);
    found.tokens.extend(path.iter().map(|&e| tree.edges[e as usize].action));
    found.tokens.extend_from_slice(extra);
    if better {
        found.best = Some(Terminal { tokens: found.tokens.clone(), reward });
    }
    if config.record_terminals {
        let key = env.transposition_key(state).unwrap_or_else(|| {
            let mut h = FxHasher::default();
            for &t in &found.tokens {
                h.write_u32(t);
            }
            h.finish()
        });
        found.all.entry(key).or_insert_with(|| Terminal { tokens: found.tokens.clone(), reward });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::BatchRunner;
    use crate::eval::UniformEvaluator;
    use crate::synthetic::TargetPathGame;
    use rand::SeedableRng;

    fn quiet() -> SearchConfig {
        SearchConfig { batch_size: 1, dirichlet_epsilon: 0.0, ..SearchConfig::default() }
    }

    #[test]
    fn dirichlet_root_noise_has_the_dirichlet_mean_and_variance() {
        // With epsilon = 1 the root priors are one Dirichlet(0.3, 0.3, 0.3, 0.3) draw:
        // E[p_i] = 1/4, Var[p_i] = a_i (a_0 - a_i) / (a_0^2 (a_0 + 1)) = 0.3*0.9/(1.44*2.2).
        let g = TargetPathGame::new(4, 3, 0).unwrap();
        let cfg = SearchConfig { dirichlet_epsilon: 1.0, dirichlet_alpha: 0.3, ..quiet() };
        let n = 4000;
        let (mut sum, mut sum2) = (0.0f64, 0.0f64);
        for seed in 0..n {
            let mut s = Search::new(&g, cfg.clone(), ChaCha8Rng::seed_from_u64(seed)).unwrap();
            s.run(&UniformEvaluator, 1).unwrap();
            let p = s.root_priors();
            let total: f32 = p.iter().map(|x| x.1).sum();
            assert!((total - 1.0).abs() < 1e-5);
            let x = f64::from(p[0].1);
            sum += x;
            sum2 += x * x;
        }
        let mean = sum / n as f64;
        let var = sum2 / n as f64 - mean * mean;
        let expected_var = 0.3 * 0.9 / (1.44 * 2.2);
        assert!((mean - 0.25).abs() < 0.02, "mean {mean}");
        assert!((var / expected_var - 1.0).abs() < 0.1, "variance {var} vs {expected_var}");
    }

    #[test]
    fn temperature_samples_proportional_to_visits_to_the_power_one_over_t() {
        let g = TargetPathGame::new(5, 4, 3).unwrap();
        let mut s = Search::new(&g, quiet(), ChaCha8Rng::seed_from_u64(9)).unwrap();
        s.run(&UniformEvaluator, 400).unwrap();
        let visits = s.root_visits();
        for t in [1.0f64, 0.5] {
            let w: Vec<f64> = visits.iter().map(|&(_, n)| f64::from(n).powf(1.0 / t)).collect();
            let wsum: f64 = w.iter().sum();
            let draws = 40_000;
            let mut counts = [0u32; 5];
            for _ in 0..draws {
                counts[s.choose_action(t).unwrap() as usize] += 1;
            }
            for (i, &(a, _)) in visits.iter().enumerate() {
                let f = f64::from(counts[a as usize]) / f64::from(draws);
                assert!((f - w[i] / wsum).abs() < 0.01, "T={t} action {a}: {f} vs {}", w[i] / wsum);
            }
        }
        // T -> 0: the most visited action.
        let best = visits.iter().max_by_key(|x| x.1).unwrap().0;
        assert_eq!(s.choose_action(0.0), Some(best));
    }

    #[test]
    fn tree_reuse_keeps_the_subtree_statistics() {
        let g = TargetPathGame::new(30, 10, 4).unwrap();
        let mut s = Search::new(&g, quiet(), ChaCha8Rng::seed_from_u64(2)).unwrap();
        s.run(&UniformEvaluator, 2000).unwrap();
        let a = s.choose_action(0.0).unwrap();
        let child_visits = s.node_visits(&[a]).unwrap();
        let grandchildren: Vec<(u32, u32)> =
            (0..30).filter_map(|b| Some((b, s.edge_visits(&[a, b])?))).collect();
        let before = s.num_nodes();
        s.advance(a).unwrap();
        assert_eq!(s.root_actions(), &[a]);
        assert_eq!(s.node_visits(&[]), Some(child_visits));
        assert_eq!(s.root_visits(), grandchildren);
        assert!(s.num_nodes() < before);
        assert!(matches!(s.advance(99), Err(Error::IllegalAction { action: 99, depth: 1 })));
        s.run(&UniformEvaluator, 100).unwrap();
        assert_eq!(s.node_visits(&[]), Some(child_visits + 100));
    }

    #[test]
    fn an_evaluator_error_leaves_a_usable_search() {
        let g = TargetPathGame::new(30, 10, 6).unwrap();
        let cfg = SearchConfig { batch_size: 16, ..SearchConfig::default() };
        let mut s = Search::new(&g, cfg, ChaCha8Rng::seed_from_u64(1)).unwrap();
        s.run(&UniformEvaluator, 100).unwrap();
        let bad =
            crate::eval::FnEvaluator::new(|st: &[crate::synthetic::PathState]| (vec![1.0; st.len()], vec![]));
        assert!(matches!(s.run(&bad, 50), Err(Error::EvaluatorShape { what: "priors", .. })));
        let before = s.stats().simulations;
        s.run(&UniformEvaluator, 50).unwrap();
        assert_eq!(s.stats().simulations, before + 50);
        // Every in-flight count was released: the root's visits equal the simulations.
        assert_eq!(u64::from(s.node_visits(&[]).unwrap()), s.stats().simulations);
    }

    #[test]
    fn virtual_loss_keeps_evaluator_batches_of_256_full() {
        let g = TargetPathGame::new(30, 10, 6).unwrap();
        let cfg = SearchConfig { batch_size: 256, ..SearchConfig::default() };
        // One search filling 256 by itself.
        let mut one = vec![Search::new(&g, cfg.clone(), ChaCha8Rng::seed_from_u64(1)).unwrap()];
        let mut runner = BatchRunner::new();
        runner.run(&mut one, &UniformEvaluator, 256 * 40).unwrap();
        let st = &runner.stats;
        // Only warm-up calls (the root alone, then its 30 children, then the first grandchildren) and
        // the final remainder are not full.
        assert!(st.calls - st.full_calls <= 4, "{st:?}");
        assert!(st.mean_batch() > 0.9 * 256.0, "{st:?}");
        assert_eq!(st.max_batch, 256);
        // Eight searches of 32 leaves share calls of 256.
        let cfg32 = SearchConfig { batch_size: 32, ..cfg };
        let mut eight: Vec<_> = (0..8)
            .map(|i| {
                let mut rng = ChaCha8Rng::seed_from_u64(1);
                rng.set_stream(i);
                Search::new(&g, cfg32.clone(), rng).unwrap()
            })
            .collect();
        let mut runner = BatchRunner::new();
        runner.run(&mut eight, &UniformEvaluator, 32 * 40).unwrap();
        let st = &runner.stats;
        assert_eq!(st.full_threshold, 256);
        assert!(st.calls - st.full_calls <= 4, "{st:?}");
        assert!(st.mean_batch() > 0.85 * 256.0, "{st:?}");
    }
}
