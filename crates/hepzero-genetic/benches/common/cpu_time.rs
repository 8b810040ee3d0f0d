//! A criterion measurement of process CPU time (the sum over the process's threads of the on-CPU
//! nanoseconds in `/proc/self/task/*/schedstat`). The development machine is shared by several
//! builds at once, so wall time mostly measures the others' load; CPU time measures our work.
//! Falls back to wall time where `/proc` is unavailable.

use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

static WALL: WallTime = WallTime;

/// Process CPU time in nanoseconds, if readable.
pub fn process_cpu_ns() -> Option<u64> {
    let mut total = 0u64;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let path = entry.ok()?.path().join("schedstat");
        // A thread may exit between listing and reading; it then contributes nothing.
        if let Ok(s) = std::fs::read_to_string(path) {
            total += s.split_whitespace().next()?.parse::<u64>().ok()?;
        }
    }
    Some(total)
}

/// CPU time of the whole process.
pub struct CpuTime {
    epoch: Instant,
}

impl Default for CpuTime {
    fn default() -> Self {
        Self { epoch: Instant::now() }
    }
}

impl CpuTime {
    fn now_ns(&self) -> u64 {
        process_cpu_ns().unwrap_or_else(|| self.epoch.elapsed().as_nanos() as u64)
    }
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        self.now_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(self.now_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}
