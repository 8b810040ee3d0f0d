//! One-dimensional spectra to sample from: a uniformly binned histogram restricted to a range,
//! sampled as ROOT's `TH1::GetRandom` does (bin chosen by its content, position uniform inside the
//! bin), which is how RapidSim (arXiv:1612.07489, `RapidDecay::genParent`) draws parent pT and eta.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A uniformly binned histogram (bin contents, no under/overflow) on [lo, hi].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram1D {
    /// Low edge of the first bin.
    pub lo: f64,
    /// High edge of the last bin.
    pub hi: f64,
    /// Bin contents (any non-negative weights; need not be normalised).
    pub contents: Vec<f64>,
}

impl Histogram1D {
    /// Checks the binning and the contents.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an empty histogram, `hi <= lo`, or a negative or non-finite bin.
    pub fn new(lo: f64, hi: f64, contents: Vec<f64>) -> Result<Self> {
        let h = Self { lo, hi, contents };
        h.validate()?;
        Ok(h)
    }

    fn validate(&self) -> Result<()> {
        if self.contents.is_empty() {
            return Err(Error::config("histogram.contents", "[]", "needs at least one bin"));
        }
        if !(self.lo.is_finite() && self.hi.is_finite() && self.hi > self.lo) {
            return Err(Error::config("histogram.hi", self.hi, "edges must be finite with hi > lo"));
        }
        if let Some((i, v)) = self.contents.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
            return Err(Error::config(
                &format!("histogram.contents[{i}]"),
                v,
                "bin contents must be finite and non-negative",
            ));
        }
        Ok(())
    }

    /// Bin width.
    #[must_use]
    pub fn width(&self) -> f64 {
        (self.hi - self.lo) / self.contents.len() as f64
    }

    /// Writes the histogram as one block of the `fixtures/fonll/*.txt` format (values in Rust's
    /// shortest round-trip notation, so [`Histogram1D::parse_block`] restores them exactly).
    #[must_use]
    pub fn format_block(&self, name: &str) -> String {
        let mut out = format!("hist {name} {} {} {}\n", self.contents.len(), self.lo, self.hi);
        for v in &self.contents {
            out.push_str(&format!("{v}\n"));
        }
        out
    }

    /// Parses the text format of `fixtures/fonll/*.txt`: `#` comments, then blocks of
    /// `hist <name> <nbins> <lo> <hi>` followed by one bin content per line. Returns the block
    /// called `name`.
    ///
    /// # Errors
    /// [`Error::Spectrum`] naming `source_name` and the line for malformed text or a missing block.
    pub fn parse_block(text: &str, name: &str, source_name: &str) -> Result<Self> {
        let err = |line: usize, reason: String| Error::Spectrum {
            source_name: source_name.to_string(),
            line,
            reason,
        };
        let mut lines = text.lines().enumerate();
        while let Some((i, line)) = lines.next() {
            let mut tok = line.split_whitespace();
            if tok.next() != Some("hist") {
                continue;
            }
            if tok.next() != Some(name) {
                continue;
            }
            let mut field = |what: &str| -> Result<f64> {
                let t = tok.next().ok_or_else(|| err(i + 1, format!("missing {what} in `{line}`")))?;
                t.parse::<f64>().map_err(|_| err(i + 1, format!("bad {what} `{t}`")))
            };
            let nbins = field("bin count")?;
            let lo = field("low edge")?;
            let hi = field("high edge")?;
            if !(nbins >= 1.0 && nbins.fract() == 0.0 && nbins <= 1e7) {
                return Err(err(i + 1, format!("bad bin count {nbins}")));
            }
            let n = nbins as usize;
            let mut contents = Vec::with_capacity(n);
            for _ in 0..n {
                let (j, l) =
                    lines.next().ok_or_else(|| err(i + 1, format!("block `{name}` ends before {n} bins")))?;
                let v = l
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| err(j + 1, format!("bad bin content `{}`", l.trim())))?;
                contents.push(v);
            }
            return Self::new(lo, hi, contents).map_err(|e| err(i + 1, e.to_string()));
        }
        Err(err(0, format!("no `hist {name}` block")))
    }
}

/// A histogram prepared for sampling inside [min, max] by Walker's alias method (A. J. Walker,
/// ACM TOMS 3 (1977) 253; Vose's construction): one uniform deviate picks a bin in O(1) without a
/// search, and its leftover fraction places the value uniformly inside the bin.
#[derive(Clone, Debug)]
pub(crate) struct Sampler {
    /// Per kept (clipped) bin, the two linear maps of the leftover fraction.
    bins: Vec<AliasBin>,
    /// The sampled range, to clamp the last-bit rounding of the linear maps.
    min: f64,
    max: f64,
    /// Every kept bin is at most [`EXP_TABLE_MAX_WIDTH`] wide, so [`Sampler::sample_exp`] may
    /// use the tabulated exponentials of the bin edges.
    exp_table: bool,
}

/// Widest bin for which exp(offset) inside a bin comes from its Taylor polynomial (degree 8:
/// truncation error below (1/16)^9 / 9! = 4e-17 relative).
const EXP_TABLE_MAX_WIDTH: f64 = 0.0625;

/// One alias-table column, stored so that sampling is a select and a multiply-add: with the
/// leftover fraction f in [0, 1), the value is `own_left + f * own_slope` when f < prob (uniform
/// in the own bin), else `alias_left + (f - prob) * alias_slope` (uniform in the alias bin).
#[derive(Clone, Copy, Debug)]
struct AliasBin {
    prob: f64,
    own_left: f64,
    own_slope: f64,
    own_exp: f64,
    alias_left: f64,
    alias_slope: f64,
    alias_exp: f64,
}

impl Sampler {
    /// Restricts `h` to [min, max] (bins cut by the range keep the fraction inside, as if their
    /// content were uniform), as RapidSim's `reduceHistogram` with the LHCb default ranges.
    pub(crate) fn new(h: &Histogram1D, min: f64, max: f64, what: &str) -> Result<Self> {
        h.validate()?;
        if !(min.is_finite() && max.is_finite() && max > min) {
            return Err(Error::config(
                &format!("{what}_range"),
                format!("[{min}, {max}]"),
                "must be finite with max > min",
            ));
        }
        let w = h.width();
        let mut edges = Vec::new();
        let mut weights = Vec::new();
        for (i, &c) in h.contents.iter().enumerate() {
            let a = (h.lo + i as f64 * w).max(min);
            let b = (h.lo + (i + 1) as f64 * w).min(max);
            if b <= a || c <= 0.0 {
                continue;
            }
            weights.push(c * (b - a) / w);
            edges.push((a, b - a));
        }
        let total: f64 = weights.iter().sum();
        if total.is_nan() || total <= 0.0 {
            return Err(Error::config(
                &format!("{what}_range"),
                format!("[{min}, {max}]"),
                "the spectrum has no content in this range",
            ));
        }
        // Vose: scaled probabilities n p_i; pair each under-full bin with an over-full one.
        let n = edges.len();
        let mut prob = vec![1.0; n];
        let mut alias: Vec<usize> = (0..n).collect();
        let mut scaled: Vec<f64> = weights.iter().map(|x| x * n as f64 / total).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            prob[s] = scaled[s];
            alias[s] = l;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        for i in small.into_iter().chain(large) {
            prob[i] = 1.0;
            alias[i] = i;
        }
        let bins = (0..n)
            .map(|i| {
                let (left, width) = edges[i];
                let (a_left, a_width) = edges[alias[i]];
                let p = prob[i];
                // f in [0, p) maps to left + (f / p) width; f in [p, 1) to
                // a_left + ((f - p) / (1 - p)) a_width.
                let own_slope = if p > 0.0 { width / p } else { 0.0 };
                let alias_slope = if p < 1.0 { a_width / (1.0 - p) } else { 0.0 };
                AliasBin {
                    prob: p,
                    own_left: left,
                    own_slope,
                    own_exp: left.exp(),
                    alias_left: a_left,
                    alias_slope,
                    alias_exp: a_left.exp(),
                }
            })
            .collect();
        let exp_table = edges.iter().all(|&(_, w)| w <= EXP_TABLE_MAX_WIDTH)
            && edges.iter().all(|&(l, w)| (l + w).exp().is_finite());
        Ok(Self { bins, min, max, exp_table })
    }

    /// The bin's left edge, the offset inside it and the bin's exp(left edge) for the deviate u.
    #[inline(always)]
    fn locate(&self, u: f64) -> (f64, f64, f64) {
        let n = self.bins.len();
        let x = u * n as f64;
        let i = (x as usize).min(n - 1);
        let f = x - i as f64;
        let b = &self.bins[i];
        // Selects, not a branch: the two outcomes are equally unpredictable.
        let own = f < b.prob;
        let left = if own { b.own_left } else { b.alias_left };
        let offset = if own { f * b.own_slope } else { (f - b.prob) * b.alias_slope };
        let exp_left = if own { b.own_exp } else { b.alias_exp };
        (left, offset, exp_left)
    }

    /// Maps a uniform deviate u in [0, 1) to a value distributed as the clipped histogram.
    #[inline]
    pub(crate) fn sample(&self, u: f64) -> f64 {
        let (left, offset, _) = self.locate(u);
        (left + offset).clamp(self.min, self.max)
    }

    /// [`Sampler::sample`] and the exponential of the value: exp(left edge) from the table times
    /// the Taylor polynomial of exp(offset) when the bins are narrow, else `f64::exp`.
    #[inline(always)]
    pub(crate) fn sample_exp(&self, u: f64) -> (f64, f64) {
        let (left, offset, exp_left) = self.locate(u);
        let x = (left + offset).clamp(self.min, self.max);
        if !self.exp_table {
            return (x, x.exp());
        }
        let t = offset;
        let poly = 1.0
            + t * (1.0
                + t * (1.0 / 2.0
                    + t * (1.0 / 6.0
                        + t * (1.0 / 24.0
                            + t * (1.0 / 120.0
                                + t * (1.0 / 720.0 + t * (1.0 / 5040.0 + t * (1.0 / 40320.0))))))));
        (x, exp_left * poly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn format_then_parse_round_trips(
            lo in -1e6f64..1e6,
            width in 1e-6f64..1e6,
            contents in proptest::collection::vec(0f64..1e12, 1..60),
            name in "[A-Za-z][A-Za-z0-9_]{0,8}",
        ) {
            let h = Histogram1D::new(lo, lo + width, contents).unwrap();
            let text = format!("# comment\n{}hist other 1 0 1\n7\n", h.format_block(&name));
            prop_assert_eq!(Histogram1D::parse_block(&text, &name, "p").unwrap(), h);
        }

        #[test]
        fn parser_never_panics(text in "(hist [a-z]{1,3} [0-9 .e-]{0,12}\n|[0-9.e-]{0,6}\n|[ #a-z]{0,5}\n){0,12}") {
            let _ = Histogram1D::parse_block(&text, "a", "p");
        }
    }

    #[test]
    fn parses_blocks_and_reports_lines() {
        let text = "# c\nhist a 2 0 2\n1\n3\nhist b 1 -1 1\n5\n";
        let a = Histogram1D::parse_block(text, "a", "t").unwrap();
        assert_eq!(a.contents, vec![1.0, 3.0]);
        let b = Histogram1D::parse_block(text, "b", "t").unwrap();
        assert_eq!((b.lo, b.hi), (-1.0, 1.0));
        let e = Histogram1D::parse_block("hist a 2 0 1\n1\nx\n", "a", "f.txt").unwrap_err();
        assert!(e.to_string().starts_with("f.txt:3:"), "{e}");
        assert!(Histogram1D::parse_block(text, "c", "t").is_err());
    }

    /// The alias sampler reproduces the piecewise-uniform distribution: for histogram [1, 3] on
    /// [0, 2], P(x < 1) = 1/4 and P(x < 1.5) = 1/4 + 3/8; clipped to [0.5, 1.5], P(x < 1) = 1/4.
    #[test]
    fn sampler_matches_piecewise_uniform_cdf() {
        let h = Histogram1D::new(0.0, 2.0, vec![1.0, 3.0]).unwrap();
        let s = Sampler::new(&h, 0.0, 2.0, "x").unwrap();
        let n = 400_000;
        let (mut below1, mut below15) = (0usize, 0usize);
        for k in 0..n {
            // A low-discrepancy sequence of deviates exercises the map itself, not an RNG.
            let u = (k as f64 + 0.5) / n as f64;
            let x = s.sample(u);
            assert!((0.0..=2.0).contains(&x));
            below1 += usize::from(x < 1.0);
            below15 += usize::from(x < 1.5);
        }
        assert!((below1 as f64 / n as f64 - 0.25).abs() < 1e-4);
        assert!((below15 as f64 / n as f64 - 0.625).abs() < 1e-4);
        let c = Sampler::new(&h, 0.5, 1.5, "x").unwrap();
        let below = (0..n)
            .filter(|&k| {
                let x = c.sample((k as f64 + 0.5) / n as f64);
                assert!((0.5..=1.5).contains(&x));
                x < 1.0
            })
            .count();
        assert!((below as f64 / n as f64 - 0.25).abs() < 1e-4);
        assert!(Sampler::new(&h, 3.0, 4.0, "x").is_err());
    }

    /// The tabulated exponential equals `f64::exp` to rounding, on the FONLL eta binning
    /// (0.04 wide) and on wide bins (which fall back to `f64::exp`).
    #[test]
    fn sample_exp_agrees_with_exp() {
        let narrow = Histogram1D::new(-8.0, 8.0, (0..400).map(|i| 1.0 + f64::from(i % 7)).collect()).unwrap();
        let wide = Histogram1D::new(0.0, 8.0, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        for (h, lo, hi) in [(&narrow, 1.0, 6.0), (&wide, 0.5, 8.0)] {
            let s = Sampler::new(h, lo, hi, "eta").unwrap();
            for k in 0..100_000 {
                let u = (f64::from(k) + 0.37) / 100_000.0;
                let (x, e) = s.sample_exp(u);
                assert_eq!(x, s.sample(u));
                assert!((e / x.exp() - 1.0).abs() < 2e-15, "{x}: {e} vs {}", x.exp());
            }
        }
    }
}
