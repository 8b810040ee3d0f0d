//! Cross-check against scikit-hep decaylanguage 1.1.2: for 44 particles of DECAY_LHCB.DEC and 10
//! of DECAY_BELLE2.DEC, the modes (order, daughters, model, PHOTOS flag, parameters) and the
//! branching fractions as written agree to 1e-12 relative. The reference JSON is written by
//! `fixtures/decays/decaylanguage_crosscheck.py` (run by hand).

use hepzero_pdg::{DECAY_BELLE2_DEC, DECAY_LHCB_DEC, DecayTable};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct RefMode {
    bf: f64,
    daughters: Vec<String>,
    model: String,
    photos: bool,
    params: Vec<f64>,
}

#[derive(Deserialize)]
struct RefFile {
    number_of_decays: usize,
    particles: BTreeMap<String, Vec<RefMode>>,
}

#[derive(Deserialize)]
struct Reference {
    files: BTreeMap<String, RefFile>,
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

#[test]
fn modes_and_branching_fractions_match_decaylanguage() {
    let reference: Reference =
        serde_json::from_str(include_str!("../../../fixtures/decays/decaylanguage_modes.json")).unwrap();
    let mut checked_particles = 0;
    let mut checked_modes = 0;
    for (file, text) in [("DECAY_LHCB.DEC", DECAY_LHCB_DEC), ("DECAY_BELLE2.DEC", DECAY_BELLE2_DEC)] {
        let r = &reference.files[file];
        let t = DecayTable::parse_str(text, file).unwrap();
        assert_eq!(t.decaying_count(), r.number_of_decays, "{file}");
        for (name, ref_modes) in &r.particles {
            let ours = t.modes(name);
            assert_eq!(ours.len(), ref_modes.len(), "{file} {name}: number of modes");
            for (k, (m, rm)) in ours.iter().zip(ref_modes).enumerate() {
                let at = format!("{file} {name} mode {k} ({})", m.source);
                assert!(close(m.raw_br, rm.bf), "{at}: BR {} vs {}", m.raw_br, rm.bf);
                assert_eq!(m.daughters, rm.daughters, "{at}");
                assert_eq!(m.model, rm.model, "{at}");
                assert_eq!(m.photos, rm.photos, "{at}");
                assert_eq!(m.model_params.len(), rm.params.len(), "{at}: parameters");
                for (a, b) in m.model_params.iter().zip(&rm.params) {
                    assert!(close(*a, *b), "{at}: parameter {a} vs {b}");
                }
                checked_modes += 1;
            }
            checked_particles += 1;
        }
    }
    assert!(checked_particles >= 30);
    assert!(checked_modes > 1000);
}
