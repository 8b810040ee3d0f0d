//! `hepzero jets cluster|groom|lund`: jet clustering, grooming and Lund-plane densities with
//! hepzero-jets, on HepMC3 ASCII files (status-1 particles) or the HZJ fixture format.

use super::{Globals, print_json};
use crate::error::input_error;
use crate::plot;
use anyhow::Context;
use hepzero_jets::{
    Algorithm, CaTree, Event, Groomer, JetDefinition, Momentum, cluster, narrowest_window, read_events,
};
use plotters::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `hepzero jets`.
#[derive(clap::Args, Debug)]
pub struct JetsArgs {
    #[command(subcommand)]
    command: JetsCommand,
}

#[derive(clap::Subcommand, Debug)]
enum JetsCommand {
    /// Cluster every event into inclusive jets (kt, C/A or anti-kt, E-scheme).
    Cluster(ClusterArgs),
    /// Groom jets (mMDT, Soft Drop, Recursive Soft Drop) and compare groomed and ungroomed masses.
    Groom(GroomArgs),
    /// Primary Lund-plane density (ln 1/Delta, ln kt) of the jets.
    Lund(LundArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum AlgorithmArg {
    Antikt,
    Kt,
    Ca,
}

impl From<AlgorithmArg> for Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Antikt => Algorithm::AntiKt,
            AlgorithmArg::Kt => Algorithm::Kt,
            AlgorithmArg::Ca => Algorithm::CambridgeAachen,
        }
    }
}

#[derive(clap::Args, Debug)]
struct ClusterArgs {
    /// HepMC3 ASCII file or HZJ fixture file.
    file: PathBuf,
    /// Clustering algorithm.
    #[arg(long, value_enum, default_value = "antikt")]
    algorithm: AlgorithmArg,
    /// Jet radius R.
    #[arg(long, default_value_t = 0.4)]
    radius: f64,
    /// Keep jets with pt >= this (GeV).
    #[arg(long, default_value_t = 0.0)]
    ptmin: f64,
}

/// How jets are chosen from events: fixture files carry their stored jets; other files are
/// clustered with anti-kt and the hardest jets passing the cuts are taken (GroomRL's selection).
#[derive(clap::Args, Debug)]
struct JetSelection {
    /// Anti-kt radius used to find jets in HepMC3 input.
    #[arg(long, default_value_t = 1.0)]
    jet_radius: f64,
    /// Minimum jet pt (GeV) for HepMC3 input.
    #[arg(long, default_value_t = 500.0)]
    jet_ptmin: f64,
    /// Maximum |y| of jets for HepMC3 input.
    #[arg(long, default_value_t = 2.5)]
    jet_max_rap: f64,
    /// Number of hardest jets per event for HepMC3 input.
    #[arg(long, default_value_t = 2)]
    jets_per_event: usize,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum GroomerArg {
    Mmdt,
    Softdrop,
    Rsd,
}

#[derive(clap::Args, Debug)]
struct GroomArgs {
    /// HepMC3 ASCII file or HZJ fixture file.
    file: PathBuf,
    /// The groomer.
    #[arg(long, value_enum, default_value = "softdrop")]
    groomer: GroomerArg,
    /// z_cut.
    #[arg(long, default_value_t = 0.1)]
    zcut: f64,
    /// Angular exponent beta (Soft Drop, Recursive Soft Drop).
    #[arg(long, default_value_t = 0.0)]
    beta: f64,
    /// R0 (Soft Drop, Recursive Soft Drop).
    #[arg(long, default_value_t = 1.0)]
    r0: f64,
    /// Number of prongs for Recursive Soft Drop (default: infinity).
    #[arg(long)]
    n: Option<usize>,
    /// Write groomed vs ungroomed mass histograms (PNG and SVG).
    #[arg(long)]
    plot: Option<PathBuf>,
    #[command(flatten)]
    selection: JetSelection,
}

#[derive(clap::Args, Debug)]
struct LundArgs {
    /// HepMC3 ASCII file or HZJ fixture file.
    file: PathBuf,
    /// Write the Lund-plane density (PNG and SVG).
    #[arg(long)]
    plot: Option<PathBuf>,
    #[command(flatten)]
    selection: JetSelection,
}

/// Runs `hepzero jets ...`.
pub fn run(args: &JetsArgs, globals: &Globals) -> anyhow::Result<()> {
    match &args.command {
        JetsCommand::Cluster(a) => run_cluster(a, globals),
        JetsCommand::Groom(a) => run_groom(a, globals),
        JetsCommand::Lund(a) => run_lund(a, globals),
    }
}

fn load(path: &Path) -> anyhow::Result<Vec<Event>> {
    read_events(path).map_err(input_error)
}

#[derive(Serialize)]
struct JsonJet {
    pt: f64,
    rap: f64,
    phi: f64,
    m: f64,
    constituents: Vec<usize>,
}

#[derive(Serialize)]
struct JsonEvent {
    jets: Vec<JsonJet>,
}

#[derive(Serialize)]
struct ClusterReport {
    events: Vec<JsonEvent>,
}

fn run_cluster(a: &ClusterArgs, globals: &Globals) -> anyhow::Result<()> {
    let events = load(&a.file)?;
    let def = JetDefinition::new(a.algorithm.into(), a.radius);
    let mut out = Vec::with_capacity(events.len());
    for (i, ev) in events.iter().enumerate() {
        let cs = cluster(&ev.particles, def).map_err(|e| input_error(e.in_event(i)))?;
        let jets = cs
            .inclusive_jets(a.ptmin)
            .into_iter()
            .map(|j| JsonJet { pt: j.pt, rap: j.rap, phi: j.phi, m: j.m, constituents: j.constituents })
            .collect();
        out.push(JsonEvent { jets });
    }
    if globals.json {
        return print_json(&ClusterReport { events: out });
    }
    println!("{} events, {:?} R = {}, pt >= {} GeV", out.len(), def.algorithm, a.radius, a.ptmin);
    println!("{:>6} {:>4} {:>10} {:>8} {:>8} {:>9} {:>6}", "event", "jet", "pt", "y", "phi", "m", "n");
    for (i, ev) in out.iter().enumerate() {
        for (k, j) in ev.jets.iter().enumerate().take(5) {
            println!(
                "{i:>6} {k:>4} {:>10.3} {:>8.4} {:>8.4} {:>9.3} {:>6}",
                j.pt,
                j.rap,
                j.phi,
                j.m,
                j.constituents.len()
            );
        }
        if ev.jets.len() > 5 {
            println!("{:>6} ... {} more jets", "", ev.jets.len() - 5);
        }
    }
    Ok(())
}

/// The jets to groom or decluster: (event index, constituents).
fn select_jets(events: &[Event], sel: &JetSelection) -> anyhow::Result<Vec<(usize, Vec<Momentum>)>> {
    let mut out = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        if !ev.jet_sizes.is_empty() {
            for k in 0..ev.jet_sizes.len() {
                if let Some(c) = ev.stored_jet(k) {
                    out.push((i, c.to_vec()));
                }
            }
            continue;
        }
        let cs = cluster(&ev.particles, JetDefinition::new(Algorithm::AntiKt, sel.jet_radius))
            .map_err(|e| input_error(e.in_event(i)))?;
        let jets = cs.inclusive_jets(sel.jet_ptmin);
        for j in jets.into_iter().filter(|j| j.rap.abs() < sel.jet_max_rap).take(sel.jets_per_event) {
            out.push((i, j.constituents.iter().filter_map(|&c| ev.particles.get(c).copied()).collect()));
        }
    }
    if out.is_empty() {
        return Err(input_error(anyhow::anyhow!("no jets pass the selection in the input")));
    }
    Ok(out)
}

#[derive(Serialize)]
struct GroomedJet {
    event: usize,
    pt: f64,
    m: f64,
    groomed_m: f64,
    groomed_pt: f64,
}

#[derive(Serialize)]
struct WindowSummary {
    median: f64,
    window_60_lo: f64,
    window_60_hi: f64,
    width: f64,
}

#[derive(Serialize)]
struct GroomReport {
    groomer: Groomer,
    jets: Vec<GroomedJet>,
    ungroomed: WindowSummary,
    groomed: WindowSummary,
}

fn summary(values: &[f64]) -> anyhow::Result<WindowSummary> {
    let w = narrowest_window(values, 0.6)?;
    Ok(WindowSummary { median: w.median, window_60_lo: w.lo, window_60_hi: w.hi, width: w.width() })
}

fn run_groom(a: &GroomArgs, globals: &Globals) -> anyhow::Result<()> {
    let groomer = match a.groomer {
        GroomerArg::Mmdt => Groomer::Mmdt { zcut: a.zcut },
        GroomerArg::Softdrop => Groomer::SoftDrop { zcut: a.zcut, beta: a.beta, r0: a.r0 },
        GroomerArg::Rsd => Groomer::RecursiveSoftDrop { zcut: a.zcut, beta: a.beta, r0: a.r0, n: a.n },
    };
    let events = load(&a.file)?;
    let mut jets = Vec::new();
    for (event, constituents) in select_jets(&events, &a.selection)? {
        let tree = CaTree::new(&constituents).map_err(|e| input_error(e.in_event(event)))?;
        let g = groomer.groom(&tree).map_err(input_error)?;
        let p = tree.momentum();
        jets.push(GroomedJet { event, pt: p.pt(), m: p.m(), groomed_m: g.mass, groomed_pt: g.momentum.pt() });
    }
    let m: Vec<f64> = jets.iter().map(|j| j.m).collect();
    let gm: Vec<f64> = jets.iter().map(|j| j.groomed_m).collect();
    let report = GroomReport { groomer, ungroomed: summary(&m)?, groomed: summary(&gm)?, jets };
    if globals.json {
        print_json(&report)?;
    } else {
        print_groom_table(&report);
    }
    if let Some(path) = &a.plot {
        let (lo, hi, nb) = (0.0, 300.0, 60);
        let hist = |v: &[f64]| {
            let mut b = vec![0.0; nb];
            for &x in v {
                if x >= lo && x < hi {
                    b[((x - lo) / (hi - lo) * nb as f64) as usize] += 1.0 / v.len() as f64;
                }
            }
            b
        };
        let (hu, hg) = (hist(&m), hist(&gm));
        plot::histograms(
            path,
            &format!("{groomer:?}"),
            "jet mass [GeV]",
            (lo, hi),
            &[
                plot::Histogram { label: "ungroomed", bins: &hu, colour: 0 },
                plot::Histogram { label: "groomed", bins: &hg, colour: 1 },
            ],
            &[report.groomed.window_60_lo, report.groomed.window_60_hi],
        )?;
    }
    Ok(())
}

fn print_groom_table(report: &GroomReport) {
    println!("{} jets groomed with {:?}", report.jets.len(), report.groomer);
    println!("{:>10} {:>10} {:>14} {:>10}", "", "median", "60% window", "width");
    for (name, s) in [("ungroomed", &report.ungroomed), ("groomed", &report.groomed)] {
        println!(
            "{name:>10} {:>10.2} {:>6.1}-{:<7.1} {:>10.2}",
            s.median, s.window_60_lo, s.window_60_hi, s.width
        );
    }
}

const LUND_X: (f64, f64, usize) = (0.0, 7.0, 35);
const LUND_Y: (f64, f64, usize) = (-4.0, 7.0, 44);

#[derive(Serialize)]
struct LundReport {
    jets: usize,
    declusterings: usize,
    x_edges: Vec<f64>,
    y_edges: Vec<f64>,
    /// density[i][j]: declusterings per jet per unit area in bin (x_i, y_j) of (ln 1/Delta, ln kt).
    density: Vec<Vec<f64>>,
}

fn run_lund(a: &LundArgs, globals: &Globals) -> anyhow::Result<()> {
    let events = load(&a.file)?;
    let jets = select_jets(&events, &a.selection)?;
    let (nx, ny) = (LUND_X.2, LUND_Y.2);
    let (dx, dy) = ((LUND_X.1 - LUND_X.0) / nx as f64, (LUND_Y.1 - LUND_Y.0) / ny as f64);
    let mut density = vec![vec![0.0; ny]; nx];
    let mut n_decl = 0;
    for (event, constituents) in &jets {
        let tree = CaTree::new(constituents).map_err(|e| input_error(e.in_event(*event)))?;
        for d in tree.primary_declusterings() {
            n_decl += 1;
            let (x, y) = d.lund_coordinates();
            let (ix, iy) = (((x - LUND_X.0) / dx).floor(), ((y - LUND_Y.0) / dy).floor());
            if ix >= 0.0 && iy >= 0.0 && (ix as usize) < nx && (iy as usize) < ny {
                density[ix as usize][iy as usize] += 1.0 / (jets.len() as f64 * dx * dy);
            }
        }
    }
    let report = LundReport {
        jets: jets.len(),
        declusterings: n_decl,
        x_edges: (0..=nx).map(|i| LUND_X.0 + i as f64 * dx).collect(),
        y_edges: (0..=ny).map(|j| LUND_Y.0 + j as f64 * dy).collect(),
        density,
    };
    if globals.json {
        print_json(&report)?;
    } else {
        println!(
            "{} jets, {} primary declusterings ({:.2} per jet)",
            report.jets,
            report.declusterings,
            report.declusterings as f64 / report.jets as f64
        );
    }
    if let Some(path) = &a.plot {
        let (png, svg) = plot::both_formats(path);
        draw_lund(BitMapBackend::new(&png, (800, 700)).into_drawing_area(), &report)
            .with_context(|| format!("writing {}", png.display()))?;
        draw_lund(SVGBackend::new(&svg, (800, 700)).into_drawing_area(), &report)
            .with_context(|| format!("writing {}", svg.display()))?;
    }
    Ok(())
}

fn draw_lund<DB: DrawingBackend>(
    area: DrawingArea<DB, plotters::coord::Shift>,
    r: &LundReport,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| anyhow::anyhow!("{x}");
    area.fill(&WHITE).map_err(e)?;
    let mut chart = ChartBuilder::on(&area)
        .caption(format!("primary Lund plane, {} jets", r.jets), ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(LUND_X.0..LUND_X.1, LUND_Y.0..LUND_Y.1)
        .map_err(e)?;
    chart.configure_mesh().x_desc("ln 1/Delta").y_desc("ln kt [GeV]").draw().map_err(e)?;
    let max = r.density.iter().flatten().copied().fold(0.0f64, f64::max).max(1e-12);
    let (dx, dy) = (r.x_edges[1] - r.x_edges[0], r.y_edges[1] - r.y_edges[0]);
    let cells = r.density.iter().enumerate().flat_map(|(i, col)| {
        col.iter().enumerate().map(move |(j, &v)| {
            let (x0, y0) = (LUND_X.0 + i as f64 * dx, LUND_Y.0 + j as f64 * dy);
            let t = (v / max).sqrt();
            let c = RGBColor((255.0 * (1.0 - t)) as u8, (255.0 * (1.0 - 0.7 * t)) as u8, 255);
            Rectangle::new([(x0, y0), (x0 + dx, y0 + dy)], c.filled())
        })
    });
    chart.draw_series(cells).map_err(e)?;
    area.present().map_err(e)?;
    Ok(())
}
