//! Pure MCTS on the background task: thread independence, agreement with the exhaustive oracle, and
//! a background LHCb B -> h h' analyses model (PRD 98 (2018) 032004) found with a small budget.

use hepzero_finder::mcts::{BackgroundEnv, default_search};
use hepzero_finder::{MctsConfig, OracleConfig, enumerate_backgrounds, run_mcts};
use hepzero_mcts::Environment;
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{MisIdMatrix, Production, RewardConfig, RewardModel};
use hepzero_tokens::{Grammar, Vocabulary};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

fn model(signal: &str, threshold: f64) -> RewardModel {
    static V: OnceLock<Arc<Vocabulary>> = OnceLock::new();
    let vocab = V.get_or_init(|| Arc::new(Vocabulary::lhcb_default().unwrap())).clone();
    let particles = ParticleTable::lhcb_default();
    let production = Production::lhcb_default();
    let misid = MisIdMatrix::lhcb_default();
    let config = hepzero_finder::all_measured_parents_limits(&production, &misid);
    let grammar = Arc::new(Grammar::new(vocab, signal, config).unwrap());
    // Few events: the suite runs in debug.
    let reward = RewardConfig {
        threshold,
        signal_events: 20_000,
        streaming: hepzero_fastsim::StreamingConfig {
            max_events: 8192,
            min_events: 4096,
            ..Default::default()
        },
        ..Default::default()
    };
    RewardModel::new(grammar, particles, production, misid, reward).unwrap()
}

fn small(sequences: u64, simulations: u64) -> MctsConfig {
    MctsConfig { sequences, simulations, seed: 7, search: default_search(), ..MctsConfig::default() }
}

#[test]
fn one_and_two_threads_give_the_same_ranking() {
    let m = model("B0 -> K+ pi-", 1e-3);
    // Without replacement (the default: one trie, episodes in sequence) and with (several
    // episodes per round at 100 simulations per move, so rounds really run in parallel).
    for distinct in [true, false] {
        let config = MctsConfig { distinct_sequences: distinct, ..small(600, 100) };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| run_mcts(&m, &config, &|_, _| {})).unwrap()
        };
        let one = run(1);
        let two = run(2);
        assert_eq!(one.method, "mcts");
        assert!(!one.backgrounds.is_empty());
        assert_eq!(one.backgrounds, two.backgrounds);
        assert_eq!(one.candidates, two.candidates);
    }
}

#[test]
fn every_background_found_is_valid_and_among_the_oracles_candidates() {
    let m = model("B0 -> K+ pi-", 1e-3);
    // The oracle's enumeration (BR floor 1e-9), in canonical form: scoring it all is too slow for a
    // debug test, and the reward of a background does not depend on who found it.
    let candidates =
        enumerate_backgrounds(m.grammar(), DecayTable::lhcb_default(), &OracleConfig::default()).unwrap();
    let oracle: BTreeSet<String> =
        candidates.iter().map(|d| m.grammar().canonical_string(d).unwrap()).collect();
    let mcts = run_mcts(&m, &small(1200, MctsConfig::default().simulations), &|_, _| {}).unwrap();
    for b in &mcts.backgrounds {
        m.grammar().parse_background(&b.background).unwrap();
        assert!(b.reward >= mcts.threshold && b.is_exact());
        assert!(oracle.contains(&b.background), "{} not among the oracle's candidates", b.background);
    }
    // Already with 1,200 sequences the search reaches backgrounds LHCb B -> h h' analyses model:
    // B0 -> pi+ pi- / B_s0 -> K+ K- with a pion or kaon mis-identified, Lambda_b0 -> p h with the
    // proton mis-identified (either charge), or B -> K pi pi0 with the pi0 missing.
    let names: BTreeSet<&str> = mcts.backgrounds.iter().map(|b| b.background.as_str()).collect();
    let modelled = |b: &str| {
        (b.starts_with("B0 -> ") && b.contains("pi+{K+}") && b.contains("pi-"))
            || (b.starts_with("B_s0 -> ") && b.contains("K-{pi-}") && b.contains("K+"))
            || (b.contains("Lambda_b0 -> ") && (b.contains("p-{pi-}") || b.contains("p+{K+}")))
            || (b.contains("pi0{miss}")
                && b.contains("K+")
                && b.contains("pi-")
                && b.matches("{miss}").count() == 1)
    };
    assert!(names.iter().any(|b| modelled(b)), "{names:#?}");
}

#[test]
fn two_daughter_orders_of_one_background_share_a_transposition_key() {
    let m = model("B0 -> K+ pi-", 1e-3);
    let env = BackgroundEnv::new(&m);
    let g = m.grammar();
    let play = |text: &str| {
        let d = g.parse_background(text).unwrap();
        let mut s = env.initial_state();
        for t in g.background_tokens(&d) {
            let mut mask = hepzero_mcts::ActionMask::new(env.num_actions());
            env.legal_actions(&s, &mut mask);
            assert!(mask.contains(u32::from(t.0)), "{text}: token {} not legal", g.vocab().token_name(t));
            env.apply(&mut s, u32::from(t.0));
        }
        assert!(env.is_terminal(&s));
        s
    };
    let a = play("B0 -> pi+{K+} pi-");
    let b = play("B0 -> pi- pi+{K+}");
    assert_ne!(a.tokens(), b.tokens());
    assert_eq!(env.transposition_key(&a), env.transposition_key(&b));
    assert!(env.transposition_key(&a).is_some());
    assert_eq!(env.terminal_reward(&a), env.terminal_reward(&b));
    // Scored once, though reached twice.
    assert_eq!(env.evaluations(), 1);
    // A prefix has no key.
    assert_eq!(env.transposition_key(&env.initial_state()), None);
}

#[test]
fn bad_settings_are_refused() {
    let m = model("B0 -> K+ pi-", 1e-3);
    assert!(run_mcts(&m, &small(0, 10), &|_, _| {}).is_err());
    let mut c = small(10, 10);
    c.temperature = f64::NAN;
    assert!(run_mcts(&m, &c, &|_, _| {}).is_err());
    let c = MctsConfig { revisit_reward: 1.5, ..small(10, 10) };
    assert!(run_mcts(&m, &c, &|_, _| {}).is_err());
    let c = MctsConfig { playout_mode_weight: Some(-0.5), ..small(10, 10) };
    assert!(run_mcts(&m, &c, &|_, _| {}).is_err());
}

#[test]
fn table_weighted_playouts_only_play_legal_tokens_and_favour_large_branching_fractions() {
    // The playout policy walks the grammar with decay modes drawn by branching fraction. Every move
    // must be legal, every walk must end in a background the tree checker accepts, and the
    // backgrounds reached must have much larger product BRs than those of uniform token walks.
    let m = model("B0 -> K+ pi- pi0", 1e-3);
    let g = m.grammar();
    let walk = |env: &BackgroundEnv<'_>, n: usize| {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut brs = Vec::new();
        for _ in 0..n {
            let mut s = env.initial_state();
            while !env.is_terminal(&s) {
                let mut mask = hepzero_mcts::ActionMask::new(env.num_actions());
                env.legal_actions(&s, &mut mask);
                let a = if env.has_playout_policy() {
                    env.playout_action(&s, &mask, rng.random::<f64>()).unwrap()
                } else {
                    mask.nth(rng.random_range(0..mask.count())).unwrap()
                };
                assert!(mask.contains(a), "illegal playout token {a}");
                env.apply(&mut s, a);
            }
            let d = g.decode_background(s.tokens()).unwrap();
            g.check_background(&d).unwrap();
            brs.push(g.product_br(&d).unwrap());
        }
        brs.sort_by(f64::total_cmp);
        brs[n / 2]
    };
    let uniform = walk(&BackgroundEnv::new(&m), 300);
    let table = walk(&BackgroundEnv::with_playout(&m, Some(0.5)), 300);
    // The median product BR of the walks' backgrounds rises several-fold (measured ~6x).
    assert!(table > 3.0 * uniform, "median product BR: table-weighted {table:e}, uniform {uniform:e}");
}

#[test]
fn the_other_daughter_orders_of_a_background_are_its_equivalent_sequences() {
    let m = model("B0 -> K+ pi-", 1e-3);
    let g = m.grammar();
    let env = BackgroundEnv::new(&m);
    let state = |text: &str| {
        let mut s = env.initial_state();
        for t in g.background_tokens(&g.parse_background(text).unwrap()) {
            env.apply(&mut s, u32::from(t.0));
        }
        assert!(env.is_terminal(&s), "{text}");
        s
    };
    let orders = |env: &BackgroundEnv<'_>, text: &str| {
        let mut out = Vec::new();
        env.equivalent_sequences(&state(text), &mut out);
        out
    };
    // Two daughters: the one other order.
    let two = orders(&env, "B0 -> pi+{K+} pi-");
    let swapped: Vec<u32> = g
        .background_tokens(&g.parse_background("B0 -> pi- pi+{K+}").unwrap())
        .iter()
        .map(|t| u32::from(t.0))
        .collect();
    assert_eq!(two, vec![swapped]);
    // Three distinct daughters: 3! - 1 others, each a legal sequence of the same background.
    let three = orders(&env, "B0 -> K+ pi- pi0{miss}");
    assert_eq!(three.len(), 5);
    let key = env.transposition_key(&state("B0 -> K+ pi- pi0{miss}"));
    for seq in &three {
        let mut s = env.initial_state();
        for &a in seq {
            let mut mask = hepzero_mcts::ActionMask::new(env.num_actions());
            env.legal_actions(&s, &mut mask);
            assert!(mask.contains(a));
            env.apply(&mut s, a);
        }
        assert!(env.is_terminal(&s));
        assert_eq!(env.transposition_key(&s), key);
    }
    // Switched off: none.
    assert!(orders(&BackgroundEnv::new(&m).with_equivalent_orders(false), "B0 -> pi+{K+} pi-").is_empty());
}

#[test]
fn drawing_without_replacement_reaches_more_distinct_backgrounds_at_equal_budget() {
    let m = model("B0 -> K+ pi-", 1e-3);
    let plain = MctsConfig { distinct_sequences: false, ..small(800, 5) };
    let distinct = MctsConfig { distinct_sequences: true, ..small(800, 5) };
    let a = run_mcts(&m, &plain, &|_, _| {}).unwrap();
    let b = run_mcts(&m, &distinct, &|_, _| {}).unwrap();
    // Without replacement every sequence is a new background (800), with it a few hundred.
    assert_eq!(b.candidates, 800);
    assert!(b.candidates as f64 > 1.5 * a.candidates as f64, "{} vs {}", b.candidates, a.candidates);
}
