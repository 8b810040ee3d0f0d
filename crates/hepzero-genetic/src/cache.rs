//! Fitness cache keyed by canonical hash. A search over a discrete space (token sequences) meets the
//! same individual many times; with an expensive fitness (the physics reward) each repeat is saved.

use crate::config::CacheConfig;
use crate::hash::HashMapU64;

#[derive(Debug, Default)]
pub(crate) struct FitnessCache {
    map: HashMapU64<f64>,
    max_entries: Option<usize>,
}

impl FitnessCache {
    pub(crate) fn new(config: &CacheConfig) -> Self {
        Self { map: HashMapU64::default(), max_entries: config.max_entries }
    }

    #[inline]
    pub(crate) fn get(&self, hash: u64) -> Option<f64> {
        self.map.get(&hash).copied()
    }

    #[inline]
    pub(crate) fn insert(&mut self, hash: u64, fitness: f64) {
        // Emptying (rather than evicting by age) needs no bookkeeping and is deterministic.
        if self.max_entries.is_some_and(|max| self.map.len() >= max) {
            self.map.clear();
        }
        self.map.insert(hash, fitness);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_cache_empties_when_full() {
        let mut c = FitnessCache::new(&CacheConfig { enabled: true, max_entries: Some(2) });
        c.insert(1, 1.0);
        c.insert(2, 2.0);
        assert_eq!(c.get(1), Some(1.0));
        c.insert(3, 3.0);
        assert_eq!(c.len(), 1);
        assert_eq!(c.get(1), None);
        assert_eq!(c.get(3), Some(3.0));
    }
}
