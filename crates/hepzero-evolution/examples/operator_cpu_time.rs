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
    // Accuracy against Table 4 part 1: all 8 columns, values above 1e-6, all 11 x (grid nodes).
    let fx: serde_json::Value =
        serde_json::from_str(include_str!("../../../fixtures/evolution/lha_benchmark.json"))?;
    let table = fx["tables"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "table4_part1_nlo_zmvfns"))
        .ok_or("table 4 missing")?;
    let n = grid.len();
    let mut worst: f64 = 0.0;
    let mut at = String::new();
    for (j, x) in LHA_X.iter().enumerate() {
        let i = grid.x().iter().position(|g| (g / x - 1.0).abs() < 1e-12).ok_or("x not on grid")?;
        let f: [f64; 13] = std::array::from_fn(|a| out[a * n + i]);
        let ours = LhaCombinations::from_flavours(*x, &f).as_array();
        for (c, name) in LhaCombinations::NAMES.iter().enumerate() {
            let r = table["values"][*name][j].as_f64().ok_or("value")?;
            let d = (ours[c] / r - 1.0).abs();
            if r.abs() > 1e-6 && d > worst {
                worst = d;
                at = format!("{name} x={x}");
            }
        }
    }
    println!(
        "{{\"build_cpu_s\": {cpu:.4}, \"build_wall_s\": {wall:.4}, \"apply_cpu_s\": {apply_cpu:.3e}, \"threads\": {}, \"worst_rel_vs_table4\": {worst:.3e}, \"at\": \"{at}\"}}",
        rayon::current_num_threads()
    );
    Ok(())
}
