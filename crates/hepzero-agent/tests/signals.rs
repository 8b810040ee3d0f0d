//! The benchmark's signal lists (fixtures/benchmarks/) can all be used: every signal parses, its
//! parent has a production fraction, and the embedded decay table produces it (the reward model
//! simulates it), with the kinds the issue asks for present in the training list.

use hepzero_agent::{benchmark_generalisation, benchmark_training};
use hepzero_finder::model_for_signal;
use hepzero_pdg::DecayTable;
use hepzero_reward::{MisIdMatrix, Production, RewardConfig};
use hepzero_tokens::GrammarConfig;

#[test]
fn every_benchmark_signal_has_a_reward_model() {
    let reward = RewardConfig { signal_events: 2000, ..RewardConfig::reduced() };
    let mut failures = Vec::new();
    for list in [benchmark_training(), benchmark_generalisation()] {
        for (i, s) in list.signals.iter().enumerate() {
            let model = model_for_signal(
                &s.signal,
                DecayTable::lhcb_default(),
                Production::lhcb_default(),
                MisIdMatrix::lhcb_default(),
                GrammarConfig::default(),
                reward.clone(),
            );
            if let Err(e) = model {
                failures.push(list.error(i, e).to_string());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_training_list_covers_the_kinds_of_the_issue() {
    let training = benchmark_training().names();
    let has = |f: &dyn Fn(&str) -> bool| training.iter().any(|s| f(s));
    assert!(has(&|s| s.starts_with("B_s0")), "a B_s0 decay");
    assert!(has(&|s| s.starts_with("Lambda_b0")), "a Lambda_b0 decay");
    assert!(has(&|s| s.contains("J/psi")), "B -> J/psi h");
    assert!(has(&|s| s.contains("mu+ mu-") && !s.contains("J/psi")), "B -> h mu mu");
    assert!(has(&|s| s.contains("(anti-D0") || s.contains("(D-")), "B -> D h");
    assert!(has(&|s| s.starts_with("D+") || s.starts_with("D_s+")), "D -> hhh");
}
