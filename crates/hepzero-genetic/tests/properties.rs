//! Property tests of the engine's invariants over random configurations: thread-count
//! independence, hall-of-fame and population consistency, and conservation under crossover.

use hepzero_genetic::testbeds::{self, BitString, StringCrossover, cross_strings};
use hepzero_genetic::{
    CacheConfig, Config, Engine, FnFitness, GaRng, Genome, HallOfFameConfig, Mode, Selection, Silent, Stop,
};
use proptest::prelude::*;
use rand::SeedableRng;

fn selection_strategy() -> impl Strategy<Value = Selection> {
    prop_oneof![
        (1usize..6).prop_map(|size| Selection::Tournament { size }),
        (1.0f64..=2.0).prop_map(|pressure| Selection::Rank { pressure }),
        Just(Selection::FitnessProportional),
    ]
}

fn mode_strategy(population: usize) -> impl Strategy<Value = Mode> {
    prop_oneof![
        (selection_strategy(), 0.0f64..=1.0, 0.0f64..=1.0, 0..population.min(5)).prop_map(
            |(selection, crossover_rate, mutation_rate, elitism)| Mode::Generational {
                selection,
                crossover_rate,
                mutation_rate,
                elitism,
            }
        ),
        (selection_strategy(), 0.0f64..=1.0, 0.0f64..=1.0, 1..population).prop_map(
            |(selection, crossover_rate, mutation_rate, replacement)| Mode::SteadyState {
                selection,
                crossover_rate,
                mutation_rate,
                replacement,
            }
        ),
        (population..3 * population, any::<bool>())
            .prop_map(|(lambda, plus)| Mode::EvolutionStrategy { lambda, plus }),
    ]
}

fn config_strategy() -> impl Strategy<Value = Config> {
    (2usize..150).prop_flat_map(|population| {
        (
            any::<u64>(),
            mode_strategy(population),
            1u64..8,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            1usize..40,
            0.0f64..30.0,
        )
            .prop_map(
                move |(seed, mode, generations, cache, deduplicate, dedup_history, eval_batch, threshold)| {
                    Config {
                        seed,
                        population,
                        mode,
                        stop: Stop { max_generations: generations, ..Stop::default() },
                        cache: CacheConfig { enabled: cache, max_entries: None },
                        hall_of_fame: Some(HallOfFameConfig { threshold, max_size: None }),
                        deduplicate,
                        dedup_history,
                        dedup_attempts: 2,
                        eval_batch,
                    }
                },
            )
    })
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_valid_configuration_is_thread_count_independent_and_consistent(config in config_strategy()) {
        let problem = BitString {
            len: 30,
            flip_probability: 0.05,
            crossover: StringCrossover::TwoPoint,
        };
        let fitness = FnFitness(|g: &Vec<u8>| testbeds::trap(g, 3));
        let run = || Engine::new(&problem, &fitness, config.clone()).and_then(|e| e.run(&mut Silent));
        let one = pool(1).install(run).unwrap();
        let two = pool(2).install(run).unwrap();
        prop_assert_eq!(format!("{one:?}"), format!("{two:?}"));

        prop_assert_eq!(one.population.len(), config.population);
        prop_assert_eq!(one.history.len() as u64, one.generations + 1);
        for s in &one.population {
            prop_assert_eq!(s.hash, s.genome.canonical_hash());
            prop_assert_eq!(s.fitness, testbeds::trap(&s.genome, 3));
        }
        prop_assert!(one.population.windows(2).all(|w| w[0].fitness >= w[1].fitness));
        prop_assert_eq!(one.best.fitness, one.population[0].fitness);
        let threshold = config.hall_of_fame.map_or(0.0, |h| h.threshold);
        let mut hashes = std::collections::HashSet::new();
        for s in &one.hall_of_fame {
            prop_assert!(s.fitness >= threshold);
            prop_assert!(hashes.insert(s.hash));
            prop_assert_eq!(s.fitness, testbeds::trap(&s.genome, 3));
        }
        // Every final member above the threshold was seen, hence is in the hall of fame.
        for s in one.population.iter().filter(|s| s.fitness >= threshold) {
            prop_assert!(hashes.contains(&s.hash));
        }
        let evals: u64 = one.history.iter().map(|g| g.evaluations).sum();
        prop_assert_eq!(evals, one.evaluations);
    }

    #[test]
    fn crossover_only_exchanges_positions(len in 0usize..64, seed in any::<u64>(), block in 1usize..9, kind in 0usize..4) {
        let kind = match kind {
            0 => StringCrossover::OnePoint,
            1 => StringCrossover::TwoPoint,
            2 => StringCrossover::Uniform { swap_probability: 0.3 },
            _ => StringCrossover::Blockwise { block },
        };
        let mut rng = GaRng::seed_from_u64(seed);
        let a0: Vec<u16> = (0..len as u16).collect();
        let b0: Vec<u16> = (0..len as u16).map(|x| x + 1000).collect();
        let (mut a, mut b) = (a0.clone(), b0.clone());
        cross_strings(kind, &mut a, &mut b, &mut rng);
        for i in 0..len {
            let pair = (a[i], b[i]);
            prop_assert!(pair == (a0[i], b0[i]) || pair == (b0[i], a0[i]));
        }
    }
}
