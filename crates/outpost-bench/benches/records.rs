//! Storage and apply-speed of Outpost records, as ratios against plain baselines measured
//! in the same run (issue: "every clinical record as a CRDT document"):
//! - bytes per vitals set as an Automerge document vs the same record as JSON
//!   (target ≤ 2.5×), and on disk in the encrypted replica vs plain SQLite;
//! - bytes of an encounter with a 2,000-character note vs the same record as JSON: as its
//!   one change, saved compactly, and with the note typed in 20 edits;
//! - applying 10,000 remote changes to a replica, in pages as a sync round pulls them into
//!   an empty replica, vs inserting the same rows into plain SQLite with the same batching
//!   (target ≤ 3×); and, to show how much of that is encryption and the bytes a CRDT
//!   keeps, vs inserting the same rows plus each change's bytes into SQLCipher set up like
//!   the replica (informational).
//!
//! Needs the OS keyring (the replica's key lives there):
//!   scripts/with-keyring.sh cargo bench -p outpost-bench
//!
//! It runs with the system allocator, as the desktop app and the workstations do.

use anyhow::Result;
use outpost_bench::samples::{self, meta};
use outpost_bench::{apply_as_pulled, median, pages, report, report_rounds};
use outpost_domain::document::encounter::{EncounterProjection, EncounterRecord, NoteKind};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::ReplicaId;
use outpost_domain::protocol::WireChange;
use outpost_domain::vitals::VitalsSet;
use outpost_replica::Replica;
use rusqlite::{params, Connection};
use std::path::Path;
use std::time::Duration;

const REMOTE_CHANGES: usize = 10_000;
const PAGE: usize = 500;
const NOTE_CHARS: usize = 2_000;
/// Rounds of the apply and its baselines, taking turns.
const ROUNDS: usize = 5;

fn plain_sqlite(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    create_plain_tables(&conn)?;
    Ok(conn)
}

fn create_plain_tables(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE vitals (id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, taken_at TEXT NOT NULL,
           taken_by TEXT NOT NULL, status TEXT NOT NULL, weight_kg REAL, height_cm REAL,
           temperature_c REAL, systolic_mmhg REAL, diastolic_mmhg REAL, heart_rate_per_min REAL,
           respiratory_rate_per_min REAL, spo2_percent REAL);
         CREATE INDEX vitals_patient ON vitals (patient_id, taken_at);
         CREATE TABLE records (id TEXT PRIMARY KEY, json TEXT NOT NULL);",
    )?;
    Ok(())
}

/// `plain_sqlite`'s tables in a SQLCipher file keyed and set up like the replica's (raw
/// key, cipher_compatibility 4, WAL + synchronous=FULL), plus a table for each change's
/// bytes as pulled: what applying the changes must write at the least.
fn sqlcipher(path: &Path) -> Result<Connection> {
    let conn = outpost_bench::open_sqlcipher(path)?;
    create_plain_tables(&conn)?;
    conn.execute_batch("CREATE TABLE changes (id TEXT PRIMARY KEY, bytes BLOB NOT NULL);")?;
    Ok(conn)
}

/// Inserts `sets` as vitals rows in transactions of [`PAGE`]; with `changes`, each set's
/// change bytes too, in the same transaction.
fn insert_plain(
    conn: &mut Connection,
    sets: &[VitalsSet],
    changes: Option<&[WireChange]>,
) -> Result<()> {
    for (at, page) in sets.chunks(PAGE).enumerate() {
        let tx = conn.transaction()?;
        {
            if let Some(changes) = changes {
                let mut stmt = tx.prepare_cached("INSERT INTO changes VALUES (?1, ?2)")?;
                for c in changes.iter().skip(at * PAGE).take(PAGE) {
                    stmt.execute(params![c.doc_id.to_string(), c.bytes.0])?;
                }
            }
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

/// How long [`insert_plain`] takes into a fresh file that `open` creates (creating it is
/// not timed).
fn timed_insert(
    open: fn(&Path) -> Result<Connection>,
    sets: &[VitalsSet],
    changes: Option<&[WireChange]>,
) -> Result<Duration> {
    median(
        1,
        || {
            let dir = tempfile::tempdir()?;
            let conn = open(&dir.path().join("baseline.sqlite3"))?;
            Ok((dir, conn))
        },
        |(dir, mut conn)| {
            insert_plain(&mut conn, sets, changes)?;
            Ok((dir, conn))
        },
    )
}

fn file_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        total += entry?.metadata()?.len();
    }
    Ok(total)
}

/// Bytes of an encounter with a 2,000-character note: created in one change (the change,
/// and the document saved compactly), and with the note typed in 20 edits of 100
/// characters; the baseline is the same encounter as JSON.
fn encounter_sizes() -> Result<()> {
    let template = samples::published_template()?;
    let record = samples::encounter(&template, NOTE_CHARS)?;
    let json = serde_json::to_vec(&EncounterProjection::of(&record))?.len() as f64;
    let actor = ReplicaId::new();
    let (doc, change) = Document::create(
        actor,
        record.id,
        DocKind::Encounter,
        &record,
        &meta("dr.bench", 0),
    )?;
    report(
        "encounter, 2,000-char note: one change vs JSON (bytes)",
        change.bytes.len() as f64,
        json,
        "B",
        "informational",
    );
    report(
        "encounter, 2,000-char note: saved document vs JSON (bytes)",
        doc.save().len() as f64,
        json,
        "B",
        "informational",
    );
    let mut empty_note = record.clone();
    empty_note.notes.history.set("");
    let (mut typed, _) = Document::create(
        actor,
        record.id,
        DocKind::Encounter,
        &empty_note,
        &meta("dr.bench", 0),
    )?;
    let note = record.notes.history.as_str();
    for step in 1..=20 {
        let so_far: String = note.chars().take(step * NOTE_CHARS / 20).collect();
        typed.edit(
            actor,
            &meta("dr.bench", step as i64),
            |e: &mut EncounterRecord| e.edit_note(NoteKind::History, &so_far),
        )?;
    }
    report(
        "encounter, note typed in 20 edits: saved document vs JSON",
        typed.save().len() as f64,
        json,
        "B",
        "informational",
    );
    Ok(())
}

fn main() -> Result<()> {
    println!("Outpost record benchmarks: ratio = Outpost / baseline, measured in this run; lower is better.");
    println!(
        "Baselines: JSON = the same record as serde_json, uncompressed; plain SQLite = an \
         unencrypted file, WAL + synchronous=FULL like the replica, one vitals table + index, \
         the same rows in transactions of {PAGE} (one pull page); on disk = those rows plus \
         each record's JSON.\n"
    );

    // 1. Bytes per record: the Automerge change/document vs the record as JSON.
    let (wire, sets) = samples::remote_vitals(REMOTE_CHANGES)?;
    let doc_bytes: usize = wire.iter().map(|c| c.bytes.0.len()).sum();
    let json_bytes: usize = sets
        .iter()
        .map(|v| serde_json::to_vec(v).map(|j| j.len()).unwrap_or(0))
        .sum();
    report(
        "vitals set: its one change (as pulled and stored) vs JSON (bytes)",
        doc_bytes as f64 / sets.len() as f64,
        json_bytes as f64 / sets.len() as f64,
        "B",
        "≤ 2.5x",
    );
    encounter_sizes()?;

    // 2. Applying 10,000 remote changes vs plain inserts of the same rows, each into a
    // fresh empty store (creating it is not timed on either side). The contenders take
    // turns round by round, so a change in the disk's speed during the run (its fsyncs
    // dominate the baseline) falls on all of them; each round gives its own ratio.
    let (mut ours, mut plain, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(median(
            1,
            || {
                let dir = tempfile::tempdir()?;
                let replica = Replica::create(dir.path())?;
                Ok((dir, replica, pages(&wire, PAGE)))
            },
            |(dir, mut replica, pages)| {
                apply_as_pulled(&mut replica, pages)?;
                Ok((dir, replica, Vec::new()))
            },
        )?);
        plain.push(timed_insert(plain_sqlite, &sets, None)?);
        // What the apply must write at the least: the same rows and each change's bytes,
        // in SQLCipher (informational: how much of the ratio is encryption and bytes).
        floor.push(timed_insert(sqlcipher, &sets, Some(&wire))?);
    }
    // What one full run leaves on disk, with the replica closed.
    let disk_ours = {
        let dir = tempfile::tempdir()?;
        let mut replica = Replica::create(dir.path())?;
        apply_as_pulled(&mut replica, pages(&wire, PAGE))?;
        drop(replica);
        file_bytes(dir.path())?
    };
    // On-disk baseline: the same rows plus each record as JSON, in plain SQLite.
    let dir = tempfile::tempdir()?;
    let mut conn = plain_sqlite(&dir.path().join("plain.sqlite3"))?;
    insert_plain(&mut conn, &sets, None)?;
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

    report_rounds(
        "apply 10,000 remote changes vs plain SQLite insert (ms)",
        &ours,
        &plain,
        "≤ 3x",
    );
    report_rounds(
        "  the same rows + each change's bytes in SQLCipher vs plain SQLite insert",
        &floor,
        &plain,
        "informational",
    );
    report_rounds(
        "  apply 10,000 remote changes vs those rows + bytes in SQLCipher (ms)",
        &ours,
        &floor,
        "informational",
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
