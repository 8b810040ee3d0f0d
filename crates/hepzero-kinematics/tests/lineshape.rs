//! Breit-Wigner samples reproduce the input mass and width: binned maximum-likelihood fits of
//! the sampled masses with the line-shape formulas written out here from their references
//! (relativistic Breit-Wigner; Jackson's mass-dependent width with von Hippel-Quigg
//! Blatt-Weisskopf factors, PDG Review "Resonances").

use hepzero_kinematics::{BreitWigner, MassDependentBreitWigner, PhaseSpace};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const M_K: f64 = 0.493677;
const M_PI: f64 = 0.13957039;

/// Minimise `f` over two parameters with the Nelder-Mead simplex.
fn nelder_mead(f: &dyn Fn([f64; 2]) -> f64, start: [f64; 2], step: [f64; 2]) -> [f64; 2] {
    let mut pts = [start, [start[0] + step[0], start[1]], [start[0], start[1] + step[1]]];
    let mut vals = pts.map(f);
    for _ in 0..2000 {
        let mut idx = [0, 1, 2];
        idx.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        let (b, m, w) = (idx[0], idx[1], idx[2]);
        if (vals[w] - vals[b]).abs() < 1e-10 {
            break;
        }
        let c = [(pts[b][0] + pts[m][0]) / 2.0, (pts[b][1] + pts[m][1]) / 2.0];
        let at = |t: f64| [c[0] + t * (pts[w][0] - c[0]), c[1] + t * (pts[w][1] - c[1])];
        let r = at(-1.0);
        let fr = f(r);
        if fr < vals[b] {
            let e = at(-2.0);
            let fe = f(e);
            if fe < fr {
                (pts[w], vals[w]) = (e, fe);
            } else {
                (pts[w], vals[w]) = (r, fr);
            }
        } else if fr < vals[m] {
            (pts[w], vals[w]) = (r, fr);
        } else {
            let k = at(0.5);
            let fk = f(k);
            if fk < vals[w] {
                (pts[w], vals[w]) = (k, fk);
            } else {
                for i in [m, w] {
                    pts[i] = [(pts[i][0] + pts[b][0]) / 2.0, (pts[i][1] + pts[b][1]) / 2.0];
                    vals[i] = f(pts[i]);
                }
            }
        }
    }
    let best = (0..3).min_by(|&a, &b| vals[a].total_cmp(&vals[b])).unwrap_or(0);
    pts[best]
}

/// Binned Poisson negative log-likelihood of `counts` in [lo, hi] for a density `shape`
/// (normalised here by Simpson integration over the same range).
fn nll(counts: &[f64], lo: f64, hi: f64, shape: &dyn Fn(f64) -> f64) -> f64 {
    let n_bins = counts.len();
    let width = (hi - lo) / n_bins as f64;
    let total: f64 = counts.iter().sum();
    // Integrate each bin with Simpson's rule on 4 sub-intervals.
    let bin_int = |i: usize| {
        let a = lo + width * i as f64;
        let h = width / 4.0;
        (shape(a)
            + 4.0 * shape(a + h)
            + 2.0 * shape(a + 2.0 * h)
            + 4.0 * shape(a + 3.0 * h)
            + shape(a + width))
            * h
            / 3.0
    };
    let ints: Vec<f64> = (0..n_bins).map(bin_int).collect();
    let norm: f64 = ints.iter().sum();
    if norm.is_nan() || norm <= 0.0 {
        return f64::INFINITY;
    }
    counts
        .iter()
        .zip(&ints)
        .map(|(&n, &i)| {
            let mu = total * i / norm;
            if mu <= 0.0 { if n > 0.0 { 1e300 } else { 0.0 } } else { mu - n * mu.ln() }
        })
        .sum()
}

fn histogram(samples: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut h = vec![0.0; bins];
    for &m in samples {
        let i = ((m - lo) / (hi - lo) * bins as f64) as usize;
        if let Some(c) = h.get_mut(i) {
            *c += 1.0;
        }
    }
    h
}

#[test]
fn fixed_width_breit_wigner_reproduces_mass_and_width() {
    // K*(892)0 -> K+ pi-, truncated at threshold and at 1.6 GeV.
    let (mass, width) = (0.89555, 0.0473);
    let (lo, hi) = (M_K + M_PI, 1.6);
    let bw = BreitWigner::new(mass, width, lo, hi).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let samples: Vec<f64> = (0..200_000).map(|_| bw.sample(&mut rng)).collect();
    // Daughters are always on shell: every mass allows the two-body decay.
    assert!(samples.iter().all(|&m| m > lo && m <= hi));
    assert!(samples.iter().all(|&m| PhaseSpace::new(m, &[M_K, M_PI]).is_ok()));
    let counts = histogram(&samples, lo, hi, 300);
    // Relativistic Breit-Wigner density in m: m / ((m^2 - M^2)^2 + M^2 Gamma^2).
    let fit = nelder_mead(
        &|p: [f64; 2]| {
            let (m0, g) = (p[0], p[1].abs());
            nll(&counts, lo, hi, &|m: f64| m / ((m * m - m0 * m0).powi(2) + m0 * m0 * g * g))
        },
        [0.85, 0.06],
        [0.02, 0.01],
    );
    let (m_fit, g_fit) = (fit[0], fit[1].abs());
    eprintln!("fixed width: M = {m_fit:.5} (input {mass}), Gamma = {g_fit:.5} (input {width})");
    assert!((m_fit - mass).abs() < 0.02 * mass);
    assert!((g_fit - width).abs() < 0.02 * width);
}

#[test]
fn mass_dependent_breit_wigner_reproduces_mass_and_width() {
    // rho(770)0 -> pi+ pi-, P wave, Blatt-Weisskopf radius 5.3 GeV^-1, truncated at 1.5 GeV.
    let (mass, width, radius) = (0.77526, 0.1491, 5.3);
    let (lo, hi) = (2.0 * M_PI, 1.5);
    let bw = MassDependentBreitWigner::new(mass, width, M_PI, M_PI, 1, radius, hi).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(22);
    let samples: Vec<f64> = (0..200_000).map(|_| bw.sample(&mut rng)).collect();
    assert!(samples.iter().all(|&m| m > lo && m <= hi));
    let counts = histogram(&samples, lo, hi, 300);
    let q = |m: f64| ((m * m / 4.0) - M_PI * M_PI).max(0.0).sqrt();
    let fit = nelder_mead(
        &|p: [f64; 2]| {
            let (m0, g0) = (p[0], p[1].abs());
            let q0 = q(m0);
            nll(&counts, lo, hi, &|m: f64| {
                // Gamma(m) = Gamma0 (q/q0)^3 (M/m) (1 + (q0 R)^2) / (1 + (q R)^2).
                let z = (q(m) * radius).powi(2);
                let z0 = (q0 * radius).powi(2);
                let g = g0 * (q(m) / q0).powi(3) * (m0 / m) * (1.0 + z0) / (1.0 + z);
                m * g / ((m * m - m0 * m0).powi(2) + m0 * m0 * g * g)
            })
        },
        [0.74, 0.12],
        [0.02, 0.02],
    );
    let (m_fit, g_fit) = (fit[0], fit[1].abs());
    eprintln!("P wave: M = {m_fit:.5} (input {mass}), Gamma0 = {g_fit:.5} (input {width})");
    assert!((m_fit - mass).abs() < 0.02 * mass);
    assert!((g_fit - width).abs() < 0.02 * width);
}

#[test]
fn fit_distinguishes_a_wrong_width() {
    // Samples drawn with twice the width must not fit back to the nominal width: guards
    // against a fit that always returns its starting point.
    let (mass, width) = (0.89555, 0.0473);
    let (lo, hi) = (M_K + M_PI, 1.6);
    let bw = BreitWigner::new(mass, 2.0 * width, lo, hi).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(23);
    let samples: Vec<f64> = (0..50_000).map(|_| bw.sample(&mut rng)).collect();
    let counts = histogram(&samples, lo, hi, 200);
    let fit = nelder_mead(
        &|p: [f64; 2]| {
            let (m0, g) = (p[0], p[1].abs());
            nll(&counts, lo, hi, &|m: f64| m / ((m * m - m0 * m0).powi(2) + m0 * m0 * g * g))
        },
        [mass, width],
        [0.02, 0.01],
    );
    assert!((fit[1].abs() - 2.0 * width).abs() < 0.05 * width);
}
