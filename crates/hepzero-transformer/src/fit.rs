//! The training loop: epochs over shuffled mini-batches, a validation set of whole signals (so the
//! figure says how the network does on decays it never saw), a warm-up plus cosine learning-rate
//! schedule (Loshchilov & Hutter, arXiv:1608.03983), and early stopping that keeps the network of
//! the best validation epoch.
//!
//! The data order is a function of the seed and the trainer's step count only, and the epoch
//! history and best network travel in the trainer's checkpoint, so a fit killed after any
//! checkpoint and resumed with [`Trainer::resume`] ends with the same network as an uninterrupted one.

use crate::{Example, Result, Trainer};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How [`Trainer::fit`] trains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitConfig {
    /// Most passes over the training set.
    pub epochs: usize,
    /// Examples per update.
    pub batch_size: usize,
    /// Updates over which the learning rate rises linearly from 0 to the peak.
    pub warmup_steps: u64,
    /// Final learning rate of the cosine decay, as a fraction of the peak.
    pub final_fraction: f64,
    /// Stop after this many epochs without a better validation loss (`None`: never).
    pub patience: Option<usize>,
    /// Seed of the shuffling.
    pub seed: u64,
}

impl Default for FitConfig {
    fn default() -> Self {
        Self {
            epochs: 20,
            batch_size: 64,
            warmup_steps: 50,
            final_fraction: 0.05,
            patience: Some(3),
            seed: 0,
        }
    }
}

/// Figures of one epoch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// Epoch number, from 0.
    pub epoch: usize,
    /// Mean training loss over the epoch's updates.
    pub train_loss: f32,
    /// Mean training next-token accuracy.
    pub train_accuracy: f32,
    /// Validation loss after the epoch (NaN without a validation set; `null` in JSON).
    #[serde(deserialize_with = "null_as_nan")]
    pub validation_loss: f32,
    /// Validation next-token accuracy after the epoch.
    #[serde(deserialize_with = "null_as_nan")]
    pub validation_accuracy: f32,
    /// Learning rate of the epoch's last update.
    pub learning_rate: f64,
}

/// JSON has no NaN: serde_json writes it as `null`, which reads back as NaN here.
fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f32, D::Error> {
    Ok(Option::<f32>::deserialize(d)?.unwrap_or(f32::NAN))
}

/// What a fit did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// Every epoch trained so far (including those before a resume).
    pub epochs: Vec<EpochStats>,
    /// The epoch whose network was kept (best validation loss, or the last without validation).
    pub best_epoch: Option<usize>,
    /// Whether the patience ran out before `epochs`.
    pub stopped_early: bool,
}

/// Splits `examples` into training and validation sets by signal: the signals (distinct encoder
/// inputs) are shuffled with `seed` and the first `ceil(fraction * signals)` go to validation, so
/// no signal is on both sides.
pub fn split_by_signal(examples: Vec<Example>, fraction: f64, seed: u64) -> (Vec<Example>, Vec<Example>) {
    let signals: BTreeSet<Vec<u16>> =
        examples.iter().map(|e| e.signal.iter().map(|t| t.0).collect()).collect();
    let mut signals: Vec<Vec<u16>> = signals.into_iter().collect();
    signals.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let count = ((fraction.clamp(0.0, 1.0) * signals.len() as f64).ceil() as usize).min(signals.len());
    let validation: BTreeSet<Vec<u16>> = signals.into_iter().take(count).collect();
    examples
        .into_iter()
        .partition(|e| !validation.contains(&e.signal.iter().map(|t| t.0).collect::<Vec<_>>()))
}

/// Learning rate at update `step` of `total`: linear warm-up, then cosine decay to
/// `final_fraction * peak`.
pub fn scheduled_learning_rate(peak: f64, step: u64, total: u64, config: &FitConfig) -> f64 {
    if step < config.warmup_steps {
        return peak * (step + 1) as f64 / config.warmup_steps as f64;
    }
    let span = total.saturating_sub(config.warmup_steps).max(1) as f64;
    let progress = ((step - config.warmup_steps) as f64 / span).min(1.0);
    let floor = peak * config.final_fraction;
    floor + (peak - floor) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
}

/// Mean of per-batch statistics over `data` in batches of `size` (no update).
fn measure_all(trainer: &Trainer, data: &[Example], size: usize) -> Result<(f32, f32)> {
    let (mut loss, mut accuracy, mut n) = (0.0f32, 0.0f32, 0.0f32);
    for chunk in data.chunks(size.max(1)) {
        let stats = trainer.measure(chunk)?;
        let w = chunk.len() as f32;
        loss += stats.loss * w;
        accuracy += stats.accuracy * w;
        n += w;
    }
    Ok((loss / n, accuracy / n))
}

impl Trainer {
    /// Trains on `train` for up to `config.epochs` epochs (continuing from the step count of a
    /// resumed trainer), validating on `validation` after each; `on_epoch` sees each epoch's
    /// figures and the trainer (to save a checkpoint, draw a plot, ...). With a validation set and
    /// a patience, training stops when the validation loss has not improved for `patience` epochs,
    /// and the network of the best epoch is restored.
    pub fn fit(
        &mut self,
        train: &[Example],
        validation: &[Example],
        config: &FitConfig,
        mut on_epoch: impl FnMut(&EpochStats, &Trainer) -> Result<()>,
    ) -> Result<FitReport> {
        if train.is_empty() {
            return Err(crate::Error::EmptyBatch);
        }
        let size = config.batch_size.max(1);
        let per_epoch = train.len().div_ceil(size) as u64;
        let total = per_epoch * config.epochs as u64;
        let peak = self.config.adam.learning_rate;
        let mut stopped_early = self.patience_ran_out(config);
        while !stopped_early && self.steps() < total {
            let epoch = (self.steps() / per_epoch) as usize;
            let mut order: Vec<usize> = (0..train.len()).collect();
            let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
            rng.set_stream(epoch as u64);
            order.shuffle(&mut rng);
            let (mut loss, mut accuracy, mut seen) = (0.0f32, 0.0f32, 0.0f32);
            // Resume mid-epoch: skip the batches already trained on.
            let first = (self.steps() % per_epoch) as usize;
            for batch in order.chunks(size).skip(first) {
                self.set_learning_rate(scheduled_learning_rate(peak, self.steps(), total, config));
                let examples: Vec<Example> = batch.iter().map(|&i| train[i].clone()).collect();
                let stats = self.step(&examples)?;
                loss += stats.loss * batch.len() as f32;
                accuracy += stats.accuracy * batch.len() as f32;
                seen += batch.len() as f32;
            }
            let (validation_loss, validation_accuracy) = if validation.is_empty() {
                (f32::NAN, f32::NAN)
            } else {
                measure_all(self, validation, size)?
            };
            let stats = EpochStats {
                epoch,
                train_loss: loss / seen.max(1.0),
                train_accuracy: accuracy / seen.max(1.0),
                validation_loss,
                validation_accuracy,
                learning_rate: self.learning_rate(),
            };
            let best = self.best_epoch().and_then(|b| self.history.get(b)).map(|b| b.validation_loss);
            if best.is_none_or(|b| validation_loss < b) || validation.is_empty() {
                self.best = Some(self.model.clone());
            }
            self.history.push(stats);
            stopped_early = self.patience_ran_out(config);
            on_epoch(&stats, self)?;
        }
        if let Some(best) = &self.best {
            self.model = best.clone();
        }
        Ok(FitReport { epochs: self.history.clone(), best_epoch: self.best_epoch(), stopped_early })
    }

    /// Epoch with the lowest validation loss so far (the last epoch when there is no validation).
    pub fn best_epoch(&self) -> Option<usize> {
        let with_loss = self.history.iter().filter(|e| !e.validation_loss.is_nan());
        match with_loss.min_by(|a, b| a.validation_loss.total_cmp(&b.validation_loss)) {
            Some(best) => Some(best.epoch),
            None => self.history.last().map(|e| e.epoch),
        }
    }

    /// The epochs trained so far.
    pub fn history(&self) -> &[EpochStats] {
        &self.history
    }

    fn patience_ran_out(&self, config: &FitConfig) -> bool {
        match (config.patience, self.best_epoch(), self.history.last()) {
            (Some(patience), Some(best), Some(last)) => last.epoch >= best + patience,
            _ => false,
        }
    }
}
