//! `hepzero evolve` (DGLAP evolution of the Les Houches toy PDFs, printed on the benchmark x grid)
//! and `hepzero fk build RUNCARD.toml` (FK tables for DIS points), with hepzero-evolution.

use super::{Globals, print_json};
use crate::error::input_error;
use anyhow::Context;
use hepzero_evolution::toy::{LHA_X, lha_toy_mellin, lha_toy_x};
use hepzero_evolution::{
    FkRuncard, FkTable, LhaCombinations, Order, Theory, evolve_analytic, sample_on_grid,
};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `hepzero evolve`.
#[derive(clap::Args, Debug)]
pub struct EvolveArgs {
    /// Initial conditions at Q0^2 = 2 GeV^2 (the Les Houches toy set, alpha_s(Q0^2) = 0.35).
    #[arg(long, value_enum, default_value = "lha-toy")]
    initial: InitialArg,
    /// Perturbative order.
    #[arg(long, value_enum, default_value = "nlo")]
    order: OrderArg,
    /// Flavour scheme: FFNS (nf = 4) or ZM-VFNS (m_c = sqrt2, m_b = 4.5, m_t = 175 GeV).
    #[arg(long, value_enum, default_value = "zmvfns")]
    scheme: SchemeArg,
    /// Final scale mu_F^2 = mu_R^2 in GeV^2 (>= 2).
    #[arg(long, default_value_t = 1e4)]
    q2: f64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum InitialArg {
    LhaToy,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum OrderArg {
    Lo,
    Nlo,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum SchemeArg {
    Ffns,
    Zmvfns,
}

#[derive(Serialize)]
struct EvolveReport {
    order: &'static str,
    scheme: &'static str,
    q2: f64,
    alpha_s: f64,
    x: Vec<f64>,
    u_v: Vec<f64>,
    d_v: Vec<f64>,
    #[serde(rename = "L_m")]
    l_m: Vec<f64>,
    #[serde(rename = "L_p")]
    l_p: Vec<f64>,
    s_p: Vec<f64>,
    c_p: Vec<f64>,
    b_p: Vec<f64>,
    g: Vec<f64>,
}

/// Runs `hepzero evolve`.
pub fn run(args: &EvolveArgs, globals: &Globals) -> anyhow::Result<()> {
    let InitialArg::LhaToy = args.initial;
    let order = match args.order {
        OrderArg::Lo => Order::Lo,
        OrderArg::Nlo => Order::Nlo,
    };
    let vfns = matches!(args.scheme, SchemeArg::Zmvfns);
    let theory = Theory::lha(order, vfns);
    if !(args.q2.is_finite() && args.q2 >= theory.q0_2) {
        return Err(input_error(anyhow::anyhow!("--q2 {} must be >= Q0^2 = {} GeV^2", args.q2, theory.q0_2)));
    }
    let alpha_s = theory.coupling().and_then(|c| c.alpha_s(args.q2)).map_err(input_error)?;
    let pdfs =
        evolve_analytic(&theory, args.q2, &LHA_X, 1.1, &lha_toy_mellin, &lha_toy_x).map_err(input_error)?;
    let combos: Vec<LhaCombinations> =
        LHA_X.iter().zip(&pdfs).map(|(x, f)| LhaCombinations::from_flavours(*x, f)).collect();
    let col = |f: fn(&LhaCombinations) -> f64| combos.iter().map(f).collect::<Vec<_>>();
    let report = EvolveReport {
        order: if order == Order::Lo { "lo" } else { "nlo" },
        scheme: if vfns { "zmvfns" } else { "ffns" },
        q2: args.q2,
        alpha_s,
        x: LHA_X.to_vec(),
        u_v: col(|c| c.u_v),
        d_v: col(|c| c.d_v),
        l_m: col(|c| c.l_m),
        l_p: col(|c| c.l_p),
        s_p: col(|c| c.s_p),
        c_p: col(|c| c.c_p),
        b_p: col(|c| c.b_p),
        g: col(|c| c.g),
    };
    if globals.json {
        return print_json(&report);
    }
    if !globals.quiet {
        println!(
            "Les Houches toy PDFs, {} {}, mu_F^2 = mu_R^2 = {:e} GeV^2, alpha_s = {:.6}",
            report.order, report.scheme, args.q2, alpha_s
        );
    }
    print!("{:>8}", "x");
    for name in LhaCombinations::NAMES {
        print!(" {name:>11}");
    }
    println!();
    for (x, c) in LHA_X.iter().zip(&combos) {
        print!("{x:>8.0e}");
        for v in c.as_array() {
            print!(" {v:>11.4e}");
        }
        println!();
    }
    Ok(())
}

/// Arguments of `hepzero fk`.
#[derive(clap::Args, Debug)]
pub struct FkArgs {
    #[command(subcommand)]
    command: FkCommand,
}

#[derive(clap::Subcommand, Debug)]
enum FkCommand {
    /// Build an FK table from a TOML runcard ([theory], [grid], [[points]], output; a relative
    /// output path is taken relative to the runcard).
    Build {
        /// The runcard.
        runcard: PathBuf,
    },
}

#[derive(Serialize)]
struct FkReport {
    output: PathBuf,
    format_version: u32,
    points: usize,
    grid_nodes: usize,
    /// Predictions for the Les Houches toy PDFs at Q0^2, a quick sanity check.
    lha_toy_predictions: Vec<f64>,
}

/// Runs `hepzero fk`.
pub fn run_fk(args: &FkArgs, globals: &Globals) -> anyhow::Result<()> {
    let FkCommand::Build { runcard } = &args.command;
    let text = std::fs::read_to_string(runcard)
        .with_context(|| format!("reading {}", runcard.display()))
        .map_err(input_error)?;
    let card = FkRuncard::parse(&text, runcard).map_err(input_error)?;
    let grid = card.grid.grid().map_err(input_error)?;
    let table = FkTable::build(&card.theory, &grid, &card.points).map_err(input_error)?;
    let base = runcard.parent().unwrap_or_else(|| Path::new("."));
    let output = if card.output.is_absolute() { card.output.clone() } else { base.join(&card.output) };
    table.write(&output)?;
    let predictions = table.convolve(&sample_on_grid(&grid, &lha_toy_x))?;
    let report = FkReport {
        output,
        format_version: hepzero_evolution::fktable::FORMAT_VERSION,
        points: card.points.len(),
        grid_nodes: grid.len(),
        lha_toy_predictions: predictions,
    };
    if globals.json {
        return print_json(&report);
    }
    println!(
        "wrote {} (HZFK v{}, {} points, {} grid nodes)",
        report.output.display(),
        report.format_version,
        report.points,
        report.grid_nodes
    );
    if !globals.quiet {
        for (p, v) in card.points.iter().zip(&report.lha_toy_predictions) {
            println!("  {:?} x={:<10e} Q2={:<10e} LH toy: {v:.6e}", p.observable, p.x, p.q2);
        }
    }
    Ok(())
}
