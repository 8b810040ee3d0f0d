//! hepzero-genetic: a generic genetic algorithm and evolution strategy.
//!
//! One engine serves both searches of the seeds: the background search of seed 000 (a GA over
//! token sequences, population 6,000 for 40 generations, whose product is the set of every good
//! background found) and NNPDF's PDF fits of seed 002 (80 mutants per iteration, nodal mutations
//! with a step that decays with the generation).
//!
//! * You supply a [`Genome`] (with a canonical hash), a [`Problem`] (initialisation, mutation,
//!   crossover, optional repair) and a [`Fitness`] (batch evaluation, maximised).
//! * [`Config`] picks the population model ([`Mode`]: generational, steady-state, (mu, lambda) or
//!   (mu + lambda) evolution strategy), the [`Selection`] (tournament, linear rank,
//!   fitness-proportional), elitism and rates, the fitness cache, the hall of fame, duplicate
//!   removal and the [`Stop`] rules.
//! * [`Engine::run`] evaluates in parallel with rayon (in the caller's pool) and is deterministic
//!   for a seed whatever the number of threads; an [`Observer`] receives a [`GenerationReport`]
//!   after every generation.
//!
//! # Plugging in the background genome (hepzero-finder)
//!
//! The background search needs nothing more from the engine: its genome is a newtype over a
//! hepzero-tokens sequence whose [`Genome::canonical_hash`] hashes the token crate's canonical
//! form (so `B0 -> K+ pi-` and `B0 -> pi- K+` are one individual for the cache, the hall of fame
//! and deduplication); its [`Problem`] samples valid sequences through the grammar's valid-next
//! masks, mutates with validity-keeping moves (decay mode, sub-decay, reconstruction annotation,
//! parent), crosses over sub-decays of equal charge, and uses [`Problem::repair`] for what a move
//! cannot keep valid by construction; its [`Fitness`] receives whole batches of distinct, uncached
//! candidates, so the reward can be vectorised and keep its own caches of sub-results. The seed's
//! configuration is `population: 6000`, `stop.max_generations: 40`, a generational mode with the
//! hall of fame's threshold at the reporting threshold and `deduplicate: true`.
//!
//! # Randomness
//!
//! Streams are keyed by (seed, generation, purpose) and numbered by task: the initial individual,
//! the offspring pair (a pair shares a stream because crossover couples its two children) or the
//! evolution-strategy mutant; see the `rng` module. Fitness functions must be deterministic.
//!
//! ```
//! use hepzero_genetic::{testbeds, Config, Engine, FnFitness, Silent, Stop};
//! let problem = testbeds::BitString {
//!     len: 32,
//!     flip_probability: 1.0 / 32.0,
//!     crossover: testbeds::StringCrossover::Uniform { swap_probability: 0.5 },
//! };
//! let fitness = FnFitness(|g: &Vec<u8>| testbeds::onemax(g));
//! let config = Config {
//!     population: 60,
//!     stop: Stop { max_generations: 200, target_fitness: Some(32.0), ..Stop::default() },
//!     ..Config::default()
//! };
//! let result = Engine::new(&problem, &fitness, config)?.run(&mut Silent)?;
//! assert_eq!(result.best.fitness, 32.0);
//! # Ok::<(), hepzero_genetic::Error>(())
//! ```

mod cache;
mod config;
mod engine;
mod error;
mod hall_of_fame;
mod hash;
mod report;
mod rng;
mod selection;
pub mod testbeds;
mod traits;

pub use config::{CacheConfig, Config, HallOfFameConfig, Mode, Selection, Stop};
pub use engine::Engine;
pub use error::{Error, FitnessError, Result};
pub use hall_of_fame::Scored;
pub use hash::{CanonicalHasher, canonical_hash_of};
pub use report::{Control, GenerationReport, Observer, RunResult, Silent, StopReason};
pub use rng::GaRng;
pub use traits::{Context, Fitness, FnFitness, Genome, Problem};
