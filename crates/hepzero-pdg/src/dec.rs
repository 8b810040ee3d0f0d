//! The syntax tree of an EvtGen decay file (`.DEC`): one [`Statement`] per keyword, in file order,
//! with every value the file states (nothing is dropped except `#` comments).
//!
//! The statement set follows EvtGen's `EvtDecayTable::readDecayFile` and the grammar of
//! scikit-hep `decaylanguage` (`decfile.lark`): `Define`, `Alias`, `ChargeConj`, `ModelAlias`,
//! `Decay ... Enddecay`, `CDecay`, `CopyDecay`, `SetLineshapePW`, `Pythia{Both,Alias,Generic}Param`,
//! `JetSetPar`, `Particle`, `yesPhotos`/`noPhotos`/`normalPhotos`, `LSFLAT`/`LSNONRELBW`/
//! `LSMANYDELTAFUNC`, `ChangeMassMin`/`ChangeMassMax`, `IncludeBirthFactor`/`IncludeDecayFactor`,
//! `BlattWeisskopf` and `End`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Where a token starts (1-based line and column). Positions are not part of a statement's
/// content: two statements that say the same thing compare equal wherever they were written, so
/// a printed-then-parsed file equals the original.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
}

impl PartialEq for Pos {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// A parsed decay file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecFile {
    /// File name used in messages and in the `source` of every decay mode.
    pub file: Arc<str>,
    /// The statements in file order.
    pub statements: Vec<Located>,
    /// Things EvtGen would accept but a physicist may want to know (text after `End`).
    pub warnings: Vec<Warning>,
}

/// A statement with the position of its keyword.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Located {
    /// Position of the statement's first token.
    pub pos: Pos,
    /// The statement.
    pub statement: Statement,
}

/// A non-fatal finding, with file and line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// File name.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// What was found.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: warning: {}", self.file, self.line, self.message)
    }
}

/// A model parameter: a number, or a `Define`d name (possibly negated) with its value at the time
/// the line was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Param {
    /// A literal number.
    Number(f64),
    /// A `Define`d constant.
    Defined {
        /// The name as defined.
        name: String,
        /// Whether the file wrote `-name`.
        negative: bool,
        /// The value (already negated when `negative`).
        value: f64,
    },
}

impl Param {
    /// The numerical value.
    pub fn value(&self) -> f64 {
        match self {
            Param::Number(v) => *v,
            Param::Defined { value, .. } => *value,
        }
    }
}

/// One line of a `Decay` block: `BR daughter... [PHOTOS] MODEL params... ;`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecayLine {
    /// Branching fraction as written (not normalised).
    pub br: f64,
    /// Daughter names as written (EvtGen names or aliases).
    pub daughters: Vec<String>,
    /// Whether the line carries the `PHOTOS` keyword.
    pub photos: bool,
    /// Model name as written (may be a `ModelAlias`).
    pub model: String,
    /// Model parameters.
    pub params: Vec<Param>,
    /// Position of the branching fraction.
    pub pos: Pos,
    /// Positions of the daughters (same order).
    pub daughter_pos: Vec<Pos>,
}

/// A `Decay NAME ... Enddecay` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecayBlock {
    /// Decaying particle (or alias).
    pub mother: String,
    /// The lines, in order.
    pub lines: Vec<DecayLine>,
}

/// One statement of a decay file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Statement {
    /// `Define NAME VALUE`.
    Define {
        /// Name.
        name: String,
        /// Value.
        value: f64,
    },
    /// `Alias ALIAS PARTICLE`.
    Alias {
        /// New name.
        alias: String,
        /// Particle it stands for.
        particle: String,
    },
    /// `ChargeConj A B`.
    ChargeConj {
        /// First name.
        a: String,
        /// Its charge conjugate.
        b: String,
    },
    /// `ModelAlias NAME MODEL params... ;`.
    ModelAlias {
        /// Alias name.
        name: String,
        /// Model it stands for.
        model: String,
        /// Parameters.
        params: Vec<Param>,
    },
    /// `Decay ... Enddecay`.
    Decay(DecayBlock),
    /// `CDecay NAME`: decay NAME as the charge conjugate of its antiparticle's block.
    CDecay {
        /// Particle whose decays are generated.
        particle: String,
    },
    /// `CopyDecay NEW SOURCE`.
    CopyDecay {
        /// Particle receiving the copy.
        particle: String,
        /// Particle whose block is copied.
        source: String,
    },
    /// `SetLineshapePW MOTHER D1 D2 PW`.
    SetLineshapePW {
        /// Mother.
        mother: String,
        /// First daughter.
        d1: String,
        /// Second daughter.
        d2: String,
        /// Partial wave.
        pw: i64,
    },
    /// `PythiaBothParam|PythiaAliasParam|PythiaGenericParam SETTING`.
    Pythia {
        /// The keyword.
        keyword: String,
        /// The setting, e.g. `ParticleDecays:mixB=off`.
        setting: String,
    },
    /// `JetSetPar SETTING`.
    JetSetPar {
        /// The setting, e.g. `MSTJ(26)=0`.
        setting: String,
    },
    /// `Particle NAME MASS [WIDTH]` (GeV).
    Particle {
        /// Particle.
        name: String,
        /// Mass in GeV.
        mass: f64,
        /// Width in GeV, when given.
        width: Option<f64>,
    },
    /// `yesPhotos`, `noPhotos` or `normalPhotos`.
    Photos {
        /// The keyword.
        keyword: String,
    },
    /// `LSFLAT|LSNONRELBW|LSMANYDELTAFUNC NAME`.
    Lineshape {
        /// The keyword.
        keyword: String,
        /// Particle.
        particle: String,
    },
    /// `ChangeMassMin|ChangeMassMax NAME VALUE`.
    ChangeMass {
        /// The keyword.
        keyword: String,
        /// Particle.
        particle: String,
        /// Value in GeV.
        value: f64,
    },
    /// `IncludeBirthFactor|IncludeDecayFactor NAME yes|no`.
    IncludeFactor {
        /// The keyword.
        keyword: String,
        /// Particle.
        particle: String,
        /// yes / no.
        yes: bool,
    },
    /// `BlattWeisskopf NAME VALUE`.
    BlattWeisskopf {
        /// Particle.
        particle: String,
        /// Radius parameter.
        value: f64,
    },
    /// `End`.
    End,
}

impl Statement {
    /// The keyword that starts the statement in a file.
    pub fn keyword(&self) -> &str {
        match self {
            Statement::Define { .. } => "Define",
            Statement::Alias { .. } => "Alias",
            Statement::ChargeConj { .. } => "ChargeConj",
            Statement::ModelAlias { .. } => "ModelAlias",
            Statement::Decay(_) => "Decay",
            Statement::CDecay { .. } => "CDecay",
            Statement::CopyDecay { .. } => "CopyDecay",
            Statement::SetLineshapePW { .. } => "SetLineshapePW",
            Statement::Pythia { keyword, .. }
            | Statement::Photos { keyword }
            | Statement::Lineshape { keyword, .. }
            | Statement::ChangeMass { keyword, .. }
            | Statement::IncludeFactor { keyword, .. } => keyword,
            Statement::JetSetPar { .. } => "JetSetPar",
            Statement::Particle { .. } => "Particle",
            Statement::BlattWeisskopf { .. } => "BlattWeisskopf",
            Statement::End => "End",
        }
    }
}

impl DecFile {
    /// The `Decay` blocks in file order.
    pub fn decay_blocks(&self) -> impl Iterator<Item = &DecayBlock> {
        self.statements.iter().filter_map(|s| match &s.statement {
            Statement::Decay(b) => Some(b),
            _ => None,
        })
    }

    /// How many statements of each keyword the file has, sorted by keyword.
    pub fn statement_counts(&self) -> Vec<(String, usize)> {
        let mut m: std::collections::BTreeMap<String, usize> = Default::default();
        for s in &self.statements {
            *m.entry(s.statement.keyword().to_string()).or_default() += 1;
        }
        m.into_iter().collect()
    }
}

/// EvtGen decay model names (the list of models scikit-hep `decaylanguage` 1.1.2 knows, which
/// follows EvtGen's model registry). A decay line's first token that is one
/// of these (or a `ModelAlias`) is its model; the tokens before it are daughters.
pub const KNOWN_MODELS: &[&str] = &[
    "B_TO_2BARYON_SCALAR",
    "B_TO_LAMBDA_PBAR_GAMMA",
    "BaryonPCR",
    "BC_SMN",
    "BC_TMN",
    "BC_VHAD",
    "BC_VMN",
    "BC_VPPHAD",
    "BCL",
    "BGL",
    "BLLNUL",
    "BNOCB0TO4PICP",
    "BNOCBPTO3HPI0",
    "BNOCBPTOKSHHH",
    "BSTD_2HDMTYPE2",
    "BSTD",
    "BS_MUMUKK",
    "BSTOGLLISRFSR",
    "BSTOGLLMNT",
    "BT02PI_CP_ISO",
    "BTO3PI_CP",
    "BTODDALITZCPK",
    "BToDiBaryonlnupQCD",
    "BTOKK0K0",
    "BTOSLLALI",
    "BTOSLLBALL",
    "BTOSLLMS",
    "BTOSLLMSEXT",
    "BTOVLNUBALL",
    "BTOXELNU",
    "BTOXSGAMMA",
    "BTOXSLL",
    "BTOXSNUNU_FERMI",
    "BQTOLLLLHYPERCP",
    "BQTOLLLL",
    "CB3PI-MPP",
    "CB3PI-P00",
    "D_DALITZ",
    "D_hhhh",
    "D0GAMMADALITZ",
    "D0MIXDALITZ",
    "DToKpienu",
    "ETA2MUMUGAMMA",
    "ETAPRIME_DALITZ",
    "ETA_DALITZ",
    "ETA_FULLDALITZ",
    "ETA_LLPIPI",
    "ETA_PI0DALITZ",
    "FLATQ2FLATM",
    "FLATQ2",
    "FLATSQDALITZ",
    "FOURBODYPHSP",
    "GENERIC_DALITZ",
    "GOITY_ROBERTS",
    "HELAMP",
    "HQET3",
    "HQET2",
    "HQET",
    "HypNonLepton",
    "ISGW2",
    "ISGW",
    "KNUNU",
    "KSTARNUNU_REV",
    "KS_PI0MUMU",
    "Lb2Baryonlnu",
    "Lb2plnuLCSR",
    "Lb2plnuLQCD",
    "LbAmpGen",
    "LLSW",
    "LNUGAMMA",
    "MELIKHOV",
    "OMEGA_DALITZ",
    "PARTWAVE",
    "PHI_DALITZ",
    "PHSPDECAYTIMECUT",
    "PHSPFLATLIFETIME",
    "PHSP_BB_MIX",
    "PHSP_B_MIX",
    "PHSP_CP",
    "PHSP",
    "PI0_DALITZ",
    "PROPSLPOLE",
    "PTO3P",
    "PVV_CPLH",
    "PYCONT",
    "PYTHIA",
    "RareLbToLll",
    "SHD",
    "SLBKPOLE",
    "SLL",
    "SLN",
    "SLPOLE",
    "SSD_CP",
    "SSD_DirectCP",
    "SSS_CP_PNG",
    "SSS_CP",
    "SSS_CPT",
    "STS_CP",
    "STS",
    "SVP_CP",
    "SVP_HELAMP",
    "SVP",
    "SVS_CP_ISO",
    "SVS_CPLH",
    "SVS_CP",
    "SVS_NONCPEIGEN",
    "SVS",
    "SVV_CPLH",
    "SVV_CP",
    "SVV_HELAMP",
    "SVV_NONCPEIGEN",
    "SVVHELCPMIX",
    "TAUHADNU",
    "TAULNUNU",
    "TAUOLA",
    "TAUSCALARNU",
    "TAUVECTORNU",
    "THREEBODYPHSP",
    "TSS",
    "TVP",
    "TVS_PWAVE",
    "VECTORISR",
    "VLL",
    "VSP_PWAVE",
    "VSS_BMIX",
    "VSS_MIX",
    "VSS",
    "VSSBMixNP",
    "VTOSLL",
    "VUB_BLNP",
    "VUB",
    "VVPIPI_WEIGHTED",
    "VVPIPI",
    "VVP",
    "VVS_PWAVE",
    "XLL",
    "YMSTOYNSPIPICLEO",
    "YMSTOYNSPIPICLEOBOOST",
];
