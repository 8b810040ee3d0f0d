//! `hepzero particle` and `hepzero decays` against numbers written in the shipped files.

use std::process::Command;

fn hepzero(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hepzero")).args(args).output().expect("run hepzero")
}

#[test]
fn decays_b0_lists_k_pi_pi0_with_the_written_br() {
    let out = hepzero(&["decays", "B0", "--min-br", "1e-5", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let modes = v["modes"].as_array().unwrap();
    // DECAY_LHCB.DEC line 1914: `0.000027500 K+ pi- pi0 PHSP;`; the B0 block sums to exactly 1.
    let m = modes.iter().find(|m| m["daughters"] == serde_json::json!(["K+", "pi-", "pi0"])).unwrap();
    assert_eq!(m["br"].as_f64(), Some(2.75e-5));
    assert_eq!(m["model"], "PHSP");
    assert!(modes.iter().all(|m| m["br"].as_f64().unwrap() >= 1e-5));
}

#[test]
fn particle_k_plus_and_bad_input_exit_code() {
    let out = hepzero(&["particle", "K+", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // PDG 2026 (particle2026.csv): m(K+) = 493.677 MeV.
    assert_eq!((v["pdg_id"].as_i64(), v["mass"].as_f64()), (Some(321), Some(0.493677)));
    assert_eq!(hepzero(&["particle", "no-such-particle"]).status.code(), Some(2));
    assert_eq!(hepzero(&["decays", "B0", "--decay-file", "/nonexistent/x.dec"]).status.code(), Some(2));
}
