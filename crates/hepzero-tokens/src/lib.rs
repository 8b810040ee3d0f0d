//! The decay-token language of hepzero's background finder: how a signal and a background are
//! written, tokenised, checked, completed token by token, and deduplicated.
//!
//! Seed 000 (Hijano Mendizabal et al., arXiv:2509.14894): "the state is a sequence of tokens; the
//! initial state encodes just the signal; the agent predicts the next token, iteratively
//! constructing the background". The genetic algorithm, the MCTS and the transformer all act on
//! this one language.
//!
//! # Syntax
//! - Signal: `B0 -> K+ pi- pi0`, nested resonances in brackets: `B0 -> (K*0 -> K+ pi-) mu+ mu-`.
//! - Background: a decay tree whose final-state particles say how they are reconstructed: bare = as
//!   itself, `K-{pi-}` = mis-identified as a pi-, `pi+{miss}` = not reconstructed. The seed's example
//!   for the signal `B0 -> K+ pi0 pi-` is `B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}`.
//! - Names are EvtGen names; stability ("final state for detector purposes") comes from the
//!   particle data (`hepzero-pdg`: e, mu, pi+-, K+-, p, gamma, KL, n, nu, and pi0, KS by default).
//!
//! # Tokens
//! [`Vocabulary`]: ids 0..9 are the special tokens [`PAD`], [`END`], [`SEP`], [`ARROW`], [`OPEN`],
//! [`CLOSE`], [`AS_ITSELF`], [`AS_SPECIES`], [`MISSING`]; then one token per particle of the decay
//! table, sorted by name (ids are the same for every signal of one table), then extra particles.
//! A (signal, background) pair is encoded as: signal tokens, [`SEP`], background tokens, [`END`]:
//!
//! ```text
//! B0 -> K+ pi- pi0 <sep> B+ -> ( K*+ -> K+ <self> pi0 <self> ) pi+ <miss> K- <as> pi- <end>
//! ```
//! (signal leaves carry no reconstruction token; every background leaf carries one.)
//!
//! # Grammar
//! [`Grammar::new`]`(vocab, "B0 -> K+ pi- pi0", GrammarConfig::default())` builds the pushdown
//! automaton for one signal. [`Grammar::initial_state`] gives a [`State`] at the start of the
//! background; [`Grammar::valid_next`] / [`Grammar::valid_next_into`] give the [`BitMask`] of valid
//! next tokens (one bit per token, `words()` for masking logits); [`Grammar::push`] appends a token
//! (cheap; the state is small and `Clone`). Valid means: a well-formed tree; charge conserved at
//! every vertex; every decay a mode of the decay table (charge-conserving modes only); stable
//! particles are final-state particles, unstable ones decay; every final-state particle annotated;
//! the reconstructed particles fill the signal's final state exactly (each slot once, same charge,
//! mis-ID only between allowed species); at most `max_missing` missing (default 2); depth at most
//! `max_depth` (default 3; the length is bounded by [`Grammar::max_background_len`]); the parent
//! allowed by [`ParentPolicy`] (default: open-flavour hadrons of the signal parent's heaviest quark,
//! e.g. all b-hadrons). **No dead ends**: every token the mask allows can be completed to a valid
//! background.
//!
//! # Trees, strings, canonical form
//! [`Grammar::parse_background`] (string -> [`Decay`], all rules checked, errors with column),
//! [`Grammar::format_background`] (tree -> string, order kept), [`Grammar::background_tokens`] /
//! [`Grammar::encode`] (tree -> tokens), [`Grammar::decode_background`] / [`Grammar::decode`]
//! (tokens -> tree), [`Grammar::canonical_tokens`], [`Grammar::canonical_hash`] (FNV-1a 64,
//! deterministic), [`Grammar::canonical_string`], [`Grammar::canonicalize`]: daughter order does not
//! matter. [`Grammar::final_states`]: product BR, true and reconstructed final states.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use hepzero_tokens::{Grammar, GrammarConfig, Vocabulary};
//!
//! let vocab = Arc::new(Vocabulary::lhcb_default()?); // DECAY_LHCB.DEC via hepzero-pdg
//! let g = Grammar::new(vocab, "B0 -> K+ pi0 pi-", GrammarConfig::default())?;
//! let bg = g.parse_background("B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}")?;
//! assert_eq!(g.format_background(&bg), "B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}");
//! let same = g.parse_background("B+ -> K-{pi-} pi+{miss} (K*+ -> pi0 K+)")?;
//! assert_eq!(g.canonical_hash(&bg), g.canonical_hash(&same));
//! assert!(g.product_br(&bg)? > 0.0);
//!
//! // Token by token, as a search or a network would build it.
//! let mut state = g.initial_state();
//! for t in g.background_tokens(&bg) {
//!     assert!(g.valid_next(&state).contains(t));
//!     g.push(&mut state, t)?;
//! }
//! assert!(state.is_complete());
//! // The slide's literal parent B0 violates charge.
//! assert!(g.parse_background("B0 -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}").is_err());
//! # Ok::<(), hepzero_tokens::Error>(())
//! ```
//!
//! # Particle data
//! [`Vocabulary::new`] takes any [`ParticleData`]; [`Vocabulary::from_pdg`] uses `hepzero-pdg`'s
//! particle and decay tables ([`SimpleData`] builds toy tables).
//!
//! # Table-unrestricted grammar
//! With `GrammarConfig { table_restricted: false, max_daughters, .. }` any charge-conserving decay
//! into 2..=`max_daughters` vocabulary particles is allowed (masses are not checked), so a search
//! can propose modes the table lacks; [`Grammar::final_states`] then reports such a vertex as
//! `NotInTable` (it has no BR). The automaton keys its vertices by (parent charge, daughters so
//! far, their charge), so it stays small, but each vertex offers every particle, so a mask is one
//! pass over the whole vocabulary there (not benchmarked).

mod canonical;
mod check;
mod config;
mod error;
mod grammar;
mod outcome;
pub mod pdg;
mod tree;
mod vocab;

pub use canonical::{FinalStates, hash_tokens};
pub use config::{GrammarConfig, MisIdRules, ParentPolicy};
pub use error::{Error, Position, Result};
pub use grammar::{BitMask, Grammar, State};
pub use tree::{Decay, Node, Recon, Spans, format_decay, parse_decay};
pub use vocab::{
    ARROW, AS_ITSELF, AS_SPECIES, CLOSE, END, FIRST_PARTICLE, MISSING, Mode, ModeInfo, OPEN, PAD, Particle,
    ParticleData, ParticleId, ParticleInfo, SEP, SimpleData, Species, TokenId, Vocabulary,
};
