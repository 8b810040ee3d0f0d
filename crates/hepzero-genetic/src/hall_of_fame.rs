//! Hall of fame: every distinct individual (by canonical hash) whose fitness reached a threshold.
//!
//! For the background search the product of a run is the whole set of good backgrounds found, not
//! the single best one (seed 000), so individuals are kept on first sighting and never replaced by
//! later, equal copies.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::config::HallOfFameConfig;
use crate::hash::HashMapU64;

/// An individual with its fitness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored<G> {
    /// The genome.
    pub genome: G,
    /// Its fitness (higher is better).
    pub fitness: f64,
    /// Its canonical hash.
    pub hash: u64,
    /// Generation in which it was first seen with this fitness (0 = initial population); for
    /// population members, the generation it was created in.
    pub generation: u64,
}

/// Total order on fitness for the eviction set.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(f64, u64);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

#[derive(Debug)]
pub(crate) struct HallOfFame<G> {
    threshold: f64,
    max_size: Option<usize>,
    entries: HashMapU64<Scored<G>>,
    /// Ordered by (fitness, hash), only maintained when `max_size` is set.
    order: BTreeSet<Key>,
}

impl<G: Clone> HallOfFame<G> {
    pub(crate) fn new(config: &HallOfFameConfig) -> Self {
        Self {
            threshold: config.threshold,
            max_size: config.max_size,
            entries: HashMapU64::default(),
            order: BTreeSet::new(),
        }
    }

    #[inline]
    pub(crate) fn qualifies(&self, fitness: f64) -> bool {
        fitness >= self.threshold
    }

    /// Offer an individual; returns whether it entered.
    pub(crate) fn offer(&mut self, genome: &G, fitness: f64, hash: u64, generation: u64) -> bool {
        if !self.qualifies(fitness) || self.entries.contains_key(&hash) {
            return false;
        }
        if let Some(max) = self.max_size {
            if self.entries.len() >= max {
                let Some(&worst) = self.order.first() else {
                    return false;
                };
                if Key(fitness, hash) <= worst {
                    return false;
                }
                self.order.remove(&worst);
                self.entries.remove(&worst.1);
            }
            self.order.insert(Key(fitness, hash));
        }
        self.entries.insert(hash, Scored { genome: genome.clone(), fitness, hash, generation });
        true
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// All entries, best first (ties by hash, so the order is reproducible).
    pub(crate) fn into_sorted(self) -> Vec<Scored<G>> {
        let mut v: Vec<_> = self.entries.into_values().collect();
        v.sort_by(|a, b| b.fitness.total_cmp(&a.fitness).then(a.hash.cmp(&b.hash)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_distinct_individuals_above_threshold_and_evicts_the_worst() {
        let mut h = HallOfFame::new(&HallOfFameConfig { threshold: 1.0, max_size: Some(2) });
        assert!(!h.offer(&"low", 0.5, 1, 0));
        assert!(h.offer(&"a", 2.0, 2, 0));
        assert!(!h.offer(&"a again", 2.0, 2, 1), "same hash enters once");
        assert!(h.offer(&"b", 3.0, 3, 1));
        assert!(!h.offer(&"c", 1.5, 4, 2), "worse than the worst kept");
        assert!(h.offer(&"d", 5.0, 5, 2));
        let v = h.into_sorted();
        let names: Vec<_> = v.iter().map(|s| s.genome).collect();
        assert_eq!(names, ["d", "b"]);
        assert_eq!(v[0].generation, 2);
    }
}
