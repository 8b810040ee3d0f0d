//! Standard-normal deviates for the smearing hot loop: the polar (Marsaglia) form of Box-Muller,
//! keeping the second deviate of each pair, so one `ln` and one `sqrt` serve two smearings.
//! (rand_distr is not used: the workspace pins a rand_distr built for another rand major version.)

use rand::Rng;

/// A normal-deviate source that caches the spare deviate of each polar pair.
#[derive(Clone, Debug, Default)]
pub(crate) struct Normal {
    spare: Option<f64>,
}

impl Normal {
    /// One N(0, 1) deviate.
    #[inline]
    pub(crate) fn sample<R: Rng>(&mut self, rng: &mut R) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * rng.random::<f64>() - 1.0;
            let v = 2.0 * rng.random::<f64>() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * f);
                return u * f;
            }
        }
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
