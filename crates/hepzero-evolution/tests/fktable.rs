//! FK-table predictions equal the direct evolve-then-convolve result, and the binary format
//! round-trips.

use hepzero_evolution::dis::DisPoint;
use hepzero_evolution::toy::{lha_toy_mellin, lha_toy_x};
use hepzero_evolution::{
    FkRuncard, FkTable, GridOperator, Observable, Order, Theory, XGrid, sample_on_grid,
    structure_function_analytic,
};

fn points() -> Vec<DisPoint> {
    vec![
        DisPoint { x: 1e-4, q2: 10.0, observable: Observable::F2 },
        DisPoint { x: 0.01, q2: 100.0, observable: Observable::F2 },
        DisPoint { x: 0.1, q2: 1e4, observable: Observable::F2 },
        DisPoint { x: 0.45, q2: 50.0, observable: Observable::F2 },
        DisPoint { x: 1e-3, q2: 30.0, observable: Observable::FL },
    ]
}

#[test]
fn fk_prediction_equals_evolve_then_convolve() {
    let theory = Theory::lha(Order::Nlo, true);
    let grid = XGrid::log_lin(40, 1e-5, 4).unwrap();
    let fk = FkTable::build(&theory, &grid, &points()).unwrap();
    let f0 = sample_on_grid(&grid, &lha_toy_x);
    let pred = fk.convolve(&f0).unwrap();
    for (p, v) in points().iter().zip(&pred) {
        // Same PDFs, evolved exactly in Mellin space and convolved with the coefficient functions.
        let direct = structure_function_analytic(&theory, p, 1.1, &lha_toy_mellin).unwrap();
        println!("{p:?}: FK {v:.6e} direct {direct:.6e}");
        assert!((v / direct - 1.0).abs() < 2e-3, "{p:?}: {v} vs {direct}");
        assert!(*v > 0.0);
    }
    // Grid-level identity: an FK table for LO F2 equals the evolution operator followed by the
    // LO convolution x sum e_q^2 (q + qbar) on the same grid node, to rounding.
    let lo = Theory::lha(Order::Lo, false);
    let x = grid.x()[20];
    let pt = DisPoint { x, q2: 100.0, observable: Observable::F2 };
    let fk = FkTable::build(&lo, &grid, &[pt]).unwrap();
    let op = GridOperator::build_at(&lo, &grid, 100.0, &[x]).unwrap();
    let f = op.apply(&f0).unwrap();
    let e2 = [1.0 / 9.0, 4.0 / 9.0, 1.0 / 9.0, 4.0 / 9.0];
    let mut f2 = 0.0;
    for (k, e) in e2.iter().enumerate() {
        f2 += e * (f[7 + k] + f[5 - k]) * x;
    }
    let via_fk = fk.convolve(&f0).unwrap()[0];
    assert!((via_fk / f2 - 1.0).abs() < 1e-10, "{via_fk} vs {f2}");
}

#[test]
fn binary_format_round_trips_and_rejects_corruption() {
    let theory = Theory::lha(Order::Lo, false);
    let grid = XGrid::log_lin(12, 1e-3, 3).unwrap();
    let fk = FkTable::build(&theory, &grid, &points()[1..3]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.fk");
    fk.write(&path).unwrap();
    let back = FkTable::read(&path).unwrap();
    assert_eq!(back, fk);
    let mut bytes = fk.to_bytes().unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0x55;
    assert!(FkTable::from_bytes(&bytes, &path).is_err());
    assert!(FkTable::from_bytes(&bytes[..30], &path).is_err());
    let mut v2 = fk.to_bytes().unwrap();
    v2[4] = 2;
    let e = FkTable::from_bytes(&v2, &path).unwrap_err().to_string();
    assert!(e.contains("version 2"), "{e}");
}

#[test]
fn runcard_parses_and_reports_positions() {
    let card = r#"
output = "f2.fk"
[theory]
order = "nlo"
scheme = { kind = "zmvfns", masses2 = [2.0, 20.25, 30625.0] }
alpha_s_ref = 0.35
mu2_ref = 2.0
q0_2 = 2.0
[grid]
n = 30
x_min = 1e-5
[[points]]
x = 0.01
q2 = 100.0
observable = "F2"
"#;
    let rc = FkRuncard::parse(card, std::path::Path::new("card.toml")).unwrap();
    assert_eq!(rc.points.len(), 1);
    assert_eq!(rc.grid.grid().unwrap().len(), 30);
    let bad = card.replace("observable = \"F2\"", "observable = \"F3\"");
    let e = FkRuncard::parse(&bad, std::path::Path::new("card.toml")).unwrap_err().to_string();
    assert!(e.starts_with("card.toml:"), "{e}");
}
