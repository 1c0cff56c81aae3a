//! (a) bootstrap and (f) memory of the client: a new workstation takes the whole clinic
//! (1k patients / 10k encounters / 40k vitals) from its server over loopback HTTP into an
//! empty encrypted replica, vs PouchDB (leveldb) replicating the same records from
//! express-pouchdb, vs the limit: SQLCipher bulk insert of the same records reading the
//! same JSON bytes. Each workstation is a process of its own, so its peak and steady
//! memory are its own. Rounds: Outpost, PouchDB, limit; three times.

use crate::clinic::{self, bootstrap_clinic, outpost_clinic, write_jsonl};
use crate::procs::{self, scratch, Memory, ServerProcess};
use crate::stats::{fmt, median, Goal, Ratio};
use crate::Ctx;
use anyhow::{Context, Result};
use outpost_replica::sync;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Changes in a bootstrap page, and records in each of the limit's transactions.
const PAGE: usize = 500;

/// What a bootstrapping workstation process reports.
#[derive(Debug, Serialize, Deserialize)]
pub struct Pulled {
    pub ms: f64,
    pub docs: usize,
    pub peak_kib: u64,
    pub steady_kib: u64,
    /// (a)'s floor: the same replica's rows written into a new SQLCipher file with no
    /// other work ([`crate::floor`]), timed after the memory figures are taken. PouchDB's
    /// processes report none.
    #[serde(default)]
    pub floor_ms: f64,
    /// The bytes of those rows' values.
    #[serde(default)]
    pub floor_bytes: usize,
}

/// The child process: enrolls a new workstation and bootstraps it (timed), then reports.
pub fn client(url: &str, code: &str, dir: &Path, expected: usize) -> Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    let pulled = rt.block_on(async {
        let replica = outpost_replica::enroll(dir, url, code).await?;
        let transport = sync::transport_for(&replica)?;
        let replica = Mutex::new(replica);
        let started = Instant::now();
        let report = sync::sync_once(&replica, &transport).await?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(report.bootstrapped > 0, "the workstation did not bootstrap");
        let docs = replica
            .lock()
            .map_err(|_| anyhow::anyhow!("replica lock poisoned"))?
            .document_heads()?
            .len();
        anyhow::ensure!(
            docs == expected,
            "bootstrapped {docs} of {expected} documents"
        );
        let mem = Memory::this_process()?;
        let replica = replica
            .into_inner()
            .map_err(|_| anyhow::anyhow!("replica lock poisoned"))?;
        let db_path = replica.db_path().to_owned();
        drop(replica);
        let contents = crate::floor::Contents::read(&db_path)?;
        let floor_ms = contents.write(&dir.join("floor.sqlite3"), docs.div_ceil(PAGE))?;
        Ok::<_, anyhow::Error>(Pulled {
            ms,
            docs,
            peak_kib: mem.peak_kib,
            steady_kib: mem.steady_kib,
            floor_ms,
            floor_bytes: contents.value_bytes(),
        })
    })?;
    println!("{}", serde_json::to_string(&pulled)?);
    Ok(())
}

pub async fn run(ctx: &Ctx) -> Result<Vec<Ratio>> {
    let url = outpost_server_bench::ingest::fresh_database(&ctx.pg, "bootstrap").await?;
    let db = outpost_sync_server::connect(&url).await?;
    outpost_sync_server::migrate(&db).await?;
    let outpost = ServerProcess::outpost(&url)?;
    let http = reqwest::Client::new();
    let (clinic_id, desk) = outpost_clinic(&db, &outpost.url, &http, "Bootstrap Clinic").await?;
    let (outbox, docs) = bootstrap_clinic(desk.replica)?;
    let outpost_docs = outbox.changes.len();
    let data = tempfile::tempdir_in(scratch())?;
    let jsonl = data.path().join("clinic.jsonl");
    write_jsonl(&jsonl, &docs)?;
    println!(
        "    loading {outpost_docs} documents into outpost-server and {} into express-pouchdb",
        docs.len()
    );
    // Set-up, not measured: both servers load at the same time.
    let pouch = ServerProcess::pouchdb(&ctx.bench_dir)?;
    let loading = {
        let (bench, url, file) = (ctx.bench_dir.clone(), pouch.url.clone(), jsonl.clone());
        std::thread::spawn(move || -> Result<serde_json::Value> {
            procs::node(&bench, "load.mjs", &[&url, "clinic", path_str(&file)?])
        })
    };
    clinic::load(&http, &outpost.url, &desk, &outbox.changes).await?;
    drop(outbox);
    let loaded = loading
        .join()
        .map_err(|_| anyhow::anyhow!("loading express-pouchdb panicked"))??;
    anyhow::ensure!(
        loaded["docs"].as_u64() == Some(docs.len() as u64),
        "express-pouchdb holds {loaded} documents"
    );

    let (mut ours, mut theirs, mut limit) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ctx.rounds {
        let code = outpost_sync_server::admin::create_enrollment_code(
            &db,
            clinic_id,
            &format!("New workstation {round}"),
            chrono::Duration::hours(1),
        )
        .await?;
        let dir = tempfile::tempdir_in(scratch())?;
        let o: Pulled = procs::this_binary(&[
            crate::CLIENT_ARG,
            &outpost.url,
            &code,
            path_str(dir.path())?,
            &outpost_docs.to_string(),
        ])?;
        drop(dir);
        let dir = tempfile::tempdir_in(scratch())?;
        let p: Pulled = procs::node(
            &ctx.bench_dir,
            "bootstrap.mjs",
            &[
                &pouch.url,
                "clinic",
                path_str(dir.path())?,
                &docs.len().to_string(),
            ],
        )?;
        drop(dir);
        let dir = tempfile::tempdir_in(scratch())?;
        let started = Instant::now();
        let mut conn = crate::limits::sqlcipher(&dir.path().join("limit.sqlite3"))?;
        let n = crate::limits::bulk_insert_jsonl(&mut conn, &jsonl, PAGE)?;
        let limit_ms = started.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(n == docs.len(), "the limit inserted {n} records");
        drop(conn);
        println!(
            "    round {}: Outpost {:.0} ms, PouchDB {:.0} ms, SQLCipher bulk insert {:.0} ms, \
             the replica's rows alone {:.0} ms",
            round + 1,
            o.ms,
            p.ms,
            limit_ms,
            o.floor_ms
        );
        ours.push(o);
        theirs.push(p);
        limit.push(limit_ms);
    }
    let server_mem = (outpost.memory()?, pouch.memory()?);

    let ms = |v: &[Pulled]| median(&v.iter().map(|p| p.ms).collect::<Vec<_>>());
    let mib = |v: &[Pulled], f: fn(&Pulled) -> u64| {
        median(&v.iter().map(|p| f(p) as f64 / 1024.0).collect::<Vec<_>>())
    };
    let per_round = |f: &dyn Fn(usize) -> f64| (0..ours.len()).map(f).collect::<Vec<_>>();
    let floor_detail = format!(
        "the most the first ratio could reach if HTTP, the server, JSON and the CRDT work cost \
         nothing: the rows ({} MB of values) written into SQLCipher set up like the replica, {} \
         commits, indexes built at the end: {} s",
        fmt(median(
            &ours
                .iter()
                .map(|p| p.floor_bytes as f64 / 1e6)
                .collect::<Vec<_>>()
        )),
        outpost_docs.div_ceil(PAGE),
        fmt(median(&ours.iter().map(|p| p.floor_ms).collect::<Vec<_>>()) / 1e3)
    );
    // A client memory figure of both sides: Outpost's over PouchDB's, at most half.
    let client_memory = |what: &str, measure: &str, f: fn(&Pulled) -> u64| Ratio {
        row: 'f',
        what: what.into(),
        ratios: per_round(&|i| f(&ours[i]) as f64 / f(&theirs[i]) as f64),
        goal: Goal::AtMost(0.5),
        detail: format!(
            "{measure}: Outpost {} MiB, PouchDB (node) {} MiB",
            fmt(mib(&ours, f)),
            fmt(mib(&theirs, f))
        ),
        note: None,
    };
    let mut out = vec![
        Ratio {
            row: 'a',
            what: "bootstrap: PouchDB time / Outpost time".into(),
            ratios: per_round(&|i| theirs[i].ms / ours[i].ms),
            goal: Goal::AtLeast(10.0),
            detail: format!(
                "Outpost {} s, PouchDB {} s ({outpost_docs} and {} documents)",
                fmt(ms(&ours) / 1e3),
                fmt(ms(&theirs) / 1e3),
                docs.len()
            ),
            note: None,
        },
        Ratio {
            row: 'a',
            what: "bootstrap: Outpost time / SQLCipher bulk insert".into(),
            ratios: per_round(&|i| ours[i].ms / limit[i]),
            goal: Goal::AtMost(3.0),
            detail: format!(
                "Outpost {} s, SQLCipher bulk insert reading the same JSON {} s",
                fmt(ms(&ours) / 1e3),
                fmt(median(&limit) / 1e3)
            ),
            note: None,
        },
        Ratio {
            row: 'a',
            what: "bootstrap: PouchDB time / writing the bootstrapped replica's rows alone".into(),
            ratios: per_round(&|i| theirs[i].ms / ours[i].floor_ms),
            goal: Goal::Info,
            detail: floor_detail,
            note: None,
        },
        Ratio {
            row: 'a',
            what: "bootstrap: Outpost time / writing its rows alone".into(),
            ratios: per_round(&|i| ours[i].ms / ours[i].floor_ms),
            goal: Goal::Info,
            detail: "what HTTP, the server, JSON and the CRDT work add to the writing".into(),
            note: None,
        },
        client_memory(
            "client peak memory (bootstrap): Outpost / PouchDB",
            "VmHWM",
            |p| p.peak_kib,
        ),
        client_memory(
            "client steady memory (after bootstrap): Outpost / PouchDB",
            "VmRSS with the store open",
            |p| p.steady_kib,
        ),
    ];
    let (o, p) = server_mem;
    out.push(Ratio {
        row: 'f',
        what: "server peak memory serving (a): outpost-server / express-pouchdb".into(),
        ratios: vec![o.peak_kib as f64 / p.peak_kib as f64],
        goal: Goal::Info,
        detail: format!(
            "VmHWM after loading and serving {} bootstraps: outpost-server {} MiB, express-pouchdb {} MiB; \
             steady {} vs {} MiB",
            ours.len(),
            fmt(o.peak_kib as f64 / 1024.0),
            fmt(p.peak_kib as f64 / 1024.0),
            fmt(o.steady_kib as f64 / 1024.0),
            fmt(p.steady_kib as f64 / 1024.0)
        ),
        note: Some("one figure: the peak over the whole row, both servers alive side by side".into()),
    });
    Ok(out)
}

pub fn path_str(p: &Path) -> Result<&str> {
    p.to_str().context("a temp path that is not UTF-8")
}
