//! The mis-identification factor: P(identified as the assigned species | true species) for every
//! reconstructed particle, from a TOML matrix (default: `fixtures/reward/misid_lhcb.toml`, LHCb
//! PID at ProbNN > 0.5 from RapidSim's tables, cited in the file).

use crate::{Error, Result};
use hepzero_tokens::{MisIdRules, Species};
use serde::Deserialize;

/// The embedded default matrix.
pub const DEFAULT_MISID_TOML: &str = include_str!("../../../fixtures/reward/misid_lhcb.toml");

const SPECIES: [Species; 5] =
    [Species::Electron, Species::Muon, Species::Pion, Species::Kaon, Species::Proton];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    species: Vec<String>,
    #[serde(default)]
    source: String,
    matrix: Vec<Vec<f64>>,
}

/// P(identified as column | true row) for e, mu, pi, K, p.
#[derive(Clone, Debug, PartialEq)]
pub struct MisIdMatrix {
    probability: [[f64; 5]; 5],
    /// Where the numbers come from.
    pub source: String,
}

fn index(s: Species) -> usize {
    SPECIES.iter().position(|&x| x == s).unwrap_or(0)
}

impl MisIdMatrix {
    /// The embedded LHCb default.
    pub fn lhcb_default() -> MisIdMatrix {
        Self::from_toml(DEFAULT_MISID_TOML, "misid_lhcb.toml")
            .unwrap_or_else(|e| unreachable!("the embedded mis-ID matrix is valid: {e}"))
    }

    /// Parses a matrix; `origin` names the file in errors. The species may be listed in any order
    /// but must be exactly e, mu, pi, K, p; every entry must be a probability.
    pub fn from_toml(text: &str, origin: &str) -> Result<MisIdMatrix> {
        let err = |message: String| Error::Config { file: origin.to_string(), message };
        let file: File = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let order: Vec<Species> = file
            .species
            .iter()
            .map(|name| {
                SPECIES
                    .iter()
                    .copied()
                    .find(|s| s.symbol() == name)
                    .ok_or_else(|| err(format!("unknown species '{name}' (expected e, mu, pi, K, p)")))
            })
            .collect::<Result<_>>()?;
        if order.len() != 5 || SPECIES.iter().any(|s| !order.contains(s)) {
            return Err(err(format!("species must be e, mu, pi, K, p once each, got {:?}", file.species)));
        }
        if file.matrix.len() != 5 || file.matrix.iter().any(|row| row.len() != 5) {
            return Err(err("matrix must be 5 rows of 5 probabilities".into()));
        }
        let mut probability = [[0.0; 5]; 5];
        for (r, row) in file.matrix.iter().enumerate() {
            for (c, &p) in row.iter().enumerate() {
                if !(0.0..=1.0).contains(&p) {
                    return Err(err(format!(
                        "P({} as {}) = {p} is not a probability",
                        order[r].symbol(),
                        order[c].symbol()
                    )));
                }
                probability[index(order[r])][index(order[c])] = p;
            }
        }
        Ok(MisIdMatrix { probability, source: file.source })
    }

    /// P(identified as `assigned` | true `truth`).
    pub fn probability(&self, truth: Species, assigned: Species) -> f64 {
        self.probability[index(truth)][index(assigned)]
    }

    /// The mis-ID pairs this matrix gives at least `floor` probability, for the token grammar.
    pub fn rules(&self, floor: f64) -> MisIdRules {
        let mut pairs = Vec::new();
        for &t in &SPECIES {
            for &a in &SPECIES {
                if t != a && self.probability(t, a) >= floor {
                    pairs.push((t, a));
                }
            }
        }
        MisIdRules { pairs }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_reproduces_the_quoted_lhcb_working_point() {
        // The reference figures (RapidSim LHCb tables, ProbNN > 0.5).
        let m = MisIdMatrix::lhcb_default();
        assert_eq!(m.probability(Species::Kaon, Species::Kaon), 0.8226);
        assert_eq!(m.probability(Species::Pion, Species::Kaon), 0.0229);
        assert_eq!(m.probability(Species::Kaon, Species::Pion), 0.1386);
        assert_eq!(m.probability(Species::Proton, Species::Kaon), 0.1273);
        assert_eq!(m.probability(Species::Pion, Species::Muon), 0.01);
    }

    #[test]
    fn rules_follow_the_floor() {
        let rules = MisIdMatrix::lhcb_default().rules(1e-3);
        assert!(rules.allows(Species::Pion, Species::Kaon));
        assert!(!rules.allows(Species::Electron, Species::Muon), "P(e as mu) is 0");
        assert!(!rules.allows(Species::Muon, Species::Electron), "P(mu as e) = 3e-4 is below the floor");
    }

    #[test]
    fn bad_matrices_are_refused_with_the_file_and_entry() {
        let text = DEFAULT_MISID_TOML.replace("0.8226", "1.8226");
        let err = MisIdMatrix::from_toml(&text, "pid.toml").unwrap_err().to_string();
        assert!(err.contains("pid.toml") && err.contains("K as K") && err.contains("1.8226"), "{err}");
        let text = DEFAULT_MISID_TOML.replace("\"p\"]", "\"x\"]");
        let err = MisIdMatrix::from_toml(&text, "pid.toml").unwrap_err().to_string();
        assert!(err.contains("'x'"), "{err}");
    }
}
