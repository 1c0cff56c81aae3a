//! The baseline for (d): `pgbench` with [`CLIENTS`] connections inserting the rows the
//! server stores for a pushed new patient — a `changes` row, a `documents` row and a
//! `report_patients` row, bytes of the measured average size — [`BATCH`] per transaction,
//! into copies of those tables (same columns, keys and indexes), same Postgres.

use crate::{BATCH, CLIENTS};
use anyhow::{bail, Context, Result};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Baseline {
    pub rows: usize,
    pub elapsed: Duration,
}

impl Baseline {
    pub fn per_sec(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64()
    }
}

const TABLES: &str = "
DROP TABLE IF EXISTS bench_changes, bench_documents, bench_report_patients;
CREATE TABLE bench_changes (LIKE changes INCLUDING ALL);
CREATE TABLE bench_documents (LIKE documents INCLUDING ALL);
CREATE TABLE bench_report_patients (LIKE report_patients INCLUDING ALL);
";

/// One transaction: BATCH changes, their documents and their reporting rows.
fn script(change_bytes: usize) -> String {
    format!(
        "\\set r random(1, 2000000000)
WITH ch AS (
  INSERT INTO bench_changes (clinic_id, replica_id, counter, doc_id, kind, digest, bytes, device_id)
  SELECT x.c, x.c, :r::bigint * {BATCH} + g, gen_random_uuid(), 'patient',
         md5(g::text || :r), decode(repeat(md5(g::text), {reps}), 'hex'), x.c
  FROM generate_series(1, {BATCH}) g, (SELECT gen_random_uuid() AS c) x
  RETURNING clinic_id, doc_id, server_seq, bytes
), d AS (
  INSERT INTO bench_documents (clinic_id, doc_id, kind, bytes, heads, created_seq, updated_seq)
  SELECT clinic_id, doc_id, 'patient', bytes, ARRAY[md5(doc_id::text) || md5(doc_id::text)],
         server_seq, server_seq
  FROM ch RETURNING clinic_id, doc_id
)
INSERT INTO bench_report_patients (clinic_id, patient_id, name, date_of_birth, sex, mrn,
                                   provisional, allergy_count, active_allergens)
SELECT clinic_id, doc_id, 'Bench Patient', '1980-01-01', 'female',
       'B-' || left(doc_id::text, 8), false, 0, '{{}}'
FROM d;
",
        // md5 gives 16 bytes per repetition
        reps = change_bytes.div_ceil(16).max(1)
    )
}

pub fn run(database_url: &str, rows: usize, change_bytes: usize) -> Result<Baseline> {
    let psql = Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", database_url, "-c", TABLES])
        .output()
        .context("running psql (postgresql-client)")?;
    if !psql.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&psql.stderr));
    }
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("ingest.sql");
    std::fs::write(&file, script(change_bytes))?;
    let per_client = rows / (CLIENTS * BATCH);
    let started = Instant::now();
    let out = Command::new("pgbench")
        .args(["-n", "-c", &CLIENTS.to_string(), "-j", "2"])
        .args(["-t", &per_client.to_string()])
        .arg("-f")
        .arg(&file)
        .arg(database_url)
        .output()
        .context("running pgbench (postgresql-contrib / postgresql client tools)")?;
    let elapsed = started.elapsed();
    if !out.status.success() {
        bail!("pgbench: {}", String::from_utf8_lossy(&out.stderr));
    }
    let inserted: i64 = {
        let count = Command::new("psql")
            .args([
                "-tA",
                database_url,
                "-c",
                "SELECT count(*) FROM bench_changes",
            ])
            .output()?;
        String::from_utf8_lossy(&count.stdout).trim().parse()?
    };
    let expected = per_client * CLIENTS * BATCH;
    anyhow::ensure!(
        inserted as usize == expected,
        "pgbench inserted {inserted} of {expected} rows"
    );
    Ok(Baseline {
        rows: expected,
        elapsed,
    })
}
