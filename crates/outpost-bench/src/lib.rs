//! Shared pieces of the benchmarks: a tiny timing helper and record builders. Benchmarks
//! print ratios against a baseline measured in the same run, never absolute pass/fail
//! thresholds, so a slower machine changes the numbers but not their meaning.

pub mod samples;

use outpost_domain::protocol::WireChange;
use outpost_replica::Replica;
use std::time::{Duration, Instant};

/// Applies `wire` in pages of `page` as a sync round pulls them into an empty replica:
/// every page but the last in bulk (the catch-up at least doubles what the replica
/// holds), the last as usual, which builds the per-patient indexes.
pub fn apply_as_pulled(
    replica: &mut Replica,
    wire: &[WireChange],
    page: usize,
) -> anyhow::Result<()> {
    let pages: Vec<&[WireChange]> = wire.chunks(page).collect();
    for (i, changes) in pages.iter().enumerate() {
        if i + 1 < pages.len() {
            replica.apply_remote_changes_in_bulk(changes)?;
        } else {
            replica.apply_remote_changes(changes)?;
        }
    }
    Ok(())
}

/// Runs `work` `runs` times, each time on a fresh value from `setup`, and returns the
/// median duration of `work` alone (setting up, e.g. creating an empty store, is not what
/// is measured). `work` hands its value back so dropping it is not timed either.
pub fn median<S, F, W>(runs: usize, mut setup: F, mut work: W) -> anyhow::Result<Duration>
where
    F: FnMut() -> anyhow::Result<S>,
    W: FnMut(S) -> anyhow::Result<S>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let value = setup()?;
        let start = Instant::now();
        let value = work(value)?;
        times.push(start.elapsed());
        drop(value);
    }
    times.sort();
    times
        .get(times.len() / 2)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("median of no runs"))
}

/// Prints one result line: what, measured, baseline, ratio and target.
pub fn report(what: &str, ours: f64, baseline: f64, unit: &str, target: &str) {
    let ratio = ours / baseline;
    println!("{what:<66} {ours:>10.1} {unit:<6} vs {baseline:>10.1} {unit:<6} = {ratio:>5.2}x  (target {target})");
}
