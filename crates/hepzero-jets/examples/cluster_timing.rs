//! Times C/A clustering of a fixture sample with a fixed amount of work (for profilers, and for the
//! CPU-time side-by-side with `fixtures/jets/fastjet_groom bench` in `docs/benchmarks.md`):
//! `cargo run --release -p hepzero-jets --example cluster_timing -- qcd 1.0 auto 20 [KEEP]`
//! (KEEP > 0: only the first KEEP particles of each event). Prints wall and CPU time per event.

use hepzero_jets::{Algorithm, JetDefinition, Strategy, cluster_with, read_events};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let sample = args.get(1).map_or("qcd", String::as_str);
    let r: f64 = args.get(2).map_or(Ok(1.0), |s| s.parse())?;
    let strategy = match args.get(3).map_or("auto", String::as_str) {
        "plain" => Strategy::Plain,
        "tiled" => Strategy::Tiled,
        _ => Strategy::Auto,
    };
    let repeat: usize = args.get(4).map_or(Ok(20), |s| s.parse())?;
    let keep: usize = args.get(5).map_or(Ok(0), |s| s.parse())?;
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/jets").join(format!("{sample}.hzj"));
    let mut events = read_events(&path)?;
    if keep > 0 {
        events.iter_mut().for_each(|e| e.particles.truncate(keep));
    }
    let def = JetDefinition::new(Algorithm::CambridgeAachen, r);
    let cpu0 = cpu_ns();
    let start = std::time::Instant::now();
    let mut jets = 0;
    for _ in 0..repeat {
        for e in &events {
            jets += cluster_with(&e.particles, def, strategy)?.inclusive_jet_nodes(0.0).len();
        }
    }
    let per = 1.0 / (repeat * events.len()) as f64;
    let wall = start.elapsed().as_secs_f64() * per * 1e6;
    let cpu = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) => format!(", {:.2} us CPU", (b - a) as f64 * per * 1e-3),
        _ => String::new(),
    };
    let mean_n = events.iter().map(|e| e.particles.len()).sum::<usize>() as f64 / events.len() as f64;
    println!(
        "{sample} C/A R={r} {strategy:?} keep={keep}: mean N = {mean_n:.1}, {wall:.2} us per event{cpu} ({jets} jets)"
    );
    Ok(())
}

/// This thread's CPU time in ns (Linux `/proc/thread-self/schedstat`), the counterpart of the
/// CPU time `fastjet_groom bench` prints: on a shared machine it leaves out the time other
/// processes hold the core.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
