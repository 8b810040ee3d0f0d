//! Robustness and speed of m_T2 against the PyPI `mt2` package on a large random sample written
//! by `fixtures/mt2/make_random_events.py` (CSV without header, reference value last):
//! `cargo run --release -p hepzero-kinematics --example mt2_compare -- /tmp/mt2_random.csv`.
//! Prints the worst relative difference (relative to max(reference, 1 MeV)), the number of
//! events beyond 1e-6, and evaluations per CPU second (Linux /proc/self/stat).

use hepzero_kinematics::mt2;

fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: mt2_compare FILE.csv")?;
    let text = std::fs::read_to_string(&path)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let x: Vec<f64> = line.split(',').map(str::parse).collect::<Result<_, _>>()?;
        if x.len() != 11 {
            return Err(format!("{path}:{}: expected 11 columns, found {}", i + 1, x.len()).into());
        }
        rows.push(x);
    }
    let cpu = || cpu_seconds().ok_or("cannot read /proc/self/stat");
    let mut values = vec![0.0; rows.len()];
    let repeats = 5;
    let t0 = cpu()?;
    for _ in 0..repeats {
        for (v, x) in values.iter_mut().zip(&rows) {
            *v = mt2(x[0], [x[1], x[2]], x[3], [x[4], x[5]], [x[6], x[7]], x[8], x[9]);
        }
    }
    let dt = cpu()? - t0;
    let (mut worst, mut beyond) = (0.0f64, 0usize);
    for (v, x) in values.iter().zip(&rows) {
        let rel = (v - x[10]).abs() / x[10].abs().max(1e-3);
        worst = worst.max(rel);
        beyond += usize::from(rel > 1e-6);
    }
    println!(
        "{} events: worst relative difference {worst:.2e}, {beyond} beyond 1e-6; {:.3e} evaluations per CPU second",
        rows.len(),
        (repeats * rows.len()) as f64 / dt
    );
    Ok(())
}
