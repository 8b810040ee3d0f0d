//! The embedded LHCb decay table's vocabulary, grammar-valid random backgrounds, and small networks
//! shared by the integration tests.
#![allow(dead_code)]

use hepzero_backend::burn::tensor::Device;
use hepzero_tokens::{END, Grammar, GrammarConfig, TokenId, Vocabulary};
use hepzero_transformer::{PolicyValueNet, TransformerConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, OnceLock};

/// The vocabulary of the embedded LHCb decay table (DECAY_LHCB.DEC via hepzero-pdg), built once.
pub fn lhcb_vocab() -> Arc<Vocabulary> {
    static VOCAB: OnceLock<Arc<Vocabulary>> = OnceLock::new();
    VOCAB.get_or_init(|| Arc::new(Vocabulary::lhcb_default().expect("embedded LHCb table"))).clone()
}

pub fn grammar(vocab: &Arc<Vocabulary>, signal: &str) -> Grammar {
    Grammar::new(vocab.clone(), signal, GrammarConfig::default()).expect("toy signal")
}

/// A complete background drawn uniformly token by token from the grammar's masks, with the mask
/// before every token (and before END); the returned tokens exclude END.
pub fn random_background(g: &Grammar, rng: &mut ChaCha8Rng) -> (Vec<TokenId>, Vec<Vec<u64>>) {
    let mut state = g.initial_state();
    let mut tokens = Vec::new();
    let mut masks = Vec::new();
    loop {
        let mask = g.valid_next(&state);
        let choices: Vec<TokenId> = mask.iter().collect();
        assert!(!choices.is_empty(), "grammar dead end after {tokens:?}");
        masks.push(mask.words().to_vec());
        let t = choices[rng.random_range(0..choices.len())];
        if t == END {
            return (tokens, masks);
        }
        g.push(&mut state, t).expect("masked token is valid");
        tokens.push(t);
    }
}

pub fn small_config(vocab: usize) -> TransformerConfig {
    TransformerConfig {
        vocab_size: vocab,
        d_model: 32,
        heads: 4,
        encoder_layers: 1,
        decoder_layers: 2,
        d_ff: 64,
        max_signal_len: 16,
        max_decoder_len: 80,
        vocabulary: 0,
    }
}

pub fn small_net(vocab: usize, seed: u64, device: &Device) -> PolicyValueNet {
    PolicyValueNet::new(&small_config(vocab), seed, device).expect("valid config")
}

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max)
}
