//! The agent's estimate of a background's overlap factor before any detector simulation: a small
//! network that reads what the decay chain says without simulating (the unsmeared range of the
//! candidate mass against the signal's mass and scoring range, what is lost, what is
//! mis-identified) and gives the probability that the overlap is non-zero and its logarithm where
//! it is. Learnt from the simulated candidates of the training signals ([`overlap_samples`],
//! [`fit_overlap`]), it lets the agent score the backgrounds it builds in order of their expected
//! reward ([`crate::propose_best_first`]). The shipped estimator is [`shipped_overlap`].

use crate::{Error, Result};
use hepzero_backend::burn::tensor::activation::softplus;
use hepzero_backend::burn::tensor::{Device, Tensor, TensorData};
use hepzero_backend::{AdamStep, AdamStepConfig, Mlp, MlpConfig};
use hepzero_reward::{RangeChoice, RewardModel};
use hepzero_tokens::Decay;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Number of inputs of the estimator.
pub const OVERLAP_FEATURES: usize = 12;

/// The estimator's inputs for one background of `model`'s signal (see [`OVERLAP_FEATURES`]).
pub type Features = [f32; OVERLAP_FEATURES];

/// What the chain the reward would simulate says before simulating it (GeV).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChainSummary {
    /// The unsmeared candidate mass's range (`hi` infinite where it has no upper bound).
    pub lo: f64,
    /// See `lo`.
    pub hi: f64,
    /// The head's mass.
    pub head_mass: f64,
    /// Final-state particles lost, and their summed masses.
    pub n_lost: usize,
    /// See `n_lost`.
    pub lost_mass: f64,
    /// Reconstructed particles under another mass hypothesis, and the summed shift of their squared
    /// masses (hypothesis^2 - true^2).
    pub n_misid: usize,
    /// See `n_misid`.
    pub shift2: f64,
    /// Particles in the candidate.
    pub n_reco: usize,
}

/// The [`ChainSummary`] of a background of `model`'s signal, from the chain the reward simulates.
pub fn chain_summary(model: &RewardModel, decay: &Decay) -> Result<ChainSummary> {
    let chain = model.decay_chain(decay)?;
    let (lo, hi) = chain.reconstructed_mass_range();
    let mut out = ChainSummary {
        lo,
        hi,
        head_mass: chain.head().mass,
        n_lost: 0,
        lost_mass: 0.0,
        n_misid: 0,
        shift2: 0.0,
        n_reco: 0,
    };
    for leaf in chain.leaves() {
        let m = chain.particles()[leaf.index].species.mass;
        if !leaf.reconstructed {
            out.n_lost += 1;
            out.lost_mass += m;
            continue;
        }
        out.n_reco += 1;
        if leaf.hypothesis_mass != m {
            out.n_misid += 1;
            out.shift2 += leaf.hypothesis_mass.powi(2) - m * m;
        }
    }
    Ok(out)
}

/// The estimator's inputs: the [`ChainSummary`] relative to the signal, the unsmeared
/// candidate-mass range against the signal mass and the scoring range.
pub fn overlap_features(model: &RewardModel, decay: &Decay) -> Result<Features> {
    let c = chain_summary(model, decay)?;
    let signal = model.signal();
    let ms = signal.nominal_mass;
    let range = match model.config().range {
        RangeChoice::Window => signal.signal_window,
        _ => signal.fit_range,
    };
    let lo = c.lo;
    let unbounded = !c.hi.is_finite();
    // 1 GeV above the signal stands for "no upper bound": past every scoring range.
    let hi = if unbounded { ms + 1.0 } else { c.hi };
    let width = (hi - lo).max(1e-6);
    let features = [
        (hi - ms) / ms,
        (lo - ms) / ms,
        (c.head_mass - ms) / ms,
        c.n_lost as f64,
        c.lost_mass / ms,
        c.n_misid as f64,
        c.shift2 / (ms * ms),
        c.n_reco as f64,
        f64::from(u8::from(unbounded)),
        ((hi - range.lo) / width).clamp(-2.0, 1.0),
        ((range.hi - lo) / width).clamp(-2.0, 1.0),
        ms,
    ];
    Ok(features.map(|x| x as f32))
}

/// One simulated candidate: its inputs and the overlap the reward measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlapSample {
    /// [`overlap_features`].
    pub features: Features,
    /// The reward's overlap factor (0 where nothing fell in range).
    pub overlap: f64,
}

/// Scores every candidate with `model`'s reward and keeps those it simulated (the others stop at
/// the reward's bound and carry no overlap): the estimator's training data.
pub fn overlap_samples(model: &RewardModel, candidates: &[Decay]) -> Result<Vec<OverlapSample>> {
    let rows: Vec<Option<OverlapSample>> = candidates
        .par_iter()
        .map(|d| {
            let b = model.evaluate(d)?;
            Ok(match b.overlap {
                Some(overlap) => Some(OverlapSample { features: overlap_features(model, d)?, overlap }),
                None => None,
            })
        })
        .collect::<Result<_>>()?;
    Ok(rows.into_iter().flatten().collect())
}

/// How [`fit_overlap`] trains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverlapFitConfig {
    /// Hidden-layer widths.
    pub hidden: Vec<usize>,
    /// Passes over the samples.
    pub epochs: usize,
    /// Samples per Adam step.
    pub batch_size: usize,
    /// Adam's learning rate (cosine decay to a tenth over the run).
    pub learning_rate: f64,
    /// Seed of the weights and of the shuffles.
    pub seed: u64,
}

impl Default for OverlapFitConfig {
    fn default() -> Self {
        Self { hidden: vec![64, 64], epochs: 20, batch_size: 512, learning_rate: 2e-3, seed: 0 }
    }
}

/// What the estimator's files hold besides the weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlapHeader {
    /// Hidden-layer widths.
    pub hidden: Vec<usize>,
    /// Per-input mean and standard deviation of the training samples (inputs are standardised).
    pub mean: Vec<f32>,
    /// See `mean`.
    pub std: Vec<f32>,
    /// Samples trained on, and of those with a non-zero overlap.
    pub samples: usize,
    /// See `samples`.
    pub positive: usize,
    /// The training's settings.
    pub fit: OverlapFitConfig,
    /// Mean loss of each epoch (logistic loss of P(overlap > 0) + squared error of ln overlap on
    /// the non-zero ones).
    pub losses: Vec<f32>,
}

/// The estimate for one background.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OverlapEstimate {
    /// Probability that the overlap is non-zero.
    pub p_nonzero: f64,
    /// Expected ln(overlap) where it is non-zero.
    pub ln_overlap: f64,
}

impl OverlapEstimate {
    /// ln of the expected overlap, ln P + ln K (the log-reward's estimate less the analytic factors).
    pub fn ln_expected(&self) -> f64 {
        self.p_nonzero.max(1e-12).ln() + self.ln_overlap
    }
}

/// A trained overlap estimator.
#[derive(Debug)]
pub struct OverlapEstimator {
    net: Mlp,
    header: OverlapHeader,
    device: Device,
}

const HEADER_FILE: &str = "overlap.json";
const WEIGHTS_FILE: &str = "overlap.bpk";

impl OverlapEstimator {
    /// The header (standardisation, training figures).
    pub fn header(&self) -> &OverlapHeader {
        &self.header
    }

    /// Estimates for a batch of inputs.
    pub fn estimate(&self, features: &[Features]) -> Result<Vec<OverlapEstimate>> {
        if features.is_empty() {
            return Ok(Vec::new());
        }
        let x = standardised(features, &self.header, &self.device);
        let out: Vec<f32> = self
            .net
            .forward(x)
            .into_data()
            .try_to_vec()
            .map_err(|e| Error::Config(format!("overlap estimator output: {e:?}")))?;
        Ok(out
            .chunks(2)
            .map(|o| OverlapEstimate {
                p_nonzero: 1.0 / (1.0 + (-f64::from(o[0])).exp()),
                ln_overlap: f64::from(o[1]),
            })
            .collect())
    }

    /// [`hepzero_backend::weights_fingerprint`] of the network.
    pub fn fingerprint(&self) -> u64 {
        hepzero_backend::weights_fingerprint(&self.net)
    }

    /// Writes `overlap.json` and `overlap.bpk` into `dir` (a model folder).
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| crate::file_error(dir, e))?;
        crate::train::write_json(&dir.join(HEADER_FILE), &self.header)?;
        hepzero_backend::save_module(&self.net, &dir.join(WEIGHTS_FILE))?;
        Ok(())
    }

    /// Reads the estimator of a model folder, `None` if it has none.
    pub fn load(dir: &Path, device: &Device) -> Result<Option<OverlapEstimator>> {
        let path = dir.join(HEADER_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let header: OverlapHeader = crate::train::read_json(&path)?;
        let weights = std::fs::read(dir.join(WEIGHTS_FILE))
            .map_err(|e| crate::file_error(&dir.join(WEIGHTS_FILE), e))?;
        Self::from_parts(header, weights, &dir.join(WEIGHTS_FILE), device).map(Some)
    }

    fn from_parts(header: OverlapHeader, weights: Vec<u8>, origin: &Path, device: &Device) -> Result<Self> {
        if header.mean.len() != OVERLAP_FEATURES || header.std.len() != OVERLAP_FEATURES {
            return Err(Error::Config(format!(
                "{}: the estimator has {} inputs, this build computes {OVERLAP_FEATURES}",
                origin.display(),
                header.mean.len()
            )));
        }
        let skeleton = MlpConfig::new(OVERLAP_FEATURES, &header.hidden, 2).init(0, device)?;
        let net = hepzero_backend::load_module_bytes(skeleton, weights, origin)?;
        Ok(Self { net, header, device: device.clone() })
    }
}

const SHIPPED_HEADER: &str = include_str!("../../../fixtures/models/agent/overlap.json");
const SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../../fixtures/models/agent/overlap.bpk");

/// The overlap estimator shipped with the agent (`fixtures/models/agent/overlap.*`; how it was
/// made: `fixtures/models/README.md`).
pub fn shipped_overlap(device: &Device) -> Result<OverlapEstimator> {
    let header: OverlapHeader = serde_json::from_str(SHIPPED_HEADER)
        .map_err(|e| Error::Config(format!("fixtures/models/agent/overlap.json: {e}")))?;
    OverlapEstimator::from_parts(
        header,
        SHIPPED_WEIGHTS.to_vec(),
        "fixtures/models/agent/overlap.bpk".as_ref(),
        device,
    )
}

fn standardised(features: &[Features], header: &OverlapHeader, device: &Device) -> Tensor<2> {
    let flat: Vec<f32> = features
        .iter()
        .flat_map(|f| f.iter().enumerate().map(|(i, &x)| (x - header.mean[i]) / header.std[i]))
        .collect();
    Tensor::from_data(TensorData::new(flat, [features.len(), OVERLAP_FEATURES]), device)
}

/// Trains an estimator on `samples` (on `device`); `progress(epoch, epochs)` after each epoch.
/// The same samples and seed give the same estimator.
pub fn fit_overlap(
    samples: &[OverlapSample],
    config: &OverlapFitConfig,
    device: &Device,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<OverlapEstimator> {
    let positive = samples.iter().filter(|s| s.overlap > 0.0).count();
    if positive == 0 || positive == samples.len() {
        return Err(Error::Config(format!(
            "the overlap estimator needs candidates with and without an overlap ({positive} of {} non-zero)",
            samples.len()
        )));
    }
    if config.epochs == 0 || config.batch_size == 0 {
        return Err(Error::Config(
            "the overlap estimator needs at least one epoch and one sample per batch".into(),
        ));
    }
    let n = samples.len() as f64;
    let mut mean = vec![0f32; OVERLAP_FEATURES];
    let mut std = vec![0f32; OVERLAP_FEATURES];
    for i in 0..OVERLAP_FEATURES {
        let m = samples.iter().map(|s| f64::from(s.features[i])).sum::<f64>() / n;
        let v = samples.iter().map(|s| (f64::from(s.features[i]) - m).powi(2)).sum::<f64>() / n;
        mean[i] = m as f32;
        // A constant input (one signal mass) stays a constant.
        std[i] = if v > 1e-12 { v.sqrt() as f32 } else { 1.0 };
    }
    let mut header = OverlapHeader {
        hidden: config.hidden.clone(),
        mean,
        std,
        samples: samples.len(),
        positive,
        fit: config.clone(),
        losses: Vec::new(),
    };
    let train_device = device.clone().autodiff();
    let mut net = MlpConfig::new(OVERLAP_FEATURES, &config.hidden, 2).init(config.seed, &train_device)?;
    let mut adam =
        AdamStep::new(&AdamStepConfig { learning_rate: config.learning_rate, ..Default::default() });
    let mut order: Vec<usize> = (0..samples.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(crate::derive_seed(config.seed, &[0x0f17]));
    let steps_total = (config.epochs * samples.len().div_ceil(config.batch_size)) as f64;
    for epoch in 0..config.epochs {
        order.shuffle(&mut rng);
        let (mut sum, mut batches) = (0f32, 0usize);
        for batch in order.chunks(config.batch_size) {
            let t = adam.steps() as f64 / steps_total;
            adam.learning_rate =
                config.learning_rate * (0.1 + 0.45 * (1.0 + (std::f64::consts::PI * t).cos()));
            let features: Vec<Features> = batch.iter().map(|&i| samples[i].features).collect();
            let y: Vec<f32> = batch.iter().map(|&i| f32::from(u8::from(samples[i].overlap > 0.0))).collect();
            let ln_k: Vec<f32> = batch
                .iter()
                .map(|&i| if samples[i].overlap > 0.0 { samples[i].overlap.ln() as f32 } else { 0.0 })
                .collect();
            let b = batch.len();
            let out = net.forward(standardised(&features, &header, &train_device));
            let logit = out.clone().narrow(1, 0, 1).reshape([b]);
            let ln_k_hat = out.narrow(1, 1, 1).reshape([b]);
            let y = Tensor::<1>::from_data(TensorData::new(y, [b]), &train_device);
            let target = Tensor::<1>::from_data(TensorData::new(ln_k, [b]), &train_device);
            // Logistic loss softplus(z) - y z, and the squared error of ln K where K > 0.
            let logistic = (softplus(logit.clone(), 1.0) - logit * y.clone()).mean();
            let count = y.clone().sum().clamp_min(1.0);
            let squared = ((ln_k_hat - target).powi_scalar(2) * y).sum() / count;
            let loss = logistic + squared;
            sum += loss.clone().into_scalar::<f32>();
            batches += 1;
            net = adam.step(net, loss);
        }
        header.losses.push(sum / batches.max(1) as f32);
        progress(epoch as u64 + 1, config.epochs as u64);
    }
    // The trained weights on the inference device.
    let bytes = hepzero_backend::module_to_bytes(&net)?;
    OverlapEstimator::from_parts(header, bytes, "trained overlap estimator".as_ref(), device)
}

/// Trains the estimator on every candidate the oracle simulates for each signal of `signals`
/// (reward settings `reward`, search limits `limits`), the training signals' own detector response;
/// `progress(phase, done, total)` as signals are simulated and epochs pass.
pub fn train_overlap(
    signals: &crate::SignalList,
    limits: &hepzero_tokens::GrammarConfig,
    reward: &hepzero_reward::RewardConfig,
    config: &OverlapFitConfig,
    device: &Device,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<OverlapEstimator> {
    let mut samples = Vec::new();
    let total = signals.signals.len() as u64;
    for (i, s) in signals.signals.iter().enumerate() {
        let model = crate::lhcb_model(&s.signal, limits, reward).map_err(|e| signals.error(i, e))?;
        let candidates = hepzero_finder::enumerate_backgrounds(
            model.grammar(),
            hepzero_pdg::DecayTable::lhcb_default(),
            &hepzero_finder::OracleConfig::default(),
        )?;
        samples.extend(overlap_samples(&model, &candidates)?);
        progress("simulating", i as u64 + 1, total);
    }
    fit_overlap(&samples, config, device, &mut |e, n| progress("fitting", e, n))
}
