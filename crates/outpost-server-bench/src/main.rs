//! `outpost-server-bench`: how the sync server compares with plain Postgres on this machine,
//! as ratios measured in one run against one Postgres cluster (fsync off for both sides).
//!
//! - ingest: 8 workstations push real changes (new patient documents, made through the
//!   domain) in batches of 100 to the server (in-process, on a local port, over HTTP), vs
//!   `pgbench -c 8` inserting the same rows the server stores — a `changes` row, a
//!   `documents` row and a `report_patients` row per change, bytes of the same size — 100
//!   per transaction. [`ROUNDS`] rounds, each on a fresh database, the two sides taking
//!   turns (server, pgbench, server, pgbench …) so a change in the machine's load hits
//!   both; the median ratio is reported with its min and max. Target: server ≥ 0.5×
//!   pgbench.
//! - memory: a fresh server process serves full pulls of a clinic with 10,000 documents,
//!   then of one with 100,000; its resident memory (/proc) after each. Target: flat
//!   within 20 %.
//!
//! Run: `cargo run --release -p outpost-server-bench` (README, "Benchmarks").

use anyhow::{Context, Result};
use outpost_server_bench::{ingest, memory, pgbench, BATCH, CLIENTS, ROUNDS};

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

        let mut rounds = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let url = ingest::fresh_database(&pg, &format!("ingest_round_{round}")).await?;
            let ingest = ingest::run(&url, changes_each).await?;
            let baseline = pgbench::run(&url, ingest.rows, ingest.avg_change_bytes)?;
            println!(
                "    round {}: server {:>7.0} changes/s, pgbench {:>7.0} changes/s: {:.2}x",
                round + 1,
                ingest.per_sec(),
                baseline.per_sec(),
                ingest.per_sec() / baseline.per_sec()
            );
            rounds.push((ingest, baseline));
        }
        rounds.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
        let (ingest, baseline) = &rounds[rounds.len() / 2];
        let (low, high) = (ratio(&rounds[0]), ratio(&rounds[rounds.len() - 1]));
        println!(
            "(d) ingest, {CLIENTS} concurrent clients, batches of {BATCH}, {} changes (median of {ROUNDS} rounds)",
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
            "    ratio server / pgbench: {:.2}x (min {low:.2}x, max {high:.2}x; target >= 0.5x)\n",
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

fn ratio((ingest, baseline): &(ingest::Ingest, pgbench::Baseline)) -> f64 {
    ingest.per_sec() / baseline.per_sec()
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
