//! (b) reconnecting after an outage: four workstations hold the clinic's 200 shared
//! patients, each makes 2,000 changes offline — 1,800 new vitals sets and 200 edits of the
//! shared patients' phone numbers (10 %; every shared patient is edited on all four, so
//! these overlap) — then all four reconnect at once and sync in rounds until a round
//! moves nothing. Timed from reconnecting to that quiet round; then every workstation
//! must hold the same documents at the same heads. PouchDB does the same with the same
//! records and edits against express-pouchdb. Rounds: Outpost, PouchDB; three times.

use crate::bootstrap::path_str;
use crate::clinic::{self, outpost_clinic, pouch_doc, write_jsonl, USERS};
use crate::procs::{self, scratch, ServerProcess};
use crate::stats::{fmt, median, Goal, Ratio};
use crate::Ctx;
use anyhow::{Context, Result};
use outpost_bench::samples;
use outpost_domain::credentials::Password;
use outpost_domain::document::patient::DemographicsUpdate;
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_replica::sync::{self, HttpTransport};
use outpost_replica::Replica;
use outpost_server_bench::fixtures::BENCH_PASSWORD;
use serde_json::json;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

pub const DESKS: usize = 4;
pub const SHARED: usize = 200;
pub const CHANGES: usize = 2_000;
/// Every tenth offline change edits a shared patient.
const EDIT_EVERY: usize = 10;

/// The `k`-th offline change of workstation `desk`.
enum Op {
    Vitals { index: usize, patient: usize },
    Phone { patient: usize, phone: String },
}

fn op(desk: usize, k: usize) -> Op {
    if k % EDIT_EVERY == EDIT_EVERY - 1 {
        let patient = (k / EDIT_EVERY) % SHARED;
        Op::Phone {
            patient,
            phone: format!("+233 2{desk} {patient:03} {k:04}"),
        }
    } else {
        Op::Vitals {
            index: desk * 100_000 + k,
            patient: k % SHARED,
        }
    }
}

/// The same patients and changes for the Node contender, as JSON lines.
fn write_pouch_data(dir: &Path) -> Result<()> {
    let mut ids = Vec::with_capacity(SHARED);
    let mut shared = Vec::with_capacity(SHARED);
    for i in 0..SHARED {
        let p = clinic::patient(i)?;
        shared.push(pouch_doc(p.id, DocKind::Patient, &p)?);
        ids.push(p.id);
    }
    write_jsonl(&dir.join("shared.jsonl"), &shared)?;
    for desk in 0..DESKS {
        let mut ops = Vec::with_capacity(CHANGES);
        for k in 0..CHANGES {
            ops.push(match op(desk, k) {
                Op::Vitals { index, patient } => {
                    let v = samples::vitals(index, ids[patient])?;
                    json!({ "edit": false, "doc": pouch_doc(v.id, DocKind::Vitals, &v)? })
                }
                Op::Phone { patient, phone } => {
                    json!({ "edit": true, "doc": { "_id": ids[patient].to_string(), "phone": phone } })
                }
            });
        }
        write_jsonl(&dir.join(format!("desk{desk}.jsonl")), &ops)?;
    }
    Ok(())
}

struct Workstation {
    _dir: tempfile::TempDir,
    replica: Mutex<Replica>,
    transport: HttpTransport,
}

impl Workstation {
    fn with<R>(&self, f: impl FnOnce(&mut Replica) -> Result<R>) -> Result<R> {
        let mut r = self
            .replica
            .lock()
            .map_err(|_| anyhow::anyhow!("replica lock poisoned"))?;
        f(&mut r)
    }
}

/// One Outpost round; returns the milliseconds from reconnecting to convergence.
async fn outpost_round(ctx: &Ctx, round: usize) -> Result<f64> {
    let url = outpost_server_bench::ingest::fresh_database(&ctx.pg, &format!("reconnect_{round}"))
        .await?;
    let db = outpost_sync_server::connect(&url).await?;
    outpost_sync_server::migrate(&db).await?;
    let server = ServerProcess::outpost(&url)?;
    let http = reqwest::Client::new();
    let (clinic_id, _) = outpost_clinic(&db, &server.url, &http, "Reconnect Clinic").await?;
    let mut desks = Vec::with_capacity(DESKS);
    for i in 0..DESKS {
        let code = outpost_sync_server::admin::create_enrollment_code(
            &db,
            clinic_id,
            &format!("Ward desk {i}"),
            chrono::Duration::hours(1),
        )
        .await?;
        let dir = tempfile::tempdir_in(scratch())?;
        let replica = outpost_replica::enroll(dir.path(), &server.url, &code).await?;
        let transport = sync::transport_for(&replica)?;
        let ws = Workstation {
            _dir: dir,
            replica: Mutex::new(replica),
            transport,
        };
        outpost_replica::sync_users(&ws.replica, &ws.transport, chrono::Utc::now()).await?;
        ws.with(|r| {
            for (user, _) in USERS {
                r.login(user, &Password::new(BENCH_PASSWORD), chrono::Utc::now())?;
            }
            Ok(())
        })?;
        desks.push(ws);
    }
    // The shared patients, registered on the first workstation and synced to all.
    let shared: Vec<DocId> = desks[0].with(|r| {
        (0..SHARED)
            .map(|i| {
                Ok(r.register_patient(&clinic::new_patient(i), "desk.bench")?
                    .id)
            })
            .collect()
    })?;
    for ws in &desks {
        sync::sync_once(&ws.replica, &ws.transport).await?;
    }
    // Offline: each change is its own durable write, as a clinician makes it; the four
    // workstations work at the same time (set-up, not measured).
    std::thread::scope(|scope| {
        let workers: Vec<_> = desks
            .iter()
            .enumerate()
            .map(|(desk, ws)| {
                let shared = &shared;
                scope.spawn(move || offline_work(desk, ws, shared))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .map_err(|_| anyhow::anyhow!("an offline worker panicked"))?
            })
            .collect::<Result<Vec<()>>>()
    })?;

    let started = Instant::now();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let reports = futures_join(&desks).await?;
        if reports == 0 {
            break;
        }
        anyhow::ensure!(rounds <= 10, "no convergence after 10 rounds");
    }
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let states: Vec<_> = desks
        .iter()
        .map(|ws| ws.with(|r| Ok(r.document_heads()?)))
        .collect::<Result<_>>()?;
    let expected = SHARED + DESKS * (CHANGES - CHANGES / EDIT_EVERY);
    anyhow::ensure!(
        states[0].len() == expected,
        "a workstation holds {} documents, expected {expected}",
        states[0].len()
    );
    anyhow::ensure!(
        states.iter().all(|s| *s == states[0]),
        "the workstations did not converge to the same heads"
    );
    Ok(ms)
}

/// Workstation `desk`'s offline changes, one durable write each.
fn offline_work(desk: usize, ws: &Workstation, shared: &[DocId]) -> Result<()> {
    ws.with(|r| {
        for k in 0..CHANGES {
            match op(desk, k) {
                Op::Vitals { index, patient } => {
                    r.record_vitals(&samples::new_vitals(index, shared[patient])?, "nurse.bench")?;
                }
                Op::Phone { patient, phone } => {
                    let update = DemographicsUpdate {
                        phone: Some(phone),
                        ..Default::default()
                    };
                    r.edit_patient(shared[patient], &update, "desk.bench")?;
                }
            }
        }
        Ok(())
    })
}

/// One round of sync on every workstation at once; the number of changes it moved.
async fn futures_join(desks: &[Workstation]) -> Result<u64> {
    let mut tasks = Vec::new();
    for ws in desks {
        tasks.push(sync::sync_once(&ws.replica, &ws.transport));
    }
    let mut moved = 0;
    // The futures borrow the workstations, so they are polled together on this task.
    let results = join_all(tasks).await;
    for r in results {
        let r = r.context("a workstation's sync failed")?;
        moved += r.pushed + r.pulled;
    }
    Ok(moved)
}

/// Polls every future to completion concurrently.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futures.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

#[derive(Debug, serde::Deserialize)]
struct PouchReconnect {
    ms: f64,
    rounds: u32,
    docs: usize,
}

pub async fn run(ctx: &Ctx) -> Result<Vec<Ratio>> {
    let data = tempfile::tempdir_in(scratch())?;
    write_pouch_data(data.path())?;
    let pouch = ServerProcess::pouchdb(&ctx.bench_dir)?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..crate::ROUNDS {
        let o = outpost_round(ctx, round).await?;
        let dir = tempfile::tempdir_in(scratch())?;
        let p: PouchReconnect = procs::node(
            &ctx.bench_dir,
            "reconnect.mjs",
            &[
                &pouch.url,
                &format!("reconnect_{round}"),
                path_str(data.path())?,
                path_str(dir.path())?,
            ],
        )?;
        println!(
            "    round {}: Outpost {o:.0} ms, PouchDB {:.0} ms ({} sync rounds, {} documents), \
             every workstation identical on both",
            round + 1,
            p.ms,
            p.rounds,
            p.docs
        );
        ours.push(o);
        theirs.push(p.ms);
    }
    Ok(vec![Ratio {
        row: 'b',
        what: "4 × 2,000 offline changes converge: PouchDB / Outpost".into(),
        ratios: ours.iter().zip(&theirs).map(|(o, p)| p / o).collect(),
        goal: Goal::AtLeast(20.0),
        detail: format!(
            "Outpost {} s, PouchDB {} s; identical state on every workstation checked (heads / winning revisions)",
            fmt(median(&ours) / 1e3),
            fmt(median(&theirs) / 1e3)
        ),
        note: None,
    }])
}
