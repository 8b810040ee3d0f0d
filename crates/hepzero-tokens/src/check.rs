//! The physics rules of signals and backgrounds, checked on a tree.
//!
//! This is the reference definition of a valid background, written directly from the rules
//! (charge at every vertex, table modes, stability, depth, mis-ID pairs, missing count, slots), and
//! deliberately independent of the automaton in [`crate::grammar`]: the tests check that the two
//! agree. Errors point at the first offending node in pre-order.

use crate::config::GrammarConfig;
use crate::error::{Error, Result, charge_str};
use crate::grammar::Grammar;
use crate::tree::{Decay, Node, Recon, Spans, format_decay};
use crate::vocab::{ParticleId, Vocabulary};

/// Whether `truth` may be reconstructed as the different particle `as_particle`.
pub(crate) fn misid_allowed(
    vocab: &Vocabulary,
    config: &GrammarConfig,
    truth: ParticleId,
    as_p: ParticleId,
) -> bool {
    misid_problem(vocab, config, truth, as_p).is_none()
}

fn misid_problem(
    vocab: &Vocabulary,
    config: &GrammarConfig,
    truth: ParticleId,
    as_p: ParticleId,
) -> Option<String> {
    if truth == as_p {
        return Some("a particle reconstructed as itself is written bare".into());
    }
    let (Some(a), Some(b)) = (vocab.particle(truth), vocab.particle(as_p)) else {
        return Some("unknown particle".into());
    };
    if a.charge3 != b.charge3 {
        return Some(format!("charges differ ({} vs {})", charge_str(a.charge3), charge_str(b.charge3)));
    }
    match (a.species, b.species) {
        (Some(x), Some(y)) if config.misid.allows(x, y) => None,
        (Some(x), Some(y)) => {
            Some(format!("{} -> {} is not an allowed mis-identification", x.symbol(), y.symbol()))
        }
        _ => Some("mis-identification is defined among e, mu, pi, K, p only".into()),
    }
}

fn daughter_particle(n: &Node) -> ParticleId {
    match n {
        Node::Final { particle, .. } => *particle,
        Node::Decay(d) => d.parent,
    }
}

fn check_vertex(vocab: &Vocabulary, d: &Decay, spans: &Spans, idx: usize) -> Result<()> {
    let at = spans.node_pos(idx);
    if vocab.is_stable(d.parent) {
        return Err(Error::Stability {
            particle: vocab.name(d.parent).into(),
            what: "stable for detector purposes and cannot decay here".into(),
            at,
        });
    }
    let q: i32 = d.daughters.iter().map(|n| vocab.charge3(daughter_particle(n))).sum();
    if q != vocab.charge3(d.parent) {
        return Err(Error::ChargeViolation {
            parent: vocab.name(d.parent).into(),
            parent_charge: charge_str(vocab.charge3(d.parent)),
            daughters_charge: charge_str(q),
            at,
        });
    }
    Ok(())
}

fn unstable_leaf(vocab: &Vocabulary, p: ParticleId, spans: &Spans, idx: usize) -> Error {
    Error::Stability {
        particle: vocab.name(p).into(),
        what: "not stable for detector purposes: it must decay, written (X -> ...)".into(),
        at: spans.node_pos(idx),
    }
}

/// Checks a signal: unstable parents, stable final state, charge at every vertex.
pub(crate) fn check_signal(vocab: &Vocabulary, d: &Decay, spans: &Spans) -> Result<()> {
    let mut idx = 0;
    walk_signal(vocab, d, spans, &mut idx)
}

fn walk_signal(vocab: &Vocabulary, d: &Decay, spans: &Spans, idx: &mut usize) -> Result<()> {
    check_vertex(vocab, d, spans, *idx)?;
    *idx += 1;
    for n in &d.daughters {
        match n {
            Node::Final { particle, recon } => {
                if !vocab.is_stable(*particle) {
                    return Err(unstable_leaf(vocab, *particle, spans, *idx));
                }
                if *recon != Recon::AsItself {
                    return Err(Error::Invalid {
                        what: "a signal has no reconstruction annotations".into(),
                        at: spans.annotation_pos(*idx),
                    });
                }
                *idx += 1;
            }
            Node::Decay(sub) => walk_signal(vocab, sub, spans, idx)?,
        }
    }
    Ok(())
}

struct Walk<'a> {
    g: &'a Grammar,
    spans: &'a Spans,
    idx: usize,
    filled: Vec<usize>,
    missing: usize,
}

impl Walk<'_> {
    fn vertex(&mut self, d: &Decay, depth: usize) -> Result<()> {
        let vocab = &self.g.vocab;
        let at = self.spans.node_pos(self.idx);
        if depth > self.g.config.max_depth {
            return Err(Error::TooDeep { depth, max: self.g.config.max_depth, at });
        }
        check_vertex(vocab, d, self.spans, self.idx)?;
        if !self.g.config.table_restricted {
            let n = d.daughters.len();
            if n < 2 || n > self.g.config.max_daughters {
                return Err(Error::Invalid {
                    what: format!(
                        "the decay of {} has {n} daughters; the unrestricted grammar allows 2 to {}",
                        vocab.name(d.parent),
                        self.g.config.max_daughters
                    ),
                    at,
                });
            }
        }
        if self.g.config.table_restricted {
            let ds: Vec<ParticleId> = d.daughters.iter().map(daughter_particle).collect();
            if vocab.mode_br(d.parent, &ds).is_none() {
                let flat = Decay {
                    parent: d.parent,
                    daughters: ds
                        .iter()
                        .map(|p| Node::Final { particle: *p, recon: Recon::AsItself })
                        .collect(),
                };
                return Err(Error::NotInTable { decay: format_decay(vocab, &flat, false), at });
            }
        }
        self.idx += 1;
        for n in &d.daughters {
            match n {
                Node::Decay(sub) => self.vertex(sub, depth + 1)?,
                Node::Final { particle, recon } => {
                    self.leaf(*particle, *recon)?;
                    self.idx += 1;
                }
            }
        }
        Ok(())
    }

    fn leaf(&mut self, p: ParticleId, recon: Recon) -> Result<()> {
        let vocab = &self.g.vocab;
        if !vocab.is_stable(p) {
            return Err(unstable_leaf(vocab, p, self.spans, self.idx));
        }
        let reco = match recon {
            Recon::AsItself => p,
            Recon::As(y) => {
                if let Some(why) = misid_problem(vocab, &self.g.config, p, y) {
                    return Err(Error::BadMisId {
                        particle: vocab.name(p).into(),
                        as_particle: vocab.name(y).into(),
                        why,
                        at: self.spans.annotation_pos(self.idx),
                    });
                }
                y
            }
            Recon::Missing => {
                self.missing += 1;
                if self.missing > self.g.config.max_missing {
                    return Err(Error::TooManyMissing {
                        count: self.missing,
                        max: self.g.config.max_missing,
                        at: self.spans.annotation_pos(self.idx),
                    });
                }
                return Ok(());
            }
        };
        let at = self.spans.node_pos(self.idx);
        let Some(j) = self.g.space.slots.iter().position(|s| s.0 == reco) else {
            return Err(Error::NoSuchSlot {
                particle: vocab.name(p).into(),
                as_particle: vocab.name(reco).into(),
                at,
            });
        };
        let count = self.g.space.slots.get(j).map_or(0, |s| s.1);
        let f = self.filled.get_mut(j).ok_or_else(|| Error::Config("slot index".into()))?;
        if *f >= count {
            return Err(Error::SlotFilledTwice { slot: vocab.name(reco).into(), count, at });
        }
        *f += 1;
        Ok(())
    }
}

/// Checks a background against the grammar's rules.
pub(crate) fn check_background(g: &Grammar, d: &Decay, spans: &Spans) -> Result<()> {
    if !g.is_allowed_parent(d.parent) {
        return Err(Error::ParentNotAllowed {
            particle: g.vocab.name(d.parent).into(),
            policy: format!("{:?}", g.config.parents),
            at: spans.node_pos(0),
        });
    }
    let mut w = Walk { g, spans, idx: 0, filled: vec![0; g.space.slots.len()], missing: 0 };
    w.vertex(d, 1)?;
    let unfilled: Vec<String> = g
        .space
        .slots
        .iter()
        .zip(&w.filled)
        .filter(|((_, c), f)| *f < c)
        .map(|((p, c), f)| format!("{} x{}", g.vocab.name(*p), c - f))
        .collect();
    if !unfilled.is_empty() {
        return Err(Error::SlotsUnfilled { slots: unfilled.join(", "), at: spans.end_pos() });
    }
    Ok(())
}
