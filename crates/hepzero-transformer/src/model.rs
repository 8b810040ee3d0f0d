//! The encoder-decoder policy-value network (seed 000, arXiv:2509.14894): full forward over padded
//! batches, and incremental decoding with a key/value cache so that generating a sequence costs one
//! decoder step per token.

use crate::batch::{DecoderBatch, causal_bias};
use crate::layers::{DecoderBlock, EncoderBlock, KeyValues, layer_norm, seeded_matrix};
use crate::{Error, Result, TransformerConfig};
use burn::module::{Module, Param};
use burn::nn::{Embedding, LayerNorm, Linear};
use burn::tensor::activation;
use burn::tensor::{Device, Int, Tensor, TensorData};
use hepzero_backend::seeded_linear;
use hepzero_tokens::TokenId;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The transformer. Build with [`PolicyValueNet::new`]; see the crate docs for the architecture.
#[derive(Module, Debug)]
pub struct PolicyValueNet {
    tokens: Embedding,
    encoder_positions: Param<Tensor<2>>,
    decoder_positions: Param<Tensor<2>>,
    encoder: Vec<EncoderBlock>,
    encoder_norm: LayerNorm,
    decoder: Vec<DecoderBlock>,
    decoder_norm: LayerNorm,
    policy: Linear,
    value: Linear,
    #[module(skip)]
    config: TransformerConfig,
}

/// The encoded signals of a batch, ready for the decoder: one set of cross-attention keys and
/// values per decoder block, and the signal-padding bias.
#[derive(Clone, Debug)]
pub(crate) struct Encoded {
    memory: Vec<KeyValues>,
    padding: Tensor<4>,
}

/// Incremental decoding state of a batch: encoded signals, the self-attention cache of every decoder
/// block, and the next position.
#[derive(Clone, Debug)]
pub struct DecodeState {
    encoded: Encoded,
    caches: Vec<Option<KeyValues>>,
    position: usize,
    batch: usize,
}

impl DecodeState {
    /// Number of decoder positions already fed.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Number of sequences being decoded.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Keeps only the sequences `rows` (indices into the current batch, in the order given), so
    /// finished sequences stop costing decoder steps.
    pub fn retain(&mut self, rows: &[usize], device: &Device) -> Result<()> {
        if let Some(&bad) = rows.iter().find(|&&r| r >= self.batch) {
            return Err(Error::InvalidConfig(format!("row {bad} is outside a batch of {}", self.batch)));
        }
        if rows.is_empty() {
            return Err(Error::EmptyBatch);
        }
        let ids: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
        let index = Tensor::<1, Int>::from_data(TensorData::new(ids, [rows.len()]), device);
        let pick = |kv: &KeyValues| KeyValues {
            keys: kv.keys.clone().select(0, index.clone()),
            values: kv.values.clone().select(0, index.clone()),
        };
        self.encoded.memory = self.encoded.memory.iter().map(pick).collect();
        self.encoded.padding = self.encoded.padding.clone().select(0, index.clone());
        for cache in self.caches.iter_mut().flatten() {
            *cache = pick(cache);
        }
        self.batch = rows.len();
        Ok(())
    }
}

impl PolicyValueNet {
    /// A network of shape `config` on `device`, every weight drawn from `seed` on the host.
    pub fn new(config: &TransformerConfig, seed: u64, device: &Device) -> Result<Self> {
        config.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let d = config.d_model;
        // Embeddings with standard deviation 1/sqrt(d): U(-a, a) has sd a/sqrt(3).
        let scale = (3.0 / d as f32).sqrt();
        let tokens = Embedding { weight: seeded_matrix(config.vocab_size, d, scale, &mut rng, device) };
        let encoder_positions = seeded_matrix(config.max_signal_len, d, scale, &mut rng, device);
        let decoder_positions = seeded_matrix(config.max_decoder_len, d, scale, &mut rng, device);
        let encoder = (0..config.encoder_layers)
            .map(|_| EncoderBlock::new(d, config.heads, config.d_ff, &mut rng, device))
            .collect();
        let decoder = (0..config.decoder_layers)
            .map(|_| DecoderBlock::new(d, config.heads, config.d_ff, &mut rng, device))
            .collect();
        Ok(Self {
            tokens,
            encoder_positions,
            decoder_positions,
            encoder,
            encoder_norm: layer_norm(d, device),
            decoder,
            decoder_norm: layer_norm(d, device),
            policy: seeded_linear(d, config.vocab_size, &mut rng, device),
            value: seeded_linear(d, 1, &mut rng, device),
            config: config.clone(),
        })
    }

    /// The network's shape.
    pub fn config(&self) -> &TransformerConfig {
        &self.config
    }

    /// Number of trainable scalars.
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }

    fn embed(&self, tokens: Tensor<2, Int>, positions: &Param<Tensor<2>>, offset: usize) -> Tensor<3> {
        let [b, t] = tokens.dims();
        let d = self.config.d_model;
        let pos = positions.val().slice(offset..offset + t).unsqueeze::<3>().expand([b, t, d]);
        self.tokens.forward(tokens) + pos
    }

    pub(crate) fn encode(&self, batch: &DecoderBatch, device: &Device) -> Encoded {
        let padding = batch.signal_padding_bias(device);
        let mut x = self.embed(batch.signal_tensor(device), &self.encoder_positions, 0);
        for block in &self.encoder {
            x = block.forward(x, padding.clone());
        }
        let memory = self.encoder_norm.forward(x);
        Encoded {
            memory: self.decoder.iter().map(|b| b.memory_key_values(memory.clone())).collect(),
            padding,
        }
    }

    fn heads(&self, h: Tensor<3>) -> (Tensor<3>, Tensor<2>) {
        let [b, t, _] = h.dims();
        let h = self.decoder_norm.forward(h);
        let logits = self.policy.forward(h.clone());
        let values = activation::sigmoid(self.value.forward(h).reshape([b, t]));
        (logits, values)
    }

    /// Full forward pass: next-token logits `[batch, decoder_len, vocab]` (unmasked) and values
    /// `[batch, decoder_len]` for every prefix of every item. Position `k` of item `i` sees the
    /// signal and decoder tokens `0..=k` only.
    pub fn forward(&self, batch: &DecoderBatch, device: &Device) -> (Tensor<3>, Tensor<2>) {
        let encoded = self.encode(batch, device);
        let causal = causal_bias(batch.decoder_len, device);
        let mut x = self.embed(batch.decoder_tensor(device), &self.decoder_positions, 0);
        for (block, memory) in self.decoder.iter().zip(&encoded.memory) {
            x = block.forward(x, causal.clone(), memory, encoded.padding.clone());
        }
        self.heads(x)
    }

    /// Starts incremental decoding for the signals of `batch` (its decoder part is ignored).
    pub fn start_decoding(&self, batch: &DecoderBatch, device: &Device) -> DecodeState {
        DecodeState {
            encoded: self.encode(batch, device),
            caches: vec![None; self.decoder.len()],
            position: 0,
            batch: batch.batch,
        }
    }

    /// Feeds one decoder token per item (the first call takes `SEP`) and returns the logits
    /// `[batch, vocab]` and values `[batch]` at that position, equal to the full forward's.
    pub fn decode_step(
        &self,
        state: &mut DecodeState,
        tokens: &[TokenId],
        device: &Device,
    ) -> Result<(Tensor<2>, Tensor<1>)> {
        if tokens.len() != state.batch {
            return Err(Error::InvalidConfig(format!(
                "decode_step got {} tokens for a batch of {}",
                tokens.len(),
                state.batch
            )));
        }
        if state.position >= self.config.max_decoder_len {
            return Err(Error::TooLong {
                what: "decoded sequence",
                len: state.position + 1,
                max: self.config.max_decoder_len,
            });
        }
        if let Some(t) = tokens.iter().find(|t| usize::from(t.0) >= self.config.vocab_size) {
            return Err(Error::TokenOutOfRange {
                what: "decoder step",
                token: t.0,
                vocab: self.config.vocab_size,
            });
        }
        let ids: Vec<i64> = tokens.iter().map(|t| i64::from(t.0)).collect();
        let input = Tensor::<2, Int>::from_data(TensorData::new(ids, [state.batch, 1]), device);
        let mut x = self.embed(input, &self.decoder_positions, state.position);
        for ((block, cache), memory) in
            self.decoder.iter().zip(state.caches.iter_mut()).zip(&state.encoded.memory)
        {
            x = block.step(x, cache, memory, state.encoded.padding.clone());
        }
        state.position += 1;
        let (logits, values) = self.heads(x);
        let [b, _, v] = logits.dims();
        Ok((logits.reshape([b, v]), values.reshape([b])))
    }
}
