//! Every candidate the oracle enumerates for each signal, as one CSV row: its analytic factors
//! (ln A), whether the reward simulated it, its overlap, whether it is a background above
//! threshold, and inputs known without simulating (the unsmeared candidate-mass range, the head
//! mass, the particles lost and their masses, the mis-identifications and their mass shifts).
//! `docs/analysis/overlap_estimate.py` learns the overlap from these on the training signals and
//! ranks the unseen signals' candidates with it.
//!
//! ```text
//! cargo run --release -p hepzero-agent --example overlap_features -- OUT.csv "SIGNAL" ...
//! ```
use hepzero_agent::benchmark::BenchmarkConfig;
use hepzero_agent::{chain_summary, lhcb_model, ranking_hashes};
use hepzero_finder::{OracleConfig, enumerate_backgrounds, run_oracle};
use hepzero_pdg::DecayTable;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or("usage: overlap_features OUT.csv SIGNAL...")?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(
        f,
        "signal,hash,log_a,simulated,overlap,truth,lo,hi,ms,head,n_lost,lost_mass,n_misid,shift2,n_reco"
    )?;
    let mut config = BenchmarkConfig::default();
    config.reward.seed = 0;
    for (si, signal) in args.enumerate() {
        let model = lhcb_model(&signal, &config.limits, &config.reward)?;
        let oracle = run_oracle(&model, DecayTable::lhcb_default(), &OracleConfig::default(), &|_, _| {})?;
        let truth: FxHashSet<u64> = ranking_hashes(&model, &oracle)?.into_iter().collect();
        let candidates =
            enumerate_backgrounds(model.grammar(), DecayTable::lhcb_default(), &OracleConfig::default())?;
        let ms = model.signal().nominal_mass;
        let g = model.grammar();
        let rows: Vec<String> = candidates
            .par_iter()
            .map(|d| {
                let b = model.evaluate(d)?;
                // The masses and hypotheses the reward simulates.
                let c = chain_summary(&model, d)?;
                let log_a = b.analytic().max(f64::MIN_POSITIVE).ln();
                let hash = g.canonical_hash(d);
                let simulated = u8::from(b.is_exact());
                let overlap = b.overlap.unwrap_or(f64::NAN);
                let is_truth = u8::from(truth.contains(&hash));
                // 99 GeV stands for "no upper bound".
                let (lo, hi) = (c.lo, if c.hi.is_finite() { c.hi } else { 99.0 });
                let (head, n_lost, lost_mass, n_misid, shift2, n_reco) =
                    (c.head_mass, c.n_lost, c.lost_mass, c.n_misid, c.shift2, c.n_reco);
                Ok(format!(
                    "{si},{hash},{log_a},{simulated},{overlap},{is_truth},{lo},{hi},{ms},{head},{n_lost},{lost_mass},{n_misid},{shift2},{n_reco}"
                ))
            })
            .collect::<Result<_, hepzero_agent::Error>>()?;
        for r in rows {
            writeln!(f, "{r}")?;
        }
        eprintln!("{signal}: {} candidates", candidates.len());
    }
    Ok(())
}
