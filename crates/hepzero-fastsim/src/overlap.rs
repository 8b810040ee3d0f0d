//! Kinematic overlap of a background with a signal (the fast-simulation factor of the background
//! finder's reward, seeds 000/001): overlap = (fraction of background candidates in a mass range)
//! / (fraction of signal candidates in it), fractions taken over candidates in acceptance.
//! Two ranges are always reported: the fit range (default m_S +- 500 MeV, where an analyst must
//! model every background, partially reconstructed ones included) and the signal window
//! (+- 3 sigma around the signal's simulated peak, sigma the Gaussian-equivalent core width).
//!
//! A [`SignalReference`] simulates the signal once; backgrounds are compared against it, either
//! with a fixed number of events or in a streaming mode that stops once the requested relative
//! precision is reached (or the overlap is shown to be negligible).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sim::{FastSim, MassSummary};

/// A candidate-mass interval [lo, hi) in GeV.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MassRange {
    /// Lower edge (GeV).
    pub lo: f64,
    /// Upper edge (GeV).
    pub hi: f64,
}

/// How the two ranges are built from the signal.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverlapConfig {
    /// Half width of the fit range around the signal head's nominal mass (GeV); default 0.5.
    pub fit_half_width: f64,
    /// Explicit fit range, overriding `fit_half_width`.
    pub fit_range: Option<MassRange>,
    /// Half width of the signal window in units of the signal's core width; default 3.
    pub window_sigmas: f64,
}

impl Default for OverlapConfig {
    fn default() -> Self {
        Self { fit_half_width: 0.5, fit_range: None, window_sigmas: 3.0 }
    }
}

/// The simulated signal, reusable for any number of backgrounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalReference {
    /// Nominal mass of the signal's head (GeV).
    pub nominal_mass: f64,
    /// Fit range.
    pub fit_range: MassRange,
    /// Signal window (peak +- window_sigmas * peak_sigma).
    pub signal_window: MassRange,
    /// The signal's mass summary (peak, core width, acceptance).
    pub summary: MassSummary,
    /// Fraction of accepted signal candidates in the fit range.
    pub fit_fraction: f64,
    /// Fraction of accepted signal candidates in the signal window.
    pub window_fraction: f64,
}

/// Overlap in one range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RangeOverlap {
    /// The range.
    pub range: MassRange,
    /// Fraction of accepted background candidates inside.
    pub background_fraction: f64,
    /// Its binomial standard error.
    pub background_fraction_error: f64,
    /// Fraction of accepted signal candidates inside.
    pub signal_fraction: f64,
    /// background_fraction / signal_fraction.
    pub overlap: f64,
    /// Standard error of the overlap from the background statistics alone (the signal
    /// reference is a fixed denominator).
    pub overlap_error: f64,
}

/// The overlap of one background with the signal.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overlap {
    /// In the fit range.
    pub fit_range: RangeOverlap,
    /// In the signal window.
    pub signal_window: RangeOverlap,
    /// Background events generated.
    pub generated: u64,
    /// Background candidates in acceptance.
    pub accepted: u64,
    /// accepted / generated.
    pub acceptance: f64,
    /// Streaming mode: whether the stopping rule was met before `max_events`.
    pub converged: bool,
}

/// Streaming-mode settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StreamingConfig {
    /// Target relative standard error of the overlap in both ranges.
    pub relative_precision: f64,
    /// An overlap whose 2-sigma upper bound is below this counts as determined (negligible).
    pub negligible_overlap: f64,
    /// A range also counts as determined when the 2-sigma upper bound of the background's
    /// relative yield in it, (in-range candidates / generated events) / (signal acceptance x
    /// signal in-range fraction), i.e. the overlap times the acceptance ratio, is below this
    /// (0 = off). A caller whose figure of merit is that product (the background finder's
    /// reward) can stop on it: for a background with acceptance well below 1 it is determined
    /// from far fewer events than the overlap alone.
    pub negligible_relative_yield: f64,
    /// Events generated before the first check.
    pub min_events: u64,
    /// Hard limit on generated events.
    pub max_events: u64,
    /// Chunks generated between two checks (fixed, so the stopping point does not depend on
    /// the number of threads).
    pub chunks_per_round: u64,
}

impl Default for StreamingConfig {
    fn default() -> Self {
        Self {
            relative_precision: 0.05,
            negligible_overlap: 1e-3,
            negligible_relative_yield: 0.0,
            min_events: 8192,
            max_events: 4_000_000,
            chunks_per_round: 4,
        }
    }
}

fn in_range_fraction(masses: &[f64], r: MassRange) -> f64 {
    if masses.is_empty() {
        return 0.0;
    }
    masses.iter().filter(|&&m| m >= r.lo && m < r.hi).count() as f64 / masses.len() as f64
}

impl SignalReference {
    /// Simulates the signal with `n_events` events from `seed`.
    ///
    /// # Errors
    /// [`Error::EmptySample`] when no signal candidate is accepted or none falls in a range;
    /// [`Error::InvalidConfig`] for a bad configuration.
    pub fn new(signal: &FastSim, n_events: u64, seed: u64, config: &OverlapConfig) -> Result<Self> {
        if !(config.window_sigmas > 0.0 && config.window_sigmas.is_finite()) {
            return Err(Error::config("overlap.window_sigmas", config.window_sigmas, "must be positive"));
        }
        let nominal = signal.chain().head().mass;
        let fit_range = match config.fit_range {
            Some(r) if r.hi > r.lo => r,
            Some(r) => {
                return Err(Error::config(
                    "overlap.fit_range",
                    format!("[{}, {})", r.lo, r.hi),
                    "needs hi > lo",
                ));
            }
            None if config.fit_half_width > 0.0 => {
                MassRange { lo: nominal - config.fit_half_width, hi: nominal + config.fit_half_width }
            }
            None => {
                return Err(Error::config(
                    "overlap.fit_half_width",
                    config.fit_half_width,
                    "must be positive",
                ));
            }
        };
        let sample = signal.sample(n_events, seed)?;
        let summary = sample.summary()?;
        let half = config.window_sigmas * summary.peak_sigma;
        let signal_window = MassRange { lo: summary.peak - half, hi: summary.peak + half };
        let fit_fraction = in_range_fraction(&sample.masses, fit_range);
        let window_fraction = in_range_fraction(&sample.masses, signal_window);
        if fit_fraction <= 0.0 || window_fraction <= 0.0 {
            return Err(Error::EmptySample {
                what: "no signal candidate in the fit range or the signal window".into(),
            });
        }
        Ok(Self { nominal_mass: nominal, fit_range, signal_window, summary, fit_fraction, window_fraction })
    }

    fn ranges(&self) -> [(f64, f64); 2] {
        [(self.fit_range.lo, self.fit_range.hi), (self.signal_window.lo, self.signal_window.hi)]
    }

    fn build(&self, generated: u64, accepted: u64, counts: &[u64], converged: bool) -> Overlap {
        let range = |k: usize, r: MassRange, sf: f64| {
            let n = accepted.max(1) as f64;
            let f = counts.get(k).copied().unwrap_or(0) as f64 / n;
            let fe = (f * (1.0 - f) / n).sqrt();
            RangeOverlap {
                range: r,
                background_fraction: f,
                background_fraction_error: fe,
                signal_fraction: sf,
                overlap: f / sf,
                overlap_error: fe / sf,
            }
        };
        Overlap {
            fit_range: range(0, self.fit_range, self.fit_fraction),
            signal_window: range(1, self.signal_window, self.window_fraction),
            generated,
            accepted,
            acceptance: accepted as f64 / generated.max(1) as f64,
            converged,
        }
    }

    /// Overlap of `background` with this signal from `n_events` background events.
    ///
    /// # Errors
    /// As [`FastSim::run`].
    pub fn overlap(&self, background: &FastSim, n_events: u64, seed: u64) -> Result<Overlap> {
        let cs = background.options().chunk_size as u64;
        let chunks = n_events.div_ceil(cs);
        // All chunks are full except possibly the last: count it separately with its size.
        let full = n_events / cs;
        let (mut g, mut _f, mut a, mut c) = background.count_chunks(0..full, seed, &self.ranges())?;
        if chunks > full {
            let rest = n_events - full * cs;
            let part = background.count_chunks_partial(full, rest, seed, &self.ranges())?;
            g += part.0;
            _f += part.1;
            a += part.2;
            for (t, v) in c.iter_mut().zip(part.3) {
                *t += v;
            }
        }
        Ok(self.build(g, a, &c, true))
    }

    /// Overlap of `background` estimated in rounds of `config.chunks_per_round` chunks, stopping
    /// as soon as, in both ranges, the relative standard error of the overlap is below
    /// `config.relative_precision`, or its 2-sigma upper bound is below
    /// `config.negligible_overlap` (with no candidate in a range, the bound uses 3 / accepted,
    /// the 95% upper limit for zero counts), or the 2-sigma upper bound of the relative yield is
    /// below `config.negligible_relative_yield` (the same bounds per generated event), or
    /// `config.max_events` is reached.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a bad configuration; as [`FastSim::run`].
    pub fn overlap_streaming(
        &self,
        background: &FastSim,
        config: &StreamingConfig,
        seed: u64,
    ) -> Result<Overlap> {
        if config.relative_precision.is_nan()
            || config.relative_precision <= 0.0
            || config.chunks_per_round == 0
            || config.max_events == 0
        {
            return Err(Error::config(
                "streaming",
                format!("{config:?}"),
                "needs relative_precision > 0, chunks_per_round >= 1, max_events >= 1",
            ));
        }
        let cs = background.options().chunk_size as u64;
        let max_chunks = config.max_events.div_ceil(cs).max(1);
        let ranges = self.ranges();
        let (mut g, mut a, mut c) = (0u64, 0u64, [0u64; 2]);
        let mut next = 0u64;
        while next < max_chunks {
            let end = (next + config.chunks_per_round).min(max_chunks);
            let (dg, _df, da, dc) = background.count_chunks(next..end, seed, &ranges)?;
            next = end;
            g += dg;
            a += da;
            for (t, v) in c.iter_mut().zip(dc) {
                *t += v;
            }
            if g < config.min_events || a == 0 {
                continue;
            }
            let (n, generated) = (a as f64, g as f64);
            let acc_s = self.summary.acceptance;
            // 2-sigma upper bound of a binomial fraction k / total (3 / total for k = 0).
            let upper = |k: u64, total: f64| {
                let f = k as f64 / total;
                if k == 0 { 3.0 / total } else { f + 2.0 * (f * (1.0 - f) / total).sqrt() }
            };
            let done = |k: usize, sf: f64| {
                let f = c[k] as f64 / n;
                let rel = if c[k] == 0 { f64::INFINITY } else { (f * (1.0 - f) / n).sqrt() / f };
                rel <= config.relative_precision
                    || upper(c[k], n) / sf < config.negligible_overlap
                    || upper(c[k], generated) / (sf * acc_s) < config.negligible_relative_yield
            };
            if done(0, self.fit_fraction) && done(1, self.window_fraction) {
                return Ok(self.build(g, a, &c, true));
            }
        }
        Ok(self.build(g, a, &c, false))
    }
}
