//! Detector response with RapidSim's LHCb defaults (arXiv:1612.07489; RapidSim `config/smear`):
//! - box acceptance |px/pz| < 0.3, |py/pz| < 0.25, sqrt(tx^2 + ty^2) > 0.01 on the true momentum
//!   of every reconstructed particle (`RapidAcceptanceLHCb::partInAcceptance`);
//! - tracks: sigma_p/p interpolated linearly in p from RapidSim's `smear12.root` graph
//!   (0.50% at 5 GeV ... 1.12% at 235 GeV, `fixtures/fastsim/lhcb_momentum_resolution.txt`) and
//!   slope smearing sigma_t = sqrt(6.2e-5^2 + (2.1e-3 GeV / p)^2) on tx and ty
//!   (`RapidMomentumSmearGauss`);
//! - photons and pi0 (calorimeter): sigma_E/E = 9%/sqrt(E/GeV) (+) 0.8%, RapidSim's
//!   `config/smear/LHCbPhoton` (`RapidMomentumSmearEnergyGauss`); the LHCb ECAL design figure is
//!   10%/sqrt(E) (+) 1% (LHCb, Int. J. Mod. Phys. A 30 (2015) 1530022, arXiv:1412.6352).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Box acceptance on track slopes tx = px/pz, ty = py/pz (forward arm only: pz > 0).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoxAcceptance {
    /// Maximal |tx|.
    pub max_tx: f64,
    /// Maximal |ty|.
    pub max_ty: f64,
    /// Minimal sqrt(tx^2 + ty^2) (beam pipe).
    pub min_slope: f64,
}

impl Default for BoxAcceptance {
    fn default() -> Self {
        Self { max_tx: 0.3, max_ty: 0.25, min_slope: 0.01 }
    }
}

impl BoxAcceptance {
    /// Whether a particle of momentum (px, py, pz) is inside.
    #[inline]
    #[must_use]
    pub fn contains(&self, px: f64, py: f64, pz: f64) -> bool {
        // Multiplied through by pz > 0: no division in the hot loop.
        // `&`, not `&&`: four comparisons are cheaper than the branches that would skip some.
        (pz > 0.0)
            & (px.abs() < self.max_tx * pz)
            & (py.abs() < self.max_ty * pz)
            & (px * px + py * py > self.min_slope * self.min_slope * pz * pz)
    }
}

/// Track-slope resolution sigma_t(p) = sqrt(constant^2 + (multiple_scattering / p)^2).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlopeResolution {
    /// Constant term (RapidSim: 6.2e-5).
    pub constant: f64,
    /// Multiple-scattering term in GeV (RapidSim: 2.1e-3 GeV).
    pub multiple_scattering: f64,
}

impl Default for SlopeResolution {
    fn default() -> Self {
        Self { constant: 6.2e-5, multiple_scattering: 2.1e-3 }
    }
}

/// Calorimeter energy resolution sigma_E/E = stochastic/sqrt(E) (+) constant (E in GeV).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaloResolution {
    /// Stochastic term (RapidSim LHCbPhoton: 0.09).
    pub stochastic: f64,
    /// Constant term (RapidSim LHCbPhoton: 0.008).
    pub constant: f64,
}

impl Default for CaloResolution {
    fn default() -> Self {
        Self { stochastic: 0.09, constant: 0.008 }
    }
}

/// RapidSim's LHCb sigma_p/p graph: (p in GeV, sigma_p/p), from `smear12.root`.
pub const LHCB_MOMENTUM_RESOLUTION: [[f64; 2]; 13] = [
    [5.0, 0.0050],
    [10.0, 0.0048],
    [20.0, 0.0052],
    [30.0, 0.0058],
    [40.0, 0.0060],
    [50.0, 0.0066],
    [60.0, 0.0070],
    [70.0, 0.0075],
    [80.0, 0.0080],
    [100.0, 0.0086],
    [120.0, 0.0090],
    [150.0, 0.0096],
    [235.0, 0.0112],
];

/// Detector configuration (serde; every field defaults to RapidSim's LHCb value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetectorConfig {
    /// Acceptance; `None` accepts everything (4 pi).
    pub acceptance: Option<BoxAcceptance>,
    /// sigma_p/p versus p (GeV) for tracks, linearly interpolated and extrapolated as ROOT's
    /// `TGraph::Eval`; sorted by p, at least two points.
    pub momentum_resolution: Vec<[f64; 2]>,
    /// Track-slope resolution.
    pub slope_resolution: SlopeResolution,
    /// Calorimeter resolution for photons and pi0.
    pub calorimeter: CaloResolution,
    /// `false` turns every smearing off (true momenta with the assigned mass hypotheses).
    pub smear: bool,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self {
            acceptance: Some(BoxAcceptance::default()),
            momentum_resolution: LHCB_MOMENTUM_RESOLUTION.to_vec(),
            slope_resolution: SlopeResolution::default(),
            calorimeter: CaloResolution::default(),
            smear: true,
        }
    }
}

impl DetectorConfig {
    /// A perfect detector: no smearing, no acceptance.
    #[must_use]
    pub fn perfect() -> Self {
        Self { acceptance: None, smear: false, ..Self::default() }
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let res = &self.momentum_resolution;
        if res.len() < 2 {
            return Err(Error::config(
                "detector.momentum_resolution",
                format!("{res:?}"),
                "needs at least two (p, sigma_p/p) points",
            ));
        }
        for (i, w) in res.windows(2).enumerate() {
            if w[1][0].partial_cmp(&w[0][0]) != Some(std::cmp::Ordering::Greater) {
                return Err(Error::config(
                    &format!("detector.momentum_resolution[{}]", i + 1),
                    w[1][0],
                    "momenta must be strictly increasing",
                ));
            }
        }
        for (i, p) in res.iter().enumerate() {
            if !(p[0].is_finite() && p[1].is_finite() && p[1] >= 0.0) {
                return Err(Error::config(
                    &format!("detector.momentum_resolution[{i}]"),
                    format!("{p:?}"),
                    "must be finite with sigma_p/p >= 0",
                ));
            }
        }
        let non_neg = [
            ("detector.slope_resolution.constant", self.slope_resolution.constant),
            ("detector.slope_resolution.multiple_scattering", self.slope_resolution.multiple_scattering),
            ("detector.calorimeter.stochastic", self.calorimeter.stochastic),
            ("detector.calorimeter.constant", self.calorimeter.constant),
        ];
        for (field, v) in non_neg {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::config(field, v, "must be finite and non-negative"));
            }
        }
        if let Some(a) = &self.acceptance {
            for (field, v) in [
                ("detector.acceptance.max_tx", a.max_tx),
                ("detector.acceptance.max_ty", a.max_ty),
                ("detector.acceptance.min_slope", a.min_slope),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(Error::config(field, v, "must be finite and non-negative"));
                }
            }
        }
        Ok(())
    }

    /// sigma_p/p at momentum `p` (GeV): linear interpolation between the two neighbouring points,
    /// linear extrapolation from the two end points outside, clamped at 0 (ROOT `TGraph::Eval`).
    #[must_use]
    pub fn relative_momentum_resolution(&self, p: f64) -> f64 {
        interpolate(&self.momentum_resolution, p)
    }

    /// sigma_E/E at energy `e` (GeV) for the calorimeter.
    #[must_use]
    pub fn relative_energy_resolution(&self, e: f64) -> f64 {
        let c = &self.calorimeter;
        let s = c.stochastic / e.max(1e-12).sqrt();
        (s * s + c.constant * c.constant).sqrt()
    }

    /// Track-slope resolution at momentum `p` (GeV).
    #[must_use]
    pub fn slope_resolution(&self, p: f64) -> f64 {
        let s = &self.slope_resolution;
        let ms = s.multiple_scattering / p.max(1e-12);
        (s.constant * s.constant + ms * ms).sqrt()
    }
}

/// Piecewise-linear interpolation on sorted points (at least two), extrapolating with the end
/// segments, clamped at zero.
pub(crate) fn interpolate(points: &[[f64; 2]], x: f64) -> f64 {
    let n = points.len();
    if n == 0 {
        return 0.0;
    }
    if n == 1 {
        return points[0][1].max(0.0);
    }
    let i = points.partition_point(|p| p[0] <= x).clamp(1, n - 1);
    let [x0, y0] = points[i - 1];
    let [x1, y1] = points[i];
    (y0 + (y1 - y0) * (x - x0) / (x1 - x0)).max(0.0)
}

/// Precomputed, uniformly spaced lookup of sigma_p/p for the hot loop (exact at the graph points
/// when they lie on the grid; otherwise within the linear-interpolation error of a 0.25 GeV grid).
#[derive(Clone, Debug)]
pub(crate) struct ResolutionLut {
    step: f64,
    inv_step: f64,
    table: Vec<f64>,
    tail: [[f64; 2]; 2],
}

impl ResolutionLut {
    pub(crate) fn new(points: &[[f64; 2]]) -> Self {
        let step = 0.25;
        let max_p = points.last().map_or(0.0, |p| p[0]).max(1.0);
        let n = (max_p / step).ceil() as usize + 2;
        let table = (0..n).map(|i| interpolate(points, i as f64 * step)).collect();
        let tail = if points.len() >= 2 {
            [points[points.len() - 2], points[points.len() - 1]]
        } else {
            [[0.0, 0.0], [1.0, 0.0]]
        };
        Self { step, inv_step: 1.0 / step, table, tail }
    }

    #[inline]
    pub(crate) fn eval(&self, p: f64) -> f64 {
        let x = p * self.inv_step;
        let i = x as usize;
        if i + 1 < self.table.len() {
            let f = x - i as f64;
            let a = self.table[i];
            a + (self.table[i + 1] - a) * f
        } else {
            let _ = self.step;
            interpolate(&self.tail, p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_reproduce_rapidsim_graph_points_of_issue() {
        let d = DetectorConfig::default();
        // sigma_p/p = 0.50% at 5 GeV, 0.52% at 20, 0.60% at 40, 0.86% at 100, 1.12% at 235 GeV.
        for (p, r) in [(5.0, 0.0050), (20.0, 0.0052), (40.0, 0.0060), (100.0, 0.0086), (235.0, 0.0112)] {
            assert!((d.relative_momentum_resolution(p) - r).abs() < 1e-12, "{p}");
        }
        // Midway between 20 and 30 GeV: (0.52% + 0.58%)/2.
        assert!((d.relative_momentum_resolution(25.0) - 0.0055).abs() < 1e-12);
        // Extrapolation beyond 235 GeV continues the last segment (150 -> 235 GeV).
        let slope = (0.0112 - 0.0096) / 85.0;
        assert!((d.relative_momentum_resolution(300.0) - (0.0112 + 65.0 * slope)).abs() < 1e-12);
        d.validate().unwrap();
    }

    #[test]
    fn defaults_match_extracted_fixture() {
        let text = include_str!("../../../fixtures/fastsim/lhcb_momentum_resolution.txt");
        let pts: Vec<[f64; 2]> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let v: Vec<f64> = l.split_whitespace().map(|t| t.parse().unwrap()).collect();
                [v[0], v[1]]
            })
            .collect();
        assert_eq!(pts.len(), LHCB_MOMENTUM_RESOLUTION.len());
        for (a, b) in pts.iter().zip(LHCB_MOMENTUM_RESOLUTION.iter()) {
            assert!((a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-7, "{a:?} {b:?}");
        }
    }

    #[test]
    fn lut_agrees_with_exact_interpolation() {
        let d = DetectorConfig::default();
        let lut = ResolutionLut::new(&d.momentum_resolution);
        for i in 0..5000 {
            let p = 0.1 + i as f64 * 0.07;
            let exact = d.relative_momentum_resolution(p);
            assert!((lut.eval(p) - exact).abs() < 1e-9, "p = {p}");
        }
    }

    #[test]
    fn acceptance_box_and_slopes() {
        let a = BoxAcceptance::default();
        assert!(a.contains(0.1, 0.1, 10.0));
        assert!(!a.contains(3.1, 0.0, 10.0)); // tx = 0.31
        assert!(!a.contains(0.0, 2.6, 10.0)); // ty = 0.26
        assert!(!a.contains(0.05, 0.05, 10.0)); // slope 0.007 < 0.01 (beam pipe)
        assert!(!a.contains(0.1, 0.1, -10.0)); // backward
        let d = DetectorConfig::default();
        // 9%/sqrt(4 GeV) (+) 0.8% = sqrt(0.045^2 + 0.008^2).
        assert!((d.relative_energy_resolution(4.0) - (0.045f64.hypot(0.008))).abs() < 1e-15);
        assert!((d.slope_resolution(10.0) - (6.2e-5f64).hypot(2.1e-4)).abs() < 1e-15);
    }
}
