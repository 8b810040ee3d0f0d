//! Run-time choice of the burn compute device, and the neural-network pieces every hepzero ML crate
//! shares (an MLP builder with seeded initialisation, an Adam training step, atomic checkpoints).
//!
//! burn 0.22 dispatches its backend at run time: a tensor is `Tensor<D>` and the device is a value.
//! This crate turns a user's `--device cpu|gpu|auto|ndarray|flex` (or `HEPZERO_DEVICE`, read by the
//! command line, never here) into such a value, and says which hardware it picked:
//!
//! ```no_run
//! use hepzero_backend::{DeviceChoice, select_device};
//! let choice: DeviceChoice = "auto".parse()?;
//! let selected = select_device(choice)?;
//! println!("running on {}", selected.description);
//! let training_device = selected.device.clone().autodiff();
//! # Ok::<(), hepzero_backend::Error>(())
//! ```
//!
//! Cargo features `ndarray`, `flex` and `wgpu` decide what is compiled in (all three by default).
//! The default CPU backend is [`DEFAULT_CPU`], chosen by the measurements in `docs/benchmarks.md`.

mod checkpoint;
mod device;
mod mlp;
mod train;

pub use burn;
pub use checkpoint::{
    load_module, load_module_bytes, module_to_bytes, save_module, weights_fingerprint, write_atomically,
};
pub use device::{
    BackendKind, CpuBackend, DEFAULT_CPU, DeviceChoice, GpuAdapter, SelectedDevice, compiled_backends,
    gpu_adapters, select_device,
};
pub use mlp::{Activation, Mlp, MlpConfig, seeded_linear};
pub use train::{AdamStep, AdamStepConfig};

/// Everything that can go wrong while choosing a device, building or saving a network.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The device string is not one of the known choices.
    #[error("unknown device '{given}': valid choices are {valid}")]
    UnknownDevice { given: String, valid: String },
    /// The device names a backend that this build does not contain.
    #[error(
        "device '{given}' needs the '{feature}' backend, which this build of hepzero does not include \
         (valid choices here: {valid}; rebuild with `--features {feature}`)"
    )]
    NotCompiled { given: String, feature: &'static str, valid: String },
    /// A GPU was asked for explicitly and wgpu found no adapter at all.
    #[error("device 'gpu': wgpu found no adapter ({reason}); use --device cpu, or install a Vulkan driver")]
    NoGpu { reason: String },
    /// A network configuration that cannot be built.
    #[error("invalid network configuration: {0}")]
    InvalidConfig(String),
    /// Reading or writing a checkpoint failed.
    #[error("checkpoint {path}: {message}")]
    Checkpoint { path: String, message: String },
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
