//! Applying 10,000 pulled vitals changes to a fresh encrypted replica, timed alone, for
//! profiling the replica's apply path (`perf record` on this example):
//!   scripts/with-keyring.sh cargo run --release -p outpost-bench --example apply_replica

use anyhow::Result;
use outpost_bench::samples;
use outpost_replica::Replica;
use std::time::Instant;

const CHANGES: usize = 10_000;
const PAGE: usize = 500;

fn main() -> Result<()> {
    let (wire, _) = samples::remote_vitals(CHANGES)?;
    // More rounds (`ROUNDS=10`) let a profile of the apply outweigh building the samples.
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for _ in 0..rounds {
        let dir = tempfile::tempdir()?;
        let mut replica = Replica::create(dir.path())?;
        let pages = outpost_bench::pages(&wire, PAGE);
        let cpu = cpu_ms()?;
        let start = Instant::now();
        outpost_bench::apply_as_pulled(&mut replica, pages)?;
        println!(
            "applied {CHANGES} changes in {:.1} ms wall, {:.0} ms CPU",
            start.elapsed().as_secs_f64() * 1e3,
            cpu_ms()? - cpu
        );
    }
    Ok(())
}

/// CPU time of this process so far (user + system, all threads), in milliseconds: less
/// sensitive than wall time to other work on a shared machine.
fn cpu_ms() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks * 10.0)
}
