//! The first step of the agent (seed 000): pre-train the policy-value transformer on the oracle's
//! backgrounds of some signals, then let it propose backgrounds by sampling, and count how many of
//! the oracle's it finds, for the training signals and for signals it never saw. Reduced reward
//! statistics (as the test suite's) keep each oracle to a minute.
//!
//! `cargo run --release -p hepzero-examples --example agent_imitation -- 60 100000 "B0 -> K+ pi-" "B0 -> pi+ pi-;B_s0 -> K+ K-"`
//! (epochs, sequences sampled per signal, training signals, unseen signals; lists separated by `;`).

use hepzero_backend::{DeviceChoice, select_device};
use hepzero_fastsim::{SimOptions, StreamingConfig};
use hepzero_finder::{OracleConfig, model_for_signal, run_oracle};
use hepzero_pdg::DecayTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{END, GrammarConfig};
use hepzero_transformer::{
    Example, FitConfig, PolicyValueNet, SampleConfig, Trainer, TrainerConfig, TransformerConfig,
};
use std::collections::HashSet;
use std::time::Instant;

const THRESHOLD: f64 = 1e-3;

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A signal's reward model, the canonical hashes of its oracle list, and that list as training data.
struct OracleList {
    model: RewardModel,
    hashes: HashSet<u64>,
    examples: Vec<Example>,
}

/// Runs the oracle for `signal`.
fn oracle(signal: &str) -> AnyResult<OracleList> {
    let reward = RewardConfig {
        threshold: THRESHOLD,
        signal_events: 40_000,
        streaming: StreamingConfig { max_events: 20_000, relative_precision: 0.1, ..Default::default() },
        simulation: SimOptions { chunk_size: 2048, ..Default::default() },
        ..Default::default()
    };
    let table = DecayTable::lhcb_default();
    let (production, misid) = (Production::lhcb_default(), MisIdMatrix::lhcb_default());
    let model = model_for_signal(signal, table, production, misid, GrammarConfig::default(), reward)?;
    let start = Instant::now();
    let ranking = run_oracle(&model, table, &OracleConfig::default(), &|_, _| {})?;
    eprintln!(
        "{signal}: oracle {} backgrounds in {:.1} s",
        ranking.backgrounds.len(),
        start.elapsed().as_secs_f64()
    );
    let grammar = model.grammar();
    // Value target: log(R) scaled to [0, 1] over the signal's list.
    let best = ranking.backgrounds.iter().map(|b| b.reward).fold(THRESHOLD, f64::max);
    let (mut hashes, mut examples) = (HashSet::new(), Vec::new());
    for b in &ranking.backgrounds {
        let decay = grammar.parse_background(&b.background)?;
        hashes.insert(grammar.canonical_hash(&decay));
        let mut tokens = grammar.background_tokens(&decay);
        tokens.retain(|&t| t != END);
        let value = ((b.reward / THRESHOLD).ln() / (best / THRESHOLD).ln()).clamp(0.0, 1.0) as f32;
        examples.push(Example::new(grammar.signal_tokens().to_vec(), tokens, 1.0, value));
    }
    Ok(OracleList { model, hashes, examples })
}

fn main() -> AnyResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let epochs: usize = args.get(1).map_or(Ok(60), |s| s.parse())?;
    let samples: usize = args.get(2).map_or(Ok(100_000), |s| s.parse())?;
    let list = |i: usize, default: &str| -> Vec<String> {
        args.get(i)
            .map_or(default, String::as_str)
            .split(';')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (training, unseen) = (list(3, "B0 -> K+ pi-"), list(4, ""));

    let mut signals = Vec::new();
    let mut examples = Vec::new();
    for (signal, seen) in training.iter().map(|s| (s, true)).chain(unseen.iter().map(|s| (s, false))) {
        let list = oracle(signal)?;
        if seen {
            examples.extend(list.examples);
        }
        signals.push((signal.clone(), seen, list.model, list.hashes));
    }

    let device = select_device(DeviceChoice::Cpu)?.device;
    let config = TransformerConfig::for_vocabulary(signals[0].2.grammar().vocab());
    let train = device.clone().autodiff();
    let mut trainer = Trainer::new(PolicyValueNet::new(&config, 1, &train)?, TrainerConfig::default(), train);
    let fit = FitConfig { epochs, batch_size: 32, warmup_steps: 20, patience: None, ..FitConfig::default() };
    let start = Instant::now();
    trainer.fit(&examples, &[], &fit, |e, _| {
        eprintln!(
            "epoch {:>3}: loss {:.3}, next-token accuracy {:.3}",
            e.epoch, e.train_loss, e.train_accuracy
        );
        Ok(())
    })?;
    eprintln!(
        "training on {} backgrounds: {} steps in {:.1} s",
        examples.len(),
        trainer.steps(),
        start.elapsed().as_secs_f64()
    );

    // The trained weights on the inference device, then sampling for every signal.
    let bytes = hepzero_backend::module_to_bytes(trainer.model())?;
    let net = hepzero_backend::load_module_bytes(
        PolicyValueNet::new(&config, 1, &device)?,
        bytes,
        "memory".as_ref(),
    )?;
    for (signal, seen, model, oracle) in &signals {
        let grammar = model.grammar();
        let start = Instant::now();
        let sampled = net.sample(
            grammar,
            &SampleConfig { count: samples, batch_size: 256, temperature: 1.0, seed: 7 },
            &device,
        )?;
        let seconds = start.elapsed().as_secs_f64();
        let mut distinct = HashSet::new();
        for tokens in &sampled {
            let complete: Vec<_> = tokens.iter().copied().chain(std::iter::once(END)).collect();
            distinct.insert(grammar.canonical_hash(&grammar.decode_background(&complete)?));
        }
        let found = oracle.iter().filter(|h| distinct.contains(h)).count();
        println!(
            "{signal} ({}): {samples} sequences in {seconds:.1} s, {} distinct; oracle backgrounds found {found} / {} = {:.3}",
            if *seen { "trained on" } else { "unseen" },
            distinct.len(),
            oracle.len(),
            found as f64 / oracle.len().max(1) as f64
        );
    }
    Ok(())
}
