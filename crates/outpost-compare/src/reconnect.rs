//! (b) reconnecting after an outage: four workstations hold the clinic's 200 shared
//! patients, each makes 2,000 changes offline — 1,800 new vitals sets and 200 edits of the
//! shared patients' phone numbers (10 %; every shared patient is edited on all four, so
//! these overlap) — then all four reconnect at once and sync in rounds until a round
//! moves nothing. Timed from reconnecting to that quiet round; then every workstation
//! must hold the same documents at the same heads. PouchDB does the same with the same
//! records and edits against express-pouchdb. Each workstation syncs on its own thread
//! (PouchDB's: in its own process), as each is a machine of its own: polled together on
//! one task, the four took turns for the CPU, which no clinic's workstations do. Rounds:
//! Outpost, PouchDB; three times.

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
use std::sync::{mpsc, Mutex};
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

    let ms = reconnect(&desks)?;
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

/// All four reconnect at once and sync in rounds until a round moves nothing; returns
/// the milliseconds that took. Each workstation syncs on a thread of its own, with its own
/// async runtime and its own connection to the server, as a workstation is a machine of
/// its own (PouchDB's run in a process each, see bench/reconnect.mjs). Threads, runtimes
/// and connections are set up before the clock starts.
fn reconnect(desks: &[Workstation]) -> Result<f64> {
    std::thread::scope(|scope| {
        let mut threads = Vec::with_capacity(desks.len());
        for ws in desks {
            let (ask, requests) = mpsc::channel::<()>();
            let (answer, answers) = mpsc::channel::<Result<u64>>();
            scope.spawn(move || desk_thread(ws, &requests, &answer));
            threads.push((ask, answers));
        }
        // Every thread answers once when it is ready (or could not get ready).
        for (_, answers) in &threads {
            answers.recv().context("a workstation thread stopped")??;
        }
        let started = Instant::now();
        let mut rounds = 0;
        loop {
            rounds += 1;
            for (ask, _) in &threads {
                ask.send(()).context("a workstation thread stopped")?;
            }
            let mut moved = 0;
            for (_, answers) in &threads {
                moved += answers.recv().context("a workstation thread stopped")??;
            }
            if moved == 0 {
                break;
            }
            anyhow::ensure!(rounds <= 10, "no convergence after 10 rounds");
        }
        // Dropping the senders ends the threads.
        Ok(started.elapsed().as_secs_f64() * 1e3)
    })
}

/// A workstation's thread: answers once set up, then once per round asked for, with the
/// number of changes its sync moved.
fn desk_thread(
    ws: &Workstation,
    requests: &mpsc::Receiver<()>,
    answers: &mpsc::Sender<Result<u64>>,
) {
    // A runtime like the desktop app's (multi-threaded), so a page downloads on a worker
    // while this thread stores the page before it, as it does in the app.
    let ready = tokio::runtime::Runtime::new()
        .context("starting a workstation's runtime")
        .and_then(|rt| Ok((rt, ws.with(|r| Ok(sync::transport_for(r)?))?)));
    let (rt, transport) = match ready {
        Ok(ready) => ready,
        Err(e) => {
            let _ = answers.send(Err(e));
            return;
        }
    };
    if answers.send(Ok(0)).is_err() {
        return;
    }
    while requests.recv().is_ok() {
        let moved = rt
            .block_on(sync::sync_once(&ws.replica, &transport))
            .map(|r| r.pushed + r.pulled)
            .context("a workstation's sync failed");
        if answers.send(moved).is_err() {
            return;
        }
    }
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
