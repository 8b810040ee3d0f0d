//! The GA background search: its operators only ever produce backgrounds the rules allow (checked
//! by the tree checker, which is independent of the automaton the operators walk), it reaches the
//! backgrounds LHCb B -> h h' analyses model, and a run does not depend on the thread count.

use hepzero_fastsim::StreamingConfig;
use hepzero_finder::{BackgroundProblem, GaSearchConfig, run_ga};
use hepzero_genetic::{Context, Genome, Problem, Silent};
use hepzero_pdg::ParticleTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, Vocabulary};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

fn vocab() -> Arc<Vocabulary> {
    static V: OnceLock<Arc<Vocabulary>> = OnceLock::new();
    V.get_or_init(|| Arc::new(Vocabulary::lhcb_default().unwrap())).clone()
}

fn grammar(signal: &str) -> Grammar {
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let config = hepzero_finder::all_measured_parents_limits(&production, &misid);
    Grammar::new(vocab(), signal, config).unwrap()
}

fn model(signal: &str, threshold: f64) -> RewardModel {
    let reward = RewardConfig {
        threshold,
        signal_events: 10_000,
        streaming: StreamingConfig { max_events: 4096, min_events: 2048, ..Default::default() },
        ..Default::default()
    };
    RewardModel::new(
        Arc::new(grammar(signal)),
        ParticleTable::lhcb_default(),
        Production::lhcb_default(),
        MisIdMatrix::lhcb_default(),
        reward,
    )
    .unwrap()
}

#[test]
fn operators_only_produce_valid_backgrounds() {
    for (signal, mode_weight) in
        [("B0 -> K+ pi- pi0", 0.0), ("B+ -> K+ mu+ mu-", 0.0), ("B0 -> K+ pi- pi0", 0.5)]
    {
        let g = grammar(signal);
        let p = BackgroundProblem::with_mode_weight(&g, mode_weight);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let ctx = Context { generation: 1, max_generations: 1 };
        let mut pop: Vec<_> = (0..200).map(|_| p.initialise(&mut rng)).collect();
        let mut seen = HashSet::new();
        for round in 0..10 {
            for i in 0..pop.len() {
                let j = (i * 7 + round + 1) % pop.len();
                let (mut a, mut b) = (pop[i].clone(), pop[j].clone());
                if round % 2 == 0 {
                    p.crossover(&mut a, &mut b, &ctx, &mut rng);
                } else {
                    p.mutate(&mut a, &ctx, &mut rng);
                }
                for x in [&a, &b] {
                    g.check_background(x.decay())
                        .unwrap_or_else(|e| panic!("{}: {e}", g.format_background(x.decay())));
                    assert_eq!(x.canonical_hash(), g.canonical_hash(x.decay()), "stale hash");
                    seen.insert(x.canonical_hash());
                }
                pop[i] = a;
            }
        }
        // The operators explore: many distinct backgrounds, not a few repeated ones.
        assert!(seen.len() > 500, "{signal}: only {} distinct backgrounds", seen.len());
    }
}

#[test]
fn mutation_reaches_the_b_to_hh_backgrounds() {
    // From the signal itself, chains of mutations reach the LHCb B -> h h' backgrounds: the pi as K
    // (B0 -> pi+ pi-) and the B_s0 -> K+ K- with a K as pi.
    let g = grammar("B0 -> K+ pi-");
    let p = BackgroundProblem::new(&g);
    let ctx = Context { generation: 1, max_generations: 1 };
    let wanted: Vec<u64> = ["B0 -> pi+{K+} pi-", "B_s0 -> K+ K-{pi-}"]
        .iter()
        .map(|s| g.canonical_hash(&g.parse_background(s).unwrap()))
        .collect();
    let start =
        hepzero_finder::BackgroundGenome::new(&g, g.parse_background("B0 -> K+ pi-").unwrap()).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut found = HashSet::new();
    for _ in 0..600 {
        let mut x = start.clone();
        for _ in 0..4 {
            p.mutate(&mut x, &ctx, &mut rng);
            found.insert(x.canonical_hash());
        }
    }
    for (h, s) in wanted.iter().zip(["pi pi", "Bs KK"]) {
        assert!(found.contains(h), "{s} not reached");
    }
}

#[test]
fn ga_ranking_has_the_oracle_form_and_is_thread_count_independent() {
    let config =
        GaSearchConfig { population: 120, generations: 3, elitism: 2, seed: 11, ..Default::default() };
    let run = |threads: usize| {
        // A fresh model per run, so the reward cache cannot hide a difference.
        let m = model("B0 -> K+ pi-", 1e-2);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run_ga(&m, &config, &mut Silent)).unwrap()
    };
    let (r1, h1) = run(1);
    let (r2, h2) = run(2);
    let names =
        |r: &hepzero_finder::Ranking| r.backgrounds.iter().map(|b| b.background.clone()).collect::<Vec<_>>();
    assert_eq!(names(&r1), names(&r2));
    assert_eq!(r1.evaluations, r2.evaluations);
    let curve =
        |h: &[hepzero_genetic::GenerationReport]| h.iter().map(|g| (g.best, g.distinct)).collect::<Vec<_>>();
    assert_eq!(curve(&h1), curve(&h2));
    assert_eq!(r1.method, "ga");
    assert_eq!(h1.len(), 4);
    // Same form as the oracle: exact rewards above threshold, best first, and each one is a
    // background whose reward a fresh model reproduces exactly.
    assert!(!r1.backgrounds.is_empty());
    assert!(r1.backgrounds.iter().all(|b| b.is_exact() && b.reward >= r1.threshold));
    assert!(r1.backgrounds.windows(2).all(|w| w[0].reward >= w[1].reward));
    let m = model("B0 -> K+ pi-", 1e-2);
    for b in &r1.backgrounds {
        let again = m.evaluate(&m.grammar().parse_background(&b.background).unwrap()).unwrap();
        assert_eq!(&again, b);
    }
}

#[test]
fn bad_settings_are_refused() {
    let m = model("B0 -> K+ pi-", 1e-2);
    let small = GaSearchConfig { population: 10, generations: 1, elitism: 1, ..Default::default() };
    for bad in [
        GaSearchConfig { revisit_factor: 1.5, ..small.clone() },
        GaSearchConfig { revisit_factor: f64::NAN, ..small.clone() },
        GaSearchConfig { mode_weight: -0.1, ..small.clone() },
        GaSearchConfig { regroup_rate: 0.7, neighbour_rate: 0.4, ..small.clone() },
        GaSearchConfig { neighbour_rate: f64::NAN, ..small.clone() },
    ] {
        assert!(run_ga(&m, &bad, &mut Silent).is_err(), "{bad:?} accepted");
    }
}
