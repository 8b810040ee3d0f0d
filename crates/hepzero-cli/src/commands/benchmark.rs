//! `hepzero benchmark finder`: the oracle, the GA and the agent side by side on the benchmark's
//! training and generalisation signals (fixtures/benchmarks/), recall against the oracle, reward
//! evaluations and wall time; a Markdown table (or JSON) and recall plots. `hepzero benchmark
//! scaling`: the same three methods on one signal as the search space grows.

use super::{Globals, print_json};
use crate::error::{agent_error, input_error};
use crate::plot;
use crate::progress;
use anyhow::{Context, Result};
use hepzero_agent::benchmark::{
    BenchmarkConfig, BenchmarkReport, BenchmarkRun, markdown, run_benchmark, set_curve,
};
use hepzero_agent::scaling::{RungFigures, default_ladder, run_scaling, scaling_markdown};
use hepzero_agent::{Agent, OverlapEstimator, SignalList, benchmark_generalisation, benchmark_training};
use hepzero_backend::burn::tensor::Device;
use hepzero_backend::select_device;
use hepzero_transformer::PolicyValueNet;
use std::path::{Path, PathBuf};

/// Arguments of `hepzero benchmark`.
#[derive(clap::Args, Debug)]
pub struct BenchmarkArgs {
    #[command(subcommand)]
    pub what: Benchmark,
}

/// What to benchmark.
#[derive(clap::Subcommand, Debug)]
pub enum Benchmark {
    /// The background finder: oracle (ground truth), GA and agent on the benchmark signals.
    Finder(FinderArgs),
    /// The finder's scaling: oracle, GA and agent on one signal as the search space grows.
    Scaling(ScalingArgs),
}

/// Arguments of `hepzero benchmark scaling`.
#[derive(clap::Args, Debug)]
pub struct ScalingArgs {
    /// The signal, in the token syntax.
    #[arg(long, default_value = "B0 -> K+ pi-")]
    pub signal: String,
    /// The agent's model folder (`train-agent --out`); default: the shipped model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Sequences the agent draws per search space.
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// GA individuals per generation (seed 000: 6,000).
    #[arg(long, default_value_t = 6000)]
    pub population: usize,
    /// GA generations (seed 000: 40).
    #[arg(long, default_value_t = 40)]
    pub generations: u64,
    /// Only the first N search spaces of the ladder (they grow along it).
    #[arg(long)]
    pub rungs: Option<usize>,
    /// Write the time-against-size plot here.
    #[arg(long)]
    pub plots: Option<PathBuf>,
    /// Keep each search space's figures in this folder; those already there are read back.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Agent: score in the order built instead of best-first (as `benchmark finder
    /// --order-built`).
    #[arg(long)]
    pub order_built: bool,
}

/// Arguments of `hepzero benchmark finder`.
#[derive(clap::Args, Debug)]
pub struct FinderArgs {
    /// The agent's model folder (`train-agent --out`); default: the shipped model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Training signals (default: fixtures/benchmarks/training.txt).
    #[arg(long)]
    pub training: Option<PathBuf>,
    /// Generalisation signals (default: fixtures/benchmarks/generalisation.txt).
    #[arg(long)]
    pub generalisation: Option<PathBuf>,
    /// Sequences the agent draws per signal.
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// Softmax temperature of the agent's sampling.
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f32,
    /// The agent draws independently (repeats cost a sequence) instead of without replacement.
    #[arg(long)]
    pub with_replacement: bool,
    /// Agent: mark the other daughter orders of each drawn background with their probabilities
    /// from the network (a forward pass each; exact conditioning, slower) instead of without it.
    #[arg(long)]
    pub exact_order_marking: bool,
    /// Agent: mutants (by the GA's operators) scored around each background found, within the
    /// sequence budget; 0: the network's draws alone.
    #[arg(long, default_value_t = hepzero_agent::ProposeConfig::default().neighbours)]
    pub neighbours: usize,
    /// Agent: score in the order built (the default before best-first scoring) instead of
    /// best-first, in descending order of the agent's own estimate of the reward (the tables'
    /// factors and the model's overlap estimator). A model folder without an estimator
    /// (`train-overlap`) is scored in the order built either way.
    #[arg(long)]
    pub order_built: bool,
    /// Agent, best-first: the share of the sequences drawn before scoring starts (the rest goes
    /// to the mutants of what is found).
    #[arg(long, default_value_t = hepzero_agent::ProposeConfig::default().draw_share)]
    pub draw_share: f64,
    /// Agent, best-first: mutants made and estimated around each background found, each built
    /// (costing a sequence) only if it reaches the top of the queue while budget is left; 0:
    /// `--neighbours` mutants, each built when made.
    #[arg(long, default_value_t = hepzero_agent::ProposeConfig::default().considered_mutants)]
    pub considered_mutants: usize,
    /// GA individuals per generation (seed 000: 6,000).
    #[arg(long, default_value_t = 6000)]
    pub population: usize,
    /// GA generations (seed 000: 40).
    #[arg(long, default_value_t = 40)]
    pub generations: u64,
    /// Skip the GA (oracle and agent only).
    #[arg(long)]
    pub no_ga: bool,
    /// Write the recall plots here.
    #[arg(long)]
    pub plots: Option<PathBuf>,
    /// Keep each signal's figures in this folder as it completes; signals already there are read
    /// back, not run again (resume after a kill; share one folder between `--shard` processes, then
    /// run once more without `--shard` for the whole table). The folder is tied to the settings
    /// and the model it was made with.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// `K/N`: run only every N-th signal starting at K (0-based), e.g. one batch job per shard.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
}

fn parse_shard(text: &str) -> std::result::Result<(usize, usize), String> {
    let bad = || format!("shard {text:?}: expected K/N with 0 <= K < N, e.g. 0/4");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Runs the benchmark.
pub fn run(args: &BenchmarkArgs, globals: &Globals) -> Result<()> {
    match &args.what {
        Benchmark::Finder(a) => finder(a, globals),
        Benchmark::Scaling(a) => scaling(a, globals),
    }
}

fn list(path: &Option<PathBuf>, default: fn() -> SignalList) -> Result<SignalList> {
    match path {
        Some(p) => SignalList::read(p).map_err(input_error),
        None => Ok(default()),
    }
}

/// The benchmark's defaults with the run's seed, the agent's sequences and the GA's
/// `(population, generations)` (`None`: no GA).
fn base_config(globals: &Globals, samples: usize, ga: Option<(usize, u64)>) -> BenchmarkConfig {
    let mut config = BenchmarkConfig::default();
    config.reward.seed = globals.seed;
    config.agent.samples = samples;
    config.agent.seed = globals.seed;
    config.ga = ga.map(|(population, generations)| hepzero_finder::GaSearchConfig {
        seed: globals.seed,
        population,
        generations,
        ..Default::default()
    });
    config
}

fn load_net(model: &Option<PathBuf>, device: &Device) -> Result<PolicyValueNet> {
    Ok(match model {
        Some(dir) => hepzero_transformer::load_checkpoint(dir, device).map_err(input_error)?,
        None => hepzero_agent::shipped_model(device)?,
    })
}

/// The model folder's overlap estimator (`train-overlap --out`), or the shipped one; `None`
/// (with a message) for a folder without one.
pub fn load_overlap(
    model: &Option<PathBuf>,
    device: &Device,
    globals: &Globals,
) -> Result<Option<OverlapEstimator>> {
    let estimator = match model {
        Some(dir) => OverlapEstimator::load(dir, device).map_err(input_error)?,
        None => Some(hepzero_agent::shipped_overlap(device)?),
    };
    if let (Some(dir), None, false) = (model, &estimator, globals.quiet) {
        eprintln!(
            "note: {} has no overlap estimator (hepzero train-overlap --out {0}); scoring in the order built",
            dir.display()
        );
    }
    Ok(estimator)
}

fn scaling(args: &ScalingArgs, globals: &Globals) -> Result<()> {
    let device = select_device(globals.device)?.device;
    let net = load_net(&args.model, &device)?;
    // The same agent as `benchmark finder`'s default: best-first with the model's estimator.
    let overlap = if args.order_built { None } else { load_overlap(&args.model, &device, globals)? };
    let agent = Agent { net: &net, overlap: overlap.as_ref(), device: &device };
    let mut config = base_config(globals, args.samples, Some((args.population, args.generations)));
    config.agent.best_first = overlap.is_some();
    let mut ladder = default_ladder();
    ladder.truncate(args.rungs.unwrap_or(usize::MAX));
    let mut bars = progress::PhaseBars::new(globals);
    let mut on_progress = |phase: &str, done: u64, total: u64| bars.update(phase, done, total);
    let mut on_rung = |r: &RungFigures| {
        if !globals.quiet {
            eprintln!(
                "{}",
                scaling_markdown(&args.signal, std::slice::from_ref(r)).lines().last().unwrap_or("")
            );
        }
    };
    let rungs = run_scaling(
        &args.signal,
        &ladder,
        &config,
        Some(agent),
        args.out.as_deref(),
        &mut on_progress,
        &mut on_rung,
    )
    .map_err(agent_error)?;
    bars.finish();
    if let Some(dir) = &args.plots {
        write_scaling_plot(&rungs, dir)?;
    }
    if globals.json {
        return print_json(&rungs);
    }
    print!("{}", scaling_markdown(&args.signal, &rungs));
    Ok(())
}

/// Wall time against the oracle's candidates, log-log: the oracle (100% recall), the GA, and the
/// agent where it first reached the GA's recall.
fn write_scaling_plot(rungs: &[RungFigures], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let log = |x: f64| x.max(1e-3).log10();
    let at = |pick: &dyn Fn(&RungFigures) -> Option<f64>| -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> =
            rungs.iter().filter_map(|r| pick(r).map(|t| (log(r.candidates.max(1) as f64), log(t)))).collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    };
    let owned = [
        ("oracle (100%)", at(&|r| Some(r.oracle.seconds))),
        ("GA (its recall)", at(&|r| r.ga.as_ref().map(|g| g.seconds))),
        ("agent (to the GA's recall)", at(&|r| r.agent_seconds_at_ga_recall)),
    ];
    let curves: Vec<plot::Curve<'_>> = owned
        .iter()
        .enumerate()
        .filter(|(_, (_, p))| !p.is_empty())
        .map(|(i, (label, points))| plot::Curve { label, points, colour: i })
        .collect();
    plot::curves(
        &dir.join("finder_scaling"),
        "background finder: cost as the search space grows",
        "log10 candidates the oracle enumerates",
        "log10 wall seconds",
        &curves,
        false,
    )
}

fn finder(args: &FinderArgs, globals: &Globals) -> Result<()> {
    let training = list(&args.training, benchmark_training)?;
    let generalisation = list(&args.generalisation, benchmark_generalisation)?;
    let device = select_device(globals.device)?.device;
    let net = load_net(&args.model, &device)?;
    let overlap = if args.order_built { None } else { load_overlap(&args.model, &device, globals)? };
    let agent = Agent { net: &net, overlap: overlap.as_ref(), device: &device };
    let mut config =
        base_config(globals, args.samples, (!args.no_ga).then_some((args.population, args.generations)));
    config.agent.best_first = overlap.is_some();
    config.agent.draw_share = args.draw_share;
    config.agent.considered_mutants = args.considered_mutants;
    config.agent.temperature = args.temperature;
    config.agent.distinct = !args.with_replacement;
    config.agent.neighbours = args.neighbours;
    if args.exact_order_marking {
        config.agent.order_marking = hepzero_transformer::OrderMarking::Exact;
    }
    let mut bars = progress::PhaseBars::new(globals);
    let mut on_progress = |phase: &str, done: u64, total: u64| bars.update(phase, done, total);
    // One line per signal on standard error as it completes (the whole run takes a while).
    let mut on_signal = |f: &hepzero_agent::benchmark::SignalFigures| {
        if !globals.quiet {
            let recall = |m: &Option<hepzero_agent::benchmark::MethodFigures>| {
                m.as_ref().map_or("-".to_string(), |m| {
                    format!("{:.3} ({} evals, {:.0} s)", m.recall, m.evaluations, m.seconds)
                })
            };
            eprintln!(
                "{} [{}]: oracle {} ({:.0} s); GA {}; agent {}",
                f.signal,
                f.set,
                f.oracle.found,
                f.oracle.seconds,
                recall(&f.ga),
                recall(&f.agent)
            );
        }
    };
    let run = BenchmarkRun { store: args.out.clone(), shard: args.shard };
    let report = run_benchmark(
        &training,
        &generalisation,
        &config,
        Some(agent),
        &run,
        &mut on_progress,
        &mut on_signal,
    )
    .map_err(agent_error)?;
    bars.finish();
    if let Some(dir) = &args.plots {
        write_plots(&report, dir)?;
    }
    if globals.json {
        return print_json(&report);
    }
    print!("{}", markdown(&report));
    Ok(())
}

/// Recall against reward evaluations, per set (summed over its signals): the agent's curve over
/// sequences drawn and the GA's over generations.
fn write_plots(report: &BenchmarkReport, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // x: log10 of the evaluations summed over the set's signals.
    let mut log_points: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for set in ["training", "generalisation"] {
        for (method, label) in [("agent", "agent"), ("ga", "GA")] {
            let curve = set_curve(report, set, method);
            if !curve.is_empty() {
                let points = curve.iter().map(|&(e, r)| (e.max(1.0).log10(), r)).collect();
                log_points.push((format!("{label}, {set}"), points));
            }
        }
    }
    let curves: Vec<plot::Curve<'_>> = log_points
        .iter()
        .enumerate()
        .map(|(i, (label, points))| plot::Curve { label, points, colour: i })
        .collect();
    plot::curves(
        &dir.join("finder_recall"),
        "background finder: recall against the oracle",
        "log10 reward evaluations (distinct backgrounds scored)",
        "recall",
        &curves,
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::parse_shard;

    #[test]
    fn shards_are_k_of_n_with_k_below_n() {
        assert_eq!(parse_shard("0/4"), Ok((0, 4)));
        assert_eq!(parse_shard("3/4"), Ok((3, 4)));
        for bad in ["4/4", "1/0", "-1/2", "1", "a/b", ""] {
            let err = parse_shard(bad).unwrap_err();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }
}
