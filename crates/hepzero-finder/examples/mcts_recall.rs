//! Recall of pure MCTS against the exhaustive oracle on one signal, at the seed's budget.
//!
//! `cargo run --release -p hepzero-finder --example mcts_recall -- "B0 -> K+ pi-" [sequences] [seed]
//!  [normalisation:simulations-per-move[:c_puct[:seed[:revisit_reward[:playout[:draws[:orders]]]]]]] ...]`
//!  (normalisation `log` or `ranked`; playout `uniform` or a mode weight in [0, 1]; draws `distinct`
//!  (playouts without replacement) or `plain`; orders `orders` (a background built in one daughter
//!  order marks its other orders as built) or `noorders`), e.g.
//! `... 100000 0 log:100000 ranked:100000 log:1000 ranked:1000`: the oracle runs once, then each search.
//!
//! With `HEPZERO_ORACLE_CACHE=DIR` the oracle's list (above threshold) is kept in `DIR` and reused
//! by later runs on the same signal (the searches then pay the reward of every background they
//! reach, which the oracle's run would otherwise have cached).
//!
//! The model is the one of `tests/physics.rs` (parents: the hadrons with a measured production
//! fraction and their conjugates; mis-ID pairs above 1e-3) with the reward's default settings
//! (threshold 1e-3, 40,000 signal events; see `reward_config`).

use hepzero_finder::mcts::default_search;
use hepzero_finder::{MctsConfig, OracleConfig, enumerate_backgrounds, run_mcts_with_stats};
use hepzero_mcts::Normalisation;
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::Breakdown;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, Vocabulary};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let signal = args.get(1).map_or("B0 -> K+ pi-", String::as_str);
    let sequences: u64 = args.get(2).map_or(Ok(100_000), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(0), |s| s.parse())?;
    let specs: Vec<String> = if args.len() > 4 { args[4..].to_vec() } else { vec!["log:100000".into()] };

    let particles = ParticleTable::lhcb_default();
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let config = hepzero_finder::all_measured_parents_limits(&production, &misid);
    let grammar = Arc::new(Grammar::new(Arc::new(Vocabulary::lhcb_default()?), signal, config)?);
    let model = RewardModel::new(grammar, particles, production, misid, reward_config())?;

    // The oracle's enumeration and scoring, except that a background the reward refuses (today:
    // anything with a neutrino, which the particle table gives no mass) is skipped and counted, as
    // the MCTS does, instead of aborting the run.
    let threshold = model.config().threshold;
    let cache = std::env::var("HEPZERO_ORACLE_CACHE").ok().map(|dir| {
        let name: String = signal.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        std::path::PathBuf::from(dir).join(format!("oracle_{name}.txt"))
    });
    let cached = cache.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
    let (header, want): (String, BTreeSet<String>) = match cached {
        Some(text) => {
            let mut lines = text.lines();
            let header = lines.next().unwrap_or_default().to_string();
            (format!("{header} (cached)"), lines.map(str::to_string).collect())
        }
        None => {
            eprintln!("oracle ...");
            let t0 = std::time::Instant::now();
            let candidates =
                enumerate_backgrounds(model.grammar(), DecayTable::lhcb_default(), &OracleConfig::default())?;
            let scored: Vec<_> = candidates.par_iter().map(|d| model.evaluate(d)).collect();
            let oracle_refused = scored.iter().filter(|r| r.is_err()).count();
            let oracle: Vec<Breakdown> =
                scored.into_iter().flatten().filter(|b| b.is_exact() && b.reward >= threshold).collect();
            let want: BTreeSet<String> = oracle.iter().map(|b| b.background.clone()).collect();
            let header = format!(
                "oracle: {} candidates ({oracle_refused} refused by the reward), {} above threshold {threshold}, \
                 {:.1} s",
                candidates.len(),
                want.len(),
                t0.elapsed().as_secs_f64()
            );
            if let Some(path) = &cache {
                let tmp = path.with_extension("tmp");
                let body: Vec<&str> =
                    std::iter::once(header.as_str()).chain(want.iter().map(String::as_str)).collect();
                std::fs::write(&tmp, body.join("\n") + "\n")?;
                std::fs::rename(&tmp, path)?;
            }
            (header, want)
        }
    };
    let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
    println!("signal: {signal}");
    println!("{header}");
    for spec in &specs {
        // spec = normalisation:simulations-per-move[:c_puct[:seed[:revisit_reward[:playout]]]]
        let mut parts = spec.split(':');
        let norm = parts.next().unwrap_or("log");
        let simulations: u64 = parts.next().map_or(Ok(100_000), str::parse)?;
        let c_puct: f32 = parts.next().map_or(Ok(default_search().c_puct), str::parse)?;
        let seed: u64 = parts.next().map_or(Ok(seed), str::parse)?;
        let revisit: f64 = parts.next().map_or(Ok(MctsConfig::default().revisit_reward), str::parse)?;
        let playout: Option<f64> = match parts.next() {
            None => MctsConfig::default().playout_mode_weight,
            Some("uniform") => None,
            Some(w) => Some(w.parse()?),
        };
        let distinct = match parts.next() {
            None => MctsConfig::default().distinct_sequences,
            Some(d) => d == "distinct",
        };
        let orders = match parts.next() {
            None => MctsConfig::default().mark_equivalent_orders,
            Some(o) => o == "orders",
        };
        let normalisation = match norm {
            "ranked" => Normalisation::Ranked { alpha: 0.75, window: 256 },
            _ => Normalisation::LogMinMax { floor: 1e-12 },
        };
        let config = MctsConfig {
            sequences,
            simulations,
            seed,
            revisit_reward: revisit,
            playout_mode_weight: playout,
            distinct_sequences: distinct,
            mark_equivalent_orders: orders,
            search: hepzero_mcts::SearchConfig { normalisation, c_puct, ..default_search() },
            ..MctsConfig::default()
        };
        let (mcts, stats) = run_mcts_with_stats(&model, &config, &|_, _| {})?;
        let got: BTreeSet<&str> = mcts.backgrounds.iter().map(|b| b.background.as_str()).collect();
        let hit = want.intersection(&got).count();
        let extra = got.difference(&want).count();
        println!(
            "mcts {norm} sims/move {simulations} c_puct {c_puct} seed {seed} revisit {revisit} playout {playout:?} \
             distinct {distinct} orders {orders}: {} sequences, {} distinct, {} above threshold, \
             recall {hit}/{} = {:.3}, {extra} not in the oracle's list, {} episodes, {} refused, enumerated {}, {:.1} s",
            stats.sequences,
            mcts.candidates,
            got.len(),
            want.len(),
            hit as f64 / want.len().max(1) as f64,
            stats.episodes,
            stats.refused,
            stats.enumerated,
            mcts.seconds
        );
    }
    Ok(())
}

/// The reward of `tests/physics.rs` (threshold 1e-3, 40,000 signal events, at most 40,000 per
/// background): the command's defaults (200,000) make the oracle alone take many minutes on 2 cores.
fn reward_config() -> RewardConfig {
    RewardConfig {
        signal_events: 40_000,
        streaming: hepzero_fastsim::StreamingConfig {
            max_events: 40_000,
            min_events: 8192,
            ..Default::default()
        },
        ..Default::default()
    }
}
