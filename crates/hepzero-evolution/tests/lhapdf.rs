//! LHAPDF6 sets written by hepzero are read back identically; parser round trips (proptest).

use hepzero_evolution::lhapdf::{Member, Metadata, Subgrid};
use hepzero_evolution::toy::{LHA_X, lha_toy_mellin, lha_toy_x};
use hepzero_evolution::{LhaCombinations, LhapdfSet, Order, Theory, XGrid, evolve_analytic, sample_on_grid};
use proptest::prelude::*;

#[test]
fn evolved_toy_set_round_trips_and_matches_direct_evolution() {
    // LO and a 24-node grid keep the debug-build test fast; the grid operator itself is checked
    // at NLO in tests/grid_operator.rs.
    let theory = Theory::lha(Order::Lo, true);
    let grid = XGrid::log_lin(24, 1e-5, 4).unwrap();
    let f0 = sample_on_grid(&grid, &lha_toy_x);
    let mut f1 = f0.clone();
    for v in f1.iter_mut() {
        *v *= 1.01; // a second "replica"
    }
    let q2 = [2.0, 100.0, 1e4];
    let set =
        LhapdfSet::from_evolution("hz_toy", &theory, &grid, &q2, &[f0, f1], "LH toy, NLO ZM-VFNS").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = set.write(dir.path()).unwrap();
    let back = LhapdfSet::read(&path).unwrap();
    assert_eq!(back, set, "round trip must be identical");
    // At Q0 the grid holds the input exactly; at 1e4 GeV^2 it matches the direct evolution at a knot.
    let m = &back.members[0];
    let x = grid.x()[10];
    assert!((m.xfx_q2(21, x, 2.0).unwrap() / (x * lha_toy_x(x)[6]) - 1.0).abs() < 1e-12);
    let direct = evolve_analytic(&theory, 1e4, &[x], 1.1, &lha_toy_mellin, &lha_toy_x).unwrap();
    let rel = (m.xfx_q2(2, x, 1e4).unwrap() / (x * direct[0][8]) - 1.0).abs();
    assert!(rel < 2e-3, "{rel}");
    let _ = (LHA_X, LhaCombinations::NAMES);
    assert_eq!(back.info.get("NumMembers"), Some("2"));
}

#[test]
fn malformed_member_reports_line() {
    let text = "PdfType: central\nFormat: lhagrid1\n---\n0.1 0.5 1.0\n1.0 10.0\n21 2\n1 2\n3 4\n5 6\n7 8\n9 1o\n11 12\n---\n";
    let e = Member::parse_dat(text, std::path::Path::new("m.dat")).unwrap_err().to_string();
    assert!(e.starts_with("m.dat:11:"), "{e}");
    assert!(e.contains("1o"), "{e}");
}

fn member_strategy() -> impl Strategy<Value = Member> {
    (1usize..5, 1usize..4, 1usize..4).prop_flat_map(|(nx, nq, np)| {
        (
            proptest::collection::vec(1e-9f64..1.0, nx),
            proptest::collection::vec(1.0f64..1e4, nq),
            proptest::collection::vec(-1e3f64..1e3, nx * nq * np),
        )
            .prop_map(move |(mut x, mut q, xf)| {
                x.sort_by(f64::total_cmp);
                x.dedup();
                q.sort_by(f64::total_cmp);
                q.dedup();
                let (nx, nq) = (x.len(), q.len());
                let mut header = Metadata::default();
                header.set("PdfType", "central");
                header.set("Format", "lhagrid1");
                let pids: Vec<i32> = (1..=np as i32).collect();
                Member { header, subgrids: vec![Subgrid { x, q, pids, xf: xf[..nx * nq * np].to_vec() }] }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dat_round_trip(m in member_strategy()) {
        let back = Member::parse_dat(&m.to_dat(), std::path::Path::new("p.dat")).unwrap();
        prop_assert_eq!(back, m);
    }

    #[test]
    fn parser_never_panics(s in "\\PC{0,200}") {
        let _ = Member::parse_dat(&s, std::path::Path::new("f.dat"));
    }
}
