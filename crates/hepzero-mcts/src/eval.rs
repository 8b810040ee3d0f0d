//! Leaf evaluators: a policy prior over the action space and a value, for a batch of states at once.
//!
//! AlphaZero (Silver et al., Science 362 (2018) 1140) evaluates each new leaf with a network
//! `(p, v) = f(s)`. Networks are fast only on batches, so the interface takes many states per call;
//! the search fills the batch with virtual loss (see `search.rs`).
//!
//! Conventions: `priors` is a row of `num_actions` non-negative weights per state (the search keeps
//! the legal ones and renormalises, so logits must be soft-maxed first and illegal entries may hold
//! anything); `values` is one number per state in the normalised value space `[0, 1]` of
//! [`crate::Normalisation`] (0 = worst terminal seen so far, 1 = best).

use crate::error::{Error, Result};

/// Output buffer of one evaluator call, reused between calls.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Size of the action space of every prior row.
    pub num_actions: usize,
    /// `batch * num_actions` prior weights, row-major. Ignored when `uniform_priors` is set.
    pub priors: Vec<f32>,
    /// One value per state in `[0, 1]`.
    pub values: Vec<f32>,
    /// Set by an evaluator whose prior is uniform over the legal actions: `priors` is then not read,
    /// which saves writing `batch * num_actions` numbers.
    pub uniform_priors: bool,
}

impl Evaluation {
    /// Size the buffers for `batch` states, zero-filled, `uniform_priors` cleared.
    pub fn reset(&mut self, batch: usize, num_actions: usize) {
        self.num_actions = num_actions;
        self.uniform_priors = false;
        self.priors.clear();
        self.priors.resize(batch * num_actions, 0.0);
        self.values.clear();
        self.values.resize(batch, 0.0);
    }

    /// Prior row of state `i` (empty if out of range or uniform).
    pub fn prior_row(&self, i: usize) -> &[f32] {
        if self.uniform_priors {
            return &[];
        }
        let n = self.num_actions;
        self.priors.get(i * n..(i + 1) * n).unwrap_or(&[])
    }
}

/// Evaluates a batch of states. `out` arrives `reset` to `states.len()` rows.
pub trait Evaluator<S>: Sync {
    /// Fill `out.priors` (or set `out.uniform_priors`) and `out.values` for `states`.
    fn evaluate(&self, states: &[S], out: &mut Evaluation) -> Result<()>;
}

/// Uniform prior, value 0: pure search (with rollouts, classic MCTS).
#[derive(Clone, Copy, Debug, Default)]
pub struct UniformEvaluator;

impl<S> Evaluator<S> for UniformEvaluator {
    fn evaluate(&self, _states: &[S], out: &mut Evaluation) -> Result<()> {
        out.uniform_priors = true;
        out.values.iter_mut().for_each(|v| *v = 0.0);
        Ok(())
    }
}

/// Wraps any `Fn(&[State]) -> (priors, values)`, e.g. a transformer forward pass.
///
/// `priors` must have `states.len() * num_actions` entries (row-major) and `values` `states.len()`.
pub struct FnEvaluator<F> {
    f: F,
}

impl<F> FnEvaluator<F> {
    /// Wrap `f`.
    pub fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F> Evaluator<S> for FnEvaluator<F>
where
    F: Fn(&[S]) -> (Vec<f32>, Vec<f32>) + Sync,
{
    fn evaluate(&self, states: &[S], out: &mut Evaluation) -> Result<()> {
        let (priors, values) = (self.f)(states);
        let batch = states.len();
        let expected = batch * out.num_actions;
        if priors.len() != expected {
            return Err(Error::EvaluatorShape {
                what: "priors",
                got: priors.len(),
                expected,
                batch,
                num_actions: out.num_actions,
            });
        }
        if values.len() != batch {
            return Err(Error::EvaluatorShape {
                what: "values",
                got: values.len(),
                expected: batch,
                batch,
                num_actions: out.num_actions,
            });
        }
        out.priors = priors;
        out.values = values;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fn_evaluator_checks_shapes() {
        let good = FnEvaluator::new(|s: &[u8]| (vec![1.0; s.len() * 3], vec![0.5; s.len()]));
        let mut out = Evaluation::default();
        out.reset(2, 3);
        good.evaluate(&[1u8, 2], &mut out).unwrap();
        assert_eq!(out.prior_row(1), &[1.0, 1.0, 1.0]);
        let bad = FnEvaluator::new(|s: &[u8]| (vec![1.0; s.len() * 2], vec![0.5; s.len()]));
        out.reset(2, 3);
        assert!(matches!(
            bad.evaluate(&[1u8, 2], &mut out),
            Err(Error::EvaluatorShape { what: "priors", got: 4, expected: 6, .. })
        ));
    }
}
