//! Recall of the GA background search against the exhaustive oracle: for each signal, the fraction
//! of the oracle's backgrounds above the reporting threshold that the GA's hall of fame contains,
//! with the reward evaluations and wall time of both. Prints a Markdown table; `unscorable` counts
//! enumerated backgrounds the reward refused (skipped by both searches).
//!
//! cargo run --release -p hepzero-finder --example ga_recall -- \
//!     [--population 6000] [--generations 40] [--seed 0] [--threshold 1e-3] [--events 200000] ["SIGNAL" ...]

use hepzero_finder::{GaSearchConfig, OracleConfig, Ranking, enumerate_backgrounds, run_ga};
use hepzero_genetic::Silent;
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, GrammarConfig, ParentPolicy, Vocabulary};
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;

const SIGNALS: [&str; 10] = [
    "B0 -> K+ pi-",
    "B0 -> K+ pi- pi0",
    "B_s0 -> K+ K-",
    "B+ -> K+ mu+ mu-",
    "B0 -> (D- -> K+ pi- pi-) pi+",
    "Lambda_b0 -> p+ K-",
    "D+ -> K- pi+ pi+",
    "B+ -> K+ pi- pi+",
    "B0 -> pi+ pi-",
    "B_s0 -> (phi -> K+ K-) mu+ mu-",
];

fn model(vocab: &Arc<Vocabulary>, signal: &str, threshold: f64, events: u64) -> Result<RewardModel, String> {
    let particles = ParticleTable::lhcb_default();
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let mut parents = Vec::new();
    for name in production.hadrons() {
        parents.push(name.to_string());
        if let Some(p) = particles.find(name) {
            parents.push(particles.antiparticle(p).evtgen_name.clone());
        }
    }
    let config = GrammarConfig {
        parents: ParentPolicy::List(parents),
        misid: misid.rules(1e-3),
        ..Default::default()
    };
    let grammar = Grammar::new(vocab.clone(), signal, config).map_err(|e| format!("{signal}: {e}"))?;
    let mut reward = RewardConfig { threshold, signal_events: events, ..Default::default() };
    reward.streaming.max_events = reward.streaming.max_events.min(events.max(reward.streaming.min_events));
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

fn main() -> Result<(), String> {
    let mut config = GaSearchConfig::default();
    let mut threshold = 1e-3;
    let mut events = 200_000u64;
    let mut signals: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--population" => {
                config.population = value()?.parse().map_err(|e| format!("--population: {e}"))?
            }
            "--generations" => {
                config.generations = value()?.parse().map_err(|e| format!("--generations: {e}"))?
            }
            "--seed" => config.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--threshold" => threshold = value()?.parse().map_err(|e| format!("--threshold: {e}"))?,
            "--events" => events = value()?.parse().map_err(|e| format!("--events: {e}"))?,
            _ => signals.push(a),
        }
    }
    if signals.is_empty() {
        signals = SIGNALS.iter().map(|s| s.to_string()).collect();
    }
    config.elitism = config.elitism.min(config.population.saturating_sub(1));
    let vocab = Arc::new(Vocabulary::lhcb_default().map_err(|e| e.to_string())?);
    println!(
        "population {}, generations {}, seed {}, threshold {threshold:e}, signal events {events}",
        config.population, config.generations, config.seed
    );
    println!(
        "| signal | oracle bkgs | GA found | recall | GA extra | GA evaluations | oracle candidates | GA s | oracle s | unscorable |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let (mut total_oracle, mut total_found, mut total_evals) = (0usize, 0usize, 0u64);
    for signal in &signals {
        // Separate models, so the GA does not reuse rewards the oracle computed.
        let oracle_model = match model(&vocab, signal, threshold, events) {
            Ok(m) => m,
            Err(e) => {
                println!("| {signal} | skipped: {e} | | | | | | | | |");
                continue;
            }
        };
        let (oracle, unscorable) = reference(&oracle_model).map_err(|e| format!("{signal}: oracle: {e}"))?;
        let ga_model = model(&vocab, signal, threshold, events)?;
        let (ga, _) = run_ga(&ga_model, &config, &mut Silent).map_err(|e| format!("{signal}: ga: {e}"))?;
        let want: HashSet<&str> = oracle.backgrounds.iter().map(|b| b.background.as_str()).collect();
        let got: HashSet<&str> = ga.backgrounds.iter().map(|b| b.background.as_str()).collect();
        let found = want.intersection(&got).count();
        let extra = got.difference(&want).count();
        total_oracle += want.len();
        total_found += found;
        total_evals += ga.evaluations;
        let recall = if want.is_empty() { f64::NAN } else { found as f64 / want.len() as f64 };
        println!(
            "| `{}` | {} | {} | {:.1}% | {} | {} | {} | {:.1} | {:.1} | {} |",
            oracle.signal,
            want.len(),
            found,
            100.0 * recall,
            extra,
            ga.evaluations,
            oracle.candidates,
            ga.seconds,
            oracle.seconds,
            unscorable
        );
        for missed in want.difference(&got) {
            eprintln!("{signal}: GA missed {missed}");
        }
    }
    println!(
        "| **total** | {total_oracle} | {total_found} | {:.1}% | | {total_evals} | | | | |",
        100.0 * total_found as f64 / total_oracle.max(1) as f64
    );
    Ok(())
}
