//! Supervised training on (signal, background) sequences weighted by reward (seed 000: the GA's
//! solutions as "high quality training data"): reward-weighted cross-entropy on every next token,
//! padding masked out, plus the value head's squared error to the sequence's normalised reward.

use crate::batch::{DecoderBatch, Example, mask_bias_row};
use crate::eval::read_f32;
use crate::{Error, PolicyValueNet, Result};
use burn::tensor::activation;
use burn::tensor::{Device, Int, Tensor, TensorData};
use hepzero_backend::{AdamStep, AdamStepConfig};
use hepzero_tokens::{END, PAD, TokenId};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of [`Trainer`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainerConfig {
    /// The Adam optimiser (learning rate, moments, gradient clipping).
    pub adam: AdamStepConfig,
    /// Weight of the value loss relative to the policy loss.
    pub value_weight: f32,
}

impl Default for TrainerConfig {
    fn default() -> Self {
        Self {
            adam: AdamStepConfig { learning_rate: 3e-3, clip_norm: Some(1.0), ..Default::default() },
            value_weight: 1.0,
        }
    }
}

/// Figures of one training step (before the update).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    /// Total loss.
    pub loss: f32,
    /// Weighted mean cross-entropy per next token.
    pub policy_loss: f32,
    /// Mean squared error of the value head over real positions.
    pub value_loss: f32,
    /// Fraction of real positions whose arg-max (masked, if masks are given) is the target.
    pub accuracy: f32,
}

/// A network on an autodiff device and its optimiser.
pub struct Trainer {
    pub(crate) model: PolicyValueNet,
    pub(crate) adam: AdamStep,
    pub(crate) config: TrainerConfig,
    pub(crate) device: Device,
    /// Epochs of [`Trainer::fit`] so far.
    pub(crate) history: Vec<crate::EpochStats>,
    /// Network of the best validation epoch so far.
    pub(crate) best: Option<PolicyValueNet>,
}

impl Trainer {
    /// Trains `model`, which must live on `device` (an autodiff device: `device.autodiff()`).
    pub fn new(model: PolicyValueNet, config: TrainerConfig, device: Device) -> Self {
        Self { adam: AdamStep::new(&config.adam), model, config, device, history: Vec::new(), best: None }
    }

    /// The network as trained so far.
    pub fn model(&self) -> &PolicyValueNet {
        &self.model
    }

    /// Gives the network back.
    pub fn into_model(self) -> PolicyValueNet {
        self.model
    }

    /// Number of updates made.
    pub fn steps(&self) -> u64 {
        self.adam.steps()
    }

    /// One Adam update on `examples` (one batch); the figures are those before the update.
    pub fn step(&mut self, examples: &[Example]) -> Result<StepStats> {
        let (loss, stats) = self.loss(examples)?;
        self.model = self.adam.step(self.model.clone(), loss);
        Ok(stats)
    }

    /// Loss and accuracy of the current network on `examples`, without updating it (validation).
    pub fn measure(&self, examples: &[Example]) -> Result<StepStats> {
        Ok(self.loss(examples)?.1)
    }

    /// The learning rate of the next update.
    pub fn learning_rate(&self) -> f64 {
        self.adam.learning_rate
    }

    /// Sets the learning rate of the following updates (a schedule).
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.adam.learning_rate = learning_rate;
    }

    fn loss(&self, examples: &[Example]) -> Result<(Tensor<1>, StepStats)> {
        let device = self.device.clone();
        let vocab = self.model.config().vocab_size;
        let items: Vec<(&[TokenId], &[TokenId])> =
            examples.iter().map(|e| (e.signal.as_slice(), e.background.as_slice())).collect();
        let batch = DecoderBatch::new(self.model.config(), &items)?;
        let (b, t) = (batch.batch, batch.decoder_len);
        // Targets: the decoder input shifted left, then END; PAD (weight 0) past the end.
        let mut targets = vec![i64::from(PAD.0); b * t];
        let mut weights = vec![0.0f32; b * t];
        let mut real = vec![0.0f32; b * t];
        let mut value_targets = vec![0.0f32; b * t];
        let with_masks = examples.iter().any(|e| e.valid.is_some());
        let mut bias = if with_masks { vec![0.0f32; b * t * vocab] } else { Vec::new() };
        // Soft targets (MCTS visit distributions) need a dense [b, t, vocab] target; one-hot rows
        // stand in for the examples that have none.
        let soft = examples.iter().any(|e| e.policy.is_some());
        let mut dense = if soft { vec![0.0f32; b * t * vocab] } else { Vec::new() };
        for (i, e) in examples.iter().enumerate() {
            let len = e.background.len() + 1;
            for k in 0..len {
                let target = if k + 1 < len { batch.decoder_token(i, k + 1) } else { i64::from(END.0) };
                targets[i * t + k] = target;
                weights[i * t + k] = e.weight;
                real[i * t + k] = 1.0;
                value_targets[i * t + k] = e.value;
            }
            if soft {
                for k in 0..len {
                    let row = &mut dense[(i * t + k) * vocab..(i * t + k + 1) * vocab];
                    match &e.policy {
                        Some(policy) => {
                            let dist = policy.get(k).ok_or_else(|| Error::BadMask {
                                index: i,
                                message: format!("{} policy targets for {} positions", policy.len(), len),
                            })?;
                            let total: f32 = dist.iter().map(|&(_, p)| p).sum();
                            for &(token, p) in dist {
                                let slot = row.get_mut(token as usize).ok_or(Error::TokenOutOfRange {
                                    what: "policy target",
                                    token: token.min(u32::from(u16::MAX)) as u16,
                                    vocab,
                                })?;
                                if !(p >= 0.0 && total > 0.0) {
                                    return Err(Error::BadMask {
                                        index: i,
                                        message: format!(
                                            "policy target at position {k} is not a distribution"
                                        ),
                                    });
                                }
                                *slot += p / total;
                            }
                        }
                        None => row[targets[i * t + k] as usize] = 1.0,
                    }
                }
            }
            if let Some(masks) = &e.valid {
                if masks.len() != len {
                    return Err(Error::BadMask {
                        index: i,
                        message: format!("{} masks for {} target positions", masks.len(), len),
                    });
                }
                for (k, words) in masks.iter().enumerate() {
                    let row = &mut bias[(i * t + k) * vocab..(i * t + k + 1) * vocab];
                    mask_bias_row(words, vocab, row)
                        .map_err(|message| Error::BadMask { index: i, message })?;
                }
            }
        }
        let weight_sum: f32 = weights.iter().sum();
        let real_sum: f32 = real.iter().sum();
        if examples.is_empty() || weight_sum < 0.0 || weight_sum.is_nan() {
            return Err(Error::InvalidConfig(format!(
                "a training batch needs examples with non-negative weights (got {} summing to {weight_sum})",
                examples.len()
            )));
        }
        // Weight 0 marks value-only examples (backgrounds below threshold): a batch of only those
        // has no policy loss.
        let weight_sum = if weight_sum > 0.0 { weight_sum } else { 1.0 };

        let (logits, values) = self.model.forward(&batch, &device);
        let logits = if with_masks {
            logits + Tensor::<3>::from_data(TensorData::new(bias, [b, t, vocab]), &device)
        } else {
            logits
        };
        let targets = Tensor::<2, Int>::from_data(TensorData::new(targets, [b, t]), &device);
        let weights = Tensor::<2>::from_data(TensorData::new(weights, [b, t]), &device);
        let real = Tensor::<2>::from_data(TensorData::new(real, [b, t]), &device);
        let value_targets = Tensor::<2>::from_data(TensorData::new(value_targets, [b, t]), &device);

        let log_probs = activation::log_softmax(logits.clone(), 2);
        let picked = if soft {
            // Cross-entropy to the target distribution; masked tokens carry zero target mass, and
            // their log-probability is finite (a large negative), so 0 * it is exactly 0.
            let dense = Tensor::<3>::from_data(TensorData::new(dense, [b, t, vocab]), &device);
            (log_probs * dense).sum_dim(2).reshape([b, t])
        } else {
            log_probs.gather(2, targets.clone().unsqueeze_dim::<3>(2)).reshape([b, t])
        };
        let policy_loss = picked.neg().mul(weights).sum().div_scalar(weight_sum);
        let value_loss = (values - value_targets).powi_scalar(2).mul(real.clone()).sum().div_scalar(real_sum);
        let loss = policy_loss.clone() + value_loss.clone().mul_scalar(self.config.value_weight);

        let hits =
            logits.argmax(2).reshape([b, t]).equal(targets).float().mul(real).sum().div_scalar(real_sum);
        let read = |x: Tensor<1>| read_f32(x).map(|v| v.first().copied().unwrap_or(f32::NAN));
        let stats = StepStats {
            loss: read(loss.clone())?,
            policy_loss: read(policy_loss)?,
            value_loss: read(value_loss)?,
            accuracy: read(hits)?,
        };
        Ok((loss, stats))
    }
}
