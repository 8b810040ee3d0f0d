//! `hepzero simulate "B0 -> (K*+ -> K+ pi0) pi-"`: RapidSim-class fast simulation of one decay chain
//! with hepzero-fastsim (FONLL production, LHCb-like acceptance and smearing); prints the
//! acceptance, the reconstructed-mass mean and width and the speed, and optionally plots the
//! reconstructed-mass distribution. The decay syntax is hepzero-tokens' (`K-{pi-}` = a K- taken
//! as a pi-, `pi0{miss}` = a pi0 left out).

use super::{Globals, print_json};
use crate::error::input_error;
use crate::plot;
use anyhow::Context;
use hepzero_fastsim::{
    ChainTree, DecayChain, DetectorConfig, FastSim, ProductionConfig, Reco, SimOptions, SpectrumSource,
};
use hepzero_tokens::{Decay, Node, Recon, Vocabulary, parse_decay};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `hepzero simulate`.
#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// The decay, e.g. "B0 -> (K*+ -> K+ pi0) pi-"; final-state particles may carry `{X}` (taken
    /// as species X) or `{miss}` (not reconstructed).
    decay: String,
    /// Number of events to generate.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Write the reconstructed-mass histogram to this PNG (an SVG is written next to it).
    #[arg(long)]
    plot: Option<PathBuf>,
    /// pp centre-of-mass energy in TeV for the FONLL production spectra (7, 8, 13 or 14).
    #[arg(long, default_value_t = 13)]
    sqrt_s: u32,
    /// No smearing and no acceptance (true momenta with the assigned mass hypotheses).
    #[arg(long)]
    perfect: bool,
}

/// What `hepzero simulate --json` prints.
#[derive(Serialize, Debug)]
struct SimulateReport {
    decay: String,
    events: u64,
    seed: u64,
    accepted: u64,
    acceptance: f64,
    acceptance_error: f64,
    /// GeV.
    mass_mean: f64,
    /// Standard deviation, GeV.
    mass_sigma: f64,
    /// Median, GeV.
    mass_peak: f64,
    /// Half the central 68.3% interval, GeV.
    mass_core_sigma: f64,
    events_per_second: f64,
}

fn to_chain(vocab: &Vocabulary, d: &Decay) -> ChainTree {
    let children = d
        .daughters
        .iter()
        .map(|n| match n {
            Node::Decay(sub) => to_chain(vocab, sub),
            Node::Final { particle, recon } => ChainTree {
                name: vocab.name(*particle).to_string(),
                reco: match recon {
                    Recon::AsItself => Reco::AsItself,
                    Recon::As(other) => Reco::AsSpecies(vocab.name(*other).to_string()),
                    Recon::Missing => Reco::Missing,
                },
                children: Vec::new(),
            },
        })
        .collect();
    ChainTree { name: vocab.name(d.parent).to_string(), reco: Reco::AsItself, children }
}

/// Runs `hepzero simulate`.
pub fn run(args: &SimulateArgs, globals: &Globals) -> anyhow::Result<()> {
    if args.events == 0 {
        return Err(input_error(anyhow::anyhow!("--events must be at least 1")));
    }
    let vocab = Vocabulary::lhcb_default().context("building the decay vocabulary")?;
    let (decay, _) = parse_decay(&vocab, &args.decay, true).map_err(input_error)?;
    let tree = to_chain(&vocab, &decay);
    let table = hepzero_pdg::ParticleTable::lhcb_default();
    let chain = DecayChain::from_tree(table, &tree).map_err(input_error)?;
    let options = SimOptions {
        production: ProductionConfig {
            source: SpectrumSource::Fonll { quark: None, sqrt_s_tev: args.sqrt_s },
            ..ProductionConfig::default()
        },
        detector: if args.perfect { DetectorConfig::perfect() } else { DetectorConfig::default() },
        ..SimOptions::default()
    };
    let sim = FastSim::new(chain, options).map_err(input_error)?;
    let start = Instant::now();
    let sample = sim.sample(args.events, globals.seed)?;
    let seconds = start.elapsed().as_secs_f64();
    let summary = sample.summary().map_err(input_error)?;
    let report = SimulateReport {
        decay: args.decay.clone(),
        events: args.events,
        seed: globals.seed,
        accepted: summary.accepted,
        acceptance: summary.acceptance,
        acceptance_error: summary.acceptance_error,
        mass_mean: summary.mass_mean,
        mass_sigma: summary.mass_sigma,
        mass_peak: summary.peak,
        mass_core_sigma: summary.peak_sigma,
        events_per_second: args.events as f64 / seconds.max(1e-9),
    };
    if let Some(path) = &args.plot {
        let mut sorted = sample.masses.clone();
        sorted.sort_by(f64::total_cmp);
        let q = |f: f64| sorted[((sorted.len() - 1) as f64 * f) as usize];
        let (lo, hi) = (q(0.001), q(0.999));
        let pad = 0.05 * (hi - lo).max(1e-3);
        let (lo, hi) = (lo - pad, hi + pad);
        let bins = 120;
        let mut counts = vec![0.0; bins];
        // Fractions of the accepted candidates per bin.
        let weight = 1.0 / sample.masses.len().max(1) as f64;
        for &m in &sample.masses {
            if m >= lo && m < hi {
                let i = (((m - lo) / (hi - lo)) * bins as f64) as usize;
                counts[i.min(bins - 1)] += weight;
            }
        }
        plot::histograms(
            path,
            &format!("{} ({} events, acceptance {:.3})", args.decay, args.events, summary.acceptance),
            "reconstructed mass [GeV]",
            (lo, hi),
            &[plot::Histogram { label: "candidates", bins: &counts, colour: 0 }],
            &[sim.chain().head().mass],
        )?;
    }
    if globals.json {
        return print_json(&report);
    }
    println!("decay              {}", report.decay);
    println!("events             {} (seed {})", report.events, report.seed);
    println!("acceptance         {:.4} +- {:.4}", report.acceptance, report.acceptance_error);
    println!("mass mean          {:.4} GeV", report.mass_mean);
    println!("mass width (rms)   {:.1} MeV", 1e3 * report.mass_sigma);
    println!(
        "mass peak (median) {:.4} GeV, core width {:.1} MeV",
        report.mass_peak,
        1e3 * report.mass_core_sigma
    );
    println!("speed              {:.3e} events/s", report.events_per_second);
    if let Some(path) = &args.plot {
        let (png, svg) = plot::both_formats(path);
        println!("plot               {} and {}", png.display(), svg.display());
    }
    Ok(())
}
