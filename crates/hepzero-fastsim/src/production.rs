//! Production model of the head of the chain: its (pT, eta) drawn independently from FONLL b- or
//! c-quark spectra, azimuth uniform, as RapidSim does (arXiv:1612.07489, section 2; spectra from
//! RapidSim's `rootfiles/fonll`, MIT licence, extracted to `fixtures/fonll/`), restricted to the
//! LHCb default ranges 0 < pT < 100 GeV and 1 < eta < 6. A user histogram can replace either.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::spectrum::{Histogram1D, Sampler};

/// Heavy quark whose FONLL spectrum drives the head's production.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quark {
    /// Beauty (B mesons, b baryons).
    B,
    /// Charm (D mesons, c baryons).
    C,
}

impl Quark {
    /// Guesses the production quark from an EvtGen name: beauty hadrons (`B...`, `..._b...`,
    /// `Upsilon`, `chi_b`) give b; charm hadrons (`D...`, `..._c...`, `J/psi`, `psi`) give c;
    /// anything else b (the finder's signals are b decays).
    #[must_use]
    pub fn for_particle(name: &str) -> Self {
        let bare = name.strip_prefix("anti-").unwrap_or(name);
        let is_b = bare.starts_with('B') || bare.contains("_b") || bare.starts_with("Upsilon");
        let is_c = bare.starts_with('D')
            || bare.contains("_c")
            || bare.starts_with("J/psi")
            || bare.starts_with("psi");
        if !is_b && is_c { Quark::C } else { Quark::B }
    }
}

/// Where the (pT, eta) spectra come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpectrumSource {
    /// Built-in FONLL spectra; `quark: None` picks the quark from the head's name.
    Fonll {
        /// b or c; `None` = from the head particle.
        quark: Option<Quark>,
        /// pp centre-of-mass energy in TeV: 7, 8, 13 or 14.
        sqrt_s_tev: u32,
    },
    /// User histograms for pT (GeV) and eta.
    Histograms {
        /// Transverse-momentum spectrum (GeV).
        pt: Histogram1D,
        /// Pseudorapidity spectrum.
        eta: Histogram1D,
    },
    /// Head produced at rest (useful for checks of the decay alone).
    AtRest,
}

/// Production configuration (serde; TOML-friendly).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductionConfig {
    /// Spectrum source.
    pub source: SpectrumSource,
    /// Sampled pT range in GeV (RapidSim LHCb default 0-100).
    pub pt_range: [f64; 2],
    /// Sampled eta range (RapidSim LHCb default 1-6).
    pub eta_range: [f64; 2],
}

impl Default for ProductionConfig {
    fn default() -> Self {
        Self {
            source: SpectrumSource::Fonll { quark: None, sqrt_s_tev: 13 },
            pt_range: [0.0, 100.0],
            eta_range: [1.0, 6.0],
        }
    }
}

/// The built-in FONLL fixture text for a quark and energy.
///
/// # Errors
/// [`Error::InvalidConfig`] for an energy other than 7, 8, 13, 14 TeV.
pub fn fonll_text(quark: Quark, sqrt_s_tev: u32) -> Result<&'static str> {
    Ok(match (quark, sqrt_s_tev) {
        (Quark::B, 7) => include_str!("../../../fixtures/fonll/LHCb7.txt"),
        (Quark::B, 8) => include_str!("../../../fixtures/fonll/LHCb8.txt"),
        (Quark::B, 13) => include_str!("../../../fixtures/fonll/LHCb13.txt"),
        (Quark::B, 14) => include_str!("../../../fixtures/fonll/LHCb14.txt"),
        (Quark::C, 7) => include_str!("../../../fixtures/fonll/LHCc7.txt"),
        (Quark::C, 8) => include_str!("../../../fixtures/fonll/LHCc8.txt"),
        (Quark::C, 13) => include_str!("../../../fixtures/fonll/LHCc13.txt"),
        (Quark::C, 14) => include_str!("../../../fixtures/fonll/LHCc14.txt"),
        (_, e) => {
            return Err(Error::config(
                "production.source.sqrt_s_tev",
                e,
                "FONLL spectra exist for 7, 8, 13 and 14 TeV",
            ));
        }
    })
}

/// The built-in FONLL (pT, eta) histograms.
///
/// # Errors
/// As [`fonll_text`].
pub fn fonll_histograms(quark: Quark, sqrt_s_tev: u32) -> Result<(Histogram1D, Histogram1D)> {
    let text = fonll_text(quark, sqrt_s_tev)?;
    let q = match quark {
        Quark::B => 'b',
        Quark::C => 'c',
    };
    let name = format!("fixtures/fonll/LHC{q}{sqrt_s_tev}.txt");
    Ok((Histogram1D::parse_block(text, "pT", &name)?, Histogram1D::parse_block(text, "eta", &name)?))
}

/// A ready-to-sample production model.
#[derive(Clone, Debug)]
pub(crate) enum Production {
    Spectra { pt: Sampler, eta: Sampler },
    AtRest,
}

impl Production {
    pub(crate) fn new(config: &ProductionConfig, head: &str) -> Result<Self> {
        let (pt, eta) = match &config.source {
            SpectrumSource::AtRest => return Ok(Production::AtRest),
            SpectrumSource::Fonll { quark, sqrt_s_tev } => {
                fonll_histograms(quark.unwrap_or_else(|| Quark::for_particle(head)), *sqrt_s_tev)?
            }
            SpectrumSource::Histograms { pt, eta } => (pt.clone(), eta.clone()),
        };
        let [pt_lo, pt_hi] = config.pt_range;
        if pt_lo < 0.0 {
            return Err(Error::config("production.pt_range", pt_lo, "pT must be non-negative"));
        }
        let [eta_lo, eta_hi] = config.eta_range;
        Ok(Production::Spectra {
            pt: Sampler::new(&pt, pt_lo, pt_hi, "production.pt")?,
            eta: Sampler::new(&eta, eta_lo, eta_hi, "production.eta")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quark_from_names() {
        assert_eq!(Quark::for_particle("B0"), Quark::B);
        assert_eq!(Quark::for_particle("anti-B_s0"), Quark::B);
        assert_eq!(Quark::for_particle("Lambda_b0"), Quark::B);
        assert_eq!(Quark::for_particle("D*+"), Quark::C);
        assert_eq!(Quark::for_particle("Lambda_c+"), Quark::C);
        assert_eq!(Quark::for_particle("J/psi"), Quark::C);
    }

    #[test]
    fn all_builtin_spectra_parse() {
        for q in [Quark::B, Quark::C] {
            for e in [7, 8, 13, 14] {
                let (pt, eta) = fonll_histograms(q, e).unwrap();
                assert_eq!((pt.contents.len(), pt.lo, pt.hi), (1200, 0.0, 300.0));
                assert_eq!((eta.contents.len(), eta.lo, eta.hi), (400, -8.0, 8.0));
            }
        }
        assert!(fonll_text(Quark::B, 10).is_err());
    }
}
