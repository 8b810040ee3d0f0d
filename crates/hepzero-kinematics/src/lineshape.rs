//! Resonance line shapes: the relativistic Breit-Wigner with a fixed width and the
//! mass-dependent-width form with Blatt-Weisskopf barrier factors, both truncated to a mass
//! range so that decay products are always on shell.
//!
//! Fixed width: dN/dm proportional to m / ((m^2 - M^2)^2 + M^2 Gamma^2), i.e. a Cauchy
//! distribution in s = m^2, sampled exactly by inverting its CDF
//! (s = M^2 + M Gamma tan theta, theta uniform).
//!
//! Mass-dependent width (J. D. Jackson, Nuovo Cim. 34 (1964) 1644; PDG Review "Resonances",
//! section 50): dN/dm proportional to m Gamma(m) / ((m^2 - M^2)^2 + M^2 Gamma(m)^2) with
//! Gamma(m) = Gamma_0 (q/q_0) (M/m) F_L^2(q R) / F_L^2(q_0 R), where q (q_0) is the daughter
//! momentum at mass m (M) and F_L the Blatt-Weisskopf barrier factors in the normalisation of
//! F. von Hippel and C. Quigg, Phys. Rev. D 5 (1972) 624 (J. M. Blatt and V. F. Weisskopf,
//! Theoretical Nuclear Physics, 1952): F_0^2 = 1, F_1^2 = 2z/(1+z), F_2^2 = 13z^2/((z-3)^2 + 9z),
//! z = (qR)^2. For L = 1 this is the familiar Gamma_0 (q/q_0)^3 (M/m) (1 + z_0)/(1 + z).
//! It is sampled by accept-reject in the same theta variable, against a piecewise-constant
//! envelope (the density's maximum on each of 64 theta bins, plus a 10% margin).

use crate::error::{Error, Result, check_non_negative};
use crate::twobody::two_body_momentum_unchecked;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Attempts after which a line-shape sampler gives up (only reachable for pathological input).
const MAX_TRIES: u64 = 10_000_000;

/// Number of theta bins of the mass-dependent shape's accept-reject envelope.
const ENVELOPE_BINS: usize = 64;

/// Blatt-Weisskopf barrier factor squared F_L^2(z), z = (q R)^2, for orbital angular
/// momentum `l` = 0, 1, 2 (von Hippel-Quigg normalisation, F_L^2 -> 1 as z -> infinity).
///
/// # Errors
/// [`Error::InvalidValue`] for `l > 2` (not tabulated here).
pub fn blatt_weisskopf_f2(l: u32, z: f64) -> Result<f64> {
    match l {
        0 => Ok(1.0),
        1 => Ok(2.0 * z / (1.0 + z)),
        2 => Ok(13.0 * z * z / ((z - 3.0) * (z - 3.0) + 9.0 * z)),
        _ => Err(Error::InvalidValue {
            what: "orbital angular momentum L (0, 1 or 2 supported)",
            value: f64::from(l),
        }),
    }
}

/// Fixed-width relativistic Breit-Wigner truncated to [min, max].
#[derive(Clone, Debug, PartialEq)]
pub struct BreitWigner {
    mass: f64,
    width: f64,
    min: f64,
    max: f64,
    theta_lo: f64,
    theta_hi: f64,
}

impl BreitWigner {
    /// Pole mass `mass`, width `width` (GeV), truncated to (`min`, `max`]: `min` is the sum of
    /// the daughter masses, `max` what the parent leaves available (use `f64::INFINITY` for
    /// no upper limit).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for negative or non-finite mass/width/min, [`Error::EmptyRange`]
    /// when `max <= min`, or when the width is zero and the mass is outside the range.
    pub fn new(mass: f64, width: f64, min: f64, max: f64) -> Result<Self> {
        check_non_negative("resonance mass", mass)?;
        check_non_negative("resonance width", width)?;
        check_non_negative("lower mass limit", min)?;
        if max.is_nan() || max <= min || (width == 0.0 && !(mass > min && mass <= max)) {
            return Err(Error::EmptyRange { min, max });
        }
        let (theta_lo, theta_hi) = if width > 0.0 {
            let g = mass * width;
            (((min * min - mass * mass) / g).atan(), ((max * max - mass * mass) / g).atan())
        } else {
            (0.0, 0.0)
        };
        Ok(Self { mass, width, min, max, theta_lo, theta_hi })
    }

    /// Pole mass (GeV).
    #[must_use]
    pub fn mass(&self) -> f64 {
        self.mass
    }

    /// Width (GeV).
    #[must_use]
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Normalised probability density in m over the truncated range.
    #[must_use]
    pub fn pdf(&self, m: f64) -> f64 {
        if self.width == 0.0 || m <= self.min || m > self.max {
            return 0.0;
        }
        let g = self.mass * self.width;
        let x = m * m - self.mass * self.mass;
        2.0 * m * g / (x * x + g * g) / (self.theta_hi - self.theta_lo)
    }

    /// Draw one mass, strictly above `min` and at most `max`.
    pub fn sample(&self, rng: &mut (impl Rng + ?Sized)) -> f64 {
        if self.width == 0.0 {
            return self.mass;
        }
        let g = self.mass * self.width;
        for _ in 0..MAX_TRIES {
            let theta = self.theta_lo + (self.theta_hi - self.theta_lo) * rng.random::<f64>();
            let s = self.mass * self.mass + g * theta.tan();
            let m = s.max(0.0).sqrt();
            // Rounding can land exactly on the threshold; redraw so daughters stay on shell.
            if m > self.min && m <= self.max {
                return m;
            }
        }
        // Unreachable for any valid range; the midpoint is on shell.
        0.5 * (self.min + self.max.min(self.min + self.mass + self.width))
    }
}

/// Relativistic Breit-Wigner with mass-dependent width and Blatt-Weisskopf barrier factors for
/// a resonance decaying to two particles of masses `m_a`, `m_b` in partial wave L.
#[derive(Clone, Debug, PartialEq)]
pub struct MassDependentBreitWigner {
    mass: f64,
    width: f64,
    m_a: f64,
    m_b: f64,
    l: u32,
    radius: f64,
    max: f64,
    q0: f64,
    f2_0: f64,
    theta_lo: f64,
    theta_hi: f64,
    /// Envelope height in each theta bin.
    envelope: Vec<f64>,
    /// Cumulative envelope area, normalised to 1 at the last bin.
    cumulative: Vec<f64>,
}

/// Default Blatt-Weisskopf radius for light resonances, 1.5 GeV^-1 (about 0.3 fm), the value
/// common in LHCb amplitude analyses.
pub const DEFAULT_BW_RADIUS: f64 = 1.5;

impl MassDependentBreitWigner {
    /// Pole mass `mass` and width `width` (GeV) of a resonance decaying to masses `m_a`, `m_b`
    /// in partial wave `l` (0, 1 or 2) with barrier radius `radius` (GeV^-1), truncated to
    /// (m_a + m_b, `max`].
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a negative mass, width or radius, a zero width or L > 2;
    /// [`Error::BelowThreshold`] if the pole is below m_a + m_b; [`Error::EmptyRange`] if
    /// `max <= m_a + m_b`.
    pub fn new(mass: f64, width: f64, m_a: f64, m_b: f64, l: u32, radius: f64, max: f64) -> Result<Self> {
        check_non_negative("resonance mass", mass)?;
        check_non_negative("resonance width", width)?;
        check_non_negative("daughter mass a", m_a)?;
        check_non_negative("daughter mass b", m_b)?;
        check_non_negative("Blatt-Weisskopf radius", radius)?;
        if width == 0.0 {
            return Err(Error::InvalidValue {
                what: "resonance width (must be > 0 for a mass-dependent width)",
                value: width,
            });
        }
        let min = m_a + m_b;
        if mass <= min {
            return Err(Error::BelowThreshold { parent: mass, threshold: min });
        }
        if max.is_nan() || max <= min {
            return Err(Error::EmptyRange { min, max });
        }
        let q0 = two_body_momentum_unchecked(mass, m_a, m_b);
        let f2_0 = blatt_weisskopf_f2(l, (q0 * radius).powi(2))?;
        let g = mass * width;
        let mut shape = Self {
            mass,
            width,
            m_a,
            m_b,
            l,
            radius,
            max,
            q0,
            f2_0,
            theta_lo: ((min * min - mass * mass) / g).atan(),
            theta_hi: ((max * max - mass * mass) / g).atan(),
            envelope: Vec::new(),
            cumulative: Vec::new(),
        };
        // Envelope: in each of ENVELOPE_BINS theta bins, the largest density on 17 points, with
        // a 10% margin for the smooth variation between them.
        let span = shape.theta_hi - shape.theta_lo;
        let mut total = 0.0;
        for i in 0..ENVELOPE_BINS {
            let mut top: f64 = 0.0;
            for j in 0..=16 {
                let t = shape.theta_lo + span * (i as f64 + j as f64 / 16.0) / ENVELOPE_BINS as f64;
                top = top.max(shape.theta_density(t));
            }
            let height = 1.1 * top + f64::MIN_POSITIVE;
            total += height;
            shape.envelope.push(height);
            shape.cumulative.push(total);
        }
        for c in &mut shape.cumulative {
            *c /= total;
        }
        Ok(shape)
    }

    /// Pole mass (GeV).
    #[must_use]
    pub fn mass(&self) -> f64 {
        self.mass
    }

    /// Width at the pole (GeV).
    #[must_use]
    pub fn width(&self) -> f64 {
        self.width
    }

    /// The running width Gamma(m) (GeV); zero at and below threshold.
    #[must_use]
    pub fn width_at(&self, m: f64) -> f64 {
        let q = two_body_momentum_unchecked(m, self.m_a, self.m_b);
        if q <= 0.0 {
            return 0.0;
        }
        let f2 = blatt_weisskopf_f2(self.l, (q * self.radius).powi(2)).unwrap_or(1.0);
        self.width * (q / self.q0) * (self.mass / m) * f2 / self.f2_0
    }

    /// Unnormalised density in m: m Gamma(m) / ((m^2 - M^2)^2 + M^2 Gamma(m)^2).
    #[must_use]
    pub fn density(&self, m: f64) -> f64 {
        if m <= self.m_a + self.m_b || m > self.max {
            return 0.0;
        }
        let w = self.width_at(m);
        let x = m * m - self.mass * self.mass;
        m * w / (x * x + self.mass * self.mass * w * w)
    }

    /// Density in theta (s = M^2 + M Gamma_0 tan theta), in which the fixed-width shape is flat.
    fn theta_density(&self, theta: f64) -> f64 {
        let g = self.mass * self.width;
        let s = self.mass * self.mass + g * theta.tan();
        if s <= 0.0 {
            return 0.0;
        }
        let m = s.sqrt();
        let w = self.width_at(m);
        let x = s - self.mass * self.mass;
        let gm = self.mass * w;
        (w / self.width) * (x * x + g * g) / (x * x + gm * gm)
    }

    /// Draw one mass in (m_a + m_b, max].
    pub fn sample(&self, rng: &mut (impl Rng + ?Sized)) -> f64 {
        let g = self.mass * self.width;
        let min = self.m_a + self.m_b;
        for _ in 0..MAX_TRIES {
            let u = rng.random::<f64>();
            let bin = self.cumulative.partition_point(|&c| c < u).min(ENVELOPE_BINS - 1);
            let height = self.envelope.get(bin).copied().unwrap_or(0.0);
            let span = (self.theta_hi - self.theta_lo) / ENVELOPE_BINS as f64;
            let theta = self.theta_lo + span * (bin as f64 + rng.random::<f64>());
            if rng.random::<f64>() * height < self.theta_density(theta) {
                let m = (self.mass * self.mass + g * theta.tan()).max(0.0).sqrt();
                if m > min && m <= self.max {
                    return m;
                }
            }
        }
        self.mass.min(self.max)
    }
}

/// Which line shape a resonance uses (serde-friendly configuration).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LineShapeKind {
    /// Fixed-width relativistic Breit-Wigner.
    #[default]
    FixedWidth,
    /// Mass-dependent width with Blatt-Weisskopf factors for partial wave `l`, radius in GeV^-1.
    MassDependent {
        /// Orbital angular momentum of the decay (0, 1 or 2).
        l: u32,
        /// Barrier radius in GeV^-1.
        radius: f64,
    },
}

impl LineShapeKind {
    /// Build the sampler for a resonance of pole mass `mass` and width `width` decaying to
    /// `daughters` (masses in GeV), truncated to (sum of daughters, `max`]. The mass-dependent
    /// form needs exactly two daughters (its running width uses their two-body momentum).
    ///
    /// # Errors
    /// As the constructors of [`BreitWigner`] and [`MassDependentBreitWigner`];
    /// [`Error::InvalidValue`] for a mass-dependent shape without exactly two daughters.
    pub fn build(&self, mass: f64, width: f64, daughters: &[f64], max: f64) -> Result<LineShape> {
        match *self {
            Self::FixedWidth => {
                let min: f64 = daughters.iter().sum();
                BreitWigner::new(mass, width, min, max).map(LineShape::Fixed)
            }
            Self::MassDependent { l, radius } => match daughters {
                [a, b] => MassDependentBreitWigner::new(mass, width, *a, *b, l, radius, max)
                    .map(LineShape::MassDependent),
                _ => Err(Error::InvalidValue {
                    what: "number of daughters for a mass-dependent width (must be 2)",
                    value: daughters.len() as f64,
                }),
            },
        }
    }
}

/// A ready-to-sample line shape of either kind (configure it with [`LineShapeKind`]).
#[derive(Clone, Debug, PartialEq)]
pub enum LineShape {
    /// Fixed-width relativistic Breit-Wigner.
    Fixed(BreitWigner),
    /// Mass-dependent width with Blatt-Weisskopf factors.
    MassDependent(MassDependentBreitWigner),
}

impl LineShape {
    /// Draw one mass inside the truncation range.
    pub fn sample(&self, rng: &mut (impl Rng + ?Sized)) -> f64 {
        match self {
            Self::Fixed(bw) => bw.sample(rng),
            Self::MassDependent(bw) => bw.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_wave_width_is_the_textbook_form() {
        // L = 1: Gamma_0 (q/q0)^3 (M/m) (1 + z0)/(1 + z).
        let (mass, width, ma, mb, r) = (0.77526, 0.1491, 0.13957, 0.13957, 5.3);
        let bw = MassDependentBreitWigner::new(mass, width, ma, mb, 1, r, 2.0).unwrap();
        let m = 0.6;
        let q = two_body_momentum_unchecked(m, ma, mb);
        let q0 = two_body_momentum_unchecked(mass, ma, mb);
        let expect =
            width * (q / q0).powi(3) * (mass / m) * (1.0 + (q0 * r).powi(2)) / (1.0 + (q * r).powi(2));
        assert!((bw.width_at(m) - expect).abs() < 1e-14);
        assert!((bw.width_at(mass) - width).abs() < 1e-15);
    }

    #[test]
    fn rejects_bad_ranges() {
        assert!(BreitWigner::new(0.9, 0.05, 1.0, 0.8).is_err());
        assert!(BreitWigner::new(0.9, 0.0, 1.0, 2.0).is_err());
        assert!(MassDependentBreitWigner::new(0.2, 0.1, 0.14, 0.14, 1, 1.5, 1.0).is_err());
        assert!(blatt_weisskopf_f2(3, 1.0).is_err());
        let kind = LineShapeKind::MassDependent { l: 1, radius: 1.5 };
        assert!(kind.build(0.9, 0.05, &[0.1, 0.1, 0.1], 2.0).is_err());
    }

    #[test]
    fn built_shapes_sample_inside_their_range() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for kind in
            [LineShapeKind::FixedWidth, LineShapeKind::MassDependent { l: 1, radius: DEFAULT_BW_RADIUS }]
        {
            let shape = kind.build(0.89555, 0.0473, &[0.493677, 0.13957], 1.2).unwrap();
            for _ in 0..10_000 {
                let m = shape.sample(&mut rng);
                assert!(m > 0.493677 + 0.13957 && m <= 1.2);
            }
        }
    }
}
