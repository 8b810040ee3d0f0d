//! Evolves the Les Houches toy PDFs at NLO (ZM-VFNS) and writes them as an LHAPDF6 set.
//! Usage: cargo run --release -p hepzero-evolution --example write_toy_lhapdf -- OUTDIR

use hepzero_evolution::toy::lha_toy_x;
use hepzero_evolution::{LhapdfSet, Order, Theory, XGrid, sample_on_grid};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let theory = Theory::lha(Order::Nlo, true);
    let grid = XGrid::log_lin(50, 1e-7, 4)?;
    let f0 = sample_on_grid(&grid, &lha_toy_x);
    let q2: Vec<f64> = (0..=20).map(|i| 2.0 * (1e4f64 / 2.0).powf(f64::from(i) / 20.0)).collect();
    let set = LhapdfSet::from_evolution(
        "hepzero_lha_toy_nlo",
        &theory,
        &grid,
        &q2,
        &[f0],
        "Les Houches toy PDFs, NLO ZM-VFNS",
    )?;
    let dir = set.write(std::path::Path::new(&out))?;
    println!("wrote {}", dir.display());
    Ok(())
}
