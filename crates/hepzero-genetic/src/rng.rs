//! Random-number streams.
//!
//! Every stochastic step draws from a `ChaCha8Rng` whose 256-bit key is (seed, generation, purpose)
//! and whose stream number is the index of the task (an offspring pair, an initial individual, a
//! mutant). The partition of work into tasks does not depend on the number of threads, so a run is
//! bit-for-bit identical on 1 or 64 threads. Building the key directly (instead of hashing) makes
//! distinct (seed, generation, purpose, index) tuples map to distinct, independent ChaCha streams.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The random-number generator handed to problem operators.
pub type GaRng = ChaCha8Rng;

/// What a stream is used for; part of the key so that the streams of different phases never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Creating the initial population.
    Initialise,
    /// Selection, crossover and mutation of one offspring pair (or one ES mutant).
    Offspring,
    /// Re-mutation of a duplicate, attempt `n`.
    Deduplicate(u32),
}

impl Purpose {
    fn code(self) -> u64 {
        match self {
            Purpose::Initialise => 1,
            Purpose::Offspring => 2,
            Purpose::Deduplicate(attempt) => 0x100 + u64::from(attempt),
        }
    }
}

/// The generator for task `index` of `purpose` in `generation` of a run with `seed`.
#[inline]
pub(crate) fn stream(seed: u64, generation: u64, purpose: Purpose, index: u64) -> GaRng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&generation.to_le_bytes());
    key[16..24].copy_from_slice(&purpose.code().to_le_bytes());
    // Last 8 bytes: a constant tag so a hepzero-genetic key never equals a plain `seed_from_u64` key.
    key[24..32].copy_from_slice(b"hzgenetc");
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(index);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_each_coordinate() {
        let draw = |mut r: GaRng| r.random::<u64>();
        let base = draw(stream(1, 2, Purpose::Offspring, 3));
        assert_eq!(base, draw(stream(1, 2, Purpose::Offspring, 3)));
        assert_ne!(base, draw(stream(2, 2, Purpose::Offspring, 3)));
        assert_ne!(base, draw(stream(1, 3, Purpose::Offspring, 3)));
        assert_ne!(base, draw(stream(1, 2, Purpose::Initialise, 3)));
        assert_ne!(base, draw(stream(1, 2, Purpose::Deduplicate(0), 3)));
        assert_ne!(base, draw(stream(1, 2, Purpose::Offspring, 4)));
    }
}
