//! A multilayer perceptron whose initial weights come from a seeded ChaCha stream on the host, so
//! the same seed gives the same network on every backend (burn's own initialisers draw from each
//! backend's RNG, which differ between ndarray, flex and wgpu).

use crate::{Error, Result};
use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear};
use burn::tensor::activation;
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Hidden-layer non-linearity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, x)
    #[default]
    Relu,
    /// tanh(x)
    Tanh,
    /// Gaussian error linear unit.
    Gelu,
    /// 1 / (1 + e^-x)
    Sigmoid,
}

impl Activation {
    fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Relu => activation::relu(x),
            Activation::Tanh => x.tanh(),
            Activation::Gelu => activation::gelu(x),
            Activation::Sigmoid => activation::sigmoid(x),
        }
    }
}

/// Shape of an MLP: `input -> hidden[0] -> ... -> output`, with the activation (and dropout)
/// after every hidden layer and a linear output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpConfig {
    /// Number of input features.
    pub input: usize,
    /// Widths of the hidden layers.
    pub hidden: Vec<usize>,
    /// Number of outputs.
    pub output: usize,
    /// Hidden-layer activation.
    pub activation: Activation,
    /// Dropout probability after each hidden activation (0 disables it).
    pub dropout: f64,
}

impl MlpConfig {
    /// A configuration with `hidden` layers of the given widths, ReLU and no dropout.
    pub fn new(input: usize, hidden: &[usize], output: usize) -> Self {
        Self { input, hidden: hidden.to_vec(), output, activation: Activation::Relu, dropout: 0.0 }
    }

    /// Sets the activation.
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// Sets the dropout probability.
    pub fn with_dropout(mut self, dropout: f64) -> Self {
        self.dropout = dropout;
        self
    }

    /// Builds the network on `device` with weights drawn from `seed`.
    pub fn init(&self, seed: u64, device: &Device) -> Result<Mlp> {
        if self.input == 0 || self.output == 0 || self.hidden.contains(&0) {
            return Err(Error::InvalidConfig(format!("layer widths must be positive: {self:?}")));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(Error::InvalidConfig(format!("dropout {} is not in [0, 1)", self.dropout)));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let widths: Vec<usize> =
            std::iter::once(self.input).chain(self.hidden.iter().copied()).chain([self.output]).collect();
        let layers = widths.windows(2).map(|w| seeded_linear(w[0], w[1], &mut rng, device)).collect();
        Ok(Mlp { layers, dropout: DropoutConfig::new(self.dropout).init(), activation: self.activation })
    }
}

/// A linear layer `[d_in] -> [d_out]` with PyTorch's default initialisation, U(-k, k) with
/// k = 1/sqrt(d_in) for weights and biases, drawn from `rng` on the host.
pub fn seeded_linear(d_in: usize, d_out: usize, rng: &mut impl Rng, device: &Device) -> Linear {
    let k = 1.0 / (d_in as f32).sqrt();
    let mut uniform = |n: usize| (0..n).map(|_| rng.random_range(-k..k)).collect::<Vec<f32>>();
    let weight = TensorData::new(uniform(d_in * d_out), [d_in, d_out]);
    let bias = TensorData::new(uniform(d_out), [d_out]);
    Linear {
        weight: Param::from_tensor(Tensor::from_data(weight, device)),
        bias: Some(Param::from_tensor(Tensor::from_data(bias, device))),
    }
}

/// A multilayer perceptron built by [`MlpConfig::init`].
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    dropout: Dropout,
    #[module(skip)]
    activation: Activation,
}

impl Mlp {
    /// Applies the network to `[..., input]`, giving `[..., output]`.
    pub fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let last = self.layers.len().saturating_sub(1);
        self.layers.iter().enumerate().fold(x, |x, (i, layer)| {
            let x = layer.forward(x);
            if i < last { self.dropout.forward(self.activation.apply(x)) } else { x }
        })
    }

    /// Number of trainable scalars.
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }
}
