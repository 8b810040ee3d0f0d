//! Times C/A clustering of a fixture sample with a fixed amount of work (for profilers):
//! `cargo run --release -p hepzero-jets --example cluster_timing -- qcd 1.0 auto 20 [KEEP]`
//! (KEEP > 0: only the first KEEP particles of each event).

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
    let start = std::time::Instant::now();
    let mut jets = 0;
    for _ in 0..repeat {
        for e in &events {
            jets += cluster_with(&e.particles, def, strategy)?.inclusive_jet_nodes(0.0).len();
        }
    }
    let per_event = start.elapsed().as_secs_f64() / (repeat * events.len()) as f64;
    println!("{sample} C/A R={r} {strategy:?}: {:.1} us per event ({jets} jets)", per_event * 1e6);
    Ok(())
}
