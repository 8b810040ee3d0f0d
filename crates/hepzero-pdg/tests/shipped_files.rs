//! The shipped decay files parse completely: block counts, statement kinds, decaying particles
//! after `CDecay` expansion, and values read straight from the files.

use hepzero_pdg::{DECAY_BELLE2_DEC, DECAY_LHCB_DEC, DecayTable, Statement, parse_dec};

fn count(f: &hepzero_pdg::DecFile, kw: &str) -> usize {
    f.statements.iter().filter(|s| s.statement.keyword() == kw).count()
}

#[test]
fn lhcb_file_parses_completely() {
    let f = parse_dec(DECAY_LHCB_DEC, "DECAY_LHCB.DEC").unwrap();
    // Counted with `grep -c '^Decay '` etc. on the file (see fixtures/decays/README.md).
    assert_eq!(count(&f, "Decay"), 424);
    assert_eq!(count(&f, "CDecay"), 86);
    assert_eq!(count(&f, "Alias"), 150);
    assert_eq!(count(&f, "ChargeConj"), 87);
    assert_eq!(count(&f, "Define"), 24);
    assert_eq!(count(&f, "SetLineshapePW"), 16);
    assert_eq!(count(&f, "PythiaBothParam"), 4);
    assert_eq!(count(&f, "yesPhotos"), 1);
    assert_eq!(count(&f, "End"), 1);
    let kinds: usize = f.statement_counts().iter().map(|(_, n)| n).sum();
    assert_eq!(kinds, f.statements.len());
    assert!(f.warnings.is_empty());
    let t = DecayTable::parse_str(DECAY_LHCB_DEC, "DECAY_LHCB.DEC").unwrap();
    assert_eq!(t.decay_block_count(), 424);
    // 424 Decay blocks + 86 CDecay copies, as decaylanguage 1.1.2 also reports (510 decays).
    assert_eq!(t.decaying_count(), 510);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
}

#[test]
fn belle2_file_parses_completely() {
    let f = parse_dec(DECAY_BELLE2_DEC, "DECAY_BELLE2.DEC").unwrap();
    assert_eq!(count(&f, "Decay"), 272);
    assert_eq!(count(&f, "CDecay"), 91);
    assert_eq!(count(&f, "ModelAlias"), 7);
    let t = DecayTable::parse_str(DECAY_BELLE2_DEC, "DECAY_BELLE2.DEC").unwrap();
    assert_eq!(t.decay_block_count(), 272);
    // decaylanguage 1.1.2: 363 decays after CDecay expansion.
    assert_eq!(t.decaying_count(), 363);
    // ModelAlias lines resolve to the model they stand for, with the alias's parameters
    // (`ModelAlias SLBKPOLE_DtoKlnu SLBKPOLE 1.0 0.303 1.0 2.112;`).
    let m = t.modes("D0").iter().find(|m| m.model_alias.as_deref() == Some("SLBKPOLE_DtoKlnu")).unwrap();
    assert_eq!(m.model, "SLBKPOLE");
    assert_eq!(m.model_params, [1.0, 0.303, 1.0, 2.112]);
}

#[test]
fn b0_to_k_pi_pi0_as_written() {
    let t = DecayTable::lhcb_default();
    let modes = t.modes("B0");
    let m = modes.iter().find(|m| m.daughters == ["K+", "pi-", "pi0"]).unwrap();
    // DECAY_LHCB.DEC line 1914: `0.000027500 K+ pi- pi0 PHSP;`
    assert_eq!(m.raw_br, 2.75e-5);
    assert_eq!(m.source.line, 1914);
    assert_eq!(m.model, "PHSP");
    // The 981 B0 BRs add up to 1.000000000 in decimal; compensated summation gets exactly 1.0, so
    // normalisation leaves the written value untouched (naive summation: 1.0000000000000016).
    assert_eq!(t.raw_br_sum("B0").unwrap(), 1.0);
    assert_eq!(m.br, 2.75e-5);
    // B_s0's BRs add up to 0.9999999995: normalisation scales them up by 5e-10.
    let bs = t.raw_br_sum("B_s0").unwrap();
    assert!((bs - 0.9999999995).abs() < 1e-15, "{bs}");
    // anti-B0 has its own block (line 340) with the conjugate mode at line 640.
    let cc = t.modes("anti-B0").iter().find(|m| m.daughters == ["K-", "pi+", "pi0"]).unwrap();
    assert_eq!((cc.raw_br, cc.source.line, cc.source.generated_at), (2.75e-5, 640, None));
}

#[test]
fn cdecay_conjugates_the_block() {
    let t = DecayTable::lhcb_default();
    // `Decay tau-` at line 6080, `CDecay tau+` at line 6143;
    // line 6081: `0.154002925 e- anti-nu_e nu_tau PHOTOS TAULNUNU;`
    let plus = t.modes("tau+");
    let minus = t.modes("tau-");
    assert_eq!(plus.len(), minus.len());
    assert_eq!(plus[0].daughters, ["e+", "nu_e", "anti-nu_tau"]);
    assert_eq!(plus[0].raw_br, 0.154002925);
    assert!(plus[0].photos);
    assert_eq!(plus[0].source.line, 6081);
    assert_eq!(plus[0].source.generated_at, Some(6143));
    assert_eq!(t.conjugate("tau-").as_deref(), Some("tau+"));
}

#[test]
fn define_values_reach_model_parameters() {
    let t = DecayTable::lhcb_default();
    // `0.483122645 B0 anti-B0 VSS_BMIX dm;` with `Define dm 0.507e12`.
    let m = t.modes("Upsilon(4S)").iter().find(|m| m.model == "VSS_BMIX").unwrap();
    assert_eq!(m.model_params, [0.507e12]);
    let f = &t.files()[0];
    assert!(f.statements.iter().any(
        |s| matches!(&s.statement, Statement::Define { name, value } if name == "dm" && *value == 0.507e12)
    ));
}

#[test]
fn user_decay_file_overrides_the_default_blocks() {
    use hepzero_pdg::{ParticleTable, TableRef};
    let base = parse_dec(DECAY_LHCB_DEC, "DECAY_LHCB.DEC").unwrap();
    let user = parse_dec("Decay B0\n0.6 K*0 pi0 SVS;\n0.2 K+ pi- pi0 PHSP;\nEnddecay\n", "user.dec").unwrap();
    let t = DecayTable::build(vec![base, user], TableRef::Static(ParticleTable::lhcb_default())).unwrap();
    let b0 = t.modes("B0");
    assert_eq!(b0.len(), 2);
    // Normalised: 0.6 / 0.8 and 0.2 / 0.8; raw kept.
    assert!((b0[0].br - 0.75).abs() < 1e-15 && (b0[1].br - 0.25).abs() < 1e-15);
    assert_eq!(b0[0].raw_br, 0.6);
    assert_eq!((b0[1].source.file.as_ref(), b0[1].source.line), ("user.dec", 3));
    // Everything else is the default table's, including anti-B0's own block.
    assert_eq!(t.modes("B+").len(), DecayTable::lhcb_default().modes("B+").len());
    assert_eq!(t.modes("anti-B0").len(), DecayTable::lhcb_default().modes("anti-B0").len());
    assert_eq!(t.warnings().len(), 1, "the redefinition is reported");
}
