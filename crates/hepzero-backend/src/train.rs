//! One Adam update of any burn module from a scalar loss: the step every training loop in
//! hepzero repeats (Kingma & Ba, arXiv:1412.6980), with optional gradient-norm clipping.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// Hyper-parameters of [`AdamStep`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamStepConfig {
    /// Learning rate.
    pub learning_rate: f64,
    /// Exponential decay of the first moment.
    pub beta_1: f32,
    /// Exponential decay of the second moment.
    pub beta_2: f32,
    /// Numerical stabiliser.
    pub epsilon: f32,
    /// Clip the global gradient L2 norm to this value, if set.
    pub clip_norm: Option<f32>,
    /// L2 penalty added to every gradient (`grad + penalty * weight`), if set; AlphaZero's
    /// regulariser (Silver et al., Science 362 (2018) 1140).
    #[serde(default)]
    pub weight_decay: Option<f32>,
}

impl Default for AdamStepConfig {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-8,
            clip_norm: None,
            weight_decay: None,
        }
    }
}

/// An Adam optimiser bound to a learning rate; `step` runs backward on the loss and updates.
#[derive(Clone)]
pub struct AdamStep {
    optimizer: ModuleOptimizer,
    /// Learning rate used by [`AdamStep::step`]; change it for a schedule.
    pub learning_rate: f64,
    steps: u64,
}

impl AdamStep {
    /// A fresh optimiser (zero moments).
    pub fn new(config: &AdamStepConfig) -> Self {
        let mut adam = AdamConfig::new()
            .with_beta_1(config.beta_1)
            .with_beta_2(config.beta_2)
            .with_epsilon(config.epsilon);
        if let Some(norm) = config.clip_norm {
            adam = adam.with_grad_clipping(Some(burn::grad_clipping::GradientClippingConfig::Norm(norm)));
        }
        if let Some(penalty) = config.weight_decay {
            adam = adam.with_weight_decay(Some(burn::optim::decay::WeightDecayConfig::new(penalty)));
        }
        Self { optimizer: adam.init(), learning_rate: config.learning_rate, steps: 0 }
    }

    /// Back-propagates `loss` (a one-element tensor on an autodiff device) through `model` and
    /// returns the updated model.
    pub fn step<M: Module>(&mut self, model: M, loss: Tensor<1>) -> M {
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.steps += 1;
        self.optimizer.step(self.learning_rate, model, grads)
    }

    /// Number of updates made so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The optimiser state (moments per parameter), for checkpoints.
    pub fn optimizer(&self) -> &ModuleOptimizer {
        &self.optimizer
    }

    /// Rebuilds an optimiser from saved state.
    pub fn from_parts(optimizer: ModuleOptimizer, learning_rate: f64, steps: u64) -> Self {
        Self { optimizer, learning_rate, steps }
    }
}
