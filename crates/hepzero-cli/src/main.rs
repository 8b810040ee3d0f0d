//! `hepzero`: one subcommand per capability of the hepzero crates.
//!
//! Exit codes: 0 success, 1 a failure while running, 2 bad input (unknown option, particle, device,
//! malformed file), as clap does for usage errors.

mod commands;
mod error;
mod plot;
mod progress;

use clap::{Parser, Subcommand};
use commands::Globals;
use hepzero_backend::DeviceChoice;

/// Machine learning for high-energy physics: find the backgrounds that can fake a signal decay,
/// simulate decays, query particle data, and more.
#[derive(Parser)]
#[command(name = "hepzero", version, about, propagate_version = true)]
struct Cli {
    /// Compute device for neural networks: auto, cpu, gpu, ndarray or flex.
    #[arg(long, global = true, env = "HEPZERO_DEVICE", default_value = "auto", value_parser = parse_device)]
    device: DeviceChoice,
    /// Seed for every random choice; the same seed gives the same result for any thread count.
    #[arg(long, global = true, default_value_t = 42)]
    seed: u64,
    /// Print results as JSON on standard output instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// No progress bars or informational messages.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

fn parse_device(s: &str) -> Result<DeviceChoice, String> {
    s.parse().map_err(|e: hepzero_backend::Error| e.to_string())
}

#[derive(Subcommand)]
enum Command {
    /// List the compiled compute backends and the GPU adapters wgpu can see.
    Devices(commands::devices::DevicesArgs),
    /// Jet clustering (kt, C/A, anti-kt), grooming (mMDT, Soft Drop, Recursive Soft Drop) and Lund planes.
    Jets(commands::jets::JetsArgs),
    /// Fast simulation (RapidSim-like) of a decay chain: acceptance, reconstructed mass, speed.
    Simulate(commands::simulate::SimulateArgs),
    /// Properties of a particle: PDG id, names, mass, width, lifetime, charge, quark content.
    Particle(commands::particle::ParticleArgs),
    /// Decay modes of a particle in the LHCb EvtGen decay table (or a user decay file on top).
    Decays(commands::decays::DecaysArgs),
    /// DGLAP evolution (LO/NLO, FFNS/ZM-VFNS) of the Les Houches toy PDFs on the benchmark x grid.
    Evolve(commands::evolution::EvolveArgs),
    /// FK tables: precomputed evolution x coefficient-function weights for DIS points.
    Fk(commands::evolution::FkArgs),
    /// Find the decays that can fake a signal, ranked by the physics reward.
    Backgrounds(commands::backgrounds::BackgroundsArgs),
    /// Train the background finder's agent: GA hall of fame, pre-training, AlphaZero self-play.
    TrainAgent(commands::train_agent::TrainAgentArgs),
    /// Train the agent's overlap estimator on the training signals' simulated candidates.
    TrainOverlap(commands::train_overlap::TrainOverlapArgs),
    /// Benchmarks of the hepzero tools against their ground truth.
    Benchmark(commands::benchmark::BenchmarkArgs),
    // <- commands: add one variant per subcommand above this line
}

/// burn 0.22 restores an optimizer's state (when `train-agent --resume` continues) onto burn's
/// default device, not the network's; that default is wgpu whenever wgpu is compiled in, unless
/// `BURN_DEVICE` names another. With a CPU choice, pin it to that CPU backend so a CPU run never
/// opens a GPU (or prints the Vulkan loader's complaints on a machine without one).
fn pin_burn_default_device(choice: DeviceChoice) {
    use hepzero_backend::{CpuBackend, DEFAULT_CPU};
    let name = match (choice, DEFAULT_CPU) {
        (DeviceChoice::Flex, _) | (DeviceChoice::Cpu, CpuBackend::Flex) => "flex",
        (DeviceChoice::Ndarray, _) | (DeviceChoice::Cpu, CpuBackend::Ndarray) => "ndarray",
        _ => return,
    };
    if std::env::var_os("BURN_DEVICE").is_none() {
        // SAFETY: called first thing in `main`, before any thread exists that could read the
        // environment concurrently.
        unsafe { std::env::set_var("BURN_DEVICE", name) };
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    pin_burn_default_device(cli.device);
    // Plots anywhere in the command need the embedded font; a failure shows up when plotting.
    let _ = plot::ensure_font();
    let globals = Globals { device: cli.device, seed: cli.seed, json: cli.json, quiet: cli.quiet };
    let result = match &cli.command {
        Command::Devices(args) => commands::devices::run(args, &globals),
        Command::Jets(args) => commands::jets::run(args, &globals),
        Command::Simulate(args) => commands::simulate::run(args, &globals),
        Command::Particle(args) => commands::particle::run(args, &globals),
        Command::Decays(args) => commands::decays::run(args, &globals),
        Command::Evolve(args) => commands::evolution::run(args, &globals),
        Command::Fk(args) => commands::evolution::run_fk(args, &globals),
        Command::Backgrounds(args) => commands::backgrounds::run(args, &globals),
        Command::TrainAgent(args) => commands::train_agent::run(args, &globals),
        Command::TrainOverlap(args) => commands::train_overlap::run(args, &globals),
        Command::Benchmark(args) => commands::benchmark::run(args, &globals),
        // <- commands: add one match arm per subcommand above this line
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::from(error::exit_code(&err))
        }
    }
}
