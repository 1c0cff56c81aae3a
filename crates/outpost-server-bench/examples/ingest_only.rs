//! The server's side of (d) alone, for profiling: `perf record` this process and the
//! Postgres backends while workstations push, with no pgbench window mixed in. The
//! records are made first (it prints "pushing" to standard error when they are), then
//! each round pushes them into a fresh database and prints its rate.
//! `cargo run --release -p outpost-server-bench --example ingest_only [rounds]`; the
//! measured comparison is the `outpost-server-bench` binary.

use anyhow::{Context, Result};
use outpost_server_bench::fixtures::new_patients;
use outpost_server_bench::{ingest, CLIENTS};

fn main() -> Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse().context("rounds must be a number"))
        .transpose()?
        .unwrap_or(3);
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async {
        let pg = outpost_pgtest::PgCluster::start().context("starting Postgres")?;
        let mut patients = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            patients.push(new_patients(2_500)?);
        }
        eprintln!("pushing");
        for round in 0..rounds {
            let url = ingest::fresh_database(&pg, &format!("ingest_only_{round}")).await?;
            let ingest = ingest::run_with(&url, &patients).await?;
            println!(
                "round {}: {:.0} changes/s ({} B a change)",
                round + 1,
                ingest.per_sec(),
                ingest.avg_change_bytes
            );
        }
        Ok(())
    })
}
