//! The genetic-algorithm background search of seed 000 (Hijano Mendizabal et al.,
//! arXiv:2509.14894: a population of 6,000 backgrounds evolved for 40 generations, whose product is
//! the set of every background found above the reporting threshold).
//!
//! The genome is a valid background of the token language (hepzero-tokens), kept as a tree with its
//! canonical hash, so `B0 -> K+ pi-` and `B0 -> pi- K+` are one individual for the engine's cache,
//! hall of fame and deduplication. Every operator produces valid backgrounds only, by walking the
//! grammar's pushdown automaton: the automaton has no dead ends, so a token sequence built from
//! allowed tokens always completes to a valid background.
//!
//! * Initialisation: a random walk on the valid-next masks (each allowed token equally likely).
//! * Mutation (one of): change the parent; re-sample the root's decay mode; replace a sub-decay
//!   (new particle and decay) or re-sample its decay mode; re-sample one final-state particle's
//!   reconstruction (as itself / as another species / missing); swap the reconstructions of two
//!   final-state particles of equal charge. The edited tree is replayed through the automaton as a
//!   template: kept tokens are taken while the grammar allows them, a reconstruction the edit made
//!   impossible is re-sampled, and once a structural token is no longer allowed the rest is sampled
//!   freely ("repair by re-sampling the suffix").
//! * Crossover: two daughters (final-state or decaying) of equal charge are exchanged between the
//!   parents; a child is re-checked (`Grammar::check_background`), its reconstructions repaired
//!   through the automaton if needed, and otherwise falls back to its parent.
//! * Fitness: the hepzero-reward reward (the pruned upper bound for backgrounds that cannot reach
//!   the threshold), evaluated in parallel batches by hepzero-genetic.
//! * Output: a [`Ranking`] with method `ga`, in the same form as the oracle's: every distinct
//!   background of exact reward >= the model's threshold ever seen (the hall of fame).

use crate::ranking::sort_breakdowns;
use crate::{Error, Ranking, Result};
use hepzero_genetic::{
    Config, Context, Engine, Fitness, FitnessError, GaRng, GenerationReport, Genome, HallOfFameConfig, Mode,
    Observer, Problem, Selection, Stop,
};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::{
    ARROW, AS_ITSELF, AS_SPECIES, CLOSE, Decay, Grammar, MISSING, Node, OPEN, ParticleId, Recon, State,
    TokenId,
};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Settings of the GA background search; the defaults are the seed's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GaSearchConfig {
    /// Seed of every random stream.
    pub seed: u64,
    /// Individuals per generation (seed 000: 6,000).
    pub population: usize,
    /// Generations after the initial population (seed 000: 40).
    pub generations: u64,
    /// Tournament size of parent selection.
    pub tournament: usize,
    /// Probability that an offspring pair exchanges sub-decays.
    pub crossover_rate: f64,
    /// Probability that a child is mutated.
    pub mutation_rate: f64,
    /// Best individuals copied unchanged into the next generation.
    pub elitism: usize,
    /// Stop once this many reward evaluations were spent (`None`: no budget).
    pub max_evaluations: Option<u64>,
    /// Backgrounds per parallel fitness batch.
    pub eval_batch: usize,
}

impl Default for GaSearchConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            population: 6000,
            generations: 40,
            tournament: 2,
            crossover_rate: 0.3,
            mutation_rate: 0.8,
            elitism: 60,
            max_evaluations: None,
            eval_batch: 16,
        }
    }
}

/// A background individual: a valid background tree and its canonical hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackgroundGenome {
    decay: Decay,
    hash: u64,
}

impl BackgroundGenome {
    /// Wraps a background after checking it against the grammar.
    pub fn new(grammar: &Grammar, decay: Decay) -> Result<Self> {
        grammar.check_background(&decay)?;
        let hash = grammar.canonical_hash(&decay);
        Ok(Self { decay, hash })
    }
    /// The background tree.
    pub fn decay(&self) -> &Decay {
        &self.decay
    }
}

impl Genome for BackgroundGenome {
    #[inline]
    fn canonical_hash(&self) -> u64 {
        self.hash
    }
}

/// One element of a template replayed through the automaton.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Item {
    /// A structural token kept from the template.
    Tok(TokenId),
    /// A reconstruction kept when the grammar still allows it, else re-sampled.
    Recon(Recon),
    /// A reconstruction re-sampled, different from this one when possible.
    NewRecon(Recon),
    /// One token sampled, different from this one when possible.
    NewTok(TokenId),
    /// A final-state particle replaced by another allowed token, preferring particles of the same
    /// charge.
    NewLeaf(ParticleId),
    /// Tokens sampled until a CLOSE brings the open-vertex count `up` levels below where the
    /// region started.
    Free { up: usize },
    /// Tokens sampled until the background is complete.
    Rest,
}

/// Sampling weight of END / CLOSE against 1 for any other allowed token.
const CLOSE_WEIGHT: u32 = 4;
/// Sampling weight of "reconstructed as itself".
const AS_ITSELF_WEIGHT: u32 = 2;

/// The edit a mutation applies before the template is replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    /// Replay as is (repair of reconstructions only).
    None,
    /// A new parent.
    Parent,
    /// A new decay mode of the root.
    RootMode,
    /// A new particle and decay at the sub-decay with this pre-order node index.
    SubDecay(usize),
    /// A new decay mode of the sub-decay with this pre-order node index.
    SubMode(usize),
    /// A new reconstruction of the final-state particle with this pre-order node index.
    Recon(usize),
    /// Another particle (same charge preferred) in place of the final-state particle with this
    /// pre-order node index.
    Leaf(usize),
}

/// The variation operators of the background search for one signal's grammar.
#[derive(Debug, Clone, Copy)]
pub struct BackgroundProblem<'g> {
    grammar: &'g Grammar,
}

/// Path (daughter indices from the root) and particle of every non-root node, in pre-order.
fn node_paths(d: &Decay) -> Vec<(Vec<usize>, ParticleId, bool)> {
    fn walk(d: &Decay, path: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, ParticleId, bool)>) {
        for (i, n) in d.daughters.iter().enumerate() {
            path.push(i);
            match n {
                Node::Final { particle, .. } => out.push((path.clone(), *particle, false)),
                Node::Decay(sub) => {
                    out.push((path.clone(), sub.parent, true));
                    walk(sub, path, out);
                }
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(d, &mut Vec::new(), &mut out);
    out
}

fn node_at_mut<'a>(d: &'a mut Decay, path: &[usize]) -> Option<&'a mut Node> {
    let (first, rest) = path.split_first()?;
    let mut node = d.daughters.get_mut(*first)?;
    for i in rest {
        node = match node {
            Node::Decay(sub) => sub.daughters.get_mut(*i)?,
            Node::Final { .. } => return None,
        };
    }
    Some(node)
}

fn pick<T: Copy>(rng: &mut GaRng, items: &[T]) -> Option<T> {
    if items.is_empty() { None } else { items.get(rng.random_range(0..items.len())).copied() }
}

impl<'g> BackgroundProblem<'g> {
    /// The operators for this grammar's signal.
    pub fn new(grammar: &'g Grammar) -> Self {
        Self { grammar }
    }

    fn genome(&self, decay: Decay) -> BackgroundGenome {
        let hash = self.grammar.canonical_hash(&decay);
        BackgroundGenome { decay, hash }
    }

    /// The template of a tree under an edit.
    fn items(&self, d: &Decay, edit: Edit) -> Vec<Item> {
        let vocab = self.grammar.vocab();
        let mut out = Vec::with_capacity(32);
        match edit {
            Edit::Parent => out.push(Item::NewTok(vocab.token(d.parent))),
            _ => out.push(Item::Tok(vocab.token(d.parent))),
        }
        out.push(Item::Tok(ARROW));
        if edit == Edit::RootMode {
            out.push(Item::Rest);
            return out;
        }
        fn walk(
            vocab: &hepzero_tokens::Vocabulary,
            d: &Decay,
            edit: Edit,
            idx: &mut usize,
            out: &mut Vec<Item>,
        ) {
            for n in &d.daughters {
                let me = *idx;
                *idx += 1;
                match n {
                    Node::Final { particle, recon } => {
                        out.push(if edit == Edit::Leaf(me) {
                            Item::NewLeaf(*particle)
                        } else {
                            Item::Tok(vocab.token(*particle))
                        });
                        out.push(if edit == Edit::Recon(me) {
                            Item::NewRecon(*recon)
                        } else {
                            Item::Recon(*recon)
                        });
                    }
                    Node::Decay(sub) => {
                        out.push(Item::Tok(OPEN));
                        if edit == Edit::SubDecay(me) {
                            out.push(Item::Free { up: 0 });
                            *idx += node_paths(sub).len();
                            continue;
                        }
                        out.push(Item::Tok(vocab.token(sub.parent)));
                        out.push(Item::Tok(ARROW));
                        if edit == Edit::SubMode(me) {
                            out.push(Item::Free { up: 1 });
                            *idx += node_paths(sub).len();
                            continue;
                        }
                        walk(vocab, sub, edit, idx, out);
                        out.push(Item::Tok(CLOSE));
                    }
                }
            }
        }
        let mut idx = 0;
        walk(vocab, d, edit, &mut idx, &mut out);
        out.push(Item::Tok(hepzero_tokens::END));
        out
    }

    /// An allowed token, avoiding `avoid` when another is allowed. Closing a vertex weighs
    /// `CLOSE_WEIGHT` and "as itself" `AS_ITSELF_WEIGHT`, other tokens 1: a uniform walk would
    /// mostly build long, deep chains, while the backgrounds that matter are short and mostly
    /// fully reconstructed. With `same_charge`, particle tokens of that charge are preferred.
    fn sample_with(
        &self,
        state: &State,
        avoid: Option<TokenId>,
        same_charge: Option<i32>,
        rng: &mut GaRng,
    ) -> Option<TokenId> {
        let mask = self.grammar.valid_next(state);
        let mut allowed: Vec<TokenId> = mask.iter().collect();
        if allowed.len() > 1
            && let Some(a) = avoid
        {
            allowed.retain(|t| *t != a);
        }
        if let Some(q) = same_charge {
            let vocab = self.grammar.vocab();
            let charged = |t: &TokenId| vocab.token_particle(*t).is_some_and(|p| vocab.charge3(p) == q);
            if allowed.iter().any(charged) {
                allowed.retain(charged);
            }
        }
        let weight = |t: TokenId| match t {
            hepzero_tokens::END | CLOSE => CLOSE_WEIGHT,
            AS_ITSELF => AS_ITSELF_WEIGHT,
            _ => 1,
        };
        let total: u32 = allowed.iter().map(|t| weight(*t)).sum();
        if total == 0 {
            return None;
        }
        let mut r = rng.random_range(0..total);
        for t in &allowed {
            let w = weight(*t);
            if r < w {
                return Some(*t);
            }
            r -= w;
        }
        None
    }

    fn sample(&self, state: &State, avoid: Option<TokenId>, rng: &mut GaRng) -> Option<TokenId> {
        self.sample_with(state, avoid, None, rng)
    }

    fn push(&self, state: &mut State, out: &mut Vec<TokenId>, t: TokenId) -> bool {
        if self.grammar.push(state, t).is_ok() {
            out.push(t);
            true
        } else {
            false
        }
    }

    fn recon_tokens(&self, r: Recon) -> ([TokenId; 2], usize) {
        match r {
            Recon::AsItself => ([AS_ITSELF, AS_ITSELF], 1),
            Recon::Missing => ([MISSING, MISSING], 1),
            Recon::As(y) => ([AS_SPECIES, self.grammar.vocab().token(y)], 2),
        }
    }

    /// Samples a reconstruction (one or two tokens), different from `avoid` when possible.
    fn sample_recon(
        &self,
        state: &mut State,
        out: &mut Vec<TokenId>,
        avoid: Option<Recon>,
        rng: &mut GaRng,
    ) -> bool {
        let avoid_first = avoid.map(|r| self.recon_tokens(r).0[0]);
        // Only avoid AS_SPECIES as a whole when the old one was not a mis-ID (another species is new).
        let avoid_first = match avoid {
            Some(Recon::As(_)) => None,
            _ => avoid_first,
        };
        let Some(t) = self.sample(state, avoid_first, rng) else { return false };
        if !self.push(state, out, t) {
            return false;
        }
        if t == AS_SPECIES {
            let avoid_species = match avoid {
                Some(Recon::As(y)) => Some(self.grammar.vocab().token(y)),
                _ => None,
            };
            let Some(s) = self.sample(state, avoid_species, rng) else { return false };
            return self.push(state, out, s);
        }
        true
    }

    /// Samples until `done` says so (or the background is complete).
    fn sample_until(
        &self,
        state: &mut State,
        out: &mut Vec<TokenId>,
        rng: &mut GaRng,
        done: &dyn Fn(&State, TokenId) -> bool,
    ) -> bool {
        let limit = 2 * self.grammar.max_background_len() + 8;
        for _ in 0..limit {
            if state.is_complete() {
                return true;
            }
            let Some(t) = self.sample(state, None, rng) else { return false };
            if !self.push(state, out, t) {
                return false;
            }
            if done(state, t) {
                return true;
            }
        }
        state.is_complete()
    }

    /// Replays a template through the automaton. With `strict`, a structural token that is no longer
    /// allowed fails the replay (`None`); otherwise the rest is sampled freely.
    fn replay(&self, items: &[Item], strict: bool, rng: &mut GaRng) -> Option<Decay> {
        let mut state = self.grammar.initial_state();
        let mut out: Vec<TokenId> = Vec::with_capacity(items.len() + 8);
        let mut free_rest = false;
        for item in items {
            if state.is_complete() {
                break;
            }
            match *item {
                Item::Tok(t) => {
                    if !self.push(&mut state, &mut out, t) {
                        if strict {
                            return None;
                        }
                        free_rest = true;
                        break;
                    }
                }
                Item::NewTok(t) => {
                    let s = self.sample(&state, Some(t), rng)?;
                    if !self.push(&mut state, &mut out, s) {
                        return None;
                    }
                }
                Item::NewLeaf(p) => {
                    let vocab = self.grammar.vocab();
                    let s = self.sample_with(&state, Some(vocab.token(p)), Some(vocab.charge3(p)), rng)?;
                    if !self.push(&mut state, &mut out, s) {
                        return None;
                    }
                }
                Item::Recon(r) => {
                    let (toks, n) = self.recon_tokens(r);
                    let mut trial = state.clone();
                    let ok = toks.iter().take(n).all(|t| self.grammar.push(&mut trial, *t).is_ok());
                    if ok {
                        state = trial;
                        out.extend(toks.iter().take(n));
                    } else if !self.sample_recon(&mut state, &mut out, None, rng) {
                        return None;
                    }
                }
                Item::NewRecon(r) => {
                    if !self.sample_recon(&mut state, &mut out, Some(r), rng) {
                        return None;
                    }
                }
                Item::Free { up } => {
                    let target = state.open_vertices().checked_sub(up)?;
                    let done = |s: &State, t: TokenId| t == CLOSE && s.open_vertices() == target;
                    if !self.sample_until(&mut state, &mut out, rng, &done) {
                        return None;
                    }
                }
                Item::Rest => {
                    free_rest = true;
                    break;
                }
            }
        }
        if (free_rest || !state.is_complete()) && !self.sample_until(&mut state, &mut out, rng, &|_, _| false)
        {
            return None;
        }
        if !state.is_complete() {
            return None;
        }
        self.grammar.decode_background(&out).ok()
    }

    /// A random valid background (a random walk on the grammar's masks).
    pub fn sample_background(&self, rng: &mut GaRng) -> Option<Decay> {
        self.replay(&[Item::Rest], false, rng)
    }

    fn mutate_decay(&self, d: &Decay, rng: &mut GaRng) -> Option<Decay> {
        let nodes = node_paths(d);
        let subs: Vec<usize> = nodes.iter().enumerate().filter(|(_, n)| n.2).map(|(i, _)| i).collect();
        let leaves: Vec<usize> = nodes.iter().enumerate().filter(|(_, n)| !n.2).map(|(i, _)| i).collect();
        let u: f64 = rng.random();
        let edit = if u < 0.12 {
            Edit::Parent
        } else if u < 0.24 {
            Edit::RootMode
        } else if u < 0.44 && !subs.is_empty() {
            let i = pick(rng, &subs)?;
            if rng.random::<bool>() { Edit::SubDecay(i) } else { Edit::SubMode(i) }
        } else if u < 0.62 {
            Edit::Leaf(pick(rng, &leaves)?)
        } else if u < 0.84 || leaves.len() < 2 {
            Edit::Recon(pick(rng, &leaves)?)
        } else {
            // Swap the reconstructions of two final-state particles of equal charge.
            let vocab = self.grammar.vocab();
            let a = pick(rng, &leaves)?;
            let (pa, qa) = nodes.get(a).map(|n| (n.0.clone(), vocab.charge3(n.1)))?;
            let partners: Vec<usize> = leaves
                .iter()
                .copied()
                .filter(|&b| b != a && nodes.get(b).is_some_and(|n| vocab.charge3(n.1) == qa))
                .collect();
            if let Some(b) = pick(rng, &partners) {
                let pb = nodes.get(b)?.0.clone();
                let mut c = d.clone();
                let ra = match node_at_mut(&mut c, &pa)? {
                    Node::Final { recon, .. } => *recon,
                    Node::Decay(_) => return None,
                };
                let rb = match node_at_mut(&mut c, &pb)? {
                    Node::Final { recon, .. } => std::mem::replace(recon, ra),
                    Node::Decay(_) => return None,
                };
                if let Node::Final { recon, .. } = node_at_mut(&mut c, &pa)? {
                    *recon = rb;
                }
                if ra != rb && self.grammar.check_background(&c).is_ok() {
                    return Some(c);
                }
            }
            Edit::Recon(a)
        };
        self.replay(&self.items(d, edit), false, rng)
    }

    /// A tree after exchange: kept if valid, else its reconstructions are repaired, else `None`.
    fn accept_exchange(&self, d: Decay, rng: &mut GaRng) -> Option<Decay> {
        if self.grammar.check_background(&d).is_ok() {
            return Some(d);
        }
        self.replay(&self.items(&d, Edit::None), true, rng)
    }
}

impl Problem for BackgroundProblem<'_> {
    type Genome = BackgroundGenome;

    fn initialise(&self, rng: &mut GaRng) -> BackgroundGenome {
        // The automaton has no dead ends, so a walk always completes; the fallback is the signal
        // itself (a valid background) in case of a grammar bug.
        let decay = (0..8)
            .find_map(|_| self.sample_background(rng))
            .unwrap_or_else(|| signal_as_background(self.grammar));
        self.genome(decay)
    }

    fn mutate(&self, genome: &mut BackgroundGenome, _ctx: &Context, rng: &mut GaRng) {
        if let Some(d) = self.mutate_decay(&genome.decay, rng) {
            *genome = self.genome(d);
        }
    }

    fn crossover(&self, a: &mut BackgroundGenome, b: &mut BackgroundGenome, _ctx: &Context, rng: &mut GaRng) {
        let vocab = self.grammar.vocab();
        let na = node_paths(&a.decay);
        let nb = node_paths(&b.decay);
        let Some(i) = (!na.is_empty()).then(|| rng.random_range(0..na.len())) else { return };
        let Some((pa, xa, _)) = na.get(i).cloned() else { return };
        let q = vocab.charge3(xa);
        let partners: Vec<usize> =
            (0..nb.len()).filter(|&j| nb.get(j).is_some_and(|n| vocab.charge3(n.1) == q)).collect();
        let Some(j) = pick(rng, &partners) else { return };
        let Some(pb) = nb.get(j).map(|n| n.0.clone()) else { return };
        let (mut ca, mut cb) = (a.decay.clone(), b.decay.clone());
        let (Some(sa), Some(sb)) = (node_at_mut(&mut ca, &pa).cloned(), node_at_mut(&mut cb, &pb).cloned())
        else {
            return;
        };
        if sa == sb {
            return;
        }
        if let Some(n) = node_at_mut(&mut ca, &pa) {
            *n = sb;
        }
        if let Some(n) = node_at_mut(&mut cb, &pb) {
            *n = sa;
        }
        if let Some(d) = self.accept_exchange(ca, rng) {
            *a = self.genome(d);
        }
        if let Some(d) = self.accept_exchange(cb, rng) {
            *b = self.genome(d);
        }
    }
}

/// The signal's own decay as a background (every particle reconstructed as itself).
fn signal_as_background(grammar: &Grammar) -> Decay {
    grammar.signal().clone()
}

/// The reward as the GA's fitness. A background the reward cannot score gets `-inf` (never
/// selected, never in the hall of fame) and is counted.
struct RewardFitness<'m> {
    model: &'m RewardModel,
    failed: AtomicU64,
    first_error: std::sync::Mutex<Option<hepzero_reward::Error>>,
}

impl Fitness<BackgroundGenome> for RewardFitness<'_> {
    fn evaluate(
        &self,
        batch: &[&BackgroundGenome],
        out: &mut [f64],
    ) -> std::result::Result<(), FitnessError> {
        for (g, o) in batch.iter().zip(out.iter_mut()) {
            *o = match self.model.evaluate(&g.decay) {
                Ok(b) if !b.reward.is_nan() => b.reward,
                Ok(_) => f64::NEG_INFINITY,
                Err(e) => {
                    self.failed.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut first) = self.first_error.lock()
                        && first.is_none()
                    {
                        *first = Some(e);
                    }
                    f64::NEG_INFINITY
                }
            };
        }
        Ok(())
    }
}

/// The engine configuration of a search.
pub fn engine_config(model: &RewardModel, config: &GaSearchConfig) -> Config {
    Config {
        seed: config.seed,
        population: config.population,
        mode: Mode::Generational {
            selection: Selection::Tournament { size: config.tournament },
            crossover_rate: config.crossover_rate,
            mutation_rate: config.mutation_rate,
            elitism: config.elitism,
        },
        stop: Stop {
            max_generations: config.generations,
            max_evaluations: config.max_evaluations,
            ..Stop::default()
        },
        hall_of_fame: Some(HallOfFameConfig { threshold: model.config().threshold, max_size: None }),
        deduplicate: true,
        eval_batch: config.eval_batch,
        ..Config::default()
    }
}

/// Runs the GA background search for the model's signal. Returns the hall of fame as a ranking
/// (method `ga`, same form as the oracle's) and one report per generation (best and mean reward
/// for plots). Rewards are computed in parallel in the caller's rayon pool; the result does not
/// depend on the number of threads.
pub fn run_ga(
    model: &RewardModel,
    config: &GaSearchConfig,
    observer: &mut dyn Observer,
) -> Result<(Ranking, Vec<GenerationReport>)> {
    let start = Instant::now();
    let grammar = model.grammar();
    let problem = BackgroundProblem::new(grammar);
    let fitness =
        RewardFitness { model, failed: AtomicU64::new(0), first_error: std::sync::Mutex::new(None) };
    let engine = Engine::new(&problem, &fitness, engine_config(model, config))
        .map_err(|e| Error::Config(e.to_string()))?;
    let result = engine.run(observer).map_err(|e| Error::Config(e.to_string()))?;
    if fitness.failed.load(Ordering::Relaxed) >= result.evaluations
        && let Some(e) = fitness.first_error.lock().ok().and_then(|mut f| f.take())
    {
        return Err(Error::Reward(e));
    }
    let threshold = model.config().threshold;
    let mut backgrounds: Vec<Breakdown> = Vec::with_capacity(result.hall_of_fame.len());
    for s in &result.hall_of_fame {
        let b = model.evaluate(&s.genome.decay)?;
        if b.is_exact() && b.reward >= threshold {
            backgrounds.push(b);
        }
    }
    sort_breakdowns(&mut backgrounds);
    let (simulated, events_simulated) = model.simulation_counts();
    let ranking = Ranking {
        method: "ga".into(),
        signal: grammar.format_signal(),
        threshold,
        backgrounds,
        candidates: result.evaluations,
        evaluations: result.evaluations,
        simulated,
        events_simulated,
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((ranking, result.history))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hepzero_tokens::{GrammarConfig, Vocabulary};
    use rand::SeedableRng;
    use std::sync::Arc;

    #[test]
    fn replaying_an_unedited_template_gives_the_same_background() {
        let vocab = Arc::new(Vocabulary::lhcb_default().unwrap());
        let g = Grammar::new(vocab, "B0 -> K+ pi- pi0", GrammarConfig::default()).unwrap();
        let p = BackgroundProblem::new(&g);
        let mut rng = GaRng::seed_from_u64(1);
        for text in [
            "B0 -> (K*+ -> K+ pi0) pi-",
            "B0 -> (K*0 -> K+ pi-) pi0",
            "B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}",
        ] {
            let d = g.parse_background(text).unwrap();
            let again = p.replay(&p.items(&d, Edit::None), true, &mut rng).unwrap();
            assert_eq!(g.format_background(&again), g.format_background(&d));
        }
        // Every edit of a sub-decay leaves the rest of the template in place where it can.
        let d = g.parse_background("B0 -> (K*+ -> K+ pi0) pi-").unwrap();
        for _ in 0..50 {
            let e = p.replay(&p.items(&d, Edit::SubMode(0)), false, &mut rng).unwrap();
            g.check_background(&e).unwrap();
            assert!(g.format_background(&e).starts_with("B0 -> (K*+ -> "), "{}", g.format_background(&e));
        }
    }
}
