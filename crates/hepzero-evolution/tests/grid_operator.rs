//! The x-grid operator against the direct Mellin-space evolution of the Les Houches toy PDFs.

use hepzero_evolution::toy::{lha_toy_mellin, lha_toy_x};
use hepzero_evolution::{GridOperator, Order, Theory, XGrid, evolve_analytic, sample_on_grid};

fn compare(order: Order, vfns: bool) -> f64 {
    let theory = Theory::lha(order, vfns);
    let grid = XGrid::log_lin(50, 1e-7, 4).unwrap();
    let x_out = [1e-6, 1e-4, 1e-2, 0.1, 0.3, 0.5, 0.7];
    let op = GridOperator::build_at(&theory, &grid, 1e4, &x_out).unwrap();
    let out = op.apply(&sample_on_grid(&grid, &lha_toy_x)).unwrap();
    let direct = evolve_analytic(&theory, 1e4, &x_out, 1.1, &lha_toy_mellin, &lha_toy_x).unwrap();
    let mut worst: f64 = 0.0;
    for (i, d) in direct.iter().enumerate() {
        for a in 0..13 {
            let r = d[a];
            if r.abs() * x_out[i] > 1e-4 {
                let rel = (out[a * x_out.len() + i] / r - 1.0).abs();
                worst = worst.max(rel);
            }
        }
    }
    worst
}

#[test]
fn grid_operator_agrees_with_direct_evolution() {
    for (order, vfns) in [(Order::Lo, false), (Order::Nlo, true)] {
        let worst = compare(order, vfns);
        println!("{order:?} vfns={vfns}: worst relative difference grid vs direct {worst:.2e}");
        assert!(worst < 1e-3, "{worst}");
    }
}
