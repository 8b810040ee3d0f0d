//! Run configuration (serde, so it can live in a TOML runcard) and its validation.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How parents are chosen from the current population (maximising fitness).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    /// Best of `size` individuals drawn uniformly with replacement (as DEAP's `selTournament`).
    Tournament {
        /// Tournament size, >= 1 (1 is uniform random selection).
        size: usize,
    },
    /// Linear ranking (Baker 1985): the best individual is chosen with probability `pressure / N`,
    /// the worst with `(2 - pressure) / N`.
    Rank {
        /// Expected number of offspring of the best individual, in [1, 2].
        pressure: f64,
    },
    /// Roulette wheel: probability proportional to fitness, which must be >= 0 (`-inf` counts as
    /// 0); uniform when all are 0.
    FitnessProportional,
}

/// The population model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mode {
    /// Every generation replaces the whole population: `elitism` best individuals are copied, the
    /// rest are offspring. Each offspring pair is crossed over with probability `crossover_rate`
    /// and each child mutated with probability `mutation_rate` (DEAP's `varAnd`).
    Generational {
        /// Parent selection.
        selection: Selection,
        /// Probability that a pair of children is recombined.
        crossover_rate: f64,
        /// Probability that a child is mutated.
        mutation_rate: f64,
        /// Number of best individuals copied unchanged, < population.
        elitism: usize,
    },
    /// Each generation creates `replacement` offspring (same variation as generational) that
    /// replace the `replacement` worst individuals (GENITOR, Whitley 1989).
    SteadyState {
        /// Parent selection.
        selection: Selection,
        /// Probability that a pair of children is recombined.
        crossover_rate: f64,
        /// Probability that a child is mutated.
        mutation_rate: f64,
        /// Offspring per generation, in [1, population).
        replacement: usize,
    },
    /// (mu, lambda) or (mu + lambda) evolution strategy: the population is the `mu` parents; each
    /// generation every parent in turn yields mutants (mutant `i` comes from parent `i mod mu`)
    /// until there are `lambda`, always mutated, never recombined; the best `mu` of the mutants
    /// (comma) or of parents and mutants (plus) survive. Seed 002's NNPDF fit is (1, 80) with a
    /// nodal mutation whose step decays with the generation.
    EvolutionStrategy {
        /// Mutants per generation, >= 1 (and >= mu for the comma strategy).
        lambda: usize,
        /// `true`: (mu + lambda), parents compete with mutants (elitist); `false`: (mu, lambda).
        plus: bool,
    },
}

/// When a run ends (whichever comes first; the generation limit always applies).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// Number of generations after the initial population.
    pub max_generations: u64,
    /// Stop when the best fitness has not improved by more than `stagnation_tolerance` in this many
    /// generations.
    pub stagnation_generations: Option<u64>,
    /// Improvement below this does not reset the stagnation counter.
    pub stagnation_tolerance: f64,
    /// Stop at the end of the first generation at which this many fitness evaluations were spent
    /// (the last generation may overshoot by part of a generation).
    pub max_evaluations: Option<u64>,
    /// Stop as soon as the best fitness is >= this value (e.g. a known optimum).
    pub target_fitness: Option<f64>,
}

impl Default for Stop {
    fn default() -> Self {
        Self {
            max_generations: 100,
            stagnation_generations: None,
            stagnation_tolerance: 0.0,
            max_evaluations: None,
            target_fitness: None,
        }
    }
}

/// Fitness cache keyed by canonical hash.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CacheConfig {
    /// Whether changed individuals are looked up before being evaluated (and duplicates within a
    /// generation evaluated once). Worth it when the fitness costs more than a hash lookup.
    pub enabled: bool,
    /// When the cache holds this many entries it is emptied (deterministically) before growing
    /// further; `None` keeps everything.
    pub max_entries: Option<usize>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self { enabled: true, max_entries: None }
    }
}

/// The hall of fame: every distinct individual (by canonical hash) whose fitness reached
/// `threshold` at any point of the run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HallOfFameConfig {
    /// Fitness an individual needs to enter.
    pub threshold: f64,
    /// Keep at most this many (the worst is evicted by a better newcomer); `None` keeps all.
    pub max_size: Option<usize>,
}

/// Everything a run needs besides the problem and the fitness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Population size (the number of parents `mu` in the evolution-strategy mode).
    pub population: usize,
    /// Population model and its rates.
    pub mode: Mode,
    /// Stopping rules.
    pub stop: Stop,
    /// Fitness cache.
    pub cache: CacheConfig,
    /// Hall of fame; `None` keeps none.
    pub hall_of_fame: Option<HallOfFameConfig>,
    /// Keep the population free of duplicates (same canonical hash): a new individual equal to one
    /// already kept is mutated again, up to `dedup_attempts` times; in the evolution-strategy mode
    /// survivors are chosen among distinct individuals.
    pub deduplicate: bool,
    /// Re-mutations tried on a duplicate before it is accepted as is.
    pub dedup_attempts: u32,
    /// With `deduplicate`: an individual equal to one evaluated in any earlier generation is a
    /// duplicate too (elites excepted), so the budget goes to individuals never evaluated. For
    /// searches whose product is the set of individuals found rather than the best one.
    #[serde(default)]
    pub dedup_history: bool,
    /// Largest batch passed to one `Fitness::evaluate` call (batches run in parallel).
    pub eval_batch: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seed: 0,
            population: 100,
            mode: Mode::Generational {
                selection: Selection::Tournament { size: 3 },
                crossover_rate: 0.5,
                mutation_rate: 0.2,
                elitism: 1,
            },
            stop: Stop::default(),
            cache: CacheConfig::default(),
            hall_of_fame: None,
            deduplicate: false,
            dedup_attempts: 3,
            dedup_history: false,
            eval_batch: 64,
        }
    }
}

fn bad(field: &'static str, value: impl std::fmt::Display, reason: &'static str) -> Error {
    Error::InvalidConfig { field, value: value.to_string(), reason }
}

fn check_rate(field: &'static str, p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) { Ok(()) } else { Err(bad(field, p, "must be a probability in [0, 1]")) }
}

fn check_selection(s: &Selection) -> Result<()> {
    match *s {
        Selection::Tournament { size } if size == 0 => {
            Err(bad("mode.selection.size", size, "tournament size must be >= 1"))
        }
        Selection::Rank { pressure } if !(1.0..=2.0).contains(&pressure) => {
            Err(bad("mode.selection.pressure", pressure, "linear ranking pressure must be in [1, 2]"))
        }
        _ => Ok(()),
    }
}

impl Config {
    /// Check every value; the engine calls this before running.
    pub fn validate(&self) -> Result<()> {
        if self.population == 0 {
            return Err(bad("population", self.population, "must be >= 1"));
        }
        if self.eval_batch == 0 {
            return Err(bad("eval_batch", self.eval_batch, "must be >= 1"));
        }
        match &self.mode {
            Mode::Generational { selection, crossover_rate, mutation_rate, elitism } => {
                check_selection(selection)?;
                check_rate("mode.crossover_rate", *crossover_rate)?;
                check_rate("mode.mutation_rate", *mutation_rate)?;
                if *elitism >= self.population {
                    return Err(bad("mode.elitism", elitism, "must be < population"));
                }
            }
            Mode::SteadyState { selection, crossover_rate, mutation_rate, replacement } => {
                check_selection(selection)?;
                check_rate("mode.crossover_rate", *crossover_rate)?;
                check_rate("mode.mutation_rate", *mutation_rate)?;
                if *replacement == 0 || *replacement >= self.population {
                    return Err(bad("mode.replacement", replacement, "must be in [1, population)"));
                }
            }
            Mode::EvolutionStrategy { lambda, plus } => {
                if *lambda == 0 {
                    return Err(bad("mode.lambda", lambda, "must be >= 1"));
                }
                if !plus && *lambda < self.population {
                    return Err(bad(
                        "mode.lambda",
                        lambda,
                        "the comma strategy needs lambda >= mu (population)",
                    ));
                }
            }
        }
        if self.stop.stagnation_tolerance.is_nan() || self.stop.stagnation_tolerance < 0.0 {
            return Err(bad("stop.stagnation_tolerance", self.stop.stagnation_tolerance, "must be >= 0"));
        }
        if let Some(h) = &self.hall_of_fame {
            if h.threshold.is_nan() {
                return Err(bad("hall_of_fame.threshold", h.threshold, "must not be NaN"));
            }
            if h.max_size == Some(0) {
                return Err(bad("hall_of_fame.max_size", 0, "must be >= 1 (or absent)"));
            }
        }
        if self.cache.max_entries == Some(0) {
            return Err(bad("cache.max_entries", 0, "must be >= 1 (or absent)"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_values_are_named() {
        Config::default().validate().unwrap();
        let mut c = Config {
            mode: Mode::Generational {
                selection: Selection::Tournament { size: 3 },
                crossover_rate: 1.5,
                mutation_rate: 0.2,
                elitism: 0,
            },
            ..Config::default()
        };
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("mode.crossover_rate") && e.contains("1.5"), "{e}");
        c.mode = Mode::EvolutionStrategy { lambda: 10, plus: false };
        c.population = 20;
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("mode.lambda"), "{e}");
    }

    #[test]
    fn config_round_trips_through_json() {
        let c = Config {
            hall_of_fame: Some(HallOfFameConfig { threshold: 1.0, max_size: Some(10) }),
            ..Config::default()
        };
        let s = serde_json::to_string(&c).unwrap();
        let back: Config = serde_json::from_str(&s).unwrap();
        assert_eq!(c, back);
    }
}
