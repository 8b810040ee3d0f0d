//! The particle table: every species with its PDG id, PDG and EvtGen names, mass, width, charge and
//! quark content, with O(1) lookup by id or by either name.
//!
//! The default table is built from the scikit-hep `particle` package's data files embedded from
//! `fixtures/pdg/`: `particle2026.csv` first; species it lacks but that EvtGen uses (excited b
//! hadrons, Xi_cc, pseudo-particles such as `Xsd` and `rndmflav`) are added from `conversions.csv`
//! (ids and names) with masses and widths from `mass_width_2008_ext.fwf` and `mass_width_2008.fwf`,
//! and the charge from the PDG id when no table has them.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::particle::{
    AntiFlag, Particle, PropertySource, Stability, has_quark, pdgid_is_baryon, three_charge_from_id,
};

/// `particle2026.csv` of scikit-hep `particle` 1.1.0.
pub const PARTICLE_CSV: &str = include_str!("../../../fixtures/pdg/particle2026.csv");
/// `pdgid_to_evtgenname.csv` of scikit-hep `particle` 1.1.0.
pub const EVTGEN_NAMES_CSV: &str = include_str!("../../../fixtures/pdg/pdgid_to_evtgenname.csv");
/// `conversions.csv` of scikit-hep `particle` 1.1.0.
pub const CONVERSIONS_CSV: &str = include_str!("../../../fixtures/pdg/conversions.csv");
/// `mass_width_2008.fwf` of scikit-hep `particle` 1.1.0.
pub const MASS_WIDTH_2008: &str = include_str!("../../../fixtures/pdg/mass_width_2008.fwf");
/// `mass_width_2008_ext.fwf` of scikit-hep `particle` 1.1.0.
pub const MASS_WIDTH_2008_EXT: &str = include_str!("../../../fixtures/pdg/mass_width_2008_ext.fwf");

static DEFAULT_TABLE: LazyLock<std::result::Result<ParticleTable, String>> =
    LazyLock::new(|| ParticleTable::from_embedded().map_err(|e| e.to_string()));

/// The particle table. Cheap to share: the default one is built once and handed out as
/// `&'static`.
#[derive(Debug, Clone, Serialize)]
pub struct ParticleTable {
    particles: Vec<Particle>,
    #[serde(skip)]
    by_id: FxHashMap<i32, usize>,
    #[serde(skip)]
    by_evtgen: FxHashMap<String, usize>,
    #[serde(skip)]
    by_pdg_name: FxHashMap<String, usize>,
    stability: Stability,
}

impl ParticleTable {
    /// The embedded default table (PDG 2026 plus the supplements described in the module docs),
    /// built on first use and shared afterwards; later calls cost one atomic load.
    ///
    /// # Panics
    /// Never for the shipped fixtures (a test parses them); the embedded data cannot change at run
    /// time.
    pub fn lhcb_default() -> &'static ParticleTable {
        match &*DEFAULT_TABLE {
            Ok(t) => t,
            // The embedded files are fixed at compile time and parsed by the test suite.
            Err(e) => unreachable!("embedded particle table failed to parse: {e}"),
        }
    }

    /// Builds the default table from the embedded files (what [`ParticleTable::lhcb_default`]
    /// caches).
    pub fn from_embedded() -> Result<Self> {
        let mut t = Self::from_particle_csv(PARTICLE_CSV, "particle2026.csv")?;
        t.apply_evtgen_names(EVTGEN_NAMES_CSV, "pdgid_to_evtgenname.csv")?;
        t.supplement(
            CONVERSIONS_CSV,
            "conversions.csv",
            &[(MASS_WIDTH_2008_EXT, "mass_width_2008_ext.fwf"), (MASS_WIDTH_2008, "mass_width_2008.fwf")],
        )?;
        t.apply_evtgen_names(EVTGEN_NAMES_CSV, "pdgid_to_evtgenname.csv")?;
        Ok(t)
    }

    /// Reads a particle CSV in the `particle` package format (`ID,Mass,MassUpper,MassLower,Width,
    /// WidthUpper,WidthLower,I,G,P,C,Anti,Charge,Rank,Status,Name,Quarks,Latex`, masses in MeV,
    /// `#` comment lines). EvtGen names default to the PDG names until
    /// [`ParticleTable::apply_evtgen_names`] is called.
    pub fn from_particle_csv(text: &str, file: &str) -> Result<Self> {
        let mut particles = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i as u32 + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("ID,") {
                continue;
            }
            particles.push(parse_csv_row(line, file, line_no)?);
        }
        Ok(Self::from_particles(particles))
    }

    /// Reads a particle CSV file from disk (same format as [`ParticleTable::from_particle_csv`])
    /// and applies the embedded EvtGen names.
    pub fn from_csv_file(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|reason| Error::Io { path: path.display().to_string(), reason })?;
        let mut t = Self::from_particle_csv(&text, &path.display().to_string())?;
        t.apply_evtgen_names(EVTGEN_NAMES_CSV, "pdgid_to_evtgenname.csv")?;
        Ok(t)
    }

    /// Builds a table from particles (later entries with the same PDG id replace earlier ones).
    pub fn from_particles(particles: Vec<Particle>) -> Self {
        let mut t = Self {
            particles: Vec::new(),
            by_id: FxHashMap::default(),
            by_evtgen: FxHashMap::default(),
            by_pdg_name: FxHashMap::default(),
            stability: Stability::default(),
        };
        for p in particles {
            match t.by_id.get(&p.pdg_id) {
                Some(&i) => t.particles[i] = p,
                None => {
                    t.by_id.insert(p.pdg_id, t.particles.len());
                    t.particles.push(p);
                }
            }
        }
        t.reindex_names();
        t
    }

    /// Adds or replaces (same PDG id) a particle.
    pub fn insert(&mut self, p: Particle) {
        if let Some(&i) = self.by_id.get(&p.pdg_id) {
            self.particles[i] = p;
        } else {
            self.by_id.insert(p.pdg_id, self.particles.len());
            self.particles.push(p);
        }
        self.reindex_names();
    }

    fn reindex_names(&mut self) {
        self.by_evtgen.clear();
        self.by_pdg_name.clear();
        let particles = &self.particles;
        for (i, p) in particles.iter().enumerate() {
            // First one wins on a clash, so PDG 2026 rows win over supplements; except that a
            // row with a mass beats a mass-less placeholder of the same name (PDG 2026 lists
            // psi(4040) both as 9000443 with a mass and as 200443 without).
            let better = |old: usize| particles[old].mass.is_none() && p.mass.is_some();
            match self.by_evtgen.get(&p.evtgen_name) {
                Some(&old) if !better(old) => {}
                _ => {
                    self.by_evtgen.insert(p.evtgen_name.clone(), i);
                }
            }
            match self.by_pdg_name.get(&p.pdg_name) {
                Some(&old) if !better(old) => {}
                _ => {
                    self.by_pdg_name.insert(p.pdg_name.clone(), i);
                }
            }
        }
    }

    /// Sets EvtGen names from a `PDGID,STR` CSV (the `particle` package's
    /// `pdgid_to_evtgenname.csv`); ids not in the table are ignored.
    pub fn apply_evtgen_names(&mut self, text: &str, file: &str) -> Result<()> {
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("PDGID") {
                continue;
            }
            let (id, name) = line.split_once(',').ok_or_else(|| Error::ParticleTable {
                file: file.to_string(),
                line: i as u32 + 1,
                message: format!("expected `PDGID,NAME`, found `{line}`"),
            })?;
            let id: i32 = id.trim().parse().map_err(|_| Error::ParticleTable {
                file: file.to_string(),
                line: i as u32 + 1,
                message: format!("PDG id `{id}` is not an integer"),
            })?;
            if let Some(&k) = self.by_id.get(&id) {
                self.particles[k].evtgen_name = name.trim().to_string();
            }
        }
        self.reindex_names();
        Ok(())
    }

    /// Adds the species listed in a `conversions.csv` that the table lacks, taking mass, width,
    /// charge and quark content from the first of `mass_width` (2008-format fixed-width tables)
    /// that lists the id, else the charge from the PDG id.
    pub fn supplement(&mut self, conversions: &str, file: &str, mass_width: &[(&str, &str)]) -> Result<()> {
        let mut mw: Vec<FxHashMap<i32, Particle>> = Vec::new();
        for (text, name) in mass_width {
            mw.push(parse_mass_width(text, name)?);
        }
        let sources = [PropertySource::MassWidth2008Ext, PropertySource::MassWidth2008];
        for (i, raw) in conversions.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("PDGID") {
                continue;
            }
            let cols: Vec<&str> = line.splitn(6, ',').map(str::trim).collect();
            let err = |message: String| Error::ParticleTable {
                file: file.to_string(),
                line: i as u32 + 1,
                message,
            };
            if cols.len() < 5 {
                return Err(err(format!("expected 6 columns, found `{line}`")));
            }
            let id: i32 =
                cols[0].parse().map_err(|_| err(format!("PDG id `{}` is not an integer", cols[0])))?;
            if self.by_id.contains_key(&id) {
                continue;
            }
            let mut p = None;
            for (k, table) in mw.iter().enumerate() {
                if let Some(found) = table.get(&id) {
                    let mut f = found.clone();
                    f.source = sources.get(k).copied().unwrap_or(PropertySource::MassWidth2008);
                    p = Some(f);
                    break;
                }
            }
            let mut p = p.unwrap_or_else(|| Particle {
                pdg_id: id,
                pdg_name: String::new(),
                evtgen_name: String::new(),
                mass: None,
                mass_errors: None,
                width: None,
                three_charge: 0,
                charge_known: false,
                quarks: String::new(),
                anti_flag: AntiFlag::Barred,
                source: PropertySource::IdOnly,
                latex: String::new(),
            });
            p.pdg_name = cols[3].to_string();
            p.evtgen_name = cols[4].to_string();
            if p.source == PropertySource::IdOnly {
                // The charge from the id's quark digits, else from the name's final charge
                // (`Xu+`), else unknown (`Xsu`, `specflav`).
                let q = three_charge_from_id(id).or_else(|| charge_from_name_suffix(&p.evtgen_name));
                p.three_charge = q.unwrap_or(0);
                p.charge_known = q.is_some();
            }
            p.latex = cols.get(5).map(|s| s.to_string()).unwrap_or_default();
            self.by_id.insert(id, self.particles.len());
            self.particles.push(p);
        }
        self.reindex_names();
        Ok(())
    }

    /// Looks a particle up by PDG id.
    pub fn by_pdg_id(&self, id: i32) -> Option<&Particle> {
        self.by_id.get(&id).map(|&i| &self.particles[i])
    }

    /// Looks a particle up by EvtGen name (`K_S0`, `anti-B0`, `Lambda_b0`).
    pub fn by_evtgen_name(&self, name: &str) -> Option<&Particle> {
        self.by_evtgen.get(name).map(|&i| &self.particles[i])
    }

    /// Looks a particle up by PDG name as the `particle` package writes it (`K(S)0`, `B~0`,
    /// `Lambda(b)0`, `p~`).
    pub fn by_pdg_name(&self, name: &str) -> Option<&Particle> {
        self.by_pdg_name.get(name).map(|&i| &self.particles[i])
    }

    /// Looks a name up as an EvtGen name, then as a PDG name, then as a PDG id.
    pub fn find(&self, name: &str) -> Option<&Particle> {
        self.by_evtgen_name(name)
            .or_else(|| self.by_pdg_name(name))
            .or_else(|| name.trim().parse::<i32>().ok().and_then(|id| self.by_pdg_id(id)))
    }

    /// Like [`ParticleTable::find`] but an error naming the particle when it is unknown.
    pub fn get(&self, name: &str) -> Result<&Particle> {
        self.find(name).ok_or_else(|| Error::UnknownParticle(name.to_string()))
    }

    /// The antiparticle (the particle itself when self-conjugate or when the table has no row for
    /// the negative id).
    pub fn antiparticle<'a>(&'a self, p: &'a Particle) -> &'a Particle {
        if p.anti_flag == AntiFlag::Same {
            return p;
        }
        self.by_pdg_id(-p.pdg_id).unwrap_or(p)
    }

    /// Index of a particle in [`ParticleTable::particles`], by PDG id.
    pub fn index_of_pdg_id(&self, id: i32) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// All particles, in file order.
    pub fn particles(&self) -> &[Particle] {
        &self.particles
    }

    /// Number of species.
    pub fn len(&self) -> usize {
        self.particles.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.particles.is_empty()
    }

    /// The stability convention of this table (see [`Stability`]).
    pub fn stability(&self) -> &Stability {
        &self.stability
    }

    /// Replaces the stability convention (for example to decay pi0 and K_S0).
    pub fn set_stability(&mut self, stability: Stability) {
        self.stability = stability;
    }

    /// Whether `p` is stable for detector purposes under this table's convention.
    pub fn is_stable(&self, p: &Particle) -> bool {
        self.stability.is_stable(p.pdg_id)
    }
}

/// MeV text to GeV, rounded once: `895.56` becomes the double nearest 0.89556 (dividing the
/// parsed double by 1000 would round twice and give 0.8955599999999999).
fn mev_to_gev(text: &str, parsed: f64) -> f64 {
    let t = text.trim();
    if t.contains(['e', 'E']) {
        return parsed / 1000.0;
    }
    format!("{t}e-3").parse().unwrap_or(parsed / 1000.0)
}

fn parse_f(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

/// One row of particle2026.csv.
fn parse_csv_row(line: &str, file: &str, line_no: u32) -> Result<Particle> {
    let cols: Vec<&str> = line.splitn(18, ',').collect();
    let err = |message: String| Error::ParticleTable { file: file.to_string(), line: line_no, message };
    if cols.len() < 17 {
        return Err(err(format!("expected 18 columns, found {}", cols.len())));
    }
    let num = |k: usize| -> Result<f64> {
        parse_f(cols[k]).ok_or_else(|| err(format!("column {} `{}` is not a number", k + 1, cols[k])))
    };
    let id: i32 =
        cols[0].trim().parse().map_err(|_| err(format!("PDG id `{}` is not an integer", cols[0])))?;
    let (mass, mu, ml) = (num(1)?, num(2)?, num(3)?);
    let (width, _wu, _wl) = (num(4)?, num(5)?, num(6)?);
    let anti = match cols[11].trim() {
        "0" => AntiFlag::Same,
        "1" => AntiFlag::Barred,
        "2" => AntiFlag::ChargeInv,
        other => return Err(err(format!("Anti flag `{other}` is not 0, 1 or 2"))),
    };
    let (three_charge, charge_known): (i32, bool) = match cols[12].trim() {
        "" => three_charge_from_id(id).map_or((0, false), |q| (q, true)),
        c => (c.parse().map_err(|_| err(format!("charge `{c}` is not an integer")))?, true),
    };
    let base = cols[15].trim();
    let isospin_zero = cols[7].trim() == "0";
    let pdg_name = pdg_display_name(base, id, anti, three_charge, isospin_zero);
    Ok(Particle {
        pdg_id: id,
        evtgen_name: pdg_name.clone(),
        pdg_name,
        mass: (mass >= 0.0).then(|| mev_to_gev(cols[1], mass)),
        mass_errors: (mu >= 0.0 && ml >= 0.0).then(|| (mev_to_gev(cols[2], mu), mev_to_gev(cols[3], ml))),
        width: (width >= 0.0).then(|| mev_to_gev(cols[4], width)),
        three_charge,
        charge_known,
        quarks: cols[16].trim().to_string(),
        anti_flag: anti,
        source: PropertySource::Pdg2026,
        latex: cols.get(17).map(|s| s.trim().to_string()).unwrap_or_default(),
    })
}

/// The `particle` package's naming rule: base name, `~` for a barred antiparticle, and the charge
/// where the name needs it to be unique.
fn pdg_display_name(base: &str, id: i32, anti: AntiFlag, three_charge: i32, isospin_zero: bool) -> String {
    let tilde = if anti == AntiFlag::Barred && id < 0 { "~" } else { "" };
    let charge = if charge_in_name(base, id, anti, isospin_zero) { charge_string(three_charge) } else { "" };
    format!("{base}{tilde}{charge}")
}

fn charge_in_name(base: &str, id: i32, anti: AntiFlag, isospin_zero: bool) -> bool {
    let a = id.abs();
    if anti == AntiFlag::ChargeInv || [23, 25, 111, 130, 310, 311].contains(&a) {
        return true;
    }
    let is_diquark = (1000..10000).contains(&a) && (a / 10) % 10 == 0 && (a / 100) % 10 > 0;
    if is_diquark || a == 2212 || a == 2112 || a < 19 {
        return false;
    }
    // Quark digits read directly, as the `particle` package does, so exotic ids (9000443 =
    // psi(4040), 100410413 = T(cc1)(3900)) count as charmonium-like too.
    let heavy = |x: u8| {
        has_quark(id, x) || (a >= 100 && [a / 1000 % 10, a / 100 % 10, a / 10 % 10].contains(&(x as i32)))
    };
    if anti == AntiFlag::Same {
        if id < 25 {
            return false;
        }
        if ["eta", "h(", "h'(", "omega", "phi", "f", "f'"].iter().any(|s| base.contains(s)) {
            return false;
        }
        return !(heavy(3) || heavy(4) || heavy(5) || heavy(6));
    }
    if pdgid_is_baryon(id)
        && (a / 100) % 10 == 1
        && isospin_zero
        && heavy(3)
        && !(heavy(4) || heavy(5) || heavy(6))
    {
        return false;
    }
    a < 1_000_000_000
}

/// Charge from an EvtGen name's last characters (`++`, `+`, `0`, `-`, `--`).
fn charge_from_name_suffix(name: &str) -> Option<i32> {
    if name.ends_with("++") {
        Some(6)
    } else if name.ends_with("--") {
        Some(-6)
    } else if name.ends_with('+') {
        Some(3)
    } else if name.ends_with('-') {
        Some(-3)
    } else if name.ends_with('0') {
        Some(0)
    } else {
        None
    }
}

fn charge_string(three_charge: i32) -> &'static str {
    match three_charge {
        6 => "++",
        4 => "+4/3",
        3 => "+",
        2 => "+2/3",
        1 => "+1/3",
        0 => "0",
        -1 => "-1/3",
        -2 => "-2/3",
        -3 => "-",
        -4 => "-4/3",
        -6 => "--",
        _ => "None",
    }
}

/// The 2008 RPP fixed-width (comma separated) table: particles only; antiparticles derived.
fn parse_mass_width(text: &str, file: &str) -> Result<FxHashMap<i32, Particle>> {
    let mut out = FxHashMap::default();
    for (i, raw) in text.lines().enumerate() {
        if raw.starts_with('*') || raw.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = raw.splitn(18, ',').map(str::trim).collect();
        let err =
            |message: String| Error::ParticleTable { file: file.to_string(), line: i as u32 + 1, message };
        if cols.len() < 17 {
            return Err(err(format!("expected 18 columns, found {}", cols.len())));
        }
        let num = |k: usize| -> Result<f64> {
            parse_f(cols[k]).ok_or_else(|| err(format!("column {} `{}` is not a number", k + 1, cols[k])))
        };
        let (mass, mu, ml, width) = (num(0)?, num(1)?, num(2)?, num(3)?);
        let anti = match cols[11] {
            "B" => AntiFlag::ChargeInv,
            "F" => AntiFlag::Barred,
            _ => AntiFlag::Same,
        };
        let three_charge = match cols[13] {
            "++" => 6,
            "+" => 3,
            "0" => 0,
            "-" => -3,
            "--" => -6,
            "+2/3" => 2,
            "-1/3" => -1,
            "-2/3" => -2,
            "+1/3" => 1,
            _ => 0,
        };
        // One line may list several ids for the charge states of an isospin multiplet.
        for id_s in cols[12].split_whitespace() {
            let Ok(id) = id_s.parse::<i32>() else {
                return Err(err(format!("PDG id `{id_s}` is not an integer")));
            };
            let q = three_charge_from_id(id).unwrap_or(three_charge);
            let base = cols[16];
            let p = Particle {
                pdg_id: id,
                pdg_name: pdg_display_name(base, id, anti, q, cols[6] == "0"),
                evtgen_name: String::new(),
                mass: (mass >= 0.0).then(|| mev_to_gev(cols[0], mass)),
                mass_errors: (mu >= 0.0 && ml >= 0.0)
                    .then(|| (mev_to_gev(cols[1], mu), mev_to_gev(cols[2], ml))),
                width: (width >= 0.0).then(|| mev_to_gev(cols[3], width)),
                three_charge: q,
                charge_known: true,
                quarks: cols.get(17).map(|s| s.to_string()).unwrap_or_default(),
                anti_flag: anti,
                source: PropertySource::MassWidth2008,
                latex: String::new(),
            };
            if anti != AntiFlag::Same {
                let mut a = p.clone();
                a.pdg_id = -id;
                a.three_charge = -q;
                a.pdg_name = pdg_display_name(base, -id, anti, -q, cols[6] == "0");
                a.quarks = conjugate_quarks(&p.quarks);
                out.entry(-id).or_insert(a);
            }
            out.entry(id).or_insert(p);
        }
    }
    Ok(out)
}

fn conjugate_quarks(q: &str) -> String {
    q.chars()
        .map(|c| {
            if "udscbt".contains(c) {
                c.to_ascii_uppercase()
            } else if "UDSCBT".contains(c) {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_basic_lookups() {
        let t = ParticleTable::lhcb_default();
        let kp = t.by_evtgen_name("K+").unwrap();
        assert_eq!(kp.pdg_id, 321);
        assert_eq!(kp.charge(), 1);
        // PDG 2026: m(K+) = 493.677 MeV.
        assert!((kp.mass.unwrap() - 0.493_677).abs() < 1e-12);
        let b0 = t.by_pdg_id(511).unwrap();
        assert_eq!(b0.evtgen_name, "B0");
        assert_eq!(t.antiparticle(b0).evtgen_name, "anti-B0");
        assert_eq!(t.by_pdg_name("K(S)0").unwrap().evtgen_name, "K_S0");
        assert_eq!(t.by_evtgen_name("Lambda_b0").unwrap().pdg_id, 5122);
        let pi0 = t.by_evtgen_name("pi0").unwrap();
        assert!(std::ptr::eq(t.antiparticle(pi0), pi0));
    }
}
