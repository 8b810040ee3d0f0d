//! Process CPU time (user + system, all threads, from /proc/self/stat) to build the NLO ZM-VFNS
//! operator on the 50-node benchmark grid from 2 to 1e4 GeV^2, and its accuracy against the
//! published Table 4. CPU time is robust on a shared, loaded machine where wall time is not;
//! `bench/eko_operator.py` reports the same quantity for EKO.
//! Usage: cargo run --release -p hepzero-evolution --example operator_cpu_time [REPEATS]

use hepzero_evolution::toy::{LHA_X, lha_benchmark_grid, lha_toy_x};
use hepzero_evolution::{GridOperator, LhaCombinations, Order, Theory, sample_on_grid};

fn cpu_seconds() -> f64 {
    // Fields 14 and 15 of /proc/self/stat: utime, stime in clock ticks (100 Hz on Linux).
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repeats: usize = std::env::args().nth(1).and_then(|v| v.parse().ok()).unwrap_or(5);
    let theory = Theory::lha(Order::Nlo, true);
    let grid = lha_benchmark_grid()?;
    let _warm = GridOperator::build(&theory, &grid, 1e4)?;
    let c0 = cpu_seconds();
    let w0 = std::time::Instant::now();
    let mut op = None;
    for _ in 0..repeats {
        op = Some(GridOperator::build(&theory, &grid, 1e4)?);
    }
    let cpu = (cpu_seconds() - c0) / repeats as f64;
    let wall = w0.elapsed().as_secs_f64() / repeats as f64;
    let op = op.ok_or("no repeats")?;
    let f0 = sample_on_grid(&grid, &lha_toy_x);
    let c1 = cpu_seconds();
    let n_apply = 2000;
    let mut out = Vec::new();
    for _ in 0..n_apply {
        out = op.apply(&f0)?;
    }
    let apply_cpu = (cpu_seconds() - c1) / n_apply as f64;
    // accuracy against Table 4 part 1 (u_v and g at the tabulated x, all nodes of the grid)
    let table_uv = [
        1.0927e-4, 5.5533e-4, 2.7419e-3, 1.3039e-2, 5.8507e-2, 2.3128e-1, 5.5324e-1, 3.5129e-1, 1.2130e-1,
        2.0101e-2, 3.5232e-4,
    ];
    let table_g = [
        1.1167e3, 5.2289e2, 2.2753e2, 8.9513e1, 3.0245e1, 7.7491, 8.5586e-1, 7.9625e-2, 7.7265e-3, 3.7574e-4,
        1.1954e-6,
    ];
    let n = grid.len();
    let mut worst: f64 = 0.0;
    for (j, x) in LHA_X.iter().enumerate() {
        let i = grid.x().iter().position(|g| (g / x - 1.0).abs() < 1e-12).ok_or("x not on grid")?;
        let f: [f64; 13] = std::array::from_fn(|a| out[a * n + i]);
        let c = LhaCombinations::from_flavours(*x, &f);
        worst = worst.max((c.u_v / table_uv[j] - 1.0).abs()).max((c.g / table_g[j] - 1.0).abs());
    }
    println!(
        "{{\"build_cpu_s\": {cpu:.4}, \"build_wall_s\": {wall:.4}, \"apply_cpu_s\": {apply_cpu:.3e}, \"threads\": {}, \"worst_rel_vs_table4_uv_g\": {worst:.3e}}}",
        rayon::current_num_threads()
    );
    Ok(())
}
