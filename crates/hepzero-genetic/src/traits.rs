//! The three things a user supplies: a genome type, a problem (its variation operators) and a
//! fitness. They are separate so one genome (e.g. a background's token sequence) can be searched
//! with different fitnesses, and so the fitness, typically the expensive part, sees whole batches
//! it can vectorise or cache internally.

use crate::error::FitnessError;
use crate::hash::canonical_hash_of;
use crate::rng::GaRng;

/// An individual's representation.
///
/// `Clone::clone_from` is used to copy parents into reusable offspring slots, so a genome that owns
/// heap memory (a `Vec`) is copied without allocating once the slots have grown.
pub trait Genome: Clone + Send + Sync {
    /// Hash of the canonical form: genomes that describe the same individual must return the same
    /// value, distinct individuals should not. Used as the key of the fitness cache, of the hall of
    /// fame and of deduplication. [`canonical_hash_of`] is a suitable hasher.
    fn canonical_hash(&self) -> u64;
}

macro_rules! genome_for_hashable {
    ($($t:ty),*) => {$(
        impl Genome for Vec<$t> {
            #[inline]
            fn canonical_hash(&self) -> u64 { canonical_hash_of(self.as_slice()) }
        }
        impl<const N: usize> Genome for [$t; N] {
            #[inline]
            fn canonical_hash(&self) -> u64 { canonical_hash_of(self.as_slice()) }
        }
    )*};
}
genome_for_hashable!(u8, u16, u32, u64, i8, i16, i32, i64, bool);

impl Genome for Vec<f64> {
    /// Bit pattern hash: `0.0` and `-0.0` differ, which is harmless for a cache.
    fn canonical_hash(&self) -> u64 {
        let mut h = crate::hash::CanonicalHasher::default();
        std::hash::Hasher::write_usize(&mut h, self.len());
        for x in self {
            std::hash::Hasher::write_u64(&mut h, x.to_bits());
        }
        std::hash::Hasher::finish(&h)
    }
}

/// Where in the run an operator is called; lets a mutation step decay with the generation
/// (NNPDF's nodal mutation, seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Current generation, starting at 1 for the first offspring (0 is the initial population).
    pub generation: u64,
    /// The configured maximum number of generations.
    pub max_generations: u64,
}

/// The variation operators of a search space.
pub trait Problem: Sync {
    /// The representation searched over.
    type Genome: Genome;

    /// A random individual (the initial population is made of these). Should be valid.
    fn initialise(&self, rng: &mut GaRng) -> Self::Genome;

    /// Change `genome` in place.
    fn mutate(&self, genome: &mut Self::Genome, ctx: &Context, rng: &mut GaRng);

    /// Recombine two children in place (both start as copies of their parents). The default does
    /// nothing, for mutation-only searches.
    fn crossover(&self, a: &mut Self::Genome, b: &mut Self::Genome, ctx: &Context, rng: &mut GaRng) {
        let _ = (a, b, ctx, rng);
    }

    /// Bring a changed genome back into the valid set (e.g. fix charge conservation after a
    /// crossover). Return `false` when it cannot be repaired: the individual then gets fitness
    /// `-inf` without being evaluated ("death penalty") and is never selected while valid ones
    /// exist. The default accepts every genome.
    fn repair(&self, genome: &mut Self::Genome, rng: &mut GaRng) -> bool {
        let _ = (genome, rng);
        true
    }
}

/// The objective, maximised. Must be a pure function of the genome's canonical form (the cache
/// relies on it).
pub trait Fitness<G>: Sync {
    /// Write the fitness of `batch[i]` into `out[i]` (same length). Called concurrently on disjoint
    /// batches of at most `Config::eval_batch` genomes. `+inf`/`-inf` are allowed, NaN is an error.
    fn evaluate(&self, batch: &[&G], out: &mut [f64]) -> Result<(), FitnessError>;
}

/// A fitness from a plain function of one genome.
#[derive(Debug, Clone, Copy)]
pub struct FnFitness<F>(pub F);

impl<G, F> Fitness<G> for FnFitness<F>
where
    F: Fn(&G) -> f64 + Sync,
{
    #[inline]
    fn evaluate(&self, batch: &[&G], out: &mut [f64]) -> Result<(), FitnessError> {
        for (g, o) in batch.iter().zip(out.iter_mut()) {
            *o = (self.0)(g);
        }
        Ok(())
    }
}
