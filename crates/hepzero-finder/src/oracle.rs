//! The exhaustive oracle: every background the table-restricted grammar allows for a signal, each
//! scored with the full reward and ranked.
//!
//! Enumeration goes through the decay table rather than token by token, so the product-BR floor
//! prunes whole sub-chains (hepzero-pdg's memoised chain query):
//! 1. each signal final-state slot can be filled by the slot's own particle or by a particle of the
//!    same charge whose species the mis-ID rules allow to be taken for it; every combination gives a
//!    "true" target multiset T;
//! 2. for every allowed parent, the decay table's chains whose stable final state contains T with at
//!    most `k` extra particles and product BR >= the floor;
//! 3. every way to assign the chain's final-state particles to the signal slots (the rest missing)
//!    gives an annotated background; the grammar checks it (depth, parents, charge, rules) and its
//!    canonical hash removes duplicates.

use crate::ranking::sort_breakdowns;
use crate::{Error, Ranking, Result};
use hepzero_pdg::{ChainFinder, ChainNode, DecayTable};
use hepzero_reward::{Breakdown, RewardModel};
use hepzero_tokens::{Decay, Grammar, Node, ParticleId, Recon};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Oracle settings beyond the grammar's (which fixes k missing, depth, parents and mis-ID pairs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OracleConfig {
    /// Product-BR floor of a background chain (default 1e-9).
    pub br_floor: f64,
}

impl Default for OracleConfig {
    fn default() -> Self {
        Self { br_floor: 1e-9 }
    }
}

/// The slot particles (one entry per slot instance) and, for each, the true particles that can fill it.
fn slot_candidates(grammar: &Grammar) -> Vec<(ParticleId, Vec<ParticleId>)> {
    let vocab = grammar.vocab();
    let rules = &grammar.config().misid;
    let mut out = Vec::new();
    for &(slot, count) in grammar.slots() {
        let mut fillers = vec![slot];
        if let Some(p) = vocab.particle(slot)
            && let Some(as_species) = p.species
        {
            for q in vocab.particles() {
                if let Some(truth) = q.species
                    && truth != as_species
                    && q.charge3 == p.charge3
                    && rules.allows(truth, as_species)
                    && let Some(id) = vocab.id(&q.name)
                {
                    fillers.push(id);
                }
            }
        }
        fillers.sort();
        fillers.dedup();
        for _ in 0..count {
            out.push((slot, fillers.clone()));
        }
    }
    out
}

/// Every distinct true multiset the slots can be filled with (sorted particle ids).
fn target_multisets(slots: &[(ParticleId, Vec<ParticleId>)]) -> Vec<Vec<ParticleId>> {
    let mut sets: Vec<Vec<ParticleId>> = vec![Vec::new()];
    for (_, fillers) in slots {
        sets = sets
            .into_iter()
            .flat_map(|s| {
                fillers.iter().map(move |&f| {
                    let mut t = s.clone();
                    t.push(f);
                    t
                })
            })
            .collect();
    }
    for s in &mut sets {
        s.sort();
    }
    sets.sort();
    sets.dedup();
    sets
}

/// A chain as a token-language tree with every leaf still unassigned (reconstructed as itself).
fn chain_to_decay(grammar: &Grammar, node: &ChainNode) -> Option<Decay> {
    let vocab = grammar.vocab();
    let parent = vocab.id(&node.particle)?;
    let daughters = node
        .children
        .iter()
        .map(|c| {
            if c.mode.is_none() {
                Some(Node::Final { particle: vocab.id(&c.particle)?, recon: Recon::AsItself })
            } else {
                chain_to_decay(grammar, c).map(Node::Decay)
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Decay { parent, daughters })
}

fn leaves_mut(decay: &mut Decay) -> Vec<&mut Node> {
    let mut out = Vec::new();
    fn walk<'a>(d: &'a mut Decay, out: &mut Vec<&'a mut Node>) {
        for n in &mut d.daughters {
            match n {
                Node::Final { .. } => out.push(n),
                Node::Decay(s) => walk(s, out),
            }
        }
    }
    walk(decay, &mut out);
    out
}

/// Every assignment of the tree's leaves to the signal's slots (a leaf fills a slot as itself, as a
/// mis-identified species, or is missing), checked by the grammar, unique by canonical hash.
fn annotate(
    grammar: &Grammar,
    bare: &Decay,
    slots: &[(ParticleId, Vec<ParticleId>)],
    seen: &mut FxHashSet<u64>,
    out: &mut Vec<Decay>,
) {
    let leaf_particles: Vec<ParticleId> = bare.leaves().into_iter().map(|(p, _)| p).collect();
    let max_missing = grammar.config().max_missing;
    if leaf_particles.len() > slots.len() + max_missing || leaf_particles.len() < slots.len() {
        return;
    }
    // choice[i] = Some(slot index) or None (missing).
    let mut choice: Vec<Option<usize>> = vec![None; leaf_particles.len()];
    let mut used = vec![false; slots.len()];
    fn recurse(
        i: usize,
        missing: usize,
        ctx: &mut (Vec<Option<usize>>, Vec<bool>),
        leaves: &[ParticleId],
        slots: &[(ParticleId, Vec<ParticleId>)],
        max_missing: usize,
        emit: &mut dyn FnMut(&[Option<usize>]),
    ) {
        if i == leaves.len() {
            if ctx.1.iter().all(|&u| u) {
                emit(&ctx.0);
            }
            return;
        }
        let mut tried = Vec::new();
        for (s, (slot_particle, fillers)) in slots.iter().enumerate() {
            // Slots of the same particle are interchangeable: try only the first free one.
            if ctx.1[s] || !fillers.contains(&leaves[i]) || tried.contains(slot_particle) {
                continue;
            }
            tried.push(*slot_particle);
            ctx.1[s] = true;
            ctx.0[i] = Some(s);
            recurse(i + 1, missing, ctx, leaves, slots, max_missing, emit);
            ctx.1[s] = false;
            ctx.0[i] = None;
        }
        if missing < max_missing {
            recurse(i + 1, missing + 1, ctx, leaves, slots, max_missing, emit);
        }
    }
    let mut ctx = (std::mem::take(&mut choice), std::mem::take(&mut used));
    let mut emit = |assignment: &[Option<usize>]| {
        let mut d = bare.clone();
        for (node, a) in leaves_mut(&mut d).into_iter().zip(assignment) {
            if let Node::Final { particle, recon } = node {
                *recon = match a {
                    None => Recon::Missing,
                    Some(s) if slots[*s].0 == *particle => Recon::AsItself,
                    Some(s) => Recon::As(slots[*s].0),
                };
            }
        }
        if grammar.check_background(&d).is_ok() && seen.insert(grammar.canonical_hash(&d)) {
            out.push(d);
        }
    };
    recurse(0, 0, &mut ctx, &leaf_particles, slots, max_missing, &mut emit);
}

/// Every distinct background the grammar allows whose product BR is at least `config.br_floor`.
pub fn enumerate_backgrounds(
    grammar: &Grammar,
    table: &DecayTable,
    config: &OracleConfig,
) -> Result<Vec<Decay>> {
    if !(config.br_floor >= 0.0 && config.br_floor.is_finite()) {
        return Err(Error::Config(format!("BR floor {} must be a non-negative number", config.br_floor)));
    }
    let vocab = grammar.vocab().clone();
    let slots = slot_candidates(grammar);
    let parents: Vec<String> = vocab
        .particles()
        .iter()
        .filter_map(|p| vocab.id(&p.name).filter(|&id| grammar.is_allowed_parent(id)).map(|_| p.name.clone()))
        .filter(|name| table.name_id(name).is_some())
        .collect();
    let k = grammar.config().max_missing;
    let mut seen = FxHashSet::default();
    let mut out = Vec::new();
    for target in target_multisets(&slots) {
        let names: Vec<&str> = target.iter().map(|&p| vocab.name(p)).collect();
        let mut finder = ChainFinder::new(table, &names, k, config.br_floor)?;
        for parent in &parents {
            for chain in finder.chains(parent)? {
                if let Some(bare) = chain_to_decay(grammar, &chain.tree) {
                    annotate(grammar, &bare, &slots, &mut seen, &mut out);
                }
            }
        }
    }
    Ok(out)
}

/// Enumerates every background and scores it; the ranking keeps those at or above the model's
/// threshold. Rewards are computed in parallel; the result does not depend on the thread count.
pub fn run_oracle(
    model: &RewardModel,
    table: &DecayTable,
    config: &OracleConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Ranking> {
    let start = Instant::now();
    let grammar = model.grammar();
    let candidates = enumerate_backgrounds(grammar, table, config)?;
    let total = candidates.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let scored: Vec<Breakdown> = candidates
        .par_iter()
        .map(|d| {
            let r = model.evaluate(d);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
            r
        })
        .collect::<std::result::Result<_, _>>()?;
    let threshold = model.config().threshold;
    let mut backgrounds: Vec<Breakdown> =
        scored.into_iter().filter(|b| b.is_exact() && b.reward >= threshold).collect();
    sort_breakdowns(&mut backgrounds);
    let (simulated, events_simulated) = model.simulation_counts();
    Ok(Ranking {
        method: "oracle".into(),
        signal: grammar.format_signal(),
        threshold,
        backgrounds,
        candidates: total,
        evaluations: total,
        simulated,
        events_simulated,
        seconds: start.elapsed().as_secs_f64(),
    })
}
