//! ndarray vs flex (and wgpu where a physical GPU is present) on the two workloads that decide the
//! default CPU backend: (a) one Adam training step of a 3x128 tanh MLP on a batch of 256, and
//! (b) the forward pass of a small transformer encoder (batch 64, sequence 32, width 128).
//!
//! `cargo bench -p hepzero-backend --bench cpu_backends`

use burn::nn::transformer::TransformerEncoderConfig;
use burn::nn::transformer::TransformerEncoderInput;
use burn::tensor::{Device, Tensor, TensorData};
use criterion::{Criterion, criterion_group, criterion_main};
use hepzero_backend::burn;
use hepzero_backend::{Activation, AdamStep, AdamStepConfig, DeviceChoice, MlpConfig, select_device};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn devices() -> Vec<(&'static str, Device)> {
    let mut out = Vec::new();
    if let Ok(d) = select_device(DeviceChoice::Ndarray) {
        out.push(("ndarray", d.device));
    }
    if let Ok(d) = select_device(DeviceChoice::Flex) {
        out.push(("flex", d.device));
    }
    if let Ok(adapters) = hepzero_backend::gpu_adapters()
        && adapters.iter().any(|a| a.physical)
        && let Ok(d) = select_device(DeviceChoice::Gpu)
    {
        out.push(("wgpu", d.device));
    }
    out
}

fn random(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

fn mlp_train_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp_train_step_b256_3x128_tanh");
    for (name, device) in devices() {
        let device = device.autodiff();
        let x = Tensor::<2>::from_data(TensorData::new(random(256 * 16, 1), [256, 16]), &device);
        let y = Tensor::<2>::from_data(TensorData::new(random(256, 2), [256, 1]), &device);
        let mut model = Some(
            MlpConfig::new(16, &[128, 128, 128], 1)
                .with_activation(Activation::Tanh)
                .init(3, &device)
                .unwrap(),
        );
        let mut adam = AdamStep::new(&AdamStepConfig::default());
        group.bench_function(name, |b| {
            b.iter(|| {
                let m = model.take().unwrap();
                let loss = (m.forward(x.clone()) - y.clone()).powi_scalar(2).mean();
                let m = adam.step(m, loss.clone());
                // Reading the loss back forces the step to finish on asynchronous backends.
                let _ = loss.into_scalar::<f32>();
                model = Some(m);
            })
        });
    }
    group.finish();
}

fn transformer_forward(c: &mut Criterion) {
    let mut group = c.benchmark_group("transformer_forward_b64_s32_d128");
    for (name, device) in devices() {
        let encoder = TransformerEncoderConfig::new(128, 512, 4, 2).init(&device);
        let x = Tensor::<3>::from_data(TensorData::new(random(64 * 32 * 128, 4), [64, 32, 128]), &device);
        group.bench_function(name, |b| {
            b.iter(|| encoder.forward(TransformerEncoderInput::new(x.clone())).into_data())
        });
    }
    group.finish();
}

criterion_group!(benches, mlp_train_step, transformer_forward);
criterion_main!(benches);
