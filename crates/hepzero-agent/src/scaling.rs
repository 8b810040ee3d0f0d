//! The finder's scaling study (issue #10): as the search space grows (more missing particles,
//! deeper chains, a lower branching-fraction floor, every parent), how the oracle's cost grows
//! against the GA's and the agent's at the same recall. Each rung of the ladder runs the oracle
//! (ground truth), the GA at its settings, and the agent; the agent's time is read where it first
//! reaches the GA's recall, so the three times buy the same result (the oracle's is 100%).

use crate::benchmark::{BenchmarkConfig, MethodFigures, method_figures, open_store, store_file};
use crate::train::{read_json, write_json};
use crate::{Agent, Error, Proposal, Result};
use hepzero_finder::{OracleConfig, run_ga, run_oracle};
use hepzero_genetic::Control;
use hepzero_pdg::DecayTable;
use hepzero_tokens::{GrammarConfig, ParentPolicy};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One search space of the ladder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rung {
    /// Short description, e.g. `k=2, depth 3`.
    pub label: String,
    /// The grammar's limits (missing particles, depth, parents).
    pub limits: GrammarConfig,
    /// The oracle's product-BR floor.
    pub br_floor: f64,
}

/// The default ladder: from one missing particle at depth 2 up to three missing particles at
/// depth 3, then the default space with the oracle's BR floor lowered 1000-fold and with every
/// unstable particle as a parent, then four missing particles (the oracle's longest).
pub fn default_ladder() -> Vec<Rung> {
    let limits = |max_missing, max_depth, parents| GrammarConfig {
        max_missing,
        max_depth,
        parents,
        ..GrammarConfig::default()
    };
    let floor = OracleConfig::default().br_floor;
    vec![
        Rung {
            label: "k=1, depth 2".into(),
            limits: limits(1, 2, ParentPolicy::SameFlavour),
            br_floor: floor,
        },
        Rung {
            label: "k=2, depth 2".into(),
            limits: limits(2, 2, ParentPolicy::SameFlavour),
            br_floor: floor,
        },
        Rung {
            label: "k=2, depth 3 (default)".into(),
            limits: limits(2, 3, ParentPolicy::SameFlavour),
            br_floor: floor,
        },
        Rung {
            label: "k=3, depth 3".into(),
            limits: limits(3, 3, ParentPolicy::SameFlavour),
            br_floor: floor,
        },
        Rung {
            label: "k=2, depth 3, BR floor / 1000".into(),
            limits: limits(2, 3, ParentPolicy::SameFlavour),
            br_floor: floor * 1e-3,
        },
        Rung {
            label: "k=2, depth 3, any parent".into(),
            limits: limits(2, 3, ParentPolicy::Any),
            br_floor: floor,
        },
        Rung {
            label: "k=4, depth 3".into(),
            limits: limits(4, 3, ParentPolicy::SameFlavour),
            br_floor: floor,
        },
    ]
}

/// What one rung measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RungFigures {
    /// The rung's label.
    pub label: String,
    /// Candidates the oracle enumerated (the size of the space it must search).
    pub candidates: u64,
    /// The oracle: backgrounds above threshold (`found`), its evaluations and wall time.
    pub oracle: MethodFigures,
    /// The GA at the benchmark's GA settings.
    pub ga: Option<MethodFigures>,
    /// The agent at the end of its budget.
    pub agent: Option<MethodFigures>,
    /// Seconds the agent took to first reach the GA's recall (at chunk resolution), if it did.
    pub agent_seconds_at_ga_recall: Option<f64>,
    /// Reward evaluations the agent had made by then.
    pub agent_evaluations_at_ga_recall: Option<u64>,
}

/// Runs `signal` through `ladder` with the benchmark's reward, GA and agent settings (`config`'s
/// `limits` are replaced by each rung's) and the agent, if any. With a
/// `store` folder, each rung's figures are kept there and read back by a later run (as
/// [`crate::benchmark::BenchmarkRun::store`]), so a long ladder can be resumed or extended.
pub fn run_scaling(
    signal: &str,
    ladder: &[Rung],
    config: &BenchmarkConfig,
    agent: Option<Agent<'_>>,
    store: Option<&Path>,
    progress: &mut dyn FnMut(&str, u64, u64),
    on_rung: &mut dyn FnMut(&RungFigures),
) -> Result<Vec<RungFigures>> {
    if let Some(dir) = store {
        open_store(dir, config, agent)?;
    }
    let mut out = Vec::with_capacity(ladder.len());
    for rung in ladder {
        let stored = store.map(|dir| store_file(dir, "scaling", &format!("{signal} {}", rung.label)));
        if let Some(path) = stored.as_ref().filter(|p| p.exists()) {
            let figures: RungFigures = read_json(path)?;
            on_rung(&figures);
            out.push(figures);
            continue;
        }
        let fail = |e: &dyn std::fmt::Display| Error::Config(format!("{signal}, {}: {e}", rung.label));
        let model = || crate::lhcb_model(signal, &rung.limits, &config.reward).map_err(|e| fail(&e));
        let oracle_model = model()?;
        progress(&format!("{}: oracle", rung.label), 0, 1);
        let oracle_config = OracleConfig { br_floor: rung.br_floor };
        let oracle = run_oracle(&oracle_model, DecayTable::lhcb_default(), &oracle_config, &|_, _| {})?;
        let truth: FxHashSet<u64> = crate::ranking_hashes(&oracle_model, &oracle)?.into_iter().collect();
        let mut figures = RungFigures {
            label: rung.label.clone(),
            candidates: oracle.candidates,
            oracle: MethodFigures {
                found: truth.len(),
                recall: 1.0,
                extra: 0,
                evaluations: oracle.evaluations,
                seconds: oracle.seconds,
            },
            ..Default::default()
        };
        if let Some(ga) = &config.ga {
            let ga_model = model()?;
            let label = format!("{}: GA", rung.label);
            let mut observer = |r: &hepzero_genetic::GenerationReport| {
                progress(&label, r.generation + 1, ga.generations + 1);
                Control::Continue
            };
            let (ranking, _) = run_ga(&ga_model, ga, &mut observer)?;
            figures.ga = Some(method_figures(&truth, &crate::ranking_hashes(&ga_model, &ranking)?, &ranking));
        }
        if let Some(agent) = agent {
            let agent_model = model()?;
            let label = format!("{}: agent", rung.label);
            let proposal = agent.propose(&agent_model, &config.agent, &mut |d, t| progress(&label, d, t))?;
            let hashes = crate::ranking_hashes(&agent_model, &proposal.ranking)?;
            figures.agent = Some(method_figures(&truth, &hashes, &proposal.ranking));
            let target = figures.ga.as_ref().map(|g| g.recall);
            if let Some((evaluations, seconds)) = target.and_then(|t| reached_recall(&truth, &proposal, t)) {
                figures.agent_seconds_at_ga_recall = Some(seconds);
                figures.agent_evaluations_at_ga_recall = Some(evaluations as u64);
            }
        }
        if let Some(path) = &stored {
            write_json(path, &figures)?;
        }
        on_rung(&figures);
        out.push(figures);
    }
    Ok(out)
}

/// Reward evaluations and seconds until `proposal` first held `target` (a recall) of `truth`,
/// read at the ends of its chunks (order built) or of its scoring batches (best-first).
fn reached_recall(truth: &FxHashSet<u64>, proposal: &Proposal, target: f64) -> Option<(usize, f64)> {
    let best_first = !proposal.scored.is_empty();
    let order = if best_first { &proposal.scored } else { &proposal.first_seen };
    let (mut len, mut hits) = (0, 0);
    for &(point, seconds) in &proposal.timeline {
        let end = if best_first {
            point.min(order.len())
        } else {
            len + order[len..].partition_point(|&(_, at)| at <= point)
        };
        hits += order[len..end].iter().filter(|(h, _)| truth.contains(h)).count();
        len = end;
        if truth.is_empty() || hits as f64 / truth.len() as f64 >= target {
            return Some((len, seconds));
        }
    }
    None
}

/// The study as a Markdown table.
pub fn scaling_markdown(signal: &str, rungs: &[RungFigures]) -> String {
    let mut s = format!("Signal `{signal}`; ground truth: the oracle's backgrounds on each rung.\n\n");
    s.push_str("| search space | oracle candidates | oracle bkgs | oracle s | GA recall | GA evals | GA s | agent recall | agent evals | agent s | agent s to GA's recall | agent evals to GA's recall |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    let cell = |f: &Option<MethodFigures>| match f {
        Some(f) => format!("{} | {} | {:.1}", crate::benchmark::percent(f.recall), f.evaluations, f.seconds),
        None => "- | - | -".into(),
    };
    let opt = |x: Option<String>| x.unwrap_or_else(|| "-".into());
    for r in rungs {
        s.push_str(&format!(
            "| {} | {} | {} | {:.1} | {} | {} | {} | {} |\n",
            r.label,
            r.candidates,
            r.oracle.found,
            r.oracle.seconds,
            cell(&r.ga),
            cell(&r.agent),
            opt(r.agent_seconds_at_ga_recall.map(|x| format!("{x:.1}"))),
            opt(r.agent_evaluations_at_ga_recall.map(|x| x.to_string())),
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use hepzero_finder::Ranking;

    fn proposal(
        first_seen: Vec<(u64, usize)>,
        scored: Vec<(u64, usize)>,
        timeline: Vec<(usize, f64)>,
    ) -> Proposal {
        let ranking = Ranking {
            method: "agent".into(),
            signal: String::new(),
            threshold: 1e-3,
            backgrounds: Vec::new(),
            candidates: 0,
            evaluations: 0,
            simulated: 0,
            events_simulated: 0,
            seconds: 0.0,
        };
        Proposal { ranking, first_seen, timeline, screened: 0, below: Vec::new(), scored, considered: 0 }
    }

    #[test]
    fn best_first_reaches_a_recall_where_it_scored_it_not_where_it_built_it() {
        // Four draws built first (all at 4 sequences), then scored two per batch: 3 comes in the
        // second batch, so half of {1, 3} is reached after two evaluations and all after four.
        let built: Vec<(u64, usize)> = (1..=4).map(|h| (h, h as usize)).collect();
        let scored: Vec<(u64, usize)> = [2, 1, 4, 3].iter().map(|&h| (h, 4)).collect();
        let p = proposal(built.clone(), scored, vec![(2, 10.0), (4, 20.0)]);
        let truth: FxHashSet<u64> = [1, 3].into_iter().collect();
        assert_eq!(reached_recall(&truth, &p, 0.5), Some((2, 10.0)));
        assert_eq!(reached_recall(&truth, &p, 1.0), Some((4, 20.0)));
        // In the order built, the same timeline's points are sequences: 3 is built third.
        let p = proposal(built, Vec::new(), vec![(2, 10.0), (3, 15.0), (4, 20.0)]);
        assert_eq!(reached_recall(&truth, &p, 1.0), Some((3, 15.0)));
        assert_eq!(reached_recall(&[9].into_iter().collect(), &p, 1.0), None);
    }
}
