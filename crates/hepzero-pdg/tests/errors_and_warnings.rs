//! Malformed decay files give errors with file:line:column and the token; charge violations
//! written in a file are warnings with file:line, not errors.

use hepzero_pdg::{DecayTable, Error, parse_dec};

fn syntax(text: &str) -> (String, String) {
    match DecayTable::parse_str(text, "user.dec") {
        Err(e @ Error::DecSyntax { .. }) => {
            let Error::DecSyntax { ref token, .. } = e else { unreachable!() };
            (e.to_string(), token.clone())
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn unknown_particle_names_file_line_column() {
    let err = DecayTable::parse_str("Decay B0\n0.5 K+   pion- PHSP;\nEnddecay\n", "user.dec").unwrap_err();
    match &err {
        Error::UnknownParticleInDec { location, name } => {
            assert_eq!((location.line, location.column, name.as_str()), (2, 10, "pion-"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("user.dec:2:10: unknown particle `pion-`"), "{err}");
}

#[test]
fn missing_enddecay() {
    let (msg, tok) = syntax("Decay B0\n0.5 K+ pi- PHSP;\n\nDecay B+\n1.0 K+ pi0 PHSP;\nEnddecay\n");
    assert_eq!(tok, "Decay");
    assert!(msg.starts_with("user.dec:4:1: missing `Enddecay` for `Decay B0` opened at line 1"), "{msg}");
}

#[test]
fn branching_fraction_not_a_number() {
    let (msg, tok) = syntax("Decay B0\n0.5 K+ pi- PHSP;\n  0.1x K+ pi- pi0 PHSP;\nEnddecay\n");
    assert_eq!(tok, "0.1x");
    assert!(msg.starts_with("user.dec:3:3: branching fraction is not a number"), "{msg}");
}

#[test]
fn unknown_define() {
    let (msg, tok) = syntax("Define dm 0.5\nDecay B0\n1.0 K+ pi- SVS_CP beta dm -dmx;\nEnddecay\n");
    assert_eq!(tok, "beta");
    assert!(msg.starts_with("user.dec:3:19:"), "{msg}");
    assert!(msg.contains("unknown Define"), "{msg}");
}

#[test]
fn missing_semicolon_and_unknown_statement() {
    let (msg, tok) = syntax("Decay B0\n1.0 K+ pi- PHSP\nEnddecay\n");
    assert_eq!(tok, "Enddecay");
    assert!(msg.starts_with("user.dec:3:1: missing `;`"), "{msg}");
    let (msg, tok) = syntax("Alias MyB0 B0\nDecayy MyB0\n");
    assert_eq!(tok, "Decayy");
    assert!(msg.starts_with("user.dec:2:1: unknown statement"), "{msg}");
}

#[test]
fn charge_violation_is_a_warning_with_file_and_line() {
    let text = "Decay B0\n0.7 K+ pi- PHSP;\n0.3 K+ pi+ PHSP;\nEnddecay\n";
    let t = DecayTable::parse_str(text, "user.dec").unwrap();
    let w = t.charge_warnings();
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].source.line, w[0].mother_three_charge, w[0].daughters_three_charge), (3, 0, 6));
    assert!(
        w[0].to_string().starts_with("user.dec:3: warning: charge not conserved in B0 -> K+ pi+"),
        "{}",
        w[0]
    );
    // The mode is still there.
    assert_eq!(t.modes("B0").len(), 2);
}

#[test]
fn shipped_files_have_no_charge_violation() {
    // With every charge known, no mode of the two collaboration files violates charge; modes with a
    // pseudo-particle of unknown charge (`Xsu`, `specflav`) are not checked.
    let t = DecayTable::lhcb_default();
    assert!(t.charge_warnings().is_empty(), "{:?}", t.charge_warnings());
    let b2 = DecayTable::parse_str(hepzero_pdg::DECAY_BELLE2_DEC, "DECAY_BELLE2.DEC").unwrap();
    assert!(b2.charge_warnings().is_empty());
}

#[test]
fn text_after_end_is_a_warning() {
    let f = parse_dec("Decay B0\n1.0 K+ pi- PHSP;\nEnddecay\nEnd\nDecay B+\n", "user.dec").unwrap();
    assert_eq!(f.warnings.len(), 1);
    assert_eq!(f.warnings[0].line, 5);
}

#[test]
fn alias_cycles_are_refused_with_a_warning() {
    let text = "Alias myA myB\nAlias myB myA\nAlias myC myC\nDecay myA\n1.0 pi+ pi- PHSP;\nEnddecay\nDecay myB\n1.0 pi+ pi- PHSP;\nEnddecay\nDecay myC\n1.0 pi0 PHSP;\nEnddecay\nCDecay myA\n";
    let t = DecayTable::parse_str(text, "user.dec").unwrap();
    let lines: Vec<u32> = t.warnings().iter().map(|w| w.line).collect();
    assert!(lines.contains(&2) && lines.contains(&3), "{:?}", t.warnings());
    assert_eq!(t.modes("myA").len(), 1);
    let _ = t.find_chains("myA", &["pi+"], 1, 0.0).unwrap();
}
