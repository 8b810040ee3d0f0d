//! `hepzero particle NAME`: the properties hepzero-pdg has for a particle (EvtGen name, PDG name
//! or PDG id; decay-file aliases such as `K*0T` resolve to their particle).

use super::{Globals, print_json};
use crate::error::input_error;
use hepzero_pdg::{DecayTable, Particle, ParticleTable};
use serde::Serialize;

/// Arguments of `hepzero particle`.
#[derive(clap::Args, Debug)]
pub struct ParticleArgs {
    /// EvtGen name (`K_S0`, `anti-B0`), PDG name (`K(S)0`, `B~0`), PDG id (`-511`) or an alias of
    /// DECAY_LHCB.DEC.
    name: String,
}

#[derive(Serialize)]
struct Report<'a> {
    query: &'a str,
    alias_of: Option<&'a str>,
    #[serde(flatten)]
    particle: &'a Particle,
    charge: i32,
    lifetime_ps: Option<f64>,
    ctau_mm: Option<f64>,
    antiparticle: &'a str,
    stable_for_detector: bool,
    decay_modes_in_lhcb_table: usize,
}

/// Runs `hepzero particle`.
pub fn run(args: &ParticleArgs, globals: &Globals) -> anyhow::Result<()> {
    let table = ParticleTable::lhcb_default();
    let decays = DecayTable::lhcb_default();
    let alias_of = decays.alias_target(&args.name);
    let particle = match table.find(&args.name) {
        Some(p) => p,
        None => decays.particle(&args.name).ok_or_else(|| {
            input_error(anyhow::anyhow!(
                "unknown particle `{}` (not an EvtGen name, PDG name, PDG id or DECAY_LHCB.DEC alias)",
                args.name
            ))
        })?,
    };
    let report = Report {
        query: &args.name,
        alias_of,
        particle,
        charge: particle.charge(),
        lifetime_ps: particle.lifetime_ps(),
        ctau_mm: particle.ctau_mm(),
        antiparticle: &table.antiparticle(particle).evtgen_name,
        stable_for_detector: table.is_stable(particle),
        decay_modes_in_lhcb_table: decays.modes(&args.name).len(),
    };
    if globals.json {
        return print_json(&report);
    }
    let opt = |v: Option<f64>, unit: &str| v.map_or("unknown".to_string(), |x| format!("{x:.6e} {unit}"));
    let p = particle;
    if let Some(a) = alias_of {
        println!("{} is an alias of {a} in DECAY_LHCB.DEC", args.name);
    }
    println!("EvtGen name      {}", p.evtgen_name);
    println!("PDG name         {}", p.pdg_name);
    println!("PDG id           {}", p.pdg_id);
    match (p.mass, p.mass_errors) {
        (Some(m), Some((up, lo))) => println!("mass             {m:.9} GeV (+{up:.2e} -{lo:.2e})"),
        (Some(m), None) => println!("mass             {m:.9} GeV"),
        _ => println!("mass             unknown"),
    }
    println!("width            {}", opt(p.width, "GeV"));
    println!("lifetime         {}", opt(p.lifetime_ps(), "ps"));
    println!("c*tau            {}", opt(p.ctau_mm(), "mm"));
    if p.charge_known {
        println!("charge           {} e (3*charge = {})", p.charge(), p.three_charge);
    } else {
        println!("charge           unknown");
    }
    println!("quarks           {}", if p.quarks.is_empty() { "-" } else { &p.quarks });
    println!("antiparticle     {}", report.antiparticle);
    println!("detector-stable  {}", report.stable_for_detector);
    println!("decay modes      {} in DECAY_LHCB.DEC", report.decay_modes_in_lhcb_table);
    println!("source           {:?}", p.source);
    Ok(())
}
