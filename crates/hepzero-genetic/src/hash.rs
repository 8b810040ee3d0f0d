//! Canonical hashing of genomes.
//!
//! The fitness cache, the hall of fame and the diversity count all identify an individual by a
//! 64-bit hash of its canonical form (two genomes that describe the same individual, e.g. the same
//! decay written with its daughters in another order, must hash equal). A 64-bit key makes a false
//! match between two distinct individuals a ~n^2/2^65 event (1e-7 for a million distinct
//! individuals), so the hash must mix well: this one folds a 64x64 -> 128-bit multiply per word, the
//! construction of wyhash/foldhash, and ends with a full avalanche.

use std::hash::{BuildHasherDefault, Hash, Hasher};

const K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xbf58_476d_1ce4_e5b9;

#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A fast, well-mixing [`Hasher`] for canonical forms. Deterministic across runs and platforms of
/// the same endianness (it is not keyed: genomes are not attacker-controlled).
#[derive(Debug, Clone, Copy)]
pub struct CanonicalHasher {
    state: u64,
}

impl Default for CanonicalHasher {
    fn default() -> Self {
        Self { state: K0 }
    }
}

impl CanonicalHasher {
    #[inline(always)]
    fn mix(&mut self, word: u64) {
        self.state = fold_mul(self.state ^ word, K1).wrapping_add(K0);
    }
}

impl Hasher for CanonicalHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // The remainder length goes into the top byte so "ab" and "ab\0" differ.
            self.mix(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        fold_mul(self.state ^ K2, K1) ^ self.state.rotate_left(29)
    }
}

/// Hash any `Hash` value with [`CanonicalHasher`]; the helper a [`crate::Genome`] implementation
/// calls on its canonical form.
#[inline]
pub fn canonical_hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = CanonicalHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// Hasher for maps whose keys are already canonical hashes: passes the key through.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are used; fall back to a proper mix for anything else.
        let mut h = CanonicalHasher::default();
        h.write(bytes);
        self.0 = h.finish();
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Map keyed by canonical hash.
pub(crate) type HashMapU64<V> = std::collections::HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;
/// Set of canonical hashes.
pub(crate) type HashSetU64 = std::collections::HashSet<u64, BuildHasherDefault<IdentityHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_equal_and_neighbours_differ() {
        let a: Vec<u8> = (0..20).collect();
        let mut b = a.clone();
        assert_eq!(canonical_hash_of(&a), canonical_hash_of(&b));
        b[19] ^= 1;
        assert_ne!(canonical_hash_of(&a), canonical_hash_of(&b));
        // Length matters even when the bytes agree on the common prefix.
        assert_ne!(canonical_hash_of(&vec![0u8; 3]), canonical_hash_of(&vec![0u8; 4]));
    }

    #[test]
    fn no_collisions_among_all_16_bit_strings_of_length_16() {
        // 65,536 distinct single-bit-per-byte genomes: any collision here would be a defect.
        let mut seen = HashSetU64::default();
        for v in 0u32..(1 << 16) {
            let g: Vec<u8> = (0..16).map(|i| ((v >> i) & 1) as u8).collect();
            assert!(seen.insert(canonical_hash_of(&g)), "collision at {v}");
        }
    }

    #[test]
    fn single_bit_changes_flip_about_half_the_output_bits() {
        // Avalanche: flipping one input bit flips ~32 of 64 output bits on average.
        let mut total = 0u32;
        let mut n = 0u32;
        for x in 0u64..256 {
            for bit in 0..64 {
                let a = canonical_hash_of(&x.wrapping_mul(0x1234_5678_9abc_def1));
                let b = canonical_hash_of(&(x.wrapping_mul(0x1234_5678_9abc_def1) ^ (1 << bit)));
                total += (a ^ b).count_ones();
                n += 1;
            }
        }
        let mean = f64::from(total) / f64::from(n);
        assert!((mean - 32.0).abs() < 1.0, "mean flipped bits {mean}");
    }
}
