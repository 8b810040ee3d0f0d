//! One module per subcommand. Each exposes `XxxArgs` (clap) and
//! `run(&XxxArgs, &Globals) -> anyhow::Result<()>`; errors caused by the user's input are wrapped
//! with [`crate::error::input_error`] so the process exits with code 2.

use hepzero_backend::DeviceChoice;

pub mod backgrounds;
pub mod benchmark;
pub mod decays;
pub mod devices;
pub mod evolution;
pub mod jets;
pub mod particle;
pub mod simulate;
pub mod train_agent;
pub mod train_overlap;
// <- commands: add `pub mod <name>;` above this line

/// The options every subcommand sees.
#[derive(Clone, Debug)]
pub struct Globals {
    /// `--device` / `HEPZERO_DEVICE`, already checked against the compiled backends.
    pub device: DeviceChoice,
    /// `--seed`.
    pub seed: u64,
    /// `--json`: machine output on stdout, no tables.
    pub json: bool,
    /// `--quiet`: no progress or informational messages.
    pub quiet: bool,
}

/// Prints a serialisable value as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
