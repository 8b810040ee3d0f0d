//! Several searches sharing one evaluator call per round, with rayon across searches.
//!
//! Each round every unfinished search selects up to `batch_size` leaves (in parallel), the leaves of
//! all searches are concatenated into one batch for a single evaluator call, and each search then
//! expands and backs up its own slice (in parallel). A search's work depends only on its own tree and
//! random stream, so the result is the same for any number of threads.

use crate::env::Environment;
use crate::error::Result;
use crate::eval::{Evaluation, Evaluator};
use crate::search::Search;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How full the shared evaluator batches were.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchStats {
    /// Evaluator calls made.
    pub calls: u64,
    /// Leaves evaluated in total.
    pub leaves: u64,
    /// Largest batch sent.
    pub max_batch: usize,
    /// Calls whose batch had at least `full_threshold` leaves.
    pub full_calls: u64,
    /// The size counted as "full" (the sum of the searches' `batch_size`).
    pub full_threshold: usize,
}

impl BatchStats {
    /// Mean leaves per call.
    pub fn mean_batch(&self) -> f64 {
        if self.calls == 0 { 0.0 } else { self.leaves as f64 / self.calls as f64 }
    }
}

/// Reusable buffers for shared evaluator calls.
pub struct BatchRunner<S> {
    states: Vec<S>,
    eval: Evaluation,
    offsets: Vec<usize>,
    /// Statistics accumulated over every `run` of this runner.
    pub stats: BatchStats,
}

impl<S> Default for BatchRunner<S> {
    fn default() -> Self {
        Self {
            states: Vec::new(),
            eval: Evaluation::default(),
            offsets: Vec::new(),
            stats: BatchStats::default(),
        }
    }
}

impl<S: Clone + Send + Sync> BatchRunner<S> {
    /// An empty runner.
    pub fn new() -> Self {
        Self::default()
    }

    /// Run `simulations` more simulations in every search, sharing one evaluator call per round.
    pub fn run<'e, E, V>(
        &mut self,
        searches: &mut [Search<'e, E>],
        evaluator: &V,
        simulations: u64,
    ) -> Result<()>
    where
        E: Environment<State = S>,
        V: Evaluator<S> + ?Sized,
    {
        let Some(num_actions) = searches.first().map(|s| s.num_actions()) else {
            return Ok(());
        };
        let targets: Vec<u64> = searches.iter().map(|s| s.stats().simulations + simulations).collect();
        self.stats.full_threshold = searches.iter().map(|s| s.config().batch_size).sum();
        loop {
            let counts: Vec<usize> = searches
                .par_iter_mut()
                .zip(targets.par_iter())
                .map(|(s, &t)| {
                    let done = s.stats().simulations;
                    if done >= t || s.root_is_terminal() {
                        Ok(0)
                    } else {
                        s.collect(s.config().batch_size, t - done)
                    }
                })
                .collect::<Result<Vec<usize>>>()?;
            let total: usize = counts.iter().sum();
            let unfinished = searches
                .iter()
                .zip(&targets)
                .any(|(s, &t)| s.stats().simulations < t && !s.root_is_terminal());
            if total == 0 {
                if unfinished {
                    // Only terminal visits this round (already counted); go on.
                    continue;
                }
                return Ok(());
            }
            self.offsets.clear();
            let mut n = 0;
            for (s, &c) in searches.iter().zip(&counts) {
                self.offsets.push(n);
                for (j, st) in s.leaf_states().iter().enumerate() {
                    let k = n + j;
                    if k < self.states.len() {
                        self.states[k].clone_from(st);
                    } else {
                        self.states.push(st.clone());
                    }
                }
                n += c;
            }
            self.eval.reset(n, num_actions);
            if let Err(e) = evaluator.evaluate(&self.states[..n], &mut self.eval) {
                searches.iter_mut().for_each(|s| s.discard_pending());
                return Err(e);
            }
            self.stats.calls += 1;
            self.stats.leaves += n as u64;
            self.stats.max_batch = self.stats.max_batch.max(n);
            if n >= self.stats.full_threshold {
                self.stats.full_calls += 1;
            }
            let eval = &self.eval;
            searches
                .par_iter_mut()
                .zip(self.offsets.par_iter())
                .try_for_each(|(s, &off)| s.apply_evaluation(eval, off))?;
        }
    }
}
