//! Batched priors and values for tree search (AlphaZero, Silver et al., Science 362 (2018) 1140):
//! many background prefixes of different lengths in one forward pass, the policy soft-maxed over
//! the grammar's valid next tokens only.
//!
//! The output matches `hepzero-mcts`'s `FnEvaluator` convention: `priors` row-major,
//! `batch * vocab` non-negative weights summing to one per row, `values` one per prefix in
//! `[0, 1]`. Wrap it as `FnEvaluator::new(|states| ...)` with the environment's state-to-query map.

use crate::batch::{DecoderBatch, mask_bias_row};
use crate::{Error, PolicyValueNet, Result};
use burn::tensor::activation;
use burn::tensor::{Device, Int, Tensor, TensorData};
use hepzero_tokens::TokenId;
use serde::{Deserialize, Serialize};

/// One prefix to evaluate.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    /// The signal's tokens.
    pub signal: &'a [TokenId],
    /// The background so far (without `SEP`).
    pub background: &'a [TokenId],
    /// The grammar's valid next tokens after `background` (`BitMask::words()`).
    pub valid: &'a [u64],
}

/// Priors and values of a batch of queries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluated {
    /// Vocabulary size (length of each prior row).
    pub num_tokens: usize,
    /// `batch * num_tokens` probabilities, exactly zero on invalid tokens.
    pub priors: Vec<f32>,
    /// One value per query, in `[0, 1]`.
    pub values: Vec<f32>,
}

pub(crate) fn read_f32<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>> {
    let data = t.try_into_data().map_err(|e| Error::Device(format!("{e:?}")))?;
    data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))
}

impl PolicyValueNet {
    /// Priors over the next token (masked by each query's `valid`) and values, for every query.
    pub fn evaluate(&self, queries: &[Query<'_>], device: &Device) -> Result<Evaluated> {
        let items: Vec<(&[TokenId], &[TokenId])> = queries.iter().map(|q| (q.signal, q.background)).collect();
        let batch = DecoderBatch::new(self.config(), &items)?;
        let vocab = self.config().vocab_size;
        let mut bias = vec![0.0f32; queries.len() * vocab];
        for (index, (q, row)) in queries.iter().zip(bias.chunks_mut(vocab)).enumerate() {
            mask_bias_row(q.valid, vocab, row).map_err(|message| Error::BadMask { index, message })?;
        }
        let (logits, values) = self.forward(&batch, device);
        let (b, t) = (batch.batch, batch.decoder_len);
        let last: Vec<i64> =
            batch.decoder_lens().iter().enumerate().map(|(i, &len)| (i * t + len - 1) as i64).collect();
        let last = Tensor::<1, Int>::from_data(TensorData::new(last, [b]), device);
        let logits = logits.reshape([b * t, vocab]).select(0, last.clone());
        let bias = Tensor::<2>::from_data(TensorData::new(bias, [b, vocab]), device);
        let priors = activation::softmax(logits + bias, 1);
        let values = values.reshape([b * t]).select(0, last);
        Ok(Evaluated { num_tokens: vocab, priors: read_f32(priors)?, values: read_f32(values)? })
    }
}
