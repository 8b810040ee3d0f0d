//! Standard-normal deviates for the smearing hot loop: the polar (Marsaglia) form of Box-Muller,
//! both deviates of each pair used, so one `ln` and one `sqrt` serve two smearings; generated a
//! batch at a time into a buffer. The pair (u, v) comes from the two 32-bit halves of one 64-bit
//! draw (see `genbod`).
//! (rand_distr is not used: the workspace pins a rand_distr built for another rand major version.)

use rand::Rng;

use crate::genbod::fill_disc;

/// Pairs drawn per refill.
const PAIRS: usize = 64;

/// A buffer of normal deviates, refilled a batch at a time: the batch's accept-reject draws
/// come first, then its logarithms and square roots, a loop of independent iterations.
#[derive(Clone, Debug)]
pub(crate) struct Normal {
    buf: [f64; 2 * PAIRS],
    disc: [[f64; 3]; PAIRS],
    pos: usize,
}

impl Default for Normal {
    fn default() -> Self {
        Self { buf: [0.0; 2 * PAIRS], disc: [[0.0; 3]; PAIRS], pos: 2 * PAIRS }
    }
}

impl Normal {
    /// One N(0, 1) deviate.
    #[inline]
    pub(crate) fn sample<R: Rng>(&mut self, rng: &mut R) -> f64 {
        if self.pos >= self.buf.len() {
            self.refill(rng);
        }
        let z = self.buf.get(self.pos).copied().unwrap_or(0.0);
        self.pos += 1;
        z
    }

    #[inline(never)]
    fn refill<R: Rng>(&mut self, rng: &mut R) {
        // (u, v) uniform in the unit disc, s = u^2 + v^2 in (0, 1): u f and v f with
        // f = sqrt(-2 ln s / s) are independent N(0, 1).
        fill_disc(rng, &mut self.disc);
        for ([u, v, s], z) in self.disc.iter().zip(self.buf.chunks_exact_mut(2)) {
            let f = (-2.0 * s.ln() / s).sqrt();
            z[0] = u * f;
            z[1] = v * f;
        }
        self.pos = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn moments_are_standard_normal() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut g = Normal::default();
        let n = 200_000;
        let (mut s1, mut s2, mut s4, mut out2) = (0.0, 0.0, 0.0, 0usize);
        for _ in 0..n {
            let z = g.sample(&mut rng);
            s1 += z;
            s2 += z * z;
            s4 += z * z * z * z;
            if z.abs() > 2.0 {
                out2 += 1;
            }
        }
        let nf = n as f64;
        assert!((s1 / nf).abs() < 0.01);
        assert!((s2 / nf - 1.0).abs() < 0.01);
        // Gaussian kurtosis E[z^4] = 3; P(|z| > 2) = 0.0455 (erfc(sqrt 2)).
        assert!((s4 / nf - 3.0).abs() < 0.06);
        assert!((out2 as f64 / nf - 0.045_500).abs() < 0.0015);
    }
}
