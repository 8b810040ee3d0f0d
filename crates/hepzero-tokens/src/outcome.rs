//! What a (partial) background tree can still produce, as a set over a tiny lattice.
//!
//! An *outcome* is a pair (how many of each signal final-state slot are filled, how many particles
//! are missing). With the signal's distinct slot particles s_1..s_m of multiplicity c_i and at most
//! k missing, outcomes are mixed-radix integers below (c_1+1)...(c_m+1)(k+1), which we cap at 256,
//! so a set of outcomes is four machine words. The grammar's feasibility test ("can this prefix still
//! be completed?") is then a few word operations: the sum of two outcomes is the sum of their
//! indices whenever no digit overflows, and `ge`/`room` masks precomputed per outcome make both the
//! Minkowski sum and the difference of sets shifts and ANDs.

use crate::error::{Error, Result};
use crate::vocab::ParticleId;

/// A set of outcomes (bit i = outcome with index i).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct OSet(pub(crate) [u64; 4]);

impl OSet {
    pub(crate) const EMPTY: OSet = OSet([0; 4]);

    pub(crate) fn single(i: usize) -> OSet {
        let mut s = OSet::EMPTY;
        s.insert(i);
        s
    }
    pub(crate) fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    pub(crate) fn intersects(&self, o: &OSet) -> bool {
        (self.0[0] & o.0[0]) | (self.0[1] & o.0[1]) | (self.0[2] & o.0[2]) | (self.0[3] & o.0[3]) != 0
    }
    pub(crate) fn and(&self, o: &OSet) -> OSet {
        OSet([self.0[0] & o.0[0], self.0[1] & o.0[1], self.0[2] & o.0[2], self.0[3] & o.0[3]])
    }
    pub(crate) fn or_assign(&mut self, o: &OSet) {
        for (a, b) in self.0.iter_mut().zip(o.0.iter()) {
            *a |= *b;
        }
    }
    pub(crate) fn shl(&self, n: usize) -> OSet {
        let (ws, bs) = (n / 64, n % 64);
        let mut r = [0u64; 4];
        for i in (0..4).rev() {
            if i < ws {
                break;
            }
            let lo = self.0[i - ws];
            let carry = if bs > 0 && i > ws { self.0[i - ws - 1] >> (64 - bs) } else { 0 };
            r[i] = (lo << bs) | carry;
        }
        OSet(r)
    }
    pub(crate) fn shr(&self, n: usize) -> OSet {
        let (ws, bs) = (n / 64, n % 64);
        let mut r = [0u64; 4];
        for (i, slot) in r.iter_mut().enumerate() {
            if i + ws >= 4 {
                break;
            }
            let hi = self.0[i + ws];
            let carry = if bs > 0 && i + ws + 1 < 4 { self.0[i + ws + 1] << (64 - bs) } else { 0 };
            *slot = (hi >> bs) | carry;
        }
        OSet(r)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..256).filter(move |i| self.contains(*i))
    }
}

/// The outcome lattice of one signal.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    /// Distinct slot particles and their multiplicities, sorted by particle id.
    pub(crate) slots: Vec<(ParticleId, usize)>,
    pub(crate) strides: Vec<usize>,
    pub(crate) miss_stride: usize,
    pub(crate) max_missing: usize,
    pub(crate) size: usize,
    /// ge[a] = { n : n >= a digit by digit }.
    ge: Vec<OSet>,
    /// room[a] = { b : a + b stays in the lattice }.
    room: Vec<OSet>,
    pub(crate) target: OSet,
}

impl Space {
    pub(crate) fn new(slots: Vec<(ParticleId, usize)>, max_missing: usize) -> Result<Space> {
        let mut strides = Vec::with_capacity(slots.len());
        let mut size = 1usize;
        for (_, c) in &slots {
            strides.push(size);
            size = size.saturating_mul(c + 1);
        }
        let miss_stride = size;
        size = size.saturating_mul(max_missing + 1);
        if size > 256 {
            return Err(Error::Config(format!(
                "signal with {} final-state particles and up to {max_missing} missing needs {size} outcome states; at most 256 are supported",
                slots.iter().map(|s| s.1).sum::<usize>()
            )));
        }
        let radix: Vec<usize> =
            slots.iter().map(|s| s.1 + 1).chain(std::iter::once(max_missing + 1)).collect();
        let all_strides: Vec<usize> = strides.iter().copied().chain(std::iter::once(miss_stride)).collect();
        let digits =
            |i: usize| -> Vec<usize> { radix.iter().zip(&all_strides).map(|(r, s)| (i / s) % r).collect() };
        let mut ge = vec![OSet::EMPTY; size];
        let mut room = vec![OSet::EMPTY; size];
        for a in 0..size {
            let da = digits(a);
            for b in 0..size {
                let db = digits(b);
                if db.iter().zip(&da).all(|(x, y)| x >= y)
                    && let Some(s) = ge.get_mut(a)
                {
                    s.insert(b);
                }
                if da.iter().zip(&db).zip(&radix).all(|((x, y), r)| x + y < *r)
                    && let Some(s) = room.get_mut(a)
                {
                    s.insert(b);
                }
            }
        }
        let full: usize = slots.iter().zip(&strides).map(|((_, c), s)| c * s).sum();
        let mut target = OSet::EMPTY;
        for m in 0..=max_missing {
            target.insert(full + m * miss_stride);
        }
        Ok(Space { slots, strides, miss_stride, max_missing, size, ge, room, target })
    }

    /// The outcome "one particle fills slot particle `p`", if `p` is a slot.
    pub(crate) fn slot_point(&self, p: ParticleId) -> Option<usize> {
        let j = self.slots.iter().position(|s| s.0 == p)?;
        self.strides.get(j).copied()
    }
    /// The outcome "one particle missing", if any may be missing.
    pub(crate) fn miss_point(&self) -> Option<usize> {
        (self.max_missing > 0).then_some(self.miss_stride)
    }
    /// Minkowski sum, truncated to the lattice.
    pub(crate) fn sum(&self, a: &OSet, b: &OSet) -> OSet {
        let mut r = OSet::EMPTY;
        for i in a.iter().take_while(|i| *i < self.size) {
            if let Some(room) = self.room.get(i) {
                r.or_assign(&b.and(room).shl(i));
            }
        }
        r
    }
    /// { x - p : x in a, x >= p }.
    pub(crate) fn minus_point(&self, a: &OSet, p: usize) -> OSet {
        match self.ge.get(p) {
            Some(g) => a.and(g).shr(p),
            None => OSet::EMPTY,
        }
    }
    /// { x - r : x in a, r in b, x >= r }.
    pub(crate) fn minus_set(&self, a: &OSet, b: &OSet) -> OSet {
        let mut r = OSet::EMPTY;
        for i in b.iter().take_while(|i| *i < self.size) {
            r.or_assign(&self.minus_point(a, i));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_cross_words() {
        let s = OSet::single(63);
        assert!(s.shl(1).contains(64));
        assert!(s.shl(130).contains(193));
        assert!(OSet::single(200).shr(137).contains(63));
        assert!(OSet::single(5).shr(6).is_empty());
    }

    #[test]
    fn sums_respect_digits() {
        // Slots: A x2, B x1; up to 1 missing. Radices 3, 2, 2.
        let sp = Space::new(vec![(ParticleId(0), 2), (ParticleId(1), 1)], 1).unwrap();
        assert_eq!(sp.size, 12);
        let a = sp.slot_point(ParticleId(0)).unwrap();
        let b = sp.slot_point(ParticleId(1)).unwrap();
        let m = sp.miss_point().unwrap();
        let one_a = OSet::single(a);
        let two_a = sp.sum(&one_a, &one_a);
        assert!(two_a.contains(2 * a));
        assert!(sp.sum(&two_a, &one_a).is_empty(), "a third A overflows");
        let bb = sp.sum(&OSet::single(b), &OSet::single(b));
        assert!(bb.is_empty());
        let full = sp.sum(&sp.sum(&two_a, &OSet::single(b)), &OSet::single(m));
        assert!(full.contains(2 * a + b + m) && sp.target.intersects(&full));
        assert_eq!(sp.minus_point(&full, a), OSet::single(a + b + m));
        assert!(sp.minus_set(&OSet::single(b), &OSet::single(a)).is_empty());
    }
}
