//! The same network (same seed) on ndarray, flex and wgpu gives the same priors and values to 1e-4,
//! and one training step moves the loss identically to 1e-3. On a machine where wgpu finds no
//! adapter this FAILS with the reason (CI installs Mesa's lavapipe Vulkan driver), so the GPU path
//! cannot be skipped silently.

mod common;

use common::*;
use hepzero_backend::burn::tensor::Device;
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_transformer::{Evaluated, Example, Query, Trainer, TrainerConfig};

fn device(choice: DeviceChoice) -> Device {
    select_device(choice)
        .unwrap_or_else(|e| {
            panic!(
                "{choice:?} is not usable here ({e}); install a Vulkan driver (mesa-vulkan-drivers) for gpu"
            )
        })
        .device
}

fn run(device: Device) -> (Evaluated, f32, f32) {
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, "B0 -> K+ pi- pi0");
    let mut r = rng(31);
    let samples: Vec<_> = (0..3).map(|_| random_background(&g, &mut r)).collect();
    let queries: Vec<Query> = samples
        .iter()
        .map(|(bg, masks)| Query { signal: g.signal_tokens(), background: &bg[..3], valid: &masks[3] })
        .collect();
    let out = small_net(vocab.len(), 17, &device).evaluate(&queries, &device).expect("evaluate");
    let examples: Vec<Example> = samples
        .iter()
        .map(|(bg, masks)| Example {
            signal: g.signal_tokens().to_vec(),
            background: bg.clone(),
            weight: 1.0,
            value: 0.3,
            valid: Some(masks.clone()),
            policy: None,
        })
        .collect();
    let train = device.autodiff();
    let mut trainer = Trainer::new(small_net(vocab.len(), 17, &train), TrainerConfig::default(), train);
    let first = trainer.step(&examples).expect("step").loss;
    let second = trainer.step(&examples).expect("step").loss;
    (out, first, second)
}

#[test]
fn ndarray_flex_and_wgpu_agree() {
    let reference = run(device(DeviceChoice::Ndarray));
    for choice in [DeviceChoice::Flex, DeviceChoice::Gpu] {
        let other = run(device(choice));
        let d = max_abs_diff(&reference.0.priors, &other.0.priors);
        assert!(d < 1e-4, "{choice:?}: priors differ from ndarray by {d}");
        let d = max_abs_diff(&reference.0.values, &other.0.values);
        assert!(d < 1e-4, "{choice:?}: values differ from ndarray by {d}");
        assert!((reference.1 - other.1).abs() < 1e-4, "{choice:?}: loss {} vs {}", other.1, reference.1);
        assert!(
            (reference.2 - other.2).abs() < 1e-3,
            "{choice:?}: loss after one step {} vs {}",
            other.2,
            reference.2
        );
    }
    assert!(
        reference.2 < reference.1,
        "one Adam step should lower the loss: {} -> {}",
        reference.1,
        reference.2
    );
}
