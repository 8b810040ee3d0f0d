//! `hepzero decays NAME [--min-br X] [--decay-file F]`: the decay modes of a particle in the LHCb
//! decay table (DECAY_LHCB.DEC), optionally with a user decay file applied on top (its `Decay`
//! blocks replace the default ones, as in EvtGen).

use super::{Globals, print_json};
use crate::error::input_error;
use hepzero_pdg::DecayTable;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `hepzero decays`.
#[derive(clap::Args, Debug)]
pub struct DecaysArgs {
    /// Decaying particle: EvtGen name, alias, PDG name or PDG id.
    name: String,
    /// Only modes with normalised branching fraction at least this.
    #[arg(long, default_value_t = 0.0)]
    min_br: f64,
    /// A user decay file (.DEC) applied on top of DECAY_LHCB.DEC.
    #[arg(long)]
    decay_file: Option<PathBuf>,
}

#[derive(Serialize)]
struct Mode<'a> {
    /// Normalised so the particle's modes sum to one (EvtGen's convention).
    br: f64,
    /// As written in the file.
    raw_br: f64,
    daughters: &'a [String],
    model: &'a str,
    model_params: &'a [f64],
    photos: bool,
    source: String,
}

#[derive(Serialize)]
struct Report<'a> {
    particle: &'a str,
    decay_files: Vec<&'a str>,
    raw_br_sum: f64,
    modes_total: usize,
    min_br: f64,
    modes: Vec<Mode<'a>>,
}

/// Runs `hepzero decays`.
pub fn run(args: &DecaysArgs, globals: &Globals) -> anyhow::Result<()> {
    if !(args.min_br.is_finite() && args.min_br >= 0.0) {
        return Err(input_error(anyhow::anyhow!("--min-br {} is not a non-negative number", args.min_br)));
    }
    let owned;
    let table: &DecayTable = match &args.decay_file {
        Some(path) => {
            // A missing, unreadable or malformed user file is bad input (exit code 2).
            owned = DecayTable::lhcb_with_user_file(path).map_err(input_error)?;
            &owned
        }
        None => DecayTable::lhcb_default(),
    };
    let all = table.try_modes(&args.name).map_err(input_error)?;
    let modes: Vec<Mode> = all
        .iter()
        .filter(|m| m.br >= args.min_br)
        .map(|m| Mode {
            br: m.br,
            raw_br: m.raw_br,
            daughters: &m.daughters,
            model: &m.model,
            model_params: &m.model_params,
            photos: m.photos,
            source: m.source.to_string(),
        })
        .collect();
    let report = Report {
        particle: &args.name,
        decay_files: table.files().iter().map(|f| f.file.as_ref()).collect(),
        raw_br_sum: table.raw_br_sum(&args.name).unwrap_or(0.0),
        modes_total: all.len(),
        min_br: args.min_br,
        modes,
    };
    if globals.json {
        return print_json(&report);
    }
    println!(
        "{}: {} of {} modes with BR >= {} (raw BRs sum to {}; BRs normalised to 1)",
        args.name,
        report.modes.len(),
        report.modes_total,
        args.min_br,
        report.raw_br_sum
    );
    println!("{:>12}  {:>12}  {:<40} {:<14} source", "BR", "raw BR", "daughters", "model");
    for m in &report.modes {
        println!(
            "{:>12.4e}  {:>12.4e}  {:<40} {:<14} {}",
            m.br,
            m.raw_br,
            m.daughters.join(" "),
            if m.photos { format!("PHOTOS {}", m.model) } else { m.model.to_string() },
            m.source
        );
    }
    Ok(())
}
