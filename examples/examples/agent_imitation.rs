//! The first step of the agent (seed 000): pre-train the policy-value transformer on the oracle's
//! backgrounds of one signal, then let it propose backgrounds by sampling, and count how many of the
//! oracle's it finds. Reduced reward statistics (as the test suite's) keep the oracle to a minute.
//!
//! `cargo run --release -p hepzero-examples --example agent_imitation -- "B0 -> K+ pi-" 20 100000`
//! (signal, training epochs, sequences sampled).

use hepzero_backend::{DeviceChoice, select_device};
use hepzero_fastsim::{SimOptions, StreamingConfig};
use hepzero_finder::{OracleConfig, model_for_signal, run_oracle};
use hepzero_pdg::DecayTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig};
use hepzero_tokens::{END, GrammarConfig};
use hepzero_transformer::{
    Example, FitConfig, PolicyValueNet, SampleConfig, Trainer, TrainerConfig, TransformerConfig,
};
use std::collections::HashSet;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let signal = args.get(1).map_or("B0 -> K+ pi-", String::as_str);
    let epochs: usize = args.get(2).map_or(Ok(20), |s| s.parse())?;
    let samples: usize = args.get(3).map_or(Ok(100_000), |s| s.parse())?;
    let threshold = 1e-3;
    let reward = RewardConfig {
        threshold,
        signal_events: 40_000,
        streaming: StreamingConfig { max_events: 20_000, relative_precision: 0.1, ..Default::default() },
        simulation: SimOptions { chunk_size: 2048, ..Default::default() },
        ..Default::default()
    };
    let table = DecayTable::lhcb_default();
    let (production, misid) = (Production::lhcb_default(), MisIdMatrix::lhcb_default());
    let model = model_for_signal(signal, table, production, misid, GrammarConfig::default(), reward)?;
    let grammar = model.grammar();

    let start = Instant::now();
    let ranking = run_oracle(&model, table, &OracleConfig::default(), &|_, _| {})?;
    eprintln!(
        "oracle: {} backgrounds with R >= {threshold} in {:.1} s",
        ranking.backgrounds.len(),
        start.elapsed().as_secs_f64()
    );

    // Training data: every oracle background once; the value target is log(R) scaled to [0, 1].
    let best = ranking.backgrounds.iter().map(|b| b.reward).fold(threshold, f64::max);
    let mut oracle = HashSet::new();
    let mut examples = Vec::new();
    for b in &ranking.backgrounds {
        let decay = grammar.parse_background(&b.background)?;
        oracle.insert(grammar.canonical_hash(&decay));
        let mut tokens = grammar.background_tokens(&decay);
        tokens.retain(|&t| t != END);
        let value = ((b.reward / threshold).ln() / (best / threshold).ln()).clamp(0.0, 1.0) as f32;
        examples.push(Example::new(grammar.signal_tokens().to_vec(), tokens, 1.0, value));
    }

    let device = select_device(DeviceChoice::Cpu)?.device;
    let config = TransformerConfig::for_vocabulary(grammar.vocab());
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
    eprintln!("training: {} steps in {:.1} s", trainer.steps(), start.elapsed().as_secs_f64());

    // The trained weights on the inference device, then sampling.
    let bytes = hepzero_backend::module_to_bytes(trainer.model())?;
    let net = hepzero_backend::load_module_bytes(
        PolicyValueNet::new(&config, 1, &device)?,
        bytes,
        "memory".as_ref(),
    )?;
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
        "{signal}: {samples} sequences sampled in {seconds:.1} s, {} distinct; oracle backgrounds found: {found} / {} = {:.3}",
        distinct.len(),
        oracle.len(),
        found as f64 / oracle.len().max(1) as f64
    );
    Ok(())
}
