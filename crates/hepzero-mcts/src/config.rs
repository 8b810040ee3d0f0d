//! Search configuration (serde, so a runcard can carry it).

use crate::error::{Error, Result};
use crate::normalise::Normalisation;
use serde::{Deserialize, Serialize};

/// Value given to an edge that has never been visited ("first-play urgency").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Fpu {
    /// A constant in `[0, 1]`; 1 makes every child be tried once before any is revisited (UCT-like).
    Constant(f32),
    /// The parent's normalised mean value minus a reduction (Leela Chess Zero's "FPU reduction").
    ParentMinus(f32),
}

/// PUCT search parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchConfig {
    /// Exploration constant of PUCT, `U = c_puct * P * sqrt(N) / (1 + n)`.
    pub c_puct: f32,
    /// Value of unvisited edges.
    pub fpu: Fpu,
    /// Dirichlet concentration of the root noise (AlphaZero: 0.3 chess, 0.03 Go; ~10 / legal moves).
    pub dirichlet_alpha: f64,
    /// Weight of the root noise; 0 switches it off (pure evaluation searches).
    pub dirichlet_epsilon: f64,
    /// Most leaves one search sends to one evaluator call.
    pub batch_size: usize,
    /// Virtual visits (each worth value 0) added per in-flight simulation on every edge of its path.
    pub virtual_loss: u32,
    /// Random playouts from each new leaf; their mean terminal value is mixed into the leaf value.
    pub rollouts: u32,
    /// Weight of the rollout value against the evaluator value (AlphaGo's lambda); 1 = rollouts only.
    pub rollout_weight: f64,
    /// How terminal rewards are mapped to values.
    pub normalisation: Normalisation,
    /// Merge states with equal `Environment::transposition_key`.
    pub transpositions: bool,
    /// Keep every distinct terminal state reached (in the tree or in a rollout) with its reward.
    pub record_terminals: bool,
    /// Longest action path from the root before the search reports `Error::TooDeep`.
    pub max_depth: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            c_puct: 1.25,
            fpu: Fpu::Constant(1.0),
            dirichlet_alpha: 0.3,
            dirichlet_epsilon: 0.25,
            batch_size: 256,
            virtual_loss: 1,
            rollouts: 1,
            rollout_weight: 1.0,
            normalisation: Normalisation::default(),
            transpositions: true,
            record_terminals: false,
            max_depth: 4096,
        }
    }
}

fn bad(field: &'static str, value: impl ToString, reason: &'static str) -> Error {
    Error::Config { field, value: value.to_string(), reason }
}

impl SearchConfig {
    /// Check every field's range.
    pub fn validate(&self) -> Result<()> {
        if !(self.c_puct.is_finite() && self.c_puct >= 0.0) {
            return Err(bad("c_puct", self.c_puct, "must be finite and >= 0"));
        }
        match self.fpu {
            Fpu::Constant(v) | Fpu::ParentMinus(v) if !v.is_finite() => {
                return Err(bad("fpu", v, "must be finite"));
            }
            _ => {}
        }
        if !(self.dirichlet_alpha.is_finite() && self.dirichlet_alpha > 0.0) {
            return Err(bad("dirichlet_alpha", self.dirichlet_alpha, "must be > 0"));
        }
        if !(0.0..=1.0).contains(&self.dirichlet_epsilon) {
            return Err(bad("dirichlet_epsilon", self.dirichlet_epsilon, "must be in [0, 1]"));
        }
        if self.batch_size == 0 {
            return Err(bad("batch_size", self.batch_size, "must be >= 1"));
        }
        if !(0.0..=1.0).contains(&self.rollout_weight) {
            return Err(bad("rollout_weight", self.rollout_weight, "must be in [0, 1]"));
        }
        if self.max_depth == 0 {
            return Err(bad("max_depth", self.max_depth, "must be >= 1"));
        }
        match self.normalisation {
            Normalisation::LogMinMax { floor } if !(floor.is_finite() && floor > 0.0) => {
                Err(bad("normalisation.floor", floor, "must be finite and > 0"))
            }
            Normalisation::Ranked { alpha, window } if !(alpha > 0.0 && alpha < 1.0) || window == 0 => {
                Err(bad(
                    "normalisation.alpha/window",
                    format!("{alpha}/{window}"),
                    "alpha must be in (0, 1) and window >= 1",
                ))
            }
            _ => Ok(()),
        }
    }
}
