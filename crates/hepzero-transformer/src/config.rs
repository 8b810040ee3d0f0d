//! Size of the network: width, depth, heads and context lengths.

use crate::{Error, Result};
use hepzero_tokens::{TokenId, Vocabulary};
use serde::{Deserialize, Serialize};

/// Shape of a [`PolicyValueNet`](crate::PolicyValueNet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransformerConfig {
    /// Number of token ids (the `hepzero-tokens` vocabulary's `len()`).
    pub vocab_size: usize,
    /// Width of the residual stream.
    pub d_model: usize,
    /// Attention heads (must divide `d_model`).
    pub heads: usize,
    /// Encoder blocks.
    pub encoder_layers: usize,
    /// Decoder blocks.
    pub decoder_layers: usize,
    /// Hidden width of the feed-forward layers.
    pub d_ff: usize,
    /// Longest signal (encoder context).
    pub max_signal_len: usize,
    /// Longest decoder input: `SEP` plus the background prefix (so backgrounds up to
    /// `max_decoder_len - 1` tokens, then the `END` prediction).
    pub max_decoder_len: usize,
    /// Fingerprint of the vocabulary the network was built for ([`vocabulary_fingerprint`]; 0 =
    /// not recorded): a checkpoint refuses a grammar whose tokens mean something else.
    #[serde(default)]
    pub vocabulary: u64,
}

/// FNV-1a hash of every token name in id order: two vocabularies with the same fingerprint give
/// every token id the same meaning.
pub fn vocabulary_fingerprint(vocab: &Vocabulary) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for id in 0..vocab.len() {
        let name = u16::try_from(id).map(|i| vocab.token_name(TokenId(i))).unwrap_or("");
        for byte in name.bytes().chain(std::iter::once(0)) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

impl TransformerConfig {
    /// The default size for a vocabulary of `vocab_size` tokens: width 64, 4 heads, 2 encoder and
    /// 2 decoder blocks, feed-forward 128, contexts 32 (signal) and 128 (decoder: the grammar's
    /// bound on a background, `3 L + 12 L + 1` tokens for `L` leaves at depth 3, reaches 92 for the
    /// benchmark's four-body chains with two missing particles, and 121 for eight leaves).
    pub fn new(vocab_size: usize) -> Self {
        Self {
            vocab_size,
            d_model: 64,
            heads: 4,
            encoder_layers: 2,
            decoder_layers: 2,
            d_ff: 128,
            max_signal_len: 32,
            max_decoder_len: 128,
            vocabulary: 0,
        }
    }

    /// The default size for `vocab`, with its fingerprint recorded.
    pub fn for_vocabulary(vocab: &Vocabulary) -> Self {
        Self { vocabulary: vocabulary_fingerprint(vocab), ..Self::new(vocab.len()) }
    }

    /// Checks that `vocab` is the vocabulary this network was built for.
    pub fn check_vocabulary(&self, vocab: &Vocabulary) -> Result<()> {
        let fingerprint = vocabulary_fingerprint(vocab);
        if vocab.len() != self.vocab_size || (self.vocabulary != 0 && self.vocabulary != fingerprint) {
            return Err(Error::InvalidConfig(format!(
                "the network was built for a vocabulary of {} tokens (fingerprint {:016x}), not this one \
                 of {} tokens (fingerprint {fingerprint:016x}): was the decay table changed?",
                self.vocab_size,
                self.vocabulary,
                vocab.len()
            )));
        }
        Ok(())
    }

    /// Checks that the configuration can be built.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("vocab_size", self.vocab_size),
            ("d_model", self.d_model),
            ("heads", self.heads),
            ("d_ff", self.d_ff),
            ("max_signal_len", self.max_signal_len),
            ("max_decoder_len", self.max_decoder_len),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(Error::InvalidConfig(format!("{name} must be positive")));
        }
        if !self.d_model.is_multiple_of(self.heads) {
            return Err(Error::InvalidConfig(format!(
                "heads ({}) must divide d_model ({})",
                self.heads, self.d_model
            )));
        }
        if self.vocab_size > usize::from(u16::MAX) + 1 {
            return Err(Error::InvalidConfig(format!(
                "vocab_size {} exceeds the u16 token ids",
                self.vocab_size
            )));
        }
        Ok(())
    }
}
