//! Single-thread throughput in events per CPU second (process user + system time from
//! /proc/self/stat, so the figure does not depend on how busy a shared machine is):
//! GENBOD B0 -> K+ pi- pi0 weighted and unweighted (against GENBOD's bound and against the
//! exact maximum weight), and m_T2 over the 370 reference events of `fixtures/mt2/` repeated
//! 1000 times (the same events `fixtures/mt2/bench_mt2.py` times with the PyPI `mt2` package).
//! Linux only. Run:
//! `cargo run --release -p hepzero-kinematics --example kinematics_throughput`.

use hepzero_kinematics::{FourMomentum, PhaseSpace, mt2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const REFERENCE: &str = include_str!("../../../fixtures/mt2/mt2_reference.csv");

/// Process CPU time in seconds (utime + stime, in clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cpu = || cpu_seconds().ok_or("cannot read /proc/self/stat");
    let ps = PhaseSpace::new(5.27966, &[0.493677, 0.13957039, 0.1349768])?;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut out = [FourMomentum::ZERO; 3];

    let n = 20_000_000;
    let t0 = cpu()?;
    let mut sum = 0.0;
    for _ in 0..n {
        sum += ps.generate_weighted(&mut rng, &mut out)?;
    }
    let dt = cpu()? - t0;
    println!("GENBOD B0 -> K+ pi- pi0 weighted:   {:.3e} events per CPU second", n as f64 / dt);
    black_box(sum);

    let n = 10_000_000;
    let t0 = cpu()?;
    for _ in 0..n {
        ps.generate_unweighted(&mut rng, &mut out)?;
        black_box(out[0].e);
    }
    let dt = cpu()? - t0;
    println!("GENBOD B0 -> K+ pi- pi0 unweighted: {:.3e} events per CPU second", n as f64 / dt);

    let tight = ps.clone().with_tight_max_weight();
    let t0 = cpu()?;
    for _ in 0..n {
        tight.generate_unweighted(&mut rng, &mut out)?;
        black_box(out[0].e);
    }
    let dt = cpu()? - t0;
    println!("  ... with the exact maximum weight:  {:.3e} events per CPU second", n as f64 / dt);

    let mut events = Vec::new();
    for line in REFERENCE.lines().skip(1) {
        let x: Vec<f64> = line.split(',').skip(1).map(str::parse).collect::<Result<_, _>>()?;
        events.push(x);
    }
    let repeats = 1000;
    let t0 = cpu()?;
    let mut sum = 0.0;
    for _ in 0..repeats {
        for x in &events {
            sum += mt2(x[0], [x[1], x[2]], x[3], [x[4], x[5]], [x[6], x[7]], x[8], x[9]);
        }
    }
    let dt = cpu()? - t0;
    let evaluations = (repeats * events.len()) as f64;
    println!("m_T2 (fixtures/mt2 events x {repeats}):  {:.3e} evaluations per CPU second", evaluations / dt);
    black_box(sum);
    Ok(())
}
