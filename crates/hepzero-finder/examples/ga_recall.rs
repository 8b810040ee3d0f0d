//! Recall of the GA background search against the exhaustive oracle: for each signal, the fraction
//! of the oracle's backgrounds above the reporting threshold that the GA's hall of fame contains,
//! with the reward evaluations and wall time. Prints a Markdown table; `unscorable` counts
//! enumerated backgrounds the reward refused (skipped by both searches).
//!
//! ```text
//! cargo run --release -p hepzero-finder --example ga_recall -- \
//!     [--population 6000] [--generations 40] [--seed 0] [--threshold 1e-3] [--events 0] \
//!     [--spec MODE_WEIGHT:REVISIT_FACTOR:ELITISM[:SEED[:REGROUP[:NEIGHBOUR]]] ...] [--no-oracle] \
//!     [--cache DIR] [--cli-model] ["SIGNAL" ...]
//! ```
//!
//! Per signal, one reward model is built, the oracle scores every enumerated background with it,
//! then each `--spec` (default: the library's defaults) runs the GA on the same model: rewards are
//! deterministic per background and cached by canonical hash, so every search sees the oracle's
//! values, and a GA's wall time is then its own search cost plus the rewards of backgrounds the
//! oracle did not enumerate. Missed backgrounds are printed on stderr for the first spec. With
//! `--no-oracle` only the searches run, each on a cold model (the time of the search alone, every
//! reward included).
//!
//! With `--cli-model` the model is the one `hepzero backgrounds SIGNAL` builds (parents of the
//! signal's flavour only, the reward's default statistics unless `--events`), for timing the
//! command's search without building the command.
//!
//! With `--cache DIR`, the oracle's list and every simulated reward are saved per signal and
//! settings (`DIR/<signal>-e<events>-t<threshold>.{oracle,rewards}`, plain text, floats written so
//! they read back bit for bit) and reused by later runs: the rewards are deterministic per
//! background, so a cached run gives the same recall and counts as a cold one, only faster (the
//! GA and oracle seconds then measure the search, not the simulations).

use hepzero_finder::ga::{Scorer, run_ga_with};
use hepzero_finder::{GaSearchConfig, OracleConfig, Ranking, enumerate_backgrounds, run_ga};
use hepzero_genetic::Silent;
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{Breakdown, MisIdMatrix, OverlapFigures, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Decay, Grammar, Vocabulary};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Rewards saved by earlier runs of the same model in front of the model itself. Only simulated
/// (exact) rewards are kept: a pruned one costs no simulation.
struct Cached<'m> {
    model: &'m RewardModel,
    saved: HashMap<u64, Breakdown>,
    new: Mutex<Vec<(u64, Breakdown)>>,
}

impl Scorer for Cached<'_> {
    fn score(&self, d: &Decay) -> hepzero_reward::Result<Breakdown> {
        let h = self.model.grammar().canonical_hash(d);
        if let Some(b) = self.saved.get(&h) {
            return Ok(b.clone());
        }
        let b = self.model.evaluate(d)?;
        if b.is_exact()
            && let Ok(mut n) = self.new.lock()
        {
            n.push((h, b.clone()));
        }
        Ok(b)
    }
}

fn cache_stem(dir: &Path, signal: &str, events: u64, threshold: f64) -> PathBuf {
    let name: String = signal
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '+' || c == '-' { c } else { '_' })
        .collect();
    dir.join(format!("{name}-e{events}-t{threshold:e}"))
}

fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn breakdown_line(h: u64, b: &Breakdown) -> String {
    let f = b.figures.unwrap_or(OverlapFigures { fit: 0.0, window: 0.0, acceptance_ratio: 0.0, events: 0 });
    format!(
        "{h}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
        b.reward,
        b.production_ratio,
        b.br_ratio,
        b.misid,
        b.overlap.unwrap_or(f64::NAN),
        f.fit,
        f.window,
        f.acceptance_ratio,
        f.events,
        b.background
    )
}

fn parse_breakdown(line: &str) -> Option<(u64, Breakdown)> {
    let mut it = line.splitn(11, '\t');
    let h = it.next()?.parse().ok()?;
    let mut x = || it.next().and_then(|v| v.parse::<f64>().ok());
    let (reward, production_ratio, br_ratio, misid, overlap) = (x()?, x()?, x()?, x()?, x()?);
    let (fit, window, acceptance_ratio) = (x()?, x()?, x()?);
    let events = it.next()?.parse().ok()?;
    let background = it.next()?.to_string();
    let figures = Some(OverlapFigures { fit, window, acceptance_ratio, events });
    Some((
        h,
        Breakdown { background, reward, production_ratio, br_ratio, misid, overlap: Some(overlap), figures },
    ))
}

fn load_rewards(stem: &Path) -> HashMap<u64, Breakdown> {
    std::fs::read_to_string(stem.with_extension("rewards"))
        .map(|t| t.lines().filter_map(parse_breakdown).collect())
        .unwrap_or_default()
}

fn save_rewards(stem: &Path, all: &HashMap<u64, Breakdown>) -> Result<(), String> {
    let mut keys: Vec<&u64> = all.keys().collect();
    keys.sort_unstable();
    let text: String = keys.into_iter().filter_map(|h| all.get(h).map(|b| breakdown_line(*h, b))).collect();
    write_atomic(&stem.with_extension("rewards"), &text)
}

/// The oracle's list as cached: (signal, candidates, seconds, unscorable, backgrounds above threshold).
fn load_oracle(stem: &Path) -> Option<(Ranking, usize)> {
    let text = std::fs::read_to_string(stem.with_extension("oracle")).ok()?;
    let mut lines = text.lines();
    let signal = lines.next()?.to_string();
    let mut head = lines.next()?.split('\t');
    let threshold: f64 = head.next()?.parse().ok()?;
    let candidates: u64 = head.next()?.parse().ok()?;
    let seconds: f64 = head.next()?.parse().ok()?;
    let unscorable: usize = head.next()?.parse().ok()?;
    let backgrounds = lines.filter_map(|l| parse_breakdown(l).map(|x| x.1)).collect();
    let ranking = Ranking {
        method: "oracle".into(),
        signal,
        threshold,
        backgrounds,
        candidates,
        evaluations: candidates,
        simulated: 0,
        events_simulated: 0,
        seconds,
    };
    Some((ranking, unscorable))
}

fn save_oracle(stem: &Path, model: &RewardModel, oracle: &Ranking, unscorable: usize) -> Result<(), String> {
    let mut text = format!(
        "{}\n{}\t{}\t{}\t{unscorable}\n",
        oracle.signal, oracle.threshold, oracle.candidates, oracle.seconds
    );
    for b in &oracle.backgrounds {
        let d = model.grammar().parse_background(&b.background).map_err(|e| e.to_string())?;
        text.push_str(&breakdown_line(model.grammar().canonical_hash(&d), b));
    }
    write_atomic(&stem.with_extension("oracle"), &text)
}

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

fn model(
    vocab: &Arc<Vocabulary>,
    signal: &str,
    threshold: f64,
    events: u64,
    cli: bool,
) -> Result<RewardModel, String> {
    let particles = ParticleTable::lhcb_default();
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let mut reward = RewardConfig { threshold, ..Default::default() };
    if events > 0 {
        // Reduced statistics: `events` signal events and at most as many per background.
        reward.signal_events = events;
        reward.streaming.max_events =
            reward.streaming.max_events.min(events.max(reward.streaming.min_events));
    }
    if cli {
        // As `hepzero backgrounds` builds it (its --max-missing 2 and --max-depth 3 are the
        // grammar's defaults).
        return hepzero_finder::model_for_signal(
            signal,
            DecayTable::lhcb_default(),
            production,
            misid,
            hepzero_tokens::GrammarConfig::default(),
            reward,
        )
        .map_err(|e| format!("{signal}: {e}"));
    }
    let config = hepzero_finder::all_measured_parents_limits(&production, &misid);
    let grammar = Grammar::new(vocab.clone(), signal, config).map_err(|e| format!("{signal}: {e}"))?;
    RewardModel::new(Arc::new(grammar), particles, production, misid, reward)
        .map_err(|e| format!("{signal}: {e}"))
}

/// The oracle's ranking, computed as `run_oracle` does (every enumerated background scored, exact
/// rewards >= threshold kept) except that a background the reward cannot score is counted and
/// skipped instead of ending the run (the GA gives such backgrounds fitness -inf).
/// Also returns every simulated (exact) reward with its canonical hash, for the cache.
type Exact = Vec<(u64, Breakdown)>;

fn reference(model: &RewardModel) -> Result<(Ranking, usize, Exact), String> {
    let start = std::time::Instant::now();
    let candidates =
        enumerate_backgrounds(model.grammar(), DecayTable::lhcb_default(), &OracleConfig::default())
            .map_err(|e| e.to_string())?;
    let scored: Vec<_> = candidates.par_iter().map(|d| model.evaluate(d)).collect();
    let failed = scored.iter().filter(|r| r.is_err()).count();
    let exact: Exact = candidates
        .iter()
        .zip(&scored)
        .filter_map(|(d, r)| match r {
            Ok(b) if b.is_exact() => Some((model.grammar().canonical_hash(d), b.clone())),
            _ => None,
        })
        .collect();
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
    Ok((ranking, failed, exact))
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
    if let Some(v) = num(4)? {
        c.regroup_rate = v;
    }
    if let Some(v) = num(5)? {
        c.neighbour_rate = v;
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
    let mut cache: Option<PathBuf> = None;
    let mut cli = false;
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
            "--cache" => cache = Some(PathBuf::from(value()?)),
            "--cli-model" => cli = true,
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
        "| signal | spec (mode weight:revisit:elitism:seed:regroup:neighbour) | oracle bkgs | GA found | recall | GA extra | individuals evaluated | distinct scored | oracle candidates | GA s | oracle s | unscorable |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut totals = vec![(0usize, 0usize, 0u64, 0u64, 0.0f64); configs.len()];
    for signal in &signals {
        let built = std::time::Instant::now();
        let m = match model(&vocab, signal, threshold, events, cli) {
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
            // Timing of each search alone on a cold model (it pays every reward it needs).
            let mut cold = Some(m);
            for config in &configs {
                let m = match cold.take() {
                    Some(m) => m,
                    None => model(&vocab, signal, threshold, events, cli)?,
                };
                let (ga, _) = run_ga(&m, config, &mut Silent).map_err(|e| format!("{signal}: ga: {e}"))?;
                println!(
                    "| `{}` | {}:{}:{}:{}:{}:{} | | {} (above threshold; {} simulated, {:.3e} events) | | | {} | {} | | {:.1} | | |",
                    ga.signal,
                    config.mode_weight,
                    config.revisit_factor,
                    config.elitism,
                    config.seed,
                    config.regroup_rate,
                    config.neighbour_rate,
                    ga.backgrounds.len(),
                    ga.simulated,
                    ga.events_simulated as f64,
                    ga.candidates,
                    ga.evaluations,
                    ga.seconds
                );
            }
            continue;
        }
        let stem = cache.as_ref().map(|dir| cache_stem(dir, signal, events, threshold));
        let cached_oracle = stem.as_deref().and_then(load_oracle);
        let (oracle, unscorable, oracle_exact) = match cached_oracle {
            Some((o, u)) => (o, u, Vec::new()),
            None => reference(&m).map_err(|e| format!("{signal}: oracle: {e}"))?,
        };
        let scorer = Cached {
            model: &m,
            saved: stem.as_deref().map(load_rewards).unwrap_or_default(),
            new: Mutex::new(Vec::new()),
        };
        if let Some(stem) = &stem {
            if let Some(dir) = stem.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            if !oracle_exact.is_empty() {
                save_oracle(stem, &m, &oracle, unscorable)?;
            }
        }
        let want: HashSet<&str> = oracle.backgrounds.iter().map(|b| b.background.as_str()).collect();
        for (k, config) in configs.iter().enumerate() {
            let mut config = config.clone();
            config.elitism = config.elitism.min(config.population.saturating_sub(1));
            let (ga, _) =
                run_ga_with(&m, &scorer, &config, &mut Silent).map_err(|e| format!("{signal}: ga: {e}"))?;
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
                "| `{}` | {}:{}:{}:{}:{}:{} | {} | {} | {:.1}% | {} | {} | {} | {} | {:.1} | {:.1} | {} |",
                oracle.signal,
                config.mode_weight,
                config.revisit_factor,
                config.elitism,
                config.seed,
                config.regroup_rate,
                config.neighbour_rate,
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
        if let Some(stem) = &stem {
            let new = scorer.new.into_inner().unwrap_or_default();
            if !new.is_empty() || !oracle_exact.is_empty() {
                // Everything simulated so far: the saved rewards, the oracle's (cold run) and the
                // searches' new ones.
                let mut all = scorer.saved;
                all.extend(oracle_exact);
                all.extend(new);
                save_rewards(stem, &all)?;
            }
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
