//! Bad input (NaN momenta, empty events, negative energies) is an error that names the event, never
//! a panic, whether it arrives through a file or through the API.

use hepzero_jets::io::{encode_hzj, parse_hepmc3, parse_hzj};
use hepzero_jets::{Algorithm, CaTree, Error, Event, JetDefinition, Momentum, cluster_events};

fn good() -> Vec<Momentum> {
    vec![Momentum::from_pt_y_phi_m(100.0, 0.1, 1.0, 0.0), Momentum::from_pt_y_phi_m(50.0, -0.2, 1.3, 0.14)]
}

#[test]
fn api_errors_name_the_event() {
    let def = JetDefinition::new(Algorithm::AntiKt, 0.4);
    let cases: [(Vec<Momentum>, &str); 3] = [
        (vec![Momentum::new(f64::NAN, 1.0, 2.0, 5.0)], "non-finite"),
        (vec![], "empty event"),
        (vec![Momentum::new(1.0, 1.0, 2.0, -5.0)], "negative energy"),
    ];
    for (particles, what) in cases {
        let events = vec![
            Event { number: 11, particles: good(), jet_sizes: vec![] },
            Event { number: 12, particles, jet_sizes: vec![] },
        ];
        let err = cluster_events(&events, def).unwrap_err();
        assert!(matches!(err, Error::Event { event: 12, .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("event 12") && msg.contains(what), "{msg}");
    }
    assert!(CaTree::new(&[]).is_err());
}

#[test]
fn file_errors_name_the_event() {
    let text = "E 1 0 2\nU GEV MM\nP 1 0 211 1 2 3 10 0.1 1\nE 2 0 1\nU GEV MM\nP 1 0 211 1 2 inf 10 0.1 1\n";
    let msg = parse_hepmc3(text, "x.hepmc").unwrap_err().to_string();
    assert!(msg.contains("event 2") && msg.contains("non-finite"), "{msg}");
    // A NaN energy written into a binary fixture is caught when read back.
    let ev = Event { number: 0, particles: vec![Momentum::new(1.0, 0.0, 0.0, f64::NAN)], jet_sizes: vec![] };
    let bytes = encode_hzj(&[Event { number: 0, particles: good(), jet_sizes: vec![] }, ev]).unwrap();
    let msg = parse_hzj(&bytes, "x.hzj").unwrap_err().to_string();
    assert!(msg.contains("event 1") && msg.contains("non-finite"), "{msg}");
    // An event of zero particles.
    let bytes = encode_hzj(&[Event { number: 0, particles: vec![], jet_sizes: vec![] }]).unwrap();
    let msg = parse_hzj(&bytes, "x.hzj").unwrap_err().to_string();
    assert!(msg.contains("event 0") && msg.contains("empty"), "{msg}");
}
