//! Parent selection: tournament, linear ranking (Baker 1985) and fitness-proportional (roulette).
//!
//! A [`Selector`] is prepared once per generation from the population's fitness (a copy kept in a
//! reusable buffer, which also makes tournaments cache-friendly) and then sampled concurrently by
//! the offspring tasks, each with its own random stream.

use rand::Rng;

use crate::config::Selection;
use crate::error::{Error, Result};
use crate::rng::GaRng;

#[derive(Debug, Default)]
pub(crate) struct Selector {
    kind: Option<Selection>,
    fitness: Vec<f64>,
    /// Rank: indices sorted worst to best. Roulette: indices with +inf fitness, if any.
    order: Vec<usize>,
    /// Cumulative selection weights (rank: by rank; roulette: by index).
    cumulative: Vec<f64>,
}

impl Selector {
    /// Prepare for sampling from a population whose fitness is `fitness(i)`, i < n.
    pub(crate) fn prepare(
        &mut self,
        selection: Selection,
        n: usize,
        fitness: impl Fn(usize) -> f64,
        generation: u64,
    ) -> Result<()> {
        self.kind = Some(selection);
        self.fitness.clear();
        self.fitness.extend((0..n).map(fitness));
        self.order.clear();
        self.cumulative.clear();
        match selection {
            Selection::Tournament { .. } => {}
            Selection::Rank { pressure } => {
                self.order.extend(0..n);
                let f = &self.fitness;
                self.order.sort_unstable_by(|&a, &b| f[a].total_cmp(&f[b]).then(a.cmp(&b)));
                let nf = n as f64;
                let mut acc = 0.0;
                for r in 0..n {
                    let w = if n == 1 {
                        1.0
                    } else {
                        (2.0 - pressure) / nf + 2.0 * r as f64 * (pressure - 1.0) / (nf * (nf - 1.0))
                    };
                    acc += w;
                    self.cumulative.push(acc);
                }
            }
            Selection::FitnessProportional => {
                let mut acc = 0.0;
                for (i, &f) in self.fitness.iter().enumerate() {
                    if f == f64::INFINITY {
                        self.order.push(i);
                    } else if f < 0.0 && f.is_finite() {
                        return Err(Error::NegativeFitness { generation, value: f });
                    }
                    if f.is_finite() {
                        acc += f;
                    }
                    self.cumulative.push(acc);
                }
            }
        }
        Ok(())
    }

    /// One parent index.
    #[inline]
    pub(crate) fn pick(&self, rng: &mut GaRng) -> usize {
        let n = self.fitness.len();
        match self.kind {
            Some(Selection::Tournament { size }) => {
                let mut best = rng.random_range(0..n);
                let mut best_f = self.fitness[best];
                for _ in 1..size {
                    let c = rng.random_range(0..n);
                    let f = self.fitness[c];
                    if f > best_f {
                        best = c;
                        best_f = f;
                    }
                }
                best
            }
            Some(Selection::Rank { .. }) => {
                let total = self.cumulative.last().copied().unwrap_or(0.0);
                let u = rng.random::<f64>() * total;
                let r = self.cumulative.partition_point(|&c| c <= u).min(n - 1);
                self.order[r]
            }
            Some(Selection::FitnessProportional) => {
                if !self.order.is_empty() {
                    return self.order[rng.random_range(0..self.order.len())];
                }
                let total = self.cumulative.last().copied().unwrap_or(0.0);
                if total <= 0.0 {
                    return rng.random_range(0..n);
                }
                let u = rng.random::<f64>() * total;
                self.cumulative.partition_point(|&c| c <= u).min(n - 1)
            }
            None => rng.random_range(0..n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn frequencies(sel: Selection, fitness: &[f64], draws: usize) -> Vec<f64> {
        let mut s = Selector::default();
        s.prepare(sel, fitness.len(), |i| fitness[i], 0).unwrap();
        let mut rng = GaRng::seed_from_u64(7);
        let mut counts = vec![0usize; fitness.len()];
        for _ in 0..draws {
            counts[s.pick(&mut rng)] += 1;
        }
        counts.iter().map(|&c| c as f64 / draws as f64).collect()
    }

    #[test]
    fn tournament_probabilities_match_the_order_statistics_formula() {
        // With replacement, P(rank r of N wins a size-k tournament) = ((r+1)^k - r^k) / N^k
        // (r = 0 worst), for distinct fitness values.
        let fitness = [3.0, 0.0, 2.0, 1.0];
        let p = frequencies(Selection::Tournament { size: 3 }, &fitness, 400_000);
        for (i, &f) in fitness.iter().enumerate() {
            let r = f; // fitness equals rank here
            let expect = ((r + 1.0).powi(3) - r.powi(3)) / 64.0;
            assert!((p[i] - expect).abs() < 0.005, "index {i}: {} vs {expect}", p[i]);
        }
    }

    #[test]
    fn linear_ranking_gives_pressure_over_n_to_the_best() {
        let fitness = [10.0, -5.0, 7.0, 0.5, 3.0];
        let p = frequencies(Selection::Rank { pressure: 1.8 }, &fitness, 400_000);
        assert!((p[0] - 1.8 / 5.0).abs() < 0.005, "best {}", p[0]);
        assert!((p[1] - 0.2 / 5.0).abs() < 0.005, "worst {}", p[1]);
    }

    #[test]
    fn roulette_is_proportional_and_rejects_negative_fitness() {
        let fitness = [1.0, 3.0, 0.0, f64::NEG_INFINITY, 4.0];
        let p = frequencies(Selection::FitnessProportional, &fitness, 400_000);
        for (i, expect) in [0.125, 0.375, 0.0, 0.0, 0.5].into_iter().enumerate() {
            assert!((p[i] - expect).abs() < 0.005, "index {i}: {} vs {expect}", p[i]);
        }
        let mut s = Selector::default();
        let err = s.prepare(Selection::FitnessProportional, 2, |i| [1.0, -2.0][i], 4).unwrap_err();
        assert!(matches!(err, Error::NegativeFitness { generation: 4, value } if value == -2.0));
    }
}
