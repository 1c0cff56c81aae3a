//! Shared pieces of the benchmarks: a tiny timing helper and record builders. Benchmarks
//! print ratios against a baseline measured in the same run, never absolute pass/fail
//! thresholds, so a slower machine changes the numbers but not their meaning.

pub mod samples;

use outpost_domain::protocol::WireChange;
use outpost_replica::{PreparedPull, Replica};
use std::time::{Duration, Instant};

/// `wire` cut into pages of `page` changes, each its own list, as a sync round receives
/// them (made before the timing starts: the copy is the benchmark's, not the round's).
pub fn pages(wire: &[WireChange], page: usize) -> Vec<Vec<WireChange>> {
    wire.chunks(page).map(<[WireChange]>::to_vec).collect()
}

/// Applies `pages` as a sync round pulls them into an empty replica: every page but the
/// last in bulk (the catch-up at least doubles what the replica holds), the last as
/// usual, which builds the per-patient indexes. As in the round, page N+1 is read
/// ([`PreparedPull::read`]) on another thread while page N is stored.
pub fn apply_as_pulled(replica: &mut Replica, pages: Vec<Vec<WireChange>>) -> anyhow::Result<()> {
    let count = pages.len();
    std::thread::scope(|scope| {
        let mut pages = pages.into_iter();
        let mut read = || {
            pages
                .next()
                .map(|changes| scope.spawn(move || PreparedPull::read(changes)))
        };
        let mut reading = read();
        for i in 0..count {
            let Some(current) = reading.take() else {
                break;
            };
            let current = current
                .join()
                .map_err(|_| anyhow::anyhow!("reading a page panicked"))?;
            reading = read();
            if i + 1 < count {
                replica.apply_prepared_pull_in_bulk(current)?;
            } else {
                replica.apply_prepared_pull(current)?;
            }
        }
        Ok(())
    })
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

/// Opens (creating it) a SQLCipher file keyed like a replica: a raw 256-bit key (a fixed
/// one: the benchmarks' files are scratch) and `cipher_compatibility = 4`. The caller sets
/// its journal mode and tables.
pub fn open_sqlcipher(path: &std::path::Path) -> anyhow::Result<rusqlite::Connection> {
    let key: String = (0..32)
        .map(|i| format!("{:02x}", (i * 37 + 11) % 256))
        .collect();
    open_sqlcipher_keyed(path, &key)
}

/// Opens a SQLCipher file with the raw key `hex_key` (64 hex digits, as a replica's key
/// is kept) and `cipher_compatibility = 4`.
pub fn open_sqlcipher_keyed(
    path: &std::path::Path,
    hex_key: &str,
) -> anyhow::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{hex_key}'\"; PRAGMA cipher_compatibility = 4;"
    ))?;
    Ok(conn)
}

/// Prints one result line: what, measured, baseline, ratio and target.
pub fn report(what: &str, ours: f64, baseline: f64, unit: &str, target: &str) {
    let ratio = ours / baseline;
    println!("{what:<66} {ours:>10.1} {unit:<6} vs {baseline:>10.1} {unit:<6} = {ratio:>5.2}x  (target {target})");
}

/// Prints one result line for timings taken in rounds, the contenders taking turns: the
/// medians of `ours` and of `baseline` (ms), and the median of the rounds' own ratios with
/// their min and max.
pub fn report_rounds(what: &str, ours: &[Duration], baseline: &[Duration], target: &str) {
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let mid = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(baseline)
        .map(|(o, b)| ms(o) / ms(b))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let (min, max) = (
        ratios.first().copied().unwrap_or(f64::NAN),
        ratios.last().copied().unwrap_or(f64::NAN),
    );
    println!(
        "{what:<66} {:>10.1} ms     vs {:>10.1} ms     = {:>5.2}x  ({min:.2}–{max:.2} over {} rounds; target {target})",
        mid(ours.iter().map(ms).collect()),
        mid(baseline.iter().map(ms).collect()),
        mid(ratios.clone()),
        ratios.len()
    );
}
