//! Unweighted phase space for the simulation's hot loop.
//!
//! - Three bodies (the common case): (m12^2, m23^2) uniform in the Dalitz plot, which is exactly
//!   flat three-body phase space (PDG Review of Particle Physics, "Kinematics", three-body
//!   decays: d Phi_3 is proportional to dm12^2 dm23^2 times the orientation angles), drawn by
//!   accept-reject from the triangle m12^2 >= (m1+m2)^2, m23^2 >= (m2+m3)^2,
//!   m13^2 >= (m1+m3)^2 that circumscribes the Dalitz region (a fraction pi/(3 sqrt 3) = 60% of
//!   the points is kept at threshold, 93.7% for B0 -> K+ pi- pi0), then a uniformly random
//!   orientation from a uniform unit quaternion (Marsaglia, Ann. Math. Stat. 43 (1972) 645). No
//!   weight and no maximum weight; three square roots and two divisions per decay.
//! - Two or more than three bodies: the Raubold-Lynch method (F. James, CERN 68-15 (1968); GENBOD,
//!   CERNLIB W515): the intermediate masses and the weight prod p*_k are drawn first and
//!   accept-rejected against GENBOD's bound, and only accepted configurations get directions and
//!   boosts. The distribution equals that of hepzero-kinematics' `PhaseSpace` unweighted.
//!
//! Pairs of uniform deviates that feed a rejection step in a disc (directions, azimuths, the
//! quaternion, the Dalitz triangle) take the two 32-bit halves of one 64-bit draw: 32-bit
//! resolution, as RapidSim's `TRandom3::Rndm`, far below any detector resolution.

use hepzero_kinematics::{FourMomentum, two_body_momentum_unchecked};
use rand::Rng;

/// Largest number of daughters of one node.
pub(crate) const MAX_DAUGHTERS: usize = 16;

/// GENBOD's upper bound on prod p*_k (each momentum at its value with all kinetic energy).
pub(crate) fn genbod_bound(m: f64, masses: &[f64]) -> f64 {
    let t = m - masses.iter().sum::<f64>();
    let mut em_max = t + masses.first().copied().unwrap_or(0.0);
    let mut em_min = 0.0;
    let mut bound = 1.0;
    for k in 1..masses.len() {
        em_min += masses[k - 1];
        em_max += masses[k];
        bound *= two_body_momentum_unchecked(em_max, em_min, masses[k]);
    }
    bound
}

/// A boost from the rest frame of a particle with lab four-momentum `p` and mass `m` to the lab,
/// with the two divisions of `FourMomentum::boost_from_rest_frame_with_mass` done once per frame:
/// E' = (E_F E + P_F.p) / m_F, p' = p + P_F (E + E') / (E_F + m_F).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    p: FourMomentum,
    inv_m: f64,
    inv_em: f64,
}

impl Frame {
    #[inline(always)]
    pub(crate) fn new(p: &FourMomentum, m: f64) -> Self {
        // One division for both reciprocals.
        let em = p.e + m;
        let r = 1.0 / (m * em);
        Self { p: *p, inv_m: em * r, inv_em: m * r }
    }

    #[inline(always)]
    pub(crate) fn boost(&self, v: &FourMomentum) -> FourMomentum {
        let f = &self.p;
        let pp = f.px * v.px + f.py * v.py + f.pz * v.pz;
        let e = (f.e * v.e + pp) * self.inv_m;
        let k = (v.e + e) * self.inv_em;
        FourMomentum::new(v.px + k * f.px, v.py + k * f.py, v.pz + k * f.pz, e)
    }
}

const TWO_POW_M31: f64 = 1.0 / 2_147_483_648.0;
const TWO_POW_M32: f64 = 1.0 / 4_294_967_296.0;

/// Two independent uniform deviates in (-1, 1) (symmetric, never 0) from one 64-bit draw.
#[inline]
pub(crate) fn symmetric_pair<R: Rng>(rng: &mut R) -> (f64, f64) {
    let bits = rng.next_u64();
    let lo = f64::from(bits as u32 as i32);
    let hi = f64::from((bits >> 32) as u32 as i32);
    ((lo + 0.5) * TWO_POW_M31, (hi + 0.5) * TWO_POW_M31)
}

/// Two independent uniform deviates in (0, 1) from one 64-bit draw.
#[inline]
pub(crate) fn unit_pair<R: Rng>(rng: &mut R) -> (f64, f64) {
    let bits = rng.next_u64();
    ((f64::from(bits as u32) + 0.5) * TWO_POW_M32, (f64::from((bits >> 32) as u32) + 0.5) * TWO_POW_M32)
}

/// A point uniform in the open unit disc and its squared radius (rejection from the square).
#[inline]
fn in_disc<R: Rng>(rng: &mut R) -> (f64, f64, f64) {
    loop {
        let (u, v) = symmetric_pair(rng);
        let s = u * u + v * v;
        if s < 1.0 {
            return (u, v, s);
        }
    }
}

/// An isotropic unit vector by Marsaglia's method (Ann. Math. Stat. 43 (1972) 645): (u, v)
/// uniform in the unit disc, s = u^2 + v^2, direction (2u sqrt(1-s), 2v sqrt(1-s), 1 - 2s);
/// no trigonometric call.
#[inline]
pub(crate) fn direction<R: Rng>(rng: &mut R) -> [f64; 3] {
    let (u, v, s) = in_disc(rng);
    let f = 2.0 * (1.0 - s).sqrt();
    [u * f, v * f, 1.0 - 2.0 * s]
}

/// (cos phi, sin phi) for phi uniform in [0, 2 pi), by von Neumann's rejection method: a point
/// uniform in the unit disc, doubled in angle; no trigonometric call.
#[cfg(test)]
pub(crate) fn cos_sin_uniform<R: Rng>(rng: &mut R) -> (f64, f64) {
    let (x, y, r2) = in_disc(rng);
    cos_sin_from_disc([x, y, r2])
}

/// [`cos_sin_uniform`] from its point `[x, y, x^2 + y^2]` of the unit disc.
#[cfg(test)]
fn cos_sin_from_disc([x, y, r2]: [f64; 3]) -> (f64, f64) {
    // (x, y) never is (0, 0): the deviates are odd multiples of 2^-32.
    let inv = 1.0 / r2;
    ((x * x - y * y) * inv, 2.0 * x * y * inv)
}

/// The images of the z and x axes under a uniformly random rotation (Haar measure on SO(3)):
/// a unit quaternion uniform on S^3 by Marsaglia's method (two points in the unit disc,
/// (x1, x2, x3 sqrt((1 - s1)/s2), x4 sqrt((1 - s1)/s2))), one square root and one division.
#[cfg(test)]
pub(crate) fn random_axes<R: Rng>(rng: &mut R) -> ([f64; 3], [f64; 3]) {
    let a = in_disc(rng);
    let b = in_disc(rng);
    axes_from_discs([a.0, a.1, a.2], [b.0, b.1, b.2])
}

/// [`random_axes`] from its two points of the unit disc, each `[x, y, x^2 + y^2]`.
#[inline(always)]
pub(crate) fn axes_from_discs(a: [f64; 3], b: [f64; 3]) -> ([f64; 3], [f64; 3]) {
    let [w, x, s1] = a;
    let [c, d, s2] = b;
    let f = ((1.0 - s1) / s2).sqrt();
    let (y, z) = (c * f, d * f);
    let z_axis = [2.0 * (x * z + w * y), 2.0 * (y * z - w * x), 1.0 - 2.0 * (x * x + y * y)];
    let x_axis = [1.0 - 2.0 * (y * y + z * z), 2.0 * (x * y + w * z), 2.0 * (x * z - w * y)];
    (z_axis, x_axis)
}

/// Points uniform in the open unit disc with their squared radii, by rejection from the square,
/// filling `out`: the rejection only decides whether the next slot is overwritten, so the loop
/// has no data-dependent branch to mispredict.
#[inline]
pub(crate) fn fill_disc<R: Rng>(rng: &mut R, out: &mut [[f64; 3]]) {
    let mut k = 0;
    while let Some(slot) = out.get_mut(k) {
        let (u, v) = symmetric_pair(rng);
        let s = u * u + v * v;
        *slot = [u, v, s];
        k += usize::from(s < 1.0);
    }
}

/// [`fill_disc`] into separate arrays of x, y and x^2 + y^2 (the same draws, in the same order,
/// for `xs.len()` points).
#[inline(always)]
pub(crate) fn fill_disc_soa<R: Rng>(rng: &mut R, xs: &mut [f64], ys: &mut [f64], ss: &mut [f64]) {
    let n = xs.len().min(ys.len()).min(ss.len());
    let mut k = 0;
    while k < n {
        let (u, v) = symmetric_pair(rng);
        let s = u * u + v * v;
        xs[k] = u;
        ys[k] = v;
        ss[k] = s;
        k += usize::from(s < 1.0);
    }
}

/// A point of the triangle that circumscribes a three-body Dalitz region, with what the
/// momenta need: rest-frame energies, p1^2, p3^2 and p1 . p3.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DalitzPoint {
    pub(crate) e: [f64; 3],
    pub(crate) k1: f64,
    pub(crate) k3: f64,
    pub(crate) c: f64,
}

/// The constants of a three-body decay's Dalitz triangle (see [`dalitz_point`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Triangle {
    /// Parent mass squared.
    mm: f64,
    /// Daughter masses squared.
    q: [f64; 3],
    /// Pair thresholds (m1+m2)^2, (m2+m3)^2, (m1+m3)^2.
    s_min: [f64; 3],
    /// Side: m^2 + sum m_i^2 - sum of the pair thresholds = m^2 - (m1+m2+m3)^2.
    side: f64,
    /// 1 / 2m.
    h: f64,
}

impl Triangle {
    /// The triangle of a parent of mass `m` decaying to `masses`; `None` for a closed channel.
    #[inline]
    pub(crate) fn new(m: f64, masses: [f64; 3]) -> Option<Self> {
        let [m1, m2, m3] = masses;
        let total = m1 + m2 + m3;
        if m.partial_cmp(&total) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        Some(Self {
            mm: m * m,
            q: [m1 * m1, m2 * m2, m3 * m3],
            s_min: [(m1 + m2) * (m1 + m2), (m2 + m3) * (m2 + m3), (m1 + m3) * (m1 + m3)],
            side: (m - total) * (m + total),
            h: 0.5 / m,
        })
    }
}

/// Maps (u, v) uniform in the unit square to (m12^2, m23^2) uniform in the triangle
/// m12^2 >= (m1+m2)^2, m23^2 >= (m2+m3)^2, m13^2 >= (m1+m3)^2, and says whether the point is
/// inside the Dalitz region (|p1 . p3| <= |p1| |p3| with the rest-frame energies
/// E_i = (m^2 + m_i^2 - m_jk^2) / 2m).
#[inline]
pub(crate) fn dalitz_point(t: &Triangle, u: f64, v: f64) -> (bool, DalitzPoint) {
    let [q1, q2, q3] = t.q;
    // Reflect the upper half of the unit square onto the triangle u + v <= 1.
    let flip = u + v > 1.0;
    let u = if flip { 1.0 - u } else { u };
    let v = if flip { 1.0 - v } else { v };
    let s12 = t.s_min[0] + t.side * u;
    let s23 = t.s_min[1] + t.side * v;
    let s13 = t.s_min[2] + t.side * (1.0 - u - v);
    let e = [(t.mm + q1 - s23) * t.h, (t.mm + q2 - s13) * t.h, (t.mm + q3 - s12) * t.h];
    let k1 = e[0] * e[0] - q1;
    let k3 = e[2] * e[2] - q3;
    // p1 . p3 from p2 = -(p1 + p3).
    let c = 0.5 * ((e[1] * e[1] - q2) - k1 - k3);
    (k1 > 0.0 && k3 >= 0.0 && c * c <= k1 * k3, DalitzPoint { e, k1, k3, c })
}

/// The three rest-frame four-momenta of an accepted Dalitz point, oriented by the uniformly
/// random rotation made of two points `a`, `b` of the unit disc (see [`random_axes`]).
#[inline(always)]
pub(crate) fn three_body_momenta(d: &DalitzPoint, a: [f64; 3], b: [f64; 3]) -> [FourMomentum; 3] {
    let p1 = d.k1.sqrt();
    let par = d.c / p1;
    let perp = (d.k3 - par * par).max(0.0).sqrt();
    let (n, t) = axes_from_discs(a, b);
    let q = [p1 * n[0], p1 * n[1], p1 * n[2]];
    let r = [par * n[0] + perp * t[0], par * n[1] + perp * t[1], par * n[2] + perp * t[2]];
    [
        FourMomentum::new(q[0], q[1], q[2], d.e[0]),
        FourMomentum::new(-(q[0] + r[0]), -(q[1] + r[1]), -(q[2] + r[2]), d.e[1]),
        FourMomentum::new(r[0], r[1], r[2], d.e[2]),
    ]
}

/// One unweighted three-body decay of a parent of mass `m` at rest into `masses` (sum below
/// `m`), written to `out[..3]`: a [`dalitz_point`] accepted by rejection, then a random
/// orientation. Returns false after `max_tries` rejections or for a closed channel.
#[cfg(test)]
pub(crate) fn three_body_at_rest<R: Rng>(
    m: f64,
    masses: [f64; 3],
    rng: &mut R,
    out: &mut [FourMomentum],
    max_tries: u32,
) -> bool {
    let Some(t) = Triangle::new(m, masses) else {
        return false;
    };
    if out.len() < 3 {
        return false;
    }
    for _ in 0..max_tries {
        let (u, v) = unit_pair(rng);
        let (inside, d) = dalitz_point(&t, u, v);
        if inside {
            let a = in_disc(rng);
            let b = in_disc(rng);
            for (o, v) in out.iter_mut().zip(three_body_momenta(&d, [a.0, a.1, a.2], [b.0, b.1, b.2])) {
                *o = v;
            }
            return true;
        }
    }
    false
}

/// One unweighted decay of a parent of mass `m` at rest into `masses` (2 to [`MAX_DAUGHTERS`],
/// sum below `m`), written to `out`; `wmax` is [`genbod_bound`] (or any larger number). Returns
/// false after `max_tries` rejections.
#[inline]
pub(crate) fn decay_at_rest<R: Rng>(
    m: f64,
    masses: &[f64],
    wmax: f64,
    rng: &mut R,
    out: &mut [FourMomentum],
    max_tries: u32,
) -> bool {
    let n = masses.len().min(MAX_DAUGHTERS).min(out.len());
    if n < 2 {
        return false;
    }
    let t = m - masses[..n].iter().sum::<f64>();
    let mut inv = [0.0f64; MAX_DAUGHTERS];
    let mut pk = [0.0f64; MAX_DAUGHTERS];
    let mut accepted = false;
    for _ in 0..max_tries {
        // Ordered uniforms r_1 < ... < r_{n-2} by insertion (n is small).
        for k in 1..n - 1 {
            let r = rng.random::<f64>();
            let mut j = k;
            while j > 1 && inv[j - 1] > r {
                inv[j] = inv[j - 1];
                j -= 1;
            }
            inv[j] = r;
        }
        let mut cum = 0.0;
        for k in 0..n - 1 {
            cum += masses[k];
            let r = if k == 0 { 0.0 } else { inv[k] };
            inv[k] = cum + r * t;
        }
        inv[n - 1] = m;
        if n == 2 {
            accepted = true;
            break;
        }
        // w = prod p*_k with p*_k^2 = lambda_k / (4 M_k^2): compare squares, so a rejected
        // configuration costs no square root and no division.
        let mut num = 1.0;
        let mut den = 1.0;
        for k in 1..n {
            let (a, b, c) = (inv[k], inv[k - 1], masses[k]);
            let (s, d) = (b + c, b - c);
            num *= ((a - s) * (a + s) * (a - d) * (a + d)).max(0.0);
            den *= 4.0 * a * a;
        }
        let u = rng.random::<f64>() * wmax;
        if u * u * den < num {
            accepted = true;
            break;
        }
    }
    if !accepted {
        return false;
    }
    for k in 1..n {
        pk[k] = two_body_momentum_unchecked(inv[k], inv[k - 1], masses[k]);
    }
    let d = direction(rng);
    let p = pk[1];
    out[0] = FourMomentum::from_p3_mass(p * d[0], p * d[1], p * d[2], masses[0]);
    out[1] = FourMomentum::from_p3_mass(-p * d[0], -p * d[1], -p * d[2], masses[1]);
    for k in 2..n {
        let p = pk[k];
        let d = direction(rng);
        let system = FourMomentum::from_p3_mass(-p * d[0], -p * d[1], -p * d[2], inv[k - 1]);
        let frame = Frame::new(&system, inv[k - 1]);
        for v in &mut out[..k] {
            *v = frame.boost(v);
        }
        out[k] = FourMomentum::from_p3_mass(p * d[0], p * d[1], p * d[2], masses[k]);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const M_B0: f64 = 5.279_66;
    const KPIPI0: [f64; 3] = [0.493_677, 0.139_570_39, 0.134_976_8];

    /// Three-body phase space: dN/dM_1 is proportional to p*(M_1; m0, m1) p*(M; M_1, m2)
    /// (James, CERN 68-15, eq. for R_3). Chi-square of 40 bins against the integral of that
    /// density, at 1% significance (chi2_0.99(39) = 62.4), for the Dalitz-triangle sampler and
    /// for GENBOD; every event conserves four-momentum and puts the daughters on shell.
    #[test]
    fn three_body_intermediate_mass_follows_the_phase_space_density() {
        let (m, masses) = (M_B0, KPIPI0);
        let (lo, hi) = (masses[0] + masses[1], m - masses[2]);
        let bins = 40;
        let dens = |x: f64| {
            two_body_momentum_unchecked(x, masses[0], masses[1])
                * two_body_momentum_unchecked(m, x, masses[2])
        };
        let mut expect = vec![0f64; bins];
        for (i, e) in expect.iter_mut().enumerate() {
            let (a, b) =
                (lo + (hi - lo) * i as f64 / bins as f64, lo + (hi - lo) * (i + 1) as f64 / bins as f64);
            *e = (0..200).map(|j| dens(a + (b - a) * (j as f64 + 0.5) / 200.0)).sum::<f64>();
        }
        let tot: f64 = expect.iter().sum();
        let wmax = genbod_bound(m, &masses);
        for dalitz in [true, false] {
            let mut rng = ChaCha8Rng::seed_from_u64(17);
            let mut out = [FourMomentum::ZERO; 3];
            let mut h = vec![0f64; bins];
            let n = 200_000;
            for _ in 0..n {
                if dalitz {
                    assert!(three_body_at_rest(m, masses, &mut rng, &mut out, 1000));
                } else {
                    assert!(decay_at_rest(m, &masses, wmax, &mut rng, &mut out, 1000));
                }
                let s = out[0] + out[1];
                let t = out[0] + out[1] + out[2];
                assert!((t.e - m).abs() < 1e-9 * m && t.p() < 1e-9 * m);
                for (v, mi) in out.iter().zip(masses) {
                    assert!((v.mass() - mi).abs() < 1e-9, "{} vs {mi}", v.mass());
                }
                let i = (((s.mass() - lo) / (hi - lo)) * bins as f64) as usize;
                h[i.min(bins - 1)] += 1.0;
            }
            let chi2: f64 = h
                .iter()
                .zip(&expect)
                .map(|(o, e)| {
                    let e = e / tot * n as f64;
                    (o - e) * (o - e) / e
                })
                .sum();
            assert!(chi2 < 62.4, "dalitz sampler {dalitz}: chi2 = {chi2}");
        }
    }

    /// The m23^2 range at fixed m12^2 (PDG "Kinematics", Dalitz plot boundary).
    fn m23_range(m: f64, [m1, m2, m3]: [f64; 3], s12: f64) -> (f64, f64) {
        let r = s12.sqrt();
        let e2 = (s12 - m1 * m1 + m2 * m2) / (2.0 * r);
        let e3 = (m * m - s12 - m3 * m3) / (2.0 * r);
        let p2 = (e2 * e2 - m2 * m2).max(0.0).sqrt();
        let p3 = (e3 * e3 - m3 * m3).max(0.0).sqrt();
        ((e2 + e3).powi(2) - (p2 + p3).powi(2), (e2 + e3).powi(2) - (p2 - p3).powi(2))
    }

    /// The acceptance test for the simulation's three-body sampler: 10^6 decays of
    /// B0 -> K+ pi- pi0 are flat in the Dalitz plane. Flat events are uniform in (u, v), u the
    /// CDF of the m12^2 marginal (proportional to the m23^2 range) and v the position inside
    /// the m23^2 range; chi-square over a 20 x 20 grid at 1% significance (399 degrees of
    /// freedom, critical value 467.6 by Wilson-Hilferty). Also checked: a closed channel fails.
    #[test]
    fn three_body_sampler_is_flat_in_the_dalitz_plane() {
        let (m, masses) = (M_B0, KPIPI0);
        let (lo, hi) = ((masses[0] + masses[1]).powi(2), (m - masses[2]).powi(2));
        const GRID: usize = 4000;
        let h = (hi - lo) / GRID as f64;
        let width = |x: f64| {
            let (a, b) = m23_range(m, masses, x);
            b - a
        };
        let mut cdf = vec![0.0; GRID + 1];
        for i in 1..=GRID {
            // Simpson on each cell: the width has a square-root edge, so refine generously.
            let (x0, x1) = (lo + h * (i - 1) as f64, lo + h * i as f64);
            cdf[i] = cdf[i - 1] + h / 6.0 * (width(x0) + 4.0 * width(0.5 * (x0 + x1)) + width(x1));
        }
        let total = cdf[GRID];
        let bins = 20;
        let mut counts = vec![0u64; bins * bins];
        let mut rng = ChaCha8Rng::seed_from_u64(23);
        let mut out = [FourMomentum::ZERO; 3];
        let events = 1_000_000;
        for _ in 0..events {
            assert!(three_body_at_rest(m, masses, &mut rng, &mut out, 1000));
            let s12 = (out[0] + out[1]).mass2();
            let s23 = (out[1] + out[2]).mass2();
            let t = ((s12 - lo) / h).clamp(0.0, GRID as f64 - 1e-9);
            let i = t as usize;
            let u = (cdf[i] + (t - i as f64) * (cdf[i + 1] - cdf[i])) / total;
            let (a, b) = m23_range(m, masses, s12);
            let v = (s23 - a) / (b - a);
            let iu = ((u * bins as f64) as usize).min(bins - 1);
            let iv = ((v * bins as f64) as usize).min(bins - 1);
            counts[iu * bins + iv] += 1;
        }
        let expected = events as f64 / (bins * bins) as f64;
        let chi2: f64 = counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum();
        assert!(chi2 < 467.6, "chi2 = {chi2} (399 dof, 1% critical value 467.6)");
        assert!(!three_body_at_rest(1.0, [0.4, 0.4, 0.3], &mut rng, &mut out, 10));
        // Two bodies: GENBOD's bound is the weight itself.
        let p = two_body_momentum_unchecked(m, masses[0], masses[1]);
        assert!((genbod_bound(m, &masses[..2]) - p).abs() < 1e-12);
    }

    /// Random rotations: the images of z and x are orthonormal and each isotropic
    /// (<n_i> = 0, <n_z^2> = 1/3; 5-sigma bounds over 10^5 draws).
    #[test]
    fn random_axes_are_orthonormal_and_isotropic() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 100_000;
        let (mut mz, mut mx, mut z2, mut x2) = ([0.0f64; 3], [0.0f64; 3], 0.0, 0.0);
        for _ in 0..n {
            let (z, x) = random_axes(&mut rng);
            let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
            assert!((dot(z, z) - 1.0).abs() < 1e-12 && (dot(x, x) - 1.0).abs() < 1e-12);
            assert!(dot(z, x).abs() < 1e-12);
            for k in 0..3 {
                mz[k] += z[k];
                mx[k] += x[k];
            }
            z2 += z[2] * z[2];
            x2 += x[2] * x[2];
        }
        let nf = n as f64;
        let tol = 5.0 / nf.sqrt();
        for v in mz.iter().chain(mx.iter()) {
            assert!((v / nf).abs() < tol);
        }
        assert!((z2 / nf - 1.0 / 3.0).abs() < tol * 0.3);
        assert!((x2 / nf - 1.0 / 3.0).abs() < tol * 0.3);
    }

    /// Isotropy: <x> = <y> = <z> = 0, <z^2> = 1/3; uniform azimuth: <cos> = <sin> = 0,
    /// <cos^2> = 1/2, <cos sin> = 0 (5-sigma statistical bounds, 10^5 draws).
    #[test]
    fn directions_are_isotropic_and_azimuths_uniform() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let n = 100_000;
        let (mut m, mut z2, mut c, mut c2, mut cs) = ([0.0f64; 3], 0.0, [0.0f64; 2], 0.0, 0.0);
        for _ in 0..n {
            let d = direction(&mut rng);
            assert!((d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - 1.0).abs() < 1e-12);
            for k in 0..3 {
                m[k] += d[k];
            }
            z2 += d[2] * d[2];
            let (co, si) = cos_sin_uniform(&mut rng);
            assert!((co * co + si * si - 1.0).abs() < 1e-12);
            c[0] += co;
            c[1] += si;
            c2 += co * co;
            cs += co * si;
        }
        let nf = n as f64;
        let tol = 5.0 / nf.sqrt();
        for v in m.iter().chain(c.iter()) {
            assert!((v / nf).abs() < tol);
        }
        assert!((z2 / nf - 1.0 / 3.0).abs() < tol * 0.3);
        assert!((c2 / nf - 0.5).abs() < tol * 0.71);
        assert!((cs / nf).abs() < tol * 0.5);
    }

    #[test]
    fn frame_boost_matches_hepzero_kinematics() {
        let parent = FourMomentum::from_p3_mass(3.0, -4.0, 40.0, 5.279_66);
        let v = FourMomentum::from_p3_mass(1.2, 0.3, -2.0, 0.493_677);
        let a = Frame::new(&parent, 5.279_66).boost(&v);
        let b = v.boost_from_rest_frame_with_mass(&parent, 5.279_66);
        for (x, y) in [(a.px, b.px), (a.py, b.py), (a.pz, b.pz), (a.e, b.e)] {
            assert!((x - y).abs() < 1e-12 * b.e);
        }
    }

    #[test]
    fn many_body_events_conserve_momentum() {
        let masses = [0.139_570_39; 6];
        let wmax = genbod_bound(2.0, &masses);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut out = [FourMomentum::ZERO; 6];
        for _ in 0..1000 {
            assert!(decay_at_rest(2.0, &masses, wmax, &mut rng, &mut out, 100_000));
            let s = out.iter().fold(FourMomentum::ZERO, |a, b| a + *b);
            assert!((s.e - 2.0).abs() < 1e-9 && s.p() < 1e-9);
            for (v, m) in out.iter().zip(masses) {
                assert!((v.mass() - m).abs() < 1e-9);
            }
        }
    }
}
