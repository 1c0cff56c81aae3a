//! `outpost-server-bench`: how the sync server compares with plain Postgres on this machine,
//! as ratios measured in one run against one Postgres cluster (fsync off for both sides).
//!
//! - ingest: 8 workstations push real changes (new patient documents, made through the
//!   domain) in batches of 100 to the server (in-process, on a local port, over HTTP), vs
//!   `pgbench -c 8` inserting the same rows the server stores — a `changes` row, a
//!   `documents` row and a `report_patients` row per change, bytes of the same size — 100
//!   per transaction. Target: server ≥ 0.5× pgbench.
//! - memory: a fresh server process serves full pulls of a clinic with 10,000 documents,
//!   then of one with 100,000; its resident memory (/proc) after each. Target: flat
//!   within 20 %.
//!
//! Run: `cargo run --release -p outpost-server-bench` (README, "Benchmarks").

mod fixtures;
mod ingest;
mod memory;
mod pgbench;

use anyhow::{Context, Result};

/// Workstations pushing at once, and changes per push.
pub const CLIENTS: usize = 8;
pub const BATCH: usize = 100;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(memory::SERVE_ARG) {
        // The child process whose memory is measured: only the server runs in it.
        let url = args.get(2).context("serve mode needs a database URL")?;
        return memory::serve_child(url);
    }
    // Smaller runs (a quick check of the harness): OUTPOST_BENCH_CHANGES_PER_CLIENT,
    // OUTPOST_BENCH_SMALL, OUTPOST_BENCH_LARGE.
    let changes_each = env_or("OUTPOST_BENCH_CHANGES_PER_CLIENT", 2_500);
    let small = env_or("OUTPOST_BENCH_SMALL", 10_000);
    let large = env_or("OUTPOST_BENCH_LARGE", 100_000);

    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async {
        let pg = outpost_pgtest::PgCluster::start().context("starting Postgres")?;
        println!("outpost-server-bench: one Postgres cluster (fsync=off) for every measurement\n");

        let ingest = ingest::run(&pg, changes_each).await?;
        let baseline = pgbench::run(&pg, ingest.rows, ingest.avg_change_bytes)?;
        println!(
            "(d) ingest, {CLIENTS} concurrent clients, batches of {BATCH}, {} changes",
            ingest.rows
        );
        println!(
            "    outpost-server push (HTTP, validate, apply, store): {:>9.0} changes/s",
            ingest.per_sec()
        );
        println!(
            "    pgbench, same rows and batching:                    {:>9.0} changes/s",
            baseline.per_sec()
        );
        println!(
            "    ratio server / pgbench: {:.2}x (target >= 0.5x)\n",
            ingest.per_sec() / baseline.per_sec()
        );

        let mem = memory::run(&pg, small, large).await?;
        println!("memory: server resident set (VmRSS), fresh process");
        println!(
            "    idle after start:                    {:>7.1} MiB",
            mib(mem.idle_kib)
        );
        println!(
            "    after full pulls of {small:>6} documents: {:>7.1} MiB",
            mib(mem.after_small_kib)
        );
        println!(
            "    after full pulls of {large:>6} documents: {:>7.1} MiB",
            mib(mem.after_large_kib)
        );
        println!(
            "    ratio {large} / {small}: {:.2}x (target: within 1.20x)",
            mem.after_large_kib as f64 / mem.after_small_kib as f64
        );
        Ok(())
    })
}

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
