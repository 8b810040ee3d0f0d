//! One particle species: the properties the PDG particle table (scikit-hep `particle` package,
//! `particle2026.csv`) gives for it, converted to GeV and ps, plus its EvtGen name.

use serde::{Deserialize, Serialize};

/// Reduced Planck constant in GeV ps (CODATA 2018: 6.582119569e-25 GeV s), for tau = hbar / Gamma.
pub const HBAR_GEV_PS: f64 = 6.582_119_569e-13;

/// How a particle turns into its antiparticle (the `Anti` column of the `particle` package tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AntiFlag {
    /// Self-conjugate (gamma, pi0, J/psi).
    Same,
    /// The antiparticle is a distinct, barred state (p, Lambda, B0, K0).
    Barred,
    /// The antiparticle differs by the sign of its charge (pi+ / pi-, e- / e+).
    ChargeInv,
}

/// Where a particle's mass, width and quantum numbers were taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PropertySource {
    /// `particle2026.csv` (PDG 2026 edition as packaged by scikit-hep `particle`).
    Pdg2026,
    /// `mass_width_2008_ext.fwf` (the `particle` package's extension of the 2008 RPP table).
    MassWidth2008Ext,
    /// `mass_width_2008.fwf` (2008 RPP computer-readable table).
    MassWidth2008,
    /// A `Particle NAME MASS WIDTH` statement of a decay file.
    DecFile,
    /// Only the PDG id and names are known (`conversions.csv` / `pdgid_to_evtgenname.csv`); the
    /// charge is computed from the PDG id's quark digits, mass and width are unknown.
    IdOnly,
}

/// One particle species.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    /// PDG Monte Carlo id (negative for antiparticles).
    pub pdg_id: i32,
    /// PDG name with charge and `~` for barred antiparticles, as the `particle` package writes
    /// it (`pi+`, `K(S)0`, `B0`, `Lambda(b)0`, `p~`).
    pub pdg_name: String,
    /// EvtGen name (`pi+`, `K_S0`, `anti-B0`, `Lambda_b0`); equals `pdg_name` when the particle
    /// has no EvtGen name.
    pub evtgen_name: String,
    /// Mass in GeV, when known.
    pub mass: Option<f64>,
    /// Upper and lower mass uncertainties in GeV, when known.
    pub mass_errors: Option<(f64, f64)>,
    /// Total width in GeV, when known (0 for particles the PDG lists as stable).
    pub width: Option<f64>,
    /// Charge in units of e/3 (so quarks are integers too); 0 when unknown (see `charge_known`).
    pub three_charge: i32,
    /// Whether the charge is known (false only for some EvtGen pseudo-particles such as `Xsu` or
    /// `specflav`, whose id encodes no charge).
    pub charge_known: bool,
    /// Quark content as the PDG writes it; upper case letters are antiquarks (`uD` is pi+).
    pub quarks: String,
    /// How the antiparticle is formed.
    pub anti_flag: AntiFlag,
    /// Where the properties come from.
    pub source: PropertySource,
    /// LaTeX name, when known.
    pub latex: String,
}

impl Particle {
    /// Charge in units of e, rounded towards zero (exact for leptons, hadrons and bosons; for quarks
    /// and diquarks use [`Particle::three_charge`]).
    pub fn charge(&self) -> i32 {
        self.three_charge / 3
    }

    /// Mean lifetime in ps from the width (tau = hbar / Gamma); `f64::INFINITY` for a width of 0,
    /// `None` when the width is unknown.
    pub fn lifetime_ps(&self) -> Option<f64> {
        let w = self.width?;
        if w > 0.0 { Some(HBAR_GEV_PS / w) } else { Some(f64::INFINITY) }
    }

    /// Mean decay length c*tau in mm, when the lifetime is known and finite.
    pub fn ctau_mm(&self) -> Option<f64> {
        // c = 0.299792458 mm/ps.
        self.lifetime_ps().filter(|t| t.is_finite()).map(|t| t * 0.299_792_458)
    }

    /// Whether this species reaches the detector as itself under the default convention
    /// ([`Stability::default`]: e, mu, pi+-, K+-, p, gamma, K_L0, n, neutrinos, and pi0 and K_S0 as
    /// reconstructable composites).
    pub fn is_stable(&self) -> bool {
        Stability::default().is_stable(self.pdg_id)
    }

    /// Number of quarks of flavour `q` (1 = d ... 6 = t) minus antiquarks, from the PDG id digits
    /// (standard meson and baryon numbering; 0 for leptons and bosons).
    pub fn net_quarks(&self, q: u8) -> i32 {
        net_quarks_from_id(self.pdg_id, q)
    }

    /// Whether the species contains a b or anti-b valence quark (from the PDG id).
    pub fn has_bottom(&self) -> bool {
        has_quark(self.pdg_id, 5)
    }

    /// Whether the species contains a c or anti-c valence quark (from the PDG id).
    pub fn has_charm(&self) -> bool {
        has_quark(self.pdg_id, 4)
    }

    /// Whether the species contains an s or anti-s valence quark (from the PDG id).
    pub fn has_strange(&self) -> bool {
        has_quark(self.pdg_id, 3)
    }

    /// Whether the PDG id is a meson id.
    pub fn is_meson(&self) -> bool {
        pdgid_is_meson(self.pdg_id)
    }

    /// Whether the PDG id is a baryon id.
    pub fn is_baryon(&self) -> bool {
        pdgid_is_baryon(self.pdg_id)
    }

    /// Whether this is a parton or an EvtGen generator placeholder rather than a particle that
    /// reaches a detector: quarks, gluon, diquarks, and the ids 81-100 (`specflav`, `rndmflav`,
    /// `c-hadron`, ...). Decay modes containing these are left to Pythia by EvtGen.
    pub fn is_parton_or_placeholder(&self) -> bool {
        let a = self.pdg_id.abs();
        (1..=8).contains(&a)
            || a == 21
            || (81..=100).contains(&a)
            || ((1000..10000).contains(&a) && (a / 10) % 10 == 0 && (a / 100) % 10 > 0)
    }

    /// Whether this is a b hadron (meson or baryon with a valence b quark).
    pub fn is_b_hadron(&self) -> bool {
        (self.is_meson() || self.is_baryon()) && self.has_bottom()
    }
}

/// Which species count as "stable for detector purposes": they reach the tracking stations or
/// calorimeters as themselves, so a decay chain stops at them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stability {
    /// Treat pi0 and K_S0 as reconstructable composites that end a chain (default `true`; set to
    /// `false` to decay them to their photons / pions).
    pub composites_stable: bool,
    /// Additional |PDG id|s to treat as stable (for example 3122 to stop at Lambda).
    pub extra_stable: Vec<i32>,
}

impl Default for Stability {
    fn default() -> Self {
        Self { composites_stable: true, extra_stable: Vec::new() }
    }
}

/// |PDG id| of the long-lived species: e, mu, the three neutrinos, gamma, pi+-, K+-, K_L0, p, n.
pub const LONG_LIVED_IDS: [i32; 11] = [11, 13, 12, 14, 16, 22, 211, 321, 130, 2212, 2112];

/// |PDG id| of the reconstructable composites: pi0 and K_S0.
pub const COMPOSITE_IDS: [i32; 2] = [111, 310];

impl Stability {
    /// Whether `pdg_id` is stable under this convention.
    pub fn is_stable(&self, pdg_id: i32) -> bool {
        let a = pdg_id.abs();
        LONG_LIVED_IDS.contains(&a)
            || (self.composites_stable && COMPOSITE_IDS.contains(&a))
            || self.extra_stable.contains(&a)
    }
}

/// Decimal digit `n` (0 = units) of |id|.
fn digit(id: i32, n: u32) -> u8 {
    ((id.unsigned_abs() / 10u32.pow(n)) % 10) as u8
}

/// Whether the id follows the standard numbering (no 7+ digit nuclei or special codes).
fn standard(id: i32) -> bool {
    let a = id.unsigned_abs();
    a < 1_000_000 || (a / 1_000_000) % 10 <= 2 && a < 10_000_000
}

pub(crate) fn pdgid_is_meson(id: i32) -> bool {
    let a = id.unsigned_abs() % 10_000_000;
    if !standard(id) || a < 100 || !(a / 1000).is_multiple_of(10) {
        return false;
    }
    let (q2, q3) = (digit(id, 2), digit(id, 1));
    q2 != 0 && q3 != 0 && q2 >= q3 && digit(id, 0) != 0
}

pub(crate) fn pdgid_is_baryon(id: i32) -> bool {
    let a = id.unsigned_abs() % 10_000_000;
    if !standard(id) || a < 1000 {
        return false;
    }
    let (q1, q2, q3) = (digit(id, 3), digit(id, 2), digit(id, 1));
    q1 != 0 && q2 != 0 && q3 != 0 && digit(id, 0) != 0 && q1 <= 6
}

pub(crate) fn has_quark(id: i32, q: u8) -> bool {
    if !(pdgid_is_meson(id) || pdgid_is_baryon(id)) {
        return false;
    }
    [digit(id, 3), digit(id, 2), digit(id, 1)].contains(&q)
}

/// Charge of quark flavour q (1..=6) in units of e/3.
fn quark_three_charge(q: u8) -> i32 {
    match q {
        1 | 3 | 5 => -1,
        2 | 4 | 6 => 2,
        _ => 0,
    }
}

/// Three times the charge computed from the quark digits of a standard meson or baryon id
/// (PDG Monte Carlo numbering scheme, RPP "Monte Carlo particle numbering scheme").
pub(crate) fn three_charge_from_id(id: i32) -> Option<i32> {
    let sign = id.signum();
    let (q1, q2, q3) = (digit(id, 3), digit(id, 2), digit(id, 1));
    if pdgid_is_baryon(id) {
        return Some(sign * (quark_three_charge(q1) + quark_three_charge(q2) + quark_three_charge(q3)));
    }
    if pdgid_is_meson(id) {
        // The heavier quark digit comes first; when it is down-type it is the antiquark of the
        // particle (B+ = u b~ is 521), so the order of the pair flips.
        let c = if q2 % 2 == 1 {
            quark_three_charge(q3) - quark_three_charge(q2)
        } else {
            quark_three_charge(q2) - quark_three_charge(q3)
        };
        return Some(sign * c);
    }
    None
}

/// Net number of quarks of flavour q minus antiquarks, from the id digits.
pub(crate) fn net_quarks_from_id(id: i32, q: u8) -> i32 {
    let sign = id.signum();
    let (q1, q2, q3) = (digit(id, 3), digit(id, 2), digit(id, 1));
    if pdgid_is_baryon(id) {
        return sign * [q1, q2, q3].iter().filter(|&&x| x == q).count() as i32;
    }
    if pdgid_is_meson(id) {
        // Quark and antiquark of the particle (positive id): see three_charge_from_id.
        let (quark, anti) = if q2 % 2 == 1 { (q3, q2) } else { (q2, q3) };
        let n = i32::from(quark == q) - i32::from(anti == q);
        return sign * n;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_from_ids_match_known_hadrons() {
        // pi+, K+, B0, B+, B_s0, B_c+, D0, D+, D_s+, p, Lambda_b0, Xi_b-, Omega_c0, Sigma_c++.
        let cases = [
            (211, 3),
            (321, 3),
            (511, 0),
            (521, 3),
            (531, 0),
            (541, 3),
            (421, 0),
            (411, 3),
            (431, 3),
            (2212, 3),
            (5122, 0),
            (5132, -3),
            (4332, 0),
            (4222, 6),
            (-521, -3),
        ];
        for (id, q) in cases {
            assert_eq!(three_charge_from_id(id), Some(q), "id {id}");
        }
    }

    #[test]
    fn quark_content_from_ids() {
        // B+ = u b~ : one anti-b. B0 = d b~. D0 = c u~. Lambda_b0 = u d b.
        assert_eq!(net_quarks_from_id(521, 5), -1);
        assert_eq!(net_quarks_from_id(521, 2), 1);
        assert_eq!(net_quarks_from_id(421, 4), 1);
        assert_eq!(net_quarks_from_id(421, 2), -1);
        assert_eq!(net_quarks_from_id(5122, 5), 1);
        assert_eq!(net_quarks_from_id(-5122, 5), -1);
    }

    #[test]
    fn default_stability() {
        let s = Stability::default();
        for id in [11, -11, 13, 211, -211, 321, 2212, -2212, 22, 130, 2112, 12, -14, 111, 310] {
            assert!(s.is_stable(id), "{id}");
        }
        for id in [15, 313, 421, 511, 3122, 113] {
            assert!(!s.is_stable(id), "{id}");
        }
        let no_comp = Stability { composites_stable: false, extra_stable: vec![3122] };
        assert!(!no_comp.is_stable(111));
        assert!(!no_comp.is_stable(310));
        assert!(no_comp.is_stable(-3122));
    }
}
