//! Storage and apply-speed of Outpost records, as ratios against plain baselines measured
//! in the same run (issue: "every clinical record as a CRDT document"):
//! - bytes per vitals set as an Automerge document vs the same record as JSON
//!   (target ≤ 2.5×), in memory and on disk in the encrypted replica vs plain SQLite;
//! - applying 10,000 remote changes to a replica vs inserting the same rows into plain
//!   SQLite with the same batching (target ≤ 3×).
//!
//! Needs the OS keyring (the replica's key lives there):
//!   scripts/with-keyring.sh cargo bench -p outpost-bench

use anyhow::{Context, Result};
use chrono::{Duration as ChronoDuration, TimeZone, Utc};
use outpost_bench::{median, report};
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_domain::vitals::{NewVitals, VitalsSet};
use outpost_replica::Replica;
use rusqlite::{params, Connection};
use std::path::Path;

const REMOTE_CHANGES: usize = 10_000;
const PAGE: usize = 500;

fn sample_vitals(i: usize, patient: DocId) -> Result<VitalsSet> {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .context("time")?;
    let input = NewVitals {
        patient_id: patient,
        weight_kg: Some(60.0 + (i % 40) as f64),
        temperature_c: Some(36.0 + (i % 20) as f64 / 10.0),
        systolic_mmhg: Some(110.0 + (i % 30) as f64),
        diastolic_mmhg: Some(70.0 + (i % 15) as f64),
        heart_rate_per_min: Some(60.0 + (i % 50) as f64),
        respiratory_rate_per_min: Some(12.0 + (i % 8) as f64),
        spo2_percent: Some(94.0 + (i % 6) as f64),
        taken_at: Some(now - ChronoDuration::minutes(i as i64)),
        ..Default::default()
    };
    Ok(input.validate(DocId::new(), "nurse.bench", now)?)
}

/// 10,000 vitals-set changes made by one remote workstation, as they arrive in pull pages.
fn remote_changes() -> Result<(Vec<WireChange>, Vec<VitalsSet>)> {
    let actor = ReplicaId::new();
    let patients: Vec<DocId> = (0..100).map(|_| DocId::new()).collect();
    let mut wire = Vec::with_capacity(REMOTE_CHANGES);
    let mut sets = Vec::with_capacity(REMOTE_CHANGES);
    for i in 0..REMOTE_CHANGES {
        let v = sample_vitals(i, patients[i % patients.len()])?;
        let meta = ChangeMeta {
            author: "nurse.bench".into(),
            wall_ms: 1_763_800_000_000 + i as i64,
            hlc: Hlc {
                wall_ms: 1_763_800_000_000 + i as i64,
                logical: 0,
            },
        };
        let (_, change) = Document::create_vitals(actor, &v, &meta)?;
        wire.push(WireChange {
            replica_id: actor,
            counter: i as u64 + 1,
            doc_id: v.id,
            kind: DocKind::Vitals,
            digest: change.digest,
            bytes: Bytes(change.bytes),
            received_at: None,
        });
        sets.push(v);
    }
    Ok((wire, sets))
}

fn plain_sqlite(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE vitals (id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, taken_at TEXT NOT NULL,
           taken_by TEXT NOT NULL, status TEXT NOT NULL, weight_kg REAL, height_cm REAL,
           temperature_c REAL, systolic_mmhg REAL, diastolic_mmhg REAL, heart_rate_per_min REAL,
           respiratory_rate_per_min REAL, spo2_percent REAL);
         CREATE INDEX vitals_patient ON vitals (patient_id, taken_at);
         CREATE TABLE records (id TEXT PRIMARY KEY, json TEXT NOT NULL);",
    )?;
    Ok(conn)
}

fn insert_plain(conn: &mut Connection, sets: &[VitalsSet]) -> Result<()> {
    for page in sets.chunks(PAGE) {
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO vitals VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for v in page {
                stmt.execute(params![
                    v.id.to_string(),
                    v.patient_id.to_string(),
                    v.taken_at.to_rfc3339(),
                    v.taken_by,
                    "final",
                    v.value("weight_kg"),
                    v.value("height_cm"),
                    v.value("temperature_c"),
                    v.value("systolic_mmhg"),
                    v.value("diastolic_mmhg"),
                    v.value("heart_rate_per_min"),
                    v.value("respiratory_rate_per_min"),
                    v.value("spo2_percent"),
                ])?;
            }
        }
        tx.commit()?;
    }
    Ok(())
}

fn file_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        total += entry?.metadata()?.len();
    }
    Ok(total)
}

fn main() -> Result<()> {
    println!("Outpost record benchmarks (ratio = Outpost / baseline; lower is better)\n");

    // 1. Bytes per small record: the Automerge document vs the record as JSON.
    let (wire, sets) = remote_changes()?;
    let doc_bytes: usize = wire.iter().map(|c| c.bytes.0.len()).sum();
    let json_bytes: usize = sets
        .iter()
        .map(|v| serde_json::to_vec(v).map(|j| j.len()).unwrap_or(0))
        .sum();
    report(
        "vitals set: Automerge change/document vs JSON (bytes)",
        doc_bytes as f64 / sets.len() as f64,
        json_bytes as f64 / sets.len() as f64,
        "B",
        "≤ 2.5x",
    );

    // 2. Applying 10,000 remote changes vs plain inserts of the same rows.
    let mut disk_ours = 0u64;
    let ours = median(3, || {
        let dir = tempfile::tempdir()?;
        let mut replica = Replica::create(dir.path())?;
        for page in wire.chunks(PAGE) {
            replica.apply_remote_changes(page)?;
        }
        drop(replica);
        disk_ours = file_bytes(dir.path())?;
        Ok(())
    })?;
    let plain = median(3, || {
        let dir = tempfile::tempdir()?;
        let mut conn = plain_sqlite(&dir.path().join("plain.sqlite3"))?;
        insert_plain(&mut conn, &sets)
    })?;
    // On-disk baseline: the same rows plus each record as JSON, in plain SQLite.
    let dir = tempfile::tempdir()?;
    let mut conn = plain_sqlite(&dir.path().join("plain.sqlite3"))?;
    insert_plain(&mut conn, &sets)?;
    let tx = conn.transaction()?;
    for v in &sets {
        tx.execute(
            "INSERT INTO records VALUES (?1, ?2)",
            params![v.id.to_string(), serde_json::to_string(v)?],
        )?;
    }
    tx.commit()?;
    drop(conn);
    let disk_plain = file_bytes(dir.path())?;

    report(
        "apply 10,000 remote changes vs plain SQLite insert (ms)",
        ours.as_secs_f64() * 1e3,
        plain.as_secs_f64() * 1e3,
        "ms",
        "≤ 3x",
    );
    report(
        "on disk per vitals set: encrypted replica vs SQLite rows+JSON",
        disk_ours as f64 / REMOTE_CHANGES as f64,
        disk_plain as f64 / REMOTE_CHANGES as f64,
        "B",
        "informational",
    );
    Ok(())
}
