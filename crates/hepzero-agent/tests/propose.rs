//! The shipped agent proposes, for `B0 -> K+ pi-`, the backgrounds the LHCb B -> h h' analyses
//! model (as the oracle's physics test asserts): `B0 -> pi+ pi-` with a pi taken for a K,
//! `B_s0 -> K+ K-` with a K taken for a pi, and `Lambda_b0 -> p K-` and `p pi-` with the p mis-identified;
//! the same seed gives the same proposal.

use hepzero_agent::{ProposeConfig, lhcb_model, propose, shipped_model};
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_reward::RewardConfig;
use hepzero_tokens::GrammarConfig;
use hepzero_transformer::{OrderMarking, PolicyValueNet, TransformerConfig};

/// A screen that splits the shipped model's draws on `B0 -> K+ pi-`.
const SCREEN: f64 = 1e-6;

#[test]
fn the_shipped_agent_proposes_the_b_to_hh_backgrounds() {
    let model = lhcb_model("B0 -> K+ pi-", &GrammarConfig::default(), &RewardConfig::reduced()).unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let net = shipped_model(&device).unwrap();
    let config = ProposeConfig { samples: 1000, seed: 5, ..ProposeConfig::default() };
    let proposal = propose(&net, &device, &model, &config, &mut |_, _| {}).unwrap();
    let ranking = &proposal.ranking;
    assert_eq!(ranking.method, "agent");
    assert_eq!(ranking.candidates, 1000);
    assert_eq!(ranking.evaluations as usize, proposal.first_seen.len());
    // Parent and true final-state species of a one-vertex background with nothing missing, with
    // charges and "anti-" dropped, so a mode and its conjugate compare equal.
    let species = |b: &str| -> Option<(String, Vec<String>)> {
        let (parent, rest) = b.split_once(" -> ")?;
        if rest.contains('(') || rest.contains("miss") {
            return None;
        }
        let strip = |t: &str| {
            t.split('{')
                .next()
                .unwrap_or(t)
                .trim_start_matches("anti-")
                .trim_end_matches(['+', '-'])
                .to_string()
        };
        let mut names: Vec<String> = rest.split_whitespace().map(strip).collect();
        names.sort();
        Some((parent.trim_start_matches("anti-").to_string(), names))
    };
    let proposed: Vec<_> = ranking.backgrounds.iter().filter_map(|b| species(&b.background)).collect();
    for (parent, a, b) in
        [("B0", "pi", "pi"), ("B_s0", "K", "K"), ("Lambda_b0", "K", "p"), ("Lambda_b0", "p", "pi")]
    {
        assert!(
            proposed.iter().any(|(p, n)| p == parent && n == &[a, b]),
            "{parent} -> {a} {b} not proposed: {proposed:?}"
        );
    }
    let again = propose(&net, &device, &model, &config, &mut |_, _| {}).unwrap();
    assert_eq!(again.first_seen, proposal.first_seen);
}

#[test]
fn deep_signals_whose_longest_background_outgrows_the_context_still_sample() {
    // Its longest background has 92 tokens; a network whose decoder context is 64: draws that
    // would outgrow it are dropped, the rest are proposed (this refused the whole signal before).
    let model = lhcb_model(
        "B0 -> (K*0 -> K+ pi-) mu+ mu-",
        &GrammarConfig::default(),
        &RewardConfig { signal_events: 4000, ..RewardConfig::reduced() },
    )
    .unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let shape = TransformerConfig {
        d_model: 16,
        heads: 2,
        d_ff: 32,
        max_decoder_len: 64,
        ..TransformerConfig::for_vocabulary(model.grammar().vocab())
    };
    let net = PolicyValueNet::new(&shape, 3, &device).unwrap();
    assert!(model.grammar().max_background_len() + 1 > net.config().max_decoder_len);
    for distinct in [false, true] {
        let config = ProposeConfig { samples: 300, seed: 1, distinct, ..ProposeConfig::default() };
        let proposal = propose(&net, &device, &model, &config, &mut |_, _| {}).unwrap();
        assert!(proposal.first_seen.len() > 10 && proposal.first_seen.iter().all(|&(_, at)| at <= 300));
    }
}

#[test]
fn drawing_without_replacement_spends_almost_every_draw_on_a_new_background() {
    // B0 -> K+ pi- has about 13,000 candidate backgrounds; the trained policy concentrates on a
    // few hundred, so independent draws repeat them (about half of 800 are repeats), while draws without replacement (other
    // daughter orders of a drawn background marked as drawn too) are nearly all new.
    let model = lhcb_model(
        "B0 -> K+ pi-",
        &GrammarConfig::default(),
        &RewardConfig { signal_events: 4000, ..RewardConfig::reduced() },
    )
    .unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let net = shipped_model(&device).unwrap();
    let distinct = |on: bool, order_marking: OrderMarking| {
        let config =
            ProposeConfig { samples: 800, seed: 2, distinct: on, order_marking, ..ProposeConfig::default() };
        let proposal = propose(&net, &device, &model, &config, &mut |_, _| {}).unwrap();
        assert_eq!(proposal.ranking.candidates, 800);
        proposal.ranking.evaluations
    };
    let with = distinct(false, OrderMarking::default());
    // A few draws are lost to rows of one batch drawing the same background at once. Other orders
    // marked with or without their network probabilities: both leave every draw a new background.
    for marking in [OrderMarking::Exact, OrderMarking::Unpriced] {
        let without = distinct(true, marking);
        assert!(without >= 640, "{without} new backgrounds in 800 draws without replacement ({marking:?})");
        assert!(10 * with < 7 * without, "{with} with replacement against {without} without ({marking:?})");
    }
}

#[test]
fn expanding_what_the_draws_find_rescues_a_policy_that_knows_nothing_of_the_signal() {
    // An untrained network is the extreme of a signal the agent never saw: its draws are a blind
    // walk over the B0 -> K+ pi- pi0 space (tens of thousands of candidates). The GA's table moves
    // around each background they hit (another parent, a regrouped resonance, one missing
    // daughter more or less) are a local search where the other backgrounds lie.
    let model = lhcb_model("B0 -> K+ pi- pi0", &GrammarConfig::default(), &RewardConfig::reduced()).unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let shape = TransformerConfig {
        d_model: 16,
        heads: 2,
        d_ff: 32,
        ..TransformerConfig::for_vocabulary(model.grammar().vocab())
    };
    let net = PolicyValueNet::new(&shape, 7, &device).unwrap();
    let run = |neighbours: usize| {
        let config =
            ProposeConfig { samples: 1200, chunk: 300, seed: 4, neighbours, ..ProposeConfig::default() };
        propose(&net, &device, &model, &config, &mut |_, _| {}).unwrap()
    };
    let (plain, expanded) = (run(0), run(32));
    for p in [&plain, &expanded] {
        assert_eq!(p.ranking.candidates, 1200);
        assert_eq!(p.ranking.evaluations as usize, p.first_seen.len());
        assert!(p.first_seen.iter().all(|&(_, at)| (1..=1200).contains(&at)));
    }
    let (a, b) = (plain.ranking.backgrounds.len(), expanded.ranking.backgrounds.len());
    assert!(b > 2 * a, "{b} backgrounds found with expansion against {a} without");
    assert_eq!(run(32).first_seen, expanded.first_seen);
}

#[test]
fn the_screen_keeps_draws_from_the_reward_and_changes_nothing_else() {
    // Without expansion the draws do not depend on what was scored, so a screened run draws the
    // same backgrounds as an unscreened one and scores a subset of them: every draw is either
    // scored or screened, and nothing found with the screen is missed without it.
    let model = lhcb_model("B0 -> K+ pi-", &GrammarConfig::default(), &RewardConfig::reduced()).unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let net = shipped_model(&device).unwrap();
    let run = |screen: f64| {
        let config =
            ProposeConfig { samples: 600, seed: 3, neighbours: 0, screen, ..ProposeConfig::default() };
        propose(&net, &device, &model, &config, &mut |_, _| {}).unwrap()
    };
    let (all, screened) = (run(0.0), run(SCREEN));
    assert_eq!(all.screened, 0);
    assert!(screened.screened > 0 && !screened.first_seen.is_empty(), "{} screened", screened.screened);
    assert_eq!(screened.first_seen.len() + screened.screened, all.first_seen.len());
    let drawn: std::collections::HashMap<u64, usize> = all.first_seen.iter().copied().collect();
    for (hash, at) in &screened.first_seen {
        assert_eq!(
            drawn.get(hash),
            Some(at),
            "a screened run scored a background the plain run did not draw"
        );
    }
    let found: std::collections::HashSet<&str> =
        all.ranking.backgrounds.iter().map(|b| b.background.as_str()).collect();
    assert!(screened.ranking.backgrounds.iter().all(|b| found.contains(b.background.as_str())));
    assert_eq!(screened.ranking.evaluations as usize, screened.first_seen.len());
    // A screen above every reward the value scale can stand for scores nothing.
    let none = run(100.0);
    assert_eq!((none.first_seen.len(), none.screened), (0, all.first_seen.len()));
}

/// The reward model of `signal` (reduced statistics) and the shipped network and overlap
/// estimator on the CPU: what the best-first tests share.
fn shipped_agent_on(
    signal: &str,
) -> (
    hepzero_reward::RewardModel,
    hepzero_backend::burn::tensor::Device,
    PolicyValueNet,
    hepzero_agent::OverlapEstimator,
) {
    let model = lhcb_model(signal, &GrammarConfig::default(), &RewardConfig::reduced()).unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let net = shipped_model(&device).unwrap();
    let overlap = hepzero_agent::shipped_overlap(&device).unwrap();
    (model, device, net, overlap)
}

#[test]
fn best_first_scores_the_same_draws_and_reaches_their_backgrounds_sooner() {
    // With the whole budget drawn before scoring and no expansion, best-first builds exactly the
    // draws of the order built and scores them all: the same backgrounds. Its own estimate of the
    // reward (the tables' factors and the overlap estimator, no simulation) puts them first, on a
    // signal neither network was trained on.
    let (model, device, net, overlap) = shipped_agent_on("B_s0 -> K- pi+");
    let agent = hepzero_agent::Agent { net: &net, overlap: Some(&overlap), device: &device };
    let config = ProposeConfig {
        samples: 4000,
        seed: 6,
        neighbours: 0,
        considered_mutants: 0,
        draw_share: 1.0,
        ..ProposeConfig::default()
    };
    let built = agent.propose(&model, &config, &mut |_, _| {}).unwrap();
    let best = ProposeConfig { best_first: true, ..config.clone() };
    let first = agent.propose(&model, &best, &mut |_, _| {}).unwrap();
    let names = |p: &hepzero_agent::Proposal| {
        let mut v: Vec<String> = p.ranking.backgrounds.iter().map(|b| b.background.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(names(&first), names(&built));
    assert_eq!(first.ranking.evaluations, built.ranking.evaluations);
    assert_eq!(first.scored.len(), first.first_seen.len());
    // Reward evaluations until 90% of the backgrounds are found, in each order.
    let found: std::collections::HashSet<&str> =
        built.ranking.backgrounds.iter().map(|b| b.background.as_str()).collect();
    let hashes: std::collections::HashSet<u64> = {
        let g = model.grammar();
        found.iter().map(|b| g.canonical_hash(&g.parse_background(b).unwrap())).collect()
    };
    let needed = |order: Vec<u64>| {
        let target = (0.9 * hashes.len() as f64).ceil() as usize;
        let mut hit = 0;
        1 + order
            .iter()
            .position(|h| {
                hit += usize::from(hashes.contains(h));
                hit >= target
            })
            .unwrap()
    };
    let (a, b) = (
        needed(built.first_seen.iter().map(|&(h, _)| h).collect()),
        needed(first.scored.iter().map(|&(h, _)| h).collect()),
    );
    assert!(
        2 * b < a,
        "90% of {} backgrounds: {b} evaluations best-first, {a} in the order built",
        hashes.len()
    );
    let again = agent.propose(&model, &best, &mut |_, _| {}).unwrap();
    assert_eq!(again.scored, first.scored);
}

#[test]
fn best_first_refuses_settings_it_cannot_honour() {
    let (model, device, net, overlap) = shipped_agent_on("B0 -> K+ pi-");
    let best = ProposeConfig { samples: 100, best_first: true, ..ProposeConfig::default() };
    let refused = |overlap, config: &ProposeConfig| {
        let agent = hepzero_agent::Agent { net: &net, overlap, device: &device };
        agent.propose(&model, config, &mut |_, _| {}).unwrap_err().to_string()
    };
    assert!(refused(None, &best).contains("train-overlap"));
    let share = ProposeConfig { draw_share: 1.5, ..best.clone() };
    assert!(refused(Some(&overlap), &share).contains("got 1.5"));
    let independent = ProposeConfig { distinct: false, ..best.clone() };
    assert!(refused(Some(&overlap), &independent).contains("without replacement"));
}

#[test]
fn considered_mutants_are_built_only_within_the_budget_and_find_more_of_the_oracle() {
    // Mutants made and estimated around each background found, built only when they reach the
    // top of the queue, against the same number built as they are made: within one budget, the
    // agent's own estimate picks the mutants worth a sequence, so more of the oracle's
    // backgrounds are found, on a signal neither network was trained on.
    let (model, device, net, overlap) = shipped_agent_on("B_s0 -> K- pi+");
    let agent = hepzero_agent::Agent { net: &net, overlap: Some(&overlap), device: &device };
    let truth = {
        let oracle = hepzero_finder::run_oracle(
            &model,
            hepzero_pdg::DecayTable::lhcb_default(),
            &hepzero_finder::OracleConfig::default(),
            &|_, _| {},
        )
        .unwrap();
        hepzero_agent::ranking_hashes(&model, &oracle).unwrap()
    };
    let samples = 3000;
    let eager = ProposeConfig {
        samples,
        seed: 8,
        best_first: true,
        chunk: 500,
        considered_mutants: 0,
        ..ProposeConfig::default()
    };
    let lazy = ProposeConfig { considered_mutants: 256, ..eager.clone() };
    let made = agent.propose(&model, &eager, &mut |_, _| {}).unwrap();
    let picked = agent.propose(&model, &lazy, &mut |_, _| {}).unwrap();
    assert!(picked.first_seen.len() <= samples && picked.first_seen.last().unwrap().1 <= samples);
    assert_eq!(picked.scored.len(), picked.first_seen.len());
    assert!(picked.considered > 0, "the budget left mutants unbuilt");
    let recall = |p: &hepzero_agent::Proposal| hepzero_agent::recall(&truth, &p.first_seen, samples);
    let (r_made, r_picked) = (recall(&made), recall(&picked));
    eprintln!("recall at {samples}: {r_made:.3} built as made, {r_picked:.3} considered first");
    assert!(
        r_picked > r_made,
        "recall at {samples}: {r_picked:.3} considered first, {r_made:.3} built as made"
    );
    // Mutants are made in parallel: one thread gives the same proposal.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let single = pool.install(|| agent.propose(&model, &lazy, &mut |_, _| {}).unwrap());
    assert_eq!(single.scored, picked.scored);
}
