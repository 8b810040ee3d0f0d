//! The same tiny MLP, from the same seed and data, trained on every compiled backend: the loss must
//! fall, and the backends must agree on the first forward pass (1e-4) and on the loss after 20 Adam
//! steps (1e-3). On a machine without a wgpu adapter the wgpu case FAILS with the reason, so CI cannot
//! skip it silently (CI installs Mesa's lavapipe Vulkan driver).

use burn::tensor::{Device, Tensor, TensorData};
use hepzero_backend::burn;
use hepzero_backend::{Activation, AdamStep, AdamStepConfig, DeviceChoice, MlpConfig, select_device};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BATCH: usize = 64;
const STEPS: usize = 20;

/// y = sin(2 x0) + x1^2 - 0.5 x2 on x uniform in [-1, 1]^3.
fn data() -> (Vec<f32>, Vec<f32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let x: Vec<f32> = (0..BATCH * 3).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let y = x.chunks(3).map(|v| (2.0 * v[0]).sin() + v[1] * v[1] - 0.5 * v[2]).collect();
    (x, y)
}

struct Run {
    first_forward: Vec<f32>,
    losses: Vec<f32>,
}

fn train(device: Device) -> Run {
    let device = device.autodiff();
    let (x, y) = data();
    let x = Tensor::<2>::from_data(TensorData::new(x, [BATCH, 3]), &device);
    let y = Tensor::<2>::from_data(TensorData::new(y, [BATCH, 1]), &device);
    let mut model =
        MlpConfig::new(3, &[16, 16], 1).with_activation(Activation::Tanh).init(11, &device).unwrap();
    let mut adam = AdamStep::new(&AdamStepConfig { learning_rate: 1e-2, ..Default::default() });
    let first_forward = model.forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
    let mut losses = Vec::new();
    for _ in 0..STEPS {
        let loss = (model.forward(x.clone()) - y.clone()).powi_scalar(2).mean();
        losses.push(loss.clone().into_scalar::<f32>());
        model = adam.step(model, loss);
    }
    losses.push((model.forward(x) - y).powi_scalar(2).mean().into_scalar::<f32>());
    Run { first_forward, losses }
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max)
}

fn runs() -> Vec<(&'static str, Run)> {
    let mut choices: Vec<(&'static str, DeviceChoice)> = Vec::new();
    if cfg!(feature = "ndarray") {
        choices.push(("ndarray", DeviceChoice::Ndarray));
    }
    if cfg!(feature = "flex") {
        choices.push(("flex", DeviceChoice::Flex));
    }
    if cfg!(feature = "wgpu") {
        choices.push(("wgpu", DeviceChoice::Gpu));
    }
    choices
        .into_iter()
        .map(|(name, choice)| {
            let selected = select_device(choice).unwrap_or_else(|e| {
                panic!("the {name} backend is compiled in but does not start ({e}); for wgpu install a Vulkan driver (mesa-vulkan-drivers)")
            });
            eprintln!("{name}: {}", selected.description);
            (name, train(selected.device))
        })
        .collect()
}

#[test]
fn every_backend_learns_and_they_agree() {
    let runs = runs();
    assert!(!runs.is_empty(), "no backend compiled in");
    for (name, run) in &runs {
        let (first, last) = (run.losses[0], *run.losses.last().unwrap());
        eprintln!("{name}: loss {first:.5} -> {last:.5}");
        assert!(last < 0.5 * first, "{name}: loss did not decrease enough: {:?}", run.losses);
    }
    let (ref_name, reference) = &runs[0];
    for (name, run) in &runs[1..] {
        let forward = max_abs_diff(&reference.first_forward, &run.first_forward);
        assert!(forward < 1e-4, "{ref_name} vs {name}: first forward differs by {forward}");
        let loss = (reference.losses[STEPS] - run.losses[STEPS]).abs();
        assert!(loss < 1e-3, "{ref_name} vs {name}: loss after {STEPS} Adam steps differs by {loss}");
    }
}

#[test]
fn save_then_load_gives_identical_outputs() {
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let config = MlpConfig::new(3, &[8], 2);
    let model = config.init(1, &device).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mlp.bpk");
    hepzero_backend::save_module(&model, &path).unwrap();
    let fresh = config.init(2, &device).unwrap();
    let x = Tensor::<2>::from_data(TensorData::new(vec![0.1f32, -0.4, 0.9, 1.5, 0.0, -2.0], [2, 3]), &device);
    let before = fresh.forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
    let loaded = hepzero_backend::load_module(fresh, &path).unwrap();
    let expected = model.forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(loaded.forward(x).into_data().try_to_vec::<f32>().unwrap(), expected);
    assert_ne!(before, expected, "different seeds must give different networks");
    // The fingerprint names the weights: the loaded copy shares it (burn's parameter ids differ),
    // a network of another seed does not.
    let fingerprint = hepzero_backend::weights_fingerprint(&model);
    assert_eq!(hepzero_backend::weights_fingerprint(&loaded), fingerprint);
    assert_ne!(hepzero_backend::weights_fingerprint(&config.init(2, &device).unwrap()), fingerprint);
    // A network of another shape is refused with the file named.
    let wrong = MlpConfig::new(3, &[9], 2).init(1, &device).unwrap();
    let err = hepzero_backend::load_module(wrong, &path).unwrap_err().to_string();
    assert!(err.contains("mlp.bpk"), "{err}");
}
