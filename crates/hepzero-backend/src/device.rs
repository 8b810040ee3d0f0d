//! Which burn backends are compiled in, and the run-time choice among them.

use crate::{Error, Result};
use burn::tensor::Device;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A pure-Rust CPU backend of burn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CpuBackend {
    /// `burn-ndarray` (deprecated upstream in 0.22, kept for comparison and as a fallback).
    Ndarray,
    /// `burn-flex`, burn's eager pure-Rust CPU backend.
    Flex,
}

/// Any backend this crate can select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// `burn-ndarray` on the CPU.
    Ndarray,
    /// `burn-flex` on the CPU.
    Flex,
    /// `burn-wgpu` (Vulkan, Metal, DirectX or a software renderer).
    Wgpu,
}

impl BackendKind {
    /// The Cargo feature that compiles this backend in.
    pub fn feature(self) -> &'static str {
        match self {
            BackendKind::Ndarray => "ndarray",
            BackendKind::Flex => "flex",
            BackendKind::Wgpu => "wgpu",
        }
    }

    fn is_compiled(self) -> bool {
        match self {
            BackendKind::Ndarray => cfg!(feature = "ndarray"),
            BackendKind::Flex => cfg!(feature = "flex"),
            BackendKind::Wgpu => cfg!(feature = "wgpu"),
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.feature())
    }
}

/// The CPU backend used for `cpu` and for `auto` without a GPU. Flex, by the measurement recorded
/// in `docs/benchmarks.md` (MLP training step and transformer-sized forward pass); ndarray when
/// flex is not compiled.
pub const DEFAULT_CPU: CpuBackend =
    if cfg!(feature = "flex") || !cfg!(feature = "ndarray") { CpuBackend::Flex } else { CpuBackend::Ndarray };

/// What the user asked for with `--device` or `HEPZERO_DEVICE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// A real GPU through wgpu when one is found, the default CPU backend otherwise.
    #[default]
    Auto,
    /// The default CPU backend ([`DEFAULT_CPU`]).
    Cpu,
    /// wgpu's preferred adapter (a real GPU when present, else a software renderer).
    Gpu,
    /// The ndarray CPU backend explicitly.
    Ndarray,
    /// The flex CPU backend explicitly.
    Flex,
}

const ALL_CHOICES: [(&str, DeviceChoice); 5] = [
    ("auto", DeviceChoice::Auto),
    ("cpu", DeviceChoice::Cpu),
    ("gpu", DeviceChoice::Gpu),
    ("ndarray", DeviceChoice::Ndarray),
    ("flex", DeviceChoice::Flex),
];

impl DeviceChoice {
    /// The backend this choice needs compiled in, if it needs a specific one.
    fn required_backend(self) -> Option<BackendKind> {
        match self {
            DeviceChoice::Auto => None,
            DeviceChoice::Cpu => Some(match DEFAULT_CPU {
                CpuBackend::Ndarray => BackendKind::Ndarray,
                CpuBackend::Flex => BackendKind::Flex,
            }),
            DeviceChoice::Gpu => Some(BackendKind::Wgpu),
            DeviceChoice::Ndarray => Some(BackendKind::Ndarray),
            DeviceChoice::Flex => Some(BackendKind::Flex),
        }
    }

    /// The choices that work in this build, as a human list (`auto, cpu, gpu, ndarray, flex`).
    pub fn valid_choices() -> String {
        ALL_CHOICES
            .iter()
            .filter(|(_, c)| c.required_backend().is_none_or(BackendKind::is_compiled))
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The name a user types for this choice.
    pub fn name(self) -> &'static str {
        ALL_CHOICES.iter().find(|(_, c)| *c == self).map_or("auto", |(n, _)| n)
    }

    /// Fails with [`Error::NotCompiled`] when this build cannot honour the choice. Cheap: no device
    /// is opened, so the command line can check `--device` before doing any work.
    pub fn check_compiled(self) -> Result<()> {
        match self.required_backend() {
            Some(backend) if !backend.is_compiled() => Err(Error::NotCompiled {
                given: self.name().to_string(),
                feature: backend.feature(),
                valid: Self::valid_choices(),
            }),
            _ => Ok(()),
        }
    }
}

impl FromStr for DeviceChoice {
    type Err = Error;

    /// Parses a choice (case-insensitive) and checks that this build contains its backend.
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let choice = ALL_CHOICES
            .iter()
            .find(|(name, _)| *name == lower)
            .map(|(_, c)| *c)
            .ok_or_else(|| Error::UnknownDevice { given: s.to_string(), valid: Self::valid_choices() })?;
        choice.check_compiled()?;
        Ok(choice)
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The device a choice resolved to, and what it is in words.
#[derive(Clone, Debug)]
pub struct SelectedDevice {
    /// The burn device (without autodiff; call `.autodiff()` for training).
    pub device: Device,
    /// Which backend runs it.
    pub backend: BackendKind,
    /// For people: e.g. `cpu (flex)` or `gpu (wgpu: NVIDIA H100 80GB HBM3)`.
    pub description: String,
}

/// The backends compiled into this build, in the order `auto` considers them.
pub fn compiled_backends() -> Vec<BackendKind> {
    [BackendKind::Wgpu, BackendKind::Flex, BackendKind::Ndarray]
        .into_iter()
        .filter(|b| b.is_compiled())
        .collect()
}

/// One adapter wgpu can run on.
#[derive(Clone, Debug, Serialize)]
pub struct GpuAdapter {
    /// Position in wgpu's enumeration.
    pub index: usize,
    /// The adapter's own name (e.g. `NVIDIA H100 80GB HBM3`, `llvmpipe (LLVM 15.0.6, 256 bits)`).
    pub name: String,
    /// True for a physical card; false for a CPU adapter or software renderer.
    pub physical: bool,
    /// What kernels are compiled for on it (e.g. `spirv_...`).
    pub fingerprint: String,
    #[serde(skip)]
    device: Device,
}

/// The adapters wgpu sees, software renderers included. Empty when wgpu is not compiled in, and an
/// error only when wgpu itself fails to start.
pub fn gpu_adapters() -> Result<Vec<GpuAdapter>> {
    #[cfg(feature = "wgpu")]
    {
        wgpu_adapters()
    }
    #[cfg(not(feature = "wgpu"))]
    {
        Ok(Vec::new())
    }
}

#[cfg(feature = "wgpu")]
fn wgpu_adapters() -> Result<Vec<GpuAdapter>> {
    use burn::tensor::DeviceType;
    // wgpu panics instead of returning an error when no Vulkan/Metal/DX loader exists at all;
    // turn that into an ordinary error so `auto` can fall back to the CPU.
    let listed = std::panic::catch_unwind(|| {
        Device::enumerate(DeviceType::Wgpu)
            .into_vec()
            .into_iter()
            .filter_map(|device| device.identity().map(|id| (device, id)))
            .collect::<Vec<_>>()
    })
    .map_err(|panic| Error::NoGpu { reason: panic_message(panic.as_ref()) })?;
    Ok(listed
        .into_iter()
        .enumerate()
        .map(|(index, (device, id))| GpuAdapter {
            index,
            name: id.name,
            physical: id.physical.is_some(),
            fingerprint: id.fingerprint,
            device,
        })
        .collect())
}

#[cfg(feature = "wgpu")]
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "wgpu failed to initialise".to_string())
}

fn cpu_device(backend: CpuBackend) -> SelectedDevice {
    match backend {
        #[cfg(feature = "flex")]
        CpuBackend::Flex => SelectedDevice {
            device: Device::flex(),
            backend: BackendKind::Flex,
            description: "cpu (flex)".to_string(),
        },
        #[cfg(feature = "ndarray")]
        #[allow(deprecated)] // burn-ndarray is deprecated upstream; kept as an explicit choice
        CpuBackend::Ndarray => SelectedDevice {
            device: Device::ndarray(),
            backend: BackendKind::Ndarray,
            description: "cpu (ndarray)".to_string(),
        },
        #[allow(unreachable_patterns)]
        _ => unreachable!("DeviceChoice::check_compiled rejects CPU backends that are not compiled"),
    }
}

/// Resolves a choice to a device. `auto` picks the first physical GPU wgpu finds and otherwise
/// the default CPU backend; `gpu` takes wgpu's preferred adapter even if it is a software
/// renderer (the description says so).
pub fn select_device(choice: DeviceChoice) -> Result<SelectedDevice> {
    choice.check_compiled()?;
    match choice {
        DeviceChoice::Cpu => Ok(cpu_device(DEFAULT_CPU)),
        DeviceChoice::Ndarray => Ok(cpu_device(CpuBackend::Ndarray)),
        DeviceChoice::Flex => Ok(cpu_device(CpuBackend::Flex)),
        DeviceChoice::Gpu => {
            let adapters = gpu_adapters()?;
            let best = adapters
                .iter()
                .find(|a| a.physical)
                .or_else(|| adapters.first())
                .ok_or_else(|| Error::NoGpu { reason: "no adapter listed".to_string() })?;
            let kind = if best.physical { "gpu" } else { "gpu (software renderer, slow)" };
            Ok(SelectedDevice {
                device: best.device.clone(),
                backend: BackendKind::Wgpu,
                description: format!("{kind} (wgpu: {})", best.name),
            })
        }
        DeviceChoice::Auto => {
            if let Ok(adapters) = gpu_adapters()
                && let Some(gpu) = adapters.into_iter().find(|a| a.physical)
            {
                return Ok(SelectedDevice {
                    device: gpu.device,
                    backend: BackendKind::Wgpu,
                    description: format!("gpu (wgpu: {})", gpu.name),
                });
            }
            let mut cpu = cpu_device(DEFAULT_CPU);
            cpu.description.push_str(", no physical GPU found");
            Ok(cpu)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_device_names_the_valid_choices() {
        let err = "tpu".parse::<DeviceChoice>().unwrap_err().to_string();
        assert!(err.contains("'tpu'"), "{err}");
        for valid in ["auto", "cpu"] {
            assert!(err.contains(valid), "{err}");
        }
    }

    #[test]
    fn choices_parse_case_insensitively() {
        assert_eq!("AUTO".parse::<DeviceChoice>().unwrap(), DeviceChoice::Auto);
        assert_eq!(" cpu ".parse::<DeviceChoice>().unwrap(), DeviceChoice::Cpu);
    }

    #[cfg(not(feature = "wgpu"))]
    #[test]
    fn gpu_without_wgpu_is_a_clear_error() {
        let err = "gpu".parse::<DeviceChoice>().unwrap_err().to_string();
        assert!(err.contains("wgpu") && err.contains("valid choices"), "{err}");
    }

    #[cfg(feature = "wgpu")]
    #[test]
    fn gpu_is_valid_with_wgpu() {
        assert_eq!("gpu".parse::<DeviceChoice>().unwrap(), DeviceChoice::Gpu);
    }
}
