//! What a run tells its caller: a report per generation (for progress bars and plots) through an
//! [`Observer`], and the final [`RunResult`]. The library never prints; the caller decides.

use serde::{Deserialize, Serialize};

use crate::hall_of_fame::Scored;

/// Statistics of one generation (generation 0 is the initial population).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationReport {
    /// Generation number.
    pub generation: u64,
    /// Best fitness in the population.
    pub best: f64,
    /// Mean fitness of the valid (finite-fitness) individuals; NaN when there are none.
    pub mean: f64,
    /// Worst finite fitness; NaN when there is none.
    pub worst: f64,
    /// Canonical hash of the best individual.
    pub best_hash: u64,
    /// Number of distinct individuals (canonical hashes) in the population.
    pub distinct: usize,
    /// Individuals that failed repair (fitness `-inf`).
    pub invalid: usize,
    /// Fitness evaluations in this generation.
    pub evaluations: u64,
    /// Fitness evaluations since the start of the run.
    pub total_evaluations: u64,
    /// Changed individuals whose fitness was found in the cache in this generation.
    pub cache_hits: u64,
    /// Changed individuals looked up in the cache in this generation.
    pub cache_lookups: u64,
    /// `cache_hits / cache_lookups` (0 when nothing was looked up).
    pub cache_hit_rate: f64,
    /// Size of the hall of fame after this generation.
    pub hall_of_fame: usize,
}

/// What the observer wants after a generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// End the run now (e.g. the user pressed Ctrl-C); the result is returned as usual.
    Stop,
}

/// Receives every generation's report, in order, on the calling thread.
pub trait Observer {
    /// Called after each generation, including generation 0.
    fn on_generation(&mut self, report: &GenerationReport) -> Control;
}

impl<F: FnMut(&GenerationReport) -> Control> Observer for F {
    fn on_generation(&mut self, report: &GenerationReport) -> Control {
        self(report)
    }
}

/// An observer that ignores the reports.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Observer for Silent {
    fn on_generation(&mut self, _report: &GenerationReport) -> Control {
        Control::Continue
    }
}

/// Why the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `stop.max_generations` reached.
    Generations,
    /// No improvement for `stop.stagnation_generations`.
    Stagnation,
    /// `stop.max_evaluations` spent.
    EvaluationBudget,
    /// `stop.target_fitness` reached.
    Target,
    /// The observer asked to stop.
    Observer,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult<G> {
    /// Best individual of the final population.
    pub best: Scored<G>,
    /// Final population, best first.
    pub population: Vec<Scored<G>>,
    /// Hall of fame, best first (empty when not configured).
    pub hall_of_fame: Vec<Scored<G>>,
    /// One report per generation, starting with generation 0.
    pub history: Vec<GenerationReport>,
    /// Why the run ended.
    pub stop_reason: StopReason,
    /// Generations run after the initial population.
    pub generations: u64,
    /// Fitness evaluations spent.
    pub evaluations: u64,
}
