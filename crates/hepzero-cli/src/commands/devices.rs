//! `hepzero devices`: what this build can compute on.

use super::{Globals, print_json};
use hepzero_backend::{BackendKind, DEFAULT_CPU, GpuAdapter, compiled_backends, gpu_adapters, select_device};
use serde::Serialize;

/// Arguments of `hepzero devices` (none besides the global ones).
#[derive(clap::Args, Debug)]
pub struct DevicesArgs {}

#[derive(Serialize)]
struct Report {
    compiled_backends: Vec<BackendKind>,
    default_cpu_backend: hepzero_backend::CpuBackend,
    gpu_adapters: Vec<GpuAdapter>,
    gpu_error: Option<String>,
    requested: String,
    selected: String,
}

/// Lists compiled backends, wgpu adapters, and what `--device` resolves to.
pub fn run(_args: &DevicesArgs, globals: &Globals) -> anyhow::Result<()> {
    let (adapters, gpu_error) = match gpu_adapters() {
        Ok(a) => (a, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let selected = select_device(globals.device)?;
    let report = Report {
        compiled_backends: compiled_backends(),
        default_cpu_backend: DEFAULT_CPU,
        gpu_adapters: adapters,
        gpu_error,
        requested: globals.device.to_string(),
        selected: selected.description,
    };
    if globals.json {
        return print_json(&report);
    }
    let names: Vec<String> = report.compiled_backends.iter().map(|b| b.to_string()).collect();
    println!("compiled backends : {}", names.join(", "));
    println!("default CPU       : {:?}", report.default_cpu_backend);
    if report.compiled_backends.contains(&BackendKind::Wgpu) {
        if report.gpu_adapters.is_empty() {
            println!(
                "wgpu adapters     : none{}",
                report.gpu_error.map(|e| format!(" ({e})")).unwrap_or_default()
            );
        }
        for a in &report.gpu_adapters {
            let kind = if a.physical { "GPU" } else { "software/CPU" };
            println!("wgpu adapter {:<4} : {} [{kind}]", a.index, a.name);
        }
    }
    println!("--device {:<8} : {}", report.requested, report.selected);
    Ok(())
}
