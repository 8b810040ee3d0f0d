//! The finder benchmark (issue #10): for each signal of the training and generalisation lists, the
//! oracle's backgrounds above threshold are the ground truth; the GA (seed 000's configuration)
//! and the agent (a trained network, 100,000 sequences) are measured against it: recall, reward
//! evaluations (distinct backgrounds scored) and wall time, per signal and in total. Each method
//! gets its own reward model, so no method profits from another's cached rewards.

use crate::propose::{Agent, ProposeConfig};
use crate::train::{read_json, write_json};
use crate::{Result, SignalList};
use hepzero_finder::{GaSearchConfig, OracleConfig, Ranking, run_ga, run_oracle};
use hepzero_genetic::Control;
use hepzero_pdg::DecayTable;
use hepzero_reward::{RewardConfig, RewardModel};
use hepzero_tokens::GrammarConfig;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Benchmark settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchmarkConfig {
    /// The reward of every method (default: [`RewardConfig::reduced`], threshold 1e-3).
    pub reward: RewardConfig,
    /// Search limits of every method.
    pub limits: GrammarConfig,
    /// The GA (default: seed 000's population 6,000 over 40 generations). `None` skips it.
    pub ga: Option<GaSearchConfig>,
    /// The agent's proposal (default: 100,000 sampled sequences).
    pub agent: ProposeConfig,
    /// Sequence counts at which the agent's recall and evaluations are read off.
    pub curve: Vec<usize>,
    /// Generations at which the GA's recall and evaluations are read off (each a run of the same
    /// seed stopped there, which is the full run's state at that generation), before its end.
    pub ga_curve: Vec<u64>,
}

impl Default for BenchmarkConfig {
    fn default() -> Self {
        Self {
            reward: RewardConfig::reduced(),
            limits: GrammarConfig::default(),
            ga: Some(GaSearchConfig::default()),
            agent: ProposeConfig::default(),
            curve: vec![300, 1_000, 2_000, 3_000, 5_000, 10_000, 30_000, 100_000],
            ga_curve: vec![2, 5, 10, 20],
        }
    }
}

/// One method's figures on one signal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodFigures {
    /// Oracle backgrounds found.
    pub found: usize,
    /// `found` over the oracle's count.
    pub recall: f64,
    /// Backgrounds it reported that the oracle does not have (found beyond the oracle's limits,
    /// or above threshold only within statistical precision).
    pub extra: usize,
    /// Distinct backgrounds whose reward it needed.
    pub evaluations: u64,
    /// Wall time.
    pub seconds: f64,
}

/// A method's recall after part of its budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Sequences built (the agent) or individuals evaluated (the GA).
    pub sequences: usize,
    /// Distinct backgrounds among them (reward evaluations).
    pub evaluations: usize,
    /// Recall against the oracle.
    pub recall: f64,
}

/// Everything measured on one signal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SignalFigures {
    /// The signal, as listed.
    pub signal: String,
    /// `training` or `generalisation`.
    pub set: String,
    /// Oracle: backgrounds above threshold (as `found`), candidates enumerated (as `evaluations`).
    pub oracle: MethodFigures,
    /// The GA, if run.
    pub ga: Option<MethodFigures>,
    /// The agent, if a network was given.
    pub agent: Option<MethodFigures>,
    /// The agent's recall against sequences built.
    pub agent_curve: Vec<CurvePoint>,
    /// The GA's recall at the generations of [`BenchmarkConfig::ga_curve`], then at its end.
    #[serde(default)]
    pub ga_curve: Vec<CurvePoint>,
    /// The agent's reward evaluations until it had found each share of [`NEEDED_RECALLS`] of this
    /// signal's backgrounds, exactly (in the order it scored; `None`: never).
    #[serde(default)]
    pub agent_needed: Vec<Option<usize>>,
}

/// The recalls at which [`SignalFigures::agent_needed`] is read.
pub const NEEDED_RECALLS: [f64; 4] = [0.8, 0.9, 0.95, 0.98];

/// Evaluations until `order` (canonical hashes in the order scored) holds each share of
/// [`NEEDED_RECALLS`] of `truth`.
fn evaluations_needed(truth: &FxHashSet<u64>, order: impl Iterator<Item = u64>) -> Vec<Option<usize>> {
    let targets: Vec<usize> =
        NEEDED_RECALLS.iter().map(|r| (r * truth.len() as f64).ceil() as usize).collect();
    let mut out = vec![None; targets.len()];
    let mut hit = 0;
    for (i, h) in order.enumerate() {
        hit += usize::from(truth.contains(&h));
        for (slot, &t) in out.iter_mut().zip(&targets) {
            if slot.is_none() && hit >= t {
                *slot = Some(i + 1);
            }
        }
    }
    out
}

/// Totals of one set of signals for one method.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// `training` or `generalisation`.
    pub set: String,
    /// `oracle`, `ga` or `agent`.
    pub method: String,
    /// Oracle backgrounds over all signals of the set.
    pub oracle: usize,
    /// Of which found.
    pub found: usize,
    /// `found / oracle`.
    pub recall: f64,
    /// Reward evaluations.
    pub evaluations: u64,
    /// Wall time.
    pub seconds: f64,
}

/// The whole benchmark.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkReport {
    /// Reporting threshold (the ground truth is the oracle's list at or above it).
    pub threshold: f64,
    /// The settings.
    pub config: Option<BenchmarkConfig>,
    /// Per signal.
    pub signals: Vec<SignalFigures>,
    /// Per set and method.
    pub totals: Vec<Totals>,
}

fn model(signal: &str, config: &BenchmarkConfig) -> hepzero_finder::Result<RewardModel> {
    crate::lhcb_model(signal, &config.limits, &config.reward)
}

/// A method's figures from the hashes of what it found against the oracle's.
pub(crate) fn method_figures(oracle: &FxHashSet<u64>, found: &[u64], ranking: &Ranking) -> MethodFigures {
    let hit = found.iter().filter(|h| oracle.contains(h)).count();
    MethodFigures {
        found: hit,
        recall: if oracle.is_empty() { 1.0 } else { hit as f64 / oracle.len() as f64 },
        extra: found.len() - hit,
        evaluations: ranking.evaluations,
        seconds: ranking.seconds,
    }
}

/// Measures one signal of `set` with the agent, if any.
pub fn benchmark_signal(
    signal: &str,
    set: &str,
    config: &BenchmarkConfig,
    agent: Option<Agent<'_>>,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<SignalFigures> {
    let oracle_model = model(signal, config)?;
    let oracle = run_oracle(&oracle_model, DecayTable::lhcb_default(), &OracleConfig::default(), &|_, _| {})?;
    let truth: FxHashSet<u64> = crate::ranking_hashes(&oracle_model, &oracle)?.into_iter().collect();
    let mut out = SignalFigures {
        signal: signal.into(),
        set: set.into(),
        oracle: MethodFigures {
            found: truth.len(),
            recall: 1.0,
            extra: 0,
            evaluations: oracle.candidates,
            seconds: oracle.seconds,
        },
        ..Default::default()
    };
    progress(&format!("{signal}: oracle"), 1, 1);
    if let Some(ga) = &config.ga {
        let ga_model = model(signal, config)?;
        let total = ga.generations + 1;
        let label = format!("{signal}: GA");
        let mut observer = |r: &hepzero_genetic::GenerationReport| {
            progress(&label, r.generation + 1, total);
            Control::Continue
        };
        let (ranking, _) = run_ga(&ga_model, ga, &mut observer)?;
        let figures_ga = method_figures(&truth, &crate::ranking_hashes(&ga_model, &ranking)?, &ranking);
        // The curve's early points: the same seed stopped sooner, on the same model (its rewards
        // are cached, so these runs cost little; the GA counts its own distinct evaluations).
        for &stop in config.ga_curve.iter().filter(|&&g| g < ga.generations) {
            let mut observer = |r: &hepzero_genetic::GenerationReport| {
                if r.generation >= stop { Control::Stop } else { Control::Continue }
            };
            let (early, _) = run_ga(&ga_model, ga, &mut observer)?;
            let f = method_figures(&truth, &crate::ranking_hashes(&ga_model, &early)?, &early);
            out.ga_curve.push(CurvePoint {
                sequences: early.candidates as usize,
                evaluations: f.evaluations as usize,
                recall: f.recall,
            });
        }
        out.ga_curve.push(CurvePoint {
            sequences: ranking.candidates as usize,
            evaluations: figures_ga.evaluations as usize,
            recall: figures_ga.recall,
        });
        out.ga = Some(figures_ga);
    }
    if let Some(agent) = agent {
        let agent_model = model(signal, config)?;
        let label = format!("{signal}: agent");
        let proposal = agent.propose(&agent_model, &config.agent, &mut |d, t| progress(&label, d, t))?;
        out.agent = Some(method_figures(
            &truth,
            &crate::ranking_hashes(&agent_model, &proposal.ranking)?,
            &proposal.ranking,
        ));
        let truth_list: Vec<u64> = truth.iter().copied().collect();
        out.agent_needed = if proposal.scored.is_empty() {
            evaluations_needed(&truth, proposal.first_seen.iter().map(|&(h, _)| h))
        } else {
            evaluations_needed(&truth, proposal.scored.iter().map(|&(h, _)| h))
        };
        if !proposal.scored.is_empty() {
            // Best-first: the curve's points are reward evaluations, in the order scored.
            // Where everything built was scored before a point, the point is the end.
            for &n in config.curve.iter().filter(|&&n| n <= config.agent.samples) {
                let first = &proposal.scored[..n.min(proposal.scored.len())];
                out.agent_curve.push(CurvePoint {
                    sequences: first.last().map_or(0, |&(_, built)| built),
                    evaluations: first.len(),
                    recall: crate::recall(
                        &truth_list,
                        &first.iter().map(|&(h, _)| (h, 0)).collect::<Vec<_>>(),
                        0,
                    ),
                });
            }
        }
        for &n in config.curve.iter().filter(|&&n| proposal.scored.is_empty() && n <= config.agent.samples) {
            out.agent_curve.push(CurvePoint {
                sequences: n,
                evaluations: proposal.first_seen.iter().filter(|&&(_, at)| at <= n).count(),
                recall: crate::recall(&truth_list, &proposal.first_seen, n),
            });
        }
    }
    Ok(out)
}

/// Where and which part of the benchmark one process runs.
#[derive(Clone, Debug, Default)]
pub struct BenchmarkRun {
    /// Folder of per-signal results: each signal's figures are written there as it completes
    /// (`<set>-<signal>.json`), and a signal found there is read back instead of run again, so a
    /// killed run resumes and processes on one shared folder split the work. The folder's
    /// `config.json` pins the settings and the agent's weights: a folder made with others is refused.
    pub store: Option<PathBuf>,
    /// `(k, n)`: run only the signals whose position in the two lists (training first) is `k`
    /// modulo `n`; the report then holds those and whatever `store` already has.
    pub shard: Option<(usize, usize)>,
}

/// The file of one signal's figures in a store: the signal with every character that is not a
/// letter, digit, `+`, `-` or `_` spelt out, so distinct signals get distinct names.
pub(crate) fn store_file(dir: &Path, set: &str, signal: &str) -> PathBuf {
    let mut name = String::new();
    for c in signal.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '+' | '-' | '_' => name.push(c),
            ' ' => name.push('.'),
            '*' => name.push_str("st"),
            '\'' => name.push_str("pr"),
            '(' => name.push('['),
            ')' => name.push(']'),
            '>' => name.push_str("to"),
            other => name.push_str(&format!("x{:x}", u32::from(other))),
        }
    }
    dir.join(format!("{set}-{name}.json"))
}

/// What a store's `config.json` pins: the settings and the agent's network.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct StoreHeader {
    config: BenchmarkConfig,
    /// [`Agent::fingerprint`] (none without an agent).
    model: Option<String>,
}

/// Checks `config` and the network `net` against the store's `config.json` (writing it for a new
/// store): figures of other settings or of another model are never read back as this run's.
pub(crate) fn open_store(dir: &Path, config: &BenchmarkConfig, agent: Option<Agent<'_>>) -> Result<()> {
    let path = dir.join("config.json");
    let header = StoreHeader { config: config.clone(), model: agent.map(|a| a.fingerprint(&config.agent)) };
    if path.exists() {
        let stored: StoreHeader = read_json(&path)?;
        if stored != header {
            let what = if stored.config == header.config {
                "another agent model"
            } else {
                "other benchmark settings"
            };
            return Err(crate::Error::Config(format!(
                "{} holds results of {what}; use another folder",
                path.display()
            )));
        }
        return Ok(());
    }
    write_json(&path, &header)
}

/// Runs the benchmark on the two lists; `on_signal` sees each signal's figures as they come (also
/// those read back from the store). The report holds every signal measured or read back.
pub fn run_benchmark(
    training: &SignalList,
    generalisation: &SignalList,
    config: &BenchmarkConfig,
    agent: Option<Agent<'_>>,
    run: &BenchmarkRun,
    progress: &mut dyn FnMut(&str, u64, u64),
    on_signal: &mut dyn FnMut(&SignalFigures),
) -> Result<BenchmarkReport> {
    if let Some((k, n)) = run.shard
        && (n == 0 || k >= n)
    {
        return Err(crate::Error::Config(format!("shard {k}/{n}: need 0 <= k < n")));
    }
    if let Some(dir) = &run.store {
        open_store(dir, config, agent)?;
    }
    let mut signals = Vec::new();
    let mut position = 0usize;
    for (list, set) in [(training, "training"), (generalisation, "generalisation")] {
        for (i, s) in list.signals.iter().enumerate() {
            let mine = run.shard.is_none_or(|(k, n)| position % n == k);
            position += 1;
            let stored = run.store.as_ref().map(|dir| store_file(dir, set, &s.signal));
            let figures = match &stored {
                Some(path) if path.exists() => read_json(path)?,
                _ if !mine => continue,
                _ => {
                    let f = benchmark_signal(&s.signal, set, config, agent, progress)
                        .map_err(|e| list.error(i, e))?;
                    if let Some(path) = &stored {
                        write_json(path, &f)?;
                    }
                    f
                }
            };
            on_signal(&figures);
            signals.push(figures);
        }
    }
    Ok(BenchmarkReport {
        threshold: config.reward.threshold,
        config: Some(config.clone()),
        totals: totals(&signals),
        signals,
    })
}

/// Totals per set and method of per-signal figures.
pub fn totals(signals: &[SignalFigures]) -> Vec<Totals> {
    let mut out = Vec::new();
    for set in ["training", "generalisation"] {
        let of_set: Vec<&SignalFigures> = signals.iter().filter(|s| s.set == set).collect();
        if of_set.is_empty() {
            continue;
        }
        let oracle: usize = of_set.iter().map(|s| s.oracle.found).sum();
        type Pick = fn(&SignalFigures) -> Option<&MethodFigures>;
        let methods: [(&str, Pick); 3] =
            [("oracle", |s| Some(&s.oracle)), ("ga", |s| s.ga.as_ref()), ("agent", |s| s.agent.as_ref())];
        for (method, pick) in methods {
            let figures: Vec<&MethodFigures> = of_set.iter().filter_map(|s| pick(s)).collect();
            if figures.len() != of_set.len() {
                continue;
            }
            let found: usize = figures.iter().map(|f| f.found).sum();
            out.push(Totals {
                set: set.into(),
                method: method.into(),
                oracle,
                found,
                recall: if oracle == 0 { 1.0 } else { found as f64 / oracle as f64 },
                evaluations: figures.iter().map(|f| f.evaluations).sum(),
                seconds: figures.iter().map(|f| f.seconds).sum(),
            });
        }
    }
    out
}

/// A method's recall curve summed over one set's signals: `(reward evaluations, recall)` point by
/// point (every signal has the same points), or nothing if the set or its curves are empty.
/// `method` is `agent` or `ga`.
pub fn set_curve(report: &BenchmarkReport, set: &str, method: &str) -> Vec<(f64, f64)> {
    let signals: Vec<&SignalFigures> = report.signals.iter().filter(|s| s.set == set).collect();
    let oracle: usize = signals.iter().map(|s| s.oracle.found).sum();
    let pick = |s: &SignalFigures| if method == "agent" { s.agent_curve.clone() } else { s.ga_curve.clone() };
    let curves: Vec<Vec<CurvePoint>> = signals.iter().map(|s| pick(s)).collect();
    let points = curves.iter().map(Vec::len).min().unwrap_or(0);
    if oracle == 0 {
        return Vec::new();
    }
    (0..points)
        .map(|i| {
            let evals: usize = curves.iter().map(|c| c[i].evaluations).sum();
            let found: f64 =
                signals.iter().zip(&curves).map(|(s, c)| c[i].recall * s.oracle.found as f64).sum();
            (evals as f64, found / oracle as f64)
        })
        .collect()
}

/// Reward evaluations a summed curve needed to reach `recall`, interpolated linearly in
/// log(evaluations) between its points; `None` if it never got there.
pub fn evaluations_to_recall(curve: &[(f64, f64)], recall: f64) -> Option<f64> {
    let mut previous: Option<(f64, f64)> = None;
    for &(evals, r) in curve {
        if r >= recall {
            return Some(match previous {
                Some((e0, r0)) if r > r0 && e0 > 0.0 && evals > 0.0 => {
                    let t = (recall - r0) / (r - r0);
                    (e0.ln() + t * (evals.ln() - e0.ln())).exp()
                }
                _ => evals,
            });
        }
        previous = Some((evals, r));
    }
    None
}

/// A recall as a percentage rounded down to 0.1%, so that only a complete recall reads 100.0%.
pub(crate) fn percent(recall: f64) -> String {
    format!("{:.1}%", (1000.0 * recall + 1e-9).floor() / 10.0)
}

/// The report as a Markdown table (per signal, then totals), as `docs/benchmarks.md` shows it.
pub fn markdown(report: &BenchmarkReport) -> String {
    let mut s = String::new();
    s.push_str(&format!("Ground truth: the oracle's backgrounds with R >= {:e}.\n\n", report.threshold));
    s.push_str("| signal | set | oracle bkgs | oracle s | GA found | GA recall | GA evals | GA s | agent found | agent recall | agent evals | agent s |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    let cell = |f: &Option<MethodFigures>| match f {
        Some(f) => format!("{} | {} | {} | {:.1}", f.found, percent(f.recall), f.evaluations, f.seconds),
        None => "- | - | - | -".into(),
    };
    for x in &report.signals {
        s.push_str(&format!(
            "| `{}` | {} | {} | {:.1} | {} | {} |\n",
            x.signal,
            x.set,
            x.oracle.found,
            x.oracle.seconds,
            cell(&x.ga),
            cell(&x.agent)
        ));
    }
    s.push_str("\n| set | method | oracle bkgs | found | recall | reward evaluations | wall s |\n|---|---|---|---|---|---|---|\n");
    for t in &report.totals {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.0} |\n",
            t.set,
            t.method,
            t.oracle,
            t.found,
            percent(t.recall),
            t.evaluations,
            t.seconds
        ));
    }
    let needed: Vec<&SignalFigures> = report.signals.iter().filter(|x| !x.agent_needed.is_empty()).collect();
    if !needed.is_empty() {
        s.push_str("\nThe agent's reward evaluations until it had found each share of the signal's own backgrounds (exact, in the order scored):\n\n| signal | set |");
        for r in NEEDED_RECALLS {
            s.push_str(&format!(" {:.0}% |", 100.0 * r));
        }
        s.push_str(&format!("\n|---|---|{}\n", "---|".repeat(NEEDED_RECALLS.len())));
        for x in &needed {
            s.push_str(&format!("| `{}` | {} |", x.signal, x.set));
            for n in &x.agent_needed {
                s.push_str(&n.map_or(" not reached |".to_string(), |n| format!(" {n} |")));
            }
            s.push('\n');
        }
        for set in ["training", "generalisation"] {
            let of_set: Vec<&&SignalFigures> = needed.iter().filter(|x| x.set == set).collect();
            if of_set.is_empty() {
                continue;
            }
            s.push_str(&format!("| sum | {set} |"));
            for i in 0..NEEDED_RECALLS.len() {
                let all: Option<usize> =
                    of_set.iter().map(|x| x.agent_needed.get(i).copied().flatten()).sum();
                s.push_str(&all.map_or(" not reached |".to_string(), |n| format!(" {n} |")));
            }
            s.push('\n');
        }
    }
    s.push_str("\nReward evaluations (summed over the set's signals) each method needed to reach a total recall, read off its curve (log-linear between points):\n\n");
    s.push_str("| set | recall | GA evals | agent evals | GA / agent |\n|---|---|---|---|---|\n");
    for set in ["training", "generalisation"] {
        let (ga, agent) = (set_curve(report, set, "ga"), set_curve(report, set, "agent"));
        if ga.is_empty() && agent.is_empty() {
            continue;
        }
        for target in [0.5, 0.8, 0.9, 0.95, 0.98] {
            let (g, a) = (evaluations_to_recall(&ga, target), evaluations_to_recall(&agent, target));
            let show = |x: Option<f64>| x.map_or("not reached".to_string(), |x| format!("{x:.0}"));
            let ratio = match (g, a) {
                (Some(g), Some(a)) if a > 0.0 => format!("{:.1}x", g / a),
                _ => "-".into(),
            };
            s.push_str(&format!(
                "| {set} | {:.0}% | {} | {} | {ratio} |\n",
                100.0 * target,
                show(g),
                show(a)
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{Agent, BenchmarkConfig, evaluations_to_recall, open_store, percent};
    use hepzero_backend::{DeviceChoice, select_device};
    use hepzero_transformer::{PolicyValueNet, TransformerConfig};

    #[test]
    fn only_a_complete_recall_reads_100_percent() {
        // 16,980 of 16,986 (99.96%) once read 100.0% in the benchmark's table.
        assert_eq!(percent(16980.0 / 16986.0), "99.9%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(0.95), "95.0%");
        assert_eq!(percent(9570.0 / 10273.0), "93.1%");
        assert_eq!(percent(0.0), "0.0%");
    }

    #[test]
    fn a_store_is_tied_to_its_settings_and_its_model() {
        let device = select_device(DeviceChoice::Cpu).unwrap().device;
        let shape = TransformerConfig { d_model: 16, heads: 2, d_ff: 32, ..TransformerConfig::new(40) };
        let net = |seed| PolicyValueNet::new(&shape, seed, &device).unwrap();
        let (a, b) = (net(1), net(2));
        let agent = |net| Some(Agent { net, overlap: None, device: &device });
        let dir = tempfile::tempdir().unwrap();
        let config = BenchmarkConfig::default();
        open_store(dir.path(), &config, agent(&a)).unwrap();
        open_store(dir.path(), &config, agent(&a)).unwrap();
        // Another network, or none, would read back figures that are not its own: refused.
        for other in [agent(&b), None] {
            let err = open_store(dir.path(), &config, other).unwrap_err().to_string();
            assert!(err.contains("config.json") && err.contains("another agent model"), "{err}");
        }
        let mut other = config.clone();
        other.reward.threshold *= 10.0;
        let err = open_store(dir.path(), &other, agent(&a)).unwrap_err().to_string();
        assert!(err.contains("other benchmark settings"), "{err}");
    }

    #[test]
    fn evaluations_to_recall_interpolates_in_log_evaluations() {
        let curve = [(100.0, 0.2), (10_000.0, 0.6), (100_000.0, 0.9)];
        assert_eq!(evaluations_to_recall(&curve, 0.1), Some(100.0));
        // Halfway between 0.2 and 0.6 is halfway between 10^2 and 10^4 in log: 10^3.
        assert!((evaluations_to_recall(&curve, 0.4).unwrap() - 1000.0).abs() < 1e-6);
        assert!((evaluations_to_recall(&curve, 0.9).unwrap() - 100_000.0).abs() < 1e-6);
        assert_eq!(evaluations_to_recall(&curve, 0.95), None);
    }
}
