//! `hepzero jets`: JSON shape and content on the fixture W sample, and exit code 2 on bad input.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/jets").join(name)
}

fn hepzero() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hepzero"))
}

#[test]
fn cluster_json_lists_jets_by_decreasing_pt() {
    let out = hepzero()
        .args(["jets", "cluster"])
        .arg(fixture("w.hzj"))
        .args(["--algorithm", "ca", "--radius", "1.0", "--ptmin", "100", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 1174, "the W sample keeps 1,174 events (fixtures/jets/README.md)");
    for ev in events {
        let jets = ev["jets"].as_array().unwrap();
        assert!(!jets.is_empty());
        let pts: Vec<f64> = jets.iter().map(|j| j["pt"].as_f64().unwrap()).collect();
        assert!(pts.windows(2).all(|w| w[0] >= w[1]));
        for j in jets {
            let phi = j["phi"].as_f64().unwrap();
            assert!((0.0..std::f64::consts::TAU).contains(&phi));
            assert!(
                j["rap"].is_f64() && j["m"].is_f64() && !j["constituents"].as_array().unwrap().is_empty()
            );
        }
    }
}

#[test]
fn groom_reports_the_w_mass_window() {
    let out = hepzero()
        .args(["jets", "groom"])
        .arg(fixture("w.hzj"))
        .args(["--groomer", "rsd", "--zcut", "0.05", "--beta", "1", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Groomed W jets peak near m_W = 80.4 GeV.
    let median = v["groomed"]["median"].as_f64().unwrap();
    assert!((70.0..90.0).contains(&median), "{median}");
    assert_eq!(v["jets"].as_array().unwrap().len(), 2000, "the W sample holds 2,000 jets");
}

#[test]
fn bad_input_exits_with_2_naming_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.hepmc");
    std::fs::write(&path, "E 3 1 2\nU GEV MM\nP 1 0 211 1 0 0 -2 0 1\n").unwrap();
    let out = hepzero().args(["jets", "cluster"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("event 3") && err.contains("negative energy"), "{err}");
}
