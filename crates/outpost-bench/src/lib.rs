//! Shared pieces of the benchmarks: a tiny timing helper and record builders. Benchmarks
//! print ratios against a baseline measured in the same run, never absolute pass/fail
//! thresholds, so a slower machine changes the numbers but not their meaning.

use std::time::{Duration, Instant};

/// Runs `f` `runs` times and returns the median duration.
pub fn median<F: FnMut() -> anyhow::Result<()>>(runs: usize, mut f: F) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Prints one result line: what, measured, baseline, ratio and target.
pub fn report(what: &str, ours: f64, baseline: f64, unit: &str, target: &str) {
    let ratio = ours / baseline;
    println!("{what:<58} {ours:>10.1} {unit:<6} vs {baseline:>10.1} {unit:<6} = {ratio:>5.2}x  (target {target})");
}
