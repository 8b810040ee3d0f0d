//! The production factor sigma(pp -> H_B) / sigma(pp -> H_S): quark-pair cross-sections times
//! hadronisation fractions, read from a TOML table (default: `fixtures/reward/production_fractions.toml`,
//! LHCb measurements at 13 TeV, cited in the file).

use crate::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The embedded default table.
pub const DEFAULT_PRODUCTION_TOML: &str = include_str!("../../../fixtures/reward/production_fractions.toml");

/// A measured value with its uncertainty.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    /// Central value.
    pub value: f64,
    /// One-sigma uncertainty.
    #[serde(default)]
    pub error: f64,
}

/// One heavy flavour: its pair cross-section and the fractions of its weakly decaying hadrons.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flavour {
    /// sigma(pp -> Q Qbar X) in the acceptance, microbarn.
    pub sigma_pair_ub: f64,
    /// Where the cross-section comes from.
    #[serde(default)]
    pub sigma_pair_source: String,
    /// Where the fractions come from.
    #[serde(default)]
    pub fractions_source: String,
    /// Hadronisation fractions by EvtGen name (any normalisation: they are normalised over the list).
    pub fractions: BTreeMap<String, Measured>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    beauty: Option<Flavour>,
    charm: Option<Flavour>,
}

/// Production cross-sections of b and c hadrons, relative to one another.
#[derive(Clone, Debug)]
pub struct Production {
    /// Relative cross-section sigma(pp -> H) (arbitrary common unit) by EvtGen name.
    cross_sections: BTreeMap<String, f64>,
    beauty: Option<Flavour>,
    charm: Option<Flavour>,
}

impl Production {
    /// The embedded default (LHCb, 13 TeV).
    pub fn lhcb_default() -> Production {
        Self::from_toml(DEFAULT_PRODUCTION_TOML, "production_fractions.toml")
            .unwrap_or_else(|e| unreachable!("the embedded production table is valid: {e}"))
    }

    /// Parses a production table; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Production> {
        let file: File = toml::from_str(text)
            .map_err(|e| Error::Config { file: origin.to_string(), message: e.to_string() })?;
        let mut cross_sections = BTreeMap::new();
        for flavour in [&file.beauty, &file.charm].into_iter().flatten() {
            if let Some((name, m)) = flavour.fractions.iter().find(|(_, m)| m.value.is_nan() || m.value < 0.0)
            {
                return Err(Error::Config {
                    file: origin.to_string(),
                    message: format!("fraction of {name} is {} (must be >= 0)", m.value),
                });
            }
            let total: f64 = flavour.fractions.values().map(|m| m.value).sum();
            if flavour.sigma_pair_ub.is_nan() || flavour.sigma_pair_ub <= 0.0 || total <= 0.0 {
                return Err(Error::Config {
                    file: origin.to_string(),
                    message: "sigma_pair_ub and the sum of the fractions must be positive".into(),
                });
            }
            for (name, m) in &flavour.fractions {
                cross_sections.insert(name.clone(), flavour.sigma_pair_ub * m.value / total);
            }
        }
        Ok(Production { cross_sections, beauty: file.beauty, charm: file.charm })
    }

    /// Relative cross-section of a hadron or of its charge conjugate (`anti` is its conjugate's
    /// name, which callers get from the particle table). None if the table does not list it.
    pub fn cross_section(&self, name: &str, anti: Option<&str>) -> Option<f64> {
        self.cross_sections.get(name).or_else(|| anti.and_then(|a| self.cross_sections.get(a))).copied()
    }

    /// The hadrons listed (particles only; conjugates are implied).
    pub fn hadrons(&self) -> impl Iterator<Item = &str> {
        self.cross_sections.keys().map(String::as_str)
    }

    /// The hadrons of the same heavy flavour as `parent` (beauty for a b-hadron signal, charm for a
    /// c-hadron one) with their charge conjugates: the parents a background search considers. Empty if
    /// the table lists neither `parent` nor its conjugate.
    pub fn same_flavour_parents(&self, parent: &str, particles: &hepzero_pdg::ParticleTable) -> Vec<String> {
        let anti = particles.find(parent).map(|p| particles.antiparticle(p).evtgen_name.clone());
        let listed = |f: &Option<Flavour>| {
            f.as_ref().is_some_and(|f| {
                f.fractions.contains_key(parent) || anti.as_ref().is_some_and(|a| f.fractions.contains_key(a))
            })
        };
        let flavour = if listed(&self.beauty) {
            &self.beauty
        } else if listed(&self.charm) {
            &self.charm
        } else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for name in flavour.iter().flat_map(|f| f.fractions.keys()) {
            out.push(name.clone());
            if let Some(p) = particles.find(name) {
                out.push(particles.antiparticle(p).evtgen_name.clone());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The source strings, for reports.
    pub fn sources(&self) -> Vec<String> {
        [&self.beauty, &self.charm]
            .into_iter()
            .flatten()
            .flat_map(|f| [f.sigma_pair_source.clone(), f.fractions_source.clone()])
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bs_over_b0_is_twice_fs_over_fu_plus_fd() {
        // f_u = f_d, f_s/(f_u+f_d) = 0.122 (PRD 100 (2019) 031102) => f_s/f_d = 0.244.
        let p = Production::lhcb_default();
        let ratio = p.cross_section("B_s0", None).unwrap() / p.cross_section("B0", None).unwrap();
        assert!((ratio - 0.244).abs() < 1e-12, "{ratio}");
        let lb = p.cross_section("Lambda_b0", None).unwrap() / p.cross_section("B+", None).unwrap();
        assert!((lb - 0.518).abs() < 1e-12, "{lb}");
    }

    #[test]
    fn conjugates_share_the_fraction() {
        let p = Production::lhcb_default();
        assert_eq!(p.cross_section("anti-B0", Some("B0")), p.cross_section("B0", None));
        assert_eq!(p.cross_section("B_c+", Some("B_c-")), None);
    }

    #[test]
    fn charm_over_beauty_uses_the_pair_cross_sections() {
        // D0: 2369 ub x 0.6086 / (0.6086 + 0.2404 + 0.0802 + 0.0623); B0: 144 ub x 0.5 / 1.381.
        let p = Production::lhcb_default();
        let expected = (2369.0 * 0.6086 / 0.9915) / (144.0 * 0.5 / 1.381);
        let got = p.cross_section("D0", None).unwrap() / p.cross_section("B0", None).unwrap();
        assert!((got / expected - 1.0).abs() < 1e-12, "{got} vs {expected}");
    }

    #[test]
    fn b_signals_search_b_hadrons_only() {
        let p = Production::lhcb_default();
        let particles = hepzero_pdg::ParticleTable::lhcb_default();
        let b = p.same_flavour_parents("anti-B0", particles);
        assert!(b.contains(&"Lambda_b0".to_string()) && b.contains(&"anti-Lambda_b0".to_string()), "{b:?}");
        assert!(!b.iter().any(|n| n.starts_with('D')), "{b:?}");
        let c = p.same_flavour_parents("D+", particles);
        assert!(c.contains(&"D_s-".to_string()) && !c.contains(&"B0".to_string()), "{c:?}");
        assert!(p.same_flavour_parents("J/psi", particles).is_empty());
    }

    #[test]
    fn malformed_table_names_the_file() {
        let err = Production::from_toml("[beauty]\nsigma_pair_ub = \"x\"", "mine.toml").unwrap_err();
        assert!(err.to_string().contains("mine.toml"), "{err}");
        let err = Production::from_toml(
            "[beauty]\nsigma_pair_ub = 1.0\n[beauty.fractions]\nB0 = { value = -1.0 }\n",
            "neg.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("B0"), "{err}");
    }
}
