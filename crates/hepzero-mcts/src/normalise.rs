//! Value normalisation for single-player terminal rewards spanning many orders of magnitude.
//!
//! PUCT adds a mean value `Q` in `[0, 1]` to an exploration term, so raw rewards from `1e-9` to `10`
//! must be mapped to a common scale. Two documented choices, selected by [`Normalisation`]:
//!
//! - **Log-reward with running min-max** ([`Normalisation::LogMinMax`]): the tree backs up
//!   `ln(max(r, floor))`, and `Q` is mapped to `[0, 1]` at selection time with the smallest and
//!   largest log-reward seen so far by this search, as MuZero does with its tree values
//!   (Schrittwieser et al., Nature 588 (2020) 604, appendix B). Because the tree stores raw
//!   log-rewards, widening the bounds never leaves stale values behind. Ten orders of magnitude
//!   become a linear scale, so "one more correct token" is a constant step.
//! - **Ranked reward** ([`Normalisation::Ranked`], R2: Laterre et al., arXiv:1807.01672): each
//!   terminal reward is compared with the `alpha`-quantile of the last `window` terminal rewards this
//!   search has seen and scored 1 (above), 0 (below) or 1/2 (equal; R2 draws +-1 at random, we take the
//!   mean to stay deterministic). The scale is relative: the search is always pushed to beat its own
//!   recent results, whatever their absolute size.
//!
//! Network values are in the normalised space `[0, 1]`; [`ValueNormaliser::from_unit`] maps them back to
//! the space the tree stores.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How terminal rewards become values in `[0, 1]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Normalisation {
    /// `ln(max(reward, floor))`, min-max scaled with the bounds seen so far.
    LogMinMax {
        /// Rewards below this (including 0) count as this; must be > 0.
        floor: f64,
    },
    /// Ranked reward (R2) against the `alpha`-quantile of the last `window` terminal rewards.
    Ranked {
        /// Quantile in `(0, 1)`, e.g. 0.75.
        alpha: f64,
        /// Number of recent rewards kept.
        window: usize,
    },
}

impl Default for Normalisation {
    fn default() -> Self {
        Normalisation::LogMinMax { floor: 1e-12 }
    }
}

/// Running state of a [`Normalisation`]: one per search, so searches stay independent.
#[derive(Clone, Debug)]
pub struct ValueNormaliser {
    kind: Normalisation,
    lo: f64,
    hi: f64,
    recent: VecDeque<f64>,
    sorted: Vec<f64>,
}

impl ValueNormaliser {
    /// A normaliser that has seen nothing.
    pub fn new(kind: Normalisation) -> Self {
        Self { kind, lo: f64::INFINITY, hi: f64::NEG_INFINITY, recent: VecDeque::new(), sorted: Vec::new() }
    }

    /// The configuration.
    pub fn kind(&self) -> &Normalisation {
        &self.kind
    }

    /// Record a terminal reward and return the value the tree backs up for it.
    pub fn observe(&mut self, reward: f64) -> f64 {
        match self.kind {
            Normalisation::LogMinMax { floor } => {
                let x = log_reward(reward, floor);
                self.lo = self.lo.min(x);
                self.hi = self.hi.max(x);
                x
            }
            Normalisation::Ranked { window, .. } => {
                let r = if reward.is_nan() { 0.0 } else { reward };
                let v = self.rank(r);
                if window > 0 {
                    if self.recent.len() == window
                        && let Some(old) = self.recent.pop_front()
                    {
                        let i = self.sorted.partition_point(|&x| x < old);
                        if i < self.sorted.len() {
                            self.sorted.remove(i);
                        }
                    }
                    self.recent.push_back(r);
                    let i = self.sorted.partition_point(|&x| x < r);
                    self.sorted.insert(i, r);
                }
                v
            }
        }
    }

    /// The value `observe` would return for `reward`, without recording it.
    pub fn backup_value(&self, reward: f64) -> f64 {
        match self.kind {
            Normalisation::LogMinMax { floor } => log_reward(reward, floor),
            Normalisation::Ranked { .. } => self.rank(if reward.is_nan() { 0.0 } else { reward }),
        }
    }

    fn rank(&self, r: f64) -> f64 {
        let Normalisation::Ranked { alpha, .. } = self.kind else {
            return 0.5;
        };
        let n = self.sorted.len();
        if n == 0 {
            return 0.5;
        }
        // Nearest-rank quantile: the smallest buffered reward with at least alpha*n rewards <= it.
        let k = ((alpha * n as f64).ceil() as usize).clamp(1, n) - 1;
        let threshold = self.sorted[k];
        if r > threshold {
            1.0
        } else if r < threshold {
            0.0
        } else {
            0.5
        }
    }

    /// Map a backed-up tree value to `[0, 1]` (0.5 while the bounds are still a single point).
    #[inline]
    pub fn to_unit(&self, x: f64) -> f32 {
        match self.kind {
            Normalisation::LogMinMax { .. } => {
                if self.hi > self.lo {
                    (((x - self.lo) / (self.hi - self.lo)) as f32).clamp(0.0, 1.0)
                } else {
                    0.5
                }
            }
            Normalisation::Ranked { .. } => x as f32,
        }
    }

    /// Map a network value in `[0, 1]` to the tree's value space. Before any terminal reward has been
    /// seen the log bounds are unknown and the value is stored as is.
    pub fn from_unit(&self, v: f32) -> f64 {
        let v = f64::from(v.clamp(0.0, 1.0));
        match self.kind {
            Normalisation::LogMinMax { .. } => {
                if self.hi >= self.lo {
                    self.lo + v * (self.hi - self.lo)
                } else {
                    v
                }
            }
            Normalisation::Ranked { .. } => v,
        }
    }

    /// Current log-reward bounds `(lo, hi)` (LogMinMax only; `None` before the first reward).
    pub fn bounds(&self) -> Option<(f64, f64)> {
        (self.hi >= self.lo).then_some((self.lo, self.hi))
    }
}

fn log_reward(reward: f64, floor: f64) -> f64 {
    let r = if reward.is_nan() { floor } else { reward.max(floor) };
    r.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_min_max_is_linear_in_decades() {
        let mut n = ValueNormaliser::new(Normalisation::LogMinMax { floor: 1e-12 });
        n.observe(1e-9);
        n.observe(10.0);
        // ten decades: 1e-4 is exactly half-way between 1e-9 and 1e1.
        let x = n.backup_value(1e-4);
        assert!((n.to_unit(x) - 0.5).abs() < 1e-6);
        assert!((n.to_unit(n.backup_value(1e-8)) - 0.1).abs() < 1e-6);
        // zero reward is the floor, below the running minimum: clamped to 0.
        assert_eq!(n.to_unit(n.backup_value(0.0)), 0.0);
        assert!((n.from_unit(0.5) - (1e-4f64).ln()).abs() < 1e-9);
    }

    #[test]
    fn ranked_reward_uses_the_alpha_quantile_of_the_window() {
        let mut n = ValueNormaliser::new(Normalisation::Ranked { alpha: 0.75, window: 4 });
        assert_eq!(n.observe(1.0), 0.5); // empty buffer
        for r in [2.0, 3.0, 4.0] {
            n.observe(r);
        }
        // buffer {1,2,3,4}: nearest-rank 75% quantile = 3.
        assert_eq!(n.backup_value(3.5), 1.0);
        assert_eq!(n.backup_value(3.0), 0.5);
        assert_eq!(n.backup_value(2.5), 0.0);
        // window slides: 1 drops out, buffer {2,3,4,10}: quantile = 4.
        n.observe(10.0);
        assert_eq!(n.backup_value(3.5), 0.0);
        assert_eq!(n.backup_value(4.0), 0.5);
    }
}
