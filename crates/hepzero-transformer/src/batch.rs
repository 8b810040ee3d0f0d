//! Host-side batches: padding sequences of different lengths to rectangles, and the additive
//! attention biases (0 for a visible key, a large negative for padding or the future) that make
//! the padding invisible to every real position.

use crate::{Error, Result, TransformerConfig};
use burn::tensor::{Device, Int, Tensor, TensorData};
use hepzero_tokens::{END, PAD, SEP, TokenId};
use serde::{Deserialize, Serialize};

/// What a masked attention score or logit is set to: large enough that `exp` underflows to exactly
/// zero in `f32` after the softmax's max subtraction, finite so that no row becomes NaN.
pub(crate) const MASKED: f32 = -1.0e9;

/// One supervised training sequence: a background for a signal, weighted by its reward.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// The signal's tokens (encoder input).
    pub signal: Vec<TokenId>,
    /// The background's tokens, without the final `END` (the model learns to predict it).
    pub background: Vec<TokenId>,
    /// Weight of this sequence in the policy loss (e.g. its reward).
    pub weight: f32,
    /// Value target for every prefix of this background (its normalised reward, in `[0, 1]`).
    pub value: f32,
    /// Optional valid-next masks (`BitMask::words()`), one per target position
    /// (`background.len() + 1` of them, the last one for `END`): the loss then uses the same
    /// masked softmax as inference.
    pub valid: Option<Vec<Vec<u64>>>,
    /// Optional soft policy targets, one distribution per target position (`background.len() + 1`
    /// of them): `(token, probability)` pairs, e.g. the visit distribution of an MCTS search at
    /// that step (AlphaZero's policy target). Without them the target is the next token itself.
    #[serde(default)]
    pub policy: Option<Vec<Vec<(u32, f32)>>>,
}

impl Example {
    /// The AlphaZero training example of a self-play game (`hepzero-mcts`): the moves played as the
    /// background (a final `END` dropped), the root visit distribution of every move as the policy
    /// target, and `value` (the game's reward in the search's normalised `[0, 1]` scale) as the value
    /// target of every prefix. Errors if the game is unfinished or its records do not line up.
    pub fn from_episode(signal: Vec<TokenId>, episode: &hepzero_mcts::Episode, value: f32) -> Result<Self> {
        let bad = |message: String| Error::BadMask { index: 0, message };
        if episode.tokens.last() != Some(&u32::from(END.0)) {
            return Err(bad("the self-play game did not end with END (unfinished background)".to_string()));
        }
        let background = episode.tokens[..episode.tokens.len() - 1]
            .iter()
            .map(|&t| u16::try_from(t).map(TokenId).map_err(|_| bad(format!("action {t} is not a token id"))))
            .collect::<Result<Vec<_>>>()?;
        if episode.policies.len() != episode.tokens.len() {
            return Err(bad(format!(
                "{} visit distributions for {} moves",
                episode.policies.len(),
                episode.tokens.len()
            )));
        }
        let policy = episode
            .policies
            .iter()
            .map(|visits| {
                let total: u32 = visits.iter().map(|&(_, n)| n).sum();
                if total == 0 {
                    return Err(bad("a move without visits".to_string()));
                }
                Ok(visits.iter().map(|&(a, n)| (a, n as f32 / total as f32)).collect())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { signal, background, weight: 1.0, value, valid: None, policy: Some(policy) })
    }

    /// A supervised example: `background` for `signal`, with loss weight `weight` and value target
    /// `value` (masks and soft targets unset).
    pub fn new(signal: Vec<TokenId>, background: Vec<TokenId>, weight: f32, value: f32) -> Self {
        Self { signal, background, weight, value, valid: None, policy: None }
    }
}

/// Padded encoder and decoder token ids for a batch. The decoder input of item `i` is
/// `SEP background_i`.
#[derive(Clone, Debug)]
pub struct DecoderBatch {
    /// Number of items.
    pub batch: usize,
    /// Padded signal length.
    pub signal_len: usize,
    /// Padded decoder length.
    pub decoder_len: usize,
    signal: Vec<i64>,
    signal_lens: Vec<usize>,
    decoder: Vec<i64>,
    decoder_lens: Vec<usize>,
}

fn check_tokens(what: &'static str, tokens: &[TokenId], vocab: usize) -> Result<()> {
    match tokens.iter().find(|t| usize::from(t.0) >= vocab) {
        Some(t) => Err(Error::TokenOutOfRange { what, token: t.0, vocab }),
        None => Ok(()),
    }
}

impl DecoderBatch {
    /// Pads `(signal, background prefix)` pairs; errors if a signal is empty, a sequence exceeds
    /// the context or a token exceeds the vocabulary.
    pub fn new(config: &TransformerConfig, items: &[(&[TokenId], &[TokenId])]) -> Result<Self> {
        if items.is_empty() {
            return Err(Error::EmptyBatch);
        }
        for (index, (signal, background)) in items.iter().enumerate() {
            if signal.is_empty() {
                return Err(Error::EmptySignal { index });
            }
            if signal.len() > config.max_signal_len {
                return Err(Error::TooLong { what: "signal", len: signal.len(), max: config.max_signal_len });
            }
            if background.len() + 1 > config.max_decoder_len {
                return Err(Error::TooLong {
                    what: "background prefix (plus SEP)",
                    len: background.len() + 1,
                    max: config.max_decoder_len,
                });
            }
            check_tokens("signal", signal, config.vocab_size)?;
            check_tokens("background", background, config.vocab_size)?;
        }
        let batch = items.len();
        let signal_len = items.iter().map(|(s, _)| s.len()).max().unwrap_or(1);
        let decoder_len = items.iter().map(|(_, b)| b.len() + 1).max().unwrap_or(1);
        let mut signal = vec![i64::from(PAD.0); batch * signal_len];
        let mut decoder = vec![i64::from(PAD.0); batch * decoder_len];
        for (i, (s, b)) in items.iter().enumerate() {
            for (slot, t) in signal[i * signal_len..].iter_mut().zip(s.iter()) {
                *slot = i64::from(t.0);
            }
            let row = &mut decoder[i * decoder_len..];
            row[0] = i64::from(SEP.0);
            for (slot, t) in row[1..].iter_mut().zip(b.iter()) {
                *slot = i64::from(t.0);
            }
        }
        Ok(Self {
            batch,
            signal_len,
            decoder_len,
            signal,
            signal_lens: items.iter().map(|(s, _)| s.len()).collect(),
            decoder,
            decoder_lens: items.iter().map(|(_, b)| b.len() + 1).collect(),
        })
    }

    /// Length of item `i`'s decoder input (`SEP` + prefix).
    pub fn decoder_lens(&self) -> &[usize] {
        &self.decoder_lens
    }

    pub(crate) fn signal_tensor(&self, device: &Device) -> Tensor<2, Int> {
        Tensor::from_data(TensorData::new(self.signal.clone(), [self.batch, self.signal_len]), device)
    }

    pub(crate) fn decoder_tensor(&self, device: &Device) -> Tensor<2, Int> {
        Tensor::from_data(TensorData::new(self.decoder.clone(), [self.batch, self.decoder_len]), device)
    }

    /// Decoder token of item `i` at position `t` (PAD past its end).
    pub(crate) fn decoder_token(&self, i: usize, t: usize) -> i64 {
        self.decoder.get(i * self.decoder_len + t).copied().unwrap_or(i64::from(PAD.0))
    }

    /// `[batch, 1, 1, signal_len]`: hides the signal's padding from every query.
    pub(crate) fn signal_padding_bias(&self, device: &Device) -> Tensor<4> {
        let mut bias = vec![0.0f32; self.batch * self.signal_len];
        for (i, &len) in self.signal_lens.iter().enumerate() {
            for b in &mut bias[i * self.signal_len + len..(i + 1) * self.signal_len] {
                *b = MASKED;
            }
        }
        Tensor::from_data(TensorData::new(bias, [self.batch, 1, 1, self.signal_len]), device)
    }
}

/// `[1, 1, len, len]`: position `q` sees keys `0..=q` only.
pub(crate) fn causal_bias(len: usize, device: &Device) -> Tensor<4> {
    let bias: Vec<f32> = (0..len * len).map(|k| if k % len > k / len { MASKED } else { 0.0 }).collect();
    Tensor::from_data(TensorData::new(bias, [1, 1, len, len]), device)
}

/// Additive logit bias from valid-next masks: 0 where the bit is set, [`MASKED`] elsewhere.
pub(crate) fn mask_bias_row(words: &[u64], vocab: usize, out: &mut [f32]) -> std::result::Result<(), String> {
    if words.len() * 64 < vocab {
        return Err(format!("mask has {} words, the vocabulary needs {}", words.len(), vocab.div_ceil(64)));
    }
    let mut any = false;
    for (t, slot) in out.iter_mut().enumerate().take(vocab) {
        let set = words.get(t / 64).is_some_and(|w| (w >> (t % 64)) & 1 == 1);
        any |= set;
        *slot = if set { 0.0 } else { MASKED };
    }
    if !any {
        return Err("mask allows no token".to_string());
    }
    Ok(())
}
