//! Harmonic sums and polygamma functions at complex Mellin N.
//!
//! S_1, S_2, S_3 are continued analytically through the polygamma functions
//! (S_1(N) = psi(N+1) + gamma_E, S_2 = zeta_2 - psi'(N+1), S_3 = zeta_3 + psi''(N+1)/2).
//! Polygammas use the recurrence up to |z| >= 10 and the Stirling-type asymptotic series,
//! with the reflection formula for Re z < 1/2 (Abramowitz & Stegun 6.3.7, 6.4.7, 6.4.12).
//! `g3` is the Mellin transform of Li_2(x)/(1+x) needed by the NLO anomalous dimensions
//! (Gonzalez-Arroyo, Lopez, Yndurain, Nucl. Phys. B153 (1979) 161); we expand 1/(1+x) in a
//! degree-16 polynomial on [0,1] (max error 2e-13, our own Chebyshev fit), each monomial giving
//! an exact transform of x^j Li_2(x).

use std::f64::consts::PI;

use num_complex::Complex64 as C64;

use crate::constants::{EULER_GAMMA, ZETA2, ZETA3};

const SHIFT_TO: f64 = 10.0;

/// cot(w) and 1/sin^2(w) without overflow for large |Im w| (via q = e^{2iw} or e^{-2iw}, |q| <= 1).
fn cot_csc2(w: C64) -> (C64, C64) {
    let i = C64::new(0.0, 1.0);
    let q = if w.im >= 0.0 { (2.0 * i * w).exp() } else { (-2.0 * i * w).exp() };
    let cot = if w.im >= 0.0 { i * (q + 1.0) / (q - 1.0) } else { i * (1.0 + q) / (1.0 - q) };
    let csc2 = -4.0 * q / ((q - 1.0) * (q - 1.0));
    (cot, csc2)
}

/// Digamma psi(z).
pub fn digamma(z: C64) -> C64 {
    if z.re < 0.5 {
        // psi(z) = psi(1-z) - pi cot(pi z)
        let (cot, _) = cot_csc2(PI * z);
        return digamma(1.0 - z) - PI * cot;
    }
    let mut w = z;
    let mut acc = C64::new(0.0, 0.0);
    while w.re < SHIFT_TO {
        acc -= 1.0 / w;
        w += 1.0;
    }
    let w2 = 1.0 / (w * w);
    // Bernoulli terms B_2k / (2k w^2k)
    let series =
        w2 * (1.0 / 12.0 - w2 * (1.0 / 120.0 - w2 * (1.0 / 252.0 - w2 * (1.0 / 240.0 - w2 * (1.0 / 132.0)))));
    acc + w.ln() - 0.5 / w - series
}

/// Trigamma psi'(z).
pub fn trigamma(z: C64) -> C64 {
    if z.re < 0.5 {
        // psi'(z) = -psi'(1-z) + pi^2 / sin^2(pi z)
        let (_, csc2) = cot_csc2(PI * z);
        return -trigamma(1.0 - z) + PI * PI * csc2;
    }
    let mut w = z;
    let mut acc = C64::new(0.0, 0.0);
    while w.re < SHIFT_TO {
        acc += 1.0 / (w * w);
        w += 1.0;
    }
    let iw = 1.0 / w;
    let w2 = iw * iw;
    let series = iw
        + 0.5 * w2
        + iw * w2
            * (1.0 / 6.0 - w2 * (1.0 / 30.0 - w2 * (1.0 / 42.0 - w2 * (1.0 / 30.0 - w2 * (5.0 / 66.0)))));
    acc + series
}

/// Tetragamma psi''(z).
pub fn tetragamma(z: C64) -> C64 {
    if z.re < 0.5 {
        // psi''(z) = psi''(1-z) - 2 pi^3 cos(pi z) / sin^3(pi z)
        let (cot, csc2) = cot_csc2(PI * z);
        return tetragamma(1.0 - z) - 2.0 * PI.powi(3) * cot * csc2;
    }
    let mut w = z;
    let mut acc = C64::new(0.0, 0.0);
    while w.re < SHIFT_TO {
        acc -= 2.0 / (w * w * w);
        w += 1.0;
    }
    let iw = 1.0 / w;
    let w2 = iw * iw;
    let series = -w2
        - w2 * iw
        - w2 * w2 * (0.5 - w2 * (1.0 / 6.0 - w2 * (1.0 / 6.0 - w2 * (3.0 / 10.0 - w2 * (5.0 / 6.0)))));
    acc + series
}

/// S_1(N) = sum_{k=1}^N 1/k, continued.
pub fn s1(n: C64) -> C64 {
    digamma(n + 1.0) + EULER_GAMMA
}

/// S_2(N) = sum_{k=1}^N 1/k^2, continued.
pub fn s2(n: C64) -> C64 {
    ZETA2 - trigamma(n + 1.0)
}

/// S_3(N) = sum_{k=1}^N 1/k^3, continued.
pub fn s3(n: C64) -> C64 {
    ZETA3 + 0.5 * tetragamma(n + 1.0)
}

/// Coefficients c_j of 1/(1+x) ~ sum_j c_j x^j on [0, 1] (Chebyshev interpolant, degree 16).
const INV_ONE_PLUS_X: [f64; 17] = [
    0.999_999_999_999_795_7,
    -0.999_999_999_884_697_6,
    0.999_999_988_947_726_6,
    -0.999_999_575_612_190_3,
    0.999_991_337_270_620_7,
    -0.999_891_616_586_942,
    0.999_095_259_245_904_5,
    -0.994_673_255_032_061_2,
    0.977_004_951_879_567_4,
    -0.925_087_730_860_528_1,
    0.811_506_973_472_001_2,
    -0.625_777_131_320_831_3,
    0.399_811_490_842_817_5,
    -0.198_293_528_814_097_92,
    0.070_411_111_308_676_2,
    -0.015_756_208_837_109_15,
    0.001_657_933_981_438_588_7,
];

/// g_3(N) = int_0^1 x^{N-1} Li_2(x) / (1+x) dx, continued to complex N.
///
/// Uses int_0^1 x^{M-1} Li_2(x) dx = (zeta_2 - S_1(M)/M) / M with M = N + j.
pub fn g3(n: C64, s1_n: C64) -> C64 {
    let mut total = C64::new(0.0, 0.0);
    let mut s1_m = s1_n;
    for (j, c) in INV_ONE_PLUS_X.iter().enumerate() {
        let m = n + j as f64;
        if j > 0 {
            s1_m += 1.0 / m;
        }
        total += *c * (ZETA2 - s1_m / m) / m;
    }
    total
}

#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    fn close(a: C64, b: C64, tol: f64) -> bool {
        (a - b).norm() <= tol * b.norm().max(1.0)
    }

    #[test]
    fn harmonic_sums_at_integers() {
        let n = C64::new(4.0, 0.0);
        assert!(close(s1(n), C64::new(25.0 / 12.0, 0.0), 1e-14));
        assert!(close(s2(n), C64::new(1.0 + 0.25 + 1.0 / 9.0 + 1.0 / 16.0, 0.0), 1e-12));
        assert!(close(s3(n), C64::new(1.0 + 0.125 + 1.0 / 27.0 + 1.0 / 64.0, 0.0), 1e-12));
    }

    #[test]
    fn recurrence_holds_off_axis_and_left() {
        for z in [
            C64::new(0.3, 2.0),
            C64::new(-3.7, 1.2),
            C64::new(-40.0, 15.0),
            C64::new(25.0, -3.0),
            C64::new(-200.0, 160.0),
            C64::new(-150.0, -300.0),
        ] {
            assert!(close(digamma(z + 1.0), digamma(z) + 1.0 / z, 1e-12), "psi at {z}");
            assert!(close(trigamma(z + 1.0), trigamma(z) - 1.0 / (z * z), 1e-12), "psi1 at {z}");
            assert!(close(tetragamma(z + 1.0), tetragamma(z) + 2.0 / (z * z * z), 1e-11), "psi2 at {z}");
        }
    }

    #[test]
    fn g3_matches_numerical_integrals() {
        // References: 30-digit numerical integration of x^(N-1) Li2(x)/(1+x) (mpmath.quad).
        let refs = [
            (C64::new(1.0, 0.0), C64::new(0.388_895_846_168_106_33, 0.0)),
            (C64::new(2.0, 0.0), C64::new(0.256_038_220_680_120_11, 0.0)),
            (C64::new(1.0, 1.0), C64::new(0.304_938_149_066_434_81, -0.158_906_062_486_684_2)),
            (C64::new(2.5, -7.0), C64::new(0.045_972_063_877_123_352, 0.085_998_075_761_712_236)),
            // Left half plane: integral at N+3, then g3(M) = (zeta2 - S1(M)/M)/M - g3(M+1).
            (C64::new(-2.5, 6.0), C64::new(-0.021_464_476_927_439_59, -0.118_822_871_507_268_52)),
        ];
        for (n, r) in refs {
            let g = g3(n, s1(n));
            assert!((g - r).norm() < 1e-11, "g3({n}) = {g}, expected {r}");
        }
    }
}
