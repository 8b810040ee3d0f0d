//! `hepzero train-overlap`: trains the agent's overlap estimator (the probability that a
//! background's kinematic overlap with the signal is non-zero, and its size, from the decay chain
//! alone) on the simulated candidates of the training signals, into a model folder that
//! `backgrounds --method agent --model` and `benchmark finder --model` read.

use super::{Globals, print_json};
use crate::error::{agent_error, input_error};
use crate::progress;
use anyhow::Result;
use hepzero_agent::{
    OverlapFitConfig, SignalList, benchmark::BenchmarkConfig, benchmark_training, train_overlap,
};
use hepzero_backend::select_device;
use std::path::PathBuf;

/// Arguments of `hepzero train-overlap`.
#[derive(clap::Args, Debug)]
pub struct TrainOverlapArgs {
    /// Training signals: a text file, one signal per line, `#` comments. Default: the benchmark's
    /// 17 training signals (fixtures/benchmarks/training.txt).
    #[arg(long)]
    pub signals: Option<PathBuf>,
    /// Model folder to write `overlap.json` and `overlap.bpk` into (a `train-agent --out` folder).
    #[arg(long)]
    pub out: PathBuf,
    /// Passes over the candidates.
    #[arg(long, default_value_t = OverlapFitConfig::default().epochs)]
    pub epochs: usize,
}

/// Simulates the training signals' candidates, fits, writes the estimator.
pub fn run(args: &TrainOverlapArgs, globals: &Globals) -> Result<()> {
    let signals = match &args.signals {
        Some(path) => SignalList::read(path).map_err(input_error)?,
        None => benchmark_training(),
    };
    // The benchmark's reward and limits, seeded by --seed.
    let mut bench = BenchmarkConfig::default();
    bench.reward.seed = globals.seed;
    let config = OverlapFitConfig { epochs: args.epochs, seed: globals.seed, ..OverlapFitConfig::default() };
    let device = select_device(globals.device)?.device;
    let mut bars = progress::PhaseBars::new(globals);
    let estimator =
        train_overlap(&signals, &bench.limits, &bench.reward, &config, &device, &mut |p, d, t| {
            bars.update(p, d, t)
        })
        .map_err(agent_error)?;
    bars.finish();
    estimator.save(&args.out).map_err(agent_error)?;
    let header = estimator.header();
    if globals.json {
        return print_json(header);
    }
    println!(
        "Overlap estimator trained on {} simulated candidates of {} signals ({} with a non-zero overlap); written to {}",
        header.samples,
        signals.signals.len(),
        header.positive,
        args.out.display()
    );
    let losses: Vec<String> = header.losses.iter().map(|l| format!("{l:.4}")).collect();
    println!("loss per epoch: {}", losses.join(" "));
    Ok(())
}
