//! (d) server ingest: 8 workstations push new patients at once, 100 per push (the server
//! benchmark's workload, `outpost-server-bench`), vs pgbench inserting the same rows with
//! the same batching on the same Postgres, vs express-pouchdb taking the same patients
//! as `_bulk_docs` from 8 clients, 100 per request. Each round on a fresh database; the
//! three take turns.

use crate::bootstrap::path_str;
use crate::clinic::{pouch_doc, write_jsonl};
use crate::procs::{self, scratch, ServerProcess};
use crate::stats::{fmt, median, Goal, Ratio};
use crate::Ctx;
use anyhow::Result;
use outpost_domain::document::DocKind;
use outpost_server_bench::fixtures::new_patients;
use outpost_server_bench::{ingest, pgbench, BATCH, CLIENTS};

/// Patients each client registers (20,000 in all).
pub const EACH: usize = 2_500;

#[derive(Debug, serde::Deserialize)]
struct PouchIngest {
    ms: f64,
    docs: usize,
}

pub async fn run(ctx: &Ctx) -> Result<Vec<Ratio>> {
    let pouch = ServerProcess::pouchdb(&ctx.bench_dir)?;
    let (mut ours, mut pg, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ctx.rounds {
        let patients: Vec<_> = (0..CLIENTS)
            .map(|_| new_patients(EACH))
            .collect::<Result<_>>()?;
        let data = tempfile::tempdir_in(scratch())?;
        let jsonl = data.path().join("patients.jsonl");
        let docs = patients
            .iter()
            .flatten()
            .map(|p| pouch_doc(p.id, DocKind::Patient, p))
            .collect::<Result<Vec<_>>>()?;
        write_jsonl(&jsonl, &docs)?;

        let url = ingest::fresh_database(&ctx.pg, &format!("ingest_{round}")).await?;
        let o = ingest::run_with(&url, &patients).await?;
        let b = pgbench::run(&url, o.rows, o.avg_change_bytes)?;
        let p: PouchIngest = procs::node(
            &ctx.bench_dir,
            "ingest.mjs",
            &[
                &pouch.url,
                &format!("ingest_{round}"),
                path_str(&jsonl)?,
                &CLIENTS.to_string(),
                &BATCH.to_string(),
            ],
        )?;
        let p_rate = p.docs as f64 / (p.ms / 1e3);
        println!(
            "    round {}: outpost-server {:.0}/s, pgbench {:.0}/s, express-pouchdb {:.0}/s",
            round + 1,
            o.per_sec(),
            b.per_sec(),
            p_rate
        );
        ours.push(o.per_sec());
        pg.push(b.per_sec());
        theirs.push(p_rate);
    }
    let pair = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x / y).collect::<Vec<_>>();
    Ok(vec![
        Ratio {
            row: 'd',
            what: "server ingest, 8 clients × batches of 100: Outpost / pgbench".into(),
            ratios: pair(&ours, &pg),
            goal: Goal::AtLeast(0.5),
            detail: format!(
                "changes/s: outpost-server {}, pgbench {} ({} rows a round)",
                fmt(median(&ours)),
                fmt(median(&pg)),
                CLIENTS * EACH
            ),
            note: None,
        },
        Ratio {
            row: 'd',
            what: "server ingest: Outpost / express-pouchdb _bulk_docs".into(),
            ratios: pair(&ours, &theirs),
            goal: Goal::AtLeast(4.0),
            detail: format!(
                "documents/s: outpost-server {}, express-pouchdb {}",
                fmt(median(&ours)),
                fmt(median(&theirs))
            ),
            note: None,
        },
    ])
}
