//! Recall of the GA background search against the exhaustive oracle: for each signal, the fraction
//! of the oracle's backgrounds above the reporting threshold that the GA's hall of fame contains,
//! with the reward evaluations and wall time. Prints a Markdown table; `unscorable` counts
//! enumerated backgrounds the reward refused (skipped by both searches).
//!
//! ```text
//! cargo run --release -p hepzero-finder --example ga_recall -- \
//!     [--population 6000] [--generations 40] [--seed 0] [--threshold 1e-3] [--events 0] \
//!     [--spec MODE_WEIGHT:REVISIT_FACTOR:ELITISM[:SEED] ...] [--no-oracle] ["SIGNAL" ...]
//! ```
//!
//! Per signal, one reward model is built, the oracle scores every enumerated background with it,
//! then each `--spec` (default: the library's defaults) runs the GA on the same model: rewards are
//! deterministic per background and cached by canonical hash, so every search sees the oracle's
//! values, and a GA's wall time is then its own search cost plus the rewards of backgrounds the
//! oracle did not enumerate. Missed backgrounds are printed on stderr for the first spec. With
//! `--no-oracle` only the searches run, each on a cold model (the time of the search alone, every
//! reward included).

use hepzero_finder::{GaSearchConfig, OracleConfig, Ranking, enumerate_backgrounds, run_ga};
use hepzero_genetic::Silent;
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, Vocabulary};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;

/// One signal of each kind the issue lists: B -> hh, B -> hhh, B -> h mu mu, B -> D h with D -> hh
/// (and D -> hhh), Lambda_b, D -> hhh.
const SIGNALS: [&str; 11] = [
    "B0 -> K+ pi-",
    "B0 -> pi+ pi-",
    "B_s0 -> K+ K-",
    "Lambda_b0 -> p+ K-",
    "B0 -> K+ pi- pi0",
    "B+ -> K+ K- pi+",
    "B+ -> K+ mu+ mu-",
    "B+ -> (anti-D0 -> K+ pi-) pi+",
    "B0 -> (D- -> K+ pi- pi-) pi+",
    "D+ -> K- pi+ pi+",
    "B_s0 -> (phi -> K+ K-) mu+ mu-",
];

fn model(vocab: &Arc<Vocabulary>, signal: &str, threshold: f64, events: u64) -> Result<RewardModel, String> {
    let particles = ParticleTable::lhcb_default();
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let config = hepzero_finder::all_measured_parents_limits(&production, &misid);
    let grammar = Grammar::new(vocab.clone(), signal, config).map_err(|e| format!("{signal}: {e}"))?;
    let mut reward = RewardConfig { threshold, ..Default::default() };
    if events > 0 {
        // Reduced statistics: `events` signal events and at most as many per background.
        reward.signal_events = events;
        reward.streaming.max_events =
            reward.streaming.max_events.min(events.max(reward.streaming.min_events));
    }
    RewardModel::new(Arc::new(grammar), particles, production, misid, reward)
        .map_err(|e| format!("{signal}: {e}"))
}

/// The oracle's ranking, computed as `run_oracle` does (every enumerated background scored, exact
/// rewards >= threshold kept) except that a background the reward cannot score is counted and
/// skipped instead of ending the run (the GA gives such backgrounds fitness -inf).
fn reference(model: &RewardModel) -> Result<(Ranking, usize), String> {
    let start = std::time::Instant::now();
    let candidates =
        enumerate_backgrounds(model.grammar(), DecayTable::lhcb_default(), &OracleConfig::default())
            .map_err(|e| e.to_string())?;
    let scored: Vec<_> = candidates.par_iter().map(|d| model.evaluate(d)).collect();
    let failed = scored.iter().filter(|r| r.is_err()).count();
    let threshold = model.config().threshold;
    let mut backgrounds: Vec<_> =
        scored.into_iter().filter_map(|r| r.ok()).filter(|b| b.is_exact() && b.reward >= threshold).collect();
    backgrounds.sort_by(|a, b| b.reward.total_cmp(&a.reward).then_with(|| a.background.cmp(&b.background)));
    let ranking = Ranking {
        method: "oracle".into(),
        signal: model.grammar().format_signal(),
        threshold,
        backgrounds,
        candidates: candidates.len() as u64,
        evaluations: candidates.len() as u64,
        simulated: model.simulation_counts().0,
        events_simulated: model.simulation_counts().1,
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((ranking, failed))
}

fn parse_spec(spec: &str, base: &GaSearchConfig) -> Result<GaSearchConfig, String> {
    let mut c = base.clone();
    let parts: Vec<&str> = spec.split(':').collect();
    let num = |i: usize| -> Result<Option<f64>, String> {
        parts.get(i).map(|s| s.parse::<f64>().map_err(|e| format!("spec {spec}: {e}"))).transpose()
    };
    if let Some(v) = num(0)? {
        c.mode_weight = v;
    }
    if let Some(v) = num(1)? {
        c.revisit_factor = v;
    }
    if let Some(v) = num(2)? {
        c.elitism = v as usize;
    }
    if let Some(v) = num(3)? {
        c.seed = v as u64;
    }
    Ok(c)
}

fn main() -> Result<(), String> {
    let mut base = GaSearchConfig::default();
    let mut threshold = 1e-3;
    // 0: the reward's default statistics (200,000 signal events, overlaps streamed to 5%).
    let mut events = 0u64;
    let mut signals: Vec<String> = Vec::new();
    let mut specs: Vec<String> = Vec::new();
    let mut no_oracle = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--population" => base.population = value()?.parse().map_err(|e| format!("--population: {e}"))?,
            "--generations" => {
                base.generations = value()?.parse().map_err(|e| format!("--generations: {e}"))?
            }
            "--seed" => base.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--threshold" => threshold = value()?.parse().map_err(|e| format!("--threshold: {e}"))?,
            "--events" => events = value()?.parse().map_err(|e| format!("--events: {e}"))?,
            "--spec" => specs.push(value()?),
            "--no-oracle" => no_oracle = true,
            _ => signals.push(a),
        }
    }
    if signals.is_empty() {
        signals = SIGNALS.iter().map(|s| s.to_string()).collect();
    }
    if specs.is_empty() {
        specs.push(format!("{}:{}:{}", base.mode_weight, base.revisit_factor, base.elitism));
    }
    let configs: Vec<GaSearchConfig> =
        specs.iter().map(|s| parse_spec(s, &base)).collect::<Result<_, _>>()?;
    let vocab = Arc::new(Vocabulary::lhcb_default().map_err(|e| e.to_string())?);
    println!(
        "population {}, generations {}, threshold {threshold:e}, signal events {events}",
        base.population, base.generations
    );
    println!(
        "| signal | spec (mode weight:revisit:elitism:seed) | oracle bkgs | GA found | recall | GA extra | individuals evaluated | distinct scored | oracle candidates | GA s | oracle s | unscorable |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut totals = vec![(0usize, 0usize, 0u64, 0u64, 0.0f64); configs.len()];
    for signal in &signals {
        let built = std::time::Instant::now();
        let m = match model(&vocab, signal, threshold, events) {
            Ok(m) => m,
            Err(e) => {
                println!("| {signal} | skipped: {e} | | | | | | | | | | |");
                continue;
            }
        };
        if no_oracle {
            println!(
                "{signal}: reward model (signal simulation) built in {:.1} s",
                built.elapsed().as_secs_f64()
            );
            // Timing of the search alone on a cold model (it pays every reward it needs).
            for config in &configs {
                let (ga, _) = run_ga(&m, config, &mut Silent).map_err(|e| format!("{signal}: ga: {e}"))?;
                println!(
                    "| `{}` | {}:{}:{}:{} | | {} (above threshold) | | | {} | {} | | {:.1} | | |",
                    ga.signal,
                    config.mode_weight,
                    config.revisit_factor,
                    config.elitism,
                    config.seed,
                    ga.backgrounds.len(),
                    ga.candidates,
                    ga.evaluations,
                    ga.seconds
                );
            }
            continue;
        }
        let (oracle, unscorable) = reference(&m).map_err(|e| format!("{signal}: oracle: {e}"))?;
        let want: HashSet<&str> = oracle.backgrounds.iter().map(|b| b.background.as_str()).collect();
        for (k, config) in configs.iter().enumerate() {
            let mut config = config.clone();
            config.elitism = config.elitism.min(config.population.saturating_sub(1));
            let (ga, _) = run_ga(&m, &config, &mut Silent).map_err(|e| format!("{signal}: ga: {e}"))?;
            let got: HashSet<&str> = ga.backgrounds.iter().map(|b| b.background.as_str()).collect();
            let found = want.intersection(&got).count();
            let extra = got.difference(&want).count();
            let t = &mut totals[k];
            t.0 += want.len();
            t.1 += found;
            t.2 += ga.candidates;
            t.3 += ga.evaluations;
            t.4 += ga.seconds;
            let recall = if want.is_empty() { f64::NAN } else { found as f64 / want.len() as f64 };
            println!(
                "| `{}` | {}:{}:{}:{} | {} | {} | {:.1}% | {} | {} | {} | {} | {:.1} | {:.1} | {} |",
                oracle.signal,
                config.mode_weight,
                config.revisit_factor,
                config.elitism,
                config.seed,
                want.len(),
                found,
                100.0 * recall,
                extra,
                ga.candidates,
                ga.evaluations,
                oracle.candidates,
                ga.seconds,
                oracle.seconds,
                unscorable
            );
            if k == 0 {
                let mut missed: Vec<_> =
                    oracle.backgrounds.iter().filter(|b| !got.contains(b.background.as_str())).collect();
                missed.sort_by(|a, b| b.reward.total_cmp(&a.reward));
                for b in missed {
                    eprintln!("{signal}: GA missed {} (R = {:.3e})", b.background, b.reward);
                }
            }
            let _ = std::io::stdout().flush();
        }
    }
    for (k, t) in totals.iter().enumerate() {
        println!(
            "| **total** | {} | {} | {} | {:.1}% | | {} | {} | | {:.1} | | |",
            specs[k],
            t.0,
            t.1,
            100.0 * t.1 as f64 / t.0.max(1) as f64,
            t.2,
            t.3,
            t.4
        );
    }
    Ok(())
}
