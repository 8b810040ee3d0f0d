//! `hepzero backgrounds SIGNAL`: the decays that can fake a signal, ranked by the physics reward.

use super::{Globals, print_json};
use crate::error::input_error;
use crate::plot::{self, Histogram};
use crate::progress;
use anyhow::{Context, Result};
use hepzero_finder::{
    GaSearchConfig, MctsConfig, OracleConfig, Ranking, model_for_signal, run_ga, run_mcts, run_oracle,
};
use hepzero_genetic::{Control, GenerationReport};
use hepzero_pdg::DecayTable;
use hepzero_reward::{MisIdMatrix, Production, RangeChoice, RewardConfig, RewardModel};
use hepzero_tokens::GrammarConfig;
use std::path::{Path, PathBuf};

/// Search methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Exhaustive enumeration of every background the grammar allows (the ground truth).
    Oracle,
    /// Genetic algorithm over backgrounds (seed 000's configuration by default).
    Ga,
    /// Pure Monte Carlo tree search with a uniform prior.
    Mcts,
    /// The trained agent (`train-agent`): backgrounds sampled from its transformer policy.
    Agent,
}

/// Arguments of `hepzero backgrounds`.
#[derive(clap::Args, Debug)]
pub struct BackgroundsArgs {
    /// The signal decay, e.g. "B0 -> K+ pi- pi0" or "B0 -> (K*0 -> K+ pi-) mu+ mu-" (EvtGen names).
    pub signal: String,
    /// Search method.
    #[arg(long, value_enum, default_value = "oracle")]
    pub method: Method,
    /// Show the best N backgrounds (all of them with --json).
    #[arg(long, default_value_t = 25)]
    pub top: usize,
    /// Report backgrounds whose reward is at least this.
    #[arg(long, default_value_t = 1e-3)]
    pub threshold: f64,
    /// Mass range of the overlap factor: fit (m_S +- 500 MeV), window (+- 3 sigma) or LO:HI in GeV.
    #[arg(long, default_value = "fit")]
    pub range: String,
    /// At most this many particles of a background may be missing (not reconstructed).
    #[arg(long, default_value_t = 2)]
    pub max_missing: usize,
    /// At most this many decay levels in a background.
    #[arg(long, default_value_t = 3)]
    pub max_depth: usize,
    /// Product branching-fraction floor of a background chain.
    #[arg(long, default_value_t = 1e-9)]
    pub br_floor: f64,
    /// A user decay file (EvtGen .DEC) replacing the embedded DECAY_LHCB.DEC.
    #[arg(long)]
    pub decay_file: Option<PathBuf>,
    /// A production-fraction table (TOML) replacing the embedded LHCb one.
    #[arg(long)]
    pub production: Option<PathBuf>,
    /// A mis-ID matrix (TOML) replacing the embedded LHCb one.
    #[arg(long)]
    pub misid: Option<PathBuf>,
    /// GA: individuals per generation.
    #[arg(long, default_value_t = 6000)]
    pub population: usize,
    /// GA: generations after the initial population.
    #[arg(long, default_value_t = 40)]
    pub generations: u64,
    /// MCTS: complete background sequences to build.
    #[arg(long, default_value_t = 100_000)]
    pub sequences: u64,
    /// MCTS: simulations per move (the library's default; docs/benchmarks.md, hepzero-mcts).
    #[arg(long, default_value_t = 5)]
    pub simulations: u64,
    /// Agent: the trained model folder (`train-agent --out`); default: the model shipped in
    /// fixtures/models/agent.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Agent: complete background sequences to draw (seed 000's budget: 100,000).
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// Agent: softmax temperature of sampling (above 1 spreads the draws over more backgrounds).
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f32,
    /// Agent: 0 samples the policy; M > 0 builds each sequence by network-guided MCTS with M
    /// simulations per token (slower, more search).
    #[arg(long, default_value_t = 0)]
    pub mcts_simulations: u64,
    /// Agent: draw independently (a background already drawn may come again and costs a
    /// sequence); by default each draw is a background not drawn before.
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
    /// Agent: score in the order built instead of best-first (in descending order of the
    /// agent's own estimate of the reward: the tables' factors and the overlap estimator of the
    /// model folder, or the shipped one). A folder without an estimator (`train-overlap`) is
    /// scored in the order built either way.
    #[arg(long)]
    pub order_built: bool,
    /// Agent, best-first: mutants made and estimated around each background found, each built
    /// (costing a sequence) only if it reaches the top of the queue while budget is left; 0:
    /// `--neighbours` mutants, each built when made.
    #[arg(long, default_value_t = hepzero_agent::ProposeConfig::default().considered_mutants)]
    pub considered_mutants: usize,
    /// Write, for the top backgrounds, their reconstructed-mass distributions over the signal's
    /// (and, for the GA, the best and mean fitness per generation).
    #[arg(long)]
    pub plots: Option<PathBuf>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display())).map_err(input_error)
}

/// Builds the model and runs the chosen search.
pub fn run(args: &BackgroundsArgs, globals: &Globals) -> Result<()> {
    if args.threshold.is_nan() || args.threshold <= 0.0 {
        return Err(input_error(anyhow::anyhow!("--threshold {} must be positive", args.threshold)));
    }
    let range: RangeChoice = args.range.parse().map_err(input_error)?;
    let user_table;
    let table: &DecayTable = match &args.decay_file {
        Some(path) => {
            user_table = DecayTable::lhcb_with_user_file(path).map_err(input_error)?;
            &user_table
        }
        None => DecayTable::lhcb_default(),
    };
    let production = match &args.production {
        Some(p) => Production::from_toml(&read(p)?, &p.display().to_string()).map_err(input_error)?,
        None => Production::lhcb_default(),
    };
    let misid = match &args.misid {
        Some(p) => MisIdMatrix::from_toml(&read(p)?, &p.display().to_string()).map_err(input_error)?,
        None => MisIdMatrix::lhcb_default(),
    };
    let limits = GrammarConfig {
        max_missing: args.max_missing,
        max_depth: args.max_depth,
        ..GrammarConfig::default()
    };
    let reward_config =
        RewardConfig { range, threshold: args.threshold, seed: globals.seed, ..RewardConfig::default() };
    let model = model_for_signal(&args.signal, table, production, misid, limits, reward_config)
        .map_err(input_error)?;

    let ranking = match args.method {
        Method::Oracle => {
            let bar = progress::bar(globals, 0, "scoring");
            let progress = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let r = run_oracle(&model, table, &OracleConfig { br_floor: args.br_floor }, &progress)?;
            bar.finish_and_clear();
            r
        }
        Method::Ga => {
            let bar = progress::bar(globals, args.generations + 1, "generations");
            let mut history: Vec<(f64, f64, f64)> = Vec::new();
            let mut observer = |r: &GenerationReport| {
                bar.set_position(r.generation + 1);
                history.push((r.generation as f64, r.best, r.mean));
                Control::Continue
            };
            let config = GaSearchConfig {
                seed: globals.seed,
                population: args.population,
                generations: args.generations,
                ..GaSearchConfig::default()
            };
            let (r, _) = run_ga(&model, &config, &mut observer)?;
            bar.finish_and_clear();
            if let Some(dir) = &args.plots {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                let best: Vec<(f64, f64)> = history.iter().map(|&(g, b, _)| (g, b)).collect();
                let mean: Vec<(f64, f64)> = history.iter().map(|&(g, _, m)| (g, m)).collect();
                plot::curves(
                    &dir.join("ga_fitness"),
                    &format!("GA on {}", r.signal),
                    "generation",
                    "reward",
                    &[
                        plot::Curve { label: "best", points: &best, colour: 0 },
                        plot::Curve { label: "mean", points: &mean, colour: 1 },
                    ],
                    true,
                )?;
            }
            r
        }
        Method::Mcts => {
            let bar = progress::bar(globals, args.sequences, "sequences");
            let progress = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let config = MctsConfig {
                seed: globals.seed,
                sequences: args.sequences,
                simulations: args.simulations,
                ..MctsConfig::default()
            };
            let r = run_mcts(&model, &config, &progress)?;
            bar.finish_and_clear();
            r
        }
        Method::Agent => {
            let device = hepzero_backend::select_device(globals.device)?.device;
            let net = match &args.model {
                Some(dir) => hepzero_transformer::load_checkpoint(dir, &device).map_err(input_error)?,
                None => hepzero_agent::shipped_model(&device)?,
            };
            let overlap = if args.order_built {
                None
            } else {
                super::benchmark::load_overlap(&args.model, &device, globals)?
            };
            let best_first = overlap.is_some();
            let agent = hepzero_agent::Agent { net: &net, overlap: overlap.as_ref(), device: &device };
            let bar = progress::bar(globals, args.samples as u64, "sequences");
            let config = hepzero_agent::ProposeConfig {
                samples: args.samples,
                seed: globals.seed,
                mcts_simulations: args.mcts_simulations,
                temperature: args.temperature,
                distinct: !args.with_replacement,
                neighbours: args.neighbours,
                considered_mutants: args.considered_mutants,
                best_first,
                order_marking: if args.exact_order_marking {
                    hepzero_transformer::OrderMarking::Exact
                } else {
                    hepzero_transformer::OrderMarking::Unpriced
                },
                ..Default::default()
            };
            // Best-first reports (scored, built): the bar follows what is built.
            let proposal = agent
                .propose(&model, &config, &mut |d, t| bar.set_position(if best_first { t } else { d }))
                .map_err(|e| match e {
                    hepzero_agent::Error::Network(_) | hepzero_agent::Error::Config(_) => input_error(e),
                    other => anyhow::Error::new(other),
                })?;
            bar.finish_and_clear();
            proposal.ranking
        }
    };
    if let Some(dir) = &args.plots {
        write_plots(&model, &ranking, dir, args.top.min(10))?;
    }
    if globals.json {
        return print_json(&ranking);
    }
    print_table(&ranking, args.top);
    Ok(())
}

fn print_table(r: &Ranking, top: usize) {
    println!("Backgrounds of {}   (R = production x BR ratio x mis-ID x overlap)", r.signal);
    println!(
        "{:>4}  {:>10}  {:>10}  {:>10}  {:>10}  {:>8}  background",
        "rank", "R", "production", "BR ratio", "mis-ID", "overlap"
    );
    for (i, b) in r.backgrounds.iter().take(top).enumerate() {
        println!(
            "{:>4}  {:>10.3e}  {:>10.3e}  {:>10.3e}  {:>10.3e}  {:>8.3}  {}",
            i + 1,
            b.reward,
            b.production_ratio,
            b.br_ratio,
            b.misid,
            b.overlap.unwrap_or(f64::NAN),
            b.background
        );
    }
    if r.backgrounds.len() > top {
        println!("  ... {} more (--top N or --json)", r.backgrounds.len() - top);
    }
    println!(
        "{} backgrounds with R >= {:.1e}; {} {}, {} simulated ({} events), {:.1} s ({}).",
        r.backgrounds.len(),
        r.threshold,
        r.candidates,
        // What `candidates` counts depends on the method.
        match r.method.as_str() {
            "ga" => "individuals evaluated",
            "mcts" => "distinct backgrounds reached",
            "agent" => "sequences drawn",
            _ => "candidates enumerated",
        },
        r.simulated,
        r.events_simulated,
        r.seconds,
        r.method
    );
}

fn write_plots(model: &RewardModel, r: &Ranking, dir: &Path, n: usize) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let grammar = model.grammar();
    let signal = model.signal();
    let (lo, hi) = (signal.fit_range.lo, signal.fit_range.hi);
    const BINS: usize = 100;
    let histogram = |masses: &[f64]| {
        let mut bins = vec![0.0; BINS];
        for &m in masses {
            if m >= lo && m < hi {
                bins[((m - lo) / (hi - lo) * BINS as f64) as usize % BINS] += 1.0;
            }
        }
        let total = masses.len().max(1) as f64;
        bins.iter_mut().for_each(|b| *b /= total);
        bins
    };
    let signal_bins = histogram(&model.mass_sample(grammar.signal(), 100_000)?);
    for (i, b) in r.backgrounds.iter().take(n).enumerate() {
        let decay = grammar.parse_background(&b.background).map_err(|e| anyhow::anyhow!("{e}"))?;
        let bg = histogram(&model.mass_sample(&decay, 100_000)?);
        let path = dir.join(format!("background_{:02}", i + 1));
        plot::histograms(
            &path,
            &format!("#{} R = {:.2e}", i + 1, b.reward),
            "reconstructed mass [GeV]",
            (lo, hi),
            &[
                Histogram { label: &r.signal, bins: &signal_bins, colour: 0 },
                Histogram { label: &b.background, bins: &bg, colour: 1 },
            ],
            &[signal.signal_window.lo, signal.signal_window.hi],
        )?;
    }
    Ok(())
}
