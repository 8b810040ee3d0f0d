//! Physics validation of the Raubold-Lynch generator against analytic results:
//! two-body momentum (PDG "Kinematics" eq. 49.17), four-momentum conservation, flatness of
//! three-body phase space in the Dalitz plane, and the massless n-body phase-space volume
//! R_n = (pi/2)^(n-1) s^(n-2) / ((n-1)! (n-2)!) (e.g. E. Byckling and K. Kajantie, Particle
//! Kinematics, Wiley 1973, ch. V; no (2 pi) factors in this normalisation).

use hepzero_kinematics::{FourMomentum, PhaseSpace, two_body_momentum};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

// PDG 2024 masses (GeV).
const M_B0: f64 = 5.27966;
const M_K: f64 = 0.493677;
const M_PI: f64 = 0.13957039;
const M_PI0: f64 = 0.1349768;
const M_MU: f64 = 0.1056583755;
const M_JPSI: f64 = 3.096900;

#[test]
fn two_body_momentum_equals_the_analytic_value() {
    let cases = [
        (M_B0, M_K, M_PI),
        (M_JPSI, M_MU, M_MU),
        (91.1876, 4.18, 4.18),
        (1.86484, M_K, M_PI),
        (10.0, 0.0, 0.0),
        (M_B0, M_JPSI, M_K),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut out = [FourMomentum::ZERO; 2];
    for (m, m1, m2) in cases {
        // E1 = (M^2 + m1^2 - m2^2) / 2M, p = sqrt(E1^2 - m1^2).
        let e1 = (m * m + m1 * m1 - m2 * m2) / (2.0 * m);
        let analytic = (e1 * e1 - m1 * m1).sqrt();
        let p = two_body_momentum(m, m1, m2).unwrap();
        assert!((p - analytic).abs() <= 1e-12 * analytic, "{m} -> {m1} {m2}");
        let ps = PhaseSpace::new(m, &[m1, m2]).unwrap();
        for _ in 0..1000 {
            ps.generate_unweighted(&mut rng, &mut out).unwrap();
            for d in &out {
                assert!((d.p() - analytic).abs() <= 1e-12 * analytic);
            }
        }
    }
}

fn random_parent(rng: &mut ChaCha8Rng, m: f64) -> FourMomentum {
    // Momenta from 0 to 1 TeV in a random direction.
    let p = 1000.0 * rng.random::<f64>().powi(3);
    let c: f64 = 2.0 * rng.random::<f64>() - 1.0;
    let s = (1.0 - c * c).sqrt();
    let phi = 2.0 * PI * rng.random::<f64>();
    FourMomentum::from_p3_mass(p * s * phi.cos(), p * s * phi.sin(), p * c, m)
}

#[test]
fn every_event_conserves_four_momentum() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut buf = [FourMomentum::ZERO; 10];
    for n in 2..=10 {
        let masses: Vec<f64> = (0..n).map(|i| [M_PI, M_K, M_PI0, M_MU, 0.0][i % 5]).collect();
        let parent_mass = masses.iter().sum::<f64>() + 0.5 + 20.0 * rng.random::<f64>();
        let ps = PhaseSpace::new(parent_mass, &masses).unwrap();
        let out = &mut buf[..n];
        for event in 0..2000 {
            let parent = random_parent(&mut rng, parent_mass);
            // Unweighted generation against GENBOD's loose bound gets slow for many daughters.
            if event % 2 == 0 || n > 5 {
                ps.generate_weighted_in_frame(&mut rng, &parent, out).unwrap();
            } else {
                ps.generate_unweighted_in_frame(&mut rng, &parent, out).unwrap();
            }
            let sum: FourMomentum = out.iter().sum();
            let diff = sum - parent;
            for x in [diff.px, diff.py, diff.pz, diff.e] {
                assert!(x.abs() <= 1e-9 * parent.e, "n = {n}: {sum:?} vs {parent:?}");
            }
            for (d, m) in out.iter().zip(&masses) {
                assert!((d.mass2() - m * m).abs() <= 1e-9 * d.e * d.e);
            }
        }
    }
}

/// Upper critical value of chi^2 with `k` degrees of freedom at 1% significance
/// (Wilson-Hilferty approximation; z_0.99 = 2.3263).
fn chi2_critical_1pct(k: f64) -> f64 {
    let a = 2.0 / (9.0 * k);
    k * (1.0 - a + 2.326_347_874 * a.sqrt()).powi(3)
}

/// m23^2 range at fixed m12^2 from the energies in the (12) rest frame:
/// m23^2 = m2^2 + m3^2 + 2 (E2 E3 -+ p2 p3).
fn m23_range(m: f64, m1: f64, m2: f64, m3: f64, m12_sq: f64) -> (f64, f64) {
    let m12 = m12_sq.sqrt();
    let e2 = (m12_sq - m1 * m1 + m2 * m2) / (2.0 * m12);
    let e3 = (m * m - m12_sq - m3 * m3) / (2.0 * m12);
    let p2 = (e2 * e2 - m2 * m2).max(0.0).sqrt();
    let p3 = (e3 * e3 - m3 * m3).max(0.0).sqrt();
    let c = m2 * m2 + m3 * m3 + 2.0 * e2 * e3;
    (c - 2.0 * p2 * p3, c + 2.0 * p2 * p3)
}

/// Events flat in the Dalitz plane are uniform in (u, v): u the CDF of the m12^2 marginal
/// (proportional to the m23^2 range), v the position within the m23^2 range at that m12^2.
#[derive(Clone, Copy, PartialEq)]
enum Sampling {
    /// Accept-reject against GENBOD's bound.
    Unweighted,
    /// Accept-reject against the exact three-body maximum weight.
    UnweightedTight,
    /// Raw weighted events, weights ignored (not flat).
    RawWeighted,
}

fn dalitz_flatness_chi2(events: usize, bins: usize, seed: u64, sampling: Sampling) -> (f64, f64) {
    let (m, m1, m2, m3) = (M_B0, M_K, M_PI, M_PI0);
    let (lo, hi) = ((m1 + m2).powi(2), (m - m3).powi(2));
    const GRID: usize = 20_000;
    let mut cdf = vec![0.0; GRID + 1];
    let width = |x: f64| {
        let (a, b) = m23_range(m, m1, m2, m3, x);
        b - a
    };
    let h = (hi - lo) / GRID as f64;
    for i in 1..=GRID {
        let (x0, x1) = (lo + h * (i - 1) as f64, lo + h * i as f64);
        cdf[i] = cdf[i - 1] + 0.5 * h * (width(x0) + width(x1));
    }
    let total = cdf[GRID];
    let mut ps = PhaseSpace::new(m, &[m1, m2, m3]).unwrap();
    if sampling == Sampling::UnweightedTight {
        ps = ps.with_tight_max_weight();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = [FourMomentum::ZERO; 3];
    let mut counts = vec![0u64; bins * bins];
    for _ in 0..events {
        if sampling != Sampling::RawWeighted {
            ps.generate_unweighted(&mut rng, &mut out).unwrap();
        } else {
            ps.generate_weighted(&mut rng, &mut out).unwrap();
        }
        let m12_sq = (out[0] + out[1]).mass2();
        let m23_sq = (out[1] + out[2]).mass2();
        let t = ((m12_sq - lo) / h).clamp(0.0, GRID as f64 - 1e-9);
        let i = t as usize;
        let u = (cdf[i] + (t - i as f64) * (cdf[i + 1] - cdf[i])) / total;
        let (a, b) = m23_range(m, m1, m2, m3, m12_sq);
        let v = (m23_sq - a) / (b - a);
        let iu = ((u * bins as f64) as usize).min(bins - 1);
        let iv = ((v * bins as f64) as usize).min(bins - 1);
        counts[iu * bins + iv] += 1;
    }
    let expected = events as f64 / (bins * bins) as f64;
    let chi2: f64 = counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum();
    (chi2, chi2_critical_1pct((bins * bins - 1) as f64))
}

#[test]
fn three_body_phase_space_is_flat_in_the_dalitz_plane() {
    // 10^6 events of B0 -> K+ pi- pi0 in a 20 x 20 grid of (u, v), accept-reject against the
    // exact maximum weight; then 2 x 10^5 against GENBOD's looser bound.
    let (chi2, critical) = dalitz_flatness_chi2(1_000_000, 20, 13, Sampling::UnweightedTight);
    eprintln!("flat Dalitz (tight bound): chi2 = {chi2:.1}, 1% critical value {critical:.1} (399 dof)");
    assert!(chi2 < critical, "chi2 = {chi2} >= {critical} (399 dof, 1%)");
    let (chi2, critical) = dalitz_flatness_chi2(200_000, 20, 18, Sampling::Unweighted);
    eprintln!("flat Dalitz (GENBOD bound): chi2 = {chi2:.1}, 1% critical value {critical:.1}");
    assert!(chi2 < critical, "chi2 = {chi2} >= {critical} (399 dof, 1%)");
}

#[test]
fn flatness_test_rejects_raw_weighted_events() {
    // Raw GENBOD events taken without their weights are not flat in the Dalitz plane (their
    // density is proportional to 1/weight): the same statistic must reject them, so the test
    // above can fail.
    let (chi2, critical) = dalitz_flatness_chi2(100_000, 20, 17, Sampling::RawWeighted);
    eprintln!("raw weighted events: chi2 = {chi2:.1}, 1% critical value {critical:.1}");
    assert!(chi2 > critical, "chi2 = {chi2} <= {critical}");
}

#[test]
fn massless_phase_space_volume_matches_the_analytic_formula() {
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let sqrt_s = 10.0;
    let mut buf = [FourMomentum::ZERO; 6];
    // 10^6 events keep the statistical error below 0.11% (n <= 6), a 4 sigma margin to 0.5%.
    for n in 3..=6 {
        let masses = vec![0.0; n];
        let ps = PhaseSpace::new(sqrt_s, &masses).unwrap();
        let events = 1_000_000;
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..events {
            let w = ps.generate_weighted(&mut rng, &mut buf[..n]).unwrap();
            sum += w;
            sum2 += w * w;
        }
        let mean = sum / events as f64;
        let err = ((sum2 / events as f64 - mean * mean) / events as f64).sqrt();
        let s: f64 = sqrt_s * sqrt_s;
        let fact = |k: usize| (1..=k).map(|i| i as f64).product::<f64>();
        let analytic = (PI / 2.0).powi(n as i32 - 1) * s.powi(n as i32 - 2) / (fact(n - 1) * fact(n - 2));
        let rel = (mean - analytic).abs() / analytic;
        eprintln!("n = {n}: R_n = {mean:.6e} vs {analytic:.6e}, rel {rel:.2e}, stat {:.2e}", err / mean);
        assert!(rel < 0.005, "n = {n}: {mean} vs {analytic} (rel {rel}, stat {})", err / mean);
    }
}

#[test]
fn massive_three_body_volume_is_the_dalitz_area() {
    // R_3 = pi^2 / (4 M^2) * (area of the Dalitz plot) (PDG "Kinematics", eq. 49.22 with the
    // (2 pi) factors removed).
    let (m, m1, m2, m3) = (M_B0, M_K, M_PI, M_PI0);
    let (lo, hi) = ((m1 + m2).powi(2), (m - m3).powi(2));
    let steps = 200_000;
    let h = (hi - lo) / steps as f64;
    let area: f64 = (0..steps)
        .map(|i| {
            let (a, b) = m23_range(m, m1, m2, m3, lo + h * (i as f64 + 0.5));
            (b - a) * h
        })
        .sum();
    let analytic = PI * PI / (4.0 * m * m) * area;
    let ps = PhaseSpace::new(m, &[m1, m2, m3]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let mut out = [FourMomentum::ZERO; 3];
    let events = 200_000;
    let mean =
        (0..events).map(|_| ps.generate_weighted(&mut rng, &mut out).unwrap()).sum::<f64>() / events as f64;
    eprintln!("R_3(B0 -> K pi pi0) = {mean:.6e} vs Dalitz area {analytic:.6e}");
    assert!((mean - analytic).abs() < 0.005 * analytic, "{mean} vs {analytic}");
}
