//! A fixed-size bit set over the action space (the "valid next token" mask of a grammar).
//!
//! Vocabularies here are a few hundred tokens, so a mask is a handful of `u64` words: cheap to clear,
//! to copy and to iterate in increasing action order (which keeps the search deterministic).

use serde::{Deserialize, Serialize};

/// Set of legal actions, each action an index `0..len`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActionMask {
    words: Vec<u64>,
    len: usize,
}

impl ActionMask {
    /// An empty mask over `len` actions.
    pub fn new(len: usize) -> Self {
        Self { words: vec![0; len.div_ceil(64)], len }
    }

    /// A mask over `len` actions with every action set.
    pub fn full(len: usize) -> Self {
        let mut m = Self::new(len);
        m.set_all();
        m
    }

    /// Size of the action space.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the action space has size zero.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Resize to `len` actions and clear every bit, keeping the allocation.
    pub fn reset(&mut self, len: usize) {
        self.len = len;
        self.words.clear();
        self.words.resize(len.div_ceil(64), 0);
    }

    /// Clear every bit.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    /// Set every action.
    pub fn set_all(&mut self) {
        self.words.iter_mut().for_each(|w| *w = u64::MAX);
        let rem = self.len % 64;
        if rem != 0
            && let Some(last) = self.words.last_mut()
        {
            *last = (1u64 << rem) - 1;
        }
    }

    /// Mark `action` legal. Returns false (and changes nothing) when it is out of range.
    pub fn set(&mut self, action: u32) -> bool {
        let a = action as usize;
        if a >= self.len {
            return false;
        }
        self.words[a / 64] |= 1u64 << (a % 64);
        true
    }

    /// Mark `action` illegal.
    pub fn unset(&mut self, action: u32) {
        let a = action as usize;
        if a < self.len {
            self.words[a / 64] &= !(1u64 << (a % 64));
        }
    }

    /// Whether `action` is legal.
    pub fn contains(&self, action: u32) -> bool {
        let a = action as usize;
        a < self.len && (self.words[a / 64] >> (a % 64)) & 1 == 1
    }

    /// Number of legal actions.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The `n`-th legal action in increasing order, if there are more than `n`.
    pub fn nth(&self, mut n: usize) -> Option<u32> {
        for (i, &w) in self.words.iter().enumerate() {
            let c = w.count_ones() as usize;
            if n < c {
                let mut w = w;
                for _ in 0..n {
                    w &= w - 1;
                }
                return Some((i * 64) as u32 + w.trailing_zeros());
            }
            n -= c;
        }
        None
    }

    /// Legal actions in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    None
                } else {
                    let b = w.trailing_zeros();
                    w &= w - 1;
                    Some((i * 64) as u32 + b)
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_mask_has_exactly_len_actions() {
        for len in [0usize, 1, 63, 64, 65, 300] {
            let m = ActionMask::full(len);
            assert_eq!(m.count(), len);
            assert_eq!(m.iter().count(), len);
            assert!(!m.contains(len as u32));
        }
    }

    proptest! {
        #[test]
        fn iter_nth_and_contains_agree(len in 1usize..400, bits in proptest::collection::vec(0u32..400, 0..50)) {
            let mut m = ActionMask::new(len);
            let mut expect: Vec<u32> = bits.iter().copied().filter(|&b| (b as usize) < len).collect();
            for &b in &bits { m.set(b); }
            expect.sort_unstable();
            expect.dedup();
            let got: Vec<u32> = m.iter().collect();
            prop_assert_eq!(&got, &expect);
            prop_assert_eq!(m.count(), expect.len());
            for (i, &a) in expect.iter().enumerate() {
                prop_assert_eq!(m.nth(i), Some(a));
                prop_assert!(m.contains(a));
            }
            prop_assert_eq!(m.nth(expect.len()), None);
        }
    }
}
