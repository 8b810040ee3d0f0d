//! Single-thread throughput of the full simulation of B0 -> K+ pi- pi0 (FONLL production, phase
//! space, acceptance, smearing, candidate mass), reported per wall-clock second and per CPU second
//! of the generating thread (Linux `/proc/thread-self/schedstat`), so that a figure taken on a busy
//! shared machine can still be compared per core with a peer measured the same way
//! (`bench/phasespace_b0_kpipi0.py`). Run:
//! `taskset -c 0 cargo run --release -p hepzero-fastsim --example fastsim_throughput -- 2000000`
//!
//! A second argument picks one of the generic-path chains of the criterion bench instead
//! (`b0_kstplus_pi`, `bplus_d0_rho_missing`, `bplus_d0_kpipi0_rho_misid`).

use hepzero_fastsim::{ChainTree, DecayChain, FastSim, SimOptions};

/// The chain named `name` (see the module comment).
fn chain(name: &str) -> Option<ChainTree> {
    use ChainTree as T;
    Some(match name {
        "b0_kpipi0" => T::decay("B0", vec![T::leaf("K+"), T::leaf("pi-"), T::leaf("pi0")]),
        "b0_kstplus_pi" => {
            T::decay("B0", vec![T::decay("K*+", vec![T::leaf("K+"), T::leaf("pi0")]), T::leaf("pi-")])
        }
        "bplus_d0_rho_missing" => T::decay(
            "B+",
            vec![
                T::decay("anti-D0", vec![T::leaf("K+"), T::leaf("pi-")]),
                T::decay("rho+", vec![T::missing("pi+"), T::leaf("pi0")]),
            ],
        ),
        "bplus_d0_kpipi0_rho_misid" => T::decay(
            "B+",
            vec![
                T::decay("anti-D0", vec![T::leaf("K+"), T::as_species("pi-", "K-"), T::missing("pi0")]),
                T::decay("rho+", vec![T::leaf("pi+"), T::leaf("pi0")]),
            ],
        ),
        _ => return None,
    })
}
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
    let name = std::env::args().nth(2).unwrap_or_else(|| "b0_kpipi0".to_string());
    let tree = chain(&name).ok_or_else(|| format!("unknown chain `{name}`"))?;
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
            "{name}: {n} events ({accepted} accepted): {wall:.3} s wall = {:.4e} events/s; events per CPU-second {per_cpu}",
            n as f64 / wall
        );
    }
    Ok(())
}
