//! The training loop's pieces: soft (visit-distribution) targets reduce to the hard next-token
//! loss when they are one-hot, the validation split never puts a signal on both sides, the
//! learning-rate schedule has its warm-up and cosine shape, and a fit interrupted by a checkpoint
//! and a resume ends with the same network as an uninterrupted one.

mod common;

use common::*;
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_tokens::END;
use hepzero_transformer::{
    Example, FitConfig, Query, Trainer, TrainerConfig, scheduled_learning_rate, split_by_signal,
};

const SIGNALS: [&str; 4] = ["B0 -> K+ pi- pi0", "B0 -> K+ pi-", "B_s0 -> K+ K-", "Lambda_b0 -> p+ K-"];

fn examples(per_signal: usize, seed: u64) -> Vec<Example> {
    let vocab = lhcb_vocab();
    let mut r = rng(seed);
    SIGNALS
        .iter()
        .flat_map(|s| {
            let g = grammar(&vocab, s);
            (0..per_signal)
                .map(|_| {
                    let (background, valid) = random_background(&g, &mut r);
                    let mut e = Example::new(g.signal_tokens().to_vec(), background, 1.0, 0.5);
                    e.valid = Some(valid);
                    e
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn one_hot_soft_targets_give_the_hard_target_loss() {
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device.autodiff();
    let trainer = Trainer::new(small_net(lhcb_vocab().len(), 3, &device), TrainerConfig::default(), device);
    let hard = examples(2, 8);
    let soft: Vec<Example> = hard
        .iter()
        .map(|e| {
            let mut s = e.clone();
            let next = e.background.iter().copied().chain(std::iter::once(END));
            s.policy = Some(next.map(|t| vec![(u32::from(t.0), 1.0)]).collect());
            s
        })
        .collect();
    let a = trainer.measure(&hard).expect("hard");
    let b = trainer.measure(&soft).expect("soft");
    assert!((a.loss - b.loss).abs() < 1e-4 * a.loss.abs(), "hard {a:?} vs soft {b:?}");
    // A spread target costs more than the one-hot one the network does not yet favour.
    let mut spread = soft.clone();
    for (e, h) in spread.iter_mut().zip(&hard) {
        let masks = h.valid.as_ref().expect("masks");
        e.policy = Some(
            masks
                .iter()
                .map(|words| {
                    let allowed: Vec<u32> = (0..64 * words.len() as u32)
                        .filter(|&t| (words[t as usize / 64] >> (t % 64)) & 1 == 1)
                        .collect();
                    let p = 1.0 / allowed.len() as f32;
                    allowed.into_iter().map(|t| (t, p)).collect()
                })
                .collect(),
        );
    }
    let c = trainer.measure(&spread).expect("spread");
    assert!(c.policy_loss.is_finite() && c.policy_loss > 0.0, "{c:?}");
}

#[test]
fn validation_split_keeps_each_signal_on_one_side() {
    let all = examples(3, 9);
    let (train, validation) = split_by_signal(all.clone(), 0.25, 1);
    assert_eq!(train.len() + validation.len(), all.len());
    assert_eq!(validation.len(), 3, "one of four signals, three backgrounds each");
    for v in &validation {
        assert!(train.iter().all(|t| t.signal != v.signal), "a validation signal is also in training");
    }
    assert_eq!(split_by_signal(all, 0.25, 1).1, validation, "the split depends on the seed only");
}

#[test]
fn schedule_warms_up_then_decays_by_a_cosine() {
    let config = FitConfig { warmup_steps: 10, final_fraction: 0.1, ..FitConfig::default() };
    assert!((scheduled_learning_rate(1.0, 0, 110, &config) - 0.1).abs() < 1e-12);
    assert!((scheduled_learning_rate(1.0, 9, 110, &config) - 1.0).abs() < 1e-12);
    assert!((scheduled_learning_rate(1.0, 10, 110, &config) - 1.0).abs() < 1e-12);
    // Half-way through the decay: floor + (1 - floor) * (1 + cos(pi/2)) / 2 = 0.55.
    assert!((scheduled_learning_rate(1.0, 60, 110, &config) - 0.55).abs() < 1e-12);
    assert!((scheduled_learning_rate(1.0, 110, 110, &config) - 0.1).abs() < 1e-12);
}

#[test]
fn an_interrupted_fit_resumes_to_the_same_network() {
    let (train, validation) = split_by_signal(examples(4, 10), 0.25, 2);
    let config =
        FitConfig { epochs: 4, batch_size: 4, warmup_steps: 3, patience: Some(2), ..FitConfig::default() };
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device.autodiff();
    let fresh =
        || Trainer::new(small_net(lhcb_vocab().len(), 4, &device), TrainerConfig::default(), device.clone());

    let mut straight = fresh();
    let report = straight.fit(&train, &validation, &config, |_, _| Ok(())).expect("fit");
    assert!(!report.epochs.is_empty() && report.best_epoch.is_some());
    assert!(report.epochs.windows(2).all(|w| w[1].epoch == w[0].epoch + 1));

    // Stop after two epochs (checkpoint), resume from disk, finish.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = fresh();
    let two = FitConfig { epochs: 4, ..config.clone() };
    let mut epochs_seen = 0;
    let _ = first.fit(&train, &validation, &two, |_, t| {
        epochs_seen += 1;
        t.save(dir.path())?;
        if epochs_seen == 2 { Err(hepzero_transformer::Error::EmptyBatch) } else { Ok(()) }
    });
    drop(first);
    let mut resumed = Trainer::resume(dir.path(), device.clone()).expect("resume");
    assert_eq!(resumed.history().len(), 2);
    let again = resumed.fit(&train, &validation, &config, |_, _| Ok(())).expect("fit");
    assert_eq!(again, report, "the resumed fit's history differs");

    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNALS[0]);
    let (bg, masks) = random_background(&g, &mut rng(5));
    let q = [Query { signal: g.signal_tokens(), background: &bg[..1], valid: &masks[1] }];
    let a = straight.model().evaluate(&q, &device).expect("eval");
    let b = resumed.model().evaluate(&q, &device).expect("eval");
    assert_eq!(a, b, "the resumed fit ended with a different network");
}

#[test]
fn a_fit_without_validation_resumes_from_disk() {
    // No validation set: the history's validation figures are NaN, which JSON stores as null.
    let train = examples(4, 10);
    let config =
        FitConfig { epochs: 3, batch_size: 4, warmup_steps: 3, patience: None, ..FitConfig::default() };
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device.autodiff();
    let fresh =
        || Trainer::new(small_net(lhcb_vocab().len(), 4, &device), TrainerConfig::default(), device.clone());
    let report = fresh().fit(&train, &[], &config, |_, _| Ok(())).expect("fit");

    let dir = tempfile::tempdir().expect("tempdir");
    let _ = fresh().fit(&train, &[], &config, |_, t| {
        t.save(dir.path())?;
        Err(hepzero_transformer::Error::EmptyBatch)
    });
    let mut resumed = Trainer::resume(dir.path(), device.clone()).expect("resume a history holding NaN");
    assert!(resumed.history()[0].validation_loss.is_nan());
    let again = resumed.fit(&train, &[], &config, |_, _| Ok(())).expect("fit");
    let losses =
        |r: &hepzero_transformer::FitReport| r.epochs.iter().map(|e| e.train_loss).collect::<Vec<_>>();
    assert_eq!(losses(&again), losses(&report));
}

#[test]
fn self_play_games_become_visit_distribution_examples() {
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNALS[0]);
    let (background, masks) = random_background(&g, &mut rng(12));
    let moves: Vec<u32> = background.iter().chain(std::iter::once(&END)).map(|t| u32::from(t.0)).collect();
    // Each move: 3 visits on the move played, 1 on the lowest other valid token (if any).
    let policies: Vec<Vec<(u32, u32)>> = moves
        .iter()
        .zip(&masks)
        .map(|(&played, words)| {
            let other = (0..64 * words.len() as u32)
                .find(|&t| t != played && (words[t as usize / 64] >> (t % 64)) & 1 == 1);
            let mut v = vec![(played, 3)];
            v.extend(other.map(|t| (t, 1)));
            v.sort();
            v
        })
        .collect();
    let game = hepzero_mcts::Episode { tokens: moves.clone(), policies, reward: 2.5 };
    let example = Example::from_episode(g.signal_tokens().to_vec(), &game, 0.7).expect("finished game");
    assert_eq!(example.background, background);
    let policy = example.policy.as_ref().expect("soft targets");
    assert_eq!(policy.len(), background.len() + 1);
    for (dist, &played) in policy.iter().zip(&moves) {
        let total: f32 = dist.iter().map(|&(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-6);
        let p = dist.iter().find(|&&(t, _)| t == played).map(|&(_, p)| p).expect("played move");
        assert!(p == 1.0 || (p - 0.75).abs() < 1e-6, "visit share of the played move {p}");
    }
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device.autodiff();
    let mut trainer = Trainer::new(small_net(vocab.len(), 6, &device), TrainerConfig::default(), device);
    let mut with_masks = example.clone();
    with_masks.valid = Some(masks);
    let before = trainer.step(std::slice::from_ref(&with_masks)).expect("step");
    assert!(before.loss.is_finite());
    // An unfinished game (no END) is refused.
    let unfinished = hepzero_mcts::Episode { tokens: moves[..moves.len() - 1].to_vec(), ..game };
    assert!(Example::from_episode(g.signal_tokens().to_vec(), &unfinished, 0.7).is_err());
}
