//! Particle data and EvtGen decay tables for hepzero.
//!
//! * [`ParticleTable`]: every species with PDG id, PDG name, EvtGen name, mass and width (GeV),
//!   lifetime (ps), charge, quark content and antiparticle. The default table is the PDG 2026
//!   table of the scikit-hep `particle` package, embedded from `fixtures/pdg/`, supplemented for
//!   the EvtGen-only names (see [`table`]).
//! * An EvtGen `.DEC` parser ([`parse_dec`]) giving a syntax tree ([`DecFile`]) that keeps every
//!   statement, and a printer ([`print_dec`]) whose output parses back to the same tree.
//! * [`DecayTable`]: modes per particle with normalised and raw branching fractions, aliases,
//!   charge conjugation, user decay files overriding the default, charge-conservation warnings,
//!   and the background finder's chain query ([`ChainFinder`]).
//!
//! # API at a glance
//!
//! ```
//! use hepzero_pdg::{DecayTable, ParticleTable};
//!
//! // Built once on first use, then `&'static`: cheap to call anywhere.
//! let pdg = ParticleTable::lhcb_default();
//! let k = pdg.by_evtgen_name("K+").unwrap();        // also by_pdg_name("K+"), by_pdg_id(321)
//! assert_eq!((k.pdg_id, k.three_charge, k.charge()), (321, 3, 1));
//! let m_k = k.mass.unwrap();                          // GeV (Option: a few species have none)
//! assert!((m_k - 0.493677).abs() < 1e-9);
//! let tau_ps = k.lifetime_ps().unwrap();              // from the width: hbar / Gamma
//! assert!((tau_ps - 12380.0).abs() < 20.0);
//! assert_eq!(pdg.antiparticle(k).evtgen_name, "K-");
//! assert!(k.is_stable());                              // e, mu, pi+-, K+-, p, gamma, K_L0, n, nu, + pi0, K_S0
//! assert!(pdg.by_evtgen_name("B0").unwrap().is_b_hadron());
//!
//! let dec = DecayTable::lhcb_default();               // DECAY_LHCB.DEC, parsed once
//! let b0 = dec.modes("B0");                            // &[DecayMode]
//! let kpipi0 = b0.iter().find(|m| m.daughters == ["K+", "pi-", "pi0"]).unwrap();
//! assert_eq!(kpipi0.raw_br, 2.75e-5);                  // as written; `br` is normalised
//! assert_eq!(kpipi0.model, "PHSP");
//! println!("{}", kpipi0.source);                       // DECAY_LHCB.DEC:1914
//! assert_eq!(dec.conjugate("B0").as_deref(), Some("anti-B0"));
//! assert_eq!(dec.alias_target("K*0T"), Some("K*0"));  // aliases keep their name, resolve for kinematics
//! assert_eq!(dec.particle("K*0T").unwrap().pdg_id, 313);
//!
//! // All chains of B0 whose stable final state is K+ pi- pi0 plus at most 2 extra particles,
//! // with product BR above 1e-9 (sub-chains are memoised inside the finder; reuse it across
//! // mothers).
//! let mut finder = hepzero_pdg::ChainFinder::new(dec, &["K+", "pi-", "pi0"], 2, 1e-9).unwrap();
//! let chains = finder.chains("B0").unwrap();
//! assert!(chains.iter().any(|c| c.extras.is_empty()));
//! ```
//!
//! Decay-mode fields: [`DecayMode`] `{ br, raw_br, daughters, model, model_alias, model_params,
//! photos, source }`. Errors are [`Error`]; decay-file errors carry `file:line:column` and the
//! token.
//!
//! Units: GeV, ps, mm (c = 1); charges as integers in units of e/3 (`three_charge`) or e
//! (`charge()`).

pub mod chains;
pub mod dec;
pub mod decay_table;
pub mod error;
pub mod parse;
pub mod particle;
pub mod print;
pub mod table;

pub use chains::{Chain, ChainFinder, ChainNode};
pub use dec::{DecFile, DecayBlock, DecayLine, KNOWN_MODELS, Located, Param, Pos, Statement, Warning};
pub use decay_table::{
    ChargeWarning, DECAY_BELLE2_DEC, DECAY_LHCB_DEC, DecayMode, DecayTable, NameId, Source, TableRef,
};
pub use error::{Error, Location, Result};
pub use parse::{ParseOptions, parse_dec, parse_dec_with};
pub use particle::{AntiFlag, HBAR_GEV_PS, Particle, PropertySource, Stability};
pub use print::print_dec;
pub use table::ParticleTable;
