//! Engine contracts: thread-count independence, the fitness cache, the hall of fame, duplicate
//! removal, repair, stopping rules and error reporting.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hepzero_genetic::testbeds::{self, BitString, RealVector, StringCrossover};
use hepzero_genetic::{
    CacheConfig, Config, Context, Control, Engine, Error, Fitness, FitnessError, FnFitness, GaRng,
    GenerationReport, Genome, HallOfFameConfig, Mode, Problem, RunResult, Selection, Silent, Stop,
    StopReason,
};

fn bits(len: usize, flip: f64) -> BitString {
    BitString { len, flip_probability: flip, crossover: StringCrossover::OnePoint }
}

fn generational(selection: Selection, elitism: usize) -> Mode {
    Mode::Generational { selection, crossover_rate: 0.6, mutation_rate: 0.5, elitism }
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

fn same_on_1_and_2_threads<P, F>(problem: &P, fitness: &F, config: &Config)
where
    P: Problem + Sync,
    F: Fitness<P::Genome>,
    P::Genome: std::fmt::Debug,
{
    let run = || Engine::new(problem, fitness, config.clone()).unwrap().run(&mut Silent).unwrap();
    let one = in_pool(1, run);
    let two = in_pool(2, run);
    // Debug output compares every float bit-for-bit (and NaN equal to NaN).
    assert_eq!(format!("{one:?}"), format!("{two:?}"), "{:?}", config.mode);
    assert!(one.generations > 0);
}

#[test]
fn results_are_identical_for_1_and_2_threads_in_every_mode() {
    let problem = bits(60, 0.02);
    let fitness = FnFitness(|g: &Vec<u8>| testbeds::trap(g, 3));
    let base = Config {
        seed: 42,
        population: 600,
        stop: Stop { max_generations: 15, ..Stop::default() },
        hall_of_fame: Some(HallOfFameConfig { threshold: 45.0, max_size: None }),
        eval_batch: 16,
        ..Config::default()
    };
    for (mode, dedup) in [
        (generational(Selection::Tournament { size: 3 }, 5), false),
        (generational(Selection::Rank { pressure: 1.7 }, 0), true),
        (generational(Selection::FitnessProportional, 1), false),
        (
            Mode::SteadyState {
                selection: Selection::Tournament { size: 2 },
                crossover_rate: 0.9,
                mutation_rate: 0.3,
                replacement: 250,
            },
            true,
        ),
    ] {
        let config = Config { mode, deduplicate: dedup, ..base.clone() };
        same_on_1_and_2_threads(&problem, &fitness, &config);
    }
    let real = RealVector {
        dim: 10,
        init_low: -5.12,
        init_high: 5.12,
        bounds: None,
        eta: 5.0,
        node_probability: 0.1,
    };
    let rastrigin = FnFitness(|x: &Vec<f64>| -testbeds::rastrigin(x));
    for plus in [false, true] {
        let config = Config {
            population: 20,
            mode: Mode::EvolutionStrategy { lambda: 400, plus },
            hall_of_fame: Some(HallOfFameConfig { threshold: -40.0, max_size: Some(50) }),
            ..base.clone()
        };
        same_on_1_and_2_threads(&real, &rastrigin, &config);
    }
}

/// Counts calls and remembers every hash it was asked about.
struct Recording {
    calls: AtomicU64,
    seen: Mutex<Vec<u64>>,
}

impl Fitness<Vec<u8>> for Recording {
    fn evaluate(&self, batch: &[&Vec<u8>], out: &mut [f64]) -> Result<(), FitnessError> {
        self.calls.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let mut seen = self.seen.lock().map_err(|e| e.to_string())?;
        for (g, o) in batch.iter().zip(out.iter_mut()) {
            seen.push(g.canonical_hash());
            *o = testbeds::onemax(g);
        }
        Ok(())
    }
}

fn recorded_run(cache: bool) -> (RunResult<Vec<u8>>, u64, Vec<u64>) {
    let fitness = Recording { calls: AtomicU64::new(0), seen: Mutex::new(Vec::new()) };
    let config = Config {
        population: 200,
        mode: generational(Selection::Tournament { size: 4 }, 2),
        stop: Stop { max_generations: 40, ..Stop::default() },
        cache: CacheConfig { enabled: cache, max_entries: None },
        ..Config::default()
    };
    let r = Engine::new(&bits(24, 0.02), &fitness, config).unwrap().run(&mut Silent).unwrap();
    let calls = fitness.calls.load(Ordering::Relaxed);
    let seen = fitness.seen.into_inner().unwrap();
    (r, calls, seen)
}

#[test]
fn the_cache_never_evaluates_an_individual_twice_and_counts_what_it_saves() {
    let (r, calls, seen) = recorded_run(true);
    assert_eq!(r.evaluations, calls);
    let report_sum: u64 = r.history.iter().map(|g| g.evaluations).sum();
    assert_eq!(report_sum, calls);
    let distinct: HashSet<u64> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len(), "an individual was evaluated twice");
    // A 24-bit OneMax population converges: most changed children are known already.
    let last = r.history.last().unwrap();
    assert!(last.cache_hit_rate > 0.5, "hit rate {}", last.cache_hit_rate);
    for g in &r.history[1..] {
        assert_eq!(g.cache_lookups, g.evaluations + g.cache_hits);
    }
    // Without the cache the same run (same streams) evaluates every changed child: more calls,
    // identical search (the fitness is deterministic).
    let (r2, calls2, _) = recorded_run(false);
    assert!(calls2 > calls);
    assert_eq!(r2.best, r.best);
    let bests: Vec<f64> = r.history.iter().map(|g| g.best).collect();
    let bests2: Vec<f64> = r2.history.iter().map(|g| g.best).collect();
    assert_eq!(bests, bests2);
}

#[test]
fn hall_of_fame_holds_every_distinct_individual_above_threshold() {
    let threshold = 20.0;
    let all = Mutex::new(HashSet::new());
    let fitness = FnFitness(|g: &Vec<u8>| {
        let f = testbeds::onemax(g);
        if f >= threshold {
            all.lock().unwrap().insert(g.canonical_hash());
        }
        f
    });
    let config = Config {
        population: 100,
        mode: generational(Selection::Tournament { size: 2 }, 1),
        stop: Stop { max_generations: 30, ..Stop::default() },
        hall_of_fame: Some(HallOfFameConfig { threshold, max_size: None }),
        ..Config::default()
    };
    let r = Engine::new(&bits(24, 0.05), &fitness, config).unwrap().run(&mut Silent).unwrap();
    let hof: HashSet<u64> = r.hall_of_fame.iter().map(|s| s.hash).collect();
    assert_eq!(hof.len(), r.hall_of_fame.len(), "duplicates in the hall of fame");
    assert_eq!(hof, *all.lock().unwrap());
    assert!(hof.len() > 50);
    assert!(r.hall_of_fame.windows(2).all(|w| w[0].fitness >= w[1].fitness));
    for s in &r.hall_of_fame {
        assert_eq!(s.hash, s.genome.canonical_hash());
        assert_eq!(s.fitness, testbeds::onemax(&s.genome));
    }
    assert_eq!(r.history.last().unwrap().hall_of_fame, hof.len());
}

#[test]
fn deduplication_keeps_every_generation_free_of_copies() {
    let fitness = FnFitness(|g: &Vec<u8>| testbeds::onemax(g));
    let run = |deduplicate| {
        let config = Config {
            population: 300,
            mode: generational(Selection::Tournament { size: 5 }, 3),
            stop: Stop { max_generations: 40, ..Stop::default() },
            deduplicate,
            ..Config::default()
        };
        Engine::new(&bits(100, 0.05), &fitness, config).unwrap().run(&mut Silent).unwrap()
    };
    let with = run(true);
    assert!(with.history.iter().all(|g| g.distinct == 300), "copies survived");
    let hashes: HashSet<u64> = with.population.iter().map(|s| s.hash).collect();
    assert_eq!(hashes.len(), 300);
    // Without it, strong selection fills the population with copies.
    let without = run(false);
    assert!(without.history.last().unwrap().distinct < 300);
}

#[test]
fn history_deduplication_spends_the_budget_on_individuals_never_evaluated() {
    // No cache: the fitness sees every changed child, so repeats across generations show.
    let run = |dedup_history| {
        let fitness = Recording { calls: AtomicU64::new(0), seen: Mutex::new(Vec::new()) };
        let config = Config {
            population: 200,
            mode: generational(Selection::Tournament { size: 4 }, 2),
            stop: Stop { max_generations: 30, ..Stop::default() },
            cache: CacheConfig { enabled: false, max_entries: None },
            deduplicate: true,
            dedup_history,
            ..Config::default()
        };
        Engine::new(&bits(64, 0.02), &fitness, config).unwrap().run(&mut Silent).unwrap();
        let seen = fitness.seen.into_inner().unwrap();
        let distinct: HashSet<u64> = seen.iter().copied().collect();
        (seen.len(), distinct.len())
    };
    // A converging 64-bit OneMax population breeds many children evaluated before ...
    let (calls, distinct) = run(false);
    assert!(distinct < calls * 9 / 10, "{distinct} distinct of {calls}");
    // ... which history deduplication mutates again, so (nearly) every evaluation is new.
    let (calls, distinct) = run(true);
    assert!(distinct * 100 >= calls * 99, "{distinct} distinct of {calls}");
}

/// Bit strings whose first bit must be 0; repair fails otherwise.
struct FirstBitZero(BitString);
impl Problem for FirstBitZero {
    type Genome = Vec<u8>;
    fn initialise(&self, rng: &mut GaRng) -> Vec<u8> {
        let mut g = self.0.initialise(rng);
        g[0] = 0;
        g
    }
    fn mutate(&self, g: &mut Vec<u8>, ctx: &Context, rng: &mut GaRng) {
        self.0.mutate(g, ctx, rng);
    }
    fn crossover(&self, a: &mut Vec<u8>, b: &mut Vec<u8>, ctx: &Context, rng: &mut GaRng) {
        self.0.crossover(a, b, ctx, rng);
    }
    fn repair(&self, g: &mut Vec<u8>, _rng: &mut GaRng) -> bool {
        g[0] == 0
    }
}

#[test]
fn unrepairable_individuals_are_never_evaluated_nor_kept() {
    let problem = FirstBitZero(bits(30, 0.1));
    let fitness = FnFitness(|g: &Vec<u8>| {
        assert_eq!(g[0], 0, "an invalid genome reached the fitness");
        testbeds::onemax(g)
    });
    let config = Config {
        population: 100,
        mode: generational(Selection::Tournament { size: 3 }, 1),
        stop: Stop { max_generations: 60, ..Stop::default() },
        hall_of_fame: Some(HallOfFameConfig { threshold: 0.0, max_size: None }),
        ..Config::default()
    };
    let r = Engine::new(&problem, &fitness, config).unwrap().run(&mut Silent).unwrap();
    assert!(r.history.iter().skip(1).any(|g| g.invalid > 0));
    assert_eq!(r.best.fitness, 29.0, "the constrained optimum is 0 followed by 29 ones");
    assert!(r.hall_of_fame.iter().all(|s| s.genome[0] == 0));
}

#[test]
fn stopping_rules() {
    let fitness = FnFitness(|g: &Vec<u8>| testbeds::onemax(g));
    let run = |stop: Stop, observer: &mut dyn hepzero_genetic::Observer| {
        let config = Config {
            population: 50,
            mode: generational(Selection::Tournament { size: 3 }, 1),
            stop,
            ..Config::default()
        };
        Engine::new(&bits(16, 0.1), &fitness, config).unwrap().run(observer).unwrap()
    };
    let r = run(Stop { max_generations: 7, ..Stop::default() }, &mut Silent);
    assert_eq!((r.generations, r.stop_reason), (7, StopReason::Generations));
    assert_eq!(r.history.len(), 8);
    // 16-bit OneMax is solved quickly; then nothing improves.
    let r =
        run(Stop { max_generations: 1000, stagnation_generations: Some(10), ..Stop::default() }, &mut Silent);
    assert_eq!(r.stop_reason, StopReason::Stagnation);
    let n = r.history.len();
    assert!(r.history[n - 11..].iter().all(|g| g.best == r.history[n - 11].best));
    let r = run(Stop { max_generations: 1000, max_evaluations: Some(500), ..Stop::default() }, &mut Silent);
    assert_eq!(r.stop_reason, StopReason::EvaluationBudget);
    let before_last = r.evaluations - r.history.last().unwrap().evaluations;
    assert!(r.evaluations >= 500 && before_last < 500);
    let mut seen = Vec::new();
    let mut observer = |g: &GenerationReport| {
        seen.push(g.generation);
        if g.generation == 3 { Control::Stop } else { Control::Continue }
    };
    let r = run(Stop { max_generations: 1000, ..Stop::default() }, &mut observer);
    assert_eq!(r.stop_reason, StopReason::Observer);
    assert_eq!(seen, [0, 1, 2, 3]);
}

struct Failing;
impl Fitness<Vec<u8>> for Failing {
    fn evaluate(&self, batch: &[&Vec<u8>], out: &mut [f64]) -> Result<(), FitnessError> {
        for (g, o) in batch.iter().zip(out.iter_mut()) {
            if g.iter().all(|&b| b == 1) {
                return Err("all ones is out of range".into());
            }
            *o = if g[0] == 1 && g[1] == 1 { f64::NAN } else { 0.0 };
        }
        Ok(())
    }
}

#[test]
fn fitness_errors_and_nan_are_reported_with_their_generation() {
    let config = Config { population: 64, ..Config::default() };
    let err = Engine::new(&bits(2, 0.5), &Failing, config.clone()).unwrap().run(&mut Silent).unwrap_err();
    assert!(matches!(err, Error::Fitness { generation: 0, .. }), "{err}");
    assert!(err.to_string().contains("all ones is out of range"));
    let err = Engine::new(&bits(3, 0.5), &Failing, config)
        .unwrap()
        .run_from(vec![vec![1, 1, 0]; 64], &mut Silent)
        .unwrap_err();
    assert!(matches!(err, Error::NanFitness { generation: 0, .. }), "{err}");
    let bad = Config { population: 0, ..Config::default() };
    let err = Engine::new(&bits(3, 0.5), &Failing, bad).unwrap_err();
    assert!(err.to_string().contains("population"));
}
