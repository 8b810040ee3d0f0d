//! m_T2 against reference values from the PyPI package `mt2` 1.3.1 (Lester's implementation of
//! arXiv:1411.4312), written by `fixtures/mt2/make_mt2_reference.py`.

use hepzero_kinematics::mt2;

const REFERENCE: &str = include_str!("../../../fixtures/mt2/mt2_reference.csv");

#[test]
fn mt2_matches_the_lester_nachman_reference() {
    let mut n = 0;
    let mut worst: f64 = 0.0;
    for (line_no, line) in REFERENCE.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 12, "line {}", line_no + 1);
        let x: Vec<f64> = fields[1..].iter().map(|s| s.parse::<f64>().expect("number in fixture")).collect();
        let expected = x[10];
        let got = mt2(x[0], [x[1], x[2]], x[3], [x[4], x[5]], [x[6], x[7]], x[8], x[9]);
        let rel = (got - expected).abs() / expected.abs();
        worst = worst.max(rel);
        assert!(
            rel < 1e-6,
            "line {} ({}): hepzero {got} vs reference {expected} (rel {rel:e})",
            line_no + 1,
            fields[0]
        );
        n += 1;
    }
    assert!(n >= 300, "only {n} reference events");
    eprintln!("worst relative difference {worst:e} over {n} events");
    assert!(worst < 1e-6);
}
