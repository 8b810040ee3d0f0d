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

#[test]
fn operator_on_the_benchmark_grid_reproduces_table_4() {
    use hepzero_evolution::LhaCombinations;
    use hepzero_evolution::toy::{LHA_X, lha_benchmark_grid};
    // Published NLO ZM-VFNS values (Table 4 part 1) at x = 1e-5, 1e-3, 0.1, 0.5 (u_v, g).
    let table = [
        (1e-5, 2.7419e-3, 2.2753e2),
        (1e-3, 5.8507e-2, 3.0245e1),
        (0.1, 5.5324e-1, 8.5586e-1),
        (0.5, 1.2130e-1, 7.7265e-3),
    ];
    let theory = Theory::lha(Order::Nlo, true);
    let grid = lha_benchmark_grid().unwrap();
    assert_eq!(grid.len(), 50);
    for x in LHA_X {
        assert!(grid.x().iter().any(|g| (g / x - 1.0).abs() < 1e-12), "grid lacks {x}");
    }
    let xs: Vec<f64> = table.iter().map(|t| t.0).collect();
    let op = GridOperator::build_at(&theory, &grid, 1e4, &xs).unwrap();
    let out = op.apply(&sample_on_grid(&grid, &lha_toy_x)).unwrap();
    let mut worst: f64 = 0.0;
    for (i, (x, uv, g)) in table.iter().enumerate() {
        let f: [f64; 13] = std::array::from_fn(|a| out[a * xs.len() + i]);
        let c = LhaCombinations::from_flavours(*x, &f);
        worst = worst.max((c.u_v / uv - 1.0).abs()).max((c.g / g - 1.0).abs());
    }
    println!("50-point operator vs Table 4: worst relative deviation {worst:.2e}");
    assert!(worst < 1e-3, "{worst}");
}
