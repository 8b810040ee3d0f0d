//! Speed figures for `docs/benchmarks.md` (ignored by default; they print, they do not assert):
//! the default network (`TransformerConfig::new`) on the default CPU backend, signal
//! `B0 -> K+ pi- pi0` on the embedded LHCb table (568 tokens). Run with
//! `cargo test -p hepzero-transformer --test throughput -- --ignored --nocapture --test-threads 1`.

use hepzero_backend::{DeviceChoice, select_device};
use hepzero_tokens::{Grammar, GrammarConfig, Vocabulary};
use hepzero_transformer::{Example, PolicyValueNet, SampleConfig, Trainer, TrainerConfig, TransformerConfig};
use std::sync::Arc;
use std::time::Instant;

fn setup() -> (Grammar, TransformerConfig) {
    let vocab = Arc::new(Vocabulary::lhcb_default().expect("embedded table"));
    let g = Grammar::new(vocab.clone(), "B0 -> K+ pi- pi0", GrammarConfig::default()).expect("signal");
    (g, TransformerConfig::new(vocab.len()))
}

#[test]
#[ignore = "speed figure, run explicitly"]
fn sampling_throughput() {
    let (g, config) = setup();
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device;
    let net = PolicyValueNet::new(&config, 1, &device).expect("network");
    // The seed's agent budget (100,000 sequences) at batch 256, and a shorter run at batch 1024.
    for (count, batch_size) in [(100_000, 256), (8192, 1024)] {
        let sample = SampleConfig { count, batch_size, temperature: 1.0, seed: 3 };
        let start = Instant::now();
        let out = net.sample(&g, &sample, &device).expect("sample");
        let s = start.elapsed().as_secs_f64();
        let tokens: usize = out.iter().map(|b| b.len() + 1).sum();
        let distinct: std::collections::HashSet<&Vec<_>> = out.iter().collect();
        eprintln!(
            "sampling, batch {batch_size}: {} backgrounds ({} distinct) in {s:.2} s = {:.0}/s \
             ({:.1} tokens each); 100,000 take {:.0} s ({} parameters)",
            out.len(),
            distinct.len(),
            out.len() as f64 / s,
            tokens as f64 / out.len() as f64,
            100_000.0 * s / out.len() as f64,
            net.parameter_count()
        );
    }
}

#[test]
#[ignore = "speed figure, run explicitly"]
fn training_throughput() {
    let (g, config) = setup();
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device;
    let net = PolicyValueNet::new(&config, 1, &device).expect("network");
    let data: Vec<Example> = net
        .sample(&g, &SampleConfig { count: 64, batch_size: 64, temperature: 1.0, seed: 4 }, &device)
        .expect("sample")
        .into_iter()
        .map(|background| Example {
            signal: g.signal_tokens().to_vec(),
            background,
            weight: 1.0,
            value: 0.5,
            valid: None,
            policy: None,
        })
        .collect();
    let train = device.autodiff();
    let mut trainer = Trainer::new(
        PolicyValueNet::new(&config, 1, &train).expect("network"),
        TrainerConfig::default(),
        train,
    );
    trainer.step(&data).expect("warm-up");
    let steps = 10;
    let start = Instant::now();
    for _ in 0..steps {
        trainer.step(&data).expect("step");
    }
    let s = start.elapsed().as_secs_f64();
    eprintln!("training, batch {}: {:.0} sequences/s", data.len(), (steps * data.len()) as f64 / s);
}
