//! How well an agent's value head ranks its own draws: the question behind a screen before the
//! reward (`ProposeConfig::screen`). For each signal, the model's first `--draws` draws (without
//! replacement, seed 0, batch 256, other orders marked without the network) are scored with the
//! benchmark's reward; the value head's output at the end of each draw ranks them. Prints a
//! Markdown row per signal: distinct draws, those above threshold, the area under the ROC curve,
//! and the share of draws a screen must score to keep 95% and 98% of the backgrounds above
//! threshold (its cut chosen after the fact, per signal: the most a screen could save).
//!
//! ```text
//! cargo run --release -p hepzero-agent --example value_ranking -- [--model DIR] [--draws 10000] "SIGNAL" ...
//! ```

use hepzero_agent::benchmark::BenchmarkConfig;
use hepzero_agent::{lhcb_model, shipped_model};
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_mcts::DrawTrie;
use hepzero_tokens::END;
use hepzero_transformer::{OrderMarking, SampleConfig, load_checkpoint};
use rayon::prelude::*;
use std::collections::HashSet;

/// Area under the ROC curve of `values` separating `labels` (ties count half).
fn auc(scored: &[(f32, bool)]) -> f64 {
    let mut order: Vec<_> = scored.to_vec();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut negatives_below, mut sum, mut i) = (0.0f64, 0.0f64, 0);
    while i < order.len() {
        let j = order[i..].iter().take_while(|x| x.0 == order[i].0).count() + i;
        let (pos, neg) =
            order[i..j].iter().fold((0.0, 0.0), |(p, n), x| if x.1 { (p + 1.0, n) } else { (p, n + 1.0) });
        sum += pos * (negatives_below + 0.5 * neg);
        negatives_below += neg;
        i = j;
    }
    let positives = scored.iter().filter(|x| x.1).count() as f64;
    sum / (positives * negatives_below)
}

/// Share of draws scored by the cut that keeps `keep` of the positives.
fn scored_to_keep(scored: &[(f32, bool)], keep: f64) -> f64 {
    let mut positives: Vec<f32> = scored.iter().filter(|x| x.1).map(|x| x.0).collect();
    positives.sort_by(f32::total_cmp);
    let cut = positives[((1.0 - keep) * positives.len() as f64) as usize];
    scored.iter().filter(|x| x.0 >= cut).count() as f64 / scored.len() as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let (mut model_dir, mut draws, mut signals) = (None, 10_000usize, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model_dir = Some(args.next().ok_or("--model needs a folder")?),
            "--draws" => draws = args.next().ok_or("--draws needs a number")?.parse()?,
            _ => signals.push(a),
        }
    }
    let device = select_device(DeviceChoice::Cpu)?.device;
    let net = match &model_dir {
        Some(dir) => load_checkpoint(std::path::Path::new(dir), &device)?,
        None => shipped_model(&device)?,
    };
    let mut config = BenchmarkConfig::default();
    config.reward.seed = 0;
    println!("| signal | distinct draws | above threshold | AUC | scored to keep 95% | to keep 98% |");
    println!("|---|---|---|---|---|---|");
    for signal in &signals {
        let model = lhcb_model(signal, &config.limits, &config.reward)?;
        let grammar = model.grammar();
        let sample = SampleConfig { count: draws, batch_size: 256, temperature: 1.0, seed: 0 };
        let drawn = net.sample_distinct(
            grammar,
            &sample,
            &mut DrawTrie::new(),
            &mut |_| Vec::new(),
            OrderMarking::Unpriced,
            &device,
        )?;
        let mut seen = HashSet::new();
        let mut distinct = Vec::new();
        for ((_, mut tokens), value) in drawn.sequences.into_iter().zip(drawn.values) {
            tokens.push(END);
            let decay = grammar.decode_background(&tokens)?;
            if seen.insert(grammar.canonical_hash(&decay)) {
                distinct.push((decay, value));
            }
        }
        let threshold = model.config().threshold;
        let scored: Vec<(f32, bool)> = distinct
            .par_iter()
            .map(|(d, v)| model.evaluate(d).map(|b| (*v, b.is_exact() && b.reward >= threshold)))
            .collect::<Result<_, _>>()?;
        let above = scored.iter().filter(|x| x.1).count();
        if above == 0 || above == scored.len() {
            println!("| `{signal}` | {} | {above} | - | - | - |", scored.len());
            continue;
        }
        println!(
            "| `{signal}` | {} | {above} ({:.1}%) | {:.3} | {:.0}% | {:.0}% |",
            scored.len(),
            100.0 * above as f64 / scored.len() as f64,
            auc(&scored),
            100.0 * scored_to_keep(&scored, 0.95),
            100.0 * scored_to_keep(&scored, 0.98)
        );
    }
    Ok(())
}
