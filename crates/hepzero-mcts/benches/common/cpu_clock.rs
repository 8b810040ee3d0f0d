//! Criterion measurement on the process's CPU time rather than wall time.
//!
//! The 2-core development machine runs several builds at once, so wall time mostly measures their
//! load. The kernel's per-thread on-CPU nanoseconds (first field of `/proc/self/task/<tid>/schedstat`)
//! summed over the process's threads measure our own work. Where `/proc` cannot be read, wall time.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use std::time::{Duration, Instant};

fn on_cpu_ns() -> Option<u64> {
    let mut sum = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let Ok(task) = task else { continue };
        // Threads that exit between the listing and the read simply count no more.
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            sum += text.split(' ').next()?.trim().parse::<u64>().ok()?;
        }
    }
    Some(sum)
}

/// Process CPU time as a criterion measurement.
pub struct CpuClock {
    origin: Instant,
}

impl Default for CpuClock {
    fn default() -> Self {
        Self { origin: Instant::now() }
    }
}

impl CpuClock {
    fn read(&self) -> u64 {
        on_cpu_ns().unwrap_or_else(|| self.origin.elapsed().as_nanos() as u64)
    }
}

impl Measurement for CpuClock {
    type Intermediate = u64;
    type Value = Duration;
    fn start(&self) -> u64 {
        self.read()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(self.read().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WallTime.formatter()
    }
}
