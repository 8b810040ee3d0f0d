//! PDG names follow the scikit-hep `particle` 1.1.0 naming rule (charge suffix where needed, `~`
//! for barred antiparticles): every row of particle2026.csv compared with the names that package
//! gives (fixtures/pdg/pdg_names.json, written by fixtures/pdg/pdg_names.py).

use hepzero_pdg::ParticleTable;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Names {
    names: BTreeMap<String, String>,
}

#[test]
fn pdg_names_match_the_particle_package() {
    let r: Names = serde_json::from_str(include_str!("../../../fixtures/pdg/pdg_names.json")).unwrap();
    let t = ParticleTable::lhcb_default();
    let mut wrong = Vec::new();
    for (id, name) in &r.names {
        let p = t.by_pdg_id(id.parse().unwrap()).unwrap();
        if &p.pdg_name != name {
            wrong.push(format!("{id}: ours `{}`, particle `{name}`", p.pdg_name));
        } else if t.by_pdg_name(name).map(|q| &q.pdg_name) != Some(name) {
            wrong.push(format!("{id}: lookup of `{name}` fails"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} differ:\n{}", wrong.len(), r.names.len(), wrong.join("\n"));
    assert!(r.names.len() > 600);
    // Duplicate names in the PDG table resolve to the row with a mass: psi(4040) is listed as
    // 200443 (no mass) and 9000443 (4040 MeV).
    assert_eq!(t.by_pdg_name("psi(4040)").unwrap().pdg_id, 9000443);
}
