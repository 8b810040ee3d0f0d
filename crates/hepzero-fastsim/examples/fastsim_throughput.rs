//! Single-thread throughput of the full simulation of B0 -> K+ pi- pi0 (FONLL production, phase
//! space, acceptance, smearing, candidate mass), reported per wall-clock second and per CPU second
//! of the generating thread (Linux `/proc/thread-self/schedstat`), so that a figure taken on a busy
//! shared machine can still be compared per core with a peer measured the same way
//! (`bench/phasespace_b0_kpipi0.py`). Run:
//! `taskset -c 0 cargo run --release -p hepzero-fastsim --example fastsim_throughput -- 2000000`

use hepzero_fastsim::{ChainTree, DecayChain, FastSim, SimOptions};
use std::time::Instant;

/// CPU time of this thread in seconds, when the kernel exposes it.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(2_000_000);
    let table = hepzero_pdg::ParticleTable::lhcb_default();
    let tree =
        ChainTree::decay("B0", vec![ChainTree::leaf("K+"), ChainTree::leaf("pi-"), ChainTree::leaf("pi0")]);
    let sim = FastSim::new(DecayChain::from_tree(table, &tree)?, SimOptions::default())?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    pool.install(|| sim.histogram(n / 10, 0, 4.5, 6.0, 150))?; // warm-up
    for rep in 0..3 {
        let (wall, cpu, accepted) = pool.install(|| -> Result<_, hepzero_fastsim::Error> {
            let c0 = thread_cpu_seconds();
            let t0 = Instant::now();
            let h = sim.histogram(n, rep + 1, 4.5, 6.0, 150)?;
            let wall = t0.elapsed().as_secs_f64();
            let cpu = c0.zip(thread_cpu_seconds()).map(|(a, b)| b - a);
            Ok((wall, cpu, h.accepted))
        })?;
        let per_cpu = cpu.map_or("n/a".to_string(), |c| format!("{:.4e}", n as f64 / c));
        println!(
            "{n} events ({accepted} accepted): {wall:.3} s wall = {:.4e} events/s; events per CPU-second {per_cpu}",
            n as f64 / wall
        );
    }
    Ok(())
}
