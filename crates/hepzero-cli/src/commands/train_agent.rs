//! `hepzero train-agent`: trains the background finder's agent (GA hall of fame -> pre-training ->
//! AlphaZero self-play iterations) into a folder that `backgrounds --method agent --model` reads.

use super::{Globals, print_json};
use crate::error::{agent_error, input_error};
use crate::plot;
use crate::progress;
use anyhow::{Context, Result};
use hepzero_agent::{SignalList, TrainAgent, TrainAgentConfig, TrainingReport, benchmark_training};
use hepzero_backend::select_device;
use std::path::{Path, PathBuf};

/// Arguments of `hepzero train-agent`.
#[derive(clap::Args, Debug)]
pub struct TrainAgentArgs {
    /// Training signals: a text file, one signal per line, `#` comments. Default: the benchmark's
    /// 17 training signals (fixtures/benchmarks/training.txt).
    #[arg(long)]
    pub signals: Option<PathBuf>,
    /// Output folder: GA results, checkpoints, self-play records, report, plots and the model.
    #[arg(long)]
    pub out: PathBuf,
    /// Continue the run in --out after an interruption (same signals and settings).
    #[arg(long)]
    pub resume: bool,
    /// Settings as JSON (the fields of `training.json`'s `config`; missing fields keep defaults).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// GA individuals per generation (default 6,000, seed 000's).
    #[arg(long)]
    pub population: Option<usize>,
    /// GA generations (default 40, seed 000's).
    #[arg(long)]
    pub generations: Option<u64>,
    /// Pre-training epochs (default 30).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// AlphaZero iterations after pre-training (default 3).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Self-play games per signal and iteration (default 64).
    #[arg(long)]
    pub games: Option<usize>,
    /// Sequences the network draws without replacement per signal and iteration to find new
    /// backgrounds (default 20,000; 0 turns it off).
    #[arg(long)]
    pub harvest: Option<usize>,
    /// Signals never trained on whose recall is measured after each phase, separated by ';'.
    #[arg(long)]
    pub validation: Option<String>,
}

/// The settings: defaults, then the `--config` file, then the flags; the seed is `--seed`.
fn settings(args: &TrainAgentArgs, globals: &Globals) -> Result<TrainAgentConfig> {
    let mut config: TrainAgentConfig = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))
                .map_err(input_error)?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a train-agent configuration", path.display()))
                .map_err(input_error)?
        }
        None => TrainAgentConfig::default(),
    };
    config.seed = globals.seed;
    if let Some(p) = args.population {
        config.ga.population = p;
    }
    if let Some(g) = args.generations {
        config.ga.generations = g;
    }
    if let Some(e) = args.epochs {
        config.pretrain.epochs = e;
    }
    if let Some(i) = args.iterations {
        config.iterations = i;
    }
    if let Some(g) = args.games {
        config.games_per_signal = g;
    }
    if let Some(h) = args.harvest {
        config.harvest_samples = h;
    }
    if let Some(v) = &args.validation {
        config.validation = v.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    }
    Ok(config)
}

/// Trains, then writes the report's plots into `OUT/plots`.
pub fn run(args: &TrainAgentArgs, globals: &Globals) -> Result<()> {
    let signals = match &args.signals {
        Some(path) => SignalList::read(path).map_err(input_error)?,
        None => benchmark_training(),
    };
    let config = settings(args, globals)?;
    let device = select_device(globals.device)?.device;
    let run = TrainAgent::new(&signals, &config, &args.out, device, args.resume).map_err(input_error)?;
    let mut bars = progress::PhaseBars::new(globals);
    let mut on_progress = |phase: &str, done: u64, total: u64| bars.update(phase, done, total);
    let report = run.run(&mut on_progress).map_err(agent_error)?;
    bars.finish();
    write_plots(&report, &args.out.join("plots"))?;
    if globals.json {
        return print_json(&report);
    }
    print_summary(&report, &args.out);
    Ok(())
}

fn print_summary(report: &TrainingReport, out: &Path) {
    println!("Agent trained on {} signals; model in {}", report.signals.len(), out.display());
    let ga: usize = report.ga.iter().map(|g| g.found).sum();
    println!("GA halls of fame: {ga} backgrounds above threshold");
    println!(
        "{:<14} {:>8} {:>9} {:>7} {:>8} {:>9}  validation recall",
        "phase", "loss", "accuracy", "games", "known", "seconds"
    );
    for p in &report.phases {
        let recall: Vec<String> = p.validation_recall.iter().map(|r| format!("{r:.3}")).collect();
        println!(
            "{:<14} {:>8.4} {:>9.3} {:>7} {:>8} {:>9.1}  {}",
            p.phase,
            p.loss,
            p.accuracy,
            p.games,
            p.known_backgrounds,
            p.seconds,
            recall.join(" ")
        );
    }
}

fn write_plots(report: &TrainingReport, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let epochs = &report.pretrain_epochs;
    if !epochs.is_empty() {
        let loss: Vec<(f64, f64)> =
            epochs.iter().map(|e| (e.epoch as f64 + 1.0, f64::from(e.train_loss))).collect();
        let accuracy: Vec<(f64, f64)> =
            epochs.iter().map(|e| (e.epoch as f64 + 1.0, f64::from(e.train_accuracy))).collect();
        plot::curves(
            &dir.join("pretraining"),
            "pre-training on the GA's halls of fame",
            "epoch",
            "loss / accuracy",
            &[
                plot::Curve { label: "loss", points: &loss, colour: 0 },
                plot::Curve { label: "next-token accuracy", points: &accuracy, colour: 1 },
            ],
            false,
        )?;
    }
    let phases = &report.phases;
    let mut recall_curves: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (v, name) in report.validation.iter().enumerate() {
        let points = phases
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.validation_recall.get(v).map(|&r| (i as f64, r)))
            .collect();
        recall_curves.push((name.clone(), points));
    }
    let loss: Vec<(f64, f64)> =
        phases.iter().enumerate().map(|(i, p)| (i as f64, f64::from(p.loss))).collect();
    let mut curves = vec![plot::Curve { label: "training loss", points: &loss, colour: 0 }];
    for (i, (name, points)) in recall_curves.iter().enumerate() {
        curves.push(plot::Curve { label: name, points, colour: i + 1 });
    }
    plot::curves(
        &dir.join("iterations"),
        "agent: loss and validation recall (0 = pre-training, then AlphaZero iterations)",
        "phase",
        "loss / recall",
        &curves,
        false,
    )
}
