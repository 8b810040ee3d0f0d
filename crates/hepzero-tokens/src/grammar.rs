//! The grammar of backgrounds for one signal, as a pushdown automaton over tokens.
//!
//! The stack holds one frame per open decay vertex: the vertex (parent, daughters emitted so far as
//! a multiset, remaining depth) and the set of outcomes ([`crate::outcome`]) the particles committed
//! so far may add up to when the vertex closes. For every vertex reachable from an allowed parent
//! we precompute, at construction, what the rest of the vertex can still produce (over every table
//! mode containing the daughters so far, with sub-decays within the depth limit), and for every
//! possible next daughter the outcomes "that daughter + the rest". A token is valid iff one AND of
//! four words says the completed tree can still fill every signal slot exactly once with at most k
//! missing, so every prefix the mask allows can be completed (no dead ends), and a full mask is one
//! pass over the vertex's few transitions plus O(vocabulary/64) words to clear.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::check;
use crate::config::{GrammarConfig, ParentPolicy, same_flavour_allowed};
use crate::error::{Error, Position, Result, charge_str};
use crate::outcome::{OSet, Space};
use crate::tree::{Decay, Node, Recon, parse_decay};
use crate::vocab::{
    ARROW, AS_ITSELF, AS_SPECIES, CLOSE, END, MISSING, Multiset, OPEN, ParticleId, SEP, TokenId, Vocabulary,
};

/// A set of tokens, one bit per token id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BitMask {
    words: Vec<u64>,
    len: usize,
}

impl BitMask {
    /// An empty mask over `len` tokens.
    pub fn new(len: usize) -> BitMask {
        BitMask { words: vec![0; len.div_ceil(64)], len }
    }
    /// Number of tokens the mask ranges over.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when no token is set.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
    /// Whether token `t` is in the set.
    pub fn contains(&self, t: TokenId) -> bool {
        let i = t.0 as usize;
        self.words.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
    /// Adds token `t`.
    pub fn insert(&mut self, t: TokenId) {
        let i = t.0 as usize;
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }
    /// Removes every token.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }
    /// Number of tokens in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// The raw words (bit `i % 64` of word `i / 64` is token `i`), e.g. to mask logits.
    pub fn words(&self) -> &[u64] {
        &self.words
    }
    /// The tokens in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = TokenId> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, w)| {
            let mut w = *w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(TokenId((wi * 64 + b) as u16))
            })
        })
    }
}

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Transition {
    /// The daughter this transition emits.
    particle: ParticleId,
    /// The vertex after emitting it (same parent, one more daughter).
    next: u32,
    /// The daughter's own decay vertex, when it decays (NONE for a stable daughter).
    child: u32,
    /// What the rest of the vertex can produce after this daughter.
    rest_next: OSet,
    /// This daughter as a final-state particle + rest (empty if it cannot be a leaf).
    q_leaf: OSet,
    /// This daughter decaying + rest (empty if it cannot decay here).
    q_open: OSet,
}

#[derive(Debug, Clone)]
struct Vertex {
    /// The vertex's daughters so far are exactly a mode of the parent.
    complete: bool,
    /// Outcomes the remaining daughters can produce (contains 0 iff complete).
    rest: OSet,
    /// Sorted by particle.
    transitions: Vec<Transition>,
    /// The same transitions as (token, q_leaf, q_open) in one word each, when the outcome lattice
    /// fits 64 points (most signals): the mask loop then touches 24 bytes per transition.
    compact: Vec<Compact>,
}

#[derive(Debug, Clone, Copy)]
struct Compact {
    token: u16,
    q_leaf: u64,
    q_open: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    vertex: u32,
    /// Outcomes the committed total may have when this vertex closes.
    accept: OSet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    AfterParent,
    Daughters,
    AfterOpen,
    AfterOpenParticle,
    AfterLeaf(u32),
    AfterAs(u32),
    Done,
}

/// Where a background prefix stands in the grammar. Cheap to clone (a few dozen bytes per open
/// vertex) and to [`Grammar::push`] onto.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    phase: Phase,
    frames: SmallVec<[Frame; 4]>,
    committed: u16,
    len: u16,
}

impl State {
    /// Number of background tokens pushed.
    pub fn len(&self) -> usize {
        self.len as usize
    }
    /// True before the first token.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// True once END has been pushed: the background is complete and valid.
    pub fn is_complete(&self) -> bool {
        self.phase == Phase::Done
    }
    /// Number of open decay vertices.
    pub fn open_vertices(&self) -> usize {
        self.frames.len()
    }
}

/// One way a stable particle can be reconstructed.
#[derive(Debug, Clone, Copy)]
struct LeafOption {
    recon: Recon,
    point: usize,
}

/// The grammar of backgrounds for one signal: mask, parser, printer, canonical form.
#[derive(Debug, Clone)]
pub struct Grammar {
    pub(crate) vocab: Arc<Vocabulary>,
    pub(crate) config: GrammarConfig,
    pub(crate) signal: Decay,
    signal_tokens: Vec<TokenId>,
    pub(crate) space: Space,
    pub(crate) allowed_parent: Vec<bool>,
    leaf_options: Vec<SmallVec<[LeafOption; 4]>>,
    vertices: Vec<Vertex>,
    roots: Vec<u32>,
    start_mask: BitMask,
    one_word: bool,
}

type VMap = FxHashMap<Multiset, (OSet, bool, SmallVec<[(ParticleId, Multiset); 4]>)>;
type UVMap = VMap;

/// Key of an unrestricted-grammar vertex: daughters emitted so far and their total charge,
/// written as a two-element pseudo-multiset so both grammars share the vertex machinery.
fn u_key(n: usize, q: i32) -> Multiset {
    let mut m = Multiset::new();
    m.push(ParticleId(n as u16));
    m.push(ParticleId((q + 1024).clamp(0, u16::MAX as i32) as u16));
    m
}

fn start_key(
    config: &GrammarConfig,
    rep: &[ParticleId],
    p: ParticleId,
    d: usize,
) -> (ParticleId, usize, Multiset) {
    if config.table_restricted {
        (p, d, Multiset::new())
    } else {
        (rep.get(p.0 as usize).copied().unwrap_or(p), d, u_key(0, 0))
    }
}

/// The unrestricted grammar's vertices for a parent of charge `q_parent` at depth `d`: every
/// (daughters emitted, their charge) with what the rest can produce; a decay is complete with 2 to
/// `max_d` daughters and the parent's charge.
fn build_unrestricted(
    vocab: &Vocabulary,
    space: &Space,
    leaf_set: &[OSet],
    reach: &[Vec<OSet>],
    q_parent: i32,
    d: usize,
    max_d: usize,
) -> UVMap {
    // Daughter classes: particles with the same charge and the same contribution.
    let contribs: Vec<OSet> = (0..vocab.particles().len())
        .map(|i| contrib(vocab, leaf_set, reach, ParticleId(i as u16), d - 1))
        .collect();
    let mut classes: Vec<(i32, OSet)> = Vec::new();
    for (p, c) in vocab.particles().iter().zip(&contribs) {
        if !c.is_empty() && !classes.contains(&(p.charge3, *c)) {
            classes.push((p.charge3, *c));
        }
    }
    let qmax = vocab.particles().iter().map(|p| p.charge3.abs()).max().unwrap_or(0);
    let span = qmax * max_d as i32;
    let mut rest: FxHashMap<(usize, i32), OSet> = FxHashMap::default();
    for nn in (0..=max_d).rev() {
        for q in -span..=span {
            if (q_parent - q).abs() > qmax * (max_d - nn) as i32 {
                continue;
            }
            let mut r = OSet::EMPTY;
            if nn >= 2 && q == q_parent {
                r.insert(0);
            }
            if nn < max_d {
                for (cq, c) in &classes {
                    if let Some(next) = rest.get(&(nn + 1, q + cq)) {
                        r.or_assign(&space.sum(c, next));
                    }
                }
            }
            if !r.is_empty() {
                rest.insert((nn, q), r);
            }
        }
    }
    let mut map: UVMap = FxHashMap::default();
    for (&(nn, q), r) in &rest {
        let mut edges: SmallVec<[(ParticleId, Multiset); 4]> = SmallVec::new();
        if nn < max_d {
            for (i, (p, c)) in vocab.particles().iter().zip(&contribs).enumerate() {
                if !c.is_empty() && rest.contains_key(&(nn + 1, q + p.charge3)) {
                    edges.push((ParticleId(i as u16), u_key(nn + 1, q + p.charge3)));
                }
            }
        }
        map.insert(u_key(nn, q), (*r, nn >= 2 && q == q_parent, edges));
    }
    map
}

impl Grammar {
    /// Builds the grammar for a signal written in the syntax of [`crate::tree`], e.g.
    /// `"B0 -> K+ pi- pi0"` or `"B0 -> (K*0 -> K+ pi-) mu+ mu-"`.
    pub fn new(vocab: Arc<Vocabulary>, signal: &str, config: GrammarConfig) -> Result<Grammar> {
        let (decay, spans) = parse_decay(&vocab, signal, false)?;
        check::check_signal(&vocab, &decay, &spans)?;
        Grammar::from_signal(vocab, decay, config)
    }

    /// Builds the grammar for a signal tree (checked as in [`Grammar::new`]).
    pub fn from_signal(vocab: Arc<Vocabulary>, signal: Decay, config: GrammarConfig) -> Result<Grammar> {
        check::check_signal(&vocab, &signal, &crate::tree::Spans::default())?;
        if !config.table_restricted && !(2..=8).contains(&config.max_daughters) {
            return Err(Error::Config(format!("max_daughters {} outside 2..=8", config.max_daughters)));
        }
        if config.max_depth == 0 || config.max_depth > 8 {
            return Err(Error::Config(format!("max_depth {} outside 1..=8", config.max_depth)));
        }
        let n = vocab.particles().len();
        let mut slots: Vec<(ParticleId, usize)> = Vec::new();
        for (p, _) in signal.leaves() {
            match slots.iter_mut().find(|s| s.0 == p) {
                Some(s) => s.1 += 1,
                None => slots.push((p, 1)),
            }
        }
        slots.sort();
        let space = Space::new(slots, config.max_missing)?;

        let sig_parent = vocab
            .particle(signal.parent)
            .cloned()
            .ok_or_else(|| Error::Config("signal parent outside the vocabulary".into()))?;
        let mut allowed_parent = vec![false; n];
        match &config.parents {
            ParentPolicy::Any => allowed_parent.iter_mut().for_each(|a| *a = true),
            ParentPolicy::SameFlavour => {
                for (a, p) in allowed_parent.iter_mut().zip(vocab.particles()) {
                    *a = same_flavour_allowed(&sig_parent, p);
                }
            }
            ParentPolicy::List(names) => {
                for (i, name) in names.iter().enumerate() {
                    let id = vocab.id(name).ok_or_else(|| Error::UnknownParticle {
                        name: name.clone(),
                        at: Position::Token(i),
                    })?;
                    if let Some(a) = allowed_parent.get_mut(id.0 as usize) {
                        *a = true;
                    }
                }
            }
        }
        for (a, p) in allowed_parent.iter_mut().zip(vocab.particles()) {
            *a = *a && !p.stable;
        }

        // How each stable particle can end up: missing, filling its own slot, or a mis-ID'd slot.
        let mut leaf_options: Vec<SmallVec<[LeafOption; 4]>> = vec![SmallVec::new(); n];
        let mut leaf_set = vec![OSet::EMPTY; n];
        for (i, p) in vocab.particles().iter().enumerate() {
            if !p.stable {
                continue;
            }
            let id = ParticleId(i as u16);
            let mut opts: SmallVec<[LeafOption; 4]> = SmallVec::new();
            if let Some(pt) = space.slot_point(id) {
                opts.push(LeafOption { recon: Recon::AsItself, point: pt });
            }
            for (sp, _) in &space.slots {
                if *sp == id || !check::misid_allowed(&vocab, &config, id, *sp) {
                    continue;
                }
                if let Some(pt) = space.slot_point(*sp) {
                    opts.push(LeafOption { recon: Recon::As(*sp), point: pt });
                }
            }
            if let Some(pt) = space.miss_point() {
                opts.push(LeafOption { recon: Recon::Missing, point: pt });
            }
            let mut set = OSet::EMPTY;
            for o in &opts {
                set.insert(o.point);
            }
            if let (Some(l), Some(s)) = (leaf_options.get_mut(i), leaf_set.get_mut(i)) {
                *l = opts;
                *s = set;
            }
        }

        // Usable modes: charge-conserving table modes.
        let usable: Vec<Vec<&[ParticleId]>> = (0..n)
            .map(|i| {
                let id = ParticleId(i as u16);
                if vocab.is_stable(id) {
                    return Vec::new();
                }
                let q = vocab.charge3(id);
                vocab
                    .modes(id)
                    .iter()
                    .filter(|m| {
                        !m.daughters.is_empty()
                            && m.daughters.iter().map(|d| vocab.charge3(*d)).sum::<i32>() == q
                    })
                    .map(|m| m.daughters.as_slice())
                    .collect()
            })
            .collect();

        // reach[d][p]: outcomes of p decaying with d levels available.
        let max_depth = config.max_depth;
        let mut reach: Vec<Vec<OSet>> = vec![vec![OSet::EMPTY; n]; max_depth + 1];
        // Unrestricted grammar: what depends on a parent is only its charge; one representative
        // particle per charge stands for all (vertex keys use it), and its rest sets per depth.
        let mut rep: Vec<ParticleId> = (0..n).map(|i| ParticleId(i as u16)).collect();
        let mut unres: FxHashMap<(i32, usize), UVMap> = FxHashMap::default();
        if !config.table_restricted {
            let mut first: FxHashMap<i32, ParticleId> = FxHashMap::default();
            for (i, p) in vocab.particles().iter().enumerate() {
                let r = *first.entry(p.charge3).or_insert(ParticleId(i as u16));
                if let Some(x) = rep.get_mut(i) {
                    *x = r;
                }
            }
            let mut charges: Vec<i32> = first.keys().copied().collect();
            charges.sort();
            for d in 1..=max_depth {
                for q in &charges {
                    let m =
                        build_unrestricted(&vocab, &space, &leaf_set, &reach, *q, d, config.max_daughters);
                    unres.insert((*q, d), m);
                }
                let level: Vec<OSet> = vocab
                    .particles()
                    .iter()
                    .map(|p| {
                        if p.stable {
                            OSet::EMPTY
                        } else {
                            unres
                                .get(&(p.charge3, d))
                                .and_then(|m| m.get(&u_key(0, 0)))
                                .map_or(OSet::EMPTY, |v| v.0)
                        }
                    })
                    .collect();
                if let Some(r) = reach.get_mut(d) {
                    *r = level;
                }
            }
        }
        for d in (1..=max_depth).filter(|_| config.table_restricted) {
            let mut level = vec![OSet::EMPTY; n];
            for (i, modes) in usable.iter().enumerate() {
                let mut acc = OSet::EMPTY;
                for m in modes {
                    let mut s = OSet::single(0);
                    for y in m.iter() {
                        let c = contrib(&vocab, &leaf_set, &reach, *y, d - 1);
                        s = space.sum(&s, &c);
                        if s.is_empty() {
                            break;
                        }
                    }
                    acc.or_assign(&s);
                }
                if let Some(l) = level.get_mut(i) {
                    *l = acc;
                }
            }
            if let Some(r) = reach.get_mut(d) {
                *r = level;
            }
        }

        let mut g = Grammar {
            signal_tokens: Vec::new(),
            vocab: vocab.clone(),
            config,
            signal,
            space,
            allowed_parent,
            leaf_options,
            vertices: Vec::new(),
            roots: vec![NONE; n],
            start_mask: BitMask::new(vocab.len()),
            one_word: false,
        };
        g.signal_tokens = g.tree_tokens(&g.signal, false);
        g.signal_tokens.push(SEP);

        // Vertices reachable from the allowed parents.
        let mut vmaps: FxHashMap<(ParticleId, usize), VMap> = FxHashMap::default();
        let mut ids: FxHashMap<(ParticleId, usize, Multiset), u32> = FxHashMap::default();
        let mut queue: Vec<(ParticleId, usize, Multiset)> = Vec::new();
        let intern = |key: (ParticleId, usize, Multiset),
                      ids: &mut FxHashMap<(ParticleId, usize, Multiset), u32>,
                      verts: &mut Vec<Vertex>,
                      queue: &mut Vec<(ParticleId, usize, Multiset)>|
         -> u32 {
            if let Some(id) = ids.get(&key) {
                return *id;
            }
            let id = verts.len() as u32;
            verts.push(Vertex {
                complete: false,
                rest: OSet::EMPTY,
                transitions: Vec::new(),
                compact: Vec::new(),
            });
            ids.insert(key.clone(), id);
            queue.push(key);
            id
        };
        let mut verts: Vec<Vertex> = Vec::new();
        for i in 0..n {
            let p = ParticleId(i as u16);
            let top = reach.get(max_depth).and_then(|r| r.get(i)).copied().unwrap_or(OSet::EMPTY);
            if g.allowed_parent.get(i).copied().unwrap_or(false) && top.intersects(&g.space.target) {
                let key = start_key(&g.config, &rep, p, max_depth);
                let id = intern(key, &mut ids, &mut verts, &mut queue);
                if let Some(r) = g.roots.get_mut(i) {
                    *r = id;
                }
                g.start_mask.insert(vocab.token(p));
            }
        }
        let one_word = g.space.size <= 64;
        g.one_word = one_word;
        let mut qi = 0;
        while let Some(key) = queue.get(qi).cloned() {
            qi += 1;
            let (p, d, e) = key;
            let vid = ids.get(&(p, d, e.clone())).copied().unwrap_or(NONE);
            let vmap = vmaps.entry((p, d)).or_insert_with(|| {
                if !g.config.table_restricted {
                    return unres.remove(&(vocab.charge3(p), d)).unwrap_or_default();
                }
                build_vmap(
                    &vocab,
                    &g.space,
                    &leaf_set,
                    &reach,
                    usable.get(p.0 as usize).map_or(&[][..], |v| v),
                    d,
                )
            });
            let Some((rest, complete, edges)) = vmap.get(&e).cloned() else { continue };
            let mut transitions = Vec::new();
            let mut seen: SmallVec<[ParticleId; 16]> = SmallVec::new();
            for (x, e2) in edges.iter() {
                if seen.contains(x) {
                    continue;
                }
                seen.push(*x);
                let rest_next = vmap.get(e2).map_or(OSet::EMPTY, |v| v.0);
                if rest_next.is_empty() {
                    continue;
                }
                let xi = x.0 as usize;
                let (q_leaf, q_open) = if vocab.is_stable(*x) {
                    (g.space.sum(&rest_next, leaf_set.get(xi).unwrap_or(&OSet::EMPTY)), OSet::EMPTY)
                } else if d >= 2 {
                    let r = reach.get(d - 1).and_then(|r| r.get(xi)).copied().unwrap_or(OSet::EMPTY);
                    (OSet::EMPTY, g.space.sum(&rest_next, &r))
                } else {
                    (OSet::EMPTY, OSet::EMPTY)
                };
                if q_leaf.is_empty() && q_open.is_empty() {
                    continue;
                }
                transitions.push((*x, e2.clone(), rest_next, q_leaf, q_open));
            }
            let mut built = Vec::with_capacity(transitions.len());
            for (x, e2, rest_next, q_leaf, q_open) in transitions {
                let next = intern((p, d, e2), &mut ids, &mut verts, &mut queue);
                let child = if q_open.is_empty() {
                    NONE
                } else {
                    intern(start_key(&g.config, &rep, x, d - 1), &mut ids, &mut verts, &mut queue)
                };
                built.push(Transition { particle: x, next, child, rest_next, q_leaf, q_open });
            }
            built.sort_by_key(|t| t.particle);
            if let Some(v) = verts.get_mut(vid as usize) {
                v.rest = rest;
                v.complete = complete;
                if one_word {
                    v.compact = built
                        .iter()
                        .map(|t| Compact {
                            token: vocab.token(t.particle).0,
                            q_leaf: t.q_leaf.0[0],
                            q_open: t.q_open.0[0],
                        })
                        .collect();
                }
                v.transitions = built;
            }
        }
        g.vertices = verts;
        Ok(g)
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Arc<Vocabulary> {
        &self.vocab
    }
    /// The rules.
    pub fn config(&self) -> &GrammarConfig {
        &self.config
    }
    /// The signal tree.
    pub fn signal(&self) -> &Decay {
        &self.signal
    }
    /// The signal's tokens followed by SEP: the context every background sequence starts from.
    pub fn signal_tokens(&self) -> &[TokenId] {
        &self.signal_tokens
    }
    /// The signal's final-state particles with multiplicities (the slots a background must fill).
    pub fn slots(&self) -> &[(ParticleId, usize)] {
        &self.space.slots
    }
    /// Whether a particle may be the parent of a background.
    pub fn is_allowed_parent(&self, p: ParticleId) -> bool {
        self.allowed_parent.get(p.0 as usize).copied().unwrap_or(false)
    }
    /// Number of precomputed automaton vertices (a size measure).
    pub fn vertex_count(&self) -> usize {
        self.vertices.len()
    }
    /// An upper bound on the number of background tokens (END included): at most
    /// slots + k final-state particles (3 tokens each), at most `max_depth` vertices above each
    /// (4 tokens each).
    pub fn max_background_len(&self) -> usize {
        let leaves = self.space.slots.iter().map(|s| s.1).sum::<usize>() + self.config.max_missing;
        3 * leaves + 4 * leaves * self.config.max_depth + 1
    }

    /// The state before the first background token.
    pub fn initial_state(&self) -> State {
        State { phase: Phase::Start, frames: SmallVec::new(), committed: 0, len: 0 }
    }

    fn frame_need(&self, s: &State) -> Option<(Frame, &Vertex, OSet)> {
        let f = *s.frames.last()?;
        let v = self.vertices.get(f.vertex as usize)?;
        Some((f, v, self.space.minus_point(&f.accept, s.committed as usize)))
    }

    /// The tokens that may follow the prefix `s` (fresh mask).
    pub fn valid_next(&self, s: &State) -> BitMask {
        let mut m = BitMask::new(self.vocab.len());
        self.valid_next_into(s, &mut m);
        m
    }

    /// The tokens that may follow the prefix `s`, written into `mask` (cleared first; resized if
    /// built for another vocabulary).
    pub fn valid_next_into(&self, s: &State, mask: &mut BitMask) {
        if mask.len != self.vocab.len() {
            *mask = BitMask::new(self.vocab.len());
        } else {
            mask.clear();
        }
        match s.phase {
            Phase::Start => mask.words.copy_from_slice(&self.start_mask.words),
            Phase::AfterParent | Phase::AfterOpenParticle => mask.insert(ARROW),
            Phase::Done => {}
            Phase::Daughters => {
                let Some((_, v, need)) = self.frame_need(s) else { return };
                let mut open = false;
                if self.one_word {
                    let n = need.0[0];
                    let mut any_open = 0u64;
                    for c in &v.compact {
                        let hit = u64::from(n & c.q_leaf != 0);
                        if let Some(w) = mask.words.get_mut(usize::from(c.token >> 6)) {
                            *w |= hit << (c.token & 63);
                        }
                        any_open |= n & c.q_open;
                    }
                    open = any_open != 0;
                } else {
                    for t in &v.transitions {
                        if need.intersects(&t.q_leaf) {
                            mask.insert(self.vocab.token(t.particle));
                        }
                        open |= need.intersects(&t.q_open);
                    }
                }
                if open {
                    mask.insert(OPEN);
                }
                if v.complete && need.contains(0) {
                    mask.insert(if s.frames.len() > 1 { CLOSE } else { END });
                }
            }
            Phase::AfterOpen => {
                let Some((_, v, need)) = self.frame_need(s) else { return };
                for t in &v.transitions {
                    if need.intersects(&t.q_open) {
                        mask.insert(self.vocab.token(t.particle));
                    }
                }
            }
            Phase::AfterLeaf(ti) => {
                let Some((_, v, need)) = self.frame_need(s) else { return };
                let Some(t) = v.transitions.get(ti as usize) else { return };
                for o in self.leaf_options.get(t.particle.0 as usize).into_iter().flatten() {
                    if self.space.minus_point(&need, o.point).intersects(&t.rest_next) {
                        mask.insert(match o.recon {
                            Recon::AsItself => AS_ITSELF,
                            Recon::As(_) => AS_SPECIES,
                            Recon::Missing => MISSING,
                        });
                    }
                }
            }
            Phase::AfterAs(ti) => {
                let Some((_, v, need)) = self.frame_need(s) else { return };
                let Some(t) = v.transitions.get(ti as usize) else { return };
                for o in self.leaf_options.get(t.particle.0 as usize).into_iter().flatten() {
                    if let Recon::As(y) = o.recon
                        && self.space.minus_point(&need, o.point).intersects(&t.rest_next)
                    {
                        mask.insert(self.vocab.token(y));
                    }
                }
            }
        }
    }

    /// Whether token `t` may follow the prefix `s`.
    pub fn is_valid(&self, s: &State, t: TokenId) -> bool {
        let mut c = s.clone();
        self.push(&mut c, t).is_ok()
    }

    fn find_transition(&self, v: &Vertex, t: TokenId) -> Option<usize> {
        let p = self.vocab.token_particle(t)?;
        v.transitions.binary_search_by_key(&p, |x| x.particle).ok()
    }

    /// Appends token `t` to the prefix `s`, or says why the grammar does not allow it (the state is
    /// unchanged on error).
    pub fn push(&self, s: &mut State, t: TokenId) -> Result<()> {
        let at = Position::Token(s.len as usize);
        let reject = |why: &str| Error::Invalid {
            what: format!("token '{}' not allowed here: {why}", self.vocab.token_name(t)),
            at,
        };
        match s.phase {
            Phase::Start => {
                let p = self
                    .vocab
                    .token_particle(t)
                    .ok_or_else(|| reject("a background starts with its parent"))?;
                let root = self.roots.get(p.0 as usize).copied().unwrap_or(NONE);
                if root == NONE {
                    return Err(reject("not an allowed parent that can produce the signal's final state"));
                }
                s.frames.push(Frame { vertex: root, accept: self.space.target });
                s.phase = Phase::AfterParent;
            }
            Phase::AfterParent | Phase::AfterOpenParticle => {
                if t != ARROW {
                    return Err(reject("expected '->'"));
                }
                s.phase = Phase::Daughters;
            }
            Phase::Done => return Err(reject("the background is complete")),
            Phase::Daughters => {
                let (_, v, need) = self.frame_need(s).ok_or_else(|| reject("no open vertex"))?;
                if t == OPEN {
                    if !v.transitions.iter().any(|x| need.intersects(&x.q_open)) {
                        return Err(reject("no sub-decay can complete the signal here"));
                    }
                    s.phase = Phase::AfterOpen;
                } else if t == CLOSE || t == END {
                    let want = if s.frames.len() > 1 { CLOSE } else { END };
                    if t != want || !v.complete || !need.contains(0) {
                        return Err(reject(
                            "the daughters so far are not a complete decay filling the signal",
                        ));
                    }
                    s.frames.pop();
                    if t == END {
                        s.phase = Phase::Done;
                    }
                } else {
                    let ti = self
                        .find_transition(v, t)
                        .ok_or_else(|| reject("not a daughter of any usable mode"))?;
                    let tr = v.transitions.get(ti).ok_or_else(|| reject("internal"))?;
                    if !need.intersects(&tr.q_leaf) {
                        return Err(reject("as a final-state particle it cannot complete the signal"));
                    }
                    s.phase = Phase::AfterLeaf(ti as u32);
                }
            }
            Phase::AfterOpen => {
                let (f, v, need) = self.frame_need(s).ok_or_else(|| reject("no open vertex"))?;
                let ti =
                    self.find_transition(v, t).ok_or_else(|| reject("not a daughter of any usable mode"))?;
                let tr = v.transitions.get(ti).ok_or_else(|| reject("internal"))?;
                if !need.intersects(&tr.q_open) {
                    return Err(reject("its decays cannot complete the signal here"));
                }
                let accept = self.space.minus_set(&f.accept, &tr.rest_next);
                let (next, child) = (tr.next, tr.child);
                if let Some(f) = s.frames.last_mut() {
                    f.vertex = next;
                }
                s.frames.push(Frame { vertex: child, accept });
                s.phase = Phase::AfterOpenParticle;
            }
            Phase::AfterLeaf(ti) | Phase::AfterAs(ti) => {
                let (_, v, need) = self.frame_need(s).ok_or_else(|| reject("no open vertex"))?;
                let tr = v.transitions.get(ti as usize).ok_or_else(|| reject("internal"))?;
                let opts = self.leaf_options.get(tr.particle.0 as usize).ok_or_else(|| reject("internal"))?;
                let fits = |o: &LeafOption| self.space.minus_point(&need, o.point).intersects(&tr.rest_next);
                let chosen = if s.phase == Phase::AfterAs(ti) {
                    let y = self.vocab.token_particle(t);
                    opts.iter().find(|o| matches!(o.recon, Recon::As(z) if Some(z) == y))
                } else if t == AS_SPECIES {
                    if !opts.iter().any(|o| matches!(o.recon, Recon::As(_)) && fits(o)) {
                        return Err(reject("no allowed mis-identification completes the signal"));
                    }
                    s.phase = Phase::AfterAs(ti);
                    s.len += 1;
                    return Ok(());
                } else if t == AS_ITSELF {
                    opts.iter().find(|o| o.recon == Recon::AsItself)
                } else if t == MISSING {
                    opts.iter().find(|o| o.recon == Recon::Missing)
                } else {
                    return Err(reject("expected a reconstruction token"));
                };
                let o =
                    chosen.ok_or_else(|| reject("this reconstruction is not possible for the particle"))?;
                if !fits(o) {
                    return Err(reject("this reconstruction cannot complete the signal"));
                }
                let (point, next) = (o.point, tr.next);
                s.committed += point as u16;
                if let Some(f) = s.frames.last_mut() {
                    f.vertex = next;
                }
                s.phase = Phase::Daughters;
            }
        }
        s.len += 1;
        Ok(())
    }

    /// Runs a background token sequence (END included) through the automaton.
    pub fn run(&self, tokens: &[TokenId]) -> Result<State> {
        let mut s = self.initial_state();
        for t in tokens {
            self.push(&mut s, *t)?;
        }
        Ok(s)
    }

    /// The tokens of a tree as written (no canonical reordering); `annotate` adds reconstruction
    /// tokens (backgrounds). Backgrounds end with END (added by the caller).
    pub(crate) fn tree_tokens(&self, d: &Decay, annotate: bool) -> Vec<TokenId> {
        let mut out = Vec::with_capacity(24);
        tokens_into(&self.vocab, d, annotate, &mut out);
        out
    }

    /// The charge of the signal parent, as a string in units of e (for messages).
    pub fn signal_charge(&self) -> String {
        charge_str(self.vocab.charge3(self.signal.parent))
    }
}

pub(crate) fn tokens_into(vocab: &Vocabulary, d: &Decay, annotate: bool, out: &mut Vec<TokenId>) {
    out.push(vocab.token(d.parent));
    out.push(ARROW);
    for n in &d.daughters {
        match n {
            Node::Final { particle, recon } => {
                out.push(vocab.token(*particle));
                if annotate {
                    match recon {
                        Recon::AsItself => out.push(AS_ITSELF),
                        Recon::As(y) => {
                            out.push(AS_SPECIES);
                            out.push(vocab.token(*y));
                        }
                        Recon::Missing => out.push(MISSING),
                    }
                }
            }
            Node::Decay(sub) => {
                out.push(OPEN);
                tokens_into(vocab, sub, annotate, out);
                out.push(CLOSE);
            }
        }
    }
}

fn contrib(vocab: &Vocabulary, leaf_set: &[OSet], reach: &[Vec<OSet>], y: ParticleId, d: usize) -> OSet {
    let i = y.0 as usize;
    if vocab.is_stable(y) {
        leaf_set.get(i).copied().unwrap_or(OSet::EMPTY)
    } else if d >= 1 {
        reach.get(d).and_then(|r| r.get(i)).copied().unwrap_or(OSet::EMPTY)
    } else {
        OSet::EMPTY
    }
}

/// For one parent at one depth: every sub-multiset of every usable mode, what the rest of the mode
/// can produce, whether it is a whole mode, and its one-daughter extensions.
fn build_vmap(
    vocab: &Vocabulary,
    space: &Space,
    leaf_set: &[OSet],
    reach: &[Vec<OSet>],
    modes: &[&[ParticleId]],
    d: usize,
) -> VMap {
    let mut map: VMap = FxHashMap::default();
    for m in modes {
        let n = m.len();
        if n > 16 {
            continue;
        }
        let c: SmallVec<[OSet; 8]> = m.iter().map(|y| contrib(vocab, leaf_set, reach, *y, d - 1)).collect();
        if c.iter().any(OSet::is_empty) {
            continue;
        }
        let full = (1usize << n) - 1;
        let mut sums = vec![OSet::EMPTY; 1 << n];
        if let Some(s) = sums.get_mut(0) {
            *s = OSet::single(0);
        }
        for mask in 1..=full {
            let low = mask.trailing_zeros() as usize;
            let prev = sums.get(mask & (mask - 1)).copied().unwrap_or(OSet::EMPTY);
            let s = space.sum(&prev, c.get(low).unwrap_or(&OSet::EMPTY));
            if let Some(x) = sums.get_mut(mask) {
                *x = s;
            }
        }
        if sums.get(full).is_none_or(OSet::is_empty) {
            continue;
        }
        for mask in 0..=full {
            let e: Multiset =
                (0..n).filter(|i| mask >> i & 1 == 1).filter_map(|i| m.get(i).copied()).collect();
            let rest = sums.get(full ^ mask).copied().unwrap_or(OSet::EMPTY);
            let entry = map.entry(e).or_insert_with(|| (OSet::EMPTY, false, SmallVec::new()));
            entry.0.or_assign(&rest);
            entry.1 |= mask == full;
            for i in 0..n {
                if mask >> i & 1 == 0 {
                    let x = m.get(i).copied().unwrap_or(ParticleId(0));
                    let e2: Multiset = (0..n)
                        .filter(|j| (mask | 1 << i) >> j & 1 == 1)
                        .filter_map(|j| m.get(j).copied())
                        .collect();
                    if !entry.2.iter().any(|(y, f)| *y == x && *f == e2) {
                        entry.2.push((x, e2));
                    }
                }
            }
        }
    }
    map
}
