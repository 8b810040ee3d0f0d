//! Resume: N training steps straight, or N/2 steps, save, drop everything, resume from disk and N/2
//! more, give identical networks (same outputs bit for bit) on the CPU for a fixed seed.

mod common;

use common::*;
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_transformer::{Example, Query, Trainer, TrainerConfig};

const N: usize = 6;

#[test]
fn kill_and_resume_loses_no_steps() {
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, "B0 -> K+ pi- pi0");
    let mut r = rng(41);
    let data: Vec<Example> = (0..8)
        .map(|i| {
            let (background, valid) = random_background(&g, &mut r);
            Example {
                signal: g.signal_tokens().to_vec(),
                background,
                weight: 1.0 + i as f32,
                value: 0.1 * i as f32,
                valid: Some(valid),
                policy: None,
            }
        })
        .collect();
    // The data loader: batch k is a function of the step count only.
    let batch = |step: u64| -> Vec<Example> {
        (0..3).map(|j| data[(step as usize * 3 + j) % data.len()].clone()).collect()
    };
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device.autodiff();
    let fresh = || Trainer::new(small_net(vocab.len(), 5, &device), TrainerConfig::default(), device.clone());

    let mut straight = fresh();
    for _ in 0..N {
        straight.step(&batch(straight.steps())).expect("step");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = fresh();
    for _ in 0..N / 2 {
        first.step(&batch(first.steps())).expect("step");
    }
    first.save(dir.path()).expect("save");
    drop(first);
    let mut resumed = Trainer::resume(dir.path(), device.clone()).expect("resume");
    assert_eq!(resumed.steps(), (N / 2) as u64);
    for _ in 0..N / 2 {
        resumed.step(&batch(resumed.steps())).expect("step");
    }

    let (bg, masks) = random_background(&g, &mut rng(42));
    let query = [Query { signal: g.signal_tokens(), background: &bg[..2], valid: &masks[2] }];
    let a = straight.model().evaluate(&query, &device).expect("eval");
    let b = resumed.model().evaluate(&query, &device).expect("eval");
    assert_eq!(a, b, "resumed training diverged from straight training");
    // ... and resuming the weights with fresh Adam moments would not (the test can fail).
    let weights = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("weights-"))
        .expect("weights file");
    let loaded = hepzero_backend::load_module(small_net(vocab.len(), 0, &device), &weights).expect("load");
    let mut no_moments = Trainer::new(loaded, TrainerConfig::default(), device.clone());
    for k in 0..N / 2 {
        no_moments.step(&batch((N / 2 + k) as u64)).expect("step");
    }
    let c = no_moments.model().evaluate(&query, &device).expect("eval");
    assert_ne!(a, c, "fresh Adam moments should change the result");
}
