//! `outpost-compare`, the benchmark command's engine (`scripts/bench.sh`): Outpost side by
//! side with PouchDB 9 + express-pouchdb 4 (the Node contenders in `bench/`) and with the
//! machine's limits (plain SQLite, SQLCipher, pgbench), on identical synthetic clinic
//! data, every contender taking turns in each round, ratios printed per row (median of
//! the rounds with min and max) and written with the machine's description to
//! docs/BENCHMARKS.md. Not a test.
//!
//!   outpost-compare [--bench-dir bench] [--write docs/BENCHMARKS.md] [--rows abcdef]
//!
//! Needs the OS keyring (the replicas' keys): run it through scripts/with-keyring.sh.

mod bootstrap;
mod clinic;
mod disk;
mod edits;
mod floor;
mod ingest;
mod limits;
mod machine;
mod procs;
mod reconnect;
mod report;
mod stats;

use anyhow::{bail, Context, Result};
use outpost_server_bench::memory;
use stats::{fmt, Goal, Ratio};
use std::path::PathBuf;
use std::time::Instant;

/// The first argument that runs this binary as a bootstrapping workstation of (a).
pub const CLIENT_ARG: &str = "--bootstrap-workstation";
/// Rounds per row: each contender of a row runs this many times, taking turns.
pub const ROUNDS: usize = 3;

/// What every row needs.
#[derive(Debug)]
pub struct Ctx {
    pub pg: outpost_pgtest::PgCluster,
    pub bench_dir: PathBuf,
    pub rounds: usize,
}

struct Options {
    bench_dir: PathBuf,
    write: Option<PathBuf>,
    rows: String,
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        bench_dir: PathBuf::from("bench"),
        write: Some(PathBuf::from("docs/BENCHMARKS.md")),
        rows: "abcdef".into(),
    };
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--bench-dir" => o.bench_dir = PathBuf::from(value()?),
            "--write" => o.write = Some(PathBuf::from(value()?)),
            "--rows" => o.rows = value()?.clone(),
            "--help" | "-h" => {
                println!("outpost-compare [--bench-dir bench] [--write docs/BENCHMARKS.md] [--rows abcdef]");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    if o.rows != "abcdef" {
        // A partial run does not replace the report.
        o.write = None;
    }
    Ok(o)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some(memory::SERVE_ARG) => {
            let url = args.get(2).context("serve mode needs a database URL")?;
            return memory::serve_child(url);
        }
        Some(CLIENT_ARG) => {
            let [url, code, dir, expected] = [2, 3, 4, 5].map(|i| args.get(i));
            let (Some(url), Some(code), Some(dir), Some(expected)) = (url, code, dir, expected)
            else {
                bail!("{CLIENT_ARG} URL CODE DIR EXPECTED_DOCUMENTS");
            };
            return bootstrap::client(url, code, dir.as_ref(), expected.parse()?);
        }
        _ => {}
    }
    let opts = options(&args)?;
    anyhow::ensure!(
        opts.bench_dir.join("node_modules/pouchdb").exists(),
        "{} has no node_modules/pouchdb: run `npm ci` there (scripts/bench.sh does)",
        opts.bench_dir.display()
    );
    let started = Instant::now();
    let load_start = machine::load_average();
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let ratios = rt.block_on(run_rows(&opts))?;

    println!("\nSummary (ratio: median of the rounds, min–max):");
    for r in &ratios {
        r.print();
    }
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    println!("\nwhole run: {minutes:.1} min");
    if let Some(path) = &opts.write {
        let run = report::Run {
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            minutes,
            rounds: ROUNDS,
            machine: machine::describe(&opts.bench_dir, &machine::sqlite_versions()),
            load_start,
            load_end: machine::load_average(),
            ratios,
        };
        report::write(path, &run)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

async fn run_rows(opts: &Options) -> Result<Vec<Ratio>> {
    let ctx = Ctx {
        pg: outpost_pgtest::PgCluster::start().context("starting Postgres")?,
        bench_dir: std::fs::canonicalize(&opts.bench_dir)?,
        rounds: ROUNDS,
    };
    let mut all = Vec::new();
    for row in opts.rows.chars() {
        let t = Instant::now();
        println!("\n== row ({row}) ==");
        let ratios = match row {
            'a' => bootstrap::run(&ctx).await?,
            'b' => reconnect::run(&ctx).await?,
            'c' => edits::run()?,
            'd' => ingest::run(&ctx).await?,
            'e' => disk::run(&ctx)?,
            'f' => server_memory(&ctx).await?,
            other => bail!("no row {other:?} (rows a to f)"),
        };
        for r in &ratios {
            r.print();
        }
        println!("   row ({row}) took {:.0} s", t.elapsed().as_secs_f64());
        all.extend(ratios);
    }
    // The table lists rows in order (f's client figures come from row a).
    all.sort_by_key(|r| r.row);
    Ok(all)
}

/// (f) server: resident memory after full pulls of 10,000 and of 100,000 documents.
async fn server_memory(ctx: &Ctx) -> Result<Vec<Ratio>> {
    let (small, large) = (10_000, 100_000);
    let m = memory::run(&ctx.pg, small, large).await?;
    let mib = |k: u64| fmt(k as f64 / 1024.0);
    Ok(vec![Ratio {
        row: 'f',
        what: "server memory, full pulls of 100k / of 10k documents".into(),
        ratios: vec![m.after_large_kib as f64 / m.after_small_kib as f64],
        goal: Goal::AtMost(1.2),
        detail: format!(
            "VmRSS of a fresh outpost-server: {} MiB idle, {} MiB after 10k, {} MiB after 100k",
            mib(m.idle_kib),
            mib(m.after_small_kib),
            mib(m.after_large_kib)
        ),
        note: Some(
            "1 round: resident memory does not move with the machine's load the way times do; PouchDB's server memory is in the row above"
                .into(),
        ),
    }])
}
