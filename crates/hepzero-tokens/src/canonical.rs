//! Canonical form, token encoding/decoding and the background's physics summaries.
//!
//! Two backgrounds that differ only in the order of daughters are the same physics. The canonical
//! form sorts every vertex's daughters by their own canonical token sequences (lexicographic on
//! token ids, bottom-up), which is a total order on subtrees because each subtree's sequence is
//! self-delimiting. The 64-bit hash is FNV-1a over the canonical background tokens: fixed, seedless
//! and platform-independent, so hashes written by one run can be compared with another's.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::check;
use crate::error::{Error, Position, Result};
use crate::grammar::{Grammar, tokens_into};
use crate::tree::{Decay, Node, Recon, Spans, format_decay, parse_decay};
use crate::vocab::{
    ARROW, AS_ITSELF, AS_SPECIES, CLOSE, END, MISSING, OPEN, ParticleId, TokenId, Vocabulary,
};

/// FNV-1a, 64 bit, over the little-endian bytes of the token ids.
pub fn hash_tokens(tokens: &[TokenId]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in tokens {
        for b in t.0.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn canon_into(vocab: &Vocabulary, d: &Decay, out: &mut Vec<TokenId>) {
    out.push(vocab.token(d.parent));
    out.push(ARROW);
    let start = out.len();
    let mut ranges: SmallVec<[(usize, usize); 8]> = SmallVec::new();
    for n in &d.daughters {
        let s = out.len();
        match n {
            Node::Final { particle, recon } => {
                out.push(vocab.token(*particle));
                match recon {
                    Recon::AsItself => out.push(AS_ITSELF),
                    Recon::As(y) => {
                        out.push(AS_SPECIES);
                        out.push(vocab.token(*y));
                    }
                    Recon::Missing => out.push(MISSING),
                }
            }
            Node::Decay(sub) => {
                out.push(OPEN);
                canon_into(vocab, sub, out);
                out.push(CLOSE);
            }
        }
        ranges.push((s, out.len()));
    }
    let already_sorted = ranges.windows(2).all(|w| match (w.first(), w.get(1)) {
        (Some(a), Some(b)) => out.get(a.0..a.1) <= out.get(b.0..b.1),
        _ => true,
    });
    if already_sorted {
        return;
    }
    ranges.sort_by(|a, b| out.get(a.0..a.1).cmp(&out.get(b.0..b.1)));
    let mut tmp: SmallVec<[TokenId; 32]> = SmallVec::with_capacity(out.len() - start);
    for (s, e) in &ranges {
        tmp.extend_from_slice(out.get(*s..*e).unwrap_or(&[]));
    }
    out.truncate(start);
    out.extend_from_slice(&tmp);
}

/// A background's physics content, read from the decay table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalStates {
    /// Product of the branching fractions of every vertex.
    pub product_br: f64,
    /// Every final-state particle (EvtGen names), sorted.
    pub true_final_state: Vec<String>,
    /// The reconstructed particles as (true particle, reconstructed as), sorted.
    pub reconstructed: Vec<(String, String)>,
    /// The species the detector sees (the signal's final state), sorted.
    pub reconstructed_final_state: Vec<String>,
    /// The particles not reconstructed, sorted.
    pub missing: Vec<String>,
}

impl Grammar {
    /// Parses a background written in the syntax of [`crate::tree`] and checks every rule;
    /// errors name the problem and its column.
    pub fn parse_background(&self, text: &str) -> Result<Decay> {
        let (d, spans) = parse_decay(&self.vocab, text, true)?;
        check::check_background(self, &d, &spans)?;
        Ok(d)
    }

    /// Checks a background built in code (errors name the node's pre-order index).
    pub fn check_background(&self, d: &Decay) -> Result<()> {
        check::check_background(self, d, &Spans::default())
    }

    /// Writes a background in the syntax of [`crate::tree`] (daughters in the tree's order).
    pub fn format_background(&self, d: &Decay) -> String {
        format_decay(&self.vocab, d, true)
    }

    /// The signal in the syntax of [`crate::tree`].
    pub fn format_signal(&self) -> String {
        format_decay(&self.vocab, &self.signal, false)
    }

    /// The background's tokens in the tree's order, END included.
    pub fn background_tokens(&self, d: &Decay) -> Vec<TokenId> {
        let mut out = Vec::with_capacity(24);
        tokens_into(&self.vocab, d, true, &mut out);
        out.push(END);
        out
    }

    /// The full sequence: signal tokens, SEP, background tokens, END.
    pub fn encode(&self, d: &Decay) -> Vec<TokenId> {
        let mut out = self.signal_tokens().to_vec();
        tokens_into(&self.vocab, d, true, &mut out);
        out.push(END);
        out
    }

    /// The canonical background tokens (END included).
    pub fn canonical_tokens(&self, d: &Decay) -> Vec<TokenId> {
        let mut out = Vec::with_capacity(24);
        self.canonical_tokens_into(d, &mut out);
        out
    }

    /// The canonical background tokens written into `out` (cleared first).
    pub fn canonical_tokens_into(&self, d: &Decay, out: &mut Vec<TokenId>) {
        out.clear();
        canon_into(&self.vocab, d, out);
        out.push(END);
    }

    /// The 64-bit hash of the canonical form (stable across runs and platforms).
    pub fn canonical_hash(&self, d: &Decay) -> u64 {
        hash_tokens(&self.canonical_tokens(d))
    }

    /// The tree in canonical daughter order.
    pub fn canonicalize(&self, d: &Decay) -> Result<Decay> {
        self.decode_background(&self.canonical_tokens(d))
    }

    /// The canonical form as a string: what every search prints, so results compare as text.
    pub fn canonical_string(&self, d: &Decay) -> Result<String> {
        Ok(self.format_background(&self.canonicalize(d)?))
    }

    /// Decodes background tokens (END included) into a tree and checks every rule. Errors name the
    /// token index.
    pub fn decode_background(&self, tokens: &[TokenId]) -> Result<Decay> {
        let mut spans = Spans::default();
        let mut at = 0usize;
        let d = decode_decay(&self.vocab, tokens, &mut at, &mut spans)?;
        match tokens.get(at) {
            Some(t) if *t == END => at += 1,
            Some(t) => {
                return Err(Error::Syntax {
                    expected: "END".into(),
                    found: self.vocab.token_name(*t).into(),
                    at: Position::Token(at),
                });
            }
            None => {
                return Err(Error::Syntax {
                    expected: "END".into(),
                    found: "end of tokens".into(),
                    at: Position::Token(at),
                });
            }
        }
        if at != tokens.len() {
            return Err(Error::Invalid { what: "tokens after END".into(), at: Position::Token(at) });
        }
        spans.end = Some(Position::Token(at - 1));
        check::check_background(self, &d, &spans)?;
        Ok(d)
    }

    /// Decodes a full sequence (signal tokens, SEP, background, END), checking that the signal part
    /// is this grammar's signal.
    pub fn decode(&self, tokens: &[TokenId]) -> Result<Decay> {
        let n = self.signal_tokens().len();
        if tokens.get(..n) != Some(self.signal_tokens()) {
            let i = tokens.iter().zip(self.signal_tokens()).take_while(|(a, b)| a == b).count();
            return Err(Error::Invalid {
                what: "the sequence does not start with this grammar's signal and SEP".into(),
                at: Position::Token(i),
            });
        }
        self.decode_background(tokens.get(n..).unwrap_or(&[])).map_err(|e| shift_token_pos(e, n))
    }

    /// Product BR, true and reconstructed final states of a background.
    pub fn final_states(&self, d: &Decay) -> Result<FinalStates> {
        let mut product_br = 1.0;
        for (p, ds) in d.vertices() {
            let br = self.vocab.mode_br(p, &ds).ok_or_else(|| {
                let flat = Decay {
                    parent: p,
                    daughters: ds
                        .iter()
                        .map(|x| Node::Final { particle: *x, recon: Recon::AsItself })
                        .collect(),
                };
                Error::NotInTable { decay: format_decay(&self.vocab, &flat, false), at: Position::Node(0) }
            })?;
            product_br *= br;
        }
        let name = |p: ParticleId| self.vocab.name(p).to_string();
        let leaves = d.leaves();
        let mut true_final_state: Vec<String> = leaves.iter().map(|(p, _)| name(*p)).collect();
        let mut reconstructed: Vec<(String, String)> = Vec::new();
        let mut missing = Vec::new();
        for (p, r) in &leaves {
            match r {
                Recon::AsItself => reconstructed.push((name(*p), name(*p))),
                Recon::As(y) => reconstructed.push((name(*p), name(*y))),
                Recon::Missing => missing.push(name(*p)),
            }
        }
        true_final_state.sort();
        reconstructed.sort();
        missing.sort();
        let mut reconstructed_final_state: Vec<String> = reconstructed.iter().map(|r| r.1.clone()).collect();
        reconstructed_final_state.sort();
        Ok(FinalStates { product_br, true_final_state, reconstructed, reconstructed_final_state, missing })
    }

    /// Product of the branching fractions of every vertex.
    pub fn product_br(&self, d: &Decay) -> Result<f64> {
        Ok(self.final_states(d)?.product_br)
    }
}

fn shift_token_pos(e: Error, n: usize) -> Error {
    let shift = |p: Position| match p {
        Position::Token(i) => Position::Token(i + n),
        other => other,
    };
    match e {
        Error::Invalid { what, at } => Error::Invalid { what, at: shift(at) },
        Error::Syntax { expected, found, at } => Error::Syntax { expected, found, at: shift(at) },
        other => other,
    }
}

fn decode_decay(vocab: &Vocabulary, tokens: &[TokenId], at: &mut usize, spans: &mut Spans) -> Result<Decay> {
    let name =
        |t: Option<&TokenId>| t.map_or("end of tokens".to_string(), |t| vocab.token_name(*t).to_string());
    let particle = |at: usize| -> Result<ParticleId> {
        let t = tokens.get(at);
        t.and_then(|t| vocab.token_particle(*t)).ok_or_else(|| Error::Syntax {
            expected: "a particle token".into(),
            found: name(t),
            at: Position::Token(at),
        })
    };
    spans.node.push(Position::Token(*at));
    spans.annotation.push(None);
    let parent = particle(*at)?;
    *at += 1;
    if tokens.get(*at) != Some(&ARROW) {
        return Err(Error::Syntax {
            expected: "'->'".into(),
            found: name(tokens.get(*at)),
            at: Position::Token(*at),
        });
    }
    *at += 1;
    let mut daughters = Vec::new();
    loop {
        match tokens.get(*at) {
            Some(t) if *t == OPEN => {
                *at += 1;
                let sub = decode_decay(vocab, tokens, at, spans)?;
                if tokens.get(*at) != Some(&CLOSE) {
                    return Err(Error::Unbalanced {
                        what: "sub-decay not closed".into(),
                        at: Position::Token(*at),
                    });
                }
                *at += 1;
                daughters.push(Node::Decay(sub));
            }
            Some(t) if vocab.token_particle(*t).is_some() => {
                spans.node.push(Position::Token(*at));
                let p = particle(*at)?;
                *at += 1;
                spans.annotation.push(Some(Position::Token(*at)));
                let recon = match tokens.get(*at) {
                    Some(t) if *t == AS_ITSELF => Recon::AsItself,
                    Some(t) if *t == MISSING => Recon::Missing,
                    Some(t) if *t == AS_SPECIES => {
                        *at += 1;
                        Recon::As(particle(*at)?)
                    }
                    other => {
                        return Err(Error::Syntax {
                            expected: "a reconstruction token".into(),
                            found: name(other),
                            at: Position::Token(*at),
                        });
                    }
                };
                *at += 1;
                daughters.push(Node::Final { particle: p, recon });
            }
            _ => break,
        }
    }
    if daughters.is_empty() {
        return Err(Error::Syntax {
            expected: "a daughter".into(),
            found: name(tokens.get(*at)),
            at: Position::Token(*at),
        });
    }
    Ok(Decay { parent, daughters })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_reference_values() {
        // FNV-1a 64 offset basis (Fowler, Noll, Vo; IETF draft-eastlake-fnv) for empty input, and
        // the published vector FNV1a64("a") = 0xaf63dc4c8601ec8c extended by one zero byte:
        // token 0x0061 is the bytes 0x61 0x00.
        assert_eq!(hash_tokens(&[]), 0xcbf2_9ce4_8422_2325);
        let after_a: u64 = 0xaf63_dc4c_8601_ec8c;
        let expected = after_a.wrapping_mul(0x0000_0100_0000_01b3); // XOR with 0 is a no-op
        assert_eq!(hash_tokens(&[TokenId(0x61)]), expected);
    }
}
