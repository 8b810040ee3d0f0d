//! Standard problems with known optima, used by the tests, the benchmarks and the DEAP comparison,
//! and ready-made operators for the two genome families the workspace needs:
//!
//! * bit strings with DEAP's operators (`mutFlipBit`, `cxOnePoint`, `cxTwoPoint`, `cxUniform`) plus
//!   a block-preserving crossover, with OneMax and the deceptive trap (Deb & Goldberg 1993);
//! * real vectors with NNPDF's nodal mutation (seed 002: `w -> w + eta r_delta / N_ite^r_ite`,
//!   `r_delta ~ U(-1, 1)`, `r_ite ~ U(0, 1)`, `N_ite` the generation), with Rastrigin's function.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::rng::GaRng;
use crate::traits::{Context, Problem};

/// Crossover operators on fixed-length strings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StringCrossover {
    /// Swap the tails after one cut point in `1..len` (DEAP `cxOnePoint`).
    OnePoint,
    /// Swap the segment between two distinct cut points (DEAP `cxTwoPoint`).
    TwoPoint,
    /// Swap each position with this probability (DEAP `cxUniform`).
    Uniform {
        /// Per-position swap probability.
        swap_probability: f64,
    },
    /// Swap whole aligned blocks of `block` positions, each with probability 1/2: never breaks a
    /// building block of that size.
    Blockwise {
        /// Block length.
        block: usize,
    },
}

/// Apply `kind` to two equal-length strings.
pub fn cross_strings<T>(kind: StringCrossover, a: &mut [T], b: &mut [T], rng: &mut GaRng) {
    let size = a.len().min(b.len());
    if size < 2 {
        return;
    }
    match kind {
        StringCrossover::OnePoint => {
            let cut = rng.random_range(1..size);
            a[cut..size].swap_with_slice(&mut b[cut..size]);
        }
        StringCrossover::TwoPoint => {
            // DEAP's draw: p1 in [1, size], p2 in [1, size - 1], shifted to be distinct.
            let p1 = rng.random_range(1..=size);
            let mut p2 = rng.random_range(1..size);
            let (lo, hi) = if p2 >= p1 {
                p2 += 1;
                (p1, p2)
            } else {
                (p2, p1)
            };
            let hi = hi.min(size);
            a[lo..hi].swap_with_slice(&mut b[lo..hi]);
        }
        StringCrossover::Uniform { swap_probability } => {
            for i in 0..size {
                if rng.random::<f64>() < swap_probability {
                    std::mem::swap(&mut a[i], &mut b[i]);
                }
            }
        }
        StringCrossover::Blockwise { block } => {
            let block = block.max(1);
            let mut start = 0;
            while start < size {
                let end = (start + block).min(size);
                if rng.random::<bool>() {
                    a[start..end].swap_with_slice(&mut b[start..end]);
                }
                start = end;
            }
        }
    }
}

/// Fixed-length bit strings (`Vec<u8>` of 0/1) with bit-flip mutation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BitString {
    /// Number of bits.
    pub len: usize,
    /// Probability that the mutation flips each bit (DEAP `mutFlipBit(indpb)`).
    pub flip_probability: f64,
    /// Recombination operator.
    pub crossover: StringCrossover,
}

impl Problem for BitString {
    type Genome = Vec<u8>;

    fn initialise(&self, rng: &mut GaRng) -> Vec<u8> {
        (0..self.len).map(|_| u8::from(rng.random::<bool>())).collect()
    }

    #[inline]
    fn mutate(&self, genome: &mut Vec<u8>, _ctx: &Context, rng: &mut GaRng) {
        for bit in genome.iter_mut() {
            if rng.random::<f64>() < self.flip_probability {
                *bit ^= 1;
            }
        }
    }

    #[inline]
    fn crossover(&self, a: &mut Vec<u8>, b: &mut Vec<u8>, _ctx: &Context, rng: &mut GaRng) {
        cross_strings(self.crossover, a, b, rng);
    }
}

/// Fixed-length token strings over an alphabet of `vocabulary` symbols, with per-position random
/// replacement; the shape of a token-sequence genome, used for the throughput benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TokenString {
    /// Tokens per genome.
    pub len: usize,
    /// Alphabet size (tokens are `0..vocabulary`), >= 1.
    pub vocabulary: u16,
    /// Probability that the mutation redraws each token.
    pub replace_probability: f64,
    /// Recombination operator.
    pub crossover: StringCrossover,
}

impl Problem for TokenString {
    type Genome = Vec<u16>;

    fn initialise(&self, rng: &mut GaRng) -> Vec<u16> {
        let v = self.vocabulary.max(1);
        (0..self.len).map(|_| rng.random_range(0..v)).collect()
    }

    #[inline]
    fn mutate(&self, genome: &mut Vec<u16>, _ctx: &Context, rng: &mut GaRng) {
        let v = self.vocabulary.max(1);
        for t in genome.iter_mut() {
            if rng.random::<f64>() < self.replace_probability {
                *t = rng.random_range(0..v);
            }
        }
    }

    #[inline]
    fn crossover(&self, a: &mut Vec<u16>, b: &mut Vec<u16>, _ctx: &Context, rng: &mut GaRng) {
        cross_strings(self.crossover, a, b, rng);
    }
}

/// OneMax: the number of ones. Optimum: the length.
#[inline]
pub fn onemax(bits: &[u8]) -> f64 {
    f64::from(bits.iter().map(|&b| u32::from(b)).sum::<u32>())
}

/// Concatenated deceptive trap of order `k` (Deb & Goldberg 1993): a block with `u` ones scores `k`
/// if `u == k`, else `k - 1 - u`. Optimum: all ones (score `len`); the deceptive attractor, all
/// zeros, scores `(k - 1) / k` of it and is a local optimum under every single-bit flip.
pub fn trap(bits: &[u8], k: usize) -> f64 {
    let k = k.max(1);
    bits.chunks(k)
        .map(|block| {
            let u = block.iter().filter(|&&b| b != 0).count();
            if u == block.len() { block.len() as f64 } else { (block.len() - 1 - u) as f64 }
        })
        .sum()
}

/// Rastrigin's function `10 n + sum(x^2 - 10 cos(2 pi x))`: minimum 0 at the origin, ~10^n local
/// minima on the usual domain [-5.12, 5.12]^n.
pub fn rastrigin(x: &[f64]) -> f64 {
    10.0 * x.len() as f64
        + x.iter().map(|&xi| xi * xi - 10.0 * (2.0 * std::f64::consts::PI * xi).cos()).sum::<f64>()
}

/// NNPDF's nodal-mutation step (seed 002): `eta r_delta / N_ite^r_ite` with `r_delta ~ U(-1, 1)`
/// and `r_ite ~ U(0, 1)`. The random exponent spreads steps log-uniformly between `eta / N_ite` and
/// `eta`, so late generations still try large moves but mostly refine.
#[inline]
pub fn nodal_step(eta: f64, generation: u64, rng: &mut GaRng) -> f64 {
    let r_delta = rng.random_range(-1.0..1.0);
    let r_ite: f64 = rng.random();
    let n = generation.max(1) as f64;
    eta * r_delta / n.powf(r_ite)
}

/// Real vectors mutated by NNPDF's nodal mutation: each component (node) mutates with probability
/// `node_probability` (at least one per mutant) by [`nodal_step`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RealVector {
    /// Number of components.
    pub dim: usize,
    /// Initial components are uniform in `[init_low, init_high)`.
    pub init_low: f64,
    /// Upper end of the initial range.
    pub init_high: f64,
    /// Components are clamped to this box after mutation, when given.
    pub bounds: Option<(f64, f64)>,
    /// `eta` of the nodal step.
    pub eta: f64,
    /// Probability that each component mutates.
    pub node_probability: f64,
}

impl Problem for RealVector {
    type Genome = Vec<f64>;

    fn initialise(&self, rng: &mut GaRng) -> Vec<f64> {
        (0..self.dim)
            .map(|_| self.init_low + (self.init_high - self.init_low) * rng.random::<f64>())
            .collect()
    }

    fn mutate(&self, genome: &mut Vec<f64>, ctx: &Context, rng: &mut GaRng) {
        if genome.is_empty() {
            return;
        }
        let mut changed = false;
        for x in genome.iter_mut() {
            if rng.random::<f64>() < self.node_probability {
                *x += nodal_step(self.eta, ctx.generation, rng);
                changed = true;
            }
        }
        if !changed {
            let i = rng.random_range(0..genome.len());
            genome[i] += nodal_step(self.eta, ctx.generation, rng);
        }
        if let Some((lo, hi)) = self.bounds {
            for x in genome.iter_mut() {
                *x = x.clamp(lo, hi);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn trap_values_follow_the_definition() {
        assert_eq!(trap(&[1, 1, 1, 1], 4), 4.0);
        assert_eq!(trap(&[0, 0, 0, 0], 4), 3.0);
        assert_eq!(trap(&[1, 0, 0, 0], 4), 2.0);
        assert_eq!(trap(&[1, 1, 1, 0], 4), 0.0);
        assert_eq!(trap(&[1, 1, 1, 1, 0, 0, 0, 0], 4), 7.0);
    }

    #[test]
    fn rastrigin_is_zero_at_origin_and_has_integer_local_minima() {
        assert!(rastrigin(&[0.0; 10]).abs() < 1e-12);
        // At integer points the cosine term is 1: f = sum x^2.
        assert!((rastrigin(&[1.0, -2.0]) - 5.0).abs() < 1e-9);
    }

    #[test]
    fn crossovers_exchange_material_but_conserve_it() {
        let mut rng = GaRng::seed_from_u64(3);
        for kind in [
            StringCrossover::OnePoint,
            StringCrossover::TwoPoint,
            StringCrossover::Uniform { swap_probability: 0.5 },
            StringCrossover::Blockwise { block: 4 },
        ] {
            for _ in 0..200 {
                let mut a = vec![1u8; 16];
                let mut b = vec![0u8; 16];
                cross_strings(kind, &mut a, &mut b, &mut rng);
                // Position-wise, the pair still holds one 1 and one 0.
                assert!(a.iter().zip(&b).all(|(x, y)| x + y == 1), "{kind:?}");
                if let StringCrossover::Blockwise { block } = kind {
                    for blk in a.chunks(block) {
                        assert!(blk.iter().all(|&x| x == blk[0]), "block broken");
                    }
                }
            }
        }
    }

    #[test]
    fn nodal_steps_are_bounded_by_eta_and_shrink_with_the_generation() {
        let mut rng = GaRng::seed_from_u64(5);
        let mean_abs = |g: u64, rng: &mut GaRng| {
            (0..20_000).map(|_| nodal_step(15.0, g, rng).abs()).sum::<f64>() / 20_000.0
        };
        for _ in 0..1000 {
            assert!(nodal_step(15.0, 100, &mut rng).abs() <= 15.0);
        }
        // E|step| = eta/2 * E[N^-r] = eta/2 * (1 - 1/N) / ln N; at N = 1 it is eta/2.
        let m1 = mean_abs(1, &mut rng);
        let m100 = mean_abs(100, &mut rng);
        assert!((m1 - 7.5).abs() < 0.15, "{m1}");
        let expect = 7.5 * (1.0 - 0.01) / 100f64.ln();
        assert!((m100 - expect).abs() < 0.05, "{m100} vs {expect}");
    }
}
