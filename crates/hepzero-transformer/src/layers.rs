//! Building blocks of the transformer (Vaswani et al., arXiv:1706.03762) in pre-norm form (Xiong et
//! al., arXiv:2002.04745), with weights drawn on the host from a seeded stream so every backend
//! builds the same network. Attention is written out here (rather than burn-nn's) so the decoder can
//! reuse cached keys and values during incremental decoding.

use burn::module::{Module, Param};
use burn::nn::{LayerNorm, LayerNormConfig, Linear};
use burn::tensor::activation;
use burn::tensor::{Device, Tensor, TensorData};
use hepzero_backend::seeded_linear;
use rand::Rng;

/// A `[rows, cols]` parameter with entries U(-scale, scale) from `rng`.
pub(crate) fn seeded_matrix(
    rows: usize,
    cols: usize,
    scale: f32,
    rng: &mut impl Rng,
    device: &Device,
) -> Param<Tensor<2>> {
    let values: Vec<f32> = (0..rows * cols).map(|_| rng.random_range(-scale..scale)).collect();
    Param::from_tensor(Tensor::from_data(TensorData::new(values, [rows, cols]), device))
}

/// Layer norm with unit scale and zero shift (deterministic on every backend).
pub(crate) fn layer_norm(d_model: usize, device: &Device) -> LayerNorm {
    LayerNormConfig::new(d_model).init(device)
}

/// Keys and values of one attention layer, `[batch, heads, len, d_head]` each.
#[derive(Clone, Debug)]
pub(crate) struct KeyValues {
    pub keys: Tensor<4>,
    pub values: Tensor<4>,
}

/// Multi-head scaled dot-product attention.
#[derive(Module, Debug)]
pub(crate) struct Attention {
    query: Linear,
    key: Linear,
    value: Linear,
    output: Linear,
    heads: usize,
}

impl Attention {
    pub fn new(d_model: usize, heads: usize, rng: &mut impl Rng, device: &Device) -> Self {
        Self {
            query: seeded_linear(d_model, d_model, rng, device),
            key: seeded_linear(d_model, d_model, rng, device),
            value: seeded_linear(d_model, d_model, rng, device),
            output: seeded_linear(d_model, d_model, rng, device),
            heads,
        }
    }

    /// `[b, t, d] -> [b, heads, t, d / heads]`.
    fn split(&self, x: Tensor<3>) -> Tensor<4> {
        let [b, t, d] = x.dims();
        x.reshape([b, t, self.heads, d / self.heads]).swap_dims(1, 2)
    }

    /// Projects `x` (`[b, t, d]`) to per-head keys and values.
    pub fn key_values(&self, x: Tensor<3>) -> KeyValues {
        KeyValues { keys: self.split(self.key.forward(x.clone())), values: self.split(self.value.forward(x)) }
    }

    /// Attends from `x` (`[b, tq, d]`) to `kv`; `bias` (`[b, 1, tq, tk]`, 0 or a large negative)
    /// removes keys (padding, the future).
    pub fn attend(&self, x: Tensor<3>, kv: &KeyValues, bias: Option<Tensor<4>>) -> Tensor<3> {
        let [b, tq, d] = x.dims();
        let q = self.split(self.query.forward(x));
        let d_head = d / self.heads;
        let mut scores = q.matmul(kv.keys.clone().swap_dims(2, 3)).mul_scalar(1.0 / (d_head as f64).sqrt());
        if let Some(bias) = bias {
            let dims = scores.dims();
            scores = scores + bias.expand(dims);
        }
        let weights = activation::softmax(scores, 3);
        let mixed = weights.matmul(kv.values.clone()).swap_dims(1, 2).reshape([b, tq, d]);
        self.output.forward(mixed)
    }
}

/// Position-wise feed-forward layer `Linear -> GELU -> Linear`.
#[derive(Module, Debug)]
pub(crate) struct FeedForward {
    inner: Linear,
    outer: Linear,
}

impl FeedForward {
    pub fn new(d_model: usize, d_ff: usize, rng: &mut impl Rng, device: &Device) -> Self {
        Self {
            inner: seeded_linear(d_model, d_ff, rng, device),
            outer: seeded_linear(d_ff, d_model, rng, device),
        }
    }

    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.outer.forward(activation::gelu(self.inner.forward(x)))
    }
}

/// Pre-norm encoder block: self-attention over the signal, then feed-forward.
#[derive(Module, Debug)]
pub(crate) struct EncoderBlock {
    norm_attention: LayerNorm,
    attention: Attention,
    norm_ff: LayerNorm,
    ff: FeedForward,
}

impl EncoderBlock {
    pub fn new(d_model: usize, heads: usize, d_ff: usize, rng: &mut impl Rng, device: &Device) -> Self {
        Self {
            norm_attention: layer_norm(d_model, device),
            attention: Attention::new(d_model, heads, rng, device),
            norm_ff: layer_norm(d_model, device),
            ff: FeedForward::new(d_model, d_ff, rng, device),
        }
    }

    pub fn forward(&self, x: Tensor<3>, padding_bias: Tensor<4>) -> Tensor<3> {
        let h = self.norm_attention.forward(x.clone());
        let kv = self.attention.key_values(h.clone());
        let x = x + self.attention.attend(h, &kv, Some(padding_bias));
        let h = self.norm_ff.forward(x.clone());
        x + self.ff.forward(h)
    }
}

/// Pre-norm decoder block: causal self-attention, cross-attention to the encoded signal,
/// feed-forward.
#[derive(Module, Debug)]
pub(crate) struct DecoderBlock {
    norm_self: LayerNorm,
    self_attention: Attention,
    norm_cross: LayerNorm,
    cross_attention: Attention,
    norm_ff: LayerNorm,
    ff: FeedForward,
}

impl DecoderBlock {
    pub fn new(d_model: usize, heads: usize, d_ff: usize, rng: &mut impl Rng, device: &Device) -> Self {
        Self {
            norm_self: layer_norm(d_model, device),
            self_attention: Attention::new(d_model, heads, rng, device),
            norm_cross: layer_norm(d_model, device),
            cross_attention: Attention::new(d_model, heads, rng, device),
            norm_ff: layer_norm(d_model, device),
            ff: FeedForward::new(d_model, d_ff, rng, device),
        }
    }

    /// Keys and values of the encoder memory for this block's cross-attention.
    pub fn memory_key_values(&self, memory: Tensor<3>) -> KeyValues {
        self.cross_attention.key_values(memory)
    }

    /// Full forward over `x` (`[b, t, d]`) with a causal bias `[b, 1, t, t]`.
    pub fn forward(
        &self,
        x: Tensor<3>,
        causal_bias: Tensor<4>,
        memory: &KeyValues,
        memory_bias: Tensor<4>,
    ) -> Tensor<3> {
        let h = self.norm_self.forward(x.clone());
        let kv = self.self_attention.key_values(h.clone());
        let x = x + self.self_attention.attend(h, &kv, Some(causal_bias));
        self.cross_and_ff(x, memory, memory_bias)
    }

    /// One incremental step: `x` is `[b, 1, d]` (the newest position); its keys and values are
    /// appended to `cache`, which holds every earlier position, so no causal mask is needed.
    pub fn step(
        &self,
        x: Tensor<3>,
        cache: &mut Option<KeyValues>,
        memory: &KeyValues,
        memory_bias: Tensor<4>,
    ) -> Tensor<3> {
        let h = self.norm_self.forward(x.clone());
        let new = self.self_attention.key_values(h.clone());
        let kv = match cache.take() {
            Some(old) => KeyValues {
                keys: Tensor::cat(vec![old.keys, new.keys], 2),
                values: Tensor::cat(vec![old.values, new.values], 2),
            },
            None => new,
        };
        let x = x + self.self_attention.attend(h, &kv, None);
        *cache = Some(kv);
        self.cross_and_ff(x, memory, memory_bias)
    }

    fn cross_and_ff(&self, x: Tensor<3>, memory: &KeyValues, memory_bias: Tensor<4>) -> Tensor<3> {
        let h = self.norm_cross.forward(x.clone());
        let x = x + self.cross_attention.attend(h, memory, Some(memory_bias));
        let h = self.norm_ff.forward(x.clone());
        x + self.ff.forward(h)
    }
}
